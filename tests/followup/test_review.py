"""Granskning: a manager above approves a klarmarkerad task or sends it back
with comments; the unit sees it on the start page and in the task, and the
overview counts Väntar på granskning, Godkänd and Skickad tillbaka."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import overview, readmodel, review, services
from styrhjul.followup.models import ReportingTask, ReviewComment, ReviewStatus
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant


@pytest.fixture
def setup(org, chain, occasion):
    """Barn och unga's Aktivitetsplan task, its step (enheter) asking for
    review, the deadline ten days away; its chef, the avdelningschef above
    (with the units below), a sibling avdelning's chef and a reader."""
    today = timezone.localdate()
    occasion.steps.filter(unit_type__name="Enhet").update(
        start=today - datetime.timedelta(days=10),
        deadline=today + datetime.timedelta(days=10),
        review=True,
    )
    task = ReportingTask.objects.select_related("step", "occasion", "unit").get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )
    people = {
        "chef": UserFactory(first_name="Ebba", last_name="Enhetschef"),
        "above": UserFactory(first_name="Anders", last_name="Avdelningschef"),
        "sibling": UserFactory(first_name="Sara", last_name="Syskonchef"),
        "reader": UserFactory(first_name="Lars", last_name="Läsare"),
    }
    grant(people["chef"], org["enhet_b1"], Role.MANAGER, subtree=False)
    grant(people["above"], org["avd_b"], Role.MANAGER)
    grant(people["sibling"], org["avd_a"], Role.MANAGER)
    grant(people["reader"], org["avd_b"], Role.READER)
    return task, people


def _fresh(task):
    return ReportingTask.objects.select_related("step", "occasion", "unit").get(pk=task.pk)


def _done(task, people):
    services.task_mark_done(actor=people["chef"], task=task)
    return _fresh(task)


def test_a_klarmarkerad_task_waits_for_review_only_when_its_step_asks(setup, occasion):
    task, people = setup
    assert readmodel.review_state(task) is None
    task = _done(task, people)
    assert readmodel.review_state(task) == readmodel.AWAITING_REVIEW
    occasion.steps.filter(unit_type__name="Enhet").update(review=False)
    assert readmodel.review_state(_fresh(task)) is None


def test_the_manager_above_approves_and_the_unit_can_no_longer_undo(setup):
    task, people = setup
    task = _done(task, people)
    review.task_approve(actor=people["above"], task=task, version=task.version, comment="Bra!")
    task = _fresh(task)
    assert task.review_status == ReviewStatus.APPROVED
    assert task.reviewed_by == people["above"] and task.done_at is not None
    assert readmodel.review_state(task) == readmodel.APPROVED
    with pytest.raises(ValidationError, match="godkänd"):
        services.task_undo_done(actor=people["chef"], task=task)
    assert [h.history_change_reason for h in task.history.all()[:2]] == [
        "Godkänd",
        "Klarmarkerad",
    ]


def test_send_back_reopens_the_task_with_comments_and_klarmarkera_again(setup, chain):
    task, people = setup
    task = _done(task, people)
    activity = chain["activity"]
    review.task_send_back(
        actor=people["above"],
        task=task,
        version=task.version,
        comment="Komplettera analysen.",
        item_comments={activity.pk: "Hur många elever deltar?"},
    )
    task = _fresh(task)
    assert task.done_at is None and readmodel.review_state(task) == readmodel.SENT_BACK
    assert task.review_comment == "Komplettera analysen."
    assert review.item_comments(task) == {activity.pk: "Hur många elever deltar?"}
    # The unit may change its reports again: the one rule for that.
    from styrhjul.organisation import access

    assert access.may_change_task(people["chef"], task)
    assert not services.is_locked(task)
    task = _done(task, people)
    assert readmodel.review_state(task) == readmodel.AWAITING_REVIEW
    assert task.review_status == ""
    assert task.history.first().history_change_reason == "Klarmarkerad"
    assert "Skickad tillbaka" in [h.history_change_reason for h in task.history.all()]
    review.task_approve(actor=people["above"], task=task, version=task.version)
    task = _fresh(task)
    assert readmodel.review_state(task) == readmodel.APPROVED
    assert not ReviewComment.objects.filter(task=task).exists()
    assert ReviewComment.history.filter(history_type="-").count() == 1


def test_sending_back_needs_a_comment(setup):
    task, people = setup
    task = _done(task, people)
    with pytest.raises(ValidationError) as exc:
        review.task_send_back(actor=people["above"], task=task, version=task.version, comment=" ")
    assert "comment" in exc.value.message_dict
    assert _fresh(task).done_at is not None


def test_sending_back_a_task_past_its_deadline_reopens_it_until_a_date(setup, occasion):
    task, people = setup
    task = _done(task, people)
    today = timezone.localdate()
    occasion.steps.filter(unit_type__name="Enhet").update(
        start=today - datetime.timedelta(days=30), deadline=today - datetime.timedelta(days=1)
    )
    task = _fresh(task)
    with pytest.raises(ValidationError) as exc:
        review.task_send_back(
            actor=people["above"], task=task, version=task.version, comment="Komplettera."
        )
    assert "until" in exc.value.message_dict
    task = _fresh(task)
    until = today + datetime.timedelta(days=5)
    review.task_send_back(
        actor=people["above"], task=task, version=task.version, comment="Komplettera.", until=until
    )
    task = _fresh(task)
    assert task.reopened_until == until and not services.is_locked(task)


@pytest.mark.parametrize("who", ["chef", "sibling", "reader"])
def test_only_a_manager_above_reviews(setup, who):
    task, people = setup
    task = _done(task, people)
    with pytest.raises(PermissionDenied):
        review.task_approve(actor=people[who], task=task, version=task.version)
    with pytest.raises(PermissionDenied):
        review.task_send_back(actor=people[who], task=task, version=task.version, comment="Nej.")
    assert not review.may_decide(people[who], task)
    assert review.may_decide(people["above"], task)


def test_a_task_not_klarmarkerad_or_already_decided_is_not_reviewed(setup):
    task, people = setup
    with pytest.raises(ValidationError):
        review.task_approve(actor=people["above"], task=task, version=task.version)
    task = _done(task, people)
    review.task_approve(actor=people["above"], task=task, version=task.version)
    task = _fresh(task)
    with pytest.raises(ValidationError):
        review.task_send_back(
            actor=people["above"], task=task, version=task.version, comment="Nej."
        )


def test_a_decision_on_a_task_changed_since_it_was_opened_is_refused(setup):
    task, people = setup
    task = _done(task, people)
    opened = task.version
    services.task_undo_done(actor=people["chef"], task=task)
    with pytest.raises(EditConflict):
        review.task_approve(actor=people["above"], task=_fresh(task), version=opened)


# --- Pages -------------------------------------------------------------------------------


def test_the_review_page_and_the_unit_sees_the_sent_back_task(client, setup, chain):
    task, people = setup
    task = _done(task, people)
    url = reverse("followup:task_review", args=[task.pk])
    for who, status in (("sibling", 404), ("reader", 403), ("chef", 403)):
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
    client.force_login(people["above"])
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "Väntar på granskning" in page and url in page
    form = client.get(url).content.decode()
    activity = chain["activity"]
    assert f'name="item_{activity.pk}"' in form and "Kommentar till" in form
    response = client.post(url, {"version": task.version, "decision": "send_back", "comment": ""})
    assert response.status_code == 200
    assert "Skriv vad enheten ska komplettera." in response.content.decode()
    response = client.post(
        url,
        {
            "version": task.version,
            "decision": "send_back",
            "comment": "Komplettera analysen.",
            f"item_{activity.pk}": "Hur många elever deltar?",
        },
    )
    assert response.status_code == 302
    client.force_login(people["chef"])
    start = client.get("/").content.decode()
    assert "Skickade tillbaka" in start and "Komplettera analysen." in start
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "Skickad tillbaka" in page and "Komplettera analysen." in page
    assert "Kommentar från granskningen" in page and "Hur många elever deltar?" in page
    assert url not in page  # the unit's own chef does not review


def test_approve_through_the_page(client, setup):
    task, people = setup
    task = _done(task, people)
    client.force_login(people["above"])
    url = reverse("followup:task_review", args=[task.pk])
    response = client.post(url, {"version": task.version, "decision": "approve", "comment": ""})
    assert response.status_code == 302
    client.force_login(people["chef"])
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "Godkänd" in page and "Ångra klarmarkering" not in page
    assert reverse("followup:task_undo", args=[task.pk]) not in page


def test_the_overview_and_its_export_count_the_review_states(client, setup, org, model_owner):
    task, people = setup
    occasion = task.occasion
    today = timezone.localdate()
    occasion.steps.filter(unit_type__name="Förvaltning").update(
        deadline=today + datetime.timedelta(days=20), review=True
    )
    forv = ReportingTask.objects.select_related("step", "occasion").get(
        occasion=occasion, unit=org["forv"]
    )
    task = _done(task, people)
    services.task_mark_done(actor=model_owner, task=forv)
    forv = _fresh(forv)
    # The model owner of the whole municipality is a manager above the förvaltning.
    review.task_send_back(actor=model_owner, task=forv, version=forv.version, comment="Mer.")

    def states():
        page = overview.overview(model_owner, occasion)
        return {r.task.pk: r.status for r in page.rows}, page.counts

    status, counts = states()
    assert status[task.pk] == overview.AWAITING_REVIEW
    assert status[forv.pk] == overview.SENT_BACK
    assert counts[overview.AWAITING_REVIEW] == 1 and counts[overview.SENT_BACK] == 1
    client.force_login(model_owner)
    start = client.get("/").content.decode()
    assert "Väntar på granskning" in start and "Skickad tillbaka" in start
    review.task_approve(actor=people["above"], task=task, version=task.version)
    status, counts = states()
    assert status[task.pk] == overview.APPROVED and counts[overview.APPROVED] == 1
    assert overview.AWAITING_REVIEW not in counts
    from openpyxl import load_workbook

    export = client.get(reverse("followup:overview_export", args=[occasion.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    statuses = {r[4]: r[9] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses[task.name] == "Godkänd"
    assert statuses[forv.name] == "Skickad tillbaka"
    overview_page = client.get(reverse("followup:overview", args=[occasion.pk])).content.decode()
    assert "Godkänd" in overview_page and "Skickad tillbaka" in overview_page


# --- Reminders, the reviewer's start page, the filter beside the rule ---------------------


def test_a_task_waiting_for_review_reminds_the_nearest_reviewers(setup, model_owner):
    from django.core import mail

    from styrhjul.followup import reminders

    task, people = setup
    people["above"].email = "anders@example.se"
    people["above"].save()
    model_owner.email = "maja@example.se"
    model_owner.save()
    task = _done(task, people)
    today = timezone.localdate()
    assert reminders.review_due(today) == []  # klarmarkerad today: tomorrow
    tomorrow = today + datetime.timedelta(days=1)
    outcome = reminders.automatic(today=tomorrow, days=[])
    sent = [(p.task.pk, p.recipient.email, p.kind) for p in outcome.sent]
    assert sent == [(task.pk, "anders@example.se", reminders.REVIEW)]
    message = mail.outbox[-1]
    assert message.subject == f"Att granska: {task.title}"
    assert reverse("followup:task_review", args=[task.pk]) in message.body
    review.task_approve(actor=people["above"], task=task, version=task.version)
    assert reminders.review_due(tomorrow) == []


def test_the_filter_of_tasks_waiting_for_review_agrees_with_the_rule(setup, org, occasion):
    task, people = setup
    tasks = ReportingTask.objects.filter(occasion=occasion).select_related("step")

    def agree():
        waiting = set(tasks.filter(readmodel.awaiting_review_filter()).values_list("pk", flat=True))
        by_rule = {
            t.pk for t in tasks.all() if readmodel.review_state(t) == readmodel.AWAITING_REVIEW
        }
        assert waiting == by_rule
        return waiting

    assert agree() == set()
    task = _done(task, people)
    assert agree() == {task.pk}
    review.task_send_back(actor=people["above"], task=task, version=task.version, comment="Mer.")
    assert agree() == set()
    task = _done(_fresh(task), people)
    assert agree() == {task.pk}
    review.task_approve(actor=people["above"], task=task, version=task.version)
    assert agree() == set()


def test_the_reviewer_finds_the_task_on_the_start_page(client, setup):
    task, people = setup
    task = _done(task, people)
    url = reverse("followup:task_review", args=[task.pk])
    client.force_login(people["above"])
    start = client.get("/").content.decode()
    assert "Att granska" in start and url in start
    for who in ("chef", "sibling", "reader"):
        client.force_login(people[who])
        assert url not in client.get("/").content.decode(), who


def test_the_task_history_shows_each_step_and_the_comments(client, setup, chain):
    task, people = setup
    task = _done(task, people)
    review.task_send_back(
        actor=people["above"],
        task=task,
        version=task.version,
        comment="Komplettera.",
        item_comments={chain["activity"].pk: "Hur många elever deltar?"},
    )
    client.force_login(people["chef"])
    page = client.get(reverse("followup:task_history", args=[task.pk])).content.decode()
    assert "Skickad tillbaka" in page and "Klarmarkerad" in page
    assert "Kommentarer från granskningen" in page and "Hur många elever deltar?" in page


def test_the_reviewers_start_page_asks_as_many_queries_for_one_task_or_many(
    client, setup, org, chain
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ReportingTaskFactory

    task, people = setup
    _done(task, people)
    client.force_login(people["above"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/").content.decode()
        return len(ctx.captured_queries), page

    client.get("/")  # warm caches (sessions, rights)
    one, _page = count()
    for _n in range(3):  # three Rapportörer's tasks of a sibling enhet, klarmarkerade
        extra = ReportingTaskFactory(
            occasion=task.occasion,
            unit=org["enhet_b2"],
            plan_type=chain["ap"],
            step=task.step,
            reporter=UserFactory(),
        )
        ReportingTask.objects.filter(pk=extra.pk).update(done_at=timezone.now())
    many, page = count()
    assert page.count(reverse("followup:task_review", args=[task.pk])) == 1
    assert page.count("/granska/") >= 4
    assert many == one
