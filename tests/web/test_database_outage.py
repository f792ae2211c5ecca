"""PostgreSQL unreachable under a real `styrhjul serve` (issue 15, faults): the
server reaches the database through a small TCP proxy in this test, which
cuts every connection and refuses new ones, then lets them through again.
Meanwhile visitors get the Swedish 503 page (not a 500) and the health probes
say so, a login posted meanwhile too; afterwards the very next request is
served, without a restart: the broken connections are found by
CONN_HEALTH_CHECKS and replaced. A `styrhjul worker` through the same proxy
waits out the outage instead of stopping, fails the job it held, and then
makes a document ordered after the database came back.

PostgreSQL only: SQLite is a file, it cannot become unreachable."""

import re
import time

import pytest
import requests
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from styrhjul.demo.load import UNAVAILABLE_TEXT, DatabaseProxy, Process
from styrhjul.documents import jobs
from styrhjul.documents.models import DocumentJob
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant
from tests.servers import database_url_for_subprocess, password_hash, production_env, serving

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("serve")]

PASSWORD = "ett långt lösenord 123"


@pytest.fixture
def proxy():
    if connection.vendor != "postgresql":
        pytest.skip("bara PostgreSQL kan bli onåbar (DATABASE_URL=postgres://…)")
    db = connection.settings_dict
    proxy = DatabaseProxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    yield proxy
    proxy.close()


def test_visitors_get_the_503_page_while_the_database_is_away_and_it_recovers(tmp_path, proxy):
    user = UserFactory(username="besokare")
    user.password = password_hash(PASSWORD)
    user.save()
    env = production_env(tmp_path, database_url_for_subprocess(tmp_path, port=proxy.port))

    with serving(env) as (_server, base):
        session = requests.Session()
        session.get(base + "/konto/logga-in/", timeout=30)
        response = session.post(
            base + "/konto/logga-in/",
            data={
                "username": "besokare",
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302
        for _ in range(3):  # the server keeps its connections open (CONN_MAX_AGE)
            assert session.get(base + "/", timeout=30).status_code == 200
        assert proxy.connections >= 1
        newcomer = requests.Session()  # on the login page as the database goes
        newcomer.get(base + "/konto/logga-in/", timeout=30)

        proxy.cut()
        for path in ("/", "/uppfoljning/arshjul/"):
            page = session.get(base + path, timeout=30)
            assert page.status_code == 503, page.text[:300]
            assert page.headers["Retry-After"] == "30"
            assert UNAVAILABLE_TEXT in page.text
        saved = session.post(
            base + "/konto/logga-ut/",
            data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=30,
        )
        assert saved.status_code == 503
        login = newcomer.post(
            base + "/konto/logga-in/",
            data={
                "username": "besokare",
                "password": PASSWORD,
                "csrfmiddlewaretoken": newcomer.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )
        assert login.status_code == 503, login.text[:300]
        assert UNAVAILABLE_TEXT in login.text
        assert requests.get(base + "/healthz", timeout=30).status_code == 503

        proxy.restore()
        # The first request after the database is back is served as usual.
        page = session.get(base + "/", timeout=30)
        assert page.status_code == 200
        assert "Välkommen" in page.text
        assert requests.get(base + "/healthz", timeout=30).status_code == 200


def test_the_worker_waits_out_the_outage_and_then_makes_what_is_ordered(
    tmp_path, proxy, org, reported
):
    reader = UserFactory(first_name="Rut", last_name="Läsare")
    grant(reader, org["namnd"], Role.READER)
    # The document the worker is making as the database goes ("Skapas").
    held = order(reader, org, reported)
    DBTaskResult.objects.filter(pk=held.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=[WORKER]
    )
    DocumentJob.objects.filter(pk=held.pk).update(status="running", progress=40)
    env = production_env(
        tmp_path,
        database_url_for_subprocess(tmp_path, port=proxy.port),
        STYRHJUL_WORKER_BEAT_SECONDS="1",
    )
    worker = Process(
        "styrhjul worker",
        ["worker", "--no-reload", "--interval", "0.2", "--worker-id", WORKER],
        env,
    )
    try:
        said(worker, "Starting worker", timeout=120)

        proxy.cut()
        said(worker, "Databasen svarar inte .* Arbetaren försöker igen om 1 s.")
        time.sleep(2)  # away a while: it keeps waiting
        assert worker.process.poll() is None, "".join(worker.output)
        proxy.restore()
        said(worker, "Databasen svarar igen. Arbetaren fortsätter.")
        held.refresh_from_db()
        assert (held.status, held.message) == ("failed", jobs.LOST_MESSAGE)

        ordered = order(reader, org, reported)
        deadline = time.monotonic() + 120
        while ordered.status != "done" and time.monotonic() < deadline:
            time.sleep(0.3)
            ordered.refresh_from_db()
        assert ordered.status == "done", "".join(worker.output)
        assert ordered.size > 0

        # Stopped while it waits for the database: at once, and cleanly.
        before = len(worker.output)
        proxy.cut()
        said(worker, "Arbetaren försöker igen om 1 s.", since=before)
        started = time.monotonic()
        assert worker.stop(timeout=10) == 0, "".join(worker.output)
        assert time.monotonic() - started < 5
    finally:
        worker.stop(timeout=10)


WORKER = "arbetaren-i-testet"


def order(reader, org, occasion) -> DocumentJob:
    """A document ordered as on the document page (queued when committed)."""
    job = jobs.submit(
        actor=reader, unit=org["namnd"], occasion=occasion, document="delarsrapport", fmt="xlsx"
    )
    job.refresh_from_db()
    return job


def said(process: Process, pattern: str, *, since: int = 0, timeout: float = 30) -> None:
    """Wait until the process has written a line matching `pattern` (after
    its first `since` lines)."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(regex.search(line) for line in process.output[since:]):
            return
        if process.process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"the worker did not say {pattern!r}:\n" + "".join(process.output[-30:]))
