"""The start page per role (startsidan): what to do and how things stand.

Each section is built only for those it concerns, by the access policy
(organisation/access.py), and every link it holds is one the person may
follow:

* Mina uppgifter (access.my_tasks_filter), for those who may have tasks
  (access.may_have_tasks; not a Läsare): kept apart as Försenad, Låst,
  to report and Klarmarkerad, by followup.services.is_late/is_locked.
* Uppföljningar som pågår, for those who follow units in an occasion's
  overview (access.overview_unit_ids): per open occasion the overview's own
  counts (followup.overview, the read model), a bar of them, the late tasks
  with "Skicka påminnelse" and the locked ones with "Öppna igen" for model
  owners.
* Mål och bedömningar, for a Chef's and a Läsare's own units
  (access.held_unit_ids): the units' goals of the year with the latest
  assessment and the earlier ones of the year, and a bar per perspective.
* Det som håller på att bli inaktuellt, for model owners
  (access.can_manage_any): units that did not report at the last two
  occasions, items whose responsible person no longer reaches the item's
  unit, and open tasks nobody receives.
* Senaste dokumenten (access.tree_unit_ids) and the year as a timeline
  (the Årshjul's picture).

The number of queries does not depend on the number of units, tasks or
items (tests/web/test_startpage.py checks it with two sizes).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from styrhjul.charts.pictures import Bar, Segment, stacked_bars
from styrhjul.core.lookups import ids_in
from styrhjul.documents.models import DocumentJob, JobStatus
from styrhjul.followup import overview as overview_q
from styrhjul.followup import queries as followup_queries
from styrhjul.followup import readmodel
from styrhjul.followup.models import (
    FollowUpOccasion,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.followup.views_wheel import Entry, timeline, year_picture
from styrhjul.indicators.series import IndicatorData, indicator_data
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.model.queries import vision_for
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, Unit
from styrhjul.organisation.queries import my_units, readable_roots
from styrhjul.planning.models import Item, ItemLink

LISTED = 10  # late, locked and stale rows shown before "and N more"
DOCUMENTS = 5

# The overview's states in the order of the bar, with colours that hold
# 3:1 against white; the table beside the bar carries the same numbers.
STATUS_COLOURS = {
    overview_q.DONE: "#1e6b34",
    overview_q.IN_PROGRESS: "#0b5394",
    overview_q.NOT_STARTED: "#6b7280",
    overview_q.LATE: "#a4161a",
    overview_q.LOCKED: "#3b3f46",
    overview_q.SENT_BACK: "#8a4b00",
    overview_q.AWAITING_REVIEW: "#5b2a86",
    overview_q.APPROVED: "#14532d",
}
STATUS_SYMBOLS = {
    overview_q.DONE: "✓",
    overview_q.IN_PROGRESS: "…",
    overview_q.NOT_STARTED: "○",
    overview_q.LATE: "▲",
    overview_q.LOCKED: "■",
    overview_q.SENT_BACK: "↩",
    overview_q.AWAITING_REVIEW: "◐",
    overview_q.APPROVED: "✔",
}
NOT_ASSESSED_COLOUR = "#8a94a3"


# --- Mina uppgifter ----------------------------------------------------------------------


@dataclass
class MyTasks:
    sent_back: list = field(default_factory=list)  # Skickad tillbaka (followup.review)
    late: list = field(default_factory=list)
    locked: list = field(default_factory=list)
    open: list = field(default_factory=list)
    done: list = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.sent_back or self.late or self.locked or self.open or self.done)


def my_tasks(user, today: datetime.date) -> MyTasks:
    """followup.queries.my_tasks, kept apart by state."""
    result = MyTasks()
    for row in followup_queries.my_tasks(user, today):
        if row.done:
            result.done.append(row)
        elif row.review == readmodel.SENT_BACK and not row.locked:
            result.sent_back.append(row)
        elif row.locked:
            result.locked.append(row)
        elif row.overdue:
            result.late.append(row)
        else:
            result.open.append(row)
    return result


# --- Uppföljningar som pågår -----------------------------------------------------------


@dataclass
class Followed:
    """One open occasion as the viewer follows it (the overview's answer)."""

    occasion: FollowUpOccasion
    counts: list[tuple[str, str, int]]  # (status key, label, count)
    total: int
    late: list  # overview.TaskRow
    locked: list  # overview.TaskRow the viewer may reopen (the items not counted)
    late_count: int
    locked_count: int
    picture: str

    @property
    def done(self) -> int:
        klarmarkerad = (overview_q.DONE, overview_q.AWAITING_REVIEW, overview_q.APPROVED)
        return sum(n for key, _label, n in self.counts if key in klarmarkerad)


def _status_picture(occasion: FollowUpOccasion, counts, total: int) -> str:
    bar = Bar(
        occasion.title,
        [Segment(label, n, STATUS_COLOURS[key], STATUS_SYMBOLS[key]) for key, label, n in counts],
    )
    desc = _("%(total)s uppgifter: %(parts)s.") % {
        "total": total,
        "parts": ", ".join(f"{label} {n}" for _key, label, n in counts),
    }
    return stacked_bars(
        [bar],
        title=_("Uppgifterna i %(name)s per status") % {"name": occasion.title},
        desc=desc,
        id_prefix=f"tillfalle-{occasion.pk}",
    )


def followed_occasions(user, today: datetime.date) -> list[Followed]:
    """The open occasions whose overview the user may see
    (overview.viewable_occasion_ids), each with the overview's counts.

    The counts are the overview's: each task's state by
    overview.task_status. Klarmarkerad, Låst and Försenad do not depend on
    the items, so the read model counts (readmodel.task_counts) only the
    tasks it tells apart as Pågående or Ej påbörjad and the late rows
    shown; only the rows shown are loaded in full."""
    followed = access.overview_unit_ids(user)
    if followed is not None and not followed:
        return []
    organisations = access.organisation_ids(user)
    occasions = FollowUpOccasion.objects.filter(status=OccasionStatus.OPEN).select_related(
        "model__organisation"
    )
    if organisations is not None:
        occasions = occasions.filter(model__organisation__in=organisations)
    occasions = list(occasions.order_by("period_end", "name"))
    viewable = overview_q.viewable_occasion_ids(user, occasions)
    result = []
    for occasion in occasions:
        if occasion.pk not in viewable:
            continue
        found = _followed(user, occasion, today)
        if found is not None:
            result.append(found)
    return result


@dataclass(slots=True)
class _TaskState:
    """What overview.task_status (services.is_locked, is_late) and
    readmodel.task_counts read of a task, without building the model
    instance for each of thousands of tasks."""

    pk: int
    unit_id: int
    plan_type_id: int
    reporter_id: int | None
    done_at: datetime.datetime | None
    reopened_until: datetime.date | None
    deadline: datetime.date | None
    occasion: FollowUpOccasion
    step_id: int | None = None  # readmodel.review_state reads the step and the decision
    step: OccasionStep | None = None
    review_status: str = ""


def _followed(user, occasion: FollowUpOccasion, today: datetime.date) -> Followed | None:
    visible = overview_q.visible_tasks(user, occasion)
    steps = {step.pk: step for step in OccasionStep.objects.filter(occasion=occasion)}
    tasks = [
        _TaskState(
            pk,
            unit_id,
            type_id,
            reporter_id,
            done_at,
            reopened,
            steps[step_id].deadline if step_id in steps else None,
            occasion,
            step_id,
            steps.get(step_id),
            review_status,
        )
        for pk, unit_id, type_id, reporter_id, done_at, reopened, step_id, review_status in (
            visible.order_by(
                "unit__name", "unit_id", "plan_type__order", "reporter_id", "pk"
            ).values_list(
                "pk",
                "unit_id",
                "plan_type_id",
                "reporter_id",
                "done_at",
                "reopened_until",
                "step_id",
                "review_status",
            )
        )
    ]
    if not tasks:
        return None
    status: dict[int, str] = {}
    undecided = []  # Pågående or Ej påbörjad: the read model tells
    for task in tasks:
        status[task.pk] = overview_q.task_status(task, 0, today)
        if status[task.pk] == overview_q.NOT_STARTED:
            undecided.append(task)
    late = [t for t in tasks if status[t.pk] == overview_q.LATE]
    counting = undecided + late[:LISTED]
    # Few units: their ids; many: the overview's query of them.
    units = {t.unit_id for t in counting}
    unit_query = visible.order_by().values("unit_id") if len(units) > 500 else None
    counted = readmodel.task_counts(occasion, counting, unit_query=unit_query)
    for task in undecided:
        status[task.pk] = overview_q.task_status(task, counted[task.pk][1], today)
    # The locked tasks the user may reopen (services.task_reopen asks
    # access.can_manage of the task's unit): the units the user manages.
    managed = access.unit_ids(user, access.Action.MANAGE)
    locked = [
        t.pk
        for t in tasks
        if status[t.pk] == overview_q.LOCKED and (managed is None or t.unit_id in managed)
    ]
    shown = {t.pk for t in late[:LISTED]} | set(locked[:LISTED])
    full = {
        t.pk: t for t in ReportingTask.objects.filter(pk__in=shown).select_related("unit", "step")
    }
    for task in full.values():
        task.occasion = occasion

    def row(pk: int, state: str) -> overview_q.TaskRow:
        task = full[pk]
        done, _begun, total = counted.get(pk, (0, 0, 0))
        return overview_q.TaskRow(
            task,
            done,
            total,
            state,
            may_open=access.can_read(user, task),
            may_reopen=state == overview_q.LOCKED,
        )

    counts: dict[str, int] = defaultdict(int)
    for found in status.values():
        counts[found] += 1
    page = overview_q.Overview(occasion, [], len(tasks), dict(counts))
    return Followed(
        occasion,
        page.status_counts,
        page.all_count,
        [row(t.pk, overview_q.LATE) for t in late[:LISTED]],
        [row(pk, overview_q.LOCKED) for pk in locked[:LISTED]],
        len(late),
        len(locked),
        _status_picture(occasion, page.status_counts, page.all_count),
    )


# --- Mål och bedömningar -------------------------------------------------------------------


@dataclass
class GoalRow:
    item: Item
    unit: Unit
    latest: ScaleValue | None = None
    latest_occasion: FollowUpOccasion | None = None
    # Earlier assessments of the year, oldest first: (occasion, value).
    earlier: list[tuple[FollowUpOccasion, ScaleValue]] = field(default_factory=list)
    # The indicators that follow the goal up, with their trend
    # (indicators.series.IndicatorData.describe, charts.trend).
    indicators: list[IndicatorData] = field(default_factory=list)

    @property
    def trend(self) -> list[tuple[FollowUpOccasion, ScaleValue]]:
        """Every assessment of the year, oldest first."""
        if self.latest is None:
            return []
        return [*self.earlier, (self.latest_occasion, self.latest)]


@dataclass
class Goals:
    year: int
    units: list[Unit]
    perspectives: list[tuple[str, list[GoalRow]]]
    counts: list[tuple[str, list[tuple[str, str, int]]]]  # perspective → (symbol, label, n)
    picture: str
    # The user's units without goals of their own whose nearest units below
    # with goals are shown in their place (e.g. a kommun above its fullmäktige).
    stood_in_for: list[str] = field(default_factory=list)
    # The user's units with neither goals of their own nor units below with
    # goals, shown the goals their items contribute to.
    worked_towards_by: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[GoalRow]:
        return [r for _name, rows in self.perspectives for r in rows]


GOAL_ROLES = (Role.MANAGER, Role.READER)


def _units_with_goals(unit_ids, year: int) -> dict[int, int]:
    """Those of `unit_ids` whose plans have goals in `year` or a year before
    it, with the latest such year."""
    return dict(
        Item.objects.filter(
            # A whole municipality's units for a reader of it: one array (ids_in).
            ids_in("plan__unit_id", unit_ids),
            kind=ItemKind.GOAL,
            plan__plan_type__model__year__lte=year,
            archived_at__isnull=True,
        )
        .values_list("plan__unit_id")
        .annotate(latest=Max("plan__plan_type__model__year"))
        .order_by()
    )


def goals(user, year: int) -> Goals | None:
    """The goals of the year (or of the latest year before it with goals) of
    the units where the user is Chef or Läsare on the unit itself, with the
    latest assessment reported on each at the year's occasions and the trend
    of the indicators that follow each up.

    A unit whose plans have no goals has others in their place, and a line
    says so: the goals of the nearest units below it with goals that the
    user reads (access.nearest_below; a kommun above its fullmäktige and
    nämnder, an avdelning whose goals are its units'), or, with none below
    it, the goals its own items contribute to (an enhet whose activities
    work towards the avdelning's goals). None when the user holds no such
    grant."""
    held = access.held_unit_ids(user, GOAL_ROLES)
    if not held:
        return None
    latest = _units_with_goals(held, year)
    without = held - set(latest)
    towards: dict[int, int] = {}  # a goal worked towards → its year
    with_below: set[int] = set()  # units of `without` shown the goals below them
    working: set[int] = set()  # units of `without` shown the goals they work towards
    names: dict[int, str] = {}
    if without:
        below = _units_with_goals(access.readable_below(user, without), year)
        for pk in without:
            found = access.nearest_below(user, pk, below)
            latest.update({unit_id: below[unit_id] for unit_id in found})
            if found:
                with_below.add(pk)
        if alone := without - with_below:
            for goal, goal_year, unit_id in ItemLink.objects.filter(
                item__plan__unit_id__in=sorted(alone),
                item__archived_at__isnull=True,
                target__kind=ItemKind.GOAL,
                target__archived_at__isnull=True,
                target__plan__plan_type__model__year__lte=year,
            ).values_list(
                "target_id", "target__plan__plan_type__model__year", "item__plan__unit_id"
            ):
                towards[goal] = goal_year
                working.add(unit_id)
        names = dict(Unit.objects.filter(pk__in=sorted(without)).values_list("pk", "name"))
    # The year: this one, or the latest year before it that has goals (the
    # next year's plans may be written before this year's have any).
    year = max([*latest.values(), *towards.values()], default=year)
    # The user reads the units of `latest` (their own, or read through their
    # grant below them: access.rights), so their goals need no further
    # narrowing; the goals worked towards go through the policy.
    found_goals = Q(plan__unit_id__in=sorted(latest))
    if towards:
        found_goals |= Q(pk__in=Item.objects.restrict(user).filter(pk__in=sorted(towards)))
    items = list(
        Item.objects.filter(
            found_goals,
            kind=ItemKind.GOAL,
            archived_at__isnull=True,
            plan__plan_type__model__year=year,
        )
        .select_related("plan__unit", "perspective")
        .order_by("perspective__order", "perspective__name", "plan__unit__name", "number", "pk")
    )
    units = sorted({i.plan.unit for i in items}, key=lambda u: u.name)
    rows = {i.pk: GoalRow(i, i.plan.unit) for i in items}
    stood_in_for = sorted(names[pk] for pk in with_below) if rows else []
    worked_towards_by = sorted(names[pk] for pk in working) if rows else []
    if rows:
        reports = (
            Report.objects.filter(
                item_id__in=list(rows),
                unit_id__in=sorted({row.unit.pk for row in rows.values()}),
                assessment__isnull=False,
                occasion__model__year=year,
            )
            .select_related("assessment", "occasion__model")
            .order_by("occasion__period_end", "occasion__name", "pk")
        )
        for report in reports:
            row = rows[report.item_id]
            if report.unit_id != row.unit.pk:
                continue
            if row.latest is not None:
                row.earlier.append((row.latest_occasion, row.latest))
            row.latest, row.latest_occasion = report.assessment, report.occasion
    if rows:
        links = list(
            ItemLink.objects.filter(
                target_id__in=list(rows),
                item__kind=ItemKind.INDICATOR,
                item__archived_at__isnull=True,
            )
            .select_related("item__plan__unit", "item__plan__plan_type__model")
            .order_by("item__number", "item_id")
        )
        # Only the indicators the user reads (the policy's queryset form,
        # narrowed to the few found first: a subquery over every item is slow).
        readable = set(
            Item.objects.restrict(user)
            .filter(pk__in={link.item_id for link in links})
            .values_list("pk", flat=True)
        )
        links = [link for link in links if link.item_id in readable]
        indicators = {link.item_id: link.item for link in links}
        facts = indicator_data(list(indicators.values()), last_year=year) if indicators else {}
        for link in links:
            if link.item_id in facts:
                rows[link.target_id].indicators.append(facts[link.item_id])
    by_perspective: dict[str, list[GoalRow]] = defaultdict(list)
    for row in rows.values():
        name = row.item.perspective.name if row.item.perspective_id else _("Övriga poster")
        by_perspective[name].append(row)
    perspectives = list(by_perspective.items())
    not_assessed = _("Ej bedömd")
    counts = []
    bars = []
    for name, goal_rows in perspectives:
        found: dict[str, tuple[ScaleValue | None, int]] = {}
        for row in goal_rows:
            label = row.latest.label if row.latest else not_assessed
            value, n = found.get(label, (row.latest, 0))
            found[label] = (value, n + 1)
        ordered = sorted(
            found.items(),
            key=lambda kv: (kv[1][0] is None, kv[1][0].order if kv[1][0] else 0, kv[0]),
        )
        counts.append((name, [(v.symbol if v else "", label, n) for label, (v, n) in ordered]))
        bars.append(
            Bar(
                name,
                [
                    Segment(
                        label, n, v.colour if v else NOT_ASSESSED_COLOUR, v.symbol if v else "–"
                    )
                    for label, (v, n) in ordered
                ],
            )
        )
    picture = ""
    if bars:
        desc = "; ".join(
            f"{name}: " + ", ".join(f"{label} {n}" for _s, label, n in parts)
            for name, parts in counts
        )
        picture = stacked_bars(
            bars,
            title=_("Måluppfyllelse per perspektiv %(year)s") % {"year": year},
            desc=desc,
            id_prefix="maluppfyllelse",
        )
    return Goals(year, units, perspectives, counts, picture, stood_in_for, worked_towards_by)


# --- Det som håller på att bli inaktuellt --------------------------------------------------


@dataclass
class Stale:
    silent: list[tuple[Unit, list[FollowUpOccasion]]]  # units silent at both occasions
    occasions: list[FollowUpOccasion]  # the two occasions looked at, per organisation
    orphans: list[tuple[Item, str]]  # item, why
    orphan_count: int
    unreceived: list[ReportingTask]
    unreceived_count: int

    @property
    def any(self) -> bool:
        return bool(self.silent or self.orphans or self.unreceived)


def _last_two_occasions(organisations, today: datetime.date) -> QuerySet:
    """Per organisation the two latest occasions (by period) that were
    opened and whose period has ended, for the organisations that have two:
    a query that reads no earlier occasion (a window over the ended ones)."""
    occasions = FollowUpOccasion.objects.exclude(status=OccasionStatus.PLANNED).filter(
        period_end__lt=today
    )
    if organisations is not None:
        occasions = occasions.filter(model__organisation__in=organisations)
    per_organisation = F("model__organisation_id")
    return occasions.annotate(
        latest=Window(
            RowNumber(),
            partition_by=per_organisation,
            order_by=[F("period_end").desc(), F("pk").desc()],
        ),
        ended=Window(Count("pk"), partition_by=per_organisation),
    ).filter(latest__lte=2, ended__gte=2)


def silent_units(
    user, today: datetime.date, occasions: list[FollowUpOccasion], occasion_query: QuerySet
):
    """The units the user manages that did not report at either of the two
    latest occasions of their organisation (`occasions`, found by
    `occasion_query`, _last_two_occasions): at each they had tasks, none klarmarkerad, none
    with a reported item (the read model), and every one past its deadline
    (or the end of the period, for a task without one; or the occasion
    closed). The tasks of both occasions are read in one query; the read
    model counts only the tasks of the units quiet at both (no task
    klarmarkerad or still before its deadline), so the number of queries
    does not depend on how many years there are."""
    found_occasions = {o.pk: o for o in occasions}
    # The query of the occasions, not their ids: one query even when there
    # are none (a year without an earlier one).
    managed = ReportingTask.objects.restrict(user, access.Action.MANAGE).filter(
        occasion__in=occasion_query.values("pk")
    )
    rows = managed.order_by("pk").values_list(
        "pk",
        "occasion_id",
        "unit_id",
        "plan_type_id",
        "reporter_id",
        "done_at",
        "step__deadline",
    )
    quiet: dict[int, list[_TaskState]] = defaultdict(list)
    spoke: dict[int, set[int]] = defaultdict(set)
    for pk, occasion_id, unit_id, type_id, reporter_id, done_at, deadline in rows:
        occasion = found_occasions.get(occasion_id)
        if occasion is None:  # an occasion ended between the two queries
            continue
        task = _TaskState(pk, unit_id, type_id, reporter_id, done_at, None, deadline, occasion)
        # A task without a deadline is due when the period has ended.
        passed = (
            occasion.status == OccasionStatus.CLOSED or (deadline or occasion.period_end) < today
        )
        if done_at or not passed:
            spoke[occasion_id].add(unit_id)
        quiet[occasion_id].append(task)
    pairs: dict[int, list[FollowUpOccasion]] = defaultdict(list)
    for occasion in found_occasions.values():
        pairs[occasion.model.organisation_id].append(occasion)
    found = []
    for pair in pairs.values():
        # The units with tasks at both occasions that spoke at neither.
        units = set.intersection(*({t.unit_id for t in quiet[o.pk]} - spoke[o.pk] for o in pair))
        for occasion in pair:
            if not units:
                break
            counting = [t for t in quiet[occasion.pk] if t.unit_id in units]
            unit_query = (
                managed.filter(occasion=occasion).order_by().values("unit_id")
                if len(units) > 500
                else None
            )
            counted = readmodel.task_counts(occasion, counting, unit_query=unit_query)
            units -= {t.unit_id for t in counting if counted[t.pk][0]}
        found.extend((unit_id, sorted(pair, key=lambda o: o.period_end)) for unit_id in units)
    units = Unit.objects.in_bulk([unit_id for unit_id, _pair in found])
    result = [(units[unit_id], pair) for unit_id, pair in found]
    result.sort(key=lambda r: r[0].name)
    return result


def orphan_items(user, year: int) -> tuple[list[tuple[Item, str]], int]:
    """Items of this year's and later plans in units the user manages whose responsible person
    is inactive or no longer reads the item's unit (access.units_read_by). Only the
    items listed are loaded in full."""
    rows = list(
        Item.objects.restrict(user, access.Action.MANAGE)
        .filter(
            responsible__isnull=False,
            plan__plan_type__model__year__gte=year,
            archived_at__isnull=True,
        )
        .order_by("plan__unit__name", "number", "pk")
        .values_list("pk", "plan__unit_id", "responsible_id", "responsible__is_active")
    )
    reach = access.units_read_by({responsible_id for _pk, _u, responsible_id, _a in rows})
    found: list[tuple[int, bool]] = []  # item pk, whether the person is inactive
    for pk, unit_id, responsible_id, is_active in rows:
        if not is_active:
            found.append((pk, True))
            continue
        units = reach.get(responsible_id, set())
        if units is not None and unit_id not in units:
            found.append((pk, False))
    listed = found[:LISTED]
    items = Item.objects.select_related("plan__unit", "responsible").in_bulk(
        [pk for pk, _inactive in listed]
    )
    result = []
    for pk, inactive in listed:
        item = items[pk]
        person = item.responsible
        if inactive:
            result.append((item, _("%(name)s är inaktiverad") % {"name": person}))
        else:
            result.append(
                (item, _("%(name)s har ingen behörighet på enheten längre") % {"name": person})
            )
    return result, len(found)


def unreceived_tasks(user) -> tuple[list[ReportingTask], int]:
    """Open occasions' tasks not klarmarkerade, in units the user manages,
    that are in nobody's Mina uppgifter: a unit's task without an active
    Chef or Modellägare on the unit (access.task_receivers), a Rapportör's
    task whose Rapportör is inactive or no longer reads the unit. Only the
    tasks listed are loaded in full."""
    open_tasks = ReportingTask.objects.restrict(user, access.Action.MANAGE).filter(
        occasion__status=OccasionStatus.OPEN, done_at__isnull=True
    )
    rows = list(
        open_tasks.order_by("occasion__period_end", "unit__name", "pk").values_list(
            "pk", "unit_id", "reporter_id"
        )
    )
    receivers = access.task_receivers(
        open_tasks.filter(reporter__isnull=True).order_by().values("unit_id")
    )
    reach = access.units_read_by({reporter_id for _pk, _u, reporter_id in rows if reporter_id})
    found = []
    for pk, unit_id, reporter_id in rows:
        if reporter_id:
            units = reach.get(reporter_id, set())
            if units is None or unit_id in units:
                continue
        elif receivers.get(unit_id):
            continue
        found.append(pk)
    listed = found[:LISTED]
    tasks = ReportingTask.objects.select_related("unit", "occasion", "reporter").in_bulk(listed)
    return [tasks[pk] for pk in listed], len(found)


def stale(user, today: datetime.date) -> Stale | None:
    """For model owners (access.can_manage_any); None for everyone else."""
    if not access.can_manage_any(user):
        return None
    organisations = access.organisation_ids(user)
    query = _last_two_occasions(organisations, today)
    occasions = list(query.select_related("model").order_by("-period_end", "-pk"))
    orphans, orphan_count = orphan_items(user, today.year)
    unreceived, unreceived_count = unreceived_tasks(user)
    return Stale(
        silent_units(user, today, occasions, query),
        occasions,
        orphans,
        orphan_count,
        unreceived,
        unreceived_count,
    )


# --- Dokument och året ---------------------------------------------------------------------


def latest_documents(user) -> list[DocumentJob]:
    """The latest documents made for units whose whole part of the tree the
    user reads (access.tree_unit_ids, as the download asks)."""
    ids = access.tree_unit_ids(user)
    if ids is not None and not ids:
        return []
    jobs = DocumentJob.objects.filter(status=JobStatus.DONE).defer("data")
    if ids is not None:
        jobs = jobs.filter(unit_id__in=ids)
    return list(jobs.select_related("unit", "occasion").order_by("-finished_at", "-pk")[:DOCUMENTS])


@dataclass
class Year:
    organisation: Unit
    year: int
    picture: str
    coming: list[Entry]  # what comes next, from today


def year(user, today: datetime.date) -> Year | None:
    """The year of the user's (first) organisation as the Årshjul draws it."""
    roots = readable_roots(user)
    organisation = next((r for r in roots if r.valid_to is None), None) or next(iter(roots), None)
    if organisation is None:
        return None
    months = timeline(organisation, today.year, today)
    coming = [
        e
        for month in months
        for e in month.entries
        if not e.is_today_marker and e.kind != "start" and e.date >= today
    ][:5]
    return Year(organisation, today.year, year_picture(months, today.year, today), coming)


# --- The page ------------------------------------------------------------------------------


@dataclass
class StartPage:
    vision: object
    tasks: MyTasks | None  # None for those who never get tasks (access.may_have_tasks)
    units: list
    followed: list[Followed]
    goals: Goals | None
    stale: Stale | None
    documents: list[DocumentJob]
    year: Year | None
    multiple_organisations: bool = False
    to_review: list = field(default_factory=list)  # followup.queries.to_review


def start_page(user, today: datetime.date) -> StartPage:
    return StartPage(
        vision=vision_for(user),
        tasks=my_tasks(user, today) if access.may_have_tasks(user) else None,
        units=my_units(user),
        followed=followed_occasions(user, today),
        goals=goals(user, today.year),
        stale=stale(user, today),
        documents=latest_documents(user),
        year=year(user, today),
        to_review=followup_queries.to_review(user),
    )
