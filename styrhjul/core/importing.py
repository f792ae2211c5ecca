"""What every importer shares (the organisation file, a plan workbook, the
reported results): one kind of error with its place in the file, one
rejection of a whole file, the limits of an upload, the one way to read the
rows of an Excel workbook or a CSV text, and reading a header row. Pages and
commands show every importer's errors the same way.

Reading is bounded (docs/sakerhet.md): an upload is at most MAX_BYTES; every
part of an .xlsx file is checked for its unpacked size and its compression
ratio before anything in it is read; rows are streamed one by one and the
row limit is enforced while reading, so a hostile file is refused before it
costs memory or time. Whatever is wrong with a file ends as ImportRejected
with a Swedish message, never as another exception."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .spreadsheet import cell_text, closest, norm_header, unprotected_text

MAX_BYTES = 10 * 1024 * 1024  # an upload, as sent
MAX_ROWS = 20_000  # rows with a value in a file (all sheets read together)
# An .xlsx file is a zip archive of parts. Before anything is read:
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # all parts together, unpacked
MAX_SHEET_PART_BYTES = 50 * 1024 * 1024  # a worksheet or the shared strings, unpacked
MAX_OTHER_PART_BYTES = 2 * 1024 * 1024  # any other part (read whole), unpacked
MAX_RATIO = 100  # unpacked size / packed size of a part larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
MAX_PARTS = 1_000
# While reading:
MAX_ROW_ELEMENTS = 5 * MAX_ROWS  # rows in the files' XML, empty ones too
MAX_COLUMNS = 1_000  # a value further to the right is refused
MAX_ELEMENTS = 50_000  # XML elements in one row or one shared string
MAX_DEPTH = 100  # XML elements inside each other
MAX_SHARED_STRINGS = 1_000_000


@dataclass(frozen=True)
class ImportIssue:
    """One error in the file: where it is and what is wrong, in Swedish."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("blad %(sheet)s") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("rad %(row)d") % {"row": self.row})
        if self.column:
            parts.append(_("kolumn %(column)s") % {"column": self.column})
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def __str__(self) -> str:
        where = self.location()
        if not where:
            return self.message[:1].upper() + self.message[1:]
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; nothing was saved. `errors` lists every
    problem found, in the file's order (`order`: the importer's sort key,
    e.g. sheet, row and column in the order of its format)."""

    def __init__(
        self, errors: Sequence[ImportIssue], order: Callable[[ImportIssue], object] | None = None
    ):
        self.errors = sorted(errors, key=order) if order else list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def rejected(message: str, **where) -> ImportRejected:
    """A rejection with one error."""
    return ImportRejected([ImportIssue(message, **where)])


def check_size(data: bytes) -> None:
    """Reject a file larger than an upload may be."""
    if len(data) > MAX_BYTES:
        raise rejected(
            _("filen är för stor (högst %(mb)d MB).") % {"mb": MAX_BYTES // 1024 // 1024}
        )


def check_workbook_file(data: bytes, filename: str) -> None:
    """Reject a file that is not an Excel workbook (.xlsx) small enough to
    import, saying in Swedish what it is instead."""
    import zipfile
    from pathlib import PurePath

    suffix = PurePath(filename or "").suffix.lower()
    check_size(data)
    if not data:
        raise ImportRejected([ImportIssue(_("filen är tom."))])
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "det gamla Excel-formatet .xls kan inte läsas. Spara filen som "
                        "Excel-arbetsbok (.xlsx)."
                    )
                )
            ]
        )
    if suffix not in {".xlsx", ".xlsm"}:
        raise ImportRejected(
            [
                ImportIssue(
                    _("fel filtyp (%(suffix)s). Välj en Excel-arbetsbok (.xlsx).")
                    % {"suffix": suffix or _("ingen filändelse")}
                )
            ]
        )
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected([ImportIssue(_("filen är inte en giltig Excel-arbetsbok (.xlsx)."))])


def too_many_rows(sheet: str | None = None) -> ImportRejected:
    return rejected(
        _("filen har fler än %(max)s rader; dela upp den i flera filer.")
        % {"max": f"{MAX_ROWS:,}".replace(",", " ")},
        sheet=sheet,
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}".replace(".", ",")


def _damaged() -> ImportRejected:
    return rejected(_("filen kunde inte läsas som Excel-arbetsbok (.xlsx). Är den skadad?"))


def _is_sheet_part(name: str) -> bool:
    """A part read row by row (a worksheet, the shared strings), which may be
    larger than the parts read whole (workbook, styles, relations)."""
    lowered = name.casefold()
    return (
        lowered.startswith("xl/worksheets/")
        and lowered.endswith(".xml")
        or lowered in {"xl/sharedstrings.xml"}
    )


def check_archive(data: bytes) -> None:
    """Refuse an .xlsx file (a zip archive) whose parts unpack to more than a
    workbook of MAX_ROWS rows could need, or that are packed far tighter than
    real workbooks are (a zip bomb), before any part is unpacked. Python's
    zipfile never unpacks more than the size a part declares (a larger part
    fails its check), so the declared sizes bound what reading can cost."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception:  # BadZipFile, and worse for very broken files
        raise rejected(_("filen är inte en giltig Excel-arbetsbok (.xlsx).")) from None
    if len(parts) > MAX_PARTS:
        raise rejected(
            _("filen har fler än %(max)d delar och är ingen vanlig Excel-arbetsbok.")
            % {"max": MAX_PARTS}
        )
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:
            raise rejected(
                _("filen är lösenordsskyddad. Ta bort skyddet i Excel och spara filen igen.")
            )
        limit = MAX_SHEET_PART_BYTES if _is_sheet_part(part.filename) else MAX_OTHER_PART_BYTES
        if part.file_size > limit:
            raise rejected(
                _(
                    "delen %(part)s i filen blir %(size)s MB uppackad (högst %(max)s MB). "
                    "Dela upp arbetsboken i flera filer."
                )
                % {"part": part.filename, "size": _mb(part.file_size), "max": _mb(limit)}
            )
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * part.compress_size:
            raise rejected(
                _(
                    "delen %(part)s i filen är packad %(ratio)d gånger tätare än en vanlig "
                    "Excel-arbetsbok tillåter (högst %(max)d gånger). Filen läses inte; "
                    "öppna den i Excel och spara den på nytt."
                )
                % {
                    "part": part.filename,
                    "ratio": part.file_size // max(part.compress_size, 1),
                    "max": MAX_RATIO,
                }
            )
        total += part.file_size
    if total > MAX_UNPACKED_BYTES:
        raise rejected(
            _(
                "filen blir %(size)s MB uppackad (högst %(max)s MB). Dela upp arbetsboken i "
                "flera filer."
            )
            % {"size": _mb(total), "max": _mb(MAX_UNPACKED_BYTES)}
        )


class _TooLarge(Exception):
    """A part of a sheet has more XML elements than MAX_ELEMENTS."""


class _WithoutDoctype:
    """A part's bytes, refused if they hold a document type declaration: the
    parts of a workbook never do, and its entities could grow without bound
    (a "billion laughs")."""

    def __init__(self, source):
        self._source = source
        self._tail = b""

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        if b"<!DOCTYPE" in (self._tail + data).upper():
            raise rejected(
                _(
                    "filen innehåller en dokumenttypdeklaration (<!DOCTYPE>), som en "
                    "Excel-arbetsbok aldrig har. Filen läses inte."
                )
            )
        self._tail = data[-8:]
        return data


def _bounded_elements(source, keep: str):
    """The XML elements of `source` named `keep` (a row of a sheet, a string
    of the shared strings), each when read whole, one at a time. Every other
    element is dropped as soon as it is read and a kept one once used, so
    memory holds one element at a time; a kept element with more than
    MAX_ELEMENTS elements inside it, or elements nested deeper than
    MAX_DEPTH, raise _TooLarge before they are held."""
    from openpyxl.xml.functions import iterparse

    source = _WithoutDoctype(source)
    stack: list = []
    kept_at = 0  # depth of the kept element being read, or 0
    inside = 0
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            stack.append(element)
            if len(stack) > MAX_DEPTH:
                raise _TooLarge
            if not kept_at:
                if element.tag == keep:
                    kept_at, inside = len(stack), 0
            else:
                inside += 1
                if inside > MAX_ELEMENTS:
                    raise _TooLarge
            continue
        depth = len(stack)
        stack.pop()
        if kept_at and depth > kept_at:
            continue  # part of the kept element
        if depth == kept_at:
            kept_at = 0
            yield element
        element.clear()
        if stack:
            stack[-1].remove(element)


def _shared_strings(source) -> list[str]:
    """The shared strings of a workbook, read one at a time (openpyxl's reader
    keeps every string's XML element while reading). A character a workbook
    holds escaped, as Excel writes it (a carriage return as _x000D_, and
    text that looks like such an escape with its "_" escaped as _x005F_),
    is read as that character."""
    from openpyxl.cell.text import Text
    from openpyxl.utils.escape import unescape
    from openpyxl.xml.constants import SHEET_MAIN_NS

    strings: list[str] = []
    try:
        for element in _bounded_elements(source, f"{{{SHEET_MAIN_NS}}}si"):
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _TooLarge
            strings.append(unescape(Text.from_tree(element).content))
    except _TooLarge:
        raise rejected(
            _("filen har för många texter (högst %(max)s) och kan inte läsas.")
            % {"max": f"{MAX_SHARED_STRINGS:,}".replace(",", " ")}
        ) from None
    return strings


def _excel_reader(data: bytes):
    """openpyxl's reader of a workbook's structure (sheets, styles, names),
    reading the shared strings one at a time and no sheet's content: each
    sheet is read when its rows are (XlsxSheet.rows). `sheets` lists every
    sheet as (title, openpyxl's read-only worksheet, or None for a chart
    sheet)."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Worksheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass  # openpyxl reads the whole sheet for its size when it has none

    class Reader(ExcelReader):
        sheets: list

        def read_strings(self):
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as source:
                    self.shared_strings = _shared_strings(source)

        def read_worksheets(self):
            self.sheets = []
            for sheet, relation in self.parser.find_sheets():
                if relation.target not in self.valid_files:
                    continue
                if "chartsheet" in relation.Type:
                    self.sheets.append((sheet.name, None))
                    continue
                worksheet = Worksheet(self.wb, sheet.name, relation.target, self.shared_strings)
                self.wb._sheets.append(worksheet)
                self.sheets.append((sheet.name, worksheet))

    return Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)


@dataclass
class _Counter:
    rows: int = 0  # rows with a value
    elements: int = 0  # row elements
    headers: int = 0  # sheets read (one header row each)


class XlsxSheet:
    """One sheet of an .xlsx file being read (see XlsxWorkbook)."""

    def __init__(self, book: XlsxWorkbook, title: str, worksheet):
        self._book = book
        self._worksheet = worksheet
        self.title: str = title
        self.is_table = worksheet is not None  # not a chart sheet

    def rows(self):
        """(row number as Excel shows it, values) for every row of the sheet
        with a value, in the file's order: text, numbers, dates and booleans
        as openpyxl gives them, formulas as their last computed value, the
        list as long as the last value. Raises ImportRejected for a broken
        cell (with its row and column), a broken sheet and too many rows,
        while reading."""
        import warnings

        if not self.is_table:
            raise rejected(_("bladet innehåller ingen tabell."), sheet=self.title)
        counter = self._book._counter
        counter.headers += 1
        row_number = 0
        rows = None
        while True:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if rows is None:  # opening the part may fail too
                        rows = self._book._parser(self._worksheet).parse()
                    found = next(rows, None)
            except ImportRejected:
                raise
            except _CellProblem as problem:
                raise rejected(
                    problem.message, row=problem.row, column=problem.column, sheet=self.title
                ) from None
            except _TooLarge:
                raise rejected(
                    _("raden har för många celler (högst %(max)s).")
                    % {"max": f"{MAX_ELEMENTS:,}".replace(",", " ")},
                    row=row_number + 1,
                    sheet=self.title,
                ) from None
            except Exception:  # broken XML, a bad checksum, a truncated part
                after = _(" efter rad %(row)d") % {"row": row_number} if row_number else ""
                raise rejected(
                    _(
                        "bladet är skadat och kunde inte läsas%(after)s. Öppna filen i Excel "
                        "och spara den på nytt."
                    )
                    % {"after": after},
                    sheet=self.title,
                ) from None
            if found is None:
                return
            row_number, cells = found
            counter.elements += 1
            if counter.elements > MAX_ROW_ELEMENTS:
                raise too_many_rows(self.title)
            values: list = []
            for cell in cells:
                value = cell["value"]
                if value is None or value == "":
                    continue
                column = cell["column"]
                if column > MAX_COLUMNS:
                    raise rejected(
                        _(
                            "cellen ligger längre till höger än %(max)s kolumner. Flytta "
                            "värdet eller ta bort det."
                        )
                        % {"max": f"{MAX_COLUMNS:,}".replace(",", " ")},
                        row=row_number,
                        column=_letter(column),
                        sheet=self.title,
                    )
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = unprotected_text(value)
            if not values:
                continue
            counter.rows += 1
            if counter.rows > MAX_ROWS + counter.headers:
                raise too_many_rows(self.title)
            yield row_number, values


class _CellProblem(Exception):
    def __init__(self, message: str, row: int | None, column: str | None):
        self.message, self.row, self.column = message, row, column


def _letter(column: int) -> str | None:
    from openpyxl.utils import get_column_letter

    try:
        return get_column_letter(column)
    except ValueError:
        return None


def _cell_problem(element, row: int) -> _CellProblem:
    """What is wrong with a cell openpyxl could not read, in Swedish."""
    from openpyxl.utils.cell import coordinate_from_string, coordinate_to_tuple

    reference = element.get("r")
    column = None
    if reference:
        try:
            row, _number = coordinate_to_tuple(reference)
            column = coordinate_from_string(reference)[0]
        except Exception:
            return _CellProblem(
                _("cellen har en ogiltig cellreferens (”%(ref)s”).") % {"ref": reference[:20]},
                row,
                None,
            )
    kind = element.get("t", "n")
    value = next((child.text for child in element if child.tag.endswith("}v")), None)
    shown = (value or "")[:40]
    if kind == "s":
        message = _("cellen hänvisar till en text som saknas i filen (nummer ”%(v)s”).")
    elif kind == "d":
        message = _("cellen har ett ogiltigt datum (”%(v)s”).")
    elif kind == "b":
        message = _("cellen har ett ogiltigt sanningsvärde (”%(v)s”).")
    else:
        message = _("cellen har ett ogiltigt värde (”%(v)s”).")
    return _CellProblem(message % {"v": shown}, row, column)


class XlsxWorkbook:
    """An .xlsx file opened for reading: `sheets` in the file's order, each
    read row by row (`XlsxSheet.rows`). The one way importers read Excel;
    open it with `open_workbook`."""

    def __init__(self, reader):
        self._reader = reader
        self._counter = _Counter()
        self._sources: list = []
        self.sheets = [XlsxSheet(self, title, ws) for title, ws in reader.sheets]

    def _parser(self, worksheet):
        from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser

        workbook = self._reader.wb

        class Parser(WorkSheetParser):
            def parse(self):
                for element in _bounded_elements(self.source, ROW_TAG):
                    row = self.parse_row(element)
                    self.row_dimensions.clear()
                    yield row

            def parse_row(self, row):
                try:
                    return super().parse_row(row)
                except _CellProblem:
                    raise
                except Exception:
                    raise _CellProblem(
                        _("raden har ett ogiltigt radnummer (”%(number)s”).")
                        % {"number": str(row.get("r"))[:20]},
                        self.row_counter + 1,
                        None,
                    ) from None

            def parse_cell(self, element):
                try:
                    return super().parse_cell(element)
                except Exception:
                    raise _cell_problem(element, self.row_counter) from None

        source = worksheet._get_source()
        self._sources.append(source)
        return Parser(
            source,
            self._reader.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )

    def close(self) -> None:
        for source in self._sources:
            source.close()
        self._reader.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_workbook(data: bytes) -> XlsxWorkbook:
    """An .xlsx file's bytes opened for reading, row by row (XlsxWorkbook;
    close it when done, or use it in a with statement). Refuses a file larger
    than an upload may be and a file whose parts unpack too large or too
    tightly (check_archive) before openpyxl reads anything."""
    check_size(data)
    check_archive(data)
    import warnings

    reader = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of what it could not read
            reader = _excel_reader(data)
            reader.read()
        book = XlsxWorkbook(reader)
    except ImportRejected:
        if reader is not None:
            reader.archive.close()
        raise
    except Exception:  # openpyxl raises many kinds for broken files
        if reader is not None:
            reader.archive.close()
        raise _damaged() from None
    return book


def csv_rows(text: str, delimiter: str):
    """(row number, cells) for every record of a CSV text with a value, read
    one at a time: a cell with a line break is still one row, as in Excel.
    Raises ImportRejected for a broken record (with its row) and for too
    many rows, while reading."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    rows = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            if "field limit" in str(exc):
                message = _("en cell är längre än %(max)s tecken.") % {
                    "max": f"{csv.field_size_limit():,}".replace(",", " ")
                }
            else:
                message = _(
                    "raden kunde inte läsas som CSV. Står det ett citattecken eller en "
                    "radbrytning inne i en cell måste cellen omges av citattecken."
                )
            raise rejected(message, row=number + 1) from None
        if cells is None:
            return
        number += 1
        if number > MAX_ROW_ELEMENTS:
            raise too_many_rows()
        if not any(c.strip() for c in cells):
            continue
        cells = [unprotected_text(c) for c in cells]
        rows += 1
        if rows > MAX_ROWS + 1:  # the header row and MAX_ROWS rows
            raise too_many_rows()
        yield number, cells


@dataclass
class Header:
    """A header row as read: the position of each known column (by key), the
    width of the row, the headers not read and the errors found."""

    width: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)


def read_header(
    cells: Iterable,
    *,
    columns: Mapping[str, str],
    required: Iterable[str],
    hint: str,
    row: int,
    sheet: str | None,
    aliases: Mapping[str, str] | None = None,
) -> Header:
    """Read a header row against a format's `columns` (key → header, in the
    format's order), case and order free. A header written twice or missing
    while `required`, or one that looks like a misspelt known header, is an
    error (the missing ones first, followed by `hint`: which headers the row
    should hold); any other unknown header is ignored. `aliases` (an older
    header → key) are read as that column too, for files written before a
    header was renamed."""
    known = {norm_header(label): key for key, label in columns.items()}
    for label, key in (aliases or {}).items():
        known.setdefault(norm_header(label), key)
    header = Header()
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        header.width = index + 1
        key = known.get(norm_header(text))
        if key is None:
            unknown.append(text)
        elif key in header.positions:
            header.errors.append(
                ImportIssue(
                    _("kolumnen %(column)s finns två gånger i rubrikraden.")
                    % {"column": columns[key]},
                    row=row,
                    sheet=sheet,
                )
            )
        else:
            header.positions[key] = index
    missing = {
        norm_header(label): key for key, label in columns.items() if key not in header.positions
    }
    for text in unknown:
        meant = closest(norm_header(text), missing)
        if meant is not None:
            header.errors.append(
                ImportIssue(
                    _("okänd kolumn ”%(text)s”. Menade du ”%(column)s”?")
                    % {"text": text, "column": columns[meant]},
                    row=row,
                    sheet=sheet,
                )
            )
        else:
            header.ignored.append(text)
    lacking = [columns[key] for key in required if key not in header.positions]
    if lacking:
        header.errors.insert(
            0,
            ImportIssue(
                ngettext(
                    "rubrikraden saknar kolumnen %(columns)s.",
                    "rubrikraden saknar kolumnerna %(columns)s.",
                    len(lacking),
                )
                % {"columns": ", ".join(lacking)}
                + " "
                + hint,
                row=row,
                sheet=sheet,
            ),
        )
    return header


def read_command_file(file: str) -> bytes:
    """The bytes of a file named on the command line (the import commands),
    or a CommandError saying in Swedish why it cannot be read."""
    from pathlib import Path

    from django.core.management.base import CommandError

    path = Path(file)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"Filen {path} finns inte.") from None
    except IsADirectoryError:
        raise CommandError(f"{path} är en mapp, inte en fil.") from None
    except OSError as exc:
        raise CommandError(f"Filen {path} kunde inte läsas: {exc.strerror}.") from None
