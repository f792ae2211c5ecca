from django import forms
from django.utils.translation import gettext_lazy as _

from .texts import MAX_CHARS


class ReportTextForm(forms.Form):
    introduction = forms.CharField(
        label=_("Inledning"),
        required=False,
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Nämndens ansvar för den interna kontrollen. Skriv stycken med en tom rad emellan. "
            "Töm fältet för att använda standardtexten."
        ),
    )
    summary = forms.CharField(
        label=_("Sammanfattning"),
        required=False,
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Nämndens samlade bedömning. Töm fältet för att använda den sammanfattning som "
            "räknas fram ur rapporteringen."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class DocumentTextsForm(forms.Form):
    """Förord, sammanfattning and viktiga händelser of a delårsrapport or
    årsredovisning (annual.TEXT_SECTIONS)."""

    def __init__(self, *args, **kwargs):
        from .annual import TEXT_SECTIONS

        super().__init__(*args, **kwargs)
        for key, heading in TEXT_SECTIONS.items():
            self.fields[key] = forms.CharField(
                label=heading,
                required=False,
                max_length=MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=_("Stycken skiljs med en tom rad. Tomt: avsnittet finns inte med."),
            )
