"""Opening an occasion in the background: the job a model owner starts, its
failures shown in Swedish, and a job whose worker was killed is failed, not
left running."""

import datetime
import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from styrhjul.core import jobs, tasks
from styrhjul.core.models import BackgroundJob
from styrhjul.followup import opening
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, ReportingTask
from styrhjul.organisation.models import Role, RoleGrant
from tests.factories import UserFactory, grant
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(org, client):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def march(chain):
    occasion = FollowUpOccasion.objects.create(
        model=chain["vp"].model,
        kind=OccasionKind.MONTHLY,
        name="Mars",
        period_end=datetime.date(2025, 3, 31),
    )
    occasion.plan_types.set([chain["ap"]])
    return occasion


def polled(client, occasion) -> str:
    return client.get(reverse("followup:occasion_opening", args=[occasion.pk])).content.decode()


def test_the_worker_opens_the_occasion_as_the_owner_who_ordered_it(
    client, owner, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = opening.order(actor=owner, occasion=march)
    assert job.status == "queued" and BackgroundJob.objects.get().task_id
    assert "I kö" in polled(client, march)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    task = ReportingTask.objects.get(occasion=march)
    assert task.history.get().history_user == owner


def test_an_owner_who_lost_the_right_meanwhile_sees_why_nothing_was_opened(
    client, owner, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opening.order(actor=owner, occasion=march)
    RoleGrant.objects.filter(user=owner).delete()
    run_worker()
    assert not ReportingTask.objects.filter(occasion=march).exists()
    job = BackgroundJob.objects.get()
    assert job.status == "failed"
    assert job.message == "Du får inte längre öppna uppföljningstillfället."


def test_a_job_whose_worker_was_killed_is_failed_and_shown_so(client, owner, march):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_worker = tasks.worker_id().split(":")[0] + f":{int(ended.stdout)}:x"
    job = opening.order(actor=owner, occasion=march)
    result = opening.open_occasion.enqueue(job.pk)
    started = timezone.now() - datetime.timedelta(minutes=1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[dead_worker]
    )
    BackgroundJob.objects.filter(pk=job.pk).update(
        status="running", progress=55, started_at=started, task_id=result.id
    )
    assert "<progress" in polled(client, march)

    out = run_worker()  # a worker starting on the machine looks for lost work

    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", jobs.LOST_MESSAGE)
    assert "Markerade 1 avbrutna jobb som misslyckade." in out
    html = polled(client, march)
    assert f"Öppnandet misslyckades: {jobs.LOST_MESSAGE}" in html
    assert "hx-trigger" not in html
    # Ordered again, it opens the occasion.
    again = opening.order(actor=owner, occasion=march)
    assert again.pk != job.pk and again.status == "queued"


def test_only_model_owners_see_how_the_opening_goes(client, org, march):
    url = reverse("followup:occasion_opening", args=[march.pk])
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)
    assert client.get(url).status_code == 403  # reads the wheel, may not manage it
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
