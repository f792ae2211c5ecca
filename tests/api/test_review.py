"""Granskning through the API: a task shows its review state (Väntar på
granskning, Godkänd, Skickad tillbaka) by the one rule,
readmodel.review_state, with the reviewer's comment and when; the report
shows the comment at its item; a manager above approves or sends back with
the page's rules (followup/review.py)."""

import datetime
import json

import pytest
from django.utils import timezone

from styrhjul.followup import readmodel, services
from styrhjul.followup.models import ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org, chain, occasion):
    """Barn och unga's Aktivitetsplan task, its step asking for review; its
    chef, the avdelningschef above and a reader of the avdelning, each with
    a token that writes."""
    today = timezone.localdate()
    occasion.steps.filter(unit_type__name="Enhet").update(
        start=today - datetime.timedelta(days=10),
        deadline=today + datetime.timedelta(days=10),
        review=True,
    )
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )
    people = {
        "chef": UserFactory(first_name="Ebba", last_name="Enhetschef"),
        "above": UserFactory(first_name="Anders", last_name="Avdelningschef"),
        "reader": UserFactory(first_name="Lars", last_name="Läsare"),
        "sibling": UserFactory(first_name="Sara", last_name="Syskonchef"),
    }
    grant(people["chef"], org["enhet_b1"], Role.MANAGER, subtree=False)
    grant(people["above"], org["avd_b"], Role.MANAGER)
    grant(people["reader"], org["avd_b"], Role.READER)
    grant(people["sibling"], org["avd_a"], Role.MANAGER)
    tokens = {name: make_token(user, "write")[1] for name, user in people.items()}
    return task, people, tokens


def _task(client, task, secret):
    response = client.get(f"/api/v1/uppgifter/{task.pk}", **bearer(secret))
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{response.json()["version"]}"'
    return response.json()


def _review(client, task, secret, body, version):
    return client.post(
        f"/api/v1/uppgifter/{task.pk}/granskning",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{version}"',
        **bearer(secret),
    )


def _state(data):
    return (data["review_state"], data["review_state_label"], data["review_comment"])


def test_the_task_shows_its_review_state_by_the_one_rule(client, setup):
    task, people, tokens = setup

    def listed(awaiting: str) -> list[int]:
        return [
            t["id"]
            for t in client.get(
                "/api/v1/uppgifter", {"awaiting_review": awaiting}, **bearer(tokens["above"])
            ).json()["results"]
        ]

    assert _state(_task(client, task, tokens["chef"])) == (None, "", "")
    assert (task.pk in listed("true"), task.pk in listed("false")) == (False, True)
    services.task_mark_done(actor=people["chef"], task=task)
    data = _task(client, task, tokens["chef"])
    task.refresh_from_db()
    assert data["review_state"] == readmodel.review_state(task) == readmodel.AWAITING_REVIEW
    assert data["review_state_label"] == "Väntar på granskning"
    assert (task.pk in listed("true"), task.pk in listed("false")) == (True, False)


def test_the_manager_above_sends_back_and_the_unit_reads_the_comments(client, setup, chain):
    task, people, tokens = setup
    services.task_mark_done(actor=people["chef"], task=task)
    version = _task(client, task, tokens["above"])["version"]
    activity = chain["activity"]
    response = _review(
        client,
        task,
        tokens["above"],
        {
            "decision": "send_back",
            "comment": "Komplettera analysen.",
            "item_comments": {str(activity.pk): "Hur många elever deltar?"},
        },
        version,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert _state(data) == ("skickad_tillbaka", "Skickad tillbaka", "Komplettera analysen.")
    assert data["reviewed_by"] == "Anders Avdelningschef" and data["reviewed_at"]
    assert data["done_at"] is None
    # The unit sees it on the task and the comment at the item's report.
    assert _state(_task(client, task, tokens["chef"]))[0] == "skickad_tillbaka"
    report = client.get(f"/api/v1/rapporter/{task.pk}/{activity.pk}", **bearer(tokens["chef"]))
    assert report.json()["review_comment"] == "Hur många elever deltar?"
    # Klarmarkera again: waiting once more, the old decision gone.
    services.task_mark_done(actor=people["chef"], task=ReportingTask.objects.get(pk=task.pk))
    data = _task(client, task, tokens["chef"])
    assert _state(data) == ("vantar_pa_granskning", "Väntar på granskning", "")
    assert data["reviewed_at"] is None
    report = client.get(f"/api/v1/rapporter/{task.pk}/{activity.pk}", **bearer(tokens["chef"]))
    assert report.json()["review_comment"] == ""


def test_the_manager_above_approves_with_the_version_they_read(client, setup):
    task, people, tokens = setup
    services.task_mark_done(actor=people["chef"], task=task)
    version = _task(client, task, tokens["above"])["version"]
    stale = _review(client, task, tokens["above"], {"decision": "approve"}, version - 1)
    assert stale.status_code == 409
    missing = client.post(
        f"/api/v1/uppgifter/{task.pk}/granskning",
        json.dumps({"decision": "approve"}),
        content_type="application/json",
        **bearer(tokens["above"]),
    )
    assert missing.status_code == 428
    response = _review(client, task, tokens["above"], {"decision": "approve"}, version)
    assert response.status_code == 200, response.content
    assert response.json()["review_state"] == "godkand"
    # Decided: a second decision is refused with the page's words.
    again = _review(client, task, tokens["above"], {"decision": "approve"}, version + 1)
    assert again.status_code == 422
    assert "väntar inte på granskning" in again.json()["detail"]


def test_sending_back_needs_a_comment(client, setup):
    task, people, tokens = setup
    services.task_mark_done(actor=people["chef"], task=task)
    version = _task(client, task, tokens["above"])["version"]
    response = _review(client, task, tokens["above"], {"decision": "send_back"}, version)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "comment", "message": "Skriv vad enheten ska komplettera."}
    ]
    assert _task(client, task, tokens["above"])["review_state"] == "vantar_pa_granskning"


@pytest.mark.parametrize(
    ("who", "status"),
    [("chef", 403), ("reader", 403), ("sibling", 404)],
)
def test_only_a_manager_above_reviews_and_others_learn_nothing(client, setup, who, status):
    task, people, tokens = setup
    services.task_mark_done(actor=people["chef"], task=task)
    task.refresh_from_db()
    response = _review(client, task, tokens[who], {"decision": "approve"}, task.version)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    task.refresh_from_db()
    assert readmodel.review_state(task) == readmodel.AWAITING_REVIEW


def test_a_read_only_token_does_not_review(client, setup):
    task, people, _tokens = setup
    services.task_mark_done(actor=people["chef"], task=task)
    task.refresh_from_db()
    secret = make_token(people["above"], "read")[1]
    response = _review(client, task, secret, {"decision": "approve"}, task.version)
    assert response.status_code == 403
    task.refresh_from_db()
    assert readmodel.review_state(task) == readmodel.AWAITING_REVIEW
