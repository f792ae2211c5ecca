"""Opening an occasion for many units: a fixed number of queries whatever
the number of units, the same tasks as for few, and nothing new the second
time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.followup import services
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, ReportingTask
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import ItemShareFactory, UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def add_units(org, chain, n: int, start: int = 0) -> None:
    """`n` enheter under Avdelning B, each with an Aktivitetsplan holding an
    activity; every other one with a Rapportör holding an activity of their
    own, every third one with the förvaltning's goal shared into it."""
    for i in range(start, start + n):
        unit = UnitFactory(
            name=f"Enhet {i:03d}",
            code=f"E{i:03d}",
            parent=org["avd_b"],
            unit_type=org["enhet_b1"].unit_type,
        )
        plan = planning.plan_for(actor=access.SYSTEM, unit=unit, plan_type=chain["ap"])
        planning.item_create(
            actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title=f"Aktivitet {i}"
        )
        if i % 2 == 0:
            reporter = UserFactory(first_name="Rapportör", last_name=f"{i:03d}")
            grant(reporter, unit, Role.REPORTER, subtree=False)
            planning.item_create(
                actor=access.SYSTEM,
                plan=plan,
                kind=ItemKind.ACTIVITY,
                title=f"Rapportörens aktivitet {i}",
                responsible=reporter,
            )
        if i % 3 == 0:
            into = planning.plan_for(actor=access.SYSTEM, unit=unit, plan_type=chain["vp"])
            ItemShareFactory(item=chain["operational"], unit=unit, plan=into)


def new_occasion(chain, name: str) -> FollowUpOccasion:
    occasion = services.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=chain["vp"].model,
            kind=OccasionKind.INTERIM,
            name=name,
            period_end=datetime.date(2025, 8, 31),
            follows_economy=False,
        ),
        plan_types=[chain["vp"], chain["ap"]],
    )
    return occasion


def open_counting(occasion) -> tuple[int, int, list]:
    """The reads and the inserts of opening the occasion, and its new tasks."""
    with CaptureQueriesContext(connection) as queries:
        created = services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    inserts = sum(q["sql"].startswith("INSERT") for q in queries.captured_queries)
    return len(queries) - inserts, inserts, created


def test_opening_runs_as_many_queries_for_40_units_as_for_5(org, chain):
    add_units(org, chain, 5)
    few, few_inserts, created_few = open_counting(new_occasion(chain, "Tertial 1 2025"))
    add_units(org, chain, 35, start=5)
    many, many_inserts, created_many = open_counting(new_occasion(chain, "Tertial 2 2025"))
    # 35 units more: each an Aktivitetsplan task, 17 a reporter's task too,
    # 12 a Verksamhetsplan task for the goal shared into them.
    assert len(created_many) - len(created_few) == 35 + 17 + 12
    assert many == few <= 20
    # Four inserts: the occasion's and its plan types' history rows, the
    # tasks and the tasks' history rows, each in bulk: one statement each on
    # PostgreSQL; SQLite takes at most 999 values a statement, so Django
    # splits the longer history rows into batches there.
    if connection.vendor == "postgresql":
        assert many_inserts == few_inserts == 4
    else:
        assert few_inserts == 4
        assert many_inserts <= 4 + len(created_many) * 16 // 999 + 1


def test_the_tasks_of_many_units_are_those_of_one_at_a_time(org, chain):
    add_units(org, chain, 6)
    occasion = new_occasion(chain, "Tertial 1 2025")
    created = services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    unit = ReportingTask.objects.get(
        occasion=occasion, unit__name="Enhet 000", plan_type=chain["ap"], reporter=None
    )
    assert unit.name == "Tertial 1 2025: Aktivitetsplan: Enhet 000"
    mine = ReportingTask.objects.get(
        occasion=occasion, unit__name="Enhet 000", reporter__isnull=False
    )
    assert [i.title for i in services.task_items(mine)] == ["Rapportörens aktivitet 0"]
    assert mine.name == f"Tertial 1 2025: Aktivitetsplan: Enhet 000 ({mine.reporter})"
    # The goal shared into the unit's Verksamhetsplan gives it a task of its own.
    shared = ReportingTask.objects.get(
        occasion=occasion, unit__name="Enhet 000", plan_type=chain["vp"]
    )
    assert services.task_items(shared) == [chain["operational"]]
    # Every task has its history row ("Skapad").
    assert all(t.history.filter(history_type="+").exists() for t in created)
    # Opening again creates nothing new.
    assert services.occasion_open(actor=access.SYSTEM, occasion=occasion) == []
    assert ReportingTask.objects.filter(occasion=occasion).count() == len(created)


def test_opening_reports_how_far_it_has_come(org, chain):
    add_units(org, chain, 2)
    heard = []
    services.occasion_open(
        actor=access.SYSTEM, occasion=new_occasion(chain, "Tertial 1 2025"), progress=heard.append
    )
    assert heard == sorted(heard)
    assert heard[-1] == 100
