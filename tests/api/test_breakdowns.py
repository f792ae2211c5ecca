"""Uppdelningar, values per group and comparison values through the API:
read where the caller reads, written in bulk through the Excel import's own
check and storing (the same Swedish messages, ”Menade du …?”), all or
nothing, by those who report the indicator; a flat number of queries."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.indicators.models import BreakdownValue, ComparisonValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import (
    BreakdownDimensionFactory,
    BreakdownValueFactory,
    ComparisonValueFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def get(client, url, secret, **params):
    response = client.get(url, params, **bearer(secret))
    assert response.status_code == 200, response.content
    return response.json()


def post(client, url, data, secret):
    return client.post(url, json.dumps(data), content_type="application/json", **bearer(secret))


@pytest.fixture
def ages(org):
    """Åldersgrupp (0–17, 18–64, 65+) of the municipality."""
    return BreakdownDimensionFactory(organisation=org["kommun"], name="Åldersgrupp")


@pytest.fixture
def indicator(org, chain):
    """An indicator of Barn och unga (whose chef is chef_b1), with a Kolada id."""
    plan = planning.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=chain["vp"])
    return planning.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.INDICATOR,
        title="Andel placerade barn i skolan",
        measure_unit="%",
        kolada_kpi="U21468",
    )


@pytest.fixture
def sibling_indicator(org, chain):
    plan = planning.plan_for(actor=access.SYSTEM, unit=org["enhet_b2"], plan_type=chain["vp"])
    return planning.item_create(
        actor=access.SYSTEM, plan=plan, kind=ItemKind.INDICATOR, title="Vuxenenhetens nyckeltal"
    )


# --- Reading ----------


def test_the_uppdelningar_of_the_organisation_with_their_groups(client, ages, read_token):
    other = BreakdownDimensionFactory(organisation=OrganisationFactory(), name="Kommundel")
    listed = get(client, "/api/v1/uppdelningar", read_token)["results"]
    assert [(d["name"], [g["label"] for g in d["groups"]]) for d in listed] == [
        ("Åldersgrupp", ["0–17", "18–64", "65+"])
    ]
    one = get(client, f"/api/v1/uppdelningar/{ages.pk}", read_token)
    assert one["organisation_id"] == ages.organisation_id
    response = client.get(f"/api/v1/uppdelningar/{other.pk}", **bearer(read_token))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_values_per_group_where_the_caller_reads_the_unit(
    client, org, ages, indicator, sibling_indicator, read_token
):
    young, _, old = ages.categories.all()
    BreakdownValueFactory(item=indicator, unit=org["enhet_b1"], category=old, year=2025, value=12)
    BreakdownValueFactory(item=indicator, unit=org["enhet_b1"], category=young, year=2024, value=3)
    BreakdownValueFactory(item=sibling_indicator, unit=org["enhet_b2"], category=old, year=2025)
    rows = get(client, "/api/v1/uppdelningsvarden", read_token)["results"]
    assert [(r["year"], r["dimension"], r["group"], r["value"]) for r in rows] == [
        (2025, "Åldersgrupp", "65+", "12.00"),
        (2024, "Åldersgrupp", "0–17", "3.00"),
    ]
    assert {r["unit_id"] for r in rows} == {org["enhet_b1"].pk}
    filtered = get(
        client,
        "/api/v1/uppdelningsvarden",
        read_token,
        indicator=indicator.pk,
        year=2025,
        dimension=ages.pk,
    )["results"]
    assert [(r["indicator_id"], r["group_id"]) for r in filtered] == [(indicator.pk, old.pk)]
    sibling = get(client, "/api/v1/uppdelningsvarden", read_token, unit=org["enhet_b2"].pk)
    assert sibling["results"] == []


def test_comparison_values_of_the_indicators_the_caller_reads(
    client, indicator, sibling_indicator, read_token
):
    ComparisonValueFactory(item=indicator, name="Riket", year=2024, value=Decimal("48.5"))
    ComparisonValueFactory(item=indicator, kind="group", name="Liknande kommuner", year=2024)
    ComparisonValueFactory(item=sibling_indicator, name="Riket", year=2024)
    rows = get(client, "/api/v1/jamforelsevarden", read_token)["results"]
    assert sorted((r["indicator_id"], r["kind_label"], r["name"]) for r in rows) == [
        (indicator.pk, "Grupp av kommuner", "Liknande kommuner"),
        (indicator.pk, "Riket", "Riket"),
    ]
    riket = get(client, "/api/v1/jamforelsevarden", read_token, kind="country")["results"]
    assert [(r["value"], r["source"], r["source_date"]) for r in riket] == [
        ("48.50", "SKR", riket[0]["source_date"])
    ]
    datetime.date.fromisoformat(riket[0]["source_date"])


# --- Writing values per group ----------


def test_values_per_group_in_bulk_are_made_then_replaced_through_the_service(
    client, org, ages, indicator, write_token
):
    rows = [
        {
            "indicator_id": indicator.pk,
            "unit_code": "IFO1",
            "year": 2025,
            "dimension": "Åldersgrupp",
            "group": "65+",
            "value": 12.5,
        },
        {
            "kolada_id": "u21468",
            "unit_code": "IFO1",
            "year": "2025",
            "dimension": "åldersgrupp",
            "group": "0–17",
            "value": "3,5",
        },
    ]
    response = post(client, "/api/v1/uppdelningsvarden", {"values": rows}, write_token)
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 2, "changed": 2}
    old = BreakdownValue.objects.get(item=indicator, category__label="65+")
    assert (old.unit, old.year, old.value, old.source) == (
        org["enhet_b1"],
        2025,
        Decimal("12.50"),
        "imported",
    )
    assert old.history.first().history_user.first_name == "Bo"
    response = post(
        client, "/api/v1/uppdelningsvarden", {"values": [{**rows[0], "value": 14}]}, write_token
    )
    assert response.json() == {"rows": 1, "changed": 1}
    old.refresh_from_db()
    assert (old.value, old.version) == (Decimal(14), 2)
    assert BreakdownValue.objects.count() == 2


def test_one_wrong_group_value_saves_nothing_and_says_what_the_import_says(
    client, org, chain, ages, indicator, sibling_indicator, write_token
):
    good = {
        "indicator_id": indicator.pk,
        "unit_code": "IFO1",
        "year": 2025,
        "dimension": "Åldersgrupp",
        "group": "65+",
        "value": 1,
    }
    rows = [
        good,
        {**good, "dimension": "Åldersgrup"},
        {**good, "group": "65 +", "year": 2024},
        {**good, "group": "Äldst"},
        {**good, "value": "mycket", "year": 2023},
        {**good, "value": "1e400", "year": 2022},
        {**good, "year": 1899},
        {**good, "unit_code": "IFO2"},  # the sibling's unit: unknown to them
        {**good, "indicator_id": sibling_indicator.pk},
        {**good, "indicator_id": chain["activity"].pk},  # not an indicator
        {**good, "indicator_id": None},
        good,  # the same group and year twice
    ]
    response = post(client, "/api/v1/uppdelningsvarden", {"values": rows}, write_token)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == "Inget sparades: 11 av 12 rader är felaktiga."
    by_row = {e["row"]: (e["field"], e["message"]) for e in body["errors"]}
    assert set(by_row) == set(range(1, 12))
    assert by_row[1] == (
        "dimension",
        "Uppdelningen ”Åldersgrup” finns inte. Menade du ”Åldersgrupp”?",
    )
    assert by_row[2][0] == "group" and "Menade du ”65+”?" in by_row[2][1]
    assert by_row[3][1].endswith("Grupperna i Åldersgrupp är 0–17, 18–64, 65+.")
    assert by_row[4] == ("value", "”mycket” är inte ett tal.")
    assert by_row[5] == ("value", "Talet är för stort (högst 12 siffror före decimaltecknet).")
    assert by_row[6] == ("year", "”1899” är inte ett år mellan 2000 och 2100.")
    assert by_row[7][0] == "unit_code" and "IFO2" in by_row[7][1]
    assert "Vuxenenheten" not in json.dumps(body)
    assert by_row[8][0] == "indicator_id"  # not readable: as if it did not exist
    assert by_row[9][0] == "indicator_id"
    assert by_row[10] == ("indicator_id", "Ange antingen indicator_id eller kolada_id.")
    assert by_row[11] == ("", "Åldersgrupp 65+ 2025 står redan på rad 0.")
    assert not BreakdownValue.objects.exists()


def test_a_reader_of_the_unit_may_not_write_its_values_per_group(
    client, org, ages, indicator, read_token
):
    reader = UserFactory()
    grant(reader, org["avd_b"], Role.READER)
    row = {
        "indicator_id": indicator.pk,
        "unit_code": "IFO1",
        "year": 2025,
        "dimension": "Åldersgrupp",
        "group": "65+",
        "value": 1,
    }
    response = post(
        client, "/api/v1/uppdelningsvarden", {"values": [row]}, make_token(reader, "write")[1]
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "row": 0,
            "field": "unit_code",
            "message": "Du får inte rapportera nyckeltalet för enheten.",
        }
    ]
    # A read-only token never writes, whoever holds it.
    response = post(client, "/api/v1/uppdelningsvarden", {"values": [row]}, read_token)
    assert response.status_code == 403
    assert not BreakdownValue.objects.exists()


def test_values_per_group_have_a_period_read_filtered_and_written_as_in_the_import(
    client, org, ages, indicator, write_token, read_token
):
    """A period is given as the Excel import's Period column takes it; a
    value replaces only the value of its own group, year and period."""
    good = {
        "indicator_id": indicator.pk,
        "unit_code": "IFO1",
        "year": 2025,
        "dimension": "Åldersgrupp",
        "group": "65+",
        "value": 70,
    }
    rows = [
        good,  # no period: the whole year
        {**good, "period": "2025-04", "value": 60},
        {**good, "period": "augusti", "value": 64},
        {**good, "period": 10, "value": 66},
        {**good, "period": "helår", "year": 2024, "value": 58},
    ]
    response = post(client, "/api/v1/uppdelningsvarden", {"values": rows}, write_token)
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 5, "changed": 5}
    stored = {(v.year, v.period): v.value for v in BreakdownValue.objects.all()}
    assert stored == {
        (2025, ""): Decimal(70),
        (2025, "2025-04"): Decimal(60),
        (2025, "2025-08"): Decimal(64),
        (2025, "2025-10"): Decimal(66),
        (2024, ""): Decimal(58),
    }
    again = [{**good, "period": "2025-08", "value": 65}]
    response = post(client, "/api/v1/uppdelningsvarden", {"values": again}, write_token)
    assert response.json() == {"rows": 1, "changed": 1}
    august = BreakdownValue.objects.get(year=2025, period="2025-08")
    whole = BreakdownValue.objects.get(year=2025, period="")
    assert (august.value, august.version) == (Decimal(65), 2)
    assert (whole.value, whole.version) == (Decimal(70), 1)

    read = get(client, "/api/v1/uppdelningsvarden", read_token, year=2025)["results"]
    assert sorted((r["period"], r["value"]) for r in read) == [
        ("", "70.00"),
        ("2025-04", "60.00"),
        ("2025-08", "65.00"),
        ("2025-10", "66.00"),
    ]
    august_only = get(client, "/api/v1/uppdelningsvarden", read_token, period="2025-08")
    assert [(r["year"], r["value"]) for r in august_only["results"]] == [(2025, "65.00")]
    whole_years = get(client, "/api/v1/uppdelningsvarden", read_token, period="helår")
    assert sorted((r["year"], r["period"]) for r in whole_years["results"]) == [
        (2024, ""),
        (2025, ""),
    ]


def test_a_wrong_period_saves_nothing_and_says_what_the_import_says(
    client, ages, indicator, write_token
):
    good = {
        "indicator_id": indicator.pk,
        "unit_code": "IFO1",
        "year": 2025,
        "period": "2025-08",
        "dimension": "Åldersgrupp",
        "group": "65+",
        "value": 74,
    }
    rows = [
        good,
        {**good, "period": "2024-08"},
        {**good, "period": "december"},
        {**good, "period": "trettonde"},
        {**good, "period": "augusti"},  # the same group and period as row 0
    ]
    response = post(client, "/api/v1/uppdelningsvarden", {"values": rows}, write_token)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Inget sparades: 4 av 5 rader är felaktiga."
    by_row = {e["row"]: (e["field"], e["message"]) for e in body["errors"]}
    assert by_row[1] == ("period", "Perioden 2024-08 är inte i året 2025.")
    assert by_row[2] == ("period", "December är helåret: lämna Period tom eller skriv helår.")
    assert by_row[3][0] == "period"
    assert by_row[3][1].startswith("”trettonde” är ingen period.")
    assert by_row[4] == ("", "Åldersgrupp 65+ augusti 2025 står redan på rad 0.")
    assert not BreakdownValue.objects.exists()


def test_a_percentage_above_100_saves_nothing_as_on_the_page(client, ages, indicator, write_token):
    assert indicator.measure_unit == "%"
    good = {
        "indicator_id": indicator.pk,
        "unit_code": "IFO1",
        "year": 2025,
        "dimension": "Åldersgrupp",
        "group": "65+",
        "value": 100,
    }
    rows = [
        good,
        {**good, "group": "0–17", "value": "100,5"},
        {**good, "group": "18–64", "value": -1},
    ]
    response = post(client, "/api/v1/uppdelningsvarden", {"values": rows}, write_token)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Inget sparades: 2 av 3 rader är felaktiga."
    assert body["errors"] == [
        {"row": 1, "field": "value", "message": "En andel i procent är mellan 0 och 100."},
        {"row": 2, "field": "value", "message": "En andel i procent är mellan 0 och 100."},
    ]
    assert not BreakdownValue.objects.exists()


# --- Writing comparison values ----------


def test_comparison_values_in_bulk_are_made_then_replaced(client, indicator, write_token):
    rows = [
        {
            "indicator_id": indicator.pk,
            "year": 2024,
            "kind": "country",
            "name": "Riket",
            "value": 48.5,
            "source": "SKR",
            "source_date": "2025-03-01",
        },
        {
            "kolada_id": "U21468",
            "unit_code": "IFO1",
            "year": 2025,
            "kind": "Grupp av kommuner",
            "name": "Liknande kommuner",
            "value": "51",
            "source": "Kommunens kvalitet i korthet",
            "source_date": "2026-02-15",
        },
    ]
    response = post(client, "/api/v1/jamforelsevarden", {"values": rows}, write_token)
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 2, "changed": 2}
    riket = ComparisonValue.objects.get(item=indicator, name="Riket")
    assert (riket.kind, riket.year, riket.value, riket.source_date) == (
        "country",
        2024,
        Decimal("48.50"),
        datetime.date(2025, 3, 1),
    )
    again = [{**rows[0], "value": 49}, rows[1]]
    response = post(client, "/api/v1/jamforelsevarden", {"values": again}, write_token)
    assert response.json() == {"rows": 2, "changed": 1}
    riket.refresh_from_db()
    assert (riket.value, riket.version) == (Decimal(49), 2)
    assert riket.history.first().history_user.first_name == "Bo"


def test_one_wrong_comparison_value_saves_nothing(
    client, indicator, sibling_indicator, write_token
):
    good = {
        "indicator_id": indicator.pk,
        "year": 2024,
        "kind": "country",
        "name": "Riket",
        "value": 48.5,
        "source": "SKR",
        "source_date": "2025-03-01",
    }
    rows = [
        good,
        {**good, "kind": "världen", "name": "A"},
        {**good, "source_date": "1 mars", "name": "B"},
        {**good, "source": "", "name": "C"},
        {**good, "indicator_id": sibling_indicator.pk},
        {**good, "indicator_id": None, "kolada_id": "U21468", "unit_code": "XYZ"},
        {**good, "name": " riket "},  # the same name and year
    ]
    response = post(client, "/api/v1/jamforelsevarden", {"values": rows}, write_token)
    assert response.status_code == 422
    body = response.json()
    by_row = {e["row"]: (e["field"], e["message"]) for e in body["errors"]}
    assert set(by_row) == {1, 2, 3, 4, 5, 6}
    assert by_row[1][0] == "kind" and "Riket, Grupp av kommuner, Kommun" in by_row[1][1]
    assert by_row[2][0] == "source_date"
    assert by_row[3] == ("source", "Värde saknas.")
    assert by_row[4][0] == "indicator_id"
    assert by_row[5][0] == "unit_code"
    assert by_row[6] == ("", "Riket 2024 står redan på rad 0.")
    assert not ComparisonValue.objects.exists()


def test_text_with_a_nul_character_is_wrong_input(client, indicator, write_token):
    row = {
        "indicator_id": indicator.pk,
        "year": 2024,
        "kind": "country",
        "name": "Ri\x00ket",
        "value": 1,
        "source": "SKR",
        "source_date": "2025-03-01",
    }
    response = post(client, "/api/v1/jamforelsevarden", {"values": [row]}, write_token)
    assert response.status_code == 422
    assert not ComparisonValue.objects.exists()


# --- Queries ----------


def _grow(org, indicator, n, start):
    for i in range(start, start + n):
        dimension = BreakdownDimensionFactory(organisation=org["kommun"], name=f"Uppdelning {i}")
        BreakdownValueFactory(
            item=indicator, unit=org["enhet_b1"], category=dimension.categories.first(), year=2025
        )
        ComparisonValueFactory(item=indicator, name=f"Kommun {i}", year=2024)


@pytest.mark.parametrize(
    "url", ["/api/v1/uppdelningar", "/api/v1/uppdelningsvarden", "/api/v1/jamforelsevarden"]
)
def test_the_lists_run_the_same_number_of_queries_for_few_and_many(
    client, org, indicator, read_token, url
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            data = get(client, url, read_token, page_size=500)
        return len(queries), len(data["results"])

    _grow(org, indicator, 2, 0)
    count()  # the token's first use is recorded once
    small, small_rows = count()
    _grow(org, indicator, 40, 2)
    large, large_rows = count()
    assert large_rows == small_rows + 40
    assert large == small


def test_a_bulk_write_asks_a_bounded_number_of_queries_per_indicator(
    client, org, ages, indicator, write_token
):
    """The rows are checked in a fixed number of queries; what grows with
    the rows is the storing, a few queries per value as on the page."""

    def rows(n):
        return [
            {
                "indicator_id": indicator.pk,
                "unit_code": "IFO1",
                "year": 2000 + i,
                "dimension": "Åldersgrupp",
                "group": "65+",
                "value": i,
            }
            for i in range(n)
        ]

    def count(n):
        BreakdownValue.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            response = post(client, "/api/v1/uppdelningsvarden", {"values": rows(n)}, write_token)
        assert response.status_code == 200, response.content
        return len(queries)

    count(1)
    one, eleven = count(1), count(11)
    per_value = (eleven - one) / 10
    assert per_value <= 8, per_value


def test_more_rows_than_a_call_may_send_are_refused_in_swedish(
    client, indicator, write_token, monkeypatch
):
    from styrhjul.api import breakdowns

    monkeypatch.setattr(breakdowns, "MAX_ROWS", 2)
    row = {
        "indicator_id": indicator.pk,
        "year": 2024,
        "kind": "country",
        "name": "Riket",
        "value": 1,
        "source": "SKR",
        "source_date": "2025-03-01",
    }
    rows = [{**row, "year": 2021 + i} for i in range(3)]
    response = post(client, "/api/v1/jamforelsevarden", {"values": rows}, write_token)
    assert response.status_code == 422
    assert response.json()["detail"] == "Högst 2 rader per anrop; dela upp dem."
    assert not ComparisonValue.objects.exists()
