"""Indicator values (utfall): an indicator's value for a unit and period,
reported in follow-up, imported or computed. Their targets per year are
part of the plan (planning.models.IndicatorTarget), since they are entered,
imported and copied to the next year with the plan's items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.core.models import EditedText
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
        indexes = [
            # A unit's outcomes of one year and period, whichever copy of the
            # indicator they were entered through: how the follow-up's count
            # finds the latest copy's outcome (readmodel._with_state) without
            # walking the copies of every earlier year.
            models.Index(fields=["unit", "year", "period"], name="value_unit_year_period"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.year}{' ' + self.period if self.period else ''}"

    @property
    def access_unit(self) -> Unit:
        return self.unit


# --- Breakdowns (uppdelningar) -------------------------------------------------


class BreakdownDimension(models.Model):
    """Uppdelning: a way the organisation splits an indicator's values
    besides kvinnor and män, e.g. Åldersgrupp (0–17, 18–64, 65+) or
    Kommundel, with its groups (BreakdownCategory)."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="breakdown_dimensions"
    )
    name = models.CharField(_("namn"), max_length=100)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    read_in_organisation = True

    class Meta:
        verbose_name = _("uppdelning")
        verbose_name_plural = _("uppdelningar")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="one_dimension_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_unit(self) -> Unit:
        return self.organisation


class BreakdownCategory(models.Model):
    """Grupp: one value of an uppdelning, e.g. "65+" of Åldersgrupp."""

    dimension = models.ForeignKey(
        BreakdownDimension, on_delete=models.CASCADE, related_name="categories"
    )
    label = models.CharField(_("grupp"), max_length=100)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    read_in_organisation = True

    class Meta:
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "label"], name="one_category_label_per_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension.name}: {self.label}"

    @property
    def access_unit(self) -> Unit:
        return self.dimension.organisation


class BreakdownValue(EditedText):
    """An indicator's value for a unit, a period and one group of an
    uppdelning (the 65+ age group's value 2025, or per August 2025). The
    period is an outcome's (IndicatorValue.period): empty for the whole
    year, else the month the period ends, "2025-08"."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="breakdown_values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(BreakdownCategory, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveIntegerField(_("år"))
    period = models.CharField(
        _("period"), max_length=10, blank=True, help_text=_("Tom för helår, annars t.ex. 2025-08.")
    )
    value = models.DecimalField(_("utfall"), max_digits=14, decimal_places=2)
    source = models.CharField(
        _("källa"), max_length=10, choices=ValueSource.choices, default=ValueSource.MANUAL
    )
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat värdena för uppdelningen medan du skrev.")

    class Meta:
        verbose_name = _("utfall per grupp")
        verbose_name_plural = _("utfall per grupp")
        ordering = ["year", "period", "category__order", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit", "category", "year", "period"],
                name="one_breakdown_value_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.category} {self.period or self.year}"

    @property
    def access_unit(self) -> Unit:
        return self.unit


# --- Comparison values entered by hand ---------------------------------------------


class ComparisonKind(models.TextChoices):
    COUNTRY = "country", _("Riket")
    GROUP = "group", _("Grupp av kommuner")
    MUNICIPALITY = "municipality", _("Kommun")


class ComparisonValue(EditedText):
    """A comparison value entered or imported for an indicator (also one
    without a Kolada id): riket, a group of municipalities ("Liknande
    kommuner") or a named municipality, per year, with its source and date.
    Shown like Kolada's comparisons."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="comparison_values")
    kind = models.CharField(_("jämförelse med"), max_length=12, choices=ComparisonKind.choices)
    name = models.CharField(
        _("namn"), max_length=100, help_text=_("T.ex. Riket, Liknande kommuner eller Växjö.")
    )
    year = models.PositiveIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=2)
    source = models.CharField(
        _("källa"), max_length=200, help_text=_("Var värdet kommer från, t.ex. SKR.")
    )
    source_date = models.DateField(_("datum för källan"))
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat jämförelsevärdet medan du skrev.")

    class Meta:
        verbose_name = _("jämförelsevärde")
        verbose_name_plural = _("jämförelsevärden")
        ordering = ["name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "name", "year"], name="one_comparison_value_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.name} {self.year}"

    @property
    def access_unit(self) -> Unit:
        return self.item.plan.unit
