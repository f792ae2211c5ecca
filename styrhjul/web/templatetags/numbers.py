"""Numbers as Swedish readers write them: decimal comma, a thin space between
thousands, the unit after a no-break space ("51,2 %", "12 500 kr")."""

from django import template

from styrhjul.charts.numbers import format_value

register = template.Library()


@register.filter
def with_unit(value, unit: str = "") -> str:
    """{{ value|with_unit:item.measure_unit }} → "51,2 %"; "–" when missing."""
    return format_value(value, unit or "")
