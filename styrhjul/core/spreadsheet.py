"""Spreadsheets the way Swedish Excel users write and read them, shared by
every importer (organisation, plans) and every export: reading cells,
suggesting the name a user probably meant, writing cells and the house
style of the header row."""

import datetime
import difflib
import threading
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from operator import attrgetter

from django.utils.translation import gettext as _

from .cycles import collection_paused

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "E7ECF2"


def norm_header(value) -> str:
    """A column header compared without case and extra spaces."""
    return " ".join(str(value or "").replace("\ufeff", "").split()).casefold()


def cell_text(value) -> str:
    """A cell's value as text: Excel numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return " ".join(str(value).replace("\ufeff", "").split())


def closest(key: str, options: Mapping):
    """The option whose key is closest to `key` (a name normalised the way
    the keys are: a misspelling, a letter too many), or None when none is
    close enough."""
    close = difflib.get_close_matches(key, list(options), n=1, cutoff=0.75)
    return options[close[0]] if close else None


def did_you_mean(key: str, options: Mapping, name: Callable = attrgetter("name")) -> str:
    """What follows a message about an unknown name: " Menade du ”…”?" with
    the name of the closest option (`closest`), or "" when none is close."""
    found = closest(key, options)
    if found is None:
        return ""
    return " " + _("Menade du ”%(name)s”?") % {"name": name(found)}


# Text a spreadsheet program may run as a formula when it starts with one of
# these (OWASP, "CSV Injection"): written with FORMULA_GUARD before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def _formula_like(value: str) -> bool:
    """Text that starts like a formula, behind any number of apostrophes:
    "=A1", "'=A1", "''@x". Such text gets one apostrophe more when written
    and one fewer when read, so every text reads back as it was written."""
    return value.lstrip(FORMULA_GUARD).startswith(FORMULA_STARTS)


# The characters formula-like text can start with (FORMULA_STARTS, or the
# guard before them): text starting otherwise needs no closer look.
_FORMULA_FIRST = frozenset("".join(FORMULA_STARTS) + FORMULA_GUARD)


def protected_text(value):
    """Text as a cell of an export holds it: text that starts like a formula
    gets a leading apostrophe (OWASP's advice against formula injection), so
    no spreadsheet program runs it; anything else as it is."""
    if isinstance(value, str) and value[:1] in _FORMULA_FIRST and _formula_like(value):
        return FORMULA_GUARD + value
    return value


def unprotected_text(value):
    """A cell's value as read back by an import: the apostrophe an export put
    before formula-like text (protected_text) taken away again."""
    if isinstance(value, str) and value.startswith(FORMULA_GUARD) and _formula_like(value[1:]):
        return value[1:]
    return value


def cell_value(value):
    """A value as every export writes it to a cell (headers too): characters
    a workbook cannot hold are left out and formula-like text is protected
    (protected_text); text left empty is no value; numbers and dates stay
    what they are."""
    if isinstance(value, str):
        return _text(value)
    return value


_illegal_characters = None


def _text(value: str) -> str | None:
    """cell_value for text."""
    global _illegal_characters
    if _illegal_characters is None:  # openpyxl's, imported when first needed
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        _illegal_characters = ILLEGAL_CHARACTERS_RE
    return protected_text(_illegal_characters.sub("", value)) or None


def put_cell(sheet, row: int, column: int, value):
    """Write a value to an openpyxl cell, the one way every export writes a
    cell (cell_value): text is always text, never a formula."""
    value = cell_value(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def put_row(sheet, row: int, values) -> list:
    """Write a row of values from column A, each with put_cell."""
    return [put_cell(sheet, row, column, v) for column, v in enumerate(values, start=1)]


# The header row of a workbook openpyxl writes (the import templates of the
# organisation and the budget) is a named style, made once: it shows in
# Excel's list of cell styles under this name. The exports, written with
# XlsxWriter, have the same look (HEADER_FORMAT) without the name.
HEADER_STYLE = "Styrhjul rubrik"


def header_style(workbook) -> str:
    """The name of the header row's style, made in an openpyxl `workbook`
    when missing: bold on a light fill, a line below, wrapped text at the
    top."""
    if HEADER_STYLE not in workbook.named_styles:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        workbook.add_named_style(
            NamedStyle(
                name=HEADER_STYLE,
                font=Font(bold=True),
                fill=PatternFill("solid", fgColor=HEADER_FILL),
                border=Border(bottom=Side(style="thin")),
                alignment=Alignment(vertical="top", wrap_text=True),
            )
        )
    return HEADER_STYLE


def style_header(sheet, count: int) -> None:
    """The header row of the first `count` columns in the house style: bold
    on a light fill, a line below, wrapped text; the row stays in view."""
    name = header_style(sheet.parent)
    for index in range(1, count + 1):
        sheet.cell(row=1, column=index).style = name
    sheet.freeze_panes = "A2"


# The exports are written with XlsxWriter, two to three times faster than
# openpyxl for the same cells (docs/prestanda.md); openpyxl reads every
# import. What openpyxl wrote by default and XlsxWriter does not is set here,
# so the files stay as they were: its page margins (inches) and its column
# widths, which XlsxWriter would widen by Excel's padding of five pixels
# unless given in pixels (a character, "0" in Calibri 11, is seven).
_MARGINS = {"left": 0.75, "right": 0.75, "top": 1, "bottom": 1}
_HEADER_MARGIN = 0.5
_CHARACTER_PIXELS = 7
_HEADER_LENGTH = 255  # characters of a page header, codes included (Excel's limit)

# The house style as XlsxWriter's format properties (header_style above is
# the same header for a workbook openpyxl writes).
HEADER_FORMAT = {
    "bold": True,
    "pattern": 1,
    "bg_color": "#" + HEADER_FILL,
    "bottom": 1,
    "valign": "top",
    "text_wrap": True,
}


def cell_format(*, wrap: bool = True, number_format: str | None = None, muted: bool = False):
    """A data cell's look as XlsxWriter's format properties: text at the
    top of the cell, wrapped or not, with a number format (DATE_FORMAT,
    "@", "0"), in grey italics when `muted`."""
    properties: dict[str, object] = {"valign": "top"}
    if wrap:
        properties["text_wrap"] = True
    if number_format:
        properties["num_format"] = number_format
    if muted:
        properties.update(italic=True, font_color="#555555")
    return properties


def new_workbook(properties: dict | None = None):
    """An XlsxWriter workbook in memory with these document properties
    (title, subject, author, language) and its buffer; the workbook's bytes
    are the buffer's value once the workbook is closed."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if properties:
        if properties.get("language"):
            _with_language()
        workbook.set_properties(properties)
    return workbook, buffer


def write_cell(sheet, row: int, column: int, value, style=None) -> None:
    """Write a value to a cell of an XlsxWriter sheet (row and column from
    0), the one way every export writes a cell (cell_value): text is always
    text, never a formula; an empty cell keeps its `style`. A value of
    another kind fails, as it did with openpyxl."""
    # Text and empty cells first: most of an export's cells.
    if type(value) is str:
        value = _text(value)
        if value is not None:
            sheet.write_string(row, column, value, style)
            return
    if value is None:
        sheet.write_blank(row, column, None, style)
    else:
        _write_value(sheet, row, column, cell_value(value), style)


def _write_value(sheet, row: int, column: int, value, style) -> None:
    """write_cell for a value already made a cell's (cell_value, which must
    run once: protected text would be protected again)."""
    if isinstance(value, str):
        sheet.write_string(row, column, value, style)
    elif value is None:
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, style)
    else:
        raise ValueError(f"Cannot convert {value!r} to Excel")


def write_header(sheet, headers, style) -> None:
    """The header row of an XlsxWriter sheet in `style` (HEADER_FORMAT),
    kept in view when the rows scroll."""
    for column, value in enumerate(headers):
        write_cell(sheet, 0, column, value, style)
    sheet.freeze_panes(1, 0)


def set_widths(sheet, widths, formats=None) -> None:
    """Column widths in characters from column A, as openpyxl wrote them,
    with each column's format (for cells without one of their own) when
    `formats` are given."""
    for column, width in enumerate(widths):
        style = formats[column] if formats else None
        sheet.set_column_pixels(column, column, width * _CHARACTER_PIXELS, style)


def set_margins(sheet) -> None:
    """openpyxl's page margins, which every export had."""
    sheet.set_margins(**_MARGINS)
    sheet.set_header("", {"margin": _HEADER_MARGIN})
    sheet.set_footer("", {"margin": _HEADER_MARGIN})


def _page_header(title: str) -> str:
    """The title centred at the top of every page, "&" written as "&&" (a
    single one starts a code), cut to Excel's length for a header."""
    text = "&C"
    for character in title:
        part = "&&" if character == "&" else character
        if len(text) + len(part) > _HEADER_LENGTH:
            break
        text += part
    return text


_language_lock = threading.Lock()


def _with_language() -> None:
    """XlsxWriter's document properties made to include the document's
    language (`language` among them, as dc:language), which XlsxWriter
    otherwise leaves out; once per process."""
    from xlsxwriter import packager

    with _language_lock:
        if getattr(packager.Core, "writes_language", False):
            return

        class CoreWithLanguage(packager.Core):
            writes_language = True

            def _write_cp_content_status(self) -> None:
                super()._write_cp_content_status()
                if self.properties.get("language"):
                    self._xml_data_element("dc:language", self.properties["language"])

        packager.Core = CoreWithLanguage


def document_workbook(report, sheets, *, widths=None, muted: Collection[str] = ()) -> bytes:
    """workbook_bytes for a document (a report with `title`, `subject` and
    `unit_name`): the same title, subject and author as its Word file."""
    return workbook_bytes(
        sheets,
        widths=widths,
        title=report.title,
        subject=report.subject,
        creator=report.unit_name,
        muted=muted,
    )


@collection_paused()
def workbook_bytes(
    sheets,
    *,
    widths: dict[str, list[int]] | None = None,
    title: str = "",
    subject: str = "",
    creator: str = "",
    muted: Collection[str] = (),
) -> bytes:
    """An .xlsx with one sheet per (name, headers, rows), in the house style
    of the exports: bold header on a light fill, the header row frozen and
    filtered, wrapped text, dates as real Excel dates, and text that looks
    like a formula kept as text (cell_value).

    `widths` maps a sheet's name to its column widths (otherwise they follow
    the headers). A workbook with a `title` is a document: the title,
    `subject` and `creator` are its properties, its language is Swedish, and
    every sheet prints landscape on A4, one page wide, with the header row on
    every page, the title at the top and "Sida 1 av 3" at the bottom. Cells
    whose text is one of `muted` (e.g. "Ej rapporterad") are set apart in
    grey italics. Written with XlsxWriter; the collector of reference cycles
    waits meanwhile (core.cycles)."""
    from openpyxl.workbook.child import avoid_duplicate_name

    properties = {}
    if title:
        properties = {"title": title, "language": "sv-SE"}
        if subject:
            properties["subject"] = subject
        if creator:
            properties["author"] = creator
    workbook, buffer = new_workbook(properties)
    header = workbook.add_format(HEADER_FORMAT)
    wrapped = workbook.add_format(cell_format())
    dated = workbook.add_format(cell_format(number_format=DATE_FORMAT))
    greyed = workbook.add_format(cell_format(muted=True))
    muted = frozenset(muted)
    names: list[str] = []
    for name, headers, rows in sheets:
        names.append(avoid_duplicate_name(names, name[:31]))
        sheet = workbook.add_worksheet(names[-1])
        write_header(sheet, headers, header)
        row = 0
        for row, values in enumerate(rows, start=1):
            for column, value in enumerate(values):
                value = cell_value(value)
                if isinstance(value, datetime.date):
                    style = dated
                elif muted and value in muted:
                    style = greyed
                else:
                    style = wrapped
                _write_value(sheet, row, column, value, style)
        sheet.autofilter(0, 0, row, len(headers) - 1)
        set_widths(
            sheet, (widths or {}).get(name) or [min(60, max(12, len(str(h)) + 4)) for h in headers]
        )
        set_margins(sheet)
        if title:
            sheet.set_landscape()
            sheet.set_paper(9)  # A4
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(0)
            sheet.set_header(_page_header(title), {"margin": _HEADER_MARGIN})
            sheet.set_footer("&CSida &P av &N", {"margin": _HEADER_MARGIN})
    workbook.close()
    return buffer.getvalue()
