"""The charts of an indicator as the pages show them: inline SVG with its
data table and text alternative (one piece of code for every page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from styrhjul.charts import Table, data_table, text_alternative, to_svg

from .series import IndicatorData


@dataclass
class ShownChart:
    svg: SafeString
    table: Table
    text: str


def _shown(chart, prefix: str) -> ShownChart:
    # to_svg escapes every text it writes; the markup is ours.
    return ShownChart(
        mark_safe(to_svg(chart, id_prefix=prefix, show_title=False)),  # noqa: S308
        data_table(chart),
        text_alternative(chart),
    )


def trend(data: IndicatorData, prefix: str) -> ShownChart | None:
    if not data.points and not data.comparisons:
        return None
    return _shown(data.trend_chart(), f"{prefix}-trend")


def gender(data: IndicatorData, prefix: str) -> ShownChart | None:
    if not data.has_gender_split:
        return None
    return _shown(data.gender_chart(), f"{prefix}-kon")
