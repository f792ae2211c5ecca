"""Forms for the Kolada pages: the organisation's settings and the KPI
search. The settings form checks the codes with the same function as the
service (services.validate_settings), so the messages at the fields are the
ones the service would give."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services

MIN_QUERY = 2
MAX_QUERY = 100


class SettingsForm(forms.Form):
    municipality_id = forms.CharField(
        label=_("Egen kommun eller region"),
        max_length=10,
        help_text=_(
            "Kommunens eller regionens kod i Kolada, fyra siffror: t.ex. 1480 för en kommun "
            "eller 0014 för en region."
        ),
        error_messages={
            "required": _("Ange den egna kommunens eller regionens kod i Kolada, t.ex. 1480."),
            "max_length": _("Skriv fyra siffror, t.ex. 1480."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    comparison_ids = forms.CharField(
        label=_("Jämförelser"),
        required=False,
        max_length=2000,
        help_text=_(
            "Kommuner och regioner att jämföra med, med kommatecken, mellanslag eller en per "
            "rad: t.ex. 1481, 1482, 0014 (länet/regionen) och 0000 (Riket). Högst 30. Den egna "
            "kommunen visas alltid och ska inte stå här."
        ),
        error_messages={"max_length": _("Texten är för lång; högst 30 koder går att ange.")},
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )
    ou_ids = forms.CharField(
        label=_("Enheter i Kolada"),
        required=False,
        max_length=5000,
        help_text=_(
            "Frivilligt. Kolada-id för egna enheter, t.ex. skolor och äldreboenden "
            "(V15E148000101), med kommatecken eller en per rad. Värden hämtas för de "
            "nyckeltal som har data för enheter."
        ),
        error_messages={"max_length": _("Texten är för lång; högst 100 enheter går att ange.")},
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        try:
            own, comparisons, ous = services.validate_settings(
                data.get("municipality_id", ""),
                data.get("comparison_ids", ""),
                data.get("ou_ids", ""),
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name not in self.errors:  # e.g. too long: that message is enough
                    self.add_error(name, messages)
            return data
        data.update(municipality_id=own, comparison_ids=comparisons, ou_ids=ous)
        return data

    @classmethod
    def initial_from(cls, settings_obj) -> dict:
        if settings_obj is None:
            return {}
        return {
            "municipality_id": settings_obj.municipality_id,
            "comparison_ids": ", ".join(settings_obj.comparison_ids or []),
            "ou_ids": ", ".join(settings_obj.ou_ids or []),
        }


class KpiSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök nyckeltal i Kolada"),
        required=False,
        min_length=MIN_QUERY,
        max_length=MAX_QUERY,
        help_text=_("Ord i nyckeltalets namn eller dess Kolada-id, t.ex. ”elever” eller N15419."),
        error_messages={
            "min_length": _("Skriv minst två tecken för att söka."),
            "max_length": _("Skriv högst 100 tecken."),
        },
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
