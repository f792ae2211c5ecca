"""Plans and their items: goals, indicators, activities, special assignments
and control points; the links that make the red thread; sharing down the tree."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.model.models import GoalLevel, ItemKind, Perspective, PlanType
from styrhjul.model.riskscale import MAX_STEPS
from styrhjul.organisation.access import RestrictedQuerySet
from styrhjul.organisation.models import Unit

# How many years back an indicator's outcome may at most be reported (Item.earlier_years).
MAX_EARLIER_YEARS = 5


class Plan(models.Model):
    """Plan: a unit's set of items of one plan type for one year (the year is
    the plan type's model year)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("enhet")
    )
    plan_type = models.ForeignKey(
        PlanType, on_delete=models.PROTECT, related_name="plans", verbose_name=_("plantyp")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("planer")
        constraints = [
            models.UniqueConstraint(fields=["unit", "plan_type"], name="one_plan_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.plan_type.name} {self.plan_type.model.year}: {self.unit.name}"

    @property
    def access_unit(self) -> Unit:
        return self.unit

    @property
    def year(self) -> int:
        return self.plan_type.model.year


class Direction(models.TextChoices):
    HIGHER = "higher", _("Högre är bättre")
    LOWER = "lower", _("Lägre är bättre")
    NONE = "none", _("Ingen riktning")


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Rapporteras manuellt")
    KOLADA = "kolada", _("Kolada")
    IMPORTED = "imported", _("Importeras")
    COMPUTED = "computed", _("Beräknas")


class ReportedBy(models.TextChoices):
    EACH_UNIT = "each_unit", _("Varje enhet")
    CENTRAL = "central", _("Centralt")


class Aggregation(models.TextChoices):
    """How a unit's value is computed from its sub-units' values."""

    SUM = "sum", _("Summa")
    MEAN = "mean", _("Medelvärde")
    WEIGHTED_MEAN = "weighted_mean", _("Viktat medelvärde")


class Periodicity(models.TextChoices):
    YEAR = "year", _("År")
    TERTIAL = "tertial", _("Tertial")
    QUARTER = "quarter", _("Kvartal")
    MONTH = "month", _("Månad")


class ItemQuerySet(RestrictedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


def normalise_kpi(kpi_id: str) -> str:
    """A Kolada id (Item.kolada_kpi, and every part of the Kolada code) as
    Kolada writes it: " n21704 " → "N21704"."""
    return (kpi_id or "").strip().upper()


def risk_value(probability: int | None, consequence: int | None) -> int | None:
    """A control point's risk value: probability × consequence, or None
    until both are assessed."""
    if probability and consequence:
        return probability * consequence
    return None


class Item(models.Model):
    """Post i en plan: a goal, indicator, activity, special assignment or
    control point. Kind-specific fields are empty for other kinds."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har ändrat posten medan du arbetade.")

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="items", verbose_name=_("plan")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=ItemKind.choices)
    number = models.CharField(_("nr"), max_length=20, blank=True)
    title = models.CharField(_("rubrik"), max_length=500)
    description = models.TextField(_("beskrivning"), blank=True)
    perspective = models.ForeignKey(
        Perspective,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("perspektiv"),
    )
    level = models.ForeignKey(
        GoalLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("målnivå"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_items",
        verbose_name=_("ansvarig"),
    )
    responsible_text = models.CharField(
        _("ansvarig (funktion)"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. HR-specialist, när ansvaret ligger på en funktion."),
    )
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    contributes_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="ItemLink",
        related_name="contributors",
        verbose_name=_("bidrar till"),
    )

    # Indicator (nyckeltal)
    measure_unit = models.CharField(
        _("måttenhet"), max_length=30, blank=True, help_text=_("T.ex. %, antal, kr, index.")
    )
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, blank=True
    )
    source = models.CharField(
        _("källa"), max_length=10, choices=IndicatorSource.choices, blank=True
    )
    kolada_kpi = models.CharField(_("Kolada-id"), max_length=20, blank=True)
    reported_by = models.CharField(
        _("rapporteras av"), max_length=10, choices=ReportedBy.choices, blank=True
    )
    periodicity = models.CharField(
        _("periodicitet"), max_length=10, choices=Periodicity.choices, blank=True
    )
    gender_split = models.BooleanField(_("könsuppdelat"), default=False)
    earlier_years = models.PositiveSmallIntegerField(
        _("utfall för tidigare år får rapporteras"),
        default=0,
        validators=[MaxValueValidator(MAX_EARLIER_YEARS)],
        help_text=_(
            "Så många år bakåt får utfallet rapporteras eller rättas vid en uppföljning, "
            "t.ex. 1 för förra årets slutliga utfall som kommer på våren. 0: bara "
            "uppföljningens period."
        ),
    )
    aggregation = models.CharField(
        _("beräknas från underliggande enheter som"),
        max_length=20,
        choices=Aggregation.choices,
        blank=True,
        help_text=_("Tomt: enhetens värde rapporteras, det räknas inte fram."),
    )
    baseline_year = models.PositiveIntegerField(_("utgångsår"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("utgångsvärde"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveIntegerField(_("målår"), null=True, blank=True)
    target_value = models.DecimalField(
        _("målvärde"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    near_target_margin = models.DecimalField(
        _("nära målvärde inom"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Hur långt från målvärdet ett utfall räknas som nära målvärde."),
    )

    # Control point (kontrollpunkt)
    area = models.CharField(_("område"), max_length=200, blank=True)
    # A second grouping within the area (e.g. Attest, Upphandling), printed
    # as a sub-heading in the internkontrollrapport.
    process_category = models.CharField(
        _("processkategori"),
        max_length=200,
        blank=True,
        help_text=_(
            "Gruppering inom området, t.ex. Attest eller Upphandling. Blir en underrubrik "
            "i internkontrollrapporten."
        ),
    )
    process = models.CharField(_("process/rutin/system"), max_length=500, blank=True)
    risk = models.TextField(_("risk"), blank=True)
    probability = models.PositiveSmallIntegerField(_("sannolikhet"), null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("konsekvens"), null=True, blank=True)
    control_step = models.TextField(_("kontrollmoment"), blank=True)
    control_method = models.TextField(_("kontrollmetod"), blank=True)
    frequency = models.CharField(_("frekvens"), max_length=100, blank=True)
    risk_handling = models.CharField(
        _("beslut om risken"),
        max_length=20,
        choices=[
            ("control", _("Blir kontrollpunkt")),
            ("other", _("Hanteras på annat sätt")),
        ],
        blank=True,
        default="",
    )
    risk_handling_reason = models.TextField(_("motivering"), blank=True)

    # Special assignment (särskilt uppdrag)
    given_by = models.CharField(_("givet av"), max_length=200, blank=True)

    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The same item from year to year: a copy to the next year keeps it, so an
    # indicator's values of all years make one series.
    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)

    objects = ItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("poster")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["plan", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="item_end_after_start",
            ),
            # The model's risk scale narrows this (services._check_item).
            models.CheckConstraint(
                condition=Q(probability__isnull=True)
                | Q(probability__gte=1, probability__lte=MAX_STEPS),
                name="item_probability_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(consequence__isnull=True)
                | Q(consequence__gte=1, consequence__lte=MAX_STEPS),
                name="item_consequence_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def access_unit(self) -> Unit:
        return self.plan.unit

    @property
    def level_name(self) -> str:
        return self.level.name if self.level_id else ""

    @property
    def unit_name(self) -> str:
        return self.plan.unit.name

    # Access (organisation.access): the plan's unit decides, widened for reading.
    access_unit_lookup = "plan__unit"
    READ_FROM_BELOW = (ItemKind.GOAL, ItemKind.INDICATOR)

    @property
    def readable_from_below(self) -> bool:
        """Goals and indicators are read by the units that work towards them."""
        return self.kind in self.READ_FROM_BELOW

    def contributed_to_from(self, unit_ids: set[int]) -> bool:
        """Does any item of these units (own or shared to them) contribute to
        this one, through links?"""
        from .services import descendant_ids

        below = descendant_ids([self.pk])
        return (
            bool(below)
            and Item.objects.filter(pk__in=below)
            .filter(
                Q(plan__unit__in=unit_ids)
                | Q(shares__unit__in=unit_ids, shares__ended_at__isnull=True)
            )
            .exists()
        )

    @classmethod
    def access_read_also(cls, rights) -> Q:
        """The items read beyond their unit's readers (access.restrict, as
        access.can answers for one item): the goals and indicators of the
        units the user's units work towards (`rights.above`) and those their
        items contribute to, and the items shared to the user's units."""
        readable = sorted(rights.readable)
        shared = ItemShare.objects.filter(
            item=OuterRef("pk"), ended_at__isnull=True, unit__in=readable
        )
        return (
            Q(plan__unit__in=rights.above, kind__in=cls.READ_FROM_BELOW)
            | Q(pk__in=_contributed_to(readable), kind__in=cls.READ_FROM_BELOW)
            | Exists(shared)
        )

    def extra_read_unit_ids(self) -> set[int]:
        """Units the item is shared to: their readers see it too."""
        return {s.unit_id for s in self.shares.all() if s.ended_at is None}

    @property
    def risk_value(self) -> int | None:
        return risk_value(self.probability, self.consequence)

    @property
    def risk_text(self) -> str:
        """E.g. "6, medel (sannolikhet 2 Mindre sannolik × konsekvens 3 Kännbar)",
        on the risk scale of the item's model."""
        value = self.risk_value
        if not value:
            return ""
        scale = self.plan.plan_type.model.risk_scale
        band = scale.band(value)
        return (
            f"{value}, {band[1]} (sannolikhet {self.probability} "
            f"{scale.probability_label(self.probability)} × konsekvens {self.consequence} "
            f"{scale.consequence_label(self.consequence)})"
        )

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Slutdatum kan inte vara före startdatum.")
        for name in ("probability", "consequence"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= MAX_STEPS:
                errors[name] = _("Ange ett värde från 1 till %(max)d.") % {"max": MAX_STEPS}
        if self.kind == ItemKind.GOAL and self.level_id is None:
            errors["level"] = _("Välj målnivå.")
        if errors:
            raise ValidationError(errors)


def _contributed_to(unit_ids: list[int]) -> RawSQL:
    """The items that items of these units (own or shared to them)
    contribute to, through links, transitively: a subquery."""
    link, item, plan, share = (m._meta.db_table for m in (ItemLink, Item, Plan, ItemShare))
    if not unit_ids:
        return RawSQL(f"SELECT id FROM {item} WHERE 1 = 0", [])
    units = ", ".join(["%s"] * len(unit_ids))
    # The seeds are one IN over a UNION ALL, not two INs joined by OR: with
    # the OR, PostgreSQL read every link of every year (and again at each
    # step of the walk); with ten years of history that took 2.9 s for one
    # enhet, and 66–96 ms this way (docs/prestanda.md).
    sql = (
        f"WITH RECURSIVE up(id) AS ("
        f"SELECT l.target_id FROM {link} l WHERE l.item_id IN ("
        f"SELECT i.id FROM {item} i JOIN {plan} p ON p.id = i.plan_id WHERE p.unit_id IN ({units})"
        f" UNION ALL "
        f"SELECT s.item_id FROM {share} s WHERE s.ended_at IS NULL AND s.unit_id IN ({units})) "
        f"UNION SELECT l.target_id FROM {link} l JOIN up ON l.item_id = up.id) "
        "SELECT id FROM up"
    )
    return RawSQL(sql, [*unit_ids, *unit_ids])


class ItemLink(models.Model):
    """Koppling: `item` contributes to `target` (the red thread, upwards)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_up")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_down")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koppling")
        verbose_name_plural = _("kopplingar")
        constraints = [
            models.UniqueConstraint(fields=["item", "target"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(item=models.F("target")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.target}"

    @property
    def access_unit(self) -> Unit:
        return self.item.plan.unit


class ItemShare(models.Model):
    """Delning: an item made at a higher level, shared to a unit that reports
    on its own share. Unsharing ends the share but keeps the row, so what the
    unit reported stays attached."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="shared_items", verbose_name=_("enhet")
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="shared_items",
        help_text=_("Den mottagande enhetens plan av samma typ."),
    )
    ended_at = models.DateTimeField(_("delning avslutad"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delning")
        verbose_name_plural = _("delningar")
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="one_share_per_unit")]

    def __str__(self) -> str:
        return f"{self.item} → {self.unit}"

    @property
    def access_unit(self) -> Unit:
        return self.item.plan.unit

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class IndicatorTarget(models.Model):
    """Målvärde per år: an indicator's target for one year, on the way to the
    target value (Item.target_value by Item.target_year)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="targets", verbose_name=_("nyckeltal")
    )
    year = models.PositiveIntegerField(_("år"))
    value = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("målvärde per år")
        verbose_name_plural = _("målvärden per år")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["item", "year"], name="one_target_per_year")]

    def __str__(self) -> str:
        return f"{self.item}: {self.year}"

    @property
    def access_unit(self) -> Unit:
        return self.item.plan.unit
