"""Numbers as Swedish readers write them: decimal comma, a thin space between
thousands, the unit after a no-break space ("51,2 %", "12 500 kr")."""

from django import template

from styrhjul.charts.numbers import common_decimals, format_number, format_value

register = template.Library()


@register.filter
def with_unit(value, unit: str = "") -> str:
    """{{ value|with_unit:item.measure_unit }} → "51,2 %"; "–" when missing."""
    return format_value(value, unit or "")


def _decimals(value, facts) -> int | None:
    """The decimals of `facts` (an indicator's IndicatorData, or its Item):
    the indicator's own precision; None (as many as the value needs)
    without them."""
    if facts is None or facts == "":
        return None
    decimals = getattr(facts, "decimals", None)
    if decimals is None and hasattr(facts, "target_value"):
        decimals = common_decimals([facts.baseline_value, facts.target_value, value])
    return decimals


@register.filter
def in_precision(value, facts) -> str:
    """{{ value|in_precision:facts }} → "8,0 %": the value with the unit and
    in the precision of the indicator (`facts`: its IndicatorData or Item)."""
    unit = getattr(facts, "unit_label", None)
    if unit is None:
        unit = getattr(facts, "measure_unit", "") or ""
    return format_value(value, unit, _decimals(value, facts))


@register.filter
def number_in_precision(value, facts) -> str:
    """As in_precision, without the unit (for table cells under a heading
    that names it)."""
    return format_number(value, _decimals(value, facts))
