"""Reporting an indicator: centrally or by every unit, values from Kolada
(read, not reported), and a unit's value computed from its sub-units."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import readmodel
from styrhjul.followup import services as followup
from styrhjul.followup.models import OccasionStep, ReportingTask
from styrhjul.indicators.aggregate import computed_values
from styrhjul.indicators.models import IndicatorValue
from styrhjul.indicators.series import indicator_data
from styrhjul.kolada.models import KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item
from styrhjul.planning.services import model_copy_to_next_year
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_indicator(org, chain, occasion):
    """The förvaltning's indicator, shared to its two avdelningar; the
    occasion reopened so tasks are made for it and nothing is locked."""
    plan = services.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"])
    item = services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.INDICATOR,
        number="SF1.1",
        title="Nöjdhet med bemötandet",
        measure_unit="%",
        reported_by="each_unit",
        aggregation="mean",
        gender_split=True,
    )
    services.item_share(actor=access.SYSTEM, item=item, units=[org["avd_a"], org["avd_b"]])
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    return item


def task_of(occasion, unit):
    return ReportingTask.objects.filter(occasion=occasion, unit=unit, reporter=None).first()


def test_an_indicator_reported_by_every_unit_is_in_each_units_task(org, occasion, shared_indicator):
    for unit in (org["avd_a"], org["avd_b"], org["forv"]):
        task = task_of(occasion, unit)
        assert shared_indicator in followup.task_items(task), unit


def test_an_indicator_reported_centrally_is_only_in_the_owners_task(
    org, occasion, shared_indicator
):
    Item.objects.filter(pk=shared_indicator.pk).update(reported_by="central")

    assert shared_indicator in followup.task_items(task_of(occasion, org["forv"]))
    for unit in (org["avd_a"], org["avd_b"]):
        task = task_of(occasion, unit)
        assert task is None or shared_indicator not in followup.task_items(task)
        if task is not None:
            # The progress on the overview counts the same items as the task.
            done, total = readmodel.task_progress([task])[task.pk]
            assert total == len(followup.task_items(task))
            assert done == total - len(readmodel.unreported(task))


@pytest.mark.parametrize(
    "how, weights, expected",
    [
        ("mean", (None, None), "85.00"),
        ("sum", (None, None), "170.00"),
        ("weighted_mean", (1, 3), "87.50"),
    ],
)
def test_the_value_computed_from_sub_units(org, shared_indicator, how, weights, expected):
    Item.objects.filter(pk=shared_indicator.pk).update(aggregation=how)
    for unit, value, weight in ((org["avd_a"], 80, weights[0]), (org["avd_b"], 90, weights[1])):
        IndicatorValue.objects.create(
            item=shared_indicator, unit=unit, year=2025, value=value, weight=weight
        )
    item = Item.objects.get(pk=shared_indicator.pk)

    computed = computed_values([item], org["forv"], 2025)[item.pk]

    assert computed.value == Decimal(expected) and computed.units == 2


def next_years_copy(item):
    """The indicator's copy in next year's model (the same series)."""
    model = model_copy_to_next_year(actor=access.SYSTEM, model=item.plan.plan_type.model)
    return Item.objects.get(plan__plan_type__model=model, series=item.series)


def test_a_sub_unit_counts_once_in_the_computed_value(org, shared_indicator):
    """A sub-unit's value entered through this year's indicator and through
    next year's copy of it counts once: as next year's copy says, as on the
    indicator's page."""
    Item.objects.filter(pk=shared_indicator.pk).update(aggregation="sum")
    copy = next_years_copy(shared_indicator)
    IndicatorValue.objects.create(item=shared_indicator, unit=org["avd_a"], year=2025, value=10)
    IndicatorValue.objects.create(item=copy, unit=org["avd_a"], year=2025, value=12)
    IndicatorValue.objects.create(item=shared_indicator, unit=org["avd_b"], year=2025, value=20)
    item = Item.objects.select_related("plan__unit", "plan__plan_type__model").get(
        pk=shared_indicator.pk
    )

    computed = computed_values([item], org["forv"], 2025)[item.pk]

    assert (computed.value, computed.units) == (Decimal(32), 2)
    shown = indicator_data([item], {item.pk: org["avd_a"]}, last_year=2025)[item.pk]
    assert shown.value_in(2025) == Decimal(12)


@pytest.mark.parametrize("periodicity", ["", "tertial"])
def test_the_task_pages_earlier_values_are_the_latest_copys(
    client, org, occasion, shared_indicator, periodicity
):
    """A year's outcome entered through two years' copies of the indicator:
    the latest copy's counts, for yearly and part-year indicators alike, in
    the earlier values and in the facts beside the form."""
    Item.objects.filter(pk=shared_indicator.pk).update(periodicity=periodicity, aggregation="")
    copy = next_years_copy(shared_indicator)
    IndicatorValue.objects.create(item=shared_indicator, unit=org["avd_a"], year=2024, value=70)
    IndicatorValue.objects.create(item=copy, unit=org["avd_a"], year=2024, value=72)
    IndicatorValue.objects.create(item=shared_indicator, unit=org["avd_a"], year=2023, value=68)
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)

    page = client.get(reverse("followup:task", args=[task_of(occasion, org["avd_a"]).pk]))

    entry = page.context["page"].entries[shared_indicator.pk]
    assert [(v.year, v.value) for v in entry.earlier] == [(2023, 68), (2024, 72)]
    assert [(p.year, p.value) for p in entry.facts.points] == [(2023, 68), (2024, 72)]


def test_the_form_offers_the_computed_value_and_stores_its_source(
    client, org, occasion, shared_indicator
):
    for unit, value, women, men in ((org["avd_a"], 80, 82, 78), (org["avd_b"], 90, 91, 89)):
        IndicatorValue.objects.create(
            item=shared_indicator,
            unit=unit,
            year=2025,
            value=value,
            value_women=women,
            value_men=men,
        )
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER)
    client.force_login(chef)
    task = task_of(occasion, org["forv"])

    page = client.get(reverse("followup:task", args=[task.pk]))

    form = page.context["page"].entries[shared_indicator.pk].form
    assert form.initial["value"] == Decimal("85.00")
    assert form.initial["value_women"] == Decimal("86.50")
    assert "Beräknat från 2 underliggande enheter (medelvärde): 85\u00a0%." in page.content.decode()
    prefix = f"post-{shared_indicator.pk}-"
    url = reverse("followup:report_item", args=[task.pk, shared_indicator.pk])
    client.post(url, {prefix + "version": "0", prefix + "value": "85"})
    saved = IndicatorValue.objects.get(item=shared_indicator, unit=org["forv"])
    assert (saved.value, saved.source, saved.updated_by) == (Decimal(85), "computed", chef)
    saved.delete()
    client.post(url, {prefix + "version": "1", prefix + "value": "84,5"})
    assert IndicatorValue.objects.get(item=shared_indicator, unit=org["forv"]).source == "manual"


def test_a_kolada_indicator_is_assessed_but_its_value_is_read_from_kolada(
    client, org, chain, occasion
):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(source="kolada", kolada_kpi="N15419")
    KoladaMunicipality.objects.create(id="1480", title="Göteborg", type="K")
    KoladaSettings.objects.create(organisation=org["kommun"], municipality_id="1480")
    from styrhjul.kolada.models import KoladaKpi

    KoladaKpi.objects.create(id="N15419", title="Behöriga", fetched_at=timezone.now())
    KoladaValue.objects.create(
        kpi_id="N15419", municipality_id="1480", period=2025, gender="T", value=Decimal("84.2")
    )
    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    chef = UserFactory()
    grant(chef, org["kommun"], Role.MANAGER)
    client.force_login(chef)
    task = task_of(occasion, org["kommun"])

    response = client.get(reverse("followup:task", args=[task.pk]))

    form = response.context["page"].entries[indicator.pk].form
    assert "value" not in form.fields and "assessment" in form.fields
    body = response.content.decode()
    assert "Utfall enligt Kolada: 84,2\u00a0% (2025, Göteborg)." in body
    assert "Källa: Kolada (RKA)" in body
    prefix = f"post-{indicator.pk}-"
    client.post(
        reverse("followup:report_item", args=[task.pk, indicator.pk]),
        {prefix + "version": "0", prefix + "value": "99", prefix + "comment": "Bra."},
    )
    assert not IndicatorValue.objects.filter(item=indicator).exists()


def test_a_monthly_indicator_is_reported_for_the_occasions_month(
    client, org, occasion, shared_indicator
):
    Item.objects.filter(pk=shared_indicator.pk).update(periodicity="tertial", aggregation="")
    IndicatorValue.objects.create(item=shared_indicator, unit=org["avd_a"], year=2024, value=70)
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    task = task_of(occasion, org["avd_a"])  # Delårsrapport per 31 augusti 2025

    page = client.get(reverse("followup:task", args=[task.pk]))
    entry = page.context["page"].entries[shared_indicator.pk]
    assert entry.form.fields["value"].label == "Utfall tertial 2 2025"
    assert [v.year for v in entry.earlier] == [2024]
    prefix = f"post-{shared_indicator.pk}-"
    client.post(
        reverse("followup:report_item", args=[task.pk, shared_indicator.pk]),
        {prefix + "version": "0", prefix + "value": "76"},
    )

    saved = IndicatorValue.objects.get(item=shared_indicator, unit=org["avd_a"], year=2025)
    assert (saved.period, saved.value) == ("2025-08", Decimal(76))
    again = client.get(reverse("followup:task", args=[task.pk]))
    assert again.context["page"].entries[shared_indicator.pk].value == saved


def test_a_percentage_over_100_is_refused_at_the_field(client, org, occasion, shared_indicator):
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    task = task_of(occasion, org["avd_a"])
    prefix = f"post-{shared_indicator.pk}-"

    response = client.post(
        reverse("followup:report_item", args=[task.pk, shared_indicator.pk]),
        {prefix + "version": "0", prefix + "value": "85", prefix + "value_women": "112"},
        headers={"HX-Request": "true"},
    )

    assert (
        "Nyckeltalet anges i procent: värdet kan inte vara över 100." in response.content.decode()
    )
    assert not IndicatorValue.objects.filter(item=shared_indicator).exists()


def test_a_target_over_100_percent_is_refused(org, chain):
    from django.core.exceptions import ValidationError

    item = Item.objects.get(pk=chain["indicator"].pk)
    with pytest.raises(ValidationError) as caught:
        services.item_update(actor=access.SYSTEM, item=item, version=item.version, target_value=120)
    assert caught.value.message_dict["target_value"] == [
        "Nyckeltalet anges i procent: värdet kan inte vara över 100."
    ]


def test_an_indicators_saved_answer_shows_it_as_the_page_then_does(
    client, org, occasion, shared_indicator
):
    # The htmx answer to a save reads the indicator alone again (not the whole
    # task page): its report, outcome, earlier years, state and facts are
    # what the task page shows afterwards.
    IndicatorValue.objects.create(item=shared_indicator, unit=org["avd_a"], year=2024, value=70)
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    task = task_of(occasion, org["avd_a"])
    prefix = f"post-{shared_indicator.pk}-"

    response = client.post(
        reverse("followup:report_item", args=[task.pk, shared_indicator.pk]),
        {prefix + "version": "0", prefix + "value": "76", prefix + "comment": "Bättre."},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "Sparat." in html and "Bättre." in html
    answered = response.context["entry"]
    page = client.get(reverse("followup:task", args=[task.pk]))
    shown = page.context["page"].entries[shared_indicator.pk]
    assert answered.value.value == Decimal(76)
    for name in ("report", "value", "earlier", "series_values", "state", "review_comment"):
        assert getattr(answered, name) == getattr(shown, name), name
    assert answered.report.updated_by == chef
    assert answered.facts.describe() == shown.facts.describe()
    assert answered.computed == shown.computed
    assert answered.breakdowns == shown.breakdowns
    assert answered.form["version"].value() == shown.form["version"].value()


def test_the_pages_forms_share_their_fields_but_not_an_items_help_text(
    client, org, occasion, shared_indicator, chain
):
    """The page's forms are made from one set of fields (reporting.ReportFields):
    the help text of one item's field (its computed value, its suggested
    assessment) stays at that item, and every form is the one the item
    would get on its own."""
    from styrhjul.followup.reporting import ReportForm, widget_html

    other = services.item_create(
        actor=access.SYSTEM,
        plan=shared_indicator.plan,
        kind=ItemKind.INDICATOR,
        number="SF1.2",
        title="Väntetid till första besök",
        measure_unit="dagar",
        reported_by="each_unit",
        target_year=2025,
        target_value=10,
    )
    task = task_of(occasion, org["forv"])
    followup.task_items(task)
    for unit, value in ((org["avd_a"], 80), (org["avd_b"], 90)):
        IndicatorValue.objects.create(item=shared_indicator, unit=unit, year=2025, value=value)
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER)
    client.force_login(chef)

    response = client.get(reverse("followup:task", args=[task.pk]))

    page = response.context["page"]
    computed = "Beräknat från 2 underliggande enheter"
    shared, own = page.entries[shared_indicator.pk], page.entries[other.pk]
    assert computed in shared.form["value"].help_text
    assert own.form["value"].help_text == ""
    assert shared.form.fields["value"] is not own.form.fields["value"]
    for entry in page.entries.values():
        alone = ReportForm(task=task, entry=entry, scales=page.scale_values)
        assert [(bf.name, bf.label, bf.help_text, str(bf)) for bf in entry.form] == [
            (bf.name, bf.label, bf.help_text, str(bf)) for bf in alone
        ], entry.item.title
        # The page writes the simple widgets directly, with the same markup.
        assert [widget_html(bf) for bf in entry.form] == [str(bf) for bf in alone]
