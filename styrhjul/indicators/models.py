"""Indicator values (utfall): an indicator's value for a unit and period,
reported in follow-up, imported or computed. Their targets per year are
part of the plan (planning.models.IndicatorTarget), since they are entered,
imported and copied to the next year with the plan's items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item


class ValueSource(models.TextChoices):
    MANUAL = "manual", _("Manuellt")
    IMPORTED = "imported", _("Import")
    COMPUTED = "computed", _("Beräknat från underliggande enheter")
    LEDGER = "ledger", _("Beräknat ur bokföringen")


class IndicatorValue(models.Model):
    """Utfall: an indicator's value for a unit and period (the year, or a
    part of it such as "2025-08" for a follow-up per August)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="indicator_values")
    year = models.PositiveIntegerField(_("år"))
    period = models.CharField(
        _("period"), max_length=10, blank=True, help_text=_("Tom för helår, annars t.ex. 2025-08.")
    )
    value = models.DecimalField(_("utfall"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_women = models.DecimalField(
        _("utfall kvinnor"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_men = models.DecimalField(
        _("utfall män"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(
        _("avser"),
        max_length=300,
        blank=True,
        help_text=_("Vad värdet avser, t.ex. ”Avser period ett”."),
    )
    source = models.CharField(
        _("källa"), max_length=10, choices=ValueSource.choices, default=ValueSource.MANUAL
    )
    weight = models.DecimalField(
        _("vikt"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("För viktat medelvärde, t.ex. antal svarande eller elever."),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, null=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    history = HistoricalRecords(table_name="followup_historicalindicatorvalue")

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har ändrat utfallet medan du skrev.")

    class Meta:
        # Made in the followup app; the tables kept their names when it moved.
        db_table = "followup_indicatorvalue"
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")
        ordering = ["year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit", "year", "period"], name="one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.year}{' ' + self.period if self.period else ''}"

    @property
    def access_unit(self) -> Unit:
        return self.unit
