"""A chart as a picture in a Word document (python-docx), with its text
alternative as the picture's alt text ("Alternativtext" in Word), so the
document passes Word's accessibility check."""

from __future__ import annotations

import io

from .spec import GenderChart, TrendChart
from .table import text_alternative

__all__ = ["add_chart"]


def add_chart(
    container, chart: TrendChart | GenderChart, *, width_cm: float = 16.0, dpi: int = 150
):
    """Add the chart as a picture in a new paragraph at the end of
    `container` (a Document, a table cell, a header …) and return the
    InlineShape. The alt text is `text_alternative(chart)`, the picture's
    title the chart's title."""
    from docx.shared import Cm

    from .render import to_png

    paragraph = container.add_paragraph()
    picture = paragraph.add_run().add_picture(io.BytesIO(to_png(chart, dpi)), width=Cm(width_cm))
    properties = picture._inline.docPr
    properties.set("descr", text_alternative(chart))
    properties.set("title", chart.title)
    return picture
