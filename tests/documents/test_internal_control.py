"""Internkontrollrapport: the data structure, the DOCX and PDF built from it,
the command and the download with its access check."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.documents import internal_control
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from styrhjul.planning.numbering import natural_key
from tests.factories import UserFactory, grant
from tests.internal_control import CONTROL_POINTS
from tests.pdf import pdf_objects, pdf_text

# --- The data structure ----------------------------------------------------------------------


def test_natural_key_orders_numbers_as_numbers():
    numbers = ["10", "2", "1.10", "1.2", "", "1.1", "A3", "A10"]
    assert sorted(numbers, key=natural_key) == [
        "1.1",
        "1.2",
        "1.10",
        "2",
        "10",
        "A3",
        "A10",
        "",
    ]


def test_rows_grouped_by_area_in_the_plan_s_order(ik):
    report = internal_control.build(ik["plan"], ik["occasion"])
    assert report.title == "Internkontrollrapport 2025 – Individ och familj"
    assert [a.name for a in report.areas] == ["Ekonomi", "HR", "Övrigt"]
    # The plan's order (Item.order), not the Nr; the förvaltning's shared
    # point (first in its plan) after the plan's own first and on Nr with 1.2.
    assert [[r.number for r in a.rows] for a in report.areas] == [
        ["1.10", "1.2", "1.3", "1.1"],
        ["2.1"],
        ["3"],
    ]
    ekonomi = report.areas[0]
    row = ekonomi.rows[1]
    assert row.cells == (
        "1.2",
        "Representation",
        "Att regler för representation följs",
        "Granskning av samtliga verifikationer",
        "Två av åtta verifikationer saknade syfte.",
        "Rutinen förtydligas och utbildning ges i höst.",
    )
    assert row.assessment == "Genomförd med anmärkning"
    # The shared item carries what this unit reported on it.
    assert ekonomi.rows[2].result == "Över 95 % av inköpen görs från avtal."
    assert not ekonomi.rows[0].reported  # 1.10
    counts = {c.label: c.count for c in ekonomi.counts}
    assert counts == {
        "Genomförd utan anmärkning": 2,
        "Genomförd med anmärkning": 1,
        "Ej genomförd": 0,
        internal_control.NOT_REPORTED: 1,
    }
    assert report.count == 6
    assert "6 kontrollpunkter inom 3 områden" in report.summary[0]
    assert "2 kontrollpunkter är ännu inte rapporterade" in report.summary[1]
    assert any(p.startswith("HR: 1 genomförd med anmärkning") for p in report.summary)
    assert "6 kap. 6 §" in report.introduction[0]


def test_build_runs_a_fixed_number_of_queries(ik, org):
    internal_control.build(ik["plan"].pk, ik["occasion"].pk)
    with CaptureQueriesContext(connection) as few:
        internal_control.build(ik["plan"].pk, ik["occasion"].pk)
    for n in range(10):
        planning.item_create(
            actor=access.SYSTEM,
            plan=ik["plan"],
            kind=ItemKind.CONTROL_POINT,
            number=f"4.{n}",
            title=f"Kontroll {n}",
            area=f"Område {n % 3}",
        )
    with CaptureQueriesContext(connection) as many:
        report = internal_control.build(ik["plan"].pk, ik["occasion"].pk)
    assert report.count == 16
    # Nine for the report, two for the organisation's document settings.
    assert len(many.captured_queries) == len(few.captured_queries) <= 11


def test_occasion_of_another_model_is_refused(ik, org, chain):
    from styrhjul.followup.models import FollowUpOccasion
    from styrhjul.model.services import model_create_default

    other_model = model_create_default(actor=access.SYSTEM, organisation=org["kommun"], year=2026)
    other = FollowUpOccasion.objects.create(
        model=other_model,
        kind="annual",
        name="Årsbokslut 2026",
        period_end=datetime.date(2026, 12, 31),
    )
    with pytest.raises(internal_control.DocumentError):
        internal_control.build(ik["plan"], other)


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_has_headings_tables_in_order_and_repeating_headers(ik):
    import docx
    from docx.oxml.ns import qn

    from styrhjul.documents.docx import internal_control_docx

    report = internal_control.build(ik["plan"], ik["occasion"])
    document = docx.Document(io.BytesIO(internal_control_docx(report)))
    assert document.core_properties.title == report.title
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "Inledning"),
        ("Heading 1", "Sammanfattning"),
        ("Heading 1", "Resultat per område"),
        ("Heading 2", "Ekonomi"),
        ("Heading 2", "HR"),
        ("Heading 2", "Övrigt"),
    ]
    summary, *tables = document.tables
    assert summary.rows[0].cells[0].text == "Område"
    assert len(tables) == 3
    for table, area in zip(tables, report.areas, strict=True):
        header = table.rows[0]
        assert [c.text for c in header.cells] == list(internal_control.COLUMNS)
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        body = table.rows[1:]
        assert [r.cells[0].text for r in body] == [row.number for row in area.rows]
        for table_row, row in zip(body, area.rows, strict=True):
            texts = [c.text for c in table_row.cells]
            assert texts[1:4] == [row.process, row.control_step, row.control_method]
            assert row.result in texts[4]
            assert texts[5] == row.measures
    # Every control point's texts are in its area's table.
    ekonomi_text = "\n".join(c.text for r in tables[0].rows for c in r.cells)
    for area, number, process, step, method in CONTROL_POINTS:
        table = tables[{"Ekonomi": 0, "HR": 1, "": 2}[area]]
        text = "\n".join(c.text for r in table.rows for c in r.cells)
        assert all(t in text for t in (number, process, step, method))
    assert "Att inköp görs från upphandlade leverantörer" in ekonomi_text
    # The control tables are in a landscape section.
    last = document.sections[-1]
    assert last.page_width > last.page_height


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_is_a_tagged_pdf_with_title_and_swedish_text(ik, tmp_path):
    import pydyf  # noqa: F401 - WeasyPrint's PDF writer, present with it

    from styrhjul.documents.pdf import internal_control_html, internal_control_pdf

    report = internal_control.build(ik["plan"], ik["occasion"])
    html = internal_control_html(report)
    assert '<html lang="sv">' in html
    assert f"<title>{report.title}</title>" in html
    assert "display: table-header-group" in html
    data = internal_control_pdf(report)
    assert data.startswith(b"%PDF")
    objects = pdf_objects(data)
    assert b"/StructTreeRoot" in objects  # tagged
    assert b"pdfuaid" in objects  # PDF/UA-1 identification in the XMP metadata
    # The title is in the document information and the XMP metadata.
    assert report.title.encode() in objects or _utf16(report.title) in objects
    # å, ä and ö are set in the text: the fonts' ToUnicode maps carry them.
    for char in "åäöÅÄÖ":
        if char in html:
            assert f"<{ord(char):04x}>".encode() in objects.lower(), char
    import weasyprint

    pages = weasyprint.HTML(string=html).render().pages
    assert len(pages) >= 3  # title page, introduction, tables
    assert pages[0].width < pages[0].height  # portrait title page
    assert pages[-1].width > pages[-1].height  # landscape tables
    text = pdf_text(data, tmp_path, "-layout")
    for needle in ("Sammanfattning", "Övrigt", "Två av åtta verifikationer", "Åtgärd"):
        assert needle in text


def _utf16(text: str) -> bytes:
    return b"\xfe\xff" + text.encode("utf-16-be")


def test_long_cells_and_many_rows_build(ik):
    """The speed is measured in `styrhjul document-bench`, not here."""
    from styrhjul.documents.docx import internal_control_docx
    from styrhjul.documents.pdf import internal_control_pdf

    long_text = ("Lång text om kontrollen med å, ä och ö. " * 60)[:2000]
    for n in range(200):
        planning.item_create(
            actor=access.SYSTEM,
            plan=ik["plan"],
            kind=ItemKind.CONTROL_POINT,
            number=f"9.{n}",
            title=f"Kontroll {n}",
            area="Massor",
            process="Ett_mycket_långt_ord_utan_mellanslag_" * 8,
            control_step=long_text if n % 20 == 0 else f"Kontrollmoment {n}",
            control_method="Stickprov",
        )
    report = internal_control.build(ik["plan"], ik["occasion"])
    assert report.count == 206
    massor = next(a for a in report.areas if a.name == "Massor")
    assert [r.number for r in massor.rows][:3] == ["9.0", "9.1", "9.2"]
    assert massor.rows[-1].number == "9.199"
    pdf = internal_control_pdf(report)
    docx_data = internal_control_docx(report)
    assert pdf.startswith(b"%PDF") and docx_data.startswith(b"PK")


# --- Command and download --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_command_writes_the_file(ik, tmp_path, fmt):
    from django.core.management import call_command

    from styrhjul.documents.management.commands.document import Command

    target = tmp_path / f"ik.{fmt}"
    out = io.StringIO()
    call_command(
        Command(),
        "internkontrollrapport",
        "--plan",
        str(ik["plan"].pk),
        "--occasion",
        str(ik["occasion"].pk),
        "--format",
        fmt,
        "-o",
        str(target),
        stdout=out,
    )
    assert target.read_bytes()[:4] in (b"%PDF", b"PK\x03\x04")
    assert "6 kontrollpunkter" in out.getvalue()


def test_command_errors_are_swedish(ik, tmp_path):
    from django.core.management import CommandError, call_command

    from styrhjul.documents.management.commands.document import Command

    with pytest.raises(CommandError, match="Det finns ingen plan med id 999999"):
        call_command(
            Command(),
            "internkontrollrapport",
            "--plan",
            "999999",
            "--occasion",
            str(ik["occasion"].pk),
            "-o",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="filen ska sluta på .docx"):
        call_command(
            Command(),
            "internkontrollrapport",
            "--plan",
            str(ik["plan"].pk),
            "--occasion",
            str(ik["occasion"].pk),
            "--format",
            "docx",
            "-o",
            str(tmp_path / "x.pdf"),
        )
    sibling = UserFactory()
    grant(
        sibling, ik["plan"].unit.parent.children.exclude(pk=ik["plan"].unit_id).get(), Role.MANAGER
    )
    with pytest.raises(CommandError, match="som du får läsa"):
        call_command(
            Command(),
            "internkontrollrapport",
            "--plan",
            str(ik["plan"].pk),
            "--occasion",
            str(ik["occasion"].pk),
            "--user",
            sibling.username,
            "-o",
            str(tmp_path / "x.pdf"),
        )


def test_download_for_the_unit_and_404_for_a_sibling(ik, org, client):
    url = reverse("documents:internal_control", args=[ik["plan"].pk, ik["occasion"].pk, "docx"])
    own = UserFactory()
    grant(own, org["avd_b"], Role.MANAGER)
    client.force_login(own)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "internkontrollrapport-2025-individ-och-familj.docx" in response["Content-Disposition"]
    pdf = client.get(url.replace(".docx", ".pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(url.replace(".docx", ".xlsx"))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert "internkontrollrapport-2025-individ-och-familj.xlsx" in xlsx["Content-Disposition"]
    assert client.get(url.replace(".docx", ".odt")).status_code == 404

    sibling = UserFactory()
    grant(sibling, org["avd_a"], Role.MANAGER)
    client.force_login(sibling)
    assert client.get(url).status_code == 404


def test_the_plan_page_links_to_the_report_for_each_occasion(client, org, chain, occasion):
    from styrhjul.followup import services as followup_services

    ik_type = chain["vp"].model.plan_types.get(name="Internkontrollplan")
    followup_services.occasion_save(
        actor=access.SYSTEM,
        occasion=occasion,
        plan_types=[*occasion.plan_types.all(), ik_type],
        version=occasion.version,
    )
    plan = planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=ik_type)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    body = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert reverse("documents:internal_control", args=[plan.pk, occasion.pk, "pdf"]) in body
    assert reverse("documents:internal_control", args=[plan.pk, occasion.pk, "docx"]) in body
