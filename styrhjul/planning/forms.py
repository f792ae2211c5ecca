from django import forms
from django.utils.translation import gettext_lazy as _

from styrhjul.model.models import ItemKind
from styrhjul.organisation.forms import DateInput
from styrhjul.organisation.models import Unit, UnitType, User

from .models import Item

COMMON = ["number", "title", "description", "perspective", "responsible", "responsible_text"]
FIELDS_BY_KIND = {
    ItemKind.GOAL: [*COMMON[:3], "level", *COMMON[3:]],
    ItemKind.INDICATOR: [
        *COMMON,
        "measure_unit",
        "direction",
        "source",
        "kolada_kpi",
        "reported_by",
        "periodicity",
        "gender_split",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "near_target_margin",
    ],
    ItemKind.ACTIVITY: [*COMMON, "start_date", "end_date"],
    ItemKind.ASSIGNMENT: [*COMMON, "given_by", "start_date", "end_date"],
    ItemKind.CONTROL_POINT: [
        "area",
        "number",
        "process",
        "title",
        "risk",
        "probability",
        "consequence",
        "control_step",
        "control_method",
        "frequency",
        "risk_handling",
        "risk_handling_reason",
        "responsible",
        "responsible_text",
        "description",
    ],
}
TITLE_LABELS = {
    ItemKind.GOAL: _("Mål"),
    ItemKind.INDICATOR: _("Nyckeltal"),
    ItemKind.ACTIVITY: _("Aktivitet"),
    ItemKind.ASSIGNMENT: _("Uppdrag"),
    ItemKind.CONTROL_POINT: _("Vad kontrolleras?"),
}


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Item
        fields = sorted({f for fields in FIELDS_BY_KIND.values() for f in fields})
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "risk": forms.Textarea(attrs={"rows": 3}),
            "control_step": forms.Textarea(attrs={"rows": 3}),
            "control_method": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind: str, model, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = FIELDS_BY_KIND[kind]
        for name in list(self.fields):
            if name not in wanted and name != "version":
                del self.fields[name]
        self.order_fields([*wanted, "version"])
        self.fields["title"].label = TITLE_LABELS[kind]
        if "perspective" in self.fields:
            self.fields["perspective"].queryset = model.perspectives.all()
            self.fields["perspective"].empty_label = _("Inget perspektiv")
        if "level" in self.fields:
            self.fields["level"].queryset = model.levels.all()
            self.fields["level"].required = True
            self.fields["level"].empty_label = _("Välj målnivå")
        if "responsible" in self.fields:
            self.fields["responsible"].queryset = User.objects.filter(is_active=True)
            self.fields["responsible"].empty_label = _("Ingen person vald")
        if "risk_handling" in self.fields:
            self.fields["risk_handling"].choices = [
                ("", _("Inget beslut än")),
                *[c for c in self.fields["risk_handling"].choices if c[0]],
            ]
        scale = model.risk_scale
        for name, labels in (
            ("probability", scale.probability_labels),
            ("consequence", scale.consequence_labels),
        ):
            if name in self.fields:
                self.fields[name] = forms.TypedChoiceField(
                    label=self.fields[name].label,
                    choices=[
                        ("", "–"),
                        *[(i, f"{i} {label}") for i, label in enumerate(labels, 1)],
                    ],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    help_text=_("1 (lägst) – %(max)d (högst), enligt styrmodellens riskskala.")
                    % {"max": len(labels)},
                )

    def clean(self):
        data = super().clean()
        if (
            data.get("risk_handling") == "other"
            and not (data.get("risk_handling_reason") or "").strip()
        ):
            self.add_error(
                "risk_handling_reason",
                _("Ange hur risken hanteras när den inte blir en kontrollpunkt."),
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Slutdatum kan inte vara före startdatum."))
        return data


class LinkForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Bidrar till"), queryset=Item.objects.none(), empty_label=_("Välj post")
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class ShareForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_type = forms.ModelChoiceField(
        label=_("…eller alla enheter av typen"),
        queryset=UnitType.objects.all(),
        required=False,
        empty_label=_("Ingen typ vald"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = candidates
        self.fields["units"].label_from_instance = lambda u: f"{u.name} ({u.unit_type})"

    def clean(self):
        data = super().clean()
        if not data.get("units") and not data.get("unit_type"):
            raise forms.ValidationError(_("Välj minst en enhet eller en enhetstyp."))
        return data
