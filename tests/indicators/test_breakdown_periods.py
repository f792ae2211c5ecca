"""Values per group for a part of the year, as outcomes have them: the
whole year, or a period ending with a month ("per augusti 2025"). Entered
on the page, imported with a Period column, and shown in the chart: a
year's whole-year values when there are any, else its latest period's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from styrhjul.indicators import services
from styrhjul.indicators.models import BreakdownValue
from styrhjul.indicators.series import indicator_data
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import BreakdownDimensionFactory, UserFactory, grant
from tests.indicators.test_breakdowns import categories, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def chef(client, org):
    """The municipality's modellägare, who reports the council's indicator."""
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def ages(org):
    return BreakdownDimensionFactory(organisation=org["kommun"], name="Åldersgrupp")


def enter(item, unit, dimension, year, values: dict[str, str], period: str = ""):
    cats = categories(dimension)
    services.save_breakdown(
        actor=access.SYSTEM,
        item=item,
        unit=unit,
        dimension=dimension,
        year=year,
        period=period,
        values={cats[label].pk: Decimal(v) for label, v in values.items()},
    )


def stored() -> dict[tuple[int, str, str], Decimal]:
    return {
        (v.year, v.period, v.category.label): v.value
        for v in BreakdownValue.objects.select_related("category")
    }


# --- The period of a value --------------------------------------------------------------


def test_a_period_keeps_its_own_values_beside_the_whole_year(org, chain, ages):
    item, kommun = chain["indicator"], org["kommun"]
    enter(item, kommun, ages, 2025, {"65+": "70"}, period="2025-04")
    enter(item, kommun, ages, 2025, {"65+": "74"}, period="2025-08")
    enter(item, kommun, ages, 2025, {"65+": "76"})
    assert stored() == {
        (2025, "2025-04", "65+"): Decimal(70),
        (2025, "2025-08", "65+"): Decimal(74),
        (2025, "", "65+"): Decimal(76),
    }


@pytest.mark.parametrize("period", ["2024-08", "2025-12", "2025-8", "augusti", "2025-13"])
def test_a_period_outside_january_to_november_of_the_year_is_refused(
    org,
    chain,
    ages,
    period,
):
    with pytest.raises(ValidationError) as caught:
        enter(chain["indicator"], org["kommun"], ages, 2025, {"65+": "70"}, period=period)
    assert caught.value.messages == [
        "Perioden ska vara helåret eller en månad januari–november 2025, t.ex. 2025-08."
    ]
    assert not BreakdownValue.objects.exists()


# --- Entered on the page ------------------------------------------------------------------


def test_values_for_a_period_are_entered_on_the_page(client, org, chain, chef, ages):
    item = chain["indicator"]
    cats = categories(ages)
    enter(item, org["kommun"], ages, 2025, {"65+": "76"})  # the whole year's, left alone
    url = reverse("indicators:breakdown", args=[item.pk, ages.pk])

    page = client.get(url + "?ar=2025&manad=8").content.decode()
    assert "Utfall augusti 2025" in page
    assert '<option value="8" selected>Till och med augusti</option>' in page
    assert 'value="76"' not in page  # the whole year's value is not August's

    response = client.post(
        url,
        {"year": "2025", "month": "8", f"c{cats['0–17'].pk}": "61", f"c{cats['65+'].pk}": "73,5"},
    )
    assert response.status_code == 302
    assert stored() == {
        (2025, "", "65+"): Decimal(76),
        (2025, "2025-08", "0–17"): Decimal(61),
        (2025, "2025-08", "65+"): Decimal("73.5"),
    }
    assert 'value="73,5"' in client.get(url + "?ar=2025&manad=8").content.decode()
    assert 'value="76"' in client.get(url + "?ar=2025").content.decode()


# --- Imported -----------------------------------------------------------------------------


def test_an_import_with_a_period_column_stores_each_row_in_its_period(
    org,
    chain,
    chef,
    ages,
):
    data = xlsx(
        [
            ["År", "Period", "Uppdelning", "Grupp", "Utfall"],
            [2025, "april", "Åldersgrupp", "65+", 70],
            [2025, "2025-08", "Åldersgrupp", "65+", 74],
            [2025, 8, "Åldersgrupp", "0–17", 60],
            [2025, None, "Åldersgrupp", "65+", 76],
            [2024, "helår", "Åldersgrupp", "65+", 69],
        ]
    )
    result = services.import_breakdowns(
        actor=chef, item=chain["indicator"], unit=org["kommun"], data=data, filename="v.xlsx"
    )
    assert (result.rows, result.changed) == (5, 5)
    assert stored() == {
        (2025, "2025-04", "65+"): Decimal(70),
        (2025, "2025-08", "65+"): Decimal(74),
        (2025, "2025-08", "0–17"): Decimal(60),
        (2025, "", "65+"): Decimal(76),
        (2024, "", "65+"): Decimal(69),
    }


@pytest.mark.parametrize(
    ("period", "error"),
    [
        ("2024-08", "Blad Värden, rad 3, kolumn Period: perioden 2024-08 är inte i året 2025."),
        ("december", "Blad Värden, rad 3, kolumn Period: december är helåret"),
        ("trettonde", "Blad Värden, rad 3, kolumn Period: ”trettonde” är ingen period."),
        ("augusti", "Blad Värden, rad 3: Åldersgrupp 65+ augusti 2025 står redan på rad 2."),
    ],
)
def test_a_bad_period_refuses_the_whole_file(org, chain, chef, ages, period, error):
    data = xlsx(
        [
            ["År", "Period", "Uppdelning", "Grupp", "Utfall"],
            [2025, "2025-08", "Åldersgrupp", "65+", 74],
            [2025, period, "Åldersgrupp", "65+", 75],
        ]
    )
    with pytest.raises(services.ImportRejected) as caught:
        services.import_breakdowns(
            actor=chef, item=chain["indicator"], unit=org["kommun"], data=data, filename="v.xlsx"
        )
    assert any(str(e).startswith(error) for e in caught.value.errors), caught.value.errors
    assert not BreakdownValue.objects.exists()


# --- Shown --------------------------------------------------------------------------------


def test_the_chart_shows_a_years_latest_period_until_the_whole_year_is_there(
    client,
    org,
    chain,
    chef,
    ages,
):
    item, kommun = chain["indicator"], org["kommun"]
    enter(item, kommun, ages, 2024, {"0–17": "55", "65+": "66"})
    enter(item, kommun, ages, 2025, {"0–17": "50", "65+": "90"}, period="2025-04")
    enter(item, kommun, ages, 2025, {"0–17": "58", "65+": "72"}, period="2025-08")

    data = indicator_data([item])[item.pk]
    [breakdown] = data.breakdowns
    assert breakdown.value(2025, "65+") == Decimal(72)  # August's, the latest
    assert breakdown.periods == {2025: "2025-08"}
    assert data.breakdown_chart(breakdown).periods == (2024, "2025-08")
    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    assert (
        "Störst skillnad augusti 2025 (Åldersgrupp): 65+ 72\xa0% jämfört med 0–17 58\xa0%." in page
    )

    enter(item, kommun, ages, 2025, {"0–17": "60", "65+": "75"})  # the whole year
    [breakdown] = indicator_data([item])[item.pk].breakdowns
    assert breakdown.value(2025, "65+") == Decimal(75)
    assert breakdown.periods == {}
    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    assert "Störst skillnad 2025 (Åldersgrupp): 65+ 75\xa0% jämfört med 0–17 60\xa0%." in page
