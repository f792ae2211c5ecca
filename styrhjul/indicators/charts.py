"""The charts of an indicator as the pages show them: inline SVG with its
data table and text alternative (one piece of code for every page)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from styrhjul.charts import (
    CACHE_SECONDS,
    DRAWING,
    ChartToDraw,
    Table,
    cached_svgs,
    data_table,
    text_alternative,
)

from .series import IndicatorData


@dataclass
class ShownChart:
    svg: SafeString
    table: Table
    text: str


def _shown_all(charts: list[tuple[object, str]]) -> list[ShownChart]:
    """The charts (chart, id prefix) as shown: drawn once per content and
    found in the cache together (cached_svgs: one look-up for all of a
    page's charts)."""
    # to_svg escapes every text it writes; the markup is ours. The picture
    # is drawn once per content: the same until the data changes.
    svgs = cached_svgs([ChartToDraw(chart, prefix, False) for chart, prefix in charts])
    return [
        ShownChart(mark_safe(svg), data_table(chart), text_alternative(chart))  # noqa: S308
        for svg, (chart, _prefix) in zip(svgs, charts, strict=True)
    ]


def _shown(chart, prefix: str) -> ShownChart:
    return _shown_all([(chart, prefix)])[0]


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
    chart: ShownChart | PageChart
    difference: str
    heading_id: str


def breakdowns(data: IndicatorData, prefix: str) -> list[ShownBreakdown]:
    """A chart per uppdelning with values (grouped bars, or small multiples
    with many groups)."""
    return [
        ShownBreakdown(
            breakdown.dimension,
            _shown(data.breakdown_chart(breakdown), f"{prefix}-uppdelning-{index}"),
            data.difference_text(breakdown),
            f"{prefix}-uppdelning-{index}-rubrik",
        )
        for index, breakdown in enumerate(data.breakdowns)
    ]


@dataclass
class PageChart:
    """A chart of an indicator's page as written out: the picture with its
    text alternative and data table (indicators/_chart.html)."""

    html: SafeString


def all_charts(
    data: IndicatorData, prefix: str, *, only_breakdowns: bool = False
) -> tuple[PageChart | None, PageChart | None, list[ShownBreakdown]]:
    """trend(), gender() and breakdowns() of an indicator's page at once,
    each written out (picture, text alternative and data table) once per
    content and kept in the cache like the pictures: one look-up for all
    the page's charts, and nothing drawn, tabled or rendered again until
    the data changes."""
    wanted: list[tuple[object, str]] = []
    if not only_breakdowns and (data.points or data.comparisons):
        wanted.append((data.trend_chart(), f"{prefix}-trend"))
    if not only_breakdowns and data.has_gender_split:
        wanted.append((data.gender_chart(), f"{prefix}-kon"))
    first_breakdown = len(wanted)
    for index, breakdown in enumerate(data.breakdowns):
        wanted.append((data.breakdown_chart(breakdown), f"{prefix}-uppdelning-{index}"))
    shown = dict(zip((p for _c, p in wanted), _written(wanted), strict=True))
    result = [
        ShownBreakdown(
            breakdown.dimension,
            shown[wanted[first_breakdown + index][1]],
            data.difference_text(breakdown),
            f"{prefix}-uppdelning-{index}-rubrik",
        )
        for index, breakdown in enumerate(data.breakdowns)
    ]
    return shown.get(f"{prefix}-trend"), shown.get(f"{prefix}-kon"), result


CHART_BODY = "indicators/_chart_body.html"


@lru_cache(maxsize=1)
def _body_version() -> str:
    """A hash of the template a chart is written out with, part of every
    key: a changed template is a new key."""
    source = get_template(CHART_BODY).template.source
    return hashlib.sha256(source.encode()).hexdigest()


def _written(charts: list[tuple[object, str]]) -> list[PageChart]:
    """The charts (chart, id prefix) written out with _chart_body.html (its
    heading's id is the prefix and "-rubrik"), found in the cache together;
    those not found are drawn (cached_svgs), tabled and written, and kept."""
    if not charts:
        return []
    version = (DRAWING, _body_version(), get_language())
    keys = [
        "charts:indicator-html:" + hashlib.sha256(repr((version, chart, p)).encode()).hexdigest()
        for chart, p in charts
    ]
    found = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        written = {}
        drawn = _shown_all([charts[i] for i in missing])
        for i, chart in zip(missing, drawn, strict=True):
            written[keys[i]] = render_to_string(
                CHART_BODY, {"chart": chart, "heading_id": f"{charts[i][1]}-rubrik"}
            )
        cache.set_many(written, CACHE_SECONDS)
        found.update(written)
    # Written by the template, which escapes every text it writes.
    return [PageChart(mark_safe(found[key])) for key in keys]  # noqa: S308
