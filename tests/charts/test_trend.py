from decimal import Decimal

import pytest

from styrhjul.charts.numbers import NBSP
from styrhjul.charts.trend import (
    MET,
    NEAR,
    NOT_MET,
    describe_trend,
    suggest_assessment,
)

PCT = f"{NBSP}%"


def describe(**overrides):
    args = {
        "baseline_year": 2019,
        "baseline": 42,
        "latest_year": 2024,
        "latest": 48,
        "target_year": 2026,
        "target": 55,
        "direction": "higher",
        "unit": "%",
    }
    args.update(overrides)
    return describe_trend(**args)


def test_right_direction_too_slow_gives_the_projection():
    # 42 → 48 in five years is 1.2 a year: 50.4 in 2026, short of 55.
    text = describe()
    assert text == (
        f"Utvecklingen går åt rätt håll sedan 2019 men för långsamt för att nå 55{PCT} till "
        f"2026. I nuvarande takt blir värdet omkring 50{PCT} 2026."
    )


def test_projection_is_never_rounded_to_the_target():
    # 42 → 51: 1.8 a year gives 54.6, which must not read "omkring 55 %".
    text = describe(latest=51)
    assert "för långsamt för att nå 55" in text
    assert f"omkring 54,6{PCT} 2026" in text


def test_right_direction_on_track():
    # 42 → 52 in five years is 2 a year: 56 in 2026.
    assert describe(latest=52) == (
        f"Utvecklingen går åt rätt håll sedan 2019 och målet 55{PCT} nås till 2026 i "
        "nuvarande takt."
    )


def test_exactly_on_pace_counts_as_on_track():
    # 45 → 50 in five years, 1 a year: 55 in 2030 exactly.
    text = describe(baseline=45, latest=50, target_year=2029, target=55)
    assert "nås till 2029 i nuvarande takt" in text


def test_wrong_direction():
    text = describe(baseline=48, latest=44)
    assert text == (
        f"Utvecklingen går åt fel håll: från 48{PCT} 2019 till 44{PCT} 2024; "
        f"målet är 55{PCT} till 2026."
    )


def test_already_met():
    text = describe(latest=56)
    assert text.startswith("Målet är redan nått:")
    assert f"värdet 2024 är 56{PCT}" in text
    assert f"målet är 55{PCT} till 2026" in text


def test_lower_is_better():
    common = {"direction": "lower", "unit": "%", "target": Decimal("8.00")}
    too_slow = describe(baseline=Decimal("12.50"), latest=Decimal("11.00"), **common)
    assert too_slow.startswith(
        "Utvecklingen går åt rätt håll sedan 2019 men för långsamt för att nå 8,0"
    )
    assert f"omkring 10,4{PCT} 2026" in too_slow  # 12,5 → 11,0: −0,3 a year
    on_track = describe(baseline=Decimal("12.50"), latest=Decimal("9.00"), **common)
    assert on_track.startswith("Utvecklingen går åt rätt håll sedan 2019 och målet 8,0")
    wrong = describe(baseline=Decimal("9.00"), latest=Decimal("10.00"), **common)
    assert wrong == (
        f"Utvecklingen går åt fel håll: från 9{PCT} 2019 till 10{PCT} 2024; "
        f"målet är 8{PCT} till 2026."
    )
    met = describe(baseline=Decimal("12.50"), latest=Decimal("7.50"), **common)
    assert met.startswith("Målet är redan nått")


def test_missing_latest_value():
    assert describe(latest=None, latest_year=None) == (
        f"Utfall saknas: det finns inget utfall att jämföra med målet 55{PCT} till 2026."
    )
    no_target = describe(latest=None, target=None, target_year=None)
    assert no_target.startswith("Utfall saknas")


def test_missing_baseline_and_same_year():
    single = f"Utvecklingen kan inte bedömas ännu: det finns bara ett värde, 48{PCT} 2024"
    assert describe(baseline=None).startswith(single)
    assert describe(baseline_year=2024).startswith(single)
    assert describe(baseline_year=2024).endswith(f"; målet är 55{PCT} till 2026.")


def test_target_year_passed():
    assert describe(latest_year=2026, latest=51, target_year=2025) == (
        f"Målåret 2025 har passerat utan att målet 55{PCT} nåddes: värdet 2026 är 51{PCT}."
    )
    assert describe(latest_year=2026, latest=57, target_year=2025) == (
        f"Målet är nått: värdet 2026 är 57{PCT} och målet var 55{PCT} till 2025."
    )


def test_target_year_equal_to_latest_year_not_met():
    assert describe(latest_year=2026, latest=54).startswith("Målåret 2026 har passerat utan")


def test_the_target_year_has_not_passed_while_a_part_of_it_is_reported():
    # A delårsbokslut per 31 August of the target year: the year so far.
    assert describe(latest_year=2026, latest=54, year_complete=False) == (
        f"Målåret 2026 pågår: värdet hittills är 54{PCT} och målet är 55{PCT}."
    )
    assert describe(latest_year=2026, latest=56, year_complete=False).startswith(
        "Målet är redan nått: värdet 2026"
    )
    # A year after the target year has passed it, however far into it.
    assert describe(latest_year=2026, latest=51, target_year=2025, year_complete=False).startswith(
        "Målåret 2025 har passerat"
    )


def test_unchanged():
    assert describe(latest=42) == (
        f"Värdet är oförändrat, 42{PCT}, sedan 2019; målet är 55{PCT} till 2026."
    )


def test_no_direction_describes_the_change_only():
    assert describe(direction="", target=None, target_year=None, unit="kr", latest=1200) == (
        f"Värdet har ökat från 42{NBSP}kr 2019 till 1\u202f200{NBSP}kr 2024."
    )
    assert describe(direction="none", latest=40).startswith("Värdet har minskat från 42")


def test_right_direction_without_target():
    assert describe(target=None, target_year=None) == (
        f"Utvecklingen går åt rätt håll: från 42{PCT} 2019 till 48{PCT} 2024."
    )


def test_counts_have_no_unit_and_floats_mix_with_decimals():
    text = describe(unit="antal", baseline=Decimal("120"), latest=130.0, target=200)
    assert "nå 200 till 2026" in text
    assert "omkring 134 2026" in text  # 2 a year from 130 in 2024


# ---------------------------------------------------------- suggest_assessment


@pytest.mark.parametrize(
    ("value", "target", "direction", "margin", "expected"),
    [
        (55, 55, "higher", 2, MET),  # exactly at target
        (Decimal("55.00"), 55.0, "higher", 2, MET),
        (60, 55, "higher", 2, MET),
        (53, 55, "higher", 2, NEAR),  # exactly at the margin
        (Decimal("54.99"), 55, "higher", 2, NEAR),
        (Decimal("52.99"), 55, "higher", 2, NOT_MET),  # just outside
        (54, 55, "higher", None, NOT_MET),  # no margin: never near
        (54, 55, "higher", -2, NEAR),  # the margin's sign does not matter
        (8, 8, "lower", 1, MET),
        (7, 8, "lower", 1, MET),
        (9, 8, "lower", 1, NEAR),
        (Decimal("9.01"), 8, "lower", 1, NOT_MET),
        (40, 55, "lower", 1, MET),
        (55, 55, "none", 1, MET),
        (54, 55, "none", 1, NEAR),
        (56, 55, "", 1, NEAR),
        (57, 55, "none", 1, NOT_MET),
    ],
)
def test_suggest_assessment(value, target, direction, margin, expected):
    assert (
        suggest_assessment(value=value, target=target, direction=direction, margin=margin)
        == expected
    )


@pytest.mark.parametrize(("value", "target"), [(None, 55), (55, None), (None, None)])
def test_suggest_assessment_without_numbers(value, target):
    assert suggest_assessment(value=value, target=target, direction="higher", margin=2) is None


def test_suggest_assessment_rejects_unknown_direction():
    with pytest.raises(ValueError):
        suggest_assessment(value=1, target=2, direction="up", margin=0)
