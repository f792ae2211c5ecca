"""Indicators: outcomes over the years (one series across the years'
copies), targets per year, the generated trend, the suggested assessment,
Kolada values and comparisons, and the pages that show them."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.indicators.models import IndicatorValue
from styrhjul.indicators.series import indicator_data
from styrhjul.kolada.models import KoladaKpi, KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import IndicatorTarget, Item
from styrhjul.planning.services import model_copy_to_next_year
from tests.factories import UnitFactory, UserFactory, grant, unit_type

pytestmark = pytest.mark.django_db


def add_values(item, unit, values: dict[int, tuple]):
    for year, (value, women, men) in values.items():
        IndicatorValue.objects.create(
            item=item, unit=unit, year=year, value=value, value_women=women, value_men=men
        )


@pytest.fixture
def reader(client, org):
    user = UserFactory()
    grant(user, org["enhet_b1"], Role.READER)
    client.force_login(user)
    return user


def load(item):
    item = Item.objects.select_related("plan__unit", "plan__plan_type__model").get(pk=item.pk)
    return indicator_data([item])[item.pk]


def test_last_years_outcomes_belong_to_next_years_indicator(org, chain):
    indicator = chain["indicator"]
    add_values(
        indicator, org["kommun"], {2023: (82, 84, 80), 2024: (83, 85, 81), 2025: (85, 87, 83)}
    )
    model_2026 = model_copy_to_next_year(actor=access.SYSTEM, model=chain["vp"].model)
    copy = Item.objects.get(plan__plan_type__model=model_2026, series=indicator.series)

    data = load(copy)

    assert [(p.year, p.value) for p in data.points] == [
        (2023, Decimal(82)),
        (2024, Decimal(83)),
        (2025, Decimal(85)),
    ]
    assert data.latest.women == Decimal(87) and data.has_gender_split
    assert data.baseline == (2022, Decimal(81)) and data.goal == (2026, Decimal(88))


def test_targets_per_year_and_the_interpolated_target(org, chain):
    indicator = chain["indicator"]
    IndicatorTarget.objects.create(item=indicator, year=2024, value=Decimal("84.5"))
    data = load(indicator)

    assert data.target_for(2024) == Decimal("84.5")  # its own target
    assert data.target_for(2026) == Decimal(88)  # the target value
    # 2025: on the straight line from 81 (2022) to 88 (2026), 86,25, written
    # as precisely as the values it is drawn between.
    assert data.target_for(2025) == Decimal("86")
    Item.objects.filter(pk=indicator.pk).update(target_value=Decimal("88.5"))
    assert load(indicator).target_for(2025) == Decimal("86.6")  # 86,625


@pytest.mark.parametrize(
    "value, margin, expected",
    [(90, 1, "met"), (86, None, "met"), (85.5, 1, "near"), (84, 1, "not_met")],
)
def test_the_suggestion_compares_the_value_with_the_years_target(
    org, chain, value, margin, expected
):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(direction="higher", near_target_margin=margin)
    add_values(indicator, org["kommun"], {2025: (value, None, None)})

    assert load(indicator).suggestion(2025) == expected


def test_no_value_and_no_target(org, chain):
    indicator = chain["indicator"]
    assert load(indicator).suggestion(2025) == "no_value"
    Item.objects.filter(pk=indicator.pk).update(target_value=None, target_year=None)
    assert load(indicator).suggestion(2025) is None


def test_the_trend_is_described_from_the_numbers(org, chain):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(direction="higher")
    add_values(indicator, org["kommun"], {2024: (82, None, None)})

    text = load(indicator).describe()

    assert text.startswith(
        "Utvecklingen går åt rätt håll sedan 2022 men för långsamt för att nå 88\u00a0% till 2026."
    )


def test_the_indicator_page_shows_chart_table_and_trend(client, org, chain, reader):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(direction="higher")
    add_values(
        indicator, org["kommun"], {2023: (82, 84, 80), 2024: (83, 85, 81), 2025: (85, 87, 83)}
    )

    response = client.get(reverse("indicators:indicator", args=[indicator.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") == 2  # trend, and women and men
    assert 'role="img"' in body
    assert "Visa värdena som tabell" in body
    assert "<caption>" in body and "85\u00a0%" in body
    assert "Utvecklingen går åt rätt håll" in body
    assert "Kvinnor och män" in body


def test_the_charts_are_drawn_once_and_again_when_a_value_changes(
    client, org, chain, reader, monkeypatch
):
    from django.core.cache import cache

    import styrhjul.charts

    cache.clear()
    drawn = []
    draw = styrhjul.charts.to_svg

    def counting(chart, **kwargs):
        drawn.append(chart.title)
        return draw(chart, **kwargs)

    monkeypatch.setattr(styrhjul.charts, "to_svg", counting)
    indicator = chain["indicator"]
    add_values(indicator, org["kommun"], {2024: (83, 85, 81), 2025: (85, 87, 83)})
    url = reverse("indicators:indicator", args=[indicator.pk])

    def pictures() -> list[str]:
        return re.findall(r"<svg\b.*?</svg>", client.get(url).content.decode(), re.S)

    first = pictures()
    assert len(first) == len(drawn) == 2  # trend, and women and men
    assert pictures() == first
    assert len(drawn) == 2  # the same pictures, from the cache

    IndicatorValue.objects.filter(item=indicator, year=2025).update(value=90, value_women=92)
    again = pictures()
    assert len(drawn) == 4  # new data, new pictures
    assert len(again) == 2 and again[0] != first[0] and again[1] != first[1]


def test_the_charts_are_written_once_and_the_page_is_the_same_from_the_cache(
    client, org, chain, reader, monkeypatch
):
    """Each chart's picture, text alternative and data table are written once
    per content (indicators.charts.all_charts): the next request tables and
    renders nothing and shows the same page, as the parts written one by one
    (_chart_body.html) do."""
    from django.core.cache import cache
    from django.template.loader import render_to_string

    from styrhjul.indicators import charts

    cache.clear()
    tabled = []
    table = charts.data_table

    def counting(chart):
        tabled.append(chart.title)
        return table(chart)

    monkeypatch.setattr(charts, "data_table", counting)
    indicator = chain["indicator"]
    add_values(indicator, org["kommun"], {2024: (83, 85, 81), 2025: (85, 87, 83)})
    url = reverse("indicators:indicator", args=[indicator.pk])

    def main() -> str:
        body = client.get(url).content.decode()
        return body[body.index("<main") : body.index("</main>")]

    first = main()
    assert len(tabled) == 2  # trend, and women and men
    assert main() == first
    assert len(tabled) == 2  # from the cache

    data = indicator_data([indicator])[indicator.pk]
    prefix = f"nyckeltal-{indicator.pk}"
    for chart, part in ((data.trend_chart(), "trend"), (data.gender_chart(), "kon")):
        shown = charts._shown(chart, f"{prefix}-{part}")
        html = render_to_string(
            charts.CHART_BODY, {"chart": shown, "heading_id": f"{prefix}-{part}-rubrik"}
        )
        assert html in first


def test_the_breadcrumb_leads_to_the_indicators_organisations_council_page(
    client, org, chain, reader
):
    indicator = chain["indicator"]
    url = reverse("indicators:indicator", args=[indicator.pk])
    council = reverse("indicators:council", args=[2025])

    crumbs = client.get(url).context["breadcrumbs"]
    assert crumbs[0][1] == council  # one organisation: no choice to keep
    other = UnitFactory(name="Bolagskoncernen", code="BK", unit_type=unit_type("Kommun"))
    grant(reader, other, Role.READER)

    crumbs = client.get(url).context["breadcrumbs"]
    assert crumbs[0][1] == f"{council}?organisation={org['kommun'].pk}"


def test_a_kolada_indicator_shows_kolada_values_comparisons_and_attribution(
    client, org, chain, reader
):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(source="kolada", kolada_kpi="N15419")
    now = timezone.now()
    KoladaKpi.objects.create(id="N15419", title="Elever i åk 9 som är behöriga", fetched_at=now)
    for code, title in (("1480", "Göteborg"), ("1481", "Mölndal"), ("0000", "Riket")):
        KoladaMunicipality.objects.create(id=code, title=title, type="K")
    KoladaSettings.objects.create(
        organisation=org["kommun"], municipality_id="1480", comparison_ids=["1481", "0000"]
    )
    for year, own, riket in ((2023, "80.1", "84.0"), (2024, "82.3", "84.2")):
        for gender, delta in (("T", 0), ("K", 2), ("M", -2)):
            KoladaValue.objects.create(
                kpi_id="N15419",
                municipality_id="1480",
                period=year,
                gender=gender,
                value=Decimal(own) + delta,
            )
        KoladaValue.objects.create(
            kpi_id="N15419", municipality_id="0000", period=year, gender="T", value=Decimal(riket)
        )

    response = client.get(reverse("indicators:indicator", args=[indicator.pk]))

    body = response.content.decode()
    data = response.context["d"]
    assert [(p.year, p.value) for p in data.points] == [
        (2023, Decimal("80.1")),
        (2024, Decimal("82.3")),
    ]
    assert data.latest.women == Decimal("84.3")
    assert "Källa: Kolada (RKA)" in body
    assert "Riket" in body and "Mölndal" in body
    assert "Göteborg" in body


def test_the_indicator_page_reads_a_bounded_number_of_queries(client, org, chain, reader):
    indicator = chain["indicator"]
    url = reverse("indicators:indicator", args=[indicator.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    add_values(indicator, org["kommun"], {y: (80 + y % 7, 81, 79) for y in range(2016, 2026)})
    for y in range(2016, 2027):
        IndicatorTarget.objects.create(item=indicator, year=y, value=85)
    assert count() == few


def test_the_council_page_lists_the_council_goals_indicators(client, org, chain, reader):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(direction="higher")
    add_values(indicator, org["kommun"], {2024: (83, None, None)})

    response = client.get(reverse("indicators:council", args=[2025]))

    body = response.content.decode()
    assert "KF1 Alla barn och unga klarar skolan" in body
    assert "Andel behöriga till gymnasiet" in body
    assert "81\u00a0% (2022)" in body and "83\u00a0% (2024)" in body
    assert "88\u00a0% (2026)" in body
    assert "Högre är bättre" in body
    assert "Utvecklingen går åt rätt håll" in body


def test_the_council_page_shows_only_what_the_user_may_read(client, org, chain):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(reverse("indicators:council", args=[2025])).status_code == 404


def test_the_council_page_reads_a_bounded_number_of_queries(client, org, chain, reader, model):
    url = reverse("indicators:council", args=[2025])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    council = chain["council"]
    vp = chain["vp"]
    plan = services.plan_for(actor=access.SYSTEM, unit=org["kommun"], plan_type=vp)
    for n in range(5):
        item = services.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind="indicator",
            title=f"Nyckeltal {n}",
            contributes_to=[council],
            target_year=2026,
            target_value=50,
        )
        add_values(item, org["kommun"], {2024: (40 + n, None, None)})
    assert count() == few


def test_targets_are_edited_on_the_item_form_and_copied_to_next_year(client, org, chain):
    chef = UserFactory()
    grant(chef, org["kommun"], Role.MANAGER)
    client.force_login(chef)
    indicator = chain["indicator"]
    url = reverse("planning:item_edit", args=[indicator.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "title": indicator.title,
            "version": indicator.version,
            "measure_unit": "%",
            "targets": "2025: 85\n2026 : 87,5",
        }
    )

    bad = client.post(url, {**data, "targets": "2025: 85\nnästa år: 90"})
    assert "Rad 2, ”nästa år: 90”: skriv år och värde, t.ex. 2026: 55." in bad.content.decode()

    client.post(url, data)
    assert list(IndicatorTarget.objects.filter(item=indicator).values_list("year", "value")) == [
        (2025, Decimal(85)),
        (2026, Decimal("87.5")),
    ]
    model_2026 = model_copy_to_next_year(actor=access.SYSTEM, model=chain["vp"].model)
    copy = Item.objects.get(plan__plan_type__model=model_2026, series=indicator.series)
    assert copy.targets.count() == 2
    assert (
        "2026: 87,5"
        in client.get(reverse("planning:item_edit", args=[copy.pk]))
        .context["form"]
        .initial["targets"]
    )


def test_a_kolada_source_needs_a_valid_kolada_id(org, chain):
    from django.core.exceptions import ValidationError

    indicator = Item.objects.get(pk=chain["indicator"].pk)
    with pytest.raises(ValidationError) as caught:
        services.item_update(
            actor=access.SYSTEM, item=indicator, version=indicator.version, source="kolada"
        )
    assert caught.value.message_dict["kolada_kpi"] == [
        "Ange Kolada-id när värdena hämtas från Kolada."
    ]
    indicator = Item.objects.get(pk=indicator.pk)
    with pytest.raises(ValidationError) as caught:
        services.item_update(
            actor=access.SYSTEM, item=indicator, version=indicator.version, kolada_kpi="N123"
        )
    assert "N15419" in caught.value.message_dict["kolada_kpi"][0]
    saved = services.item_update(
        actor=access.SYSTEM, item=indicator, version=indicator.version, kolada_kpi=" n15419 "
    )
    assert saved.kolada_kpi == "N15419"


# --- Beside the text box: the suggestion and the facts of a goal ---------------------------


@pytest.fixture
def kommun_task(occasion, org, chain):
    from styrhjul.followup.models import OccasionStep, ReportingTask

    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    Item.objects.filter(pk=chain["indicator"].pk).update(direction="higher", near_target_margin=2)
    return ReportingTask.objects.get(occasion=occasion, unit=org["kommun"], reporter=None)


@pytest.fixture
def kommun_chef(client, org):
    user = UserFactory()
    grant(user, org["kommun"], Role.MANAGER)
    client.force_login(user)
    return user


def assessment(label):
    from styrhjul.model.models import ScaleValue

    return ScaleValue.objects.get(scale__kind="indicator_assessment", label=label)


def test_the_suggested_assessment_is_offered_on_the_form(
    client, org, chain, kommun_task, kommun_chef
):
    add_values(chain["indicator"], org["kommun"], {2025: (85, None, None)})

    response = client.get(reverse("followup:task", args=[kommun_task.pk]))

    entry = response.context["page"].entries[chain["indicator"].pk]
    form = entry.form
    assert form.initial["assessment"] == str(assessment("Nära målvärde").pk)
    body = response.content.decode()
    assert "Förslag utifrån utfall och målvärde: Nära målvärde." in body
    assert "Målvärdet för 2025 är 86\u00a0%." in body


def test_another_assessment_than_the_suggestion_needs_a_comment(
    client, org, chain, kommun_task, kommun_chef
):
    from styrhjul.followup.models import Report

    item = chain["indicator"]
    prefix = f"post-{item.pk}-"
    url = reverse("followup:report_item", args=[kommun_task.pk, item.pk])
    data = {
        prefix + "version": "0",
        prefix + "value": "85",
        prefix + "assessment": str(assessment("Utan anmärkning").pk),
        prefix + "comment": "",
    }

    refused = client.post(url, data, headers={"HX-Request": "true"})

    assert (
        "Bedömningen ”Utan anmärkning” skiljer sig från förslaget ”Nära målvärde”. "
        "Motivera den i kommentaren." in refused.content.decode()
    )
    assert not Report.objects.filter(item=item).exists()
    assert not IndicatorValue.objects.filter(item=item).exists()

    data[prefix + "comment"] = (
        "Resultatet för hösten var bättre än våren; vi bedömer målet som nått."
    )
    client.post(url, data, headers={"HX-Request": "true"})
    report = Report.objects.get(item=item)
    assert report.assessment == assessment("Utan anmärkning")
    assert IndicatorValue.objects.get(item=item, year=2025).value == 85


def test_without_a_value_no_assessment_is_chosen_and_a_typed_value_saves(
    client, org, chain, kommun_task, kommun_chef
):
    from styrhjul.followup.models import Report

    item = chain["indicator"]
    prefix = f"post-{item.pk}-"
    response = client.get(reverse("followup:task", args=[kommun_task.pk]))
    form = response.context["page"].entries[item.pk].form
    assert "assessment" not in form.initial
    body = response.content.decode()
    assert "När utfallet är sparat föreslås en bedömning utifrån målvärdet." in body
    radios = body[body.index(f'name="{prefix}assessment"') :].split("</fieldset>")[0]
    assert " checked" not in radios  # no "Inget värde angivet" chosen in advance

    url = reverse("followup:report_item", args=[kommun_task.pk, item.pk])
    saved = client.post(
        url,
        {
            prefix + "version": "0",
            prefix + "suggested": form.initial["suggested"],
            prefix + "value": "85",
        },
        headers={"HX-Request": "true"},
    )

    assert "Sparat." in saved.content.decode()
    assert IndicatorValue.objects.get(item=item, year=2025).value == 85
    assert "Förslag utifrån utfall och målvärde: Nära målvärde." in saved.content.decode()
    assert not Report.objects.get(item=item).assessment_id


def test_the_assessment_follows_the_suggestion_until_the_user_changes_it(
    client, org, chain, kommun_task, kommun_chef
):
    from styrhjul.followup.models import Report

    item = chain["indicator"]
    add_values(item, org["kommun"], {2025: (85, None, None)})
    prefix = f"post-{item.pk}-"
    response = client.get(reverse("followup:task", args=[kommun_task.pk]))
    form = response.context["page"].entries[item.pk].form
    near = assessment("Nära målvärde")
    assert form.initial["assessment"] == form.initial["suggested"] == str(near.pk)
    assert "Bedömningen följer förslaget om du ändrar utfallet." in response.content.decode()

    url = reverse("followup:report_item", args=[kommun_task.pk, item.pk])
    data = {
        prefix + "version": "0",
        prefix + "suggested": str(near.pk),
        prefix + "assessment": str(near.pk),
        prefix + "value": "90",  # the target is 86: now met
    }
    client.post(url, data, headers={"HX-Request": "true"})

    report = Report.objects.get(item=item)
    assert report.assessment == assessment("Utan anmärkning")
    assert not report.comment

    # Changed by the user: then the choice stays, and a comment is asked for.
    data.update(
        {
            prefix + "version": str(report.version),
            prefix + "suggested": str(assessment("Utan anmärkning").pk),
            prefix + "assessment": str(near.pk),
        }
    )
    refused = client.post(url, data, headers={"HX-Request": "true"})
    assert "skiljer sig från förslaget ”Utan anmärkning”" in refused.content.decode()
    assert Report.objects.get(item=item).assessment == assessment("Utan anmärkning")


def test_the_target_year_is_judged_by_the_period_reported_on(
    client, org, chain, kommun_task, kommun_chef
):
    # The follow-up is per 2025-08-31; the target year is 2025.
    Item.objects.filter(pk=chain["indicator"].pk).update(target_year=2025)
    add_values(chain["indicator"], org["kommun"], {2024: (83, None, None), 2025: (84, None, None)})

    body = client.get(reverse("followup:task", args=[kommun_task.pk])).content.decode()

    assert "Målåret 2025 pågår: värdet hittills är 84 % och målet är 88 %." in body
    assert "har passerat" not in body


def test_the_goal_shows_the_indicators_that_follow_it_up(
    client, org, chain, kommun_task, kommun_chef
):
    add_values(chain["indicator"], org["kommun"], {2024: (83, 85, 81), 2025: (85, 86, 84)})

    response = client.get(reverse("followup:task", args=[kommun_task.pk]))

    body = response.content.decode()
    entry = response.context["page"].entries[chain["council"].pk]
    assert [d.item.pk for d, _b in entry.goal_facts] == [chain["indicator"].pk]
    assert "Nyckeltal som följer upp målet" in body
    brief = entry.goal_facts[0][1]
    assert brief.latest == "85\u00a0% (2025)"
    assert brief.gender == "kvinnor 86\u00a0%, män 84\u00a0%"
    assert brief.suggestion == "Nära målvärdet"


def test_the_plan_import_names_the_kolada_column_when_the_id_is_missing(org, model):
    from tests.excel import INDICATOR_HEADER, rejected, workbook

    vp = model.plan_types.get(name="Verksamhetsplan")
    row = {h: None for h in INDICATOR_HEADER}
    row.update({"Nr": "1", "Nyckeltal": "Andel nöjda", "Källa": "Kolada"})

    errors = rejected(
        workbook({"Nyckeltal": [INDICATOR_HEADER, list(row.values())]}), org["forv"], vp
    )

    assert [(e.row, e.column, e.message) for e in errors] == [
        (2, "Kolada-id", "Ange Kolada-id när värdena hämtas från Kolada.")
    ]
