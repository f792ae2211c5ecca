from django import template

from styrhjul.charts.numbers import format_number
from styrhjul.economy.queries import as_shown

register = template.Library()


@register.filter
def kronor(value) -> str:
    """Whole kronor as Swedish readers write them ("−12 500"); "–" when missing."""
    if value is None or value == "":
        return "–"
    return format_number(value, 0)


@register.filter
def shown(value):
    """An amount with the ledger's sign turned as the economy pages show it
    (queries.as_shown: intäkter positive, kostnader negative)."""
    if value is None or value == "":
        return value
    return as_shown(value)
