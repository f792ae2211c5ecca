"""Översikt for model owners: every task of an occasion with its status and
progress, live, with filters and an Excel export.

Access (access.overview_unit_ids, the action access.Action.FOLLOW): a model
owner sees the tasks of the units they manage (the unit of their Modellägare
grant and, with the subtree, the units below it), a Chef whose grant reaches
the units below theirs (a förvaltningschef, an avdelningschef) the tasks of
that part of the tree; a model owner at the root of the organisation, and a
Systemadministratör, see all tasks. Anyone who follows none of the
occasion's units gets 404. Those who see a task in the overview may send its
reminder (views_review.remind).

The number of queries does not depend on the number of tasks.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from styrhjul.core.dates import swedish_date
from styrhjul.core.spreadsheet import workbook_bytes
from styrhjul.model.models import PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import UnitType

from . import readmodel
from .models import FollowUpOccasion, ReportingTask
from .services import is_late, is_locked

NOT_STARTED = "ej_paborjad"
IN_PROGRESS = "pagaende"
DONE = "klarmarkerad"
LATE = "forsenad"
LOCKED = "last"
# Granskning, when the task's step asks for it (readmodel.review_state).
AWAITING_REVIEW = readmodel.AWAITING_REVIEW
APPROVED = readmodel.APPROVED
SENT_BACK = readmodel.SENT_BACK

STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("Ej påbörjad"),
    IN_PROGRESS: gettext_lazy("Pågående"),
    DONE: gettext_lazy("Klarmarkerad"),
    LATE: gettext_lazy("Försenad"),
    LOCKED: gettext_lazy("Låst"),
    SENT_BACK: readmodel.REVIEW_LABELS[SENT_BACK],
    AWAITING_REVIEW: readmodel.REVIEW_LABELS[AWAITING_REVIEW],
    APPROVED: readmodel.REVIEW_LABELS[APPROVED],
}


@dataclass
class TaskRow:
    task: ReportingTask
    reported: int
    total: int
    status: str
    may_open: bool = False  # the viewer may open the task page (access.can_read)
    may_reopen: bool = False  # a locked task the viewer may reopen (services.task_reopen)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def deadline(self) -> datetime.date | None:
        return self.task.deadline


# Rows in the table at a time (core.paging): the status counts above it, the
# filters, "alla försenade" and the Excel export cover them all.
PAGE_SIZE = 100

# The plan type filter's value for the economy tasks.
ECONOMY_FILTER = "ekonomi"


@dataclass
class Filters:
    status: str = ""
    unit_type: str = ""
    plan_type: str = ""
    text: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        status = query.get("status", "")
        return cls(
            status=status if status in STATUS_LABELS else "",
            unit_type=query.get("enhetstyp", "").strip(),
            plan_type=query.get("plantyp", "").strip(),
            text=query.get("q", "").strip(),
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.unit_type or self.plan_type or self.text)


@dataclass
class Overview:
    occasion: FollowUpOccasion
    rows: list[TaskRow]
    all_count: int
    counts: dict[str, int] = field(default_factory=dict)
    unit_types: list[UnitType] = field(default_factory=list)
    plan_types: list[PlanType] = field(default_factory=list)
    has_economy: bool = False  # some task is an economy task (filter "Ekonomi")

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(key, str(label), self.counts.get(key, 0)) for key, label in STATUS_LABELS.items()]

    @property
    def late_rows(self) -> list[TaskRow]:
        return [r for r in self.rows if r.status == LATE]


def visible_tasks(user, occasion: FollowUpOccasion):
    """The occasion's tasks the user may follow in the overview (see module doc)."""
    return occasion.tasks.restrict(user, access.Action.FOLLOW)


def may_view(user, occasion: FollowUpOccasion) -> bool:
    return access.can_manage(user, occasion) or visible_tasks(user, occasion).exists()


def viewable_occasion_ids(user, occasions) -> set[int]:
    """The pks of `occasions` whose overview `user` may see: may_view for
    many occasions at once (for the year wheel's links), in at most one query
    (the user's rights are usually cached for the request)."""
    occasions = list(occasions)
    followed = access.overview_unit_ids(user)
    if followed is None:
        return {o.pk for o in occasions}
    if not followed:
        return set()
    managed = access.unit_ids(user, access.Action.MANAGE) or set()
    result = {o.pk for o in occasions if o.model.organisation_id in managed}
    rest = [o.pk for o in occasions if o.pk not in result]
    if rest:
        result |= set(
            ReportingTask.objects.filter(occasion_id__in=rest)
            .restrict(user, access.Action.FOLLOW)
            .values_list("occasion_id", flat=True)
            .distinct()
        )
    return result


def task_status(task: ReportingTask, begun: int, today: datetime.date) -> str:
    """`begun`: the task's items reported or started (readmodel). Låst (the
    reports are read-only: services.is_locked) is its own state; late means
    not klarmarkerad, the deadline passed and still open for reporting.
    A task reviewed by a manager above is Väntar på granskning once
    klarmarkerad, then Godkänd, or Skickad tillbaka until klarmarkerad again
    (readmodel.review_state)."""
    review = readmodel.review_state(task)
    if review in (AWAITING_REVIEW, APPROVED):
        return review
    if task.done_at:
        return DONE
    if is_locked(task, today):
        return LOCKED
    if review == SENT_BACK:
        return SENT_BACK
    if is_late(task, today):
        return LATE
    return IN_PROGRESS if begun else NOT_STARTED


def progress(
    occasion: FollowUpOccasion, tasks: list[ReportingTask], unit_query=None
) -> dict[int, tuple[int, int]]:
    """Task pk → (reported items, items to report): readmodel.task_progress."""
    return readmodel.task_progress(tasks, unit_query)


def overview(
    user, occasion: FollowUpOccasion, filters: Filters | None = None, today=None
) -> Overview:
    filters = filters or Filters()
    today = today or datetime.date.today()
    # The few plan types, steps and unit types are prefetched, not joined: one
    # shared instance each instead of three new model instances per task.
    tasks = list(
        visible_tasks(user, occasion)
        .select_related("unit", "reporter")
        .prefetch_related("unit__unit_type", "plan_type", "step")
        .order_by("unit__name", "unit_id", "plan_type__order", "reporter_id", "pk")
    )
    # Counted in the database by the read model's rule in SQL.
    counted = readmodel.task_counts(
        occasion, tasks, unit_query=visible_tasks(user, occasion).order_by().values("unit_id")
    )
    rows = []
    # All the tasks are the occasion's; is_locked reads it. Cached on each
    # task directly, without the descriptor's checks (3 000 tasks).
    cache_occasion = ReportingTask.occasion.field.set_cached_value
    for task in tasks:
        cache_occasion(task, occasion)
        done, begun, total = counted[task.pk]
        status = task_status(task, begun, today)
        rows.append(
            TaskRow(
                task,
                done,
                total,
                status,
                may_open=access.can_read(user, task),
                may_reopen=status == LOCKED and access.can_manage(user, task),
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    # By id: the prefetched instances, without hashing a model per task.
    unit_types = sorted(
        {
            r.task.unit.unit_type_id: r.task.unit.unit_type
            for r in rows
            if r.task.unit.unit_type_id
        }.values(),
        key=lambda t: (t.order, t.name),
    )
    plan_types = sorted(
        {
            r.task.plan_type_id: r.task.plan_type for r in rows if r.task.plan_type_id is not None
        }.values(),
        key=lambda p: (p.order, p.name),
    )
    has_economy = any(r.task.plan_type_id is None for r in rows)
    all_count = len(rows)
    rows = [r for r in rows if _matches(r, filters)]
    return Overview(occasion, rows, all_count, dict(counts), unit_types, plan_types, has_economy)


def _matches(row: TaskRow, filters: Filters) -> bool:
    task = row.task
    if filters.status and row.status != filters.status:
        return False
    if filters.unit_type and str(task.unit.unit_type_id) != filters.unit_type:
        return False
    if filters.plan_type == ECONOMY_FILTER:
        if task.plan_type_id is not None:
            return False
    elif filters.plan_type and str(task.plan_type_id) != filters.plan_type:
        return False
    if filters.text:
        needle = filters.text.casefold()
        haystack = " ".join(
            [task.name, task.unit.name, task.unit.code or "", str(task.reporter or "")]
        ).casefold()
        if needle not in haystack:
            return False
    return True


# --- Excel ---------------------------------------------------------------------------------


def export_filename(occasion: FollowUpOccasion) -> str:
    return slugify(f"oversikt {occasion.title}") + ".xlsx"


def export_workbook(page: Overview, today: datetime.date) -> bytes:
    """The overview's rows (as filtered) as an .xlsx, in the house style of
    the exports (styrhjul.core.spreadsheet.workbook_bytes): a document
    titled after the occasion, printed landscape with the title on every
    page, the status as of `today`."""

    name = _("Översikt")
    headers = [
        _("Enhet"),
        _("Enhetskod"),
        _("Enhetstyp"),
        _("Plantyp"),
        _("Uppgift"),
        _("Rapportör"),
        _("Tidsfrist"),
        _("Rapporterade poster"),
        _("Poster att rapportera"),
        _("Status"),
        _("Klarmarkerad"),
    ]
    rows = [
        [
            r.task.unit.name,
            r.task.unit.code,
            r.task.unit.unit_type.name if r.task.unit.unit_type_id else "",
            r.task.plan_name,
            r.task.name,
            str(r.task.reporter) if r.task.reporter_id else "",
            r.deadline,
            r.reported,
            r.total,
            r.status_label,
            r.task.done_at.date() if r.task.done_at else None,
        ]
        for r in page.rows
    ]
    widths = [32, 12, 16, 22, 60, 24, 12, 12, 12, 16, 18]
    occasion = page.occasion
    return workbook_bytes(
        [(name, headers, rows)],
        widths={name: widths},
        title=_("Översikt: %(name)s") % {"name": occasion.title},
        subject=_("Uppgifternas status per %(date)s") % {"date": swedish_date(today)},
        creator=occasion.model.organisation.name,
    )
