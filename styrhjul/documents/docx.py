"""The internkontrollrapport as an editable Word document (python-docx):
real headings, real tables whose header row repeats on every page, the
tables in a landscape section, page numbers in the footer."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .internal_control import COLUMNS, FOLLOWUP_COLUMNS, InternalControlReport

LANGUAGE = "sv-SE"
# Column widths of the control tables on landscape A4 (about 26.7 cm of text).
WIDTHS_CM = (1.8, 4.0, 4.8, 4.8, 6.5, 4.8)
FOLLOWUP_WIDTHS_CM = (1.8, 4.5, 6.4, 3.7, 7.6, 2.7)
RESULT_COLUMN = COLUMNS.index("Resultat av kontroll")


def _set_language(document) -> None:
    """Swedish as the proofing language of the default run properties."""
    rpr = document.styles.element.find(qn("w:docDefaults"))
    rpr = rpr.find(qn("w:rPrDefault")).find(qn("w:rPr")) if rpr is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Sida ")
    for instruction in ("PAGE", "NUMPAGES"):
        run = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = instruction
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.extend([begin, text, end])
        if instruction == "PAGE":
            paragraph.add_run(" av ")


def repeat_header(row) -> None:
    """Mark a table row as a header row repeated at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _no_split(row) -> None:
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(cant)


def _table(document, headers, rows, widths=None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header_row = table.rows[0]
    repeat_header(header_row)
    for cell, text in zip(header_row.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, str(value))
    if widths:
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _cell_text(cell, text: str, bold_first: str = "") -> None:
    paragraph = cell.paragraphs[0]
    if bold_first:
        paragraph.add_run(bold_first).bold = True
        if text:
            paragraph = cell.add_paragraph()
    lines = text.splitlines() or [""]
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        paragraph.add_run(line)


def new_document(*, title: str, subject: str, author: str):
    """A Swedish A4 document with its properties, the house font and page
    numbers in the footer (not on the title page)."""
    document = Document()
    props = document.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.language = LANGUAGE
    _set_language(document)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    first = document.sections[0]
    first.page_width, first.page_height = Cm(21), Cm(29.7)
    first.left_margin = first.right_margin = Cm(2.2)
    first.different_first_page_header_footer = True
    _page_number_footer(first)
    return document


def internal_control_docx(report: InternalControlReport) -> bytes:
    document = new_document(
        title=report.title,
        subject=f"{report.plan_name} {report.year}, uppföljning per {report.period_text}",
        author=report.unit_name,
    )

    # Title page
    for _ in range(6):
        document.add_paragraph()
    document.add_paragraph(report.title, style="Title")
    document.add_paragraph(f"{report.plan_name} {report.year}", style="Subtitle")
    document.add_paragraph(
        f"{report.occasion_name}, uppföljning per {report.period_text}", style="Subtitle"
    )
    document.add_paragraph(report.unit_name)
    document.add_page_break()

    document.add_heading("Inledning", level=1)
    for paragraph in report.introduction:
        document.add_paragraph(paragraph)
    document.add_heading("Sammanfattning", level=1)
    for paragraph in report.summary:
        document.add_paragraph(paragraph)
    if report.areas:
        grouping = report.grouping
        document.add_paragraph(
            f"Bedömning av kontrollpunkterna per {grouping.lower()}", style="Caption"
        )
        rows = [[area.name, area.total, *(c.count for c in area.counts)] for area in report.areas]
        rows.append(["Totalt", report.count, *(c.count for c in report.totals)])
        _table(document, [grouping, "Kontrollpunkter", *report.labels], rows)

        landscape = document.add_section(WD_SECTION.NEW_PAGE)
        landscape.orientation = WD_ORIENT.LANDSCAPE
        landscape.page_width, landscape.page_height = Cm(29.7), Cm(21)
        landscape.left_margin = landscape.right_margin = Cm(1.5)
        landscape.top_margin = landscape.bottom_margin = Cm(1.8)
        landscape.different_first_page_header_footer = False
        document.add_heading(f"Resultat per {report.grouping.lower()}", level=1)
        for area in report.areas:
            document.add_heading(area.name, level=2)
            table = _table(document, COLUMNS, [], WIDTHS_CM)
            for row in area.rows:
                added = table.add_row()
                if sum(len(text) for text in row.cells) < 1500:
                    _no_split(added)  # long rows may break across pages
                cells = added.cells
                for index, (cell, value) in enumerate(zip(cells, row.cells, strict=True)):
                    if index == RESULT_COLUMN:
                        label = row.assessment or ("" if row.reported else "Ej rapporterad")
                        if row.unit_name:
                            label = f"{row.unit_name}: {label}" if label else row.unit_name
                        _cell_text(cell, value, bold_first=label)
                    else:
                        _cell_text(cell, value)
                for cell, width in zip(cells, WIDTHS_CM, strict=True):
                    cell.width = Cm(width)
            document.add_paragraph(f"Sammanställning: {area.counts_line}", style="Caption")

    if report.followed_measures:
        if not report.areas:
            landscape = document.add_section(WD_SECTION.NEW_PAGE)
            landscape.orientation = WD_ORIENT.LANDSCAPE
            landscape.page_width, landscape.page_height = Cm(29.7), Cm(21)
        document.add_heading("Uppföljning av tidigare åtgärder", level=1)
        document.add_paragraph(
            "Åtgärder från tidigare uppföljningar som inte var genomförda före den här "
            "uppföljningen, och vad som har gjorts."
        )
        _table(
            document,
            FOLLOWUP_COLUMNS,
            [m.cells for m in report.followed_measures],
            FOLLOWUP_WIDTHS_CM,
        )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
