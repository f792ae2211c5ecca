"""Månadsrapport: a nämnd's driftredovisning at a follow-up occasion – per
row and per förvaltning, budget and utfall to date and the avvikelse, with
charts beside their tables – as PDF, Word and Excel, from the documents page,
the command line and the registry, for those who read the nämnd's tree."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from styrhjul.documents import jobs, monthly, monthly_render, registry
from styrhjul.economy import queries
from styrhjul.economy.importing import ensure_default_rows
from styrhjul.organisation.models import Role
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    BudgetFactory,
    BudgetVersionFactory,
    DimensionFactory,
    DimensionObjectFactory,
    FollowUpOccasionFactory,
    UnitFactory,
    UserFactory,
    UtfallFactory,
    grant,
    unit_type,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(org):
    """Utfall January–May 2025 and a budget for the year: the nämnd's own
    ansvar, two ansvar below Socialförvaltningen and one in a second
    förvaltning, which costs more than its budget."""
    kommun = org["kommun"]
    org["forv2"] = UnitFactory(
        name="Omsorgsförvaltningen",
        code="OF",
        parent=org["namnd"],
        unit_type=unit_type("Förvaltning"),
    )
    ensure_default_rows(kommun)
    dimension = DimensionFactory(organisation=kommun, number=1)
    salaries = AccountFactory(organisation=kommun, number="5010")
    fees = AccountFactory(organisation=kommun, number="3110")
    version = BudgetVersionFactory(organisation=kommun)
    # unit: (monthly salary booked, monthly salary budgeted, monthly fees)
    for key, booked, budgeted, fee in (
        ("namnd", 200, 250, 0),
        ("enhet_a1", 1000, 1000, 100),
        ("enhet_b1", 500, 600, 0),
        ("forv2", 900, 700, 50),
    ):
        ansvar = DimensionObjectFactory(dimension=dimension)
        AnsvarMappingFactory(ansvar=ansvar, unit=org[key], valid_from=datetime.date(2024, 1, 1))
        for month in range(1, 13):
            period = datetime.date(2025, month, 1)
            if month <= 5:
                UtfallFactory(
                    organisation=kommun,
                    account=salaries,
                    ansvar=ansvar,
                    period=period,
                    amount=Decimal(booked),
                )
                if fee:
                    UtfallFactory(
                        organisation=kommun,
                        account=fees,
                        ansvar=ansvar,
                        period=period,
                        amount=-Decimal(fee),
                    )
            BudgetFactory(
                version=version,
                account=salaries,
                ansvar=ansvar,
                in_ansvar_sum=True,
                period=period,
                amount=Decimal(budgeted),
            )
    return org


@pytest.fixture
def april(ledger, model):
    """A monthly follow-up per 30 April 2025."""
    return FollowUpOccasionFactory(
        model=model,
        kind="monthly",
        name="Månadsuppföljning april",
        period_end=datetime.date(2025, 4, 30),
    )


def test_the_figures_are_the_economy_pages_for_the_same_unit_and_months(ledger, april):
    report = monthly.build(ledger["namnd"], april)
    part = report.economy

    assert part.months_to_date == 4  # utfall to May, the report per April
    assert part.to_date_text == "januari–april 2025"
    table = queries.unit_economy(ledger["namnd"], datetime.date(2025, 1, 1))
    assert [(line.name, line.budget_year, line.budget, line.utfall) for line in part.lines] == [
        (row.name, row.budget_year, *row.to_date(4)) for row in table.rows
    ]
    # Per förvaltning, each as its own economy page, and the nämnd's own ansvar.
    assert [p.label for p in part.parts] == [
        "Socialnämnden (egna ansvar)",
        "Omsorgsförvaltningen",
        "Socialförvaltningen",
    ]
    for p in part.parts[1:]:
        unit_table = queries.unit_economy(
            ledger[{"Omsorgsförvaltningen": "forv2"}.get(p.name, "forv")]
        )
        assert [(line.budget, line.utfall) for line in p.lines] == [
            row.to_date(4) for row in unit_table.rows
        ]
    own = part.parts[0].total
    assert (own.budget, own.utfall) == (Decimal(-1000), Decimal(-800))
    assert sum((p.total.utfall for p in part.parts), Decimal(0)) == part.total.utfall
    assert part.parts_heading == "förvaltning"
    assert "Sämre än budget hittills: Omsorgsförvaltningen." in part.summary()


def test_the_pdf_has_the_tables_and_the_charts_beside_their_tables(ledger, april):
    report = monthly.build(ledger["namnd"], april)
    html = monthly_render.html(report)
    assert html.count('role="img"') == 4
    assert html.count('class="chart-table') == 4
    text = pdf_text(monthly_render.pdf(report))
    assert "Månadsrapport per 30 april 2025" in text
    assert "Driftredovisning per förvaltning" in text
    assert "Nettokostnad per månad 2025" in text
    assert "Avvikelse hittills per förvaltning" in text
    # Omsorgsförvaltningen: 4 × (50 − 900) against a budget of 4 × −700, in tkr.
    assert "−3" in text and "Omsorgsförvaltningen" in text


def test_word_and_excel_read_back(ledger, april):
    import docx
    import openpyxl

    report = monthly.build(ledger["namnd"], april)
    document = docx.Document(io.BytesIO(monthly_render.docx(report)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == [
        "Driftredovisning",
        "Driftredovisning per förvaltning",
        "Socialnämnden (egna ansvar)",
    ]
    assert len(document.inline_shapes) == 4
    assert all(s._inline.docPr.get("descr") for s in document.inline_shapes)
    first = document.tables[0]
    assert [c.text for c in first.rows[0].cells][:5] == [
        "Rad",
        "Helårsbudget",
        "Budget hittills",
        "Utfall hittills",
        "Avvikelse hittills",
    ]

    book = openpyxl.load_workbook(io.BytesIO(monthly_render.xlsx(report)))
    assert book.sheetnames == ["Driftredovisning", "Nettokostnad per månad"]
    rows = list(book["Driftredovisning"].iter_rows(values_only=True))
    net = next(r for r in rows if r[0] == "Socialnämnden" and r[1] == "Nettokostnad")
    assert Decimal(str(net[4])) == report.economy.total.utfall
    months = list(book["Nettokostnad per månad"].iter_rows(values_only=True))
    assert months[5][2] is None  # May is after the report's period


def test_the_registry_makes_all_three_formats(ledger, april):
    for fmt in ("pdf", "docx", "xlsx"):
        built = registry.make("manadsrapport", ledger["namnd"], april, fmt)
        assert built.filename == f"manadsrapport-2025-04-socialnamnden.{fmt}"
        assert built.data


def test_the_command_writes_the_report(ledger, april, tmp_path):
    target = tmp_path / "m.pdf"
    call_command("document", "manadsrapport", unit="SN", occasion=april.pk, output=str(target))
    assert "Driftredovisning" in pdf_text(target.read_bytes())


def test_only_those_who_read_the_namnds_tree_may_order_it(ledger, april, client):
    reader = UserFactory(username="lasare")
    grant(reader, ledger["enhet_a1"], Role.READER)
    with pytest.raises(CommandError, match="ingen enhet med koden SN som du får läsa"):
        call_command(
            "document", "manadsrapport", unit="SN", occasion=april.pk, user="lasare", fmt="pdf"
        )
    url = reverse("documents:unit_documents", args=[ledger["namnd"].pk, april.pk])
    client.force_login(reader)
    assert client.post(url, {"dokument": "manadsrapport", "format": "pdf"}).status_code == 404
    with pytest.raises(PermissionDenied):
        jobs.submit(
            actor=reader, unit=ledger["namnd"], occasion=april, document="manadsrapport", fmt="pdf"
        )

    politician = UserFactory()
    grant(politician, ledger["namnd"], Role.READER)
    client.force_login(politician)
    page = client.get(url).content.decode()
    assert 'value="manadsrapport"' in page
    response = client.post(url, {"dokument": "manadsrapport", "format": "xlsx"})
    assert response.status_code == 302


def test_no_economy_no_monthly_report(org, model, client):
    occasion = FollowUpOccasionFactory(
        model=model, kind="monthly", period_end=datetime.date(2025, 4, 30)
    )
    user = UserFactory()
    grant(user, org["namnd"], Role.READER)
    client.force_login(user)
    page = client.get(
        reverse("documents:unit_documents", args=[org["namnd"].pk, occasion.pk])
    ).content.decode()
    assert "manadsrapport" not in page


# --- The economy chapter of the delårsrapport and årsredovisning -----------------------------


def test_the_economy_chapter_is_in_the_delarsrapport_when_chosen(ledger, chain, reported):
    import docx
    import openpyxl

    from styrhjul.documents import annual, annual_render

    report = annual.build(ledger["namnd"], reported)
    assert [k for k, _h, _p in report.outline] == ["maluppfyllelse", "mal_och_resultat", "ekonomi"]
    part = report.economy
    assert part.months_to_date == 5  # per 31 August, utfall to May
    table = queries.unit_economy(ledger["namnd"], datetime.date(2025, 1, 1))
    assert [(line.budget, line.utfall) for line in part.lines] == [
        row.to_date(5) for row in table.rows
    ]
    text = pdf_text(annual_render.render(report, "pdf"))
    chapter = text[text.rindex("Ekonomisk uppföljning") :]
    assert "Driftredovisning per förvaltning" in chapter
    assert "Omsorgsförvaltningen" in chapter and "Nettokostnad ackumulerad 2025" in chapter

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Ekonomisk uppföljning" in headings
    book = openpyxl.load_workbook(io.BytesIO(annual_render.render(report, "xlsx")))
    assert "Driftredovisning" in book.sheetnames

    # The compiled document: per nämnd.
    compiled = annual.build(ledger["kommun"], reported)
    assert [p.label for p in compiled.economy.parts] == ["Socialnämnden"]
    assert compiled.economy.parts_heading == "nämnd"


def test_the_economy_chapter_is_left_out_when_not_chosen(ledger, chain, reported):
    from styrhjul.documents import annual, annual_render
    from tests.factories import DocumentSettingsFactory

    DocumentSettingsFactory(
        organisation=ledger["kommun"],
        font="",
        contents={
            "delarsrapport": {
                "sections": [
                    {"key": "mal_och_resultat", "included": True, "order": 1},
                    {"key": "ekonomi", "included": False, "order": 2},
                ]
            }
        },
    )
    report = annual.build(ledger["namnd"], reported)
    assert "ekonomi" not in [k for k, _h, _p in report.outline]
    assert report.economy is None
    assert "Driftredovisning" not in pdf_text(annual_render.render(report, "pdf"))


def test_without_budget_or_utfall_there_is_no_economy_chapter(org, chain, reported):
    from styrhjul.documents import annual

    report = annual.build(org["namnd"], reported)
    assert report.economy is None
    assert "ekonomi" not in [k for k, _h, _p in report.outline]


# --- Forecasts, comments and measures; investments; financial ratios --------------------------


def _forecast(occasion, unit, amounts: dict, comment="", row_comments=None):
    from styrhjul.followup.models import Forecast, ForecastRow

    f = Forecast.objects.create(occasion=occasion, unit=unit, comment=comment)
    for row, amount in amounts.items():
        ForecastRow.objects.create(
            forecast=f, row=row, amount=Decimal(amount), comment=(row_comments or {}).get(row, "")
        )
    return f


@pytest.fixture
def forecasts(ledger, april):
    """Forecasts for the year from Solgårdens äldreboende (with a comment, a
    comment on Personalkostnader and a measure), Omsorgsförvaltningen and
    the nämnd's own ansvar."""
    from styrhjul.economy.models import ReportRow
    from styrhjul.followup.models import ForecastMeasure

    april.follows_economy = april.asks_forecast = True
    april.save()
    rows = {r.name: r for r in ReportRow.objects.filter(organisation=ledger["kommun"])}
    staff, income = rows["Personalkostnader"], rows["Verksamhetens intäkter"]
    a1 = _forecast(
        april,
        ledger["enhet_a1"],
        {staff: "-12500", income: "1200"},
        comment="Fler vikarier under sommaren än planerat.",
        row_comments={staff: "Sjukfrånvaron är hög."},
    )
    ForecastMeasure.objects.create(
        forecast=a1,
        text="Färre timvikarier i schemat",
        responsible="Enhetschefen",
        due=datetime.date(2025, 9, 30),
    )
    _forecast(april, ledger["forv2"], {staff: "-10000", income: "600"})
    _forecast(april, ledger["namnd"], {staff: "-3000"})
    return rows


def test_the_forecast_comments_and_measures_are_the_ones_reported(ledger, april, forecasts):
    import docx
    import openpyxl

    from styrhjul.followup.economy import forecast_totals

    part = monthly.build(ledger["namnd"], april).economy
    assert part.has_forecast
    net = forecasts["Nettokostnad"]
    totals = forecast_totals(april, [ledger["namnd"], ledger["forv"], ledger["forv2"]])
    assert part.total.forecast == totals[ledger["namnd"].pk][net.pk] == Decimal(-23700)
    by_label = {p.label: p.total for p in part.parts}
    assert by_label["Socialförvaltningen"].forecast == totals[ledger["forv"].pk][net.pk]
    assert by_label["Omsorgsförvaltningen"].forecast == Decimal(-9400)
    assert by_label["Socialnämnden (egna ansvar)"].forecast == Decimal(-3000)
    # Avvikelse for the year: −23 700 against a budget of 12 × −2 550.
    assert part.total.forecast_difference == Decimal(-23700) - Decimal(-30600)
    assert [(c.unit_name, c.comment, c.rows) for c in part.comments] == [
        (
            "Solgårdens äldreboende",
            "Fler vikarier under sommaren än planerat.",
            [("Personalkostnader", "Sjukfrånvaron är hög.")],
        )
    ]

    report = monthly.build(ledger["namnd"], april)
    text = pdf_text(monthly_render.pdf(report))
    assert "Helårsprognos" in text and "Kommentarer och åtgärder" in text
    assert "Färre timvikarier i schemat" in text and "Sjukfrånvaron är hög." in text
    document = docx.Document(io.BytesIO(monthly_render.docx(report)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Färre timvikarier i schemat" in cells and "2025-09-30" in cells
    assert "−24" in cells  # the nämnd's forecast, tkr
    book = openpyxl.load_workbook(io.BytesIO(monthly_render.xlsx(report)))
    measures = list(book["Åtgärder"].iter_rows(values_only=True))
    assert measures[1][:3] == (
        "Solgårdens äldreboende",
        "Färre timvikarier i schemat",
        "Enhetschefen",
    )
    drift = list(book["Driftredovisning"].iter_rows(values_only=True))
    assert drift[0][6] == "Helårsprognos"


def test_the_investments_per_projekt_are_the_economy_pages(ledger, april):
    from styrhjul.economy.investments import investment_report
    from styrhjul.economy.models import AnsvarMapping

    kommun = ledger["kommun"]
    DimensionObjectFactory(
        dimension=DimensionFactory(organisation=kommun, number=6, name="Projekt", kind="projekt"),
        code="P1",
        name="Ny förskola i Norrby",
    )
    ansvar = AnsvarMapping.objects.get(unit=ledger["enhet_a1"]).ansvar
    building = AccountFactory(organisation=kommun, number="1120", name="Byggnader", kind="T")
    for key, with_ansvar in (("6:P1", None), (f"1:{ansvar.code} 6:P1", ansvar)):
        UtfallFactory(
            organisation=kommun,
            account=building,
            ansvar=with_ansvar,
            object_key=key,
            in_ansvar_sum=False,
            period=datetime.date(2025, 3, 1),
            amount=Decimal(250000),
        )
    part = monthly.build(ledger["namnd"], april).economy
    expected = investment_report(ledger["namnd"], datetime.date(2025, 1, 1), april.period_end)
    assert (
        [(p.label, p.net) for p in part.investments.projects]
        == [(p.label, p.net) for p in expected.projects]
        == [("P1 Ny förskola i Norrby", Decimal(250000))]
    )
    text = pdf_text(monthly_render.pdf(monthly.build(ledger["namnd"], april)))
    assert "Investeringsredovisning" in text and "P1 Ny förskola i Norrby" in text


def test_the_compiled_report_has_the_financial_ratios(org, chain, reported):
    from styrhjul.documents import annual, annual_render
    from styrhjul.economy import ratios
    from tests.economy.test_ratios import ledger as ratio_ledger
    from tests.economy.test_ratios import run

    run(org["kommun"], ratio_ledger())
    report = annual.build(org["kommun"], reported)
    expected = ratios.financial_ratios(org["kommun"], datetime.date(2025, 1, 1))
    assert [r.name for r in report.economy.ratios.ratios] == [r.name for r in expected.ratios]
    text = pdf_text(annual_render.render(report, "pdf"))
    chapter = text[text.rindex("Finansiella nyckeltal") :]
    assert expected.get(ratios.RESULT_SHARE).name in chapter and "3,3 %" in chapter
    # A committee's own report has no ratios of the whole municipality.
    assert annual.build(org["namnd"], reported).economy is None or (
        annual.build(org["namnd"], reported).economy.ratios is None
    )


def test_word_and_excel_open_in_libreoffice(ledger, april, forecasts, tmp_path):
    from tests.documents.test_open_in_libreoffice import opened

    paths = []
    for fmt in ("docx", "xlsx"):
        built = registry.make("manadsrapport", ledger["namnd"], april, fmt)
        path = tmp_path / built.filename
        path.write_bytes(built.data)
        paths.append(path)
    texts = opened(paths, tmp_path)
    word, excel = (texts[p.name] for p in paths)
    assert "Driftredovisning per förvaltning" in word and "Färre timvikarier i schemat" in word
    assert "Omsorgsförvaltningen" in excel and "Färre timvikarier i schemat" in excel


def _queries(work) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured)


def test_the_organisation_is_worked_out_once_and_passed_along(ledger, april):
    """The nämnd's organisation is looked up once and handed to the tables
    of the nämnd and of each förvaltning and to the investments, not worked
    out again by each (two queries apiece: 48 queries became 40 here). One
    more förvaltning with ansvar costs exactly its own table."""
    from unittest import mock

    from styrhjul.organisation.models import Unit
    from styrhjul.planning import queries as planning_queries

    kommun = ledger["kommun"]
    namnd = Unit.objects.get(pk=ledger["namnd"].pk)  # as a page reads it

    def part():
        return monthly.economy_part(namnd, april.period_end, april, investments=True)

    with mock.patch.object(
        planning_queries, "organisation_of", wraps=planning_queries.organisation_of
    ) as looked_up:
        assert len(part().parts) == 3
    assert looked_up.call_count == 1
    two = _queries(part)

    forv3 = UnitFactory(
        name="Kulturförvaltningen", parent=namnd, unit_type=unit_type("Förvaltning")
    )
    dimension = DimensionFactory._meta.model.objects.get(organisation=kommun, number=1)
    ansvar = DimensionObjectFactory(dimension=dimension)
    AnsvarMappingFactory(ansvar=ansvar, unit=forv3, valid_from=datetime.date(2024, 1, 1))
    UtfallFactory(
        organisation=kommun,
        account=AccountFactory._meta.model.objects.get(organisation=kommun, number="5010"),
        ansvar=ansvar,
        period=datetime.date(2025, 1, 1),
        amount=Decimal(100),
    )
    forv3 = Unit.objects.get(pk=forv3.pk)
    own_table = _queries(
        lambda: queries.unit_economy(forv3, datetime.date(2025, 1, 1), organisation=kommun)
    )
    assert len(part().parts) == 4
    assert _queries(part) == two + own_table
