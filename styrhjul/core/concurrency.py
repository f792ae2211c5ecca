"""Saving what several people may change at once.

**One user action, one transaction.** A service that is one user action (a
use case) is decorated with `use_case`: it runs in a transaction of its own
that nothing may wrap (`durable=True`), so when it returns its changes are
stored, and a view cannot stitch two actions into one. A use case that calls
another runs the inner one inside its own transaction; a command that composes
services (loading the demo, an import) opens `one_action()`.

**Optimistic concurrency.** Everything two people may edit carries a version
(reports, follow-ups of measures, document texts and settings, units, plan
items …). The form carries the version the user opened (0 for a row not yet
saved). The save locks the stored row, refuses the save with `EditConflict`
if someone else saved in between, and otherwise stores it as the next
version:

    row = lock_for_edit(Report, version, gone=..., **key)  # a row keyed by its fields
    lock_version(unit, version)                             # an object the service holds
    ...
    save_edited(row, actor)

`EditConflict` is the one exception for this: it carries the row as the
other person saved it, and a message from the row's model
(`conflict_message`). A page shows it at its form with `show_conflict` (or
`conflict_text`), keeping what the user typed; a conflict no page handles
answers 409 (web/middleware.py), as an API will."""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .audit import set_actor

Row = TypeVar("Row", bound=models.Model)

# --- One transaction per user action -------------------------------------------

_actions = threading.local()


@contextmanager
def one_action():
    """The transaction of one user action: durable when it is the outermost
    (nothing may wrap it), part of the enclosing action otherwise."""
    depth = getattr(_actions, "depth", 0)
    _actions.depth = depth + 1
    try:
        with transaction.atomic(durable=not depth):
            yield
    finally:
        _actions.depth = depth


def use_case(func):
    """Decorate a service that is one user action: it runs in `one_action()`."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with one_action():
            return func(*args, **kwargs)

    return run


# --- Optimistic concurrency ----------------------------------------------------


class EditConflict(Exception):
    """Someone else saved the row after this user opened it. `current` is the
    row as they saved it; the message says what happened, in the words of
    the row's model (its `conflict_message`)."""

    status_code = 409

    def __init__(self, current: models.Model):
        message = getattr(current, "conflict_message", None) or _(
            "Någon annan har sparat medan du skrev."
        )
        super().__init__(str(message))
        self.current = current


def lock_for_edit(model: type[Row], version: int, *, gone: str | None = None, **key) -> Row:
    """The row of `model` with these field values (`key`), locked until the
    transaction ends, for a user who opened it at `version`.

    A row saved since then raises EditConflict. With no row, a new unsaved
    one with the key's values is returned, unless the user opened a saved
    one (version not 0) and `gone` is given: then that is the message of a
    ValidationError (the row was removed while they wrote)."""
    # By pk, not the model's ordering (see lock_version).
    row = model._base_manager.select_for_update().filter(**key).order_by("pk").first()
    if row is None:
        if version and gone is not None:
            raise ValidationError(gone)
        row = model(**key)
        row._edit_key = key  # save_edited finds the row if another is created first
        return row
    if row.version != version:
        raise EditConflict(row)
    return row


def lock_version(obj: Row, version: int) -> Row:
    """Lock the stored row of `obj` (an object the service has changed in
    memory) until the transaction ends; EditConflict if it is no longer at
    `version`, the version the user opened."""
    # By pk, not the model's ordering: PostgreSQL refuses FOR UPDATE on the
    # nullable side of the outer join an ordering over a relation makes.
    stored = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).order_by("pk").first()
    if stored is None:
        raise ValidationError(_("Någon annan har tagit bort det du ändrar."))
    if stored.version != version:
        raise EditConflict(stored)
    obj.version = version
    return obj


def save_edited(row: Row, actor, reason: str | None = None) -> Row:
    """Store a row from lock_for_edit or lock_version: a stored row as its
    next version, a new one as version 1; by `actor` in the row (when it
    records who saved it) and in the audit trail. A new row that someone
    else created first raises EditConflict with theirs."""
    if hasattr(row, "updated_by_id"):
        row.updated_by = actor if isinstance(actor, get_user_model()) else None
    set_actor(row, actor, reason)
    if not row._state.adding:
        row.version += 1  # the row is locked (lock_for_edit, lock_version)
        row.save()
        return row
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        key = getattr(row, "_edit_key", None)
        current = type(row)._base_manager.filter(**key).first() if key else None
        if current is None:
            raise
        raise EditConflict(current) from None
    return row


# --- Showing a conflict on a page ------------------------------------------------


def conflict_text(exc: EditConflict, saved: str | None = None, *, kept: bool = True) -> str:
    """What a page says about a conflict: what happened, what the other
    person saved (`saved`, when the page can say it briefly), and that the
    user's own changes are kept in the form (`kept`; else: try again, on
    top of what is saved now)."""
    parts = [str(exc)]
    if saved:
        parts.append(_("Sparat nu: %(saved)s.") % {"saved": saved})
    if kept:
        parts.append(_("Dina ändringar finns kvar i formuläret; spara igen för att skriva över."))
    else:
        parts.append(_("Försök igen."))
    return " ".join(parts)


def show_conflict(form, exc: EditConflict, saved: str | None = None) -> None:
    """Show a conflict above the form, keep what the user typed, and let the
    next save (made on top of what the other person saved) go through."""
    form.add_error(None, conflict_text(exc, saved))
    if "version" in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = exc.current.version
