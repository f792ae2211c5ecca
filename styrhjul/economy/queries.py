"""Reads for the economy pages, with a query count that does not grow with
the number of ansvar, accounts or units.

A unit's figures are the sum over its ansvar and its sub-units' ansvar,
each ansvar counted in the months whose first day its mapping to the unit
covers. Amounts
are shown as in a driftredovisning: intäkter positive, kostnader negative
(the ledger's sign turned), so the nettokostnad of a unit that costs money
is negative."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum

from styrhjul.organisation.models import Unit
from styrhjul.planning import queries as planning_queries

from .models import (
    AnsvarMapping,
    Budget,
    BudgetByRow,
    BudgetVersion,
    DimensionKind,
    DimensionObject,
    ReportRow,
    SieImport,
    Utfall,
    UtfallByRow,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")


def as_shown(ledger_amount: Decimal | None) -> Decimal | None:
    """An amount with the ledger's sign (kostnader positive) as every
    economy page shows it, as in a driftredovisning: intäkter positive,
    kostnader negative. The one rule of the sign on a page; the pages read
    it through the template filter `shown`, or get amounts already turned
    from unit_economy and the drill-down. Imports and exports keep the
    ledger's sign, as the ledger writes it."""
    return None if ledger_amount is None else -ledger_amount


def organisation_of(unit: Unit) -> Unit:
    """The unit's organisation (the root of its tree): no query for a root,
    one for a unit read with its tree fields (`Unit.objects.with_tree_fields()`)."""
    return planning_queries.organisation_of(unit)


@dataclass
class RowFigures:
    name: str
    is_total: bool
    budget: list[Decimal] = field(default_factory=list)
    utfall: list[Decimal | None] = field(default_factory=list)
    by_month: list[tuple[datetime.date, Decimal, Decimal | None]] = field(default_factory=list)
    row_id: int | None = None  # the ReportRow's id

    @property
    def budget_year(self) -> Decimal:
        return sum(self.budget, ZERO)

    def to_date(self, months: int) -> tuple[Decimal, Decimal]:
        """Budget and utfall for the first `months` months."""
        return (
            sum(self.budget[:months], ZERO),
            sum((u or ZERO for u in self.utfall[:months]), ZERO),
        )


@dataclass
class PartFigures:
    """A sub-unit's nettokostnad to date (`own`: the unit's own ansvar)."""

    name: str
    unit_pk: int
    own: bool
    budget: Decimal
    utfall: Decimal

    @property
    def difference(self) -> Decimal:
        return self.utfall - self.budget

    @property
    def label(self) -> str:
        return f"{self.name} (egna ansvar)" if self.own else self.name


@dataclass
class EconomyTable:
    unit: Unit
    year_start: datetime.date | None
    months: list[datetime.date]
    rows: list[RowFigures]
    months_with_utfall: int
    ansvar_count: int
    years: list[datetime.date]
    parts: list[PartFigures] = field(default_factory=list)

    @property
    def budget_version(self):  # set by unit_economy
        return getattr(self, "_version", None)

    def months_to(self, day: datetime.date) -> int:
        """How many months "to date" means at `day`: the fiscal year's months
        through `day`'s month, but no further than the ledger has utfall, so
        that budget and utfall to date always cover the same months. The
        economy page, the economy task and the Månadsrapport all count so."""
        through = sum(1 for month in self.months if month <= day)
        return min(through, self.months_with_utfall)

    def to_date(self) -> list[tuple[RowFigures, Decimal, Decimal, Decimal]]:
        """Per row: budget to date, utfall to date and the difference."""
        result = []
        for row in self.rows:
            budget, utfall = row.to_date(self.months_with_utfall)
            result.append((row, budget, utfall, utfall - budget))
        return result


def ledger_months(organisation: Unit) -> list[tuple[datetime.date, datetime.date]]:
    """The months the ledger has utfall for, oldest first, each with the
    start of its fiscal year. One query that steps through the index on
    (organisation, period, year_start) a month at a time (a "loose index
    scan"), so it takes as long for a million rows of utfall as for ten;
    a DISTINCT over the rows would read them all."""
    table = connection.ops.quote_name(Utfall._meta.db_table)
    sql = f"""
        WITH RECURSIVE months(period) AS (
            SELECT MIN(period) FROM {table} WHERE organisation_id = %s
            UNION ALL
            SELECT (
                SELECT MIN(period) FROM {table}
                WHERE organisation_id = %s AND period > months.period
            )
            FROM months WHERE months.period IS NOT NULL
        )
        SELECT period, (
            SELECT year_start FROM {table} AS u
            WHERE u.organisation_id = %s AND u.period = months.period
            ORDER BY u.year_start LIMIT 1
        )
        FROM months WHERE period IS NOT NULL ORDER BY period
    """  # noqa: S608 - the table name comes from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk] * 3)
        return [(_date(period), _date(start)) for period, start in cursor.fetchall()]


def _date(value) -> datetime.date:
    # SQLite returns the dates of a raw query as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def fiscal_years(
    organisation: Unit, ledger: list[tuple[datetime.date, datetime.date]] | None = None
) -> list[datetime.date]:
    """The fiscal years with utfall or a budget, latest first (`ledger`: the
    organisation's ledger_months when the caller has read them)."""
    if ledger is None:
        ledger = ledger_months(organisation)
    starts = {start for _period, start in ledger} | set(
        BudgetVersion.objects.filter(organisation=organisation)
        .order_by()
        .values_list("year_start", flat=True)
        .distinct()
    )
    return sorted(starts, reverse=True)


def _months(start: datetime.date) -> list[datetime.date]:
    result, day = [], start.replace(day=1)
    for _ in range(12):
        result.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return result


def _row_of(rows: list[ReportRow]):
    """account number → index of its report row (the first row whose range
    holds it), None for accounts outside the driftredovisning."""
    ranges = [(index, r) for index, row in enumerate(rows) for r in row.ranges.all()]
    cache: dict[str, int | None] = {}

    def row_of(number: str) -> int | None:
        if number not in cache:
            cache[number] = next((i for i, r in ranges if r.contains(number)), None)
        return cache[number]

    return row_of


def unit_economy(
    unit: Unit, year_start: datetime.date | None = None, *, organisation: Unit | None = None
) -> EconomyTable:
    """Budget and utfall per report row and month for the unit with its
    sub-units, in the fiscal year beginning year_start (default: the latest)."""
    organisation = organisation or organisation_of(unit)
    ledger = ledger_months(organisation)
    years = fiscal_years(organisation, ledger)
    if year_start is None or year_start not in years:
        year_start = years[0] if years else None
    rows = list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    figures = [RowFigures(r.name, r.is_total, row_id=r.pk) for r in rows]
    if year_start is None:
        return EconomyTable(unit, None, [], figures, 0, 0, years)
    months = _months(year_start)
    first, last = months[0], months[-1]
    subtree = {
        pk: (parent_id, name)
        for pk, parent_id, name in Unit.objects.descendants(unit, include_self=True).values_list(
            "pk", "parent_id", "name"
        )
    }
    mappings = list(
        AnsvarMapping.objects.filter(unit__in=list(subtree), valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .values_list("ansvar_id", "unit_id", "valid_from", "valid_to")
    )
    validity: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for ansvar_id, unit_id, valid_from, valid_to in mappings:
        validity[ansvar_id].append((unit_id, valid_from, valid_to))

    def owner(ansvar_id: int, period: datetime.date) -> int | None:
        # A month's amount belongs to the unit the ansvar belongs to on the
        # first day of the month, so that no month is counted twice.
        return _owner_in(validity[ansvar_id], period)

    top = unit.pk
    parts_of: dict[int, int] = {}

    def part_of(unit_id: int) -> int:
        """The sub-unit directly below `unit` that unit_id is in (or unit)."""
        found = parts_of.get(unit_id)
        if found is None:
            found = unit_id
            while found != top and subtree[found][0] != top:
                found = subtree[found][0]
            parts_of[unit_id] = found
        return found

    # Nettokostnad per sub-unit and month: [budget × 12, utfall × 12].
    by_part: dict[int, list[list[Decimal]]] = {}

    def add_to_part(unit_id: int, month: int, which: int, amount: Decimal) -> None:
        figures_of = by_part.setdefault(part_of(unit_id), [[ZERO] * 12, [ZERO] * 12])
        figures_of[which][month] -= amount

    index = {m: i for i, m in enumerate(months)}
    for r in figures:
        r.budget = [ZERO] * 12
        r.utfall = [None] * 12
    seen_months = {m for m, start in ledger if start == year_start}
    for i, m in enumerate(months):
        if m in seen_months:
            for r in figures:
                if not r.is_total:
                    r.utfall[i] = ZERO
    version = (
        BudgetVersion.objects.filter(organisation=organisation, year_start=year_start)
        .order_by("-created_at", "-pk")
        .first()
    )
    for which, ansvar_id, period, row, total in amounts_by_row(
        organisation, rows, months=months, ansvar_ids=list(validity), version=version
    ):
        month = index.get(period)
        at = owner(ansvar_id, period) if month is not None else None
        if at is None:
            continue
        amount = total.quantize(CENT)
        if which == "utfall":
            figures[row].utfall[month] = (figures[row].utfall[month] or ZERO) - amount
            add_to_part(at, month, 1, amount)
        else:
            figures[row].budget[month] -= amount
            add_to_part(at, month, 0, amount)
    for row in figures:
        if row.is_total:
            parts = [r for r in figures if not r.is_total]
            row.budget = [sum((p.budget[i] for p in parts), ZERO) for i in range(12)]
            row.utfall = [
                None
                if all(p.utfall[i] is None for p in parts)
                else sum((p.utfall[i] or ZERO for p in parts), ZERO)
                for i in range(12)
            ]
    for row in figures:
        row.by_month = list(zip(months, row.budget, row.utfall, strict=True))
    months_with_utfall = max((i + 1 for i, m in enumerate(months) if m in seen_months), default=0)
    table = EconomyTable(
        unit, year_start, months, figures, months_with_utfall, len(validity), years
    )
    table._version = version
    table.parts = sorted(
        (
            PartFigures(
                name=subtree[pk][1],
                unit_pk=pk,
                own=pk == unit.pk,
                budget=sum(budget[:months_with_utfall], ZERO),
                utfall=sum(utfall[:months_with_utfall], ZERO),
            )
            for pk, (budget, utfall) in by_part.items()
        ),
        key=lambda p: (not p.own, p.name),
    )
    return table


def ansvar_objects(organisation: Unit):
    """The organisation's ansvar with their mappings, unmapped first."""
    mapped = AnsvarMapping.objects.filter(ansvar=OuterRef("pk"))
    return (
        DimensionObject.objects.filter(
            dimension__organisation=organisation, dimension__kind=DimensionKind.ANSVAR
        )
        .annotate(is_mapped=Exists(mapped))
        .prefetch_related("mappings__unit")
        .order_by("is_mapped", "code")
    )


def unmapped_ansvar(organisation: Unit):
    return ansvar_objects(organisation).filter(is_mapped=False)


def imports(organisation: Unit, limit: int = 20):
    return SieImport.objects.filter(organisation=organisation).select_related("imported_by")[:limit]


# --- Budget versions -------------------------------------------------------------


def fiscal_months(year_start: datetime.date) -> list[datetime.date]:
    """The first days of the twelve months of the fiscal year."""
    return _months(year_start)


def budget_versions(organisation: Unit, year_start: datetime.date) -> list[BudgetVersion]:
    """A fiscal year's budget versions, oldest first, each with its `total`
    (ledger sign) and `lines_count`; the last one is in force."""
    return list(
        BudgetVersion.objects.filter(organisation=organisation, year_start=year_start)
        .select_related("created_by")
        .annotate(total=Sum("lines__amount"), lines_count=Count("lines"))
        .order_by("created_at", "pk")
    )


def budget_in_force(organisation: Unit, year_start: datetime.date) -> BudgetVersion | None:
    """The latest version of the year: the budget that applies."""
    return (
        BudgetVersion.objects.filter(organisation=organisation, year_start=year_start)
        .order_by("-created_at", "-pk")
        .first()
    )


def version_total(version: BudgetVersion) -> Decimal:
    return Budget.objects.filter(version=version).aggregate(t=Sum("amount"))["t"] or ZERO


def budget_per_ansvar_and_row(version: BudgetVersion) -> dict[tuple[int, int], list[Decimal]]:
    """(ansvar pk, report row pk) → the version's twelve months (ledger
    sign), lines on accounts counted on their account's row."""
    organisation = version.organisation
    rows = list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    row_of = _row_of(rows)
    index = {m: i for i, m in enumerate(_months(version.year_start))}
    result: dict[tuple[int, int], list[Decimal]] = {}
    items = (
        Budget.objects.filter(version=version, ansvar__isnull=False, in_ansvar_sum=True)
        .values("ansvar_id", "row_id", "account__number", "period")
        .annotate(total=Sum("amount"))
    )
    for item in items:
        if item["row_id"] is not None:
            row_pk = item["row_id"]
        else:
            at = row_of(item["account__number"])
            if at is None:
                continue
            row_pk = rows[at].pk
        month = index.get(item["period"])
        if month is None:
            continue
        months = result.setdefault((item["ansvar_id"], row_pk), [ZERO] * 12)
        months[month] += item["total"]
    return result


def last_year_profiles(organisation: Unit, year_start: datetime.date):
    """Last fiscal year's utfall per month (ledger sign), as two maps:
    (ansvar pk, report row pk) → twelve amounts, and (ansvar pk, account
    number) → twelve amounts. The profile of the budget's spreading."""
    try:
        last_start = year_start.replace(year=year_start.year - 1)
    except ValueError:  # 29 February
        last_start = year_start.replace(year=year_start.year - 1, day=28)
    rows = list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    row_of = _row_of(rows)
    index = {m: i for i, m in enumerate(_months(last_start))}
    by_row: dict[tuple[int, int], list[Decimal]] = {}
    by_account: dict[tuple[int, str], list[Decimal]] = {}
    items = (
        Utfall.objects.filter(
            organisation=organisation,
            year_start=last_start,
            in_ansvar_sum=True,
            ansvar__isnull=False,
        )
        .values("ansvar_id", "account__number", "period")
        .annotate(total=Sum("amount"))
    )
    for item in items:
        month = index.get(item["period"])
        if month is None:
            continue
        number = item["account__number"]
        by_account.setdefault((item["ansvar_id"], number), [ZERO] * 12)[month] += item["total"]
        at = row_of(number)
        if at is not None:
            by_row.setdefault((item["ansvar_id"], rows[at].pk), [ZERO] * 12)[month] += item["total"]
    return by_row, by_account


@dataclass
class VersionTable:
    """A version's annual amounts per unit and report row (ledger sign), the
    ansvar without a unit on a line of their own (`unit` None)."""

    rows: list[ReportRow]
    units: list[tuple[Unit | None, list[Decimal], Decimal]]
    totals: list[Decimal]
    total: Decimal


def version_table(version: BudgetVersion) -> VersionTable:
    """The version's lines summed per unit (the unit an ansvar belongs to on
    the first day of each month) and report row."""
    organisation = version.organisation
    rows = [
        r
        for r in ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges")
        if not r.is_total
    ]
    months = _months(version.year_start)
    mappings = defaultdict(list)
    for ansvar_id, unit_id, valid_from, valid_to in AnsvarMapping.objects.filter(
        ansvar__dimension__organisation=organisation
    ).values_list("ansvar_id", "unit_id", "valid_from", "valid_to"):
        mappings[ansvar_id].append((unit_id, valid_from, valid_to))

    def owner(ansvar_id, period):
        return next(
            (
                u
                for u, f, t in mappings.get(ansvar_id, ())
                if f <= period and (t is None or t >= period)
            ),
            None,
        )

    row_of = _row_of(rows)
    position = {r.pk: i for i, r in enumerate(rows)}
    sums: dict[int | None, list[Decimal]] = {}
    items = (
        Budget.objects.filter(version=version)
        .values("ansvar_id", "row_id", "account__number", "period")
        .annotate(total=Sum("amount"))
    )
    other = ZERO
    for item in items:
        if item["row_id"] is not None:
            at = position.get(item["row_id"])
        else:
            at = row_of(item["account__number"])
        if at is None or item["period"] not in months:
            other += item["total"]
            continue
        unit_id = owner(item["ansvar_id"], item["period"]) if item["ansvar_id"] else None
        sums.setdefault(unit_id, [ZERO] * len(rows))[at] += item["total"]
    names = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in sums if k is not None])}
    units = sorted(
        ((names.get(k), v, sum(v, ZERO)) for k, v in sums.items()),
        key=lambda t: (t[0] is None, t[0].name if t[0] else ""),
    )
    totals = [sum((v[i] for _, v, _t in units), ZERO) for i in range(len(rows))]
    return VersionTable(rows, units, totals, sum(totals, ZERO))


def units_holding_ansvar(organisation: Unit, day: datetime.date) -> set[int]:
    """The ids of the organisation's units that hold at least one ansvar on
    `day` (by its AnsvarMapping). One query."""
    return set(
        AnsvarMapping.objects.filter(
            ansvar__dimension__organisation=organisation,
            ansvar__dimension__kind=DimensionKind.ANSVAR,
            valid_from__lte=day,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("unit_id", flat=True)
        .distinct()
    )


def year_start_of(organisation: Unit, day: datetime.date) -> datetime.date | None:
    """The start of the organisation's fiscal year holding `day` (among the
    years with utfall or budget), None when there is none."""
    return next(
        (
            start
            for start in fiscal_years(organisation)
            if start <= day < start.replace(year=start.year + 1)
        ),
        None,
    )


def amounts_by_row(
    organisation: Unit,
    rows: list[ReportRow],
    *,
    months: list[datetime.date],
    ansvar_ids: list[int],
    version: BudgetVersion | None = None,
):
    """Utfall and budget (of `version`) summed per ansvar and month for each
    report row that is not a total. Read from the sums per ansvar, month and
    row that economy.rowsums keeps (UtfallByRow, BudgetByRow), a few rows
    per ansvar and month rather than one per account, so that hundreds of
    ansvar stay quick. Yields (which, ansvar_id, period, row index, amount)
    with the ledger's sign; which is "utfall" or "budget". Two queries
    whatever the number of ansvar."""
    parts = [i for i, row in enumerate(rows) if not row.is_total]
    if not parts or not ansvar_ids or not months:
        return
    per_row = {f"r{i}": Sum("amount", filter=Q(row_id=rows[i].pk)) for i in parts}
    sources = [
        (
            "utfall",
            UtfallByRow.objects.filter(
                organisation=organisation, period__in=months, ansvar_id__in=ansvar_ids
            ),
        )
    ]
    if version is not None:
        sources.append(
            (
                "budget",
                BudgetByRow.objects.filter(
                    version=version, period__in=months, ansvar_id__in=ansvar_ids
                ),
            )
        )
    for which, query in sources:
        # n: something to group by even when no row has an amount.
        for item in query.values("ansvar_id", "period").annotate(**per_row, n=Count("pk")):
            for i in parts:
                amount = item[f"r{i}"]
                if amount is not None:
                    yield which, item["ansvar_id"], item["period"], i, amount


# --- An ansvar's own figures (the API's economy per ansvar) ---------------------------


@dataclass
class AnsvarEconomy:
    """An ansvar's budget and utfall per report row and month in a fiscal
    year (as on the economy pages: intäkter positive, kostnader negative),
    and the units it belongs to during the year. A month whose unit (the
    one the ansvar belongs to on the month's first day, as unit_economy
    counts it) the reader does not read has neither budget nor utfall
    (None); `owners` names each month's unit (None: none)."""

    ansvar: DimensionObject
    year_start: datetime.date | None
    months: list[datetime.date]
    rows: list[RowFigures]
    months_with_utfall: int
    mappings: list[tuple[int, datetime.date, datetime.date | None]]
    owners: list[int | None]
    budget_version: BudgetVersion | None


def _owner_in(spans, period: datetime.date) -> int | None:
    """The unit whose span (unit, valid_from, valid_to) covers the month's
    first day: the one rule of which unit a month of an ansvar belongs to."""
    return next((u for u, f, t in spans if f <= period and (t is None or t >= period)), None)


def ansvar_economy(
    ansvar: list[DimensionObject],
    year_start: datetime.date | None = None,
    readable: set[int] | None = None,
) -> list[AnsvarEconomy]:
    """Each ansvar's figures in the fiscal year beginning year_start
    (default: its organisation's latest), in the order given. `readable`:
    the units whose months are shown (None: every month). A fixed number of
    queries per organisation, however many ansvar (given with their
    dimension and its organisation, select_related("dimension__organisation"))."""
    by_organisation: dict[int, list[DimensionObject]] = defaultdict(list)
    for obj in ansvar:
        by_organisation[obj.dimension.organisation_id].append(obj)
    result: dict[int, AnsvarEconomy] = {}
    for objs in by_organisation.values():
        organisation = objs[0].dimension.organisation
        for found in _ansvar_economy_of(organisation, objs, year_start, readable):
            result[found.ansvar.pk] = found
    return [result[obj.pk] for obj in ansvar]


def _ansvar_economy_of(organisation, objs, year_start, readable) -> list[AnsvarEconomy]:
    ledger = ledger_months(organisation)
    years = fiscal_years(organisation, ledger)
    if year_start is None or year_start not in years:
        year_start = years[0] if years else None
    rows = list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    if year_start is None:
        return [
            AnsvarEconomy(
                obj,
                None,
                [],
                [RowFigures(r.name, r.is_total, row_id=r.pk) for r in rows],
                0,
                [],
                [],
                None,
            )
            for obj in objs
        ]
    months = _months(year_start)
    first, last = months[0], months[-1]
    spans: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for ansvar_id, unit_id, valid_from, valid_to in (
        AnsvarMapping.objects.filter(ansvar__in=objs, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .order_by("valid_from", "pk")
        .values_list("ansvar_id", "unit_id", "valid_from", "valid_to")
    ):
        spans[ansvar_id].append((unit_id, valid_from, valid_to))
    seen_months = {m for m, start in ledger if start == year_start}
    months_with_utfall = max((i + 1 for i, m in enumerate(months) if m in seen_months), default=0)
    version = budget_in_force(organisation, year_start)
    index = {m: i for i, m in enumerate(months)}
    tables: dict[int, AnsvarEconomy] = {}
    for obj in objs:
        owners = [_owner_in(spans[obj.pk], m) for m in months]
        shown = [readable is None or owner in readable for owner in owners]
        figures = [RowFigures(r.name, r.is_total, row_id=r.pk) for r in rows]
        for row in figures:
            row.budget = [ZERO if shown[i] else None for i in range(12)]
            row.utfall = [
                ZERO if shown[i] and months[i] in seen_months and not row.is_total else None
                for i in range(12)
            ]
        tables[obj.pk] = AnsvarEconomy(
            obj, year_start, months, figures, months_with_utfall, spans[obj.pk], owners, version
        )
    for which, ansvar_id, period, row, total in amounts_by_row(
        organisation, rows, months=months, ansvar_ids=list(tables), version=version
    ):
        month = index.get(period)
        table = tables[ansvar_id]
        if month is None or table.rows[row].budget[month] is None:
            continue  # a month the reader does not read
        amount = total.quantize(CENT)
        figures_of = table.rows[row]
        if which == "utfall":
            figures_of.utfall[month] = (figures_of.utfall[month] or ZERO) - amount
        else:
            figures_of.budget[month] -= amount
    for table in tables.values():
        parts = [r for r in table.rows if not r.is_total]
        for row in table.rows:
            if row.is_total:
                row.budget = [
                    None
                    if any(p.budget[i] is None for p in parts)
                    else sum((p.budget[i] for p in parts), ZERO)
                    for i in range(12)
                ]
                row.utfall = [
                    None
                    if all(p.utfall[i] is None for p in parts)
                    else sum((p.utfall[i] or ZERO for p in parts), ZERO)
                    for i in range(12)
                ]
    return list(tables.values())
