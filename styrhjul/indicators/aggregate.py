"""A unit's value computed from its sub-units' values: the sum, the mean or
the weighted mean (weighted by each value's weight, e.g. the number of
respondents), as the indicator says (Item.aggregation)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Aggregation, Item
from styrhjul.planning.services import never_summed

from .models import IndicatorValue, ValueSource
from .series import series_values

TWO_PLACES = Decimal("0.01")


@dataclass
class Computed:
    value: Decimal | None
    women: Decimal | None
    men: Decimal | None
    units: int  # how many sub-units had a value
    how: str  # the aggregation's label, e.g. "medelvärde"


def adds_up(item: Item) -> bool:
    """Whether the values of the indicator's units may be summed: only when
    the indicator is computed as a sum, and never a percentage or an index."""
    return item.aggregation == Aggregation.SUM and not never_summed(item.measure_unit)


def is_stale(stored: IndicatorValue | None, computed: Computed | None) -> bool:
    """A unit's value computed from its sub-units (source Beräknat) is
    inaktuellt when the sub-units' values no longer give it: one of them has
    changed (or come or gone) since it was computed, so that the value it
    was computed as (the source's rule, reporting.ReportForm) is no longer
    the value they give."""
    if stored is None or stored.source != ValueSource.COMPUTED or computed is None:
        return False
    return stored.value != computed.value


def combine(how: str, values: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
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
    from the values of the unit's direct sub-units (one query). A sub-unit
    counts once, with the value of its series that counts (series_values)."""
    wanted = {i.series: i for i in items if i.aggregation}
    if not wanted:
        return {}
    rows: dict[int, list[tuple]] = {}
    by_series = series_values(
        wanted,
        Unit.objects.filter(parent=unit).values("pk"),
        first_year=year,
        last_year=year,
    )
    for (series, _unit_id), values in by_series.items():
        v = values.get((year, ""))
        if v is not None:
            rows.setdefault(wanted[series].pk, []).append(
                (v.value, v.value_women, v.value_men, v.weight)
            )
    result = {}
    labels = dict(Aggregation.choices)
    for item in wanted.values():
        found = rows.get(item.pk, [])
        if not found:
            continue
        how = item.aggregation

        def column(index: int, found=found, how=how):
            return combine(how, [(r[index], r[3]) for r in found if r[index] is not None])

        result[item.pk] = Computed(
            value=column(0),
            women=column(1),
            men=column(2),
            units=sum(1 for r in found if r[0] is not None),
            how=str(labels[how]).lower(),
        )
    return result
