"""Forms of the uppdelningar, the values per group and the comparison values
entered by hand. The numbers are read as the task page reads outcomes:
decimal comma, at most two decimals, at most 100 for a percentage."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from styrhjul.organisation.forms import DateInput

from .models import ComparisonKind
from .services import FIRST_YEAR, LAST_YEAR, PART_YEAR_MONTHS, parse_categories, period_of


def parse_number(text: str, measure_unit: str = "") -> Decimal | None:
    """A value as written on a page ("48,5", "1 200"); None for blank.
    ValidationError in Swedish otherwise."""
    text = "".join((text or "").split()).replace("−", "-").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(_("Skriv ett tal, t.ex. 48,5.")) from None
    if not number.is_finite():
        raise forms.ValidationError(_("Skriv ett tal, t.ex. 48,5."))
    if number != number.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Högst två decimaler."))
    if abs(number) >= Decimal("1e12"):
        raise forms.ValidationError(_("Talet är för stort."))
    if measure_unit.strip() == "%" and not 0 <= number <= 100:
        raise forms.ValidationError(_("En andel i procent är mellan 0 och 100."))
    return number


class NumberField(forms.CharField):
    def __init__(self, *, measure_unit: str = "", **kwargs):
        self.measure_unit = measure_unit
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        number = parse_number(value, self.measure_unit)
        if number is None and self.required:
            raise forms.ValidationError(_("Ange ett värde."))
        return number


class DimensionForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=100,
        help_text=gettext_lazy("T.ex. Åldersgrupp eller Kommundel."),
    )
    categories = forms.CharField(
        label=gettext_lazy("Grupper"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "En grupp per rad, i den ordning de ska visas, t.ex. 0–17, 18–64 och 65+."
        ),
    )

    def clean_categories(self) -> list[str]:
        return parse_categories(self.cleaned_data["categories"])


class BreakdownForm(forms.Form):
    """The values of one year per group of an uppdelning, each with the
    version the user opened."""

    # The year and period are chosen with "Visa" (the versions are theirs).
    year = forms.IntegerField(
        label=gettext_lazy("År"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.HiddenInput,
    )
    # The month the period ends; empty for the whole year.
    month = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        choices=[("", "")] + [(str(m), str(m)) for m in PART_YEAR_MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, categories, measure_unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"c{category.pk}"] = NumberField(
                label=category.label, measure_unit=measure_unit
            )
            self.fields[f"v{category.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0
            )

    def values(self) -> dict[int, Decimal | None]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.categories}

    def period(self) -> str:
        return period_of(self.cleaned_data["year"], self.cleaned_data.get("month"))

    def versions(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data.get(f"v{c.pk}") or 0 for c in self.categories}


class ComparisonForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jämförelse med"), choices=ComparisonKind.choices)
    name = forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=100,
        help_text=gettext_lazy("T.ex. Riket, Liknande kommuner eller Växjö."),
    )
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    value = NumberField(label=gettext_lazy("Värde"), required=True)
    source = forms.CharField(
        label=gettext_lazy("Källa"),
        max_length=200,
        help_text=gettext_lazy("Var värdet kommer från, t.ex. SKR, Öppna jämförelser."),
    )
    source_date = forms.DateField(
        label=gettext_lazy("Datum för källan"),
        widget=DateInput(),
        help_text=gettext_lazy("ÅÅÅÅ-MM-DD, t.ex. när värdet publicerades."),
        initial=datetime.date.today,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, measure_unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].measure_unit = measure_unit


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel-fil (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
