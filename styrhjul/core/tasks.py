"""Background work: the tasks framework (django-tasks with its database
backend, django-tasks-db) seen from the product, in one place.

A task is enqueued when the request's transaction commits and run by
`styrhjul worker` (a separate process, docs/drift.md#arbetaren). The record a
user sees (a document being made, an SIE file being imported) is the app's
own row with the framework task's id in `task_id`.

Every running worker reports in (its heartbeat, `WorkerBeat`) every
beat_every() seconds, from a thread of its own, so also while it works on a long task.
A worker that is killed (kill -9, power cut, out of memory, a machine gone)
stops beating and leaves its task "running" in the framework's table. Such a
task is *lost*:

* claimed by a worker on this machine whose process no longer exists, or
* claimed by a worker that has not reported in for SILENT_AFTER (and, on this
  machine, whose process is gone or cannot be checked), or
* claimed by a worker that never reported in (one started without a
  heartbeat, e.g. `styrhjul worker --batch`) and started more than
  LOST_AFTER ago, or
* claimed by a worker that says it has given it up: it lost the database in
  the middle of the task and waited until it answered again (`abandoned_by`).

A task of a worker that keeps beating is never lost, however long it runs,
so a long document is never made twice. Every live worker looks for lost
tasks when it starts and then on every beat; the web process looks when
someone orders new work.

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

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat

__all__ = [
    "LOST_AFTER",
    "SILENT_AFTER",
    "beat",
    "beat_every",
    "enqueue_on_commit",
    "fail_jobs_of_ended_tasks",
    "recover_lost",
    "stop_beating",
    "task",
    "workers_seen",
]

LOST_AFTER = datetime.timedelta(minutes=30)
# After how long without a word a worker counts as stopped: many beats
# missed, so that a busy database does not fail work that is going on.
SILENT_AFTER = datetime.timedelta(minutes=2)
# Beats of workers stopped for longer are removed.
FORGET_AFTER = datetime.timedelta(days=1)
LOST_CLASS = "styrhjul.core.tasks.WorkerLost"
_ENDED = (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)


def worker_id() -> str:
    """A worker's id names its machine and process, so that a worker started
    later on the same machine can tell that it is gone: "host:pid:random"."""
    return f"{this_host()}:{os.getpid()}:{get_random_string(8)}"


def this_host() -> str:
    return socket.gethostname().split(".")[0][:40]


def _process(worker: str, host: str) -> bool | None:
    """Whether the worker's process runs: True or False for a worker of this
    machine started by `styrhjul worker`, None when it cannot be told
    (another machine, another kind of id, or Windows, where os.kill(pid, 0)
    would stop the process)."""
    name, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if name != host or not pid_text.isdigit() or os.name != "posix":
        return None
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # the process exists (another user's)
    return True


def beat_every() -> float:
    """Seconds between a worker's beats (WORKER_BEAT_SECONDS, standard 10)."""
    return float(getattr(settings, "WORKER_BEAT_SECONDS", 10))


def beat(worker: str, *, now=None) -> None:
    """The worker `worker` reports in."""
    now = now or timezone.now()
    updated = WorkerBeat.objects.filter(pk=worker).update(seen_at=now)
    if not updated:
        WorkerBeat.objects.update_or_create(
            worker_id=worker,
            defaults={"host": this_host(), "started_at": now, "seen_at": now},
        )


def stop_beating(worker: str) -> None:
    """A worker that stops cleanly says so: it is no longer there to be seen."""
    WorkerBeat.objects.filter(pk=worker).delete()


def workers_seen(*, within: datetime.timedelta, now=None) -> int:
    """How many workers have reported in within `within` (for /readyz)."""
    now = now or timezone.now()
    return WorkerBeat.objects.filter(seen_at__gte=now - within).count()


def recover_lost(
    *, now=None, check_processes: bool = False, abandoned_by: str | None = None
) -> int:
    """Mark lost tasks failed (see the module text); returns how many.
    check_processes: also ask whether the processes of this machine's
    workers still run (a worker asks, as it is on the machine; the web
    process may run in a container of its own). abandoned_by: a worker whose
    running tasks are all lost (it runs none of them any longer)."""
    now = now or timezone.now()
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "pk", "worker_ids", "started_at"
        )
    )
    if not running:
        return 0
    claimed_by = {pk: str(workers[-1]) if workers else "" for pk, workers, _ in running}
    seen = dict(
        WorkerBeat.objects.filter(pk__in=set(claimed_by.values())).values_list("pk", "seen_at")
    )
    host = this_host()
    lost = set()
    for pk, _, started_at in running:
        worker = claimed_by[pk]
        alive = _process(worker, host) if check_processes else None
        if alive is False or (abandoned_by is not None and worker == abandoned_by):
            lost.add(pk)
        elif worker in seen:
            if seen[worker] < now - SILENT_AFTER and not alive:
                lost.add(pk)
        elif started_at is None or started_at < now - LOST_AFTER:
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
