"""The charts of a unit's economy page, drawn by styrhjul.charts: the
nettokostnad's budget and utfall per month and accumulated, and the
avvikelse to date per report row and per sub-unit as horizontal bars.
Amounts in the charts are in thousands of kronor (tkr), with the page's
sign: intäkter positive, kostnader negative."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from styrhjul.charts import (
    BarChart,
    ChartToDraw,
    Series,
    Table,
    TrendChart,
    cached_svg,
    cached_svgs,
    data_table,
)
from styrhjul.charts.numbers import format_value

from .queries import EconomyTable

TKR = Decimal(1000)
UNIT = "tkr"
BETTER, WORSE = "Bättre än budget", "Sämre än budget"


@dataclass
class ShownChart:
    svg: SafeString
    table: Table
    text: str


# A chart to show: the chart, its id prefix and the text that says what it shows.
_Pending = tuple[object, str, str]


def tkr(value: Decimal | None) -> Decimal | None:
    """Kronor as whole thousands (tkr), as the charts and documents show them."""
    return None if value is None else (value / TKR).quantize(Decimal(1))


def chart_svg(chart, prefix: str, text: str) -> str:
    """The chart's SVG, drawn once per content (charts.cached_svg): the
    figures change only when a file is imported or a budget is changed."""
    return cached_svg(chart, id_prefix=prefix, show_title=False, desc=text)


def _shown(chart, prefix: str, text: str) -> ShownChart:
    return _draw([(chart, prefix, text)])[0]


def _draw(charts: list[_Pending]) -> list[ShownChart]:
    """The charts (chart, id prefix, text) drawn or read from the cache
    together (charts.cached_svgs: one look-up for all of them)."""
    svgs = cached_svgs([ChartToDraw(chart, prefix, False, text) for chart, prefix, text in charts])
    # to_svg escapes every text it writes; the markup is ours.
    return [
        ShownChart(mark_safe(svg), data_table(chart), text)  # noqa: S308
        for svg, (chart, _prefix, text) in zip(svgs, charts, strict=True)
    ]


@dataclass
class PageCharts:
    """The charts of a unit's economy page."""

    months: list[ShownChart]  # per month and accumulated
    rows: ShownChart | None  # avvikelse per report row
    parts: ShownChart | None  # avvikelse per sub-unit


def page_charts(table: EconomyTable, prefix: str) -> PageCharts:
    """The economy page's charts, drawn or read from the cache together."""
    months = _month_charts(table, prefix)
    rows, parts = _row_chart(table, prefix), _part_chart(table, prefix)
    shown = _draw([*months, *(c for c in (rows, parts) if c is not None)])
    months_shown, rest = shown[: len(months)], iter(shown[len(months) :])
    return PageCharts(
        months_shown,
        next(rest) if rows is not None else None,
        next(rest) if parts is not None else None,
    )


def _cumulative(values):
    total, result = Decimal(0), []
    for value in values:
        if value is None:
            result.append(None)
            continue
        total += value
        result.append(total)
    return result


def _month_charts(table: EconomyTable, prefix: str) -> list[_Pending]:
    """Nettokostnad per month and accumulated: utfall (solid) for the
    months with utfall, budget (dashed) for the whole year."""
    total = next((r for r in table.rows if r.is_total), None)
    if total is None or not table.months:
        return []
    labels = [f"{m:%Y-%m}" for m in table.months]
    year = f"{table.year_start:%Y}"
    done = table.months_with_utfall
    utfall = [u if i < done else None for i, u in enumerate(total.utfall)]
    budget_to_date, utfall_to_date = total.to_date(done)
    summary = (
        f"Hittills i år (till och med {labels[done - 1]}) är utfallet "
        f"{format_value(tkr(utfall_to_date), UNIT)} och budgeten "
        f"{format_value(tkr(budget_to_date), UNIT)}, en avvikelse på "
        f"{format_value(tkr(utfall_to_date - budget_to_date), UNIT)}."
        if done
        else "Det finns inget utfall ännu."
    )
    charts = []
    for key, title, values_of, lead in (
        (
            "manad",
            f"Nettokostnad per månad {year}",
            list,
            f"Diagrammet visar nettokostnaden per månad {year}: budget för hela året "
            "(streckad linje) och utfall för månaderna med utfall (heldragen linje).",
        ),
        (
            "ackumulerat",
            f"Nettokostnad ackumulerad {year}",
            _cumulative,
            f"Diagrammet visar nettokostnaden ackumulerad över året {year}: budget "
            "(streckad linje) och utfall (heldragen linje).",
        ),
    ):
        chart = TrendChart(
            title=title,
            unit=UNIT,
            series=[
                Series("Utfall", list(zip(labels, map(tkr, values_of(utfall)), strict=True))),
                Series(
                    "Budget",
                    list(zip(labels, map(tkr, values_of(total.budget)), strict=True)),
                    kind="target",
                ),
            ],
        )
        charts.append((chart, f"{prefix}-{key}", f"{lead} {summary}"))
    return charts


def deviation_bars(title: str, header: str, items, what: str) -> tuple[BarChart, str]:
    """The avvikelse to date per row or unit (`items`: label, kronor) as bars,
    with the text that says what the chart shows. The economy page and the
    Månadsrapport draw it alike."""
    chart = BarChart(
        title=title,
        unit=UNIT,
        labels=[label for label, _ in items],
        values=[tkr(value) for _, value in items],
        positive_label=BETTER,
        negative_label=WORSE,
        label_header=header,
        value_header="Avvikelse",
    )
    worse = [label for label, value in items if value < 0]
    text = f"Diagrammet visar avvikelsen mot budget hittills i år {what}. " + (
        "Sämre än budget: " + ", ".join(worse) + "." if worse else "Ingen ligger sämre än budget."
    )
    return chart, text


def _bars(title: str, header: str, items, prefix: str, what: str) -> _Pending:
    chart, text = deviation_bars(title, header, items, what)
    return chart, prefix, text


def _row_chart(table: EconomyTable, prefix: str) -> _Pending | None:
    """Avvikelse to date per report row (with nettokostnad last)."""
    if not table.months_with_utfall:
        return None
    items = [(row.name, diff) for row, _budget, _utfall, diff in table.to_date()]
    return _bars("Avvikelse hittills per rad", "Rad", items, f"{prefix}-rader", "per rad")


def _part_chart(table: EconomyTable, prefix: str) -> _Pending | None:
    """Avvikelse to date in nettokostnad per sub-unit (and the unit's own
    ansvar), when there is more than one."""
    if not table.months_with_utfall or len(table.parts) < 2:
        return None
    items = [(part.label, part.difference) for part in table.parts]
    return _bars("Avvikelse hittills per enhet", "Enhet", items, f"{prefix}-enheter", "per enhet")
