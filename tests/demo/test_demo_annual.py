"""The demo's årsbokslut 2025 and the årsredovisningar made from it: every
goal assessed with an analysis, the activities and special assignments with a
year-end status, the internal control reported, the texts written for the
documents and the organisation's document settings; the PDF and DOCX made
from them; all loaded idempotently."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from PIL import Image

from styrhjul.demo import annual_data, document_data, documents
from styrhjul.demo.services import load_demo
from styrhjul.documents import annual, registry
from styrhjul.documents.layout import contrast, layout_for
from styrhjul.documents.models import DocumentSettings, DocumentText
from styrhjul.followup import readmodel
from styrhjul.followup.models import (
    DocumentSection,
    FollowUpOccasion,
    MeasureFollowUp,
    OccasionStatus,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import IndicatorValue
from styrhjul.organisation.models import Unit
from tests.demo.rows import counts
from tests.demo.years import CAL
from tests.pdf import pdf_text

# One worker for the module under --dist loadgroup, so the demo is loaded once.
pytestmark = pytest.mark.xdist_group("demo-annual")

COUNTED = (
    Report,
    ReportingTask,
    MeasureFollowUp,
    IndicatorValue,
    DocumentText,
    DocumentSettings,
    DocumentSection,
)


def root() -> Unit:
    return Unit.objects.get(parent__isnull=True)


def annual_occasion() -> FollowUpOccasion:
    return FollowUpOccasion.objects.get(
        model__year=CAL.year(2025), name=CAL.text("Årsbokslut 2025")
    )


@pytest.fixture
def report(demo):
    """The municipality's compiled årsredovisning 2025."""
    return annual.build(root(), annual_occasion())


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


# --- The årsbokslut ----------------------------------------------------------------


def test_the_annual_report_is_done_and_closed(demo):
    occasion = annual_occasion()
    assert occasion.status == OccasionStatus.CLOSED
    tasks = list(occasion.tasks.select_related("step", "plan_type", "unit", "done_by"))
    assert len(tasks) > 80
    assert all(t.done_at is not None for t in tasks)
    late = [t for t in tasks if t.deadline and t.done_at.date() > t.deadline]
    assert 2 <= len(late) < len(tasks) // 10
    for task in tasks:
        assert task.done_at.date() <= CAL.date(datetime.date(2026, 2, 28))
        assert task.done_by == task.history.first().history_user
        left = readmodel.unreported(task)
        if task.unit.parent_id is None:
            # The municipality's own internal-control task: the förvaltningar
            # report the control points shared to them.
            assert task.plan_type.name == "Internkontrollplan"
        else:
            assert left == [], task


def test_the_year_end_reports_are_written_by_the_managers_in_time(demo):
    reports = Report.objects.filter(occasion=annual_occasion()).select_related("updated_by")
    assert reports.count() == sum(len(t.rows) for t in annual_data.REPORTS)
    for report in reports:
        assert report.updated_by is not None
        assert report.history.first().history_user == report.updated_by
        assert (
            CAL.workday(datetime.date(2025, 11, 14))
            <= report.updated_at.date()
            <= CAL.date(datetime.date(2026, 2, 28))
        )


def test_activities_that_ended_are_mostly_done_and_the_rest_say_why(demo):
    reports = Report.objects.filter(
        occasion=annual_occasion(), item__kind="activity"
    ).select_related("status", "item")
    labels = [r.status.label for r in reports]
    assert labels.count("Klar") / len(labels) > 0.75
    delayed = [r for r in reports if r.status.label != "Klar"]
    assert {"Försenad", "Stoppad"} <= {r.status.label for r in delayed}
    for report in delayed:
        assert len(report.comment) > 40, report.item
        assert report.completion is not None and report.completion < 100


def test_the_interim_measures_are_followed_up(demo):
    followups = MeasureFollowUp.objects.filter(occasion=annual_occasion()).select_related(
        "report__occasion", "updated_by"
    )
    assert followups.count() == len(annual_data.MEASURE_FOLLOWUPS)
    assert {f.report.occasion.name for f in followups} == {CAL.text("Delårsbokslut 2025")}
    assert {f.done for f in followups} == {True, False}
    assert all(f.history.first().history_user == f.updated_by for f in followups)


def test_the_indicators_have_their_2025_outcome(demo):
    values = IndicatorValue.objects.filter(year=CAL.year(2025), period="")
    for number in ("KF2.2", "KF3.2", "KF4.1", "KF4.2", "KF5.1", "SN3.1", "SBN1.1", "SBH2.1"):
        assert values.filter(item__number=number).exists(), number


# --- The compiled årsredovisning -------------------------------------------------------


def test_every_goal_is_assessed_with_a_real_analysis(report):
    goals = [g for chapter in report.chapters for g in chapter.goals]
    assert len(goals) == 19
    analyses = set()
    for goal in goals:
        assert goal.assessment.label, goal.heading
        assert sentences(goal.analysis) >= 3, goal.heading
        analyses.add(goal.analysis)
    assert len(analyses) == len(goals)
    labels = {g.assessment.label for g in goals}
    assert labels == {
        "Goda förutsättningar att nå målet",
        "Rätt riktning men för långsamt",
        "Åtgärder krävs",
    }
    assert "19 bedömts" in report.fulfilment_sentence()


def test_the_analyses_use_the_indicators_values(report):
    goals = {g.item.number: g for chapter in report.chapters for g in chapter.goals}
    facts = {r.data.item.number: r.data for g in goals.values() for r in g.indicators}
    for goal, number, value, text in (
        ("KF3", "KF3.2", "8.5", "8,5 procent"),
        ("KF4", "KF4.1", "2.1", "2,1 procent"),
        ("SN3", "SN3.1", "-6.8", "6,8 mnkr"),
        ("BUN1", "BUN1.1", "83", "83 procent"),
        ("SBN2", "SBN2.1", "23", "23 dagar"),
    ):
        assert facts[number].latest.value == Decimal(value), number
        assert text in goals[goal].analysis, goal
    for number, data in facts.items():
        # Every indicator has its 2025 outcome, except the staff survey
        # (every other year) and the Kolada sample's KPI without 2025.
        if number not in ("KF3.1", "SN2.2"):
            assert data.latest.year == CAL.year(2025), number


def test_indicators_are_assessed_at_the_year_end(report):
    rows = [r for chapter in report.chapters for g in chapter.goals for r in g.indicators]
    assert len(rows) >= 20
    for row in rows:
        assert row.assessment.label or row.comment, row.title


def test_no_activity_or_assignment_of_the_committees_is_left_unreported(report):
    rows = [a for chapter in report.chapters for g in chapter.goals for a in g.activities]
    rows += [a for chapter in report.chapters for a in chapter.assignments]
    assert len(rows) >= 8  # Socialnämndens åtgärder and the special assignments
    assert all(a.status.label for a in rows), [a.title for a in rows if not a.status.label]
    assert annual.NOT_REPORTED not in {a.status.text for a in rows}


def test_the_texts_are_in_the_outline(report):
    outline = {key: paragraphs for key, _heading, paragraphs in report.outline}
    for section in ("forord", "sammanfattning", "viktiga_handelser"):
        assert len(outline[section]) >= 3, section
    assert outline["forord"][-1] == f"{document_data.KS_CHAIR}, kommunstyrelsens ordförande"
    keys = [key for key, _h, _p in report.outline]
    assert keys.index("forord") < keys.index("maluppfyllelse") < keys.index("mal_och_resultat")


def test_the_personal_section_has_what_the_units_wrote_in_the_organisations_order(report):
    """The own section "Personal" after Mål och resultat: the municipality's
    text first, then the nämnd, its förvaltning and Socialförvaltningen."""
    keys = [key for key, _h, _p in report.outline]
    assert keys.index("mal_och_resultat") + 1 == keys.index("eget-personal")
    texts = report.own_sections["eget-personal"]
    assert [(t.unit_name, t.compiling) for t in texts] == [
        ("Sjöbacka kommun", True),
        ("Barn- och utbildningsnämnden", False),
        ("Barn- och utbildningsförvaltningen", False),
        ("Socialförvaltningen", False),
    ]
    assert texts[0].paragraphs[0].startswith("Kommunen hade vid årets slut")
    section = DocumentSection.objects.get(model__year=CAL.year(2025), key="eget-personal")
    assert section.instruction.startswith("Beskriv personalläget")
    assert sorted(t.name for t in section.unit_types.all()) == ["Förvaltning", "Kommun", "Nämnd"]


def test_the_internal_control_summary_and_appendix_have_content(report):
    keys = [key for key, _h, _p in report.outline]
    assert keys[-2:] == ["intern_kontroll", "bilaga_internkontroll"]
    (plan,) = report.internal_control
    totals = {c.label: c.count for c in plan.totals}
    assert plan.count == 31
    assert totals["Ej rapporterad"] == 0
    assert totals["Genomförd med anmärkning"] >= 5
    assert totals["Genomförd utan anmärkning"] > totals["Genomförd med anmärkning"]
    remarks = [r for area in plan.areas for r in area.rows if r.assessment.endswith("anmärkning")]
    with_remark = [r for r in remarks if "med" in r.assessment]
    assert all(r.result and r.measures and r.measures_due for r in with_remark)
    assert len(plan.followed_measures) == 3
    assert {m.status for m in plan.followed_measures} == {"Genomförd", "Pågående"}


def test_a_committees_own_arsredovisning_has_its_texts_and_activities(demo):
    committee = Unit.objects.get(code="3000")
    report = annual.build(committee, annual_occasion())
    outline = {key: paragraphs for key, _heading, paragraphs in report.outline}
    assert outline["forord"][-1].startswith("Lars Hedlund")
    assert len(outline["viktiga_handelser"]) >= 3
    (chapter,) = report.chapters
    activities = [a for g in chapter.goals for a in g.activities]
    assert len(activities) >= 4  # the enheter's activities under the committee's goals
    assert all(a.status.label for a in activities + chapter.assignments)


def test_the_social_committees_documents_show_its_units_analyses(demo):
    """At the delårsbokslut the nämnd reported only its indicators: under each
    of its goals its delårsrapport shows the avdelningar's assessments and
    analyses. In the årsredovisning the nämnd's own assessment comes first."""
    committee = Unit.objects.get(code="4000")
    interim = FollowUpOccasion.objects.get(
        model__year=CAL.year(2025), name=CAL.text("Delårsbokslut 2025")
    )
    (chapter,) = annual.build(committee, interim).chapters
    goal = next(g for g in chapter.goals if g.item.number == "SN2")
    assert goal.assessment.label == "" and goal.analysis == ""
    assert [(a.unit_name, a.item_heading[:3]) for a in goal.underlag.analyses] == [
        ("Funktionsstöd", "FS1"),
        ("Individ- och familjeomsorg", "IFO"),
        ("Äldreomsorg", "ÄO1"),
    ]
    assert all(a.text and a.assessment.label for a in goal.underlag.analyses)
    assert sum(c.count for c in goal.underlag.counts) == 3

    (chapter,) = annual.build(committee, annual_occasion()).chapters
    goal = next(g for g in chapter.goals if g.item.number == "SN2")
    assert goal.assessment.label and goal.analysis
    assert len(goal.underlag.analyses) == 3


# --- Dokumentinställningar -------------------------------------------------------------


def test_the_document_settings_have_a_logo_colours_and_the_appendix(demo):
    stored = DocumentSettings.objects.get(organisation=root())
    assert stored.logo_type == "image/png" and stored.logo_name
    with Image.open(io.BytesIO(bytes(stored.logo))) as logo:
        assert logo.size == documents.LOGO_SIZE
    assert len(stored.logo) < 100_000
    assert stored.heading_colour == "#1f4e79"
    assert contrast(stored.heading_colour, "#ffffff") >= 4.5
    assert contrast(stored.table_colour, "#111111") >= 4.5  # black header text reads
    layout = layout_for(root(), "arsredovisning")
    assert layout.contents.includes("bilaga_internkontroll")
    assert not layout_for(root(), "delarsrapport").contents.includes("bilaga_internkontroll")
    assert layout.style.logo_alt == "Logotyp för Sjöbacka kommun"


# --- The files --------------------------------------------------------------------------


def test_the_arsredovisning_as_pdf(demo):
    built = registry.make("arsredovisning", root(), annual_occasion(), "pdf")
    assert built.data.startswith(b"%PDF")
    text = pdf_text(built.data)
    assert "Förord" in text and "Bilaga: Internkontrollrapport" in text
    assert "Personal Kommunen hade vid årets slut 1 640 tillsvidareanställda." in text
    assert "Årets resultat blev 20 mnkr, vilket motsvarar 2,1 procent" in text  # KF4's analysis
    assert "Ej rapporterad" not in text


def test_the_arsredovisning_as_docx_has_the_logo_with_its_alt_text(demo):
    built = registry.make("arsredovisning", root(), annual_occasion(), "docx")
    with zipfile.ZipFile(io.BytesIO(built.data)) as docx:
        body = docx.read("word/document.xml").decode()
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    first_picture = re.search(r"<wp:docPr [^>]*>", body).group(0)
    assert 'descr="Logotyp för Sjöbacka kommun"' in first_picture
    assert media
    assert "Förord" in body and "Ingrid Falk" in body


# --- Loading again --------------------------------------------------------------------------


def test_a_second_load_changes_nothing(demo):
    assert demo.documents.settings_created
    assert demo.documents.texts_created == len(document_data.TEXTS)
    assert demo.documents.sections_created >= len(document_data.OWN_SECTIONS)
    before = counts(COUNTED)
    logo = bytes(DocumentSettings.objects.get().logo)
    again = load_demo()
    assert not again.changed
    assert counts(COUNTED) == before
    assert bytes(DocumentSettings.objects.get().logo) == logo


def test_settings_someone_changed_are_left_and_a_missing_text_comes_back(demo):
    DocumentSettings.objects.update(heading_colour="#000000", contents={})
    DocumentText.objects.filter(section="viktiga_handelser", unit__code="3000").delete()
    again = load_demo()
    assert not again.documents.settings_created
    assert again.documents.texts_created == 1
    assert DocumentSettings.objects.get().heading_colour == "#000000"
    assert not layout_for(root(), "arsredovisning").contents.includes("bilaga_internkontroll")
