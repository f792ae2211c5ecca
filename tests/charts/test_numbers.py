from decimal import Decimal

import pytest

from styrhjul.charts.numbers import (
    MINUS,
    NBSP,
    THIN_SPACE,
    common_decimals,
    decimals_of,
    format_number,
    format_value,
    to_decimal,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (42, "42"),
        (51.2, "51,2"),
        (Decimal("51.20"), "51,2"),  # as stored with decimal_places=2
        (1234.5, f"1{THIN_SPACE}234,5"),
        (1234567, f"1{THIN_SPACE}234{THIN_SPACE}567"),
        (-3, f"{MINUS}3"),
        (-1234.25, f"{MINUS}1{THIN_SPACE}234,25"),
        (0.125, "0,13"),  # half up, at most two decimals
        (2.675, "2,68"),  # the float 2.675 is written as people read it
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


def test_format_number_with_fixed_decimals_and_no_negative_zero():
    assert format_number(69, 1) == "69,0"
    assert format_number(Decimal("7.25"), 0) == "7"
    assert format_number(-0.001, 1) == "0,0"


def test_format_value_with_and_without_unit():
    assert format_value(51.2, "%") == f"51,2{NBSP}%"
    assert format_value(1200, "kr") == f"1{THIN_SPACE}200{NBSP}kr"
    assert format_value(37, "antal") == "37"
    assert format_value(101.5, "index") == "101,5"
    assert format_value(None, "%") == "–"


def test_decimals():
    assert decimals_of(Decimal("51.20")) == 1
    assert decimals_of(42) == 0
    assert decimals_of(1 / 3) == 2
    assert common_decimals([42, Decimal("51.2"), None]) == 1


def test_to_decimal():
    assert to_decimal("1 234,5") == Decimal("1234.5")
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(True) is None
    assert to_decimal("abc") is None
    assert to_decimal(float("inf")) is None
