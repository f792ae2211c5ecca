"""Writing an indicator's breakdowns (utfall per grupp of an uppdelning)
and its comparison values entered by hand: keyword-only services, each one
user action in one transaction, recorded in the history, for pages,
imports and (later) the API.

Who may: an organisation's uppdelningar are set up by those who manage the
organisation; values per group are written by those who report the
indicator's outcomes for the unit (access.may_report); comparison values by
those who report it for the unit that owns it.

Imports are all or nothing: every error of the file with its row and
column, in Swedish, and nothing saved while there is one."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import (
    lock_for_edit,
    lock_version,
    one_action,
    save_edited,
    use_case,
)
from styrhjul.core.dates import MONTH_NAMES, month_name
from styrhjul.core.importing import (
    ImportIssue,
    ImportRejected,
    check_workbook_file,
    open_workbook,
    read_header,
)
from styrhjul.core.spreadsheet import cell_text, closest
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.excel.cells import CellError, norm_key, parse_date, parse_decimal
from styrhjul.planning.models import Item

from .models import (
    BreakdownCategory,
    BreakdownDimension,
    BreakdownValue,
    ComparisonKind,
    ComparisonValue,
    ValueSource,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_CATEGORIES = 30


# --- Periods -------------------------------------------------------------------------
#
# A value per group has a period as an outcome has (IndicatorValue.period, and
# followup.services.value_period): empty for the whole year, else the month the
# period ends ("2025-08" for a follow-up per August), January to November. A
# period ending in December is the whole year.

PART_YEAR_MONTHS = range(1, 12)
# How a file (or an API call) names the whole year in a Period cell, besides
# leaving it empty.
WHOLE_YEAR_WORDS = ("helår", "helar", "år")
_PERIOD_TEXT = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


def period_of(year: int, month: int | None) -> str:
    """ "" for the whole year (no month, or December), else "2025-08"."""
    return f"{year}-{month:02d}" if month and month in PART_YEAR_MONTHS else ""


def period_month(period: str) -> int | None:
    """The month a period ends (None for the whole year)."""
    return int(period[5:7]) if period else None


def period_label(year: int, period: str) -> str:
    """ "2025" for the whole year, "augusti 2025" for a period."""
    month = period_month(period)
    return f"{month_name(month)} {year}" if month else str(year)


def check_period(year: int, period: str) -> None:
    """ValidationError in Swedish unless `period` is the whole year ("") or
    a month January–November of `year`."""
    match = _PERIOD_TEXT.match(period) if period else None
    if period and (
        match is None
        or int(match.group(1)) != year
        or int(match.group(2)) not in PART_YEAR_MONTHS
        or period != period_of(year, int(match.group(2)))
    ):
        raise ValidationError(
            _(
                "Perioden ska vara helåret eller en månad januari–november %(year)d, "
                "t.ex. %(year)d-08."
            )
            % {"year": year}
        )


def parse_period_cell(text: str, year: int | None) -> str:
    """A Period cell of an import: empty or "helår" (the whole year), a
    month by name or number ("augusti", "8"), or "2025-08" (also a date in
    the month). CellError in Swedish otherwise."""
    text = (text or "").strip().casefold()
    if not text or text in WHOLE_YEAR_WORDS:
        return ""
    names = {name: number for number, name in enumerate(MONTH_NAMES, 1)}
    month, in_year = None, year
    if text in names:
        month = names[text]
    elif text.isdigit() and 1 <= int(text) <= 12:
        month = int(text)
    elif (match := _PERIOD_TEXT.match(text)) is not None and 1 <= int(match.group(2)) <= 12:
        in_year, month = int(match.group(1)), int(match.group(2))
    if month is None:
        raise CellError(
            _(
                "”%(value)s” är ingen period. Skriv helår (eller lämna tomt), en månad som "
                "augusti eller 8, eller år och månad som 2025-08."
            )
            % {"value": text}
        )
    if year is not None and in_year != year:
        raise CellError(
            _("perioden %(value)s är inte i året %(year)d.") % {"value": text, "year": year}
        )
    if month == 12:
        raise CellError(_("december är helåret: lämna Period tom eller skriv helår."))
    return period_of(year or in_year, month)


# --- Who may ------------------------------------------------------------------------


def may_manage_dimensions(user, organisation: Unit) -> bool:
    return access.can_manage(user, organisation)


def may_edit_breakdown(user, item: Item, unit: Unit) -> bool:
    """Whoever reports the indicator's outcomes for the unit."""
    return item.kind == ItemKind.INDICATOR and access.may_report(user, unit, item)


def may_edit_comparisons(user, item: Item) -> bool:
    """Whoever reports the indicator's outcomes for the unit that owns it."""
    return item.kind == ItemKind.INDICATOR and access.may_report(user, item.plan.unit, item)


def dimensions_of(organisation_id: int):
    """The organisation's uppdelningar with their groups (two queries)."""
    return BreakdownDimension.objects.filter(organisation_id=organisation_id).prefetch_related(
        "categories"
    )


# --- Uppdelningar ----------------------------------------------------------------


def parse_categories(text: str) -> list[str]:
    """The groups of an uppdelning, one per line, blank lines skipped."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@use_case
def save_dimension(
    *,
    actor,
    organisation: Unit,
    name: str,
    categories: list[str],
    dimension: BreakdownDimension | None = None,
) -> BreakdownDimension:
    """Create an uppdelning, or change its name and groups (in the order
    given). A group that has values cannot be removed. ValidationError with
    a Swedish message per field ("name", "categories")."""
    if not may_manage_dimensions(actor, organisation):
        raise PermissionDenied
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Ange ett namn på uppdelningen.")]
    elif norm_key(name) in {
        norm_key(other)
        for other in BreakdownDimension.objects.filter(organisation=organisation)
        .exclude(pk=getattr(dimension, "pk", None))
        .values_list("name", flat=True)
    }:
        errors["name"] = [_("Det finns redan en uppdelning som heter ”%(name)s”.") % {"name": name}]
    seen: set[str] = set()
    twice = [c for c in categories if norm_key(c) in seen or seen.add(norm_key(c))]
    if len(categories) < 2:
        errors["categories"] = [_("Ange minst två grupper, en per rad.")]
    elif len(categories) > MAX_CATEGORIES:
        errors["categories"] = [_("Högst %(n)d grupper.") % {"n": MAX_CATEGORIES}]
    elif twice:
        errors["categories"] = [_("Gruppen ”%(label)s” står två gånger.") % {"label": twice[0]}]
    elif any(len(c) > 100 for c in categories):
        errors["categories"] = [_("En grupp får vara högst 100 tecken.")]
    existing: dict[str, BreakdownCategory] = {}
    if dimension is not None:
        existing = {norm_key(c.label): c for c in dimension.categories.all()}
        wanted = {norm_key(c) for c in categories}
        removed = [c for key, c in existing.items() if key not in wanted]
        used = [c.label for c in removed if c.values.exists()]
        if used and "categories" not in errors:
            errors["categories"] = [
                _("Gruppen ”%(label)s” har värden och kan inte tas bort.") % {"label": used[0]}
            ]
    if errors:
        raise ValidationError(errors)
    if dimension is None:
        dimension = BreakdownDimension(
            organisation=organisation,
            order=BreakdownDimension.objects.filter(organisation=organisation).count(),
        )
    dimension.name = name
    set_actor(dimension, actor)
    dimension.save()
    for order, label in enumerate(categories):
        category = existing.pop(norm_key(label), None) or BreakdownCategory(dimension=dimension)
        if category.pk and category.label == label and category.order == order:
            continue
        category.label, category.order = label, order
        set_actor(category, actor)
        category.save()
    for category in existing.values():  # removed, without values
        set_actor(category, actor)
        category.delete()
    return dimension


# --- Values per group --------------------------------------------------------------


@use_case
def save_breakdown(
    *,
    actor,
    item: Item,
    unit: Unit,
    dimension: BreakdownDimension,
    year: int,
    values: dict[int, Decimal | None],
    versions: dict[int, int] | None = None,
    source: str = ValueSource.MANUAL,
    period: str = "",
) -> int:
    """Store the indicator's values for the unit and period per group of the
    uppdelning (`values`: category pk → value; None removes a value). The
    period is the whole `year` ("") or a part of it ("2025-08", see
    check_period). `versions`: the version of each value the user opened
    (0 for none); EditConflict when someone else has saved since. Returns
    how many values changed."""
    if not may_edit_breakdown(actor, item, unit):
        raise PermissionDenied
    if dimension.organisation_id != item.plan.plan_type.model.organisation_id:
        raise PermissionDenied
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Året ska vara mellan %(a)d och %(b)d.") % {"a": FIRST_YEAR, "b": LAST_YEAR}
        )
    check_period(year, period)
    versions = versions or {}
    changed = 0
    categories = {c.pk: c for c in dimension.categories.all()}
    for pk, value in values.items():
        category = categories.get(pk)
        if category is None:
            raise ValidationError(_("Gruppen finns inte i uppdelningen."))
        row = lock_for_edit(
            BreakdownValue,
            versions.get(pk, 0),
            item=item,
            unit=unit,
            category=category,
            year=year,
            period=period,
        )
        if value is None:
            if not row._state.adding:
                set_actor(row, actor)
                row.delete()
                changed += 1
            continue
        if not percent_ok(item.measure_unit, value):
            raise ValidationError(_("En andel i procent är mellan 0 och 100."))
        if not row._state.adding and row.value == value and row.source == source:
            continue
        row.value, row.source = value, source
        save_edited(row, actor)
        changed += 1
    return changed


BREAKDOWN_COLUMNS = {
    "year": "År",
    "period": "Period",
    "dimension": "Uppdelning",
    "category": "Grupp",
    "value": "Utfall",
}
# Without a Period column every value is the whole year's.
BREAKDOWN_OPTIONAL = {"period"}

COMPARISON_COLUMNS = {
    "year": "År",
    "kind": "Jämförelse",
    "name": "Namn",
    "value": "Värde",
    "source": "Källa",
    "source_date": "Datum",
}


@dataclass
class ImportResult:
    rows: int
    changed: int


def _sheet_rows(data: bytes, filename: str, columns: dict[str, str], optional=frozenset()):
    """(sheet title, [(row number, {key: cell})]) of the workbook's first
    sheet; ImportRejected for a file that cannot be read, header errors and
    values in columns without a header. Every column but the `optional`
    ones is required."""
    check_workbook_file(data, filename)
    with open_workbook(data) as workbook:
        sheets = [s for s in workbook.sheets if s.is_table]
        if not sheets:
            raise ImportRejected([ImportIssue(_("filen har inget blad med en tabell."))])
        sheet = sheets[0]
        header = None
        rows = []
        for number, cells in sheet.rows():
            if not any(cell_text(c) for c in cells):
                continue
            if header is None:
                header = read_header(
                    cells,
                    columns=columns,
                    required=[key for key in columns if key not in optional],
                    hint=_("Bladets kolumner är %(columns)s.")
                    % {"columns": ", ".join(columns.values())},
                    row=number,
                    sheet=sheet.title,
                )
                if header.errors:
                    raise ImportRejected(header.errors)
                continue
            rows.append(
                (
                    number,
                    {
                        key: (cells[p] if p < len(cells) else None)
                        for key, p in header.positions.items()
                    },
                )
            )
        if header is None:
            raise ImportRejected([ImportIssue(_("bladet har ingen rubrikrad."), sheet=sheet.title)])
        return sheet.title, rows


class RowReader:
    """Collects every error of a file, each at its row and column (`columns`:
    a field's name in the messages: the sheet's header, or an API field)."""

    def __init__(self, sheet: str | None, columns: dict[str, str]):
        self.sheet, self.columns = sheet, columns
        self.errors: list[ImportIssue] = []

    def error(self, row: int, key: str | None, message: str) -> None:
        self.errors.append(
            ImportIssue(
                message,
                row=row,
                column=self.columns.get(key, key) if key else None,
                sheet=self.sheet,
            )
        )

    def read(self, row: int, key: str, cells: dict, parse, *, required: bool = True):
        try:
            value = parse(cells.get(key))
        except CellError as exc:
            self.error(row, key, str(exc))
            return None
        if value is None and required:
            self.error(row, key, _("värde saknas."))
        return value

    def year(self, row: int, cells: dict) -> int | None:
        text = cell_text(cells.get("year"))
        if not text:
            self.error(row, "year", _("värde saknas."))
            return None
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            self.error(
                row,
                "year",
                _("”%(value)s” är inte ett år mellan %(a)d och %(b)d.")
                % {"value": text, "a": FIRST_YEAR, "b": LAST_YEAR},
            )
            return None
        return int(text)


def _unknown(text: str, options: dict, what: str) -> str:
    meant = closest(norm_key(text), options)
    message = _("%(what)s ”%(text)s” finns inte.") % {"what": what, "text": text}
    if meant is not None:
        message += " " + _("Menade du ”%(name)s”?") % {"name": meant}
    return message


def percent_ok(measure_unit: str, value: Decimal) -> bool:
    """A value of an indicator in % is between 0 and 100 (as on the page)."""
    return (measure_unit or "").strip() != "%" or 0 <= value <= 100


@dataclass(frozen=True)
class BreakdownRow:
    """One checked value per group: row `row` says `value` for `category` of
    `dimension` in `year` and `period` ("" for the whole year, else
    "2025-08")."""

    row: int
    dimension: BreakdownDimension
    category: BreakdownCategory
    year: int
    period: str
    value: Decimal


class BreakdownRows:
    """The one check of rows of values per group (År, Period, Uppdelning,
    Grupp, Utfall), for the Excel import, the plan workbook's sheet
    Uppdelningar and the API: each row's cells by key ("year", "period",
    "dimension", "category", "value"), errors with the row, the field
    (named by `columns`) and a Swedish message, with ”Menade du …?” for a
    misspelt uppdelning or group. An empty period is the whole year (see
    parse_period_cell); a value of an indicator in % is between 0 and 100
    (percent_ok). A second row for the same group, year and period (within
    `scope`, e.g. the indicator and unit) is an error."""

    def __init__(self, *, columns: dict[str, str] = BREAKDOWN_COLUMNS, sheet: str | None = None):
        self._reader = RowReader(sheet, columns)
        self._dimensions: dict[int, dict[str, BreakdownDimension]] = {}
        self._seen: dict[tuple, int] = {}

    @property
    def errors(self) -> list[ImportIssue]:
        return self._reader.errors

    def error(self, row: int, key: str | None, message: str) -> None:
        self._reader.error(row, key, message)

    def year(self, row: int, cells: dict) -> int | None:
        """The row's year ("year"), or None with its error."""
        return self._reader.year(row, cells)

    def _dimensions_of(self, organisation_id: int) -> dict[str, BreakdownDimension]:
        if organisation_id not in self._dimensions:
            self._dimensions[organisation_id] = {
                norm_key(d.name): d for d in dimensions_of(organisation_id)
            }
        return self._dimensions[organisation_id]

    def read(
        self,
        number: int,
        cells: dict,
        *,
        organisation_id: int,
        measure_unit: str = "",
        scope: tuple = (),
    ) -> BreakdownRow | None:
        """The row checked, or None (its errors in `errors`). `measure_unit`:
        the indicator's, for the percent rule."""
        reader = self._reader
        dimensions = self._dimensions_of(organisation_id)
        year = reader.year(number, cells)
        period: str | None = None
        if year is not None:
            try:
                period = parse_period_cell(cell_text(cells.get("period")), year)
            except CellError as exc:
                reader.error(number, "period", str(exc))
        dimension_text = cell_text(cells.get("dimension"))
        dimension = dimensions.get(norm_key(dimension_text))
        if not dimension_text:
            reader.error(number, "dimension", _("värde saknas."))
        elif dimension is None:
            names = {key: d.name for key, d in dimensions.items()}
            reader.error(number, "dimension", _unknown(dimension_text, names, _("Uppdelningen")))
        category = None
        category_text = cell_text(cells.get("category"))
        if not category_text:
            reader.error(number, "category", _("värde saknas."))
        elif dimension is not None:
            labels = {norm_key(c.label): c for c in dimension.categories.all()}
            category = labels.get(norm_key(category_text))
            if category is None:
                reader.error(
                    number,
                    "category",
                    _unknown(category_text, {k: c.label for k, c in labels.items()}, _("Gruppen"))
                    + " "
                    + _("Grupperna i %(dimension)s är %(labels)s.")
                    % {
                        "dimension": dimension.name,
                        "labels": ", ".join(c.label for c in labels.values()),
                    },
                )
        value = reader.read(number, "value", cells, parse_decimal)
        if value is not None and not percent_ok(measure_unit, value):
            reader.error(number, "value", _("En andel i procent är mellan 0 och 100."))
            return None
        if year is None or period is None or category is None or value is None:
            return None
        key = (*scope, year, period, category.pk)
        if key in self._seen:
            reader.error(
                number,
                None,
                _("%(dimension)s %(label)s %(period)s står redan på rad %(row)d.")
                % {
                    "dimension": dimension.name,
                    "label": category.label,
                    "period": period_label(year, period),
                    "row": self._seen[key],
                },
            )
            return None
        self._seen[key] = number
        return BreakdownRow(number, dimension, category, year, period, value)


def store_breakdowns(
    *, actor, item: Item, unit: Unit, rows: list[BreakdownRow], source: str = ValueSource.IMPORTED
) -> int:
    """Store checked rows (BreakdownRows) as the indicator's values for the
    unit, each replacing the value stored for its group, year and period,
    through save_breakdown, in the caller's action (or one of its own).
    Returns how many values changed."""
    grouped: dict[tuple, tuple[BreakdownDimension, int, str, dict]] = {}
    for row in rows:
        entry = grouped.setdefault(
            (row.dimension.pk, row.year, row.period), (row.dimension, row.year, row.period, {})
        )
        entry[3][row.category.pk] = row.value
    changed = 0
    with one_action():
        for dimension, year, period, values in grouped.values():
            current = {
                v.category_id: v.version
                for v in BreakdownValue.objects.filter(
                    item=item, unit=unit, year=year, period=period, category__in=list(values)
                )
            }
            changed += save_breakdown(
                actor=actor,
                item=item,
                unit=unit,
                dimension=dimension,
                year=year,
                period=period,
                values=values,
                versions=current,
                source=source,
            )
    return changed


def import_breakdowns(*, actor, item: Item, unit: Unit, data: bytes, filename: str) -> ImportResult:
    """Values per group from an Excel workbook (columns År, Period,
    Uppdelning, Grupp, Utfall; Period may be left out) for the indicator and
    unit. All or nothing: ImportRejected with every error."""
    if not may_edit_breakdown(actor, item, unit):
        raise PermissionDenied
    sheet, rows = _sheet_rows(data, filename, BREAKDOWN_COLUMNS, BREAKDOWN_OPTIONAL)
    checker = BreakdownRows(sheet=sheet)
    organisation_id = item.plan.plan_type.model.organisation_id
    parsed = [
        row
        for number, cells in rows
        if (
            row := checker.read(
                number, cells, organisation_id=organisation_id, measure_unit=item.measure_unit
            )
        )
        is not None
    ]
    if checker.errors:
        raise ImportRejected(checker.errors)
    if not rows:
        raise ImportRejected([ImportIssue(_("bladet har inga värden."), sheet=sheet)])
    changed = store_breakdowns(actor=actor, item=item, unit=unit, rows=parsed)
    return ImportResult(len(rows), changed)


# --- Comparison values ----------------------------------------------------------


@use_case
def save_comparison(
    *,
    actor,
    item: Item,
    kind: str,
    name: str,
    year: int,
    value: Decimal,
    source: str,
    source_date: datetime.date,
    row: ComparisonValue | None = None,
    version: int = 0,
) -> ComparisonValue:
    """Store a comparison value of the indicator: a new one, or `row`
    changed (opened at `version`; EditConflict when someone else saved it
    since). One value per name and year: ValidationError for a second."""
    if not may_edit_comparisons(actor, item):
        raise PermissionDenied
    if kind not in ComparisonKind.values:
        raise ValidationError({"kind": [_("Välj vad som jämförs.")]})
    name = " ".join(name.split())
    if row is not None:
        if row.item_id != item.pk:
            raise PermissionDenied
        lock_version(row, version)
    else:
        row = ComparisonValue(item=item)
    if comparison_named(item, name, year, other_than=row.pk) is not None:
        raise ValidationError(
            {
                "name": [
                    _("Det finns redan ett värde för %(name)s %(year)d; ändra det i tabellen.")
                    % {"name": name, "year": year}
                ]
            }
        )
    row.kind, row.name, row.year = kind, name, year
    row.value, row.source, row.source_date = value, source.strip(), source_date
    return save_edited(row, actor)


def comparison_named(
    item: Item, name: str, year: int, *, other_than: int | None = None
) -> ComparisonValue | None:
    """The indicator's comparison value of a name (case and spaces aside)
    and year."""
    key = norm_key(name)
    rows = ComparisonValue.objects.filter(item=item, year=year).exclude(pk=other_than)
    return next((r for r in rows if norm_key(r.name) == key), None)


@use_case
def delete_comparison(*, actor, row: ComparisonValue) -> None:
    if not may_edit_comparisons(actor, row.item):
        raise PermissionDenied
    set_actor(row, actor)
    row.delete()


_KINDS = {norm_key(str(label)): value for value, label in ComparisonKind.choices}
_KINDS.update({"riket": ComparisonKind.COUNTRY, "grupp": ComparisonKind.GROUP})


@dataclass(frozen=True)
class ComparisonRow:
    """One checked comparison value from row `row`."""

    row: int
    kind: str
    name: str
    year: int
    value: Decimal
    source: str
    source_date: datetime.date


class ComparisonRows:
    """The one check of rows of comparison values (År, Jämförelse, Namn,
    Värde, Källa, Datum), for the Excel import and the API: each row's
    cells by key, errors with the row, the field (named by `columns`) and a
    Swedish message. A second row for the same name and year (within
    `scope`, e.g. the indicator) is an error."""

    def __init__(self, *, columns: dict[str, str] = COMPARISON_COLUMNS, sheet: str | None = None):
        self._reader = RowReader(sheet, columns)
        self._seen: dict[tuple, int] = {}
        self._kinds = {value: str(label) for value, label in ComparisonKind.choices}

    @property
    def errors(self) -> list[ImportIssue]:
        return self._reader.errors

    def error(self, row: int, key: str | None, message: str) -> None:
        self._reader.error(row, key, message)

    def year(self, row: int, cells: dict) -> int | None:
        """The row's year ("year"), or None with its error."""
        return self._reader.year(row, cells)

    def read(self, number: int, cells: dict, *, scope: tuple = ()) -> ComparisonRow | None:
        """The row checked, or None (its errors in `errors`)."""
        reader = self._reader
        year = reader.year(number, cells)
        kind_text = cell_text(cells.get("kind"))
        kind = _KINDS.get(norm_key(kind_text))
        if not kind_text:
            reader.error(number, "kind", _("värde saknas."))
        elif kind is None:
            reader.error(
                number,
                "kind",
                _("”%(text)s” är inte en jämförelse. Skriv %(kinds)s.")
                % {"text": kind_text, "kinds": ", ".join(self._kinds.values())},
            )
        name = " ".join(cell_text(cells.get("name")).split())
        if not name:
            reader.error(number, "name", _("värde saknas."))
        elif len(name) > 100:
            reader.error(number, "name", _("namnet får vara högst 100 tecken."))
        value = reader.read(number, "value", cells, parse_decimal)
        source = cell_text(cells.get("source"))
        if not source:
            reader.error(number, "source", _("värde saknas."))
        elif len(source) > 200:
            reader.error(number, "source", _("källan får vara högst 200 tecken."))
        source_date = reader.read(number, "source_date", cells, parse_date)
        if None in (year, kind, value, source_date) or not name or not source:
            return None
        key = (*scope, norm_key(name), year)
        if key in self._seen:
            reader.error(
                number,
                None,
                _("%(name)s %(year)d står redan på rad %(row)d.")
                % {"name": name, "year": year, "row": self._seen[key]},
            )
            return None
        self._seen[key] = number
        return ComparisonRow(number, kind, name, year, value, source, source_date)


def store_comparisons(*, actor, item: Item, rows: list[ComparisonRow]) -> int:
    """Store checked rows (ComparisonRows) as the indicator's comparison
    values, each replacing the value of its name and year, through
    save_comparison. Returns how many changed."""
    changed = 0
    with one_action():
        for row in rows:
            current = comparison_named(item, row.name, row.year)
            if current is not None and (
                current.kind,
                current.value,
                current.source,
                current.source_date,
            ) == (row.kind, row.value, row.source, row.source_date):
                continue
            save_comparison(
                actor=actor,
                item=item,
                kind=row.kind,
                name=row.name,
                year=row.year,
                value=row.value,
                source=row.source,
                source_date=row.source_date,
                row=current,
                version=current.version if current else 0,
            )
            changed += 1
    return changed


def import_comparisons(*, actor, item: Item, data: bytes, filename: str) -> ImportResult:
    """Comparison values from an Excel workbook (columns År, Jämförelse,
    Namn, Värde, Källa, Datum). All or nothing."""
    if not may_edit_comparisons(actor, item):
        raise PermissionDenied
    sheet, rows = _sheet_rows(data, filename, COMPARISON_COLUMNS)
    checker = ComparisonRows(sheet=sheet)
    parsed = [row for number, cells in rows if (row := checker.read(number, cells)) is not None]
    if checker.errors:
        raise ImportRejected(checker.errors)
    if not rows:
        raise ImportRejected([ImportIssue(_("bladet har inga värden."), sheet=sheet)])
    changed = store_comparisons(actor=actor, item=item, rows=parsed)
    return ImportResult(len(rows), changed)
