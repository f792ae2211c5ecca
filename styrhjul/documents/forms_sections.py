"""The form of an own section of a document (followup.sections) on the
Dokumentinställningar pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from styrhjul.followup.sections import MAX_HEADING, MAX_INSTRUCTION
from styrhjul.organisation.models import UnitType


class OwnSectionForm(forms.Form):
    heading = forms.CharField(label=_("Rubrik"), max_length=MAX_HEADING)
    instruction = forms.CharField(
        label=_("Instruktion till den som skriver"),
        required=False,
        max_length=MAX_INSTRUCTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Visas ovanför textrutan i enheternas uppgift. Tas inte med i dokumentet."),
    )
    unit_types = forms.ModelMultipleChoiceField(
        label=_("Skrivs av"),
        queryset=UnitType.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De enhetstyper som skriver avsnittet. Ingen vald: alla enheter."),
    )
    shows_sub_units = forms.BooleanField(
        label=_("Visa vad enheterna under har skrivit ovanför textrutan"),
        required=False,
        initial=True,
    )
    order = forms.IntegerField(
        label=_("Ordning"),
        min_value=1,
        max_value=99,
        initial=99,
        widget=forms.NumberInput(attrs={"class": "input--narrow"}),
        help_text=_(
            "Avsnittets plats bland dokumentets avsnitt: samma tal som Ordning i tabellen "
            "över avsnitt. Med samma tal kommer det egna avsnittet efter det inbyggda."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
