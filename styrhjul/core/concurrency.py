"""Saving a text that several people may edit at once (an EditedText: a
report, a follow-up of a measure, a document's text).

The user's form carries the version they opened (0 for a row not yet
saved). The save locks the row, refuses it if someone else saved in between
(the exception carries what they saved, so the page can show it), and
otherwise stores it as the next version, by this user:

    row = lock_for_edit(Report, version, stale=StaleReport, gone=..., **key)
    row.comment = comment
    save_edited(row, actor)

Both run inside the service's transaction."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .audit import set_actor
from .models import EditedText

Row = TypeVar("Row", bound=EditedText)


class StaleEdit(Exception):
    """Someone else saved the row after this user opened it; `current` is
    the row as they saved it."""

    def __init__(self, current: EditedText, message: str | None = None):
        super().__init__(message or _("Någon annan har sparat medan du skrev."))
        self.current = current


def lock_for_edit(
    model: type[Row],
    version: int,
    *,
    stale: type[StaleEdit] = StaleEdit,
    gone: str | None = None,
    **key,
) -> Row:
    """The row of `model` with these field values (`key`), locked until the
    transaction ends, for a user who opened it at `version`.

    A row saved since then raises `stale(row)`. With no row, a new unsaved
    one with the key's values is returned, unless the user opened a saved
    one (version not 0) and `gone` is given: then that is the message of a
    ValidationError (the row was removed while they wrote)."""
    row = model.objects.select_for_update().filter(**key).first()
    if row is None:
        if version and gone is not None:
            raise ValidationError(gone)
        return model(**key)
    if row.version != version:
        raise stale(row)
    return row


def save_edited(row: Row, actor, reason: str | None = None) -> Row:
    """Store a row from lock_for_edit: a stored row as its next version, a
    new one as version 1; by `actor` in the row and in the audit trail."""
    if not row._state.adding:
        row.version += 1  # the row is locked (lock_for_edit)
    row.updated_by = actor if isinstance(actor, get_user_model()) else None
    set_actor(row, actor, reason)
    row.save()
    return row
