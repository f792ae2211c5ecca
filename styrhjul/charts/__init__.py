"""Server-rendered charts and generated trend descriptions.

Pure Python (no models, URLs or views): build a chart spec, then render it
as inline SVG for pages and PDFs or as PNG for Word, with its data table and
text alternative; describe an indicator's trend and suggest an assessment.

    from styrhjul.charts import Series, TrendChart, data_table, text_alternative, to_svg

matplotlib is imported only when a chart is rendered (to_svg/to_png).
Pages draw through `cached_svg`, which keeps each picture in Django's cache
under a hash of everything drawn.
"""

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

from .numbers import format_number, format_value
from .spec import BarChart, GenderChart, GroupedBarChart, Series, TrendChart
from .table import Table, TableRow, data_table, text_alternative
from .trend import describe_trend, suggest_assessment

__all__ = [
    "BarChart",
    "GenderChart",
    "GroupedBarChart",
    "Series",
    "Table",
    "TableRow",
    "TrendChart",
    "data_table",
    "describe_trend",
    "format_number",
    "format_value",
    "suggest_assessment",
    "text_alternative",
    "to_png",
    "to_svg",
    "cached_svg",
    "cached_svgs",
    "ChartToDraw",
]

# Charts are kept a week in the cache; a changed chart has another key, so
# this only bounds how long an unused picture stays.
CACHE_SECONDS = 7 * 24 * 3600
# Part of every key: raise it when the drawing changes (style, layout), so
# that pictures drawn by the earlier code are not shown.
DRAWING = 1


def to_svg(
    chart, *, id_prefix: str = "chart", show_title: bool = True, desc: str | None = None
) -> str:
    """See `styrhjul.charts.render.to_svg`."""
    from .render import to_svg as render_svg

    return render_svg(chart, id_prefix=id_prefix, show_title=show_title, desc=desc)


def to_png(chart, dpi: int = 150, *, show_title: bool = True) -> bytes:
    """See `styrhjul.charts.render.to_png`."""
    from .render import to_png as render_png

    return render_png(chart, dpi, show_title=show_title)


def cached_svg(
    chart, *, id_prefix: str = "chart", show_title: bool = True, desc: str | None = None
) -> str:
    """`to_svg`, drawn once per content: matplotlib takes tens of
    milliseconds per chart, and the picture is the same until the data
    changes. The key is a hash of the chart spec (every value, label and
    title drawn), the id prefix, the text alternative and DRAWING, so
    changed data is a new picture; the cache is Django's (the database's
    cache table, Redis or the process, shared by every web process)."""
    return cached_svgs([ChartToDraw(chart, id_prefix, show_title, desc)])[0]


class ChartToDraw(NamedTuple):
    """One chart of a page and how it is drawn (the arguments of `to_svg`)."""

    chart: object
    id_prefix: str = "chart"
    show_title: bool = True
    desc: str | None = None


def cached_svgs(charts: Sequence[ChartToDraw]) -> list[str]:
    """`cached_svg` for every chart of a page at once: one look-up in the
    cache for all of them (one query with the database's cache table), and
    one write for those that had to be drawn."""
    from django.core.cache import cache

    keys = [
        "charts:svg:" + hashlib.sha256(repr((DRAWING, *one)).encode()).hexdigest() for one in charts
    ]
    found = cache.get_many(keys) if keys else {}
    drawn: dict[str, str] = {}
    result = []
    for key, one in zip(keys, charts, strict=True):
        svg = found.get(key) or drawn.get(key)
        if svg is None:
            svg = drawn[key] = to_svg(
                one.chart, id_prefix=one.id_prefix, show_title=one.show_title, desc=one.desc
            )
        result.append(svg)
    if drawn:
        cache.set_many(drawn, CACHE_SECONDS)
    return result
