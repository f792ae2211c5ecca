"""The worker's heartbeat: a job whose worker stopped beating (killed, its
machine gone) is marked failed with a Swedish message by any live worker on
its timer, while a long job of a worker that keeps beating is left to finish."""

from __future__ import annotations

import datetime
import os
import signal
import sqlite3
import subprocess
import time

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from styrhjul.core import tasks
from styrhjul.core.models import WorkerBeat
from styrhjul.documents import jobs
from styrhjul.documents.models import DocumentJob
from styrhjul.organisation.models import Role
from styrhjul.web.management.commands.worker import Heartbeat
from tests.factories import UserFactory, grant
from tests.servers import migrated_sqlite

from .test_production import PATIENCE, STYRHJUL, environment

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def reader(org):
    user = UserFactory(first_name="Rut", last_name="Läsare")
    grant(user, org["namnd"], Role.READER)
    return user


def running_job(reader, org, occasion, *, worker, started_ago):
    job = jobs.submit(
        actor=reader, unit=org["namnd"], occasion=occasion, document="delarsrapport", fmt="pdf"
    )
    started = timezone.now() - started_ago
    result = jobs.make_document.enqueue(job.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[worker]
    )
    DocumentJob.objects.filter(pk=job.pk).update(
        status="running", progress=40, started_at=started, task_id=result.id
    )
    return DocumentJob.objects.get(pk=job.pk)


def last_beat(worker: str, ago: datetime.timedelta) -> None:
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id=worker, host=worker.split(":")[0], started_at=now - ago, seen_at=now - ago
    )


def test_a_live_worker_fails_on_its_timer_the_job_of_a_worker_that_stopped_beating(
    org, reported, reader
):
    stopped = running_job(reader, org, reported, worker="dator2:41:a", started_ago=5 * MINUTE)
    last_beat("dator2:41:a", 3 * MINUTE)

    Heartbeat("dator1:7:b", interval=10).tick()

    stopped.refresh_from_db()
    assert (stopped.status, stopped.message) == ("failed", jobs.LOST_MESSAGE)
    assert "avbröts" in stopped.message
    assert DBTaskResult.objects.get(pk=stopped.task_id).status == TaskResultStatus.FAILED
    # The live worker has reported in.
    assert tasks.workers_seen(within=MINUTE) == 1
    assert WorkerBeat.objects.filter(pk="dator1:7:b").exists()


def test_a_long_job_of_a_worker_that_keeps_beating_is_never_cut_off(org, reported, reader):
    # Longer than LOST_AFTER: without a heartbeat it would count as lost and
    # could be ordered and made a second time while the first still runs.
    long = running_job(reader, org, reported, worker="dator2:41:a", started_ago=45 * MINUTE)
    last_beat("dator2:41:a", datetime.timedelta(seconds=10))

    Heartbeat("dator1:7:b", interval=10).tick()

    long.refresh_from_db()
    assert long.status == "running"
    assert DBTaskResult.objects.get(pk=long.task_id).status == TaskResultStatus.RUNNING


def test_a_silent_worker_whose_process_still_runs_on_this_machine_is_not_cut_off(
    org, reported, reader
):
    # E.g. a heartbeat held up by a long write on SQLite: the process is
    # there, its job will end.
    alive = f"{tasks.this_host()}:{os.getpid()}:a"
    job = running_job(reader, org, reported, worker=alive, started_ago=5 * MINUTE)
    last_beat(alive, 3 * MINUTE)
    assert tasks.recover_lost(check_processes=True) == 0
    # Asked without looking at processes (the web process), silence decides.
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.RUNNING
    assert tasks.recover_lost() == 1
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED


def test_a_worker_that_never_beat_falls_under_the_age_rule(org, reported, reader):
    young = running_job(reader, org, reported, worker="dator3:9:c", started_ago=5 * MINUTE)
    old = running_job(
        reader, org, reported, worker="dator3:9:c", started_ago=tasks.LOST_AFTER + MINUTE
    )
    assert jobs.recover() == 1
    young.refresh_from_db()
    old.refresh_from_db()
    assert (young.status, old.status) == ("running", "failed")


def test_beats_of_workers_stopped_long_ago_are_forgotten(db):
    last_beat("gammal:1:a", tasks.FORGET_AFTER + MINUTE)
    last_beat("ny:1:a", MINUTE)
    tasks.recover_lost()
    assert list(WorkerBeat.objects.values_list("pk", flat=True)) == ["ny:1:a"]
    assert tasks.workers_seen(within=MINUTE) == 0
    assert tasks.workers_seen(within=2 * MINUTE) == 1


# --- The real worker process ---------------------------------------------------------------------


def test_the_worker_process_beats_fails_lost_work_on_its_timer_and_signs_off(tmp_path):
    env = environment(tmp_path, DEBUG="1", STYRHJUL_WORKER_BEAT_SECONDS="0.2")
    database = migrated_sqlite(tmp_path)
    worker = subprocess.Popen(
        [str(STYRHJUL), "worker", "--no-reload", "--interval", "0.2"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # A task left running by a worker on another machine that was
        # switched off ten minutes ago, put there after this worker started.
        wait_for(lambda: beats(database), "the worker reports in")
        ten_minutes_ago = (timezone.now() - 10 * MINUTE).replace(tzinfo=None).isoformat(" ")
        with sqlite3.connect(database) as db:
            db.execute(
                "INSERT INTO core_workerbeat VALUES ('avstängd:12:x', 'avstängd', ?, ?)",
                (ten_minutes_ago, ten_minutes_ago),
            )
            db.execute(
                "INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at,"
                " started_at, args_kwargs, priority, task_path, worker_ids, queue_name,"
                " backend_name, run_after, exception_class_path, traceback)"
                " VALUES ('0123456789abcdef0123456789abcdef', 'RUNNING', ?, ?, '{}', 0,"
                " 'styrhjul.documents.jobs.make_document', '[\"avstängd:12:x\"]', 'default',"
                " 'default', ?, '', '')",
                (ten_minutes_ago, ten_minutes_ago, ten_minutes_ago),
            )
        wait_for(lambda: task_status(database) == "FAILED", "the lost task is failed")
        assert [w for w in beats(database) if w.startswith("avstängd")] == ["avstängd:12:x"]
    finally:
        worker.send_signal(signal.SIGTERM)
        status = worker.wait(timeout=30)
    assert status == 0, worker.stderr.read()
    # A worker that stops cleanly is no longer counted as there.
    assert beats(database) == ["avstängd:12:x"]


def beats(database) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT worker_id FROM core_workerbeat")]


def task_status(database) -> str:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()[0]


def wait_for(condition, what: str, patience: float = PATIENCE) -> None:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting until {what}")
