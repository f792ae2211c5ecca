"""The charts of a unit's economy page: nettokostnad per month and
accumulated, and the avvikelse to date per row and per sub-unit, each an
SVG labelled by its title and description beside a table with the values."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from styrhjul.economy import queries
from tests.factories import AnsvarMappingFactory, DimensionObjectFactory, UtfallFactory

from .test_pages import economy_of, logged_in, people  # noqa: F401


def page_of(client, user, unit):
    return logged_in(client, user).get(reverse("economy:unit", args=[unit.pk])).content.decode()


def titles(page):
    return re.findall(r'<title id="[^"]+">([^<]+)</title>', page)


def test_the_page_shows_the_month_and_deviation_charts(client, org, people):  # noqa: F811
    economy_of(org, "enhet_a1", 1)
    page = page_of(client, people["chef"], org["enhet_a1"])
    assert titles(page) == [
        "Avvikelse hittills per rad",
        "Nettokostnad per månad 2025",
        "Nettokostnad ackumulerad 2025",
    ]
    assert page.count('role="img"') == 3
    # Each chart says in words what it shows.
    assert "Sämre än budget: Personalkostnader, Nettokostnad." in page
    assert "en avvikelse på −1\xa0tkr" in page
    # One unit without sub-units: no chart per enhet.
    assert "Avvikelse hittills per enhet" not in page


def test_the_deviation_per_sub_unit_has_a_table_and_a_chart(client, org, people):  # noqa: F811
    economy_of(org, "enhet_a1", 1)  # utfall 1 000 a month over a budget of 1 000 in January
    # Hemtjänst Norr: January's utfall only, no budget: also over budget.
    dimension = DimensionObjectFactory._meta.model.objects.first().dimension
    other = DimensionObjectFactory(dimension=dimension)
    AnsvarMappingFactory(ansvar=other, unit=org["enhet_a2"])
    account = queries.Utfall.objects.first().account
    UtfallFactory(
        organisation=org["kommun"],
        account=account,
        ansvar=other,
        period=datetime.date(2025, 1, 1),
        amount=Decimal("-500.00"),  # revenue
    )
    table = queries.unit_economy(org["avd_a"])
    assert [(p.label, p.difference) for p in table.parts] == [
        ("Hemtjänst Norr", Decimal("500.00")),
        ("Solgårdens äldreboende", Decimal("-1000.00")),
    ]
    page = page_of(client, people["chef"], org["avd_a"])
    assert "Avvikelse hittills per enhet" in titles(page)
    assert '<h2 id="per-enhet">Per enhet</h2>' in page
    assert reverse("economy:unit", args=[org["enhet_a1"].pk]) in page
    assert "Sämre än budget: Solgårdens äldreboende." in page
    assert "Bättre än budget" in page  # the legend names both kinds of bar


def test_own_ansvar_of_the_unit_are_a_part_of_their_own(org):
    economy_of(org, "avd_a", 1)
    economy_of_sub = DimensionObjectFactory(
        dimension=DimensionObjectFactory._meta.model.objects.first().dimension
    )
    AnsvarMappingFactory(ansvar=economy_of_sub, unit=org["enhet_a1"])
    UtfallFactory(
        organisation=org["kommun"],
        account=queries.Utfall.objects.first().account,
        ansvar=economy_of_sub,
        period=datetime.date(2025, 1, 1),
        amount=Decimal("10.00"),
    )
    parts = queries.unit_economy(org["avd_a"]).parts
    assert [p.label for p in parts] == ["Äldreomsorg (egna ansvar)", "Solgårdens äldreboende"]


def test_a_chart_is_drawn_once_per_content(monkeypatch):
    from django.core.cache import cache

    import styrhjul.charts
    from styrhjul.charts import BarChart
    from styrhjul.economy import figures

    cache.clear()
    drawn = []

    def draw(chart, **kwargs):
        drawn.append(chart)
        return f"<svg>{len(drawn)}</svg>"

    monkeypatch.setattr(styrhjul.charts, "to_svg", draw)

    def chart(value):
        return BarChart(title="Avvikelse", unit="tkr", labels=["A"], values=[Decimal(value)])

    first = figures.chart_svg(chart(1), "p", "text")
    assert figures.chart_svg(chart(1), "p", "text") == first
    assert len(drawn) == 1
    # Another figure is another chart.
    assert figures.chart_svg(chart(2), "p", "text") != first
    assert len(drawn) == 2
