"""Own sections in the delårsrapport and årsredovisning: each section where
the organisation put it among the built-in ones, with what the document's
unit wrote first and then what the units below it wrote, under their names,
in PDF, Word and Excel."""

from __future__ import annotations

import io

import pytest

from styrhjul.documents import annual, annual_render, layout, monthly, monthly_render
from styrhjul.followup import sections
from styrhjul.followup.models import DocumentText
from styrhjul.organisation import access
from tests.documents.test_monthly import april, ledger  # noqa: F401 (fixtures)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

NAMND = "Personalen i nämndens verksamheter har blivit fler under året."
FORV = "Förvaltningen har rekryterat tolv socionomer."
ENHET = "Barn och unga har haft låg personalomsättning."


def written(unit, occasion, section, text):
    DocumentText.objects.create(
        unit=unit, occasion=occasion, document="delarsrapport", section=section.key, text=text
    )


@pytest.fixture
def personal(model, reported, org):
    """ "Personal" after Mål och resultat (order 5 in the house order), and
    "Framtid" first of all; written by the nämnd, the förvaltning and a unit
    (and by a unit of another nämnd, which the nämnd's document leaves out)."""
    personal = sections.section_save(
        actor=access.SYSTEM,
        model=model,
        document="delarsrapport",
        heading="Personal",
        instruction="Beskriv personalläget.",
        order=5,
    )
    future = sections.section_save(
        actor=access.SYSTEM, model=model, document="delarsrapport", heading="Framtid", order=1
    )
    written(org["enhet_b1"], reported, personal, ENHET)
    written(org["namnd"], reported, personal, NAMND)
    written(org["forv"], reported, personal, FORV + "\n\nFler söker sig hit.")
    written(org["forv"], reported, future, "Vi växer.")
    return personal


def test_the_sections_come_in_the_organisations_order_with_the_units_texts(org, reported, personal):
    report = annual.build(org["namnd"], reported)

    keys = [k for k, _h, _p in report.outline]
    # "Framtid" (1) after Förord … (1) but before Sammanfattning (2); "Personal"
    # (5) right after Mål och resultat (5) and before Ekonomi/Intern kontroll.
    assert keys.index("eget-framtid") < keys.index("maluppfyllelse")
    assert keys.index("mal_och_resultat") + 1 == keys.index("eget-personal")
    assert [
        (t.unit_name, t.paragraphs, t.compiling) for t in report.own_sections["eget-personal"]
    ] == [
        (org["namnd"].name, [NAMND], True),
        (org["forv"].name, [FORV, "Fler söker sig hit."], False),
        (org["enhet_b1"].name, [ENHET], False),
    ]


def test_the_order_follows_the_settings(org, reported, personal):
    """Mål och resultat moved to 9: Personal (5) now comes before it."""
    stored = {
        "delarsrapport": {"sections": [{"key": "mal_och_resultat", "included": True, "order": 9}]}
    }
    orders = layout.section_orders(stored, "delarsrapport")
    assert orders["mal_och_resultat"] == 9 and orders["forord"] == 1
    contents = layout.with_own_sections(
        layout.contents_of(stored, "delarsrapport"), stored, [(5, "eget-personal", "Personal")]
    )
    keys = [s.key for s in contents.sections]
    assert keys.index("eget-personal") < keys.index("mal_och_resultat")


def test_a_section_nobody_wrote_is_left_out(org, reported, model):
    sections.section_save(
        actor=access.SYSTEM, model=model, document="delarsrapport", heading="Tom", order=3
    )
    report = annual.build(org["namnd"], reported)
    assert "eget-tom" not in [k for k, _h, _p in report.outline]


def test_the_annual_report_has_only_its_own_sections(org, reported, personal, model):
    """A section of the årsredovisning is not in the delårsrapport."""
    sections.section_save(
        actor=access.SYSTEM,
        model=model,
        document="arsredovisning",
        heading="Verksamhetsberättelse",
        order=2,
    )
    report = annual.build(org["namnd"], reported)
    assert list(report.own_sections) == ["eget-framtid", "eget-personal"]


def test_pdf_word_and_excel_show_the_texts_in_order(org, reported, personal, tmp_path):
    report = annual.build(org["namnd"], reported)

    text = pdf_text(annual_render.render(report, "pdf"))
    # The heading, the nämnd's text without a name, then each unit under its name.
    start = text.index("Personal " + NAMND)
    rest = text[start:]
    positions = [rest.index(s) for s in (org["forv"].name, FORV, org["enhet_b1"].name, ENHET)]
    assert positions == sorted(positions)
    assert rest.index(org["forv"].name + " " + FORV) < rest.index(
        org["enhet_b1"].name + " " + ENHET
    )
    assert "Framtid" in text and "Vi växer." in text

    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    start = paragraphs.index(("Heading 1", "Personal"))
    assert paragraphs[start : start + 6] == [
        ("Heading 1", "Personal"),
        ("Normal", NAMND),
        ("Heading 2", org["forv"].name),
        ("Normal", FORV),
        ("Normal", "Fler söker sig hit."),
        ("Heading 2", org["enhet_b1"].name),
    ]

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(annual_render.render(report, "xlsx")))
    rows = [[c.value for c in row] for row in book["Egna avsnitt"].iter_rows()]
    assert rows == [
        ["Avsnitt", "Enhet", "Text"],
        ["Framtid", org["forv"].name, "Vi växer."],
        ["Personal", org["namnd"].name, NAMND],
        ["Personal", org["forv"].name, FORV + "\n\nFler söker sig hit."],
        ["Personal", org["enhet_b1"].name, ENHET],
    ]


def test_the_compiled_document_has_every_units_text(org, reported, personal):
    report = annual.build(org["kommun"], reported)
    assert [t.unit_name for t in report.own_sections["eget-personal"]] == [
        org["namnd"].name,
        org["forv"].name,
        org["enhet_b1"].name,
    ]
    assert not any(t.compiling for t in report.own_sections["eget-personal"])


def test_the_manadsrapport_has_its_own_sections_in_every_format(request, model):
    """ "Verksamhetens läge" after the Driftredovisning (1), before Per enhet (2)."""
    units, occasion = request.getfixturevalue("ledger"), request.getfixturevalue("april")
    section = sections.section_save(
        actor=access.SYSTEM,
        model=model,
        document="manadsrapport",
        heading="Verksamhetens läge",
        order=1,
    )
    for unit, text in (
        ("namnd", "Nämnden följer budgeten."),
        ("forv", "Förvaltningen har fler placeringar än budgeterat."),
    ):
        DocumentText.objects.create(
            unit=units[unit],
            occasion=occasion,
            document="manadsrapport",
            section=section.key,
            text=text,
        )

    report = monthly.build(units["namnd"], occasion)

    text = pdf_text(monthly_render.render(report, "pdf"))
    start = text.index("Verksamhetens läge Nämnden följer budgeten.")
    assert text.index("Driftredovisning") < start
    assert text.index(
        "Socialförvaltningen Förvaltningen har fler placeringar än budgeterat.", start
    ) < text.index("Driftredovisning per förvaltning", start)

    import docx

    document = docx.Document(io.BytesIO(monthly_render.render(report, "docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    start = paragraphs.index(("Heading 1", "Verksamhetens läge"))
    assert paragraphs[start : start + 4] == [
        ("Heading 1", "Verksamhetens läge"),
        ("Normal", "Nämnden följer budgeten."),
        ("Heading 2", "Socialförvaltningen"),
        ("Normal", "Förvaltningen har fler placeringar än budgeterat."),
    ]

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(monthly_render.render(report, "xlsx")))
    assert [[c.value for c in row] for row in book["Egna avsnitt"].iter_rows()] == [
        ["Avsnitt", "Enhet", "Text"],
        ["Verksamhetens läge", "Socialnämnden", "Nämnden följer budgeten."],
        [
            "Verksamhetens läge",
            "Socialförvaltningen",
            "Förvaltningen har fler placeringar än budgeterat.",
        ],
    ]
