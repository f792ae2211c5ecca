"""Internkontrollrapport: one unit's control points of one plan with what the
unit reported on them at one follow-up occasion.

`build()` reads the database in a fixed number of queries and returns plain
dataclasses; the PDF and DOCX builders only lay that structure out, so the
content of the report is defined here, once. `xlsx()` writes the report's
tables as an Excel workbook."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from styrhjul.core.dates import swedish_date
from styrhjul.core.spreadsheet import document_workbook
from styrhjul.followup import readmodel
from styrhjul.followup.measures import earlier_reports
from styrhjul.followup.models import FollowUpOccasion, MeasureFollowUp
from styrhjul.followup.services import items_to_report
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.planning.models import Item, ItemShare, Plan
from styrhjul.planning.numbering import plan_key

from .models import TextBlock, plain_blocks, text_blocks
from .texts import report_text

OTHER_AREA = "Övrigt"
NOT_REPORTED = "Ej rapporterad"
# Reported with the result of the control but no assessment (followup.readmodel).
WITHOUT_ASSESSMENT = "Utan bedömning"
COLUMNS = (
    "Nr",
    "Process/rutin/system",
    "Kontrollmoment",
    "Kontrollmetod",
    "Resultat av kontroll",
    "Åtgärd",
)
FOLLOWUP_COLUMNS = (
    "Nr",
    "Kontrollpunkt",
    "Åtgärd",
    "Ansvarig",
    "Vad har gjorts",
    "Status",
)
GROUPINGS = {"omrade": "Område", "enhet": "Enhet"}
# The Excel file's sheet of control points: the grouping ("Område" or
# "Enhet") comes first, then these.
XLSX_COLUMNS = (
    "Nr",
    "Process/rutin/system",
    "Risk",
    "Riskvärde",
    "Kontrollmoment",
    "Kontrollmetod",
    "Rapporterande enhet",
    "Bedömning",
    "Resultat av kontroll",
    "Åtgärd",
    "Ansvarig för åtgärd",
    "Åtgärd klar senast",
)
XLSX_FOLLOWUP_COLUMNS = (
    "Nr",
    "Kontrollpunkt",
    "Enhet",
    "Från uppföljning",
    "Åtgärd",
    "Ansvarig för åtgärd",
    "Åtgärd klar senast",
    "Vad har gjorts",
    "Status",
)


class DocumentError(ValueError):
    """The plan and occasion do not make a report (message in Swedish)."""


@dataclass
class ControlRow:
    number: str
    process: str
    control_step: str
    control_method: str
    result: str
    measures: str
    title: str = ""
    responsible: str = ""
    frequency: str = ""
    assessment: str = ""
    assessment_symbol: str = ""
    assessment_colour: str = ""
    reported: bool = False
    unit_name: str = ""  # the reporting unit, when another than the plan's
    measures_responsible: str = ""
    measures_due: datetime.date | None = None
    risk: str = ""  # what can go wrong
    risk_value: int | None = None  # probability × consequence
    risk_level: str = ""  # the band of the model's risk scale: låg, medel, hög
    category: str = ""  # the process category (processkategori) within the area
    key: tuple[int, int] | None = None  # (reporting unit, item) ids

    @property
    def risk_text(self) -> str:
        """E.g. "12 (hög)"; "" when probability or consequence is missing."""
        if not self.risk_value:
            return ""
        return f"{self.risk_value} ({self.risk_level})" if self.risk_level else str(self.risk_value)

    def cell(self, key: str) -> str:
        """The text of the table's column with the key (layout.IK_COLUMNS)."""
        return {
            "nr": self.number,
            "process": self.process,
            "risk": self.risk_text,
            "kontrollmoment": self.control_step,
            "kontrollmetod": self.control_method,
            "resultat": self.result,
            "atgard": self.measures_text,
        }[key]

    @property
    def result_label(self) -> str:
        """What stands in bold before the result: the reporting unit (when
        another than the plan's) and the assessment."""
        label = self.assessment_text
        if self.unit_name:
            label = f"{self.unit_name}: {label}" if label else self.unit_name
        return label

    @property
    def assessment_text(self) -> str:
        """The assessment, "Ej rapporterad" when the control point is not
        reported (followup.readmodel), or "" when it is reported with its
        result but without an assessment."""
        return self.assessment or ("" if self.reported else NOT_REPORTED)

    @property
    def tally_label(self) -> str:
        """What the row counts as in the summary: its assessment, "Utan
        bedömning" or "Ej rapporterad"."""
        return self.assessment or (WITHOUT_ASSESSMENT if self.reported else NOT_REPORTED)

    @property
    def measures_text(self) -> str:
        """The measure with who is responsible and by when."""
        lines = [self.measures] if self.measures else []
        if self.measures and self.measures_responsible:
            lines.append(f"Ansvarig: {self.measures_responsible}")
        if self.measures and self.measures_due:
            lines.append(f"Klart senast: {self.measures_due.isoformat()}")
        return "\n".join(lines)

    @property
    def cells(self) -> tuple[str, ...]:
        """The table's cells, in the order of COLUMNS."""
        return (
            self.number,
            self.process,
            self.control_step,
            self.control_method,
            self.result,
            self.measures_text,
        )


@dataclass
class FollowedMeasure:
    """A measure from an earlier follow-up and what came of it."""

    number: str
    title: str
    unit_name: str
    from_occasion: str
    measures: str
    responsible: str
    due: datetime.date | None
    result: str
    status: str  # "Genomförd", "Pågående", "Inte uppföljd"

    @property
    def cells(self) -> tuple[str, ...]:
        who = "\n".join(
            t
            for t in (self.responsible, f"Klart senast {self.due.isoformat()}" if self.due else "")
            if t
        )
        return (
            self.number,
            f"{self.title}\n({self.unit_name})" if self.unit_name else self.title,
            f"{self.measures}\n(från {self.from_occasion})",
            who,
            self.result,
            self.status,
        )


@dataclass
class AssessmentCount:
    label: str
    count: int
    symbol: str = ""
    colour: str = ""


@dataclass
class PrintedRow:
    """A table row as printed: a control point, or the part of one that
    continues on the next page ("(forts.)")."""

    row: ControlRow
    cells: list[str]  # the texts in the order of the printed columns
    continued: bool = False  # the continuation of the row above

    @property
    def label(self) -> str:
        return "" if self.continued else self.row.result_label


@dataclass
class CategoryGroup:
    """The control points of one process category within an area ("" for
    those without), printed under a sub-heading row."""

    name: str
    rows: list[ControlRow] = field(default_factory=list)
    printed: list[PrintedRow] = field(default_factory=list)


@dataclass
class AreaSection:
    name: str
    rows: list[ControlRow] = field(default_factory=list)
    counts: list[AssessmentCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def groups(self) -> list[CategoryGroup]:
        """The rows per process category, the categories in the order of
        their first row (the plan's order); one group named "" when no row
        has a category."""
        groups: dict[str, CategoryGroup] = {}
        for row in self.rows:
            groups.setdefault(row.category, CategoryGroup(row.category)).rows.append(row)
        return list(groups.values())

    @property
    def has_categories(self) -> bool:
        return any(row.category for row in self.rows)

    @property
    def counts_line(self) -> str:
        """E.g. "Genomförd utan anmärkning 3; Ej rapporterad 1"."""
        return "; ".join(f"{c.label} {c.count}" for c in self.counts if c.count)


# The tables are on landscape A4: about 200 characters of 8.5 pt text across
# the page, and room for about 45 lines below the headings. A row longer
# than ROW_LINES (about a third of a page) is printed in parts, the later ones
# marked "(forts.)", so that no row leaves more than a third of a page blank.
LINE_CHARS = 200
ROW_LINES = 16
CONTINUED = "(forts.)"


def _wrapped(text: str, width: int) -> list[tuple[str, bool]]:
    """The text's estimated printed lines as (line, ends a paragraph)."""
    import textwrap

    lines = []
    for paragraph in (text or "").split("\n"):
        wrapped = textwrap.wrap(paragraph, width, break_long_words=True) or [""]
        lines += [(line, i == len(wrapped) - 1) for i, line in enumerate(wrapped)]
    return lines


def _joined(lines: list[tuple[str, bool]]) -> str:
    text = ""
    for line, ends in lines:
        text += line + ("\n" if ends else " ")
    return text.rstrip()


def printed_rows(rows: list[ControlRow], keys: list[str], widths: list[float]) -> list[PrintedRow]:
    """The rows as printed in the columns `keys` of relative `widths`: a row
    whose text would be taller than ROW_LINES lines is cut (at a line) into
    parts; the later parts have "(forts.)" after the Nr and the rest of each
    cell's text."""
    chars = [max(6, int(w * LINE_CHARS) - 3) for w in widths]
    result = []
    for row in rows:
        texts = [row.cell(key) for key in keys]
        lines = [_wrapped(text, width) for text, width in zip(texts, chars, strict=True)]
        if row.result_label and "resultat" in keys:
            lines[keys.index("resultat")][:0] = [("", True)]  # the bold label above the result
        tallest = max(len(cell) for cell in lines)
        if tallest <= ROW_LINES:
            result.append(PrintedRow(row, texts))
            continue
        for part, start in enumerate(range(0, tallest, ROW_LINES)):
            cells = [_joined(cell[start : start + ROW_LINES]) for cell in lines]
            if part and "nr" in keys:
                cells[keys.index("nr")] = f"{row.number} {CONTINUED}".strip()
            elif "resultat" in keys and row.result_label:
                index = keys.index("resultat")
                cells[index] = _joined(lines[index][1:ROW_LINES])
            result.append(PrintedRow(row, cells, continued=bool(part)))
    return result


@dataclass
class InternalControlReport:
    title: str
    unit_name: str
    plan_name: str
    year: int
    occasion_name: str
    period_end: datetime.date
    introduction_blocks: list[TextBlock]  # paragraphs and lists (models.text_blocks)
    summary_blocks: list[TextBlock]
    areas: list[AreaSection]
    labels: list[str]  # the assessment labels, then NOT_REPORTED
    totals: list[AssessmentCount]
    grouping: str = "Område"  # what the sections are: "Område" or "Enhet"
    points: int = 0  # control points (a shared one has a row per reporting unit)
    followed_measures: list[FollowedMeasure] = field(default_factory=list)
    style: object = None  # layout.Style: the organisation's look
    contents: object = None  # layout.Contents: the sections chosen, in order
    subtitle: str = ""  # the organisation's subtitle, filled in (layout.Contents.subtitle_for)

    @property
    def introduction(self) -> list[str]:
        """The introduction as plain texts, a list as its lines with bullets."""
        return [str(block) for block in self.introduction_blocks]

    @property
    def summary(self) -> list[str]:
        return [str(block) for block in self.summary_blocks]

    @property
    def layout_contents(self):
        from .layout import Contents

        return self.contents or Contents.of("internkontrollrapport")

    @property
    def column_keys(self) -> list[str]:
        """The columns printed in the tables of control points: the risk
        value only with the option "riskvarde"."""
        contents = self.layout_contents
        return [c.key for c in contents.columns if c.key != "risk" or contents.has("riskvarde")]

    @property
    def columns(self) -> list:
        """The printed columns (layout.Column) with the organisation's headings."""
        contents = self.layout_contents
        return [contents.column(key) for key in self.column_keys]

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    @property
    def widths(self) -> list[float]:
        """The printed columns' widths as fractions of the table."""
        return self.layout_contents.widths(self.column_keys)

    @property
    def percent_widths(self) -> list[str]:
        """The widths for CSS, e.g. "27.78%"."""
        return [f"{w * 100:.2f}%" for w in self.widths]

    @property
    def explanations(self) -> list[str]:
        """The explanatory row under the headings; [] when no column has one."""
        texts = [c.explanation for c in self.columns]
        return texts if any(texts) else []

    @property
    def tables(self) -> list[tuple[AreaSection, list[CategoryGroup]]]:
        """Each area with its rows per process category, split for print
        (`printed_rows`)."""
        keys, widths = self.column_keys, self.widths
        return [
            (
                area,
                [
                    CategoryGroup(g.name, g.rows, printed_rows(g.rows, keys, widths))
                    for g in area.groups
                ],
            )
            for area in self.areas
        ]

    @property
    def caption_tail(self) -> str:
        """What a table of control points is, after its area's name in its
        caption (caption_of)."""
        return f"kontrollpunkter per {self.period_text}"

    def caption_of(self, area: AreaSection) -> str:
        """The caption of the area's table, e.g. "Ekonomi: kontrollpunkter
        per 31 augusti 2025"; on a page where the table goes on, the PDF
        repeats it marked "(forts.)" above the repeated header row."""
        return f"{area.name}: {self.caption_tail}"

    @property
    def result_column(self) -> int:
        return self.column_keys.index("resultat")

    @property
    def summary_caption(self) -> str:
        return f"Bedömning av kontrollpunkterna per {self.grouping.lower()}"

    @property
    def summary_headers(self) -> list[str]:
        return [self.grouping, "Kontrollpunkter", *self.labels]

    @property
    def summary_rows(self) -> list[list]:
        """The summary of the assessments: one row per area (or unit), then
        Totalt; none without control points."""
        if not self.areas:
            return []
        rows = [[a.name, a.total, *(c.count for c in a.counts)] for a in self.areas]
        rows.append(["Totalt", self.count, *(c.count for c in self.totals)])
        return rows

    @property
    def outline(self) -> list[tuple[str, str]]:
        """The sections in the organisation's order, as (key, heading); those
        without content (no control points, no earlier measures) left out."""
        from .layout import Contents

        contents = self.contents or Contents.of("internkontrollrapport")
        result = []
        for section in contents.sections:
            heading = section.heading
            if section.key == "resultat":
                if not self.areas:
                    continue
                if heading == "Resultat per område":  # the house heading follows the grouping
                    heading = f"Resultat per {self.grouping.lower()}"
            if section.key == "tidigare_atgarder" and not self.followed_measures:
                continue
            result.append((section.key, heading))
        return result

    @property
    def count(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def period_text(self) -> str:
        return swedish_date(self.period_end)

    @property
    def subject(self) -> str:
        """The document's subject among the file's properties (Word, Excel)."""
        return f"{self.plan_name} {self.year}, uppföljning per {self.period_text}"


def default_introduction(unit_name: str, plan_name: str, year: int, period: str) -> list[str]:
    return [
        "Enligt kommunallagen (2017:725) 6 kap. 6 § ska nämnden se till att den interna "
        "kontrollen är tillräcklig och att verksamheten bedrivs enligt de mål och riktlinjer "
        "som fullmäktige har beslutat och de lagar och föreskrifter som gäller. Den interna "
        "kontrollen är nämndens sätt att förvissa sig om att verksamheten sköts ändamålsenligt "
        "och kostnadseffektivt, att redovisning och information är tillförlitliga och att "
        "brister upptäcks och rättas i tid.",
        "Nämnden beslutar varje år om en internkontrollplan med de kontrollpunkter som ska "
        "granskas. Kontrollpunkterna väljs utifrån en bedömning av risk, det vill säga hur "
        "sannolikt det är att något går fel och hur allvarliga följderna skulle bli.",
        f"Den här rapporten redovisar uppföljningen av {plan_name.lower()} {year} för "
        f"{unit_name} per {period}. För varje kontrollpunkt framgår vad som har kontrollerats "
        f"och hur, vad kontrollen visade och vilka åtgärder som har vidtagits eller planeras "
        f"när brister har upptäckts.",
    ]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def _counts_text(counts: list[AssessmentCount]) -> str:
    return _join([f"{c.count} {c.label.lower()}" for c in counts if c.count])


def default_summary(report: InternalControlReport) -> list[str]:
    n = report.count
    areas = len(report.areas)
    if not n:
        return [
            f"{report.plan_name} {report.year} för {report.unit_name} har inga kontrollpunkter."
        ]
    reported = sum(c.count for c in report.totals if c.label != NOT_REPORTED)
    points = report.points or n
    first = f"Internkontrollplanen innehåller {points} "
    first += "kontrollpunkt" if points == 1 else "kontrollpunkter"
    if report.grouping == "Enhet":
        first += f" som rapporteras av {areas} {'enhet' if areas == 1 else 'enheter'}."
    else:
        first += f" inom {areas} {'område' if areas == 1 else 'områden'}."
    if points == n:
        first += f" Per {report.period_text} har {reported} av dem rapporterats"
    else:
        first += f" Per {report.period_text} har {reported} av {n} rapporteringar gjorts"
    done = [c for c in report.totals if c.label != NOT_REPORTED]
    first += f": {_counts_text(done)}." if reported else "."
    paragraphs = [first]
    missing = n - reported
    if missing:
        paragraphs.append(
            f"{missing} {'kontrollpunkt är' if missing == 1 else 'kontrollpunkter är'} "
            f"ännu inte {'rapporterad' if missing == 1 else 'rapporterade'}."
        )
    for area in report.areas:
        paragraphs.append(f"{area.name}: {_counts_text(area.counts)}.")
    return paragraphs


def _responsible(item: Item) -> str:
    if item.responsible_text:
        return item.responsible_text
    if item.responsible_id:
        return item.responsible.get_full_name() or item.responsible.get_username()
    return ""


def _followed_measures(plan: Plan, occasion: FollowUpOccasion, unit_ids) -> list[FollowedMeasure]:
    """Measures from earlier follow-ups that were open at this occasion, with
    what was reported on them at it (two queries)."""

    earlier = list(
        earlier_reports(
            unit_ids=unit_ids,
            plan_type_name=plan.plan_type.name,
            organisation_id=plan.plan_type.model.organisation_id,
            before=occasion.period_end,
        )
        .select_related("item", "occasion", "unit")
        .order_by("occasion__period_end", "item__number", "item__pk")
    )
    if not earlier:
        return []
    now = {
        f.report_id: f
        for f in MeasureFollowUp.objects.filter(report__in=earlier, occasion=occasion)
    }
    result = []
    for report in sorted(earlier, key=lambda r: (plan_key(r.item), r.occasion.period_end)):
        followup = now.get(report.pk)
        if followup is None:
            status = "Inte uppföljd"
        else:
            status = "Genomförd" if followup.done else "Pågående"
        result.append(
            FollowedMeasure(
                number=report.item.number,
                title=report.item.title,
                unit_name=report.unit.name if report.unit_id != plan.unit_id else "",
                from_occasion=report.occasion.title,
                measures=report.measures,
                responsible=report.measures_responsible,
                due=report.measures_due,
                result=followup.result if followup else "",
                status=status,
            )
        )
    return result


def build(
    plan: Plan | int,
    occasion: FollowUpOccasion | int,
    *,
    stored_texts: bool = True,
    group_by: str = "omrade",
    layout=None,
) -> InternalControlReport:
    """The report for the plan's unit at the occasion, in sections per area
    (`group_by="omrade"`) or per reporting unit ("enhet"). Queries: the plan,
    the occasion, the items, their shares, the reports, the scale values, the
    earlier measures and their follow-ups, and the texts written for the
    report (nine, however many control points), and the organisation's
    document settings unless `layout` (layout.Layout) is given."""
    plan = Plan.objects.select_related("unit", "plan_type__model").get(
        pk=plan.pk if isinstance(plan, Plan) else int(plan)
    )
    occasion = FollowUpOccasion.objects.get(
        pk=occasion.pk if isinstance(occasion, FollowUpOccasion) else int(occasion)
    )
    plan_type = plan.plan_type
    if occasion.model_id != plan_type.model_id:
        raise DocumentError(
            f"Uppföljningen {occasion} hör till en annan styrmodell än planen {plan}."
        )
    items = [i for i in items_to_report(plan_type, plan.unit) if i.kind == ItemKind.CONTROL_POINT]
    # Control points the plan's unit shares down are reported by the units
    # they are shared to: one row per reporting unit.
    receivers: dict[int, list[tuple[int, str]]] = {}
    for item_id, unit_id, unit_name in (
        ItemShare.objects.filter(
            item__in=[i.pk for i in items if i.plan.unit_id == plan.unit_id],
            ended_at__isnull=True,
        )
        .order_by("unit__name")
        .values_list("item_id", "unit_id", "unit__name")
    ):
        receivers.setdefault(item_id, []).append((unit_id, unit_name))
    unit_ids = {plan.unit_id} | {u for pairs in receivers.values() for u, _n in pairs}
    # What each unit reported, and whether it counts as reported: the read model.
    found = readmodel.answers([occasion], unit_ids, items, related=("assessment",))
    reports = {(item_id, unit_id): r for (_o, unit_id, item_id), r in found.reports.items()}
    scale_values = (
        list(ScaleValue.objects.filter(scale_id=plan_type.control_scale_id).order_by("order", "pk"))
        if plan_type.control_scale_id
        else []
    )
    labels = [v.label for v in scale_values]
    by_label = {v.label: v for v in scale_values}
    group_label = GROUPINGS.get(group_by, GROUPINGS["omrade"])
    risk_scale = plan_type.model.risk_scale

    grouped: dict[str, list[tuple[Item, ControlRow]]] = {}
    for item in items:
        reporters = receivers.get(item.pk) or [(plan.unit_id, "")]
        if receivers.get(item.pk) and (item.pk, plan.unit_id) in reports:
            reporters = [(plan.unit_id, ""), *reporters]  # the owner reported too
        for unit_id, unit_name in reporters:
            report = reports.get((item.pk, unit_id))
            value = report.assessment if report and report.assessment_id else None
            if value is not None and value.label not in by_label:
                by_label[value.label] = value
                labels.append(value.label)
            row = ControlRow(
                number=item.number,
                process=item.process or item.title,
                control_step=item.control_step,
                control_method=item.control_method,
                result=report.comment if report else "",
                measures=report.measures if report else "",
                title=item.title,
                responsible=_responsible(item),
                frequency=item.frequency,
                assessment=value.label if value else "",
                assessment_symbol=value.symbol if value else "",
                assessment_colour=value.colour if value else "",
                reported=found.state(occasion.pk, unit_id, item, plan_type) == readmodel.REPORTED,
                unit_name=unit_name,
                measures_responsible=report.measures_responsible if report else "",
                measures_due=report.measures_due if report else None,
                risk=item.risk,
                risk_value=item.risk_value,
                risk_level=band[1] if (band := risk_scale.band(item.risk_value)) else "",
                category=item.process_category.strip(),
                key=(unit_id, item.pk),
            )
            if group_label == "Enhet":
                key = unit_name or plan.unit.name
            else:
                key = item.area.strip() or OTHER_AREA
            grouped.setdefault(key, []).append((item, row))
    tallied = {row.tally_label for pairs in grouped.values() for _i, row in pairs}
    if WITHOUT_ASSESSMENT in tallied:
        labels.append(WITHOUT_ASSESSMENT)
    labels.append(NOT_REPORTED)

    def counted(rows: list[ControlRow]) -> list[AssessmentCount]:
        tally = Counter(r.tally_label for r in rows)
        return [
            AssessmentCount(
                label=label,
                count=tally[label],
                symbol=by_label[label].symbol if label in by_label else "",
                colour=by_label[label].colour if label in by_label else "",
            )
            for label in labels
        ]

    sections = []
    first: dict[str, tuple] = {}  # each area's place: that of its first control point
    for name, pairs in grouped.items():
        pairs.sort(key=lambda p: plan_key(p[0]))
        rows = [row for _item, row in pairs]
        first[name] = plan_key(pairs[0][0])
        sections.append(AreaSection(name=name, rows=rows, counts=counted(rows)))
    if group_label == "Enhet":
        # The plan's own unit first, then the reporting units by name.
        sections.sort(key=lambda s: (s.name != plan.unit.name, s.name.casefold()))
    else:
        # Areas in the plan's order of their first control point, "Övrigt" last.
        sections.sort(key=lambda s: (s.name == OTHER_AREA, first[s.name]))
    all_rows = [r for s in sections for r in s.rows]
    if layout is None:
        from .layout import layout_for

        layout = layout_for(plan.unit, "internkontrollrapport")
    contents = layout.contents
    report = InternalControlReport(
        title=contents.title_for(unit=plan.unit, occasion=occasion, year=plan.year)
        or f"Internkontrollrapport {plan.year} – {plan.unit.name}",
        subtitle=contents.subtitle_for(unit=plan.unit, occasion=occasion, year=plan.year),
        unit_name=plan.unit.name,
        plan_name=plan_type.name,
        year=plan.year,
        occasion_name=occasion.title,
        period_end=occasion.period_end,
        introduction_blocks=plain_blocks(
            default_introduction(
                plan.unit.name, plan_type.name, plan.year, swedish_date(occasion.period_end)
            )
        ),
        summary_blocks=[],
        areas=sections,
        labels=labels,
        totals=counted(all_rows),
        grouping=group_label,
        points=len(items),
        followed_measures=_followed_measures(plan, occasion, unit_ids),
    )
    report.style, report.contents = layout.style, contents
    report.summary_blocks = plain_blocks(default_summary(report))
    stored = report_text(plan, occasion) if stored_texts else None
    if stored is not None:
        report.introduction_blocks = text_blocks(stored.introduction) or report.introduction_blocks
        report.summary_blocks = text_blocks(stored.summary) or report.summary_blocks
    return report


TEXTS_SHEET = "Texter"
# The columns of the sheet Kontrollpunkter that are columns of the printed
# tables (layout.IK_COLUMNS): their headings and widths follow the settings.
XLSX_KEYS = {
    "Nr": "nr",
    "Process/rutin/system": "process",
    "Kontrollmoment": "kontrollmoment",
    "Kontrollmetod": "kontrollmetod",
    "Resultat av kontroll": "resultat",
    "Åtgärd": "atgard",
}
XLSX_FIXED_WIDTHS = {
    "Risk": 36,
    "Riskvärde": 10,
    "Risknivå": 10,
    "Rapporterande enhet": 24,
    "Bedömning": 22,
    "Ansvarig för åtgärd": 22,
    "Åtgärd klar senast": 14,
}
# The characters across the printed columns in Excel, shared by their weights.
XLSX_TABLE_CHARS = 220


def _xlsx_columns(report: InternalControlReport) -> list[str]:
    """The columns of the sheet Kontrollpunkter after the grouping: the
    process category when the plan has them, the risk level with the option
    "riskvarde"."""
    columns = list(XLSX_COLUMNS)
    if report.layout_contents.has("riskvarde"):
        columns.insert(columns.index("Riskvärde") + 1, "Risknivå")
    if any(area.has_categories for area in report.areas):
        columns.insert(0, "Processkategori")
    return columns


def _text_rows(report: InternalControlReport) -> list[list[str]]:
    """The sheet Texter: the introduction and the summary under their
    headings, one row per paragraph and per list item (with its bullet)."""
    texts = {"inledning": report.introduction_blocks, "sammanfattning": report.summary_blocks}
    return [
        [heading, line]
        for key, heading in report.outline
        if key in texts
        for block in texts[key]
        for line in block.lines
    ]


def xlsx_sheets(report: InternalControlReport) -> list[tuple[str, list[str], list[list]]]:
    """The report's texts and tables as (sheet, headers, rows) for
    styrhjul.core.spreadsheet.workbook_bytes: "Texter" (inledning and
    sammanfattning, when the report has them), "Kontrollpunkter" (one row
    per control point and reporting unit, in the order of the report, the
    measure's responsible and date in columns of their own),
    "Sammanställning" (the assessments per area or unit) and, when the report
    has them, "Tidigare åtgärder" (the follow-up of earlier measures)."""
    columns = _xlsx_columns(report)
    contents = report.layout_contents
    values = {
        "Processkategori": lambda row: row.category,
        "Nr": lambda row: row.number,
        "Process/rutin/system": lambda row: row.process,
        "Risk": lambda row: row.risk,
        "Riskvärde": lambda row: row.risk_value,
        "Risknivå": lambda row: row.risk_level,
        "Kontrollmoment": lambda row: row.control_step,
        "Kontrollmetod": lambda row: row.control_method,
        "Rapporterande enhet": lambda row: row.unit_name or report.unit_name,
        "Bedömning": lambda row: row.assessment_text,
        "Resultat av kontroll": lambda row: row.result,
        "Åtgärd": lambda row: row.measures,
        "Ansvarig för åtgärd": lambda row: row.measures_responsible,
        "Åtgärd klar senast": lambda row: row.measures_due,
    }
    points = [
        [area.name, *(values[c](row) for c in columns)]
        for area in report.areas
        for group in area.groups
        for row in group.rows
    ]
    headers = [contents.column(XLSX_KEYS[c]).heading if c in XLSX_KEYS else c for c in columns]
    sheets = []
    texts = _text_rows(report)
    if texts:
        sheets.append((TEXTS_SHEET, ["Avsnitt", "Text"], texts))
    sheets += [
        ("Kontrollpunkter", [report.grouping, *headers], points),
        ("Sammanställning", report.summary_headers, report.summary_rows),
    ]
    if report.followed_measures:
        followed = [
            [
                m.number,
                m.title,
                m.unit_name or report.unit_name,
                m.from_occasion,
                m.measures,
                m.responsible,
                m.due,
                m.result,
                m.status,
            ]
            for m in report.followed_measures
        ]
        sheets.append(("Tidigare åtgärder", list(XLSX_FOLLOWUP_COLUMNS), followed))
    return sheets


def xlsx_widths(report: InternalControlReport) -> dict[str, list[int]]:
    """The column widths of `xlsx_sheets`, by sheet: the columns of the
    printed tables share their width by the settings' weights."""
    keys = list(XLSX_KEYS.values())
    share = dict(zip(keys, report.layout_contents.widths(keys), strict=True))
    points = [
        max(6, round(share[XLSX_KEYS[c]] * XLSX_TABLE_CHARS))
        if c in XLSX_KEYS
        else XLSX_FIXED_WIDTHS.get(c, 20)
        for c in _xlsx_columns(report)
    ]
    return {
        TEXTS_SHEET: [18, 100],
        "Kontrollpunkter": [22, *points],
        "Sammanställning": [30, 16, *(max(14, len(label) + 2) for label in report.labels)],
        "Tidigare åtgärder": [7, 36, 24, 22, 48, 22, 14, 60, 14],
    }


def xlsx(report: InternalControlReport) -> bytes:
    """The report's tables (`xlsx_sheets`) as an Excel workbook."""

    return document_workbook(
        report, xlsx_sheets(report), widths=xlsx_widths(report), muted=(NOT_REPORTED,)
    )


def render(report: InternalControlReport, fmt: str) -> bytes:
    """The report as "pdf", "docx", "xlsx" or "html"."""
    if fmt == "pdf":
        from .pdf import internal_control_pdf

        return internal_control_pdf(report)
    if fmt == "docx":
        from .docx import internal_control_docx

        return internal_control_docx(report, style=report.style)
    if fmt == "xlsx":
        return xlsx(report)
    if fmt == "html":
        from .pdf import internal_control_html

        return internal_control_html(report).encode()
    raise ValueError(fmt)


def filename(report: InternalControlReport, fmt: str) -> str:
    from django.utils.text import slugify

    return f"internkontrollrapport-{report.year}-{slugify(report.unit_name)}.{fmt}"
