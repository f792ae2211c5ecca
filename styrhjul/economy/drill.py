"""Reads for the drill-down (nedbrytning): a unit's budget, utfall and
avvikelse for a month or the year to date, per report row and per child
(the sub-units, and the unit's own ansvar), then an ansvar's per account,
then an account's months and vouchers. The query count does not grow with
the number of ansvar, accounts or sub-units: everything is summed in one
pass over a few aggregated queries, as queries.unit_economy does.

Amounts as on the other economy pages: intäkter positive, kostnader
negative (the ledger's sign turned)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, Sum

from styrhjul.organisation.models import Unit

from .models import (
    Account,
    AnsvarMapping,
    Budget,
    BudgetVersion,
    DimensionObject,
    ReportRow,
    Utfall,
    VoucherLine,
)
from .queries import _row_of, amounts_by_row, fiscal_years, organisation_of

ZERO = Decimal(0)
MAX_VOUCHER_LINES = 500


@dataclass
class Figures:
    budget: Decimal = ZERO
    utfall: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.utfall - self.budget

    def add(self, which: str, amount: Decimal) -> None:
        # The ledger's sign turned: kostnader negative.
        setattr(self, which, getattr(self, which) - amount)


@dataclass
class RowLine:
    name: str
    is_total: bool
    figures: Figures


@dataclass
class Child:
    """A line of the table per child: a sub-unit, an ansvar or an account."""

    kind: str  # "unit", "ansvar" or "account"
    pk: int
    label: str
    figures: Figures = field(default_factory=Figures)
    row: str = ""  # for an account: its report row
    url: str | None = None  # set by the view: None when the user may not follow it


@dataclass
class Selection:
    """The months shown: one month, or the year to date up to it."""

    year_start: datetime.date | None
    month: datetime.date | None
    to_date: bool
    months: list[datetime.date]
    choices: list[datetime.date]  # the months of the year, to choose among

    def query(self) -> str:
        if self.month is None:
            return ""
        return f"?manad={self.month:%Y-%m}&urval={'hittills' if self.to_date else 'manad'}"


@dataclass
class Drill:
    selection: Selection
    rows: list[RowLine]
    children: list[Child]


def _year_months(start: datetime.date) -> list[datetime.date]:
    result, day = [], start.replace(day=1)
    for _ in range(12):
        result.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return result


def selection(organisation: Unit, month: datetime.date | None, to_date: bool) -> Selection:
    """The months for `month` (default: the latest month with utfall)."""
    years = sorted(fiscal_years(organisation))
    if month is None:
        month = Utfall.objects.filter(organisation=organisation).aggregate(m=Max("period"))["m"]
        if month is None and years:
            month = years[-1]
    if month is None:
        return Selection(None, None, to_date, [], [])
    start = max((y for y in years if y <= month), default=None)
    if start is None:
        start = month.replace(month=1)
    choices = _year_months(start)
    if month not in choices:
        start = month.replace(month=1)
        choices = _year_months(start)
    months = [m for m in choices if m <= month] if to_date else [month]
    return Selection(start, month, to_date, months, choices)


def _rows(organisation) -> list[ReportRow]:
    return list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))


def _row_lines(rows: list[ReportRow]) -> list[RowLine]:
    return [RowLine(r.name, r.is_total, Figures()) for r in rows]


def _finish_rows(lines: list[RowLine]) -> list[RowLine]:
    parts = [r for r in lines if not r.is_total]
    for line in lines:
        if line.is_total:
            line.figures = Figures(
                sum((p.figures.budget for p in parts), ZERO),
                sum((p.figures.utfall for p in parts), ZERO),
            )
    return lines


def _latest_version(organisation, year_start):
    return (
        BudgetVersion.objects.filter(organisation=organisation, year_start=year_start)
        .order_by("-created_at", "-pk")
        .first()
    )


def _amounts(organisation, sel: Selection, ansvar_ids, extra=()):
    """Utfall and budget summed per ansvar, account (or budget row) and month:
    (which, ansvar_id, account number, row_id, period, amount)."""
    utfall = (
        Utfall.objects.filter(
            organisation=organisation,
            period__in=sel.months,
            in_ansvar_sum=True,
            ansvar_id__in=ansvar_ids,
        )
        .values("ansvar_id", "account__number", "period")
        .annotate(total=Sum("amount"))
    )
    for item in utfall:
        yield (
            "utfall",
            item["ansvar_id"],
            item["account__number"],
            None,
            item["period"],
            item["total"],
        )
    version = _latest_version(organisation, sel.year_start)
    if version is None:
        return
    budget = (
        Budget.objects.filter(
            version=version, period__in=sel.months, in_ansvar_sum=True, ansvar_id__in=ansvar_ids
        )
        .values("ansvar_id", "account__number", "row_id", "period")
        .annotate(total=Sum("amount"))
    )
    for item in budget:
        yield (
            "budget",
            item["ansvar_id"],
            item["account__number"],
            item["row_id"],
            item["period"],
            item["total"],
        )


def _owners(unit_ids, sel: Selection):
    """ansvar id → [(unit id, valid_from, valid_to)] for the mappings to
    these units that cover part of the selection, and the ansvar's code and
    name."""
    first, last = sel.months[0], sel.months[-1]
    validity: dict[int, list] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for ansvar_id, unit_id, valid_from, valid_to, code, name in (
        AnsvarMapping.objects.filter(unit__in=unit_ids, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .values_list(
            "ansvar_id", "unit_id", "valid_from", "valid_to", "ansvar__code", "ansvar__name"
        )
    ):
        validity[ansvar_id].append((unit_id, valid_from, valid_to))
        names[ansvar_id] = (code, name)

    def owner(ansvar_id: int, period: datetime.date) -> int | None:
        # As on the unit's economy page: the unit the ansvar belongs to on
        # the first day of the month.
        return next(
            (u for u, f, t in validity[ansvar_id] if f <= period and (t is None or t >= period)),
            None,
        )

    return validity, names, owner


def unit_drill(unit: Unit, sel: Selection, organisation: Unit | None = None) -> Drill:
    """Per report row and per child (each sub-unit with what is below it,
    then each of the unit's own ansvar)."""
    organisation = organisation or organisation_of(unit)
    rows = _rows(organisation)
    lines = _row_lines(rows)
    if not sel.months:
        return Drill(sel, lines, [])
    subtree = {
        pk: (parent_id, name)
        for pk, parent_id, name in Unit.objects.descendants(unit, include_self=True).values_list(
            "pk", "parent_id", "name"
        )
    }
    validity, names, owner = _owners(list(subtree), sel)
    children: dict[tuple[str, int], Child] = {}
    for pk, (parent_id, name) in sorted(subtree.items(), key=lambda i: i[1][1]):
        if parent_id == unit.pk:
            children[("unit", pk)] = Child("unit", pk, name)
    for ansvar_id, spans in sorted(validity.items(), key=lambda i: names[i[0]][0]):
        if any(u == unit.pk for u, _f, _t in spans):
            code, name = names[ansvar_id]
            children[("ansvar", ansvar_id)] = Child("ansvar", ansvar_id, f"{code} {name}".strip())

    def child_of(unit_id: int, ansvar_id: int) -> Child | None:
        if unit_id == unit.pk:
            return children.get(("ansvar", ansvar_id))
        while subtree[unit_id][0] != unit.pk:
            unit_id = subtree[unit_id][0]
        return children.get(("unit", unit_id))

    for which, ansvar_id, period, row, amount in amounts_by_row(
        organisation,
        rows,
        months=sel.months,
        ansvar_ids=list(validity),
        version=_latest_version(organisation, sel.year_start),
    ):
        at = owner(ansvar_id, period)
        if at is None:
            continue
        lines[row].figures.add(which, amount)
        child = child_of(at, ansvar_id)
        if child is not None:
            child.figures.add(which, amount)
    return Drill(sel, _finish_rows(lines), list(children.values()))


def ansvar_of_unit(unit: Unit, ansvar_pk: int, sel: Selection) -> DimensionObject | None:
    """The ansvar if it belongs to the unit in the selected year."""
    months = sel.choices or sel.months
    query = AnsvarMapping.objects.filter(ansvar_id=ansvar_pk, unit=unit)
    if months:
        query = query.filter(valid_from__lte=months[-1]).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=months[0])
        )
    mapping = query.select_related("ansvar").first()
    return mapping.ansvar if mapping is not None else None


def ansvar_drill(unit: Unit, ansvar: DimensionObject, sel: Selection, organisation: Unit) -> Drill:
    """Per report row and per account, for the months the ansvar belongs to
    the unit."""
    rows = _rows(organisation)
    lines = _row_lines(rows)
    if not sel.months:
        return Drill(sel, lines, [])
    _validity, _names, owner = _owners([unit.pk], sel)
    row_of = _row_of(rows)
    row_index = {row.pk: i for i, row in enumerate(rows)}
    by_account: dict[str, Figures] = defaultdict(Figures)
    for which, _ansvar_id, number, row_id, period, amount in _amounts(
        organisation, sel, [ansvar.pk]
    ):
        row = row_index.get(row_id) if row_id is not None else row_of(number)
        if row is None or owner(ansvar.pk, period) != unit.pk:
            continue
        lines[row].figures.add(which, amount)
        if number is not None:
            by_account[number].add(which, amount)
    accounts = {
        a.number: a
        for a in Account.objects.filter(organisation=organisation, number__in=list(by_account))
    }
    children = [
        Child(
            "account",
            accounts[number].pk,
            str(accounts[number]),
            figures,
            row=_row_name(rows, row_of(number)),
        )
        for number, figures in sorted(by_account.items())
        if number in accounts
    ]
    return Drill(sel, _finish_rows(lines), children)


def _row_name(rows: list[ReportRow], index: int | None) -> str:
    return rows[index].name if index is not None else ""


@dataclass
class AccountDrill:
    selection: Selection
    months: list[tuple[datetime.date, Figures]]
    total: Figures
    vouchers: list[VoucherLine]
    voucher_count: int


def account_drill(
    unit: Unit, ansvar: DimensionObject, account: Account, sel: Selection, organisation: Unit
) -> AccountDrill:
    """The account's budget and utfall per month on the ansvar, and the
    period's voucher lines on the account and ansvar."""
    per_month = {m: Figures() for m in sel.months}
    if sel.months:
        _validity, _names, owner = _owners([unit.pk], sel)
        for which, _ansvar_id, number, _row_id, period, amount in _amounts(
            organisation, sel, [ansvar.pk]
        ):
            if number == account.number and owner(ansvar.pk, period) == unit.pk:
                per_month[period].add(which, amount)
    total = Figures(
        sum((f.budget for f in per_month.values()), ZERO),
        sum((f.utfall for f in per_month.values()), ZERO),
    )
    lines = VoucherLine.objects.filter(
        account=account,
        ansvar=ansvar,
        voucher__organisation=organisation,
        voucher__period__in=sel.months,
    )
    count = lines.count()
    shown = list(
        lines.select_related("voucher").order_by("voucher__date", "voucher__series", "pk")[
            :MAX_VOUCHER_LINES
        ]
    )
    return AccountDrill(sel, sorted(per_month.items()), total, shown, count)
