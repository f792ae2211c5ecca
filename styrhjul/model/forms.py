"""Forms for the model owner's styrmodell pages. They check what the user
typed and that names are unique within the year's model; the services in
services.py and services_config.py decide and save."""

from __future__ import annotations

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from styrhjul.organisation.models import UnitType

from . import services
from .models import (
    GoalLevel,
    ItemKind,
    Perspective,
    PlanType,
    Scale,
    ScaleKind,
    ScaleValue,
    goal_rule,
)
from .services_config import KIND_SCALES, SCALE_FIELDS, scale_errors

YEAR_MIN, YEAR_MAX = 1900, 2200


def year_field(label, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": _("Ange året med fyra siffror, t.ex. 2035."),
            "min_value": _("Ange ett år från och med %(limit_value)s."),
            "max_value": _("Ange ett år till och med %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def order_field():
    return forms.IntegerField(
        label=_("Ordning"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        help_text=_("Lägre tal visas först."),
        error_messages={
            "invalid": _("Ange ordningen som ett heltal, t.ex. 10."),
            "min_value": _("Ordningen kan inte vara negativ."),
            "max_value": _("Ange ett mindre tal."),
        },
        widget=forms.NumberInput(),
    )


class VisionForm(forms.Form):
    title = forms.CharField(
        label=_("Rubrik"), max_length=200, help_text=_("T.ex. ”Sjöbacka 2035”.")
    )
    text = forms.CharField(
        label=_("Visionstext"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000
    )
    horizon_year = year_field(_("Målår"), _("Året visionen siktar mot."))
    valid_from_year = year_field(
        _("Gäller från år"),
        _(
            "Samma år som den nuvarande visionen: den ändras. Ett annat år: en ny vision "
            "som gäller från det året, och den tidigare finns kvar för åren före."
        ),
    )


class _PartForm(forms.ModelForm):
    """A part of one year's model. `instance.model` is set by the view. That
    the name is free in the year is the service's rule
    (services.check_name), shown at the field."""

    name_field = "name"

    def _clean_name_field(self):
        name = self.cleaned_data[self.name_field].strip()
        probe = copy.copy(self.instance)
        setattr(probe, self.name_field, name)
        problem = services.name_errors(probe).get(self.name_field)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean_name(self):
        return self._clean_name_field()

    def validate_unique(self):
        """Name clashes are reported by clean_name, in Swedish."""


class PerspectiveForm(_PartForm):
    order = order_field()

    class Meta:
        model = Perspective
        fields = ["name", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GoalLevelForm(_PartForm):
    order = order_field()
    unit_types = forms.ModelMultipleChoiceField(
        label=_("Enhetstyper som har mål på nivån"),
        queryset=UnitType.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj ingen om alla enhetstyper får ha mål på nivån."),
        error_messages={"invalid_choice": _("Välj bland enhetstyperna i listan.")},
    )

    class Meta:
        model = GoalLevel
        fields = ["name", "order", "unit_types", "assesses", "links_within_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].help_text = _("Lägre tal är en högre nivå.")
        self.fields["assesses"].label = _("Bedömer måluppfyllelse")
        self.fields["assesses"].help_text = _(
            "Av: enheter på nivån beskriver bara måluppfyllelsen, utan bedömning."
        )
        self.fields["links_within_level"].label = _("Mål kan bidra till mål på samma nivå")


class PlanTypeForm(_PartForm):
    order = order_field()
    item_kinds = forms.MultipleChoiceField(
        label=_("Posttyper"),
        choices=ItemKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vad en plan av typen kan innehålla."),
        error_messages={
            "required": _("Välj minst en posttyp."),
            "invalid_choice": _("Välj bland posttyperna i listan."),
        },
    )

    class Meta:
        model = PlanType
        fields = ["name", "order", "item_kinds", *[f for f, _k in KIND_SCALES.values()]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ItemKind.choices)
        for kind, (name, scale_kind) in KIND_SCALES.items():
            field = self.fields[name]
            field.queryset = Scale.objects.filter(
                model_id=self.instance.model_id, kind=scale_kind
            ).order_by("name")
            field.empty_label = _("Ingen skala")
            field.help_text = _("Behövs när planen innehåller %(kind)s.") % {
                "kind": str(labels[kind]).lower()
            }
            field.error_messages["invalid_choice"] = _("Välj en av skalorna i listan.")

    def clean(self):
        data = super().clean()
        probe = copy.copy(self.instance)
        probe.item_kinds = data.get("item_kinds") or []
        for field in SCALE_FIELDS:
            setattr(probe, field, data.get(field))
        for field, problem in scale_errors(probe).items():
            if field not in self.errors:
                self.add_error(field, problem)
        return data


class ScaleForm(_PartForm):
    class Meta:
        model = Scale
        fields = ["name", "kind"]
        labels = {"kind": _("Används för")}
        error_messages = {"kind": {"invalid_choice": _("Välj bland alternativen i listan.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Välj användning")), *ScaleKind.choices]


class ColourInput(forms.TextInput):
    """The colour as a hex code; the template adds a colour picker beside it
    that fills in the code (the code field alone works without JavaScript)."""

    template_name = "model/_colour_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {
                "pattern": "#[0-9a-fA-F]{6}",
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )


class ScaleValueForm(forms.ModelForm):
    order = order_field()

    class Meta:
        model = ScaleValue
        fields = [
            "label",
            "colour",
            "symbol",
            "comment_required",
            "counts_as_done",
            "suggested_when",
            "order",
        ]
        labels = {
            "label": _("Text"),
            "colour": _("Färg"),
            "symbol": _("Symbol"),
            "comment_required": _("Kommentar krävs"),
            "counts_as_done": _("Räknas som klar eller uppfylld"),
        }
        help_texts = {
            "label": _("Visas alltid, så att värdet aldrig förmedlas med bara färg."),
            "colour": _("Hexkod, t.ex. #1e6b34, eller välj i färgväljaren."),
            "symbol": _("Ett tecken som skiljer värdena åt även utan färg, t.ex. ● ▲ ■."),
            "comment_required": _("Den som rapporterar måste skriva en kommentar."),
            "counts_as_done": _(
                "Räknas in i andelen klara aktiviteter eller uppfyllda mål och nyckeltal."
            ),
            "suggested_when": _(
                "Bara för bedömning av nyckeltal: Styrhjul föreslår värdet när utfallet "
                "jämförs med målvärdet."
            ),
        }
        widgets = {"colour": ColourInput()}

    name_field = "label"

    def clean_label(self):
        return _PartForm._clean_name_field(self)

    def validate_unique(self):
        """A text already in the scale is reported by clean_label, in Swedish."""

    def clean_colour(self):
        return services.normalise_colour(self.cleaned_data.get("colour") or "")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RiskScaleForm(forms.Form):
    """The risk scale of a year's model: one step per line, lowest first."""

    probability_labels = forms.CharField(
        label=_("Sannolikhet"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ett steg per rad, lägst först, t.ex. Osannolik … Sannolik."),
    )
    consequence_labels = forms.CharField(
        label=_("Konsekvens"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ett steg per rad, lägst först, t.ex. Försumbar … Allvarlig."),
    )
    risk_medium_from = forms.IntegerField(
        label=_("Medelhög risk från riskvärde"),
        min_value=2,
        help_text=_("Riskvärdet är sannolikhet gånger konsekvens. Standard på 4×4: 4."),
    )
    risk_high_from = forms.IntegerField(
        label=_("Hög risk från riskvärde"),
        min_value=2,
        help_text=_("Standard på 4×4: 9. Vanligt på 5×5: medel från 5, hög från 15."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_probability_labels(self):
        return _lines(self.cleaned_data["probability_labels"])

    def clean_consequence_labels(self):
        return _lines(self.cleaned_data["consequence_labels"])


class AssessmentRulesForm(forms.Form):
    """Bedömningsregler for one plan type: per goal level, whether the owning
    unit assesses, whether the units the goal is shared to assess or only
    describe, and whether the underlag shows the sub-units' assessments."""

    LABELS = {
        "owner_assesses": _("%(level)s: ägande enhet bedömer måluppfyllelse"),
        "receivers_assess": _(
            "%(level)s: mottagande enheter (målet delat till dem) bedömer måluppfyllelse"
        ),
        "underlag_shows_assessments": _(
            "%(level)s: underlaget visar underliggande enheters bedömningar"
        ),
    }
    HELP = {
        "owner_assesses": _("Av: enheten som äger målet beskriver bara, utan bedömning."),
        "receivers_assess": _("Av: de mottagande enheterna beskriver bara (analys)."),
        "underlag_shows_assessments": _("Av: underlaget visar analyserna men inte bedömningarna."),
    }

    def __init__(self, *args, plan_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(plan_type.model.levels.all())
        for level in self.levels:
            current = dict(
                zip(
                    self.LABELS,
                    goal_rule(plan_type, level.pk, level.assesses),
                    strict=True,
                )
            )
            for name, label in self.LABELS.items():
                self.fields[f"{name}_{level.pk}"] = forms.BooleanField(
                    label=label % {"level": level.name},
                    help_text=self.HELP[name],
                    required=False,
                    initial=current[name],
                )

    def rules(self) -> dict[int, dict[str, bool]]:
        return {
            level.pk: {name: bool(self.cleaned_data[f"{name}_{level.pk}"]) for name in self.LABELS}
            for level in self.levels
        }
