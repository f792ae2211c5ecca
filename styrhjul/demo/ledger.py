"""Sjöbacka's ledger: ansvar for its units, a Kommun-Bas-like chart of
accounts, SIE 4 files for last year (twelve months) and this year up to
the month before today, and the year's budget versions.

The files are generated here, deterministically (the same dates give the
same bytes, so a second `load-demo` finds them imported already), and
imported through the product's importer (economy.importing.import_sie),
as a controller would upload them. The ansvar are then mapped to their
units and the budgets made through economy.services: a rambudget per
förvaltning, the fastställd budget per ansvar and row, and one
omfördelning during the year.

Profiles: salaries every month with the summer's semesterlön and the
change in semesterlöneskuld, PO-pålägg, internhyra the same every month,
taxor och avgifter monthly (barnomsorgsavgift not in July), riktade
statsbidrag quarterly, material and köp av huvudverksamhet with noise,
avskrivningar even. A few ansvar cost more than their budget (see
OVERRUNS) and one earns more.

Outside the driftredovisning, for the financial ratios and the
investeringsredovisning: skatteintäkter and generella statsbidrag every
month, finansiella poster, a balance sheet (#IB, #UB) whose bank account
takes what the year brings in and pays out, investments per projekt
(dimension 6) on the fixed assets with their budget (#PBUDGET), and an
investeringsbidrag. The ansvarsförbindelse for pensions is entered for the
closed year so that soliditet including pensions matches the annual
report's."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from styrhjul.economy import ratios
from styrhjul.economy import services as economy
from styrhjul.economy.importing import import_sie
from styrhjul.economy.models import (
    AnsvarMapping,
    BudgetKind,
    BudgetVersion,
    DimensionKind,
    DimensionObject,
    PensionCommitment,
    ReportRow,
)
from styrhjul.organisation import access
from styrhjul.organisation import services as organisation_services
from styrhjul.organisation.models import Unit

from .calendar import DemoCalendar

ORG_NUMBER = "212000-9999"  # fictitious, in the format of a municipality's
PROGRAM = "Sjöbacka Ekonomi"
SEED = "sjobacka-ledger"
CENT = Decimal("0.01")

# Account: (name, #KTYP)
ACCOUNTS: dict[str, tuple[str, str]] = {
    "3110": ("Taxor och avgifter", "I"),
    "3510": ("Riktade statsbidrag", "I"),
    "4510": ("Köp av huvudverksamhet", "K"),
    "4610": ("Förbrukningsmaterial", "K"),
    "5010": ("Månadslön", "K"),
    "5111": ("Semesterlön", "K"),
    "5191": ("Förändring semesterlöneskuld", "K"),
    "5610": ("Personalomkostnadspålägg", "K"),
    "6010": ("Lokalhyra, internhyra", "K"),
    "7910": ("Avskrivningar", "K"),
}
PO = Decimal("0.4015")  # personalomkostnadspålägg on wages
HOLIDAY = Decimal("0.12")  # semesterlön earned on wages
# Share of the year's semesterlön paid out per month (sums to 1).
HOLIDAY_PAID = [0.03, 0.03, 0.03, 0.03, 0.03, 0.15, 0.45, 0.15, 0.03, 0.03, 0.03, 0.07]
# Wages per month relative to a normal month: fewer vikarier in summer.
WAGE_MONTH = [1.0, 1.0, 1.0, 1.0, 1.0, 0.92, 0.55, 0.85, 1.0, 1.0, 1.0, 1.02]

# Accounts outside the driftredovisning (Kommun-Bas): (name, #KTYP).
FINANCE_ACCOUNTS: dict[str, tuple[str, str]] = {
    "8010": ("Kommunalskatt", "I"),
    "8210": ("Inkomstutjämningsbidrag", "I"),
    "8410": ("Ränteintäkter", "I"),
    "8510": ("Räntekostnader", "K"),
}
BALANCE_ACCOUNTS: dict[str, tuple[str, str]] = {
    "1120": ("Verksamhetsfastigheter", "T"),
    "1129": ("Ackumulerade avskrivningar, verksamhetsfastigheter", "T"),
    "1220": ("Inventarier", "T"),
    "1930": ("Bank", "T"),
    "2010": ("Eget kapital", "S"),
    "2240": ("Avsättningar för pensioner", "S"),
    "2350": ("Lån i banker och kreditinstitut", "S"),
    "2388": ("Offentliga investeringsbidrag, förutbetald intäkt", "S"),
    "2440": ("Leverantörsskulder", "S"),
}
# The balance sheet when last year began (kronor, ledger sign): soliditet
# about 47 % before pension commitments.
OPENING: dict[str, int] = {
    "1120": 1_900_000_000,
    "1129": -420_000_000,
    "1220": 180_000_000,
    "1930": 140_000_000,
    "2010": -850_000_000,
    "2240": -95_000_000,
    "2350": -760_000_000,
    "2388": 0,
    "2440": -95_000_000,
}
# Skatteintäkter and generella statsbidrag per year (last year, this year):
# last year's result is 2,1 % of them, as the annual report says.
TAXES = (949_000_000, 982_000_000)
TAX_SHARE = Decimal("0.78")  # kommunalskatt; the rest is inkomstutjämningsbidrag
INTEREST = (Decimal(-150_000), Decimal(400_000))  # ränteintäkter, räntekostnader per month
# Soliditet including pension commitments in the annual report (%), for the
# ansvarsförbindelse entered for the closed year.
SOLIDITY_WITH_PENSIONS = Decimal("21.4")


@dataclass(frozen=True)
class Project:
    """An investment projekt: its ansvar, account and budget per year (last
    year, this year) in kronor, how much of the budget it spends and an
    investeringsbidrag (month index, kronor) per year."""

    code: str
    name: str
    ansvar: str
    account: str
    budget: tuple[int, int]
    spend: float = 1.0
    grants: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None)


PROJECTS: tuple[Project, ...] = (
    Project("P2401", "Ny förskola Ekbacken", "13110", "1120", (18_000_000, 26_000_000), 0.9),
    Project("P2402", "Ombyggnad Sjöbackaskolan 7–9", "13123", "1120", (9_000_000, 6_000_000), 1.15),
    Project(
        "P2403",
        "Gång- och cykelväg Strandvägen",
        "15121",
        "1120",
        (7_500_000, 4_000_000),
        0.9,
        ((9, 1_500_000), (2, 500_000)),
    ),
    Project("P2404", "Digitala trygghetslarm", "14111", "1220", (2_400_000, 1_200_000), 0.7),
    Project("P2405", "Reningsverket etapp 2", "15123", "1120", (30_000_000, 45_000_000), 0.9),
)


@dataclass(frozen=True)
class Ansvar:
    """An ansvar with its unit and yearly amounts in thousands of kronor."""

    code: str
    name: str
    unit: str  # the demo unit's code
    wages: int = 0  # 5010 a normal year
    rent: int = 0  # 6010
    fees: int = 0  # 3110 (revenue)
    grants: int = 0  # 3510 (revenue), quarterly
    material: int = 0  # 4610
    purchases: int = 0  # 4510
    depreciation: int = 0  # 7910
    no_fee_in_july: bool = False


def _a(code, name, unit, **amounts) -> Ansvar:
    return Ansvar(code, name, unit, **amounts)


ANSVAR: tuple[Ansvar, ...] = (
    _a("11010", "Kommunfullmäktige", "1010", wages=1800, material=300),
    _a("11020", "Kommunstyrelsen", "1020", wages=2400, material=500),
    _a("11100", "Kommunledning", "1100", wages=6200, rent=900, material=1200),
    _a("11111", "Redovisning och controlling", "1111", wages=7400, rent=600, material=400),
    _a("11112", "Upphandlingsenheten", "1112", wages=3900, rent=300, material=200),
    _a("11120", "HR-avdelningen", "1120", wages=5200, rent=400, material=600),
    _a("11121", "Löneenheten", "1121", wages=5600, rent=400, material=1500),
    _a("13000", "Barn- och utbildningsnämnden", "3000", wages=900, material=150),
    _a("13100", "Förvaltningsledning barn och utbildning", "3100", wages=5800, material=4000),
    _a("13110", "Förskoleavdelningen gemensamt", "3110", wages=2100, material=900),
    _a(
        "13111",
        "Förskoleområde Norr",
        "3111",
        wages=24500,
        rent=5200,
        fees=3100,
        material=1100,
        grants=1200,
        no_fee_in_july=True,
    ),  # fmt: skip
    _a(
        "13112",
        "Förskoleområde Söder",
        "3112",
        wages=21800,
        rent=4600,
        fees=2800,
        material=1000,
        grants=1000,
        no_fee_in_july=True,
    ),  # fmt: skip
    _a(
        "13113",
        "Förskoleområde Centrum",
        "3113",
        wages=19600,
        rent=4900,
        fees=2500,
        material=900,
        grants=900,
        no_fee_in_july=True,
    ),  # fmt: skip
    _a(
        "13120",
        "Grundskoleavdelningen gemensamt",
        "3120",
        wages=2600,
        purchases=14500,
        material=700,
    ),  # fmt: skip
    _a(
        "13121", "Björkängsskolan F–6", "3121", wages=29800, rent=7400, grants=2600, material=2100
    ),  # fmt: skip
    _a("13122", "Ekbackaskolan F–6", "3122", wages=26400, rent=6900, grants=2300, material=1900),
    _a(
        "13123", "Sjöbackaskolan 7–9", "3123", wages=34200, rent=9800, grants=3100, material=2600
    ),  # fmt: skip
    _a("13126", "Sjöbackaskolan 7–9, skolmåltider", "3123", wages=3100, material=4200),
    _a("13124", "Elevhälsan", "3124", wages=9800, rent=700, material=500),
    _a("13125", "Kulturskolan", "3125", wages=6900, rent=1300, fees=900, material=400),
    _a("14000", "Socialnämnden", "4000", wages=1000, material=150),
    _a("14100", "Förvaltningsledning socialtjänst", "4100", wages=7100, material=3000),
    _a("14111", "Hemtjänst Norr", "4111", wages=31200, rent=1200, fees=2300, material=1400),
    _a("14112", "Hemtjänst Söder", "4112", wages=28900, rent=1100, fees=2100, material=1300),
    _a(
        "14113",
        "Lindgårdens äldreboende",
        "4113",
        wages=38400,
        rent=11200,
        fees=6900,
        material=2300,
        grants=1800,
    ),  # fmt: skip
    _a(
        "14114",
        "Solbackens äldreboende",
        "4114",
        wages=34100,
        rent=10100,
        fees=6200,
        material=2000,
        grants=1600,
    ),  # fmt: skip
    _a("14115", "Korttidsboendet Ängen", "4115", wages=14800, rent=3900, fees=900, material=800),
    _a("14116", "Hemsjukvården", "4116", wages=17600, rent=800, material=2400),
    _a("14121", "Gruppbostad Tallen (LSS)", "4121", wages=12900, rent=2300, material=500),
    _a("14122", "Servicebostad Granen (LSS)", "4122", wages=10400, rent=2100, material=400),
    _a("14123", "Daglig verksamhet", "4123", wages=8800, rent=1500, material=900),
    _a("14124", "Personlig assistans", "4124", wages=21300, grants=9600, material=300),
    _a("14131", "Barn och unga", "4131", wages=9100, purchases=16800, rent=600, grants=1400),
    _a("14132", "Vuxenenheten", "4132", wages=6100, purchases=9800, rent=500),
    _a("14133", "Försörjningsstöd", "4133", wages=4300, purchases=19500, rent=400),
    _a("15000", "Samhällsbyggnadsnämnden", "5000", wages=800, material=120),
    _a("15100", "Förvaltningsledning samhällsbyggnad", "5100", wages=4100, material=900),
    _a("15111", "Bygglov", "5111", wages=5400, fees=4800, material=300),
    _a("15112", "Planenheten", "5112", wages=4900, fees=1900, material=1200),
    _a("15113", "Miljö- och hälsoskydd", "5113", wages=6200, fees=2900, material=400),
    _a("15121", "Gata och trafik", "5121", wages=8400, material=14200, depreciation=9800),
    _a("15122", "Park och natur", "5122", wages=7300, material=3900, depreciation=2100),
    _a(
        "15123",
        "Vatten och avlopp",
        "5123",
        wages=11800,
        fees=52000,
        material=21500,
        depreciation=16400,
    ),  # fmt: skip
    _a("15124", "Kart och mät", "5124", wages=4600, fees=1100, material=900),
)

# Ansvar whose utfall differs from the budget: (cost factor, revenue factor).
OVERRUNS: dict[str, tuple[float, float]] = {
    "13123": (1.08, 1.0),  # more staff for särskilt stöd than budgeted
    "14111": (1.06, 0.95),  # more hours of hemtjänst than budgeted
    "14131": (1.25, 1.0),  # placeringar of children and young people
    "15121": (1.12, 1.0),  # a snowy winter
    "15111": (1.0, 1.18),  # more bygglov than expected
    "13100": (0.8, 1.0),  # the förvaltning's buffer partly unused
}

# Förvaltning (or kommunledning) → the nämnd that decides its rambudget.
FORVALTNINGAR = {
    "1100": "Kommunstyrelsen",
    "3100": "Barn- och utbildningsnämnden",
    "4100": "Socialnämnden",
    "5100": "Samhällsbyggnadsnämnden",
}
# One omfördelning in the year: from the förvaltning's buffer to a school.
REALLOCATION_FROM, REALLOCATION_TO = "13100", "13123"
REALLOCATION_AMOUNT = Decimal(1400000)  # kronor, over the months from June
REALLOCATION_DECIDED = (5, 20)  # month, day in the year
REALLOCATION_REASON = (
    "Sjöbackaskolan 7–9 har fler elever med behov av särskilt stöd än när budgeten "
    "fastställdes. Nämnden flyttar 1,4 miljoner kronor från förvaltningens buffert "
    "till skolans personalkostnader för juni–december."
)


@dataclass
class LedgerSummary:
    files_imported: int = 0
    mappings_created: int = 0
    budget_versions_created: int = 0
    org_number_set: bool = False
    pension_commitment_set: bool = False
    ansvar: int = 0
    months: list[str] = field(default_factory=list)  # "YYYY-MM" of the last month per file

    @property
    def changed(self) -> bool:
        return bool(
            self.files_imported
            or self.mappings_created
            or self.budget_versions_created
            or self.org_number_set
            or self.pension_commitment_set
        )

    @property
    def message(self) -> str:
        return (
            f"Huvudbok med {self.ansvar} ansvar, budget och utfall till och med "
            + " och ".join(self.months)
            + "."
        )


# --- The figures ---------------------------------------------------------------


def _kr(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def expected(ansvar: Ansvar, year_index: int) -> dict[str, list[float]]:
    """The budgeted amounts per account and month in kronor (ledger sign:
    costs positive, revenue negative), year_index 0 for the closed year
    and 1 for this year (wages and prices a little higher)."""
    growth = 1.0 + 0.03 * year_index
    wages = ansvar.wages * 1000 * growth
    result: dict[str, list[float]] = {}
    if wages:
        wage = [wages / 12 * f for f in WAGE_MONTH]
        paid = [wages * float(HOLIDAY) * s for s in HOLIDAY_PAID]
        earned = wages * float(HOLIDAY) / 12
        change = [earned - p for p in paid]
        result["5010"] = wage
        result["5111"] = paid
        result["5191"] = change
        result["5610"] = [float(PO) * (w + earned) for w in wage]
    if ansvar.rent:
        result["6010"] = [ansvar.rent * 1000 * growth / 12] * 12
    if ansvar.fees:
        months = 11 if ansvar.no_fee_in_july else 12
        fee = -ansvar.fees * 1000 * growth / months
        result["3110"] = [0.0 if ansvar.no_fee_in_july and m == 6 else fee for m in range(12)]
    if ansvar.grants:
        result["3510"] = [-ansvar.grants * 1000 / 4 if m % 3 == 2 else 0.0 for m in range(12)]
    if ansvar.material:
        per = ansvar.material * 1000 * growth / 12
        result["4610"] = [per * (0.7 if m == 6 else 1.3 if m == 11 else 1.0) for m in range(12)]
    if ansvar.purchases:
        result["4510"] = [ansvar.purchases * 1000 * growth / 12] * 12
    if ansvar.depreciation:
        result["7910"] = [ansvar.depreciation * 1000 / 12] * 12
    return result


def actual(ansvar: Ansvar, year: int, year_index: int) -> dict[str, list[Decimal]]:
    """The utfall per account and month: the expected amounts with noise
    (the same for the same ansvar and year) and the ansvar's overrun."""
    rng = random.Random(f"{SEED}-{ansvar.code}-{year}")
    cost, revenue = OVERRUNS.get(ansvar.code, (1.0, 1.0))
    result = {}
    for account, months in expected(ansvar, year_index).items():
        spread = {"4610": 0.2, "4510": 0.25, "3110": 0.05}.get(account, 0.015)
        if account in {"6010", "7910", "3510"}:
            spread = 0.0
        factor = revenue if account.startswith("3") else cost
        if account in {"6010", "7910"}:
            factor = 1.0
        result[account] = [_kr(v * factor * (1 + rng.uniform(-spread, spread))) for v in months]
    if "5610" in result:  # PO follows the wages actually paid
        earned = [result["5010"][m] + result["5111"][m] + result["5191"][m] for m in range(12)]
        result["5610"] = [_kr(float(PO) * float(e)) for e in earned]
    return result


def project_utfall(project: Project, year: int, year_index: int) -> list[Decimal]:
    """A projekt's investment per month: its budget spread over the year
    (less in July), with noise and how much of its budget it spends."""
    rng = random.Random(f"{SEED}-{project.code}-{year}")
    per_month = project.budget[year_index] / 12 * project.spend
    return [
        _kr(per_month * (0.3 if m == 6 else 1.06) * (1 + rng.uniform(-0.2, 0.2))) for m in range(12)
    ]


@dataclass
class YearFigures:
    """The year's amounts outside the driftredovisning per account and month
    (ledger sign), the projekt's investments and the opening balance."""

    opening: dict[str, Decimal]
    finance: dict[str, list[Decimal]]
    balance: dict[str, list[Decimal]]
    projects: list[tuple[Project, list[Decimal]]]


def year_figures(year: int, year_index: int) -> YearFigures:
    """Taxes, finansiella poster, investments and the balance sheet's
    movements for a year; the bank account takes the difference, so that
    every month balances. This year opens with last year's closing balance
    (its result added to eget kapital)."""
    if year_index == 0:
        opening = {a: Decimal(v) for a, v in OPENING.items()}
    else:
        last = year_figures(year - 1, 0)
        opening = {a: last.opening[a] + sum(last.balance.get(a, []), Decimal(0)) for a in OPENING}
        opening["2010"] += _year_result(last, year - 1, 0)
    tax = Decimal(TAXES[year_index]) / 12
    finance = {
        "8010": [-(tax * TAX_SHARE).quantize(CENT)] * 12,
        "8210": [-(tax * (1 - TAX_SHARE)).quantize(CENT)] * 12,
        "8410": [INTEREST[0]] * 12,
        "8510": [INTEREST[1]] * 12,
    }
    operations = [Decimal(0)] * 12
    depreciation = [Decimal(0)] * 12
    for ansvar in ANSVAR:
        for account, amounts in actual(ansvar, year, year_index).items():
            for m, amount in enumerate(amounts):
                operations[m] += amount
                if account == "7910":
                    depreciation[m] += amount
    balance = {a: [Decimal(0)] * 12 for a in OPENING}
    projects = []
    for project in PROJECTS:
        amounts = project_utfall(project, year, year_index)
        projects.append((project, amounts))
        for m, amount in enumerate(amounts):
            balance[project.account][m] += amount
        grant = project.grants[year_index]
        if grant is not None:
            balance["2388"][grant[0]] -= Decimal(grant[1])
    for m in range(12):
        balance["1129"][m] -= depreciation[m]
        result_month = operations[m] + sum((v[m] for v in finance.values()), Decimal(0))
        others = sum((v[m] for a, v in balance.items() if a != "1930"), Decimal(0))
        balance["1930"][m] = -(result_month + others)
    return YearFigures(opening, finance, balance, projects)


def _year_result(figures: YearFigures, year: int, year_index: int) -> Decimal:
    """The sum of the year's result accounts (ledger sign: a surplus is negative)."""
    total = sum((sum(v, Decimal(0)) for v in figures.finance.values()), Decimal(0))
    for ansvar in ANSVAR:
        for amounts in actual(ansvar, year, year_index).values():
            total += sum(amounts, Decimal(0))
    return total


# --- The SIE file ----------------------------------------------------------------


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pc8(text: str) -> str:
    # Characters PC8 (code page 437) lacks.
    return text.replace("–", "-").replace("”", '"')


def sie_file(year: int, months: int, generated: datetime.date, *, year_index: int) -> bytes:
    """The ledger's SIE 4 export of the fiscal year `year` with #PSALDO for
    its first `months` months (and #RES for them), in PC8."""
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        f"#PROGRAM {_quoted(PROGRAM)} 1.0",
        f"#GEN {generated:%Y%m%d}",
        "#FNAMN " + _quoted("Sjöbacka kommun"),
        "#ORGNR " + ORG_NUMBER.replace("-", ""),
        f"#RAR 0 {year}0101 {year}1231",
        "#KPTYP KOMMUNBAS",
        "#VALUTA SEK",
    ]
    for number, (name, kind) in {**ACCOUNTS, **FINANCE_ACCOUNTS, **BALANCE_ACCOUNTS}.items():
        lines.append(f"#KONTO {number} {_quoted(name)}")
        lines.append(f"#KTYP {number} {kind}")
    lines.append('#DIM 1 "Ansvar"')
    for ansvar in ANSVAR:
        lines.append(f"#OBJEKT 1 {_quoted(ansvar.code)} {_quoted(ansvar.name)}")
    lines.append('#DIM 6 "Projekt"')
    for project in PROJECTS:
        lines.append(f"#OBJEKT 6 {_quoted(project.code)} {_quoted(project.name)}")
    extra = year_figures(year, year_index)
    for account in BALANCE_ACCOUNTS:
        closing = extra.opening[account] + sum(extra.balance[account][:months], Decimal(0))
        lines.append(f"#IB 0 {account} {extra.opening[account]:.2f}")
        lines.append(f"#UB 0 {account} {closing:.2f}")
    for account, amounts in extra.finance.items():
        lines.append(f"#RES 0 {account} {sum(amounts[:months], Decimal(0)):.2f}")
    for account, amounts in {**extra.finance, **extra.balance}.items():
        for m, amount in enumerate(amounts[:months]):
            if amount:
                lines.append(f"#PSALDO 0 {year}{m + 1:02d} {account} {{}} {amount:.2f}")
    # Investments per projekt: the combination of ansvar and projekt divides
    # the account's total above; the budget per projekt and month.
    for project, amounts in extra.projects:
        objects = f"{{1 {_quoted(project.ansvar)} 6 {_quoted(project.code)}}}"
        for m, amount in enumerate(amounts[:months]):
            lines.append(f"#PSALDO 0 {year}{m + 1:02d} {project.account} {objects} {amount:.2f}")
        grant = project.grants[year_index]
        if grant is not None and grant[0] < months:
            lines.append(f"#PSALDO 0 {year}{grant[0] + 1:02d} 2388 {objects} {-grant[1]:.2f}")
        per_month = Decimal(project.budget[year_index]) / 12
        for m in range(12):
            lines.append(
                f"#PBUDGET 0 {year}{m + 1:02d} {project.account} {objects} {per_month:.2f}"
            )
    # Written like a total with its parts: per account and month the row
    # without objects is the total and the rows per ansvar divide it.
    month_totals: dict[tuple[str, int], Decimal] = {}
    balances = []
    for ansvar in ANSVAR:
        for account, amounts in actual(ansvar, year, year_index).items():
            for m, amount in enumerate(amounts[:months]):
                key = (account, m)
                month_totals[key] = month_totals.get(key, Decimal(0)) + amount
                balances.append(
                    f"#PSALDO 0 {year}{m + 1:02d} {account} "
                    f"{{1 {_quoted(ansvar.code)}}} {amount:.2f}"
                )
    for account in ACCOUNTS:
        sums = [month_totals[(account, m)] for m in range(months) if (account, m) in month_totals]
        if sums:
            lines.append(f"#RES 0 {account} {sum(sums, Decimal(0)):.2f}")
    for account in ACCOUNTS:
        for m in range(months):
            if (account, m) in month_totals:
                lines.append(
                    f"#PSALDO 0 {year}{m + 1:02d} {account} {{}} {month_totals[(account, m)]:.2f}"
                )
    lines.extend(balances)
    return _pc8("\n".join(lines) + "\n").encode("cp437")


def files(cal: DemoCalendar) -> list[tuple[str, bytes]]:
    """(filename, bytes) of the closed year and of this year to date (none
    for this year in January)."""
    last = cal.last_year
    result = [
        (
            f"sjobacka_{last}.se",
            sie_file(last, 12, datetime.date(last + 1, 1, 1), year_index=0),
        )
    ]
    closed = cal.today.month - 1
    if cal.this_year == last + 1 and closed:
        generated = cal.today.replace(day=1)
        result.append(
            (
                f"sjobacka_{cal.this_year}_{closed:02d}.se",
                sie_file(cal.this_year, closed, generated, year_index=1),
            )
        )
    return result


# --- Loading ----------------------------------------------------------------------


def _budget_lines(ansvar_objects, rows, year: int, year_index: int) -> list[dict]:
    """Budget lines per ansvar, report row and month from the expected
    amounts, rounded to hundreds of kronor."""
    lines = []
    for ansvar in ANSVAR:
        per_row: dict[int, list[float]] = {}
        for account, months in expected(ansvar, year_index).items():
            row = next((row for row in rows for r in row.ranges.all() if r.contains(account)), None)
            if row is None:
                continue
            sums = per_row.setdefault(row.pk, [0.0] * 12)
            for m, v in enumerate(months):
                sums[m] += v
        for row_pk, months in per_row.items():
            for m, v in enumerate(months):
                lines.append(
                    {
                        "row": next(r for r in rows if r.pk == row_pk),
                        "ansvar": ansvar_objects[ansvar.code],
                        "period": datetime.date(year, m + 1, 1),
                        "amount": Decimal(round(v, -2)),
                    }
                )
    return lines


def _year_budgets(root, cal, year, year_index, ansvar_objects, rows, summary) -> None:
    existing = set(
        BudgetVersion.objects.filter(
            organisation=root, year_start=datetime.date(year, 1, 1)
        ).values_list("kind", flat=True)
    )
    start = datetime.date(year, 1, 1)
    detailed = _budget_lines(ansvar_objects, rows, year, year_index)
    if BudgetKind.RAMBUDGET not in existing:
        # The nämnder's ramar, on each förvaltning's ledning, per row.
        ram: dict[tuple, Decimal] = {}
        leader = {code: f"1{code}" for code in FORVALTNINGAR}
        for line in detailed:
            unit_code = next(a.unit for a in ANSVAR if a.code == line["ansvar"].code)
            forvaltning = next((f for f in FORVALTNINGAR if unit_code.startswith(f[:1])), "1100")
            key = (leader[forvaltning], line["row"].pk, line["period"])
            ram[key] = ram.get(key, Decimal(0)) + line["amount"] * Decimal("0.99")
        rows_by_pk = {r.pk: r for r in rows}
        economy.budget_version_create(
            actor=access.SYSTEM,
            organisation=root,
            year_start=start,
            kind=BudgetKind.RAMBUDGET,
            decided_on=datetime.date(year - 1, 6, 15),
            decided_by="Kommunfullmäktige",
            reason=f"Mål och budget {year}, ramar per nämnd.",
            lines=[
                {
                    "row": rows_by_pk[row_pk],
                    "ansvar": ansvar_objects[code],
                    "period": period,
                    "amount": amount.quantize(Decimal(1)),
                }
                for (code, row_pk, period), amount in ram.items()
            ],
        )
        summary.budget_versions_created += 1
    if BudgetKind.FASTSTALLD not in existing:
        economy.budget_version_create(
            actor=access.SYSTEM,
            organisation=root,
            year_start=start,
            kind=BudgetKind.FASTSTALLD,
            decided_on=datetime.date(year - 1, 11, 25),
            decided_by="Kommunfullmäktige",
            reason=f"Detaljbudget {year} per ansvar, fastställd av nämnderna.",
            lines=detailed,
        )
        summary.budget_versions_created += 1
    decided = datetime.date(year, *REALLOCATION_DECIDED)
    if BudgetKind.OMFORDELNING not in existing and decided < cal.today:
        staff = next(r for r in rows if r.name == "Personalkostnader")
        per_month = (REALLOCATION_AMOUNT / 7).quantize(Decimal(1))
        moved = []
        for line in detailed:
            line = dict(line)
            if line["row"] == staff and line["period"].month >= 6:
                if line["ansvar"].code == REALLOCATION_TO:
                    line["amount"] += per_month
                elif line["ansvar"].code == REALLOCATION_FROM:
                    line["amount"] -= per_month
            moved.append(line)
        economy.budget_version_create(
            actor=access.SYSTEM,
            organisation=root,
            year_start=start,
            kind=BudgetKind.OMFORDELNING,
            decided_on=decided,
            decided_by="Barn- och utbildningsnämnden",
            reason=REALLOCATION_REASON,
            lines=moved,
        )
        summary.budget_versions_created += 1


def load_ledger(root: Unit, units: dict[str, Unit], cal: DemoCalendar) -> LedgerSummary:
    """Import what is missing of the ledger and make the budgets; a second
    run finds everything in place and writes nothing."""
    summary = LedgerSummary(ansvar=len(ANSVAR))
    actor = access.SYSTEM
    if not root.org_number:
        organisation_services.unit_update(
            actor=actor,
            unit=root,
            version=root.version,
            name=root.name,
            code=root.code,
            unit_type=root.unit_type,
            valid_from=root.valid_from,
            org_number=ORG_NUMBER,
        )
        root.refresh_from_db()
        summary.org_number_set = True
    for index, (filename, data) in enumerate(files(cal)):
        result = import_sie(actor=actor, organisation=root, data=data, filename=filename)
        if not result.already_imported:
            summary.files_imported += 1
        last = result.record.last_period if result.record else None
        if last is not None:
            summary.months.append(f"{last:%Y-%m}")
        if index == 0:
            _map_ansvar(root, units, cal, summary)
        ratios.after_import(result, organisation=root, actor=actor)
    _pension_commitment(root, cal, summary)
    ansvar_objects = {
        o.code: o
        for o in DimensionObject.objects.filter(
            dimension__organisation=root,
            dimension__kind=DimensionKind.ANSVAR,
            code__in=[a.code for a in ANSVAR],
        )
    }
    rows = list(ReportRow.objects.filter(organisation=root).prefetch_related("ranges"))
    for year_index, year in enumerate((cal.last_year, cal.this_year)):
        if year_index and year != cal.last_year + 1:
            break
        _year_budgets(root, cal, year, year_index, ansvar_objects, rows, summary)
    return summary


def _pension_commitment(root, cal, summary) -> None:
    """The closed year's ansvarsförbindelse for pensions, such that soliditet
    including all pension commitments is the annual report's."""
    start = datetime.date(cal.last_year, 1, 1)
    if PensionCommitment.objects.filter(organisation=root, year_start=start).exists():
        return
    solidity = ratios.financial_ratios(root, start).get(ratios.SOLIDITY)
    if solidity.numerator is None or not solidity.denominator:
        return
    amount = solidity.numerator - solidity.denominator * SOLIDITY_WITH_PENSIONS / 100
    ratios.pension_commitment_set(
        actor=access.SYSTEM,
        organisation=root,
        year_start=start,
        amount=(amount / 100000).quantize(Decimal(1)) * 100000,
        version=0,
    )
    summary.pension_commitment_set = True


def _map_ansvar(root, units, cal, summary) -> None:
    mapped = set(
        AnsvarMapping.objects.filter(ansvar__dimension__organisation=root).values_list(
            "ansvar__code", flat=True
        )
    )
    objects = {
        o.code: o
        for o in DimensionObject.objects.filter(
            dimension__organisation=root, dimension__kind=DimensionKind.ANSVAR
        )
    }
    for ansvar in ANSVAR:
        if ansvar.code in mapped:
            continue
        economy.mapping_create(
            actor=access.SYSTEM,
            ansvar=objects[ansvar.code],
            unit=units[ansvar.unit],
            valid_from=datetime.date(cal.last_year, 1, 1),
        )
        summary.mappings_created += 1
