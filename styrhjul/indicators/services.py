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
) -> int:
    """Store the indicator's values for the unit and year per group of the
    uppdelning (`values`: category pk → value; None removes a value).
    `versions`: the version of each value the user opened (0 for none);
    EditConflict when someone else has saved since. Returns how many values
    changed."""
    if not may_edit_breakdown(actor, item, unit):
        raise PermissionDenied
    if dimension.organisation_id != item.plan.plan_type.model.organisation_id:
        raise PermissionDenied
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Året ska vara mellan %(a)d och %(b)d.") % {"a": FIRST_YEAR, "b": LAST_YEAR}
        )
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
        )
        if value is None:
            if not row._state.adding:
                set_actor(row, actor)
                row.delete()
                changed += 1
            continue
        if not row._state.adding and row.value == value and row.source == source:
            continue
        row.value, row.source = value, source
        save_edited(row, actor)
        changed += 1
    return changed


BREAKDOWN_COLUMNS = {
    "year": "År",
    "dimension": "Uppdelning",
    "category": "Grupp",
    "value": "Utfall",
}

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


def _sheet_rows(data: bytes, filename: str, columns: dict[str, str]):
    """(sheet title, [(row number, {key: cell})]) of the workbook's first
    sheet; ImportRejected for a file that cannot be read, header errors and
    values in columns without a header."""
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
                    required=list(columns),
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


class _Rows:
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


@dataclass(frozen=True)
class BreakdownRow:
    """One checked value per group: row `row` says `value` for `category` of
    `dimension` in `year`."""

    row: int
    dimension: BreakdownDimension
    category: BreakdownCategory
    year: int
    value: Decimal


class BreakdownRows:
    """The one check of rows of values per group (År, Uppdelning, Grupp,
    Utfall), for the Excel import and the API: each row's cells by key
    ("year", "dimension", "category", "value"), errors with the row, the
    field (named by `columns`) and a Swedish message, with ”Menade du …?”
    for a misspelt uppdelning or group. A second row for the same group and
    year (within `scope`, e.g. the indicator and unit) is an error."""

    def __init__(self, *, columns: dict[str, str] = BREAKDOWN_COLUMNS, sheet: str | None = None):
        self._reader = _Rows(sheet, columns)
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
        self, number: int, cells: dict, *, organisation_id: int, scope: tuple = ()
    ) -> BreakdownRow | None:
        """The row checked, or None (its errors in `errors`)."""
        reader = self._reader
        dimensions = self._dimensions_of(organisation_id)
        year = reader.year(number, cells)
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
        if year is None or category is None or value is None:
            return None
        key = (*scope, year, category.pk)
        if key in self._seen:
            reader.error(
                number,
                None,
                _("%(dimension)s %(label)s %(year)d står redan på rad %(row)d.")
                % {
                    "dimension": dimension.name,
                    "label": category.label,
                    "year": year,
                    "row": self._seen[key],
                },
            )
            return None
        self._seen[key] = number
        return BreakdownRow(number, dimension, category, year, value)


def store_breakdowns(
    *, actor, item: Item, unit: Unit, rows: list[BreakdownRow], source: str = ValueSource.IMPORTED
) -> int:
    """Store checked rows (BreakdownRows) as the indicator's values for the
    unit, each replacing the value stored for its group and year, through
    save_breakdown. Returns how many values changed."""
    grouped: dict[tuple[int, int], tuple[BreakdownDimension, int, dict]] = {}
    for row in rows:
        entry = grouped.setdefault((row.dimension.pk, row.year), (row.dimension, row.year, {}))
        entry[2][row.category.pk] = row.value
    changed = 0
    with one_action():
        for dimension, year, values in grouped.values():
            current = {
                v.category_id: v.version
                for v in BreakdownValue.objects.filter(
                    item=item, unit=unit, year=year, category__in=list(values)
                )
            }
            changed += save_breakdown(
                actor=actor,
                item=item,
                unit=unit,
                dimension=dimension,
                year=year,
                values=values,
                versions=current,
                source=source,
            )
    return changed


def import_breakdowns(*, actor, item: Item, unit: Unit, data: bytes, filename: str) -> ImportResult:
    """Values per group from an Excel workbook (columns År, Uppdelning,
    Grupp, Utfall) for the indicator and unit. All or nothing:
    ImportRejected with every error."""
    if not may_edit_breakdown(actor, item, unit):
        raise PermissionDenied
    sheet, rows = _sheet_rows(data, filename, BREAKDOWN_COLUMNS)
    checker = BreakdownRows(sheet=sheet)
    organisation_id = item.plan.plan_type.model.organisation_id
    parsed = [
        row
        for number, cells in rows
        if (row := checker.read(number, cells, organisation_id=organisation_id)) is not None
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
        self._reader = _Rows(sheet, columns)
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
