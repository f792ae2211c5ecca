"""Making and revoking API tokens: one use case each, audited."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import use_case
from styrhjul.organisation import access
from styrhjul.organisation.models import User

from .models import ApiToken, MachineClient, Scope, digest

PREFIX = "styr_"
# The longest a token may live: a year, then the user makes a new one.
MAX_DAYS = 366


@use_case
def token_create(
    *, actor, name: str, scope: str, expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """Make a token for `actor` (only for oneself). Returns the stored token
    and the secret, which is not stored and cannot be shown again."""
    return _token_make(owner=actor, actor=actor, name=name, scope=scope, expires_on=expires_on)


def _token_make(
    *, owner, actor, name: str, scope: str, expires_on: datetime.date, rate_limit=None
) -> tuple[ApiToken, str]:
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
        user=owner,
        name=name,
        scope=scope,
        expires_on=expires_on,
        rate_limit=rate_limit,
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


# --- Machine clients (maskinklienter) ----------------------------------------------------


@use_case
def machine_client_create(*, actor, name: str, description: str = "") -> MachineClient:
    """Make a machine client: a service user of its own, which cannot log in
    (no password, no e-mail), with no grants until an administrator gives
    it some on its user page. Administrators only."""
    access.require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Ge klienten ett namn, t.ex. systemet som använder den.")})
    base = "maskin-" + (slugify(name)[:40] or "klient")
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, first_name=name[:150], is_active=True)
    user.set_unusable_password()
    set_actor(user, actor)
    user.save()
    client = MachineClient(
        user=user,
        description=description.strip(),
        created_by=actor if isinstance(actor, User) else None,
    )
    set_actor(client, actor)
    client.save()
    return client


@use_case
def machine_token_create(
    *,
    actor,
    client: MachineClient,
    name: str,
    scope: str,
    expires_on: datetime.date,
    rate_limit: int | None = None,
) -> tuple[ApiToken, str]:
    """A token of a machine client's service user, made by an administrator
    (shown once, as every token)."""
    access.require_admin(actor)
    if rate_limit is not None and rate_limit < 0:
        raise ValidationError({"rate_limit": _("Ange ett antal anrop, eller lämna tomt.")})
    return _token_make(
        owner=client.user,
        actor=actor,
        name=name,
        scope=scope,
        expires_on=expires_on,
        rate_limit=rate_limit,
    )


@use_case
def machine_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """An administrator revokes a machine client's token."""
    access.require_admin(actor)
    if not MachineClient.objects.filter(user_id=token.user_id).exists():
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        set_actor(token, actor)
        token.save()
    return token
