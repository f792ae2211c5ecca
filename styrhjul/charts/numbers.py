"""Swedish number formatting for charts, data tables and generated text.

Decimal comma, a narrow no-break space (U+202F) between thousands, a real
minus sign (U+2212) and a no-break space before the unit: "1 234,5 kr",
"51,2 %", "−3". Pure Python: no Django settings needed, so the same strings
appear in the web page, in the PDF and in the Word document.

The project's Django formats (styrhjul/formats/sv) use a plain no-break
space as thousands separator; both are read the same way by screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "DASH",
    "MINUS",
    "MISSING",
    "NBSP",
    "THIN_SPACE",
    "common_decimals",
    "decimals_of",
    "format_number",
    "format_value",
    "to_decimal",
    "unit_suffix",
]

MINUS = "\u2212"
THIN_SPACE = "\u202f"  # narrow no-break space, between thousands
NBSP = "\u00a0"  # between the number and its unit
DASH = "\u2013"  # en dash, for ranges: 2016–2025
MISSING = DASH  # what a missing value is shown as

# Units that are not written after the number: "51", not "51 antal".
UNITLESS = frozenset({"", "antal", "index"})

MAX_DECIMALS = 2


def to_decimal(value) -> Decimal | None:
    """A Decimal for an int, float, Decimal or numeric string; None for None,
    NaN, infinities and anything that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Decimal(repr(value))
    if isinstance(value, str):
        cleaned = value.strip().replace(MINUS, "-").replace(",", ".")
        for space in (" ", NBSP, THIN_SPACE):
            cleaned = cleaned.replace(space, "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    try:
        return to_decimal(float(value))
    except (TypeError, ValueError):
        return None


def decimals_of(value, max_decimals: int = MAX_DECIMALS) -> int:
    """How many decimals the value needs (trailing zeros dropped), at most
    `max_decimals`: 51.20 → 1, 42 → 0, 0.125 → 2."""
    number = to_decimal(value)
    if number is None:
        return 0
    rounded = number.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    exponent = rounded.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def common_decimals(values: Iterable, max_decimals: int = MAX_DECIMALS) -> int:
    """The decimals that show every value without losing digits (at most
    `max_decimals`), so a column or an axis is written consistently."""
    return max((decimals_of(v, max_decimals) for v in values if v is not None), default=0)


def format_number(value, decimals: int | None = None, *, max_decimals: int = MAX_DECIMALS) -> str:
    """ "1 234,5" (narrow no-break space between thousands); "–" for a
    missing value. With `decimals` None, as many as the value needs, at most
    `max_decimals`."""
    number = to_decimal(value)
    if number is None:
        return MISSING
    if decimals is None:
        decimals = decimals_of(number, max_decimals)
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = THIN_SPACE.join(groups)
    if fraction:
        result += "," + fraction
    return (MINUS + result) if negative else result


def unit_suffix(unit: str) -> str:
    """What follows a number for the unit: " %" for "%", "" for "antal"."""
    unit = (unit or "").strip()
    if unit.lower() in UNITLESS:
        return ""
    return NBSP + unit


def format_value(value, unit: str = "", decimals: int | None = None) -> str:
    """A value with its unit, "51,2 %", "1 200 kr", "37" (antal); "–" when
    the value is missing."""
    if to_decimal(value) is None:
        return MISSING
    return format_number(value, decimals) + unit_suffix(unit)


def precision_of(value, facts) -> int | None:
    """The decimals of `facts` (an indicator's IndicatorData, or its Item):
    the indicator's own precision; None (as many as the value needs)
    without them."""
    if facts is None or facts == "":
        return None
    decimals = getattr(facts, "decimals", None)
    if decimals is None and hasattr(facts, "target_value"):
        decimals = common_decimals([facts.baseline_value, facts.target_value, value])
    return decimals


def value_in_precision(value, facts) -> str:
    """ "8,0 %": the value with the unit and in the precision of the
    indicator (`facts`: its IndicatorData or Item)."""
    unit = getattr(facts, "unit_label", None)
    if unit is None:
        unit = getattr(facts, "measure_unit", "") or ""
    return format_value(value, unit, precision_of(value, facts))
