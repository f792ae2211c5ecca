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
            "Nämndens ansvar för den interna kontrollen. Skriv stycken med en tom rad emellan; "
            "rader som börjar med - eller • blir en punktlista, med 1. en numrerad lista. "
            "Töm fältet för att använda standardtexten."
        ),
    )
    summary = forms.CharField(
        label=_("Sammanfattning"),
        required=False,
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Nämndens samlade bedömning; rader som börjar med - eller 1. blir listor. Töm "
            "fältet för att använda den sammanfattning som räknas fram ur rapporteringen."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class DocumentTextsForm(forms.Form):
    """Förord, sammanfattning and viktiga händelser of a delårsrapport or
    årsredovisning (annual.TEXT_SECTIONS): those of `keys` (the texts the
    document prints), in the document's order."""

    def __init__(self, *args, keys, **kwargs):
        from .annual import TEXT_SECTIONS

        super().__init__(*args, **kwargs)
        for key, heading in TEXT_SECTIONS.items():
            if key not in keys:
                continue
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


TOO_LONG = {
    "max_length": _("Rubriken är %(show_value)d tecken lång; högst %(limit_value)d får plats.")
}


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

        if spec.title:
            from .layout import PLACEHOLDERS

            placeholders = ", ".join(f"{{{key}}} {text}" for key, text in PLACEHOLDERS.items())
            for name, label, house in (
                ("title", _("Titel"), spec.title),
                ("subtitle", _("Undertitel"), spec.subtitle),
            ):
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=120,
                    error_messages=TOO_LONG,
                    widget=forms.TextInput(attrs={"placeholder": house}),
                    help_text=_("Tomt: %(house)s. Platshållare: %(placeholders)s.")
                    % {"house": house, "placeholders": placeholders},
                )
            self.fields["subtitle"].help_text = _(
                "%(help)s Det som upprepar titeln skrivs inte ut."
            ) % {"help": self.fields["subtitle"].help_text}
        if spec.options:
            self.fields["options"] = forms.MultipleChoiceField(
                label=_("Val"),
                required=False,
                choices=list(spec.options.items()),
                initial=list(spec.default_options),
                widget=forms.CheckboxSelectMultiple,
            )
        for column in spec.columns:
            self.fields[f"col-{column.key}-heading"] = forms.CharField(
                label=_("Rubrik för kolumnen %(column)s") % {"column": column.heading},
                required=False,
                max_length=60,
                error_messages=TOO_LONG,
                widget=forms.TextInput(attrs={"placeholder": column.heading}),
            )
            self.fields[f"col-{column.key}-weight"] = forms.IntegerField(
                label=_("Bredd för kolumnen %(column)s") % {"column": column.heading},
                required=False,
                initial=column.weight,
                error_messages={
                    "invalid": _("Ange bredden som ett heltal från 1 till 20."),
                    "required": _("Ange bredden som ett heltal från 1 till 20."),
                },
                # The range is checked with the rest (layout.validate_contents),
                # so that every error is shown at once.
                widget=forms.NumberInput(attrs={"class": "input--narrow", "min": 1, "max": 20}),
            )
            self.fields[f"col-{column.key}-explanation"] = forms.CharField(
                label=_("Förklaring under kolumnen %(column)s") % {"column": column.heading},
                required=False,
                max_length=200,
                error_messages={
                    "max_length": _(
                        "Förklaringen är %(show_value)d tecken lång; högst %(limit_value)d får "
                        "plats."
                    )
                },
            )

    def title_fields(self):
        """Title and subtitle, as far as the type has them."""
        return [self[name] for name in ("title", "subtitle") if name in self.fields]

    def column_rows(self):
        return [
            (
                column,
                self[f"col-{column.key}-heading"],
                self[f"col-{column.key}-weight"],
                self[f"col-{column.key}-explanation"],
            )
            for column in self.spec.columns
        ]

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
            for name in ("options", "parts", "levels", "plan_types")
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
        names = ("parts", "levels", "plan_types", "title", "subtitle", "options")
        for name in names:
            if name in data:
                initial[name] = data[name]
        for row in data.get("columns") or ():
            for name in ("heading", "weight", "explanation"):
                if name in row:
                    initial[f"col-{row.get('key')}-{name}"] = row[name]
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
        for name in ("parts", "levels", "plan_types", "options"):
            if name in self.fields:
                result[name] = list(data.get(name) or [])
        for name in ("title", "subtitle"):
            if name in self.fields:
                result[name] = (data.get(name) or "").strip()
        if self.spec.columns:
            result["columns"] = [
                {
                    "key": column.key,
                    "heading": (data.get(f"col-{column.key}-heading") or "").strip(),
                    "weight": column.weight
                    if data.get(f"col-{column.key}-weight") is None
                    else data[f"col-{column.key}-weight"],
                    "explanation": (data.get(f"col-{column.key}-explanation") or "").strip(),
                }
                for column in self.spec.columns
            ]
        return result
