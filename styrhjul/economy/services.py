"""Changes to the economy, one use case each: mapping an ansvar to a unit,
and a new budget version (never overwriting an earlier one). The SIE import
is in importing.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_for_edit, lock_version, save_edited, use_case
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import rowsums
from .defaults import DEFAULT_ROWS
from .models import (
    Account,
    AccountRange,
    AnsvarMapping,
    Budget,
    BudgetKind,
    BudgetVersion,
    Dimension,
    DimensionKind,
    DimensionObject,
    InvestmentAccountRange,
    InvestmentBudget,
    InvestmentRow,
    ReportRow,
)
from .queries import organisation_of


@use_case
def mapping_create(
    *,
    actor,
    ansvar: DimensionObject,
    unit: Unit,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
) -> AnsvarMapping:
    """Map an ansvar to a unit from valid_from (to valid_to). An ansvar
    belongs to one unit at a time: an open mapping of the same ansvar that
    began earlier is closed the day before; any other overlap is refused."""
    organisation = ansvar.dimension.organisation
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    if organisation_of(unit).pk != organisation.pk:
        raise ValidationError({"unit": "Enheten hör inte till organisationen."})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "Giltig till kan inte vara före giltig från."})
    others = AnsvarMapping.objects.select_for_update().filter(ansvar=ansvar)
    for other in others:
        if other.valid_to is None and other.valid_from < valid_from:
            other.valid_to = valid_from - datetime.timedelta(days=1)
            other.save(update_fields=["valid_to"])
            continue
        end = valid_to or datetime.date.max
        other_end = other.valid_to or datetime.date.max
        if other.valid_from <= end and valid_from <= other_end:
            raise ValidationError(
                {
                    "valid_from": (
                        f"Ansvar {ansvar.code} hör redan till {other.unit} från "
                        f"{other.valid_from:%Y-%m-%d}"
                        + (f" till {other.valid_to:%Y-%m-%d}" if other.valid_to else "")
                        + "."
                    )
                }
            )
    return AnsvarMapping.objects.create(
        ansvar=ansvar,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@use_case
def budget_version_create(
    *,
    actor,
    organisation: Unit,
    year_start: datetime.date,
    kind: str,
    lines: list[dict],
    decided_on: datetime.date | None = None,
    decided_by: str = "",
    reason: str = "",
) -> BudgetVersion:
    """A new budget version for a fiscal year. `lines` are dicts with period,
    amount and account or row, and ansvar (optional). An omfördelning needs
    its decision date, who decided and why."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    if kind not in BudgetKind.values:
        raise ValidationError({"kind": "Okänt slag av budget."})
    if kind == BudgetKind.OMFORDELNING:
        missing = {
            name: message
            for name, value, message in (
                ("decided_on", decided_on, "Ange beslutsdatum för omfördelningen."),
                ("decided_by", decided_by.strip(), "Ange vem som beslutade omfördelningen."),
                ("reason", reason.strip(), "Ange varför budgeten omfördelas."),
            )
            if not value
        }
        if missing:
            raise ValidationError(missing)
    version = BudgetVersion.objects.create(
        organisation=organisation,
        year_start=year_start,
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        reason=reason.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Budget.objects.bulk_create(
        Budget(
            version=version,
            period=line["period"],
            account=line.get("account"),
            row=line.get("row"),
            object_key=line.get("object_key", ""),
            ansvar=line.get("ansvar"),
            in_ansvar_sum=line.get("in_ansvar_sum", line.get("ansvar") is not None),
            amount=Decimal(line["amount"]),
        )
        for line in lines
    )
    rowsums.refresh_budget(version)
    return version


def mappings_valid_between(first: datetime.date, last: datetime.date) -> Q:
    return Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))


# --- Settings: the dimensions' use and the rows of the driftredovisning -----------


@use_case
def dimension_kind_set(*, actor, dimension: Dimension, kind: str, version: int) -> Dimension:
    """What a ledger dimension is used as (ansvar, verksamhet, projekt or
    annan). One dimension at a time is ansvar."""
    if not access.may_manage_economy(actor, dimension.organisation):
        raise PermissionDenied
    if kind not in DimensionKind.values:
        raise ValidationError({"kind": "Välj vad dimensionen används som."})
    row = lock_for_edit(Dimension, version, pk=dimension.pk)
    if kind == DimensionKind.ANSVAR:
        other = (
            Dimension.objects.filter(organisation=row.organisation, kind=DimensionKind.ANSVAR)
            .exclude(pk=row.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "kind": f"Dimension {other} används redan som ansvar. "
                    "Ändra den först; en dimension åt gången är ansvar."
                }
            )
    row.kind = kind
    return save_edited(row, actor)


def _widened(first: str, last: str, width: int = 20) -> tuple[str, str]:
    return first.ljust(width, "0"), last.ljust(width, "9")


def ranges_overlap(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two account ranges take a common account (accounts are
    compared on their leading digits, so 50–59 and 5010–5020 overlap)."""
    a_lo, a_hi = _widened(*a)
    b_lo, b_hi = _widened(*b)
    return a_lo <= b_hi and b_lo <= a_hi


def _check_ranges(
    organisation: Unit,
    row: ReportRow | InvestmentRow | None,
    ranges: list[tuple[str, str]],
    range_model=AccountRange,
):
    """The Swedish message of the first problem with a row's ranges, or None
    (the rows of the driftredovisning, or with range_model
    InvestmentAccountRange those of the investeringsredovisning)."""
    for i, a in enumerate(ranges):
        for b in ranges[i + 1 :]:
            if ranges_overlap(a, b):
                return f"Intervallen {a[0]}–{a[1]} och {b[0]}–{b[1]} överlappar varandra."
    others = range_model.objects.filter(row__organisation=organisation).select_related("row")
    if row is not None and row.pk:
        others = others.exclude(row=row)
    for other in others:
        for a in ranges:
            if ranges_overlap(a, (other.first, other.last)):
                return (
                    f"Intervallet {a[0]}–{a[1]} överlappar {other.first}–{other.last} "
                    f"i raden {other.row.name}. Ett konto hör till en rad."
                )
    kept = set()
    if row is not None and row.pk:
        kept = set(range_model.objects.filter(row=row).values_list("first", "last"))
    numbers = list(
        Account.objects.filter(organisation=organisation).values_list("number", flat=True)
    )
    if numbers:
        for first, last in ranges:
            if (first, last) in kept:
                continue
            probe = range_model(first=first, last=last)
            if not any(probe.contains(n) for n in numbers):
                return (
                    f"Intervallet {first}–{last} innehåller inget konto i kontoplanen. "
                    "Kontrollera kontonumren."
                )
    return None


def _replace_ranges(
    actor, row: ReportRow | InvestmentRow, ranges: list[tuple[str, str]], range_model=AccountRange
) -> None:
    current = {(r.first, r.last): r for r in row.ranges.all()}
    for key, old in current.items():
        if key not in ranges:
            set_actor(old, actor)
            old.delete()
    for first, last in ranges:
        if (first, last) not in current:
            new = range_model(row=row, first=first, last=last)
            set_actor(new, actor)
            new.save()


@use_case
def report_row_save(
    *,
    actor,
    organisation: Unit,
    row: ReportRow | None,
    version: int,
    name: str,
    order: int,
    ranges: list[tuple[str, str]],
) -> ReportRow:
    """Add a row to the driftredovisning (row None) or rename, move and
    change the account ranges of one. Ranges may not overlap each other or
    another row's, and a new range must take an account of the chart."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Ange radens namn."})
    if row is not None:
        row = lock_for_edit(
            ReportRow,
            version,
            gone="Raden har tagits bort.",
            pk=row.pk,
            organisation=organisation,
        )
    same_name = ReportRow.objects.filter(organisation=organisation, name__iexact=name)
    if row is not None:
        same_name = same_name.exclude(pk=row.pk)
    if same_name.exists():
        raise ValidationError({"name": f"Det finns redan en rad som heter {name}."})
    if row is not None and row.is_total and ranges:
        raise ValidationError(
            {"ranges": "En summerad rad har inga kontointervall; den summerar raderna ovanför."}
        )
    if not ranges and (row is None or not row.is_total):
        raise ValidationError({"ranges": "Ange minst ett kontointervall."})
    problem = _check_ranges(organisation, row, ranges)
    if problem:
        raise ValidationError({"ranges": problem})
    if row is None:
        row = ReportRow(organisation=organisation)
    row.name = name
    row.order = order
    save_edited(row, actor)
    _replace_ranges(actor, row, ranges)
    rowsums.refresh_all(organisation)
    return row


@use_case
def investment_row_save(
    *,
    actor,
    organisation: Unit,
    row: InvestmentRow | None,
    version: int,
    name: str,
    order: int,
    is_income: bool,
    ranges: list[tuple[str, str]],
) -> InvestmentRow:
    """Add a row to the investeringsredovisning (row None) or rename, move
    and change the account ranges of one, with the rules of the
    driftredovisning's rows (report_row_save): at least one range, ranges
    that overlap neither each other nor another investment row's, and a new
    range that takes an account of the chart. An organisation that has only
    the Kommun-Bas defaults (investments.DEFAULT_INVESTMENT_ROWS, not yet
    stored) gets them stored first, so the change is made beside them."""
    from .investments import ensure_default_investment_rows

    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Ange radens namn."})
    if row is not None:
        row = lock_for_edit(
            InvestmentRow,
            version,
            gone="Raden har tagits bort.",
            pk=row.pk,
            organisation=organisation,
        )
    else:
        ensure_default_investment_rows(organisation)
    same_name = InvestmentRow.objects.filter(organisation=organisation, name__iexact=name)
    if row is not None:
        same_name = same_name.exclude(pk=row.pk)
    if same_name.exists():
        raise ValidationError({"name": f"Det finns redan en rad som heter {name}."})
    if not ranges:
        raise ValidationError({"ranges": "Ange minst ett kontointervall."})
    problem = _check_ranges(organisation, row, ranges, InvestmentAccountRange)
    if problem:
        raise ValidationError({"ranges": problem})
    if row is None:
        row = InvestmentRow(organisation=organisation)
    row.name = name
    row.order = order
    row.is_income = is_income
    save_edited(row, actor)
    _replace_ranges(actor, row, ranges, InvestmentAccountRange)
    return row


@use_case
def report_rows_reset(*, actor, organisation: Unit) -> None:
    """The driftredovisning's rows back to the Kommun-Bas default
    (defaults.DEFAULT_ROWS): rows of the same name keep their budget; other
    rows are removed, which is refused while a budget version uses them."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    Unit.objects.select_for_update().filter(pk=organisation.pk).first()
    existing = {
        r.name.casefold(): r
        for r in ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges")
    }
    wanted = {name.casefold() for name, _ranges in DEFAULT_ROWS}
    extra = [r for key, r in existing.items() if key not in wanted]
    used = set(Budget.objects.filter(row__in=extra).values_list("row__name", flat=True).distinct())
    if used:
        names = sorted(used)
        raise ValidationError(
            (
                _("Raden %(names)s har budget")
                if len(names) == 1
                else _("Raderna %(names)s har budget")
            )
            % {"names": ", ".join(names)}
            + _(" och kan inte tas bort. Ingenting har återställts.")
        )
    for row in extra:
        for r in row.ranges.all():
            set_actor(r, actor)
            r.delete()
        set_actor(row, actor)
        row.delete()
    for order, (name, ranges) in enumerate(DEFAULT_ROWS, 1):
        row = existing.get(name.casefold()) or ReportRow(organisation=organisation)
        if row.pk:
            row = lock_version(row, row.version)
        row.name = name
        row.order = order * 10
        row.is_total = not ranges
        save_edited(row, actor)
        _replace_ranges(actor, row, list(ranges))
    rowsums.refresh_all(organisation)


@use_case
def investment_budget_save(
    *,
    actor,
    organisation: Unit,
    budget: InvestmentBudget | None,
    version: int,
    year_start: datetime.date,
    projekt_code: str,
    amount: Decimal,
    note: str = "",
) -> InvestmentBudget:
    """Add a projekt's investeringsbudget for a fiscal year (budget None) or
    change one: the amount for the year (utgifter positive) and a comment.
    The projekt is an object of a dimension used as projekt; one budget per
    projekt and year. A budget saved by someone else since `version` raises
    EditConflict."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    code = projekt_code.strip()
    projekt = (
        DimensionObject.objects.filter(
            dimension__organisation=organisation,
            dimension__kind=DimensionKind.PROJEKT,
            code=code,
        )
        .order_by("dimension__number")
        .first()
    )
    if projekt is None:
        raise ValidationError(
            {"projekt": _("Det finns inget projekt med koden %(code)s.") % {"code": code or "–"}}
        )
    if budget is None:
        if InvestmentBudget.objects.filter(
            organisation=organisation, year_start=year_start, projekt=projekt
        ).exists():
            raise ValidationError(
                {
                    "projekt": _(
                        "Projektet %(code)s har redan en investeringsbudget för året. "
                        "Ändra den i stället."
                    )
                    % {"code": projekt.code}
                }
            )
        row = lock_for_edit(
            InvestmentBudget,
            0,
            organisation=organisation,
            year_start=year_start,
            projekt=projekt,
        )
    else:
        row = lock_for_edit(
            InvestmentBudget,
            version,
            gone=_("Investeringsbudgeten har tagits bort."),
            pk=budget.pk,
            organisation=organisation,
        )
        if (
            row.projekt_id != projekt.pk
            and InvestmentBudget.objects.filter(
                organisation=organisation, year_start=row.year_start, projekt=projekt
            ).exists()
        ):
            raise ValidationError(
                {
                    "projekt": _("Projektet %(code)s har redan en investeringsbudget för året.")
                    % {"code": projekt.code}
                }
            )
        row.projekt = projekt
    row.amount = Decimal(amount)
    row.note = note.strip()
    return save_edited(row, actor)


@use_case
def investment_budget_delete(*, actor, budget: InvestmentBudget, version: int) -> None:
    """Remove a projekt's investeringsbudget (the ledger's #PBUDGET, if any,
    applies again); refused with EditConflict when it was saved since."""
    if not access.may_manage_economy(actor, budget.organisation):
        raise PermissionDenied
    row = lock_for_edit(
        InvestmentBudget,
        version,
        gone=_("Investeringsbudgeten har redan tagits bort."),
        pk=budget.pk,
    )
    set_actor(row, actor)
    row.delete()
