"""The Månadsrapport laid out: HTML (the preview, and what WeasyPrint lays
out as the tagged PDF, with the charts as SVG), DOCX (real headings, tables
and the charts as PNG pictures with alt text, each with its table) and
XLSX (the driftredovisning, per unit below and per month, in kronor).

The economy's tables and charts are laid out here once and used by the
Månadsrapport and by the economy chapter of the delårsrapport and the
årsredovisning: `economy_view()` for the HTML, `add_economy()` for Word and
`economy_sheets()` for Excel. Amounts in the tables and charts are in tkr
(thousands of kronor) with the economy page's sign; Excel has kronor."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from styrhjul.charts import Series, Table, TrendChart, data_table, to_svg
from styrhjul.charts.numbers import format_number, format_value
from styrhjul.core.spreadsheet import document_workbook
from styrhjul.economy.figures import UNIT, deviation_bars, tkr

from .layout import Section
from .monthly import MONTHS as MONTHS_SV
from .monthly import EconomyPart, Line, MonthlyReport

TEMPLATE = "documents/monthly.html"
# The economy's sub-sections (the Månadsrapport's sections, and the parts of
# the economy chapter in the delårsrapport and årsredovisning).
DRIFT, PARTS, CHARTS = "driftredovisning", "per_enhet", "diagram"
COMMENTS, INVESTMENTS, RATIOS = "kommentarer", "investeringar", "finansiella_nyckeltal"
RATIOS_HEADING = "Finansiella nyckeltal"
MEASURE_COLUMNS = ["Åtgärd", "Ansvarig", "Klart senast"]
INVESTMENT_COLUMNS = [
    "Projekt",
    "Budget helår",
    "Budget hittills",
    "Utfall hittills",
    "Avvikelse hittills",
    "Kvar av budget",
]
RATIO_COLUMNS = ["Nyckeltal", "Värde", "Beräknat som"]


def tkr_text(value: Decimal | None) -> str:
    return format_value(tkr(value), UNIT)


def _number(value: Decimal | None) -> str:
    return format_number(tkr(value), 0)


# --- Tables ------------------------------------------------------------------------------------


def columns(part: EconomyPart, first: str = "Rad") -> list[str]:
    headers = [first, "Helårsbudget", "Budget hittills", "Utfall hittills", "Avvikelse hittills"]
    if part.has_forecast:
        headers += ["Helårsprognos", "Avvikelse helår"]
    return headers


def cells(part: EconomyPart, line: Line) -> list[str]:
    values = [line.budget_year, line.budget, line.utfall, line.difference]
    if part.has_forecast:
        values += [line.forecast, line.forecast_difference]
    return [_number(v) for v in values]


def rows(part: EconomyPart) -> list[tuple[str, bool, list[str]]]:
    """The driftredovisning: (row, is total, cells)."""
    return [(line.name, line.is_total, cells(part, line)) for line in part.lines]


def part_rows(part: EconomyPart) -> list[tuple[str, bool, list[str]]]:
    """The nettokostnad per unit below, and their sum."""
    result = [(p.label, False, cells(part, p.total)) for p in part.parts if p.total]
    if part.total is not None:
        result.append((f"Summa {part.unit_name}", True, cells(part, part.total)))
    return result


def investment_rows(part: EconomyPart) -> list[tuple[str, bool, list[str]]]:
    """Per unit its projekt and a sum, then the sum of all (utgifter
    positive, as the investeringsredovisning shows them)."""
    report = part.investments
    if report is None:
        return []

    def values(p) -> list[str]:
        return [
            _number(v) for v in (p.budget_year, p.budget_to_date, p.net, p.difference, p.remaining)
        ]

    result = []
    for _name, projects, subtotal in report.per_unit():
        result += [(p.label, False, values(p)) for p in projects]
        result.append((subtotal.name, True, values(subtotal)))
    result.append(("Summa investeringar", True, values(report.total)))
    return result


def ratio_rows(part: EconomyPart) -> list[tuple[str, bool, list[str]]]:
    if part.ratios is None:
        return []
    return [
        (
            r.name,
            False,
            [
                r.percent,
                f"{r.numerator_label} / {r.denominator_label}" + (f". {r.note}" if r.note else ""),
            ],
        )
        for r in part.ratios.ratios
    ]


def ratios_text(part: EconomyPart) -> str:
    ratios = part.ratios
    if ratios is None:
        return ""
    if ratios.complete:
        return f"Nyckeltalen för räkenskapsåret {part.year}, ur bokföringen."
    if ratios.last_period is None:
        return f"Det finns inget utfall för {part.year} ännu."
    last = ratios.last_period
    return (
        f"Räkenskapsåret är inte avslutat: nyckeltalen bygger på bokföringen till och med "
        f"{MONTHS_SV[last.month - 1]} {last.year}."
    )


def measure_cells(measure) -> list[str]:
    return [measure.text, measure.responsible, f"{measure.due:%Y-%m-%d}" if measure.due else "–"]


def caption(part: EconomyPart, what: str) -> str:
    to_date = f", hittills = {part.to_date_text}" if part.months_to_date else ""
    return f"{what} {part.year} (tkr{to_date})"


# --- Charts ------------------------------------------------------------------------------------


@dataclass
class Chart:
    spec: object
    svg: SafeString
    table: Table
    text: str


def _chart(spec, prefix: str, text: str) -> Chart:
    # to_svg escapes every text it writes; the markup is ours.
    svg = to_svg(spec, id_prefix=prefix, show_title=False, desc=text)
    return Chart(spec, mark_safe(svg), data_table(spec), text)  # noqa: S308


def _cumulative(values):
    total, result = Decimal(0), []
    for value in values:
        if value is None:
            result.append(None)
            continue
        total += value
        result.append(total)
    return result


def charts(part: EconomyPart, prefix: str) -> list[Chart]:
    """Nettokostnad per month and accumulated (budget for the year, utfall
    to date, the helårsprognos when there is one), and the avvikelse to date
    per row and per unit below."""
    if not part.budget_by_month:
        return []
    labels = [f"{m:%Y-%m}" for m in part.months]
    year = part.year
    summary = part.summary()
    result = []
    for key, title, values_of, lead in (
        (
            "manad",
            f"Nettokostnad per månad {year}",
            list,
            f"Diagrammet visar nettokostnaden per månad {year}: budget för hela året "
            "(streckad linje) och utfall (heldragen linje).",
        ),
        (
            "ackumulerat",
            f"Nettokostnad ackumulerad {year}",
            _cumulative,
            f"Diagrammet visar nettokostnaden ackumulerad över året {year}: budget "
            "(streckad linje) och utfall (heldragen linje)"
            + (", och helårsprognosen i december." if part.has_forecast else "."),
        ),
    ):
        utfall = values_of(part.utfall_by_month)
        series = [
            Series("Utfall", list(zip(labels, map(tkr, utfall), strict=True))),
            Series(
                "Budget",
                list(zip(labels, map(tkr, values_of(part.budget_by_month)), strict=True)),
                kind="target",
            ),
        ]
        total = part.total
        if key == "ackumulerat" and total is not None and total.forecast is not None:
            points = [(labels[-1], tkr(total.forecast))]
            if part.months_to_date and part.months_to_date < 12:
                last = part.months_to_date - 1
                points.insert(0, (labels[last], tkr(utfall[last])))
            series.append(Series("Helårsprognos", points, kind="comparison", highlight=True))
        spec = TrendChart(title=title, unit=UNIT, series=series)
        result.append(_chart(spec, f"{prefix}-{key}", f"{lead} {summary}"))
    if part.months_to_date:
        items = [(line.name, line.difference) for line in part.lines]
        result.append(
            _bars("Avvikelse hittills per rad", "Rad", items, f"{prefix}-rader", "per rad")
        )
        if part.parts:
            items = [(p.label, p.total.difference) for p in part.parts if p.total]
            what = part.parts_heading
            result.append(
                _bars(
                    f"Avvikelse hittills per {what}",
                    what.capitalize(),
                    items,
                    f"{prefix}-delar",
                    f"per {what}",
                )
            )
    return result


def _bars(title: str, header: str, items, prefix: str, what: str) -> Chart:
    spec, text = deviation_bars(title, header, items, what)
    return _chart(spec, prefix, text)


# --- HTML and PDF ------------------------------------------------------------------------------


@dataclass
class EconomyView:
    """What the template `documents/_economy.html` lays out."""

    part: EconomyPart
    sections: list[tuple[str, str]]  # (key, heading)
    columns: list[str]
    part_columns: list[str]
    rows: list
    part_rows: list
    details: list  # (label, caption, rows) per unit below
    charts: list[Chart]
    drift_caption: str
    parts_caption: str
    investment_rows: list
    investment_caption: str
    investment_columns: list
    ratio_rows: list
    ratios_text: str
    # Own sections (own_sections.OwnText per key) among the economy's: the Månadsrapport's.
    own: dict = field(default_factory=dict)


def section_heading(part: EconomyPart, section: Section) -> str:
    if section.key == PARTS and section.heading == HOUSE_PARTS_HEADING:
        return f"Driftredovisning per {part.parts_heading}"
    return section.heading


HOUSE_PARTS_HEADING = "Driftredovisning per förvaltning"


def economy_view(part: EconomyPart, sections, prefix: str, own=None) -> EconomyView:
    own = own or {}
    shown = {
        **{key: bool(texts) for key, texts in own.items()},
        PARTS: bool(part.parts),
        COMMENTS: bool(part.comments),
        INVESTMENTS: part.investments is not None,
        RATIOS: part.ratios is not None,
    }
    sections = [
        (s.key, section_heading(part, s))
        for s in sections
        if shown.get(s.key, True)  # a section with nothing in it is left out
    ]
    keys = {k for k, _h in sections}
    return EconomyView(
        part=part,
        sections=sections,
        columns=columns(part),
        part_columns=columns(part, part.parts_heading.capitalize()),
        rows=rows(part),
        part_rows=part_rows(part),
        details=[
            (
                p.label,
                caption(part, f"Driftredovisning {p.label}"),
                [(line.name, line.is_total, cells(part, line)) for line in p.lines],
            )
            for p in part.parts
        ]
        if PARTS in keys
        else [],
        charts=charts(part, prefix) if CHARTS in keys else [],
        drift_caption=caption(part, f"Driftredovisning {part.unit_name}"),
        parts_caption=caption(part, f"Nettokostnad per {part.parts_heading}"),
        investment_rows=investment_rows(part),
        investment_caption=caption(part, f"Investeringar {part.unit_name}"),
        investment_columns=INVESTMENT_COLUMNS,
        ratio_rows=ratio_rows(part),
        ratios_text=ratios_text(part),
        own=own,
    )


def html(report: MonthlyReport) -> str:
    view = economy_view(
        report.economy, report.layout.contents.sections, "manad", report.own_sections
    )
    return render_to_string(TEMPLATE, {"report": report, "eco": view})


def pdf(report: MonthlyReport) -> bytes:
    from .pdf import html_to_pdf

    return html_to_pdf(html(report))


# --- Word --------------------------------------------------------------------------------------


def add_economy(document, view: EconomyView, *, level: int, style) -> None:
    """The economy's sections as headings at `level`, tables and charts."""
    from styrhjul.charts.word import add_chart

    from .docx import _table

    def table(caption_text, headers, body):
        document.add_paragraph(caption_text, style="Caption")
        added = _table(
            document, headers, [[name, *values] for name, _t, values in body], style=style
        )
        for row, (_name, is_total, _values) in zip(added.rows[1:], body, strict=True):
            if is_total:
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        return added

    part = view.part
    for key, heading in view.sections:
        document.add_heading(heading, level=level)
        if key in view.own:
            for text in view.own[key]:
                if not text.compiling:
                    document.add_heading(text.unit_name, level=level + 1)
                for paragraph in text.paragraphs:
                    document.add_paragraph(paragraph)
        elif key == DRIFT:
            document.add_paragraph(part.summary())
            table(view.drift_caption, view.columns, view.rows)
        elif key == PARTS:
            table(view.parts_caption, view.part_columns, view.part_rows)
            for label, detail_caption, body in view.details:
                document.add_heading(label, level=level + 1)
                table(detail_caption, view.columns, body)
        elif key == COMMENTS:
            for comment in part.comments:
                document.add_heading(comment.unit_name, level=level + 1)
                for paragraph in comment.comment.splitlines():
                    if paragraph.strip():
                        document.add_paragraph(paragraph.strip())
                if comment.rows:
                    document.add_paragraph("Kommentarer per rad", style="Caption")
                    _table(document, ["Rad", "Kommentar"], comment.rows, style=style)
                if comment.measures:
                    document.add_paragraph("Planerade åtgärder", style="Caption")
                    _table(
                        document,
                        MEASURE_COLUMNS,
                        [measure_cells(m) for m in comment.measures],
                        style=style,
                    )
        elif key == INVESTMENTS:
            table(view.investment_caption, INVESTMENT_COLUMNS, view.investment_rows)
        elif key == RATIOS:
            document.add_paragraph(view.ratios_text)
            table(f"Finansiella nyckeltal {part.year}", RATIO_COLUMNS, view.ratio_rows)
        elif key == CHARTS:
            for chart in view.charts:
                document.add_heading(chart.spec.title, level=level + 1)
                add_chart(document, chart.spec, width_cm=15)
                document.add_paragraph(chart.text)
                document.add_paragraph(chart.table.caption, style="Caption")
                _table(
                    document,
                    list(chart.table.headers),
                    [[row.header, *row.cells] for row in chart.table.rows],
                    style=style,
                )


def docx(report: MonthlyReport) -> bytes:
    from .docx import add_logo, new_document

    style = report.style
    document = new_document(
        title=report.title,
        subject=report.subject,
        author=report.unit_name,
        style=style,
    )
    add_logo(document, style)
    document.add_paragraph(report.cover_title, style="Title")
    document.add_paragraph(report.unit_name, style="Subtitle")
    document.add_paragraph(
        f"{report.occasion_name}. Underlaget läst {report.read_at:%Y-%m-%d %H:%M}."
    )
    view = economy_view(
        report.economy, report.layout.contents.sections, "manad", report.own_sections
    )
    add_economy(document, view, level=1, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Excel -------------------------------------------------------------------------------------


def _kr(value: Decimal | None):
    return None if value is None else value


def economy_sheets(part: EconomyPart, prefix: str = "") -> list[tuple[str, list, list]]:
    """The driftredovisning per unit (the whole first, then each unit below)
    and row, and the nettokostnad per month, in kronor."""
    headers = ["Enhet", "Rad", "Helårsbudget", "Budget hittills", "Utfall hittills", "Avvikelse"]
    if part.has_forecast:
        headers += ["Helårsprognos", "Avvikelse helår"]

    def values(line: Line) -> list:
        result = [line.budget_year, line.budget, line.utfall, line.difference]
        if part.has_forecast:
            result += [_kr(line.forecast), _kr(line.forecast_difference)]
        return result

    drift = [[part.unit_name, line.name, *values(line)] for line in part.lines]
    for p in part.parts:
        drift += [[p.label, line.name, *values(line)] for line in p.lines]
    months = []
    budget_sum, utfall_sum = Decimal(0), Decimal(0)
    for month, budget, utfall in zip(
        part.months, part.budget_by_month, part.utfall_by_month, strict=True
    ):
        budget_sum += budget
        if utfall is not None:
            utfall_sum += utfall
        months.append(
            [
                f"{month:%Y-%m}",
                budget,
                utfall,
                budget_sum,
                utfall_sum if utfall is not None else None,
            ]
        )
    sheets = [
        (f"{prefix}Driftredovisning", headers, drift),
        (
            f"{prefix}Nettokostnad per månad",
            ["Månad", "Budget", "Utfall", "Budget ackumulerad", "Utfall ackumulerat"],
            months,
        ),
    ]
    if part.comments:
        sheets.append(
            (
                f"{prefix}Kommentarer",
                ["Enhet", "Rad", "Kommentar"],
                [
                    [c.unit_name, row, text]
                    for c in part.comments
                    for row, text in ([("", c.comment)] if c.comment else []) + c.rows
                ],
            )
        )
        sheets.append(
            (
                f"{prefix}Åtgärder",
                ["Enhet", *MEASURE_COLUMNS],
                [
                    [c.unit_name, m.text, m.responsible, m.due]
                    for c in part.comments
                    for m in c.measures
                ],
            )
        )
    if part.investments is not None:
        report = part.investments
        sheets.append(
            (
                f"{prefix}Investeringar",
                ["Enhet", *INVESTMENT_COLUMNS],
                [
                    [
                        p.unit_name,
                        p.label,
                        p.budget_year,
                        p.budget_to_date,
                        p.net,
                        p.difference,
                        p.remaining,
                    ]
                    for p in report.projects
                ],
            )
        )
    if part.ratios is not None:
        sheets.append(
            (
                f"{prefix}Finansiella nyckeltal",
                ["Nyckeltal", "Värde (%)", "Täljare (kr)", "Nämnare (kr)", "Beräknat som"],
                [
                    [
                        r.name,
                        r.value,
                        r.numerator,
                        r.denominator,
                        f"{r.numerator_label} / {r.denominator_label}",
                    ]
                    for r in part.ratios.ratios
                ],
            )
        )
    return sheets


def xlsx(report: MonthlyReport) -> bytes:
    sheets = economy_sheets(report.economy)
    widths = {"Driftredovisning": [34, 28, 16, 16, 16, 16, 16, 16]}
    own = [
        [section.heading, text.unit_name, "\n\n".join(text.paragraphs)]
        for section in report.layout.contents.sections
        for text in report.own_sections.get(section.key, [])
    ]
    if own:
        sheets.append(("Egna avsnitt", ["Avsnitt", "Enhet", "Text"], own))
        widths["Egna avsnitt"] = [24, 28, 90]
    return document_workbook(report, sheets, widths=widths)


def render(report: MonthlyReport, fmt: str) -> bytes:
    if fmt == "html":
        return html(report).encode()
    return {"pdf": pdf, "docx": docx, "xlsx": xlsx}[fmt](report)


def filename(report: MonthlyReport, fmt: str) -> str:
    return f"manadsrapport-{report.period_end:%Y-%m}-{slugify(report.unit_name)}.{fmt}"
