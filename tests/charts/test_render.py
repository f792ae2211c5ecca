import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from styrhjul.charts import GenderChart, Series, TrendChart, text_alternative, to_png, to_svg
from styrhjul.charts.numbers import THIN_SPACE
from styrhjul.charts.render import DATA_COLOURS, FIG_WIDTH, contrast_ratio

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
YEARS = range(2016, 2026)


def trend_chart(**overrides) -> TrendChart:
    """Ten years, the own municipality, Riket, Länet and 18 others: 21 series."""
    series = [
        Series("Sjöbacka", [(y, Decimal(42) + Decimal("0.9") * (y - 2016)) for y in YEARS]),
        Series("Riket", [(y, 45 + 0.35 * (y - 2016)) for y in YEARS], "comparison", True),
        Series("Länet", [(y, 43 + 0.5 * (y - 2016)) for y in YEARS], "comparison", True),
    ]
    series += [
        Series(f"Kommun {i}", [(y, 38 + i + 0.2 * (y - 2016)) for y in YEARS], kind="comparison")
        for i in range(18)
    ]
    args = {
        "title": "Andel behöriga till yrkesprogram",
        "unit": "%",
        "series": series,
        "target": (2026, 55),
        "baseline": (2019, Decimal("44.7")),
        "direction": "higher",
    }
    args.update(overrides)
    return TrendChart(**args)


def gender_chart() -> GenderChart:
    return GenderChart(
        "God självskattad hälsa",
        "%",
        [2022, 2023, 2024],
        women=[68.2, None, 70.4],
        men=[72.5, 71.8, 74.0],
        total=[70.3, 71.8, 72.2],
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


# ---------------------------------------------------------------------- SVG


def test_svg_is_an_accessible_responsive_inline_image():
    chart = trend_chart()
    svg = to_svg(chart, id_prefix="nyckeltal-7")
    assert svg.startswith("<svg ")  # no XML prolog, no DOCTYPE
    assert "<!DOCTYPE" not in svg and "<?xml" not in svg and "<metadata" not in svg
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert len(root.get("viewBox").split()) == 4
    assert root.get("aria-labelledby") == "nyckeltal-7-title nyckeltal-7-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "nyckeltal-7-title",
        "Andel behöriga till yrkesprogram",
    )
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", "nyckeltal-7-desc")
    assert desc.text == text_alternative(chart)
    assert "50,1" in desc.text  # the latest value: 42 + 9 × 0,9


def test_svg_text_is_real_text_with_labels_ticks_and_target():
    root = parse(to_svg(trend_chart()))
    labels = texts(root)
    for expected in [
        "Andel behöriga till yrkesprogram",  # the drawn title
        "Sjöbacka",
        "Riket",
        "Länet",
        "Jämförbara kommuner (18), se tabellen",  # named in the table beside the plot
        "Kommun 3",
        "Mål",
        "Mål 2026: 55\u00a0%",
        "Utgångsvärde",
        "2016",
        "2025",
        "2026",  # the target year extends the axis
        "50",
        "%",
        "↑ Högre värden är bättre",
    ]:
        assert expected in labels, expected
    assert "sans-serif" in to_svg(trend_chart())  # font-family with a fallback


def test_svg_title_can_be_left_out_of_the_picture():
    root = parse(to_svg(trend_chart(), show_title=False))
    assert "Andel behöriga till yrkesprogram" not in texts(root)
    assert root[0].text == "Andel behöriga till yrkesprogram"  # still the <title>


def test_svg_axis_uses_swedish_numbers():
    costs = Series("Sjöbacka", [(y, 120_000 + 4_500 * (y - 2016)) for y in YEARS])
    chart = TrendChart("Nettokostnad", "kr", [costs])
    labels = texts(parse(to_svg(chart)))
    assert f"140{THIN_SPACE}000" in labels
    assert "kr" in labels
    fractions = TrendChart("Index", "", [Series("A", [(2024, 1.1), (2025, 1.9)])])
    assert any("," in label and label[0].isdigit() for label in texts(parse(to_svg(fractions))))


def test_svg_has_no_external_references_and_ids_are_prefixed_and_resolve():
    svg = to_svg(trend_chart(), id_prefix="a")
    root = parse(svg)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i == "a" or i.startswith("a-") for i in ids)
    for el in root.iter():
        assert el.tag not in (f"{SVG}image", f"{SVG}script", f"{SVG}foreignObject")
        for name, value in el.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#") and value[1:] in ids, value
            assert "http:" not in value and "https:" not in value, (name, value)
            if "url(" in value:
                assert "url(#a-" in value, value
    assert "url(#a-" in svg  # clip paths or patterns are referenced and kept


def test_two_charts_on_one_page_share_no_ids():
    first = parse(to_svg(trend_chart(), id_prefix="n1"))
    second = parse(to_svg(trend_chart(), id_prefix="n2"))
    ids_first = {el.get("id") for el in first.iter() if el.get("id")}
    ids_second = {el.get("id") for el in second.iter() if el.get("id")}
    assert ids_first and not ids_first & ids_second


def test_id_prefix_is_made_valid():
    root = parse(to_svg(TrendChart("X", "%"), id_prefix="12 ä/b"))
    assert root.get("id") == "c-12-b"


def test_svg_is_deterministic():
    chart = trend_chart()
    first = to_svg(chart, id_prefix="x")
    to_svg(gender_chart(), id_prefix="x")  # nothing carries over between renders
    assert to_svg(chart, id_prefix="x") == first
    assert to_svg(trend_chart(), id_prefix="x") == first


def test_gender_chart_svg():
    svg = to_svg(gender_chart(), id_prefix="g")
    root = parse(svg)
    labels = texts(root)
    for expected in ["Kvinnor", "Män", "Totalt", "2022", "2024", "68,2", "74,0", "–"]:
        assert expected in labels, expected
    # Hatching: women and men are told apart by pattern, not only colour.
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) >= 2
    assert "för kvinnor och män" in root[1].text


def test_empty_chart_renders_and_says_so():
    root = parse(to_svg(TrendChart("Tomt", "%")))
    assert "Värden saknas" in texts(root)


@pytest.mark.parametrize(
    "chart",
    [
        TrendChart("En punkt", "%", [Series("A", [(2025, 51.2)])], target=(2026, 55)),
        TrendChart(
            "Månader",
            "%",
            [Series("A", [(f"2025-{m:02d}", 5 + m / 10) for m in range(1, 13)])],
            direction="lower",
        ),
        TrendChart(
            "Resultat",
            "mnkr",
            [Series("A", [(2020, -3), (2021, None), (2022, 8)])],
            target=[(2020, 0), (2021, 0), (2022, 0)],
        ),
        GenderChart("Ett år", "index", [2025], women=[78], men=[None]),
    ],
)
def test_unusual_charts_render(chart):
    root = parse(to_svg(chart))
    assert root.get("role") == "img"
    assert to_png(chart, dpi=50).startswith(b"\x89PNG")


# ---------------------------------------------------------------------- PNG


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_png_has_the_signature_and_plausible_size():
    width, height = png_size(to_png(trend_chart()))
    assert width == round(FIG_WIDTH * 150)
    assert 0.45 * width < height < 0.9 * width
    width, height = png_size(to_png(gender_chart(), dpi=100))
    assert width == round(FIG_WIDTH * 100)
    assert 0.4 * width < height < 0.9 * width


def test_png_is_deterministic():
    assert to_png(gender_chart(), dpi=60) == to_png(gender_chart(), dpi=60)


# -------------------------------------------------------------- the rest


def test_data_colours_have_3_to_1_contrast_against_white():
    for colour in DATA_COLOURS:
        assert contrast_ratio(colour) >= 3, colour
    assert round(contrast_ratio("#767676"), 1) == 4.5  # the formula itself


def test_rendering_from_threads_gives_the_same_output():
    charts = [trend_chart(), gender_chart()] * 4
    expected = [to_svg(c, id_prefix="t") for c in charts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda c: to_svg(c, id_prefix="t"), charts)) == expected


def test_pyplot_is_never_imported():
    code = (
        "import sys\n"
        "from styrhjul.charts import Series, TrendChart, to_png, to_svg\n"
        "assert 'matplotlib' not in sys.modules\n"  # not even imported until a chart is drawn
        "chart = TrendChart('X', '%', [Series('A', [(2024, 1), (2025, 2)])])\n"
        "to_svg(chart); to_png(chart)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
def test_weasyprint_tags_the_inline_svg_as_a_figure_with_alt_text():
    import re
    import zlib

    import weasyprint

    svg = to_svg(gender_chart(), id_prefix="pdf")
    html = f'<!doctype html><html lang="sv"><title>T</title><body><figure>{svg}</figure>'
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    alts = []
    for stream in streams:
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        alts += [
            bytes.fromhex(a.decode()).decode("utf-16") for a in re.findall(rb"/Alt <(\w+)>", data)
        ]
    # WeasyPrint takes the alt text from <title> only; a document that needs the
    # whole description shows the data table or the text alternative next to it.
    assert alts == ["God självskattad hälsa"]
