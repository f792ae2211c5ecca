"""Small pictures drawn as plain SVG, for pages where people would rather
look than read: stacked bars (counts per assessment or per status) and the
year as a timeline with today marked.

Pure Python (no models, no matplotlib): the caller passes what to draw and
gets an `<svg role="img">` with a `<title>` and a `<desc>`; the page shows
the same facts as text or a table beside it, and no fact is told by colour
alone (every segment has its label and count in the table, and a symbol in
the legend where the scale has one). The SVG scales to the width it is
given, so it never makes a narrow screen scroll sideways.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = [
    "Bar",
    "Lane",
    "LegendEntry",
    "Mark",
    "Segment",
    "stacked_bars",
    "three_years",
    "year_timeline",
]

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
TEXT = "#1b1f24"
MUTED = "#4a5360"
LINE = "#8a94a3"
TODAY = "#a4161a"


@dataclass
class Segment:
    label: str
    count: int
    colour: str = MUTED
    symbol: str = ""


@dataclass
class Bar:
    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


@dataclass
class Mark:
    """Something on the year's timeline: a deadline, a milestone or an event."""

    date: datetime.date
    label: str
    kind: str = "deadline"  # "deadline", "milestone" or "event"
    # For three_years: an event's process colour and symbol ("circle",
    # "square", "diamond", "triangle", "triangle_down", "star"); empty: a grey square.
    colour: str = ""
    symbol: str = ""


def _svg(id_prefix: str, title: str, desc: str, width: int, height: int, body: str) -> str:
    t, d = f"{id_prefix}-title", f"{id_prefix}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{t} {d}">'
        f'<title id="{t}">{escape(title)}</title><desc id="{d}">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def stacked_bars(
    bars: Sequence[Bar], *, title: str, desc: str, id_prefix: str = "bars", width: int = 420
) -> str:
    """One horizontal bar per `Bar`, its segments side by side in proportion
    to their counts, the bar's label above it and its total after it; a
    legend of the segments' labels (with their symbols) below."""
    bar_height, gap, label_height = 22, 10, 18
    rows = []
    y = 0
    chart_width = width - 44
    for bar in bars:
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="14" fill="{TEXT}">{escape(bar.label)}</text>'
        )
        y += label_height
        total = bar.total
        x = 0.0
        if total:
            for segment in bar.segments:
                if not segment.count:
                    continue
                w = chart_width * segment.count / total
                rows.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                    f'fill="{escape(segment.colour)}" stroke="#ffffff" stroke-width="1">'
                    f"<title>{escape(segment.label)}: {segment.count}</title></rect>"
                )
                if segment.symbol and w >= 18:
                    rows.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + 16}" font-size="13" '
                        f'text-anchor="middle" fill="#ffffff" aria-hidden="true">'
                        f"{escape(segment.symbol)}</text>"
                    )
                x += w
        else:
            rows.append(
                f'<rect x="0" y="{y}" width="{chart_width}" height="{bar_height}" '
                f'fill="#ffffff" stroke="{LINE}" stroke-width="1"></rect>'
            )
        rows.append(
            f'<text x="{chart_width + 8}" y="{y + 16}" font-size="14" fill="{TEXT}">{total}</text>'
        )
        y += bar_height + gap
    # The legend: every label once, in order of first appearance.
    seen: dict[str, Segment] = {}
    for bar in bars:
        for segment in bar.segments:
            seen.setdefault(segment.label, segment)
    x = 0.0
    y += 4
    for label, segment in seen.items():
        text = f"{segment.symbol} {label}".strip()
        step = 32 + 8.5 * len(text)
        if x and x + step > width:
            x, y = 0.0, y + 22
        rows.append(
            f'<rect x="{x:.1f}" y="{y}" width="14" height="14" fill="{escape(segment.colour)}" '
            f'stroke="{LINE}" stroke-width="1"></rect>'
            f'<text x="{x + 20:.1f}" y="{y + 12}" font-size="13" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )
        x += step
    height = y + 20
    return _svg(id_prefix, title, desc, width, height, "".join(rows))


def year_timeline(
    year: int,
    marks: Sequence[Mark],
    *,
    today: datetime.date | None,
    title: str,
    desc: str,
    today_label: str = "I dag",
    id_prefix: str = "year",
    width: int = 480,
) -> str:
    """The year from January to December as a line with the months marked,
    each mark a shape on its date (a circle for a deadline, a diamond for a
    milestone, a square for an event: the shape, not the colour, tells them
    apart) and, when `today` falls in the year, a line at today."""
    left, right = 10, width - 10
    span = right - left
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first).days

    def x_of(day: datetime.date) -> float:
        return left + span * (day - first).days / days

    axis_y = 46
    parts = [
        f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" '
        f'stroke="{LINE}" stroke-width="2"></line>'
    ]
    for m in range(12):
        x = x_of(datetime.date(year, m + 1, 1))
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y - 6}" x2="{x:.1f}" y2="{axis_y + 6}" '
            f'stroke="{LINE}" stroke-width="1"></line>'
            f'<text x="{x + 3:.1f}" y="{axis_y + 24}" font-size="13" fill="{MUTED}">'
            f"{MONTHS[m]}</text>"
        )
    # Marks on the same day are stacked upwards.
    stacked: dict[datetime.date, int] = {}
    for mark in sorted(marks, key=lambda m: m.date):
        if mark.date.year != year:
            continue
        level = stacked.get(mark.date, 0)
        stacked[mark.date] = level + 1
        x, y = x_of(mark.date), axis_y - 12 - 11 * min(level, 2)
        label = escape(f"{mark.date.isoformat()}: {mark.label}")
        if mark.kind == "milestone":
            shape = (
                f'<path d="M {x:.1f} {y - 6} L {x + 6:.1f} {y} L {x:.1f} {y + 6} '
                f'L {x - 6:.1f} {y} Z" fill="#5b2a86">'
            )
            parts.append(f"{shape}<title>{label}</title></path>")
        elif mark.kind == "event":
            parts.append(
                f'<rect x="{x - 5:.1f}" y="{y - 5}" width="10" height="10" fill="#1e6b34">'
                f"<title>{label}</title></rect>"
            )
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="#0b5394">'
                f"<title>{label}</title></circle>"
            )
    if today is not None and today.year == year:
        x = x_of(today)
        anchor = "end" if x > width * 0.85 else "start"
        dx = -4 if anchor == "end" else 4
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{axis_y + 10}" stroke="{TODAY}" '
            f'stroke-width="2" stroke-dasharray="4 2"></line>'
            f'<text x="{x + dx:.1f}" y="14" font-size="13" font-weight="bold" fill="{TODAY}" '
            f'text-anchor="{anchor}">{escape(today_label)}</text>'
        )
    return _svg(id_prefix, title, desc, width, axis_y + 34, "".join(parts))


# --- Three parallel years ------------------------------------------------------------------


@dataclass
class Lane:
    """One of the parallel years of three_years: its label ("Bokslut 2025")
    and what happens on it during the year shown."""

    label: str
    marks: list[Mark] = field(default_factory=list)


@dataclass
class LegendEntry:
    label: str
    colour: str
    symbol: str
    hollow: bool = False


def _star(x: float, y: float, r: float) -> str:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
    return " ".join(points)


def shape(symbol: str, x: float, y: float, colour: str, *, hollow: bool = False, title="") -> str:
    """A symbol centred on (x, y), about 12 px across, filled with `colour`
    (or outlined, `hollow`), with a tooltip `title`."""
    paint = (
        f'fill="#ffffff" stroke="{escape(colour)}" stroke-width="2"'
        if hollow
        else f'fill="{escape(colour)}" stroke="#ffffff" stroke-width="1"'
    )
    tip = f"<title>{escape(title)}</title>" if title else ""
    if symbol == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" {paint}>{tip}</circle>'
    if symbol == "diamond":
        d = (
            f"M {x:.1f} {y - 7:.1f} L {x + 7:.1f} {y:.1f} "
            f"L {x:.1f} {y + 7:.1f} L {x - 7:.1f} {y:.1f} Z"
        )
        return f'<path d="{d}" {paint}>{tip}</path>'
    if symbol == "triangle":
        d = f"M {x:.1f} {y - 7:.1f} L {x + 7:.1f} {y + 6:.1f} L {x - 7:.1f} {y + 6:.1f} Z"
        return f'<path d="{d}" {paint}>{tip}</path>'
    if symbol == "triangle_down":
        d = f"M {x:.1f} {y + 7:.1f} L {x + 7:.1f} {y - 6:.1f} L {x - 7:.1f} {y - 6:.1f} Z"
        return f'<path d="{d}" {paint}>{tip}</path>'
    if symbol == "star":
        return f'<polygon points="{_star(x, y, 8)}" {paint}>{tip}</polygon>'
    return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" {paint}>{tip}</rect>'


def three_years(
    year: int,
    lanes: Sequence[Lane],
    *,
    today: datetime.date | None,
    title: str,
    desc: str,
    legend: Sequence[LegendEntry] = (),
    today_label: str = "I dag",
    id_prefix: str = "three-years",
    width: int = 640,
) -> str:
    """The calendar year `year` from January to December with parallel lanes
    (last year's closing, this year's follow-up, next year's budget), each
    lane's marks on their dates: an event as its process's symbol in its
    colour (Mark.symbol, Mark.colour), a deadline as an open circle and a
    milestone as an open diamond. A dashed line marks today when it falls in
    the year; a legend of the symbols is drawn below."""
    left, right = 12, width - 12
    span = right - left
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first).days

    def x_of(day: datetime.date) -> float:
        return left + span * (day - first).days / days

    parts = []
    top = 34  # the month labels above the lanes
    for m in range(12):
        x = x_of(datetime.date(year, m + 1, 1))
        parts.append(
            f'<text x="{x + 3:.1f}" y="{top - 10}" font-size="13" fill="{MUTED}">{MONTHS[m]}</text>'
        )
    lane_height = 74
    bottom = top + lane_height * len(lanes)
    for m in range(12):
        x = x_of(datetime.date(year, m + 1, 1))
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" '
            f'stroke="#d5dae1" stroke-width="1"></line>'
        )
    for index, lane in enumerate(lanes):
        y0 = top + lane_height * index
        axis_y = y0 + lane_height - 16
        parts.append(
            f'<text x="{left}" y="{y0 + 16}" font-size="14" font-weight="bold" fill="{TEXT}">'
            f"{escape(lane.label)}</text>"
            f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" '
            f'stroke="{LINE}" stroke-width="2"></line>'
        )
        stacked: dict[datetime.date, int] = {}
        for mark in sorted(lane.marks, key=lambda m: m.date):
            if mark.date.year != year:
                continue
            level = stacked.get(mark.date, 0)
            stacked[mark.date] = level + 1
            x, y = x_of(mark.date), axis_y - 10 - 13 * min(level, 2)
            label = f"{mark.date.isoformat()}: {mark.label}"
            if mark.kind == "milestone":
                parts.append(shape("diamond", x, y, "#5b2a86", hollow=True, title=label))
            elif mark.kind == "event":
                parts.append(
                    shape(mark.symbol or "square", x, y, mark.colour or MUTED, title=label)
                )
            else:
                parts.append(shape("circle", x, y, "#0b5394", hollow=True, title=label))
    if today is not None and today.year == year:
        x = x_of(today)
        anchor = "end" if x > width * 0.85 else "start"
        dx = -4 if anchor == "end" else 4
        parts.append(
            f'<g class="today"><line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{bottom}" '
            f'stroke="{TODAY}" stroke-width="2" stroke-dasharray="4 2"></line>'
            f'<text x="{x + dx:.1f}" y="12" font-size="13" font-weight="bold" fill="{TODAY}" '
            f'text-anchor="{anchor}">{escape(today_label)}</text></g>'
        )
    # The legend, wrapped to the width.
    x, y = float(left), bottom + 20
    parts.append('<g class="legend">')
    for entry in legend:
        step = 34 + 7.5 * len(entry.label)
        if x > left and x + step > right:
            x, y = float(left), y + 22
        parts.append(shape(entry.symbol, x + 7, y, entry.colour, hollow=entry.hollow))
        parts.append(
            f'<text x="{x + 18:.1f}" y="{y + 5}" font-size="13" fill="{TEXT}">'
            f"{escape(entry.label)}</text>"
        )
        x += step
    parts.append("</g>")
    return _svg(id_prefix, title, desc, width, y + 16, "".join(parts))
