"""Documents made in the background: a request stores a DocumentJob and
returns at once; the job is run in a thread of the web process (the
default) or by `styrhjul document-worker` (STYRHJUL_DOCUMENT_WORKER=external),
writes its progress as it goes and stores the finished file with the time
the data was read. The reporting pages are never blocked: a job reads the
database like any page and writes only its own row."""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection, connections, transaction
from django.utils import timezone

from styrhjul.core.concurrency import use_case
from styrhjul.organisation import access
from styrhjul.planning.queries import organisation_id_of

from . import registry
from .internal_control import DocumentError
from .models import DocumentJob, JobStatus

logger = logging.getLogger(__name__)
STALE_AFTER = datetime.timedelta(minutes=30)  # a running job this old died with its process


@use_case
def submit(*, actor, unit, occasion, document: str, fmt: str, options=None) -> DocumentJob:
    """Queue a document (the user must read the unit and all below it:
    access.can_read_tree) and start it once the job is stored."""
    if not access.can_read_tree(actor, unit):
        raise PermissionDenied
    kind = registry.TYPES.get(document)
    if kind is None or fmt not in kind.formats:
        raise ValidationError({"fmt": "Välj ett dokument och ett format som finns."})
    if occasion.model.organisation_id != organisation_id_of(unit):
        raise ValidationError("Uppföljningen hör till en annan organisation.")
    job = DocumentJob.objects.create(
        unit=unit,
        occasion=occasion,
        document=document,
        fmt=fmt,
        options=options or {},
        requested_by=actor if getattr(actor, "pk", None) else None,
        title=f"{kind.label}, {occasion.title}, {unit.name}",
    )
    if getattr(settings, "DOCUMENT_WORKER", "thread") == "thread":
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def start_thread(job_id: int) -> threading.Thread:
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True)
    thread.start()
    return thread


def _run_in_thread(job_id: int) -> None:
    # The thread has a database connection of its own, closed at the end.
    try:
        run(job_id)
    finally:
        connections.close_all()


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
    job = DocumentJob.objects.select_related("unit", "occasion__model").get(pk=job_id)
    try:
        read_at = timezone.now()
        report = registry.build(job.document, job.unit, job.occasion, options=job.options)
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


def requeue_stale(now=None) -> int:
    """Jobs left running by a process that stopped go back in the queue."""
    now = now or timezone.now()
    return DocumentJob.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(status=JobStatus.QUEUED, progress=0)


def work(*, once: bool = False, poll: float = 2.0, stop=None) -> int:
    """Run queued jobs, oldest first (`styrhjul document-worker`)."""
    done = 0
    while True:
        requeue_stale()
        next_job = (
            DocumentJob.objects.filter(status=JobStatus.QUEUED)
            .order_by("requested_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if next_job is not None:
            if not connection.in_atomic_block:
                close_old_connections()  # between jobs, as between requests
            if run(next_job) is not None:
                done += 1
            continue
        if once or (stop is not None and stop()):
            return done
        time.sleep(poll)
