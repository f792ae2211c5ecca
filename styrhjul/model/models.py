"""The styrmodell: per organisation and year, the vision, perspectives, goal
levels, plan types and scales that plans are built from. All of it is data,
seeded from defaults.py and edited by model owners."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.organisation.models import Unit, UnitType

from .riskscale import RiskScale, default_consequence_labels, default_probability_labels


class Vision(models.Model):
    """Vision: the organisation's long-term picture of itself, with a horizon
    year (e.g. "Sjöbacka 2035"). It holds from valid_from_year until a newer
    vision replaces it."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="visions", verbose_name=_("organisation")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("visionstext"))
    horizon_year = models.PositiveIntegerField(_("målår"))
    valid_from_year = models.PositiveIntegerField(_("gäller från år"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vision")
        verbose_name_plural = _("visioner")
        ordering = ["-valid_from_year"]

    def __str__(self) -> str:
        return self.title

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.unit


class ItemKind(models.TextChoices):
    """Kinds of item a plan holds (posttyper)."""

    GOAL = "goal", _("Mål")
    INDICATOR = "indicator", _("Nyckeltal")
    ACTIVITY = "activity", _("Aktivitet")
    ASSIGNMENT = "assignment", _("Särskilt uppdrag")
    CONTROL_POINT = "control_point", _("Kontrollpunkt")


class ScaleKind(models.TextChoices):
    ACTIVITY_STATUS = "activity_status", _("Status för aktiviteter")
    INDICATOR_ASSESSMENT = "indicator_assessment", _("Bedömning av nyckeltal")
    GOAL_ASSESSMENT = "goal_assessment", _("Bedömning av måluppfyllelse")
    CONTROL_ASSESSMENT = "control_assessment", _("Bedömning av kontrollpunkter")
    ASSIGNMENT_STATUS = "assignment_status", _("Status för särskilda uppdrag")


class GovernanceModel(models.Model):
    """Styrmodell: one organisation's model for one year."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har ändrat styrmodellen medan du arbetade.")

    organisation = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="governance_models",
        verbose_name=_("organisation"),
    )
    year = models.PositiveIntegerField(_("år"))
    # The risk scale of control points (riskscale.py): one label per step,
    # lowest first, and the risk values where medium and high risk begin.
    probability_labels = models.JSONField(
        _("sannolikhet, steg"), default=default_probability_labels
    )
    consequence_labels = models.JSONField(_("konsekvens, steg"), default=default_consequence_labels)
    risk_medium_from = models.PositiveSmallIntegerField(
        _("medelhög risk från riskvärde"), default=4
    )
    risk_high_from = models.PositiveSmallIntegerField(_("hög risk från riskvärde"), default=9)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("styrmodell")
        verbose_name_plural = _("styrmodeller")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_model_per_year")
        ]

    def __str__(self) -> str:
        return _("Styrmodell %(year)s för %(org)s") % {"year": self.year, "org": self.organisation}

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.organisation

    @property
    def risk_scale(self) -> RiskScale:
        return RiskScale.of(self)


class Perspective(models.Model):
    """Styrperspektiv: a perspective that cuts across all levels."""

    model = models.ForeignKey(
        GovernanceModel, on_delete=models.CASCADE, related_name="perspectives"
    )
    name = models.CharField(_("namn"), max_length=100)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perspektiv")
        verbose_name_plural = _("perspektiv")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="perspective_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation


class GoalLevelQuerySet(models.QuerySet):
    def ownable_by(self, unit: Unit) -> "GoalLevelQuerySet":
        """The levels `unit` may own goals at: those naming its unit type, and
        those naming no unit type at all. The one rule for the goal form's
        choices and for the service that saves the goal."""
        named = GoalLevel.unit_types.through.objects.filter(goallevel_id=models.OuterRef("pk"))
        return self.filter(
            ~models.Exists(named) | models.Exists(named.filter(unittype_id=unit.unit_type_id))
        )

    def above(self, level: "GoalLevel") -> "GoalLevelQuerySet":
        """The levels a goal at `level` may contribute to: those of the same
        model higher than it (a lower order), and the level itself where it
        allows links within the level (GoalLevel.links_within_level)."""
        higher = models.Q(order__lt=level.order)
        if level.links_within_level:
            higher |= models.Q(pk=level.pk)
        return self.filter(higher, model_id=level.model_id)


class GoalLevel(models.Model):
    """Målnivå: e.g. Inriktningsmål → Nämndmål → Verksamhetsmål, with the unit
    types that may own goals at the level."""

    model = models.ForeignKey(GovernanceModel, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("namn"), max_length=100)
    order = models.PositiveIntegerField(
        _("ordning"), default=0, help_text=_("Lägre tal är en högre nivå.")
    )
    unit_types = models.ManyToManyField(
        UnitType, blank=True, related_name="goal_levels", verbose_name=_("enhetstyper")
    )
    assesses = models.BooleanField(
        _("bedömer måluppfyllelse"),
        default=True,
        help_text=_("Av: enheter på nivån beskriver bara, utan bedömning."),
    )
    links_within_level = models.BooleanField(
        _("mål kan bidra till mål på samma nivå"),
        default=True,
        help_text=_(
            "Av: ett mål på nivån kan bara bidra till mål på nivåerna ovanför, "
            "inte till andra mål på samma nivå."
        ),
    )
    history = HistoricalRecords(m2m_fields=[unit_types])

    objects = GoalLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("målnivå")
        verbose_name_plural = _("målnivåer")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["model", "name"], name="level_name_unique")]

    def __str__(self) -> str:
        return self.name

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation


class Scale(models.Model):
    """Skala: the values an item's status or assessment can take."""

    model = models.ForeignKey(GovernanceModel, on_delete=models.CASCADE, related_name="scales")
    kind = models.CharField(_("används för"), max_length=30, choices=ScaleKind.choices)
    name = models.CharField(_("namn"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skala")
        verbose_name_plural = _("skalor")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["model", "name"], name="scale_name_unique")]

    def __str__(self) -> str:
        return self.name

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation


class ScaleValue(models.Model):
    """One step of a scale, always shown with its text label (never colour
    alone)."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="values")
    order = models.PositiveIntegerField(_("ordning"), default=0)
    label = models.CharField(_("text"), max_length=100)
    colour = models.CharField(
        _("färg"), max_length=7, default="#6b7280", help_text=_("Hexkod, t.ex. #1e6b34.")
    )
    symbol = models.CharField(_("symbol"), max_length=8, blank=True)
    comment_required = models.BooleanField(_("kommentar krävs"), default=False)
    counts_as_done = models.BooleanField(_("räknas som klar eller uppfylld"), default=False)
    suggested_when = models.CharField(
        _("föreslås när"),
        max_length=10,
        blank=True,
        choices=[
            ("met", _("Målvärdet nås")),
            ("near", _("Nära målvärdet")),
            ("not_met", _("Målvärdet nås inte")),
            ("no_value", _("Utfall saknas")),
        ],
        help_text=_("För bedömning av nyckeltal: när värdet föreslås utifrån utfall och målvärde."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skalvärde")
        verbose_name_plural = _("skalvärden")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="scale_value_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        import re

        if not re.fullmatch(r"#[0-9a-fA-F]{6}", self.colour or ""):
            raise ValidationError({"colour": _("Ange färgen som hexkod, t.ex. #1e6b34.")})

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.scale.model.organisation


class PlanType(models.Model):
    """Plantyp: Verksamhetsplan, Åtgärdsplan, Arbetsmiljömål, Internkontrollplan,
    Egenkontrollplan, Aktivitetsplan … with the item kinds each holds and the
    scales its items are followed up with."""

    model = models.ForeignKey(GovernanceModel, on_delete=models.CASCADE, related_name="plan_types")
    name = models.CharField(_("namn"), max_length=100)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    item_kinds = models.JSONField(_("posttyper"), default=list)
    activity_scale = models.ForeignKey(
        Scale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skala för aktiviteter"),
    )
    indicator_scale = models.ForeignKey(
        Scale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skala för nyckeltal"),
    )
    goal_scale = models.ForeignKey(
        Scale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skala för mål"),
    )
    control_scale = models.ForeignKey(
        Scale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skala för kontrollpunkter"),
    )
    assignment_scale = models.ForeignKey(
        Scale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skala för särskilda uppdrag"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plantyp")
        verbose_name_plural = _("plantyper")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="plan_type_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation

    def holds(self, kind: str) -> bool:
        return kind in self.item_kinds

    def kind_labels(self) -> list[str]:
        labels = dict(ItemKind.choices)
        return [str(labels[k]) for k in self.item_kinds if k in labels]

    def clean(self):
        unknown = [k for k in self.item_kinds if k not in ItemKind.values]
        if unknown:
            raise ValidationError({"item_kinds": _("Okänd posttyp: %s") % ", ".join(unknown)})
        if not self.item_kinds:
            raise ValidationError({"item_kinds": _("Välj minst en posttyp.")})


class AssessmentRule(models.Model):
    """Bedömningsregel: for goals of one level in one plan type, who in the
    chain assesses. The owning unit assesses or only describes; the units a
    goal is shared to (mottagande enheter) assess or only describe (analysis,
    no assessment); and whether the sub-units' assessments are shown to the
    owner in the underlag. Without a rule, the level's own `assesses` holds
    for owner and receivers alike and the underlag shows the assessments."""

    conflict_message = _("Någon annan har ändrat bedömningsregeln medan du arbetade.")

    plan_type = models.ForeignKey(
        PlanType,
        on_delete=models.CASCADE,
        related_name="assessment_rules",
        verbose_name=_("plantyp"),
    )
    level = models.ForeignKey(
        GoalLevel,
        on_delete=models.CASCADE,
        related_name="assessment_rules",
        verbose_name=_("målnivå"),
    )
    owner_assesses = models.BooleanField(
        _("ägande enhet bedömer"),
        default=True,
        help_text=_("Av: enheten som äger målet beskriver bara, utan bedömning."),
    )
    receivers_assess = models.BooleanField(
        _("mottagande enheter bedömer"),
        default=True,
        help_text=_(
            "Av: enheter som målet är delat till beskriver bara (analys, ingen bedömning)."
        ),
    )
    underlag_shows_assessments = models.BooleanField(
        _("underliggande enheters bedömningar visas i underlaget"),
        default=True,
        help_text=_("Av: underlaget visar enheternas analyser men inte deras bedömningar."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bedömningsregel")
        verbose_name_plural = _("bedömningsregler")
        ordering = ["plan_type", "level"]
        constraints = [
            models.UniqueConstraint(fields=["plan_type", "level"], name="one_rule_per_type_level")
        ]

    def __str__(self) -> str:
        return _("%(level)s i %(plan_type)s") % {"level": self.level, "plan_type": self.plan_type}

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.plan_type.model.organisation

    def clean(self):
        if self.level_id and self.plan_type_id and self.level.model_id != self.plan_type.model_id:
            raise ValidationError({"level": _("Målnivån hör till ett annat år.")})


def load_assessment_rules(plan_types) -> None:
    """Read the assessment rules of all `plan_types` (instances) in one query,
    for goal_rule, instead of one query per plan type."""
    plan_types = [pt for pt in plan_types if getattr(pt, "_assessment_rules", None) is None]
    if not plan_types:
        return
    found: dict[int, dict] = {pt.pk: {} for pt in plan_types}
    for type_id, level_id, *flags in AssessmentRule.objects.filter(
        plan_type__in=[pt.pk for pt in plan_types]
    ).values_list(
        "plan_type_id",
        "level_id",
        "owner_assesses",
        "receivers_assess",
        "underlag_shows_assessments",
    ):
        found[type_id][level_id] = tuple(flags)
    for pt in plan_types:
        pt._assessment_rules = found[pt.pk]


def goal_rule(
    plan_type: PlanType, level_id: int | None, level_assesses: bool | None
) -> tuple[bool, bool, bool]:
    """(owner assesses, receivers assess, underlag shows assessments) for
    goals of the level `level_id` (None: no level) in `plan_type`: its
    AssessmentRule, else the level's `assesses` for both roles. The plan
    type's rules are read once per instance."""
    if level_id is None:
        return True, True, True
    if getattr(plan_type, "_assessment_rules", None) is None:
        load_assessment_rules([plan_type])
    found = plan_type._assessment_rules.get(level_id)
    if found is None:
        return bool(level_assesses), bool(level_assesses), True
    return found
