"""Spreadsheets the way Swedish Excel users write and read them, shared by
every importer (organisation, plans) and every export: reading cells,
suggesting the name a user probably meant, writing cells and the house
style of the header row."""

import datetime
import difflib
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


def put_cell(sheet, row: int, column: int, value):
    """Write a value to a cell, the one way every export writes a cell
    (headers too): characters a workbook cannot hold are left out, text is
    always text (never a formula) and formula-like text is protected
    (protected_text); numbers and dates stay what they are."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = protected_text(ILLEGAL_CHARACTERS_RE.sub("", value)) or None
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
    like a formula kept as text.

    `widths` maps a sheet's name to its column widths (otherwise they follow
    the headers). A workbook with a `title` is a document: the title,
    `subject` and `creator` are its properties, its language is Swedish, and
    every sheet prints landscape on A4, one page wide, with the header row on
    every page, the title at the top and "Sida 1 av 3" at the bottom. Cells
    whose text is one of `muted` (e.g. "Ej rapporterad") are set apart in
    grey italics. The collector of reference cycles waits while the cells are
    made (core.cycles)."""
    import io
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    workbook.remove(workbook.active)
    if title:
        workbook.properties.title = title
        workbook.properties.subject = subject or None
        workbook.properties.creator = creator or None
        workbook.properties.language = "sv-SE"
    wrapped = cell_style(workbook)
    dated = cell_style(workbook, number_format=DATE_FORMAT)
    greyed = cell_style(workbook, muted=True)
    muted = frozenset(muted)
    styled: dict[str, object] = {}  # a style's name → a cell in it
    for name, headers, rows in sheets:
        rows = list(rows)
        sheet = workbook.create_sheet(name[:31])
        for column, header in enumerate(headers, start=1):
            put_cell(sheet, 1, column, header)
        style_header(sheet, len(headers))
        for row_number, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                cell = put_cell(sheet, row_number, column, value)
                if isinstance(value, datetime.date):
                    style = dated
                elif muted and isinstance(cell.value, str) and cell.value in muted:
                    style = greyed
                else:
                    style = wrapped
                # The named style looked up once per export, not per cell:
                # the first cell in a style lends its style to the others
                # (as openpyxl's own worksheet copy does).
                first = styled.get(style)
                if first is None:
                    cell.style = style
                    styled[style] = cell
                else:
                    cell._style = copy(first._style)
        last = get_column_letter(len(headers))
        sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        sizes = (widths or {}).get(name) or [min(60, max(12, len(str(h)) + 4)) for h in headers]
        for column, width in enumerate(sizes, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        if title:
            sheet.page_setup.orientation = "landscape"
            sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 0
            sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            sheet.print_title_rows = "1:1"
            sheet.oddHeader.center.text = title.replace("&", "&&")  # "&" starts a code
            sheet.oddFooter.center.text = "Sida &P av &N"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
