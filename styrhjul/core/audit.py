"""The audit trail's one rule for who made a change: every service sets it on
the object before saving, and django-simple-history records it."""

from django.contrib.auth import get_user_model


def set_actor(obj, actor, reason: str | None = None) -> None:
    """Tell the audit trail who made the change (None: the system, e.g. a
    command run as access.SYSTEM) and, optionally, why."""
    obj._history_user = actor if isinstance(actor, get_user_model()) else None
    if reason:
        obj._change_reason = reason
