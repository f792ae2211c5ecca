"""The demo's governance model for 2025: council goals with indicators,
committee goals, operational goals and activity plans, Socialnämnden's
åtgärdsplan, arbetsmiljömål, internal control, self-inspection and special
assignments, all loaded idempotently by `styrhjul load-demo`."""

import datetime
import re
from collections import Counter, defaultdict

import pytest

from styrhjul.demo import data, model_data
from styrhjul.demo.services import DemoConflict, load_demo
from styrhjul.model import defaults
from styrhjul.model.models import (
    GoalLevel,
    GovernanceModel,
    ItemKind,
    Perspective,
    PlanType,
    Scale,
    ScaleValue,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.models import IndicatorSource, Item, ItemLink, ItemShare, Plan
from tests.demo.rows import counts
from tests.demo.years import CAL

# One worker for the module under --dist loadgroup, so the demo is loaded once.
pytestmark = pytest.mark.xdist_group("demo-model")

FIRST, LAST = CAL.date(datetime.date(2025, 1, 1)), CAL.date(datetime.date(2025, 12, 31))
AREAS = {"Verksamhet och organisation", "Personal", "Ekonomi", "Administration"}
ALL_MODELS = (
    GovernanceModel,
    Perspective,
    GoalLevel,
    Scale,
    ScaleValue,
    PlanType,
    Plan,
    Item,
    ItemLink,
    ItemShare,
)


def items(**lookup):
    return Item.objects.filter(plan__plan_type__model__year=CAL.year(2025), **lookup)


def goals(code: str, level: str, plan_type: str = "Verksamhetsplan"):
    return items(
        plan__unit__code=code,
        plan__plan_type__name=plan_type,
        kind=ItemKind.GOAL,
        level__name=level,
    )


def targets(item: Item) -> list[Item]:
    return [link.target for link in item.links_up.select_related("target__level")]


def indicators_of(goal: Item) -> list[Item]:
    return [
        link.item
        for link in goal.links_down.select_related("item")
        if link.item.kind == ItemKind.INDICATOR
    ]


def shared_units(item: Item) -> set[str]:
    return {s.unit.code for s in item.shares.filter(ended_at__isnull=True).select_related("unit")}


def open_codes_below(code: str, *unit_types: str) -> set[str]:
    root = Unit.objects.get(code=code)
    return set(
        Unit.objects.descendants(root)
        .filter(unit_type__name__in=unit_types)
        .valid_in_year(CAL.year(2025))
        .values_list("code", flat=True)
    )


# --- The data itself -------------------------------------------------------------


def test_the_declarations_are_consistent():
    specs = model_data.item_specs()
    refs = [s.ref for s in specs]
    assert len(refs) == len(set(refs))
    keys = Counter((s.unit, s.plan_type, s.kind, s.number) for s in specs)
    assert max(keys.values()) == 1
    codes = {u.code for u in data.UNITS}
    seen = set()
    for spec in specs:
        assert spec.number and len(spec.number) <= 20, spec
        assert set(spec.contributes_to) <= seen, f"{spec.ref} points ahead of itself"
        assert spec.unit in codes and set(spec.shared_to) <= codes, spec
        seen.add(spec.ref)
        kpi = spec.fields.get("kolada_kpi")
        if kpi:
            assert re.fullmatch(r"[NU]\d{5}", kpi)
        for name in ("start_date", "end_date"):
            if name in spec.fields:
                assert FIRST <= spec.fields[name] <= LAST, spec
        if "start_date" in spec.fields:
            assert spec.fields["start_date"] <= spec.fields["end_date"], spec


# --- The model --------------------------------------------------------------------


def test_the_model_keeps_the_default_perspectives_and_plan_types(demo):
    model = GovernanceModel.objects.get()
    assert (model.organisation.code, model.year) == (data.ROOT_CODE, CAL.year(2025))
    assert [p.name for p in model.perspectives.all()] == [n for n, _ in defaults.PERSPECTIVES]
    assert [t.name for t in model.plan_types.all()] == [n for n, _ in defaults.PLAN_TYPES]
    assert demo.model_created


def test_five_council_goals_each_in_a_perspective_with_indicators(demo):
    council = goals("1010", "Inriktningsmål").select_related("perspective", "plan")
    assert council.count() == 5
    assert {g.perspective.name for g in council} == {n for n, _ in defaults.PERSPECTIVES}
    sources = set()
    for goal in council:
        indicators = indicators_of(goal)
        assert 1 <= len(indicators) <= 2, goal
        for ind in indicators:
            assert ind.plan_id == goal.plan_id
            assert ind.measure_unit and ind.direction in {"higher", "lower"}
            assert ind.baseline_year == CAL.year(2022) and ind.baseline_value is not None
            assert (
                ind.target_year in {CAL.year(2026), CAL.year(2030)} and ind.target_value is not None
            )
            assert ind.target_value != ind.baseline_value
            if ind.source == IndicatorSource.KOLADA:
                assert re.fullmatch(r"N\d{5}", ind.kolada_kpi)
            else:
                assert ind.source == IndicatorSource.MANUAL and not ind.kolada_kpi
            sources.add(ind.source)
    assert sources == {IndicatorSource.KOLADA, IndicatorSource.MANUAL}


def test_committee_goals_break_the_council_goals_down(demo):
    for code in ("1020", "3000", "4000", "5000"):  # Kommunstyrelsen and the nämnder
        committee = goals(code, "Nämndmål")
        assert 2 <= committee.count() <= 3, code
        for goal in committee:
            assert any(t.level.name == "Inriktningsmål" for t in targets(goal)), goal


def test_operational_goals_contribute_to_committee_goals(demo):
    operational = items(kind=ItemKind.GOAL, level__name="Verksamhetsmål").exclude(
        plan__plan_type__name="Arbetsmiljömål"
    )
    owners = {g.plan.unit.unit_type.name for g in operational.select_related("plan__unit")}
    assert owners == {"Förvaltning", "Avdelning"}
    assert operational.values("plan__unit").distinct().count() >= 6
    for goal in operational:
        assert [t.level.name for t in targets(goal)] and all(
            t.level.name == "Nämndmål" for t in targets(goal)
        ), goal


def test_most_enheter_have_an_activity_plan_led_by_their_manager(demo):
    managers = {u.code: u.manager.login for u in data.UNITS if u.manager}
    activities = items(plan__plan_type__name="Aktivitetsplan", kind=ItemKind.ACTIVITY)
    per_unit = defaultdict(list)
    for activity in activities.select_related("plan__unit", "responsible"):
        per_unit[activity.plan.unit.code].append(activity)
        assert activity.responsible.username == managers[activity.plan.unit.code]
        assert FIRST <= activity.start_date <= activity.end_date <= LAST
        levels = {t.level.name for t in targets(activity)}
        assert levels and levels <= {"Nämndmål", "Verksamhetsmål"}, activity
    enheter = set(
        Unit.objects.filter(unit_type__name="Enhet")
        .valid_in_year(CAL.year(2025))
        .values_list("code", flat=True)
    )
    with_plan = {code for code, acts in per_unit.items() if 2 <= len(acts) <= 4}
    assert len(with_plan & enheter) >= 0.8 * len(enheter)
    assert set(per_unit) <= enheter


def test_the_atgardsplan_is_shared_down_and_the_units_add_their_own_activities(demo):
    measures = items(
        plan__unit__unit_type__name="Nämnd", plan__plan_type__name="Åtgärdsplan"
    ).select_related("plan__unit")
    assert 3 <= measures.count() <= 5
    assert {m.kind for m in measures} == {ItemKind.ACTIVITY}
    namnd = measures[0].plan.unit
    reached = set()
    for measure in measures:
        assert all(t.level.name == "Nämndmål" for t in targets(measure))
        units = shared_units(measure)
        assert units, measure
        reached |= units
        for share in measure.shares.select_related("plan__plan_type", "plan__unit"):
            assert share.plan.unit_id == share.unit_id
            assert share.plan.plan_type_id == measure.plan.plan_type_id
    forvaltning = namnd.children.get()
    assert reached == open_codes_below(forvaltning.code, "Avdelning", "Enhet")

    own = items(plan__plan_type__name="Åtgärdsplan", links_up__target__in=measures).distinct()
    assert own.count() >= 5
    for activity in own.select_related("plan__unit"):
        (measure,) = targets(activity)
        assert activity.plan.unit.code in shared_units(measure)


def test_arbetsmiljomal_at_a_forvaltning_are_shared_with_their_indicators(demo):
    code = model_data.WORK_ENVIRONMENT_UNIT
    assert Unit.objects.get(code=code).unit_type.name == "Förvaltning"
    work_env = goals(code, "Verksamhetsmål", plan_type="Arbetsmiljömål")
    assert work_env.count() == 2
    below = open_codes_below(code, "Avdelning", "Enhet")
    reporters = set()
    for goal in work_env:
        (indicator,) = indicators_of(goal)
        reporters.add(indicator.reported_by)
        assert shared_units(goal) == shared_units(indicator) == below
    assert reporters == {"central", "each_unit"}
    # Some units plan their own activities under the shared goals.
    assert (
        items(plan__plan_type__name="Arbetsmiljömål", links_up__target__in=work_env)
        .exclude(plan__unit__code=code)
        .exists()
    )


def test_the_internal_control_plan_is_made_centrally_and_shared_to_the_forvaltningar(demo):
    (plan,) = Plan.objects.filter(plan_type__name="Internkontrollplan", shared_items=None)
    assert plan.unit.unit_type.name in {"Kommun", "Kommunstyrelse"}
    points = plan.items.all()
    assert 6 <= points.count() <= 8
    assert {p.area for p in points} == AREAS
    forvaltningar = set(
        Unit.objects.filter(unit_type__name="Förvaltning").values_list("code", flat=True)
    )
    reached = set()
    for point in points:
        assert point.kind == ItemKind.CONTROL_POINT
        assert 1 <= point.probability <= 4 and 1 <= point.consequence <= 4
        assert point.risk_value == point.probability * point.consequence
        for name in ("process", "risk", "control_step", "control_method", "frequency"):
            assert getattr(point, name), (point, name)
        assert point.responsible_text
        reached |= shared_units(point)
    assert forvaltningar <= reached


def test_some_enheter_have_a_self_inspection_plan(demo):
    plans = Plan.objects.filter(plan_type__name="Egenkontrollplan").select_related("unit")
    assert 2 <= plans.count() <= 3
    for plan in plans:
        assert plan.unit.unit_type.name == "Enhet"
        points = plan.items.all()
        assert points.count() >= 3
        for point in points:
            assert point.kind == ItemKind.CONTROL_POINT
            assert 1 <= point.probability <= 4 and 1 <= point.consequence <= 4
            assert point.control_step and point.control_method and point.frequency


def test_special_assignments_in_a_committee_plan(demo):
    assignments = items(kind=ItemKind.ASSIGNMENT).select_related("plan__unit", "plan__plan_type")
    assert 2 <= assignments.count() <= 3
    assert {(a.plan.unit.unit_type.name, a.plan.plan_type.name) for a in assignments} == {
        ("Nämnd", "Verksamhetsplan")
    }
    assert {a.given_by for a in assignments} == {"Kommunfullmäktige", "Nämnden"}
    for assignment in assignments:
        assert assignment.end_date.year == CAL.year(2025) and assignment.responsible is not None


def test_every_item_has_a_number_unique_in_its_plan(demo):
    keys = list(items().values_list("plan_id", "kind", "number"))
    assert all(number for _, _, number in keys)
    assert len(keys) == len(set(keys)) == demo.items


# --- Access ------------------------------------------------------------------------


def test_the_enhetschef_reads_their_activities_and_what_is_shared_to_them(demo):
    chef = User.objects.get(username=data.UNIT_HEAD.login)
    own = items(plan__unit__code="3111")
    assert own.filter(kind=ItemKind.ACTIVITY).count() >= 3
    assert all(access.can_read(chef, item) for item in own)
    assert all(access.can_write(chef, item) for item in own)

    shared = items(shares__unit__code="3111").distinct()
    assert {i.kind for i in shared} == {ItemKind.GOAL, ItemKind.INDICATOR}
    for item in shared:
        assert item.plan.unit.code != "3111"
        assert access.can_read(chef, item)
        assert not access.can_write(chef, item)

    sibling = items(plan__unit__code="3112").first()
    assert not access.can_read(chef, sibling)


# --- Idempotence ---------------------------------------------------------------------


def test_a_second_run_writes_nothing(demo):
    assert demo.items_created == demo.items > 150
    assert demo.links_created and demo.shares_created and demo.plans_created
    before = counts(ALL_MODELS)
    again = load_demo()
    assert counts(ALL_MODELS) == before
    assert not again.changed
    assert (again.items, again.plans) == (demo.items, demo.plans)
    assert again.items_created == again.links_created == again.shares_created == 0


def remove(queryset):
    """Delete items as a database administrator would, reports and values first."""
    from styrhjul.followup.models import Report
    from styrhjul.indicators.models import IndicatorValue

    Report.objects.filter(item__in=queryset).delete()
    IndicatorValue.objects.filter(item__in=queryset).delete()
    queryset.delete()


def test_a_deleted_activity_is_made_again_and_nothing_else(demo):
    lookup = {
        "plan__unit__code": "3111",
        "plan__plan_type__name": "Aktivitetsplan",
        "kind": ItemKind.ACTIVITY,
        "number": "A1",
    }
    title = items(**lookup).get().title
    remove(items(**lookup))
    summary = load_demo()
    assert (summary.items_created, summary.links_created, summary.shares_created) == (1, 1, 0)
    assert not summary.model_created and summary.plans_created == 0
    assert items(**lookup).get().title == title


def test_an_unshared_item_stays_unshared(demo):
    share = ItemShare.objects.filter(unit__code="3111").first()
    share.ended_at = datetime.datetime(CAL.year(2025), 3, 1, tzinfo=datetime.UTC)
    share.save()
    assert not load_demo().changed
    share.refresh_from_db()
    assert share.ended_at is not None


def test_a_renamed_perspective_stops_the_load_only_when_an_item_needs_it(demo):
    perspective = Perspective.objects.get(name="Verksamhet")
    perspective.name = "Kvalitet"
    perspective.save()
    assert not load_demo().changed  # everything that needs it is there already

    remove(items(number="KF5.2", kind=ItemKind.INDICATOR))
    before = counts(ALL_MODELS)
    with pytest.raises(DemoConflict) as refused:
        load_demo()
    assert refused.value.problems == [
        CAL.text("Styrmodellen 2025 saknar perspektivet Verksamhet, som demon bygger på.")
    ]
    assert counts(ALL_MODELS) == before
