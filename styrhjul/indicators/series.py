"""An indicator's facts, read once for pages and documents: its values over
the years (own reporting, or Kolada's for the own municipality), split by
gender where there is a split, the comparison municipalities, the baseline,
the targets per year and the target value, the latest value, a generated
trend description and a suggested assessment.

`indicator_data` reads any number of indicators in a fixed number of
queries. The values of an indicator are the values of its series: the same
indicator copied from year to year (Item.series), so last year's outcomes
belong to this year's indicator. `series_values` is the one reading of
those values: one per series, unit, year and period, the latest model
year's copy winning (also for the task page and computed values)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from styrhjul.charts import (
    GenderChart,
    GroupedBarChart,
    Series,
    TrendChart,
    describe_trend,
    format_value,
    suggest_assessment,
)
from styrhjul.charts.numbers import common_decimals
from styrhjul.charts.spec import swedish_key
from styrhjul.core.dates import month_name
from styrhjul.core.lookups import ids_in
from styrhjul.indicators.models import (
    BreakdownValue,
    ComparisonKind,
    ComparisonValue,
    IndicatorValue,
)
from styrhjul.kolada.models import KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.kolada.queries import ATTRIBUTION as KOLADA_ATTRIBUTION
from styrhjul.model.models import ScaleValue
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import IndicatorSource, IndicatorTarget, Item

YEARS_SHOWN = 10
BREAKDOWN_YEARS = 5  # the latest years of a breakdown drawn in its chart


@dataclass
class Point:
    year: int
    value: Decimal | None
    women: Decimal | None = None
    men: Decimal | None = None
    source: str = ""  # "manual", "imported", "computed", "kolada"
    note: str = ""


@dataclass
class Comparison:
    code: str
    name: str
    points: dict[int, Decimal | None]
    # Entered by hand (ComparisonValue): what kind of comparison and where
    # the values come from ("SKR 2026-03-01"); "" for Kolada's.
    kind: str = ""
    source: str = ""

    @property
    def is_reference(self) -> bool:
        """Riket, a region or a group of municipalities: a named series
        with its own style in the chart (comparison municipalities are grey)."""
        if self.kind:
            return self.kind != ComparisonKind.MUNICIPALITY
        return _is_reference(self.code)

    @property
    def latest(self) -> tuple[int, Decimal] | None:
        present = [(y, v) for y, v in sorted(self.points.items()) if v is not None]
        return present[-1] if present else None


def suggestion_label(code: str | None) -> str:
    """The label of a suggested assessment ("met" → "Målvärdet nås"), as
    the assessment scale's "föreslås när" names it; "" for None."""
    if not code:
        return ""
    choices = dict(ScaleValue._meta.get_field("suggested_when").flatchoices)
    return str(choices.get(code, ""))


@dataclass
class Brief:
    latest: str
    gender: str
    target: str
    suggestion: str
    trend: str
    comparisons: str
    difference: str = ""  # the largest difference between groups of a breakdown


@dataclass
class Breakdown:
    """An indicator's values per group of one uppdelning (Åldersgrupp:
    0–17, 18–64, 65+) and year, for one unit."""

    dimension: str
    categories: list[str]  # the groups, in the uppdelning's order
    values: dict[tuple[int, str], Decimal]  # (year, group) → value
    # A year whose values are of a part of it (no whole-year values yet) →
    # that period, "2025-08" (the latest period of the year with values).
    periods: dict[int, str] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({year for year, _label in self.values})

    def period_key(self, year: int) -> int | str:
        """The year, or the period its values are of ("2025-08"), as the
        chart's periods."""
        return self.periods.get(year) or year

    def when(self, year: int) -> str:
        """ "2025", or "augusti 2025" when the values are of a part of it."""
        period = self.periods.get(year)
        return f"{month_name(int(period[5:7]))} {year}" if period else str(year)

    def value(self, year: int, label: str) -> Decimal | None:
        return self.values.get((year, label))

    def largest_difference(self) -> tuple[int, str, Decimal, str, Decimal] | None:
        """The latest year's highest and lowest group: (year, highest, its
        value, lowest, its value); None without two different values."""
        for year in reversed(self.years):
            present = [
                (self.values[year, label], label)
                for label in self.categories
                if (year, label) in self.values
            ]
            if len(present) < 2:
                continue
            high = max(present, key=lambda p: p[0])
            low = min(present, key=lambda p: p[0])
            if high[0] == low[0]:
                return None
            return year, high[1], high[0], low[1], low[0]
        return None


@dataclass
class IndicatorData:
    item: Item
    unit: Unit
    points: list[Point]  # yearly, oldest first
    targets: dict[int, Decimal]  # year → target (per year, and the target value)
    comparisons: list[Comparison] = field(default_factory=list)
    kolada_name: str = ""  # the own municipality's name when values come from Kolada
    breakdowns: list[Breakdown] = field(default_factory=list)  # by uppdelning
    # The end of the period reported on, when the facts are read for a
    # follow-up: a value of a year that has not ended by then is the year so far.
    as_of: datetime.date | None = None

    @property
    def from_kolada(self) -> bool:
        return self.item.source == IndicatorSource.KOLADA

    @property
    def attribution(self) -> str:
        """Where the values and comparisons come from: Kolada's attribution,
        and the source of each comparison entered by hand."""
        parts = []
        if self.from_kolada or any(not c.kind for c in self.comparisons):
            parts.append(KOLADA_ATTRIBUTION)
        manual = [f"{c.name}: {c.source}" for c in self.comparisons if c.kind and c.source]
        if manual:
            parts.append(
                _("Källa för jämförelsevärdena: %(sources)s.") % {"sources": "; ".join(manual)}
            )
        return " ".join(parts)

    @property
    def unit_label(self) -> str:
        return self.item.measure_unit

    @property
    def latest(self) -> Point | None:
        reported = [p for p in self.points if p.value is not None]
        return reported[-1] if reported else None

    @property
    def has_gender_split(self) -> bool:
        return any(p.women is not None or p.men is not None for p in self.points)

    @property
    def baseline(self) -> tuple[int, Decimal] | None:
        item = self.item
        if item.baseline_year and item.baseline_value is not None:
            return item.baseline_year, item.baseline_value
        first = next((p for p in self.points if p.value is not None), None)
        return (first.year, first.value) if first else None

    @property
    def goal(self) -> tuple[int, Decimal] | None:
        """The target value and its year (the last target when none is set)."""
        item = self.item
        if item.target_year and item.target_value is not None:
            return item.target_year, item.target_value
        if self.targets:
            year = max(self.targets)
            return year, self.targets[year]
        return None

    def value_in(self, year: int) -> Decimal | None:
        return next((p.value for p in self.points if p.year == year), None)

    def target_for(self, year: int) -> Decimal | None:
        """The target of a year: the year's own target; else the target value
        once its year has come; else the straight line from the baseline to
        the target value."""
        if year in self.targets:
            return self.targets[year]
        goal = self.goal
        if goal is None:
            return None
        goal_year, goal_value = goal
        if year >= goal_year:
            return goal_value
        base = self.baseline
        if base is None or base[0] >= goal_year or year < base[0]:
            return goal_value
        share = Decimal(year - base[0]) / Decimal(goal_year - base[0])
        # As precise as the values the line is drawn between: a target of
        # 19 007,5 invånare between 18 500 and 19 500 reads as 19 008.
        places = common_decimals([base[1], goal_value])
        return (base[1] + (goal_value - base[1]) * share).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )

    def suggestion(self, year: int, value: Decimal | None = None) -> str | None:
        """ "met", "near", "not_met" for the year's value (or `value`) against
        the year's target; "no_value" without a value; None without a target."""
        value = self.value_in(year) if value is None else value
        target = self.target_for(year)
        if target is None:
            return None
        if value is None:
            return "no_value"
        return suggest_assessment(
            value=value,
            target=target,
            direction=self.item.direction,
            margin=self.item.near_target_margin,
        )

    def describe(self) -> str:
        latest, base, goal = self.latest, self.baseline, self.goal
        return describe_trend(
            baseline_year=base[0] if base else None,
            baseline=base[1] if base else None,
            latest_year=latest.year if latest else None,
            latest=latest.value if latest else None,
            target_year=goal[0] if goal else None,
            target=goal[1] if goal else None,
            direction=self.item.direction,
            unit=self.unit_label,
            year_complete=(
                latest is None
                or self.as_of is None
                or self.as_of >= datetime.date(latest.year, 12, 31)
            ),
        )

    @property
    def decimals(self) -> int:
        """The indicator's own precision: as many decimals as its figures are
        written with (values, kvinnor and män, baseline, targets), at most
        two, so every figure of the indicator is shown alike ("8,0" beside
        "7,5", "73" beside "73", never "73,00")."""
        cached = self.__dict__.get("_decimals")
        if cached is None:
            figures = [v for p in self.points for v in (p.value, p.women, p.men)]
            figures += [*self.targets.values(), self.item.baseline_value, self.item.target_value]
            figures += [v for b in self.breakdowns for v in b.values.values()]
            cached = self.__dict__["_decimals"] = common_decimals(figures)
        return cached

    def fmt(self, value) -> str:
        return format_value(value, self.unit_label, self.decimals)

    def brief(self, year: int) -> Brief:
        """The indicator in a few phrases for the year, beside a text box."""
        latest = self.latest
        target = self.target_for(year)
        gender = ""
        if latest and (latest.women is not None or latest.men is not None):
            gender = _("kvinnor %(w)s, män %(m)s") % {
                "w": self.fmt(latest.women),
                "m": self.fmt(latest.men),
            }
        comparisons = []
        for c in self.comparisons[:3]:
            found = c.latest
            if found:
                comparisons.append(f"{c.name} {self.fmt(found[1])} ({found[0]})")
        code = self.suggestion(year)
        differences = [self.difference_text(b) for b in self.breakdowns]
        return Brief(
            latest=f"{self.fmt(latest.value)} ({latest.year})" if latest else "",
            gender=gender,
            target=f"{self.fmt(target)} ({year})" if target is not None else "",
            suggestion=suggestion_label(code),
            trend=self.describe(),
            comparisons=", ".join(comparisons),
            difference=" ".join(d for d in differences if d),
        )

    def difference_text(self, breakdown: Breakdown) -> str:
        """ "Störst skillnad 2025 (Åldersgrupp): 65+ 48 % jämfört med 18–64
        31 %."; "" without two different values."""
        found = breakdown.largest_difference()
        if found is None:
            return ""
        year, high, high_value, low, low_value = found
        return _(
            "Störst skillnad %(year)s (%(dimension)s): %(high)s %(high_value)s jämfört med "
            "%(low)s %(low_value)s."
        ) % {
            "year": breakdown.when(year),
            "dimension": breakdown.dimension,
            "high": high,
            "high_value": self.fmt(high_value),
            "low": low,
            "low_value": self.fmt(low_value),
        }

    # --- Charts ---------------------------------------------------------------

    @property
    def own_label(self) -> str:
        return self.kolada_name or self.unit.name

    def trend_chart(self) -> TrendChart:
        series = [Series(self.own_label, [(p.year, p.value) for p in self.points])]
        for index, c in enumerate(self.comparisons):
            series.append(
                Series(
                    c.name,
                    sorted(c.points.items()),
                    kind="comparison",
                    highlight=index < 3 and c.is_reference,
                )
            )
        goal = self.goal
        yearly = sorted(self.targets.items())
        target = yearly if len(yearly) > 1 else (goal if goal else None)
        return TrendChart(
            self.item.title,
            self.unit_label,
            series,
            target=target,
            baseline=self.baseline if self.item.baseline_year else None,
            direction=self.item.direction or "none",
        )

    def gender_chart(self) -> GenderChart:
        points = [p for p in self.points if p.women is not None or p.men is not None]
        return GenderChart(
            _("%(title)s, kvinnor och män") % {"title": self.item.title},
            self.unit_label,
            periods=[p.year for p in points],
            women=[p.women for p in points],
            men=[p.men for p in points],
            total=[p.value for p in points],
        )

    def breakdown_chart(self, breakdown: Breakdown) -> GroupedBarChart:
        years = breakdown.years[-BREAKDOWN_YEARS:]
        return GroupedBarChart(
            _("%(title)s per %(dimension)s")
            % {"title": self.item.title, "dimension": breakdown.dimension.casefold()},
            self.unit_label,
            periods=[breakdown.period_key(year) for year in years],
            groups=[
                (label, [breakdown.value(year, label) for year in years])
                for label in breakdown.categories
            ],
            dimension=breakdown.dimension,
            direction=self.item.direction or "none",
        )


def _is_reference(code: str) -> bool:
    """Riket (0000) and regions (codes starting with 00) are named series."""
    return code.startswith("00")


# --- One value per series, unit and period ----------------------------------------

# (series, unit id) → (year, period) → the value that counts.
SeriesValues = dict[tuple[UUID, int], dict[tuple[int, str], IndicatorValue]]


def value_rows(
    series: Iterable[UUID],
    units: Iterable[int] | QuerySet,
    *,
    periods: Iterable[str] = ("",),
    first_year: int | None = None,
    last_year: int | None = None,
) -> QuerySet[IndicatorValue]:
    """Every stored value of the series for the units (ids, or a query of
    unit ids), entered through any year's copy of the indicator, each with
    its `series` and the `model_year` of the copy it was entered through.
    `latest_copies` makes one value per year and period of them."""
    rows = IndicatorValue.objects.filter(
        item__series__in=set(series),
        unit_id__in=units if isinstance(units, QuerySet) else set(units),
        period__in=set(periods),
    )
    if first_year is not None:
        rows = rows.filter(year__gte=first_year)
    if last_year is not None:
        rows = rows.filter(year__lte=last_year)
    return rows.annotate(
        series=F("item__series"), model_year=F("item__plan__plan_type__model__year")
    )


def latest_copies(rows: Iterable[IndicatorValue]) -> SeriesValues:
    """One value per indicator series, unit, year and period: a year's value
    entered through several years' copies of the indicator counts as the
    latest model year's copy says. `rows` as `value_rows` gives them."""
    result: SeriesValues = defaultdict(dict)
    for row in sorted(rows, key=lambda r: (r.model_year, r.pk)):
        result[row.series, row.unit_id][row.year, row.period] = row
    return dict(result)


def series_values(
    series: Iterable[UUID],
    units: Iterable[int] | QuerySet,
    *,
    periods: Iterable[str] = ("",),
    first_year: int | None = None,
    last_year: int | None = None,
) -> SeriesValues:
    """The values of the series for the units that count, one per year and
    period (one query): {(series, unit id): {(year, period): value}}."""
    return latest_copies(
        value_rows(series, units, periods=periods, first_year=first_year, last_year=last_year)
    )


def indicator_data(
    items: list[Item],
    units: dict[int, Unit] | None = None,
    *,
    years: int = YEARS_SHOWN,
    last_year: int | None = None,
    known: Mapping[tuple[UUID, int], Mapping[tuple[int, str], IndicatorValue]] | None = None,
) -> dict[int, IndicatorData]:
    """The facts of each indicator for a unit (by item pk; default: the
    item's own unit). At most seven queries for any number of indicators:
    values, targets, the Kolada settings, Kolada values and their names,
    the values per group of an uppdelning and the comparison values entered
    by hand.
    `known`: series values already read (as `series_values` gives them, for
    at least the years shown); the values of those series and units are not
    read again."""
    known = known or {}
    units = units or {}
    unit_of = {item.pk: units.get(item.pk, item.plan.unit) for item in items}
    last = last_year or max((item.plan.plan_type.model.year for item in items), default=0)
    first = last - years + 1

    wanted = {(i.series, unit_of[i.pk].pk) for i in items if i.source != IndicatorSource.KOLADA}
    values: dict[tuple[UUID, int], Mapping[tuple[int, str], IndicatorValue]] = {
        key: known[key] for key in wanted if key in known
    }
    unread = wanted - set(values)
    if unread:
        read = series_values(
            {s for s, _u in unread},
            {u for _s, u in unread},
            first_year=first,
            last_year=last,
        )
        values.update((key, read[key]) for key in unread if key in read)
    rows: dict[tuple[UUID, int], dict[int, IndicatorValue]] = {
        key: {
            year: row
            for (year, period), row in found.items()
            if not period and first <= year <= last
        }
        for key, found in values.items()
    }

    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for item_id, year, value in IndicatorTarget.objects.filter(
        ids_in("item_id", [i.pk for i in items])
    ).values_list("item_id", "year", "value"):
        targets[item_id][year] = value

    kolada_items = {i.pk for i in items if i.source == IndicatorSource.KOLADA and i.kolada_kpi}
    # The organisation an indicator belongs to is its model's.
    organisation_of = {i.pk: i.plan.plan_type.model.organisation_id for i in items}
    settings_by_root = (
        {
            s.organisation_id: s
            for s in KoladaSettings.objects.filter(
                organisation_id__in=set(organisation_of.values())
            )
        }
        if any(i.kolada_kpi for i in items)
        else {}
    )
    kolada_rows: dict[str, dict[str, dict[int, dict[str, Decimal | None]]]] = {}
    names: dict[str, str] = {}
    municipality_ids = {m for s in settings_by_root.values() for m in s.municipality_ids}
    kpis = {i.kolada_kpi for i in items if i.kolada_kpi}
    if kpis and municipality_ids:
        for kpi, municipality, period, gender, value in KoladaValue.objects.filter(
            kpi_id__in=kpis,
            municipality_id__in=municipality_ids,
            ou_id="",
            period__gte=first,
            period__lte=last,
        ).values_list("kpi_id", "municipality_id", "period", "gender", "value"):
            kolada_rows.setdefault(kpi, {}).setdefault(municipality, {}).setdefault(period, {})[
                gender
            ] = value
        names = dict(
            KoladaMunicipality.objects.filter(id__in=municipality_ids).values_list("id", "title")
        )

    breakdowns = _breakdowns(
        {(i.series, unit_of[i.pk].pk) for i in items}, first_year=first, last_year=last
    )
    manual = _manual_comparisons({i.series for i in items}, first_year=first, last_year=last)

    result = {}
    for item in items:
        unit = unit_of[item.pk]
        settings = settings_by_root.get(organisation_of[item.pk])
        data = IndicatorData(item, unit, [], dict(targets.get(item.pk, {})))
        data.breakdowns = breakdowns.get((item.series, unit.pk), [])
        # Comparisons entered by hand first: riket and groups among them are
        # the named references of the chart.
        data.comparisons = list(manual.get(item.series, []))
        if item.target_year and item.target_value is not None:
            data.targets.setdefault(item.target_year, item.target_value)
        by_municipality = kolada_rows.get(item.kolada_kpi, {}) if item.kolada_kpi else {}
        if item.pk in kolada_items and settings is not None:
            own = by_municipality.get(settings.municipality_id, {})
            data.kolada_name = names.get(settings.municipality_id, settings.municipality_id)
            data.points = [
                Point(year, g.get("T"), g.get("K"), g.get("M"), "kolada")
                for year, g in sorted(own.items())
            ]
        else:
            own = rows.get((item.series, unit.pk), {})
            data.points = [
                Point(year, v.value, v.value_women, v.value_men, v.source, v.note)
                for year, v in sorted(own.items())
            ]
        if settings is not None and by_municipality:
            for code in settings.comparison_ids:
                if code == settings.municipality_id:
                    continue
                values = by_municipality.get(code, {})
                data.comparisons.append(
                    Comparison(
                        code,
                        names.get(code, code),
                        {year: g.get("T") for year, g in values.items()},
                    )
                )
        result[item.pk] = data
    return result


def _breakdowns(
    wanted: set[tuple[UUID, int]], *, first_year: int, last_year: int
) -> dict[tuple[UUID, int], list[Breakdown]]:
    """The values per group of each series and unit, by uppdelning (one
    query): a year's value entered through several years' copies of the
    indicator counts as the latest model year's copy says, as for outcomes."""
    if not wanted:
        return {}
    rows = (
        BreakdownValue.objects.filter(
            item__series__in={s for s, _u in wanted},
            unit_id__in={u for _s, u in wanted},
            year__gte=first_year,
            year__lte=last_year,
        )
        .annotate(series=F("item__series"), model_year=F("item__plan__plan_type__model__year"))
        .select_related("category__dimension")
    )
    latest: dict[tuple, BreakdownValue] = {}
    for row in sorted(rows, key=lambda r: (r.model_year, r.pk)):
        latest[row.series, row.unit_id, row.category_id, row.year, row.period] = row
    # A year's values per group are the whole year's when there are any,
    # else those of the year's latest period (the year so far), the same
    # period for every group of the uppdelning.
    shown: dict[tuple, str] = {}
    for row in latest.values():
        key = (row.series, row.unit_id, row.category.dimension_id, row.year)
        if key not in shown or (shown[key] and (not row.period or row.period > shown[key])):
            shown[key] = row.period
    by_key: dict[tuple[UUID, int], dict[int, tuple]] = defaultdict(dict)
    for row in latest.values():
        dimension = row.category.dimension
        if (row.series, row.unit_id) not in wanted:
            continue
        if shown[row.series, row.unit_id, dimension.pk, row.year] != row.period:
            continue
        found = by_key[row.series, row.unit_id].setdefault(dimension.pk, (dimension, {}, {}, {}))
        found[1][row.category_id] = row.category
        found[2][row.year, row.category.label] = row.value
        if row.period:
            found[3][row.year] = row.period
    result = {}
    for key, dimensions in by_key.items():
        result[key] = [
            Breakdown(
                dimension.name,
                [c.label for c in sorted(categories.values(), key=lambda c: (c.order, c.pk))],
                values,
                periods,
            )
            for dimension, categories, values, periods in sorted(
                dimensions.values(), key=lambda d: (d[0].order, d[0].name)
            )
        ]
    return result


def _manual_comparisons(
    series: set[UUID], *, first_year: int, last_year: int
) -> dict[UUID, list[Comparison]]:
    """The comparison values entered by hand for each series (one query), a
    comparison per name: riket first, then groups, then municipalities."""
    if not series:
        return {}
    rows = ComparisonValue.objects.filter(
        item__series__in=series, year__gte=first_year, year__lte=last_year
    ).annotate(series=F("item__series"), model_year=F("item__plan__plan_type__model__year"))
    latest: dict[tuple, ComparisonValue] = {}
    for row in sorted(rows, key=lambda r: (r.model_year, r.pk)):
        latest[row.series, row.name, row.year] = row
    found: dict[UUID, dict[str, Comparison]] = defaultdict(dict)
    newest: dict[tuple[UUID, str], ComparisonValue] = {}
    for (key, name, year), row in sorted(latest.items(), key=lambda kv: kv[0][2]):
        comparison = found[key].setdefault(
            name, Comparison(f"manuell:{name}", name, {}, kind=row.kind)
        )
        comparison.points[year] = row.value
        newest[key, name] = row
    order = list(ComparisonKind.values)
    result = {}
    for key, comparisons in found.items():
        for name, comparison in comparisons.items():
            row = newest[key, name]
            comparison.kind = row.kind
            comparison.source = f"{row.source} {row.source_date.isoformat()}"
        result[key] = sorted(
            comparisons.values(), key=lambda c: (order.index(c.kind), swedish_key(c.name))
        )
    return result
