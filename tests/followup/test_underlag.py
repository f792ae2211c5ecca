"""Underlag: what the sub-units reported on an item (issue item 4)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.followup.models import Report, ReportingTask
from styrhjul.followup.underlag import underlag
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import RoleGrantFactory, UnitFactory, UserFactory


@pytest.fixture
def indicator(org, chain, occasion):
    """An indicator of the förvaltning's Verksamhetsplan, shared to its enheter."""
    item = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        number="SF1.1",
        title="Andel nöjda brukare",
        measure_unit="%",
    )
    planning.item_share(
        actor=access.SYSTEM,
        item=item,
        units=[org["enhet_a1"], org["enhet_a2"], org["enhet_b1"]],
    )
    return item


@pytest.fixture
def forv_task(org, chain, occasion):
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["forv"], plan_type=chain["vp"], reporter=None
    )


def _assessments(chain):
    return list(chain["vp"].indicator_scale.values.order_by("order"))


def test_shared_item_rows_reports_values_missing_and_totals(
    org, chain, occasion, indicator, forv_task
):
    green, *others = _assessments(chain)
    reporter = UserFactory(first_name="Eva", last_name="Ek")
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_a1"],
        item=indicator,
        assessment=green,
        comment="Bra år",
        updated_by=reporter,
    )
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_a2"],
        item=indicator,
        assessment=green,
        analysis="Stabilt",
    )
    IndicatorValue.objects.create(item=indicator, unit=org["enhet_a1"], year=2025, value=80)
    IndicatorValue.objects.create(item=indicator, unit=org["enhet_a2"], year=2025, value=90)
    IndicatorValue.objects.create(
        item=indicator, unit=org["enhet_a2"], year=2025, period="2025-08", value=70
    )
    IndicatorValue.objects.create(item=indicator, unit=org["enhet_a1"], year=2024, value=10)

    page = underlag(access.SYSTEM, forv_task, indicator)

    assert [r.unit.name for r in page.rows] == [
        "Barn och unga",
        "Hemtjänst Norr",
        "Solgårdens äldreboende",
    ]
    assert all(r.shared for r in page.rows)
    assert [r.unit for r in page.missing_rows] == [org["enhet_b1"]]
    a1 = next(r for r in page.rows if r.unit == org["enhet_a1"])
    assert a1.scale_value == green and a1.text == "Bra år" and a1.report.updated_by == reporter
    a2 = next(r for r in page.rows if r.unit == org["enhet_a2"])
    assert a2.value.value == 70  # the occasion's period (per August) before the whole year
    t = page.totals
    assert (t.units, t.units_reported) == (3, 2)
    [table] = t.tables
    assert table.caption == "Nyckeltal per bedömning"
    counts = {c.value: c.count for c in table.counts}
    assert counts[green] == 2 and counts[None] == 1  # Utan bedömning
    assert all(counts[v] == 0 for v in others)
    # A percentage without "beräknas som": how many have a value, no sum, no mean.
    [group] = t.value_groups
    assert (group.with_value, group.units, group.how, group.value) == (2, 3, "", None)


def test_contributing_items_of_units_below(org, chain, occasion, forv_task):
    status = chain["ap"].activity_scale.values.order_by("order").first()
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        item=chain["activity"],
        status=status,
        completion=40,
        comment="Startat",
    )
    page = underlag(access.SYSTEM, forv_task, chain["operational"])
    assert [(r.unit, r.item, r.shared) for r in page.rows] == [
        (org["enhet_b1"], chain["activity"], False)
    ]
    assert page.totals.mean_completion == Decimal("40.0")
    assert page.missing_rows == []
    # The nämnd's task sees the förvaltning's goal and, transitively, the activity.
    namnd_task = ReportingTask.objects.get(
        occasion=occasion, unit=org["namnd"], plan_type=chain["vp"]
    )
    rows = underlag(access.SYSTEM, namnd_task, chain["board"]).rows
    assert {r.item for r in rows} == {chain["operational"], chain["activity"]}


def test_only_readable_units(org, chain, occasion, indicator, forv_task):
    user = UserFactory()
    RoleGrantFactory(user=user, unit=org["forv"], role=Role.MANAGER, includes_subtree=False)
    RoleGrantFactory(user=user, unit=org["avd_b"], role=Role.READER, includes_subtree=True)
    page = underlag(user, forv_task, indicator)
    assert [r.unit for r in page.rows] == [org["enhet_b1"]]


def test_ended_share_is_not_expected(org, chain, occasion, indicator, forv_task):
    planning.item_unshare(actor=access.SYSTEM, item=indicator, unit=org["enhet_b1"])
    page = underlag(access.SYSTEM, forv_task, indicator)
    assert org["enhet_b1"] not in [r.unit for r in page.rows]


def test_view_renders_and_checks_access(client, org, chain, occasion, indicator, forv_task):
    green = _assessments(chain)[0]
    Report.objects.create(
        occasion=occasion, unit=org["enhet_a1"], item=indicator, assessment=green, comment="Bra år"
    )
    url = reverse("followup:underlag", args=[forv_task.pk, indicator.pk])
    assert url == f"/uppfoljning/uppgifter/{forv_task.pk}/poster/{indicator.pk}/underlag/"
    chef = UserFactory()
    RoleGrantFactory(user=chef, unit=org["forv"], role=Role.MANAGER)
    client.force_login(chef)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bra år" in html and green.label in html and "Har inte rapporterat" in html
    assert 'class="swatch"' in html
    # An item that is not in the task: 404.
    assert (
        client.get(
            reverse("followup:underlag", args=[forv_task.pk, chain["council"].pk])
        ).status_code
        == 404
    )
    # Someone who cannot read the task's unit: 404.
    outsider = UserFactory()
    RoleGrantFactory(user=outsider, unit=org["avd_a"], role=Role.MANAGER)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_fixed_number_of_queries(client, org, chain, occasion, forv_task):
    item = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        number="SF9",
        title="Sjukfrånvaro",
        measure_unit="%",
        aggregation="mean",
        gender_split=True,
    )
    green = _assessments(chain)[0]
    user = UserFactory()
    RoleGrantFactory(user=user, unit=org["forv"], role=Role.MODEL_OWNER)
    client.force_login(user)
    url = reverse("followup:underlag", args=[forv_task.pk, item.pk])

    def add_units(n):
        units = [UnitFactory(parent=org["avd_b"]) for _ in range(n)]
        planning.item_share(actor=access.SYSTEM, item=item, units=units)
        for unit in units:
            Report.objects.create(
                occasion=occasion,
                unit=unit,
                item=item,
                assessment=green,
                comment="ok",
                updated_by=user,
            )
            IndicatorValue.objects.create(
                item=item, unit=unit, year=2025, value=5, value_women=4, value_men=6
            )

    add_units(3)
    few = _queries_for(client, url)
    add_units(37)
    many = _queries_for(client, url)
    assert many == few
    page = underlag(access.SYSTEM, forv_task, item)
    assert page.totals.units_reported == 40
    assert page.totals.value_groups[0].value == Decimal("5")  # the mean, never a sum of %


def test_units_closed_before_the_period_are_not_expected(
    org, chain, occasion, indicator, forv_task
):
    org["enhet_b1"].valid_to = datetime.date(2025, 3, 31)
    org["enhet_b1"].save()
    page = underlag(access.SYSTEM, forv_task, indicator)
    assert org["enhet_b1"] not in [r.unit for r in page.rows]


# --- What adds up -----------------------------------------------------------------------------


def _status(chain, label):
    return chain["ap"].activity_scale.values.get(label=label)


def test_counts_per_kind_in_separate_tables_each_in_its_scale(client, org, chain, occasion):
    """The nämnd's underlag of its goal: the förvaltning's goal (assessment)
    and the enhet's activity (status) counted in tables of their own."""
    goal_scale = list(chain["vp"].goal_scale.values.order_by("order"))
    started = _status(chain, "Påbörjad")
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        item=chain["activity"],
        status=started,
        comment="Igång",
    )
    Report.objects.create(
        occasion=occasion,
        unit=org["forv"],
        item=chain["operational"],
        assessment=goal_scale[0],
        analysis="Går bra",
    )
    namnd_task = ReportingTask.objects.get(
        occasion=occasion, unit=org["namnd"], plan_type=chain["vp"], reporter=None
    )
    page = underlag(access.SYSTEM, namnd_task, chain["board"])
    activities, goals = page.totals.tables
    assert activities.caption == "Aktiviteter per status"
    assert {c.value.scale_id for c in activities.counts} == {chain["ap"].activity_scale_id}
    assert [(c.value.label, c.count) for c in activities.counts if c.count] == [("Påbörjad", 1)]
    assert goals.caption == "Mål per bedömning"
    assert {c.value.scale_id for c in goals.counts} == {chain["vp"].goal_scale_id}
    assert [(c.value, c.count) for c in goals.counts if c.count] == [(goal_scale[0], 1)]

    chef = UserFactory()
    RoleGrantFactory(user=chef, unit=org["namnd"], role=Role.MANAGER)
    client.force_login(chef)
    html = client.get(reverse("followup:underlag", args=[namnd_task.pk, chain["board"].pk]))
    html = html.content.decode()
    assert "<caption>Aktiviteter per status</caption>" in html
    assert "<caption>Mål per bedömning</caption>" in html
    assert "Status/bedömning" not in html.split('id="rapporter"')[0]


def _indicator(org, chain, *, unit="forv", **fields):
    return planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org[unit], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        **fields,
    )


def test_counts_of_the_same_unit_are_summed_percent_and_index_never(
    org, chain, occasion, forv_task
):
    count = _indicator(
        org, chain, number="SF2", title="Antal placeringar", measure_unit="antal",
        aggregation="sum", gender_split=True,
    )  # fmt: skip
    planning.item_share(actor=access.SYSTEM, item=count, units=[org["enhet_a1"], org["enhet_b1"]])
    # An enhet's own indicator contributing to it, in another måttenhet: not added in.
    days = _indicator(
        org, chain, unit="enhet_a2", title="Vårddygn", measure_unit="dygn",
        aggregation="sum", contributes_to=[count],
    )  # fmt: skip
    for unit, value, women, men in (("enhet_a1", 12, 5, 7), ("enhet_b1", 8, 3, 5)):
        IndicatorValue.objects.create(
            item=count, unit=org[unit], year=2025, value=value, value_women=women, value_men=men
        )
    IndicatorValue.objects.create(item=days, unit=org["enhet_a2"], year=2025, value=400)
    page = underlag(access.SYSTEM, forv_task, count)
    groups = {g.measure_unit: g for g in page.totals.value_groups}
    assert (groups["antal"].label, groups["antal"].value) == ("Summa", Decimal("20"))
    assert (groups["antal"].women, groups["antal"].men) == (Decimal("8"), Decimal("12"))
    assert (groups["antal"].with_value, groups["antal"].units) == (2, 2)
    assert (groups["dygn"].value, groups["dygn"].units) == (Decimal("400"), 1)

    # A percentage or an index is never summed, even if it says Summa.
    for measure_unit in ("%", "index"):
        item = _indicator(
            org, chain, title=f"I {measure_unit}", measure_unit=measure_unit, aggregation="sum"
        )
        planning.item_share(
            actor=access.SYSTEM, item=item, units=[org["enhet_a1"], org["enhet_b1"]]
        )
        for unit, value in (("enhet_a1", 70), ("enhet_b1", 68)):
            IndicatorValue.objects.create(item=item, unit=org[unit], year=2025, value=value)
        [group] = underlag(access.SYSTEM, forv_task, item).totals.value_groups
        assert (group.how, group.value, group.with_value) == ("", None, 2)
    # A mean where the indicator is computed as a mean.
    item.aggregation = "mean"
    item.save()
    [group] = underlag(access.SYSTEM, forv_task, item).totals.value_groups
    assert (group.label, group.value) == ("Medelvärde", Decimal("69"))


def test_summary_in_the_page(client, org, chain, occasion, forv_task):
    index = _indicator(org, chain, title="Nöjd-kund-index", measure_unit="index")
    count = _indicator(
        org, chain, title="Antal besök", measure_unit="antal", aggregation="sum", gender_split=True
    )
    units = [org["enhet_a1"], org["enhet_a2"], org["enhet_b1"]]
    for item in (index, count):
        planning.item_share(actor=access.SYSTEM, item=item, units=units)
    for unit, value in zip(units, (70, 69, 69), strict=True):
        IndicatorValue.objects.create(item=index, unit=unit, year=2025, value=value)
        IndicatorValue.objects.create(
            item=count, unit=unit, year=2025, value=value, value_women=40, value_men=value - 40
        )
    chef = UserFactory()
    RoleGrantFactory(user=chef, unit=org["forv"], role=Role.MANAGER)
    client.force_login(chef)
    html = client.get(reverse("followup:underlag", args=[forv_task.pk, index.pk])).content.decode()
    summary = html.split('id="sammanstallning"')[1].split('id="saknas"')[0]
    assert "208" not in summary and "<dt>Summa</dt>" not in summary
    assert "<dt>Medelvärde</dt>" not in summary and "Visas inte" in summary
    assert "3 av 3 enheter" in summary  # have a value
    html = client.get(reverse("followup:underlag", args=[forv_task.pk, count.pk])).content.decode()
    summary = html.split('id="sammanstallning"')[1].split('id="saknas"')[0]
    assert "<dt>Summa</dt><dd>208" in summary
    assert "kvinnor 120" in summary and "män 88" in summary
    # Each unit's kvinnor and män beside its value.
    rows = html.split('id="rapporter"')[1]
    assert "kvinnor 40" in rows and "män 30" in rows


def test_n_av_m_units_agrees_with_the_units_that_have_not_reported(
    client, org, chain, occasion, indicator, forv_task
):
    """enhet_a1 reports on the shared indicator but not on its own
    contributing indicator: it has not reported (all it should)."""
    green = _assessments(chain)[0]
    own = _indicator(
        org, chain, unit="enhet_a1", title="Egen mätning", measure_unit="%",
        contributes_to=[indicator],
    )  # fmt: skip
    for unit in ("enhet_a1", "enhet_a2"):
        Report.objects.create(
            occasion=occasion, unit=org[unit], item=indicator, assessment=green, comment="ok"
        )
    page = underlag(access.SYSTEM, forv_task, indicator)
    assert len(page.rows) == 4
    assert (page.totals.units, page.totals.units_reported) == (3, 1)
    assert [(m.unit, [r.item for r in m.rows]) for m in page.missing] == [
        (org["enhet_b1"], [indicator]),
        (org["enhet_a1"], [own]),
    ]
    chef = UserFactory()
    RoleGrantFactory(user=chef, unit=org["forv"], role=Role.MANAGER)
    client.force_login(chef)
    html = client.get(reverse("followup:underlag", args=[forv_task.pk, indicator.pk]))
    html = html.content.decode()
    assert "1 av 3 enheter" in html
    missing = html.split('id="saknas"')[1].split('id="rapporter"')[0]
    assert "2 enheter:" in missing
    assert "Barn och unga" in missing and "Solgårdens äldreboende – Egen mätning" in missing
    assert "Hemtjänst Norr" not in missing


# --- A computed value that is no longer what the units below give ------------------------------


@pytest.fixture
def rollup(org, chain, occasion):
    """Äldreomsorg's share of an indicator computed as the mean of its
    enheter's values (80 and 70), stored as computed (75), the task open."""
    from django.utils import timezone

    from styrhjul.followup import services as followup
    from styrhjul.followup.models import OccasionStep

    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    item = _indicator(org, chain, title="Andel nöjda", measure_unit="%", aggregation="mean")
    planning.item_share(
        actor=access.SYSTEM, item=item, units=[org["avd_a"], org["enhet_a1"], org["enhet_a2"]]
    )
    for unit, value in (("enhet_a1", 80), ("enhet_a2", 70)):
        IndicatorValue.objects.create(item=item, unit=org[unit], year=2025, value=value)
    planning.plan_for(actor=access.SYSTEM, unit=org["avd_a"], plan_type=chain["vp"])
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["avd_a"], plan_type=chain["vp"], reporter=None
    )
    followup.indicator_value_save(
        actor=access.SYSTEM, task=task, item=item, year=2025, period="", value=Decimal(75),
        source="computed",
    )  # fmt: skip
    chef = UserFactory(first_name="Anna", last_name="Avdelningschef")
    RoleGrantFactory(user=chef, unit=org["avd_a"], role=Role.MANAGER)
    return {"item": item, "task": task, "chef": chef}


def _stale_shown(html: str) -> bool:
    return "Inaktuellt:" in html and "underlaget har ändrats sedan värdet räknades fram" in html


def test_a_changed_sub_unit_value_flags_the_computed_value_until_recomputed(client, org, rollup):
    item, task, chef = rollup["item"], rollup["task"], rollup["chef"]
    underlag_url = reverse("followup:underlag", args=[task.pk, item.pk])
    task_url = reverse("followup:task", args=[task.pk])
    client.force_login(chef)
    assert not _stale_shown(client.get(underlag_url).content.decode())
    assert not _stale_shown(client.get(task_url).content.decode())

    # A sub-unit changes its value 80 → 90: the stored 75 is no longer the mean (80).
    IndicatorValue.objects.filter(item=item, unit=org["enhet_a1"]).update(value=90)
    for url in (underlag_url, task_url):
        html = client.get(url).content.decode()
        assert _stale_shown(html), url
        assert ">Räkna om<" in html
    stored = IndicatorValue.objects.get(item=item, unit=org["avd_a"], year=2025, period="")
    assert stored.updated_at.strftime("%Y-%m-%d") in html

    response = client.post(
        reverse("followup:recompute", args=[task.pk, item.pk]),
        {"seen": stored.updated_at.isoformat(), "tillbaka": "uppgift"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{task_url}#post-{item.pk}"
    stored.refresh_from_db()
    assert (stored.value, stored.source, stored.updated_by) == (Decimal(80), "computed", chef)
    for url in (underlag_url, task_url):
        assert not _stale_shown(client.get(url).content.decode()), url
    # Audited as other changes: in the value's history, with who and why.
    last = stored.history.first()
    assert last.history_user == chef
    assert last.history_change_reason == "Räknat om från underliggande enheter"
    history = client.get(reverse("followup:task_history", args=[task.pk])).content.decode()
    assert "Räknat om från underliggande enheter" in history


def test_recompute_refuses_a_value_changed_meanwhile(client, org, rollup):
    item, task, chef = rollup["item"], rollup["task"], rollup["chef"]
    stored = IndicatorValue.objects.get(item=item, unit=org["avd_a"], year=2025, period="")
    seen = stored.updated_at.isoformat()
    IndicatorValue.objects.filter(item=item, unit=org["enhet_a1"]).update(value=90)
    # Someone saves the value by hand after the page was opened.
    stored.value, stored.source = Decimal(77), "manual"
    stored.save()
    client.force_login(chef)
    response = client.post(
        reverse("followup:recompute", args=[task.pk, item.pk]), {"seen": seen}, follow=True
    )
    assert "Någon annan har sparat värdet" in response.content.decode()
    stored.refresh_from_db()
    assert stored.value == Decimal(77)


def test_only_who_may_change_the_units_report_may_recompute(client, org, rollup):
    item, task = rollup["item"], rollup["task"]
    stored = IndicatorValue.objects.get(item=item, unit=org["avd_a"], year=2025, period="")
    IndicatorValue.objects.filter(item=item, unit=org["enhet_a1"]).update(value=90)
    url = reverse("followup:recompute", args=[task.pk, item.pk])
    data = {"seen": stored.updated_at.isoformat()}
    reader = UserFactory()
    RoleGrantFactory(user=reader, unit=org["avd_a"], role=Role.READER)
    client.force_login(reader)
    html = client.get(reverse("followup:underlag", args=[task.pk, item.pk])).content.decode()
    assert _stale_shown(html) and ">Räkna om<" not in html  # sees the flag, not the button
    assert client.post(url, data).status_code == 403
    outsider = UserFactory()
    RoleGrantFactory(user=outsider, unit=org["avd_b"], role=Role.MANAGER)
    client.force_login(outsider)
    assert client.post(url, data).status_code == 404
    stored.refresh_from_db()
    assert stored.value == Decimal(75)


@pytest.mark.parametrize(
    ("measure_unit", "aggregation", "refused"),
    [("%", "sum", True), ("index", "sum", True), ("%", "mean", False), ("antal", "sum", False)],
)
def test_the_indicator_form_refuses_summing_percent_and_index(
    org, model, measure_unit, aggregation, refused
):
    from styrhjul.planning.forms import ItemForm
    from styrhjul.planning.models import Item

    form = ItemForm(
        {"title": "Nyckeltal", "measure_unit": measure_unit, "aggregation": aggregation},
        kind="indicator",
        model=model,
        unit=org["forv"],
        instance=Item(kind="indicator"),
    )
    form.is_valid()
    assert ("Procent och index summeras inte" in str(form.errors.get("aggregation"))) is refused
    assert "underlaget" in form.fields["aggregation"].help_text
