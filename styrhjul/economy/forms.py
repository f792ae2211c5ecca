from django import forms
from django.utils.translation import gettext_lazy

from styrhjul.core.importing import MAX_BYTES
from styrhjul.organisation.models import Unit

from .models import DimensionObject

# A ledger's SIE export is larger than a workbook: the upload takes five times
# an ordinary import's limit; larger files go through `styrhjul import-sie`.
MAX_SIE_BYTES = 5 * MAX_BYTES


class SieUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("SIE-fil"),
        help_text=gettext_lazy(
            "En SIE-fil (typ 1–4, .se) exporterad från ekonomisystemet, högst 50 MB."
        ),
        error_messages={
            "required": gettext_lazy("Välj en fil att importera."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Kontrollera bara filen, spara ingenting"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIE_BYTES:
            raise forms.ValidationError(
                gettext_lazy(
                    "Filen är för stor (högst 50 MB). "
                    "Importera den med kommandot styrhjul import-sie."
                )
            )
        return upload


class MappingForm(forms.Form):
    ansvar = forms.ModelChoiceField(
        label=gettext_lazy("Ansvar"),
        queryset=DimensionObject.objects.none(),
        error_messages={"required": gettext_lazy("Välj ett ansvar.")},
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Enhet"),
        queryset=Unit.objects.none(),
        error_messages={"required": gettext_lazy("Välj en enhet.")},
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Giltig från"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Ange från vilket datum ansvaret hör till enheten."),
            "invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    valid_to = forms.DateField(
        label=gettext_lazy("Giltig till"),
        required=False,
        help_text=gettext_lazy("Lämna tomt om kopplingen gäller tills vidare."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")},
    )

    def __init__(self, *args, ansvar_queryset, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ansvar"].queryset = ansvar_queryset
        self.fields["unit"].queryset = unit_queryset
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} ({u.code})"
