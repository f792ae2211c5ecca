"""Charts drawn on the server with matplotlib: inline SVG for web pages and
WeasyPrint PDFs, PNG for Word documents – both from the same figure.

    to_svg(chart, id_prefix="nyckeltal-12") -> str   # <svg role="img" …>…</svg>
    to_png(chart, dpi=150) -> bytes

Only `matplotlib.figure.Figure` is used, never pyplot, so no global figure
state or GUI backend is involved. matplotlib's style settings (rcParams) are
process-global, so every render holds one lock and applies the chart style
with `rc_context` inside it: concurrent requests draw one at a time and never
see each other's settings.

Accessibility (WCAG 2.1 AA): every line, marker and bar has at least 3:1
contrast against white (1.4.11); series are told apart by line style,
marker and hatching, not only by colour (1.4.1); the SVG is `role="img"`
labelled by its <title> and <desc> (the text alternative); the data table
in `table.py` carries every value.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
from collections.abc import Sequence
from html import escape

import matplotlib
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, NullLocator
from matplotlib.transforms import offset_copy

from .numbers import common_decimals, format_number, format_value
from .spec import (
    HIGHER,
    LOWER,
    BarChart,
    GenderChart,
    GroupedBarChart,
    Period,
    TrendChart,
    is_year,
)
from .table import text_alternative

__all__ = ["build_figure", "contrast_ratio", "to_png", "to_svg"]

# Colours. Every colour that carries data has ≥ 3:1 contrast against white
# (tests/charts check it); GRID is decoration and may be lighter.
TEXT = "#1b1f24"
MUTED = "#4a5360"
GRID = "#d5dae1"
OTHERS_COLOUR = "#7d8796"  # the many comparison municipalities, thin
MAIN_STYLES = (
    {"color": "#0b5394", "marker": "o", "linestyle": "-"},
    {"color": "#9b2c5e", "marker": "s", "linestyle": "-"},
    {"color": "#00676a", "marker": "^", "linestyle": "-"},
)
HIGHLIGHT_STYLES = (  # "Riket", "Länet", …: own colour, line style and marker
    {"color": "#1e6b34", "marker": "s", "linestyle": (0, (1.2, 1.6))},
    {"color": "#a04800", "marker": "^", "linestyle": (0, (6, 2, 1.5, 2))},
    {"color": "#6a3d9a", "marker": "D", "linestyle": (0, (3, 1.6))},
)
TARGET_STYLE = {"color": TEXT, "linestyle": (0, (7, 3.5)), "marker": "*"}
WOMEN_STYLE = {"color": "#8a2f6e", "hatch": "///"}
MEN_STYLE = {"color": "#0b5394", "hatch": "++"}  # (dots would add 150 kB of SVG)
TOTAL_STYLE = {"color": MUTED, "hatch": None}
DATA_COLOURS = (
    "#1e6b34",  # POSITIVE_STYLE
    "#9b2c5e",  # NEGATIVE_STYLE
    OTHERS_COLOUR,
    TARGET_STYLE["color"],
    WOMEN_STYLE["color"],
    MEN_STYLE["color"],
    TOTAL_STYLE["color"],
    *(s["color"] for s in MAIN_STYLES),
    *(s["color"] for s in HIGHLIGHT_STYLES),
    "#a04800",  # GROUP_STYLES (the others are above)
)

# Geometry, in inches. 7.2 in is 1080 px at 150 dpi and fits a 16 cm wide
# Word column; the SVG scales to its container.
FIG_WIDTH = 7.2
PLOT_HEIGHT = 2.75
SIDE_WIDTH = 2.3  # the table of comparison municipalities beside the plot
SIDE_ROW = 0.19  # its row height
SIDE_NAME = 24  # characters of a name in it
LEGEND_WRAP = 38  # characters per line of a legend entry naming municipalities
FONT_SIZE = 9.5
SMALL = 8.5
TITLE_SIZE = 11.5
TITLE_WRAP = 72  # characters per title line

STYLE = {
    "svg.fonttype": "none",  # text stays text in the SVG
    "svg.hashsalt": "styrhjul",  # stable ids, so the same chart gives the same SVG
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "text.parse_math": False,  # "$" in a label is a dollar, not TeX
    "text.hinting": "no_hinting",  # a quarter faster in PNG, no visible difference at 150 dpi
    "axes.unicode_minus": True,
    "axes.edgecolor": MUTED,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 1.1,
    "legend.fontsize": FONT_SIZE,
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "savefig.bbox": None,
}

_LOCK = threading.Lock()


# ---------------------------------------------------------------- public API


def to_svg(
    chart: TrendChart | GenderChart | BarChart,
    *,
    id_prefix: str = "chart",
    show_title: bool = True,
    desc: str | None = None,
) -> str:
    """The chart as an inline <svg> element (no XML prolog), responsive
    (`width="100%"` and a fixed viewBox), `role="img"` labelled by its
    <title> and <desc>. `id_prefix` must be unique on the page: it prefixes
    every id in the SVG. With `show_title=False` the title is not drawn in
    the picture (when the page shows it as a caption) but stays in <title>.
    `desc` replaces the generated text alternative when the page knows
    better what the chart says.
    """
    prefix = _safe_id(id_prefix)
    buffer = io.StringIO()
    with _LOCK, matplotlib.rc_context(STYLE):
        figure = build_figure(chart, show_title=show_title)
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _finish_svg(
        buffer.getvalue(),
        prefix=prefix,
        title=chart.title,
        desc=desc if desc is not None else text_alternative(chart),
    )


def to_png(chart: TrendChart | GenderChart, dpi: int = 150, *, show_title: bool = True) -> bytes:
    """The chart as PNG (for python-docx), FIG_WIDTH inches wide at `dpi`."""
    buffer = io.BytesIO()
    with _LOCK, matplotlib.rc_context(STYLE):
        figure = build_figure(chart, show_title=show_title)
        figure.savefig(
            buffer,
            format="png",
            dpi=dpi,
            metadata={"Software": None},
            pil_kwargs={"compress_level": 3},  # faster than the default 6, ~4 % larger
        )
    return buffer.getvalue()


def build_figure(chart: TrendChart | GenderChart, *, show_title: bool = True) -> Figure:
    """The matplotlib figure both formats are saved from. Call it inside
    `matplotlib.rc_context(STYLE)` (to_svg and to_png do, under the lock)."""
    if isinstance(chart, GenderChart):
        return _gender_figure(chart, show_title=show_title)
    if isinstance(chart, TrendChart):
        return _trend_figure(chart, show_title=show_title)
    if isinstance(chart, BarChart):
        return _bar_figure(chart, show_title=show_title)
    if isinstance(chart, GroupedBarChart):
        return _grouped_figure(chart, show_title=show_title)
    raise TypeError(f"not a chart: {chart!r}")


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio between two "#rrggbb" colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# ------------------------------------------------------------------- scales


def _y_scale(values, *, unit: str, include_zero: bool = False):
    """Nice y limits and ticks: padded data range, never below 0 for
    non-negative data, never above 100 for percentages up to 100."""
    numbers = [float(v) for v in values]
    if not numbers:
        return 0.0, 1.0, []  # nothing to show: no scale
    data_min, data_max = min(numbers), max(numbers)
    low, high = data_min, data_max
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    span = high - low or abs(high) * 0.2 or 1.0
    low -= span * 0.08 if not (include_zero and low == 0) else 0
    high += span * 0.08
    floor = 0.0 if data_min >= 0 else -math.inf
    ceiling = 100.0 if unit.strip() == "%" and data_max <= 100 else math.inf
    low, high = max(low, floor), min(high, ceiling)
    ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    low = max(float(ticks[0]), floor)
    high = min(float(ticks[-1]), ceiling)
    eps = (high - low) * 1e-9
    ticks = [float(t) for t in ticks if low - eps <= t <= high + eps]
    return low, high, ticks


def _tick_labels(ticks: Sequence[float]) -> list[str]:
    decimals = common_decimals(ticks)
    return [format_number(t, decimals) for t in ticks]


def _x_positions(periods: list[Period]) -> tuple[dict, list[float], list[str], tuple]:
    """Positions, tick positions, tick labels and limits for the periods:
    years on a numeric axis (gaps in years stay gaps), other labels evenly."""
    if not periods:
        return {}, [], [], (0, 1)
    if all(is_year(p) for p in periods):
        first, last = periods[0], periods[-1]
        span = last - first
        step = 1 if span <= 12 else 2 if span <= 24 else 5
        ticks = list(range(last, first - 1, -step))[::-1]  # the latest year always has a tick
        positions = {p: float(p) for p in periods}
        return positions, ticks, [str(t) for t in ticks], (first - 0.45, last + 0.45)
    positions = {p: float(i) for i, p in enumerate(periods)}
    step = max(1, math.ceil(len(periods) / 12))
    ticks = [float(i) for i in range(0, len(periods), step)]
    labels = [str(periods[int(i)]) for i in ticks]
    return positions, ticks, labels, (-0.45, len(periods) - 0.55)


# ------------------------------------------------------------------- layout


def _legend_grid(labels: Sequence[str]) -> tuple[int, int]:
    """Columns and rows (of text lines) for a legend below the plot that fits
    the width. A label may have several lines."""
    if not labels:
        return 1, 0
    longest = max(len(line) for label in labels for line in label.split("\n"))
    entry = 0.55 + 0.075 * longest  # inches per entry
    columns = max(1, min(len(labels), 4, int((FIG_WIDTH - 0.4) // entry)))
    extra = sum(label.count("\n") for label in labels)
    return columns, math.ceil(len(labels) / columns) + extra


def _frame(
    *,
    title: str,
    show_title: bool,
    legend_labels: Sequence[str],
    ytick_labels: Sequence[str],
    xtick_rotated: bool = False,
    side_rows: int = 0,
):
    """A figure with one axes, sized so title, tick labels and the legend
    below fit without measuring text (measuring means an extra draw).
    `side_rows`: the rows of a table beside the plot (SIDE_WIDTH to its
    right; the plot grows taller when the table needs it)."""
    title_lines = textwrap.wrap(title, TITLE_WRAP) if show_title and title else []
    columns, legend_rows = _legend_grid(legend_labels)
    top = 0.12 + 0.25 * len(title_lines) + 0.28  # title, then unit and direction
    bottom = 0.4 + (0.25 if xtick_rotated else 0) + 0.23 * legend_rows + 0.08
    left = 0.3 + 0.072 * max((len(t) for t in ytick_labels), default=1)
    right = 0.3 + (SIDE_WIDTH if side_rows else 0)
    plot_height = max(PLOT_HEIGHT, SIDE_ROW * (side_rows + 1)) if side_rows else PLOT_HEIGHT
    height = top + plot_height + bottom
    figure = Figure(figsize=(FIG_WIDTH, height))
    axes = figure.add_axes(
        (
            left / FIG_WIDTH,
            bottom / height,
            (FIG_WIDTH - left - right) / FIG_WIDTH,
            plot_height / height,
        )
    )
    if title_lines:
        figure.text(
            0.12 / FIG_WIDTH,
            1 - 0.1 / height,
            "\n".join(title_lines),
            ha="left",
            va="top",
            fontsize=TITLE_SIZE,
            fontweight="bold",
            linespacing=1.25,
        )
    legend_y = 0.06 / height
    return figure, axes, columns, legend_y


def _axes(
    figure,
    axes,
    *,
    x_limits,
    x_ticks: Sequence[float],
    x_labels: Sequence[str],
    rotated: bool,
    tick_marks: bool,
    y_limits,
    y_ticks: Sequence[float],
    unit: str,
    direction: str,
) -> None:
    """Limits, tick labels, grid and notes. Tick labels are plain texts and
    the grid one line collection: matplotlib's own Tick objects cost more
    to build than the rest of the chart."""
    axes.set_xlim(*x_limits)
    axes.set_ylim(*y_limits)
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_locator(NullLocator())
        axis.set_minor_locator(NullLocator())
    axes.spines["left"].set_visible(False)

    y_axis = axes.get_yaxis_transform()  # x in axes fraction, y in data
    axes.hlines(
        y_ticks, 0, 1, transform=y_axis, colors=GRID, linewidths=0.7, zorder=0, clip_on=False
    )
    y_text = offset_copy(y_axis, fig=figure, x=-6, y=0, units="points")
    for tick, label in zip(y_ticks, _tick_labels(y_ticks), strict=True):
        axes.text(0, tick, label, transform=y_text, ha="right", va="center_baseline")

    x_axis = axes.get_xaxis_transform()  # x in data, y in axes fraction
    if tick_marks:
        length = 4 / 72 / PLOT_HEIGHT
        axes.vlines(
            x_ticks, -length, 0, transform=x_axis, colors=MUTED, linewidths=0.8, clip_on=False
        )
    x_text = offset_copy(x_axis, fig=figure, x=0, y=-7, units="points")
    for tick, label in zip(x_ticks, x_labels, strict=True):
        axes.text(
            tick,
            0,
            label,
            transform=x_text,
            ha="right" if rotated else "center",
            va="top",
            rotation=30 if rotated else 0,
            rotation_mode="anchor" if rotated else "default",
        )

    if not y_ticks:
        axes.text(
            0.5,
            0.5,
            "Värden saknas",
            transform=axes.transAxes,
            ha="center",
            va="center",
            color=MUTED,
        )
    direction_note = {HIGHER: "↑ Högre värden är bättre", LOWER: "↓ Lägre värden är bättre"}
    notes = [
        # The unit at the left edge (like the title), where it never runs out
        # of the picture however narrow the tick labels are.
        (unit.strip(), (0.12 / FIG_WIDTH, 1), ("figure fraction", "axes fraction"), "left"),
        (direction_note.get(direction, ""), (1, 1), "axes fraction", "right"),
    ]
    for text, xy, coords, align in notes:
        if text:
            axes.annotate(
                text,
                xy=xy,
                xycoords=coords,
                xytext=(0, 9),
                textcoords="offset points",
                ha=align,
                va="bottom",
                fontsize=SMALL,
                color=MUTED,
            )


def _legend(figure, handles, labels, columns: int, y: float) -> None:
    if not handles:
        return
    figure.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, y),
        ncol=columns,
        frameon=False,
        handlelength=3.2,
        columnspacing=1.6,
        handletextpad=0.6,
        borderaxespad=0,
    )


def _floats(values) -> list[float]:
    return [float(v) if v is not None else math.nan for v in values]


# -------------------------------------------------------------- trend chart


def _target_handle() -> Line2D:
    """The legend's "Mål": dash, star, dash (the plot's dash pattern would
    leave a stray dot in the short legend line)."""
    return Line2D(
        [],
        [],
        color=TARGET_STYLE["color"],
        linestyle=(0, (8.5, 4.7)),
        linewidth=1.4,
        marker="*",
        markersize=11,
        markeredgecolor="white",
        markeredgewidth=0.6,
    )


def _others_table(figure, axes, chart: TrendChart, period, rows) -> None:
    """The comparison municipalities and their values at `period`, as a
    table of text to the right of the plot, its top level with the plot's:
    a line in the municipalities' colour, then the heading, then a row each."""
    width, height = figure.get_size_inches()
    box = axes.get_position()
    x0 = box.x1 + 0.35 / width
    x1 = 1 - 0.12 / width
    row = SIDE_ROW / height
    y = box.y1
    figure.add_artist(
        Line2D([x0, x0 + 0.3 / width], [y - row / 2] * 2, color=OTHERS_COLOUR, linewidth=0.9)
    )
    figure.text(
        x0 + 0.38 / width,
        y,
        chart.others_label,
        ha="left",
        va="top",
        fontsize=SMALL,
        fontweight="bold",
    )
    y -= row
    figure.text(x0, y, "Kommun", ha="left", va="top", fontsize=SMALL, fontweight="bold")
    figure.text(x1, y, str(period), ha="right", va="top", fontsize=SMALL, fontweight="bold")
    decimals = common_decimals(v for _n, v in rows)
    for name, value in rows:
        y -= row
        shown = name if len(name) <= SIDE_NAME else name[: SIDE_NAME - 1] + "…"
        figure.text(x0, y, shown, ha="left", va="top", fontsize=SMALL)
        figure.text(
            x1, y, format_value(value, chart.unit, decimals), ha="right", va="top", fontsize=SMALL
        )


def _trend_figure(chart: TrendChart, *, show_title: bool) -> Figure:
    periods = chart.periods
    positions, x_ticks, x_labels, x_limits = _x_positions(periods)
    low, high, y_ticks = _y_scale(chart.values(), unit=chart.unit)

    # Legend entries, in drawing order of importance.
    mains = chart.mains
    highlighted = chart.highlighted
    others = chart.others
    targets = chart.target_series
    legend: list[tuple[object, str]] = []

    longest_x = max((len(label) for label in x_labels), default=0)
    rotated = not all(is_year(p) for p in periods) and longest_x > 6
    # Every comparison municipality is named: in the legend, or in a table
    # beside the plot when there are more than OTHERS_IN_LEGEND.
    others_label = "\n".join(textwrap.wrap(chart.others_legend, LEGEND_WRAP))
    side_period, side = chart.others_table() if chart.others_in_table else (None, [])
    legend_labels = [s.label for s in mains] + [s.label for s in highlighted]
    legend_labels += [others_label] if others_label else []
    legend_labels += [s.label for s in targets]
    legend_labels += [chart.baseline_label] if chart.baseline else []
    figure, axes, columns, legend_y = _frame(
        title=chart.title,
        show_title=show_title,
        legend_labels=legend_labels,
        ytick_labels=_tick_labels(y_ticks),
        xtick_rotated=rotated,
        side_rows=len(side) + 1 if side else 0,
    )
    if side:
        _others_table(figure, axes, chart, side_period, side)
    _axes(
        figure,
        axes,
        x_limits=x_limits,
        x_ticks=x_ticks,
        x_labels=x_labels,
        rotated=rotated,
        tick_marks=True,
        y_limits=(low, high),
        y_ticks=y_ticks,
        unit=chart.unit,
        direction=chart.direction,
    )

    def xy(series):
        xs = [positions[p] for p, _ in series.points]
        order = sorted(range(len(xs)), key=xs.__getitem__)
        return [xs[i] for i in order], _floats(series.points[i][1] for i in order)

    if others:  # one collection instead of a line each: up to 20 municipalities
        segments = []
        for series in others:
            run = []
            for x, y in zip(*xy(series), strict=True):
                if math.isnan(y):
                    segments.append(run)
                    run = []
                else:
                    run.append((x, y))
            segments.append(run)
        axes.add_collection(
            LineCollection(
                [run for run in segments if len(run) > 1],
                colors=OTHERS_COLOUR,
                linewidths=0.9,
                zorder=1,
                capstyle="round",
                joinstyle="round",
            ),
            autolim=False,
        )
    for series, style in zip(highlighted, HIGHLIGHT_STYLES, strict=False):
        x, y = xy(series)
        (line,) = axes.plot(
            x, y, linewidth=1.8, markersize=4.5, zorder=2, dash_capstyle="butt", **style
        )
        legend.append((line, series.label))
    if others_label:
        legend.append((Line2D([], [], color=OTHERS_COLOUR, linewidth=0.9), others_label))

    for index, series in enumerate(targets):
        if index == 0 and chart.single_target:
            period, value = chart.target[0]
            x = positions[period]
            axes.axhline(
                float(value),
                color=TARGET_STYLE["color"],
                linestyle=TARGET_STYLE["linestyle"],
                linewidth=1.4,
                zorder=3,
            )
            (line,) = axes.plot(
                [x],
                [float(value)],
                linestyle="none",
                marker="*",
                markersize=12,
                color=TARGET_STYLE["color"],
                markeredgecolor="white",
                markeredgewidth=0.6,
                zorder=6,
            )
            at_right_edge = x >= x_limits[1] - 1.5
            axes.annotate(
                f"{chart.target_label} {period}: {format_value(value, chart.unit)}",
                xy=(x, float(value)),
                xytext=(6 if not at_right_edge else -8, 8),
                textcoords="offset points",
                ha="right" if at_right_edge else "left",
                va="bottom",
                fontsize=SMALL,
                fontweight="bold",
                color=TEXT,
                zorder=7,
                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
            legend.append((_target_handle(), chart.target_label))
        else:
            x, y = xy(series)
            (line,) = axes.plot(
                x,
                y,
                color=TARGET_STYLE["color"],
                linestyle=TARGET_STYLE["linestyle"],
                linewidth=1.4,
                marker="*",
                markersize=9,
                zorder=3,
            )
            legend.append((_target_handle(), series.label))

    main_entries = []
    for series, style in zip(mains, MAIN_STYLES * 3, strict=False):
        x, y = xy(series)
        (line,) = axes.plot(
            x,
            y,
            linewidth=2.6,
            markersize=6,
            markeredgecolor="white",
            markeredgewidth=0.8,
            zorder=5,
            solid_capstyle="round",
            **style,
        )
        main_entries.append((line, series.label))
    if chart.baseline is not None:
        period, value = chart.baseline
        colour = MAIN_STYLES[0]["color"]
        (ring,) = axes.plot(
            [positions[period]],
            [float(value)],
            linestyle="none",
            marker="o",
            markersize=12,
            markerfacecolor="none",
            markeredgecolor=colour,
            markeredgewidth=1.6,
            zorder=6,
        )
        legend.append((ring, chart.baseline_label))
    legend = main_entries + legend
    _legend(figure, [h for h, _ in legend], [label for _, label in legend], columns, legend_y)
    return figure


# ------------------------------------------------------------- gender chart


def _gender_figure(chart: GenderChart, *, show_title: bool) -> Figure:
    groups = [
        (chart.women, WOMEN_STYLE, chart.women_label),
        (chart.men, MEN_STYLE, chart.men_label),
    ]
    if chart.has_total:
        groups.append((chart.total, TOTAL_STYLE, chart.total_label))
    return _grouped_bars(
        title=chart.title,
        unit=chart.unit,
        periods=chart.periods,
        groups=groups,
        values=chart.values(),
        direction=chart.direction,
        show_title=show_title,
    )


def _grouped_bars(
    *, title: str, unit: str, periods, groups, values, direction: str, show_title: bool
) -> Figure:
    """Bars per period, one per group side by side: `groups` is a list of
    (values per period, style, label)."""
    count = len(periods)
    low, high, y_ticks = _y_scale(values, unit=unit, include_zero=True)
    labels = [label for _values, _style, label in groups]
    x_labels = [str(p) for p in periods]
    rotated = max((len(label) for label in x_labels), default=0) > 8 and count > 4
    figure, axes, columns, legend_y = _frame(
        title=title,
        show_title=show_title,
        legend_labels=labels,
        ytick_labels=_tick_labels(y_ticks),
        xtick_rotated=rotated,
    )
    xs = list(range(count))
    _axes(
        figure,
        axes,
        x_limits=(-0.6, max(count - 1, 0) + 0.6),
        x_ticks=xs,
        x_labels=x_labels,
        rotated=rotated,
        tick_marks=False,
        y_limits=(low, high),
        y_ticks=y_ticks,
        unit=unit,
        direction=direction,
    )
    width = 0.8 / max(len(groups), 1)
    decimals = common_decimals(values)
    handles = []
    for index, (group_values, style, label) in enumerate(groups):
        offset = (index - (len(groups) - 1) / 2) * width
        handles.append(
            _bars(
                axes,
                [x + offset for x in xs],
                group_values,
                width * 0.94,
                style,
                label=label,
                decimals=decimals,
                annotate=count * len(groups) <= 18,
            )
        )
    _legend(figure, handles, labels, columns, legend_y)
    return figure


def _bars(axes, xs, values, width: float, style, *, label: str, decimals: int, annotate: bool):
    """One series of bars, a missing value marked "–" (never a zero bar),
    and each value written above its bar when `annotate`."""
    bars = axes.bar(
        xs,
        _floats(values),
        width,
        color=style["color"],
        edgecolor=style["color"],
        hatch=style["hatch"],
        hatchcolor="white",
        linewidth=0.8,
        zorder=2,
        label=label,
    )
    for x, value in zip(xs, values, strict=True):
        if value is None:  # a missing bar must not look like a zero
            axes.annotate(
                "–",
                xy=(x, 0),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=FONT_SIZE,
                color=MUTED,
            )
        elif annotate:
            axes.annotate(
                format_number(value, decimals),
                xy=(x, float(value)),
                xytext=(0, 2.5 if value >= 0 else -2.5),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=SMALL,
                color=TEXT,
                zorder=4,
            )
    return bars


# ------------------------------------------------------ grouped bar chart

# The groups of an uppdelning told apart by colour and hatching.
GROUP_STYLES = (
    {"color": "#0b5394", "hatch": None},
    {"color": "#9b2c5e", "hatch": "///"},
    {"color": "#1e6b34", "hatch": "++"},
    {"color": "#a04800", "hatch": "\\\\"},
)
PANEL_COLUMNS = 3  # small multiples per row
PANEL_HEIGHT = 1.55  # inches of a small multiple's plot
PANEL_GAP = 0.62  # inches above each panel: its title


def _grouped_figure(chart: GroupedBarChart, *, show_title: bool) -> Figure:
    if not chart.small_multiples:
        return _grouped_bars(
            title=chart.title,
            unit=chart.unit,
            periods=chart.periods,
            groups=[
                (values, GROUP_STYLES[i % len(GROUP_STYLES)], label)
                for i, (label, values) in enumerate(chart.groups)
            ],
            values=chart.values(),
            direction=chart.direction,
            show_title=show_title,
        )
    return _small_multiples(chart, show_title=show_title)


def _small_multiples(chart: GroupedBarChart, *, show_title: bool) -> Figure:
    """One small panel per group with its bars per period, all on one scale,
    so the groups are compared by the height of their bars."""
    low, high, y_ticks = _y_scale(chart.values(), unit=chart.unit, include_zero=True)
    tick_labels = _tick_labels(y_ticks)
    rows = math.ceil(len(chart.groups) / PANEL_COLUMNS)
    title_lines = textwrap.wrap(chart.title, TITLE_WRAP) if show_title and chart.title else []
    top = 0.12 + 0.25 * len(title_lines) + 0.2
    left = 0.3 + 0.072 * max((len(t) for t in tick_labels), default=1)
    bottom = 0.45
    height = top + rows * (PANEL_HEIGHT + PANEL_GAP) + bottom
    figure = Figure(figsize=(FIG_WIDTH, height))
    if title_lines:
        figure.text(
            0.12 / FIG_WIDTH,
            1 - 0.1 / height,
            "\n".join(title_lines),
            ha="left",
            va="top",
            fontsize=TITLE_SIZE,
            fontweight="bold",
            linespacing=1.25,
        )
    if chart.unit.strip():
        figure.text(
            0.12 / FIG_WIDTH,
            1 - (top - 0.05) / height,
            chart.unit.strip(),
            ha="left",
            va="bottom",
            fontsize=SMALL,
            color=MUTED,
        )
    panel_width = (FIG_WIDTH - left - 0.2) / PANEL_COLUMNS
    decimals = common_decimals(chart.values())
    style = GROUP_STYLES[0]
    count = len(chart.periods)
    xs = list(range(count))
    for index, (label, values) in enumerate(chart.groups):
        row, column = divmod(index, PANEL_COLUMNS)
        y0 = height - top - (row + 1) * (PANEL_HEIGHT + PANEL_GAP) + PANEL_GAP * 0.35
        axes = figure.add_axes(
            (
                (left + column * panel_width) / FIG_WIDTH,
                (y0 + 0.3) / height,
                (panel_width - 0.25) / FIG_WIDTH,
                (PANEL_HEIGHT - 0.3) / height,
            )
        )
        axes.set_xlim(-0.6, max(count - 1, 0) + 0.6)
        axes.set_ylim(low, high)
        axes.set_xticks(xs, [str(p) for p in chart.periods], fontsize=SMALL)
        axes.set_yticks(y_ticks, tick_labels if column == 0 else [""] * len(y_ticks))
        axes.tick_params(axis="y", length=0, labelsize=SMALL)
        axes.spines["left"].set_visible(False)
        axes.grid(axis="y", color=GRID, linewidth=0.7, zorder=0)
        axes.set_axisbelow(True)
        axes.set_title(textwrap.shorten(label, 30), fontsize=FONT_SIZE, loc="left", pad=4)
        _bars(
            axes,
            xs,
            values,
            0.7,
            style,
            label=label,
            decimals=decimals,
            annotate=count <= 5,
        )
    return figure


# ---------------------------------------------------------------- bar chart

POSITIVE_STYLE = {"color": "#1e6b34", "hatch": None}
NEGATIVE_STYLE = {"color": "#9b2c5e", "hatch": "///"}
BAR_SLOT = 0.5  # inches per bar: its label above, the bar below


def _bar_figure(chart: BarChart, *, show_title: bool) -> Figure:
    """Horizontal bars from a zero line, each with its label above it (so
    long names need no margin and the picture stays legible when narrow)
    and its value at the bar's end; negative bars hatched."""
    count = len(chart.labels)
    values = chart.present()
    numbers = [float(v) for v in values] or [0.0]
    low, high = min(min(numbers), 0.0), max(max(numbers), 0.0)
    span = (high - low) or 1.0
    # Room for the value texts beyond the bars' ends.
    low -= span * 0.28 if low < 0 else 0
    high += span * 0.28 if high > 0 else 0
    if low == 0 and high == 0:
        low, high = -1.0, 1.0
    title_lines = textwrap.wrap(chart.title, TITLE_WRAP) if show_title and chart.title else []
    labels = [chart.positive_label, chart.negative_label]
    columns, legend_rows = _legend_grid(labels)
    top = 0.12 + 0.25 * len(title_lines) + 0.3
    bottom = 0.2 + 0.23 * legend_rows + 0.08
    plot = BAR_SLOT * max(count, 1)
    height = top + plot + bottom
    figure = Figure(figsize=(FIG_WIDTH, height))
    left, right = 0.2, 0.2
    axes = figure.add_axes(
        (left / FIG_WIDTH, bottom / height, (FIG_WIDTH - left - right) / FIG_WIDTH, plot / height)
    )
    if title_lines:
        figure.text(
            0.12 / FIG_WIDTH,
            1 - 0.1 / height,
            "\n".join(title_lines),
            ha="left",
            va="top",
            fontsize=TITLE_SIZE,
            fontweight="bold",
            linespacing=1.25,
        )
    axes.set_xlim(low, high)
    axes.set_ylim(count, 0)
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_locator(NullLocator())
        axis.set_minor_locator(NullLocator())
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.vlines([0], 0, count, colors=MUTED, linewidths=1.0, zorder=3)
    if chart.unit.strip():
        axes.annotate(
            chart.unit.strip(),
            xy=(0.12 / FIG_WIDTH, 1),
            xycoords=("figure fraction", "axes fraction"),
            xytext=(0, 9),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=SMALL,
            color=MUTED,
        )
    decimals = common_decimals(values)
    for index, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        axes.text(low, index + 0.08, label, ha="left", va="top", fontsize=FONT_SIZE, color=TEXT)
        centre = index + 0.68
        if value is None:
            axes.text(0, centre, " –", ha="left", va="center", color=MUTED)
            continue
        style = POSITIVE_STYLE if value >= 0 else NEGATIVE_STYLE
        axes.barh(
            [centre],
            [float(value)],
            height=0.5,
            color=style["color"],
            edgecolor=style["color"],
            hatch=style["hatch"],
            hatchcolor="white",
            linewidth=0.8,
            zorder=2,
        )
        axes.annotate(
            format_value(value, chart.unit, decimals),
            xy=(float(value), centre),
            xytext=(4 if value >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=SMALL,
            color=TEXT,
        )
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=s["color"], edgecolor=s["color"], hatch=s["hatch"], hatchcolor="white")
        for s in (POSITIVE_STYLE, NEGATIVE_STYLE)
    ]
    _legend(figure, handles, labels, columns, 0.06 / height)
    return figure


# --------------------------------------------------------------------- SVG

_ROOT = re.compile(r"<svg\b[^>]*>")
_TAG_SPLIT = re.compile(r"(<[^>]+>)")
_ATTRIBUTE = re.compile(r'\sid="([^"]*)"|url\(#([^)]+)\)|href="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_HREF = re.compile(r'href="#([^"]+)"')
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
_DEFAULT_STYLE = re.compile(r'\n *<style type="text/css">\*\{[^}]*\}</style>')
_STYLE = re.compile(r'\sstyle="([^"]*)"')
# The properties SVG also takes as presentation attributes (SVG 1.1), which
# matplotlib writes in style attributes.
_PRESENTATION = frozenset(
    (
        "clip-rule",
        "color",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "visibility",
    )
)


def _safe_id(prefix: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", prefix or "").strip("-") or "chart"
    return cleaned if cleaned[0].isalpha() else f"c-{cleaned}"


def _presentation_attributes(tag: str) -> str:
    """The tag with its style attribute written as presentation attributes:
    `style="fill: none; stroke: #d5dae1"` becomes `fill="none"
    stroke="#d5dae1"`. The picture is the same (nothing else styles the
    chart), but an HTML layout engine no longer reads SVG-only properties
    such as fill and stroke as CSS of the page: inline in a document,
    WeasyPrint would otherwise warn about each one as an unknown property.
    Declarations that are not presentation attributes stay in the style."""
    match = _STYLE.search(tag)
    if match is None:
        return tag
    attributes, kept = {}, []
    for declaration in match.group(1).split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not name:
            continue
        if name in _PRESENTATION and '"' not in value:
            attributes[name] = value
        else:
            kept.append(f"{name}: {value}")
    head, tail = tag[: match.start()], tag[match.end() :]
    for name in attributes:  # the style wins over an attribute of the same name
        pattern = re.compile(rf'\s{re.escape(name)}="[^"]*"')
        head, tail = pattern.sub("", head), pattern.sub("", tail)
    written = "".join(f' {name}="{value}"' for name, value in attributes.items())
    if kept:
        written += f' style="{"; ".join(kept)}"'
    return head + written + tail


def _finish_svg(raw: str, *, prefix: str, title: str, desc: str) -> str:
    """matplotlib's SVG made fit to inline in HTML: no prolog, DOCTYPE or
    metadata; a responsive root with role, title and desc; only the ids
    that are referenced are kept, each prefixed so several charts can share
    a page; the global `*{…}` style moved to the root element; style
    attributes written as presentation attributes (see
    `_presentation_attributes`)."""
    svg = raw[raw.index("<svg") :]
    # (Patterns start with a literal: a leading \s* would make them crawl.)
    svg = re.sub(r"\n *<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    svg = _DEFAULT_STYLE.sub("", svg, count=1)
    svg = re.sub(r"\n *<defs>\s*</defs>", "", svg)
    view_box = _VIEWBOX.search(_ROOT.search(svg).group(0)).group(1)

    referenced = set(_URL.findall(svg)) | set(_HREF.findall(svg))

    def fix(match: re.Match) -> str:
        ident, url, href = match.groups()
        if ident is not None:
            return f' id="{prefix}-{ident}"' if ident in referenced else ""
        if url is not None:
            return f"url(#{prefix}-{url})"
        return f'href="#{prefix}-{href}"'

    parts = _TAG_SPLIT.split(svg)  # text, tag, text, tag, …: only tags are changed
    for i in range(1, len(parts), 2):
        if 'style="' in parts[i]:
            parts[i] = _presentation_attributes(parts[i])
        if 'id="' in parts[i] or "#" in parts[i]:
            parts[i] = _ATTRIBUTE.sub(fix, parts[i])
    svg = "".join(parts)
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' version="1.1" id="{prefix}" viewBox="{view_box}" width="100%"'
        f' preserveAspectRatio="xMidYMid meet" role="img"'
        f' aria-labelledby="{prefix}-title {prefix}-desc"'
        f' stroke-linejoin="round" stroke-linecap="butt" style="height:auto;max-width:100%">'
        f'\n <title id="{prefix}-title">{escape(title, quote=False)}</title>'
        f'\n <desc id="{prefix}-desc">{escape(desc, quote=False)}</desc>'
    )
    svg = _ROOT.sub(lambda _: root, svg, count=1)
    return svg.rstrip() + "\n"
