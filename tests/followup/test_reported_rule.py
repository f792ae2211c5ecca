"""One rule for "is this reported?": reports of every shape on every kind of
item, and every page, document and reminder that says whether an item is
reported gives the same answer for every item (docs/uppfoljning.md, "När
räknas en post som rapporterad?").

The rule is written out again here, from the documentation, so that a
change of the rule in the code fails this test too."""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from styrhjul.documents import annual, followup_by_date, internal_control
from styrhjul.followup import overview, queries, readmodel, reminders, underlag
from styrhjul.followup import services as followup
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import GoalLevel, ItemKind, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, ItemLink
from tests.factories import UserFactory, grant

TODAY = datetime.date(2025, 7, 1)  # before the enheter's deadline

# The items of Barn och unga, by name: (kind, plan type key, goal level key).
ITEMS = {
    "assessed_goal": (ItemKind.GOAL, "vp", "assessing"),
    "described_goal": (ItemKind.GOAL, "vp", "describing"),
    "indicator": (ItemKind.INDICATOR, "vp", None),
    "activity": (ItemKind.ACTIVITY, "vp", None),
    "assignment": (ItemKind.ASSIGNMENT, "vp", None),
    "control_point": (ItemKind.CONTROL_POINT, "ik", None),
}


@pytest.fixture
def world(org, chain, occasion):
    """Barn och unga with one item of every kind (and a goal of a level that
    does not assess), all contributing to a goal of its avdelning; the
    occasion also follows up the Internkontrollplan; tasks opened."""
    model = chain["vp"].model
    ik = model.plan_types.get(name="Internkontrollplan")
    occasion.plan_types.add(ik)
    describing = GoalLevel.objects.create(model=model, name="Enhetsmål", order=99, assesses=False)
    levels = {"assessing": chain["levels"]["Verksamhetsmål"], "describing": describing}
    types = {"vp": chain["vp"], "ik": ik}
    unit, avdelning = org["enhet_b1"], org["avd_b"]

    def plan(u, pt):
        return planning.plan_for(actor=access.SYSTEM, unit=u, plan_type=pt)

    target = planning.item_create(
        actor=access.SYSTEM,
        plan=plan(avdelning, chain["vp"]),
        kind=ItemKind.GOAL,
        number="IFO1",
        title="Avdelningens mål",
        level=levels["assessing"],
    )
    items = {}
    for n, (name, (kind, type_key, level_key)) in enumerate(ITEMS.items(), start=1):
        fields = {"level": levels[level_key]} if level_key else {}
        if kind == ItemKind.CONTROL_POINT:
            fields.update(area="Ekonomi", process="Kassahantering", control_step="Avstämning")
        items[name] = planning.item_create(
            actor=access.SYSTEM,
            plan=plan(unit, types[type_key]),
            kind=kind,
            number=f"B{n}",
            title=name.replace("_", " ").capitalize(),
            **fields,
        )
        ItemLink.objects.create(item=items[name], target=target)
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    tasks = {
        key: ReportingTask.objects.get(
            occasion=occasion, unit=unit, plan_type=pt, reporter__isnull=True
        )
        for key, pt in types.items()
    }
    above = ReportingTask.objects.get(
        occasion=occasion, unit=avdelning, plan_type=chain["vp"], reporter__isnull=True
    )
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER, subtree=False)
    admin = UserFactory(is_superuser=True)
    items = {k: Item.objects.select_related("level", "plan").get(pk=i.pk) for k, i in items.items()}
    return {
        "occasion": occasion,
        "unit": unit,
        "avdelning": avdelning,
        "items": items,
        "types": types,
        "tasks": tasks,
        "above": above,
        "target": target,
        "chef": chef,
        "admin": admin,
        "ik_plan": plan(unit, ik),
    }


# Blank texts of every kind of whitespace str.strip() strips (the rule in
# SQL must trim the same).
TEXT = st.sampled_from(["", "   ", "\n\t ", "\u00a0\u3000", "Skrivet.", " \u2003Skrivet.\n"])
SHAPE = st.fixed_dictionaries(
    {
        "report": st.booleans(),  # a report row at all (possibly empty)
        "status": st.booleans(),
        "assessment": st.booleans(),
        "completion": st.booleans(),
        "comment": TEXT,
        "analysis": TEXT,
        "measures": TEXT,
        "value": st.sampled_from(["", "value", "note", "blank_note", "women"]),
    }
)
SHAPES = st.fixed_dictionaries({name: SHAPE for name in ITEMS})
# The Verksamhetsplan without the scales of status and goal assessment (the
# texts are then the main answer); the indicator followed up per month.
SETUP = st.fixed_dictionaries({"scaleless": st.booleans(), "monthly": st.booleans()})


def expected(name: str, shape: dict, scaleless: bool = False) -> bool:
    """The documented rule: the item kind's main answer is there."""
    kind = ITEMS[name][0]
    has_report = _has_report(shape)
    status = has_report and shape["status"] and kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT)
    assessment = has_report and shape["assessment"] and _assessable(name, scaleless)
    comment = has_report and bool(shape["comment"].strip())
    analysis = has_report and bool(shape["analysis"].strip())
    if kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT):
        return comment if scaleless else status
    if name == "assessed_goal":
        return analysis if scaleless else assessment
    if name == "described_goal":
        return analysis
    if kind == ItemKind.INDICATOR:
        return shape["value"] == "value" or assessment
    return assessment or comment  # a control point: assessment or result


def _assessable(name: str, scaleless: bool = False) -> bool:
    if scaleless and name == "assessed_goal":
        return False
    return name in ("assessed_goal", "indicator", "control_point")


def prepare(world, setup: dict) -> dict:
    """The world with the plan type's scales and the indicator's periodicity
    of `setup` (changed inside the example's transaction, read afresh)."""
    vp, indicator = world["types"]["vp"], world["items"]["indicator"]
    if setup["scaleless"]:
        PlanType.objects.filter(pk=vp.pk).update(
            activity_scale=None, assignment_scale=None, goal_scale=None
        )
    if setup["monthly"]:
        Item.objects.filter(pk=indicator.pk).update(periodicity="month")
    items = {
        k: Item.objects.select_related("level", "plan").get(pk=i.pk)
        for k, i in world["items"].items()
    }
    types = {k: PlanType.objects.get(pk=pt.pk) for k, pt in world["types"].items()}
    tasks = {k: ReportingTask.objects.get(pk=t.pk) for k, t in world["tasks"].items()}
    above = ReportingTask.objects.get(pk=world["above"].pk)
    return {**world, "items": items, "types": types, "tasks": tasks, "above": above}


def _has_report(shape: dict) -> bool:
    return shape["report"] or any(
        shape[k] for k in ("status", "assessment", "completion", "comment", "analysis", "measures")
    )


def _scale(plan_type, item, field):
    scale_id = followup.scale_for(plan_type, item, field)
    if scale_id is None:
        return None
    return plan_type.model.scales.get(pk=scale_id).values.filter(comment_required=False).first()


def apply(world, shapes: dict) -> None:
    occasion, unit = world["occasion"], world["unit"]
    for name, shape in shapes.items():
        item = world["items"][name]
        kind, type_key, _level = ITEMS[name]
        plan_type = world["types"][type_key]
        if _has_report(shape):
            Report.objects.create(
                occasion=occasion,
                unit=unit,
                item=item,
                status=(
                    _scale(plan_type, item, "status")
                    if shape["status"] and kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT)
                    else None
                ),
                assessment=(
                    _scale(plan_type, item, "assessment")
                    if shape["assessment"] and _assessable(name)
                    else None
                ),
                completion=50 if shape["completion"] else None,
                comment=shape["comment"],
                analysis=shape["analysis"],
                measures=shape["measures"],
            )
        if kind == ItemKind.INDICATOR and shape["value"]:
            IndicatorValue.objects.create(
                item=item,
                unit=unit,
                year=occasion.year,
                period=followup.value_period(item, occasion),
                value=Decimal(42) if shape["value"] == "value" else None,
                value_women=Decimal(40) if shape["value"] == "women" else None,
                note={"note": "Avser period ett", "blank_note": "\u00a0 "}.get(shape["value"], ""),
            )


def answers(world) -> dict[str, dict[str, bool]]:
    """Consumer → item name → whether that consumer says it is reported."""
    occasion, items = world["occasion"], world["items"]
    by_pk = {i.pk: name for name, i in items.items()}
    tasks = list(world["tasks"].values())
    result: dict[str, dict[str, bool]] = {}

    page_rows, page_counts = {}, {}
    for task in tasks:
        task = queries.task_queryset().get(pk=task.pk)
        page = queries.task_page(world["admin"], task)
        for pk, entry in page.entries.items():
            page_rows[by_pk[pk]] = entry.reported
        page_counts[task.pk] = (page.reported, page.total)
    result["task page"] = page_rows

    unreported = {i.pk for task in tasks for i in readmodel.unreported(task)}
    result["klarmarkera"] = {name: i.pk not in unreported for name, i in items.items()}

    left = reminders.still_to_report(
        ReportingTask.objects.filter(pk__in=[t.pk for t in tasks]).select_related("plan_type")
    )
    missing = {i.pk for todo in left.values() for i in todo.missing}
    result["reminders"] = {name: i.pk not in missing for name, i in items.items()}

    rows = underlag.underlag(world["admin"], world["above"], world["target"]).rows
    result["underlag"] = {by_pk[r.item.pk]: r.reported for r in rows if r.unit == world["unit"]}
    assert len(rows) == len(items)
    missing_rows = underlag.underlag(world["admin"], world["above"], world["target"]).missing_rows
    assert {by_pk[r.item.pk] for r in missing_rows} == {
        n for n, ok in result["underlag"].items() if not ok
    }

    ik = internal_control.build(world["ik_plan"], occasion)
    (row,) = [r for a in ik.areas for r in a.rows]
    result["internkontrollrapport"] = {"control_point": row.reported}
    ik_reported = sum(c.count for c in ik.totals if c.label != internal_control.NOT_REPORTED)
    assert ik_reported == int(row.reported)
    assert (row.assessment_text == internal_control.NOT_REPORTED) == (not row.reported)

    by_date = followup_by_date.build(world["unit"], occasion)
    by_title = {i.title: name for name, i in items.items()}
    doc_rows = [row for s in by_date.sections for g in s.goals for row in g.rows]
    result["uppföljning per datum"] = {
        by_title[row.title]: row.reported for row in doc_rows if row.title in by_title
    }
    for row in doc_rows:
        assert (row.status == followup_by_date.NOT_REPORTED) == (not row.reported)
    not_reported = sum(c.count for c in by_date.counts if c.label == followup_by_date.NOT_REPORTED)
    assert not_reported == sum(1 for row in doc_rows if not row.reported)

    unit_doc = annual.build(world["unit"], occasion)
    above_doc = annual.build(world["avdelning"], occasion)
    in_annual = {}
    for chapter in unit_doc.chapters:
        for goal in chapter.goals:
            in_annual[by_pk[goal.item.pk]] = goal.assessment.reported
        for a in chapter.assignments:
            in_annual["assignment"] = a.status.reported
    for chapter in above_doc.chapters:
        for goal in chapter.goals:
            for a in goal.activities:
                in_annual["activity"] = a.status.reported
    result["delårsrapport"] = in_annual
    for chapter in unit_doc.chapters:
        assert chapter.assessed == sum(
            1 for g in chapter.goals if g.assesses and g.assessment.reported
        )

    # The counts: the task page, the task progress, Mina uppgifter and the overview.
    progress = readmodel.task_progress(tasks)
    mine = {r.task.pk: (r.reported, r.total) for r in queries.my_tasks(world["chef"])}
    ov = {
        r.task.pk: (r.reported, r.total)
        for r in overview.overview(world["admin"], occasion, today=TODAY).rows
    }
    for task in tasks:
        assert page_counts[task.pk] == progress[task.pk] == mine[task.pk] == ov[task.pk]
        rows = readmodel.for_tasks([task]).task(task)
        assert progress[task.pk] == (sum(r.reported for r in rows), len(rows))

    # The rule in SQL, which the overview counts with: the same state
    # (reported, started, not reported) for every item as the rule in Python.
    in_sql = readmodel.states_sql(occasion, world["types"].values(), [world["unit"].pk])
    model = readmodel.for_tasks(tasks)
    assert {item_pk: found for (_unit, item_pk), found in in_sql.items()} == {
        row.item.pk: row.state for task in tasks for row in model.task(task)
    }
    result["räkning i databasen"] = {
        by_pk[item_pk]: found == readmodel.REPORTED for (_unit, item_pk), found in in_sql.items()
    }
    counted = readmodel.task_counts(occasion, tasks)
    for task in tasks:
        rows = model.task(task)
        assert counted[task.pk] == (
            sum(r.reported for r in rows),
            sum(r.reported or r.started for r in rows),
            len(rows),
        )
    return result


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=SHAPES, setup=SETUP)
def test_every_consumer_gives_the_rules_answer_for_every_item(world, shapes, setup):
    with transaction.atomic():
        world = prepare(world, setup)
        apply(world, shapes)
        want = {name: expected(name, shape, setup["scaleless"]) for name, shape in shapes.items()}
        for consumer, said in answers(world).items():
            assert said, consumer
            for name, reported in said.items():
                assert reported == want[name], (consumer, name, shapes[name])
        covered = {consumer: set(said) for consumer, said in answers(world).items()}
        every_item = ("task page", "klarmarkera", "reminders", "underlag", "räkning i databasen")
        for consumer in every_item:
            assert covered[consumer] == set(ITEMS), consumer
        assert covered["internkontrollrapport"] == {"control_point"}
        assert covered["uppföljning per datum"] == {"activity", "assignment"}
        assert covered["delårsrapport"] == {
            "assessed_goal",
            "described_goal",
            "activity",
            "assignment",
        }
        transaction.set_rollback(True)


def test_the_rule_in_sql_trims_what_str_strip_strips():
    every = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert readmodel.WHITESPACE == every
