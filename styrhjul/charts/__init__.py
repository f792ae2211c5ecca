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
    from django.core.cache import cache

    content = repr((DRAWING, chart, id_prefix, show_title, desc))
    key = "charts:svg:" + hashlib.sha256(content.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = to_svg(chart, id_prefix=id_prefix, show_title=show_title, desc=desc)
        cache.set(key, svg, CACHE_SECONDS)
    return svg
