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


class ColourInput(forms.TextInput):
    input_type = "color"


class DocumentStyleForm(forms.Form):
    """The appearance of all the organisation's documents."""

    logo = forms.FileField(
        label=_("Logotyp"),
        required=False,
        help_text=_(
            "PNG eller JPEG, högst 1 MB. Visas på titelsidan. Välj ingen fil för att "
            "behålla den som finns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Ta bort logotypen"), required=False)
    heading_colour = forms.CharField(
        label=_("Rubrikernas färg"),
        max_length=7,
        widget=ColourInput,
        help_text=_("Måste gå att läsa mot vitt: kontrast minst 4,5:1."),
    )
    table_colour = forms.CharField(
        label=_("Tabellhuvudets färg"),
        max_length=7,
        widget=ColourInput,
        help_text=_("Texten i tabellhuvudet blir svart eller vit, det som syns bäst."),
    )
    font = forms.ChoiceField(label=_("Typsnitt"), required=False)
    heading_font = forms.ChoiceField(label=_("Typsnitt för rubriker"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, current=None, **kwargs):
        from .layout import installed_fonts

        super().__init__(*args, **kwargs)
        names = list(installed_fonts())
        for value in (getattr(current, "font", ""), getattr(current, "heading_font", "")):
            if value and value not in names:
                names.append(value)
        self.fields["font"].choices = [("", _("Standard (DejaVu Sans i PDF, Calibri i Word)"))] + [
            (n, n) for n in names
        ]
        self.fields["heading_font"].choices = [("", _("Samma som texten"))] + [
            (n, n) for n in names
        ]
        self.fields["font"].help_text = _(
            "Typsnitten som finns på servern. Word-filen anger samma namn; finns det inte "
            "hos läsaren väljer Word ett liknande."
        )


class DocumentContentsForm(forms.Form):
    """What one document type contains (layout.DOCUMENTS): its sections
    (included, order, heading), the parts shown, the goal levels and plan
    types and the goal column's heading, as far as the type has them. The
    form's prefix is the document."""

    def __init__(self, *args, document: str, levels=(), plan_types=(), **kwargs):
        from .layout import DOCUMENTS

        kwargs.setdefault("prefix", document)
        super().__init__(*args, **kwargs)
        self.document = document
        self.spec = spec = DOCUMENTS[document]
        for number, section in enumerate(spec.sections, start=1):
            self.fields[f"{section.key}-included"] = forms.BooleanField(
                label=_("Ta med %(section)s") % {"section": section.heading},
                required=False,
                initial=section.included,
            )
            self.fields[f"{section.key}-order"] = forms.IntegerField(
                label=_("Ordning för %(section)s") % {"section": section.heading},
                min_value=1,
                max_value=99,
                initial=number,
                widget=forms.NumberInput(attrs={"class": "input--narrow"}),
            )
            self.fields[f"{section.key}-heading"] = forms.CharField(
                label=_("Rubrik för %(section)s") % {"section": section.heading},
                required=False,
                max_length=120,
                widget=forms.TextInput(attrs={"placeholder": section.heading}),
            )
        if spec.goal_column:
            self.fields["goal_column"] = forms.CharField(
                label=_("Rubrik på målkolumnen"),
                required=False,
                max_length=60,
                widget=forms.TextInput(attrs={"placeholder": spec.goal_column}),
                help_text=_("T.ex. Förvaltningsmål. Tomt: %(default)s.")
                % {"default": spec.goal_column},
            )
        if spec.parts:
            self.fields["parts"] = forms.MultipleChoiceField(
                label=_("Under målen") if spec.sections else _("Tas med"),
                required=False,
                choices=list(spec.parts.items()),
                initial=list(spec.parts),
                widget=forms.CheckboxSelectMultiple,
            )
        if spec.levels:
            self.fields["levels"] = forms.MultipleChoiceField(
                label=_("Målnivåer"),
                required=False,
                choices=[(n, n) for n in levels],
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Ingen vald: alla målnivåer."),
            )
        if spec.plan_types:
            self.fields["plan_types"] = forms.MultipleChoiceField(
                label=_("Plantyper"),
                required=False,
                choices=[(n, n) for n in plan_types],
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Planerna vars mål och aktiviteter tas med. Ingen vald: alla.")
                if spec.sections
                else _("Planerna vars aktiviteter tas med. Ingen vald: alla."),
            )

    def section_rows(self):
        return [
            (
                section,
                self[f"{section.key}-included"],
                self[f"{section.key}-order"],
                self[f"{section.key}-heading"],
            )
            for section in self.spec.sections
        ]

    def choice_fields(self):
        """The fields besides the section table, in order."""
        return [
            self[name]
            for name in ("goal_column", "parts", "levels", "plan_types")
            if name in self.fields
        ]

    @staticmethod
    def initial_from(data: dict) -> dict:
        """Form initial values from the stored contents of the document."""
        initial = {}
        for row in data.get("sections", []):
            key = row.get("key")
            initial[f"{key}-included"] = bool(row.get("included"))
            initial[f"{key}-order"] = row.get("order")
            initial[f"{key}-heading"] = row.get("heading", "")
        for name in ("parts", "levels", "plan_types", "goal_column"):
            if name in data:
                initial[name] = data[name]
        return initial

    def contents(self) -> dict:
        """The cleaned form as stored contents."""
        data = self.cleaned_data
        result = {
            "sections": [
                {
                    "key": section.key,
                    "included": bool(data.get(f"{section.key}-included")),
                    "order": data.get(f"{section.key}-order"),
                    "heading": (data.get(f"{section.key}-heading") or "").strip(),
                }
                for section in self.spec.sections
            ],
        }
        for name in ("parts", "levels", "plan_types"):
            if name in self.fields:
                result[name] = list(data.get(name) or [])
        if "goal_column" in self.fields:
            result["goal_column"] = (data.get("goal_column") or "").strip()
        return result
