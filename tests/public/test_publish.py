"""A model owner publishes an occasion once its reporting is locked: what the
units reported is frozen with who and when, and stays as it was whatever is
changed, renamed or deleted later."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import services as followup
from styrhjul.followup.models import OccasionStatus, OccasionStep, Report, ReportingTask
from styrhjul.model.models import ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.public.models import Snapshot, SnapshotRow
from styrhjul.public.services import occasion_publish, publish_refusal
from tests.conftest import ANALYSIS
from tests.factories import DocumentJobFactory, UserFactory, grant
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


def past_deadlines(occasion):
    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )


def test_publishing_before_the_last_deadline_is_refused_in_swedish(reported, model_owner):
    refusal = publish_refusal(reported)
    assert refusal is not None and "kan publiceras först när rapporteringen är låst" in refusal
    with pytest.raises(ValidationError) as exc:
        occasion_publish(actor=model_owner, occasion=reported)
    assert "Delårsrapport 2025" in exc.value.messages[0]
    assert not Snapshot.objects.exists()


def test_a_closed_occasion_may_be_published_before_its_deadline(reported, model_owner):
    followup.occasion_close(actor=access.SYSTEM, occasion=reported)
    reported.refresh_from_db()
    assert publish_refusal(reported) is None
    assert occasion_publish(actor=model_owner, occasion=reported).pk


def test_grace_days_keep_it_unpublishable(reported):
    past_deadlines(reported)
    reported.grace_days = 3
    reported.save()
    assert publish_refusal(reported) is not None
    reported.grace_days = 0
    reported.save()
    assert publish_refusal(reported) is None


@pytest.mark.parametrize("role", [Role.MANAGER, Role.READER, Role.REPORTER])
def test_only_a_model_owner_of_the_organisation_publishes(reported, org, role):
    past_deadlines(reported)
    user = UserFactory()
    grant(user, org["kommun"], role)
    with pytest.raises(PermissionDenied):
        occasion_publish(actor=user, occasion=reported)
    owner_below = UserFactory()
    grant(owner_below, org["forv"], Role.MODEL_OWNER)
    with pytest.raises(PermissionDenied):
        occasion_publish(actor=owner_below, occasion=reported)


def test_the_snapshot_holds_what_the_read_model_says_was_reported(
    reported, org, chain, model_owner
):
    past_deadlines(reported)
    snapshot = occasion_publish(actor=model_owner, occasion=reported)
    assert snapshot.published_by == model_owner
    assert snapshot.published_by_name == "Maja Modellägare"
    assert snapshot.title == "Delårsrapport 2025"
    goal = SnapshotRow.objects.get(snapshot=snapshot, title=chain["council"].title)
    assert goal.unit_name == org["kommun"].name
    assert goal.assessment_label == "Goda förutsättningar att nå målet"
    assert goal.assessment_colour.startswith("#")
    assert goal.analysis == ANALYSIS
    assert goal.state == "rapporterad"
    indicator = SnapshotRow.objects.get(snapshot=snapshot, title=chain["indicator"].title)
    assert indicator.value == 85 and indicator.value_women == 87 and indicator.value_men == 83
    assert indicator.period == "2025" and indicator.target_value == 88
    activity = SnapshotRow.objects.get(snapshot=snapshot, title=chain["activity"].title)
    assert activity.unit_name == org["enhet_b1"].name
    assert activity.status_label == "Påbörjad"
    # Items nobody reported are there too, as not reported.
    board = SnapshotRow.objects.get(snapshot=snapshot, title=chain["board"].title)
    assert board.state == "ej_rapporterad" and board.assessment_label == ""


def test_later_edits_renames_and_deletions_never_change_a_snapshot(
    reported, org, chain, model_owner
):
    past_deadlines(reported)
    job = DocumentJobFactory(
        unit=org["kommun"],
        occasion=reported,
        status="done",
        filename="delarsrapport.pdf",
        data=b"%PDF-1.7 som det var",
        size=20,
    )
    snapshot = occasion_publish(actor=model_owner, occasion=reported)
    before = list(SnapshotRow.objects.filter(snapshot=snapshot).values())

    # The model owner reopens, the unit rewrites its analysis and assessment,
    # the scale value is renamed, the item retitled and the document deleted.
    report = Report.objects.get(occasion=reported, item=chain["council"])
    report.analysis = "Helt ny text."
    report.assessment = ScaleValue.objects.filter(scale=report.assessment.scale).last()
    report.save()
    ScaleValue.objects.filter(label="Påbörjad").update(label="Igång", colour="#000000")
    chain["council"].title = "Ett annat mål"
    chain["council"].save()
    job.delete()
    reported.status = OccasionStatus.OPEN
    reported.save()

    assert list(SnapshotRow.objects.filter(snapshot=snapshot).values()) == before
    doc = snapshot.documents.get()
    assert bytes(doc.data) == b"%PDF-1.7 som det var"

    response = reverse("public:document", args=[snapshot.pk, doc.pk])
    from django.test import Client

    got = Client().get(response)
    assert got.status_code == 200 and got.content == b"%PDF-1.7 som det var"


def test_the_publish_page_shows_the_refusal_and_then_publishes(
    client, reported, model_owner, django_capture_on_commit_callbacks
):
    client.force_login(model_owner)
    url = reverse("public:publish", args=[reported.pk])
    page = client.get(url)
    assert "kan publiceras först när rapporteringen är låst" in page.content.decode()
    assert client.post(url).status_code == 400
    assert not Snapshot.objects.exists()
    past_deadlines(reported)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    run_worker()  # the worker publishes (tests/public/test_publishing_job.py)
    snapshot = Snapshot.objects.get()
    page = client.get(reverse("public:snapshot", args=[snapshot.pk])).content.decode()
    assert "Delårsrapport 2025" in page and "Maja Modellägare" in page
    assert reverse("public:snapshot_csv", args=[snapshot.pk]) in page


def test_a_manager_gets_403_and_a_stranger_404_on_the_publish_page(client, reported, org):
    manager = UserFactory()
    grant(manager, org["kommun"], Role.MANAGER)
    client.force_login(manager)
    url = reverse("public:publish", args=[reported.pk])
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert not ReportingTask.objects.filter(done_at__isnull=False).exists()


def test_the_licence_is_chosen_by_the_model_owner_and_kept_by_each_snapshot(
    client, reported, org, model_owner
):
    client.force_login(model_owner)
    url = reverse("public:settings", args=[org["kommun"].pk])
    bad = client.post(url, {"licence": "GPL", "version": "0"})
    assert bad.status_code == 400 and "Välj en av licenserna" in bad.content.decode()
    assert client.post(url, {"licence": "CC-BY-4.0", "version": "0"}).status_code == 302
    stale = client.post(url, {"licence": "CC0-1.0", "version": "0"})
    assert stale.status_code == 400 and "Någon annan" in stale.content.decode()
    past_deadlines(reported)
    first = occasion_publish(actor=model_owner, occasion=reported)
    assert first.licence == "CC-BY-4.0"
    assert client.post(url, {"licence": "CC0-1.0", "version": "1"}).status_code == 302
    first.refresh_from_db()
    assert first.licence == "CC-BY-4.0"
    assert occasion_publish(actor=model_owner, occasion=reported).licence == "CC0-1.0"
