"""Delårsrapport and årsredovisning: the goals per perspective with the
assessment and analysis reported at the occasion, their indicators (table
and chart) and activities, goal fulfilment, the free texts, in HTML, PDF,
Word and Excel; compiled for the municipality from the organisation's root."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.documents import annual, annual_render
from styrhjul.documents.models import DocumentText
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.planning import services as planning
from tests.conftest import ANALYSIS
from tests.factories import UnitFactory, unit_type
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_the_compiled_report_has_the_council_and_the_committees(org, chain, reported):
    report = annual.build(org["kommun"], reported)

    assert report.kind == "delarsrapport" and report.compiled
    assert report.title == "Delårsrapport per 31 augusti 2025 – " + org["kommun"].name
    assert [c.unit_name for c in report.chapters] == [org["kommun"].name, org["namnd"].name]
    council = report.chapters[0]
    goal = council.goals[0]
    assert goal.heading == "KF1 Alla barn och unga klarar skolan"
    assert goal.assessment.label == "Goda förutsättningar att nå målet"
    assert goal.analysis == ANALYSIS
    assert [r.title for r in goal.indicators] == ["Andel behöriga till gymnasiet"]
    assert goal.indicators[0].cells[2] == "85\u00a0% (2025)"
    # As the council reads it: the council's own activities, not every one below.
    assert goal.activities == []
    assert council.expected_met == 1
    assert report.chapters[1].goals[0].assessment.label == ""  # SN1 not assessed yet
    assert "Av 2 mål har 1 bedömts" in report.fulfilment_sentence()


def test_a_committees_own_report(org, chain, reported):
    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["board"])
    report = annual.build(org["namnd"], reported)

    assert not report.compiled
    assert [c.unit_name for c in report.chapters] == [org["namnd"].name]
    assert [g.heading for g in report.chapters[0].goals] == [
        "SN1 Fler barn i familjer med försörjningsstöd går ut med godkända betyg"
    ]
    # The committee's document lists the activities below that contribute.
    assert [
        (a.title, a.status.label, a.unit_name) for a in report.chapters[0].goals[0].activities
    ] == [("Läxhjälp på fritidsgården", "Påbörjad", org["enhet_b1"].name)]


def test_the_free_texts_come_in_order(org, reported):
    for section, text in (
        ("viktiga_handelser", "Den nya fritidsgården öppnade i maj."),
        ("forord", "Året har präglats av omställning.\n\nTack till alla medarbetare."),
    ):
        DocumentText.objects.create(
            unit=org["kommun"],
            occasion=reported,
            document="delarsrapport",
            section=section,
            text=text,
        )

    report = annual.build(org["kommun"], reported)

    assert [(k, p) for k, _h, p in report.sections] == [
        ("forord", ["Året har präglats av omställning.", "Tack till alla medarbetare."]),
        ("viktiga_handelser", ["Den nya fritidsgården öppnade i maj."]),
    ]


def test_html_pdf_word_and_excel(org, chain, reported, tmp_path):
    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["board"])
    planning.item_link(actor=access.SYSTEM, item=chain["indicator"], target=chain["board"])
    report = annual.build(org["namnd"], reported)

    html = annual_render.render(report, "html").decode()
    assert (
        html.count("<svg") == 2
    )  # the trend, and women and men and "Innehåll" in html and "Måluppfyllelse" in html
    assert "Läxhjälp på fritidsgården" in html

    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Invånare" in headings and "Måluppfyllelse" in headings
    assert any(h.startswith("SN1 Fler barn i familjer") for h in headings)
    assert len(document.inline_shapes) == 2  # the indicator's trend, and women and men
    assert document.inline_shapes[0]._inline.docPr.get("descr").startswith("Diagrammet visar")
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "◐ Påbörjad" in cells
    # A table of contents Word fills in from the headings when it opens the file.
    assert 'TOC \\o "1-3"' in document.element.xml
    assert document.settings.element.xpath("w:updateFields/@w:val") == ["true"]

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(annual_render.render(report, "xlsx")))
    # The same title, subject and author as the Word file, in Swedish.
    assert (book.properties.title, book.properties.subject, book.properties.creator) == (
        document.core_properties.title,
        document.core_properties.subject,
        document.core_properties.author,
    )
    assert book.properties.title == report.title and book.properties.language == "sv-SE"
    assert book.sheetnames == [
        "Mål",
        "Nyckeltal",
        "Aktiviteter",
        "Särskilda uppdrag",
        "Måluppfyllelse",
        # SF1 of the förvaltning contributes to SN1: the units' underlag.
        "Underlag per bedömning",
        "Underlag från enheterna",
    ]
    rows = list(book["Aktiviteter"].iter_rows(values_only=True))
    assert rows[1][3] == "Läxhjälp på fritidsgården" and rows[1][5] == datetime.datetime(
        2025, 12, 15
    )
    assert book["Mål"].freeze_panes == "A2"

    data = annual_render.render(report, "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "Fler barn i familjer med försörjningsstöd" in text and "Sida 2 av" in text


def test_build_reads_a_bounded_number_of_queries(org, chain, reported, model):
    annual.build(org["kommun"], reported)
    with CaptureQueriesContext(connection) as few:
        annual.build(org["kommun"], reported)
    plan = planning.plan_for(actor=access.SYSTEM, unit=org["namnd"], plan_type=chain["vp"])
    for n in range(8):
        goal = planning.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.GOAL,
            number=f"SN{n + 2}",
            title=f"Mål {n}",
            level=chain["levels"]["Nämndmål"],
            perspective=chain["perspectives"]["Medarbetare"],
        )
        planning.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.INDICATOR,
            title=f"Nyckeltal {n}",
            target_year=2026,
            target_value=Decimal(50),
            contributes_to=[goal],
        )
    # More committees: a chapter each, still the same queries.
    for n in range(3):
        committee = UnitFactory(
            name=f"Nämnd {n}", parent=org["kommun"], unit_type=unit_type("Nämnd")
        )
        planning.item_create(
            actor=access.SYSTEM,
            plan=planning.plan_for(actor=access.SYSTEM, unit=committee, plan_type=chain["vp"]),
            kind=ItemKind.GOAL,
            number=f"N{n}",
            title=f"Nämndens mål {n}",
            level=chain["levels"]["Nämndmål"],
            perspective=chain["perspectives"]["Invånare"],
        )
    with CaptureQueriesContext(connection) as many:
        report = annual.build(org["kommun"], reported)
    assert report.goal_count == 13
    assert len(report.chapters) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_activities_from_outside_the_units_part_of_the_tree_are_left_out(org, chain, reported):
    """Those who read the document read the unit and the units below it: an
    activity of a sibling unit linked to the unit's goal is not shown."""
    goal = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["avd_b"], plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        number="B1",
        title="Kortare väntetider",
        level=chain["levels"]["Verksamhetsmål"],
        perspective=chain["perspectives"]["Invånare"],
    )
    for unit, title in ((org["avd_a"], "Syskonets aktivitet"), (org["enhet_b1"], "Egen aktivitet")):
        planning.item_create(
            actor=access.SYSTEM,
            plan=planning.plan_for(actor=access.SYSTEM, unit=unit, plan_type=chain["ap"]),
            kind=ItemKind.ACTIVITY,
            title=title,
            contributes_to=[goal],
        )

    report = annual.build(org["avd_b"], reported)

    titles = [a.title for g in report.chapters[0].goals for a in g.activities]
    assert titles == ["Egen aktivitet"]
