"""A unit's documents at an occasion: made in the background with progress,
stored with the time the data was read and who asked, listed for download;
the preview in the browser; the free texts; and the document command."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from styrhjul.documents import annual, jobs
from styrhjul.documents.models import DocumentJob, DocumentText
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, org):
    user = UserFactory(first_name="Rut", last_name="Läsare")
    grant(user, org["namnd"], Role.READER)
    client.force_login(user)
    return user


def page_url(org, occasion, unit="namnd"):
    return reverse("documents:unit_documents", args=[org[unit].pk, occasion.pk])


def test_a_document_is_queued_made_and_downloaded(client, org, reported, reader):
    response = client.post(page_url(org, reported), {"dokument": "delarsrapport", "format": "docx"})

    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert (job.status, job.requested_by, job.fmt) == ("queued", reader, "docx")
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and job.read_at is not None
    assert job.title == "Delårsrapport per 31 augusti 2025 – " + org["namnd"].name
    page = client.get(page_url(org, reported)).content.decode()
    assert "Ladda ned" in page and "Rut Läsare" in page
    download = client.get(reverse("documents:job_download", args=[job.pk]))
    import docx

    document = docx.Document(io.BytesIO(download.content))
    assert document.core_properties.title == job.title
    assert download["Content-Disposition"].endswith('.docx"')


def test_a_document_that_cannot_be_made_says_why(client, org, reported, reader):
    job = jobs.submit(
        actor=reader,
        unit=org["namnd"],
        occasion=reported,
        document="internkontrollrapport",
        fmt="pdf",
    )
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "har ingen plan med kontrollpunkter" in job.message
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 404


def test_the_job_row_is_polled_while_it_is_made(client, org, reported, reader):
    job = jobs.submit(
        actor=reader, unit=org["namnd"], occasion=reported, document="delarsrapport", fmt="pdf"
    )
    row = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in row and "I kö" in row
    jobs.run(job.pk)
    row = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "every 1s" not in row and "Ladda ned" in row


@pytest.mark.django_db(transaction=True)
def test_the_document_is_made_in_the_background(org, chain, occasion, settings):
    settings.DOCUMENT_WORKER = "thread"
    user = UserFactory()
    grant(user, org["namnd"], Role.READER)

    job = jobs.submit(
        actor=user, unit=org["namnd"], occasion=occasion, document="delarsrapport", fmt="xlsx"
    )

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            break
        time.sleep(0.2)
    assert job.status == "done", job.message
    assert bytes(job.data).startswith(b"PK")


def test_the_worker_command_makes_what_is_queued(org, reported, reader):
    job = jobs.submit(
        actor=reader, unit=org["namnd"], occasion=reported, document="uppfoljning", fmt="xlsx"
    )
    out = io.StringIO()
    call_command("document_worker", "--once", stdout=out)
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert job.data and bytes(job.data).startswith(b"PK")
    assert "Skapade 1 dokument." in out.getvalue()


def test_the_preview_is_the_document_in_html(client, org, reported, reader):
    response = client.get(
        reverse("documents:preview", args=[org["namnd"].pk, reported.pk, "delarsrapport"])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Delårsrapport per 31 augusti 2025" in body
    assert "SN1 Fler barn i familjer med försörjningsstöd" in body


def test_free_texts_are_written_by_those_who_may_change_the_unit(client, org, reported, reader):
    url = reverse("documents:texts", args=[org["namnd"].pk, reported.pk, "delarsrapport"])
    assert client.get(url).status_code == 403
    chef = UserFactory()
    grant(chef, org["namnd"], Role.MANAGER)
    client.force_login(chef)

    response = client.post(url, {"forord": "Ett år av omställning.", "sammanfattning": ""})

    assert response.status_code == 302
    assert DocumentText.objects.get().text == "Ett år av omställning."
    report = annual.build(org["namnd"], reported)
    assert report.sections == [("forord", "Förord", ["Ett år av omställning."])]


def test_another_units_documents_are_not_shown(client, org, reported):
    outsider = UserFactory()
    grant(outsider, org["avd_a"], Role.MANAGER)
    client.force_login(outsider)
    assert client.get(page_url(org, reported, "avd_b")).status_code == 404
    job = jobs.submit(
        actor=access.SYSTEM,
        unit=org["avd_b"],
        occasion=reported,
        document="uppfoljning",
        fmt="pdf",
    )
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 404


def test_the_command_writes_each_document(tmp_path, org, reported):
    for document, fmt in (("delarsrapport", "docx"), ("delarsrapport", "xlsx")):
        out = tmp_path / f"dok.{fmt}"
        call_command(
            "document",
            document,
            f"--unit={org['kommun'].code}",
            f"--occasion={reported.pk}",
            f"--format={fmt}",
            f"-o={out}",
            stdout=io.StringIO(),
        )
        assert out.stat().st_size > 1000


def test_the_units_plans_page_leads_to_its_documents(client, org, reported, reader):
    response = client.get(reverse("planning:unit_plans", args=[org["namnd"].pk, 2025]))

    body = response.content.decode()
    assert page_url(org, reported) in body
    assert "Delårsrapport 2025" in body
