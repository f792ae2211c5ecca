"""Dokumentinställningar: the organisation chooses its documents' logo,
colours and typefaces, and which sections the delårsrapport and
årsredovisning have, in which order, under which headings, and which goal
levels and plan types they cover; the appendix with the whole
internkontrollrapport. Model owners change them; the documents follow."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from styrhjul.documents import annual, annual_render, layout
from styrhjul.documents.internal_control import DocumentError
from styrhjul.documents.models import DocumentSettings, DocumentText
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.document_settings import png, save_settings
from tests.factories import UserFactory, grant
from tests.internal_control import make_ik
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

URL = reverse("documents:settings")


def form_data(**changes) -> dict:
    """The settings form as a model owner posts it, house values unless changed."""
    data = {
        "heading_colour": "#1f4e79",
        "table_colour": "#1f4e79",
        "font": "",
        "heading_font": "",
        "version": "0",
    }
    for document, spec in layout.DOCUMENTS.items():
        for number, section in enumerate(spec.sections, start=1):
            if section.included:
                data[f"{document}-{section.key}-included"] = "on"
            data[f"{document}-{section.key}-order"] = str(number)
            data[f"{document}-{section.key}-heading"] = ""
        if spec.parts:
            data[f"{document}-parts"] = list(spec.parts)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def owner(org):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


def test_a_reader_sees_the_settings_but_cannot_change_them(client, org, model):
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)

    page = client.get(URL)
    assert page.status_code == 200
    assert "En modellägare för hela organisationen eller en systemadministratör ändrar" in (
        page.content.decode()
    )
    assert 'enctype="multipart/form-data"' not in page.content.decode()
    assert client.post(URL, form_data()).status_code == 403
    assert not DocumentSettings.objects.exists()


def test_a_model_owner_sets_the_look_and_the_contents(client, org, model, owner):
    client.force_login(owner)
    assert client.get(URL).status_code == 200
    data = form_data(
        **{
            "logo": SimpleUploadedFile("logo.png", png(), content_type="image/png"),
            "arsredovisning-forord-heading": "Ordföranden har ordet",
            "arsredovisning-maluppfyllelse-order": "9",
            "arsredovisning-viktiga_handelser-included": None,
            "arsredovisning-bilaga_internkontroll-included": "on",
            "arsredovisning-parts": ["nyckeltal", "aktiviteter"],
            "arsredovisning-levels": ["Nämndmål"],
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    stored = DocumentSettings.objects.get(organisation=org["kommun"])
    assert (stored.heading_colour, stored.logo_type, stored.logo_name) == (
        "#1f4e79",
        "image/png",
        "logo.png",
    )
    assert stored.updated_by == owner
    contents = layout.layout_for(org["enhet_a1"], "arsredovisning").contents
    assert [s.key for s in contents.sections] == [
        "forord",
        "sammanfattning",
        "mal_och_resultat",
        "ekonomi",
        "intern_kontroll",
        "bilaga_internkontroll",
        "maluppfyllelse",
    ]
    assert contents.heading("forord") == "Ordföranden har ordet"
    assert contents.parts == {"nyckeltal", "aktiviteter"}
    assert contents.levels == {"Nämndmål"}
    # The delårsrapport keeps the house layout.
    assert layout.layout_for(org["enhet_a1"], "delarsrapport").contents == layout.Contents()

    page = client.get(URL).content.decode()
    assert 'alt="Logotyp för ' + org["kommun"].name in page
    assert 'value="Ordföranden har ordet"' in page


def test_a_heading_colour_too_pale_to_read_is_refused_at_the_field(client, org, model, owner):
    client.force_login(owner)
    response = client.post(URL, form_data(heading_colour="#ffcc00"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "har kontrasten 1,5:1 mot den vita sidan" in page
    assert 'id="id_heading_colour_error"' in page
    assert not DocumentSettings.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client, org, model, owner):
    client.force_login(owner)
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(URL, form_data(logo=bad))

    assert "Filen är inte en bild som går att läsa" in response.content.decode()
    assert not DocumentSettings.objects.exists()
    with pytest.raises(Exception) as error:
        layout.read_logo(b"x" * (layout.LOGO_MAX_BYTES + 1))
    assert "högst 1000 kB" in str(error.value)


def test_a_save_on_top_of_someone_elses_changes_nothing(client, org, model, owner):
    layout.settings_save(
        actor=owner,
        organisation=org["kommun"],
        version=0,
        heading_colour="#222222",
        table_colour="#e8edf2",
    )
    client.force_login(owner)
    response = client.post(URL, form_data(version="0", heading_colour="#1f4e79"))

    assert "Någon annan har sparat dokumentinställningarna" in response.content.decode()
    assert DocumentSettings.objects.get().heading_colour == "#222222"


def test_only_the_organisation_root_has_settings(org, model, owner):
    with pytest.raises(Exception) as error:
        layout.settings_save(
            actor=access.SYSTEM,
            organisation=org["namnd"],
            version=0,
            heading_colour="#222222",
            table_colour="#e8edf2",
        )
    assert "hel organisation" in str(error.value)


def test_contrast_and_text_colour_on_the_table_header():
    assert round(layout.contrast("#000000", "#ffffff"), 1) == 21.0
    assert layout.text_colour_on("#1f4e79") == "#ffffff"
    assert layout.text_colour_on("#e8edf2") == "#111111"


def test_the_delarsrapport_follows_the_chosen_order_headings_and_parts(
    org, chain, reported, tmp_path
):
    from styrhjul.planning import services as planning

    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["board"])
    planning.item_link(actor=access.SYSTEM, item=chain["indicator"], target=chain["board"])
    DocumentText.objects.create(
        unit=org["namnd"],
        occasion=reported,
        document="delarsrapport",
        section="forord",
        text="Ett år av omställning.",
    )
    save_settings(
        org,
        delarsrapport={
            "include": {"forord", "maluppfyllelse", "mal_och_resultat"},
            "order": {"maluppfyllelse": 1, "forord": 2, "mal_och_resultat": 3},
            "headings": {"forord": "Ordföranden har ordet", "mal_och_resultat": "Verksamheten"},
            "parts": ["aktiviteter"],
        },
    )

    report = annual.build(org["namnd"], reported)
    assert [k for k, _h, _p in report.outline] == ["maluppfyllelse", "forord", "mal_och_resultat"]
    html = annual_render.render(report, "html").decode()
    assert html.index(">Måluppfyllelse<") < html.index(">Ordföranden har ordet<")
    assert html.index(">Ordföranden har ordet<") < html.index(">Verksamheten<")
    assert "<svg" not in html and "Nyckeltal för målet" not in html  # parts left out
    assert "Läxhjälp på fritidsgården" in html  # activities kept
    assert "color: #1f4e79" in html and "color: #ffffff" in html
    assert 'src="data:image/png;base64,' in html and 'alt="Logotyp för ' in html

    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1 == ["Måluppfyllelse", "Ordföranden har ordet", "Verksamheten"]
    heading = document.styles["Heading 1"]
    assert str(heading.font.color.rgb) == "1F4E79"
    assert len(document.inline_shapes) == 1  # the logo, no charts
    assert document.inline_shapes[0]._inline.docPr.get("descr").startswith("Logotyp för")
    if "Liberation Serif" in layout.installed_fonts():
        assert document.styles["Normal"].font.name == "Liberation Serif"

    text = pdf_text(annual_render.render(report, "pdf"), tmp_path)
    assert text.index("Ordföranden har ordet") < text.index("Verksamheten")
    if shutil.which("pdffonts") and "Liberation Serif" in layout.installed_fonts():
        path = tmp_path / "f.pdf"
        path.write_bytes(annual_render.render(report, "pdf"))
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "LiberationSerif" in fonts.replace("-", "")


def test_levels_and_plan_types_limit_the_goals(org, chain, reported):
    save_settings(org, delarsrapport={"levels": ["Nämndmål"]})
    report = annual.build(org["kommun"], reported)
    # The council's Inriktningsmål is left out; the committee's Nämndmål stays.
    assert [g.item.number for c in report.chapters for g in c.goals] == ["SN1"]

    DocumentSettings.objects.all().delete()
    save_settings(org, delarsrapport={"levels": ["Strategiskt mål"]})
    with pytest.raises(DocumentError) as error:
        annual.build(org["kommun"], reported)
    assert "Strategiskt mål, som inte finns i styrmodellen 2025" in str(error.value)

    DocumentSettings.objects.all().delete()
    save_settings(org, delarsrapport={"plan_types": ["Aktivitetsplan"]})
    with pytest.raises(DocumentError) as error:
        annual.build(org["kommun"], reported)
    assert "plantyperna Aktivitetsplan, och ingen av dem har mål" in str(error.value)


def test_plan_types_limit_the_activities_under_the_goals(org, chain, reported):
    from styrhjul.planning import services as planning

    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["board"])
    assert annual.build(org["namnd"], reported).chapters[0].goals[0].activities  # from the ap

    save_settings(org, delarsrapport={"plan_types": ["Verksamhetsplan"]})
    report = annual.build(org["namnd"], reported)
    assert [g.item.number for g in report.chapters[0].goals] == ["SN1"]
    assert report.chapters[0].goals[0].activities == []


def test_the_appendix_has_the_whole_internkontrollrapport(org, chain, occasion, tmp_path):
    ik = make_ik(org, chain, occasion)
    save_settings(
        org,
        delarsrapport={
            "include": {
                "maluppfyllelse",
                "mal_och_resultat",
                "intern_kontroll",
                "bilaga_internkontroll",
            }
        },
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = annual.build(org["avd_b"], ik["occasion"])
    assert [k for k, _h, _p in report.outline][-1] == "bilaga_internkontroll"
    # The settings are read once, also for the appendix.
    settings_table = DocumentSettings._meta.db_table
    assert sum(settings_table in q["sql"] for q in queries.captured_queries) == 1

    html = annual_render.render(report, "html").decode()
    assert "Individ och familj har inga mål som följs upp per 31 augusti 2025." in html
    appendix = html[html.index('id="bilaga_internkontroll"') :]
    for number in ("1.1", "1.2", "1.3", "2.1"):
        assert f"<td>{number}</td>" in appendix
    assert "Två av åtta verifikationer saknade syfte." in appendix
    assert "Rutinen förtydligas och utbildning ges i höst." in appendix

    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Bilaga: Internkontrollrapport" in headings
    assert headings.index("Bilaga: Internkontrollrapport") < headings.index("Resultat per område")
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any("Tre behörigheter för slutat personal kvarstod." in c for c in cells)

    text = pdf_text(annual_render.render(report, "pdf"), tmp_path)
    appendix_text = text[text.rindex("Bilaga: Internkontrollrapport") :]
    assert "Över 95 % av inköpen görs från avtal." in appendix_text

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(annual_render.render(report, "xlsx")))
    assert "Kontrollpunkter" in book.sheetnames
    values = [row for row in book["Kontrollpunkter"].iter_rows(values_only=True)]
    assert any(
        "Två av åtta verifikationer saknade syfte." in (v or "")
        for r in values
        for v in r
        if isinstance(v, str)
    )


def test_without_settings_the_house_layout(org, chain, reported):
    report = annual.build(org["kommun"], reported)
    assert [k for k, _h, _p in report.outline] == [
        "maluppfyllelse",
        "mal_och_resultat",
    ]
    assert report.style.logo is None and report.style.heading_colour == "#111111"


def test_the_internkontrollrapport_has_the_organisations_look(org, chain, occasion):
    from styrhjul.documents import internal_control

    ik = make_ik(org, chain, occasion)
    save_settings(org)
    report = internal_control.build(ik["plan"], ik["occasion"])

    html = internal_control.render(report, "html").decode()
    assert (
        'alt="Logotyp för ' in html and "thead th { background: #1f4e79; color: #ffffff; }" in html
    )
    assert "<td>1.2</td>" in html  # the body is the shared one

    import docx

    document = docx.Document(io.BytesIO(internal_control.render(report, "docx")))
    assert str(document.styles["Heading 1"].font.color.rgb) == "1F4E79"
    assert document.inline_shapes[0]._inline.docPr.get("descr").startswith("Logotyp för")
    header = document.tables[1].rows[0].cells[0]._tc
    assert 'w:fill="1F4E79"' in header.xml


def test_uppfoljning_per_datum_has_the_organisations_look(org, chain, reported):
    from styrhjul.documents import followup_by_date

    save_settings(org)
    report = followup_by_date.build(org["namnd"], reported)

    html = followup_by_date.render(report, "html").decode()
    assert 'alt="Logotyp för ' in html and "thead th { background: #1f4e79;" in html

    import docx

    document = docx.Document(io.BytesIO(followup_by_date.render(report, "docx")))
    assert str(document.styles["Title"].font.color.rgb) == "1F4E79"
    assert document.inline_shapes[0]._inline.docPr.get("descr").startswith("Logotyp för")


def test_the_internkontrollrapport_follows_the_chosen_sections(org, chain, occasion):
    from styrhjul.documents import internal_control

    ik = make_ik(org, chain, occasion)
    save_settings(
        org,
        internkontrollrapport={
            "include": {"inledning", "sammanfattning", "resultat"},
            "order": {"sammanfattning": 1, "resultat": 2, "inledning": 3},
            "headings": {"inledning": "Nämndens ansvar för den interna kontrollen"},
        },
    )
    report = internal_control.build(ik["plan"], ik["occasion"])
    assert report.outline == [
        ("sammanfattning", "Sammanfattning"),
        ("resultat", "Resultat per område"),
        ("inledning", "Nämndens ansvar för den interna kontrollen"),
    ]
    html = internal_control.render(report, "html").decode()
    assert html.index(">Sammanfattning<") < html.index(">Resultat per område<")
    assert html.index(">Resultat per område<") < html.index(">Nämndens ansvar för den")

    import docx

    document = docx.Document(io.BytesIO(internal_control.render(report, "docx")))
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1 == [
        "Sammanfattning",
        "Resultat per område",
        "Nämndens ansvar för den interna kontrollen",
    ]
    # The introduction after the landscape tables is on a portrait page again.
    assert document.sections[-1].page_width < document.sections[-1].page_height


def test_uppfoljning_per_datum_follows_the_settings(org, chain, reported):
    from styrhjul.documents import followup_by_date
    from styrhjul.planning import services as planning

    plan = planning.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=chain["ap"])
    planning.item_create(
        actor=access.SYSTEM, plan=plan, kind="activity", title="Städa förrådet", order=9
    )
    before = followup_by_date.build(org["enhet_b1"], reported)
    assert "Aktiviteter utan mål" in [s.name for s in before.sections]
    titles = [r.title for s in before.sections for g in s.goals for r in g.rows]
    assert "Läxhjälp på fritidsgården" in titles

    save_settings(
        org,
        uppfoljning={
            "columns": {"mal": {"heading": "Förvaltningsmål"}},
            "parts": ["sarskilda_uppdrag"],
        },
    )
    report = followup_by_date.build(org["enhet_b1"], reported)
    assert "Aktiviteter utan mål" not in [s.name for s in report.sections]
    assert report.columns[0] == "Förvaltningsmål"
    html = followup_by_date.render(report, "html").decode()
    assert '<th scope="col">Förvaltningsmål</th>' in html

    import docx
    import openpyxl

    document = docx.Document(io.BytesIO(followup_by_date.render(report, "docx")))
    assert document.tables[0].rows[0].cells[0].text == "Förvaltningsmål"
    book = openpyxl.load_workbook(io.BytesIO(followup_by_date.render(report, "xlsx")))
    assert book.active["B1"].value == "Förvaltningsmål"

    # Settings saved when the goal column's heading was a setting of its own
    # still name the column, until a heading is chosen under Kolumner.
    DocumentSettings.objects.all().delete()
    save_settings(org, uppfoljning={"goal_column": "Verksamhetsmål"})
    assert followup_by_date.build(org["enhet_b1"], reported).columns[0] == "Verksamhetsmål"

    DocumentSettings.objects.all().delete()
    save_settings(org, uppfoljning={"plan_types": ["Verksamhetsplan"]})
    report = followup_by_date.build(org["enhet_b1"], reported)
    titles = [r.title for s in report.sections for g in s.goals for r in g.rows]
    assert "Läxhjälp på fritidsgården" not in titles  # an Aktivitetsplan activity


def test_the_settings_page_reads_a_bounded_number_of_queries(client, org, model, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from styrhjul.model.services import model_create_default

    client.force_login(owner)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for year in (2026, 2027, 2028):
        model_create_default(actor=access.SYSTEM, organisation=org["kommun"], year=year)
    save_settings(org)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL)
    assert page.status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # + the stored settings
