"""Underlag: what the sub-units reported on an item, for the manager who
writes the report at the level above.

For a task's unit U, an item X and the occasion, the underlag holds one row
per (sub-unit, item) that should be reported:

* every unit below U to which X is shared (an active ItemShare), reporting on X;
* every unit below U that owns an active item contributing to X through the
  red thread (ItemLink, transitively), reporting on that item.

Only items of the plan types the occasion follows up count. Only rows of
units the user may read are shown. The number of queries does not depend on
the number of sub-units.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from styrhjul.indicators.aggregate import Computed, adds_up, combine, computed_values, is_stale
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind, PlanType, ScaleValue, load_assessment_rules
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Aggregation, Item, ItemLink, ItemShare, Plan
from styrhjul.planning.services import descendant_ids_of, descendants_subquery

from . import readmodel, services
from .models import FollowUpOccasion, Report, ReportingTask


@dataclass
class UnderlagRow:
    unit: Unit
    item: Item
    shared: bool  # True: X shared to the unit; False: an item contributing to X
    report: Report | None = None
    value: IndicatorValue | None = None  # shown: the occasion's period, the year or the latest
    state: str = readmodel.NOT_REPORTED  # the read model's state of the unit's item
    scale_id: int | None = None  # the scale of its status or assessment where reported
    # The model's rule says the owner sees the units' analyses, not their
    # assessments (services.underlag_shows_assessment).
    assessment_hidden: bool = False

    @property
    def reported(self) -> bool:
        return self.state == readmodel.REPORTED

    @property
    def started(self) -> bool:
        return self.state == readmodel.STARTED

    @property
    def scale_value(self) -> ScaleValue | None:
        """Status (activities, assignments) or assessment (goals, indicators,
        control points): the one value shown with label and colour."""
        if self.report is None:
            return None
        if self.assessment_hidden:
            return self.report.status
        return self.report.status or self.report.assessment

    @property
    def text(self) -> str:
        if self.report is None:
            return ""
        return "\n\n".join(
            t for t in (self.report.analysis, self.report.comment, self.report.measures) if t
        )


@dataclass
class ScaleCount:
    value: ScaleValue | None  # None: the rows without a status or assessment
    count: int


# The tables of the summary, one per kind of item, each in its own scale.
SCALE_TABLES = (
    (ItemKind.ACTIVITY, "status", _("Aktiviteter per status"), _("Utan status")),
    (ItemKind.ASSIGNMENT, "status", _("Uppdrag per status"), _("Utan status")),
    (ItemKind.GOAL, "assessment", _("Mål per bedömning"), _("Utan bedömning")),
    (ItemKind.INDICATOR, "assessment", _("Nyckeltal per bedömning"), _("Utan bedömning")),
    (
        ItemKind.CONTROL_POINT,
        "assessment",
        _("Kontrollpunkter per bedömning"),
        _("Utan bedömning"),
    ),
)


@dataclass
class ScaleTable:
    """The rows of one kind of item counted per value of their scale (every
    value of the scale, also those no one chose), and those without one."""

    kind: str
    caption: str
    counts: list[ScaleCount]
    rows: int
    without: str  # the label of the rows without a value: "Utan status"


@dataclass
class ValueGroup:
    """The outcomes of the rows' indicators in one måttenhet. Summed only
    where the indicators add up (aggregate.adds_up), a mean only where they
    are computed as a mean; otherwise only how many have a value."""

    measure_unit: str
    item: Item  # for the precision of the figures
    units: int  # units with an indicator in this måttenhet
    with_value: int  # of them, units with a value
    how: str = ""  # Aggregation.SUM, MEAN, WEIGHTED_MEAN or "" (neither)
    value: Decimal | None = None
    women: Decimal | None = None
    men: Decimal | None = None
    gender_split: bool = False

    @property
    def is_sum(self) -> bool:
        return self.how == Aggregation.SUM

    @property
    def label(self) -> str:
        return {
            Aggregation.SUM: _("Summa"),
            Aggregation.MEAN: _("Medelvärde"),
            Aggregation.WEIGHTED_MEAN: _("Viktat medelvärde"),
        }.get(self.how, "")


@dataclass
class Totals:
    units: int = 0  # units expected to report (one or more rows each)
    units_reported: int = 0  # units whose every row is reported
    tables: list[ScaleTable] = field(default_factory=list)
    mean_completion: Decimal | None = None
    completion_count: int = 0  # units with a completion
    completion_units: int = 0  # units with an activity to report on
    value_groups: list[ValueGroup] = field(default_factory=list)


@dataclass
class Missing:
    """A unit that has not reported (all) its rows."""

    unit: Unit
    rows: list[UnderlagRow]

    @property
    def named_rows(self) -> list[UnderlagRow]:
        """The rows to name after the unit: none when the unit only misses
        the shared item itself."""
        return [] if all(r.shared for r in self.rows) else self.rows


@dataclass
class Underlag:
    task: ReportingTask | None  # None: for a unit and occasion, not a task (documents)
    item: Item
    rows: list[UnderlagRow]
    totals: Totals
    own_value: IndicatorValue | None = None  # the task's unit's value of the item
    computed: Computed | None = None  # the item's value computed from the units below
    scales: dict[int, list[ScaleValue]] = field(default_factory=dict)  # of the rows, by scale

    @property
    def missing_rows(self) -> list[UnderlagRow]:
        """The rows not reported (the read model's state)."""
        return [r for r in self.rows if not r.reported]

    @property
    def missing(self) -> list[Missing]:
        """The units that should have reported but have not (all their rows):
        the units not counted in totals.units_reported."""
        by_unit: dict[int, Missing] = {}
        for row in self.missing_rows:
            by_unit.setdefault(row.unit.pk, Missing(row.unit, [])).rows.append(row)
        return list(by_unit.values())

    @property
    def stale(self) -> bool:
        return is_stale(self.own_value, self.computed)

    def nearest(self) -> list[UnderlagRow]:
        """The rows as the level above reads them: a row is left out when a
        unit above its unit has reported (the read model's state) a row of
        its own here, since that unit's report sums up the units under it.
        Where no one in between has reported, the units further down are
        kept. Needs the units' tree fields (as underlag_of_items reads them)."""
        reporting = {r.unit.pk for r in self.rows if r.reported}
        return [
            r for r in self.rows if not any(pk in reporting for pk in _path(r.unit) - {r.unit.pk})
        ]

    def nearest_totals(self) -> Totals:
        """totals_for the nearest() rows."""
        return totals_for(self.nearest(), self.scales)


def value_period(occasion: FollowUpOccasion) -> str:
    """The IndicatorValue period of an occasion, e.g. "2025-08"."""
    return f"{occasion.period_end:%Y-%m}"


def _pick_value(values: list[IndicatorValue], period: str) -> IndicatorValue | None:
    """The occasion's period if reported, else the whole year, else the latest
    period of the year."""
    by_period = {v.period: v for v in values}
    if period in by_period:
        return by_period[period]
    if "" in by_period:
        return by_period[""]
    return max(values, key=lambda v: v.period) if values else None


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))


def _scale_tables(rows: list[UnderlagRow], scales: dict[int, list[ScaleValue]]) -> list:
    tables = []
    for kind, _field, caption, without in SCALE_TABLES:
        of_kind = [r for r in rows if r.item.kind == kind]
        if not of_kind:
            continue
        counts: Counter[int | None] = Counter()
        values: dict[int, ScaleValue] = {}
        for row in of_kind:
            for value in scales.get(row.scale_id, []):
                values[value.pk] = value
            sv = row.scale_value
            if sv is not None:
                values[sv.pk] = sv
            counts[sv.pk if sv is not None else None] += 1
        ordered = sorted(values.values(), key=lambda v: (v.scale_id, v.order, v.pk))
        table = [ScaleCount(v, counts[v.pk]) for v in ordered]
        if counts[None]:
            table.append(ScaleCount(None, counts[None]))
        tables.append(ScaleTable(kind, str(caption), table, len(of_kind), str(without)))
    return tables


def _value_groups(rows: list[UnderlagRow]) -> list[ValueGroup]:
    groups: dict[str, list[UnderlagRow]] = {}
    for row in rows:
        if row.item.kind == ItemKind.INDICATOR:
            groups.setdefault(row.item.measure_unit.strip().lower(), []).append(row)
    result = []
    for key in sorted(groups):
        of_unit = groups[key]
        items = {r.item.pk: r.item for r in of_unit}.values()
        ways = {i.aggregation for i in items}
        how = ways.pop() if len(ways) == 1 else ""
        if how == Aggregation.SUM and not all(adds_up(i) for i in items):
            how = ""
        with_value = [r for r in of_unit if r.value is not None and r.value.value is not None]
        gender = all(i.gender_split for i in items)
        group = ValueGroup(
            measure_unit=of_unit[0].item.measure_unit,
            item=of_unit[0].item,
            units=len({r.unit.pk for r in of_unit}),
            with_value=len({r.unit.pk for r in with_value}),
            how=how,
            gender_split=gender,
        )
        if how and with_value:

            def column(name: str, how=how, with_value=with_value):
                return combine(
                    how,
                    [
                        (getattr(r.value, name), r.value.weight)
                        for r in with_value
                        if getattr(r.value, name) is not None
                    ],
                )

            group.value = column("value")
            if gender:
                group.women, group.men = column("value_women"), column("value_men")
        result.append(group)
    return result


def totals_for(rows: list[UnderlagRow], scales: dict[int, list[ScaleValue]]) -> Totals:
    units: dict[int, bool] = {}
    for row in rows:
        units[row.unit.pk] = units.get(row.unit.pk, True) and row.reported
    totals = Totals(units=len(units), units_reported=sum(units.values()))
    totals.tables = _scale_tables(rows, scales)
    completions: dict[int, list[Decimal]] = {}
    for row in rows:
        if row.report is not None and row.report.completion is not None:
            completions.setdefault(row.unit.pk, []).append(Decimal(row.report.completion))
    flat = [c for cs in completions.values() for c in cs]
    totals.mean_completion = _mean(flat)
    totals.completion_count = len(completions)
    totals.completion_units = len({r.unit.pk for r in rows if r.item.kind == ItemKind.ACTIVITY})
    totals.value_groups = _value_groups(rows)
    return totals


def underlag(user, task: ReportingTask, item: Item) -> Underlag:
    """The underlag of `item` for `task` (its unit and occasion), as `user` may read it."""
    page = underlag_of_items(user, task.occasion, {task.unit: [item]})[task.unit_id, item.pk]
    page.task = task
    if item.kind == ItemKind.INDICATOR and item.aggregation:
        page.own_value = own_value(task, item)
        page.computed = computed_values([item], task.unit, task.occasion.year).get(item.pk)
    return page


def underlag_of_items(
    user, occasion: FollowUpOccasion, items_of: dict[Unit, list[Item]], *, kinds=None
) -> dict[tuple[int, int], Underlag]:
    """The underlag of each unit's items at `occasion` (what underlag() shows
    a task's manager), as `user` may read it, by (unit pk, item pk); an item
    without rows has an empty underlag. `kinds`: only rows of items of those
    kinds (e.g. the goals, for a document). The rows come in the
    organisation's order (the tree, depth first), the item shared before the
    items contributing to it.

    A fixed number of queries, whatever the number of units, items and
    units below them."""
    kinds = set(kinds) if kinds is not None else None
    wanted = {
        (unit.pk, item.pk): (unit, item) for unit, items in items_of.items() for item in items
    }
    items = {item.pk: item for _unit, item in wanted.values()}
    day = min(occasion.period_end, datetime.date(occasion.year, 12, 31))
    tops = {unit.pk for unit in items_of}
    below: dict[int, Unit] = {}
    if tops:
        anywhere_below = Q()
        for pk in sorted(tops):
            anywhere_below |= Q(tree_path__contains=pk)
        below = {
            u.pk: u
            for u in access.visible_to(user, Unit.objects.with_tree_fields())
            .filter(anywhere_below)
            .valid_on(day)
            .select_related("unit_type")
            .order_by()
        }
    # The units below each unit (the unit's pk on their path from the root).
    below_of: dict[int, set[int]] = {
        top: {pk for pk, u in below.items() if pk != top and top in _path(u)} for top in tops
    }
    units_above: dict[int, list[int]] = defaultdict(list)  # unit below → the given units above it
    for top, pks in below_of.items():
        for pk in pks:
            units_above[pk].append(top)
    plan_types = {pt.pk: pt for pt in occasion.plan_types.all()}
    plan_type_ids = set(plan_types)

    rows_of: dict[tuple[int, int], list[UnderlagRow]] = {key: [] for key in wanted}
    rows: list[UnderlagRow] = []
    reported_in: dict[tuple[int, int], PlanType] = {}  # (unit, item) → the plan type
    if units_above and items:
        shared = sorted(pk for pk, i in items.items() if kinds is None or i.kind in kinds)
        shares = ItemShare.objects.filter(
            item_id__in=shared,
            unit_id__in=sorted(units_above),
            ended_at__isnull=True,
            plan__plan_type_id__in=plan_type_ids,
        ).values_list("item_id", "unit_id", "plan__plan_type_id")
        seen = set()
        for item_id, unit_id, type_id in sorted(set(shares)):
            reported_in[unit_id, item_id] = plan_types[type_id]
            if (unit_id, item_id) in seen:
                continue
            seen.add((unit_id, item_id))
            row = UnderlagRow(unit=below[unit_id], item=items[item_id], shared=True)
            rows.append(row)
            for top in units_above[unit_id]:
                if (top, item_id) in rows_of:
                    rows_of[top, item_id].append(row)
        contributing = descendant_ids_of(items)
        contributor_ids = set().union(*contributing.values()) if contributing else set()
        if contributor_ids:
            # The items reached are read by the walk in the database and the
            # units checked here: long lists of ids make a slow plan.
            found = (
                Item.objects.active()
                .filter(pk__in=descendants_subquery(items), plan__plan_type_id__in=plan_type_ids)
                .select_related("plan__plan_type", "level")
            )
            if kinds is not None:
                found = found.filter(kind__in=sorted(kinds))
            contributors = {c.pk: c for c in found if c.plan.unit_id in units_above}
            made: dict[int, UnderlagRow] = {}
            for origin, ids in sorted(contributing.items()):
                for contributor in (contributors[i] for i in sorted(ids) if i in contributors):
                    unit_id = contributor.plan.unit_id
                    tops_here = [t for t in units_above[unit_id] if (t, origin) in rows_of]
                    if not tops_here:
                        continue
                    row = made.get(contributor.pk)
                    if row is None:
                        reported_in[unit_id, contributor.pk] = contributor.plan.plan_type
                        row = UnderlagRow(unit=below[unit_id], item=contributor, shared=False)
                        made[contributor.pk] = row
                        rows.append(row)
                    for top in tops_here:
                        rows_of[top, origin].append(row)

    if rows:
        unit_ids = {r.unit.pk for r in rows}
        item_ids = {r.item.pk for r in rows}
        # The rows' plan types (one instance per contributor) with their
        # assessment rules, for services.assesses: one query, not one per row.
        load_assessment_rules(list(reported_in.values()))
        # The reports and the state of each row: the read model.
        answers = readmodel.answers(
            [occasion],
            unit_ids,
            {r.item.pk: r.item for r in rows}.values(),
            related=("status", "assessment", "updated_by"),
            only_items=True,  # not every other report of the units
        )
        values: dict[tuple[int, int], list[IndicatorValue]] = {}
        if any(r.item.kind == ItemKind.INDICATOR for r in rows):
            for v in IndicatorValue.objects.filter(
                year=occasion.year, unit_id__in=unit_ids, item_id__in=item_ids
            ):
                values.setdefault((v.unit_id, v.item_id), []).append(v)
        period = value_period(occasion)
        field_of = {k: f for k, f, _c, _w in SCALE_TABLES}
        rules: dict[tuple[int, int], bool] = {}

        def shows_assessment(plan_type, item) -> bool:
            # Whether the owner's underlag shows the units' assessments of the
            # goal (the model's assessment rule), once per plan type and goal.
            key = (plan_type.pk, item.pk)
            if key not in rules:
                rules[key] = services.underlag_shows_assessment(plan_type, item)
            return rules[key]

        for row in rows:
            key = (row.unit.pk, row.item.pk)
            row.report = answers.report(occasion.pk, *key)
            row.value = _pick_value(values.get(key, []), period)
            row.state = answers.state(occasion.pk, row.unit.pk, row.item, reported_in[key])
            field_name = field_of.get(row.item.kind)
            if field_name:
                row.scale_id = services.scale_for(
                    reported_in[key], row.item, field_name, row.unit.pk
                )
            if row.item.kind == ItemKind.GOAL and not shows_assessment(reported_in[key], row.item):
                row.assessment_hidden = True
                row.scale_id = None
    scales: dict[int, list[ScaleValue]] = {}
    scale_ids = {r.scale_id for r in rows if r.scale_id}
    if scale_ids:
        for value in ScaleValue.objects.filter(scale_id__in=scale_ids):
            scales.setdefault(value.scale_id, []).append(value)
    result = {}
    for key, item_rows in rows_of.items():
        item_rows.sort(
            key=lambda r: (organisation_order(r.unit), not r.shared, r.item.order, r.item.pk)
        )
        result[key] = Underlag(
            task=None,
            item=wanted[key][1],
            rows=item_rows,
            totals=totals_for(item_rows, scales),
            scales=scales,
        )
    return result


def _path(unit: Unit) -> set[int]:
    """The pks from the root to the unit (tree_path, read with the tree fields)."""
    return {int(pk) for pk in unit.tree_path}


def organisation_order(unit: Unit) -> tuple:
    """A unit's place in the organisation: depth first through the tree,
    the units under one unit by name (as the tree lists them)."""
    # tree_ordering (the tree's path of sibling ranks) is read with the units
    # below (Unit.objects.descendants); a tuple, so that a place compares
    # with the empty place of a unit not looked up (documents.ordering).
    return (tuple(unit.tree_ordering), unit.pk)


def own_value(task: ReportingTask, item: Item) -> IndicatorValue | None:
    """The task's unit's outcome of the indicator for the task's period."""
    return IndicatorValue.objects.filter(
        item=item,
        unit=task.unit,
        year=task.occasion.year,
        period=services.value_period(item, task.occasion),
    ).first()


def items_with_underlag(task: ReportingTask, items, user=None) -> set[int]:
    """The pks of `items` (Items or pks) that have an underlag for `task`:
    shared (an active ItemShare) to a unit below the task's unit, or with an
    active item of a unit below contributing to them through the red thread
    (ItemLink, transitively), in both cases in a plan type the occasion
    follows up and a unit valid on the occasion's day, as in underlag().

    One query whatever the number of items and units (the units below and the
    red thread are walked in the database). With `user`, only units the user
    may read count (their rights are usually cached for the request)."""
    item_ids = sorted({getattr(i, "pk", i) for i in items})
    if not item_ids:
        return set()
    occasion = task.occasion
    day = min(occasion.period_end, datetime.date(occasion.year, 12, 31))
    unit_t = Unit._meta.db_table
    item_t = Item._meta.db_table
    link_t = ItemLink._meta.db_table
    share_t = ItemShare._meta.db_table
    plan_t = Plan._meta.db_table
    through = FollowUpOccasion.plan_types.through
    through_t = through._meta.db_table
    m2m = FollowUpOccasion._meta.get_field("plan_types")
    occ_col, pt_col = m2m.m2m_column_name(), m2m.m2m_reverse_name()
    seeds = ", ".join(["%s"] * len(item_ids))
    sql = f"""
        WITH RECURSIVE below(id) AS (
            SELECT id FROM {unit_t} WHERE parent_id = %s
            UNION SELECT u.id FROM {unit_t} u JOIN below ON u.parent_id = below.id
        ),
        walk(origin, id) AS (
            SELECT target_id, item_id FROM {link_t} WHERE target_id IN ({seeds})
            UNION SELECT walk.origin, l.item_id FROM {link_t} l JOIN walk ON l.target_id = walk.id
        ),
        types(id) AS (SELECT {pt_col} FROM {through_t} WHERE {occ_col} = %s),
        valid(id) AS (
            SELECT u.id FROM {unit_t} u JOIN below ON below.id = u.id
            WHERE u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to >= %s)
        )
        SELECT s.item_id, s.unit_id FROM {share_t} s JOIN {plan_t} p ON p.id = s.plan_id
        WHERE s.item_id IN ({seeds}) AND s.ended_at IS NULL
          AND s.unit_id IN (SELECT id FROM valid) AND p.plan_type_id IN (SELECT id FROM types)
        UNION
        SELECT walk.origin, p.unit_id FROM walk
          JOIN {item_t} i ON i.id = walk.id JOIN {plan_t} p ON p.id = i.plan_id
        WHERE i.archived_at IS NULL
          AND p.unit_id IN (SELECT id FROM valid) AND p.plan_type_id IN (SELECT id FROM types)
    """
    params = [task.unit_id, *item_ids, occasion.pk, day, day, *item_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pairs = cursor.fetchall()
    readable = None if user is None else access.unit_ids(user, access.Action.READ)
    return {item_id for item_id, unit_id in pairs if readable is None or unit_id in readable}
