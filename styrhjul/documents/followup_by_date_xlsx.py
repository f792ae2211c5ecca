"""Uppföljning per datum as an Excel workbook: one sheet "Uppföljning" with
one row per activity, and the perspective and the goal on every row, so the
rows can be filtered, sorted and compared; in the house style of the exports
(styrhjul.core.spreadsheet.workbook_bytes), printed landscape with the title.
The columns carry the organisation's headings and widths; its explanatory
row, when it has one, stands under the headings (and prints with them), and
the goals' descriptions, when chosen, have a column of their own."""

from __future__ import annotations

import io

from styrhjul.core.spreadsheet import workbook_bytes

from .followup_by_date import EMPTY_PERSPECTIVE, NOT_REPORTED, FollowupByDate

SHEET = "Uppföljning"
# Perspektiv, then the document's five columns (about 186 characters wide
# together, shared by their weights), Enhet and Typ.
PERSPECTIVE_WIDTH, TABLE_WIDTH, UNIT_WIDTH, KIND_WIDTH = 20, 186, 26, 16
DESCRIPTION_WIDTH = 50


def _widths(report: FollowupByDate) -> list[int]:
    table = [max(10, round(w * TABLE_WIDTH)) for w in report.widths]
    goal = [table[0], DESCRIPTION_WIDTH] if report.descriptions else table[:1]
    return [PERSPECTIVE_WIDTH, *goal, *table[1:], UNIT_WIDTH, KIND_WIDTH]


def _explain(data: bytes, explanations: tuple[str, ...]) -> bytes:
    """The workbook with the explanatory row under the headings: frozen and
    printed on every page with them, outside the filter's rows."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = load_workbook(io.BytesIO(data))
    sheet = book[SHEET]
    sheet.insert_rows(2)
    for column, text in enumerate(explanations, start=1):
        cell = sheet.cell(row=2, column=column, value=text or None)
        cell.font = Font(italic=True)
        cell.fill = PatternFill("solid", fgColor="F6F8FA")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    last = sheet.max_row
    ref = sheet.auto_filter.ref.split(":")[1].rstrip("0123456789")
    sheet.auto_filter.ref = f"A2:{ref}{last}"
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


OWN_SHEET = "Egna avsnitt"  # as the Månadsrapport's and the annual documents'


def xlsx(report: FollowupByDate) -> bytes:
    sheets = [(SHEET, report.xlsx_columns, report.xlsx_rows())]
    widths = {SHEET: _widths(report)}
    if report.own_sections:
        sheets.append((OWN_SHEET, ["Avsnitt", "Enhet", "Text"], report.own_rows))
        widths[OWN_SHEET] = [24, 28, 90]
    data = workbook_bytes(
        sheets,
        widths=widths,
        title=report.title,
        subject=report.subtitle,
        creator=report.unit_name,
        muted=(NOT_REPORTED, EMPTY_PERSPECTIVE),
    )
    if report.explained:
        data = _explain(data, report.xlsx_explanations)
    return data
