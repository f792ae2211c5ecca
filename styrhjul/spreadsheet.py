"""Reading spreadsheet cells the way Swedish Excel users write them, shared by
every importer (organisation, plans)."""

import datetime
from collections.abc import Collection


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
    grey italics."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    from styrhjul.planning.excel.writer import DATE_FORMAT, HEADER_FILL

    workbook = Workbook()
    workbook.remove(workbook.active)
    if title:
        workbook.properties.title = title
        workbook.properties.subject = subject or None
        workbook.properties.creator = creator or None
        workbook.properties.language = "sv-SE"
    wrapped = Alignment(vertical="top", wrap_text=True)
    muted_font = Font(italic=True, color="555555")
    muted = frozenset(muted)
    for name, headers, rows in sheets:
        rows = list(rows)
        sheet = workbook.create_sheet(name[:31])
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=column, value=header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.border = Border(bottom=Side(style="thin"))
            cell.alignment = wrapped
        for row_number, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
                if isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                if isinstance(value, str) and value in muted:
                    cell.font = muted_font
                cell.alignment = wrapped
        sheet.freeze_panes = "A2"
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
