"""Uppföljning per datum as an editable Word document (python-docx): A4
landscape, a real heading (Rubrik 1) per perspective, a table per
perspective whose header row (and explanatory row) repeats on every page,
the goal cell merged vertically over its activities, the columns as wide as
the organisation weighted them, page numbers in the footer, Swedish."""

from __future__ import annotations

import io

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from .docx import _cell_text, _no_split, _table, add_logo, new_document, repeat_header
from .followup_by_date import (
    EMPTY_PERSPECTIVE,
    NOT_REPORTED,
    ActivityRow,
    FollowupByDate,
    GoalGroup,
)

# The width of the text on landscape A4 with 1.5 cm margins.
TEXT_WIDTH_CM = 26.7
GOAL_FILL = "F6F8FA"


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _goal_cell(cell, goal: GoalGroup) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.add_run(goal.text).bold = True
    if goal.description:
        described = cell.add_paragraph()
        for index, line in enumerate(goal.description.splitlines()):
            if index:
                described.add_run().add_break(WD_BREAK.LINE)
            described.add_run(line)
    if goal.unit_name:
        cell.add_paragraph().add_run(goal.unit_name).italic = True
    _shade(cell, GOAL_FILL)


def _activity_cells(cells, row: ActivityRow) -> None:
    activity, end, status, comment = cells
    _cell_text(activity, row.text)
    if row.is_assignment:
        activity.add_paragraph().add_run("Särskilt uppdrag").italic = True
    if row.other_unit:
        activity.add_paragraph().add_run(row.unit_name).italic = True
    _cell_text(end, row.end_date_text)
    paragraph = status.paragraphs[0]
    if row.status_symbol:
        symbol = paragraph.add_run(row.status_symbol + " ")
        symbol.bold = True
        if row.status_colour:
            symbol.font.color.rgb = RGBColor.from_string(row.status_colour.lstrip("#").upper())
    label = paragraph.add_run(row.status)
    label.italic = row.status == NOT_REPORTED
    _cell_text(comment, row.comment)


def docx(report: FollowupByDate) -> bytes:
    document = new_document(
        title=report.title, subject=report.subtitle, author=report.unit_name, style=report.style
    )
    document.styles["Normal"].font.size = Pt(10)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.different_first_page_header_footer = False  # no title page: numbers from page 1

    add_logo(document, report.style, height_cm=1.8)
    document.add_paragraph(report.title, style="Title")
    if report.subtitle:
        document.add_paragraph(report.subtitle, style="Subtitle")
    for paragraph in report.summary:
        document.add_paragraph(paragraph)
    if report.sections:
        document.add_paragraph(
            "Tabellerna visar per perspektiv målen och de aktiviteter som bidrar till dem, med "
            "slutdatum och den status och kommentar som rapporterades per "
            f"{report.period_text}. Aktiviteter som rapporteras av en annan enhet visas med "
            "enhetens namn."
        )

    widths_cm = [round(w * TEXT_WIDTH_CM, 2) for w in report.widths]
    plain_widths_cm = [round(w * TEXT_WIDTH_CM, 2) for w in report.plain_widths]
    for part in report.sections:
        document.add_heading(part.name, level=1)
        if part.empty:
            document.add_paragraph(EMPTY_PERSPECTIVE).runs[0].italic = True
            continue
        headers = report.columns if part.has_goals else report.columns[1:]
        widths = widths_cm if part.has_goals else plain_widths_cm
        table = _table(document, headers, [], widths, style=report.style)
        if report.explained:
            explanation = table.add_row()
            repeat_header(explanation)
            texts = report.explanations if part.has_goals else report.explanations[1:]
            for cell, text, width in zip(explanation.cells, texts, widths, strict=True):
                cell.width = Cm(width)
                _cell_text(cell, text)
                for run in cell.paragraphs[0].runs:
                    run.italic = True
                _shade(cell, GOAL_FILL)
        for goal in part.goals:
            first = len(table.rows)
            for row in goal.rows or [None]:
                added = table.add_row()
                if row is None or len(row.comment) + len(row.title) < 1500:
                    _no_split(added)  # long rows may break across pages
                cells = added.cells
                for cell, width in zip(cells, widths, strict=True):
                    cell.width = Cm(width)
                if row is not None:
                    _activity_cells(cells[1:] if part.has_goals else cells, row)
            if part.has_goals:
                top = table.rows[first].cells[0]
                _goal_cell(top, goal)
                if goal.span > 1:
                    top.merge(table.rows[first + goal.span - 1].cells[0])

    for heading, texts in report.own_sections:
        document.add_heading(heading, level=1)
        for text in texts:
            if not text.compiling:
                document.add_heading(text.unit_name, level=2)
            for paragraph in text.paragraphs:
                document.add_paragraph(paragraph)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
