"""The horizontal bar chart (a deviation per row or unit): every value is
in the text alternative and the data table, and negative bars differ from
positive ones by more than colour."""

import re

import pytest

from styrhjul.charts import BarChart, data_table, text_alternative, to_svg
from styrhjul.charts.render import NEGATIVE_STYLE, POSITIVE_STYLE, contrast_ratio


@pytest.fixture
def chart():
    return BarChart(
        "Avvikelse per rad",
        "tkr",
        ["Verksamhetens intäkter", "Personalkostnader", "Övriga kostnader"],
        [120, -2400, None],
        positive_label="Bättre än budget",
        negative_label="Sämre än budget",
        label_header="Rad",
        value_header="Avvikelse",
    )


def test_the_text_alternative_names_every_bar(chart):
    text = text_alternative(chart)
    assert text.startswith("Diagrammet visar ”Avvikelse per rad”: ")
    assert "Personalkostnader −2\u202f400\xa0tkr" in text
    assert "Övriga kostnader –" in text


def test_the_data_table_has_a_row_per_bar(chart):
    table = data_table(chart)
    assert table.headers == ("Rad", "Avvikelse")
    assert [r.header for r in table.rows] == list(chart.labels)
    assert table.rows[0].cells == ("120\xa0tkr",)


def test_the_svg_is_labelled_and_shows_values_and_legend(chart):
    svg = to_svg(chart, id_prefix="avvikelse")
    assert 'role="img"' in svg
    assert re.search(r"<title id=\"avvikelse-title\">Avvikelse per rad</title>", svg)
    assert "Personalkostnader" in svg and "−2\u202f400\xa0tkr" in svg
    assert "Sämre än budget" in svg and "Bättre än budget" in svg
    # Negative bars are hatched (not colour alone), and both colours have contrast.
    assert NEGATIVE_STYLE["hatch"] and not POSITIVE_STYLE["hatch"]
    assert 'id="avvikelse-' in svg
    for style in (NEGATIVE_STYLE, POSITIVE_STYLE):
        assert contrast_ratio(style["color"]) >= 3


def test_a_given_description_replaces_the_generated_one(chart):
    svg = to_svg(chart, id_prefix="x", desc="Egen beskrivning.")
    assert '<desc id="x-desc">Egen beskrivning.</desc>' in svg


def test_labels_and_values_must_match():
    with pytest.raises(ValueError):
        BarChart("x", labels=["a"], values=[1, 2])
