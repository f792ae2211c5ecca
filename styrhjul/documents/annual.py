"""Delårsrapport and årsredovisning / verksamhetsberättelse: a unit's goals
per perspective with their assessment and analysis as reported at the
occasion, the indicators that follow each goal up (table and trend chart),
the activities and special assignments with status and comment, a summary of
goal fulfilment, the internal-control summary and the free-text sections
(förord, sammanfattning, viktiga händelser) written for the document.

For the organisation's root unit the document is compiled for the whole
municipality: a chapter for the root (the council's goals) and one for each
unit directly below it that has goals (the committees), as a council reads
it. `build()` returns plain dataclasses; the HTML, PDF, DOCX and XLSX
renderers only lay them out."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from styrhjul.followup import readmodel
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.followup.services import items_to_report_many, scale_for
from styrhjul.followup.underlag import underlag_of_items
from styrhjul.indicators.series import IndicatorData, indicator_data
from styrhjul.model.models import (
    GoalLevel,
    ItemKind,
    PlanType,
    ScaleValue,
    load_assessment_rules,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item, ItemLink, Plan
from styrhjul.planning.numbering import plan_key

from .internal_control import DocumentError, swedish_date
from .layout import SECTIONS, TEXT_SECTION_KEYS, Contents, Layout, layout_for
from .ordering import plans_first
from .own_sections import OwnText, with_own_texts

OTHER = "Övrigt"
NOT_REPORTED = "Ej rapporterad"
DELARSRAPPORT = "delarsrapport"
ARSREDOVISNING = "arsredovisning"
KINDS = {DELARSRAPPORT: "Delårsrapport", ARSREDOVISNING: "Årsredovisning"}
# The free-text sections written for the document (their house headings).
TEXT_SECTIONS = {s.key: s.heading for s in SECTIONS if s.key in TEXT_SECTION_KEYS}
# The choice (Dokumentinställningar) to show the units' assessments and
# analyses of the goals (layout.DOCUMENTS).
UNDERLAG_OPTION = "underlag_fran_enheter"


@dataclass
class Status:
    label: str = ""
    symbol: str = ""
    colour: str = ""
    reported: bool = False  # by the rule of followup.readmodel

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.label}".strip() if self.label else self.label_text

    @property
    def label_text(self) -> str:
        """The label; without one "Ej rapporterad", or "" when the item is
        reported without it (e.g. an activity of a plan type without status)."""
        return self.label or ("" if self.reported else NOT_REPORTED)


@dataclass
class ActivityRow:
    number: str
    title: str
    end_date: datetime.date | None
    status: Status
    comment: str
    unit_name: str = ""  # when another unit than the chapter's
    key: tuple[int, int] | None = None  # (reporting unit, item) ids

    @property
    def end_text(self) -> str:
        return self.end_date.isoformat() if self.end_date else ""


@dataclass
class IndicatorRow:
    data: IndicatorData
    assessment: Status
    comment: str
    year: int = 0
    chart: object = None  # set by the renderers that draw charts
    gender_chart: object = None
    breakdown_charts: list = field(default_factory=list)  # indicators.charts.ShownBreakdown

    @property
    def title(self) -> str:
        return self.data.item.title

    @property
    def cells(self) -> tuple[str, ...]:
        """Nyckeltal, Utgångsvärde, Senaste utfall, Målvärde, Bedömning."""
        d, year = self.data, self.year
        base, latest = d.baseline, d.latest
        target = d.target_for(year)
        return (
            d.item.title,
            f"{d.fmt(base[1])} ({base[0]})" if base else "–",
            f"{d.fmt(latest.value)} ({latest.year})" if latest else "–",
            f"{d.fmt(target)} ({year})" if target is not None else "–",
            self.assessment.text if self.assessment.label else "–",
        )


@dataclass
class UnitAnalysis:
    """What a unit below reported on the goal (or on its own goal that
    contributes to it), attributed."""

    unit_name: str
    item_heading: str  # the unit's own goal contributing to the goal; "" for the goal itself
    assessment: Status
    text: str


@dataclass
class GoalUnderlag:
    """The units' assessments of a goal counted per value of the scale, and
    their analyses in the organisation's order: the underlag of
    followup.underlag."""

    counts: list[FulfilmentCount]
    analyses: list[UnitAnalysis]
    units: int  # units below that report on the goal
    units_reported: int


@dataclass
class GoalBlock:
    item: Item
    level: str
    assessment: Status
    analysis: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    assesses: bool = True
    unit_id: int | None = None  # the chapter's unit, that reports the goal
    underlag: GoalUnderlag | None = None  # the units' reports, when the settings show them

    @property
    def heading(self) -> str:
        return f"{self.item.number} {self.item.title}".strip()


@dataclass
class PerspectiveSection:
    name: str
    goals: list[GoalBlock] = field(default_factory=list)


@dataclass
class FulfilmentCount:
    label: str
    symbol: str
    count: int
    counts_as_done: bool


@dataclass
class Chapter:
    unit_name: str
    perspectives: list[PerspectiveSection]
    assignments: list[ActivityRow]
    fulfilment: list[FulfilmentCount]
    heading: str = ""  # the unit's name in a compiled document, else "Mål och resultat"

    @property
    def goals(self) -> list[GoalBlock]:
        return [g for p in self.perspectives for g in p.goals]

    @property
    def assessed(self) -> int:
        return sum(c.count for c in self.fulfilment if c.label != NOT_REPORTED)

    @property
    def expected_met(self) -> int:
        return sum(c.count for c in self.fulfilment if c.counts_as_done)


@dataclass
class AnnualReport:
    kind: str  # DELARSRAPPORT or ARSREDOVISNING
    title: str
    unit_name: str
    year: int
    occasion_name: str
    period_end: datetime.date
    read_at: datetime.datetime
    texts: dict[str, list[str]]  # section key → paragraphs (only the written ones)
    chapters: list[Chapter]
    internal_control: list = field(default_factory=list)  # InternalControlReport per plan
    compiled: bool = False
    layout: Layout = field(default_factory=Layout)
    economy: object = None  # monthly.EconomyPart, when the economy chapter is included
    # The year's own sections with what the units wrote: key → [OwnText], the
    # document's unit first, then the units below in the organisation's order.
    own_sections: dict[str, list[OwnText]] = field(default_factory=dict)

    @property
    def contents(self) -> Contents:
        return self.layout.contents

    @property
    def style(self):
        return self.layout.style

    @property
    def outline(self) -> list[tuple[str, str, list[str]]]:
        """The document's top-level sections in order, as (key, heading,
        paragraphs of a written text section, or the OwnText of an own
        section): the organisation's choice, leaving out text sections and
        own sections not written and internal control when the occasion has
        none."""
        result = []
        for section in self.contents.sections:
            if section.key in self.own_sections:
                if self.own_sections[section.key]:
                    result.append((section.key, section.heading, self.own_sections[section.key]))
                continue
            if section.key in TEXT_SECTIONS and not self.texts.get(section.key):
                continue
            if section.key in ("intern_kontroll", "bilaga_internkontroll") and not (
                self.internal_control
            ):
                continue
            if section.key == "ekonomi" and self.economy is None:
                continue
            result.append((section.key, section.heading, self.texts.get(section.key, [])))
        return result

    @property
    def own_keys(self) -> set[str]:
        return set(self.own_sections)

    @property
    def own_outline(self) -> list[tuple[str, list[OwnText]]]:
        """The own sections that have text, in order: (heading, texts)."""
        return [(h, p) for k, h, p in self.outline if k in self.own_sections]

    @property
    def has_appendix(self) -> bool:
        return any(key == "bilaga_internkontroll" for key, _h, _p in self.outline)

    def shows(self, part: str) -> bool:
        """Whether a part of the goals (layout.PARTS) is shown."""
        return part in self.contents.parts

    @property
    def period_text(self) -> str:
        return swedish_date(self.period_end)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def subject(self) -> str:
        """The document's subject among the file's properties (Word, Excel)."""
        return f"{self.kind_label} {self.year}, uppföljning per {self.period_text}"

    @property
    def cover_title(self) -> str:
        """The title page's heading, the unit's name going below it:
        "Årsredovisning 2025", "Delårsrapport per 31 augusti 2025"."""
        if self.kind == ARSREDOVISNING:
            return f"{self.kind_label} {self.year}"
        return f"Delårsrapport per {self.period_text}"

    @property
    def sections(self) -> list[tuple[str, str, list[str]]]:
        """The free-text sections that have text, in the document's order:
        (key, heading, paragraphs)."""
        return [(k, h, p) for k, h, p in self.outline if k in TEXT_SECTIONS]

    @property
    def goal_count(self) -> int:
        return sum(len(c.goals) for c in self.chapters)

    def fulfilment_sentence(self) -> str:
        goals = self.goal_count
        if not goals:
            return "Dokumentet omfattar inga mål."
        assessed = sum(c.assessed for c in self.chapters)
        met = sum(c.expected_met for c in self.chapters)
        text = f"Av {goals} mål har {assessed} bedömts"
        text += f", och {met} av dem bedöms nås eller ha goda förutsättningar att nås."
        if goals - assessed:
            text += f" {goals - assessed} saknar bedömning per {self.period_text}."
        return text


def _status(value: ScaleValue | None, reported: bool = False) -> Status:
    if value is None:
        return Status(reported=reported)
    return Status(value.label, value.symbol, value.colour, reported)


def _chapter_units(unit: Unit) -> tuple[list[Unit], bool]:
    """The units that get a chapter: the unit; for a root also each unit
    directly below it (the committees)."""
    if unit.parent_id is None:
        children = list(Unit.objects.filter(parent=unit).order_by("unit_type__order", "name", "pk"))
        return [unit, *children], True
    return [unit], False


def build(
    unit: Unit,
    occasion: FollowUpOccasion,
    *,
    kind: str | None = None,
    layout: Layout | None = None,
    reader=None,
) -> AnnualReport:
    """The document for the unit at the occasion, as the organisation's
    document settings lay it out. Queries: the settings, plan types, items
    per chapter unit and plan type, links, reports, scale values,
    activities' units, the plans' units' places, the indicators' facts, the units' underlag
    (followup.underlag, when the settings show it) and the texts.

    The document is made for those who read the unit and every unit below
    it (access.can_read_tree, checked by the pages and the jobs); `reader`,
    when given, narrows the units' underlag to the units that person reads."""
    from django.utils import timezone

    from .models import DocumentText

    if kind is None:
        kind = ARSREDOVISNING if occasion.kind == OccasionKind.ANNUAL else DELARSRAPPORT
    if kind not in KINDS:
        raise DocumentError(f"Okänd dokumenttyp: {kind}.")
    if layout is None:
        layout = layout_for(unit, kind)
    layout, own_sections = with_own_texts(layout, unit, occasion, kind)
    contents = layout.contents
    model = occasion.model
    year = model.year
    plan_types = list(occasion.plan_types.order_by("order", "name"))
    goal_types = [pt for pt in plan_types if pt.holds(ItemKind.GOAL)]
    if not goal_types:
        raise DocumentError(
            f"Uppföljningen {occasion.title} följer inte upp någon plantyp med mål."
        )
    if contents.plan_types:
        goal_types = [pt for pt in goal_types if pt.name in contents.plan_types]
        if not goal_types:
            raise DocumentError(
                f"Dokumentinställningarna tar bara med plantyperna "
                f"{', '.join(sorted(contents.plan_types))}, och ingen av dem har mål som "
                f"{occasion.title} följer upp. Ändra Dokumentinställningar."
            )
    levels = _chosen_levels(model, contents)
    units, compiled = _chapter_units(unit)

    reported = items_to_report_many(goal_types, units)
    items_by_unit: dict[int, list[Item]] = {
        chapter_unit.pk: [
            i
            for pt in goal_types
            for i in reported[chapter_unit.pk, pt.pk]
            if levels is None or i.kind != ItemKind.GOAL or not i.level_id or i.level_id in levels
        ]
        for chapter_unit in units
    }
    # The plan type each chapter's item is reported in (its scales).
    reported_in = {
        (unit_id, item.pk): pt
        for pt in goal_types
        for (unit_id, type_id), found in reported.items()
        if type_id == pt.pk
        for item in found
    }
    all_items = {i.pk: i for items in items_by_unit.values() for i in items}
    goals = [i for i in all_items.values() if i.kind == ItemKind.GOAL]
    # Whether a unit assesses a goal (followup.services.assesses) reads the
    # plan type's assessment rules: once for every plan type instance here.
    load_assessment_rules([*goal_types, *(g.plan.plan_type for g in goals)])

    # Activities and indicators contributing to the goals, from the unit's
    # part of the tree, and indicators from above (one query for the links,
    # one for the items): what those who read that part of the tree read
    # (access.can_read_tree).
    links = list(
        ItemLink.objects.filter(target__in=[g.pk for g in goals]).values_list(
            "target_id", "item_id"
        )
    )
    extra_ids = {i for _g, i in links} - set(all_items)
    if extra_ids:
        for item in (
            Item.objects.active()
            .filter(
                Q(plan__unit__in=Unit.objects.descendants(unit, include_self=True).values("pk"))
                # Indicators of the units above are read by everyone below them.
                | Q(kind=ItemKind.INDICATOR, plan__unit__in=Unit.objects.ancestors(unit)),
                pk__in=extra_ids,
                kind__in=[ItemKind.ACTIVITY, ItemKind.INDICATOR],
            )
            .select_related("plan__unit", "plan__plan_type__model", "level", "perspective")
        ):
            all_items[item.pk] = item
    contributors: dict[int, list[Item]] = defaultdict(list)
    for goal_id, item_id in links:
        item = all_items.get(item_id)
        if item is None:
            continue
        if contents.plan_types and item.plan.plan_type.name not in contents.plan_types:
            continue
        contributors[goal_id].append(item)

    # What was reported: by the item's own unit (or, for shared items, the
    # chapter's unit), and whether it counts as reported: the read model.
    found = readmodel.answers(
        [occasion], None, list(all_items.values()), related=("status", "assessment"), values=False
    )
    reports = Reported(occasion, found, reported_in)
    rollup = (
        _rollup(occasion, units, items_by_unit, reader) if contents.has(UNDERLAG_OPTION) else {}
    )
    scale_ids = {pt.goal_scale_id for pt in goal_types} - {None}
    goal_scale = list(
        ScaleValue.objects.filter(scale_id__in=scale_ids).order_by("scale_id", "order", "pk")
    )

    indicators = [i for i in all_items.values() if i.kind == ItemKind.INDICATOR]
    wanted = contents.includes("nyckeltal") or contents.includes("diagram")
    facts = indicator_data(indicators, last_year=year) if indicators and wanted else {}

    # Each plan's goals together, the plans in the organisation's order (one query).
    in_plans = plans_first(goals + [i for i in all_items.values() if i.kind == ItemKind.ASSIGNMENT])
    chapters = []
    for chapter_unit in units:
        chapter = _chapter(
            chapter_unit,
            items_by_unit[chapter_unit.pk],
            contributors,
            reports,
            facts,
            goal_scale,
            own_activities_only=compiled,
            rollup=rollup,
            in_plans=in_plans,
        )
        # In the compiled document a unit without goals (often the
        # municipality itself, when the council's goals sit with the
        # council) has no chapter.
        if chapter.goals or not compiled:
            chapter.heading = (
                chapter_unit.name if compiled else contents.heading("mal_och_resultat")
            )
            chapters.append(chapter)
    if not chapters:
        chapters.append(chapter_for_nothing(unit, contents))

    texts: dict[str, list[str]] = {}
    from .models import paragraphs

    for text in DocumentText.objects.filter(unit=unit, occasion=occasion, document=kind):
        if text.section in TEXT_SECTIONS and contents.includes(text.section) and text.text.strip():
            texts[text.section] = paragraphs(text.text)

    title = (
        f"{KINDS[kind]} {year} – {unit.name}"
        if kind == ARSREDOVISNING
        else f"Delårsrapport per {swedish_date(occasion.period_end)} – {unit.name}"
    )
    return AnnualReport(
        kind=kind,
        title=title,
        unit_name=unit.name,
        year=year,
        occasion_name=occasion.title,
        period_end=occasion.period_end,
        read_at=timezone.now(),
        texts=texts,
        chapters=chapters,
        internal_control=(
            _internal_control(unit, occasion, plan_types, layout.of("internkontrollrapport"))
            if contents.includes("intern_kontroll") or contents.includes("bilaga_internkontroll")
            else []
        ),
        compiled=compiled,
        layout=layout,
        economy=_economy(unit, occasion) if contents.includes("ekonomi") else None,
        own_sections=own_sections,
    )


def _economy(unit: Unit, occasion: FollowUpOccasion):
    """The economy chapter: the unit's driftredovisning to the occasion's
    period end, per unit directly below it (the committees, in the compiled
    document), with the forecasts, comments and measures reported at the
    occasion, the investeringsredovisning and, for the whole organisation,
    the financial ratios; None when there is no budget or utfall for the
    year."""
    from .monthly import economy_part

    return economy_part(
        unit,
        occasion.period_end,
        occasion,
        investments=True,
        ratios=unit.parent_id is None,
    )


def chapter_for_nothing(unit: Unit, contents: Contents) -> Chapter:
    """The one chapter of a document without goals: it says so."""
    return Chapter(
        unit_name=unit.name,
        perspectives=[],
        assignments=[],
        fulfilment=[],
        heading=contents.heading("mal_och_resultat"),
    )


def _chosen_levels(model, contents: Contents) -> set[int] | None:
    """The ids of the year's goal levels the settings include (None: all)."""
    if not contents.levels:
        return None

    found = dict(GoalLevel.objects.filter(model=model).values_list("name", "pk"))
    chosen = {pk for name, pk in found.items() if name in contents.levels}
    if not chosen:
        raise DocumentError(
            f"Dokumentinställningarna tar bara med målnivåerna "
            f"{', '.join(sorted(contents.levels))}, som inte finns i styrmodellen "
            f"{model.year}. Ändra Dokumentinställningar."
        )
    return chosen


@dataclass
class Reported:
    """The read model's answers at the occasion, by (item, unit)."""

    occasion: FollowUpOccasion
    answers: readmodel.Answers
    reported_in: dict  # (unit, item) → plan type, for the chapters' items

    def get(self, key: tuple[int, int]):
        item_id, unit_id = key
        return self.answers.report(self.occasion.pk, unit_id, item_id)

    def reported(self, item: Item, unit_id: int) -> bool:
        plan_type = self.reported_in.get((unit_id, item.pk), item.plan.plan_type)
        state = self.answers.state(self.occasion.pk, unit_id, item, plan_type)
        return state == readmodel.REPORTED


def _activity_row(item: Item, unit: Unit, reports: Reported) -> ActivityRow:
    owner = item.plan.unit
    by = owner.pk if reports.get((item.pk, owner.pk)) else unit.pk
    report = reports.get((item.pk, by))
    return ActivityRow(
        number=item.number,
        title=item.title,
        end_date=item.end_date,
        status=_status(report.status if report else None, reports.reported(item, by)),
        comment=report.comment if report else "",
        unit_name=owner.name if owner.pk != unit.pk else "",
        key=(by, item.pk),
    )


def _chapter(
    unit,
    items,
    contributors,
    reports,
    facts,
    goal_scale,
    *,
    own_activities_only=False,
    rollup=None,
    in_plans=plan_key,
) -> Chapter:
    """A unit's chapter. In the compiled document (as the council reads it)
    only the unit's own activities are listed, not every activity below.
    `in_plans` orders the goals and special assignments: each plan's
    together, the plans in the organisation's order (ordering.plans_first)."""
    perspectives: dict[str, PerspectiveSection] = {}
    order: dict[str, tuple] = {}
    blocks = []
    for item in sorted(items, key=in_plans):
        if item.kind != ItemKind.GOAL:
            continue
        report = reports.get((item.pk, unit.pk))
        # Assessed here when the read model's rule takes the assessment.
        plan_type = reports.reported_in.get((unit.pk, item.pk), item.plan.plan_type)
        assesses = scale_for(plan_type, item, "assessment", unit.pk) is not None
        block = GoalBlock(
            item=item,
            level=item.level.name if item.level_id else "",
            assessment=_status(
                report.assessment if report else None, reports.reported(item, unit.pk)
            ),
            analysis=report.analysis if report else "",
            assesses=assesses,
            unit_id=unit.pk,
            underlag=(rollup or {}).get((unit.pk, item.pk)),
        )
        for c in sorted(contributors.get(item.pk, []), key=plan_key):
            if c.kind == ItemKind.ACTIVITY:
                if own_activities_only and c.plan.unit_id != unit.pk:
                    continue
                block.activities.append(_activity_row(c, unit, reports))
            elif c.kind == ItemKind.INDICATOR and c.pk in facts:
                r = reports.get((c.pk, c.plan.unit_id)) or reports.get((c.pk, unit.pk))
                block.indicators.append(
                    IndicatorRow(
                        facts[c.pk],
                        _status(r.assessment if r else None),
                        r.comment if r else "",
                        year=facts[c.pk].item.plan.plan_type.model.year,
                    )
                )
        name = item.perspective.name if item.perspective_id else OTHER
        order.setdefault(name, (item.perspective.order if item.perspective_id else 10**6, name))
        perspectives.setdefault(name, PerspectiveSection(name)).goals.append(block)
        blocks.append(block)

    tally = Counter(b.assessment.label or NOT_REPORTED for b in blocks if b.assesses)
    fulfilment = []
    seen = set()
    for value in goal_scale:
        if value.label in seen:
            continue
        seen.add(value.label)
        fulfilment.append(
            FulfilmentCount(value.label, value.symbol, tally[value.label], value.counts_as_done)
        )
    if tally[NOT_REPORTED]:
        fulfilment.append(FulfilmentCount(NOT_REPORTED, "", tally[NOT_REPORTED], False))

    assignments = [
        _activity_row(i, unit, reports)
        for i in sorted(items, key=in_plans)
        if i.kind == ItemKind.ASSIGNMENT
    ]
    return Chapter(
        unit_name=unit.name,
        perspectives=[perspectives[n] for n in sorted(perspectives, key=lambda n: order[n])],
        assignments=assignments,
        fulfilment=fulfilment,
    )


def _rollup(
    occasion: FollowUpOccasion, units: list[Unit], items_by_unit: dict, reader
) -> dict[tuple[int, int], GoalUnderlag]:
    """The underlag of each chapter unit's goals from the units below it
    (followup.underlag: who reports on the goal and what counts), each
    branch as its nearest report, as the reader reads it, by (chapter unit,
    goal); goals without one are left out."""
    goals_of = {
        u: [i for i in items_by_unit[u.pk] if i.kind == ItemKind.GOAL]
        for u in units
        if items_by_unit[u.pk]
    }
    found = underlag_of_items(
        reader if reader is not None else access.SYSTEM,
        occasion,
        goals_of,
        kinds={ItemKind.GOAL},
    )
    result = {}
    for key, page in found.items():
        # Each branch below as its nearest report: a unit's report sums up
        # the units under it (Underlag.nearest).
        rows = page.nearest()
        if not rows:
            continue
        totals = page.nearest_totals()
        table = next((t for t in totals.tables if t.kind == ItemKind.GOAL), None)
        counts = []
        if table is not None:
            for c in table.counts:
                if c.value is None:
                    counts.append(FulfilmentCount(table.without, "", c.count, False))
                else:
                    counts.append(
                        FulfilmentCount(
                            c.value.label, c.value.symbol, c.count, c.value.counts_as_done
                        )
                    )
        analyses = [
            UnitAnalysis(
                unit_name=row.unit.name,
                item_heading="" if row.shared else f"{row.item.number} {row.item.title}".strip(),
                assessment=_status(row.report.assessment, row.reported),
                text=row.text,
            )
            for row in rows
            if row.report is not None and (row.text or row.report.assessment_id)
        ]
        result[key] = GoalUnderlag(
            counts=counts,
            analyses=analyses,
            units=totals.units,
            units_reported=totals.units_reported,
        )
    return result


def _internal_control(
    unit: Unit, occasion: FollowUpOccasion, plan_types: list[PlanType], layout: Layout
):
    """The internkontrollrapport of each of the unit's plans with control
    points that the occasion follows up, in the organisation's `layout` of
    the internkontrollrapport."""
    from . import internal_control

    types = [pt for pt in plan_types if pt.holds(ItemKind.CONTROL_POINT)]
    if not types:
        return []
    plans = Plan.objects.filter(unit=unit, plan_type__in=types).select_related(
        "unit", "plan_type__model"
    )
    return [internal_control.build(plan, occasion, layout=layout) for plan in plans]
