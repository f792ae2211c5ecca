"""Follow-up (uppföljning): the year wheel's occasions with their steps and
deadlines per organisational level, calendar events, the reporting tasks an
occasion creates, and the reports written on items."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.core.models import EditedText
from styrhjul.economy.models import AMOUNT, ReportRow
from styrhjul.model.models import GovernanceModel, PlanType, ScaleValue
from styrhjul.organisation.access import RestrictedQuerySet
from styrhjul.organisation.models import Unit, UnitType
from styrhjul.planning.models import Item


class OccasionKind(models.TextChoices):
    MONTHLY = "monthly", _("Månadsuppföljning")
    INTERIM = "interim", _("Delårsbokslut")
    ANNUAL = "annual", _("Årsbokslut")
    OTHER = "other", _("Annan uppföljning")


class OccasionStatus(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    OPEN = "open", _("Öppen")
    CLOSED = "closed", _("Stängd")


class FollowUpOccasion(models.Model):
    """Uppföljningstillfälle: e.g. "Delårsrapport 2025", per 31 August,
    covering some plan types, with a schedule of steps per level."""

    model = models.ForeignKey(
        GovernanceModel,
        on_delete=models.PROTECT,
        related_name="occasions",
        verbose_name=_("styrmodell"),
    )
    kind = models.CharField(_("typ"), max_length=10, choices=OccasionKind.choices)
    name = models.CharField(_("namn"), max_length=200)
    period_end = models.DateField(
        _("avser perioden till och med"), help_text=_("T.ex. 2025-08-31 för delår per augusti.")
    )
    plan_types = models.ManyToManyField(
        PlanType, blank=True, related_name="occasions", verbose_name=_("plantyper som följs upp")
    )
    follows_economy = models.BooleanField(
        _("följer upp ekonomin"),
        default=False,
        help_text=_("Enheter med ansvar och cheferna över dem får en uppgift om ekonomin."),
    )
    asks_forecast = models.BooleanField(
        _("helårsprognos"),
        default=False,
        help_text=_("Cheferna lämnar en prognos för helåret per rad i driftredovisningen."),
    )
    forecast_threshold = models.DecimalField(
        _("gräns för åtgärder (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text=_(
            "När prognosen för nettokostnaden är sämre än budgeten med mer än så många "
            "procent av budgeten krävs planerade åtgärder."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OccasionStatus.choices,
        default=OccasionStatus.PLANNED,
    )
    grace_days = models.PositiveIntegerField(
        _("respitdagar efter tidsfristen"),
        default=0,
        help_text=_("Så många dagar efter en nivås tidsfrist går det fortfarande att rapportera."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[plan_types])

    conflict_message = _("Någon annan har ändrat uppföljningstillfället medan du skrev.")

    class Meta:
        verbose_name = _("uppföljningstillfälle")
        verbose_name_plural = _("uppföljningstillfällen")
        ordering = ["period_end", "name"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="occasion_name_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.forecast_threshold is not None and self.forecast_threshold < 0:
            errors["forecast_threshold"] = _("Gränsen kan inte vara negativ.")
        if self.asks_forecast and not self.follows_economy:
            errors["asks_forecast"] = _(
                "Helårsprognos lämnas i den ekonomiska uppföljningen: "
                "kryssa i även ”Följer upp ekonomin”."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        """The name as shown: with the year of its period when the name has
        none, so that monthly follow-ups of different years are told apart
        ("Månadsuppföljning september 2025")."""
        year = str(self.period_end.year)
        return self.name if year in self.name else f"{self.name} {year}"

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation

    @property
    def year(self) -> int:
        return self.model.year


class OccasionStep(models.Model):
    """Steg: who reports when. A step with a unit type is a reporting
    deadline for units of that type; without, a milestone (arbetsutskott,
    nämnden beslutar)."""

    occasion = models.ForeignKey(FollowUpOccasion, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("rubrik"), max_length=200)
    unit_type = models.ForeignKey(
        UnitType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nivå som rapporterar"),
    )
    start = models.DateField(_("startdatum"))
    deadline = models.DateField(_("tidsfrist"))
    review = models.BooleanField(
        _("chef ovanför godkänner"),
        default=False,
        help_text=_(
            "En klarmarkerad uppgift granskas av en chef på en enhet ovanför, som godkänner "
            "den eller skickar tillbaka den med en kommentar."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat steget medan du skrev.")

    class Meta:
        verbose_name = _("steg")
        verbose_name_plural = _("steg")
        ordering = ["deadline", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start")), name="step_deadline_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.start and self.deadline and self.deadline < self.start:
            raise ValidationError(
                {
                    "deadline": _("Tidsfristen kan inte vara före startdatumet (%(date)s).")
                    % {"date": self.start.isoformat()}
                }
            )

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.occasion.model.organisation


class ProcessColour(models.TextChoices):
    """The colours a process (EventCategory) may have: each has a contrast of
    at least 4.5:1 against the page's white background (WCAG 2.1 AA for text,
    and more than the 3:1 for graphics), and white text on it passes too."""

    BLUE = "#0b5394", _("Blå")
    GREEN = "#1e6b34", _("Grön")
    PURPLE = "#5b2a86", _("Lila")
    WINE = "#8b1e3f", _("Vinröd")
    BROWN = "#8a4b00", _("Brun")
    TEAL = "#00636b", _("Petrol")
    MAGENTA = "#9c1c6b", _("Magenta")
    GREY = "#4a5360", _("Grå")


class ProcessSymbol(models.TextChoices):
    """The symbol of a process, so that its colour is never the only cue:
    drawn as a shape in the picture and shown as the character in text."""

    CIRCLE = "circle", _("Cirkel ●")
    SQUARE = "square", _("Kvadrat ■")
    DIAMOND = "diamond", _("Romb ◆")
    TRIANGLE = "triangle", _("Triangel ▲")
    TRIANGLE_DOWN = "triangle_down", _("Triangel nedåt ▼")
    STAR = "star", _("Stjärna ★")


SYMBOL_CHARACTERS = {
    ProcessSymbol.CIRCLE: "●",
    ProcessSymbol.SQUARE: "■",
    ProcessSymbol.DIAMOND: "◆",
    ProcessSymbol.TRIANGLE: "▲",
    ProcessSymbol.TRIANGLE_DOWN: "▼",
    ProcessSymbol.STAR: "★",
}


class ProcessYear(models.TextChoices):
    """Which of the three parallel years a process works on, seen from the
    year its events happen in: last year's closing (bokslut), this year's
    follow-up, next year's budget."""

    LAST = "last", _("Förra året (bokslut)")
    THIS = "this", _("Innevarande år (uppföljning)")
    NEXT = "next", _("Nästa år (budget och planering)")


PROCESS_YEAR_OFFSET = {ProcessYear.LAST: -1, ProcessYear.THIS: 0, ProcessYear.NEXT: 1}


class EventCategory(models.Model):
    """Process i årshjulet (händelsekategori): Budgetprocess, Målprocess,
    Ekonomisk uppföljning, Personal … per styrmodell, with a colour from an
    accessible palette and a symbol."""

    model = models.ForeignKey(
        GovernanceModel,
        on_delete=models.CASCADE,
        related_name="event_categories",
        verbose_name=_("styrmodell"),
    )
    name = models.CharField(_("namn"), max_length=100)
    colour = models.CharField(
        _("färg"), max_length=7, choices=ProcessColour.choices, default=ProcessColour.BLUE
    )
    symbol = models.CharField(
        _("symbol"), max_length=20, choices=ProcessSymbol.choices, default=ProcessSymbol.CIRCLE
    )
    process_year = models.CharField(
        _("arbetar med"),
        max_length=4,
        choices=ProcessYear.choices,
        default=ProcessYear.THIS,
        help_text=_("Vilket av de tre parallella åren processens händelser hör till i bilden."),
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat processen medan du skrev.")

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processer")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="event_category_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def character(self) -> str:
        return SYMBOL_CHARACTERS.get(self.symbol, "")

    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation


class DecidingBody(models.Model):
    """Beslutande organ: Kommunfullmäktige, Kommunstyrelsen, en nämnd … per
    styrmodell, the choices for who decides at an event."""

    model = models.ForeignKey(
        GovernanceModel,
        on_delete=models.CASCADE,
        related_name="deciding_bodies",
        verbose_name=_("styrmodell"),
    )
    name = models.CharField(_("namn"), max_length=100)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat det beslutande organet medan du skrev.")

    class Meta:
        verbose_name = _("beslutande organ")
        verbose_name_plural = _("beslutande organ")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="deciding_body_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation


class CalendarEvent(models.Model):
    """Händelse i årshjulet: budgetdag, beslut i nämnd, VF-listor … with its
    process (category), the body that decides, its owner (a unit and/or a
    person) and the follow-up occasion it belongs to."""

    model = models.ForeignKey(
        GovernanceModel,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("styrmodell"),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    start = models.DateField(_("datum"))
    end = models.DateField(_("till och med"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    category = models.ForeignKey(
        EventCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("process"),
    )
    deciding_body = models.ForeignKey(
        DecidingBody,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("beslutande organ"),
    )
    owner_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_events",
        verbose_name=_("ägande enhet"),
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_events",
        verbose_name=_("ägare"),
    )
    occasion = models.ForeignKey(
        "FollowUpOccasion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("uppföljningstillfälle"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat händelsen medan du skrev.")

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["start", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """The process, the deciding body and the occasion are the same
        year's (model's) as the event."""
        super().clean()
        errors = {}
        for field, message in (
            ("category", _("Välj en process i årets styrmodell.")),
            ("deciding_body", _("Välj ett beslutande organ i årets styrmodell.")),
            ("occasion", _("Välj ett uppföljningstillfälle i årets styrmodell.")),
        ):
            related = getattr(self, field)
            if related is not None and related.model_id != self.model_id:
                errors[field] = message
        if errors:
            raise ValidationError(errors)

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation


class TaskKind(models.TextChoices):
    PLAN = "plan", _("Plan")
    ECONOMY = "economy", _("Ekonomi")


class ReviewStatus(models.TextChoices):
    """The decision of the manager above on a klarmarkerad task (granskning)."""

    APPROVED = "approved", _("Godkänd")
    SENT_BACK = "sent_back", _("Skickad tillbaka")


class ReportingTask(models.Model):
    """Uppgift: one unit's report on one plan at one occasion, e.g.
    "Delårsrapport 2025: Arbetsmiljömål: Serviceenheten". A task with a
    reporter holds only the items assigned to that person (Rapportör). An
    economy task (kind ECONOMY, no plan type) is a unit's follow-up of its
    economy at an occasion that follows up the economy: the figures and, when
    the occasion asks for one, the helårsprognos (Forecast)."""

    occasion = models.ForeignKey(FollowUpOccasion, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(
        _("slag"), max_length=10, choices=TaskKind.choices, default=TaskKind.PLAN
    )
    plan_type = models.ForeignKey(
        PlanType, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    step = models.ForeignKey(
        OccasionStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporting_tasks",
        verbose_name=_("rapportör"),
    )
    name = models.CharField(_("namn"), max_length=300)
    done_at = models.DateTimeField(_("klarmarkerad"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_until = models.DateField(
        _("öppnad igen till och med"),
        null=True,
        blank=True,
        help_text=_("En modellägare kan öppna en låst uppgift igen."),
    )
    # Granskning (followup.review): the last decision of a manager above, when
    # the task's step asks for one. Klarmarkera again after Skickad tillbaka
    # clears the decision: the task waits for review again.
    review_status = models.CharField(
        _("granskning"), max_length=10, choices=ReviewStatus.choices, blank=True, default=""
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    review_comment = models.TextField(_("kommentar från granskningen"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()
    access_unit_lookup = "unit"

    class Meta:
        verbose_name = _("uppgift")
        verbose_name_plural = _("uppgifter")
        ordering = ["occasion", "unit__name", "plan_type__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "unit", "plan_type"],
                condition=Q(reporter__isnull=True),
                name="one_manager_task_per_plan",
            ),
            models.UniqueConstraint(
                fields=["occasion", "unit", "plan_type", "reporter"],
                condition=Q(reporter__isnull=False),
                name="one_reporter_task_per_plan",
            ),
            models.UniqueConstraint(
                fields=["occasion", "unit"],
                condition=Q(kind="economy"),
                name="one_economy_task",
            ),
            models.CheckConstraint(
                condition=(Q(kind="plan") & Q(plan_type__isnull=False))
                | (Q(kind="economy") & Q(plan_type__isnull=True) & Q(reporter__isnull=True)),
                name="task_plan_type_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The name as shown: beginning with the occasion's title, with its
        year ("Månadsuppföljning september 2025: Verksamhetsplan: …"), also
        for a task named when the occasion's name had no year."""
        occasion = self.occasion
        prefix = f"{occasion.name}:"
        if occasion.title != occasion.name and self.name.startswith(prefix):
            return f"{occasion.title}:{self.name[len(prefix) :]}"
        return self.name

    @property
    def access_unit(self) -> Unit:
        return self.unit

    @property
    def is_economy(self) -> bool:
        return self.kind == TaskKind.ECONOMY

    @property
    def plan_name(self) -> str:
        """What the task follows up, as lists name it: the plan type's name,
        or Ekonomi."""
        return str(_("Ekonomi")) if self.plan_type_id is None else self.plan_type.name

    @property
    def deadline(self) -> datetime.date | None:
        return self.step.deadline if self.step_id else None


class ReviewComment(models.Model):
    """A reviewer's comment at one item of a task sent back (”komplettera
    analysen”). Replaced at every new decision on the task."""

    task = models.ForeignKey(
        ReportingTask, on_delete=models.CASCADE, related_name="review_comments"
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("kommentar"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("granskningskommentar")
        verbose_name_plural = _("granskningskommentarer")
        ordering = ["task", "item"]
        constraints = [
            models.UniqueConstraint(fields=["task", "item"], name="one_review_comment_per_item")
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def access_unit(self) -> Unit:
        return self.task.unit


class Report(EditedText):
    """Rapport: what one unit reported on one item at one occasion. Activity
    and assignment use status, completion and comment; indicator uses
    assessment and comment (values in indicators.IndicatorValue); goal uses analysis and
    assessment; control point uses assessment, result (comment) and measures."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har sparat den här rapporten medan du skrev.")

    occasion = models.ForeignKey(FollowUpOccasion, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reports")
    status = models.ForeignKey(
        ScaleValue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("status"),
    )
    completion = models.PositiveSmallIntegerField(_("färdighetsgrad (%)"), null=True, blank=True)
    assessment = models.ForeignKey(
        ScaleValue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bedömning"),
    )
    comment = models.TextField(_("kommentar"), blank=True)
    analysis = models.TextField(_("analys"), blank=True)
    measures = models.TextField(_("åtgärder"), blank=True)
    measures_responsible = models.CharField(_("ansvarig för åtgärden"), max_length=200, blank=True)
    measures_due = models.DateField(_("åtgärden klar senast"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        constraints = [
            models.UniqueConstraint(fields=["occasion", "unit", "item"], name="one_report"),
            models.CheckConstraint(
                condition=Q(completion__isnull=True) | Q(completion__lte=100),
                name="report_completion_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} – {self.unit} ({self.occasion})"

    @property
    def access_unit(self) -> Unit:
        return self.unit


class Forecast(EditedText):
    """Helårsprognos: a unit's forecast of the fiscal year per row of the
    driftredovisning (ForecastRow), made at an occasion that asks for one,
    with an overall comment and, when the forecast is too far below budget,
    planned measures (ForecastMeasure). Amounts as the economy pages show
    them: intäkter positive, kostnader negative."""

    conflict_message = _("Någon annan har sparat prognosen medan du skrev.")

    occasion = models.ForeignKey(
        FollowUpOccasion, on_delete=models.PROTECT, related_name="forecasts"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="forecasts")
    comment = models.TextField(_("kommentar till prognosen"), blank=True)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()
    access_unit_lookup = "unit"

    class Meta:
        verbose_name = _("helårsprognos")
        verbose_name_plural = _("helårsprognoser")
        constraints = [models.UniqueConstraint(fields=["occasion", "unit"], name="one_forecast")]

    def __str__(self) -> str:
        return f"{self.unit} ({self.occasion})"

    @property
    def access_unit(self) -> Unit:
        return self.unit


class ForecastRow(models.Model):
    """The forecast of one row of the driftredovisning for the whole year."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="rows")
    row = models.ForeignKey(ReportRow, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("prognos helår"), **AMOUNT)
    comment = models.TextField(_("kommentar"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rad i helårsprognosen")
        verbose_name_plural = _("rader i helårsprognosen")
        constraints = [models.UniqueConstraint(fields=["forecast", "row"], name="one_forecast_row")]

    def __str__(self) -> str:
        return f"{self.row}: {self.amount}"

    @property
    def access_unit(self) -> Unit:
        return self.forecast.unit


class ForecastMeasure(models.Model):
    """Planerad åtgärd with a forecast below budget: what, who and by when.
    Followed up at the following economy occasions (MeasureFollowUp) until
    marked done."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="measures")
    text = models.TextField(_("åtgärd"))
    responsible = models.CharField(_("ansvarig för åtgärden"), max_length=200)
    due = models.DateField(_("åtgärden klar senast"))
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("åtgärd i prognosen")
        verbose_name_plural = _("åtgärder i prognosen")
        ordering = ["forecast", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def access_unit(self) -> Unit:
        return self.forecast.unit


class MeasureFollowUp(EditedText):
    """Uppföljning av en åtgärd: at a later occasion, what came of a measure
    (åtgärd) reported earlier on a control point (`report`) or planned with a
    helårsprognos (`forecast_measure`), and whether it is done. A measure
    stays open, and is shown at every following occasion of the same plan
    type (economy occasion), until a follow-up marks it done."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har sparat uppföljningen av åtgärden medan du skrev.")

    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name=_("rapport"),
    )
    forecast_measure = models.ForeignKey(
        ForecastMeasure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name=_("åtgärd i prognosen"),
    )
    occasion = models.ForeignKey(
        FollowUpOccasion,
        on_delete=models.PROTECT,
        related_name="measure_followups",
        verbose_name=_("uppföljning"),
    )
    result = models.TextField(_("resultat av åtgärden"), blank=True)
    done = models.BooleanField(_("åtgärden är genomförd"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("uppföljning av åtgärd")
        verbose_name_plural = _("uppföljningar av åtgärder")
        constraints = [
            models.UniqueConstraint(fields=["report", "occasion"], name="one_measure_followup"),
            models.UniqueConstraint(
                fields=["forecast_measure", "occasion"], name="one_forecast_measure_followup"
            ),
            models.CheckConstraint(
                condition=Q(report__isnull=False, forecast_measure__isnull=True)
                | Q(report__isnull=True, forecast_measure__isnull=False),
                name="measure_followup_of_one",
            ),
        ]

    def __str__(self) -> str:
        if self.report_id is None:
            return f"{self.forecast_measure} – {self.occasion}"
        return f"{self.report.item} – {self.occasion}"

    @property
    def access_unit(self) -> Unit:
        if self.report_id is None:
            return self.forecast_measure.forecast.unit
        return self.report.unit


class ReminderLog(models.Model):
    """A reminder that was sent, so running send-reminders again sends none twice."""

    task = models.ForeignKey(ReportingTask, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.EmailField()
    kind = models.CharField(max_length=20)  # "before:3", "overdue", "manual"
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "recipient", "kind", "sent_on"], name="one_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


# --- Texts written for a document ----------------------------------------------------------

# The documents that units write texts for, by the kind of the occasion: the
# keys of the document types (documents.layout.DOCUMENTS).
DOCUMENT_AT = {
    OccasionKind.ANNUAL: "arsredovisning",
    OccasionKind.INTERIM: "delarsrapport",
    OccasionKind.MONTHLY: "manadsrapport",
}
SECTION_DOCUMENTS = {
    "delarsrapport": _("Delårsrapport"),
    "arsredovisning": _("Årsredovisning / verksamhetsberättelse"),
    "manadsrapport": _("Månadsrapport"),
    "uppfoljning": _("Uppföljning av aktiviteter per datum"),
}
# The document made at every occasion, whatever its kind, whose own
# sections the units therefore write at every occasion.
EVERY_OCCASION_DOCUMENT = "uppfoljning"


class DocumentSection(models.Model):
    """Eget avsnitt: a section of the year's delårsrapport, årsredovisning
    or Månadsrapport that the controller adds to the built-in ones (e.g.
    "Personal", "Framtid"): its heading, the instruction to those who write
    it, the unit types that write it (none: every unit), whether the writer
    sees what the units below wrote, and its place among the document's
    sections (`order`, on the same scale as the built-in sections' order in
    Dokumentinställningar). Units write it in their task for the occasion
    (DocumentText with `section` = `key`); copied with the styrmodell."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har sparat avsnittet medan du ändrade det.")

    model = models.ForeignKey(
        GovernanceModel,
        on_delete=models.CASCADE,
        related_name="document_sections",
        verbose_name=_("styrmodell"),
    )
    document = models.CharField(_("dokument"), max_length=30, choices=SECTION_DOCUMENTS.items())
    key = models.CharField(_("nyckel"), max_length=30, editable=False)
    heading = models.CharField(_("rubrik"), max_length=120)
    instruction = models.TextField(_("instruktion till den som skriver"), blank=True)
    unit_types = models.ManyToManyField(
        UnitType, blank=True, related_name="+", verbose_name=_("skrivs av")
    )
    shows_sub_units = models.BooleanField(_("visa vad enheterna under har skrivit"), default=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=99)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[unit_types])

    # Everyone with a grant in the organisation reads it (access.can).
    read_in_organisation = True

    class Meta:
        verbose_name = _("eget avsnitt")
        verbose_name_plural = _("egna avsnitt")
        ordering = ["model", "document", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "document", "key"], name="one_document_section_key"
            )
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def access_unit(self) -> Unit:
        return self.model.organisation

    def written_by(self, unit: Unit) -> bool:
        """Whether `unit` writes the section (its unit types were prefetched
        or are read here): every unit when no type is chosen, and every
        unit writes the built-in texts (sections.built_in_sections, not
        stored)."""
        if self.pk is None:
            return True
        types = {t.pk for t in self.unit_types.all()}
        return not types or unit.unit_type_id in types


class DocumentText(EditedText):
    """Text a unit wrote for a document at an occasion: förord,
    sammanfattning and viktiga händelser of its delårsrapport or
    årsredovisning, and its own sections (DocumentSection.key)."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har sparat texterna medan du skrev.")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="document_texts", verbose_name=_("enhet")
    )
    occasion = models.ForeignKey(
        FollowUpOccasion,
        on_delete=models.CASCADE,
        related_name="document_texts",
        verbose_name=_("uppföljning"),
    )
    document = models.CharField(_("dokument"), max_length=30)
    section = models.CharField(_("avsnitt"), max_length=30)
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dokumenttext")
        verbose_name_plural = _("dokumenttexter")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "occasion", "document", "section"], name="one_document_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.occasion}: {self.section}"

    @property
    def access_unit(self) -> Unit:
        return self.unit
