"""A unit's value computed from its sub-units' values: the sum, the mean or
the weighted mean (weighted by each value's weight, e.g. the number of
respondents), as the indicator says (Item.aggregation)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from styrhjul.followup.models import IndicatorValue
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Aggregation, Item

TWO_PLACES = Decimal("0.01")


@dataclass
class Computed:
    value: Decimal | None
    women: Decimal | None
    men: Decimal | None
    units: int  # how many sub-units had a value
    how: str  # the aggregation's label, e.g. "medelvärde"


def _combine(how: str, values: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """values: (value, weight) pairs without missing values."""
    if not values:
        return None
    if how == Aggregation.SUM:
        total = sum((v for v, _w in values), Decimal(0))
    elif how == Aggregation.WEIGHTED_MEAN:
        weighted = [(v, w) for v, w in values if w]
        weight = sum((w for _v, w in weighted), Decimal(0))
        if not weight:
            return None
        total = sum((v * w for v, w in weighted), Decimal(0)) / weight
    else:
        total = sum((v for v, _w in values), Decimal(0)) / len(values)
    return total.quantize(TWO_PLACES)


def computed_values(items: list[Item], unit: Unit, year: int) -> dict[int, Computed]:
    """For each indicator that is computed from sub-units: the year's value
    from the values of the unit's direct sub-units (one query)."""
    wanted = {i.series: i for i in items if i.aggregation}
    if not wanted:
        return {}
    rows: dict[int, list[tuple]] = {}
    for series, value, women, men, weight in IndicatorValue.objects.filter(
        item__series__in=list(wanted),
        unit__parent=unit,
        year=year,
        period="",
    ).values_list("item__series", "value", "value_women", "value_men", "weight"):
        rows.setdefault(wanted[series].pk, []).append((value, women, men, weight))
    result = {}
    labels = dict(Aggregation.choices)
    for item in wanted.values():
        found = rows.get(item.pk, [])
        if not found:
            continue
        how = item.aggregation

        def column(index: int, found=found, how=how):
            return _combine(how, [(r[index], r[3]) for r in found if r[index] is not None])

        result[item.pk] = Computed(
            value=column(0),
            women=column(1),
            men=column(2),
            units=sum(1 for r in found if r[0] is not None),
            how=str(labels[how]).lower(),
        )
    return result
