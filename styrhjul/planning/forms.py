import re
from decimal import Decimal, InvalidOperation
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.forms import DateInput
from styrhjul.organisation.models import Unit, UnitType, User

from .models import Aggregation, Item
from .services import never_summed

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
        "earlier_years",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "targets",
        "near_target_margin",
        "aggregation",
    ],
    ItemKind.ACTIVITY: [*COMMON, "start_date", "end_date"],
    ItemKind.ASSIGNMENT: [*COMMON, "given_by", "start_date", "end_date"],
    ItemKind.CONTROL_POINT: [
        "area",
        "process_category",
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


FORM_ONLY = {"targets"}  # fields of the form that are not columns of Item
TARGET_LINE = re.compile(r"^\s*(\d{4})\s*[:=]?\s*(-?[\d\s]+(?:[.,]\d+)?)\s*$")


def parse_targets(text: str) -> dict[int, Decimal]:
    """ "2025: 50\n2026: 52,5" → {2025: 50, 2026: 52.5}; one year per line
    (or separated by ;). Raises ValidationError naming the bad line."""
    targets: dict[int, Decimal] = {}
    for number, line in enumerate(re.split(r"[\n;]", text or ""), 1):
        if not line.strip():
            continue
        match = TARGET_LINE.match(line)
        if not match:
            raise ValidationError(
                _("Rad %(n)d, ”%(line)s”: skriv år och värde, t.ex. 2026: 55.")
                % {"n": number, "line": line.strip()}
            )
        year = int(match.group(1))
        try:
            value = Decimal(match.group(2).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise ValidationError(
                _("Rad %(n)d: ”%(value)s” är inte ett tal.")
                % {"n": number, "value": match.group(2)}
            ) from None
        if not 2000 <= year <= 2100:
            raise ValidationError(
                _("Rad %(n)d: året %(year)d är orimligt.") % {"n": number, "year": year}
            )
        if year in targets:
            raise ValidationError(_("Året %(year)d står två gånger.") % {"year": year})
        targets[year] = value
    return dict(sorted(targets.items()))


def targets_text(targets) -> str:
    """The form's text for stored targets: "2025: 50\n2026: 52,5"."""

    def plain(value: Decimal) -> str:
        text = format(value.normalize(), "f")
        return text.replace(".", ",")

    return "\n".join(f"{t.year}: {plain(t.value)}" for t in targets)


class ResponsibleField(forms.ModelChoiceField):
    """Ansvarig: the people who may be responsible for the unit's items
    (access.responsible_candidates), and the person already chosen, marked,
    when they no longer are, so that an edit does not lose them unseen."""

    def __init__(self, *args, unit, current=None, **kwargs):
        candidates = access.responsible_candidates(unit)
        self.candidate_ids = set(candidates.values_list("pk", flat=True))
        keep = Q(pk=current) if current else Q(pk__in=[])
        kwargs["queryset"] = User.objects.filter(Q(pk__in=self.candidate_ids) | keep)
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = _(
            "Välj en person som har rollen Modellägare, Chef eller Rapportör på %(unit)s "
            "eller på en enhet ovanför, eller skriv en funktion som text."
        ) % {"unit": unit}

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        if obj.pk in self.candidate_ids:
            return name
        if not obj.is_active:
            return _("%(name)s (inaktiv)") % {"name": name}
        return _("%(name)s (har ingen roll på enheten längre)") % {"name": name}


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    targets = forms.CharField(
        label=_("Målvärden per år"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett år per rad, t.ex. 2025: 50 och 2026: 52,5. Används för bedömningen."),
    )

    class Meta:
        model = Item
        fields = sorted(
            {f for fields in FIELDS_BY_KIND.values() for f in fields if f not in FORM_ONLY}
        )
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "risk": forms.Textarea(attrs={"rows": 3}),
            "control_step": forms.Textarea(attrs={"rows": 3}),
            "control_method": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"measure_unit": _("Måttenhet")}

    def __init__(self, *args, kind: str, model, unit: Unit, user=None, **kwargs):
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
            self.fields["level"].queryset = model.levels.ownable_by(unit)
            self.fields["level"].required = True
            self.fields["level"].empty_label = _("Välj målnivå")
        if "responsible" in self.fields:
            old = self.fields["responsible"]
            self.fields["responsible"] = ResponsibleField(
                unit=unit,
                current=self.instance.responsible_id,
                required=False,
                label=old.label,
                help_text=old.help_text,
                empty_label=_("Ingen person vald"),
            )
            if user is not None and not access.may_assign_responsible(user, unit):
                field = self.fields["responsible"]
                field.disabled = True
                field.help_text = _("Enhetens chef väljer vem som är ansvarig.")
        if "aggregation" in self.fields:
            self.fields["aggregation"].help_text = _(
                "Summa, medelvärde eller viktat medelvärde av de underliggande enheternas "
                "värden; så läggs värdena också ihop i underlaget. Tomt: enhetens värde "
                "rapporteras, och underlaget visar varken summa eller medelvärde. Procent "
                "och index summeras aldrig."
            )
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

    def clean_targets(self):
        return parse_targets(self.cleaned_data.get("targets", ""))

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
        if data.get("aggregation") == Aggregation.SUM and never_summed(
            data.get("measure_unit", "")
        ):
            self.add_error(
                "aggregation",
                _(
                    "Procent och index summeras inte. Välj medelvärde eller viktat "
                    "medelvärde, eller lämna tomt."
                ),
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Slutdatum kan inte vara före startdatum."))
        return data


class TitleChoices(forms.models.ModelChoiceIterator):
    """The choices of a list of items as (pk, title): what an item's label
    is (Item.__str__), read as two columns instead of an item with its plan
    and unit per choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "title")


class OptionsSelect(forms.Select):
    """A single select written in one pass: the HTML of Django's select.html
    and select_option.html templates without a template include per option
    (tests/planning/test_forms.py compares the two)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = self.format_value(value)
        out = [f'<select name="{escape(str(name))}"{_attrs(attrs)}>']
        has_selected = False
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # option groups: Django's own templates
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            chosen = not has_selected and option_value in selected
            has_selected |= chosen
            out.append(
                f'\n  <option value="{escape(option_value)}"{" selected" if chosen else ""}>'
                f"{escape(str(label))}</option>\n"
            )
        out.append("\n</select>")
        return mark_safe("".join(out))


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class ItemChoiceField(forms.ModelChoiceField):
    """One item of a list, chosen by its title."""

    iterator = TitleChoices
    widget = OptionsSelect


class LinkForm(forms.Form):
    target = ItemChoiceField(
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
