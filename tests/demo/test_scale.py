"""The scale data set (`styrhjul load-scale`) and the benchmark (`styrhjul bench`),
at a small size."""

import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from styrhjul.demo import scale
from styrhjul.demo.management.commands.bench import Command as BenchCommand
from styrhjul.demo.management.commands.bench import Page, p95
from styrhjul.followup import readmodel
from styrhjul.followup import services as followup_services
from styrhjul.followup.models import (
    FollowUpOccasion,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.followup.services import validate_report
from styrhjul.indicators.models import IndicatorValue
from styrhjul.indicators.series import indicator_data
from styrhjul.kolada.models import KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Role, RoleGrant, Unit, User
from styrhjul.planning.models import IndicatorTarget, Item, ItemLink, ItemShare, Plan
from styrhjul.planning.services import _check_item, ancestor_ids
from tests.factories import UnitFactory, unit_type

pytestmark = pytest.mark.django_db

UNITS, ITEMS, PLAN_ITEMS = 60, 800, 120
TASK_ITEMS, SHARE_UNITS = 30, 20
SMALL = [
    *("--units", UNITS, "--items", ITEMS, "--plan-items", PLAN_ITEMS, "--seed", 7),
    *("--task-items", TASK_ITEMS, "--share-units", SHARE_UNITS),
]
# The follow-up adds the measured task's plan and the shared item; the
# Kolada-linked indicator of the Kommun is one more.
ALL_ITEMS = ITEMS + TASK_ITEMS + 1 + 1


def load(*extra) -> str:
    out = io.StringIO()
    call_command("load_scale", *[str(a) for a in (*SMALL, *extra)], stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the generator decides, by code and number instead of pk."""
    key = ("plan__unit__code", "plan__plan_type__name", "number")
    return {
        "units": list(
            Unit.objects.order_by("code").values_list(
                "code", "name", "unit_type__name", "parent__code"
            )
        ),
        "items": list(
            Item.objects.order_by(*key).values_list(
                *key, "kind", "order", "title", "level__name", "perspective__name"
            )
        ),
        "links": sorted(
            ItemLink.objects.values_list(
                *(f"item__{k}" for k in key), *(f"target__{k}" for k in key)
            )
        ),
        "shares": sorted(ItemShare.objects.values_list(*(f"item__{k}" for k in key), "unit__code")),
        "occasions": list(
            FollowUpOccasion.objects.values_list("name", "kind", "period_end", "status")
        ),
        "steps": sorted(OccasionStep.objects.values_list("name", "unit_type__name", "deadline")),
        "tasks": sorted(
            ReportingTask.objects.values_list(
                "unit__code", "plan_type__name", "name", "step__name", "done_at", "reopened_until"
            )
        ),
        "reports": sorted(
            Report.objects.values_list(
                "unit__code",
                *(f"item__{k}" for k in key),
                "status__label",
                "assessment__label",
                "completion",
                "comment",
                "analysis",
            ),
            key=str,
        ),
        "values": sorted(
            IndicatorValue.objects.values_list(
                "unit__code", *(f"item__{k}" for k in key), "period", "value"
            )
        ),
    }


def link_map() -> dict[int, set[int]]:
    ups = defaultdict(set)
    for item_id, target_id in ItemLink.objects.values_list("item_id", "target_id"):
        ups[item_id].add(target_id)
    return ups


@pytest.fixture
def small(db):
    load()
    return scale.scale_root()


def test_a_small_run_is_deterministic(small):
    first = snapshot()
    assert len(first["units"]) == UNITS
    assert len(first["items"]) == ALL_ITEMS
    assert first["links"] and first["shares"]
    assert first["tasks"] and first["reports"] and first["values"]

    out = load("--replace")

    assert "byggd" in out
    assert snapshot() == first


def test_another_seed_gives_another_municipality(small):
    first = snapshot()
    load("--replace", "--seed", 8)
    second = snapshot()
    assert [u[0] for u in second["units"]] == [u[0] for u in first["units"]]  # same codes
    assert [i[5] for i in second["items"]] != [i[5] for i in first["items"]]


def test_running_again_changes_nothing(small):
    before = snapshot()
    out = load()
    assert "finns redan" in out
    assert snapshot() == before


def test_the_shape_of_the_municipality(small):
    root = small
    assert (root.name, root.code, root.unit_type.name) == ("Storköping (skala)", "S-0001", "Kommun")
    units = Unit.objects.all()
    assert units.count() == UNITS
    assert all(u.code.startswith("S-") for u in units)
    types = {u.unit_type.name for u in units.select_related("unit_type")}
    assert types == {"Kommun", "Kommunstyrelse", "Nämnd", "Förvaltning", "Avdelning", "Enhet"}
    goals = Item.objects.filter(kind=ItemKind.GOAL, plan__plan_type__name="Verksamhetsplan").count()
    assert goals == round(ITEMS * scale.GOAL_SHARE)  # about a tenth of the items
    assert Item.objects.filter(kind=ItemKind.GOAL, level__name="Inriktningsmål").count() >= 3
    for kind in ItemKind.values:
        assert Item.objects.filter(kind=kind).exists(), kind


def test_the_measured_plan_holds_exactly_the_requested_items(small):
    plan = scale.bench_plan(2025)
    assert plan.unit.code == scale.BENCH_CODE
    assert plan.items.count() == PLAN_ITEMS
    assert not ItemShare.objects.filter(plan=plan).exists()

    item = scale.bench_item(2025)
    assert item.kind == ItemKind.GOAL
    assert item.plan.unit == plan.unit.parent
    # A chain up through förvaltning and nämnd to the Kommun, the plan below.
    ups = link_map()
    above, stack = set(), [item.pk]
    while stack:
        for target in ups[stack.pop()] - above:
            above.add(target)
            stack.append(target)
    up_units = set(
        Item.objects.filter(pk__in=above).values_list("plan__unit__unit_type__name", flat=True)
    )
    assert {"Förvaltning", "Nämnd", "Kommun"} <= up_units
    assert item.links_down.filter(item__plan=plan).count() >= 1


def test_every_item_is_one_the_services_would_accept(small):
    items = Item.objects.select_related(
        "plan__plan_type", "plan__unit__unit_type", "level"
    ).prefetch_related("level__unit_types")
    for item in items:
        assert item.plan.plan_type.holds(item.kind), item
        if item.kind == ItemKind.GOAL:
            allowed = {t.pk for t in item.level.unit_types.all()}
            assert item.plan.unit.unit_type_id in allowed, (item, item.level)
            assert item.level.model_id == item.plan.plan_type.model_id
        else:
            assert item.level_id is None
    for item in list(items)[::5]:
        _check_item(item)  # kinds, levels for the unit type, full_clean


def test_no_item_is_its_own_ancestor(small):
    ups = link_map()
    assert ups
    for item_id, targets in ups.items():
        # ancestor_ids leaves its seeds out, so ask from the targets upwards.
        assert item_id not in targets
        assert item_id not in ancestor_ids(targets), f"{item_id} is its own ancestor"


def test_links_have_no_cycles_and_go_up_the_tree(small):
    ups = link_map()
    # Depth-first search in Python, independent of the services' recursive SQL.
    state: dict[int, str] = {}
    for start in ups:
        if start in state:
            continue
        stack = [(start, iter(ups[start]))]
        state[start] = "open"
        while stack:
            node, targets = stack[-1]
            nxt = next(targets, None)
            if nxt is None:
                state[node] = "done"
                stack.pop()
            elif state.get(nxt) == "open":
                pytest.fail(f"cycle through item {nxt}")
            elif nxt not in state:
                state[nxt] = "open"
                stack.append((nxt, iter(ups.get(nxt, ()))))

    above = {}  # unit → itself and its ancestors
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    for pk in parents:
        chain, node = set(), pk
        while node is not None:
            chain.add(node)
            node = parents[node]
        above[pk] = chain
    links = ItemLink.objects.values_list(
        "item__plan__unit_id",
        "target__plan__unit_id",
        "target__kind",
        "item__plan__plan_type__model_id",
        "target__plan__plan_type__model_id",
    )
    for item_unit, target_unit, target_kind, item_model, target_model in links:
        assert target_kind == ItemKind.GOAL
        assert target_unit in above[item_unit]
        assert item_model == target_model


def test_shares_go_down_into_the_receiving_units_plan(small):
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    for share in ItemShare.objects.select_related("item__plan", "plan"):
        owner = share.item.plan.unit_id
        node, below = parents[share.unit_id], False
        while node is not None:
            below = below or node == owner
            node = parents[node]
        assert below
        assert share.plan.unit_id == share.unit_id
        assert share.plan.plan_type_id == share.item.plan.plan_type_id


def test_replace_removes_everything_of_the_old_data_set(small):
    load("--replace")
    assert Unit.objects.count() == UNITS
    assert Item.objects.count() == ALL_ITEMS
    assert ReportingTask.objects.exists()
    assert Plan.objects.filter(plan_type__model__organisation=scale.scale_root()).count() == (
        Plan.objects.count()
    )


def test_refuses_a_database_with_another_organisation(db):
    UnitFactory(name="Sjöbacka kommun", code="1000", unit_type=unit_type("Kommun"))
    with pytest.raises(CommandError, match="annan organisation"):
        load()
    assert not Item.objects.exists()


def test_refuses_too_few_items(db):
    with pytest.raises(CommandError, match="För få poster"):
        call_command("load_scale", "--units", "60", "--items", "125", "--plan-items", "120")
    assert not Unit.objects.exists()


# --- the follow-up ------------------------------------------------------------------


def test_the_follow_up_is_consistent(small):
    occasion = scale.scale_occasion(2025)
    assert occasion.status == OccasionStatus.OPEN
    assert str(occasion.period_end) == "2025-08-31"
    assert {pt.name for pt in occasion.plan_types.all()} == {
        "Verksamhetsplan",
        "Internkontrollplan",
        "Arbetsmiljömål",
    }
    tasks = list(ReportingTask.objects.select_related("unit", "plan_type", "step", "occasion"))
    assert len(tasks) == len({(t.unit_id, t.plan_type_id) for t in tasks})
    # Exactly the tasks occasion_open would create, each with the step for its unit type.
    plans = {
        (p.unit_id, p.plan_type_id)
        for p in Plan.objects.filter(plan_type__in=occasion.plan_types.all()).select_related(
            "unit", "plan_type"
        )
        if followup_services.items_to_report(p.plan_type, p.unit)
    }
    assert {(t.unit_id, t.plan_type_id) for t in tasks} == plans
    assert any(t.done_at for t in tasks) and any(not t.done_at for t in tasks)
    reports = defaultdict(set)
    for unit_id, item_id in Report.objects.values_list("unit_id", "item_id"):
        reports[unit_id].add(item_id)
    reported = total = 0
    for task in tasks:
        assert task.step is not None and task.step.unit_type_id == task.unit.unit_type_id
        items = {i.pk for i in followup_services.task_items(task)}
        assert items  # every task has items
        total += len(items)
        reported += len(reports[task.unit_id] & items)
    # Reports reference items of the reporting unit's tasks, and only those.
    task_items = defaultdict(set)
    for task in tasks:
        task_items[task.unit_id] |= {i.pk for i in followup_services.task_items(task)}
    for unit_id, item_ids in reports.items():
        assert item_ids <= task_items[unit_id]
    assert 0.45 < reported / total < 0.75  # roughly 60 %


def test_every_report_is_one_the_services_would_accept(small):
    tasks = {
        (t.unit_id, t.plan_type_id): t
        for t in ReportingTask.objects.select_related("plan_type", "occasion")
    }
    for report in Report.objects.select_related(
        "item__plan", "item__level", "status", "assessment"
    ):
        task = tasks[(report.unit_id, report.item.plan.plan_type_id)]
        # No empty report: something entered on every one.
        assert readmodel.state(report.item, task.plan_type, report, None) != readmodel.NOT_REPORTED
        validate_report(
            task.plan_type,
            report.item,
            followup_services.ReportData(
                status=report.status,
                completion=report.completion,
                assessment=report.assessment,
                comment=report.comment,
                analysis=report.analysis,
                measures=report.measures,
            ),
        )


def test_the_measured_task_and_the_shared_item(small):
    task = scale.followup_task(2025)
    assert task.unit.code == scale.BENCH_CODE
    assert len(followup_services.task_items(task)) == TASK_ITEMS
    assert not followup_services.is_locked(task)  # reopened: the page shows its forms

    under_task, item = scale.underlag_task(2025)
    assert item.shares.count() == SHARE_UNITS
    assert under_task.unit_id == item.plan.unit_id
    assert item.pk in {i.pk for i in followup_services.task_items(under_task)}
    reported = Report.objects.filter(item=item).count()
    assert SHARE_UNITS // 2 < reported <= SHARE_UNITS


def test_the_follow_up_can_be_added_to_an_existing_data_set(db):
    load()
    full = snapshot()
    load("--replace", "--no-followup")
    assert not FollowUpOccasion.objects.exists()
    out = io.StringIO()
    call_command("load_scale", "--followup-only", *[str(a) for a in SMALL], stdout=out)
    assert "byggd" in out.getvalue()
    assert snapshot() == full
    out = io.StringIO()
    call_command("load_scale", "--followup-only", *[str(a) for a in SMALL], stdout=out)
    assert "finns redan" in out.getvalue()


# --- styrhjul bench ------------------------------------------------------------------


def test_bench_runs_end_to_end_and_prints_the_table(small):
    out = io.StringIO()
    call_command("bench", "--runs", "2", "--api-values", "500", stdout=out)
    text = out.getvalue()
    assert "median ms" in text and "frågor" in text and "budget" in text
    api_line = next(line for line in text.splitlines() if "nyckeltalsvärden i mängd" in line)
    assert "500 värden" in api_line and "budget < 30 s" in api_line, api_line
    assert not IndicatorValue.objects.filter(source="imported").exists()  # rolled back
    for label in ("API: poster (100)", "API: enheter (100)", "API: uppgifter (100)"):
        line = next(line for line in text.splitlines() if line.startswith(label))
        assert "< 200 ms" in line and "fel" not in line and "hoppas" not in line, line
    assert "fanns redan" in text  # the data set was reused, not rebuilt
    rows = {line.split("  ")[0]: line for line in text.splitlines()}
    tree = rows["Organisationsträdet"]
    assert "hoppas över" not in tree and "fel:" not in tree
    for label in (
        f"Plan ({PLAN_ITEMS} poster)",
        "Röda tråden (post)",
        "Enhetens planer",
        f"Rapportering ({TASK_ITEMS} poster)",
        f"Underlag ({SHARE_UNITS} enheter)",
        f"Översikt ({ReportingTask.objects.count()} uppgifter)",
        "Nyckeltal (10 år × 3 kön × 20 jämförelsekommuner)",
    ):
        line = rows[label]
        # Measured, or skipped with a note while the page does not exist yet.
        assert ("hoppas över" in line) or any(c.isdigit() for c in line.split(label)[1]), line
    assert any(label.startswith("Fullmäktiges nyckeltal (") for label in rows), rows
    # Start as a förvaltningschef (Chef with the units below) and a model owner.
    chef_start = next(line for label, line in rows.items() if label.startswith("Start, förv"))
    assert "< 300 ms" in chef_start and "fel" not in chef_start and "hoppas" not in chef_start
    assert "fel" not in rows["Start, modellägare (hela kommunen)"]
    chef = User.objects.get(username="bench-forvaltningschef")
    assert RoleGrant.objects.get(user=chef).unit == scale.manager_unit(300)
    user = User.objects.get(username="bench-admin")
    assert RoleGrant.objects.filter(user=user, unit=small, role=Role.ADMIN).exists()


def test_bench_measures_only_the_pages_asked_for(small):
    out = io.StringIO()
    call_command(
        "bench",
        "--runs",
        "1",
        "--api-values",
        "0",
        "--page",
        "översikt",
        "--page",
        "RISK",
        stdout=out,
    )
    labels = [line.split("  ")[0] for line in out.getvalue().splitlines() if "  " in line]
    assert any(label.startswith("Översikt (") for label in labels), labels
    assert any(label.startswith("Riskanalys (") for label in labels), labels
    for other in ("Organisationsträdet", "Plan (", "Rapportering (", "Start, ", "API: "):
        assert not any(label.startswith(other) for label in labels), labels
    assert "Offentlig sida" not in out.getvalue()  # nothing published for it

    with pytest.raises(CommandError, match="Ingen sida heter något med Nyckelpiga"):
        call_command("bench", "--runs", "1", "--page", "Nyckelpiga", stdout=io.StringIO())


def test_bench_builds_the_data_set_when_it_is_missing(db):
    out = io.StringIO()
    call_command(
        "bench",
        *("--runs", "1", "--units", "30", "--items", "400", "--plan-items", "40"),
        stdout=out,
    )
    text = out.getvalue()
    assert "byggd" in text
    assert "load-scale --units 30 --items 400:" in text and "(budget < 180 s)" in text
    assert scale.bench_plan(2025).items.count() == 40


def test_a_page_whose_url_name_does_not_exist_is_skipped(small):
    row = BenchCommand().measure(Client(), Page("Framtida sida", "planning:finns_inte", {}), 1)
    assert row.median_ms is None
    assert "hoppas över" in row.note


def test_p95_is_the_nearest_rank():
    assert p95([1.0]) == 1.0
    assert p95(list(map(float, range(1, 21)))) == 19.0


# --- the Kolada-linked indicator ------------------------------------------------------


def kolada_state() -> dict:
    return {
        "values": sorted(
            KoladaValue.objects.filter(kpi_id=scale.KOLADA_KPI).values_list(
                "municipality_id", "period", "gender", "value"
            )
        ),
        "targets": sorted(
            IndicatorTarget.objects.filter(item__number=scale.KOLADA_NUMBER).values_list(
                "year", "value"
            )
        ),
        "settings": list(
            KoladaSettings.objects.values_list("organisation__code", "municipality_id")
        ),
        "municipalities": sorted(KoladaMunicipality.objects.values_list("id", "title")),
    }


def test_the_kolada_indicator_has_ten_years_of_values_for_twenty_comparisons(small, client):
    item = scale.kolada_item(2025)
    assert item.plan.unit == small
    assert (item.source, item.kolada_kpi, item.gender_split) == ("kolada", "X00001", True)
    goal = item.links_up.get().target
    assert goal.level.name == "Inriktningsmål" and goal.plan_id == item.plan_id
    settings = KoladaSettings.objects.get(organisation=small)
    assert len(settings.comparison_ids) == 20 and settings.comparison_ids[0] == "0000"
    values = KoladaValue.objects.filter(kpi_id=scale.KOLADA_KPI)
    assert values.count() == 10 * 3 * 21
    assert set(values.values_list("period", flat=True)) == set(range(2016, 2026))
    assert item.targets.count() >= 3

    data = indicator_data([item])[item.pk]
    assert len(data.points) == 10 and data.has_gender_split
    assert len(data.comparisons) == 20 and all(c.latest for c in data.comparisons)
    assert data.value_in(item.baseline_year) == item.baseline_value

    BenchCommand().bench_user(small)
    client.force_login(User.objects.get(username="bench-admin"))
    response = client.get(reverse("indicators:indicator", args=[item.pk]))
    assert response.status_code == 200
    assert "Källa: Kolada (RKA)" in response.content.decode()
    council = client.get(reverse("indicators:council", args=[2025]))
    assert council.status_code == 200
    assert scale.KOLADA_TITLE in council.content.decode()


def test_the_kolada_indicator_is_added_to_a_data_set_that_lacks_it(small):
    first = kolada_state()
    item = scale.kolada_item(2025)
    IndicatorTarget.objects.filter(item=item).delete()
    ItemLink.objects.filter(item=item).delete()
    item.delete()
    KoladaSettings.objects.all().delete()
    KoladaValue.objects.filter(kpi_id=scale.KOLADA_KPI, period__lt=2020).delete()

    out = io.StringIO()
    call_command("bench", "--runs", "1", "--seed", "7", stdout=out)
    assert "Kolada-nyckeltalet X00001 (NK1) lagt till" in out.getvalue()
    assert kolada_state() == first
    again = scale.build_kolada(year=2025, seed=7)
    assert not again.created and "finns redan" in again.message
    assert kolada_state() == first


def test_replace_removes_the_made_up_kolada_data_and_makes_it_again(small):
    first = kolada_state()
    load("--replace")
    assert kolada_state() == first
    assert KoladaMunicipality.objects.filter(title__endswith="(skala)").count() == 20
