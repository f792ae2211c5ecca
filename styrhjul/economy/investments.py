"""The investeringsredovisning per projekt: budget and utfall to date of
each projekt (an object in the dimension used as projekt) on the accounts
of the investment rows, per projekt and unit, with totals.

The rows are data (InvestmentRow with InvestmentAccountRange) and get
Kommun-Bas defaults the first time they are read: investeringsutgifter on
the fixed assets of class 1 (10 immateriella, 11 mark, byggnader och
tekniska anläggningar, 12 maskiner och inventarier) and
investeringsinkomster on 2388 (offentliga bidrag till investeringar,
förutbetald intäkt). Only amounts booked on a projekt count. A projekt
belongs to the unit of the ansvar it is booked with (its mapping on the
first day of the report's last month); a projekt without ansvar is shown
for the organisation only. The budget is #PBUDGET per projekt in the
latest budget imported from the ledger, or for a projekt with an
investeringsbudget entered in Styrhjul for the year (InvestmentBudget,
services.investment_budget_save) that budget, spread evenly over the
months."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from styrhjul.organisation.models import Unit

from . import sie
from .models import (
    AnsvarMapping,
    Budget,
    BudgetKind,
    BudgetVersion,
    DimensionKind,
    DimensionObject,
    InvestmentAccountRange,
    InvestmentBudget,
    InvestmentRow,
    SieImport,
    Utfall,
)
from .queries import ledger_months, organisation_of

ZERO = Decimal(0)

# (name, is_income, [(first, last), …]) — Kommun-Bas, see docs/ekonomi.md.
DEFAULT_INVESTMENT_ROWS: list[tuple[str, bool, list[tuple[str, str]]]] = [
    ("Investeringsutgifter", False, [("10", "12")]),
    ("Investeringsinkomster", True, [("2388", "2388")]),
]


def ensure_default_investment_rows(organisation: Unit) -> None:
    """The Kommun-Bas default investment rows for an organisation that has
    none (called after each SIE import, ratios.after_import)."""
    if InvestmentRow.objects.filter(organisation=organisation).exists():
        return
    for order, (name, is_income, ranges) in enumerate(DEFAULT_INVESTMENT_ROWS, 1):
        row = InvestmentRow.objects.create(
            organisation=organisation, order=order * 10, name=name, is_income=is_income
        )
        InvestmentAccountRange.objects.bulk_create(
            InvestmentAccountRange(row=row, first=first, last=last) for first, last in ranges
        )


def investment_rows(organisation: Unit) -> list[tuple[str, bool, list[tuple[str, str]]]]:
    """The organisation's investment rows as (name, is_income, ranges); the
    defaults while it has none saved."""
    rows = InvestmentRow.objects.filter(organisation=organisation).prefetch_related("ranges")
    return [
        (row.name, row.is_income, [(r.first, r.last) for r in row.ranges.all()]) for row in rows
    ] or DEFAULT_INVESTMENT_ROWS


@dataclass
class ProjectFigures:
    """A projekt (on one unit): budget for the year and to date, utfall to
    date per investment row (income positive) and net (utgifter − inkomster)."""

    code: str
    name: str
    unit_pk: int | None
    unit_name: str
    budget_year: Decimal = ZERO
    budget_to_date: Decimal = ZERO
    by_row: list[Decimal] = field(default_factory=list)
    net: Decimal = ZERO
    row_names: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, Decimal]]:
        """(row name, utfall) per investment row."""
        return list(zip(self.row_names, self.by_row, strict=True))

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def remaining(self) -> Decimal:
        """Left of the year's budget (negative: spent more than budgeted)."""
        return self.budget_year - self.net

    @property
    def difference(self) -> Decimal:
        """Budget to date less utfall to date (negative: more than budgeted)."""
        return self.budget_to_date - self.net


@dataclass
class InvestmentReport:
    unit: Unit
    year_start: datetime.date | None
    period_end: datetime.date | None  # the last month included
    row_names: list[str]
    projects: list[ProjectFigures]
    years: list[datetime.date]
    has_budget: bool = False

    @property
    def total(self) -> ProjectFigures:
        total = ProjectFigures(
            "", "Summa", None, "", by_row=[ZERO] * len(self.row_names), row_names=self.row_names
        )
        for p in self.projects:
            total.budget_year += p.budget_year
            total.budget_to_date += p.budget_to_date
            total.net += p.net
            total.by_row = [a + b for a, b in zip(total.by_row, p.by_row, strict=True)]
        return total

    def per_unit(self) -> list[tuple[str, list[ProjectFigures], ProjectFigures]]:
        """Projects grouped by unit (name, projects, subtotal), units by name,
        projects without a unit last."""
        groups: dict[tuple, list[ProjectFigures]] = defaultdict(list)
        for p in self.projects:
            groups[(p.unit_pk is None, p.unit_name, p.unit_pk)].append(p)
        result = []
        for (_none, name, _pk), projects in sorted(groups.items(), key=lambda g: g[0][:2]):
            sub = InvestmentReport(self.unit, None, None, self.row_names, projects, []).total
            sub.name = f"Summa {name}" if name else "Summa utan enhet"
            result.append((name or "Utan enhet", projects, sub))
        return result


def investment_years(organisation: Unit) -> list[datetime.date]:
    """Fiscal years with utfall or a budget imported from the ledger."""
    starts = {start for _period, start in ledger_months(organisation)} | set(
        BudgetVersion.objects.filter(organisation=organisation, kind=BudgetKind.IMPORTED)
        .values_list("year_start", flat=True)
        .distinct()
    )
    return sorted(starts, reverse=True)


def _projekt_code(object_key: str, dims: set[int]) -> str | None:
    for part in object_key.split():
        dim, _sep, code = part.partition(":")
        if dim.isdigit() and int(dim) in dims:
            return code
    return None


def investment_report(
    organisation_or_unit: Unit,
    year_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    *,
    organisation: Unit | None = None,
) -> InvestmentReport:
    """Budget and utfall to date per projekt and unit for the unit (with its
    sub-units; the organisation: every projekt) in the fiscal year
    beginning year_start (default: the latest), up to and including the
    month of period_end (default: the last month with utfall). A fixed
    number of queries whatever the number of projekt. `organisation`: the
    unit's, when the caller has it already."""
    unit = organisation_or_unit
    organisation = organisation or organisation_of(unit)
    rows = investment_rows(organisation)
    names = [name for name, _income, _ranges in rows]
    years = investment_years(organisation)
    if year_start is None or year_start not in years:
        year_start = years[0] if years else None
    if year_start is None:
        return InvestmentReport(unit, None, None, names, [], years)
    months = []
    day = year_start
    for _ in range(12):
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    if period_end is None:
        last = (
            Utfall.objects.filter(organisation=organisation, year_start=year_start)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        period_end = last or months[-1]
    period_end = period_end.replace(day=1)
    ranges = [(index, r) for index, (_n, _i, row_ranges) in enumerate(rows) for r in row_ranges]
    row_cache: dict[str, int | None] = {}

    def row_of(number: str) -> int | None:
        if number not in row_cache:
            row_cache[number] = next(
                (
                    i
                    for i, (first, last) in ranges
                    if first <= number[: len(first)] <= last[: len(first)]
                ),
                None,
            )
        return row_cache[number]

    projekt_dims = set(
        DimensionObject.objects.filter(
            dimension__organisation=organisation, dimension__kind=DimensionKind.PROJEKT
        )
        .values_list("dimension__number", flat=True)
        .distinct()
    )
    if not projekt_dims:
        return InvestmentReport(unit, year_start, period_end, names, [], years)
    project_q = Q()
    for dim in projekt_dims:
        project_q |= Q(object_key__contains=f"{dim}:")
    conventions = {
        pk: (summary or {}).get("convention", sie.TOTAL)
        for pk, summary in SieImport.objects.filter(organisation=organisation).values_list(
            "pk", "summary"
        )
    }

    # Per (utfall or budget, convention, period, account, projekt): the rows
    # with the projekt alone and those with it among other objects. CELLS:
    # every row is its own combination, so all count; TOTAL: the row with
    # the projekt alone is its total and the combinations break it down, so
    # the combinations count only when there is no such row.
    candidates: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))

    def add(which, convention, object_key, code, ansvar_id, row, period, amount) -> None:
        alone = object_key == f"{_dim_of(object_key, projekt_dims)}:{code}"
        entry = (which, code, ansvar_id, row, period, amount)
        candidates[(which, convention, period, row, code)][0 if alone else 1].append(entry)

    # (projekt code, unit id or None) → figures; and projekt → an ansvar.
    figures: dict[tuple[str, int | None], ProjectFigures] = {}
    ansvar_of_projekt: dict[str, int] = {}
    for object_key, ansvar_id, number, source_id, period, amount in (
        Utfall.objects.filter(
            organisation=organisation, year_start=year_start, period__lte=period_end
        )
        .filter(project_q)
        .values_list("object_key", "ansvar_id", "account__number", "source_id", "period")
        .annotate(total=Sum("amount"))
    ):
        code = _projekt_code(object_key, projekt_dims)
        row = row_of(number)
        if code is None or row is None:
            continue
        if ansvar_id is not None:
            ansvar_of_projekt.setdefault(code, ansvar_id)
        convention = conventions.get(source_id, sie.TOTAL)
        add("utfall", convention, object_key, code, ansvar_id, row, period, amount)
    version = (
        BudgetVersion.objects.filter(
            organisation=organisation, year_start=year_start, kind=BudgetKind.IMPORTED
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if version is not None:
        convention = conventions.get(version.source_id, sie.TOTAL)
        for object_key, ansvar_id, number, period, amount in (
            Budget.objects.filter(version=version, account__isnull=False)
            .filter(project_q)
            .values_list("object_key", "ansvar_id", "account__number", "period")
            .annotate(total=Sum("amount"))
        ):
            code = _projekt_code(object_key, projekt_dims)
            row = row_of(number)
            if code is None or row is None:
                continue
            if ansvar_id is not None:
                ansvar_of_projekt.setdefault(code, ansvar_id)
            add("budget", convention, object_key, code, ansvar_id, row, period, amount)
    entries = []
    for (_which, convention, *_rest), (alone, combined) in candidates.items():
        entries.extend(alone + combined if convention == sie.CELLS else alone or combined)
    # An investeringsbudget entered for the year replaces the ledger's for
    # its projekt: twelve even months in place of its #PBUDGET.
    entered = {
        code: amount
        for code, amount in InvestmentBudget.objects.filter(
            organisation=organisation, year_start=year_start
        ).values_list("projekt__code", "amount")
    }
    if entered:
        entries = [e for e in entries if not (e[0] == "budget" and e[1] in entered)]
        for code, amount in entered.items():
            share = (amount / 12).quantize(Decimal("0.01"))
            for index, month in enumerate(months):
                part = amount - share * 11 if index == 11 else share
                entries.append(("budget", code, ansvar_of_projekt.get(code), 0, month, part))

    subtree = dict(Unit.objects.descendants(unit, include_self=True).values_list("pk", "name"))
    owner: dict[int, int] = {}
    for ansvar_id, unit_id in (
        AnsvarMapping.objects.filter(ansvar_id__in=set(ansvar_of_projekt.values()))
        .filter(valid_from__lte=period_end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period_end))
        .values_list("ansvar_id", "unit_id")
    ):
        owner[ansvar_id] = unit_id
    unit_names = dict(Unit.objects.filter(pk__in=set(owner.values())).values_list("pk", "name"))
    project_names = dict(
        DimensionObject.objects.filter(
            dimension__organisation=organisation, dimension__number__in=projekt_dims
        ).values_list("code", "name")
    )
    is_organisation = unit.pk == organisation.pk
    has_budget = False
    for which, code, ansvar_id, row, period, amount in entries:
        ansvar_id = ansvar_id if ansvar_id is not None else ansvar_of_projekt.get(code)
        unit_id = owner.get(ansvar_id) if ansvar_id is not None else None
        if unit_id is None and not is_organisation:
            continue
        if unit_id is not None and unit_id not in subtree and not is_organisation:
            continue
        key = (code, unit_id)
        p = figures.get(key)
        if p is None:
            p = figures[key] = ProjectFigures(
                code,
                project_names.get(code, ""),
                unit_id,
                unit_names.get(unit_id, "") if unit_id else "",
                by_row=[ZERO] * len(rows),
                row_names=names,
            )
        if which == "utfall":
            p.net += amount
            p.by_row[row] += -amount if rows[row][1] else amount
        else:
            has_budget = True
            p.budget_year += amount
            if period <= period_end:
                p.budget_to_date += amount
    projects = sorted(figures.values(), key=lambda p: (p.unit_name, p.code))
    return InvestmentReport(unit, year_start, period_end, names, projects, years, has_budget)


def _dim_of(object_key: str, dims: set[int]) -> int | None:
    for part in object_key.split():
        dim, _sep, _code = part.partition(":")
        if dim.isdigit() and int(dim) in dims:
            return int(dim)
    return None
