"""Documents made in the background: a request stores a DocumentJob (the
record the user sees: status, progress, the finished file) and, when it
commits, enqueues the task `make_document`, which `styrhjul worker` runs
(core.tasks, docs/drift.md#arbetaren). The task writes its progress as it
goes and stores the finished file with the time the data was read. The
reporting pages are never blocked: a job reads the database like any page
and writes only its own row.

One person may have at most DOCUMENT_JOBS_PER_USER documents unfinished at
once. A job whose worker stopped (core.tasks: lost) is marked failed with a
message and may be ordered again."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from styrhjul.core import tasks
from styrhjul.core.concurrency import use_case
from styrhjul.organisation import access
from styrhjul.planning.queries import organisation_id_of

from . import registry
from .internal_control import DocumentError
from .models import DocumentJob, JobStatus

logger = logging.getLogger(__name__)
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
LOST_MESSAGE = (
    "Dokumentet blev inte klart eftersom arbetet med det avbröts "
    "(tjänsten startades om eller stoppades). Beställ det igen."
)


@use_case
def submit(*, actor, unit, occasion, document: str, fmt: str, options=None) -> DocumentJob:
    """Queue a document (the user must read the unit and all below it:
    access.can_read_tree; at most DOCUMENT_JOBS_PER_USER unfinished) and
    enqueue its task once the job is stored."""
    if not access.can_read_tree(actor, unit):
        raise PermissionDenied
    kind = registry.TYPES.get(document)
    if kind is None or fmt not in kind.formats:
        raise ValidationError({"fmt": "Välj ett dokument och ett format som finns."})
    if occasion.model.organisation_id != organisation_id_of(unit):
        raise ValidationError("Uppföljningen hör till en annan organisation.")
    requested_by = actor if getattr(actor, "pk", None) else None
    if requested_by is not None:
        recover()
        # One order at a time per person, so two at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=requested_by.pk).first()
        limit = settings.DOCUMENT_JOBS_PER_USER
        unfinished = DocumentJob.objects.filter(requested_by=requested_by, status__in=ACTIVE)
        if unfinished.count() >= limit:
            raise ValidationError(
                f"Du har redan {limit} dokument som inte är klara. Vänta tills något "
                "av dem är klart och beställ sedan nästa."
            )
    job = DocumentJob.objects.create(
        unit=unit,
        occasion=occasion,
        document=document,
        fmt=fmt,
        options=options or {},
        requested_by=requested_by,
        title=f"{kind.label}, {occasion.title}, {unit.name}",
    )
    tasks.enqueue_on_commit(make_document, job.pk, on_enqueued=lambda t: _enqueued(job.pk, t))
    return job


def _enqueued(job_id: int, task_id: str) -> None:
    DocumentJob.objects.filter(pk=job_id).update(task_id=task_id)


@tasks.task()
def make_document(job_id: int) -> str:
    """The framework task: make the job's document (run)."""
    job = run(job_id)
    return job.status if job is not None else "not-queued"


def _progress(job_id: int, progress: int, **fields) -> None:
    DocumentJob.objects.filter(pk=job_id).update(progress=progress, **fields)


def run(job_id: int) -> DocumentJob | None:
    """Make the job's document. Claims the job first, so two workers never
    make the same one."""
    claimed = DocumentJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=5
    )
    if not claimed:
        return None
    job = DocumentJob.objects.select_related("unit", "occasion__model", "requested_by").get(
        pk=job_id
    )
    try:
        read_at = timezone.now()
        report = registry.build(
            job.document, job.unit, job.occasion, options=job.options, reader=job.requested_by
        )
        _progress(job_id, 40, read_at=read_at, title=getattr(report, "title", job.title)[:300])
        data, name = registry.render(job.document, report, job.fmt)
    except DocumentError as exc:
        _fail(job_id, str(exc))
    except Exception:  # noqa: BLE001 - any failure is shown on the job, never lost
        logger.exception("Dokumentet %s kunde inte skapas", job_id)
        _fail(job_id, "Dokumentet kunde inte skapas på grund av ett fel. Försök igen.")
    else:
        DocumentJob.objects.filter(pk=job_id).update(
            status=JobStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            filename=name,
            data=data,
            size=len(data),
        )
    return DocumentJob.objects.get(pk=job_id)


def _fail(job_id: int, message: str) -> None:
    DocumentJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message
    )


def recover(now=None) -> int:
    """Jobs whose task was lost (its worker stopped) or ended without
    finishing the job are marked failed with LOST_MESSAGE; returns how many
    (core.tasks explains the rule)."""
    tasks.recover_lost(now=now)
    return tasks.fail_jobs_of_ended_tasks(
        DocumentJob.objects.all(),
        active=ACTIVE,
        failed=JobStatus.FAILED,
        message=LOST_MESSAGE,
        now=now,
    )
