from django import template

from styrhjul.charts.numbers import format_number

register = template.Library()


@register.filter
def kronor(value) -> str:
    """Whole kronor as Swedish readers write them ("−12 500"); "–" when missing."""
    if value is None or value == "":
        return "–"
    return format_number(value, 0)
