"""The indicators' charts on the public page, drawn from a snapshot, never
from live data.

At publishing, `freeze` copies into each shown indicator's row what its
chart needs (the outcomes per year with the split by gender, the targets,
the baseline, the direction, the comparison municipalities, riket and
groups, and the sources), read by the one reading of an indicator's facts
(indicators.series.indicator_data), and draws the charts then with the one
chart code of the indicator page (indicators.charts). `charted_of` gives
the page the drawn charts with their data tables and text alternatives,
rebuilt from the copied facts. Later edits of values, targets or comparisons change
neither.

Drawing a chart takes tens of milliseconds, so it is done once, when
publishing, and only for the indicators the public page shows (`charted`):
those of the organisation and of the units right under it (fullmäktige,
kommunstyrelsen, the nämnder and companies: `on_public_page`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.safestring import mark_safe

from styrhjul.charts import data_table, text_alternative
from styrhjul.indicators import charts as indicator_charts
from styrhjul.indicators.series import Comparison, IndicatorData, Point, indicator_data
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item

from .models import SnapshotRow

FORMAT = 1  # the version of the copied facts


# The public page shows what the organisation and the units right under it
# reported (fullmäktige, kommunstyrelsen, the nämnder, the companies): the
# goals and indicators the municipality reports to its citizens. Everything
# published is one link away (the snapshot's page, per unit).


def on_public_page(unit: Unit | None, organisation: Unit) -> bool:
    return unit is not None and (unit.pk == organisation.pk or unit.parent_id == organisation.pk)


def public_page_rows(rows, organisation: Unit):
    """`on_public_page` as a filter of a query of snapshot rows."""
    return rows.filter(Q(unit=organisation) | Q(unit__parent=organisation))


def charted(row: SnapshotRow, organisation: Unit) -> bool:
    """Whether the public page shows the row's chart: an indicator with an
    outcome, on the public page."""
    return (
        row.kind == ItemKind.INDICATOR
        and row.value is not None
        and on_public_page(row.unit, organisation)
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def facts(data: IndicatorData) -> dict:
    """What the chart needs of an indicator's facts, as JSON."""
    item = data.item
    return {
        "format": FORMAT,
        "label": data.own_label,
        "direction": item.direction or "",
        "source": item.source,
        "baseline": (
            [item.baseline_year, _text(item.baseline_value)]
            if item.baseline_year and item.baseline_value is not None
            else None
        ),
        "points": [[p.year, _text(p.value), _text(p.women), _text(p.men)] for p in data.points],
        "targets": [[year, _text(value)] for year, value in sorted(data.targets.items())],
        "comparisons": [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "source": c.source,
                "points": [[year, _text(v)] for year, v in sorted(c.points.items())],
            }
            for c in data.comparisons
        ],
    }


def data_of(row: SnapshotRow) -> IndicatorData | None:
    """The indicator's facts rebuilt from the row's copy (an unsaved item
    and unit carry the names and numbers the chart reads); None without one."""
    found = row.chart or {}
    if found.get("format") != FORMAT:
        return None
    baseline = found.get("baseline") or [None, None]
    item = Item(
        kind=ItemKind.INDICATOR,
        title=row.title,
        measure_unit=row.measure_unit,
        direction=found.get("direction", ""),
        source=found.get("source", ""),
        baseline_year=baseline[0],
        baseline_value=_decimal(baseline[1]),
        target_year=row.target_year,
        target_value=row.target_value,
    )
    return IndicatorData(
        item,
        Unit(name=row.unit_name),
        points=[
            Point(year, _decimal(v), _decimal(w), _decimal(m))
            for year, v, w, m in found.get("points", [])
        ],
        targets={year: _decimal(v) for year, v in found.get("targets", [])},
        comparisons=[
            Comparison(
                c["code"],
                c["name"],
                {year: _decimal(v) for year, v in c["points"]},
                kind=c.get("kind", ""),
                source=c.get("source", ""),
            )
            for c in found.get("comparisons", [])
        ],
        kolada_name=found.get("label", ""),
    )


def _prefix(row: SnapshotRow) -> str:
    return f"publicerat-{row.item_id_then}-{row.unit_id or 0}"


def freeze(rows: list[SnapshotRow], organisation: Unit, year: int, progress=None) -> None:
    """Copy the chart facts of the charted rows (read as of the occasion's
    year) and draw their charts. A fixed number of queries per unit with
    charted indicators (indicator_data). `progress(share)`, when given,
    hears the share of those units done (0–1) after each."""
    wanted = [r for r in rows if charted(r, organisation)]
    if not wanted:
        return
    items = {
        i.pk: i
        for i in Item.objects.filter(pk__in={r.item_id_then for r in wanted}).select_related(
            "plan__unit", "plan__plan_type__model"
        )
    }
    by_unit: dict[int, list[SnapshotRow]] = defaultdict(list)
    for row in wanted:
        by_unit[row.unit.pk].append(row)
    for done, unit_rows in enumerate(by_unit.values()):
        if progress is not None and done:
            progress(done / len(by_unit))
        unit = unit_rows[0].unit
        unit_items = [items[r.item_id_then] for r in unit_rows if r.item_id_then in items]
        found = indicator_data(unit_items, {i.pk: unit for i in unit_items}, last_year=year)
        for row in unit_rows:
            data = found.get(row.item_id_then)
            if data is None:
                continue
            row.chart = facts(data)
            rebuilt = data_of(row)
            trend = indicator_charts.trend(rebuilt, _prefix(row))
            gender = indicator_charts.gender(rebuilt, _prefix(row))
            row.trend_svg = str(trend.svg) if trend else ""
            row.gender_svg = str(gender.svg) if gender else ""


@dataclass
class Charted:
    """A charted indicator on the public page: its row, its facts rebuilt
    from the copy, and its charts."""

    row: SnapshotRow
    data: IndicatorData
    trend: indicator_charts.ShownChart | None
    gender: indicator_charts.ShownChart | None

    @property
    def prefix(self) -> str:
        return _prefix(self.row)


def charted_of(rows: list[SnapshotRow]) -> list[Charted]:
    """The rows with charts drawn at publishing, for the page (no query, no
    drawing)."""
    result = []
    for row in rows:
        data = data_of(row)
        if data is None or not row.trend_svg:
            continue
        result.append(Charted(row, data, trend(row), gender(row)))
    return result


def _shown(svg: str, chart) -> indicator_charts.ShownChart:
    # The SVG was written by charts.to_svg when publishing, which escapes
    # every text it writes; the markup is ours.
    return indicator_charts.ShownChart(
        mark_safe(svg),  # noqa: S308
        data_table(chart),
        text_alternative(chart),
    )


def trend(row: SnapshotRow) -> indicator_charts.ShownChart | None:
    """The trend chart drawn at publishing, with its data table and text
    alternative rebuilt from the copied facts (nothing is drawn now)."""
    data = data_of(row)
    if not row.trend_svg or data is None:
        return None
    return _shown(row.trend_svg, data.trend_chart())


def gender(row: SnapshotRow) -> indicator_charts.ShownChart | None:
    """The chart of women and men, as `trend`."""
    data = data_of(row)
    if not row.gender_svg or data is None:
        return None
    return _shown(row.gender_svg, data.gender_chart())
