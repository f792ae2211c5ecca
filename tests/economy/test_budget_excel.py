"""Budget from Excel: the template, its import (all or nothing, every error
with row and column), the spreading of an annual amount per month, the
budget version pages and the omfördelning, and the command."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from styrhjul.core.importing import ImportRejected
from styrhjul.economy import budget, queries, services
from styrhjul.economy.budget import Rule, spread
from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import Budget, BudgetKind, BudgetVersion, ReportRow
from styrhjul.economy.templatetags.economy import kronor
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    DimensionFactory,
    DimensionObjectFactory,
    UserFactory,
    UtfallFactory,
    grant,
)

YEAR = datetime.date(2025, 1, 1)
LAST_YEAR = datetime.date(2024, 1, 1)
MONTHS = queries.fiscal_months(YEAR)


# --- Spreading ---------------------------------------------------------------------


def test_evenly_spreads_the_ore_that_do_not_divide_to_the_first_months():
    months = spread(Decimal("1000.00"), Rule.EVENLY).months
    assert months == [Decimal("83.34")] * 4 + [Decimal("83.33")] * 8
    assert sum(months) == Decimal("1000.00")


@given(
    st.decimals(
        min_value=Decimal("-999999999.99"),
        max_value=Decimal("999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.integers(min_value=0, max_value=11),
)
def test_evenly_always_sums_to_the_amount_to_the_ore(amount, first):
    months = spread(amount, Rule.EVENLY, first=first).months
    assert len(months) == 12
    assert sum(months) == amount
    assert all(m == 0 for m in months[:first])
    spread_part = months[first:]
    assert max(spread_part) - min(spread_part) <= Decimal("0.01")


@given(
    st.decimals(min_value=Decimal("-1e8"), max_value=Decimal("1e8"), places=2),
    st.lists(st.integers(min_value=0, max_value=10**8), min_size=12, max_size=12),
)
def test_last_years_profile_always_sums_to_the_amount(amount, profile):
    result = spread(amount, Rule.LAST_YEAR, profile=[Decimal(p) / 100 for p in profile])
    assert sum(result.months) == amount
    assert result.fell_back == (sum(profile) == 0)


def test_last_years_profile_gives_the_months_their_share_of_last_year():
    profile = [Decimal(0)] * 6 + [Decimal(300), Decimal(100)] + [Decimal(0)] * 4
    result = spread(Decimal("1000"), Rule.LAST_YEAR, profile=profile)
    assert result.months[6] == Decimal("750.00")
    assert result.months[7] == Decimal("250.00")
    assert sum(result.months) == Decimal("1000.00")
    assert not result.fell_back


def test_without_last_years_utfall_the_amount_is_spread_evenly_with_a_notice():
    result = spread(Decimal("1200"), Rule.LAST_YEAR, profile=None)
    assert result.fell_back
    assert result.months == [Decimal("100.00")] * 12


# --- Fixtures ----------------------------------------------------------------------


@pytest.fixture
def ledger(org):
    kommun = org["kommun"]
    ensure_default_rows(kommun)
    dimension = DimensionFactory(organisation=kommun, number=1, name="Ansvar")
    skola = DimensionObjectFactory(dimension=dimension, code="100", name="Solgården")
    hemtjanst = DimensionObjectFactory(dimension=dimension, code="200", name="Hemtjänst")
    AnsvarMappingFactory(ansvar=skola, unit=org["enhet_a1"], valid_from=LAST_YEAR)
    AnsvarMappingFactory(ansvar=hemtjanst, unit=org["enhet_b1"], valid_from=LAST_YEAR)
    return {
        "100": skola,
        "200": hemtjanst,
        "account": AccountFactory(organisation=kommun, number="5010"),
        "rows": {r.name: r for r in ReportRow.objects.filter(organisation=kommun)},
    }


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modellägare")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def chef(org):
    user = UserFactory()
    grant(user, org["avd_a"], Role.MANAGER)
    return user


def fill(template: bytes, rows: dict[int, dict[str, object]], extra: list[list] = ()) -> bytes:
    """The template with cells set: {row: {header: value}}; `extra` rows
    are appended."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["Budget"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row, values in rows.items():
        for header, value in values.items():
            sheet.cell(row=row, column=headers[header], value=value)
    for values in extra:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(template: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(template))["Budget"].iter_rows(values_only=True))


def import_file(org, data: bytes, **kwargs):
    options = {"kind": BudgetKind.FASTSTALLD, "decided_by": "Kommunfullmäktige", **kwargs}
    return budget.import_budget(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        year_start=YEAR,
        data=data,
        filename="budget.xlsx",
        **options,
    )


def snapshot():
    return (
        list(BudgetVersion.objects.order_by("pk").values_list("pk", "kind")),
        list(Budget.objects.order_by("pk").values_list("pk", "amount")),
    )


# --- The template and the round trip ----------------------------------------------


def test_the_template_has_a_row_per_ansvar_and_row_and_lists_to_choose_from(org, ledger):
    data = budget.template_workbook(org["kommun"], YEAR)
    rows = template_rows(data)
    assert rows[0][:6] == ("Ansvar", "Ansvarets namn", "Rad", "Konto", "Helår", "Fördelning")
    assert rows[0][6:] == tuple(budget.MONTH_NAMES)
    # Two ansvar × five rows (Nettokostnad is a sum, not budgeted).
    assert [(r[0], r[2]) for r in rows[1:]][:2] == [
        ("100", "Verksamhetens intäkter"),
        ("100", "Personalkostnader"),
    ]
    assert len(rows) == 1 + 2 * 5
    assert all(r[2] != "Nettokostnad" for r in rows[1:])
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    validations = workbook["Budget"].data_validations.dataValidation
    formulas = sorted(v.formula1 for v in validations)
    assert formulas == ["=Listor!$A$2:$A$3", "=Listor!$B$2:$B$6", "=Listor!$C$2:$C$4"]
    assert [c.value for c in workbook["Listor"]["C"] if c.value][1:] == [
        "Jämnt",
        "Som förra årets utfall",
        "Som månaderna",
    ]


def test_download_fill_and_import_the_template_on_the_page(client, org, ledger, owner):
    client.force_login(owner)
    response = client.get(reverse("economy:budget_template") + "?ar=2025-01-01")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    filled = fill(
        response.content,
        {
            3: {"Helår": 1200000},  # 100 Personalkostnader, spread evenly
            7: {"Helår": -60000, "Fördelning": "Jämnt"},  # 200 Verksamhetens intäkter
            8: {  # 200 Personalkostnader, per month
                "Helår": 1300,
                **{m: 100 for m in budget.MONTH_NAMES},
                "December": 200,
            },
        },
    )
    response = client.post(
        reverse("economy:budget_import") + "?ar=2025-01-01",
        {
            "file": SimpleUploadedFile("budget.xlsx", filled),
            "year": "2025-01-01",
            "kind": BudgetKind.FASTSTALLD,
            "decided_on": "2024-11-20",
            "decided_by": "Kommunfullmäktige",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Budgeten är importerad som en ny version." in page
    version = BudgetVersion.objects.get()
    assert version.kind == BudgetKind.FASTSTALLD
    assert version.created_by == owner
    assert version.decided_by == "Kommunfullmäktige"
    sums = queries.budget_per_ansvar_and_row(version)
    personal = ledger["rows"]["Personalkostnader"].pk
    intakter = ledger["rows"]["Verksamhetens intäkter"].pk
    assert sums[(ledger["100"].pk, personal)] == [Decimal("100000.00")] * 12
    assert sum(sums[(ledger["200"].pk, intakter)]) == Decimal("-60000.00")
    assert sums[(ledger["200"].pk, personal)] == [Decimal(100)] * 11 + [Decimal(200)]
    # The unit's economy shows it (with the page's sign: costs negative).
    table = queries.unit_economy(org["enhet_a1"], YEAR)
    row = next(r for r in table.rows if r.name == "Personalkostnader")
    assert row.budget_year == Decimal("-1200000.00")


def test_the_template_holds_the_budget_in_force_and_reads_back_the_same(org, ledger):
    first = import_file(
        org,
        fill(budget.template_workbook(org["kommun"], YEAR), {3: {"Helår": "1 000,50"}}),
    ).version
    again = budget.template_workbook(org["kommun"], YEAR)
    row = template_rows(again)[2]
    assert row[0] == "100" and row[2] == "Personalkostnader"
    assert row[4] == pytest.approx(1000.50) and row[5] == "Som månaderna"
    second = import_file(org, again, kind=BudgetKind.RAMBUDGET).version
    assert queries.budget_per_ansvar_and_row(second) == queries.budget_per_ansvar_and_row(first)
    assert queries.version_total(second) == Decimal("1000.50")


def test_a_dry_run_checks_the_file_and_writes_nothing(org, ledger):
    data = fill(budget.template_workbook(org["kommun"], YEAR), {3: {"Helår": 1200}})
    result = import_file(org, data, dry_run=True)
    assert result.dry_run and result.version is None
    assert result.lines == 12 and result.total == Decimal("1200.00")
    assert not BudgetVersion.objects.exists() and not Budget.objects.exists()


# --- Bad rows ------------------------------------------------------------------------


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written(org, ledger):
    template = budget.template_workbook(org["kommun"], YEAR)
    import_file(org, fill(template, {3: {"Helår": 5}}))
    before = snapshot()
    months = [None] * 12
    data = fill(
        template,
        {3: {"Helår": 1200}},
        extra=[
            ["999", None, "Personalkostnader", None, 100, None, *months],  # row 12
            ["100", None, "Personalkostnadr", None, 100, None, *months],  # row 13
            ["100", None, "Lokalkostnader", None, "12,3x", None, *months],  # row 14
            ["200", None, "Lokalkostnader", None, 1300, None, *([100] * 12)],  # row 15
            ["100", None, "Personalkostnader", None, 50, None, *months],  # row 16
            ["100", None, "Nettokostnad", None, 10, None, *months],  # row 17
            ["100", None, "Personalkostnader", "5010", 10, None, *months],  # row 18
            ["100", None, None, "9999", 10, None, *months],  # row 19
            ["100", None, "Kapitalkostnader", None, 10, "Ibland", *months],  # row 20
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(org, data)
    errors = [str(e) for e in caught.value.errors]
    assert errors == [
        "Blad Budget, rad 12, kolumn Ansvar: ansvaret ”999” finns inte i ekonomisystemets ansvar.",
        "Blad Budget, rad 13, kolumn Rad: raden ”Personalkostnadr” finns inte i "
        "driftredovisningen. Menade du ”Personalkostnader”?",
        "Blad Budget, rad 14, kolumn Helår: ”12,3x” är inte ett tal.",
        "Blad Budget, rad 15, kolumn Helår: månaderna summerar till 1 200,00 men Helår är "
        "1 300,00.",
        "Blad Budget, rad 16, kolumn Ansvar: ansvar 100 och raden Personalkostnader finns "
        "redan på rad 3.",
        "Blad Budget, rad 17, kolumn Rad: Nettokostnad är summan av raderna ovanför; "
        "budgetera på de raderna.",
        "Blad Budget, rad 18, kolumn Konto: fyll i antingen Rad eller Konto, inte båda.",
        "Blad Budget, rad 19, kolumn Konto: kontot 9999 finns inte i kontoplanen.",
        "Blad Budget, rad 20, kolumn Fördelning: ”Ibland” är ingen fördelning. Välj Jämnt, "
        "Som förra årets utfall, Som månaderna.",
    ]
    assert snapshot() == before


def test_a_letter_in_a_month_and_a_wrong_header_are_refused(org, ledger):
    template = budget.template_workbook(org["kommun"], YEAR)
    with pytest.raises(ImportRejected) as caught:
        import_file(org, fill(template, {2: {"Mars": "tio"}}))
    assert [str(e) for e in caught.value.errors] == [
        "Blad Budget, rad 2, kolumn Mars: ”tio” är inte ett tal."
    ]
    with pytest.raises(ImportRejected) as caught:
        import_file(org, fill(template, {1: {"Helår": "Helr"}}))
    assert "Menade du ”Helår”?" in str(caught.value)
    assert not BudgetVersion.objects.exists()


def test_an_omfordelning_from_a_file_needs_its_decision(client, org, ledger, owner):
    client.force_login(owner)
    data = fill(budget.template_workbook(org["kommun"], YEAR), {3: {"Helår": 100}})
    response = client.post(
        reverse("economy:budget_import"),
        {
            "file": SimpleUploadedFile("budget.xlsx", data),
            "year": "2025-01-01",
            "kind": BudgetKind.OMFORDELNING,
        },
    )
    page = response.content.decode()
    assert "Ange beslutsdatum för omfördelningen." in page
    assert "Ange varför budgeten omfördelas." in page
    assert not BudgetVersion.objects.exists()


# --- Last year's profile ------------------------------------------------------------


def test_last_years_utfall_gives_the_months_and_without_it_evenly_with_a_notice(org, ledger):
    for month, amount in ((0, "100"), (6, "300")):
        UtfallFactory(
            organisation=org["kommun"],
            year_start=LAST_YEAR,
            period=queries.fiscal_months(LAST_YEAR)[month],
            account=ledger["account"],
            ansvar=ledger["100"],
            amount=Decimal(amount),
        )
    template = budget.template_workbook(org["kommun"], YEAR)
    rule = "Som förra årets utfall"
    data = fill(
        template,
        {3: {"Helår": 4000, "Fördelning": rule}, 8: {"Helår": 1200, "Fördelning": rule}},
    )
    result = import_file(org, data)
    sums = queries.budget_per_ansvar_and_row(result.version)
    personal = ledger["rows"]["Personalkostnader"].pk
    assert sums[(ledger["100"].pk, personal)][0] == Decimal("1000.00")
    assert sums[(ledger["100"].pk, personal)][6] == Decimal("3000.00")
    assert sums[(ledger["200"].pk, personal)] == [Decimal("100.00")] * 12
    assert result.notices == [
        "rad 8: ansvar 200, raden Personalkostnader hade inget utfall förra året; beloppet "
        "fördelades jämnt."
    ]


# --- Versions and omfördelning ------------------------------------------------------


def _version(org, ledger, amounts: dict[str, Decimal]):
    personal = ledger["rows"]["Personalkostnader"]
    lines = [
        {"period": m, "row": personal, "ansvar": ledger[code], "amount": amount}
        for code, amount in amounts.items()
        for m in MONTHS
    ]
    return services.budget_version_create(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        year_start=YEAR,
        kind=BudgetKind.FASTSTALLD,
        lines=lines,
        decided_by="Kommunfullmäktige",
    )


def test_an_omfordelning_moves_money_as_a_new_version_and_keeps_the_total(
    client, org, ledger, owner
):
    first = _version(org, ledger, {"100": Decimal(1000), "200": Decimal(500)})
    personal = ledger["rows"]["Personalkostnader"]
    client.force_login(owner)
    url = reverse("economy:budget_reallocate") + "?ar=2025-01-01"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "based_on": first.pk,
            "from_ansvar": ledger["100"].pk,
            "from_row": personal.pk,
            "to_ansvar": ledger["200"].pk,
            "to_row": personal.pk,
            "amount": "1 200",
            "first_month": "6",
            "rule": Rule.EVENLY,
            "decided_on": "2025-05-20",
            "decided_by": "Socialnämnden",
            "reason": "Fler brukare i hemtjänsten",
        },
    )
    assert response.status_code == 302, response.content.decode()
    second = BudgetVersion.objects.latest("pk")
    assert second.kind == BudgetKind.OMFORDELNING and second.reason == "Fler brukare i hemtjänsten"
    assert queries.version_total(second) == queries.version_total(first) == Decimal(18000)
    sums = queries.budget_per_ansvar_and_row(second)
    assert sums[(ledger["100"].pk, personal.pk)] == [Decimal(1000)] * 6 + [Decimal(800)] * 6
    assert sums[(ledger["200"].pk, personal.pk)] == [Decimal(500)] * 6 + [Decimal(700)] * 6
    # The earlier version is untouched, and the newer one applies.
    assert (
        queries.budget_per_ansvar_and_row(first)[(ledger["100"].pk, personal.pk)]
        == [Decimal(1000)] * 12
    )
    assert queries.budget_in_force(org["kommun"], YEAR) == second
    page = client.get(response["Location"]).content.decode()
    assert "Omfördelningen är sparad" in page and "Solgårdens äldreboende" in page
    # A form opened on the earlier version is refused now: nothing is written.
    before = snapshot()
    response = client.post(
        url,
        {
            "based_on": first.pk,
            "from_ansvar": ledger["100"].pk,
            "from_row": personal.pk,
            "to_ansvar": ledger["200"].pk,
            "to_row": personal.pk,
            "amount": "10",
            "first_month": "0",
            "rule": Rule.EVENLY,
            "decided_on": "2025-05-21",
            "decided_by": "Socialnämnden",
            "reason": "Igen",
        },
    )
    assert "En nyare budgetversion har skapats" in response.content.decode()
    assert snapshot() == before


def test_the_versions_page_lists_each_version_with_its_decision_and_the_one_in_force(
    client, org, ledger, owner
):
    _version(org, ledger, {"100": Decimal(1000)})
    services.budget_version_create(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        year_start=YEAR,
        kind=BudgetKind.OMFORDELNING,
        lines=[
            {
                "period": YEAR,
                "row": ledger["rows"]["Personalkostnader"],
                "ansvar": ledger["100"],
                "amount": Decimal(5),
            }
        ],
        decided_on=datetime.date(2025, 3, 1),
        decided_by="Socialnämnden",
        reason="Ny verksamhet",
    )
    client.force_login(owner)
    page = client.get(reverse("economy:budget") + "?ar=2025-01-01").content.decode()
    assert "Fastställd budget" in page and "Omfördelning" in page
    assert "Ny verksamhet" in page and "2025-03-01" in page
    assert kronor(12000) in page  # the first version's total
    assert page.count("<strong>Gäller</strong>") == 1
    assert page.index("Ersatt") < page.index("<strong>Gäller</strong>")


def test_the_versions_page_reads_the_same_number_of_queries_for_more_versions(
    client, org, ledger, owner
):
    client.force_login(owner)
    url = reverse("economy:budget") + "?ar=2025-01-01"

    def count():
        with CaptureQueriesContext(connection) as queries_run:
            assert client.get(url).status_code == 200
        return len(queries_run)

    _version(org, ledger, {"100": Decimal(1)})
    few = count()
    for _ in range(4):
        _version(org, ledger, {"100": Decimal(1), "200": Decimal(2)})
    assert count() == few


# --- Access -------------------------------------------------------------------------


def test_a_chef_without_economy_management_reaches_none_of_the_budget_pages(
    client, org, ledger, chef
):
    version = _version(org, ledger, {"100": Decimal(1)})
    row = ledger["rows"]["Personalkostnader"]
    client.force_login(chef)
    for url in (
        reverse("economy:budget"),
        reverse("economy:budget_template"),
        reverse("economy:budget_import"),
        reverse("economy:budget_reallocate"),
        reverse("economy:budget_version", args=[version.pk]),
        reverse("economy:dimensions"),
        reverse("economy:report_rows"),
        reverse("economy:report_row", args=[row.pk]),
    ):
        assert client.get(url).status_code in {403, 404}, url
        response = client.post(url, {"name": "Kapad", "ranges": "10-19"})
        assert response.status_code in {403, 404, 405}, url
    assert client.post(reverse("economy:report_rows_reset")).status_code == 403
    assert not ReportRow.objects.filter(name="Kapad").exists()
    with pytest.raises(PermissionDenied):
        budget.import_budget(
            actor=chef,
            organisation=org["kommun"],
            year_start=YEAR,
            kind=BudgetKind.FASTSTALLD,
            data=b"",
            filename="budget.xlsx",
        )


# --- The command ------------------------------------------------------------------------


def test_the_command_imports_a_file_and_refuses_a_bad_one(org, ledger, tmp_path):
    good = tmp_path / "budget.xlsx"
    good.write_bytes(fill(budget.template_workbook(org["kommun"], YEAR), {3: {"Helår": 120}}))
    out = io.StringIO()
    call_command(
        "import_budget",
        str(good),
        "--organisation",
        "K",
        "--year",
        "2025",
        "--kind",
        "faststalld",
        "--dry-run",
        stdout=out,
    )
    assert "ingenting har sparats" in out.getvalue()
    assert not BudgetVersion.objects.exists()
    call_command("import_budget", str(good), "--year", "2025", "--kind", "faststalld", stdout=out)
    assert BudgetVersion.objects.get().kind == BudgetKind.FASTSTALLD
    bad = tmp_path / "fel.xlsx"
    bad.write_bytes(fill(budget.template_workbook(org["kommun"], YEAR), {3: {"Helår": "x"}}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 fel. Ingenting har sparats."):
        call_command("import_budget", str(bad), "--year", "2025", "--kind", "rambudget", stderr=err)
    assert "Blad Budget, rad 3, kolumn Helår: ”x” är inte ett tal." in err.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "import_budget", str(good), "--year", "2025", "--kind", "omfordelning", stderr=err
        )
    assert BudgetVersion.objects.count() == 1


def test_a_versions_page_reads_the_same_number_of_queries_for_more_units_and_ansvar(
    client, org, ledger, owner
):
    client.force_login(owner)
    version = _version(org, ledger, {"100": Decimal(1), "200": Decimal(2)})
    url = reverse("economy:budget_version", args=[version.pk])

    def count():
        with CaptureQueriesContext(connection) as queries_run:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries_run), response.content.decode()

    few, page = count()
    assert "Solgårdens äldreboende" in page and "Barn och unga" in page
    personal = ledger["rows"]["Personalkostnader"]
    more = []
    for index, unit in enumerate(("enhet_a2", "enhet_b2", "avd_a", "avd_b")):
        ansvar = DimensionObjectFactory(dimension=ledger["100"].dimension, code=f"3{index}")
        AnsvarMappingFactory(ansvar=ansvar, unit=org[unit], valid_from=LAST_YEAR)
        more.extend(
            Budget(version=version, period=m, row=personal, ansvar=ansvar, amount=Decimal(1))
            for m in MONTHS
        )
    Budget.objects.bulk_create(more)
    many, page = count()
    assert "Hemtjänst Norr" in page and "Vuxenenheten" in page
    assert many == few


def test_the_budget_pages_show_costs_negative_as_the_economy_pages_do(client, org, ledger, owner):
    from styrhjul.economy import queries

    version = _version(org, ledger, {"100": Decimal(1000)})
    client.force_login(owner)
    page = client.get(reverse("economy:budget_version", args=[version.pk])).content.decode()
    listing = client.get(reverse("economy:budget") + "?ar=2025-01-01").content.decode()
    # 12 × 1 000 kronor of salaries: a cost, negative as on the economy page.
    for html in (page, listing):
        assert "intäkter är positiva och kostnader negativa" in html
        assert "−12" in html and ">12" not in html.replace("\u202f", " ")
    table = queries.unit_economy(org["kommun"], YEAR)
    personal = next(r for r in table.rows if r.name == "Personalkostnader")
    assert personal.budget_year == Decimal("-12000")
