"""Uppföljning per datum: a unit's goals per perspective with the activities
that contribute to them, each with its end date and the status and comment
reported at one follow-up occasion (e.g. "Uppföljning av aktiviteter per
30 april 2025 – Socialförvaltningen").

`build()` reads the database in a fixed number of queries and returns plain
dataclasses; `render()` lays them out as HTML, PDF, DOCX or XLSX, so what the
document contains is decided here, once.

What is in the document:

- **Goals**: the unit's own goals (its plans of the occasion's plan types,
  and goals shared to it), and goals of units above it (or elsewhere) that
  the activities reach first on their way up the red thread, e.g. the
  nämnd's goals that a förvaltning's activities contribute to directly.
  Goals of the unit's sub-units are passed through: an avdelning's activity
  under an avdelning goal that contributes to a förvaltning goal counts for
  the förvaltning goal.
- **Activities** (and special assignments, kind "assignment"): those of the
  unit and of its sub-units in plans of the occasion's plan types, and those
  shared into the subtree, that contribute (through links, transitively) to
  a goal of the document. An activity goes under the nearest goals it
  reaches: the first goals of the document on each path up. One row per
  reporting unit: the owner, or for an activity shared down each unit it is
  shared to (and the owner when it reported too), with the status and
  comment that unit reported at the occasion ("Ej rapporterad" when it is
  not reported by the rule of followup.readmodel). Rows of another unit
  than the document's show that unit's name.
- **Aktiviteter utan mål**: the unit's own activities (owned by it or shared
  to it) that reach no goal of the document. A sub-unit's activities that
  reach none of the unit's goals belong to the sub-unit's document and are
  left out. Special assignments without a goal make a last group "Särskilda
  uppdrag".

In the plan's own order (planning.numbering.plan_key: Item.order, which the
plan's Excel import sets from its rows and the plan page changes), never by
title; goals of several plans on one level plan by plan, the plans in the
organisation's order, the unit's own goals first (ordering.own_first); the
activities under a goal in the same order. An item's Nr is printed only
when it has one. Perspectives in the styrmodell's order. What the organisation
chose on Dokumentinställningar
(layout.Contents): the title and subtitle, the columns' headings, widths and
explanatory row, every perspective of the model ("tomma_perspektiv", the
empty ones with a line saying nothing is planned there) and the goals'
descriptions under their names ("malbeskrivning").
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Q
from django.utils.text import slugify

from styrhjul.followup import readmodel
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.model.models import ItemKind, PlanType
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item, ItemLink, ItemShare

from .internal_control import DocumentError, swedish_date
from .layout import layout_for
from .ordering import own_first
from .own_sections import with_own_texts
from .registry import CONTENT_TYPES  # noqa: F401 - the formats this document has

logger = logging.getLogger(__name__)

__all__ = [
    "COLUMNS",
    "CONTENT_TYPES",
    "EMPTY_PERSPECTIVE",
    "ActivityRow",
    "DocumentError",
    "FollowupByDate",
    "GoalGroup",
    "Section",
    "build",
    "filename",
    "html",
    "pdf",
    "render",
]

NOT_REPORTED = "Ej rapporterad"
OTHER_PERSPECTIVE = "Övrigt"
WITHOUT_GOAL = "Aktiviteter utan mål"
ASSIGNMENTS = "Särskilda uppdrag"
CONTINUED = "(forts.)"
ACTIVITY_KINDS = (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT)
KIND_NAMES = {ItemKind.ACTIVITY: "Aktivitet", ItemKind.ASSIGNMENT: "Särskilt uppdrag"}

GOAL_COLUMN = "Nämndmål"
COLUMNS = (GOAL_COLUMN, "Aktivitet", "Slutdatum", "Status", "Kommentar")
# The columns' keys in layout.DOCUMENTS["uppfoljning"], in the order of COLUMNS.
COLUMN_KEYS = ("mal", "aktivitet", "slutdatum", "status", "kommentar")
EMPTY_PERSPECTIVE = "Inga mål eller aktiviteter är planerade inom perspektivet."
DESCRIPTION_COLUMN = "Målets beskrivning"
TEMPLATE = "documents/followup_by_date.html"


def _numbered(number: str, title: str) -> str:
    return f"{number} {title}" if number else title


@dataclass
class ActivityRow:
    """One activity (or special assignment) as one unit reported it."""

    number: str
    title: str
    end_date: datetime.date | None
    status: str  # the label as reported, NOT_REPORTED, or "" (reported without status)
    comment: str
    unit_name: str  # the reporting unit
    other_unit: bool = False  # reported by another unit than the document's
    kind: str = ItemKind.ACTIVITY
    status_symbol: str = ""
    status_colour: str = ""
    reported: bool = False
    key: tuple[int, int] | None = None  # (reporting unit, item) ids

    @property
    def text(self) -> str:
        """The Aktivitet cell: "Nr Rubrik"."""
        return _numbered(self.number, self.title)

    @property
    def end_date_text(self) -> str:
        return self.end_date.isoformat() if self.end_date else ""

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, "Aktivitet")

    @property
    def is_assignment(self) -> bool:
        return self.kind == ItemKind.ASSIGNMENT

    @property
    def cells(self) -> tuple[str, str, str, str]:
        """Aktivitet, Slutdatum, Status, Kommentar as text."""
        return (self.text, self.end_date_text, self.status, self.comment)


@dataclass
class GoalGroup:
    """A goal and the rows of the activities under it (none: one empty row)."""

    number: str
    title: str
    rows: list[ActivityRow] = field(default_factory=list)
    unit_name: str = ""  # the goal's unit, when another than the document's
    description: str = ""  # shown under the name when the organisation chose it

    @property
    def text(self) -> str:
        """The Nämndmål cell: "Nr Rubrik" ("" in the groups without goal)."""
        return _numbered(self.number, self.title)

    @property
    def span(self) -> int:
        """Table rows the goal cell spans."""
        return max(1, len(self.rows))


@dataclass
class Section:
    """A perspective (or "Övrigt", "Aktiviteter utan mål", "Särskilda
    uppdrag") with its goals in plan order."""

    name: str
    goals: list[GoalGroup] = field(default_factory=list)
    has_goals: bool = True  # False: one table without the Nämndmål column

    @property
    def empty(self) -> bool:
        """A perspective of the model without goals (shown when chosen)."""
        return self.has_goals and not self.goals

    @property
    def rows(self) -> list[tuple[GoalGroup, ActivityRow | None]]:
        """The table's rows in order: (goal, activity row or None)."""
        return [(g, r) for g in self.goals for r in (g.rows or [None])]


@dataclass
class StatusCount:
    label: str
    count: int
    symbol: str = ""
    colour: str = ""


@dataclass
class FollowupByDate:
    title: str
    unit_name: str
    occasion_name: str
    year: int
    period_end: datetime.date
    sections: list[Section]
    counts: list[StatusCount] = field(default_factory=list)
    activities: int = 0  # activity rows (an activity under two goals counts once)
    goals: int = 0
    style: object = None  # layout.Style: the organisation's look
    subtitle: str = ""  # "" when it would only repeat the title
    # The columns as the organisation chose them (layout.Contents.columns),
    # in the order of COLUMNS: headings, the explanatory row ("" each: none)
    # and the widths as fractions, of the goal tables and of those without goal.
    columns: tuple[str, ...] = COLUMNS
    explanations: tuple[str, ...] = ("",) * len(COLUMNS)
    widths: tuple[float, ...] = (0.2, 0.25, 0.1, 0.1, 0.35)
    plain_widths: tuple[float, ...] = (0.3125, 0.125, 0.125, 0.4375)
    descriptions: bool = False  # the goals' descriptions are shown
    # The year's own sections (heading, what the units wrote: own_sections.OwnText),
    # in their order, after the tables; those nobody wrote in are left out.
    own_sections: list[tuple[str, list]] = field(default_factory=list)

    @property
    def own_rows(self) -> list[list[str]]:
        """The own sections as rows: Avsnitt, Enhet, Text (the XLSX's sheet)."""
        return [
            [heading, text.unit_name, "\n\n".join(text.paragraphs)]
            for heading, texts in self.own_sections
            for text in texts
        ]

    @property
    def explained(self) -> bool:
        """Whether the tables have an explanatory row under the headings."""
        return any(self.explanations)

    @property
    def xlsx_columns(self) -> tuple[str, ...]:
        goal = (self.columns[0], DESCRIPTION_COLUMN) if self.descriptions else self.columns[:1]
        return ("Perspektiv", *goal, *self.columns[1:], "Enhet", "Typ")

    @property
    def xlsx_explanations(self) -> tuple[str, ...]:
        """The explanatory row under the XLSX's headings."""
        goal = (self.explanations[0], "") if self.descriptions else self.explanations[:1]
        return ("", *goal, *self.explanations[1:], "", "")

    @property
    def period_text(self) -> str:
        return swedish_date(self.period_end)

    @property
    def counts_line(self) -> str:
        """E.g. "Klar 3, Påbörjad 2, Ej rapporterad 1"."""
        return ", ".join(f"{c.label} {c.count}" for c in self.counts if c.count)

    @property
    def summary(self) -> list[str]:
        if not self.activities and not self.goals:
            return [f"{self.unit_name} har inga mål eller aktiviteter att följa upp."]
        perspectives = sum(1 for s in self.sections if s.has_goals and s.goals)
        text = (
            f"Uppföljningen omfattar {self.activities} "
            f"{'aktivitet' if self.activities == 1 else 'aktiviteter'}"
        )
        if self.goals:
            text += f" och {self.goals} mål i {perspectives} perspektiv"
        text += "."
        paragraphs = [text]
        if self.counts_line:
            paragraphs.append(f"Status per {self.period_text}: {self.counts_line}.")
        return paragraphs

    def xlsx_rows(self) -> list[tuple]:
        """One row per activity row (and per goal without activities), with
        the section and goal on every row: Perspektiv, Nämndmål, Aktivitet,
        Slutdatum (a date), Status, Kommentar, Enhet, Typ."""
        result = []
        for section in self.sections:
            if section.empty:
                goal = (EMPTY_PERSPECTIVE, "") if self.descriptions else (EMPTY_PERSPECTIVE,)
                result.append((section.name, *goal, "", None, "", "", "", ""))
            for group, row in section.rows:
                goal = (group.text, group.description) if self.descriptions else (group.text,)
                if row is None:
                    result.append((section.name, *goal, "", None, "", "", "", ""))
                else:
                    result.append(
                        (
                            section.name,
                            *goal,
                            row.text,
                            row.end_date,
                            row.status,
                            row.comment,
                            row.unit_name,
                            row.kind_name,
                        )
                    )
        return result


# --- Building ----------------------------------------------------------------------------------


def _edges_above(seed_query) -> list[tuple[int, int]]:
    """Every link (item, target) on the way up from the seed items: one
    recursive query, the seeds as a subquery (so thousands of them work)."""
    table = ItemLink._meta.db_table
    item_col = ItemLink._meta.get_field("item").column
    target_col = ItemLink._meta.get_field("target").column
    seed_sql, seed_params = seed_query.query.sql_with_params()
    sql = (
        f"WITH RECURSIVE walk(item_id, target_id) AS ("
        f"SELECT {item_col}, {target_col} FROM {table} WHERE {item_col} IN ({seed_sql}) "
        f"UNION SELECT l.{item_col}, l.{target_col} FROM {table} l "
        f"JOIN walk ON l.{item_col} = walk.target_id) "
        "SELECT item_id, target_id FROM walk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, seed_params)
        return [(int(a), int(b)) for a, b in cursor.fetchall()]


def _nearest_goals(
    start: int, up: dict[int, list[int]], goal_ids: set[int], pass_through: set[int]
) -> set[int]:
    """The first goals of the document on each path up from `start`; the
    goals in `pass_through` (the sub-units' own) are walked through."""
    found: set[int] = set()
    seen = {start}
    stack = list(up.get(start, ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node in goal_ids and node not in pass_through:
            found.add(node)
        else:
            stack.extend(up.get(node, ()))
    return found


def build(unit: Unit | int, occasion: FollowUpOccasion | int) -> FollowupByDate:
    """The document for the unit at the occasion (see the module's docstring
    for what it contains). It shows the unit's whole part of the tree, so
    it is read by those who read all of it (access.can_read_tree, checked
    by the pages and the jobs).

    Queries: the unit (with its path from the root), the occasion, the
    unit's subtree, its goals, the activities, their shares, the links above
    them, the other goals they reach, their plans' units' places in the
    organisation and the reports, and the year's own sections (one; three
    when it has some): eleven (and the organisation's document settings),
    however many goals, activities and units."""
    # With the tree fields, the unit's tree_path holds its ancestors' ids.
    unit = Unit.objects.with_tree_fields().get(pk=unit.pk if isinstance(unit, Unit) else int(unit))
    occasion = FollowUpOccasion.objects.select_related("model").get(
        pk=occasion.pk if isinstance(occasion, FollowUpOccasion) else int(occasion)
    )
    if occasion.model.organisation_id not in {int(pk) for pk in unit.tree_path}:
        raise DocumentError(f"Uppföljningen {occasion} hör inte till styrmodellen för {unit.name}.")
    names = dict(Unit.objects.descendants(unit, include_self=True).values_list("pk", "name"))
    subtree = sorted(names)
    plan_types = PlanType.objects.filter(occasions=occasion).values("pk")
    layout, own = with_own_texts(layout_for(unit, "uppfoljning"), unit, occasion, "uppfoljning")
    contents = layout.contents
    kinds = ACTIVITY_KINDS if contents.includes("sarskilda_uppdrag") else (ItemKind.ACTIVITY,)

    # The unit's goals: its plans of the occasion's plan types and the goals
    # shared to it (followup.services.items_to_report, all plan types at once).
    shared_to_unit = ItemShare.objects.filter(
        unit=unit, plan__plan_type__in=plan_types, ended_at__isnull=True
    ).values("item_id")
    own_goals = {
        g.pk: g
        for g in Item.objects.active()
        .filter(kind=ItemKind.GOAL)
        .filter(Q(plan__unit=unit, plan__plan_type__in=plan_types) | Q(pk__in=shared_to_unit))
        .select_related("perspective", "level", "plan__unit", "plan__plan_type")
    }

    # The activities of the subtree and those shared into it.
    shared_in = ItemShare.objects.filter(
        unit__in=subtree, plan__plan_type__in=plan_types, ended_at__isnull=True
    ).values("item_id")
    in_scope = Q(kind__in=kinds, archived_at__isnull=True) & (
        Q(plan__unit__in=subtree, plan__plan_type__in=plan_types) | Q(pk__in=shared_in)
    )
    if contents.plan_types:
        in_scope &= Q(plan__plan_type__name__in=sorted(contents.plan_types))
    activities = list(Item.objects.filter(in_scope).select_related("plan__unit", "plan__plan_type"))
    activity_ids = Item.objects.filter(in_scope).order_by().values("pk")
    receivers: dict[int, list[int]] = defaultdict(list)
    # The plan type each (item, unit) is reported in: the owner's plan's, or
    # the plan it is shared into.
    reported_in: dict[tuple[int, int], PlanType] = {}
    for share in ItemShare.objects.filter(
        item__in=activity_ids, unit__in=subtree, ended_at__isnull=True
    ).select_related("plan__plan_type"):
        receivers[share.item_id].append(share.unit_id)
        reported_in[share.item_id, share.unit_id] = share.plan.plan_type

    # The red thread up from the activities, and the goals on it.
    up: dict[int, list[int]] = defaultdict(list)
    for item_id, target_id in _edges_above(activity_ids):
        up[item_id].append(target_id)
    reached = {t for targets in up.values() for t in targets} - set(own_goals)
    other_goals = {
        g.pk: g
        for g in Item.objects.active()
        .filter(kind=ItemKind.GOAL, pk__in=sorted(reached))
        .select_related("perspective", "level", "plan__unit", "plan__plan_type")
    }
    # The goals of the sub-units (and the unit's goals in plans the occasion
    # does not follow up) are on the way to the unit's goals; goals above
    # the unit that an activity reaches first are goals of the document.
    pass_through = {pk for pk, g in other_goals.items() if g.plan.unit_id in names}
    goal_ids = set(own_goals) | set(other_goals)

    # What each unit reported, and whether it counts as reported: the read model.
    found = readmodel.answers([occasion], subtree, activities, related=("status",))
    reports = {(item_id, unit_id): r for (_o, unit_id, item_id), r in found.reports.items()}
    status_order: dict[str, tuple] = {}
    status_look: dict[str, tuple[str, str]] = {}
    counted: dict[tuple[int, int], str] = {}  # (item, unit) → status, each once

    def rows_of(item: Item) -> list[ActivityRow]:
        """The item's rows: one per reporting unit."""
        units = sorted(receivers.get(item.pk, ()), key=lambda u: names[u].casefold())
        owner = item.plan.unit_id
        if not units:
            units = [owner] if owner in names else []
        elif owner in names and owner not in units and (item.pk, owner) in reports:
            units.insert(0, owner)  # shared down, and the owner reported too
        result = []
        for unit_id in units:
            report = reports.get((item.pk, unit_id))
            value = report.status if report is not None and report.status_id else None
            plan_type = reported_in.get((item.pk, unit_id), item.plan.plan_type)
            reported = found.state(occasion.pk, unit_id, item, plan_type) == readmodel.REPORTED
            if value is not None:
                label = value.label
                status_order.setdefault(label, (0, value.scale_id, value.order))
                status_look.setdefault(label, (value.symbol, _colour(value.colour)))
            else:
                label = "" if reported else NOT_REPORTED  # "": a comment without status
            counted[(item.pk, unit_id)] = label
            result.append(
                ActivityRow(
                    number=item.number,
                    title=item.title,
                    end_date=item.end_date,
                    status=label,
                    comment=report.comment if report is not None else "",
                    unit_name=names[unit_id],
                    other_unit=unit_id != unit.pk,
                    kind=item.kind,
                    status_symbol=value.symbol if value else "",
                    status_colour=_colour(value.colour) if value else "",
                    reported=reported,
                    key=(unit_id, item.pk),
                )
            )
        return result

    def is_units(item: Item) -> bool:
        """The unit's own goal or activity: of its plans, or shared to it."""
        return (
            item.pk in own_goals
            or item.plan.unit_id == unit.pk
            or unit.pk in receivers.get(item.pk, ())
        )

    under: dict[int, list[Item]] = defaultdict(list)
    without_goal: list[Item] = []
    for item in activities:
        goals = _nearest_goals(item.pk, up, goal_ids, pass_through)
        for goal_id in goals:
            under[goal_id].append(item)
        if not goals and is_units(item):
            without_goal.append(item)

    shown = [*own_goals.values(), *(other_goals[pk] for pk in under if pk in other_goals)]

    # Goals and activities alike (ordering.own_first): the unit's own, then
    # those of other units; each plan's items together, the plans in the
    # organisation's order, each in its own order. The goals' higher levels
    # first.
    in_order = own_first([*shown, *activities], is_units)
    shown.sort(key=lambda g: (g.level.order if g.level_id else 10**6, in_order(g)))
    describe = contents.has("malbeskrivning")

    order: dict[str, tuple] = {}
    grouped: dict[str, list[GoalGroup]] = defaultdict(list)
    for goal in shown:
        if goal.perspective_id:
            name = goal.perspective.name
            order.setdefault(name, (0, goal.perspective.order, name.casefold()))
        else:
            name = OTHER_PERSPECTIVE
            order[name] = (1, 0, "")
        rows = [r for item in sorted(under[goal.pk], key=in_order) for r in rows_of(item)]
        grouped[name].append(
            GoalGroup(
                number=goal.number,
                title=goal.title,
                rows=rows,
                unit_name=goal.plan.unit.name if goal.plan.unit_id != unit.pk else "",
                description=goal.description.strip() if describe else "",
            )
        )
    if contents.has("tomma_perspektiv"):
        # Every perspective of the model, those without goals too.
        for perspective in occasion.model.perspectives.all():
            order.setdefault(perspective.name, (0, perspective.order, perspective.name.casefold()))
    sections = [Section(name=n, goals=grouped[n]) for n in sorted(order, key=order.get)]
    for kind, name in ((ItemKind.ACTIVITY, WITHOUT_GOAL), (ItemKind.ASSIGNMENT, ASSIGNMENTS)):
        if kind == ItemKind.ACTIVITY and not contents.includes("utan_mal"):
            continue
        items = sorted((i for i in without_goal if i.kind == kind), key=in_order)
        rows = [r for item in items for r in rows_of(item)]
        if rows:
            group = GoalGroup(number="", title="", rows=rows)
            sections.append(Section(name=name, goals=[group], has_goals=False))

    tally = Counter(counted.values())
    labels = sorted(tally, key=lambda s: status_order.get(s, (1,) if s else (2,)))
    counts = [
        StatusCount(
            label=label or "Utan status",
            count=tally[label],
            symbol=status_look.get(label, ("", ""))[0],
            colour=status_look.get(label, ("", ""))[1],
        )
        for label in labels
    ]
    columns = [contents.column(key) for key in COLUMN_KEYS]
    headings = [c.heading for c in columns]
    return FollowupByDate(
        title=contents.title_for(unit=unit, occasion=occasion),
        subtitle=contents.subtitle_for(unit=unit, occasion=occasion),
        columns=tuple(headings),
        explanations=tuple(c.explanation for c in columns),
        widths=tuple(contents.widths(COLUMN_KEYS)),
        plain_widths=tuple(contents.widths(COLUMN_KEYS[1:])),
        descriptions=describe,
        unit_name=unit.name,
        occasion_name=occasion.title,
        year=occasion.model.year,
        period_end=occasion.period_end,
        sections=sections,
        counts=counts,
        activities=len(counted),
        goals=len(shown),
        style=layout.style,
        own_sections=[(s.heading, own[s.key]) for s in contents.sections if own.get(s.key)],
    )


def _colour(value: str) -> str:
    """A scale colour safe to put in a style attribute, or ""."""
    return value if re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", value or "") else ""


# --- Output ------------------------------------------------------------------------------------


def filename(report: FollowupByDate, fmt: str) -> str:
    """E.g. "uppfoljning-aktiviteter-2025-04-30-socialforvaltningen.pdf"."""
    return (
        f"uppfoljning-aktiviteter-{report.period_end.isoformat()}-{slugify(report.unit_name)}.{fmt}"
    )


def render(report: FollowupByDate, fmt: str) -> bytes:
    """The document as "pdf", "docx", "xlsx" or "html" (UTF-8)."""
    if fmt == "pdf":
        return pdf(report)
    if fmt == "docx":
        from .followup_by_date_docx import docx

        return docx(report)
    if fmt == "xlsx":
        from .followup_by_date_xlsx import xlsx

        return xlsx(report)
    if fmt == "html":
        return html(report).encode()
    raise ValueError(fmt)


@dataclass
class _Row:
    """A table row of the HTML: its id (the anchor that tells which page it
    is on), the activity (None: a goal without activities) and whether a
    page may not break before it (the last rows of a goal, so that a goal
    repeated on the next page is not taller than the rows it stands by)."""

    id: str
    row: ActivityRow | None
    tail: bool = False


@dataclass
class _Chunk:
    """Rows of one goal on one page: a <tbody> whose first row carries the
    goal cell spanning them. `continued`: the goal began on an earlier page
    and its text is repeated here; `keep`: a goal short enough to be kept
    on one page (break-inside: avoid)."""

    goal: GoalGroup
    rows: list[_Row]
    continued: bool = False
    keep: bool = False


# Rough layout of the PDF's tables: characters per line in the goal,
# activity and comment columns, and the lines of a goal kept on one page
# (about a third of an A4 landscape page of table text).
GOAL_CHARS, ACTIVITY_CHARS, COMMENT_CHARS = 30, 35, 52
KEEP_LINES = 15


def _lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(line) // width)) for line in (text or " ").splitlines() or [" "])


def _row_lines(row: ActivityRow | None) -> int:
    """About how many lines of text a row takes in the PDF (with padding)."""
    if row is None:
        return 2
    activity = _lines(row.text, ACTIVITY_CHARS) + row.other_unit + row.is_assignment
    return max(activity, _lines(row.comment, COMMENT_CHARS)) + 1


def _goal_lines(goal: GoalGroup, *, described: bool = False) -> int:
    """About how many lines the goal cell takes, repeated with "(forts.)"
    (or, `described`, first, with its description)."""
    lines = _lines(goal.text, GOAL_CHARS) + bool(goal.unit_name) + 2
    if described and goal.description:
        lines += _lines(goal.description, GOAL_CHARS) - 1
    return lines


def _row_id(section: int, goal: int, row: int) -> str:
    return f"r{section}-{goal}-{row}"


def _chunks(report: FollowupByDate, splits: frozenset[str]) -> list[tuple[Section, list[_Chunk]]]:
    result = []
    for s, section in enumerate(report.sections):
        chunks = []
        for g, goal in enumerate(section.goals):
            rows = [_Row(_row_id(s, g, i), row) for i, row in enumerate(goal.rows or [None])]
            if not section.has_goals:
                chunks.append(_Chunk(goal, rows))
                continue
            lines = [_row_lines(r.row) for r in rows]
            # No page break before the last rows of a goal when they are
            # lower than the goal cell repeated on the next page would be.
            tail, below = _goal_lines(goal), 0
            for row, height in zip(reversed(rows[1:]), reversed(lines[1:]), strict=True):
                below += height
                if below >= tail:
                    break
                row.tail = True
            # A short goal is kept on one page, but not the first of a table:
            # keeping that one would mean moving the heading, caption and
            # header row with it, and WeasyPrint instead breaks inside the
            # goal's first row (its text cut, without "(forts.)").
            height = max(sum(lines), _goal_lines(goal, described=True))
            chunk = _Chunk(goal, [], keep=g > 0 and height <= KEEP_LINES)
            for row in rows:
                if chunk.rows and row.id in splits:
                    chunks.append(chunk)
                    chunk = _Chunk(goal, [], continued=True)
                chunk.rows.append(row)
            chunks.append(chunk)
        result.append((section, chunks))
    return result


@dataclass
class _Part:
    """A table's rows on one page or more: the first part, or one that
    continues the table on a new page (its caption marked "(forts.)")."""

    chunks: list[_Chunk]
    continued: bool = False


def _parts(chunks: list[_Chunk], starts: frozenset[str]) -> list[_Part]:
    """The chunks of a table in parts, a new part from each row in `starts`
    (the first row of the table on a page after its first)."""
    parts = [_Part([])]
    for chunk in chunks:
        pieces, rows = [], []
        for row in chunk.rows:
            if rows and row.id in starts:
                pieces.append(rows)
                rows = []
            rows.append(row)
        pieces.append(rows)
        for n, rows in enumerate(pieces):
            piece = replace(chunk, rows=rows, continued=chunk.continued or n > 0)
            if rows[0].id in starts and parts[-1].chunks:
                parts.append(_Part([], continued=True))
            parts[-1].chunks.append(piece)
    return parts


def html(
    report: FollowupByDate,
    splits: frozenset[str] = frozenset(),
    table_starts: frozenset[str] = frozenset(),
) -> str:
    """The document as HTML with print CSS. `splits` are the ids of rows that
    begin a new page inside a goal's rows: the goal cell is repeated there;
    `table_starts` those that begin a page inside a table: the table goes on
    there as a new one whose caption says "(forts.)"."""
    from django.template.loader import render_to_string

    return render_to_string(
        TEMPLATE,
        {
            "report": report,
            "columns": report.columns,
            "widths": [f"{w * 100:.2f}%" for w in report.widths],
            "plain_widths": [f"{w * 100:.2f}%" for w in report.plain_widths],
            "empty_line": EMPTY_PERSPECTIVE,
            "sections": [
                (section, _parts(chunks, table_starts))
                for section, chunks in _chunks(report, splits | table_starts)
            ],
            "not_reported": NOT_REPORTED,
            "continued": CONTINUED,
        },
    )


_ROW_ID = re.compile(r"r(\d+)-(\d+)-(\d+)")


def _page_starts(document) -> tuple[set[str], set[str]]:
    """The rows that begin a page inside a goal's rows (the first row of a
    goal on a page when the goal began on an earlier page), and those that
    begin a page inside a table (the first row of a table on a page when
    the table began on an earlier page)."""
    starts, tables = set(), set()
    seen: set[int] = set()  # the tables with rows on earlier pages
    for page in document.pages:
        first: dict[tuple[int, int], int] = {}
        for anchor in page.anchors:
            match = _ROW_ID.fullmatch(anchor or "")
            if match:
                key, row = (int(match[1]), int(match[2])), int(match[3])
                first[key] = min(row, first.get(key, row))
        starts |= {_row_id(s, g, row) for (s, g), row in first.items() if row}
        on_page = {s for s, _g in first}
        for s in on_page & seen:
            g = min(g for t, g in first if t == s)
            tables.add(_row_id(s, g, first[s, g]))
        seen |= on_page
    return starts, tables


def pdf(report: FollowupByDate) -> bytes:
    """The document as a tagged PDF (PDF/UA-1), A4 landscape.

    A goal short enough is kept on one page. A longer one breaks, and
    WeasyPrint would continue its rowspan cell on the next page without the
    goal's text. So the document is laid out, the rows that begin a page
    inside a goal are found (the rows carry ids: they are the page's
    anchors) and it is laid out again with the goal cell repeated from those
    rows, marked "(forts.)"; that can move later page breaks, so it is
    repeated until the repeated goals are where pages begin (at most four
    layouts; one when no goal breaks, usually two when some do)."""
    from .pdf import layout, write

    splits: frozenset[str] = frozenset()
    tables: frozenset[str] = frozenset()
    for _attempt in range(4):
        document = layout(html(report, splits, tables))
        starts, table_starts = _page_starts(document)
        if starts == splits and table_starts == tables:
            break
        splits, tables = frozenset(starts), frozenset(table_starts)
    return write(document)
