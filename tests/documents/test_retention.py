"""Gallring of generated documents: the latest of each document, format,
unit and occasion stays, and what is recent, downloaded or kept (published);
the rest goes, by `styrhjul prune-documents`."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from styrhjul.documents import retention
from styrhjul.documents.models import DocumentJob
from styrhjul.organisation.models import Role
from tests.factories import (
    DocumentJobFactory,
    FollowUpOccasionFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def made(occasion, unit, *, days_ago, document="delarsrapport", fmt="pdf", **kw):
    finished = NOW - datetime.timedelta(days=days_ago)
    return DocumentJobFactory(
        occasion=occasion,
        unit=unit,
        document=document,
        fmt=fmt,
        status=kw.pop("status", "done"),
        finished_at=finished,
        data=kw.pop("data", b"%PDF-1.7 " + b"x" * 991),
        size=1000,
        **kw,
    )


@pytest.fixture
def occasion():
    return FollowUpOccasionFactory()


@pytest.fixture
def unit(occasion):
    return occasion.model.organisation


def remaining() -> set[int]:
    return set(DocumentJob.objects.values_list("pk", flat=True))


def test_the_latest_of_each_document_format_unit_and_occasion_stays(occasion, unit, settings):
    settings.DOCUMENT_KEEP_DAYS = 30
    old = made(occasion, unit, days_ago=90)
    older = made(occasion, unit, days_ago=120)
    latest = made(occasion, unit, days_ago=60)  # old too, but the latest one
    word = made(occasion, unit, days_ago=100, fmt="docx")  # the latest Word
    other_unit = made(occasion, UnitFactory(parent=unit), days_ago=100)
    annual = made(occasion, unit, days_ago=100, document="arsredovisning")
    recent = made(occasion, unit, days_ago=3)  # newer than the days

    assert retention.prune(now=NOW) == retention.Pruned(documents=3, size=3000)

    assert remaining() == {w.pk for w in (word, other_unit, annual, recent)}
    assert not {old.pk, older.pk, latest.pk} & remaining()


def test_downloaded_kept_and_unfinished_documents_stay(occasion, unit, settings):
    settings.DOCUMENT_KEEP_DAYS = 30
    made(occasion, unit, days_ago=1)  # the latest
    downloaded = made(occasion, unit, days_ago=90, downloaded_at=NOW)
    published = made(occasion, unit, days_ago=90, keep=True)
    failed = made(occasion, unit, days_ago=90, status="failed", data=None)
    queued = DocumentJobFactory(occasion=occasion, unit=unit)  # still in the queue

    retention.prune(now=NOW)

    assert {downloaded.pk, published.pk, queued.pk} <= remaining()
    assert failed.pk not in remaining()
    # Downloaded files may go too when the organisation decides so.
    settings.DOCUMENT_KEEP_DOWNLOADED = False
    retention.prune(now=NOW)
    assert downloaded.pk not in remaining()
    assert published.pk in remaining()
    retention.mark_kept(published, keep=False)
    retention.prune(now=NOW)
    assert published.pk not in remaining()


def test_more_latest_and_fewer_days_are_configurable(occasion, unit, settings):
    settings.DOCUMENT_KEEP_LATEST = 2
    settings.DOCUMENT_KEEP_DAYS = 0
    first, second, third = (made(occasion, unit, days_ago=d) for d in (3, 2, 1))
    retention.prune(now=NOW)
    assert remaining() == {second.pk, third.pk}


def test_downloading_a_document_keeps_it(client, occasion, unit):
    job = made(occasion, unit, days_ago=90)
    reader = UserFactory()
    grant(reader, unit, Role.READER)
    client.force_login(reader)
    response = client.get(reverse("documents:job_download", args=[job.pk]))
    assert response.status_code == 200
    job.refresh_from_db()
    first = job.downloaded_at
    assert first is not None
    client.get(reverse("documents:job_download", args=[job.pk]))
    job.refresh_from_db()
    assert job.downloaded_at == first  # the first download counts


def test_the_command_counts_with_dry_run_and_then_removes(occasion, unit, settings):
    settings.DOCUMENT_KEEP_DAYS = 30
    made(occasion, unit, days_ago=40)
    made(occasion, unit, days_ago=45)
    made(occasion, unit, days_ago=50)
    out = io.StringIO()
    call_command("prune_documents", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "Skulle ta bort 2 dokument (2 kB). Inget togs bort (--dry-run)."
    )
    assert DocumentJob.objects.count() == 3
    out = io.StringIO()
    call_command("prune_documents", stdout=out)
    assert out.getvalue().strip() == "Tog bort 2 dokument (2 kB)."
    assert DocumentJob.objects.count() == 1


def test_the_worker_task_runs_the_rule(occasion, unit, settings):
    settings.DOCUMENT_KEEP_DAYS = 30
    made(occasion, unit, days_ago=40)
    made(occasion, unit, days_ago=50)
    assert retention.prune_documents.call() == 1
