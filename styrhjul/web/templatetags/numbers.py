"""Numbers as Swedish readers write them: decimal comma, a thin space between
thousands, the unit after a no-break space ("51,2 %", "12 500 kr")."""

from django import template

from styrhjul.charts.numbers import format_number, format_value, precision_of, value_in_precision

register = template.Library()


@register.filter
def with_unit(value, unit: str = "") -> str:
    """{{ value|with_unit:item.measure_unit }} → "51,2 %"; "–" when missing."""
    return format_value(value, unit or "")


@register.filter
def in_precision(value, facts) -> str:
    """{{ value|in_precision:facts }} → "8,0 %": the value with the unit and
    in the precision of the indicator (`facts`: its IndicatorData or Item)."""
    return value_in_precision(value, facts)


@register.filter
def number_in_precision(value, facts) -> str:
    """As in_precision, without the unit (for table cells under a heading
    that names it)."""
    return format_number(value, precision_of(value, facts))
