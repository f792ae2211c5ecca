"""Gallring: generated document files are not kept for ever. A finished or
failed document (DocumentJob) is removed when all of these hold:

* it is not among the DOCUMENT_KEEP_LATEST latest finished ones of its
  document, format, unit and occasion (the one a person comes back for);
* it finished more than DOCUMENT_KEEP_DAYS days ago;
* it has not been downloaded, if DOCUMENT_KEEP_DOWNLOADED (the standard: a
  file someone took away is one the organisation may be asked about);
* it is not marked `keep` (set by what must outlive the rule, e.g. a
  published document: mark_kept).

A document being made is never removed. `styrhjul prune-documents` runs the
rule (with --dry-run it only counts); the worker's task `prune_documents`
does the same in the background."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from styrhjul.core import tasks

from .models import DocumentJob, JobStatus

BATCH = 500


@dataclass(frozen=True)
class Pruned:
    """What the rule removed (or, dry run, would remove)."""

    documents: int
    size: int


def _candidates(now):
    """Finished or failed, older than the days, not kept (nor downloaded)."""
    old = now - datetime.timedelta(days=settings.DOCUMENT_KEEP_DAYS)
    query = DocumentJob.objects.filter(
        status__in=(JobStatus.DONE, JobStatus.FAILED), keep=False
    ).filter(Q(finished_at__lt=old) | Q(finished_at__isnull=True, requested_at__lt=old))
    if settings.DOCUMENT_KEEP_DOWNLOADED:
        query = query.filter(downloaded_at__isnull=True)
    return query


def prunable(*, now=None) -> list[int]:
    """The ids of the documents the rule removes now (two queries: the
    candidates, and the latest of each document, format, unit and occasion)."""
    now = now or timezone.now()
    latest = set(
        DocumentJob.objects.filter(status=JobStatus.DONE)
        .annotate(
            newer=Window(
                RowNumber(),
                partition_by=[F("document"), F("fmt"), F("unit_id"), F("occasion_id")],
                order_by=[F("finished_at").desc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(newer__lte=settings.DOCUMENT_KEEP_LATEST)
        .values_list("pk", flat=True)
    )
    return [pk for pk in _candidates(now).values_list("pk", flat=True) if pk not in latest]


def prune(*, dry_run: bool = False, now=None) -> Pruned:
    """Remove what the rule says, in batches each in its own transaction (a
    long run holds no lock for long); with dry_run only count it."""
    now = now or timezone.now()
    ids = prunable(now=now)
    removed = size = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            # Asked again in the batch: one downloaded or kept meanwhile stays.
            still = _candidates(now).filter(pk__in=batch)
            size += still.aggregate(size=Coalesce(Sum("size"), 0))["size"]
            if dry_run:
                removed += still.count()
            else:
                removed += still.delete()[1].get(DocumentJob._meta.label, 0)
    return Pruned(documents=removed, size=size)


def mark_kept(job: DocumentJob, keep: bool = True) -> None:
    """Keep the document's file whatever the rule says (or no longer): the
    hook for what must outlive it, e.g. a published document."""
    DocumentJob.objects.filter(pk=job.pk).update(keep=keep)
    job.keep = keep


def mark_downloaded(job: DocumentJob, *, now=None) -> None:
    """The document's file was downloaded (the first time counts)."""
    when = now or timezone.now()
    DocumentJob.objects.filter(pk=job.pk, downloaded_at__isnull=True).update(downloaded_at=when)


@tasks.task()
def prune_documents() -> int:
    """The framework task: run the rule; returns how many were removed."""
    return prune().documents
