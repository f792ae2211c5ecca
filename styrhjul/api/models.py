"""Personal access tokens (API-nycklar) for the REST API."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Scope(models.TextChoices):
    READ = "read", _("Läsa")
    WRITE = "write", _("Läsa och ändra")


def digest(secret: str) -> str:
    """How a token is stored: its SHA-256. A token is 256 random bits, so a
    fast hash is enough (no dictionary to guess from), and a lookup by digest
    takes one indexed query."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """API-nyckel: a personal access token a user makes on their account page
    for a program that reads (or also changes) what they may, as them. Only
    its digest is stored; the token itself is shown once when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("användare"),
    )
    name = models.CharField(_("namn"), max_length=100)
    # The first characters of the token, shown in lists to tell tokens apart.
    prefix = models.CharField(_("början"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("behörighet"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    expires_on = models.DateField(_("giltig till och med"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)
    # Calls a minute; empty: settings.API_RATE_LIMIT (limits.py).
    rate_limit = models.PositiveIntegerField(
        _("anrop per minut"),
        null=True,
        blank=True,
        help_text=_("Tomt: installationens gräns."),
    )
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, today=None) -> bool:
        """Neither revoked nor past its last valid day."""
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today

    @property
    def writes(self) -> bool:
        return self.scope == Scope.WRITE


class MachineClient(models.Model):
    """Maskinklient: an integration (an HR or BI system, a data warehouse)
    that calls the API as a service user of its own. The service user is an
    ordinary user without a password (it cannot log in) whose grants are
    ordinary RoleGrants, given on its user page, so the one access policy
    decides what it reads and writes. An administrator makes the client and
    its tokens."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="machine_client",
        verbose_name=_("tjänsteanvändare"),
    )
    description = models.TextField(_("beskrivning"), blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("skapad av"),
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maskinklient")
        verbose_name_plural = _("maskinklienter")
        ordering = ["user__first_name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.first_name or self.user.username
