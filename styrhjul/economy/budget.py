"""Budget from Excel and the spreading of an annual budget per month.

- `spread`: the one rule for spreading an amount over the months of a
  fiscal year (evenly, as last year's utfall, or as given per month), used
  by the import and by the omfördelning page.
- `template_workbook`: the budget template of an organisation and year: one
  row per ansvar and report row, with drop-down lists.
- `import_budget`: a filled template → a new budget version, all or
  nothing, with the errors of the plan import (row, column, Swedish).
- `reallocate`: an omfördelning (move an amount between ansvar and rows) as
  a new version.

The format is described for users in docs/ekonomi.md (Budget från Excel).
Amounts have the ledger's sign: costs positive, revenue negative."""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from styrhjul.core.concurrency import one_action, use_case
from styrhjul.core.importing import (
    ImportIssue,
    ImportRejected,
    check_workbook_file,
    open_workbook,
    read_header,
)
from styrhjul.core.spreadsheet import cell_text, did_you_mean, put_cell, style_header
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.excel.cells import CellError, parse_decimal

from . import queries, services
from .models import Account, BudgetKind, BudgetVersion, DimensionKind, DimensionObject, ReportRow

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CENT = Decimal("0.01")
ZERO = Decimal(0)
SHEET = "Budget"
LISTS = "Listor"
GUIDE = "Instruktioner"
MONTH_NAMES = [
    "Januari",
    "Februari",
    "Mars",
    "April",
    "Maj",
    "Juni",
    "Juli",
    "Augusti",
    "September",
    "Oktober",
    "November",
    "December",
]


class Rule(TextChoices):
    """How an annual amount is spread over the months."""

    EVENLY = "jamnt", gettext_lazy("Jämnt")
    LAST_YEAR = "forra-aret", gettext_lazy("Som förra årets utfall")
    MONTHS = "manader", gettext_lazy("Som månaderna")


# --- Spreading -------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    months: list[Decimal]
    fell_back: bool = False  # last year's profile was wanted but had no utfall


def spread(
    amount: Decimal,
    rule: str,
    *,
    profile: Sequence[Decimal] | None = None,
    first: int = 0,
) -> Spread:
    """`amount` over the twelve months of a fiscal year, from month index
    `first` (the earlier months get 0), to the öre: the months always sum to
    the amount exactly. Evenly, or (Rule.LAST_YEAR) in proportion to
    `profile`, last year's utfall per month; without utfall in those months
    it is spread evenly and `fell_back` says so. Rule.MONTHS is not a spread
    (the months are given) and is refused here."""
    if rule not in (Rule.EVENLY, Rule.LAST_YEAR):
        raise ValueError(rule)
    if not 0 <= first < 12:
        raise ValueError(first)
    cents = int((Decimal(amount) * 100).to_integral_value(rounding=ROUND_HALF_UP))
    count = 12 - first
    weights = [1] * count
    fell_back = False
    if rule == Rule.LAST_YEAR:
        wanted = [int((Decimal(p) * 100).to_integral_value()) for p in (profile or [])][first:]
        if len(wanted) == count and sum(wanted) != 0:
            weights = wanted
        else:
            fell_back = True
    total = sum(weights)
    shares = [Fraction(cents * w, total) for w in weights]
    parts = [math.floor(s) for s in shares]
    # The öre left over go to the months with the largest remainders (the
    # earliest first), so that nothing is lost to rounding.
    rest = cents - sum(parts)
    for index in sorted(range(count), key=lambda i: (parts[i] - shares[i], i))[:rest]:
        parts[index] += 1
    return Spread([ZERO.quantize(CENT)] * first + [Decimal(p).scaleb(-2) for p in parts], fell_back)


def month_headers(year_start: datetime.date) -> list[str]:
    """The month columns in the order of the fiscal year."""
    return [MONTH_NAMES[(year_start.month - 1 + i) % 12] for i in range(12)]


def rule_label(rule: str) -> str:
    return str(Rule(rule).label)


def _rule_of(text: str) -> str | None:
    key = " ".join(text.split()).casefold()
    for rule in Rule:
        if key in {str(rule.label).casefold(), rule.value}:
            return rule.value
    return None


# --- The template ----------------------------------------------------------------


def year_label(year_start: datetime.date) -> str:
    if year_start.month == 1:
        return f"{year_start:%Y}"
    return f"{year_start:%Y}/{(year_start.year + 1) % 100:02d}"


def template_filename(organisation: Unit, year_start: datetime.date) -> str:
    code = "".join(c for c in (organisation.code or "budget") if c.isalnum() or c in "-_")
    return f"budget-{code}-{year_label(year_start).replace('/', '-')}.xlsx"


def _ansvar(organisation: Unit):
    return DimensionObject.objects.filter(
        dimension__organisation=organisation, dimension__kind=DimensionKind.ANSVAR
    ).order_by("code")


def _columns(year_start: datetime.date) -> dict[str, str]:
    columns = {
        "ansvar": _("Ansvar"),
        "ansvar_name": _("Ansvarets namn"),
        "row": _("Rad"),
        "account": _("Konto"),
        "annual": _("Helår"),
        "rule": _("Fördelning"),
    }
    for index, name in enumerate(month_headers(year_start)):
        columns[f"m{index}"] = name
    return columns


def template_workbook(organisation: Unit, year_start: datetime.date) -> bytes:
    """The budget template: a row per ansvar and report row (not the summed
    rows), filled with the budget in force for the year when there is one,
    with drop-down lists for Ansvar, Rad and Fördelning."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ansvar = list(_ansvar(organisation))
    rows = [r for r in ReportRow.objects.filter(organisation=organisation) if not r.is_total]
    current = queries.budget_in_force(organisation, year_start)
    amounts = queries.budget_per_ansvar_and_row(current) if current else {}
    columns = _columns(year_start)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    for index, header in enumerate(columns.values(), start=1):
        sheet.cell(row=1, column=index, value=header)
    style_header(sheet, len(columns))
    number = 1
    for a in ansvar:
        for r in rows:
            number += 1
            put_cell(sheet, number, 1, a.code)
            put_cell(sheet, number, 2, a.name)
            put_cell(sheet, number, 3, r.name)
            months = amounts.get((a.pk, r.pk))
            if months is not None:
                put_cell(sheet, number, 5, float(sum(months, ZERO)))
                put_cell(sheet, number, 6, rule_label(Rule.MONTHS))
                for index, value in enumerate(months):
                    put_cell(sheet, number, 7 + index, float(value))
            for column in range(5, 19):
                sheet.cell(row=number, column=column).number_format = "#,##0.00"
    widths = [12, 30, 26, 10, 14, 22] + [12] * 12
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = max(number, 2) + 500  # room for rows the user adds
    lists = workbook.create_sheet(LISTS)
    values = {
        "A": (_("Ansvar"), [a.code for a in ansvar]),
        "B": (_("Rad"), [r.name for r in rows]),
        "C": (_("Fördelning"), [rule_label(r) for r in Rule]),
    }
    for letter, (header, items) in values.items():
        lists[f"{letter}1"] = header
        for index, item in enumerate(items, start=2):
            put_cell(lists, index, ord(letter) - 64, item)
        lists.column_dimensions[letter].width = 26
    style_header(lists, 3)
    for letter, column in (("A", "A"), ("B", "C"), ("C", "F")):
        count = len(values[letter][1])
        if not count:
            continue
        check = DataValidation(
            type="list",
            formula1=f"={LISTS}!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Välj ur listan"),
            error=_("Välj ett värde ur listan på bladet %(sheet)s.") % {"sheet": LISTS},
        )
        check.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(check)
    guide = workbook.create_sheet(GUIDE)
    guide_lines = [
        _("Budget för %(org)s, räkenskapsåret %(year)s")
        % {"org": organisation.name, "year": year_label(year_start)},
        "",
        _("En rad per ansvar och rad i driftredovisningen (eller konto)."),
        _(
            "Ansvar: ansvarets kod. Rad: raden i driftredovisningen. Konto: ett konto i "
            "kontoplanen i stället för Rad (fyll i den ena)."
        ),
        _(
            "Belopp med bokföringens tecken, som i ekonomisystemet: kostnader positiva, "
            "intäkter negativa."
        ),
        _("Helår: årets belopp. Januari–December: beloppet per månad."),
        _(
            "Fördelning: Jämnt (Helår delas lika på tolv månader), Som förra årets utfall "
            "(samma ansvar och rad fördelas som förra årets utfall per månad) eller Som "
            "månaderna (beloppen per månad gäller). Tom: Som månaderna när månaderna är "
            "ifyllda, annars Jämnt."
        ),
        _("Fylls både Helår och månaderna i ska månaderna summera till Helår."),
        _("Rader utan belopp hoppas över. Ansvarets namn läses inte."),
        _("Filen importeras som en ny budgetversion; tidigare versioner ändras aldrig."),
    ]
    for index, line in enumerate(guide_lines, start=1):
        put_cell(guide, index, 1, line)
    guide.column_dimensions["A"].width = 110
    workbook.properties.title = _("Budgetmall")
    workbook.properties.language = "sv-SE"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The import --------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    """One data row of the budget sheet, as read (column key → cell value)."""

    row: int
    cells: dict[str, object]


@dataclass
class BudgetImportResult:
    organisation: Unit
    year_start: datetime.date
    kind: str
    dry_run: bool
    rows: int = 0
    empty_rows: int = 0
    lines: int = 0
    total: Decimal = ZERO
    version: BudgetVersion | None = None
    notices: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def text(self) -> str:
        head = (
            _("Filen är kontrollerad; ingenting har sparats.")
            if self.dry_run
            else _("En ny budgetversion är skapad.")
        )
        lines = [
            head,
            _(
                "%(kind)s för %(year)s: %(rows)d rader med belopp, %(lines)d månadsbelopp, "
                "summa %(total)s kronor."
            )
            % {
                "kind": BudgetKind(self.kind).label,
                "year": year_label(self.year_start),
                "rows": self.rows,
                "lines": self.lines,
                "total": f"{self.total:,.2f}".replace(",", " ").replace(".", ","),
            },
        ]
        if self.empty_rows:
            lines.append(_("Rader utan belopp som hoppades över: %(n)d.") % {"n": self.empty_rows})
        if self.ignored_columns:
            lines.append(
                _("Kolumner som inte lästes: %(c)s.") % {"c": ", ".join(self.ignored_columns)}
            )
        lines.extend(_("Obs: %(n)s") % {"n": n} for n in self.notices)
        return "\n".join(lines)


def read_budget_sheet(data: bytes, *, filename: str, year_start: datetime.date):
    """(rows, ignored headers) of the sheet Budget (or the only sheet).
    ImportRejected for a file that cannot be read and for header errors."""
    check_workbook_file(data, filename)
    with open_workbook(data) as workbook:
        sheets = [s for s in workbook.sheets if s.is_table]
        sheet = next((s for s in sheets if s.title.strip().casefold() == SHEET.casefold()), None)
        if sheet is None:
            raise ImportRejected(
                [ImportIssue(_("filen har inget blad som heter %(sheet)s.") % {"sheet": SHEET})]
            )
        columns = _columns(year_start)
        header = None
        rows: list[BudgetRow] = []
        errors: list[ImportIssue] = []
        for number, cells in sheet.rows():
            if not any(cell_text(c) for c in cells):
                continue
            if header is None:
                header = read_header(
                    cells,
                    columns=columns,
                    required=["ansvar", "annual", *(f"m{i}" for i in range(12))],
                    hint=_("Bladets kolumner är %(columns)s.")
                    % {"columns": ", ".join(columns.values())},
                    row=number,
                    sheet=sheet.title,
                )
                if header.errors:
                    raise ImportRejected(header.errors)
                continue
            extra = [i for i, c in enumerate(cells[header.width :]) if cell_text(c)]
            if extra:
                from openpyxl.utils import get_column_letter

                errors.append(
                    ImportIssue(
                        _("raden har ett värde i kolumn %(letter)s, som saknar rubrik.")
                        % {"letter": get_column_letter(header.width + extra[0] + 1)},
                        row=number,
                        sheet=sheet.title,
                    )
                )
                continue
            rows.append(
                BudgetRow(
                    number,
                    {
                        k: (cells[p] if p < len(cells) else None)
                        for k, p in header.positions.items()
                    },
                )
            )
        if header is None:
            raise ImportRejected([ImportIssue(_("bladet har ingen rubrikrad."), sheet=sheet.title)])
        if errors:
            raise ImportRejected(errors)
        return rows, header.ignored, sheet.title


class _Reader:
    """Validates the rows against the organisation's ansvar, rows and
    accounts; collects every error."""

    def __init__(self, organisation: Unit, year_start: datetime.date, sheet: str):
        self.organisation = organisation
        self.year_start = year_start
        self.sheet = sheet
        self.columns = _columns(year_start)
        self.ansvar = {a.code.casefold(): a for a in _ansvar(organisation)}
        self.rows = {
            " ".join(r.name.split()).casefold(): r
            for r in ReportRow.objects.filter(organisation=organisation)
        }
        self.accounts = {a.number: a for a in Account.objects.filter(organisation=organisation)}
        self.errors: list[ImportIssue] = []
        self.notices: list[str] = []
        self._profiles = None

    def error(self, row: int, key: str | None, message: str) -> None:
        self.errors.append(
            ImportIssue(
                message, row=row, column=self.columns[key] if key else None, sheet=self.sheet
            )
        )

    def profiles(self):
        if self._profiles is None:
            self._profiles = queries.last_year_profiles(self.organisation, self.year_start)
        return self._profiles

    def read(self, rows: list[BudgetRow]) -> tuple[list[dict], int, int]:
        lines: list[dict] = []
        seen: dict[tuple, int] = {}
        used = empty = 0
        for item in rows:
            line = self._row(item, seen)
            if line is None:
                continue
            if line == "empty":
                empty += 1
                continue
            used += 1
            lines.extend(line)
        return lines, used, empty

    def _amount(self, item: BudgetRow, key: str) -> Decimal | None:
        try:
            return parse_decimal(item.cells.get(key))
        except CellError as exc:
            self.error(item.row, key, str(exc))
            raise

    def _row(self, item: BudgetRow, seen: dict):
        cells = item.cells
        failed = False
        annual = None
        months: list[Decimal | None] = []
        try:
            annual = self._amount(item, "annual")
        except CellError:
            failed = True
        for index in range(12):
            try:
                months.append(self._amount(item, f"m{index}"))
            except CellError:
                failed = True
                months.append(None)
        code = cell_text(cells.get("ansvar"))
        row_text = cell_text(cells.get("row"))
        account_text = cell_text(cells.get("account"))
        rule_text = cell_text(cells.get("rule"))
        has_months = any(m is not None for m in months)
        if not failed and annual is None and not has_months:
            return "empty"
        ansvar = None
        if not code:
            self.error(item.row, "ansvar", _("ange ansvarets kod."))
            failed = True
        else:
            ansvar = self.ansvar.get(code.casefold())
            if ansvar is None and " " in code:  # "100 Skolan": the code and its name
                ansvar = self.ansvar.get(code.split()[0].casefold())
            if ansvar is None:
                self.error(
                    item.row,
                    "ansvar",
                    _("ansvaret ”%(code)s” finns inte i ekonomisystemets ansvar.") % {"code": code}
                    + did_you_mean(code.casefold(), self.ansvar, lambda a: a.code),
                )
                failed = True
        target = None
        if row_text and account_text:
            self.error(item.row, "account", _("fyll i antingen Rad eller Konto, inte båda."))
            failed = True
        elif row_text:
            target = self.rows.get(" ".join(row_text.split()).casefold())
            if target is None:
                self.error(
                    item.row,
                    "row",
                    _("raden ”%(name)s” finns inte i driftredovisningen.") % {"name": row_text}
                    + did_you_mean(" ".join(row_text.split()).casefold(), self.rows),
                )
                failed = True
            elif target.is_total:
                self.error(
                    item.row,
                    "row",
                    _("%(name)s är summan av raderna ovanför; budgetera på de raderna.")
                    % {"name": target.name},
                )
                failed = True
        elif account_text:
            target = self.accounts.get(account_text)
            if target is None:
                self.error(
                    item.row,
                    "account",
                    _("kontot %(number)s finns inte i kontoplanen.") % {"number": account_text},
                )
                failed = True
        else:
            self.error(item.row, "row", _("ange raden i driftredovisningen (eller ett konto)."))
            failed = True
        rule = None
        if rule_text:
            rule = _rule_of(rule_text)
            if rule is None:
                self.error(
                    item.row,
                    "rule",
                    _("”%(text)s” är ingen fördelning. Välj %(rules)s.")
                    % {"text": rule_text, "rules": ", ".join(rule_label(r) for r in Rule)},
                )
                failed = True
        if failed:
            return None
        if rule is None:
            rule = Rule.MONTHS if has_months else Rule.EVENLY
        if rule == Rule.MONTHS:
            if not has_months:
                self.error(
                    item.row, "rule", _("fördelningen är Som månaderna men månaderna är tomma.")
                )
                return None
            values = [m or ZERO for m in months]
            if annual is not None and sum(values, ZERO) != annual:
                self.error(
                    item.row,
                    "annual",
                    _("månaderna summerar till %(sum)s men Helår är %(annual)s.")
                    % {"sum": _money(sum(values, ZERO)), "annual": _money(annual)},
                )
                return None
        else:
            if has_months:
                self.error(
                    item.row,
                    "rule",
                    _(
                        "fördelningen är %(rule)s men raden har belopp per månad. Töm månaderna "
                        "eller välj Som månaderna."
                    )
                    % {"rule": rule_label(rule)},
                )
                return None
            if annual is None:
                self.error(item.row, "annual", _("ange årets belopp."))
                return None
            profile = None
            if rule == Rule.LAST_YEAR:
                by_row, by_account = self.profiles()
                if isinstance(target, ReportRow):
                    profile = by_row.get((ansvar.pk, target.pk))
                else:
                    profile = by_account.get((ansvar.pk, target.number))
            result = spread(annual, rule, profile=profile)
            values = result.months
            if result.fell_back:
                self.notices.append(
                    _(
                        "rad %(row)d: ansvar %(code)s, %(target)s hade inget utfall förra året; "
                        "beloppet fördelades jämnt."
                    )
                    % {"row": item.row, "code": ansvar.code, "target": _target_name(target)}
                )
        key = (ansvar.pk, type(target).__name__, target.pk)
        if key in seen:
            self.error(
                item.row,
                "ansvar",
                _("ansvar %(code)s och %(target)s finns redan på rad %(first)d.")
                % {"code": ansvar.code, "target": _target_name(target), "first": seen[key]},
            )
            return None
        seen[key] = item.row
        periods = queries.fiscal_months(self.year_start)
        return [
            {
                "period": period,
                "amount": value,
                "ansvar": ansvar,
                **({"row": target} if isinstance(target, ReportRow) else {"account": target}),
            }
            for period, value in zip(periods, values, strict=True)
        ]


def _target_name(target) -> str:
    if isinstance(target, ReportRow):
        return _("raden %(name)s") % {"name": target.name}
    return _("konto %(number)s") % {"number": target.number}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def import_budget(
    *,
    actor,
    organisation: Unit,
    year_start: datetime.date,
    kind: str,
    data: bytes,
    filename: str,
    decided_on: datetime.date | None = None,
    decided_by: str = "",
    reason: str = "",
    dry_run: bool = False,
) -> BudgetImportResult:
    """A filled budget template → a new budget version of the organisation's
    fiscal year beginning year_start, all or nothing: ImportRejected with
    every error (row and column, in Swedish) and nothing saved. With
    dry_run, everything is checked and nothing is kept."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    rows, ignored, title = read_budget_sheet(data, filename=filename, year_start=year_start)
    reader = _Reader(organisation, year_start, title)
    lines, used, empty = reader.read(rows)
    if reader.errors:
        headers = list(reader.columns.values())
        raise ImportRejected(
            reader.errors,
            order=lambda i: (i.row or 0, headers.index(i.column) if i.column in headers else -1),
        )
    if not lines:
        raise ImportRejected([ImportIssue(_("filen har inga rader med belopp."), sheet=title)])
    result = BudgetImportResult(
        organisation=organisation,
        year_start=year_start,
        kind=kind,
        dry_run=dry_run,
        rows=used,
        empty_rows=empty,
        lines=len(lines),
        total=sum((line["amount"] for line in lines), ZERO),
        notices=reader.notices,
        ignored_columns=[c for c in ignored if c],
    )
    try:
        with one_action():
            result.version = services.budget_version_create(
                actor=actor,
                organisation=organisation,
                year_start=year_start,
                kind=kind,
                lines=lines,
                decided_on=decided_on,
                decided_by=decided_by,
                reason=reason,
            )
            if dry_run:
                transaction.set_rollback(True)
                result.version = None
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise ImportRejected(
            [ImportIssue(m[:1].lower() + m[1:]) for ms in messages.values() for m in ms]
        ) from None
    return result


# --- Omfördelning ------------------------------------------------------------------


@use_case
def reallocate(
    *,
    actor,
    organisation: Unit,
    based_on: BudgetVersion,
    from_ansvar: DimensionObject,
    from_row: ReportRow,
    to_ansvar: DimensionObject,
    to_row: ReportRow,
    amount: Decimal,
    first_month: int,
    rule: str,
    decided_on: datetime.date | None,
    decided_by: str,
    reason: str,
) -> BudgetVersion:
    """An omfördelning: the version in force (`based_on`, which must still be
    the latest) with `amount` moved from one ansvar and row to another, in
    the months from `first_month` (0: the fiscal year's first) spread by
    `rule`. The new version's total is the same as the earlier one's."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    Unit.objects.select_for_update().filter(pk=organisation.pk).first()  # one at a time
    latest = queries.budget_in_force(organisation, based_on.year_start)
    if latest is None or latest.pk != based_on.pk:
        raise ValidationError(
            _(
                "En nyare budgetversion har skapats sedan du öppnade sidan. Ingenting har "
                "sparats; läs den nya versionen och gör omfördelningen igen."
            )
        )
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("Ange ett belopp större än 0.")
    if (from_ansvar.pk, from_row.pk) == (to_ansvar.pk, to_row.pk):
        errors["to_row"] = _("Flytta till ett annat ansvar eller en annan rad.")
    for row, name in ((from_row, "from_row"), (to_row, "to_row")):
        if row.is_total or row.organisation_id != organisation.pk:
            errors[name] = _("Välj en rad som inte är en summa.")
    if errors:
        raise ValidationError(errors)
    year_start = based_on.year_start
    by_row, _by_account = (
        queries.last_year_profiles(organisation, year_start) if rule == Rule.LAST_YEAR else ({}, {})
    )
    periods = queries.fiscal_months(year_start)
    lines = []
    for line in based_on.lines.all():
        key = (line.period, line.account_id, line.row_id, line.object_key, line.ansvar_id)
        lines.append(
            {
                "period": line.period,
                "account": line.account,
                "row": line.row,
                "ansvar": line.ansvar,
                "object_key": line.object_key,
                "in_ansvar_sum": line.in_ansvar_sum,
                "amount": line.amount,
                "key": key,
            }
        )
    moved = []
    for ansvar, row, sign in ((from_ansvar, from_row, -1), (to_ansvar, to_row, 1)):
        result = spread(
            amount * sign, rule, profile=by_row.get((ansvar.pk, row.pk)), first=first_month
        )
        moved.extend(
            {"period": p, "row": row, "ansvar": ansvar, "amount": v}
            for p, v in zip(periods, result.months, strict=True)
            if v
        )
    index = {line["key"]: line for line in lines}
    for move in moved:
        key = (move["period"], None, move["row"].pk, "", move["ansvar"].pk)
        if key in index:
            index[key]["amount"] += move["amount"]
        else:
            line = {**move, "account": None, "object_key": "", "in_ansvar_sum": True, "key": key}
            lines.append(line)
            index[key] = line
    version = services.budget_version_create(
        actor=actor,
        organisation=organisation,
        year_start=year_start,
        kind=BudgetKind.OMFORDELNING,
        lines=[{k: v for k, v in line.items() if k != "key"} for line in lines],
        decided_on=decided_on,
        decided_by=decided_by,
        reason=reason,
    )
    before = queries.version_total(based_on)
    after = queries.version_total(version)
    if before != after:  # an omfördelning moves money, it never adds any
        raise AssertionError((before, after))
    return version
