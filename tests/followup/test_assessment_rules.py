"""Assessment rules per role in the chain (bedömningsregler): the
förvaltning's manual shares one goal down; the units describe it (analysis,
no assessment) and only the förvaltning assesses. One rule
(followup.services.assesses) answers for the report form, the service, the
read model (in Python and in SQL) and the underlag."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import readmodel, services
from styrhjul.followup.models import OccasionStep, ReportingTask
from styrhjul.followup.underlag import underlag
from styrhjul.model import services as model_services
from styrhjul.model.models import AssessmentRule
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UserFactory, grant


@pytest.fixture
def shared_goal(org, chain, occasion):
    """The förvaltning's verksamhetsmål shared to two enheter, with the 000
    manual's rule: the förvaltning assesses, the units only describe."""
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    goal = chain["operational"]
    planning.item_share(actor=access.SYSTEM, item=goal, units=[org["enhet_b1"], org["enhet_b2"]])
    services.occasion_open(actor=access.SYSTEM, occasion=occasion)  # the units' new tasks
    model_services.save_part(
        actor=access.SYSTEM,
        obj=AssessmentRule(
            plan_type=chain["vp"],
            level=goal.level,
            owner_assesses=True,
            receivers_assess=False,
            underlag_shows_assessments=False,
        ),
    )
    return goal


def _task(occasion, unit, plan_type):
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=plan_type, reporter=None
    )


def _goal_scale(chain):
    return list(chain["vp"].goal_scale.values.order_by("order"))


def test_the_one_rule_owner_assesses_receivers_describe(org, chain, shared_goal):
    vp = chain["vp"]
    assert services.assesses(vp, shared_goal, org["forv"].pk)
    assert services.assesses(vp, shared_goal)  # the owner when no unit is named
    assert not services.assesses(vp, shared_goal, org["enhet_b1"].pk)
    # Another level without a rule keeps its own flag for everyone.
    assert services.assesses(vp, chain["board"], org["enhet_b1"].pk)


def test_the_units_form_has_no_assessment_field_the_forvaltnings_has(
    client, org, chain, occasion, shared_goal
):
    goal = shared_goal
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)
    unit_task = _task(occasion, org["enhet_b1"], chain["vp"])
    page = client.get(reverse("followup:task", args=[unit_task.pk])).content.decode()
    assert f'name="post-{goal.pk}-analysis"' in page
    assert f'name="post-{goal.pk}-assessment"' not in page

    boss = UserFactory()
    grant(boss, org["forv"], Role.MANAGER)
    client.force_login(boss)
    forv_task = _task(occasion, org["forv"], chain["vp"])
    page = client.get(reverse("followup:task", args=[forv_task.pk])).content.decode()
    assert f'name="post-{goal.pk}-assessment"' in page


def test_a_unit_describing_counts_as_reported_with_analysis_only(org, chain, occasion, shared_goal):
    goal = shared_goal
    unit_task = _task(occasion, org["enhet_b1"], chain["vp"])
    forv_task = _task(occasion, org["forv"], chain["vp"])
    # An assessment from the unit is refused, with nothing saved.
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            actor=access.SYSTEM,
            task=unit_task,
            item=goal,
            data=services.ReportData(assessment=_goal_scale(chain)[0], analysis="Bra"),
            version=0,
        )
    assert "beskriv i analysen" in str(exc.value)
    assert not goal.reports.exists()
    services.report_save(
        actor=access.SYSTEM,
        task=unit_task,
        item=goal,
        data=services.ReportData(analysis="Sjukfrånvaron har minskat efter omorganisationen."),
        version=0,
    )
    # The förvaltning's analysis alone does not report its goal: it assesses.
    services.report_save(
        actor=access.SYSTEM,
        task=forv_task,
        item=goal,
        data=services.ReportData(analysis="Enheterna beskriver en förbättring."),
        version=0,
    )
    found = readmodel.for_tasks([unit_task, forv_task])
    [unit_row] = [r for r in found.task(unit_task) if r.item.pk == goal.pk]
    [forv_row] = [r for r in found.task(forv_task) if r.item.pk == goal.pk]
    assert unit_row.state == readmodel.REPORTED
    assert forv_row.state == readmodel.STARTED
    # The light read model and the rule in SQL give the same answers.
    light = readmodel.for_tasks([unit_task, forv_task], light=True)
    assert [r.state for r in light.task(unit_task) if r.item.pk == goal.pk] == [readmodel.REPORTED]
    assert [r.state for r in light.task(forv_task) if r.item.pk == goal.pk] == [readmodel.STARTED]
    in_sql = readmodel.states_sql(occasion, [chain["vp"]], [org["enhet_b1"].pk, org["forv"].pk])
    assert in_sql[org["enhet_b1"].pk, goal.pk] == readmodel.REPORTED
    assert in_sql[org["forv"].pk, goal.pk] == readmodel.STARTED


def test_the_forvaltnings_underlag_shows_the_units_analyses(
    client, org, chain, occasion, shared_goal
):
    goal = shared_goal
    for unit, text in (
        (org["enhet_b1"], "Sjukfrånvaron har minskat."),
        (org["enhet_b2"], "Fler tillbud rapporteras."),
    ):
        services.report_save(
            actor=access.SYSTEM,
            task=_task(occasion, unit, chain["vp"]),
            item=goal,
            data=services.ReportData(analysis=text),
            version=0,
        )
    forv_task = _task(occasion, org["forv"], chain["vp"])
    page = underlag(access.SYSTEM, forv_task, goal)
    shared = {r.unit.name: r for r in page.rows if r.shared}
    assert shared["Barn och unga"].text == "Sjukfrånvaron har minskat."
    assert shared["Vuxenenheten"].text == "Fler tillbud rapporteras."
    assert all(r.reported and r.scale_value is None for r in shared.values())
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("followup:underlag", args=[forv_task.pk, goal.pk])).content.decode()
    assert "Fler tillbud rapporteras." in html


def test_the_underlag_hides_the_units_assessments_when_the_rule_says_so(
    org, chain, occasion, shared_goal
):
    """Units that assess, an owner who sees only their analyses."""
    rule = AssessmentRule.objects.get(plan_type=chain["vp"], level=shared_goal.level)
    rule.receivers_assess = True
    model_services.save_part(actor=access.SYSTEM, obj=rule)
    first = _goal_scale(chain)[0]
    services.report_save(
        actor=access.SYSTEM,
        task=_task(occasion, org["enhet_b1"], chain["vp"]),
        item=shared_goal,
        data=services.ReportData(assessment=first, analysis="Vi når målet."),
        version=0,
    )
    forv_task = _task(occasion, org["forv"], chain["vp"])
    [row] = [
        r for r in underlag(access.SYSTEM, forv_task, shared_goal).rows if r.shared and r.report
    ]
    assert row.report.assessment == first
    assert row.scale_value is None and row.text == "Vi når målet."
    rule.underlag_shows_assessments = True
    model_services.save_part(actor=access.SYSTEM, obj=rule)
    forv_task = _task(occasion, org["forv"], chain["vp"])  # as on the next request
    [row] = [
        r for r in underlag(access.SYSTEM, forv_task, shared_goal).rows if r.shared and r.report
    ]
    assert row.scale_value == first
    assert rule.history.count() == 3


def test_the_rule_is_copied_to_next_year(org, chain, shared_goal):
    planning.model_copy_to_next_year(actor=access.SYSTEM, model=chain["vp"].model)
    [rule] = AssessmentRule.objects.filter(plan_type__model__year=2026)
    assert (rule.plan_type.name, rule.level.name) == ("Verksamhetsplan", "Verksamhetsmål")
    assert (rule.owner_assesses, rule.receivers_assess) == (True, False)


def test_the_model_owner_sets_the_rules_on_the_plan_types_page(client, org, chain, model_owner):
    vp = chain["vp"]
    level = chain["levels"]["Verksamhetsmål"]
    url = reverse("model:assessment_rules", args=[vp.pk])
    client.force_login(model_owner)
    page = client.get(url).content.decode()
    assert "Verksamhetsmål: mottagande enheter" in page
    data = {}
    for lvl in chain["levels"].values():
        data[f"owner_assesses_{lvl.pk}"] = "on"
        data[f"underlag_shows_assessments_{lvl.pk}"] = "on"
        if lvl != level:
            data[f"receivers_assess_{lvl.pk}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    # Only the level that differs from its default gets a rule.
    [rule] = AssessmentRule.objects.filter(plan_type=vp)
    assert rule.level == level
    assert (rule.owner_assesses, rule.receivers_assess) == (True, False)
    assert rule.history.get().history_user == model_owner
    assert "checked" not in page.split(f'name="receivers_assess_{level.pk}"')[0][-200:]
    # A unit manager may not change them.
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)
    assert client.post(url, data).status_code == 403


def test_the_documents_follow_the_rule_of_the_unit_they_are_made_for(
    org, chain, occasion, shared_goal
):
    # A unit that only describes the shared goal prints no "Bedömning" line
    # for it; the förvaltning, which assesses it, does.
    from styrhjul.documents import annual

    def block_for(unit):
        report = annual.build(unit, occasion, kind="delarsrapport")
        return [
            goal
            for chapter in report.chapters
            for section in chapter.perspectives
            for goal in section.goals
            if goal.item.pk == shared_goal.pk
        ]

    assert [b.assesses for b in block_for(org["enhet_b1"])] == [False]
    assert [b.assesses for b in block_for(org["forv"])] == [True]
