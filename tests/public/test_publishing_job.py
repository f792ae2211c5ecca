"""Publishing in the background: "Publicera" orders a job that a worker does,
the page shows it queued, how far it has come and then the snapshot (or
why it failed, in Swedish); ordering it again while it is queued gives the
same job, and running its task twice publishes once."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from styrhjul.core import jobs, tasks
from styrhjul.core.models import BackgroundJob
from styrhjul.followup.models import OccasionStep
from styrhjul.organisation.models import Role, RoleGrant
from styrhjul.public import publishing
from styrhjul.public.models import Snapshot, SnapshotRow
from tests.factories import UserFactory, grant
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(reported):
    """The Delårsrapport with its last deadline passed: it may be published."""
    OccasionStep.objects.filter(occasion=reported).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    return reported


def page(client, occasion) -> str:
    return client.get(reverse("public:publish", args=[occasion.pk])).content.decode()


def polled(client, occasion) -> str:
    url = reverse("public:publishing_status", args=[occasion.pk])
    return client.get(url).content.decode()


def test_publish_orders_a_job_the_page_follows_until_the_snapshot_is_there(
    client, locked, model_owner, django_capture_on_commit_callbacks
):
    client.force_login(model_owner)
    url = reverse("public:publish", args=[locked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert not Snapshot.objects.exists()  # nothing is published in the request
    job = BackgroundJob.objects.get(kind=publishing.KIND, subject_id=locked.pk)
    assert job.status == "queued" and job.task_id
    html = page(client, locked)
    assert "”Delårsrapport 2025” publiceras i bakgrunden." in html and "I kö" in html
    assert 'hx-get="' + reverse("public:publishing_status", args=[locked.pk]) in html
    assert '<button type="submit">Publicera</button>' not in html  # ordered already

    run_worker()

    job.refresh_from_db()
    snapshot = Snapshot.objects.get()
    assert (job.status, job.progress) == ("done", 100)
    assert snapshot.job == job and snapshot.published_by == model_owner
    rows = SnapshotRow.objects.filter(snapshot=snapshot).count()
    assert rows > 1
    assert job.message == f"”Delårsrapport 2025” är publicerad med {rows} rader."
    html = polled(client, locked)
    assert job.message in html and "hx-trigger" not in html
    assert reverse("public:snapshot", args=[snapshot.pk]) in html
    assert "Visa den publicerade uppföljningen" in html
    assert '<button type="submit">Publicera</button>' in page(client, locked)  # again, later


def test_the_page_shows_how_far_a_running_job_has_come(client, locked, model_owner):
    client.force_login(model_owner)
    job = publishing.order(actor=model_owner, occasion=locked)
    BackgroundJob.objects.filter(pk=job.pk).update(status="running", progress=40)
    html = polled(client, locked)
    assert "Pågår" in html and 'value="40"' in html and "40 %" in html
    assert "hx-trigger" in html


def test_ordering_twice_while_queued_gives_the_same_job(client, locked, model_owner):
    first = publishing.order(actor=model_owner, occasion=locked)
    assert publishing.order(actor=model_owner, occasion=locked).pk == first.pk
    client.force_login(model_owner)
    client.post(reverse("public:publish", args=[locked.pk]))
    assert BackgroundJob.objects.filter(kind=publishing.KIND).count() == 1


def test_running_the_task_twice_publishes_once(locked, model_owner):
    job = publishing.order(actor=model_owner, occasion=locked)
    assert publishing.publish_occasion.call(job.pk) == "done"
    assert publishing.publish_occasion.call(job.pk) == "not-queued"
    assert Snapshot.objects.count() == 1
    # Ordered again once done, it publishes anew (after a correction, say),
    # as publishing without a job always did.
    again = publishing.order(actor=model_owner, occasion=locked)
    assert again.pk != job.pk
    publishing.publish_occasion.call(again.pk)
    assert Snapshot.objects.count() == 2


def test_the_refusal_is_shown_at_once_and_no_job_is_ordered(client, reported, model_owner):
    client.force_login(model_owner)
    response = client.post(reverse("public:publish", args=[reported.pk]))
    assert response.status_code == 400
    assert "kan publiceras först när rapporteringen är låst" in response.content.decode()
    assert not BackgroundJob.objects.exists()
    with pytest.raises(ValidationError):
        publishing.order(actor=model_owner, occasion=reported)


def test_only_the_organisations_model_owners_order_it_and_follow_it(client, locked, org):
    manager = UserFactory()
    grant(manager, org["kommun"], Role.MANAGER)
    with pytest.raises(PermissionDenied):
        publishing.order(actor=manager, occasion=locked)
    client.force_login(manager)
    status = reverse("public:publishing_status", args=[locked.pk])
    assert client.post(reverse("public:publish", args=[locked.pk])).status_code == 403
    assert client.get(status).status_code == 403
    client.force_login(UserFactory())
    assert client.get(status).status_code == 404
    assert not BackgroundJob.objects.exists()


def test_an_owner_who_lost_the_right_meanwhile_sees_why_nothing_was_published(
    client, locked, model_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publishing.order(actor=model_owner, occasion=locked)
    RoleGrant.objects.filter(user=model_owner).delete()
    run_worker()
    assert not Snapshot.objects.exists()
    job = BackgroundJob.objects.get()
    assert (job.status, job.message) == (
        "failed",
        "Du får inte längre publicera uppföljningstillfället.",
    )
    grant(model_owner, locked.model.organisation, Role.MODEL_OWNER)
    client.force_login(model_owner)
    html = polled(client, locked)
    assert "Publiceringen misslyckades: Du får inte längre publicera" in html


def test_a_failure_while_writing_leaves_nothing_half_published(
    client, locked, model_owner, monkeypatch
):
    job = publishing.order(actor=model_owner, occasion=locked)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SnapshotRow.objects, "bulk_create", broken)
    assert publishing.publish_occasion.call(job.pk) == "failed"
    assert not Snapshot.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", jobs.FAILED_MESSAGE)
    client.force_login(model_owner)
    assert f"Publiceringen misslyckades: {jobs.FAILED_MESSAGE}" in page(client, locked)


def test_a_job_whose_worker_was_killed_is_failed_and_shown_so(client, locked, model_owner):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_worker = tasks.worker_id().split(":")[0] + f":{int(ended.stdout)}:x"
    job = publishing.order(actor=model_owner, occasion=locked)
    result = publishing.publish_occasion.enqueue(job.pk)
    started = timezone.now() - datetime.timedelta(minutes=1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[dead_worker]
    )
    BackgroundJob.objects.filter(pk=job.pk).update(
        status="running", progress=40, started_at=started, task_id=result.id
    )
    client.force_login(model_owner)
    assert "<progress" in polled(client, locked)

    run_worker()  # a worker starting on the machine looks for lost work

    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", jobs.LOST_MESSAGE)
    assert not Snapshot.objects.exists()
    html = polled(client, locked)
    assert f"Publiceringen misslyckades: {jobs.LOST_MESSAGE}" in html
    assert "hx-trigger" not in html
    again = publishing.order(actor=model_owner, occasion=locked)
    assert again.pk != job.pk and again.status == "queued"


def test_progress_is_stored_while_the_rows_and_charts_are_frozen(locked, model_owner, monkeypatch):
    from styrhjul.public import charts

    job = publishing.order(actor=model_owner, occasion=locked)
    seen = []
    freeze = charts.freeze

    def watched(*args, **kwargs):
        seen.append(BackgroundJob.objects.get(pk=job.pk).progress)
        return freeze(*args, **kwargs)

    monkeypatch.setattr(charts, "freeze", watched)
    publishing.publish_occasion.call(job.pk)
    assert seen == [40]
    job.refresh_from_db()
    assert job.progress == 100


def test_an_occasion_unlocked_while_it_was_being_read_is_not_published(
    locked, model_owner, monkeypatch
):
    from styrhjul.followup.models import FollowUpOccasion
    from styrhjul.public import charts

    job = publishing.order(actor=model_owner, occasion=locked)
    freeze = charts.freeze

    def unlocked_meanwhile(*args, **kwargs):
        FollowUpOccasion.objects.filter(pk=locked.pk).update(grace_days=365)
        return freeze(*args, **kwargs)

    monkeypatch.setattr(charts, "freeze", unlocked_meanwhile)
    assert publishing.publish_occasion.call(job.pk) == "failed"
    assert not Snapshot.objects.exists()
    job.refresh_from_db()
    assert "kan publiceras först när rapporteringen är låst" in job.message
