"""Making and revoking API tokens: one use case each, audited."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import use_case

from .models import ApiToken, Scope, digest

PREFIX = "styr_"
# The longest a token may live: a year, then the user makes a new one.
MAX_DAYS = 366


@use_case
def token_create(
    *, actor, name: str, scope: str, expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """Make a token for `actor` (only for oneself). Returns the stored token
    and the secret, which is not stored and cannot be shown again."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Ge nyckeln ett namn, t.ex. programmet som ska använda den.")
    if scope not in Scope.values:
        errors["scope"] = _("Välj om nyckeln får läsa eller också ändra.")
    today = timezone.localdate()
    if expires_on is None or expires_on < today:
        errors["expires_on"] = _("Sista giltighetsdag kan inte ha passerat.")
    elif expires_on > today + datetime.timedelta(days=MAX_DAYS):
        errors["expires_on"] = _("En nyckel gäller högst ett år.")
    if errors:
        raise ValidationError(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        scope=scope,
        expires_on=expires_on,
        prefix=secret[: len(PREFIX) + 6],
        digest=digest(secret),
    )
    set_actor(token, actor)
    token.save()
    return token, secret


@use_case
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Återkalla: the token stops working at once. Only its owner revokes it."""
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        set_actor(token, actor)
        token.save()
    return token
