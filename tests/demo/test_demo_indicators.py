"""The demo's indicators with history: several years of values for the
council's and the committees' indicators (split by women and men where the
indicator is), targets per year, and a small Kolada sample with comparisons,
all shown on this year's copy of the model and loaded idempotently."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from styrhjul.demo import history_data, indicators, model_data
from styrhjul.demo.services import load_demo
from styrhjul.indicators.models import (
    BreakdownDimension,
    BreakdownValue,
    ComparisonValue,
    IndicatorValue,
    ValueSource,
)
from styrhjul.indicators.series import indicator_data
from styrhjul.kolada.models import KoladaKpi, KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.models import IndicatorTarget, Item
from tests.demo.rows import counts
from tests.demo.years import CAL

# One worker for the module under --dist loadgroup, so the demo is loaded once.
pytestmark = pytest.mark.xdist_group("demo-indicators")

THIS_YEAR = CAL.this_year
RECORDINGS = Path(__file__).resolve().parents[1] / "kolada" / "recordings"
COUNTED = (
    IndicatorValue,
    IndicatorTarget,
    KoladaKpi,
    KoladaMunicipality,
    KoladaValue,
    KoladaSettings,
    Item,
    BreakdownDimension,
    BreakdownValue,
    ComparisonValue,
)
HISTORY = (IndicatorValue, IndicatorTarget, Item)


@pytest.fixture(scope="module")
def demo_copy_until():
    """The demo carried forward to this year, as `styrhjul load-demo` does."""
    return THIS_YEAR


@pytest.fixture
def admin(client, demo):
    client.force_login(User.objects.get(username="admin"))
    return client


def indicator(number: str, year: int = THIS_YEAR) -> Item:
    return Item.objects.select_related("plan__unit", "plan__plan_type__model").get(
        number=number, kind="indicator", plan__plan_type__model__year=year
    )


def facts(number: str, year: int = THIS_YEAR):
    item = indicator(number, year)
    return indicator_data([item])[item.pk]


def page(client, number: str) -> str:
    response = client.get(reverse("indicators:indicator", args=[indicator(number).pk]))
    assert response.status_code == 200
    return text(response)


def text(response) -> str:
    """The page, with no-break spaces (between a number and its unit, and
    the narrow ones between thousands) as spaces."""
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


# --- The data -----------------------------------------------------------------------


def test_the_history_agrees_with_each_indicators_baseline():
    specs = {s.number: s for s in model_data.item_specs() if s.kind == "indicator"}
    for value in history_data.VALUES:
        spec = specs[value.number]
        assert spec.unit == value.unit, value  # the unit that owns the indicator reports
        assert spec.fields["source"] == "manual", value
        assert history_data.FIRST_YEAR <= value.year <= model_data.YEAR  # as written
        if value.year == model_data.BASELINE_YEAR:
            assert Decimal(value.value) == spec.fields["baseline_value"], value
        if value.women is not None:
            assert spec.fields["gender_split"], value
            low, high = sorted([Decimal(value.women), Decimal(value.men)])
            assert low <= Decimal(value.value) <= high, value
    for number in history_data.TARGETS:
        assert specs[number].fields["target_value"] is not None


def test_the_kolada_sample_is_small_and_says_what_is_made_up():
    assert indicators.SAMPLE.stat().st_size < 50_000
    sample = indicators.read_sample()
    recorded, synthetic = sample["values"]
    assert recorded["synthetic"] is False and synthetic["synthetic"] is True
    # The recorded rows are exactly Kolada's, as recorded (tests/kolada/recordings).
    raw = json.loads(
        (RECORDINGS / "v3_data_kpi_N21704_year_2023_trimmed.json").read_text(),
        parse_float=Decimal,
    )
    kolada = {
        (e["kpi"], e["municipality"], e["period"], v["gender"]): v["value"]
        for e in raw["values"]
        for v in e["values"]
    }
    rows = {}
    for kpi, code, year, *values in recorded["rows"]:
        for gender, value in zip("TKM", values, strict=True):
            rows[kpi, code, int(year), gender] = value
    assert rows == kolada
    # No made-up value stands in for a recorded one.
    made_up = {(kpi, code, int(year)) for kpi, code, year, *_v in synthetic["rows"]}
    assert not made_up & {key[:3] for key in kolada}
    names = json.loads((RECORDINGS / "v3_municipality_values_trimmed.json").read_text())
    assert sample["municipalities"]["rows"] == [[m["id"], m["title"], m["type"]] for m in names]
    assert sample["municipality_id"] == "0180"
    assert set(sample["comparison_ids"]) <= {m["id"] for m in names} - {"0180"}


# --- The loaded demo ----------------------------------------------------------------


def test_this_years_copy_shows_the_whole_history(demo):
    data = facts("KF1.2")
    assert [p.year for p in data.points] == list(range(CAL.year(2018), CAL.year(2026)))
    assert data.latest.year == CAL.year(2025) and data.latest.value == Decimal(83)
    assert data.baseline == (CAL.year(2022), Decimal(79))
    # Stored once, on the 2025 indicator; this year's copy shares its series.
    values = IndicatorValue.objects.filter(item__series=indicator("KF1.2").series, period="")
    assert {v.item.plan.plan_type.model.year for v in values} == {CAL.last_year}
    # Targets per year, carried to the copy.
    assert data.targets == {
        CAL.year(2023): Decimal(80),
        CAL.year(2024): Decimal(82),
        CAL.year(2025): Decimal(84),
        CAL.year(2026): Decimal(86),
    }
    assert data.suggestion(CAL.year(2025)) == "near"  # 83 against 84, within 2


def test_the_history_before_styrhjul_was_imported_by_the_system(demo):
    values = IndicatorValue.objects.filter(item__number="KF5.1", period="")
    imported = values.filter(year__lt=CAL.year(2023))
    assert imported.count() == 5
    assert all(v.source == ValueSource.IMPORTED and v.updated_by is None for v in imported)
    assert all(v.history.get().history_user is None for v in imported)
    reported = values.filter(year__gte=CAL.year(2023))
    assert reported.count() == 3  # 2023 and 2024, and 2025 at the årsbokslut
    manager = reported[0].updated_by
    assert manager.username and all(v.updated_by == manager for v in reported)
    assert all(v.source == ValueSource.MANUAL for v in reported)


def test_the_council_indicators_page_shows_baseline_latest_target_and_trend(admin):
    response = admin.get(reverse("indicators:council", args=[THIS_YEAR]))
    assert response.status_code == 200
    body = text(response)
    for number in ("KF1.1", "KF1.2", "KF2.1", "KF2.2", "KF3.1", "KF3.2", "KF4.1", "KF5.1"):
        assert f'href="{reverse("indicators:indicator", args=[indicator(number).pk])}"' in body
    assert "Kolada N15428" in body and "Kolada N01951" in body
    # baseline → latest → target of a few rows
    assert (
        CAL.text("79 % (2022)") in body
        and CAL.text("83 % (2025)") in body
        and CAL.text("86 % (2026)") in body
    )
    assert (
        CAL.text("18 412 (2022)") in body
        and CAL.text("18 851 (2025)") in body
        and CAL.text("20 000 (2030)") in body
    )
    assert "Utfall saknas" not in body
    # The trend sentences differ: on track, too slow, the wrong way, reached.
    for sentence in (
        CAL.text("nås till 2026 i nuvarande takt"),
        "men för långsamt för att nå",
        "Utvecklingen går åt fel håll",
        "Målet är redan nått",
    ):
        assert sentence in body, sentence


def test_every_council_and_committee_indicator_has_years_of_values(demo):
    committees = ("1010", "1020", "3000", "4000", "5000", "8000")
    items = list(
        Item.objects.filter(
            kind="indicator",
            plan__unit__code__in=committees,
            plan__plan_type__model__year=THIS_YEAR,
        ).select_related("plan__unit", "plan__plan_type__model")
    )
    assert len(items) >= 20
    data = indicator_data(items)
    sentences = set()
    for item in items:
        points = [p for p in data[item.pk].points if p.value is not None]
        assert len(points) >= 3, item.number
        assert data[item.pk].latest.year >= CAL.year(2023), item.number
        sentence = re.sub(r" sedan \d{4}", "", data[item.pk].describe())
        sentences.add(sentence.split(":")[0].split(" och ")[0][:30])
    assert len(sentences) >= 5


def test_an_indicator_split_by_gender_shows_women_and_men(admin):
    body = page(admin, "KF3.2")
    assert "Kvinnor och män" in body
    assert body.count("<svg") == 3  # the trend, women and men, and the age groups
    assert "(kvinnor 9,7 %, män 5,1 %)" in body  # the latest yearly value, last year's
    data = facts("KF3.2")
    assert all(p.women is not None and p.men is not None for p in data.points)


def test_a_kolada_indicator_shows_kolada_values_comparisons_and_the_source(admin):
    body = page(admin, "KF1.1")
    assert "Värdena hämtas från Kolada (N15428) för Stockholm" in body
    assert "Källa: Kolada (RKA)" in body
    assert "Jämförelser" in body
    for name in ("Riket", "Region Stockholm", "Linköping", "Malmö", "Göteborg", "Umeå"):
        assert f'<th scope="row">{name}</th>' in body, name
    assert "Demodata i Styrhjul" in body  # the sample says what is made up
    data = facts("KF1.1")
    assert [p.year for p in data.points] == list(range(CAL.year(2018), CAL.year(2026)))
    assert all(p.source == "kolada" for p in data.points)
    assert data.value_in(CAL.year(2022)) == Decimal("82.4") == indicator("KF1.1").baseline_value
    assert len(data.comparisons) == 6 and all(c.latest for c in data.comparisons)


def test_a_real_recorded_kolada_value_is_shown(admin):
    body = page(admin, "SN2.2")
    assert "21,89 %" in body  # Stockholm, 2023, as recorded
    data = facts("SN2.2")
    assert data.latest.year == 2023  # recorded values keep their year
    assert data.latest.value == Decimal("21.887490")
    assert data.latest.women == Decimal("25.688929")
    goteborg = next(c for c in data.comparisons if c.code == "1480")
    assert goteborg.latest == (2023, Decimal("17.012982"))
    assert data.goal is None and data.describe().startswith("Värdet har ökat")


def test_the_kolada_settings_borrow_a_recorded_municipality(demo):
    settings = KoladaSettings.objects.get()
    assert settings.organisation == Unit.objects.get(parent__isnull=True)
    assert settings.municipality_id == "0180"
    assert settings.comparison_ids[:2] == ["0000", "0001"]  # Riket and the county named first
    assert settings.last_synced_at is None  # never synced with Kolada


def test_a_second_load_creates_nothing(demo):
    assert demo.indicators.changed and demo.followup.values_created > 100
    before = counts(COUNTED, history=HISTORY)
    again = load_demo(copy_until=THIS_YEAR)
    assert not again.changed
    assert not again.indicators.changed
    assert counts(COUNTED, history=HISTORY) == before


def test_targets_removed_on_purpose_are_left_out_but_missing_rows_come_back(demo):
    item = indicator("KF3.2")
    IndicatorTarget.objects.filter(item=item).delete()
    IndicatorTarget.objects.create(item=item, year=CAL.year(2026), value=Decimal("7.2"))
    IndicatorValue.objects.filter(item__number="KF3.2", year=CAL.year(2019)).delete()
    again = load_demo(copy_until=THIS_YEAR)
    # The copy has targets per year of its own now: they are left as they are.
    assert again.indicators.targets_created == 0
    assert list(item.targets.values_list("year", "value")) == [(CAL.year(2026), Decimal("7.20"))]
    # The deleted value is part of the demo and comes back.
    assert again.followup.values_created == 1


def test_a_real_kolada_sync_is_left_alone(demo):
    from django.utils import timezone

    KoladaSettings.objects.update(last_synced_at=timezone.now())
    KoladaValue.objects.filter(kpi_id="N15428").delete()
    again = load_demo(copy_until=THIS_YEAR)
    assert not again.indicators.changed
    assert not KoladaValue.objects.filter(kpi_id="N15428").exists()


def test_the_sick_leave_is_shown_per_age_group(demo, admin):
    data = facts("KF3.2")
    (ages,) = data.breakdowns
    assert ages.dimension == "Åldersgrupp"
    assert ages.categories == list(indicators.AGE_GROUPS)
    assert data.difference_text(ages) == (
        f"Störst skillnad {CAL.year(2025)} (Åldersgrupp): 50 år eller äldre 9,6\xa0% "
        "jämfört med 29 år eller yngre 6,4\xa0%."
    )
    page = admin.get(reverse("indicators:indicator", args=[indicator("KF3.2").pk]))
    text = page.content.decode()
    assert "Utfall per grupp" in text and "Störst skillnad" in text


def test_the_nki_has_comparison_values_entered_by_hand(demo, admin):
    data = facts("KF5.1")
    assert [(c.name, c.kind) for c in data.comparisons] == [
        ("Riket", "country"),
        ("Liknande kommuner", "group"),
        ("Åsby kommun", "municipality"),
    ]
    assert data.comparisons[0].latest == (CAL.year(2024), Decimal(71))
    page = admin.get(reverse("indicators:indicator", args=[indicator("KF5.1").pk]))
    assert indicators.NKI_SOURCE in page.content.decode()
