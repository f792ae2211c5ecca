"""Cell values: from what openpyxl reads to Python values, and back.

Parsers raise CellError with a Swedish message (without the location, which
the caller knows)."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Shared with the organisation import, so both read cells the same way.
from styrhjul.core.spreadsheet import cell_text, norm_header

from .columns import NO, YES

__all__ = [
    "CellError",
    "norm_header",
    "short_text",
    "long_text",
    "parse_boolean",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "norm_key",
]


_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")
_TWO_PLACES = Decimal("0.01")
DECIMAL_LIMIT = Decimal(10) ** 12  # max_digits=14, decimal_places=2


class CellError(ValueError):
    """A cell's value cannot be read; the message is Swedish."""


def short_text(value) -> str:
    """One line of text: stripped, runs of whitespace (line breaks too) read
    as one space; numbers without '.0'; dates as ÅÅÅÅ-MM-DD."""
    return cell_text(value)


def long_text(value) -> str:
    """Text of several lines: line breaks kept (as \\n), spaces at the ends of
    lines and blank lines at the start and end dropped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return cell_text(value)
    text = value.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def norm_key(text: str) -> str:
    """For comparing names: whitespace collapsed, case ignored."""
    return " ".join(text.split()).casefold()


def parse_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = short_text(value)
    if not text:
        return None
    match = _DATE_RE.match(text)
    try:
        if not match:
            raise ValueError
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise CellError(
            _(
                "”%(value)s” är inte ett giltigt datum. Skriv datum som ÅÅÅÅ-MM-DD, till "
                "exempel 2025-01-31."
            )
            % {"value": text}
        ) from None


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("”%(value)s” är inte ett tal.") % {"value": short_text(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 51.3, not 51.29999…
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = short_text(value)
    if not text:
        return None
    cleaned = _NUMBER_SPACES.sub("", text).replace("−", "-").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("”%(value)s” är inte ett tal.") % {"value": text}) from None
    if not number.is_finite():
        raise CellError(_("”%(value)s” är inte ett tal.") % {"value": text})
    return number


def parse_decimal(value) -> Decimal | None:
    """A number with at most two decimals (more are rounded)."""
    number = _number(value)
    if number is None:
        return None
    if not number.is_finite():
        raise CellError(_("”%(value)s” är inte ett tal.") % {"value": short_text(value)})
    if abs(number) >= DECIMAL_LIMIT:  # before rounding, which fails for 1e400
        raise CellError(_("talet är för stort (högst 12 siffror före decimaltecknet)."))
    number = number.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)
    if abs(number) >= DECIMAL_LIMIT:
        raise CellError(_("talet är för stort (högst 12 siffror före decimaltecknet)."))
    return number


def parse_integer(value, *, low: int | None = None, high: int | None = None) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        if low is not None and high is not None:
            raise CellError(
                _("”%(value)s” är inte ett heltal från %(low)d till %(high)d.")
                % {"value": short_text(value), "low": low, "high": high}
            )
        raise CellError(_("”%(value)s” är inte ett heltal.") % {"value": short_text(value)})
    result = int(number)
    if (low is not None and result < low) or (high is not None and result > high):
        raise CellError(
            _("%(value)d ligger utanför det tillåtna, %(low)d–%(high)d.")
            % {"value": result, "low": low, "high": high}
        )
    return result


_TRUE = {"ja", "j", "sant", "true", "1", "x", "yes"}
_FALSE = {"nej", "n", "falskt", "false", "0", "no"}


def parse_boolean(value) -> bool | None:
    """Ja/Nej (also Excel's SANT/FALSKT). None for an empty cell."""
    if isinstance(value, bool):
        return value
    text = short_text(value).casefold()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(
        _("”%(value)s” är varken %(yes)s eller %(no)s.")
        % {"value": short_text(value), "yes": YES, "no": NO}
    )
