"""A unit's documents at an occasion: made in the background with progress,
stored with the time the data was read and who asked, listed for download;
the preview in the browser; the free texts; and the document command."""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from styrhjul.core import tasks
from styrhjul.documents import annual, jobs
from styrhjul.documents.models import DocumentJob, DocumentText
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant
from tests.worker import run_worker

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


def test_the_job_row_is_polled_less_often_as_the_document_takes_longer(
    client, org, reported, reader
):
    job = jobs.submit(
        actor=reader, unit=org["namnd"], occasion=reported, document="delarsrapport", fmt="pdf"
    )
    url = reverse("documents:job", args=[job.pk])
    seen = []
    for seconds_ago in (0, 30, 600):
        DocumentJob.objects.filter(pk=job.pk).update(
            requested_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
        )
        seen.append(re.search(r'hx-trigger="every (\d+)s"', client.get(url).content.decode())[1])
    assert seen == ["1", "2", "5"]


def order(client, org, occasion, document="delarsrapport", fmt="xlsx", capture=None):
    with capture(execute=True):
        return client.post(page_url(org, occasion), {"dokument": document, "format": fmt})


def test_a_document_ordered_on_the_page_is_made_by_the_worker(
    client, org, reported, reader, django_capture_on_commit_callbacks
):
    response = order(client, org, reported, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert job.status == "queued" and job.task_id
    assert "I kö" in client.get(reverse("documents:job", args=[job.pk])).content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert bytes(job.data).startswith(b"PK")
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == TaskResultStatus.SUCCESSFUL
    # The worker's id names its process, so a later worker can tell it died.
    assert task.worker_ids[0].split(":")[1] == str(os.getpid())
    assert "Ladda ned" in client.get(reverse("documents:job", args=[job.pk])).content.decode()


def test_a_document_the_worker_cannot_make_says_why(
    client, org, reported, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(
            actor=reader,
            unit=org["namnd"],
            occasion=reported,
            document="internkontrollrapport",
            fmt="pdf",
        )
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "har ingen plan med kontrollpunkter" in job.message
    row = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "har ingen plan med kontrollpunkter" in row and "every 1s" not in row


def test_one_person_has_at_most_three_unfinished_documents(
    client, org, reported, reader, django_capture_on_commit_callbacks, settings
):
    settings.DOCUMENT_JOBS_PER_USER = 3
    for _ in range(3):
        assert (
            order(client, org, reported, capture=django_capture_on_commit_callbacks).status_code
            == 302
        )

    response = order(client, org, reported, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Du har redan 3 dokument som inte är klara" in response.content.decode()
    assert DocumentJob.objects.count() == 3
    # Someone else may still order.
    other = UserFactory()
    grant(other, org["namnd"], Role.READER)
    jobs.submit(
        actor=other, unit=org["namnd"], occasion=reported, document="delarsrapport", fmt="pdf"
    )
    # Once the worker has made them, the reader may order again.
    run_worker()
    assert (
        order(client, org, reported, capture=django_capture_on_commit_callbacks).status_code == 302
    )


def _running_job(reader, org, occasion, *, started_ago, worker="annan-dator:1:x"):
    """A job claimed by a worker, as the worker leaves it while it builds."""
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
    return job


def test_a_job_whose_worker_stopped_long_ago_is_failed_not_left_running(org, reported, reader):
    busy = _running_job(reader, org, reported, started_ago=datetime.timedelta(minutes=2))
    lost = _running_job(
        reader, org, reported, started_ago=tasks.LOST_AFTER + datetime.timedelta(minutes=1)
    )

    assert jobs.recover() == 1

    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, lost.message) == ("failed", jobs.LOST_MESSAGE)
    assert DBTaskResult.objects.get(pk=lost.task_id).status == TaskResultStatus.FAILED
    assert busy.status == "running"  # another worker is still making it
    assert DBTaskResult.objects.get(pk=busy.task_id).status == TaskResultStatus.RUNNING


def test_a_starting_worker_fails_the_jobs_of_a_killed_worker_on_its_machine(
    client, org, reported, reader
):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_worker = tasks.worker_id().split(":")[0] + f":{int(ended.stdout)}:x"
    killed = _running_job(
        reader, org, reported, started_ago=datetime.timedelta(minutes=1), worker=dead_worker
    )
    elsewhere = _running_job(reader, org, reported, started_ago=datetime.timedelta(minutes=1))

    out = run_worker()

    killed.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (killed.status, killed.message) == ("failed", jobs.LOST_MESSAGE)
    assert "Markerade 1 avbrutna jobb som misslyckade." in out
    assert elsewhere.status == "running"
    # The person sees it on the page, and may order it again.
    assert (
        jobs.LOST_MESSAGE in client.get(reverse("documents:job", args=[killed.pk])).content.decode()
    )


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

    # The nämnd writes them in its task for the occasion (the page leads there).
    response = client.post(url, {"forord": "Ett år av omställning.", "sammanfattning": ""})
    assert response.status_code == 302 and "/uppgifter/" in response["Location"]
    task = int(response["Location"].split("/uppgifter/")[1].split("/")[0])
    response = client.post(
        reverse("followup:section_text", args=[task, "forord"]),
        {"forord-text": "Ett år av omställning.", "forord-version": "0"},
    )

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
