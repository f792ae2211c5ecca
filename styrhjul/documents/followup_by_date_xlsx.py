"""Uppföljning per datum as an Excel workbook: one sheet "Uppföljning" with
one row per activity, and the perspective and the goal on every row, so the
rows can be filtered, sorted and compared; in the house style of the exports
(styrhjul.core.spreadsheet.workbook_bytes), printed landscape with the title."""

from __future__ import annotations

from styrhjul.core.spreadsheet import workbook_bytes

from .followup_by_date import NOT_REPORTED, FollowupByDate

SHEET = "Uppföljning"
# Perspektiv, Nämndmål, Aktivitet, Slutdatum, Status, Kommentar, Enhet, Typ
WIDTHS = [20, 42, 46, 12, 16, 70, 26, 16]


def xlsx(report: FollowupByDate) -> bytes:

    return workbook_bytes(
        [(SHEET, report.xlsx_columns, report.xlsx_rows())],
        widths={SHEET: WIDTHS},
        title=report.title,
        subject=report.subtitle,
        creator=report.unit_name,
        muted=(NOT_REPORTED,),
    )
