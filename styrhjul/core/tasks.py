"""Background work: the tasks framework (django-tasks with its database
backend, django-tasks-db) seen from the product, in one place.

A task is enqueued when the request's transaction commits and run by
`styrhjul worker` (a separate process, docs/drift.md#arbetaren). The record a
user sees (a document being made, an SIE file being imported) is the app's
own row with the framework task's id in `task_id`.

A worker that is killed (kill -9, power cut, out of memory) leaves its task
"running" in the framework's table for ever. Such a task is *lost*:

* claimed by a worker on this machine whose process no longer exists
  (checked when `styrhjul worker` starts), or
* started more than LOST_AFTER ago (longer than any document or import takes;
  checked when the worker starts and whenever someone orders new work).

A lost task is marked failed, and the app's record of it is marked failed with
a message in Swedish (fail_jobs_of_ended_tasks). It is not run again by
itself: work that killed its worker (out of memory) would kill the next one
too. The user orders it again, which is safe: documents only read, imports
are all-or-nothing.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid

from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

__all__ = ["LOST_AFTER", "enqueue_on_commit", "fail_jobs_of_ended_tasks", "recover_lost", "task"]

LOST_AFTER = datetime.timedelta(minutes=30)
LOST_CLASS = "styrhjul.core.tasks.WorkerLost"
_ENDED = (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)


def worker_id() -> str:
    """A worker's id names its machine and process, so that a worker started
    later on the same machine can tell that it is gone: "host:pid:random"."""
    host = socket.gethostname().split(".")[0][:40]
    return f"{host}:{os.getpid()}:{get_random_string(8)}"


def _process_gone(worker: str, host: str) -> bool:
    name, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if name != host or not pid_text.isdigit() or os.name != "posix":
        # Another machine's worker, one not started by `styrhjul worker`, or
        # Windows (where os.kill(pid, 0) would stop the process): the age rule.
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # the process exists (another user's)
    return False


def recover_lost(*, now=None, check_processes: bool = False) -> int:
    """Mark lost tasks failed (see the module text); returns how many.
    check_processes: also those claimed by a worker of this machine that no
    longer runs (only a worker starting up asks, as it is on the machine)."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    lost = set(running.filter(started_at__lt=now - LOST_AFTER).values_list("pk", flat=True))
    if check_processes:
        host = socket.gethostname().split(".")[0][:40]
        for pk, workers in running.values_list("pk", "worker_ids"):
            if workers and _process_gone(str(workers[-1]), host):
                lost.add(pk)
    if not lost:
        return 0
    return DBTaskResult.objects.filter(pk__in=lost, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=LOST_CLASS,
        traceback="The worker running this task stopped before it was done.",
    )


def ended_task_ids(task_ids) -> set[str]:
    """Of the given framework task ids, those whose task has ended (done,
    failed or lost) or that the framework no longer knows."""
    wanted = {str(uuid.UUID(str(t))) for t in task_ids if t}
    still = {
        str(pk)
        for pk in DBTaskResult.objects.filter(pk__in=wanted)
        .exclude(status__in=_ENDED)
        .values_list("pk", flat=True)
    }
    return wanted - still


def fail_jobs_of_ended_tasks(
    jobs: models.QuerySet, *, active: tuple, failed: str, message: str, now=None
) -> int:
    """An app's records (`jobs`, with status, task_id, message, finished_at)
    that are still active although their task has ended get status `failed`
    and `message`; returns how many."""
    pairs = list(jobs.filter(status__in=active).exclude(task_id="").values_list("pk", "task_id"))
    if not pairs:
        return 0
    ended = ended_task_ids(t for _, t in pairs)
    stuck = [pk for pk, t in pairs if str(uuid.UUID(str(t))) in ended]
    if not stuck:
        return 0
    return jobs.filter(pk__in=stuck, status__in=active).update(
        status=failed, message=message, finished_at=now or timezone.now()
    )


def enqueue_on_commit(the_task, *args, on_enqueued=None) -> None:
    """Enqueue `the_task(*args)` when the current transaction commits (so the
    worker finds the rows the task reads); on_enqueued(task_id) then records
    the framework's id on the app's row."""
    from django.db import transaction

    def enqueue() -> None:
        result = the_task.enqueue(*args)
        if on_enqueued is not None:
            on_enqueued(str(result.id))

    transaction.on_commit(enqueue)
