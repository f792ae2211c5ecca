"""Sjöbacka's ledger: generated SIE files imported through the importer,
ansvar mapped to the units, budgets per year, and the unit economy page
showing budget and utfall for last year and this year to date."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.demo import ledger
from styrhjul.demo.services import demo_root, load_demo
from styrhjul.economy import queries, ratios
from styrhjul.economy.investments import investment_report
from styrhjul.economy.models import (
    AnsvarMapping,
    Budget,
    BudgetKind,
    BudgetVersion,
    DimensionObject,
    ReportRow,
    SieImport,
    Utfall,
    YearBalance,
)
from styrhjul.organisation.models import Unit, User


def unit(code):
    return Unit.objects.get(code=code)


def nettokostnad(table):
    return next(r for r in table.to_date() if r[0].is_total)


def test_the_files_are_imported_with_the_municipalitys_org_number(demo):
    root = demo_root()
    assert root.org_number == ledger.ORG_NUMBER
    imports = list(SieImport.objects.filter(organisation=root).order_by("first_period"))
    today = timezone.localdate()
    expected = 2 if today.month > 1 else 1
    assert len(imports) == expected
    for record in imports:
        assert record.org_number == "2120009999"
        assert record.summary["classes"]
        # The importer's own check: the months add up to #RES per class.
        assert all(c["reconciles"] for c in record.summary["classes"])
        assert record.summary["differences"] == []
    assert imports[0].first_period == datetime.date(demo.calendar.last_year, 1, 1)
    assert imports[0].last_period == datetime.date(demo.calendar.last_year, 12, 1)
    assert "Huvudbok med" in demo.message


def test_every_ansvar_belongs_to_its_unit(demo):
    root = demo_root()
    codes = set(
        DimensionObject.objects.filter(
            dimension__organisation=root, dimension__number=1
        ).values_list("code", flat=True)
    )
    assert codes == {a.code for a in ledger.ANSVAR}
    assert not queries.unmapped_ansvar(root).exists()
    mapping = AnsvarMapping.objects.get(ansvar__code="13126")
    assert mapping.unit.code == "3123"  # a unit with two ansvar


def test_the_forvaltning_page_shows_budget_and_utfall_for_both_years(demo, client):
    client.force_login(User.objects.get(username="forvaltningschef"))
    buf = unit("3100")
    cal = demo.calendar
    url = reverse("economy:unit", args=[buf.pk])
    last = client.get(url, {"ar": f"{cal.last_year}-01-01"})
    assert last.status_code == 200
    table = last.context["table"]
    assert table.months_with_utfall == 12
    assert table.ansvar_count == sum(1 for a in ledger.ANSVAR if a.unit.startswith("31"))
    budget, utfall = nettokostnad(table)[1:3]
    assert budget < 0 and utfall < 0  # a förvaltning costs money
    staff = next(r for r in table.rows if r.name == "Personalkostnader")
    assert all(u is not None and u < 0 for u in staff.utfall)
    # Summer: more semesterlön is paid and the semesterlöneskuld shrinks.
    july = staff.utfall[6]
    assert july > staff.utfall[4]  # less cost (amounts are negative) in July
    assert "Ekonomi för Barn- och utbildningsförvaltningen" in last.content.decode()
    this = client.get(url)
    current = this.context["table"]
    assert current.year_start == datetime.date(cal.this_year, 1, 1)
    assert current.months_with_utfall == cal.today.month - 1
    assert current.rows[0].budget_year > 0  # intäkter budgeted for the year


def test_a_unit_over_budget_shows_a_negative_avvikelse(demo):
    year = datetime.date(demo.calendar.last_year, 1, 1)
    school = queries.unit_economy(unit("3123"), year)
    row, budget, utfall, difference = nettokostnad(school)
    assert difference < 0
    assert utfall < budget
    # One that earns more than budgeted: Bygglov.
    bygglov = queries.unit_economy(unit("5111"), year)
    assert nettokostnad(bygglov)[3] > 0


def test_the_budget_has_its_versions_and_the_omfordelning_is_in_force(demo):
    root = demo_root()
    year = datetime.date(demo.calendar.last_year, 1, 1)
    versions = list(BudgetVersion.objects.filter(organisation=root, year_start=year))
    assert [v.kind for v in versions] == [
        BudgetKind.IMPORTED,  # the investment budget per projekt (#PBUDGET)
        BudgetKind.RAMBUDGET,
        BudgetKind.FASTSTALLD,
        BudgetKind.OMFORDELNING,
    ]
    omfordelning = versions[-1]
    assert omfordelning.decided_on == datetime.date(demo.calendar.last_year, 5, 20)
    assert "Sjöbackaskolan" in omfordelning.reason
    assert queries.unit_economy(unit("3123"), year).budget_version == omfordelning
    # Money moved within the förvaltning: its total stays the same.
    fastst, omf = versions[2], versions[3]

    def total(version, codes):
        return sum(
            Budget.objects.filter(version=version, ansvar__code__in=codes).values_list(
                "amount", flat=True
            ),
            Decimal(0),
        )

    buf = [a.code for a in ledger.ANSVAR if a.unit.startswith("3")]
    assert total(fastst, buf) == total(omf, buf)
    assert total(omf, ["13123"]) - total(fastst, ["13123"]) == Decimal(1400000)


def test_the_municipalitys_totals_reconcile_with_res(demo):
    root = demo_root()
    year = datetime.date(demo.calendar.last_year, 1, 1)
    table = queries.unit_economy(root, year)
    ranges = [r for row in ReportRow.objects.filter(organisation=root) for r in row.ranges.all()]
    res = sum(
        (
            b.amount
            for b in YearBalance.objects.filter(
                organisation=root, year_start=year, kind="RES"
            ).select_related("account")
            if any(r.contains(b.account.number) for r in ranges)
        ),
        Decimal(0),
    )
    assert res > 0
    assert nettokostnad(table)[2] == -res


def test_loading_again_writes_nothing(demo):
    counts = [
        m.objects.count()
        for m in (SieImport, Utfall, Budget, BudgetVersion, AnsvarMapping, YearBalance)
    ]
    again = load_demo()
    assert not again.ledger.changed
    assert not again.changed
    assert [
        m.objects.count()
        for m in (SieImport, Utfall, Budget, BudgetVersion, AnsvarMapping, YearBalance)
    ] == counts


@pytest.mark.parametrize("day", [2, 28])
def test_the_files_are_the_same_bytes_for_the_same_month(day):
    from styrhjul.demo.calendar import DemoCalendar

    first = ledger.files(DemoCalendar.for_date(datetime.date(2027, 3, 15)))
    other = ledger.files(DemoCalendar.for_date(datetime.date(2027, 3, day)))
    assert first == other
    assert [name for name, _ in first] == ["sjobacka_2026.se", "sjobacka_2027_02.se"]
    text = first[0][1].decode("cp437")
    assert "#ORGNR 2120009999" in text
    # The ledger's budget is the investments' per projekt only.
    budget_lines = [line for line in text.splitlines() if line.startswith("#PBUDGET")]
    assert budget_lines and all(' 6 "P' in line for line in budget_lines)


def test_the_financial_ratios_are_those_of_a_sound_municipality(demo):
    root = demo_root()
    closed = ratios.financial_ratios(root, datetime.date(demo.calendar.last_year, 1, 1))
    assert closed.complete
    # As the annual report says: 2,1 % and 21,4 % with pension commitments.
    assert closed.get(ratios.RESULT_SHARE).percent == "2,1 %"
    assert Decimal(30) <= closed.get(ratios.SOLIDITY).value <= Decimal(60)
    assert closed.get(ratios.SOLIDITY_PENSIONS).percent == "21,4 %"
    assert Decimal(90) < closed.get(ratios.NET_COST_SHARE).value < Decimal(100)
    if demo.calendar.today.month > 1:
        current = ratios.financial_ratios(root, datetime.date(demo.calendar.this_year, 1, 1))
        assert Decimal(0) <= current.get(ratios.RESULT_SHARE).value <= Decimal(5)
        assert Decimal(30) <= current.get(ratios.SOLIDITY).value <= Decimal(60)


def test_the_investment_report_has_projects_with_budget_and_utfall(demo):
    root = demo_root()
    report = investment_report(root, datetime.date(demo.calendar.last_year, 1, 1))
    assert len(report.projects) == len(ledger.PROJECTS)
    assert all(p.budget_year > 0 and p.net > 0 and p.unit_pk for p in report.projects)
    over = [p.code for p in report.projects if p.remaining < 0]
    assert over == ["P2402"]  # the school's rebuilding costs more than budgeted
    grant = next(p for p in report.projects if p.code == "P2403")
    assert grant.by_row[1] == Decimal(1500000)
    school = investment_report(unit("3123"), datetime.date(demo.calendar.last_year, 1, 1))
    assert [p.code for p in school.projects] == ["P2402"]


def test_the_annual_report_texts_give_the_ledgers_result():
    """The texts of the demo's annual report 2025 name the result the demo
    ledger books for 2025 (rounded to whole mnkr), and its share of
    skatteintäkter and generella statsbidrag."""
    from styrhjul.demo import annual_data, document_data

    result = -ledger._year_result(ledger.year_figures(2025, 0), 2025, 0)
    mnkr = f"{round(result / Decimal(1_000_000))} mnkr"
    share = f"{result / Decimal(ledger.TAXES[0]) * 100:.1f}".replace(".", ",")
    rows = [r for report in annual_data.REPORTS for r in report.rows]
    texts = [t.text for t in document_data.TEXTS if "resultat på" in t.text] + [
        text
        for r in rows
        for text in (r.analysis, r.comment)
        if "ett resultat på" in text or "Årets resultat blev" in text
    ]
    assert texts
    for text in texts:
        amount = mnkr.replace("mnkr", "miljoner kronor") if "miljoner" in text else mnkr
        assert f"resultat på {amount}" in text or f"resultat blev {amount}" in text, text
    assert any(f"motsvarar {share}" in " ".join(t.split()) for t in texts)
