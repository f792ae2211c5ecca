"""Reading a plan workbook into plain rows (läsa planfilen).

`read_workbook` finds the sheet of each item kind by its name, the columns
by their headers (case and order free) and returns one `ItemRow` per data
row with the raw cell values of the columns the sheet has. It knows nothing
of the database; the importer validates the values."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from styrhjul.core.importing import (
    MAX_ROWS,
    ImportIssue,
    ImportRejected,
    check_workbook_file,
    open_workbook,
    read_header,
    too_many_rows,
)
from styrhjul.model.models import ItemKind

from .cells import norm_header, short_text
from .columns import AUXILIARY_SHEETS, SHEETS, Sheet
from .errors import issue_order
from .extension import breakdowns as plan_breakdowns


@dataclass(frozen=True)
class ItemRow:
    """One data row of a kind's sheet, as read: column key → cell value
    (text, number, date or bool as openpyxl gives it). A column the sheet
    does not have is not in `cells` at all; an empty cell is None."""

    sheet: str
    row: int
    cells: dict[str, object]

    def has(self, key: str) -> bool:
        return key in self.cells


@dataclass(frozen=True)
class SheetRows:
    """The rows of one kind's sheet."""

    spec: Sheet
    title: str  # as written in the file
    columns: tuple[str, ...]  # keys of the columns present
    rows: list[ItemRow]

    def has(self, key: str) -> bool:
        return key in self.columns


@dataclass(frozen=True)
class TableRows:
    """The rows of a sheet that is not a kind's (Uppdelningar): row number
    → column key → cell value, for the extension that reads it."""

    title: str
    columns: tuple[str, ...]  # keys of the columns present
    rows: list[tuple[int, dict[str, object]]]


@dataclass(frozen=True)
class ParsedWorkbook:
    sheets: list[SheetRows]
    ignored_sheets: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # "Blad: Kolumn"
    breakdowns: TableRows | None = None  # the sheet Uppdelningar (extension.breakdowns)

    def sheet(self, kind: str) -> SheetRows | None:
        return next((s for s in self.sheets if s.spec.kind == kind), None)


def _sheet_names() -> dict[str, Sheet]:
    names: dict[str, Sheet] = {}
    labels = dict(ItemKind.choices)
    for sheet in SHEETS.values():
        for name in (sheet.name, *sheet.aliases, str(labels[sheet.kind])):
            names.setdefault(norm_header(name), sheet)
    return names


def read_workbook(data: bytes, *, filename: str) -> ParsedWorkbook:
    """Parse the bytes of an .xlsx file. Raises ImportRejected for a file that
    cannot be read, and for every problem with sheets and headers."""
    check_workbook_file(data, filename)
    with open_workbook(data) as workbook:
        return _read(workbook)


def _read(workbook) -> ParsedWorkbook:
    names = _sheet_names()
    auxiliary = {norm_header(n) for n in AUXILIARY_SHEETS}
    errors: list[ImportIssue] = []
    sheets: list[SheetRows] = []
    seen: dict[str, str] = {}  # kind -> title of the sheet read for it
    ignored_sheets: list[str] = []
    ignored_columns: list[str] = []
    total = 0
    breakdowns: TableRows | None = None
    for worksheet in workbook.sheets:
        title = worksheet.title
        spec = names.get(norm_header(title))
        if spec is None and norm_header(title) == norm_header(plan_breakdowns().sheet):
            if breakdowns is not None:
                message = _("filen har ett till blad %(name)s. Lägg alla värden på ett blad.") % {
                    "name": plan_breakdowns().sheet
                }
                errors.append(ImportIssue(message, sheet=title))
                continue
            if not worksheet.is_table:  # a chart sheet
                errors.append(ImportIssue(_("bladet innehåller ingen tabell."), sheet=title))
                continue
            breakdowns, table_errors, ignored = _read_table(title, worksheet.rows())
            errors.extend(table_errors)
            ignored_columns.extend(f"{title}: {c}" for c in ignored)
            total += len(breakdowns.rows) if breakdowns else 0
            continue
        if spec is None:
            if norm_header(title) not in auxiliary:
                ignored_sheets.append(title)
            continue
        if spec.kind in seen:
            errors.append(
                ImportIssue(
                    _(
                        "bladet är ett till blad för %(kind)s (det första är %(first)s). Lägg "
                        "alla %(kind)s på ett blad."
                    )
                    % {"kind": spec.label, "first": seen[spec.kind]},
                    sheet=title,
                )
            )
            continue
        seen[spec.kind] = title
        if not worksheet.is_table:  # a chart sheet
            errors.append(ImportIssue(_("bladet innehåller ingen tabell."), sheet=title))
            continue
        sheet, sheet_errors, ignored = _read_sheet(spec, title, worksheet.rows())
        errors.extend(sheet_errors)
        ignored_columns.extend(f"{title}: {c}" for c in ignored)
        if sheet is not None:
            sheets.append(sheet)
            total += len(sheet.rows)
            if total > MAX_ROWS:
                raise too_many_rows()
    if errors:
        raise ImportRejected(errors, order=issue_order)
    if not sheets:
        expected = ", ".join(s.name for s in SHEETS.values())
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "filen har inget blad med poster. Bladen ska heta som posttyperna: "
                        "%(names)s."
                    )
                    % {"names": expected}
                )
            ]
        )
    return ParsedWorkbook(
        sheets=sheets,
        ignored_sheets=ignored_sheets,
        ignored_columns=ignored_columns,
        breakdowns=breakdowns,
    )


def _read_table(title: str, numbered_rows):
    """(TableRows or None, errors, ignored headers) for the sheet
    Uppdelningar, with the columns the extension names."""
    extension = plan_breakdowns()
    rows: list[tuple[int, dict[str, object]]] = []
    header = None
    errors: list[ImportIssue] = []
    for number, cells in numbered_rows:
        cells = list(cells)
        if not any(short_text(c) for c in cells):
            continue
        if header is None:
            header = read_header(
                cells,
                columns=extension.columns,
                required=extension.required,
                hint=_("Bladets kolumner är %(columns)s.")
                % {"columns": ", ".join(extension.columns.values())},
                row=number,
                sheet=title,
            )
            if header.errors:
                return None, header.errors, header.ignored
            continue
        extra = [
            i for i, c in enumerate(cells[header.width :], start=header.width) if short_text(c)
        ]
        if extra:
            errors.append(
                ImportIssue(
                    _(
                        "raden har ett värde i kolumn %(letter)s, som saknar rubrik. Ge "
                        "kolumnen en rubrik eller flytta värdet."
                    )
                    % {"letter": _column_letter(extra[0])},
                    row=number,
                    sheet=title,
                )
            )
            continue
        rows.append(
            (
                number,
                {
                    key: (cells[position] if position < len(cells) else None)
                    for key, position in header.positions.items()
                },
            )
        )
    columns = tuple(header.positions) if header is not None else ()
    return (
        TableRows(title=title, columns=columns, rows=rows),
        errors,
        (header.ignored if header is not None else []),
    )


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_sheet(spec: Sheet, title: str, numbered_rows):
    """(SheetRows or None, errors, ignored headers) for one kind's sheet."""
    errors: list[ImportIssue] = []
    positions: dict[str, int] = {}
    ignored: list[str] = []
    width = 0
    header_seen = False
    rows: list[ItemRow] = []
    for number, cells in numbered_rows:
        cells = list(cells)
        if not any(short_text(c) for c in cells):
            continue  # blank line
        if not header_seen:
            header_seen = True
            width, positions, ignored, header_errors = _read_header(spec, title, cells, number)
            if header_errors:
                return None, header_errors, ignored
            continue
        extra = [i for i, c in enumerate(cells[width:], start=width) if short_text(c)]
        if extra:
            errors.append(
                ImportIssue(
                    _(
                        "raden har ett värde i kolumn %(letter)s, som saknar rubrik. Ge "
                        "kolumnen en rubrik eller flytta värdet."
                    )
                    % {"letter": _column_letter(extra[0])},
                    row=number,
                    sheet=title,
                )
            )
            continue
        values = {
            key: (cells[position] if position < len(cells) else None)
            for key, position in positions.items()
        }
        rows.append(ItemRow(sheet=title, row=number, cells=values))
    if not header_seen:
        return SheetRows(spec=spec, title=title, columns=(), rows=[]), errors, ignored
    columns = tuple(c.key for c in spec.all_columns if c.key in positions)
    return SheetRows(spec=spec, title=title, columns=columns, rows=rows), errors, ignored


def _read_header(spec: Sheet, title: str, cells, number: int):
    header = read_header(
        cells,
        columns={c.key: c.header for c in spec.all_columns},
        required=[c.key for c in spec.columns if c.required],
        hint=_("Bladets kolumner är %(columns)s.")
        % {"columns": ", ".join(c.header for c in spec.columns)},
        row=number,
        sheet=title,
        aliases={alias: c.key for c in spec.all_columns for alias in c.aliases},
    )
    return header.width, header.positions, header.ignored, header.errors
