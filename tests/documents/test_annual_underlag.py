"""Roll-up in the delårsrapport and årsredovisning: for a goal of the
document's unit, what the units below reported on it (their assessments
counted per value of the scale, their analyses attributed, in the
organisation's order), after the unit's own assessment and analysis, when
the document settings show it (the option "underlag_fran_enheter", on by
default); in HTML, PDF, Word and Excel."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.documents import annual, annual_render
from styrhjul.documents.layout import Contents, Layout
from styrhjul.followup.models import Report
from styrhjul.organisation import access
from styrhjul.planning import services as planning
from tests.conftest import scale_value
from tests.factories import UnitFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

GOOD = "Goda förutsättningar att nå målet"
SLOW = "Rätt riktning men för långsamt"
ELDERLY = "Fler äldre får stöd i hemmet i stället för i särskilt boende."
FAMILIES = "Läxhjälpen når två av tre familjer med försörjningsstöd."
OWN = "Nämnden bedömer att målet nås om läxhjälpen byggs ut."


def _goal_report(occasion, unit, goal, label, analysis):
    Report.objects.create(
        occasion=occasion,
        unit=unit,
        item=goal,
        assessment=scale_value("goal_assessment", label) if label else None,
        analysis=analysis,
    )


@pytest.fixture
def shared(org, chain, reported):
    """The nämnd's goal SN1 shared to both avdelningar, which assessed and
    analysed it; the nämnd has not (the förvaltning's goal SF1 contributes
    to it and is not reported either)."""
    planning.item_share(
        actor=access.SYSTEM, item=chain["board"], units=[org["avd_a"], org["avd_b"]]
    )
    _goal_report(reported, org["avd_a"], chain["board"], GOOD, ELDERLY)
    _goal_report(reported, org["avd_b"], chain["board"], SLOW, FAMILIES)
    return chain["board"]


def _without_option(unit, kind="delarsrapport"):
    contents = Contents.of(kind)
    return Layout(contents=replace(contents, options=frozenset()))


def test_the_units_assessments_and_analyses_where_the_namnd_has_not_assessed(
    org, chain, shared, reported
):
    report = annual.build(org["namnd"], reported)

    [goal] = report.chapters[0].goals
    assert goal.assessment.label == ""  # the nämnd has not assessed SN1
    underlag = goal.underlag
    # The förvaltning (SF1 contributes) and the two avdelningar (SN1 shared).
    assert (underlag.units, underlag.units_reported) == (3, 2)
    assert [(c.label, c.count) for c in underlag.counts] == [
        (GOOD, 1),
        (SLOW, 1),
        ("Åtgärder krävs", 0),
        ("Utan bedömning", 1),
    ]
    # In the organisation's order: Individ och familj before Äldreomsorg
    # (siblings by name under Socialförvaltningen).
    assert [(a.unit_name, a.assessment.label, a.text) for a in underlag.analyses] == [
        ("Individ och familj", SLOW, FAMILIES),
        ("Äldreomsorg", GOOD, ELDERLY),
    ]
    # The nämnd's own count of goal fulfilment is its own: not assessed.
    assert report.chapters[0].assessed == 0


def test_in_pdf_word_and_excel(org, chain, shared, reported, tmp_path):
    report = annual.build(org["namnd"], reported)

    text = pdf_text(annual_render.render(report, "pdf"), tmp_path)
    assert "Underlag från enheterna" in text
    assert "2 av 3 enheter har rapporterat" in text
    assert f"Individ och familj. Bedömning: ▲ {SLOW}" in text
    assert f"Äldreomsorg. Bedömning: ● {GOOD}" in text
    assert FAMILIES in text and ELDERLY in text
    assert text.index(FAMILIES) < text.index(ELDERLY)

    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Underlag från enheterna" in paragraphs
    by = paragraphs.index(f"Individ och familj. Bedömning: ▲ {SLOW}")
    assert paragraphs[by + 1] == FAMILIES
    assert paragraphs[by + 2] == f"Äldreomsorg. Bedömning: ● {GOOD}"
    assert paragraphs[by + 3] == ELDERLY
    counts = [
        [c.text for c in row.cells]
        for t in document.tables
        if t.rows[0].cells[0].text == "Bedömning" and t.rows[0].cells[1].text == "Antal"
        for row in t.rows[1:]
    ]
    assert counts == [
        [f"● {GOOD}", "1"],
        [f"▲ {SLOW}", "1"],
        ["■ Åtgärder krävs", "0"],
        ["Utan bedömning", "1"],
    ]

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(annual_render.render(report, "xlsx")))
    rows = list(book["Underlag från enheterna"].iter_rows(values_only=True))
    assert rows[0] == (
        "Enhet",
        "Perspektiv",
        "Mål",
        "Från enhet",
        "Enhetens mål",
        "Bedömning",
        "Analys",
    )
    heading = "SN1 Fler barn i familjer med försörjningsstöd går ut med godkända betyg"
    assert [r[2:] for r in rows[1:]] == [
        (heading, "Individ och familj", None, SLOW, FAMILIES),
        (heading, "Äldreomsorg", None, GOOD, ELDERLY),
    ]
    counted = list(book["Underlag per bedömning"].iter_rows(values_only=True))
    assert [r[3:] for r in counted[1:]] == [
        (GOOD, 1),
        (SLOW, 1),
        ("Åtgärder krävs", 0),
        ("Utan bedömning", 1),
    ]


def test_not_shown_when_the_option_is_off(org, chain, shared, reported, tmp_path):
    report = annual.build(org["namnd"], reported, layout=_without_option(org["namnd"]))

    assert report.chapters[0].goals[0].underlag is None
    assert FAMILIES not in pdf_text(annual_render.render(report, "pdf"), tmp_path)
    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    assert not any(FAMILIES in p.text for p in document.paragraphs)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(annual_render.render(report, "xlsx")))
    assert "Underlag från enheterna" not in book.sheetnames


def test_the_namnds_own_assessment_comes_first(org, chain, shared, reported, tmp_path):
    _goal_report(reported, org["namnd"], chain["board"], GOOD, OWN)

    report = annual.build(org["namnd"], reported)

    [goal] = report.chapters[0].goals
    assert goal.assessment.label == GOOD and goal.analysis == OWN
    assert report.chapters[0].assessed == 1
    text = pdf_text(annual_render.render(report, "pdf"), tmp_path)
    assert text.index(f"Bedömning: ● {GOOD}") < text.index(OWN)
    assert text.index(OWN) < text.index("Underlag från enheterna") < text.index(FAMILIES)


def test_a_unit_that_reported_stands_for_the_units_under_it(org, chain, shared, reported):
    """When the förvaltning has assessed its goal SF1 (contributing to SN1),
    its report sums up the avdelningar under it: the nämnd's document shows
    the förvaltning's, not theirs."""
    summary = "Förvaltningen sammanfattar: läxhjälpen och hemtjänsten går åt rätt håll."
    _goal_report(reported, org["forv"], chain["operational"], SLOW, summary)

    report = annual.build(org["namnd"], reported)

    underlag = report.chapters[0].goals[0].underlag
    assert [(a.unit_name, a.item_heading, a.text) for a in underlag.analyses] == [
        ("Socialförvaltningen", "SF1 Tidiga insatser i samverkan med skolan", summary)
    ]
    assert (underlag.units, underlag.units_reported) == (1, 1)
    assert [(c.label, c.count) for c in underlag.counts][1] == (SLOW, 1)


def test_only_the_units_the_reader_reads(org, chain, shared, reported):
    from styrhjul.organisation.models import Role
    from tests.factories import RoleGrantFactory, UserFactory

    reader = UserFactory()
    RoleGrantFactory(user=reader, unit=org["avd_a"], role=Role.READER, includes_subtree=True)

    report = annual.build(org["namnd"], reported, reader=reader)

    assert [a.unit_name for a in report.chapters[0].goals[0].underlag.analyses] == ["Äldreomsorg"]


def test_the_compiled_document_rolls_up_per_chapter(org, chain, shared, reported):
    """The municipality's document: the council's goal (assessed) with the
    nämnd's goal below it, and the nämnd's chapter with its units'."""
    _goal_report(reported, org["namnd"], chain["board"], SLOW, OWN)

    report = annual.build(org["kommun"], reported, kind="arsredovisning")

    council, board = report.chapters
    analyses = council.goals[0].underlag.analyses
    assert analyses[0].unit_name == "Socialnämnden" and analyses[0].text == OWN
    assert analyses[0].item_heading.startswith("SN1 ")
    assert [a.unit_name for a in board.goals[0].underlag.analyses] == [
        "Individ och familj",
        "Äldreomsorg",
    ]


def test_queries_do_not_grow_with_units_and_goals(org, chain, shared, reported):
    annual.build(org["kommun"], reported)
    with CaptureQueriesContext(connection) as few:
        annual.build(org["kommun"], reported)
    units = [UnitFactory(parent=org["forv"]) for _ in range(6)]
    planning.item_share(actor=access.SYSTEM, item=chain["board"], units=units)
    plan = planning.plan_for(actor=access.SYSTEM, unit=org["namnd"], plan_type=chain["vp"])
    for n in range(4):
        goal = planning.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind="goal",
            number=f"SN{n + 2}",
            title=f"Mål {n}",
            level=chain["levels"]["Nämndmål"],
            perspective=chain["perspectives"]["Medarbetare"],
        )
        planning.item_share(actor=access.SYSTEM, item=goal, units=units)
        for unit in units:
            _goal_report(reported, unit, goal, GOOD, f"Analys {n} av {unit.name}")
        # The avdelningar's own goals contributing to it, reported by them:
        # each row of the underlag in a plan type read with its item.
        for key in ("avd_a", "avd_b"):
            own = planning.item_create(
                actor=access.SYSTEM,
                plan=planning.plan_for(actor=access.SYSTEM, unit=org[key], plan_type=chain["vp"]),
                kind="goal",
                number=f"{n + 1}",
                title=f"Avdelningens mål {n}",
                level=chain["levels"]["Verksamhetsmål"],
                perspective=chain["perspectives"]["Medarbetare"],
                contributes_to=[goal],
            )
            _goal_report(reported, org[key], own, SLOW, f"Avdelningens analys {n}")
    with CaptureQueriesContext(connection) as many:
        report = annual.build(org["kommun"], reported)
    board = report.chapters[1]
    assert len(board.goals) == 5
    assert len(board.goals[1].underlag.analyses) == 8
    assert len(many.captured_queries) == len(few.captured_queries)
