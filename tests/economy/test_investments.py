"""The investeringsredovisning per projekt: budget (#PBUDGET) and utfall to
date per projekt and unit on the Kommun-Bas investment accounts, from a
small hand-made SIE file whose figures are worked out by hand below; the
page, who reads it, its link on the unit's economy page and its query
count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.economy import ratios, services
from styrhjul.economy.importing import import_sie
from styrhjul.economy.investments import investment_report
from styrhjul.economy.models import DimensionObject, InvestmentAccountRange, InvestmentRow
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

YEAR = datetime.date(2025, 1, 1)
JUNE = datetime.date(2025, 6, 30)


def ledger(extra_projects: int = 0) -> bytes:
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        "#RAR 0 20250101 20251231",
        '#DIM 1 "Ansvar"',
        '#DIM 6 "Projekt"',
        '#OBJEKT 1 "100" "Solgården"',
        '#OBJEKT 1 "200" "Barn och unga"',
        '#OBJEKT 6 "P1" "Ny förskola"',
        '#OBJEKT 6 "P2" "Gång- och cykelväg"',
        '#OBJEKT 6 "P3" "Konstnärlig utsmyckning"',
        '#KONTO 1120 "Verksamhetsfastigheter"',
        '#KONTO 1220 "Inventarier"',
        '#KONTO 2388 "Offentliga investeringsbidrag"',
        '#KONTO 5010 "Löner"',
        '#PSALDO 0 202503 1120 {1 "100" 6 "P1"} 400000.00',
        '#PSALDO 0 202505 1220 {1 "100" 6 "P1"} 100000.00',
        '#PSALDO 0 202507 1120 {1 "100" 6 "P1"} 60000.00',
        '#PSALDO 0 202504 1120 {1 "200" 6 "P2"} 250000.00',
        '#PSALDO 0 202506 2388 {1 "200" 6 "P2"} -50000.00',
        '#PSALDO 0 202502 1120 {6 "P3"} 30000.00',
        '#PSALDO 0 202503 5010 {1 "100"} 20000.00',
        '#PBUDGET 0 202501 1120 {1 "100" 6 "P1"} 1000000.00',
        '#PBUDGET 0 202509 1120 {1 "100" 6 "P1"} 200000.00',
        '#PBUDGET 0 202501 1120 {1 "200" 6 "P2"} 200000.00',
    ]
    ub_1120 = 400000 + 60000 + 250000 + 30000
    for n in range(extra_projects):
        lines.append(f'#OBJEKT 6 "X{n}" "Extra {n}"')
        lines.append(f'#PSALDO 0 202504 1120 {{1 "200" 6 "X{n}"}} 1000.00')
        lines.append(f'#PBUDGET 0 202501 1120 {{1 "200" 6 "X{n}"}} 2000.00')
        ub_1120 += 1000
    lines += [
        f"#UB 0 1120 {ub_1120}.00",
        "#UB 0 1220 100000.00",
        "#UB 0 2388 -50000.00",
        "#RES 0 5010 20000.00",
    ]
    return ("\n".join(lines) + "\n").encode("cp437")


@pytest.fixture
def imported(org):
    def load(extra_projects: int = 0):
        result = import_sie(
            actor=access.SYSTEM,
            organisation=org["kommun"],
            data=ledger(extra_projects),
            filename=f"inv{extra_projects}.se",
        )
        ratios.after_import(result, organisation=org["kommun"])
        for code, unit in (("100", "enhet_a1"), ("200", "enhet_b1")):
            ansvar = DimensionObject.objects.get(dimension__number=1, code=code)
            if not ansvar.mappings.exists():
                services.mapping_create(
                    actor=access.SYSTEM, ansvar=ansvar, unit=org[unit], valid_from=YEAR
                )

    return load


def test_the_organisation_sees_every_projekt_with_budget_and_utfall_to_date(org, imported):
    imported()
    report = investment_report(org["kommun"], YEAR, JUNE)
    by_code = {p.code: p for p in report.projects}
    assert set(by_code) == {"P1", "P2", "P3"}
    assert report.row_names == ["Investeringsutgifter", "Investeringsinkomster"]

    # P1: 400 000 in March and 100 000 in May (July is after the report's
    # June); budget 1 000 000 in January and 200 000 in September.
    p1 = by_code["P1"]
    assert (p1.unit_name, p1.name) == ("Solgårdens äldreboende", "Ny förskola")
    assert p1.by_row == [Decimal(500000), Decimal(0)]
    assert p1.net == Decimal(500000)
    assert (p1.budget_year, p1.budget_to_date) == (Decimal(1200000), Decimal(1000000))
    assert p1.remaining == Decimal(700000)

    # P2: 250 000 spent and a 50 000 investment grant received: net 200 000,
    # all of its 200 000 budget.
    p2 = by_code["P2"]
    assert p2.unit_name == "Barn och unga"
    assert p2.by_row == [Decimal(250000), Decimal(50000)]
    assert (p2.net, p2.remaining) == (Decimal(200000), Decimal(0))

    # P3 has no ansvar: the organisation's, without a unit and without budget.
    p3 = by_code["P3"]
    assert (p3.unit_pk, p3.net, p3.budget_year) == (None, Decimal(30000), Decimal(0))

    total = report.total
    assert total.net == Decimal(730000)
    assert total.budget_year == Decimal(1400000)
    assert total.by_row == [Decimal(780000), Decimal(50000)]
    # Wages on an ansvar are no investment.
    assert all(p.code != "" for p in report.projects)


def test_by_default_the_report_runs_to_the_last_month_with_utfall(org, imported):
    imported()
    report = investment_report(org["kommun"])
    assert report.year_start == YEAR
    assert report.period_end == datetime.date(2025, 7, 1)
    p1 = next(p for p in report.projects if p.code == "P1")
    assert p1.net == Decimal(560000)


def test_a_unit_sees_the_projekt_of_its_own_and_its_sub_units_ansvar(org, imported):
    imported()
    assert [p.code for p in investment_report(org["avd_a"], YEAR, JUNE).projects] == ["P1"]
    assert [p.code for p in investment_report(org["enhet_b1"], YEAR, JUNE).projects] == ["P2"]
    assert investment_report(org["enhet_a2"], YEAR, JUNE).projects == []


def test_the_investment_accounts_are_data(org, imported):
    imported()
    # Only buildings (11) count once the organisation says so.
    spending = InvestmentRow.objects.get(organisation=org["kommun"], is_income=False)
    InvestmentAccountRange.objects.filter(row=spending).update(first="11", last="11")
    p1 = next(p for p in investment_report(org["kommun"], YEAR, JUNE).projects if p.code == "P1")
    assert p1.by_row[0] == Decimal(400000)


# --- The page ---------------------------------------------------------------------


def test_the_page_shows_the_table_and_the_chart_and_is_linked_from_the_economy_page(
    client, org, imported
):
    imported()
    reader = UserFactory()
    grant(reader, org["avd_a"], Role.READER)
    client.force_login(reader)
    economy = client.get(reverse("economy:unit", args=[org["avd_a"].pk])).content.decode()
    url = reverse("economy:investments", args=[org["avd_a"].pk])
    assert url in economy
    page = client.get(url + "?ar=2025-01-01").content.decode()
    assert "P1 Ny förskola" in page
    assert "1\u202f200\u202f000" in page  # the year's budget
    assert "560\u202f000" in page  # utfall to July
    assert "Gång- och cykelväg" not in page  # another unit's projekt
    assert "<svg" in page and "Kvar av årets budget per projekt" in page


def test_the_ratio_link_is_on_the_organisations_economy_page_only(client, org, imported):
    imported()
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)
    ratios_url = reverse("economy:ratios")
    assert (
        ratios_url in client.get(reverse("economy:unit", args=[org["kommun"].pk])).content.decode()
    )
    assert (
        ratios_url
        not in client.get(reverse("economy:unit", args=[org["avd_a"].pk])).content.decode()
    )


@pytest.mark.parametrize(("who", "status"), [("avd_a", 200), ("enhet_b1", 404), ("kommun", 200)])
def test_the_page_is_read_by_whoever_reads_the_unit(client, org, imported, who, status):
    imported()
    user = UserFactory()
    grant(user, org[who], Role.READER)
    client.force_login(user)
    response = client.get(reverse("economy:investments", args=[org["avd_a"].pk]))
    assert response.status_code == status
    if status == 404:
        assert "Ny förskola" not in response.content.decode()


def test_the_page_queries_do_not_grow_with_the_number_of_projekt(client, org, imported):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)
    url = reverse("economy:investments", args=[org["kommun"].pk])
    imported(extra_projects=2)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert "Extra 1" in page.content.decode()
    imported(extra_projects=20)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "Extra 19" in page.content.decode()
    assert len(many) == len(few)
