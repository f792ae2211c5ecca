"""Generated trend descriptions and suggested assessments, from the numbers.

`describe_trend` writes the short Swedish sentence the council's indicator
page shows next to baseline → latest → target ("Utvecklingen går åt rätt
håll men för långsamt för att nå 55 % till 2026."). It compares the linear
pace from the baseline to the latest value with the pace needed from the
latest value to reach the target by the target year.

`suggest_assessment` suggests whether the target value is met, nearly met
(within the indicator's "nära målvärde" margin) or not met; the reporter
can override it. Both are pure functions without Django.
"""

from __future__ import annotations

from decimal import Decimal

from .numbers import common_decimals, format_value, to_decimal
from .spec import HIGHER, LOWER, NONE, normalize_direction

__all__ = [
    "MET",
    "NEAR",
    "NOT_MET",
    "describe_trend",
    "suggest_assessment",
]

MET = "met"
NEAR = "near"
NOT_MET = "not_met"


def _sign(direction: str) -> int:
    return {HIGHER: 1, LOWER: -1}.get(direction, 0)


def _year(value) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def describe_trend(
    *,
    baseline_year,
    baseline,
    latest_year,
    latest,
    target_year,
    target,
    direction,
    unit: str = "",
    year_complete: bool = True,
) -> str:
    """One or two Swedish sentences on where the indicator is heading.

    Values are Decimal, float, int or None; years are ints (or None);
    direction is "higher", "lower", "none" or blank. The sentences, by case:

    - no latest value: "Utfall saknas …"
    - target year reached or passed: "Målet är nått …" / "Målåret 2024 har
      passerat utan att målet 55 % nåddes …"
    - the target year's value so far, when the latest value covers only part
      of its year (`year_complete` False, e.g. a delårsbokslut per 31
      August): "Målåret 2025 pågår …" — the target year has passed only when
      the period reported on has ended after it
    - target already reached before the target year: "Målet är redan nått …"
    - no earlier value to compare with: "Utvecklingen kan inte bedömas ännu …"
    - unchanged: "Värdet är oförändrat …"
    - no direction: "Värdet har ökat/minskat från … till …"
    - wrong direction: "Utvecklingen går åt fel håll: från 48 % 2019 till
      44 % 2024; målet är 55 % till 2026."
    - right direction: "… sedan 2019 och målet 55 % nås till 2026 i nuvarande
      takt." or "… sedan 2019 men för långsamt för att nå 55 % till 2026. I
      nuvarande takt blir värdet omkring 52 % 2026." (the baseline year, as a
      chart of earlier years may show another change)
    """
    direction = normalize_direction(direction)
    sign = _sign(direction)
    base, last, goal = to_decimal(baseline), to_decimal(latest), to_decimal(target)
    baseline_year, latest_year, target_year = (
        _year(baseline_year),
        _year(latest_year),
        _year(target_year),
    )
    decimals = common_decimals([base, last, goal])

    def fmt(value: Decimal) -> str:
        return format_value(value, unit, decimals)

    if goal is None:
        goal_phrase = ""  # "55 % till 2026"
    elif target_year is None:
        goal_phrase = fmt(goal)
    else:
        goal_phrase = f"{fmt(goal)} till {target_year}"
    goal_tail = f"; målet är {goal_phrase}" if goal_phrase else ""

    if last is None or latest_year is None:
        if goal_phrase:
            return f"Utfall saknas: det finns inget utfall att jämföra med målet {goal_phrase}."
        return "Utfall saknas: det finns inget utfall att beskriva utvecklingen med."

    if sign and goal is not None:
        met = sign * (last - goal) >= 0
        passed = target_year is not None and (
            latest_year > target_year or (latest_year == target_year and year_complete)
        )
        if passed:
            if met:
                return (
                    f"Målet är nått: värdet {latest_year} är {fmt(last)} "
                    f"och målet var {fmt(goal)} till {target_year}."
                )
            return (
                f"Målåret {target_year} har passerat utan att målet {fmt(goal)} nåddes: "
                f"värdet {latest_year} är {fmt(last)}."
            )
        if met:
            return (
                f"Målet är redan nått: värdet {latest_year} är {fmt(last)} "
                f"och målet är {goal_phrase}."
            )
        if latest_year == target_year:
            return (
                f"Målåret {target_year} pågår: värdet hittills är {fmt(last)} "
                f"och målet är {fmt(goal)}."
            )

    if base is None or baseline_year is None or baseline_year >= latest_year:
        return (
            "Utvecklingen kan inte bedömas ännu: det finns bara ett värde, "
            f"{fmt(last)} {latest_year}{goal_tail}."
        )

    change = last - base
    span = f"från {fmt(base)} {baseline_year} till {fmt(last)} {latest_year}"
    if change == 0:
        return f"Värdet är oförändrat, {fmt(last)}, sedan {baseline_year}{goal_tail}."
    if not sign:
        verb = "ökat" if change > 0 else "minskat"
        return f"Värdet har {verb} {span}{goal_tail}."
    if sign * change < 0:
        return f"Utvecklingen går åt fel håll: {span}{goal_tail}."
    if goal is None:
        return f"Utvecklingen går åt rätt håll: {span}."
    if target_year is None:
        return f"Utvecklingen går åt rätt håll mot målet {fmt(goal)}: {span}."

    pace = change / (latest_year - baseline_year)
    projected = last + pace * (target_year - latest_year)
    if sign * (projected - goal) >= 0:
        return (
            f"Utvecklingen går åt rätt håll sedan {baseline_year} och målet {fmt(goal)} nås "
            f"till {target_year} i nuvarande takt."
        )
    # Enough decimals that the projection does not read as the target itself.
    for extra in range(3):
        projected_text = format_value(projected, unit, decimals + extra)
        if projected_text != format_value(goal, unit, decimals + extra):
            break
    return (
        f"Utvecklingen går åt rätt håll sedan {baseline_year} men för långsamt för att nå "
        f"{fmt(goal)} till {target_year}. I nuvarande takt blir värdet omkring "
        f"{projected_text} {target_year}."
    )


def suggest_assessment(*, value, target, direction, margin=None) -> str | None:
    """ "met", "near" or "not_met" for a value against its target value;
    None when value or target is missing.

    Higher is better: met at or above the target, near when at most `margin`
    below it. Lower is better: the mirror image. No direction: the target is
    a point – met when equal, near within `margin` on either side. A missing
    margin counts as 0 (so "near" is never suggested); its sign is ignored.
    """
    direction = normalize_direction(direction)
    value, target = to_decimal(value), to_decimal(target)
    if value is None or target is None:
        return None
    margin = abs(to_decimal(margin) or Decimal(0))
    if direction == NONE:
        distance = abs(value - target)
        if distance == 0:
            return MET
        return NEAR if distance <= margin else NOT_MET
    shortfall = _sign(direction) * (target - value)  # how far from the target, > 0 = not reached
    if shortfall <= 0:
        return MET
    if shortfall <= margin:
        return NEAR
    return NOT_MET
