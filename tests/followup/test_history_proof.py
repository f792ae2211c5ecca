"""A municipality's earlier years stay in the database: the plans, items,
shares and reports of every year before. What a unit reports, its plan page,
what an item may contribute to and what opening an occasion creates are the
same for a year whether or not another year is in the database, and cost
the same number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.followup import services
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, ReportingTask
from styrhjul.model.models import GovernanceModel, ItemKind
from styrhjul.organisation import access
from styrhjul.planning import queries
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, ItemShare
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNITS = ("kommun", "namnd", "forv", "avd_b", "enhet_b1", "enhet_b2")


@pytest.fixture
def year_2025(org, chain):
    """The chain, the förvaltning's goal shared into Barn och unga's
    Verksamhetsplan, and a goal and an activity of the unit's own."""
    into = planning.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=chain["vp"])
    planning.item_share(actor=access.SYSTEM, item=chain["operational"], units=[org["enhet_b1"]])
    own = planning.item_create(
        actor=access.SYSTEM,
        plan=into,
        kind=ItemKind.GOAL,
        title="Fler unga i meningsfull fritid",
        level=chain["operational"].level.model.levels.get(name="Verksamhetsmål"),
        contributes_to=[chain["operational"]],
    )
    planning.item_create(
        actor=access.SYSTEM,
        plan=into,
        kind=ItemKind.ACTIVITY,
        title="Öppen förskola på lördagar",
        contributes_to=[own],
    )
    assert ItemShare.objects.filter(unit=org["enhet_b1"]).count() == 1
    return chain["vp"].model


def copy_year(model) -> GovernanceModel:
    return planning.model_copy_to_next_year(actor=access.SYSTEM, model=model)


def plan_of(org, model, key, name="Verksamhetsplan"):
    plan_type = model.plan_types.get(name=name)
    return planning.plan_for(actor=access.SYSTEM, unit=org[key], plan_type=plan_type)


def flatten(nodes, depth=0):
    for node in nodes:
        shared = node.shared_from.name if node.shared_from else ""
        yield (depth, node.item.title, shared)
        yield from flatten(node.children, depth + 1)


def describe(org, year: int) -> tuple[dict, set[int]]:
    """What the pages and services show for the year, by titles, and the
    years of every item they returned."""
    model = GovernanceModel.objects.get(organisation=org["kommun"], year=year)
    types = list(model.plan_types.filter(name__in=["Verksamhetsplan", "Aktivitetsplan"]))
    units = [org[key] for key in UNITS]
    years: set[int] = set()
    many = services.items_to_report_many(types, units)
    to_report = {}
    for (unit_id, type_id), items in many.items():
        key = (next(u.code for u in units if u.pk == unit_id), type_id in {types[0].pk})
        to_report[key] = [i.title for i in items]
        years |= {i.plan.plan_type.model.year for i in items}
    one = services.items_to_report(model.plan_types.get(name="Verksamhetsplan"), org["enhet_b1"])
    years |= {i.plan.plan_type.model.year for i in one}
    admin = UserFactory(is_superuser=True)
    page = queries.plan_page(admin, plan_of(org, model, "enhet_b1"))
    tree = [list(flatten(group.nodes)) for group in page.groups]
    shown = {n.item.pk for g in page.groups for n in _all_nodes(g.nodes)}
    years |= set(
        Item.objects.filter(pk__in=shown).values_list("plan__plan_type__model__year", flat=True)
    )
    activity = Item.objects.get(title="Öppen förskola på lördagar", plan__plan_type__model=model)
    targets = list(planning.link_targets(item=activity))
    years |= {t.plan.plan_type.model.year for t in targets}
    return (
        {
            "one": [i.title for i in one],
            "many": to_report,
            "plan": tree,
            "targets": [(t.plan.unit.name, t.title) for t in targets],
        },
        years,
    )


def _all_nodes(nodes):
    for node in nodes:
        yield node
        yield from _all_nodes(node.children)


def test_a_year_shows_the_same_with_and_without_another_year(org, year_2025):
    before, years = describe(org, 2025)
    assert years == {2025}
    assert sorted(before["one"]) == [
        "Fler unga i meningsfull fritid",
        "Tidiga insatser i samverkan med skolan",
        "Öppen förskola på lördagar",
    ]
    assert ("Socialförvaltningen", "Tidiga insatser i samverkan med skolan") in before["targets"]
    assert (0, "Tidiga insatser i samverkan med skolan", "Socialförvaltningen") in [
        row for group in before["plan"] for row in group
    ]

    copy_year(year_2025)

    after, years = describe(org, 2025)
    assert years == {2025}
    assert after == before
    later, years = describe(org, 2026)
    assert years == {2026}
    assert later == before


def new_occasion(model, name: str) -> FollowUpOccasion:
    return services.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name=name,
            period_end=datetime.date(model.year, 8, 31),
            follows_economy=False,
        ),
        plan_types=list(model.plan_types.filter(name__in=["Verksamhetsplan", "Aktivitetsplan"])),
    )


def open_counting(occasion):
    with CaptureQueriesContext(connection) as ctx:
        created = services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    return len(ctx.captured_queries), created


def tasks_by_title(tasks) -> dict[str, list[str]]:
    return {
        f"{task.plan_type.name}: {task.unit.name}": sorted(
            i.title for i in services.task_items(task)
        )
        for task in tasks
    }


def test_opening_an_occasion_creates_only_its_years_tasks_at_the_same_cost(org, year_2025):
    alone, created = open_counting(new_occasion(year_2025, "Tertial 1 2025"))
    expected = tasks_by_title(created)
    assert expected["Verksamhetsplan: Barn och unga"] == sorted(
        [
            "Fler unga i meningsfull fritid",
            "Tidiga insatser i samverkan med skolan",
            "Öppen förskola på lördagar",
        ]
    )

    later = copy_year(year_2025)  # with the year wheel: Tertial 1 2026, not opened
    with_history, created = open_counting(
        FollowUpOccasion.objects.select_related("model__organisation").get(
            model=later, name="Tertial 1 2026"
        )
    )

    assert with_history == alone
    assert {t.plan_type.model_id for t in created} == {later.pk}
    assert tasks_by_title(created) == expected
    for task in created:
        assert {i.plan.plan_type.model_id for i in services.task_items(task)} == {later.pk}
    # The earlier year's occasion is untouched by the later one.
    assert ReportingTask.objects.filter(occasion__name="Tertial 1 2025").count() == len(expected)


def count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_pages_cost_the_same_queries_with_another_year_in_the_database(
    client, org, year_2025, occasion
):
    client.force_login(UserFactory(is_superuser=True))
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type__name="Verksamhetsplan"
    )
    urls = [
        reverse("planning:plan", args=[plan_of(org, year_2025, "enhet_b1").pk]),
        reverse(
            "planning:item",
            args=[Item.objects.get(title="Öppen förskola på lördagar").pk],
        ),
        reverse("followup:task", args=[task.pk]),
    ]
    before = [count(client, url) for url in urls]

    copy_year(year_2025)

    after = [count(client, url) for url in urls]
    assert [n for n, _body in after] == [n for n, _body in before]
    for (_n, body), (_m, body_before) in zip(after, before, strict=True):
        for title in ("Öppen förskola på lördagar", "Tidiga insatser i samverkan med skolan"):
            assert body.count(title) == body_before.count(title)


def test_the_overview_counts_the_same_at_the_same_cost_with_another_year(
    client, org, chain, year_2025, occasion
):
    """The overview and its Excel export of a year's occasion show the same
    progress with another year's copies of the plans in the database (the
    indicator's copy included), in the same number of queries."""
    from decimal import Decimal

    from styrhjul.followup import overview
    from styrhjul.indicators.models import IndicatorValue

    IndicatorValue.objects.create(
        item=chain["indicator"], unit=org["kommun"], year=2025, value=Decimal(84)
    )
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    urls = [
        reverse("followup:overview", args=[occasion.pk]),
        reverse("followup:overview_export", args=[occasion.pk]),
    ]

    def progress():
        page = overview.overview(admin, occasion, today=datetime.date(2025, 9, 1))
        return sorted((r.task.pk, r.reported, r.total, r.status) for r in page.rows)

    def queries_of(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before, cost = progress(), [queries_of(url) for url in urls]
    assert any(reported for _pk, reported, _total, _status in before)

    copy_year(year_2025)
    assert Item.objects.filter(series=chain["indicator"].series).count() == 2

    assert progress() == before
    assert [queries_of(url) for url in urls] == cost
