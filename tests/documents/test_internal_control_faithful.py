"""The internkontrollrapport as the municipality writes it: a plan imported
from Excel with two grouping levels (område, then processkategori) and the
results of the control but no Bedömning, printed in PDF, Word and Excel with
the areas and categories in the plan's order, the organisation's columns and
widths, the risk value and level when chosen, a row too long for a page in
parts marked "(forts.)", and the written introduction's lists as real lists."""

from __future__ import annotations

import datetime
import io

import docx
import openpyxl
import pytest

from styrhjul.documents import internal_control
from styrhjul.documents.models import text_blocks
from styrhjul.documents.texts import report_text_save
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStatus
from styrhjul.organisation import access
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.models import Plan
from tests.document_settings import save_settings
from tests.excel import import_plan, workbook
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

HEADER = [
    "Område",
    "Processkategori",
    "Nr",
    "Process/rutin/system",
    "Risk",
    "Sannolikhet",
    "Konsekvens",
    "Kontrollmoment",
    "Kontrollmetod",
    "Frekvens",
    "Ansvarig",
    "Bedömning",
    "Resultat av kontroll",
    "Åtgärd",
    "Ansvarig för åtgärd",
    "Åtgärd klar senast",
    "Uppföljning",
]
LONG = " ".join(
    f"Stycke {n}: vid granskningen av leverantörsfakturorna saknades attest i några fall, "
    "och rutinen för ersättare vid semester var inte känd av alla attestanter."
    for n in range(1, 31)
)
# (område, processkategori, Nr, process, sannolikhet, konsekvens, kontrollmoment, resultat,
# åtgärd): the file's rows in the plan's order. Neither the areas nor the categories
# are in alphabetical order, and the categories of Ekonomi are interleaved by Nr.
POINTS = [
    (
        "Ekonomi",
        "Upphandling",
        "1",
        "Direktupphandling",
        3,
        4,
        "Beloppsgränser",
        "Två av tio köp över gränsen.",
        "Utbildning i upphandling.",
    ),
    (
        "Ekonomi",
        "Attest",
        "2",
        "Leverantörsfakturor",
        2,
        3,
        "Attest av fakturor",
        LONG,
        "Påminnelse till attestanterna.",
    ),
    (
        "Ekonomi",
        "Upphandling",
        "3",
        "Avtalstrohet",
        1,
        2,
        "Inköp utanför avtal",
        "Inga avvikelser.",
        "",
    ),
    (
        "Personal",
        "Rekrytering",
        "4",
        "Anställningsprocessen",
        2,
        2,
        "Utdrag ur belastningsregistret",
        "Utdrag fanns i alla granskade ärenden.",
        "",
    ),
    (
        "Personal",
        "Arbetsmiljö",
        "5",
        "Systematiskt arbetsmiljöarbete",
        3,
        3,
        "Skyddsronder",
        "Två enheter saknade skyddsrond.",
        "Skyddsronder bokas in under våren.",
    ),
]
INTRODUCTION = """Nämnden ansvarar för att den interna kontrollen är tillräcklig.

Årets plan omfattar:
- Ekonomi
- Personal

Arbetet har gått till så här:
1. Riskanalys i ledningsgruppen
2. Beslut om planen i nämnden
3. Uppföljning per område"""


def plan_file() -> bytes:
    rows = [
        [
            area,
            category,
            nr,
            process,
            "Risk för fel.",
            p,
            c,
            step,
            "Stickprov",
            "En gång per år",
            "Controller",
            None,
            result,
            measure or None,
            "Ekonomichef" if measure else None,
            datetime.date(2026, 3, 31) if measure else None,
            "Årsbokslut 2025",
        ]
        for area, category, nr, process, p, c, step, result, measure in POINTS
    ]
    return workbook({"Kontrollpunkter": [HEADER, *rows]})


@pytest.fixture
def imported(org, model):
    """The internkontrollplan imported from Excel with its results of the
    closed Årsbokslut, the introduction written with lists, and the
    organisation's choice of risk values and a wider Åtgärd column."""
    ikp = model.plan_types.get(name="Internkontrollplan")
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.ANNUAL,
            name="Årsbokslut 2025",
            period_end=datetime.date(model.year, 12, 31),
        ),
        plan_types=[ikp],
    )
    FollowUpOccasion.objects.filter(pk=occasion.pk).update(status=OccasionStatus.CLOSED)
    unit = org["enhet_a2"]
    import_plan(plan_file(), unit, ikp)
    plan = Plan.objects.get(unit=unit, plan_type=ikp)
    report_text_save(
        actor=access.SYSTEM,
        plan=plan,
        occasion=occasion,
        introduction=INTRODUCTION,
        summary="",
        version=0,
    )
    save_settings(
        org,
        internkontrollrapport={
            "options": ["riskvarde"],
            "columns": {"atgard": {"heading": "Åtgärder", "explanation": "Vad som görs"}},
        },
    )
    return {"plan": plan, "occasion": occasion, "unit": unit}


def test_the_plan_file_keeps_the_process_category(imported):
    items = list(imported["plan"].items.order_by("number"))
    assert [i.process_category for i in items] == [p[1] for p in POINTS]
    data = export_workbook(
        actor=access.SYSTEM, unit=imported["unit"], plan_type=imported["plan"].plan_type
    )
    exported = openpyxl.load_workbook(io.BytesIO(data))
    header, *rows = exported["Kontrollpunkter"].iter_rows(values_only=True)
    column = header.index("Processkategori")
    assert header[column - 1] == "Område"
    assert [row[column] for row in rows if row[column]] == [p[1] for p in POINTS]


def test_the_report_groups_by_area_then_category_in_the_plans_order(imported):
    report = internal_control.build(imported["plan"], imported["occasion"])

    assert [a.name for a in report.areas] == ["Ekonomi", "Personal"]
    assert [[(g.name, [r.number for r in g.rows]) for g in a.groups] for a in report.areas] == [
        [("Upphandling", ["1", "3"]), ("Attest", ["2"])],
        [("Rekrytering", ["4"]), ("Arbetsmiljö", ["5"])],
    ]
    # Reported with the result of the control and no Bedömning: reported, by the read model.
    assert all(row.reported and not row.assessment for a in report.areas for row in a.rows)
    assert "har 5 av dem rapporterats: 5 utan bedömning." in report.summary[0]
    assert "ännu inte" not in " ".join(report.summary)
    assert [row.risk_text for a in report.areas for row in a.rows] == [
        "12 (hög)",
        "6 (medel)",
        "2 (låg)",
        "4 (medel)",
        "9 (hög)",
    ]
    assert report.headings == [
        "Nr",
        "Process/rutin/system",
        "Riskvärde",
        "Kontrollmoment",
        "Kontrollmetod",
        "Resultat av kontroll",
        "Åtgärder",
    ]
    widths = report.widths
    assert sum(widths) == pytest.approx(1)
    assert max(widths) == widths[report.headings.index("Resultat av kontroll")]
    assert report.explanations == ["", "", "", "", "", "", "Vad som görs"]
    assert report.introduction_blocks == text_blocks(INTRODUCTION)
    assert [b.items for b in report.introduction_blocks if b.is_list] == [
        ("Ekonomi", "Personal"),
        ("Riskanalys i ledningsgruppen", "Beslut om planen i nämnden", "Uppföljning per område"),
    ]


def _in_order(text: str, parts: list[str]) -> None:
    """Each part occurs in the text after the one before it."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} saknas efter position {position}"
        position = found + len(part)


def test_the_pdf(imported, tmp_path):
    report = internal_control.build(imported["plan"], imported["occasion"])
    text = pdf_text(internal_control.render(report, "pdf"), tmp_path)

    title = f"Internkontrollrapport 2025 – {imported['unit'].name}"
    assert text.startswith(title)
    assert "Årsbokslut 2025, uppföljning per 31 december 2025" in text.split("\f")[0]
    _in_order(
        text,
        [
            "Inledning",
            "Nämnden ansvarar för att den interna kontrollen är tillräcklig.",
            "Årets plan omfattar:",
            "• Ekonomi",
            "• Personal",
            "Arbetet har gått till så här:",
            "1. Riskanalys i ledningsgruppen",
            "2. Beslut om planen i nämnden",
            "3. Uppföljning per område",
            "Sammanfattning",
            "har 5 av dem rapporterats: 5 utan bedömning.",
            "Resultat per område",
            "Ekonomi",
            "Riskvärde Kontrollmoment Kontrollmetod Resultat av kontroll Åtgärder Vad som görs",
            "Upphandling 1 Direktupphandling 12 (hög) Beloppsgränser Stickprov Två av tio köp",
            "3 Avtalstrohet 2 (låg) Inköp utanför avtal Stickprov Inga avvikelser.",
            "6 (medel) Attest av fakturor Stickprov Stycke 1:",
            "2 (forts.)",
            "Stycke 30:",
            "Sammanställning: Utan bedömning 3",
            "Personal",
            "Rekrytering 4",
            "Utdrag fanns i alla granskade ärenden.",
            "Arbetsmiljö 5 Systematiskt",
            "Sammanställning: Utan bedömning 2",
        ],
    )
    pages = text.split("\f")
    ekonomi = "".join(page for page in pages if "Stycke" in page or "Upphandling" in page)
    for text_in_row in ("Utbildning i upphandling.", "Påminnelse till attestanterna.", "Attest"):
        assert text_in_row in ekonomi
    personal = text[text.index("Rekrytering 4") :]
    for text_in_row in (
        "9 (hög) Skyddsronder Stickprov Två enheter saknade skyddsrond.",
        "Skyddsronder bokas in under våren.",
    ):
        assert text_in_row in personal
    assert "Ej rapporterad" not in text
    # The caption, marked "(forts.)", and the header repeat on the page where
    # the long row goes on.
    continued = next(page for page in text.split("\f") if "2 (forts.)" in page)
    caption = "Ekonomi: kontrollpunkter per 31 december 2025"
    assert continued.index(f"{caption} (forts.)") < continued.index("Resultat av kontroll")
    assert continued.index("Resultat av kontroll") < continued.index("2 (forts.)")


def test_the_word_document(imported):
    report = internal_control.build(imported["plan"], imported["occasion"])
    document = docx.Document(io.BytesIO(internal_control.render(report, "docx")))

    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert ("Title", f"Internkontrollrapport 2025 – {imported['unit'].name}") in paragraphs
    assert ("Subtitle", "Årsbokslut 2025, uppföljning per 31 december 2025") in paragraphs
    start = paragraphs.index(("Heading 1", "Inledning"))
    assert paragraphs[start + 1 : start + 8] == [
        ("Normal", "Nämnden ansvarar för att den interna kontrollen är tillräcklig."),
        ("Normal", "Årets plan omfattar:"),
        ("List Bullet", "Ekonomi"),
        ("List Bullet", "Personal"),
        ("Normal", "Arbetet har gått till så här:"),
        ("List Number", "Riskanalys i ledningsgruppen"),
        ("List Number", "Beslut om planen i nämnden"),
    ]
    headings = [text for style, text in paragraphs if style == "Heading 2"]
    assert headings == ["Ekonomi", "Personal"]
    captions = [text for style, text in paragraphs if style == "Caption"]
    assert captions[-4:] == [
        "Ekonomi: kontrollpunkter per 31 december 2025",
        "Sammanställning: Utan bedömning 3",
        "Personal: kontrollpunkter per 31 december 2025",
        "Sammanställning: Utan bedömning 2",
    ]

    ekonomi, personal = document.tables[1], document.tables[2]
    header = [c.text for c in ekonomi.rows[0].cells]
    assert header == report.headings
    assert [c.text for c in ekonomi.rows[1].cells][-1] == "Vad som görs"
    body = [[c.text for c in row.cells] for row in ekonomi.rows[2:]]
    assert [cells[0] for cells in body] == [
        "Upphandling",
        "1",
        "3",
        "Attest",
        "2",
        *(["2 (forts.)"] * (len(body) - 5)),
    ]
    assert body[0] == ["Upphandling"] * 7  # one cell across the table
    assert body[1][1:5] == ["Direktupphandling", "12 (hög)", "Beloppsgränser", "Stickprov"]
    # Reported without an assessment: nothing in bold before the result.
    assert body[1][5] == "Två av tio köp över gränsen."
    assert body[1][6].startswith("Utbildning i upphandling.\nAnsvarig: Ekonomichef")
    long_row = "\n".join(cells[5] for cells in body[4:])
    assert "Stycke 1:" in long_row and "Stycke 30:" in long_row
    assert [row.cells[0].text for row in personal.rows[2:]] == [
        "Rekrytering",
        "4",
        "Arbetsmiljö",
        "5",
    ]
    # Columns as wide as the settings say: Resultat av kontroll the widest.
    widths = [cell.width for cell in ekonomi.rows[2 + 1].cells]
    assert max(widths) == widths[5]
    assert widths[5] / sum(widths) == pytest.approx(report.widths[5], abs=0.01)


def test_the_excel_file(imported):
    report = internal_control.build(imported["plan"], imported["occasion"])
    book = openpyxl.load_workbook(io.BytesIO(internal_control.render(report, "xlsx")))

    assert book.sheetnames == ["Texter", "Kontrollpunkter", "Sammanställning"]
    texts = list(book["Texter"].iter_rows(values_only=True))
    assert texts[0] == ("Avsnitt", "Text")
    assert texts[1:9] == [
        ("Inledning", "Nämnden ansvarar för att den interna kontrollen är tillräcklig."),
        ("Inledning", "Årets plan omfattar:"),
        ("Inledning", "• Ekonomi"),
        ("Inledning", "• Personal"),
        ("Inledning", "Arbetet har gått till så här:"),
        ("Inledning", "1. Riskanalys i ledningsgruppen"),
        ("Inledning", "2. Beslut om planen i nämnden"),
        ("Inledning", "3. Uppföljning per område"),
    ]
    assert [row[0] for row in texts[9:]] == ["Sammanfattning"] * len(texts[9:])
    assert "har 5 av dem rapporterats: 5 utan bedömning." in texts[9][1]

    header, *rows = book["Kontrollpunkter"].iter_rows(values_only=True)
    assert header[:6] == (
        "Område",
        "Processkategori",
        "Nr",
        "Process/rutin/system",
        "Risk",
        "Riskvärde",
    )
    assert header[6] == "Risknivå" and header[-3] == "Åtgärder"
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows] == [
        ("Ekonomi", "Upphandling", "1", 12, "hög"),
        ("Ekonomi", "Upphandling", "3", 2, "låg"),
        ("Ekonomi", "Attest", "2", 6, "medel"),
        ("Personal", "Rekrytering", "4", 4, "medel"),
        ("Personal", "Arbetsmiljö", "5", 9, "hög"),
    ]
    by_nr = {r[2]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_nr["2"]["Resultat av kontroll"] == LONG  # whole in its cell
    assert by_nr["1"]["Bedömning"] == "" or by_nr["1"]["Bedömning"] is None
    sheet = book["Kontrollpunkter"]
    width = {
        h: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        for i, h in enumerate(header, start=1)
    }
    assert width["Resultat av kontroll"] > width["Kontrollmoment"] > width["Nr"]
    summary = list(book["Sammanställning"].iter_rows(values_only=True))
    assert summary[-1][:2] == ("Totalt", 5)


def test_the_process_category_is_edited_in_the_plan_and_copied_with_the_year(client, org, imported):
    from django.urls import reverse

    from styrhjul.organisation.models import Role
    from styrhjul.planning import services as planning
    from styrhjul.planning.models import Item
    from tests.factories import UserFactory, grant

    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)
    item = imported["plan"].items.get(number="3")
    url = reverse("planning:item_edit", args=[item.pk])
    page = client.get(url).content.decode()
    assert '<label for="id_process_category">Processkategori' in page
    assert 'value="Upphandling"' in page

    form = {
        "area": "Ekonomi",
        "process_category": "Avtal",
        "number": "3",
        "process": item.process,
        "title": item.title,
        "control_step": item.control_step,
        "version": item.version,
    }
    assert client.post(url, form).status_code == 302
    assert Item.objects.get(pk=item.pk).process_category == "Avtal"

    new = planning.model_copy_to_next_year(actor=owner, model=imported["plan"].plan_type.model)
    copied = Item.objects.filter(plan__plan_type__model=new, plan__unit=imported["unit"])
    assert dict(copied.values_list("number", "process_category")) == {
        "1": "Upphandling",
        "2": "Attest",
        "3": "Avtal",
        "4": "Rekrytering",
        "5": "Arbetsmiljö",
    }
