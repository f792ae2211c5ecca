"""`styrhjul load-scale --years N`: earlier model years, each a copy of the
data set's year as the year copy leaves it, with its follow-up reported;
and the year's own results the same with that history as without."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F

from styrhjul.demo import scale
from styrhjul.followup import services as followup_services
from styrhjul.followup.models import FollowUpOccasion, OccasionStatus, Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import GovernanceModel, ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning import queries as planning_queries
from styrhjul.planning import services as planning_services
from styrhjul.planning.models import Item, ItemLink, ItemShare
from tests.demo.test_scale import SMALL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def load(*extra) -> str:
    out = io.StringIO()
    call_command("load_scale", *[str(a) for a in (*SMALL, *extra)], stdout=out)
    return out.getvalue()


def year_snapshot(year: int) -> dict:
    """A year's plans, items, links, shares, tasks and reports by codes,
    numbers and series (not pks, not the year)."""
    in_year = {"plan__plan_type__model__year": year}
    items = Counter(
        Item.objects.filter(**in_year).values_list(
            "plan__unit__code", "plan__plan_type__name", "kind", "number", "title", "series"
        )
    )
    links = Counter(
        ItemLink.objects.filter(**{f"item__{k}": v for k, v in in_year.items()}).values_list(
            "item__series", "target__series"
        )
    )
    shares = Counter(
        ItemShare.objects.filter(**in_year).values_list(
            "item__series", "unit__code", "plan__plan_type__name", "ended_at"
        )
    )
    tasks = Counter(
        ReportingTask.objects.filter(occasion__model__year=year).values_list(
            "unit__code", "plan_type__name", "step__name"
        )
    )
    reports = Counter(
        Report.objects.filter(occasion__model__year=year).values_list(
            "unit__code",
            "item__series",
            "status__label",
            "assessment__label",
            "completion",
            "comment",
            "analysis",
        )
    )
    values = Counter(
        IndicatorValue.objects.filter(year=year).values_list("unit__code", "item__series", "value")
    )
    return {
        "items": items,
        "links": links,
        "shares": shares,
        "tasks": tasks,
        "reports": reports,
        "values": values,
    }


def test_each_earlier_year_is_a_copy_of_the_year_with_its_follow_up_reported(db):
    out = load("--years", "2")
    assert "historik för 2023–2024 (2 år)" in out
    root = scale.scale_root()
    assert sorted(
        GovernanceModel.objects.filter(organisation=root).values_list("year", flat=True)
    ) == [2023, 2024, 2025]
    this_year = year_snapshot(2025)
    assert this_year["items"] and this_year["links"] and this_year["reports"]
    for year in (2023, 2024):
        earlier = year_snapshot(year)
        assert earlier["items"] == this_year["items"]
        assert earlier["links"] == this_year["links"]
        assert earlier["shares"] == this_year["shares"]
        assert earlier["tasks"] == this_year["tasks"]
        assert earlier["reports"] == this_year["reports"]
        assert earlier["values"] == this_year["values"]
        occasion = FollowUpOccasion.objects.get(model__organisation=root, model__year=year)
        assert occasion.name == f"Delårsrapport {year}"
        assert occasion.status == OccasionStatus.CLOSED
        assert str(occasion.period_end) == f"{year}-08-31"
        assert not occasion.tasks.filter(done_at__isnull=True).exists()
        assert all(
            f"Delårsrapport {year}: " in name
            for name in occasion.tasks.values_list("name", flat=True)
        )
        assert set(IndicatorValue.objects.filter(year=year).values_list("period", flat=True)) == {
            f"{year}-08"
        }
    # Nothing reaches across years.
    assert not ItemLink.objects.exclude(
        item__plan__plan_type__model=F("target__plan__plan_type__model")
    ).exists()
    assert not ItemShare.objects.exclude(
        item__plan__plan_type__model=F("plan__plan_type__model")
    ).exists()
    assert not Report.objects.exclude(item__plan__plan_type__model=F("occasion__model")).exists()
    assert (
        not Report.objects.exclude(status__isnull=True)
        .exclude(status__scale__model=F("occasion__model"))
        .exists()
    )
    assert not ReportingTask.objects.exclude(plan_type__model=F("occasion__model")).exists()
    # The units existed in every year of the history.
    assert not Unit.objects.filter(code__startswith="S-", valid_from__year__gt=2023).exists()


def results(year: int = 2025) -> dict:
    """What the pages and services give for the year, by numbers and titles."""
    task = scale.followup_task(year)
    plan = scale.bench_plan(year)
    activity = Item.objects.filter(plan=plan, kind=ItemKind.ACTIVITY).order_by("number").first()
    admin = UserFactory(is_superuser=True)
    page = planning_queries.plan_page(admin, plan)

    def flatten(nodes):
        for node in nodes:
            yield node.item.number, node.item.title, len(node.children)
            yield from flatten(node.children)

    return {
        "to_report": [
            (i.number, i.title)
            for i in followup_services.items_to_report(task.plan_type, task.unit)
        ],
        "plan": [list(flatten(group.nodes)) for group in page.groups],
        "targets": [
            (t.plan.unit.code, t.number, t.title)
            for t in planning_services.link_targets(item=activity)
        ],
    }


def test_the_years_results_are_the_same_with_ten_years_of_history(db):
    load()
    without = results()
    tasks = ReportingTask.objects.count()

    out = load("--years", "10")  # added to the existing data set
    assert "historik för 2015–2024 (10 år)" in out
    assert results() == without
    # Opening the year's occasion again creates nothing: no earlier year's tasks.
    occasion = scale.scale_occasion(2025)
    created = followup_services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    assert created == []
    assert ReportingTask.objects.filter(occasion=occasion).count() == tasks
    # Running it again adds nothing.
    assert "historiken fanns redan" in load("--years", "10")
