"""The helårsprognos form of an economy task: an amount and a comment per
row of the driftredovisning, a comment on the whole and the planned
measures (åtgärder)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from styrhjul.charts.numbers import format_number
from styrhjul.core.forms import apply_errors

from .economy import EconomyFigures, MeasureInput
from .forms_wheel import date_field

# Spaces people write in amounts: space, no-break space, thin space.
SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
EXTRA_MEASURES = 2


def parse_amount(text: str) -> Decimal | None:
    """ "−1 250 000", "-1250000,50", "12 500" → Decimal; None for blank.
    ValueError when it is not an amount."""
    text = SPACES.sub("", text or "").replace("\u2212", "-").replace(",", ".")
    if not text:
        return None
    if not re.fullmatch(r"[+-]?\d+(\.\d{1,2})?", text):
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


class AmountField(forms.CharField):
    default_error_messages = {
        "invalid": _("Ange prognosen som ett belopp i kronor, t.ex. −1 250 000."),
        "required": _("Ange prognosen för helåret i kronor, 0 om inget."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if len(value) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = parse_amount(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount is not None and abs(amount) >= Decimal("1e15"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


def _amount_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return (
        f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}".replace(".", ",")
    )


class ForecastForm(forms.Form):
    """Fields: version; row-<id> and row-<id>-comment per row that is not a
    total; comment; measure-<i>-id/-text/-responsible/-due."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Kommentar till prognosen"),
        required=False,
        help_text=_("Vad prognosen bygger på och vad som påverkar den mest."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, figures: EconomyFigures, forecast=None, measures=(), **kwargs):
        initial = {"version": forecast.version if forecast else 0}
        if forecast is not None:
            initial["comment"] = forecast.comment
        self.figures = figures
        self.row_fields = []  # (figure row, amount field name, comment field name)
        for row in figures.input_rows:
            amount, comment = f"row-{row.row_id}", f"row-{row.row_id}-comment"
            self.row_fields.append((row, amount, comment))
            if row.own is not None:
                initial[amount] = _amount_text(row.own)
                initial[comment] = row.comment
        measures = list(measures)
        self.measure_count = len(measures) + EXTRA_MEASURES
        for index, m in enumerate(measures):
            initial[f"measure-{index}-id"] = m.pk
            initial[f"measure-{index}-text"] = m.text
            initial[f"measure-{index}-responsible"] = m.responsible
            initial[f"measure-{index}-due"] = m.due
        super().__init__(*args, initial=initial, **kwargs)
        for row, amount, comment in self.row_fields:
            self.fields[amount] = AmountField(
                label=_("Prognos helår för %(row)s (kronor)") % {"row": row.name.lower()},
                required=True,
                help_text=_("Budget helår: %(budget)s kronor. Kostnader anges negativa.")
                % {"budget": format_number(row.budget_year, 0)},
            )
            self.fields[comment] = forms.CharField(
                label=_("Kommentar till %(row)s") % {"row": row.name.lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for index in range(self.measure_count):
            self.fields[f"measure-{index}-id"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"measure-{index}-text"] = forms.CharField(
                label=_("Åtgärd"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"measure-{index}-responsible"] = forms.CharField(
                label=_("Ansvarig"), required=False, max_length=200
            )
            self.fields[f"measure-{index}-due"] = date_field(_("Klar senast"), required=False)
        self.measures_error = ""

    # What the template lays out.
    def rows(self):
        return [(row, self[amount], self[comment]) for row, amount, comment in self.row_fields]

    def measure_rows(self):
        return [
            (
                index,
                self[f"measure-{index}-id"],
                self[f"measure-{index}-text"],
                self[f"measure-{index}-responsible"],
                self[f"measure-{index}-due"],
            )
            for index in range(self.measure_count)
        ]

    # What the service takes.
    def amounts(self) -> dict[int, Decimal | None]:
        return {row.row_id: self.cleaned_data.get(amount) for row, amount, _c in self.row_fields}

    def comments(self) -> dict[int, str]:
        return {
            row.row_id: self.cleaned_data.get(comment, "") for row, _a, comment in self.row_fields
        }

    def measures(self) -> list[MeasureInput]:
        data = self.cleaned_data
        return [
            MeasureInput(
                data.get(f"measure-{i}-id"),
                data.get(f"measure-{i}-text", ""),
                data.get(f"measure-{i}-responsible", ""),
                data.get(f"measure-{i}-due"),
            )
            for i in range(self.measure_count)
        ]

    def apply_errors(self, exc) -> None:
        if hasattr(exc, "error_dict") and "measures" in exc.error_dict:
            self.measures_error = " ".join(exc.message_dict["measures"])
            rest = {k: v for k, v in exc.message_dict.items() if k != "measures"}
            for name, errors in rest.items():
                self.add_error(name if name in self.fields else None, errors)
            return
        apply_errors(self, exc)
