"""The accessible equivalents of a chart: a data table with every value, and
a one- or two-sentence text alternative (used as the SVG's <desc> and as the
alt text of the picture in Word).

A template renders the table as

    <table>
      <caption>{{ table.caption }}</caption>
      <thead><tr>{% for h in table.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
      <tbody>{% for row in table.rows %}
        <tr><th scope="row">{{ row.header }}</th>
            {% for cell in row.cells %}<td>{{ cell }}</td>{% endfor %}</tr>
      {% endfor %}</tbody>
    </table>
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import DASH, common_decimals, format_value
from .spec import (
    BarChart,
    GenderChart,
    GroupedBarChart,
    Period,
    Series,
    TrendChart,
    is_year,
    period_sort_key,
)

__all__ = ["Table", "TableRow", "data_table", "text_alternative"]


@dataclass(frozen=True)
class TableRow:
    header: str  # the period, a row header (<th scope="row">)
    cells: tuple[str, ...]  # formatted values, "–" when missing


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]  # the first one heads the period column
    rows: tuple[TableRow, ...]


def _period_header(periods: list[Period]) -> str:
    return "År" if periods and all(is_year(p) for p in periods) else "Period"


def _caption(title: str, unit: str) -> str:
    unit = (unit or "").strip()
    return f"{title} ({unit})" if unit else title


def _quoted(title: str) -> str:
    """The chart's title in Swedish quotation marks, ”Andel …”."""
    return f"\u201d{title}\u201d"


def _span(periods: list[Period]) -> str:
    if not periods:
        return ""
    first, last = periods[0], periods[-1]
    if first == last:
        return str(first)
    if is_year(first) and is_year(last):
        return f"{first}{DASH}{last}"
    return f"{first} {DASH} {last}"  # "2025-01 – 2025-12"


def _decimals(series: Series) -> int:
    return common_decimals(v for _, v in series.points)


def data_table(chart: TrendChart | GenderChart) -> Table:
    """Periods as rows, series as columns (then the target), each value
    written the Swedish way with the unit; "–" where a value is missing."""
    if isinstance(chart, GenderChart):
        return _gender_table(chart)
    if isinstance(chart, GroupedBarChart):
        return _grouped_table(chart)
    if isinstance(chart, BarChart):
        decimals = common_decimals(chart.present())
        return Table(
            caption=_caption(chart.title, chart.unit),
            headers=(chart.label_header, chart.value_header),
            rows=tuple(
                TableRow(header=label, cells=(format_value(value, chart.unit, decimals),))
                for label, value in zip(chart.labels, chart.values, strict=True)
            ),
        )
    columns: list[Series] = [*chart.mains, *chart.comparisons, *chart.target_series]
    periods = chart.periods
    decimals = [_decimals(s) for s in columns]  # one number of decimals per column
    rows = tuple(
        TableRow(
            header=str(period),
            cells=tuple(
                format_value(s.value_at(period), chart.unit, d)
                for s, d in zip(columns, decimals, strict=True)
            ),
        )
        for period in periods
    )
    headers = (_period_header(periods), *(s.label for s in columns))
    return Table(caption=_caption(chart.title, chart.unit), headers=headers, rows=rows)


def _grouped_table(chart: GroupedBarChart) -> Table:
    """Periods as rows, the groups as columns."""
    decimals = common_decimals(chart.values())
    rows = tuple(
        TableRow(
            header=str(period),
            cells=tuple(
                format_value(values[i], chart.unit, decimals) for _, values in chart.groups
            ),
        )
        for i, period in enumerate(chart.periods)
    )
    headers = (_period_header(list(chart.periods)), *(label for label, _ in chart.groups))
    return Table(caption=_caption(chart.title, chart.unit), headers=headers, rows=rows)


def _gender_table(chart: GenderChart) -> Table:
    decimals = common_decimals(chart.values())
    columns = [(chart.women_label, chart.women), (chart.men_label, chart.men)]
    if chart.has_total:
        columns.append((chart.total_label, chart.total))
    rows = tuple(
        TableRow(
            header=str(period),
            cells=tuple(format_value(values[i], chart.unit, decimals) for _, values in columns),
        )
        for i, period in enumerate(chart.periods)
    )
    headers = (_period_header(list(chart.periods)), *(label for label, _ in columns))
    return Table(caption=_caption(chart.title, chart.unit), headers=headers, rows=rows)


def text_alternative(chart: TrendChart | GenderChart) -> str:
    """A short Swedish description of what the chart shows, e.g.
    "Diagrammet visar Andel behöriga 2016–2025. Värdet har ökat från 42 % till
    51 %; målet för 2026 är 55 %. Riket: 48 %."""
    if isinstance(chart, GenderChart):
        return _gender_text(chart)
    if isinstance(chart, GroupedBarChart):
        return _grouped_text(chart)
    if isinstance(chart, BarChart):
        return _bar_text(chart)

    def fmt(value: Decimal | None, series: Series) -> str:
        return format_value(value, chart.unit, _decimals(series))

    main = chart.main
    present = main.present() if main else []
    if not present:
        # No own values: describe the span of whatever is drawn.
        span = _span(chart.data_periods)
        sentence = f"Diagrammet visar {_quoted(chart.title)}" + (f" {span}" if span else "") + "."
        return sentence + " Värden saknas."
    (first_period, first), (last_period, last) = present[0], present[-1]
    sentences = [f"Diagrammet visar {_quoted(chart.title)} {_span([first_period, last_period])}."]
    if len(present) == 1:
        change = f"Värdet är {fmt(last, main)}"
    elif last > first:
        change = f"Värdet har ökat från {fmt(first, main)} till {fmt(last, main)}"
    elif last < first:
        change = f"Värdet har minskat från {fmt(first, main)} till {fmt(last, main)}"
    else:
        change = f"Värdet är oförändrat, {fmt(last, main)}"
    targets = chart.target_series
    if targets and targets[0].present():
        target_period, target_value = targets[0].present()[-1]
        change += f"; målet för {target_period} är {fmt(target_value, targets[0])}"
    sentences.append(change + ".")

    comparisons = []
    for series in chart.highlighted:
        value = series.value_at(last_period)
        if value is not None:
            comparisons.append(f"{series.label}: {fmt(value, series)}.")
        elif series.present():
            period, value = series.present()[-1]
            comparisons.append(f"{series.label}: {fmt(value, series)} ({period}).")
    # The comparison municipalities by name (as in the legend or the table
    # beside the chart), with the range of their values.
    others = [(v, s) for s in chart.named_others if (v := s.value_at(last_period)) is not None]
    if len(others) == 1:
        comparisons.append(f"{others[0][1].label}: {fmt(*others[0])}.")
    elif others:
        low, high = min(v for v, _ in others), max(v for v, _ in others)
        decimals = common_decimals([low, high])
        low_text, high_text = (format_value(v, chart.unit, decimals) for v in (low, high))
        names = ", ".join(s.label for _v, s in others)
        comparisons.append(f"{chart.others_label} ({names}): mellan {low_text} och {high_text}.")
    return " ".join(sentences + comparisons)


def _gender_text(chart: GenderChart) -> str:
    decimals = common_decimals(chart.values())
    periods = sorted(chart.periods, key=period_sort_key)
    sentence = f"Diagrammet visar {_quoted(chart.title)} för kvinnor och män"
    sentence += f", {_span(periods)}." if periods else "."
    latest = None
    for i in range(len(chart.periods) - 1, -1, -1):
        if chart.women[i] is not None or chart.men[i] is not None:
            latest = i
            break
    if latest is None:
        return sentence + " Värden saknas."
    parts = [
        f"kvinnor {format_value(chart.women[latest], chart.unit, decimals)}",
        f"män {format_value(chart.men[latest], chart.unit, decimals)}",
    ]
    if chart.has_total:
        parts.append(f"totalt {format_value(chart.total[latest], chart.unit, decimals)}")
    return f"{sentence} {chart.periods[latest]}: {', '.join(parts)}."


def _grouped_text(chart: GroupedBarChart) -> str:
    """ "Diagrammet visar ”Andel nöjda” per åldersgrupp, 2024–2025. 2025:
    0–17 80 %, 18–64 74 %, 65+ 61 %."""
    decimals = common_decimals(chart.values())
    sentence = f"Diagrammet visar {_quoted(chart.title)}"
    if chart.dimension:
        sentence += f" per {chart.dimension.casefold()}"
    periods = sorted(chart.periods, key=period_sort_key)
    sentence += f", {_span(periods)}." if periods else "."
    latest = None
    for i in range(len(chart.periods) - 1, -1, -1):
        if any(values[i] is not None for _label, values in chart.groups):
            latest = i
            break
    if latest is None:
        return sentence + " Värden saknas."
    parts = [
        f"{label} {format_value(values[latest], chart.unit, decimals)}"
        for label, values in chart.groups
    ]
    return f"{sentence} {chart.periods[latest]}: {', '.join(parts)}."


def _bar_text(chart: BarChart) -> str:
    """ "Diagrammet visar ”Avvikelse per rad”: Personalkostnader −1 200 tkr,
    Lokalkostnader 0 tkr."""
    decimals = common_decimals(chart.present())
    parts = [
        f"{label} {format_value(value, chart.unit, decimals)}"
        for label, value in zip(chart.labels, chart.values, strict=True)
    ]
    if not parts:
        return f"Diagrammet visar {_quoted(chart.title)}. Värden saknas."
    return f"Diagrammet visar {_quoted(chart.title)}: " + ", ".join(parts) + "."
