"""The sums per ansvar, month and row of the driftredovisning that the
economy pages read (UtfallByRow, BudgetByRow), kept here and nowhere else.

Each row of utfall (and line of budget) counts on the first report row
whose account ranges hold its account; a budget line on a row counts on
that row. The sums are worked out in the database, one row per ansvar and
month with a conditional sum per report row, and written again:
- for the months an import wrote (importing._replace_utfall),
- for each new budget version (importing._budgets,
  services.budget_version_create),
- for everything when the rows or their ranges change (services.
  report_row_save, report_rows_reset, importing.ensure_default_rows).
A page then adds up a few rows per ansvar and month instead of one per
account (docs/prestanda.md). The sums are read whole before they are
written: on PostgreSQL they are written with COPY, and no other query may
run on the connection while a COPY is open."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, Sum

from styrhjul.organisation.models import Unit

from .bulk import insert_rows
from .models import (
    Account,
    Budget,
    BudgetByRow,
    BudgetVersion,
    ReportRow,
    Utfall,
    UtfallByRow,
)


def _rows_and_accounts(organisation: Unit) -> tuple[list[ReportRow], dict[int, list[int]]]:
    """The rows that are not totals, and per row's pk the pks of the
    organisation's accounts that count on it (the first row holding them)."""
    rows = list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    ranges = [(row, r) for row in rows if not row.is_total for r in row.ranges.all()]
    accounts: dict[int, list[int]] = defaultdict(list)
    for pk, number in Account.objects.filter(organisation=organisation).values_list("pk", "number"):
        row = next((row for row, r in ranges if r.contains(number)), None)
        if row is not None:
            accounts[row.pk].append(pk)
    return [r for r in rows if not r.is_total], accounts


def refresh_utfall(organisation: Unit, periods: Iterable[datetime.date] | None = None) -> None:
    """Write the utfall's sums again for these months (None: every month)."""
    stale = UtfallByRow.objects.filter(organisation=organisation)
    source = Utfall.objects.filter(
        organisation=organisation, in_ansvar_sum=True, ansvar__isnull=False
    )
    if periods is not None:
        periods = sorted(set(periods))
        if not periods:
            return
        stale = stale.filter(period__in=periods)
        source = source.filter(period__in=periods)
    stale.delete()
    rows, accounts = _rows_and_accounts(organisation)
    if not rows:
        return
    sums = (
        source.values("year_start", "period", "ansvar_id")
        .annotate(
            **{
                f"r{row.pk}": Sum("amount", filter=Q(account_id__in=accounts[row.pk] or [0]))
                for row in rows
            },
            n=Count("pk"),
        )
        .order_by()
    )
    insert_rows(
        UtfallByRow,
        ("organisation_id", "year_start", "period", "ansvar_id", "row_id", "amount"),
        (
            (organisation.pk, s["year_start"], s["period"], s["ansvar_id"], row.pk, amount)
            for s in list(sums)
            for row in rows
            if (amount := s[f"r{row.pk}"]) is not None
        ),
    )


def refresh_budget(version: BudgetVersion) -> None:
    """Write a budget version's sums again."""
    BudgetByRow.objects.filter(version=version).delete()
    rows, accounts = _rows_and_accounts(version.organisation)
    if not rows:
        return
    sums = (
        Budget.objects.filter(version=version, in_ansvar_sum=True, ansvar__isnull=False)
        .values("period", "ansvar_id")
        .annotate(
            **{
                f"r{row.pk}": Sum(
                    "amount",
                    filter=Q(row_id=row.pk)
                    | Q(row__isnull=True, account_id__in=accounts[row.pk] or [0]),
                )
                for row in rows
            },
            n=Count("pk"),
        )
        .order_by()
    )
    insert_rows(
        BudgetByRow,
        ("version_id", "period", "ansvar_id", "row_id", "amount"),
        (
            (version.pk, s["period"], s["ansvar_id"], row.pk, amount)
            for s in list(sums)
            for row in rows
            if (amount := s[f"r{row.pk}"]) is not None
        ),
    )


def refresh_all(organisation: Unit) -> None:
    """Every sum of the organisation again: after its report rows or their
    account ranges changed."""
    refresh_utfall(organisation)
    for version in BudgetVersion.objects.filter(organisation=organisation):
        refresh_budget(version)
