"""Property tests for the plan's Excel round trip: whatever valid items a
file holds, importing it gives exactly those items and links; exporting
the plan and importing the export changes nothing, and builds the same plan
in another unit."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from styrhjul.core.concurrency import one_action
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.excel.cells import long_text
from styrhjul.planning.models import Plan
from tests.excel import (
    ACTIVITY_HEADER,
    ASSIGNMENT_HEADER,
    CONTROL_HEADER,
    GOAL_HEADER,
    INDICATOR_HEADER,
    history_rows,
    import_plan,
    snapshot,
    workbook,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

PERSPECTIVES = ["Invånare", "Samhälle och miljö", "Medarbetare", "Ekonomi", "Verksamhet"]

# Text a municipality may write: letters (å, ä, ö, é …), digits, punctuation
# (; , " ' = and the like), symbols and spaces of every kind — no control
# characters, which Excel cannot hold.
_chars = st.characters(categories=("L", "N", "P", "S", "Zs"))
line = st.text(alphabet=_chars, min_size=1, max_size=30).map(lambda s: " ".join(s.split()))
title = line.filter(bool)
long_texts = st.lists(st.text(alphabet=_chars, max_size=25), max_size=3).map("\n".join)
numbers = st.from_regex(r"[0-9A-Za-zÅÄÖåäö][0-9A-Za-z.\-]{0,5}", fullmatch=True)
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))
decimals = st.decimals(
    min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
)
years = st.integers(min_value=1900, max_value=2200)


def maybe(strategy):
    return st.one_of(st.none(), strategy)


USER_KEYS = {"anna@example.se", "anna andersson", "bo berg", "bo@example.se"}


@st.composite
def people(draw):
    """Ansvarig: a user by e-mail or name, a function, or no one."""
    function = title.filter(
        lambda t: t.casefold() not in USER_KEYS and not t.casefold().startswith("anvandare")
    )
    return draw(
        st.one_of(
            st.none(),
            st.sampled_from(["anna@example.se", "ANNA ANDERSSON", "Bo Berg"]),
            function,
        )
    )


@st.composite
def goal_refs(draw, goals):
    """A cell naming some of the given goals, by Nr or (without Nr) title:
    {"cell": what the file holds, "refs": the names}."""
    if not goals:
        return {"cell": None, "refs": []}
    chosen = draw(st.lists(st.sampled_from(goals), max_size=3, unique_by=lambda g: g["title"]))
    refs = [g["number"] or g["title"] for g in chosen]
    separator = "\n" if any(";" in r for r in refs) else draw(st.sampled_from(["\n", "; "]))
    return {"cell": separator.join(refs) or None, "refs": refs}


@st.composite
def verksamhetsplan(draw):
    goal_numbers = draw(st.lists(maybe(numbers), max_size=5))
    goal_numbers = [n if n not in goal_numbers[:i] else None for i, n in enumerate(goal_numbers)]
    # Goal titles are unique, and differ from every Nr, so each reference
    # names the goal it was written for.
    used = {n.casefold() for n in goal_numbers if n}
    titles = draw(
        st.lists(
            title.filter(lambda t: t.casefold() not in used),
            min_size=len(goal_numbers),
            max_size=len(goal_numbers),
            unique_by=str.casefold,
        )
    )
    goals = []
    for number, goal_title in zip(goal_numbers, titles, strict=True):
        goals.append(
            {
                "number": number,
                "title": goal_title,
                "perspective": draw(maybe(st.sampled_from(PERSPECTIVES))),
                "description": draw(long_texts),
                "contributes": draw(goal_refs(goals)),
                "responsible": draw(people()),
            }
        )
    kolada_ids = st.from_regex(r"[NU][0-9]{5}", fullmatch=True)
    units = maybe(st.sampled_from(["%", "antal", "kr", "index"]))
    percents = st.decimals(
        min_value=-1000, max_value=100, places=2, allow_nan=False, allow_infinity=False
    )
    sources = maybe(st.sampled_from(["Rapporteras manuellt", "Kolada", "Importeras", "Beräknas"]))
    indicators = [
        {
            "number": number,
            "perspective": draw(maybe(st.sampled_from(PERSPECTIVES))),
            "goals": draw(goal_refs(goals)),
            "title": draw(title),
            "description": draw(long_texts),
            "measure_unit": unit,
            "direction": draw(
                maybe(st.sampled_from(["Högre är bättre", "Lägre är bättre", "Ingen riktning"]))
            ),
            "source": source,
            # A Kolada source needs a Kolada id (the import says so at the row).
            "kolada": draw(kolada_ids if source == "Kolada" else maybe(kolada_ids)),
            "reported_by": draw(maybe(st.sampled_from(["Varje enhet", "Centralt"]))),
            "periodicity": draw(maybe(st.sampled_from(["År", "Tertial", "Kvartal", "Månad"]))),
            "baseline_year": draw(maybe(years)),
            # A value in percent is at most 100 (the import says so at the cell).
            "baseline_value": draw(maybe(percents if unit == "%" else decimals)),
            "target_year": draw(maybe(years)),
            "target_value": draw(maybe(percents if unit == "%" else decimals)),
            "near": draw(maybe(decimals)),
            "gender_split": draw(st.booleans()),
        }
        for number, source, unit in (
            (n, draw(sources), draw(units))
            for n in draw(st.lists(numbers, max_size=3, unique=True)) + [None]
        )
    ]
    activities = []
    for number in draw(st.lists(maybe(numbers), max_size=4)):
        start, end = sorted([draw(dates), draw(dates)])
        activities.append(
            {
                "number": number,
                "perspective": draw(maybe(st.sampled_from(PERSPECTIVES))),
                "goals": draw(goal_refs(goals)),
                # Titles may repeat: rows without Nr are matched in order.
                "title": draw(st.sampled_from(["Nattpatrull", "Friskvård"]) | title),
                "description": draw(long_texts),
                "responsible": draw(people()),
                "start": draw(maybe(st.just(start))),
                "end": end if draw(st.booleans()) else None,
            }
        )
    _unique_numbers(activities)
    assignments = [
        {
            "number": number,
            "title": draw(title),
            "description": draw(long_texts),
            "given_by": draw(maybe(st.sampled_from(["KF", "KS", "Socialnämnden"]))),
            "responsible": draw(people()),
            "end": draw(maybe(dates)),
        }
        for number in draw(st.lists(maybe(numbers), max_size=2))
    ]
    _unique_numbers(assignments)
    return goals, indicators, activities, assignments


def _unique_numbers(rows) -> None:
    seen = set()
    for row in rows:
        if row["number"] in seen:
            row["number"] = None
        elif row["number"]:
            seen.add(row["number"])


@st.composite
def control_points(draw):
    rows = [
        {
            "area": draw(maybe(st.sampled_from(["Ekonomi", "Personal", "Verksamhet"]))),
            "number": number,
            "process": draw(maybe(title)),
            "risk": draw(long_texts),
            "probability": draw(maybe(st.integers(1, 4))),
            "consequence": draw(maybe(st.integers(1, 4))),
            "control_step": draw(long_texts.filter(lambda t: long_text(t))),
            "control_method": draw(long_texts),
            "frequency": draw(maybe(st.sampled_from(["Varje månad", "En gång per år"]))),
            "responsible": draw(people()),
        }
        for number in draw(st.lists(maybe(numbers), min_size=1, max_size=5))
    ]
    _unique_numbers(rows)
    return rows


def verksamhetsplan_file(goals, indicators, activities, assignments) -> bytes:
    return workbook(
        {
            "Mål": [GOAL_HEADER]
            + [
                [
                    g["number"],
                    g["perspective"],
                    "Verksamhetsmål",
                    g["title"],
                    g["description"],
                    g["contributes"]["cell"],
                    g["responsible"],
                ]
                for g in goals
            ],
            "Nyckeltal": [INDICATOR_HEADER]
            + [
                [
                    i["number"],
                    i["perspective"],
                    i["goals"]["cell"],
                    i["title"],
                    i["description"],
                    i["measure_unit"],
                    i["direction"],
                    i["source"],
                    i["kolada"],
                    i["reported_by"],
                    i["periodicity"],
                    i["baseline_year"],
                    i["baseline_value"],
                    i["target_year"],
                    i["target_value"],
                    i["near"],
                    "Ja" if i["gender_split"] else "Nej",
                ]
                for i in indicators
            ],
            "Aktiviteter": [ACTIVITY_HEADER]
            + [
                [
                    a["number"],
                    a["perspective"],
                    a["goals"]["cell"],
                    a["title"],
                    a["description"],
                    a["responsible"],
                    a["start"],
                    a["end"],
                ]
                for a in activities
            ],
            "Särskilda uppdrag": [ASSIGNMENT_HEADER]
            + [
                [
                    u["number"],
                    u["title"],
                    u["description"],
                    u["given_by"],
                    u["responsible"],
                    u["end"],
                ]
                for u in assignments
            ],
        }
    )


def control_file(rows) -> bytes:
    return workbook(
        {
            "Kontrollpunkter": [CONTROL_HEADER]
            + [
                [
                    r["area"],
                    r["number"],
                    r["process"],
                    r["risk"],
                    r["probability"],
                    r["consequence"],
                    r["control_step"],
                    r["control_method"],
                    r["frequency"],
                    r["responsible"],
                ]
                for r in rows
            ]
        }
    )


def round_trip(data, plan_type, here, there):
    """Import, check, export, import again here and in another unit."""
    import_plan(data, here, plan_type)
    plan = Plan.objects.get(unit=here, plan_type=plan_type)
    before = snapshot(plan)
    exported = export_workbook(actor=access.SYSTEM, unit=here, plan_type=plan_type)
    rows = history_rows()

    again = import_plan(exported, here, plan_type)

    assert not again.changed_anything, again.summary()
    assert history_rows() == rows
    assert snapshot(plan) == before
    import_plan(exported, there, plan_type)
    assert snapshot(Plan.objects.get(unit=there, plan_type=plan_type)) == before
    return plan


def _responsible(item):
    return item.responsible.email if item.responsible else item.responsible_text or None


EXPECTED_PEOPLE = {
    "anna@example.se": "anna@example.se",
    "ANNA ANDERSSON": "anna@example.se",
    "Bo Berg": "bo@example.se",
}


def _expected_person(value):
    return EXPECTED_PEOPLE.get(value, value) if value else None


@pytest.fixture
def people_in_place(org):
    """Two Rapportörer of the avdelning whose units the plans belong to."""
    for first, last, email in (
        ("Anna", "Andersson", "anna@example.se"),
        ("Bo", "Berg", "bo@example.se"),
    ):
        grant(
            UserFactory(first_name=first, last_name=last, email=email), org["avd_a"], Role.REPORTER
        )


PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


@PROPERTY_SETTINGS
@given(plan=verksamhetsplan())
def test_any_verksamhetsplan_round_trips(org, model, people_in_place, plan):
    goals, indicators, activities, assignments = plan
    vp = model.plan_types.get(name="Verksamhetsplan")
    with one_action():
        saved_plan = round_trip(verksamhetsplan_file(*plan), vp, org["enhet_a2"], org["enhet_a1"])
        saved = {
            kind: list(saved_plan.items.filter(kind=kind).order_by("order", "pk"))
            for kind in ItemKind.values
        }
        assert [(g.number, g.title, g.description) for g in saved[ItemKind.GOAL]] == [
            (g["number"] or "", g["title"], long_text(g["description"])) for g in goals
        ]
        by_ref = {(g.number or g.title): g for g in saved[ItemKind.GOAL]}
        for goal, row in zip(saved[ItemKind.GOAL], goals, strict=True):
            assert _responsible(goal) == _expected_person(row["responsible"])
            assert (goal.perspective.name if goal.perspective else None) == row["perspective"]
            assert set(goal.contributes_to.all()) == _targets(row["contributes"], by_ref)
        for indicator, row in zip(saved[ItemKind.INDICATOR], indicators, strict=True):
            assert (indicator.number, indicator.title) == (row["number"] or "", row["title"])
            assert indicator.baseline_value == row["baseline_value"]
            assert indicator.target_value == row["target_value"]
            assert indicator.near_target_margin == row["near"]
            assert indicator.gender_split == row["gender_split"]
            assert set(indicator.contributes_to.all()) == _targets(row["goals"], by_ref)
        for activity, row in zip(saved[ItemKind.ACTIVITY], activities, strict=True):
            assert (activity.title, activity.start_date, activity.end_date) == (
                row["title"],
                row["start"],
                row["end"],
            )
            assert _responsible(activity) == _expected_person(row["responsible"])
            assert set(activity.contributes_to.all()) == _targets(row["goals"], by_ref)
        assert [(u.number, u.title, u.end_date) for u in saved[ItemKind.ASSIGNMENT]] == [
            (u["number"] or "", u["title"], u["end"]) for u in assignments
        ]
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(rows=control_points())
def test_any_internkontrollplan_round_trips(org, model, people_in_place, rows):
    ikp = model.plan_types.get(name="Internkontrollplan")
    with one_action():
        plan = round_trip(control_file(rows), ikp, org["enhet_a2"], org["enhet_a1"])
        saved = list(plan.items.order_by("order", "pk"))
        assert [
            (c.number, c.control_step, c.probability, c.consequence, c.risk) for c in saved
        ] == [
            (
                r["number"] or "",
                long_text(r["control_step"]),
                r["probability"],
                r["consequence"],
                long_text(r["risk"]),
            )
            for r in rows
        ]
        transaction.set_rollback(True)


def _targets(cell, by_ref) -> set:
    return {by_ref[name] for name in cell["refs"]}
