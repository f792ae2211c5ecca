"""Server-rendered charts and generated trend descriptions.

Pure Python (no models, URLs or views): build a chart spec, then render it
as inline SVG for pages and PDFs or as PNG for Word, with its data table and
text alternative; describe an indicator's trend and suggest an assessment.

    from styrhjul.charts import Series, TrendChart, data_table, text_alternative, to_svg

matplotlib is imported only when a chart is rendered (to_svg/to_png).
"""

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
]


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
