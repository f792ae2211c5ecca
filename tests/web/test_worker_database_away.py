"""The worker when the database stops answering (issue 15, faults): it waits
with growing pauses instead of stopping, stops at once on SIGTERM while it
waits, and when the database answers again marks failed the job it was
running, so that no job is left "Skapas". The real process against a
database that goes away: tests/web/test_database_outage.py."""

from __future__ import annotations

import datetime
import io
import itertools
import logging
import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from styrhjul.core.models import WorkerBeat
from styrhjul.documents import jobs
from styrhjul.organisation.models import Role
from styrhjul.web.management.commands import worker as command
from tests.factories import UserFactory, grant

from .test_worker_heartbeat import last_beat, running_job

REFUSED = OperationalError(
    'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
    "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"
)
MINUTE = datetime.timedelta(minutes=1)


def standing_worker(worker_id: str = "dator1:7:b") -> command.Worker:
    return command.Worker(
        queue_names=["default"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.fixture
def reader(org):
    user = UserFactory(first_name="Rut", last_name="Läsare")
    grant(user, org["namnd"], Role.READER)
    return user


@pytest.fixture
def no_closing():
    # Closing the connection would end the test's transaction (tests/worker.py).
    with mock.patch.object(command, "close_connections", lambda: None):
        yield


def test_the_pauses_double_from_one_second_up_to_thirty():
    assert list(itertools.islice(command.pauses(), 8)) == [1, 2, 4, 8, 16, 30, 30, 30]


def test_the_worker_waits_for_the_database_instead_of_stopping_and_sigterm_stops_it(
    caplog, no_closing
):
    worker = standing_worker()
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) == 7:  # systemctl stop while it waits
            worker.shutdown(signal.SIGTERM, None)

    with (
        mock.patch.object(db_worker.Worker, "run", side_effect=REFUSED),
        mock.patch.object(command, "recover", side_effect=REFUSED),
        mock.patch.object(command.time, "sleep", sleep),
        caplog.at_level(logging.WARNING, logger="styrhjul.worker"),
        pytest.raises(SystemExit) as stopped,
    ):
        worker.run()

    assert stopped.value.code == 0
    assert slept == [1, 2, 4, 8, 16, 30, 30]
    assert "Databasen svarar inte (connection failed: connection to server at" in caplog.text
    assert "Arbetaren försöker igen om 30 s." in caplog.text


def test_other_database_errors_still_stop_the_worker(no_closing):
    with (
        mock.patch.object(db_worker.Worker, "run", side_effect=IntegrityError("x")),
        pytest.raises(IntegrityError),
    ):
        standing_worker().run()


def test_back_again_the_worker_fails_the_job_it_was_running_and_goes_on(
    org, reported, reader, caplog, no_closing
):
    # Both workers keep beating; only this one lost its database in the
    # middle of its job.
    held = running_job(reader, org, reported, worker="dator1:7:b", started_ago=MINUTE)
    other = running_job(reader, org, reported, worker="dator2:9:c", started_ago=MINUTE)
    last_beat("dator1:7:b", datetime.timedelta(seconds=5))
    last_beat("dator2:9:c", datetime.timedelta(seconds=5))
    recover = command.recover
    runs = []
    tries = []

    def recover_when_back(**kwargs):
        tries.append(kwargs)
        if len(tries) < 3:  # away at once and after the first pause
            raise REFUSED
        return recover(**kwargs)

    def run(self):
        runs.append(self.worker_id)
        if len(runs) == 1:
            raise OperationalError("consuming input failed: server closed the connection")

    with (
        mock.patch.object(db_worker.Worker, "run", run),
        mock.patch.object(command, "recover", recover_when_back),
        mock.patch.object(command.time, "sleep") as sleep,
        caplog.at_level(logging.WARNING, logger="styrhjul.worker"),
    ):
        standing_worker("dator1:7:b").run()

    assert runs == ["dator1:7:b", "dator1:7:b"]  # it went on working
    assert tries == [{"abandoned_by": "dator1:7:b"}] * 3
    assert [c.args[0] for c in sleep.call_args_list] == [1, 2]
    held.refresh_from_db()
    other.refresh_from_db()
    assert (held.status, held.message) == ("failed", jobs.LOST_MESSAGE)
    assert DBTaskResult.objects.get(pk=held.task_id).status == TaskResultStatus.FAILED
    assert other.status == "running"
    assert DBTaskResult.objects.get(pk=other.task_id).status == TaskResultStatus.RUNNING
    assert "Databasen svarar igen. Arbetaren fortsätter." in caplog.text
    assert "Markerade 1 avbrutna jobb som misslyckade." in caplog.text


def test_a_worker_started_while_the_database_is_away_waits_for_it(db, no_closing, caplog):
    answers = [REFUSED, REFUSED, 0]  # away at the start and after the first pause

    def recover(**kwargs):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with (
        mock.patch.object(command, "recover", recover),
        mock.patch.object(command.time, "sleep") as sleep,
        mock.patch.object(command.Worker, "run", autospec=True) as run,
        mock.patch.object(command.tasks, "beat", wraps=command.tasks.beat) as beat,
        caplog.at_level(logging.WARNING, logger="styrhjul.worker"),
    ):
        call_command("worker", "--no-reload", "--worker-id", "dator1:7:b", stdout=io.StringIO())

    assert [c.args[0] for c in sleep.call_args_list] == [1, 2]
    assert run.call_count == 1  # then it worked
    assert "Databasen svarar igen. Arbetaren fortsätter." in caplog.text
    # It reported in once the database answered, and signed off when it stopped.
    beat.assert_any_call("dator1:7:b")
    assert not WorkerBeat.objects.exists()
