"""The charts of an indicator as the pages show them: inline SVG with its
data table and text alternative (one piece of code for every page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from styrhjul.charts import Table, cached_svg, data_table, text_alternative

from .series import IndicatorData


@dataclass
class ShownChart:
    svg: SafeString
    table: Table
    text: str


def _shown(chart, prefix: str) -> ShownChart:
    # to_svg escapes every text it writes; the markup is ours. The picture
    # is drawn once per content (cached_svg): the same until the data changes.
    return ShownChart(
        mark_safe(cached_svg(chart, id_prefix=prefix, show_title=False)),  # noqa: S308
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


@dataclass
class ShownBreakdown:
    """An uppdelning's chart with the largest difference between its groups."""

    dimension: str
    chart: ShownChart
    difference: str
    heading_id: str


def breakdowns(data: IndicatorData, prefix: str) -> list[ShownBreakdown]:
    """A chart per uppdelning with values (grouped bars, or small multiples
    with many groups)."""
    result = []
    for index, breakdown in enumerate(data.breakdowns):
        chart_prefix = f"{prefix}-uppdelning-{index}"
        result.append(
            ShownBreakdown(
                breakdown.dimension,
                _shown(data.breakdown_chart(breakdown), chart_prefix),
                data.difference_text(breakdown),
                f"{chart_prefix}-rubrik",
            )
        )
    return result
