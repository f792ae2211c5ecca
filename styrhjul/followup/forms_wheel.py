"""Forms for the year wheel (årshjulet): occasions, their steps, calendar
events and reopening a task. They check what the model owner typed, in
Swedish at the field; services.py decides and saves."""

from __future__ import annotations

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from styrhjul.model.models import PlanType
from styrhjul.organisation import access
from styrhjul.organisation.forms import DateInput
from styrhjul.organisation.models import Unit, UnitType

from .models import (
    CalendarEvent,
    DecidingBody,
    EventCategory,
    FollowUpOccasion,
    OccasionKind,
    OccasionStep,
    ProcessColour,
    ProcessSymbol,
    ProcessYear,
)
from .services import category_errors, deciding_body_errors, event_errors, occasion_errors

DATE_HELP = _("Datum som ÅÅÅÅ-MM-DD, t.ex. 2025-07-15.")


def date_field(label, *, required=True, help_text=DATE_HELP):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        error_messages={
            "required": _("Ange %(what)s.") % {"what": str(label).lower()},
            "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2025-07-15."),
        },
    )


def version_field():
    """The version of the row the user opened (0 for a new one), checked on
    save (core/concurrency.py)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class OpenedVersion:
    """A form of a row two model owners may change at once: it carries the
    version the user opened."""

    def init_version(self) -> None:
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    @property
    def opened_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class OccasionForm(OpenedVersion, forms.ModelForm):
    """Uppföljningstillfälle. `instance.model` is set by the view."""

    kind = forms.ChoiceField(
        label=_("Typ"),
        choices=[("", _("Välj typ")), *OccasionKind.choices],
        error_messages={
            "required": _("Välj typ av uppföljning."),
            "invalid_choice": _("Välj bland typerna i listan."),
        },
    )
    name = forms.CharField(
        label=_("Namn"),
        max_length=200,
        help_text=_("T.ex. ”Delårsrapport 2025”."),
        error_messages={
            "required": _("Ange ett namn."),
            "max_length": _("Namnet får vara högst %(limit_value)d tecken."),
        },
    )
    period_end = date_field(
        _("Avser perioden till och med"),
        help_text=_("T.ex. 2025-08-31 för delår per augusti. Datum som ÅÅÅÅ-MM-DD."),
    )
    plan_types = forms.ModelMultipleChoiceField(
        label=_("Plantyper som följs upp"),
        queryset=PlanType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Välj bland plantyperna i listan."),
            "invalid_pk_value": _("Välj bland plantyperna i listan."),
        },
    )
    grace_days = forms.IntegerField(
        label=_("Respitdagar efter tidsfristen"),
        min_value=0,
        max_value=365,
        initial=0,
        help_text=_("Så många dagar efter en nivås tidsfrist går det fortfarande att rapportera."),
        error_messages={
            "required": _("Ange antal respitdagar, 0 om inga."),
            "invalid": _("Ange respitdagarna som ett heltal, t.ex. 5."),
            "min_value": _("Respitdagarna kan inte vara negativa."),
            "max_value": _("Ange högst %(limit_value)s respitdagar."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    version = version_field()

    class Meta:
        model = FollowUpOccasion
        fields = [
            "kind",
            "name",
            "period_end",
            "plan_types",
            "follows_economy",
            "asks_forecast",
            "forecast_threshold",
            "grace_days",
        ]
        labels = {
            "follows_economy": _("Följer upp ekonomin"),
            "asks_forecast": _("Helårsprognos"),
            "forecast_threshold": _("Gräns för åtgärder (%)"),
        }
        error_messages = {
            "forecast_threshold": {
                "invalid": _("Ange gränsen som ett tal, t.ex. 1 eller 0,5."),
                "max_digits": _("Ange gränsen i procent, högst 999."),
                "max_decimal_places": _("Ange gränsen med högst två decimaler."),
                "required": _("Ange gränsen i procent, t.ex. 1."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version()
        self.fields["plan_types"].queryset = PlanType.objects.filter(
            model_id=self.instance.model_id
        ).order_by("order", "name")
        self.fields["forecast_threshold"].required = False
        self.fields["forecast_threshold"].localize = True
        self.fields["forecast_threshold"].widget.is_localized = True

    def clean_forecast_threshold(self):
        value = self.cleaned_data["forecast_threshold"]
        if value is None:  # left empty: as it was (1 % for a new occasion)
            return self.instance.forecast_threshold
        return value

    def clean(self):
        """Ask the service's rules (name, plan types) now, so that every
        error shows at once; the occasion's own (the threshold, the
        forecast) the model checks (FollowUpOccasion.clean)."""
        cleaned = super().clean()
        probe = copy.copy(self.instance)
        probe.name = cleaned.get("name") or ""
        probe.follows_economy = bool(cleaned.get("follows_economy"))
        plan_types = list(cleaned.get("plan_types") or [])
        for field, problem in occasion_errors(probe, plan_types).items():
            if not self.has_error(field):
                self.add_error(field, problem)
        return cleaned

    def validate_unique(self):
        """Name clashes are reported by clean_name, in Swedish."""


class StepForm(OpenedVersion, forms.ModelForm):
    """Steg: who reports when. `instance.occasion` is set by the view."""

    name = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        help_text=_("T.ex. ”Enhetschefer rapporterar” eller ”Nämnden beslutar”."),
        error_messages={
            "required": _("Ange en rubrik."),
            "max_length": _("Rubriken får vara högst %(limit_value)d tecken."),
        },
    )
    unit_type = forms.ModelChoiceField(
        label=_("Nivå som rapporterar"),
        queryset=UnitType.objects.order_by("order", "name"),
        required=False,
        empty_label=_("Ingen nivå (milstolpe)"),
        help_text=_(
            "Enheter av typen får tidsfristen i sina uppgifter. Ingen nivå: en milstolpe, "
            "t.ex. nämndens beslut."
        ),
        error_messages={"invalid_choice": _("Välj bland nivåerna i listan.")},
    )
    start = date_field(_("Startdatum"))
    deadline = date_field(_("Tidsfrist"))
    version = version_field()

    class Meta:
        model = OccasionStep
        fields = ["name", "unit_type", "start", "deadline", "review"]
        labels = {"review": _("Chef ovanför godkänner")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def _choice(label, *, empty, help_text="", invalid):
    return forms.ModelChoiceField(
        label=label,
        queryset=EventCategory.objects.none(),
        required=False,
        empty_label=empty,
        help_text=help_text,
        error_messages={"invalid_choice": invalid},
    )


class EventForm(OpenedVersion, forms.ModelForm):
    """Händelse i årshjulet. `instance.model` is set by the view."""

    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        help_text=_("T.ex. ”Budgetdag” eller ”VF-listor lämnas”."),
        error_messages={
            "required": _("Ange en rubrik."),
            "max_length": _("Rubriken får vara högst %(limit_value)d tecken."),
        },
    )
    start = date_field(_("Datum"))
    end = date_field(
        _("Till och med"),
        required=False,
        help_text=_("Bara om händelsen pågår flera dagar. Datum som ÅÅÅÅ-MM-DD."),
    )
    category = _choice(
        _("Process"),
        empty=_("Ingen process"),
        help_text=_("T.ex. Budgetprocess. Processerna ställs in under ”Processer och organ”."),
        invalid=_("Välj bland processerna i listan."),
    )
    deciding_body = _choice(
        _("Beslutande organ"),
        empty=_("Inget beslut"),
        invalid=_("Välj bland de beslutande organen i listan."),
    )
    owner_unit = _choice(
        _("Ägande enhet"),
        empty=_("Ingen enhet"),
        invalid=_("Välj bland enheterna i listan."),
    )
    owner_person = PersonChoiceField(
        label=_("Ägare (person)"),
        queryset=EventCategory.objects.none(),
        required=False,
        empty_label=_("Ingen person"),
        error_messages={"invalid_choice": _("Välj bland personerna i listan.")},
    )
    occasion = _choice(
        _("Hör till uppföljningstillfälle"),
        empty=_("Inget tillfälle"),
        invalid=_("Välj bland årets uppföljningstillfällen i listan."),
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Beskrivningen får vara högst %(limit_value)d tecken.")},
    )
    version = version_field()

    class Meta:
        model = CalendarEvent
        fields = [
            "title",
            "start",
            "end",
            "category",
            "deciding_body",
            "owner_unit",
            "owner_person",
            "occasion",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version()
        model = self.instance.model
        self.fields["category"].queryset = EventCategory.objects.filter(model=model)
        self.fields["deciding_body"].queryset = DecidingBody.objects.filter(model=model)
        self.fields["owner_unit"].queryset = (
            Unit.objects.descendants(model.organisation, include_self=True)
            .valid_in_year(model.year)
            .order_by("name")
        )
        self.fields["owner_person"].queryset = access.organisation_people(
            model.organisation
        ).order_by("first_name", "last_name", "username")
        self.fields["occasion"].queryset = FollowUpOccasion.objects.filter(model=model).order_by(
            "period_end", "name"
        )

    def clean(self):
        """Ask the service's rules now, so that every error shows at once."""
        data = super().clean()
        probe = copy.copy(self.instance)
        probe.start, probe.end = data.get("start"), data.get("end")
        probe.owner_unit = data.get("owner_unit")
        probe.owner_person = data.get("owner_person")
        for field, problem in event_errors(probe).items():
            if not self.has_error(field):
                self.add_error(field, problem)
        return data


class CategoryForm(OpenedVersion, forms.ModelForm):
    """Process (händelsekategori). `instance.model` is set by the view."""

    name = forms.CharField(
        label=_("Namn"),
        max_length=100,
        help_text=_("T.ex. ”Budgetprocess” eller ”Personal”."),
        error_messages={
            "required": _("Ange ett namn."),
            "max_length": _("Namnet får vara högst %(limit_value)d tecken."),
        },
    )
    colour = forms.ChoiceField(
        label=_("Färg"),
        choices=ProcessColour.choices,
        help_text=_("Färgerna har god kontrast mot den vita bakgrunden."),
        error_messages={
            "required": _("Välj en färg."),
            "invalid_choice": _("Välj bland färgerna i listan."),
        },
    )
    symbol = forms.ChoiceField(
        label=_("Symbol"),
        choices=ProcessSymbol.choices,
        help_text=_(
            "Symbolen visar processen i bilden och i listorna, så att färgen inte är "
            "det enda som skiljer processerna åt."
        ),
        error_messages={
            "required": _("Välj en symbol."),
            "invalid_choice": _("Välj bland symbolerna i listan."),
        },
    )
    process_year = forms.ChoiceField(
        label=_("Arbetar med"),
        choices=ProcessYear.choices,
        help_text=_("Vilket av de tre parallella åren processens händelser visas på."),
        error_messages={
            "required": _("Välj vilket år processen arbetar med."),
            "invalid_choice": _("Välj bland åren i listan."),
        },
    )
    order = forms.IntegerField(
        label=_("Ordning"),
        min_value=0,
        max_value=10000,
        required=False,
        help_text=_("Lägre tal visas först. Tomt: som förut (0 för en ny)."),
        error_messages={
            "required": _("Ange ordningen som ett heltal, t.ex. 10."),
            "invalid": _("Ange ordningen som ett heltal, t.ex. 10."),
            "min_value": _("Ordningen kan inte vara negativ."),
            "max_value": _("Ange högst %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    version = version_field()

    class Meta:
        model = EventCategory
        fields = ["name", "colour", "symbol", "process_year", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version()

    def clean_order(self):
        value = self.cleaned_data["order"]
        return self.instance.order if value is None else value

    def clean(self):
        data = super().clean()
        probe = copy.copy(self.instance)
        probe.name = (data.get("name") or "").strip()
        for field, problem in category_errors(probe).items():
            if not self.has_error(field):
                self.add_error(field, problem)
        return data

    def validate_unique(self):
        """Name clashes are reported by clean, in Swedish."""


class DecidingBodyForm(OpenedVersion, forms.ModelForm):
    """Beslutande organ. `instance.model` is set by the view."""

    name = forms.CharField(
        label=_("Namn"),
        max_length=100,
        help_text=_("T.ex. ”Kommunfullmäktige (KF)” eller ”Socialnämnden”."),
        error_messages={
            "required": _("Ange ett namn."),
            "max_length": _("Namnet får vara högst %(limit_value)d tecken."),
        },
    )
    order = CategoryForm.base_fields["order"]
    version = version_field()

    class Meta:
        model = DecidingBody
        fields = ["name", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version()

    clean_order = CategoryForm.clean_order

    def clean(self):
        data = super().clean()
        probe = copy.copy(self.instance)
        probe.name = (data.get("name") or "").strip()
        for field, problem in deciding_body_errors(probe).items():
            if not self.has_error(field):
                self.add_error(field, problem)
        return data

    def validate_unique(self):
        """Name clashes are reported by clean, in Swedish."""


class WheelFilterForm(forms.Form):
    """Filter the wheel by process (GET)."""

    process = forms.TypedChoiceField(
        label=_("Visa process"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", _("Alla processer"))] + [
            (str(c.pk), f"{c.character} {c.name}") for c in categories
        ]


class TaskReopenForm(forms.Form):
    until = date_field(
        _("Öppna igen till och med"),
        help_text=_("Enheten kan rapportera till och med dagen. Datum som ÅÅÅÅ-MM-DD."),
    )

    def __init__(self, *args, today=None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if self.today and until < self.today:
            raise forms.ValidationError(
                _("Välj ett datum från och med i dag (%(date)s).")
                % {"date": self.today.isoformat()}
            )
        return until


class WheelCopyForm(forms.Form):
    """ "Kopiera årshjulet från …": which year's wheel. `years`: the years
    of the organisation's other models, newest first."""

    source_year = forms.TypedChoiceField(
        label=_("Kopiera årshjulet från"),
        coerce=int,
        help_text=_("Året vars uppföljningstillfällen, steg och händelser kopieras."),
        error_messages={
            "required": _("Välj vilket år årshjulet ska kopieras från."),
            "invalid_choice": _("Välj ett av åren i listan."),
        },
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_year"].choices = [("", _("Välj år"))] + [
            (str(y), str(y)) for y in years
        ]
