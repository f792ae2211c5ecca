"""Page breaks in the PDF of the internkontrollrapport, read per page with
pdftotext: an area's table that goes on over a page starts each new page
with its caption marked "(forts.)" and its header row, as the Uppföljning av
aktiviteter per datum does; a page where no table goes on has no such
caption, and the caption of a table stands on the page of its first row.
In Word the header rows repeat on every page."""

from __future__ import annotations

import datetime
import io

import docx
from docx.oxml.ns import qn

from styrhjul.documents import internal_control
from styrhjul.documents.internal_control import (
    AreaSection,
    AssessmentCount,
    ControlRow,
    InternalControlReport,
)
from styrhjul.documents.layout import Column, Contents
from tests.pdf import pdf_text

# The header row (pdftotext reads "Process/rutin/system" hyphenated in its narrow column).
HEADER = "Kontrollmoment Kontrollmetod Resultat av kontroll Åtgärd"


def point(area: str, n: int) -> ControlRow:
    return ControlRow(
        number=f"{n}",
        process=f"Process {area} {n}",
        control_step="Stickprov om tjugo ärenden ur verksamhetssystemet varje kvartal.",
        control_method="Controller granskar att rutinen följts och dokumenterar avvikelser.",
        result=f"Resultat {area} {n}: "
        + "Granskningen visade att rutinen i huvudsak följs, men att dokumentationen "
        "brister i några ärenden. " * 2,
        measures="Rutinen förtydligas och ansvariga chefer informeras.",
        assessment="Genomförd utan anmärkning",
        reported=True,
    )


def report(areas: dict[str, int], *, explained: bool = False) -> InternalControlReport:
    sections = [
        AreaSection(
            name,
            [point(name, n) for n in range(1, count + 1)],
            [
                AssessmentCount("Genomförd utan anmärkning", count),
                AssessmentCount(internal_control.NOT_REPORTED, 0),
            ],
        )
        for name, count in areas.items()
    ]
    contents = Contents.of("internkontrollrapport")
    if explained:
        contents = Contents(
            document=contents.document,
            sections=contents.sections,
            parts=contents.parts,
            title=contents.title,
            subtitle=contents.subtitle,
            options=contents.options,
            columns=tuple(
                Column(c.key, c.heading, c.weight, "Vad som görs" if c.key == "atgard" else "")
                for c in contents.columns
            ),
        )
    return InternalControlReport(
        title="Internkontrollrapport 2025 – Nämnden",
        unit_name="Nämnden",
        plan_name="Internkontrollplan",
        year=2025,
        occasion_name="Delårsrapport 2025",
        period_end=datetime.date(2025, 8, 31),
        introduction_blocks=[],
        summary_blocks=[],
        areas=sections,
        labels=["Genomförd utan anmärkning", internal_control.NOT_REPORTED],
        totals=[
            AssessmentCount("Genomförd utan anmärkning", sum(areas.values())),
            AssessmentCount(internal_control.NOT_REPORTED, 0),
        ],
        contents=contents,
    )


def test_a_table_going_on_over_pages_says_forts_on_each_new_page():
    found = pdf_text(internal_control.render(report({"Ekonomi": 40, "Personal": 2}), "pdf"))
    pages = found.split("\f")

    caption = "Ekonomi: kontrollpunkter per 31 augusti 2025"
    ekonomi = [n for n, page in enumerate(pages) if "Resultat Ekonomi" in page]
    assert len(ekonomi) >= 3
    first, *later = ekonomi
    assert caption in pages[first] and "(forts.)" not in pages[first]
    assert "Resultat Ekonomi 1:" in pages[first]
    for n in later:
        assert f"{caption} (forts.)" in pages[n]
        assert pages[n].count(caption) == 1
        assert pages[n].index(f"{caption} (forts.)") < pages[n].index(HEADER)
    # The short Personal table does not go on over a page: never "(forts.)".
    assert "Personal: kontrollpunkter per 31 augusti 2025 (forts.)" not in found
    on = [n for n, page in enumerate(pages) if "Personal: kontrollpunkter" in page]
    assert len(on) == 1 and "Resultat Personal 1:" in pages[on[0]]
    # Pages before the tables and after the Ekonomi table has ended say nothing of it.
    for n, page in enumerate(pages):
        if n not in later:
            assert f"{caption} (forts.)" not in page
    # Every point once, in order.
    positions = [found.index(f"Resultat Ekonomi {n}:") for n in range(1, 41)]
    assert positions == sorted(positions)


def test_in_word_the_header_and_explanatory_rows_repeat_on_every_page():
    data = internal_control.render(report({"Ekonomi": 40}, explained=True), "docx")
    document = docx.Document(io.BytesIO(data))

    table = document.tables[-1]
    for row in table.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == list(internal_control.COLUMNS)
    assert [c.text for c in table.rows[1].cells][-1] == "Vad som görs"
    assert table.rows[2]._tr.trPr is None or table.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Ekonomi: kontrollpunkter per 31 augusti 2025" in captions
