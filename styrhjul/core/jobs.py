"""Bakgrundsjobb (core.models.BackgroundJob): bulk work a person starts and a
worker does, with its progress stored so the page can show it. The app that
owns a kind of job writes its task with these helpers:

    job = jobs.start(kind="occasion_open", subject_id=occasion.pk, actor=user,
                     task=open_occasion)      # returns the active one if any
    ...in the task:  with jobs.running(job_id) as job: ...; jobs.progress(job.pk, 40)

Starting a second job of the same kind on the same row while one is queued
or running returns that one (running twice would do the work twice for
nothing). A job whose worker stopped is marked failed with LOST_MESSAGE
(core.tasks explains when a worker counts as stopped)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from . import tasks
from .models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
LOST_MESSAGE = (
    "Arbetet blev inte klart eftersom det avbröts (tjänsten startades om eller "
    "stoppades). Starta det igen; det som redan är gjort görs inte om."
)
FAILED_MESSAGE = "Arbetet kunde inte slutföras på grund av ett fel. Försök igen."


# How often a page asks again for the status of work in progress: at once
# while it is new, less often as it goes on (a long document need not be
# asked for every second by every committee waiting for one).
POLL_STEPS = ((10, 1), (60, 2))  # (younger than seconds, ask every seconds)
POLL_LONG = 5


def poll_seconds(requested_at, now=None) -> int:
    """Seconds between a page's status requests for work requested at
    `requested_at` (any job: BackgroundJob, DocumentJob, an SIE upload)."""
    age = ((now or timezone.now()) - requested_at).total_seconds() if requested_at else 0
    for younger_than, every in POLL_STEPS:
        if age < younger_than:
            return every
    return POLL_LONG


def latest(kind: str, subject_ids) -> dict[int, BackgroundJob]:
    """The latest job of `kind` for each of the rows (one query)."""
    found: dict[int, BackgroundJob] = {}
    for job in BackgroundJob.objects.filter(kind=kind, subject_id__in=list(subject_ids)):
        found.setdefault(job.subject_id, job)  # newest first (Meta.ordering)
    return found


def start(*, kind: str, subject_id: int, actor, task) -> BackgroundJob:
    """A job of `kind` on row `subject_id`, enqueued as `task(job_id)` when
    the current transaction commits; the one already queued or running, if
    there is one."""
    recover()
    with transaction.atomic():
        active = (
            BackgroundJob.objects.select_for_update()
            .filter(kind=kind, subject_id=subject_id, status__in=ACTIVE)
            .first()
        )
        if active is not None:
            return active
        job = BackgroundJob.objects.create(
            kind=kind,
            subject_id=subject_id,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        tasks.enqueue_on_commit(
            task,
            job.pk,
            on_enqueued=lambda t: BackgroundJob.objects.filter(pk=job.pk).update(task_id=t),
        )
    return job


def claim(job_id: int) -> BackgroundJob | None:
    """Mark the job running, if it is queued (so two workers never do it
    both); None when it is not."""
    claimed = BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=1
    )
    if not claimed:
        return None
    return BackgroundJob.objects.select_related("requested_by").get(pk=job_id)


def progress(job_id: int, percent: int) -> None:
    BackgroundJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        progress=max(1, min(99, int(percent)))
    )


def done(job_id: int, message: str) -> None:
    BackgroundJob.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, progress=100, message=message, finished_at=timezone.now()
    )


def fail(job_id: int, message: str = FAILED_MESSAGE) -> None:
    BackgroundJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message, finished_at=timezone.now()
    )


def recover(now=None) -> int:
    """Jobs whose task was lost (its worker stopped) or ended without
    finishing the job are marked failed with LOST_MESSAGE; returns how many."""
    tasks.recover_lost(now=now)
    return tasks.fail_jobs_of_ended_tasks(
        BackgroundJob.objects.all(),
        active=ACTIVE,
        failed=JobStatus.FAILED,
        message=LOST_MESSAGE,
        now=now,
    )
