"""Spreadsheets the way Swedish Excel users write and read them, shared by
every importer (organisation, plans) and every export: reading cells,
suggesting the name a user probably meant, writing cells and the house
style of the header row."""

import datetime
import difflib
import threading
from collections.abc import Callable, Collection, Mapping
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


def protected_text(value):
    """Text as a cell of an export holds it: text that starts like a formula
    gets a leading apostrophe (OWASP's advice against formula injection), so
    no spreadsheet program runs it; anything else as it is."""
    if isinstance(value, str) and _formula_like(value):
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
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return protected_text(ILLEGAL_CHARACTERS_RE.sub("", value)) or None
    return value


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


# The cell styles of the exports are named styles of the workbook, made once
# and shared by every cell that looks the same: styling a cell is then one
# reference instead of a font, a fill and an alignment to look up per cell
# (most of an export's time at thousands of rows). They show in Excel's list
# of cell styles under these names.
HEADER_STYLE = "Styrhjul rubrik"
_FORMAT_WORDS = {DATE_FORMAT: "datum", "@": "text", "0": "heltal"}


def _named_style(workbook, name: str, make) -> str:
    if name not in workbook.named_styles:
        workbook.add_named_style(make(name))
    return name


def header_style(workbook) -> str:
    """The name of the header row's style, made in `workbook` when missing:
    bold on a light fill, a line below, wrapped text at the top."""

    def make(name):
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        return NamedStyle(
            name=name,
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=HEADER_FILL),
            border=Border(bottom=Side(style="thin")),
            alignment=Alignment(vertical="top", wrap_text=True),
        )

    return _named_style(workbook, HEADER_STYLE, make)


def cell_style(
    workbook, *, wrap: bool = True, number_format: str | None = None, muted: bool = False
) -> str:
    """The name of a data cell's style, made in `workbook` when missing:
    text at the top of the cell, wrapped or not, with a number format
    (DATE_FORMAT, "@", "0"), in grey italics when `muted`. Set it on a cell
    with `cell.style = name`."""
    words = ["Styrhjul"]
    if number_format:
        words.append(_FORMAT_WORDS.get(number_format, number_format))
    if wrap:
        words.append("radbruten")
    if muted:
        words.append("nedtonad")
    name = " ".join(words) if len(words) > 1 else "Styrhjul cell"

    def make(name):
        from openpyxl.styles import Alignment, Font, NamedStyle

        style = NamedStyle(name=name, alignment=Alignment(vertical="top", wrap_text=wrap))
        if number_format:
            style.number_format = number_format
        if muted:
            style.font = Font(italic=True, color="555555")
        return style

    return _named_style(workbook, name, make)


def style_header(sheet, count: int) -> None:
    """The header row of the first `count` columns in the house style: bold
    on a light fill, a line below, wrapped text; the row stays in view."""
    name = header_style(sheet.parent)
    for index in range(1, count + 1):
        sheet.cell(row=1, column=index).style = name
    sheet.freeze_panes = "A2"


# The one-way exports are written with XlsxWriter, two to three times faster
# than openpyxl for the same cells (docs/prestanda.md); openpyxl reads every
# import and writes the plan, which is read back. What openpyxl wrote by
# default and XlsxWriter does not is set here, so the files stay as they
# were: its page margins (inches) and its column widths, which XlsxWriter
# would widen by Excel's padding of five pixels unless given in pixels (a
# character, "0" in Calibri 11, is seven).
_MARGINS = {"left": 0.75, "right": 0.75, "top": 1, "bottom": 1}
_HEADER_MARGIN = 0.5
_CHARACTER_PIXELS = 7
_HEADER_LENGTH = 255  # characters of a page header, codes included (Excel's limit)


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
    import io
    from decimal import Decimal

    import xlsxwriter
    from openpyxl.workbook.child import avoid_duplicate_name

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if title:
        _with_language()
        properties = {"title": title, "language": "sv-SE"}
        if subject:
            properties["subject"] = subject
        if creator:
            properties["author"] = creator
        workbook.set_properties(properties)
    top = {"valign": "top", "text_wrap": True}
    header = workbook.add_format(
        {**top, "bold": True, "pattern": 1, "bg_color": "#" + HEADER_FILL, "bottom": 1}
    )
    wrapped = workbook.add_format(top)
    dated = workbook.add_format({**top, "num_format": DATE_FORMAT})
    greyed = workbook.add_format({**top, "italic": True, "font_color": "#555555"})
    muted = frozenset(muted)
    names: list[str] = []
    for name, headers, rows in sheets:
        names.append(avoid_duplicate_name(names, name[:31]))
        sheet = workbook.add_worksheet(names[-1])
        text, number, blank = sheet.write_string, sheet.write_number, sheet.write_blank
        when, truth = sheet.write_datetime, sheet.write_boolean
        row = 0
        for row, values in enumerate([headers, *rows]):
            for column, value in enumerate(values):
                value = cell_value(value)
                if isinstance(value, str):
                    style = header if row == 0 else greyed if value in muted else wrapped
                    text(row, column, value, style)
                elif value is None:
                    blank(row, column, None, header if row == 0 else wrapped)
                elif isinstance(value, bool):
                    truth(row, column, value, header if row == 0 else wrapped)
                elif isinstance(value, int | float | Decimal):
                    number(row, column, value, header if row == 0 else wrapped)
                elif isinstance(value, datetime.date):
                    when(row, column, value, header if row == 0 else dated)
                else:  # as openpyxl would have it
                    raise ValueError(f"Cannot convert {value!r} to Excel")
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, row, len(headers) - 1)
        sizes = (widths or {}).get(name) or [min(60, max(12, len(str(h)) + 4)) for h in headers]
        for column, width in enumerate(sizes):
            sheet.set_column_pixels(column, column, width * _CHARACTER_PIXELS)
        sheet.set_margins(**_MARGINS)
        if title:
            sheet.set_landscape()
            sheet.set_paper(9)  # A4
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(0)
            sheet.set_header(_page_header(title), {"margin": _HEADER_MARGIN})
            sheet.set_footer("&CSida &P av &N", {"margin": _HEADER_MARGIN})
        else:
            sheet.set_header("", {"margin": _HEADER_MARGIN})
            sheet.set_footer("", {"margin": _HEADER_MARGIN})
    workbook.close()
    return buffer.getvalue()
