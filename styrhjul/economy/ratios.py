"""Financial ratios (finansiella nyckeltal) from the imported year balances
(#RES, #UB) of a fiscal year, with the account ranges of the municipal
chart of accounts Kommun-Bas (docs/ekonomi.md, docs/nyckeltal.md):

- årets resultat as a share of skatteintäkter och generella statsbidrag
  (Kolada N03102);
- soliditet: eget kapital as a share of total tillgångar (Kolada N03106);
- soliditet including all pension commitments: eget kapital less the
  ansvarsförbindelse for pensions earned before 1998, which lies outside
  the balance sheet and is entered per year (PensionCommitment; Kolada
  N03002);
- nettokostnadsandel: verksamhetens nettokostnader (with avskrivningar) as
  a share of skatteintäkter och generella statsbidrag (Kolada N03100).

An indicator whose källa is "Beräknas" and whose Kolada-id is one of these
gets its values from here (`recompute_ratio_indicators`, called after each
SIE import), and Kolada gives the comparison municipalities as for any
indicator with a Kolada-id. Amounts in the ledger's sign: revenue and
liabilities negative, costs and assets positive."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max

from styrhjul.charts.numbers import format_number
from styrhjul.core.concurrency import lock_for_edit, save_edited, use_case
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import IndicatorSource, Item, Periodicity

from .investments import ensure_default_investment_rows
from .models import PensionCommitment, Utfall, YearBalance

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# Kommun-Bas account groups, compared on their leading digits (as AccountRange).
Ranges = tuple[tuple[str, str], ...]
# Skatteintäkter (80), generella statsbidrag och utjämning (82), avgifter i
# utjämningssystemen (83).
TAXES: Ranges = (("80", "83"),)
# Verksamhetens intäkter och kostnader with avskrivningar: classes 3–7.
OPERATIONS: Ranges = (("30", "79"),)
# Every result account but the closing entry of the year's result (8999),
# which some ledgers book on a result account.
RESULT: Ranges = (("30", "88"), ("890", "898"), ("8990", "8998"))
# Tillgångar: class 1.
ASSETS: Ranges = (("10", "19"),)
# Avsättningar (22) and skulder (23–29); eget kapital is tillgångar less these,
# so it holds the year's result also before it is booked on class 20.
LIABILITIES: Ranges = (("22", "29"),)

RESULT_SHARE = "resultat"
SOLIDITY = "soliditet"
SOLIDITY_PENSIONS = "soliditet_pensioner"
NET_COST_SHARE = "nettokostnadsandel"

# Ratio code → Kolada KPI id (verified against Kolada's list of KPIs; see
# docs/nyckeltal.md).
KOLADA_KPI = {
    RESULT_SHARE: "N03102",
    SOLIDITY: "N03106",
    SOLIDITY_PENSIONS: "N03002",
    NET_COST_SHARE: "N03100",
}
RATIO_OF_KPI = {kpi: code for code, kpi in KOLADA_KPI.items()}


def _contains(ranges: Ranges, account: str) -> bool:
    return any(first <= account[: len(first)] <= last[: len(first)] for first, last in ranges)


def ranges_text(ranges: Ranges) -> str:
    return ", ".join(first if first == last else f"{first}–{last}" for first, last in ranges)


@dataclass
class Ratio:
    """A ratio in percent with what it is computed from: the numerator and
    denominator in kronor (shown positive where the ratio is), what they
    are, and the accounts used."""

    code: str
    name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    numerator_label: str
    denominator_label: str
    accounts: list[str] = field(default_factory=list)
    ranges: str = ""
    note: str = ""

    @property
    def kolada_kpi(self) -> str:
        return KOLADA_KPI[self.code]

    @property
    def percent(self) -> str:
        """The value as shown: "2,4 %", "–" when it cannot be computed."""
        return "–" if self.value is None else f"{format_number(self.value, 1)} %"


@dataclass
class FinancialRatios:
    organisation: Unit
    year_start: datetime.date
    year_end: datetime.date | None
    last_period: datetime.date | None  # the last month with utfall
    ratios: list[Ratio]
    pension_commitment: PensionCommitment | None = None

    @property
    def complete(self) -> bool:
        """The whole fiscal year is booked (its last month has utfall)."""
        return (
            self.year_end is not None
            and self.last_period is not None
            and (self.last_period.year, self.last_period.month)
            == (self.year_end.year, self.year_end.month)
        )

    def get(self, code: str) -> Ratio:
        return next(r for r in self.ratios if r.code == code)


def _percent(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator / denominator * HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)


def financial_ratios(organisation: Unit, year_start: datetime.date) -> FinancialRatios:
    """The financial ratios of the organisation's fiscal year beginning
    year_start, from its #RES (result accounts) and #UB (balance accounts)
    without objects. A ratio whose figures are missing has value None and a
    note saying why. Three queries."""
    res: dict[str, Decimal] = defaultdict(Decimal)
    ub: dict[str, Decimal] = defaultdict(Decimal)
    year_end = None
    for kind, number, amount, end in YearBalance.objects.filter(
        organisation=organisation,
        year_start=year_start,
        kind__in=[YearBalance.Kind.RES, YearBalance.Kind.UB],
        object_key="",
    ).values_list("kind", "account__number", "amount", "year_end"):
        (res if kind == YearBalance.Kind.RES else ub)[number] += amount
        year_end = end
    last_period = Utfall.objects.filter(organisation=organisation, year_start=year_start).aggregate(
        last=Max("period")
    )["last"]
    commitment = PensionCommitment.objects.filter(
        organisation=organisation, year_start=year_start
    ).first()

    def total(balances: dict[str, Decimal], ranges: Ranges) -> tuple[Decimal | None, list[str]]:
        used = sorted(n for n in balances if _contains(ranges, n))
        return (sum((balances[n] for n in used), ZERO) if used else None), used

    taxes, tax_accounts = total(res, TAXES)
    taxes = None if taxes is None else -taxes
    result, result_accounts = total(res, RESULT)
    result = None if result is None else -result
    operations, operation_accounts = total(res, OPERATIONS)
    assets, asset_accounts = total(ub, ASSETS)
    liabilities, liability_accounts = total(ub, LIABILITIES)
    equity = None if assets is None else assets + (liabilities or ZERO)

    tax_label = "Skatteintäkter, generella statsbidrag och utjämning"
    missing_taxes = (
        f"Inga skatteintäkter eller generella statsbidrag (konto {ranges_text(TAXES)}) "
        "i årets resultaträkning."
        if not taxes
        else ""
    )
    missing_assets = (
        f"Inga tillgångar (konto {ranges_text(ASSETS)}) i årets utgående balans."
        if not assets
        else ""
    )
    with_pensions = None
    pension_note = missing_assets
    if commitment is None:
        pension_note = pension_note or (
            "Ansvarsförbindelsen för pensioner intjänade före 1998 är inte angiven för året."
        )
    elif equity is not None:
        with_pensions = equity - commitment.amount
    ratios = [
        Ratio(
            RESULT_SHARE,
            "Årets resultat som andel av skatteintäkter och generella statsbidrag",
            _percent(result, taxes),
            result,
            taxes,
            "Årets resultat",
            tax_label,
            sorted(set(result_accounts)),
            f"{ranges_text(RESULT)} (resultat), {ranges_text(TAXES)} (skatter och bidrag)",
            missing_taxes,
        ),
        Ratio(
            SOLIDITY,
            "Soliditet",
            _percent(equity, assets),
            equity,
            assets,
            "Eget kapital (tillgångar minus avsättningar och skulder)",
            "Tillgångar",
            sorted(set(asset_accounts) | set(liability_accounts)),
            f"{ranges_text(ASSETS)} (tillgångar), {ranges_text(LIABILITIES)} "
            "(avsättningar och skulder)",
            missing_assets,
        ),
        Ratio(
            SOLIDITY_PENSIONS,
            "Soliditet inklusive samtliga pensionsförpliktelser",
            _percent(with_pensions, assets),
            with_pensions,
            assets,
            "Eget kapital minus ansvarsförbindelsen för pensioner intjänade före 1998",
            "Tillgångar",
            sorted(set(asset_accounts) | set(liability_accounts)),
            f"{ranges_text(ASSETS)}, {ranges_text(LIABILITIES)} och den angivna "
            "ansvarsförbindelsen",
            pension_note,
        ),
        Ratio(
            NET_COST_SHARE,
            "Nettokostnadsandel",
            _percent(operations, taxes),
            operations,
            taxes,
            "Verksamhetens nettokostnader (med avskrivningar)",
            tax_label,
            sorted(set(operation_accounts) | set(tax_accounts)),
            f"{ranges_text(OPERATIONS)} (verksamheten), {ranges_text(TAXES)} (skatter och bidrag)",
            missing_taxes,
        ),
    ]
    return FinancialRatios(organisation, year_start, year_end, last_period, ratios, commitment)


def ledger_years(organisation: Unit) -> list[datetime.date]:
    """The fiscal years with year balances, latest first."""
    return sorted(
        set(
            YearBalance.objects.filter(organisation=organisation)
            .values_list("year_start", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def ratio_indicators(organisation: Unit) -> list[Item]:
    """The organisation's indicators computed from the ledger: källa
    "Beräknas" and a financial ratio's Kolada-id; per series the copy of
    the latest model year."""
    items = (
        Item.objects.filter(
            kind=ItemKind.INDICATOR,
            source=IndicatorSource.COMPUTED,
            kolada_kpi__in=list(RATIO_OF_KPI),
            plan__plan_type__model__organisation=organisation,
            archived_at__isnull=True,
        )
        .select_related("plan")
        .order_by("series", "-plan__plan_type__model__year", "pk")
    )
    latest: dict = {}
    for item in items:
        latest.setdefault(item.series, item)
    return list(latest.values())


@use_case
def recompute_ratio_indicators(organisation: Unit, *, actor=None) -> int:
    """Store the financial ratios of every fiscal year in the ledger as the
    values of the organisation's ratio indicators (source "Beräknat ur
    bokföringen"), for the unit that owns each indicator. A complete year
    is the year's value; a year still being booked is stored for its last
    month (e.g. 2026-08) for indicators followed up during the year. Call
    it after an SIE import or after the ansvarsförbindelse is changed;
    returns the number of values written or changed."""
    items = ratio_indicators(organisation)
    if not items:
        return 0
    computed = [financial_ratios(organisation, start) for start in ledger_years(organisation)]
    existing = {
        (v.item_id, v.unit_id, v.year, v.period): v
        for v in IndicatorValue.objects.filter(item__in=items)
    }
    changed = 0
    user = actor if getattr(actor, "pk", None) else None
    for item in items:
        code = RATIO_OF_KPI[item.kolada_kpi]
        for ratios in computed:
            if ratios.last_period is None and ratios.year_end is None:
                continue
            if ratios.complete:
                period = ""
            elif item.periodicity != Periodicity.YEAR and ratios.last_period is not None:
                period = f"{ratios.last_period:%Y-%m}"
            else:
                continue
            value = ratios.get(code).value
            key = (item.pk, item.plan.unit_id, ratios.year_start.year, period)
            row = existing.get(key)
            if row is None:
                if value is None:
                    continue
                row = IndicatorValue(
                    item=item, unit_id=item.plan.unit_id, year=key[2], period=period
                )
            elif row.value == value and row.source == ValueSource.LEDGER:
                continue
            row.value = value
            row.value_women = row.value_men = None
            row.source = ValueSource.LEDGER
            row.note = "Beräknat ur bokföringen" + (f" till och med {period}" if period else "")
            row.updated_by = user
            row.save()
            changed += 1
    return changed


@use_case
def pension_commitment_set(
    *, actor, organisation: Unit, year_start: datetime.date, amount: Decimal, version: int
) -> PensionCommitment:
    """Enter (or change) the ansvarsförbindelse for pensions of a fiscal
    year; the ratio indicators are recomputed. EditConflict when someone
    else changed it since `version` was read."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    if amount < 0:
        raise ValidationError({"amount": "Ansvarsförbindelsen kan inte vara negativ."})
    row = lock_for_edit(
        PensionCommitment, version, organisation=organisation, year_start=year_start
    )
    row.amount = amount
    save_edited(row, actor)
    recompute_ratio_indicators(organisation, actor=actor)
    return row


def after_import(result, *, organisation: Unit, actor=None) -> int:
    """What follows a successful SIE import (importing.ImportResult): the
    default investment rows when there are none, and the ratio indicators
    recomputed. Nothing after a dry run or a file that was
    imported already."""
    if result is None or result.dry_run or result.already_imported or result.record is None:
        return 0
    ensure_default_investment_rows(organisation)
    return recompute_ratio_indicators(organisation, actor=actor)
