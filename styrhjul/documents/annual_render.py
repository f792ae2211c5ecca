"""The delårsrapport and årsredovisning laid out: HTML (the preview in the
browser, and what WeasyPrint lays out as the tagged PDF), DOCX (real
headings, tables and the charts as pictures with alt text) and XLSX (every
table of the document)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.text import slugify

from styrhjul.charts.word import add_chart
from styrhjul.core.spreadsheet import document_workbook
from styrhjul.indicators import charts

from .annual import AnnualReport

TEMPLATE = "documents/annual.html"


def _with_charts(report: AnnualReport) -> None:

    for n, chapter in enumerate(report.chapters):
        for goal in chapter.goals:
            for row in goal.indicators:
                if row.chart is None:
                    row.chart = charts.trend(row.data, f"dok-{n}-{row.data.item.pk}")
                    row.gender_chart = charts.gender(row.data, f"dok-{n}-{row.data.item.pk}")
                    row.breakdown_charts = charts.breakdowns(
                        row.data, f"dok-{n}-{row.data.item.pk}"
                    )


def html(report: AnnualReport) -> str:
    from .internal_control import COLUMNS, FOLLOWUP_COLUMNS

    if report.shows("diagram"):
        _with_charts(report)
    return render_to_string(
        TEMPLATE,
        {
            "report": report,
            "columns": COLUMNS,
            "followup_columns": FOLLOWUP_COLUMNS,
            "eco": economy_view(report),
        },
    )


def economy_view(report: AnnualReport):
    """The economy chapter's tables and charts (monthly_render), or None."""
    if report.economy is None:
        return None
    from .layout import MONTHLY_SECTIONS, Section
    from .monthly_render import CHARTS, RATIOS, RATIOS_HEADING
    from .monthly_render import economy_view as view

    sections = [Section(s.key, s.heading) for s in MONTHLY_SECTIONS if s.key != CHARTS]
    sections += [Section(RATIOS, RATIOS_HEADING), Section(CHARTS, "Diagram")]
    return view(report.economy, sections, "ekonomi")


def pdf(report: AnnualReport) -> bytes:
    from .pdf import html_to_pdf

    return html_to_pdf(html(report))


def docx(report: AnnualReport) -> bytes:

    from .docx import (
        _table,
        add_contents,
        add_internal_control,
        add_logo,
        new_document,
        new_section,
    )

    style = report.style
    document = new_document(
        title=report.title,
        subject=report.subject,
        author=report.unit_name,
        style=style,
    )

    def table(headers, rows):
        return _table(document, headers, rows, style=style)

    for _ in range(5):
        document.add_paragraph()
    add_logo(document, style)
    document.add_paragraph(report.cover_title, style="Title")
    document.add_paragraph(report.unit_name, style="Subtitle")
    document.add_paragraph(f"{report.occasion_name}, uppföljning per {report.period_text}")
    document.add_paragraph(f"Underlaget läst {report.read_at:%Y-%m-%d %H:%M}.")
    document.add_page_break()
    add_contents(document)
    document.add_page_break()

    landscape = False
    for key, heading, paragraphs in report.outline:
        if landscape:
            new_section(document, landscape=False)
            landscape = False
        if key == "maluppfyllelse":
            document.add_heading(heading, level=1)
            document.add_paragraph(report.fulfilment_sentence())
            for chapter in report.chapters:
                if chapter.goals:
                    caption = "Bedömning av målen"
                    if report.compiled:
                        caption += f": {chapter.unit_name}"
                    document.add_paragraph(caption, style="Caption")
                    table(
                        ["Bedömning", "Antal mål"],
                        [[f"{c.symbol} {c.label}".strip(), c.count] for c in chapter.fulfilment],
                    )
        elif key == "mal_och_resultat":
            for chapter in report.chapters:
                document.add_page_break()
                document.add_heading(chapter.heading, level=1)
                if not chapter.goals:
                    document.add_paragraph(
                        f"{chapter.unit_name} har inga mål som följs upp per {report.period_text}."
                    )
                _chapter_docx(document, report, chapter, table, add_chart)
        elif key == "ekonomi":
            from .monthly_render import add_economy

            document.add_page_break()
            document.add_heading(heading, level=1)
            add_economy(document, economy_view(report), level=2, style=style)
        elif key == "intern_kontroll":
            document.add_page_break()
            document.add_heading(heading, level=1)
            for ik in report.internal_control:
                document.add_heading(ik.plan_name, level=2)
                for paragraph in ik.summary:
                    document.add_paragraph(paragraph)
                if report.has_appendix:
                    document.add_paragraph("Hela internkontrollrapporten finns som bilaga.")
                if ik.summary_rows:
                    table(ik.summary_headers, ik.summary_rows)
        elif key == "bilaga_internkontroll":
            document.add_page_break()
            document.add_heading(heading, level=1)
            for number, ik in enumerate(report.internal_control):
                if number:
                    if landscape:
                        new_section(document, landscape=False)
                    else:
                        document.add_page_break()
                document.add_heading(ik.title, level=2)
                landscape = add_internal_control(document, ik, level=3, style=style)
        elif key in report.own_keys:
            _own_section_docx(document, heading, paragraphs)
        else:
            document.add_heading(heading, level=1)
            for paragraph in paragraphs:
                document.add_paragraph(paragraph)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _own_section_docx(document, heading: str, texts) -> None:
    """An own section: the document's unit's text, then each unit below it
    under its name."""
    document.add_heading(heading, level=1)
    for text in texts:
        if not text.compiling:
            document.add_heading(text.unit_name, level=2)
        for paragraph in text.paragraphs:
            document.add_paragraph(paragraph)


def _chapter_docx(document, report: AnnualReport, chapter, table, add_chart) -> None:
    for perspective in chapter.perspectives:
        document.add_heading(perspective.name, level=2)
        for goal in perspective.goals:
            heading = goal.heading + (f" ({goal.level})" if goal.level else "")
            document.add_heading(heading, level=3)
            if goal.assesses:
                document.add_paragraph().add_run(f"Bedömning: {goal.assessment.text}").bold = True
            for paragraph in goal.analysis.splitlines():
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
            if goal.underlag:
                _underlag_docx(document, goal.underlag, table)
            if goal.indicators and report.shows("nyckeltal"):
                document.add_paragraph("Nyckeltal för målet", style="Caption")
                table(
                    ["Nyckeltal", "Utgångsvärde", "Senaste utfall", "Målvärde", "Bedömning"],
                    [row.cells for row in goal.indicators],
                )
            if goal.indicators and report.shows("diagram"):
                for row in goal.indicators:
                    if row.data.points or row.data.comparisons:
                        add_chart(document, row.data.trend_chart(), width_cm=15)
                        document.add_paragraph(row.data.describe(), style="Caption")
                    if row.data.has_gender_split:
                        add_chart(document, row.data.gender_chart(), width_cm=15)
                    for breakdown in row.data.breakdowns:
                        add_chart(document, row.data.breakdown_chart(breakdown), width_cm=15)
                        difference = row.data.difference_text(breakdown)
                        if difference:
                            document.add_paragraph(difference, style="Caption")
            if goal.activities and report.shows("aktiviteter"):
                document.add_paragraph("Aktiviteter", style="Caption")
                table(
                    ["Aktivitet", "Slutdatum", "Status", "Kommentar"],
                    [_activity_cells(a) for a in goal.activities],
                )
    if chapter.assignments and report.shows("sarskilda_uppdrag"):
        document.add_heading("Särskilda uppdrag", level=2)
        table(
            ["Uppdrag", "Slutdatum", "Status", "Kommentar"],
            [_activity_cells(a) for a in chapter.assignments],
        )


def _underlag_docx(document, underlag, table) -> None:
    """The units' assessments counted and their analyses, attributed."""
    document.add_heading("Underlag från enheterna", level=4)
    document.add_paragraph(
        f"Enheternas bedömningar: {underlag.units_reported} av {underlag.units} enheter "
        "har rapporterat",
        style="Caption",
    )
    table(
        ["Bedömning", "Antal"],
        [[f"{c.symbol} {c.label}".strip(), c.count] for c in underlag.counts],
    )
    for a in underlag.analyses:
        by = document.add_paragraph()
        by.add_run(a.unit_name).bold = True
        if a.item_heading:
            by.add_run(f", {a.item_heading}")
        if a.assessment.label:
            by.add_run(f". Bedömning: {a.assessment.text}")
        for paragraph in a.text.splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())


def _activity_cells(a) -> list[str]:
    title = f"{a.number} {a.title}".strip()
    if a.unit_name:
        title += f"\n{a.unit_name}"
    return [title, a.end_text, a.status.text, a.comment]


def xlsx(report: AnnualReport) -> bytes:
    """Every table of the document, one sheet each, with a header row that
    stays in view and filters."""

    goals, indicators, activities, assignments, fulfilment = [], [], [], [], []
    underlag, underlag_counts = [], []
    for chapter in report.chapters:
        for perspective in chapter.perspectives:
            for goal in perspective.goals:
                where = [chapter.unit_name, perspective.name]
                goals.append(
                    [
                        *where,
                        goal.item.number,
                        goal.item.title,
                        goal.level,
                        goal.assessment.label if goal.assesses else "",
                        goal.analysis,
                    ]
                )
                if goal.underlag:
                    for c in goal.underlag.counts:
                        underlag_counts.append([*where, goal.heading, c.label, c.count])
                    for a in goal.underlag.analyses:
                        underlag.append(
                            [
                                *where,
                                goal.heading,
                                a.unit_name,
                                a.item_heading,
                                a.assessment.label,
                                a.text,
                            ]
                        )
                for row in goal.indicators:
                    indicators.append([*where, goal.heading, *row.cells])
                for a in goal.activities:
                    activities.append(
                        [
                            *where,
                            goal.heading,
                            f"{a.number} {a.title}".strip(),
                            a.unit_name or chapter.unit_name,
                            a.end_date,
                            a.status.label_text,
                            a.comment,
                        ]
                    )
        for a in chapter.assignments:
            assignments.append(
                [
                    chapter.unit_name,
                    f"{a.number} {a.title}".strip(),
                    a.end_date,
                    a.status.label_text,
                    a.comment,
                ]
            )
        for c in chapter.fulfilment:
            fulfilment.append([chapter.unit_name, c.label, c.count])
    sheets = [
        ("Mål", ["Enhet", "Perspektiv", "Nr", "Mål", "Målnivå", "Bedömning", "Analys"], goals),
        (
            "Nyckeltal",
            [
                "Enhet",
                "Perspektiv",
                "Mål",
                "Nyckeltal",
                "Utgångsvärde",
                "Senaste utfall",
                "Målvärde",
                "Bedömning",
            ],
            indicators,
        ),
        (
            "Aktiviteter",
            [
                "Enhet",
                "Perspektiv",
                "Mål",
                "Aktivitet",
                "Rapporterad av",
                "Slutdatum",
                "Status",
                "Kommentar",
            ],
            activities,
        ),
        (
            "Särskilda uppdrag",
            ["Enhet", "Uppdrag", "Slutdatum", "Status", "Kommentar"],
            assignments,
        ),
        ("Måluppfyllelse", ["Enhet", "Bedömning", "Antal mål"], fulfilment),
    ]
    if underlag_counts:
        sheets += [
            (
                "Underlag per bedömning",
                ["Enhet", "Perspektiv", "Mål", "Enheternas bedömning", "Antal enheter"],
                underlag_counts,
            ),
            (
                "Underlag från enheterna",
                ["Enhet", "Perspektiv", "Mål", "Från enhet", "Enhetens mål", "Bedömning", "Analys"],
                underlag,
            ),
        ]
    own = [
        [heading, text.unit_name, "\n\n".join(text.paragraphs)]
        for heading, texts in report.own_outline
        for text in texts
    ]
    if own:
        sheets.append(("Egna avsnitt", ["Avsnitt", "Enhet", "Text"], own))
    widths: dict[str, list[int]] = {}
    if own:
        widths["Egna avsnitt"] = [24, 28, 90]
    if any(key == "ekonomi" for key, _h, _p in report.outline):
        from .monthly_render import economy_sheets

        sheets += economy_sheets(report.economy)
    if any(key == "bilaga_internkontroll" for key, _h, _p in report.outline):
        from .internal_control import xlsx_sheets, xlsx_widths

        for number, ik in enumerate(report.internal_control):
            suffix = f" {number + 1}" if number else ""
            ik_widths = xlsx_widths(ik)
            for name, headers, rows in xlsx_sheets(ik):
                sheets.append((name + suffix, headers, rows))
                if name in ik_widths:
                    widths[name + suffix] = ik_widths[name]
    return document_workbook(report, sheets, widths=widths)


def render(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "html":
        return html(report).encode()
    return {"pdf": pdf, "docx": docx, "xlsx": xlsx}[fmt](report)


def filename(report: AnnualReport, fmt: str) -> str:
    stem = "arsredovisning" if report.kind == "arsredovisning" else "delarsrapport"
    return f"{stem}-{report.year}-{slugify(report.unit_name)}.{fmt}"


__all__ = ["filename", "render"]
