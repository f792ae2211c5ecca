"""Uppföljning per datum as an Excel workbook (openpyxl): one sheet
"Uppföljning" with one row per activity, and the perspective and the goal on
every row, so the rows can be filtered, sorted and compared; a frozen header
row with filters, wrapped text and the end dates as real Excel dates."""

from __future__ import annotations

import io

from .followup_by_date import NOT_REPORTED, XLSX_COLUMNS, FollowupByDate

SHEET = "Uppföljning"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "E7ECF2"
# Perspektiv, Nämndmål, Aktivitet, Slutdatum, Status, Kommentar, Enhet, Typ
WIDTHS = (20, 42, 46, 12, 16, 70, 26, 16)
WRAPPED = {"Perspektiv", "Nämndmål", "Aktivitet", "Kommentar", "Enhet"}


def _put(sheet, row: int, column: int, value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    return cell


def xlsx(report: FollowupByDate) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    workbook.properties.title = report.title
    workbook.properties.subject = report.subtitle
    workbook.properties.creator = report.unit_name
    workbook.properties.language = "sv-SE"
    sheet = workbook.active
    sheet.title = SHEET

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    header_border = Border(bottom=Side(style="thin"))
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for index, (header, width) in enumerate(zip(XLSX_COLUMNS, WIDTHS, strict=True), start=1):
        cell = _put(sheet, 1, index, header)
        cell.font = header_font
        cell.fill = header_fill
        cell.border = header_border
        cell.alignment = wrapped
        sheet.column_dimensions[get_column_letter(index)].width = width

    not_reported = Font(italic=True, color="555555")
    rows = report.xlsx_rows()
    status_column = XLSX_COLUMNS.index("Status") + 1
    for number, values in enumerate(rows, start=2):
        for index, (header, value) in enumerate(zip(XLSX_COLUMNS, values, strict=True), start=1):
            cell = _put(sheet, number, index, value)
            cell.alignment = wrapped if header in WRAPPED else top
            if header == "Slutdatum":
                cell.number_format = DATE_FORMAT
        if values[status_column - 1] == NOT_REPORTED:
            sheet.cell(row=number, column=status_column).font = not_reported

    last = get_column_letter(len(XLSX_COLUMNS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    # Printing: landscape A4, one page wide, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = report.title
    sheet.oddFooter.center.text = "Sida &P av &N"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
