"""Every comparison municipality of a trend chart is named: in the legend
when there are at most five, else in a table beside the plot with each
one's latest value; in the SVG (pages and PDF) and the PNG (Word) alike,
which are saved from the same figure. The names come from Kolada: the
recorded responses."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import matplotlib
import pytest

from styrhjul.charts import Series, TrendChart, text_alternative, to_png, to_svg
from styrhjul.charts.render import STYLE, build_figure

SVG = "{http://www.w3.org/2000/svg}"
PCT = "\u00a0%"


def _chart(names: list[str], *, without_values: tuple[str, ...] = ()) -> TrendChart:
    series = [
        Series("Sjöbacka", [(2022, 40), (2023, 42), (2024, 45)]),
        Series("Riket", [(2022, 44), (2023, 44), (2024, 45)], "comparison", True),
    ]
    series += [
        Series(name, [(2022, 30 + i), (2024, Decimal(31 + i) + Decimal("0.5"))], "comparison")
        for i, name in enumerate(names)
    ]
    series += [Series(name, [(2024, None)], "comparison") for name in without_values]
    return TrendChart("Andel nöjda", "%", series, target=(2026, 50), direction="higher")


def svg_texts(chart) -> list[str]:
    root = ET.fromstring(to_svg(chart))
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def figure_texts(chart) -> list[str]:
    """The texts of the figure the PNG (and the SVG) is saved from."""
    with matplotlib.rc_context(STYLE):
        figure = build_figure(chart)
        texts = [t.get_text() for t in figure.texts]
        for legend in figure.legends:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


def test_up_to_five_are_named_in_the_legend():
    chart = _chart(["Mölndal", "Borås", "Åre", "Umeå"], without_values=("Ekby",))

    legend = "Jämförbara kommuner: Borås, Mölndal, Umeå och Åre"
    assert chart.others_legend == legend  # in Swedish alphabetical order
    # The SVG draws the entry on two lines; together they are the legend.
    texts = svg_texts(chart)
    assert "Jämförbara kommuner: Borås, Mölndal," in texts and "Umeå och Åre" in texts
    assert legend.replace(" Umeå", "\nUmeå") in figure_texts(chart)
    # A municipality without values is not drawn and not named.
    assert not any("Ekby" in t for t in texts)
    assert "Kommun" not in texts  # no table beside the plot
    assert text_alternative(chart).endswith(
        f"Jämförbara kommuner (Borås, Mölndal, Umeå, Åre): mellan 31,5{PCT} och 34,5{PCT}."
    )


def test_one_is_named_by_itself():
    chart = _chart(["Mölndal"])
    assert "Mölndal" in svg_texts(chart)
    assert text_alternative(chart).endswith(f"Mölndal: 31,5{PCT}.")


def test_more_than_five_are_named_in_a_table_beside_the_plot():
    names = ["Alingsås", "Borås", "Kungälv", "Lerum", "Mölndal", "Partille", "Ale"]
    chart = _chart(names)

    texts = svg_texts(chart)
    assert "Jämförbara kommuner (7), se tabellen" in texts
    assert ["Kommun", "2024"] == texts[texts.index("Kommun") : texts.index("Kommun") + 2]
    table = texts[texts.index("2024", texts.index("Kommun")) + 1 :]
    # Name, then its value at the latest period, in alphabetical order.
    assert table[:4] == ["Ale", f"37,5{PCT}", "Alingsås", f"31,5{PCT}"]
    assert [t for t in table if t in names] == sorted(names)
    # The PNG is saved from the same figure: the same table.
    assert all(name in figure_texts(chart) for name in names)


def test_twenty_municipalities_fit_beside_a_taller_plot():
    few = to_png(_chart([f"Kommun {i:02}" for i in range(6)]))
    many = to_png(_chart([f"Kommun {i:02}" for i in range(20)]))

    def height(png: bytes) -> int:
        return int.from_bytes(png[20:24], "big")

    assert height(many) > height(few)
    texts = svg_texts(_chart([f"Kommun {i:02}" for i in range(20)]))
    assert all(f"Kommun {i:02}" in texts for i in range(20))


@pytest.mark.django_db
def test_the_kolada_comparisons_are_named_by_their_recorded_names(org, chain):
    """Synced from the recorded Kolada responses (N21704, 2023): Göteborg's
    own values and four comparison municipalities, named in the indicator's
    chart as Kolada names them."""
    from styrhjul.indicators.series import indicator_data
    from styrhjul.kolada.models import KoladaSettings
    from styrhjul.kolada.sync import sync
    from styrhjul.planning.models import Item
    from tests.kolada.fakes import make_client

    settings = KoladaSettings.objects.create(
        organisation=org["kommun"],
        municipality_id="1480",
        comparison_ids=["0180", "0580", "1280", "2480"],
    )
    client, _opener, _clock = make_client()
    sync(settings, client, kpis=["N21704"], years=[2023])
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(source="kolada", kolada_kpi="N21704")
    indicator.refresh_from_db()

    data = indicator_data([indicator], last_year=2023)[indicator.pk]
    chart = data.trend_chart()

    legend = "Jämförbara kommuner: Linköping, Malmö, Stockholm och Umeå"
    assert chart.others_legend == legend
    texts = svg_texts(chart)
    assert "Göteborg" in texts
    assert legend in " ".join(texts)  # on two lines in the legend
    assert "Linköping" in text_alternative(chart) and "Umeå" in text_alternative(chart)
