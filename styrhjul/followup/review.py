"""Granskning: a manager above approves a klarmarkerad task or sends it back.

When an occasion's step asks for it (`OccasionStep.review`, per occasion and
level), a task of that step that is klarmarkerad waits for review. A Chef or
Modellägare on a unit above (access.may_review) then

* approves it (”Godkänn”): the task stays klarmarkerad and can no longer be
  undone by the unit, or
* sends it back (”Skicka tillbaka”) with a comment, and optionally a comment
  at items (”komplettera analysen”): the klarmarkering is removed, so the
  unit can change its reports again (access.may_change_task); a task whose
  deadline has passed is reopened until a date the reviewer gives, by the
  same field the model owners' ”Öppna igen” sets (services.is_locked).

Klarmarkera again and the task waits for review once more. Each step is a
row in the task's history. What state a task is in is answered by
readmodel.review_state, for the task page, Mina uppgifter, the overview and
its export, and the reminders.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_version, save_edited, use_case
from styrhjul.organisation import access
from styrhjul.organisation.models import User

from . import readmodel
from .models import ReportingTask, ReviewComment, ReviewStatus
from .services import is_locked, task_items


def may_decide(user, task: ReportingTask) -> bool:
    """The task waits for review and the user is one who reviews it."""
    return readmodel.review_state(task) == readmodel.AWAITING_REVIEW and access.may_review(
        user, task
    )


def _check(actor, task: ReportingTask) -> None:
    if not access.may_review(actor, task):
        raise PermissionDenied
    if readmodel.review_state(task) != readmodel.AWAITING_REVIEW:
        raise ValidationError(
            _("Uppgiften väntar inte på granskning: den har ändrats sedan du öppnade den.")
        )


def _decide(task: ReportingTask, actor, status: str, comment: str) -> None:
    task.review_status = status
    task.reviewed_at = timezone.now()
    task.reviewed_by = actor if isinstance(actor, User) else None
    task.review_comment = comment


def _clear_comments(task: ReportingTask, actor) -> None:
    """The comments of the earlier decision go (one by one, into the history)."""
    for old in task.review_comments.all():
        set_actor(old, actor)
        old.delete()


@use_case
def task_approve(*, actor, task: ReportingTask, version: int, comment: str = "") -> ReportingTask:
    """Godkänn: the task stays klarmarkerad, approved by `actor`."""
    lock_version(task, version)
    _check(actor, task)
    _decide(task, actor, ReviewStatus.APPROVED, comment.strip())
    _clear_comments(task, actor)
    return save_edited(task, actor, _("Godkänd"))


@use_case
def task_send_back(
    *,
    actor,
    task: ReportingTask,
    version: int,
    comment: str,
    item_comments: dict[int, str] | None = None,
    until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ReportingTask:
    """Skicka tillbaka with a comment (required) and comments at items: the
    klarmarkering is removed so the unit can complete its report. When the
    task would be locked (services.is_locked), the reviewer gives the date
    until which it is reopened (`until`)."""
    today = today or timezone.localdate()
    lock_version(task, version)
    _check(actor, task)
    errors: dict[str, str] = {}
    comment = comment.strip()
    if not comment:
        errors["comment"] = _("Skriv vad enheten ska komplettera.")
    item_comments = {k: v.strip() for k, v in (item_comments or {}).items() if v and v.strip()}
    items = {i.pk: i for i in task_items(task)} if item_comments else {}
    if set(item_comments) - set(items):
        errors["__all__"] = _("En kommentar gäller en post som inte finns i uppgiften.")
    reopen = None
    if is_locked(task, today):
        if until is None:
            errors["until"] = _(
                "Tidsfristen har passerat: ange till och med vilket datum enheten kan komplettera."
            )
        elif until < today:
            errors["until"] = _("Datumet kan inte vara före i dag (%(date)s).") % {
                "date": today.isoformat()
            }
        else:
            reopen = until
    if errors:
        raise ValidationError(errors)
    task.done_at = None
    task.done_by = None
    if reopen is not None:
        task.reopened_until = reopen
    _decide(task, actor, ReviewStatus.SENT_BACK, comment)
    _clear_comments(task, actor)
    saved = save_edited(task, actor, _("Skickad tillbaka"))
    for item_id, text in item_comments.items():
        row = ReviewComment(task=task, item=items[item_id], text=text)
        set_actor(row, actor)
        row.save()
    return saved


def item_comments(task: ReportingTask) -> dict[int, str]:
    """Item pk → the reviewer's comment at it, while the task is sent back."""
    if readmodel.review_state(task) != readmodel.SENT_BACK:
        return {}
    return dict(task.review_comments.values_list("item_id", "text"))


def context(user, task: ReportingTask) -> dict:
    """For the task's header: its review state (readmodel.review_state) and
    whether the viewer decides it (may_decide)."""
    state = readmodel.review_state(task)
    return {
        "review_state": state,
        "review_label": readmodel.REVIEW_LABELS.get(state, ""),
        "may_review": may_decide(user, task),
    }
