"""The small SVG pictures (charts/pictures.py): named and described for
screen readers, text escaped, shapes that do not rely on colour alone."""

import datetime
from xml.etree import ElementTree

from styrhjul.charts.pictures import Bar, Mark, Segment, stacked_bars, year_timeline

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_stacked_bars_have_a_title_a_description_and_a_legend():
    svg = stacked_bars(
        [
            Bar("Invånare", [Segment("Goda <förutsättningar>", 3, "#1e6b34", "●")]),
            Bar("Ekonomi", [Segment("Åtgärder krävs", 1, "#a4161a", "■"), Segment("Ej", 0)]),
        ],
        title="Måluppfyllelse & mer",
        desc="Invånare: 3; Ekonomi: 1",
        id_prefix="mal",
    )
    root = parse(svg)  # well-formed, names escaped
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "mal-title mal-desc"
    assert root.find(f"{NS}title").text == "Måluppfyllelse & mer"
    assert root.find(f"{NS}desc").text == "Invånare: 3; Ekonomi: 1"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Invånare" in texts and "Ekonomi" in texts
    assert "● Goda <förutsättningar>" in texts  # the legend, with the symbol
    # A segment of nothing is not drawn; each drawn one says what it is.
    segments = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert [s.find(f"{NS}title").text for s in segments] == [
        "Goda <förutsättningar>: 3",
        "Åtgärder krävs: 1",
    ]
    assert root.get("width") == "100%"  # scales to a narrow screen


def test_an_empty_bar_is_an_outline():
    root = parse(stacked_bars([Bar("Inget", [])], title="t", desc="d"))
    assert any(r.get("fill") == "#ffffff" for r in root.iter(f"{NS}rect"))


def test_the_year_marks_today_and_tells_kinds_apart_by_shape():
    svg = year_timeline(
        2025,
        [
            Mark(datetime.date(2025, 7, 15), "Enhetschefer rapporterar"),
            Mark(datetime.date(2025, 9, 22), "Nämnden beslutar", "milestone"),
            Mark(datetime.date(2025, 10, 1), "Budgetdag", "event"),
            Mark(datetime.date(2024, 12, 30), "Förra året"),  # outside the year
        ],
        today=datetime.date(2025, 8, 1),
        title="Årshjul 2025",
        desc="Året",
    )
    root = parse(svg)
    assert root.find(f"{NS}title").text == "Årshjul 2025"
    assert len(list(root.iter(f"{NS}circle"))) == 1
    assert len(list(root.iter(f"{NS}path"))) == 1
    titles = [e.find(f"{NS}title").text for e in root.iter() if e.find(f"{NS}title") is not None]
    assert "2025-10-01: Budgetdag" in titles
    assert not any("Förra året" in (t or "") for t in titles)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "I dag" in texts and "jan" in texts and "dec" in texts
    # Another year: no today line.
    other = parse(year_timeline(2026, [], today=datetime.date(2025, 8, 1), title="t", desc="d"))
    assert "I dag" not in [t.text for t in other.iter(f"{NS}text")]
