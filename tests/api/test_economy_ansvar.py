"""The economy per ansvar in the API: each ansvar's budget and utfall per
report row and month, and the latest forecast of its unit; only the ansvar
of units the caller reads, only the months they belonged to such a unit,
and a flat number of queries per page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import ReportRow
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    BudgetFactory,
    BudgetVersionFactory,
    DimensionFactory,
    DimensionObjectFactory,
    FollowUpOccasionFactory,
    ForecastFactory,
    ForecastRowFactory,
    UtfallFactory,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = (datetime.date(2025, m, 1) for m in (1, 2, 3))


@pytest.fixture
def ledger(org):
    """Salaries (account 5010) booked in January and February 2025 on the
    ansvar made by `ansvar(unit)`, with a budget for January."""
    ensure_default_rows(org["kommun"])
    dimension = DimensionFactory(organisation=org["kommun"], number=1)
    account = AccountFactory(organisation=org["kommun"], number="5010")
    version = BudgetVersionFactory(organisation=org["kommun"])

    def ansvar(unit_key, code=None, since=JAN, amount=Decimal("1000.00")):
        obj = DimensionObjectFactory(dimension=dimension, **({"code": code} if code else {}))
        AnsvarMappingFactory(ansvar=obj, unit=org[unit_key], valid_from=since)
        for month in (JAN, FEB):
            UtfallFactory(
                organisation=org["kommun"],
                account=account,
                ansvar=obj,
                period=month,
                amount=amount,
            )
        BudgetFactory(
            version=version, account=account, ansvar=obj, in_ansvar_sum=True, amount=amount
        )
        return obj

    ansvar.version = version
    return ansvar


def get(client, url, secret, **params):
    response = client.get(url, params, **bearer(secret))
    assert response.status_code == 200, response.content
    return response.json()


def row(data, name):
    return next(r for r in data["rows"] if r["name"] == name)


def test_an_ansvar_of_the_callers_unit_with_budget_and_utfall_per_row_and_month(
    client, org, ledger, read_token
):
    mine = ledger("enhet_b1", code="410")
    ledger("enhet_b2", code="420")
    ansvar = get(client, "/api/v1/ekonomi/ansvar", read_token)["results"]
    assert [a["code"] for a in ansvar] == ["410"]
    data = ansvar[0]
    assert data["id"] == mine.pk and data["organisation_id"] == org["kommun"].pk
    assert data["year_start"] == "2025-01-01" and data["months"][0] == "2025-01-01"
    assert data["months_with_utfall"] == 2
    assert data["budget_version_id"] == ledger.version.pk
    assert data["units"] == [
        {"unit_id": org["enhet_b1"].pk, "valid_from": "2025-01-01", "valid_to": None}
    ]
    # As on the economy pages: kostnader negative. Utfall in the two months
    # the ledger has, none after; the budget in January.
    salaries = row(data, "Personalkostnader")
    assert salaries["utfall"][:3] == ["-1000.00", "-1000.00", None]
    assert salaries["budget"][:2] == ["-1000.00", "0"]
    net = row(data, "Nettokostnad")
    assert net["is_total"] and net["utfall"][:2] == ["-1000.00", "-1000.00"]
    assert data["forecast_unit_id"] is None and salaries["unit_forecast"] is None
    # The same ansvar alone; another unit's ansvar answers 404.
    assert get(client, f"/api/v1/ekonomi/ansvar/{mine.pk}", read_token) == data
    other = ledger("enhet_a1", code="430")
    response = client.get(f"/api/v1/ekonomi/ansvar/{other.pk}", **bearer(read_token))
    assert response.status_code == 404


def test_the_months_the_ansvar_belonged_to_a_unit_the_caller_does_not_read_are_empty(
    client, org, ledger, read_token
):
    moved = ledger("enhet_b2", code="440")
    # From February the ansvar belongs to the caller's unit.
    first = moved.mappings.get()
    first.valid_to = datetime.date(2025, 1, 31)
    first.save()
    AnsvarMappingFactory(ansvar=moved, unit=org["enhet_b1"], valid_from=FEB)
    data = get(client, f"/api/v1/ekonomi/ansvar/{moved.pk}", read_token)
    assert data["month_units"][:3] == [org["enhet_b2"].pk, org["enhet_b1"].pk, org["enhet_b1"].pk]
    salaries = row(data, "Personalkostnader")
    assert salaries["utfall"][:2] == [None, "-1000.00"]
    assert salaries["budget"][:2] == [None, "0"]
    assert row(data, "Nettokostnad")["budget"][0] is None


def test_the_latest_forecast_of_the_unit_the_ansvar_belongs_to(
    client, org, model, ledger, read_token
):
    mine = ledger("enhet_b1")
    salaries = ReportRow.objects.get(organisation=org["kommun"], name="Personalkostnader")
    for end, amount in (
        (datetime.date(2025, 3, 31), "-11000.00"),
        (MAR.replace(month=8, day=31), "-12500.00"),
    ):
        occasion = FollowUpOccasionFactory(
            model=model, kind="monthly", follows_economy=True, asks_forecast=True, period_end=end
        )
        forecast = ForecastFactory(occasion=occasion, unit=org["enhet_b1"])
        ForecastRowFactory(forecast=forecast, row=salaries, amount=Decimal(amount))
    data = get(client, f"/api/v1/ekonomi/ansvar/{mine.pk}", read_token)
    assert data["forecast_unit_id"] == org["enhet_b1"].pk
    assert data["forecast_occasion_id"] == occasion.pk
    assert row(data, "Personalkostnader")["unit_forecast"] == "-12500.00"
    assert row(data, "Lokalkostnader")["unit_forecast"] is None


def test_filters_and_cursor_pages(client, org, ledger, model_owner):
    from .conftest import make_token

    secret = make_token(model_owner)[1]
    codes = [ledger("enhet_a1", code=f"5{n}").code for n in range(3)]
    ledger("enhet_b1", code="600")
    listed = get(client, "/api/v1/ekonomi/ansvar", secret, unit=org["enhet_a1"].pk)["results"]
    assert [a["code"] for a in listed] == codes
    assert [
        a["code"] for a in get(client, "/api/v1/ekonomi/ansvar", secret, code="600")["results"]
    ] == ["600"]
    assert get(client, "/api/v1/ekonomi/ansvar", secret, year_start="2024-01-01")["results"]
    later = get(
        client,
        "/api/v1/ekonomi/ansvar",
        secret,
        unit=org["enhet_a1"].pk,
        year_start="2026-01-01",
    )["results"]
    assert [a["code"] for a in later] == codes  # still mapped in 2026
    page = get(client, "/api/v1/ekonomi/ansvar", secret, page_size=2)
    assert [a["code"] for a in page["results"]] == codes[:2] and page["next"]
    rest = client.get(page["next"], **bearer(secret)).json()
    assert [a["code"] for a in rest["results"]] == [codes[2], "600"]
    for wrong in ("2025-13-01", "9999-12-01"):
        response = client.get("/api/v1/ekonomi/ansvar", {"year_start": wrong}, **bearer(secret))
        assert response.status_code == 422


def test_a_page_of_ansvar_runs_the_same_number_of_queries_for_few_and_many(
    client, org, ledger, model_owner
):
    from .conftest import make_token

    secret = make_token(model_owner)[1]

    def count():
        with CaptureQueriesContext(connection) as queries:
            data = get(client, "/api/v1/ekonomi/ansvar", secret, page_size=500)
        return len(queries), len(data["results"])

    for n in range(2):
        ledger("enhet_a1" if n % 2 else "enhet_b1")
    count()  # the token's first use is recorded once
    small, small_rows = count()
    for n in range(30):
        ledger("enhet_a2" if n % 2 else "enhet_b2")
    large, large_rows = count()
    assert (small_rows, large_rows) == (2, 32)
    assert large == small
