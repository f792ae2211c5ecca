"""What a chart shows, independent of how it is drawn: plain dataclasses
that views, documents and tests build, and that `render`, `table` and
`trend` read. No Django, no matplotlib.

Periods are years (2025 or "2025", which are the same period) or other
labels such as "2025-04" or "T1 2025", which are shown in sorted order.
Values are Decimal, float or int; None is a missing value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .numbers import to_decimal

__all__ = [
    "COMPARISON",
    "BarChart",
    "DIRECTIONS",
    "MAIN",
    "TARGET",
    "GenderChart",
    "GroupedBarChart",
    "Period",
    "Point",
    "Series",
    "TrendChart",
    "Value",
    "normalize_direction",
    "normalize_period",
    "period_sort_key",
]

Period = str | int
Value = Decimal | float | int | None
Point = tuple[Period, Value]

MAIN = "main"
COMPARISON = "comparison"
TARGET = "target"
KINDS = (MAIN, COMPARISON, TARGET)

HIGHER = "higher"
LOWER = "lower"
NONE = "none"
DIRECTIONS = (HIGHER, LOWER, NONE)


def normalize_period(period: Period) -> Period:
    """2025, "2025" and " 2025 " are the same year (the int 2025); other
    labels are kept as stripped strings."""
    if isinstance(period, bool):
        raise TypeError("a period is a year or a label, not a bool")
    if isinstance(period, int):
        return period
    text = str(period).strip()
    if text.isdigit():
        return int(text)
    return text


def period_sort_key(period: Period) -> tuple[int, int, str]:
    """Years in numeric order, then other labels in string order."""
    if isinstance(period, int):
        return (0, period, "")
    return (1, 0, period)


def is_year(period: Period) -> bool:
    return isinstance(period, int)


def normalize_direction(direction: str | None) -> str:
    """ "higher", "lower" or "none"; the model's blank choice counts as none."""
    value = (direction or NONE).strip().lower()
    if value not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    return value


def _points(points) -> tuple[tuple[Period, Decimal | None], ...]:
    return tuple((normalize_period(period), to_decimal(value)) for period, value in points)


@dataclass(frozen=True)
class Series:
    """One line in a trend chart.

    kind "main": the own indicator, drawn prominently (the first main series
    is the one the text alternative describes). kind "comparison": another
    municipality, the county or the country, thin and grey; with
    `highlight=True` a named reference ("Riket", "Länet") that gets its own
    line style, marker and legend entry (the first three; later ones are drawn
    like the others). kind "target": target values per period, drawn dashed.
    """

    label: str
    points: Sequence[Point] = ()
    kind: Literal["main", "comparison", "target"] = MAIN
    highlight: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        object.__setattr__(self, "points", _points(self.points))

    @property
    def periods(self) -> list[Period]:
        return [period for period, _ in self.points]

    def value_at(self, period: Period) -> Decimal | None:
        period = normalize_period(period)
        for p, value in self.points:
            if p == period:
                return value
        return None

    def present(self) -> list[tuple[Period, Decimal]]:
        """The points that have a value, in period order."""
        return sorted(
            ((p, v) for p, v in self.points if v is not None),
            key=lambda point: period_sort_key(point[0]),
        )


def _sorted_periods(periods) -> list[Period]:
    return sorted(set(periods), key=period_sort_key)


# å, ä and ö after z, as in a Swedish list of names.
_SWEDISH_LAST = str.maketrans({"å": "\uf8f0", "ä": "\uf8f1", "ö": "\uf8f2"})


def swedish_key(name: str) -> str:
    """A sort key that puts names in Swedish alphabetical order (…, z, å, ä, ö)."""
    return name.casefold().translate(_SWEDISH_LAST)


# At most this many comparison municipalities are named in the legend; more
# are named in a table beside the chart.
OTHERS_IN_LEGEND = 5


@dataclass(frozen=True)
class TrendChart:
    """An indicator over time with its target and comparison series.

    `target` is either one (period, value) pair – "55 % by 2026", drawn as a
    dashed horizontal line with a marker at the target year – or a list of
    pairs, a target per period, drawn as a dashed line through them.
    `baseline` (period, value) is marked on the chart as "Utgångsvärde".
    `direction` is "higher", "lower" or "none" (blank counts as none).
    """

    title: str
    unit: str = ""
    series: Sequence[Series] = ()
    target: Sequence[Point] | Point | None = None
    baseline: Point | None = None
    direction: str = NONE
    others_label: str = "Jämförbara kommuner"
    target_label: str = "Mål"
    baseline_label: str = "Utgångsvärde"

    def __post_init__(self):
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "direction", normalize_direction(self.direction))
        target = self.target
        if target is None:
            target = ()
        elif len(target) == 2 and not isinstance(target[0], (tuple, list)):
            target = (target,)  # a single (period, value) pair
        target = tuple(p for p in _points(target) if p[1] is not None)
        object.__setattr__(
            self, "target", tuple(sorted(target, key=lambda p: period_sort_key(p[0])))
        )
        if self.baseline is not None:
            baseline = _points([self.baseline])[0]
            object.__setattr__(self, "baseline", baseline if baseline[1] is not None else None)

    @property
    def mains(self) -> list[Series]:
        return [s for s in self.series if s.kind == MAIN]

    @property
    def main(self) -> Series | None:
        mains = self.mains
        return mains[0] if mains else None

    @property
    def comparisons(self) -> list[Series]:
        return [s for s in self.series if s.kind == COMPARISON]

    @property
    def highlighted(self) -> list[Series]:
        """The named references (at most three) with their own style."""
        return [s for s in self.comparisons if s.highlight][:3]

    @property
    def others(self) -> list[Series]:
        highlighted = self.highlighted
        return [s for s in self.comparisons if not any(s is h for h in highlighted)]

    @property
    def named_others(self) -> list[Series]:
        """The comparison municipalities drawn (those with a value), by name:
        each is named, in the legend or, when there are more than
        OTHERS_IN_LEGEND, in a table beside the chart."""
        return sorted((s for s in self.others if s.present()), key=lambda s: swedish_key(s.label))

    @property
    def others_in_table(self) -> bool:
        return len(self.named_others) > OTHERS_IN_LEGEND

    @property
    def others_legend(self) -> str:
        """The legend's entry of the comparison municipalities: "Mölndal";
        "Jämförbara kommuner: Borås, Mölndal och Umeå"; with more than
        OTHERS_IN_LEGEND "Jämförbara kommuner (12), se tabellen"."""
        named = [s.label for s in self.named_others]
        if not named:
            return ""
        if len(named) == 1:
            return named[0]
        if len(named) > OTHERS_IN_LEGEND:
            return f"{self.others_label} ({len(named)}), se tabellen"
        return f"{self.others_label}: {', '.join(named[:-1])} och {named[-1]}"

    def others_table(self) -> tuple[Period | None, list[tuple[str, Decimal | None]]]:
        """The comparison municipalities' values at the latest period any of
        them has one: (that period, [(name, value or None)]) by name."""
        named = self.named_others
        periods = [p for s in named for p, _v in s.present()]
        if not periods:
            return None, []
        latest = max(periods, key=period_sort_key)
        return latest, [(s.label, s.value_at(latest)) for s in named]

    @property
    def target_series(self) -> list[Series]:
        """Targets as series: the `target` pairs (labelled "Mål") and any
        series of kind "target"."""
        result = []
        if self.target:
            result.append(Series(self.target_label, self.target, kind=TARGET))
        result += [s for s in self.series if s.kind == TARGET]
        return result

    @property
    def single_target(self) -> bool:
        """One target value: drawn as a horizontal line across the chart."""
        return len(self.target) == 1 and not any(s.kind == TARGET for s in self.series)

    @property
    def periods(self) -> list[Period]:
        """Every period the chart covers, sorted."""
        periods = [p for s in self.series for p in s.periods]
        periods += [p for p, _ in self.target]
        if self.baseline is not None:
            periods.append(self.baseline[0])
        return _sorted_periods(periods)

    @property
    def data_periods(self) -> list[Period]:
        """The periods of the series (not of targets and baseline)."""
        return _sorted_periods(p for s in self.series for p in s.periods)

    def values(self) -> list[Decimal]:
        """Every value drawn, for the axis range."""
        values = [v for s in self.series for _, v in s.points if v is not None]
        values += [v for _, v in self.target]
        if self.baseline is not None:
            values.append(self.baseline[1])
        return values


@dataclass(frozen=True)
class GenderChart:
    """An indicator split by gender: grouped bars for women and men per
    period, and optionally the total."""

    title: str
    unit: str = ""
    periods: Sequence[Period] = ()
    women: Sequence[Value] = ()
    men: Sequence[Value] = ()
    total: Sequence[Value] | None = None
    women_label: str = "Kvinnor"
    men_label: str = "Män"
    total_label: str = "Totalt"
    direction: str = NONE

    def __post_init__(self):
        periods = tuple(normalize_period(p) for p in self.periods)
        women = tuple(to_decimal(v) for v in self.women)
        men = tuple(to_decimal(v) for v in self.men)
        total = tuple(to_decimal(v) for v in self.total) if self.total else ()
        if len(women) != len(periods) or len(men) != len(periods):
            raise ValueError("women and men need one value (or None) per period")
        if total and len(total) != len(periods):
            raise ValueError("total needs one value (or None) per period")
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "women", women)
        object.__setattr__(self, "men", men)
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "direction", normalize_direction(self.direction))

    @property
    def has_total(self) -> bool:
        return any(v is not None for v in self.total)

    def values(self) -> list[Decimal]:
        return [v for v in (*self.women, *self.men, *self.total) if v is not None]


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars from zero, one per label, positive to the right and
    negative to the left, such as a deviation from budget per row or unit.
    Positive and negative bars differ in colour and hatching, and each bar
    carries its value as text. `positive_label` and `negative_label` name
    the two in the legend."""

    title: str
    unit: str = ""
    labels: Sequence[str] = ()
    values: Sequence[Value] = ()
    positive_label: str = "Positivt"
    negative_label: str = "Negativt"
    label_header: str = ""  # the label column's header in the data table
    value_header: str = "Värde"

    def __post_init__(self):
        labels = tuple(str(label) for label in self.labels)
        values = tuple(to_decimal(v) for v in self.values)
        if len(labels) != len(values):
            raise ValueError("a bar chart needs one value (or None) per label")
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "values", values)

    def present(self) -> list[Decimal]:
        return [v for v in self.values if v is not None]


# More groups than this are drawn as small multiples (one small panel per
# group) instead of grouped bars.
GROUPED_BARS_AT_MOST = 4


@dataclass(frozen=True)
class GroupedBarChart:
    """An indicator split into groups (an age group, a district …): bars per
    period, one per group, side by side; with more than
    GROUPED_BARS_AT_MOST groups, small multiples – one small panel per
    group with its bars per period, on a common scale. `groups` is a
    sequence of (label, values), one value (or None) per period."""

    title: str
    unit: str = ""
    periods: Sequence[Period] = ()
    groups: Sequence[tuple[str, Sequence[Value]]] = ()
    dimension: str = ""  # what the groups are, e.g. "Åldersgrupp"
    direction: str = NONE

    def __post_init__(self):
        periods = tuple(normalize_period(p) for p in self.periods)
        groups = []
        for label, values in self.groups:
            values = tuple(to_decimal(v) for v in values)
            if len(values) != len(periods):
                raise ValueError("each group needs one value (or None) per period")
            groups.append((str(label), values))
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "groups", tuple(groups))
        object.__setattr__(self, "direction", normalize_direction(self.direction))

    @property
    def small_multiples(self) -> bool:
        return len(self.groups) > GROUPED_BARS_AT_MOST

    def values(self) -> list[Decimal]:
        return [v for _label, values in self.groups for v in values if v is not None]
