"""Reads for the follow-up pages a reporter uses: "Mina uppgifter" on the
start page and the reporting page of a task. Every function runs a fixed
number of queries whatever the number of tasks, items or reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.lookups import ids_in
from styrhjul.indicators.aggregate import is_stale
from styrhjul.indicators.models import IndicatorValue
from styrhjul.indicators.series import latest_copies, value_rows
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item, ItemLink

from . import readmodel, services
from .models import OccasionStatus, Report, ReportingTask

TASK_RELATED = (
    "occasion",
    "occasion__model",
    "unit",
    "unit__unit_type",
    "plan_type",
    "plan_type__model",
    "step",
    "reporter",
    "done_by",
    "reviewed_by",
)


# --- Mina uppgifter ------------------------------------------------------------------------


@dataclass
class TaskRow:
    task: ReportingTask
    reported: int
    total: int
    overdue: bool
    locked: bool = False

    @property
    def review(self) -> str | None:
        """The review state (readmodel.review_state)."""
        return readmodel.review_state(self.task)

    @property
    def review_label(self) -> str:
        return str(readmodel.REVIEW_LABELS.get(self.review, ""))

    @property
    def done(self) -> bool:
        return self.task.done_at is not None


def my_tasks(user, today: datetime.date | None = None) -> list[TaskRow]:
    """The user's tasks (access.my_tasks_filter) in open occasions. Tasks not
    yet done come first, by deadline.

    Five queries (two of them the user's rights, usually cached)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return []
    today = today or timezone.localdate()
    tasks = list(
        ReportingTask.objects.filter(occasion__status=OccasionStatus.OPEN)
        .filter(access.my_tasks_filter(user))
        .select_related("occasion", "unit", "plan_type", "step", "reporter", "reviewed_by")
    )
    if not tasks:
        return []
    counts = _progress(tasks)
    rows = []
    for task in tasks:
        reported, total = counts[task.pk]
        locked = services.is_locked(task, today)
        rows.append(TaskRow(task, reported, total, services.is_late(task, today), locked))
    rows.sort(
        key=lambda r: (
            r.done,
            r.task.deadline or datetime.date.max,
            r.task.occasion.name,
            r.task.name,
        )
    )
    return rows


def to_review(user, limit: int = 50) -> list[ReportingTask]:
    """Att granska: the klarmarkerade tasks of open occasions that wait for
    the user's review (readmodel.review_state, access.may_review), the
    longest waiting first. One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    if access.unit_ids(user, access.Action.REVIEW) == set():
        return []  # reviews nowhere (most reporters): no query to build
    return list(
        ReportingTask.objects.filter(occasion__status=OccasionStatus.OPEN)
        .filter(readmodel.awaiting_review_filter())
        .restrict(user, access.Action.REVIEW)
        .select_related("occasion", "unit", "plan_type", "step", "done_by")
        .order_by("done_at", "pk")[:limit]
    )


def _progress(tasks: list[ReportingTask]) -> dict[int, tuple[int, int]]:
    return readmodel.task_progress(tasks)


# --- The reporting page ----------------------------------------------------------------------


def task_queryset():
    return ReportingTask.objects.select_related(*TASK_RELATED)


@dataclass
class Entry:
    """One item on the reporting page with everything its form needs."""

    item: Item
    report: Report | None
    value: IndicatorValue | None  # the outcome of the occasion's year or part of it
    earlier: list[IndicatorValue]  # earlier years' outcomes, oldest first
    shared_from: Unit | None = None
    # An indicator's values for the task's unit up to the task's year, as
    # indicators.series.series_values gives them: (year, period) → value.
    series_values: dict | None = None
    depth: int = 0
    children: list[Entry] = field(default_factory=list)
    form: object = None  # set by the view (reporting.ReportForm)
    may_report: bool = False
    conflict: Report | None = None
    saved: bool = False
    review_comment: str = ""  # the reviewer's comment at the item (task sent back)
    facts: object = None  # an indicator's IndicatorData (indicators.analysis)
    goal_facts: list = field(default_factory=list)  # a goal's indicators' IndicatorData
    # An indicator's charts per uppdelning (indicators.charts.ShownBreakdown).
    breakdowns: list = field(default_factory=list)
    computed: object = None  # the value computed from sub-units (indicators.aggregate)
    state: str = readmodel.NOT_REPORTED  # the read model's state of the item

    @property
    def reported(self) -> bool:
        return self.state == readmodel.REPORTED

    @property
    def computed_stale(self) -> bool:
        """Inaktuellt: the unit's computed value is no longer what its
        sub-units give (indicators.aggregate.is_stale)."""
        return is_stale(self.value, self.computed)

    @property
    def started(self) -> bool:
        return self.state == readmodel.STARTED


@dataclass
class Group:
    name: str
    entries: list[Entry]  # flattened, in plan order, each with its depth


@dataclass
class TaskPage:
    task: ReportingTask
    groups: list[Group]
    entries: dict[int, Entry]  # item id → entry
    scale_values: dict[int, list[ScaleValue]]  # scale id → values
    reported: int
    total: int


def scale_values_for(task: ReportingTask) -> dict[int, list[ScaleValue]]:
    """The values of the plan type's scales, by scale (one query)."""
    pt = task.plan_type
    scale_ids = {
        pt.activity_scale_id,
        pt.indicator_scale_id,
        pt.goal_scale_id,
        pt.control_scale_id,
        pt.assignment_scale_id,
    } - {None}
    result: dict[int, list[ScaleValue]] = defaultdict(list)
    for value in ScaleValue.objects.filter(scale_id__in=scale_ids).order_by("order", "pk"):
        result[value.scale_id].append(value)
    return result


def task_page(user, task: ReportingTask) -> TaskPage:
    """Exactly services.task_items(task), grouped like the plan: perspective →
    goal → what contributes. Each item appears once, under the first of its
    parents that the task holds. Seven queries whatever the number of items
    (readmodel.read: three, and one more with indicators)."""
    # The items, their reports and outcomes and their state: the read model.
    rows = readmodel.for_tasks([task], related=("status", "assessment", "updated_by")).task(task)
    by_id = {row.item.pk: row.item for row in rows}
    items = list(by_id.values())
    values, earlier = _series_values(task, [i for i in items if i.kind == ItemKind.INDICATOR])
    parents: dict[int, list[int]] = defaultdict(list)
    # The ids as one array each (core.lookups.ids_in), not 400 placeholders.
    for child, parent in ItemLink.objects.filter(
        ids_in("item_id", by_id), ids_in("target_id", by_id)
    ).values_list("item_id", "target_id"):
        parents[child].append(parent)
    perspectives = list(task.plan_type.model.perspectives.all())
    scales = scale_values_for(task)

    entries = {
        row.item.pk: Entry(
            row.item,
            row.report,
            row.value,
            earlier.get(row.item.pk, []),
            shared_from=row.item.plan.unit if row.item.plan.unit_id != task.unit_id else None,
            series_values=values.get(row.item.pk),
            state=row.state,
        )
        for row in rows
    }
    kind_order = {k: i for i, k in enumerate(ItemKind.values)}
    position = {pk: i for i, pk in enumerate(by_id)}

    def key(entry: Entry):
        item = entry.item
        return (
            kind_order.get(item.kind, 99),
            item.level.order if item.level_id else 0,
            position[item.pk],
        )

    roots = []
    placed: set[int] = set()
    for pk in by_id:
        parent = next((p for p in sorted(parents[pk], key=position.get) if p in entries), None)
        if parent is not None and not _reaches(parent, pk, parents):
            entries[parent].children.append(entries[pk])
        else:
            roots.append(entries[pk])

    def flatten(nodes: list[Entry], depth: int, out: list[Entry]) -> None:
        for entry in sorted(nodes, key=key):
            if entry.item.pk in placed:
                continue
            placed.add(entry.item.pk)
            entry.depth = depth
            out.append(entry)
            flatten(entry.children, depth + 1, out)

    order = {p.pk: i for i, p in enumerate(perspectives)}
    names = {p.pk: p.name for p in perspectives}
    by_perspective: dict[int | None, list[Entry]] = defaultdict(list)
    for entry in roots:
        by_perspective[entry.item.perspective_id].append(entry)
    groups = []
    for pid in sorted(by_perspective, key=lambda k: (k is None, order.get(k, 0))):
        flat: list[Entry] = []
        flatten(by_perspective[pid], 0, flat)
        # Items without a perspective: "Övriga poster" after the perspectives.
        other = _("Övriga poster") if len(by_perspective) > 1 else _("Poster att rapportera")
        groups.append(Group(names.get(pid) or other, flat))
    # Anything a broken link structure kept out of the tree is still shown.
    rest = [e for pk, e in entries.items() if pk not in placed]
    if rest:
        for entry in rest:
            entry.depth = 0
        groups.append(Group("Övriga poster", rest))
    reported = sum(e.reported for e in entries.values())
    return TaskPage(task, groups, entries, scales, reported, len(entries))


def entry_saved(task: ReportingTask, entry: Entry) -> Entry:
    """The entry of an item (not an indicator) just saved: its report read
    again (one query) and its state by the rule; where it stands on the
    page and its facts as they were."""
    item = entry.item
    report = (
        Report.objects.filter(occasion_id=task.occasion_id, unit_id=task.unit_id, item_id=item.pk)
        .select_related("status", "assessment", "updated_by")
        .first()
    )
    return replace(
        entry,
        report=report,
        form=None,
        conflict=None,
        saved=False,
        state=readmodel.state(item, task.plan_type, report, entry.value, task.unit_id),
    )


def _series_values(
    task: ReportingTask, indicators: list[Item]
) -> tuple[dict[int, dict], dict[int, list[IndicatorValue]]]:
    """The indicators' values of their series for the task's unit up to the
    task's year (indicators.series.series_values, one query; none without
    indicators), and their earlier years' outcomes, oldest first."""
    year = task.occasion.year
    earlier: dict[int, list[IndicatorValue]] = {}
    values: dict[int, dict] = {}
    if indicators:
        # An indicator's outcomes of earlier years may have been entered
        # through last year's copy of it: the series is the same.
        periods = {services.value_period(item, task.occasion) for item in indicators}
        found_values = latest_copies(
            value_rows(
                {item.series for item in indicators},
                [task.unit_id],
                periods={"", *periods},
                last_year=year,
            )
        )
        for item in indicators:
            found = found_values.get((item.series, task.unit_id), {})
            values[item.pk] = found
            earlier[item.pk] = [v for (y, p), v in sorted(found.items()) if not p and y < year]
    return values, earlier


def indicator_entry_saved(task: ReportingTask, entry: Entry) -> Entry:
    """The entry of an indicator just saved, read again as task_page reads
    it, for this item alone: its report and outcome by the read model
    (readmodel.answers, two queries), its series' values for the task's
    unit (one query) and its state by the rule; where it stands on the page
    and its review comment as they were. The facts beside it are the
    caller's to attach again (indicators.analysis.attach_task_facts), as a
    save may have changed them."""
    item = entry.item
    occasion = task.occasion
    found = readmodel.answers(
        [occasion], [task.unit_id], [item], related=("status", "assessment", "updated_by")
    )
    report = found.report(occasion.pk, task.unit_id, item.pk)
    value = found.value(occasion.pk, task.unit_id, item.pk)
    values, earlier = _series_values(task, [item])
    return replace(
        entry,
        report=report,
        value=value,
        earlier=earlier[item.pk],
        series_values=values[item.pk],
        form=None,
        conflict=None,
        saved=False,
        facts=None,
        goal_facts=[],
        breakdowns=[],
        computed=None,
        state=readmodel.state(item, task.plan_type, report, value, task.unit_id),
    )


def _reaches(start: int, target: int, parents: dict[int, list[int]]) -> bool:
    """Whether `target` is above `start` (a cycle guard: links should not
    form cycles, but a page must never loop)."""
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(parents.get(node, ()))
    return False
