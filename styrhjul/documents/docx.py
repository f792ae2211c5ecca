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

from .internal_control import FOLLOWUP_COLUMNS, InternalControlReport

LANGUAGE = "sv-SE"
# The text width of landscape A4 with the tables' margins.
LANDSCAPE_TEXT_CM = 26.7
TABLE_TEXT = Pt(9)  # the text of the tables of control points
FOLLOWUP_WIDTHS_CM = (1.8, 4.5, 6.4, 3.7, 7.6, 2.7)


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


def _table(document, headers, rows, widths=None, style=None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header_row = table.rows[0]
    repeat_header(header_row)
    for cell, text in zip(header_row.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    shade_header(table, style)
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


def _numbering_restart(document, paragraph, start: int) -> None:
    """Start a new numbered list at the paragraph (List Number style), so
    that a second list does not go on from the first one's numbers."""
    numbering = document.part.numbering_part.numbering_definitions._numbering
    style = document.styles["List Number"]
    num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
    if num_pr is None or num_pr.numId is None:
        return
    old = numbering.num_having_numId(num_pr.numId.val)
    num = numbering.add_num(old.abstractNumId.val)
    override = num.add_lvlOverride(ilvl=0)
    override.add_startOverride(start)
    paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num.numId
    paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_ilvl().val = 0


def add_text_blocks(document, blocks) -> None:
    """A written text's paragraphs and lists (documents.models.text_blocks):
    list items as paragraphs in the styles List Bullet and List Number, a
    numbered list starting at its own number."""
    for block in blocks:
        if not block.is_list:
            document.add_paragraph(block.text)
            continue
        style = "List Number" if block.ordered else "List Bullet"
        for index, item in enumerate(block.items):
            paragraph = document.add_paragraph(item, style=style)
            if block.ordered and index == 0:
                _numbering_restart(document, paragraph, block.start)


def keep_with_next(row) -> None:
    """Keep the table row on the page of what follows it (a caption)."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


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


HEADING_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4")


def _set_font(style, name: str) -> None:
    """The style's typeface for all scripts (python-docx sets only ASCII)."""
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def new_document(*, title: str, subject: str, author: str, style=None):
    """A Swedish A4 document with its properties, the organisation's
    typefaces and heading colour (layout.Style; the house look without) and
    page numbers in the footer (not on the title page). The look is set on
    the styles (Normal, Title, Rubrik 1–4), so a Word template restyles it."""
    from docx.shared import RGBColor

    from .layout import Style

    style = style or Style()
    document = Document()
    props = document.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.language = LANGUAGE
    _set_language(document)
    normal = document.styles["Normal"]
    _set_font(normal, style.word_font)
    normal.font.size = Pt(10.5)
    for name in HEADING_STYLES:
        heading = document.styles[name]
        _set_font(heading, style.word_heading_font)
        heading.font.color.rgb = RGBColor.from_string(style.heading_colour[1:].upper())
    first = document.sections[0]
    first.page_width, first.page_height = Cm(21), Cm(29.7)
    first.left_margin = first.right_margin = Cm(2.2)
    first.different_first_page_header_footer = True
    _page_number_footer(first)
    return document


def add_contents(document, *, levels: str = "1-3") -> None:
    """A table of contents: Word's own TOC field over Rubrik 1–3, which Word
    fills in when the document is opened (the document asks it to update
    its fields) and which keeps following the headings when they are
    edited."""
    document.add_paragraph("Innehåll", style="TOC Heading")
    paragraph = document.add_paragraph()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f'TOC \\o "{levels}" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(begin)
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(separate)
    paragraph.add_run(
        "Innehållsförteckningen fylls i när dokumentet öppnas i Word. Annars: högerklicka "
        "här och välj Uppdatera fält."
    ).italic = True
    paragraph.add_run()._r.append(end)
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def add_logo(document, style, *, height_cm: float = 2.5) -> None:
    """The organisation's logo, with its alt text, at the top of the title page."""
    if not style or not style.logo:
        return
    width, height = style.logo_size()
    size = {"height": Cm(height_cm)}
    if width / max(height, 1) * height_cm > 8:
        size = {"width": Cm(8)}
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(style.logo), **size)
    picture._inline.docPr.set("descr", style.logo_alt)
    picture._inline.docPr.set("title", style.logo_alt)


def shade_header(table, style) -> None:
    """The header row in the organisation's table colour."""
    if not style:
        return
    from docx.shared import RGBColor

    for cell in table.rows[0].cells:
        properties = cell._tc.get_or_add_tcPr()
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), style.table_colour[1:].upper())
        properties.append(shading)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = RGBColor.from_string(style.table_text_colour[1:].upper())


def internal_control_docx(report: InternalControlReport, style=None) -> bytes:
    document = new_document(
        title=report.title,
        subject=report.subject,
        author=report.unit_name,
        style=style,
    )

    # Title page
    for _ in range(6):
        document.add_paragraph()
    add_logo(document, style)
    document.add_paragraph(report.title, style="Title")
    document.add_paragraph(f"{report.plan_name} {report.year}", style="Subtitle")
    if report.subtitle:
        document.add_paragraph(report.subtitle, style="Subtitle")
    document.add_paragraph(report.unit_name)
    document.add_page_break()
    add_internal_control(document, report, level=1, style=style)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_section(document, *, landscape: bool):
    """A new section on a new page, A4 landscape (the wide tables) or portrait."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.left_margin = section.right_margin = Cm(1.5)
        section.top_margin = section.bottom_margin = Cm(1.8)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2.5)
    section.different_first_page_header_footer = False
    return section


def add_internal_control(document, report: InternalControlReport, *, level: int, style=None):
    """The internkontrollrapport after its title page, its sections (in the
    organisation's order and headings, report.outline) at heading `level`:
    introduction, summary, the control points per area in a landscape
    section and the follow-up of earlier measures. Returns whether it ended
    in a landscape section."""
    landscape = False

    def portrait_again():
        nonlocal landscape
        if landscape:
            new_section(document, landscape=False)
            landscape = False

    for key, heading in report.outline:
        if key == "inledning":
            portrait_again()
            document.add_heading(heading, level=level)
            add_text_blocks(document, report.introduction_blocks)
        elif key == "sammanfattning":
            portrait_again()
            document.add_heading(heading, level=level)
            add_text_blocks(document, report.summary_blocks)
            if report.summary_rows:
                caption = document.add_paragraph(report.summary_caption, style="Caption")
                caption.paragraph_format.keep_with_next = True
                _table(document, report.summary_headers, report.summary_rows, style=style)
        elif key == "resultat":
            if not landscape:
                new_section(document, landscape=True)
                landscape = True
            document.add_heading(heading, level=level)
            for area, groups in report.tables:
                _area_table(document, report, area, groups, level=level + 1, style=style)
        elif key == "tidigare_atgarder":
            if not landscape:
                new_section(document, landscape=True)
                landscape = True
            document.add_heading(heading, level=level)
            document.add_paragraph(
                "Åtgärder från tidigare uppföljningar som inte var genomförda före den här "
                "uppföljningen, och vad som har gjorts."
            )
            _table(
                document,
                FOLLOWUP_COLUMNS,
                [m.cells for m in report.followed_measures],
                FOLLOWUP_WIDTHS_CM,
                style=style,
            )
    return landscape


def _merged_row(table, text: str, *, bold: bool = True, italic: bool = False):
    """A row with one cell across the table (a process category's heading)."""
    row = table.add_row()
    cell = row.cells[0].merge(row.cells[-1])
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold, run.italic = bold, italic
    return row


def _area_table(document, report, area, groups, *, level: int, style=None) -> None:
    """One area's (or unit's) control points: a heading, the table's caption
    and the table with the organisation's columns and widths (its header
    rows repeated on every page), a sub-heading row per process
    category, rows too long for a page in parts marked "(forts.)", and the
    caption kept on the page of the table's end."""
    document.add_heading(area.name, level=level)
    caption = document.add_paragraph(report.caption_of(area), style="Caption")
    caption.paragraph_format.keep_with_next = True
    widths = [Cm(LANDSCAPE_TEXT_CM * w) for w in report.widths]
    table = _table(document, report.headings, [], style=style)
    table.autofit = False
    if report.explanations:
        explained = table.add_row()
        repeat_header(explained)
        for cell, text in zip(explained.cells, report.explanations, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).italic = True
    result = report.result_column
    last = None
    for group in groups:
        if group.name:
            last = _merged_row(table, group.name)
            _no_split(last)
            keep_with_next(last)
        for printed in group.printed:
            last = table.add_row()
            _no_split(last)  # the parts are at most about half a page
            for index, (cell, value) in enumerate(zip(last.cells, printed.cells, strict=True)):
                if index == result and printed.label:
                    _cell_text(cell, value, bold_first=printed.label)
                else:
                    _cell_text(cell, value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = TABLE_TEXT  # as the PDF's tables, so the parts fit a page
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        cells = row.cells
        if len({id(c._tc) for c in cells}) == 1:  # a category row across the table
            cells[0].width = sum(widths, Cm(0))
            continue
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
    if last is not None:
        keep_with_next(last)
    document.add_paragraph(f"Sammanställning: {area.counts_line}", style="Caption")
