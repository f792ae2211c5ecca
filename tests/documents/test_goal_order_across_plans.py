"""Goals of several plans on one level: each plan's goals stay together, in
the plan's own order, the plans in the organisation's order of their units
(a unit's plans by plan type), so two plans whose goals are both numbered
"1" and "2" neither interleave nor collide: in the Uppföljning av
aktiviteter per datum and in the delårsrapport's goal sections."""

from __future__ import annotations

import datetime

import pytest

from styrhjul.documents import annual, followup_by_date
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.planning import services as planning

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plans(org, chain):
    """Socialförvaltningen's Verksamhetsplan (SF1 from the chain, then 1 and
    2) and its Arbetsmiljömål (1 and 2, made in between, so that by the
    items' own order numbers the two plans' goals would interleave), both
    verksamhetsmål in Invånare, followed up at a delårsrapport."""
    model = chain["vp"].model
    work_env = model.plan_types.get(name="Arbetsmiljömål")
    assert chain["vp"].order < work_env.order
    plans = {
        "vp": planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        "am": planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=work_env),
    }
    for plan, number, title in (
        ("am", "1", "Låg sjukfrånvaro"),
        ("vp", "1", "Nöjda brukare"),
        ("am", "2", "Bra introduktion för nyanställda"),
        ("vp", "2", "Kortare väntetider"),
    ):
        planning.item_create(
            actor=access.SYSTEM,
            plan=plans[plan],
            kind=ItemKind.GOAL,
            number=number,
            title=title,
            level=chain["levels"]["Verksamhetsmål"],
            perspective=chain["perspectives"]["Invånare"],
        )
    return followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delårsrapport 2025",
            period_end=datetime.date(2025, 8, 31),
        ),
        plan_types=[chain["vp"], work_env, chain["ap"]],
    )


PLAN_BY_PLAN = [
    "SF1 Tidiga insatser i samverkan med skolan",
    "1 Nöjda brukare",
    "2 Kortare väntetider",
    "1 Låg sjukfrånvaro",
    "2 Bra introduktion för nyanställda",
]


def test_the_per_date_document_lists_each_plans_goals_together(org, two_plans):
    report = followup_by_date.build(org["forv"], two_plans)

    invanare = next(s for s in report.sections if s.name == "Invånare")
    assert [g.text for g in invanare.goals] == PLAN_BY_PLAN


def test_the_delarsrapport_lists_each_plans_goals_together(org, two_plans):
    report = annual.build(org["forv"], two_plans)

    assert [g.heading for g in report.chapters[0].goals] == PLAN_BY_PLAN


def test_plans_of_units_come_in_the_organisations_order(org, chain, two_plans):
    """Äldreomsorg's own goal 1 and a goal 3 shared down to it from
    Socialförvaltningen's plan, on the same level: the förvaltning's plan
    comes first, as the förvaltning stands above the avdelning in the tree,
    though its goal was made last (and is later in its plan's order)."""
    level, invanare = chain["levels"]["Verksamhetsmål"], chain["perspectives"]["Invånare"]
    planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["avd_a"], plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        number="1",
        title="Trygg vård i livets slutskede",
        level=level,
        perspective=invanare,
    )
    shared = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        number="3",
        title="Gemensamt mål för avdelningarna",
        level=level,
        perspective=invanare,
    )
    planning.item_share(actor=access.SYSTEM, item=shared, units=[org["avd_a"]])

    report = followup_by_date.build(org["avd_a"], two_plans)

    section = next(s for s in report.sections if s.name == "Invånare")
    assert [g.text for g in section.goals] == [
        "3 Gemensamt mål för avdelningarna",
        "1 Trygg vård i livets slutskede",
    ]


def test_activities_under_a_goal_come_in_the_organisations_order(org, chain, two_plans):
    """Activities of several units under Socialförvaltningen's goal SF1 stand
    as the goals do: the units depth first through the tree (an avdelning
    before its enheter, the avdelningar by name), each unit's plans by plan
    type (Arbetsmiljömål before Aktivitetsplan) and each plan in its own
    order; not in the units' alphabetical
    order, which would put Hemtjänst Norr before its avdelning Äldreomsorg."""
    goal, ap = chain["operational"], chain["ap"]
    work_env = goal.plan.plan_type.model.plan_types.get(name="Arbetsmiljömål")

    def activity(unit, title, plan_type=ap):
        planning.item_create(
            actor=access.SYSTEM,
            plan=planning.plan_for(actor=access.SYSTEM, unit=org[unit], plan_type=plan_type),
            kind=ItemKind.ACTIVITY,
            title=title,
            contributes_to=[goal],
        )

    activity("enhet_a2", "Trygghetsbesök")
    activity("avd_a", "Gemensam introduktion")
    activity("avd_a", "Friskvård för personalen", plan_type=work_env)
    activity("avd_a", "Kompetensplan för undersköterskor")
    activity("avd_b", "Samverkan med skolan")
    activity("forv", "Uppföljning av samverkan")

    report = followup_by_date.build(org["forv"], two_plans)

    group = next(g for s in report.sections for g in s.goals if g.title == goal.title)
    assert [(row.unit_name, row.title) for row in group.rows] == [
        ("Socialförvaltningen", "Uppföljning av samverkan"),
        ("Individ och familj", "Samverkan med skolan"),
        ("Barn och unga", "Läxhjälp på fritidsgården"),
        ("Äldreomsorg", "Friskvård för personalen"),
        ("Äldreomsorg", "Gemensam introduktion"),
        ("Äldreomsorg", "Kompetensplan för undersköterskor"),
        ("Hemtjänst Norr", "Trygghetsbesök"),
    ]


def test_a_chapters_other_items_sort_beside_the_goals_they_were_not_placed_with(org, chain):
    """The delårsrapport sorts all of a chapter's items by the key made from
    the document's goals and assignments; an activity in the plan of a unit
    with neither (a förskola under the goals shared to it) has no place of
    its own and must still sort beside them, not stop the document."""
    from styrhjul.documents.ordering import plans_first
    from styrhjul.planning.models import Item

    items = list(
        Item.objects.select_related("plan__unit", "plan__plan_type").filter(
            pk__in=[chain["operational"].pk, chain["activity"].pk, chain["council"].pk]
        )
    )
    key = plans_first([i for i in items if i.kind == ItemKind.GOAL])
    ordered = [i.pk for i in sorted(items, key=key) if i.kind == ItemKind.GOAL]
    assert ordered == [chain["council"].pk, chain["operational"].pk]
