"""A SIE file uploaded on the page is imported by the worker: the page shows
its status while it waits, then the summary; a file whose worker stopped is
shown as not imported."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from styrhjul.core import tasks
from styrhjul.economy import tasks as economy_tasks
from styrhjul.economy.models import SieImport, SieUpload
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant
from tests.worker import run_worker

from .test_sie_parser import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, org):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


def test_the_upload_waits_for_the_worker_and_then_shows_the_summary(
    client, org, owner, django_capture_on_commit_callbacks
):
    data = (DATA / "objektsaldo_ovnbolag.se").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("economy:import"), {"file": SimpleUploadedFile("bok.se", data)}
        )
    upload = SieUpload.objects.get()
    assert response["Location"] == reverse("economy:upload", args=[upload.pk])
    assert upload.task_id and bytes(upload.data) == data
    assert SieImport.objects.count() == 0

    page = client.get(response["Location"]).content.decode()
    assert "bok.se: I kö." in page and 'hx-trigger="every 1s"' in page
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "I kö" in poll.content.decode() and "<html" not in poll.content.decode()

    run_worker()

    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "Filen är importerad." in page and "Kontor Nord" in page
    assert "every 2s" not in page
    upload.refresh_from_db()
    assert upload.status == "done" and upload.data is None
    assert upload.record == SieImport.objects.get()
    assert DBTaskResult.objects.get(pk=upload.task_id).status == TaskResultStatus.SUCCESSFUL


def test_an_upload_whose_worker_stopped_is_shown_as_not_imported(client, org, owner):
    upload = economy_tasks.upload(
        actor=owner,
        organisation=org["kommun"],
        data=(DATA / "Test3.SE").read_bytes(),
        filename="bok.se",
    )
    result = economy_tasks.import_upload.enqueue(upload.pk)
    started = timezone.now() - tasks.LOST_AFTER - datetime.timedelta(minutes=1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["annan-dator:1:x"]
    )
    SieUpload.objects.filter(pk=upload.pk).update(
        status="running", started_at=started, task_id=result.id
    )

    run_worker()

    page = client.get(reverse("economy:upload", args=[upload.pk])).content.decode()
    assert "Filen importerades inte" in page and economy_tasks.LOST_MESSAGE in page
    assert SieImport.objects.count() == 0


def test_another_organisations_managers_do_not_see_the_upload(client, org, owner):
    upload = economy_tasks.upload(
        actor=owner, organisation=org["kommun"], data=b"#FLAGGA 0\n", filename="bok.se"
    )
    economy_tasks.run(upload.pk)
    other = UserFactory()
    grant(other, org["forv"], Role.MODEL_OWNER)
    client.force_login(other)
    assert client.get(reverse("economy:upload", args=[upload.pk])).status_code == 403
