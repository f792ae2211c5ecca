"""The order of the errors found in a plan file (styrhjul.core.importing's
ImportIssue: sheet, row as Excel shows it, column and a Swedish message):
the sheets and columns in the order of the format."""

from __future__ import annotations

from styrhjul.core.importing import ImportIssue

from .cells import norm_header
from .columns import SHEETS


def _sheet_rank(title: str | None) -> tuple[int, int]:
    """Sheets in the order of the format, then unknown ones."""
    if title is None:
        return (0, 0)
    key = norm_header(title)
    for index, sheet in enumerate(SHEETS.values()):
        if key in {norm_header(n) for n in (sheet.name, *sheet.aliases)}:
            return (1, index)
    return (2, 0)


def _column_rank(sheet_title: str | None, column: str | None) -> int:
    if column is None:
        return -1
    rank = _sheet_rank(sheet_title)
    if rank[0] == 1:
        headers = [c.header for c in list(SHEETS.values())[rank[1]].all_columns]
        if column in headers:
            return headers.index(column)
    return 99


def issue_order(issue: ImportIssue):
    return (
        _sheet_rank(issue.sheet),
        issue.sheet or "",
        issue.row or 0,
        _column_rank(issue.sheet, issue.column),
    )
