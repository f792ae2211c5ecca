"""The public page shows the published indicators with the indicator page's
charts, data tables and comparisons, drawn from what the snapshot froze:
values, targets and comparisons changed after publishing never show, and
the page's queries do not grow with the number of charts."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.indicators.models import ComparisonValue, IndicatorValue
from styrhjul.planning.models import IndicatorTarget, Item
from styrhjul.public.models import PublicationSettings, SnapshotRow
from styrhjul.public.services import occasion_publish
from tests.factories import ComparisonValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def published(reported, org, chain, model_owner):
    """The Delårsrapport published with riket's values beside the council's
    indicator, and the public page switched on."""
    from styrhjul.followup.models import OccasionStep

    for year, value in ((2023, "78"), (2024, "79.5")):
        ComparisonValueFactory(
            item=chain["indicator"], year=year, value=Decimal(value), name="Riket"
        )
    OccasionStep.objects.filter(occasion=reported).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    PublicationSettings.objects.create(organisation=org["kommun"], public_page=True)
    return occasion_publish(actor=model_owner, occasion=reported)


def page(client, org) -> str:
    response = client.get(reverse("public:organisation_page", args=[org["kommun"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def table_of(html: str, caption: str) -> str:
    """The rows of the table with the caption, as text."""
    start = html.index(f"<caption>{caption}</caption>")
    body = html[start : html.index("</table>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_the_indicator_has_its_trend_and_gender_charts_with_tables(client, published, org):
    html = page(client, org)
    assert html.count('role="img"') == 2  # the trend and the women and men
    trend = table_of(html, "Andel behöriga till gymnasiet (%)")
    assert "2023 82 % 78,0 %" in trend  # own value, riket
    assert "2024 84 % 79,5 %" in trend
    assert "2025 85 %" in trend
    assert "2026 – – 88 %" in trend  # the target
    gender = table_of(html, "Andel behöriga till gymnasiet, kvinnor och män (%)")
    assert "2025 87 % 83 % 85 %" in gender
    # The text alternative under the chart, the facts and the comparisons.
    assert "Diagrammet visar ”Andel behöriga till gymnasiet”" in html
    assert "<dt>Utgångsvärde</dt><dd>2022: 81\xa0%</dd>" in html
    comparisons = table_of(
        html, "Andel behöriga till gymnasiet: senaste värde i jämförda kommuner och regioner"
    )
    assert "Riket 2024 79,5 %" in comparisons
    assert "Källa för jämförelsevärdena: Riket: SKR 2026-03-01." in html


def test_later_edits_change_neither_the_snapshot_nor_the_chart(client, published, org, chain):
    row = SnapshotRow.objects.get(snapshot=published, kind="indicator")
    frozen = (row.chart, row.trend_svg, row.gender_svg)
    assert frozen[0]["points"][-1] == [2025, "85.00", "87.00", "83.00"]
    before = page(client, org)

    IndicatorValue.objects.filter(item=chain["indicator"], year=2024).update(value=60)
    IndicatorValue.objects.create(item=chain["indicator"], unit=org["kommun"], year=2022, value=1)
    ComparisonValue.objects.filter(item=chain["indicator"]).update(value=Decimal("10"))
    ComparisonValueFactory(item=chain["indicator"], year=2025, name="Länet", kind="region")
    IndicatorTarget.objects.update_or_create(
        item=chain["indicator"], year=2026, defaults={"value": Decimal("99")}
    )
    Item.objects.filter(pk=chain["indicator"].pk).update(
        baseline_value=5, target_value=99, direction="lower", title="Omdöpt"
    )

    row.refresh_from_db()
    assert (row.chart, row.trend_svg, row.gender_svg) == frozen
    cache.clear()
    after = page(client, org)
    assert after == before
    assert "Länet" not in after and "Omdöpt" not in after and "99 %" not in after


def _uncached_queries(client, org) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        page(client, org)
    return len(ctx.captured_queries)


def _more_charts(snapshot, n: int) -> None:
    """n more charted indicators in the snapshot, as published."""
    row = SnapshotRow.objects.filter(snapshot=snapshot, kind="indicator").order_by("pk").first()
    copies = []
    for i in range(n):
        row.pk = None
        row.item_id_then = 10_000 + i
        row.title = f"Nyckeltal {i}"
        copies.append(SnapshotRow(**{f.attname: getattr(row, f.attname) for f in row._meta.fields}))
    SnapshotRow.objects.bulk_create(copies)


def test_the_page_runs_the_same_queries_with_more_charts(client, published, org):
    _more_charts(published, 2)
    few = _uncached_queries(client, org)
    assert page(client, org).count('role="img"') == 6
    _more_charts(published, 10)
    assert _uncached_queries(client, org) == few
    assert page(client, org).count('role="img"') == 26
