"""Påminnelser: e-mail to the people who must report a task.

Recipients of a task are the users with the Chef role granted directly on
the task's unit, and for a Rapportör's task also that reporter; only active
users with an e-mail address. Every sent reminder is logged in ReminderLog,
whose unique constraint (task, recipient, kind, day) makes sure nobody gets
the same reminder twice on one day, even when two runs overlap: the log row
is written first and the mail sent after; if sending fails the row is
removed so a later run tries again.

Reminders never go for a klarmarkerad or a locked task (may_remind).

Kinds: "before:N" (N days before the deadline), "overdue" (after the
deadline, while not done and still open for reporting) and "manual" (a model owner pressed "Skicka
påminnelse").

A task waiting for review (readmodel.review_state, Väntar på granskning)
reminds its reviewers instead, once a day from the day after it was
klarmarkerad: kind "review", to those on the nearest unit above who may
review it (access.reviewers), with a link to the review page.

Every reminder says how many of the task's items are reported and lists
those still to report, by the follow-up read model (readmodel).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from styrhjul.core import tasks as background
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, RoleGrant, User

from . import readmodel
from .models import OccasionStatus, ReminderLog, ReportingTask
from .services import is_locked

OVERDUE = "overdue"
MANUAL = "manual"
REVIEW = "review"
LISTED = 20  # items still to report named in a reminder; the rest are counted


def before_kind(days: int) -> str:
    return f"before:{days}"


def reminder_days() -> list[int]:
    """Settings REMINDER_DAYS_BEFORE: "3" or a comma-separated list such as "7,1"."""
    raw = getattr(settings, "REMINDER_DAYS_BEFORE", "3")
    if isinstance(raw, int):
        return [raw]
    if isinstance(raw, list | tuple):
        return sorted({int(d) for d in raw}, reverse=True)
    days = set()
    for part in str(raw).split(","):
        part = part.strip()
        if part:
            days.add(int(part))
    return sorted(days, reverse=True)


def may_remind(task: ReportingTask, today: datetime.date) -> bool:
    """Reminders go only for tasks still open for reporting: never for a
    klarmarkerad task or a locked one (services.is_locked)."""
    return task.done_at is None and not is_locked(task, today)


def task_path(task: ReportingTask) -> str:
    """The task page (built elsewhere); a plain path if its URL is not wired yet."""
    for name in ("followup:task", "followup:task_detail"):
        try:
            return reverse(name, args=[task.pk])
        except NoReverseMatch:
            continue
    return f"/uppfoljning/uppgifter/{task.pk}/"


def task_url(task: ReportingTask, base_url: str | None = None) -> str:
    base = base_url if base_url is not None else getattr(settings, "SITE_URL", "")
    return base.rstrip("/") + task_path(task)


def review_url(task: ReportingTask, base_url: str | None = None) -> str:
    base = base_url if base_url is not None else getattr(settings, "SITE_URL", "")
    return base.rstrip("/") + reverse("followup:task_review", args=[task.pk])


def review_due(today: datetime.date) -> list[ReportingTask]:
    """Tasks of open occasions waiting for review since before today."""
    return list(
        ReportingTask.objects.filter(occasion__status=OccasionStatus.OPEN)
        .filter(readmodel.awaiting_review_filter())
        .exclude(done_at__date__gte=today)
        .select_related("occasion", "unit", "plan_type", "step")
        .order_by("occasion__name", "unit__name", "pk")
    )


def review_plan(tasks: list[ReportingTask]) -> tuple[list[Planned], list[ReportingTask]]:
    """A "review" reminder to every reviewer of every task (access.reviewers)."""
    by_unit = access.reviewers({t.unit_id for t in tasks})
    ids = set().union(*by_unit.values()) if by_unit else set()
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True) if u.email}
    planned, nobody = [], []
    for task in tasks:
        people = sorted(
            (users[pk] for pk in by_unit.get(task.unit_id, ()) if pk in users),
            key=lambda u: u.email.lower(),
        )
        if not people:
            nobody.append(task)
        planned.extend(Planned(task, user, REVIEW) for user in people)
    return planned, nobody


def recipients_for(tasks: Iterable[ReportingTask]) -> dict[int, list[User]]:
    """Task pk → the users to remind (one query for all tasks)."""
    tasks = list(tasks)
    unit_ids = {t.unit_id for t in tasks}
    reporter_ids = {t.reporter_id for t in tasks if t.reporter_id}
    chefs: dict[int, list[User]] = defaultdict(list)
    users: dict[int, User] = {}
    grants = RoleGrant.objects.filter(
        unit_id__in=unit_ids, role=Role.MANAGER, user__is_active=True
    ).select_related("user")
    for grant in grants:
        chefs[grant.unit_id].append(grant.user)
        users[grant.user_id] = grant.user
    missing = reporter_ids - set(users)
    if missing:
        for user in User.objects.filter(pk__in=missing, is_active=True):
            users[user.pk] = user
    result: dict[int, list[User]] = {}
    for task in tasks:
        people = {u.pk: u for u in chefs.get(task.unit_id, [])}
        if task.reporter_id and task.reporter_id in users:
            people[task.reporter_id] = users[task.reporter_id]
        result[task.pk] = sorted(
            (u for u in people.values() if u.email), key=lambda u: u.email.lower()
        )
    return result


@dataclass
class ToReport:
    """A task's items still to report (not reported by the read model's
    rule, started ones included) and how many items it has."""

    missing: list
    total: int
    economy: bool = False  # an economy task: the one thing to report is the forecast

    @property
    def reported(self) -> int:
        return self.total - len(self.missing)


def still_to_report(tasks: Iterable[ReportingTask]) -> dict[int, ToReport]:
    """Task pk → ToReport, for any number of tasks in a fixed number of queries."""
    tasks = list(tasks)
    if not tasks:
        return {}
    model = readmodel.for_tasks(tasks, related=())
    result = {}
    for task in tasks:
        if task.plan_type_id is None:
            done, total = model.progress(task)
            result[task.pk] = ToReport([None] * (total - done), total, economy=True)
            continue
        rows = model.task(task)
        result[task.pk] = ToReport([r.item for r in rows if not r.reported], len(rows))
    return result


def _progress_text(todo: ToReport | None) -> str:
    if todo is None:
        return ""
    if todo.economy:
        if not todo.total:
            return ""
        if todo.missing:
            return "Helårsprognosen är inte lämnad ännu.\n\n"
        return "Helårsprognosen är lämnad.\n\n"
    text = f"Rapporterat: {todo.reported} av {todo.total} poster.\n"
    if todo.missing:
        text += "Kvar att rapportera:\n"
        text += "".join(
            f"- {f'{item.number} ' if item.number else ''}{item.title}\n"
            for item in todo.missing[:LISTED]
        )
        if len(todo.missing) > LISTED:
            text += f"- … och {len(todo.missing) - LISTED} till\n"
    return text + "\n"


def subject_and_body(
    task: ReportingTask,
    kind: str,
    today: datetime.date,
    url: str,
    todo: ToReport | None = None,
):
    deadline = task.deadline
    when = deadline.isoformat() if deadline else "—"
    if kind == REVIEW:
        return f"Att granska: {task.title}", (
            "Hej!\n\n"
            f"Uppgiften ”{task.title}” är klarmarkerad och väntar på din granskning: "
            "godkänn den eller skicka tillbaka den till enheten med en kommentar.\n\n"
            f"Uppföljning: {task.occasion.title}\n"
            f"Enhet: {task.unit.name}\n"
            f"Plan: {task.plan_name}\n\n"
            f"Granska uppgiften: {url}\n\n"
            "Det här meddelandet skickades automatiskt av Styrhjul."
        )
    if kind == OVERDUE:
        subject = f"Försenad rapportering: {task.title}"
        lead = (
            f"Tidsfristen för uppgiften ”{task.title}” var {when} och uppgiften är ännu inte "
            "klarmarkerad."
        )
    elif kind.startswith("before:"):
        days = int(kind.split(":", 1)[1])
        dagar = "dag" if days == 1 else "dagar"
        subject = f"Påminnelse: {task.title} ska rapporteras senast {when}"
        lead = (
            f"Om {days} {dagar} ({when}) går tidsfristen ut för uppgiften ”{task.title}”."
            if days
            else f"I dag ({when}) går tidsfristen ut för uppgiften ”{task.title}”."
        )
    else:
        subject = f"Påminnelse: {task.title}"
        lead = f"Du påminns om att rapportera uppgiften ”{task.title}” (tidsfrist {when})."
    body = (
        "Hej!\n\n"
        f"{lead}\n\n"
        f"Uppföljning: {task.occasion.title}\n"
        f"Enhet: {task.unit.name}\n"
        f"Plan: {task.plan_name}\n\n"
        f"{_progress_text(todo)}"
        f"Öppna uppgiften och rapportera: {url}\n\n"
        "När allt är rapporterat klarmarkerar du uppgiften.\n\n"
        "Det här meddelandet skickades automatiskt av Styrhjul."
    )
    return subject, body


@dataclass
class Planned:
    task: ReportingTask
    recipient: User
    kind: str


@dataclass
class Outcome:
    sent: list[Planned] = field(default_factory=list)
    skipped: list[Planned] = field(default_factory=list)  # already sent today
    failed: list[Planned] = field(default_factory=list)
    no_recipient: list[ReportingTask] = field(default_factory=list)


def send(
    planned: list[Planned],
    *,
    today: datetime.date,
    base_url: str | None = None,
    dry_run: bool = False,
    fail_silently: bool = False,
) -> Outcome:
    """Send the planned reminders that were not sent already today (kind by kind)."""
    outcome = Outcome()
    task_ids = {p.task.pk for p in planned}
    already = set(
        ReminderLog.objects.filter(task_id__in=task_ids, sent_on=today).values_list(
            "task_id", "recipient", "kind"
        )
    )
    connection = None if dry_run else get_connection(fail_silently=fail_silently)
    todo = {} if dry_run else still_to_report({p.task.pk: p.task for p in planned}.values())
    for p in planned:
        key = (p.task.pk, p.recipient.email, p.kind)
        if key in already:
            outcome.skipped.append(p)
            continue
        already.add(key)
        if dry_run:
            outcome.sent.append(p)
            continue
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(
                    task=p.task, recipient=p.recipient.email, kind=p.kind, sent_on=today
                )
        except IntegrityError:  # another run sent it a moment ago
            outcome.skipped.append(p)
            continue
        url = review_url(p.task, base_url) if p.kind == REVIEW else task_url(p.task, base_url)
        subject, body = subject_and_body(p.task, p.kind, today, url, todo.get(p.task.pk))
        try:
            send_mail(
                subject,
                body,
                None,
                [p.recipient.email],
                connection=connection,
                fail_silently=fail_silently,
            )
        except Exception:
            log.delete()
            outcome.failed.append(p)
            if not fail_silently:
                raise
            continue
        outcome.sent.append(p)
    return outcome


def plan_for_tasks(tasks: list[ReportingTask], kind: str) -> tuple[list[Planned], list]:
    """One reminder of `kind` to every recipient of every task."""
    people = recipients_for(tasks)
    planned, nobody = [], []
    for task in tasks:
        if not people.get(task.pk):
            nobody.append(task)
        for user in people.get(task.pk, []):
            planned.append(Planned(task, user, kind))
    return planned, nobody


def due_tasks(today: datetime.date, days: list[int]) -> list[tuple[ReportingTask, str]]:
    """Tasks of open occasions, not done, whose deadline is N days away (one
    of `days`) or has passed."""
    tasks = (
        ReportingTask.objects.filter(
            occasion__status=OccasionStatus.OPEN,
            done_at__isnull=True,
            step__isnull=False,
        )
        .select_related("occasion", "unit", "plan_type", "step")
        .order_by("step__deadline", "occasion__name", "unit__name", "pk")
    )
    due = []
    for task in tasks:
        if not may_remind(task, today):
            continue
        remaining = (task.deadline - today).days
        if remaining < 0:
            due.append((task, OVERDUE))
        elif remaining in days:
            due.append((task, before_kind(remaining)))
    return due


def automatic(
    *, today: datetime.date, days: list[int] | None = None, dry_run: bool = False
) -> Outcome:
    """What send-reminders does: before-deadline and overdue reminders."""
    days = reminder_days() if days is None else days
    due = due_tasks(today, days)
    people = recipients_for([t for t, _ in due])
    planned: list[Planned] = []
    outcome_nobody = []
    for task, kind in due:
        if not people.get(task.pk):
            outcome_nobody.append(task)
        for user in people.get(task.pk, []):
            planned.append(Planned(task, user, kind))
    review_planned, review_nobody = review_plan(review_due(today))
    planned += review_planned
    outcome = send(planned, today=today, dry_run=dry_run)
    outcome.no_recipient = outcome_nobody + review_nobody
    return outcome


def manual(
    *,
    tasks: list[ReportingTask],
    today: datetime.date,
    base_url: str | None = None,
) -> Outcome:
    """A model owner's "Skicka påminnelse" (at most one per recipient and
    day), only for the tasks one may remind about (may_remind)."""
    tasks = [t for t in tasks if may_remind(t, today)]
    planned, nobody = plan_for_tasks(tasks, MANUAL)
    outcome = send(planned, today=today, base_url=base_url, fail_silently=True)
    outcome.no_recipient = nobody
    return outcome


@background.task()
def send_manual(task_ids: list[int], today: str, base_url: str | None = None) -> dict:
    """The background task behind "Skicka påminnelse till alla försenade":
    manual() for the tasks, as they are when the worker runs it."""
    found = ReportingTask.objects.filter(pk__in=task_ids).select_related(
        "occasion", "unit", "plan_type", "step"
    )
    by_pk = {t.pk: t for t in found}
    outcome = manual(
        tasks=[by_pk[pk] for pk in task_ids if pk in by_pk],
        today=datetime.date.fromisoformat(today),
        base_url=base_url,
    )
    return {
        "sent": len(outcome.sent),
        "skipped": len(outcome.skipped),
        "failed": len(outcome.failed),
        "no_recipient": [t.name for t in outcome.no_recipient],
    }
