"""The charts inline in the PDF documents: WeasyPrint lays the page's HTML
and the SVG out together, so the SVG's drawing properties (fill, stroke,
text-anchor …) must not be read as the page's CSS, where WeasyPrint warns
about each one as an unknown property. The charts' text stays text."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import pytest

from styrhjul.charts import GenderChart, Series, TrendChart, to_svg
from styrhjul.documents.pdf import html_to_pdf
from tests.pdf import pdf_text

SVG = "{http://www.w3.org/2000/svg}"


def trend_chart() -> TrendChart:
    return TrendChart(
        title="Andel behöriga till gymnasiet",
        unit="%",
        series=[
            Series("Sjöbacka", [(2021, 80), (2022, 82), (2023, 84), (2024, 83)]),
            Series("Riket", [(2021, 84), (2022, 85), (2023, 85.5), (2024, 86)], "comparison", True),
            Series("Kommun A", [(2021, 70), (2022, 75), (2023, 77), (2024, 79)], "comparison"),
        ],
        target=(2026, 88),
        baseline=(2021, 80),
        direction="higher",
    )


def gender_chart() -> GenderChart:
    return GenderChart(
        "Nöjda brukare per kön",
        "%",
        [2023, 2024],
        women=[80, 82],
        men=[78, 79],
        total=[79, 80.5],
    )


def page(*svgs: str) -> str:
    figures = "".join(f'<figure class="chart">{svg}</figure>' for svg in svgs)
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Diagram</title>'
        "<style>figure.chart svg { width: 100%; height: auto; max-height: 85mm; }</style>"
        f"</head><body><h1>Diagram</h1>{figures}</body></html>"
    )


def css_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING
    ]


def test_the_warnings_are_seen_when_there_are_any(caplog):
    # The check below would pass on a logger that says nothing: make sure it
    # hears WeasyPrint's warning about a property it does not know.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        html_to_pdf(page('<p style="fill: #1b1f24">Text</p>'))
    assert any("fill" in m and "unknown property" in m for m in css_warnings(caplog))


def test_charts_in_a_pdf_log_no_warnings_and_keep_their_text(caplog, tmp_path):
    svgs = (to_svg(trend_chart(), id_prefix="trend"), to_svg(gender_chart(), id_prefix="kon"))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = html_to_pdf(page(*svgs))
    assert data.startswith(b"%PDF")
    assert css_warnings(caplog) == []

    text = " ".join(pdf_text(data, tmp_path).split())
    for label in (
        "Andel behöriga till gymnasiet",
        "Sjöbacka",
        "Riket",
        "Kommun A",  # the one comparison municipality, named in the legend
        "Utgångsvärde",
        "Mål 2026",
        "2024",
        "Nöjda brukare per kön",
        "Kvinnor",
        "Män",
        "Totalt",
        "80,5",
    ):
        assert label in text, label


def test_the_drawing_is_in_presentation_attributes():
    for chart in (trend_chart(), gender_chart()):
        root = ET.fromstring(to_svg(chart))
        styled = [el for el in root.iter() if el is not root and el.get("style")]
        assert styled == []
        assert root.get("style") == "height:auto;max-width:100%"
        texts = list(root.iter(f"{SVG}text"))
        assert texts and all(t.get("fill") and t.get("font-size") for t in texts)
        assert any(el.get("stroke-width") for el in root.iter(f"{SVG}path"))
    # The bars' hatching is still a pattern the fill refers to.
    root = ET.fromstring(to_svg(gender_chart(), id_prefix="kon"))
    patterns = {el.get("id") for el in root.iter(f"{SVG}pattern")}
    fills = {el.get("fill") for el in root.iter()}
    assert patterns and {f"url(#{p})" for p in patterns} <= fills


@pytest.mark.django_db
def test_the_delarsrapport_with_its_charts_logs_no_warnings(org, chain, reported, caplog):
    from styrhjul.documents import annual, annual_render
    from styrhjul.organisation import access
    from styrhjul.planning import services as planning

    planning.item_link(actor=access.SYSTEM, item=chain["indicator"], target=chain["board"])
    report = annual.build(org["namnd"], reported)
    html = annual_render.render(report, "html").decode()
    assert html.count("<svg") == 2  # the trend, and women and men
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = annual_render.render(report, "pdf")
    assert data.startswith(b"%PDF")
    assert css_warnings(caplog) == []
