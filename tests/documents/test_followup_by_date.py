"""Uppföljning per datum: a förvaltning's goals per perspective with the
activities contributing to them and what was reported per 30 April, as the
data structure, PDF, DOCX and XLSX."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.documents import followup_by_date
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, Report
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UserFactory, grant
from tests.pdf import pdf_objects, pdf_text

D = datetime.date

COMMENT_TRYGG = (
    "Kartläggningen är klar och redovisades för nämnden i mars. Behovet av "
    "trygghetsboende bedöms öka med 40 platser till år 2030; förslag på lokaler "
    "tas fram tillsammans med samhällsbyggnadsförvaltningen under hösten."
)
COMMENT_TILLSYN = (
    "Upphandlingen av digital tillsyn överklagades i mars och avtal kunde inte "
    "tecknas före sommaren.\n"
    "Ny tidplan: införande på Solgårdens äldreboende under hösten och på övriga "
    "boenden våren 2026. Brukarnas och närståendes samtycke inhämtas före start."
)
COMMENT_BEMOTANDE = "Två av fyra utbildningstillfällen är genomförda; 62 % av personalen har gått."
COMMENT_LAXHJALP = "Läxhjälpen är öppen tisdagar och torsdagar; i snitt 14 elever per gång."
COMMENT_AF = "Avvaktar Arbetsförmedlingens nya lokala organisation; möte bokat i maj."
COMMENT_INTRO = "Introduktionsprogrammet används sedan februari på samtliga enheter."
COMMENT_DELEGATION = "Förslaget remitteras till avdelningarna; beslut i nämnden i juni."
COMMENT_UPPDRAG = "Utredningen pågår tillsammans med grannkommunerna."

# (section, goal, activity, end date, status, comment, unit) – every row of the
# document for Socialförvaltningen per 30 April 2025, in order: per perspective
# the higher goal level first (the nämnd's goal), then the plan's order of the
# goals and, under each goal, of the activities (the unit's own first).
EXPECTED = [
    (
        "Invånare",
        "SN1 Fler barn i familjer med försörjningsstöd går ut med godkända betyg",
        "Samverkan med Arbetsförmedlingen om ungas etablering",
        D(2025, 10, 31),
        "Väntar",
        COMMENT_AF,
        "Socialförvaltningen",
    ),
    (
        "Invånare",
        "SF1 Tidiga insatser i samverkan med skolan",
        "Läxhjälp på fritidsgården",
        D(2025, 12, 15),
        "Påbörjad",
        COMMENT_LAXHJALP,
        "Barn och unga",
    ),
    (
        "Invånare",
        "2 Äldre ska känna sig trygga i sitt boende",
        "2.3 Utbilda personal i bemötande och lågaffektivt förhållningssätt",
        D(2025, 6, 30),
        "Påbörjad",
        COMMENT_BEMOTANDE,
        "Socialförvaltningen",
    ),
    (
        "Invånare",
        "2 Äldre ska känna sig trygga i sitt boende",
        "2.1 Kartlägga behovet av trygghetsboende",
        D(2025, 3, 31),
        "Klar",
        COMMENT_TRYGG,
        "Socialförvaltningen",
    ),
    (
        "Invånare",
        "2 Äldre ska känna sig trygga i sitt boende",
        "4 Införa digital tillsyn nattetid",
        D(2025, 6, 30),
        "Försenad",
        COMMENT_TILLSYN,
        "Äldreomsorg",
    ),
    ("Invånare", "1 Fler invånare ska bli självförsörjande", "", None, "", "", ""),
    (
        "Medarbetare",
        "10 Hållbart arbetsliv med låg sjukfrånvaro",
        "Ny introduktion för nyanställda",
        D(2025, 5, 31),
        "Ej rapporterad",
        "",
        "Individ och familj",
    ),
    (
        "Medarbetare",
        "10 Hållbart arbetsliv med låg sjukfrånvaro",
        "Ny introduktion för nyanställda",
        D(2025, 5, 31),
        "Klar",
        COMMENT_INTRO,
        "Äldreomsorg",
    ),
    (
        "Medarbetare",
        "10 Hållbart arbetsliv med låg sjukfrånvaro",
        "Hälsofrämjande schemaläggning i hemtjänsten",
        D(2025, 9, 30),
        "Ej rapporterad",
        "",
        "Hemtjänst Norr",
    ),
    (
        "Aktiviteter utan mål",
        "",
        "Översyn av delegationsordningen",
        D(2025, 5, 31),
        "Påbörjad",
        COMMENT_DELEGATION,
        "Socialförvaltningen",
    ),
    (
        "Särskilda uppdrag",
        "",
        "U1 Utreda en gemensam överförmyndarnämnd",
        D(2025, 11, 30),
        "Pågående",
        COMMENT_UPPDRAG,
        "Socialförvaltningen",
    ),
]
SECTIONS = ["Invånare", "Medarbetare", "Aktiviteter utan mål", "Särskilda uppdrag"]


def _status(plan_type, label: str) -> ScaleValue:
    scale = plan_type.activity_scale_id
    value = ScaleValue.objects.filter(scale=scale, label=label).first()
    return value or ScaleValue.objects.get(scale=plan_type.assignment_scale_id, label=label)


@pytest.fixture
def april(org, chain, occasion):
    """Socialförvaltningen's goals and activities reported on per 30 April
    2025, with activities of its avdelningar and enheter."""
    vp, ap = chain["vp"], chain["ap"]
    model = vp.model
    levels, persp = chain["levels"], chain["perspectives"]
    occ = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.MONTHLY,
            name="Månadsuppföljning april 2025",
            period_end=D(2025, 4, 30),
        ),
        plan_types=[vp, ap],
    )

    def plan(key, plan_type=vp):
        return planning.plan_for(actor=access.SYSTEM, unit=org[key], plan_type=plan_type)

    def create(key, kind, plan_type=vp, **fields):
        return planning.item_create(
            actor=access.SYSTEM, plan=plan(key, plan_type), kind=kind, **fields
        )

    def goal(key, number, title, perspective, **fields):
        return create(
            key,
            ItemKind.GOAL,
            number=number,
            title=title,
            level=levels["Verksamhetsmål"],
            perspective=persp[perspective],
            **fields,
        )

    def activity(key, title, end, goals=(), plan_type=vp, **fields):
        return create(
            key,
            ItemKind.ACTIVITY,
            plan_type,
            title=title,
            end_date=end,
            contributes_to=list(goals),
            **fields,
        )

    def report(item, key, label="", comment="", occasion=occ):
        return Report.objects.create(
            occasion=occasion,
            unit=org[key],
            item=item,
            status=_status(vp, label) if label else None,
            comment=comment,
        )

    # Goals made in the order "10", "2", "1": the plan's order wins, not the Nr.
    g10 = goal("forv", "10", "Hållbart arbetsliv med låg sjukfrånvaro", "Medarbetare")
    g2 = goal("forv", "2", "Äldre ska känna sig trygga i sitt boende", "Invånare")
    goal("forv", "1", "Fler invånare ska bli självförsörjande", "Invånare")

    a_tillsyn = activity(
        "avd_a", "Införa digital tillsyn nattetid", D(2025, 6, 30), [g2], ap, number="4"
    )
    a_bemot = activity(
        "forv",
        "Utbilda personal i bemötande och lågaffektivt förhållningssätt",
        D(2025, 6, 30),
        [g2],
        number="2.3",
    )
    a_trygg = activity(
        "forv", "Kartlägga behovet av trygghetsboende", D(2025, 3, 31), [g2], number="2.1"
    )
    report(a_trygg, "forv", "Klar", COMMENT_TRYGG)
    report(a_bemot, "forv", "Påbörjad", COMMENT_BEMOTANDE)
    report(a_tillsyn, "avd_a", "Försenad", COMMENT_TILLSYN)
    # What was reported at another occasion is not in this document.
    report(a_tillsyn, "avd_a", "Klar", "Klart i augusti.", occasion=occasion)

    report(chain["activity"], "enhet_b1", "Påbörjad", COMMENT_LAXHJALP)
    # Directly to the nämnd's goal: the nämnd's goal is in the document.
    a_af = activity(
        "forv",
        "Samverkan med Arbetsförmedlingen om ungas etablering",
        D(2025, 10, 31),
        [chain["board"]],
    )
    report(a_af, "forv", "Väntar", COMMENT_AF)

    intro = activity("forv", "Ny introduktion för nyanställda", D(2025, 5, 31), [g10])
    planning.item_share(actor=access.SYSTEM, item=intro, units=[org["avd_a"], org["avd_b"]])
    report(intro, "avd_a", "Klar", COMMENT_INTRO)
    # Through the avdelning's own goal, which contributes to the förvaltning's.
    ao_goal = goal("avd_a", "AO1", "Friskare arbetsplatser inom äldreomsorgen", "Medarbetare")
    planning.item_link(actor=access.SYSTEM, item=ao_goal, target=g10)
    activity(
        "enhet_a2",
        "Hälsofrämjande schemaläggning i hemtjänsten",
        D(2025, 9, 30),
        [ao_goal],
        ap,
    )

    delegation = activity("forv", "Översyn av delegationsordningen", D(2025, 5, 31))
    report(delegation, "forv", "Påbörjad", COMMENT_DELEGATION)
    uppdrag = create(
        "forv",
        ItemKind.ASSIGNMENT,
        number="U1",
        title="Utreda en gemensam överförmyndarnämnd",
        given_by="KF",
        end_date=D(2025, 11, 30),
    )
    report(uppdrag, "forv", "Pågående", COMMENT_UPPDRAG)

    # Not in the document: archived, another plan type, a sub-unit's activity
    # without a goal of the förvaltning.
    archived = activity("forv", "Arkiverad aktivitet", D(2025, 4, 1), [g2])
    planning.item_archive(actor=access.SYSTEM, item=archived)
    amm = model.plan_types.get(name="Arbetsmiljömål")
    activity("forv", "Aktivitet i arbetsmiljöplanen", D(2025, 4, 1), [g10], amm)
    activity("avd_b", "Avdelningens egen aktivitet", D(2025, 4, 1), plan_type=ap)
    return {"occasion": occ, "g2": g2, "g10": g10, "ao_goal": ao_goal}


def _rows(report) -> list[tuple]:
    return [
        (
            section.name,
            goal.text,
            row.text if row else "",
            row.end_date if row else None,
            row.status if row else "",
            row.comment if row else "",
            row.unit_name if row else "",
        )
        for section in report.sections
        for goal, row in section.rows
    ]


# --- The data structure ----------------------------------------------------------------------


def test_rows_grouped_by_perspective_and_goal_in_the_plan_s_order(org, april):
    report = followup_by_date.build(org["forv"], april["occasion"])
    assert report.title == "Uppföljning av aktiviteter per 30 april 2025 – Socialförvaltningen"
    # "…, uppföljning per 30 april 2025" would repeat the title.
    assert report.subtitle == "Månadsuppföljning april 2025"
    assert [s.name for s in report.sections] == SECTIONS
    assert _rows(report) == EXPECTED
    invanare = report.sections[0]
    assert [g.span for g in invanare.goals] == [1, 1, 3, 1]
    assert [g.unit_name for g in invanare.goals] == ["Socialnämnden", "", "", ""]
    assert [r.other_unit for r in invanare.goals[2].rows] == [False, False, True]
    assert not report.sections[2].has_goals
    assert report.sections[3].goals[0].rows[0].kind_name == "Särskilt uppdrag"
    # Each (activity, unit) once: 10 rows.
    assert report.activities == 10
    assert report.goals == 5
    assert report.counts_line == (
        "Påbörjad 3, Väntar 1, Klar 2, Försenad 1, Pågående 1, Ej rapporterad 2"
    )
    assert report.summary[0] == ("Uppföljningen omfattar 10 aktiviteter och 5 mål i 2 perspektiv.")


def test_for_an_avdelning_the_goals_above_are_shown_with_their_unit(org, april):
    report = followup_by_date.build(org["avd_a"], april["occasion"])
    rows = [(s, g, a, st, u) for s, g, a, _d, st, _c, u in _rows(report)]
    assert rows == [
        (
            "Invånare",
            "2 Äldre ska känna sig trygga i sitt boende",
            "4 Införa digital tillsyn nattetid",
            "Försenad",
            "Äldreomsorg",
        ),
        # The avdelning's own goal before the förvaltning's on the same level.
        (
            "Medarbetare",
            "AO1 Friskare arbetsplatser inom äldreomsorgen",
            "Hälsofrämjande schemaläggning i hemtjänsten",
            "Ej rapporterad",
            "Hemtjänst Norr",
        ),
        (
            "Medarbetare",
            "10 Hållbart arbetsliv med låg sjukfrånvaro",
            "Ny introduktion för nyanställda",
            "Klar",
            "Äldreomsorg",
        ),
    ]
    goals = {g.text: g.unit_name for s in report.sections for g in s.goals}
    assert goals["2 Äldre ska känna sig trygga i sitt boende"] == "Socialförvaltningen"
    assert goals["AO1 Friskare arbetsplatser inom äldreomsorgen"] == ""


def test_only_those_who_read_the_whole_part_of_the_tree_get_the_document(client, org, april):
    """The document shows the reporting below the unit: a reader of the
    förvaltning alone (without the units below) does not get it."""
    from styrhjul.documents import jobs

    url = reverse("documents:unit_documents", args=[org["forv"].pk, april["occasion"].pk])
    own_only = UserFactory()
    grant(own_only, org["forv"], Role.READER, subtree=False)
    client.force_login(own_only)
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        jobs.submit(
            actor=own_only,
            unit=org["forv"],
            occasion=april["occasion"],
            document="uppfoljning",
            fmt="pdf",
        )

    whole = UserFactory()
    grant(whole, org["forv"], Role.READER)
    client.force_login(whole)
    assert client.get(url).status_code == 200
    # A unit without units below is its whole part of the tree.
    leaf = UserFactory()
    grant(leaf, org["enhet_a1"], Role.READER, subtree=False)
    client.force_login(leaf)
    leaf_url = reverse("documents:unit_documents", args=[org["enhet_a1"].pk, april["occasion"].pk])
    assert client.get(leaf_url).status_code == 200


def test_an_activity_under_two_goals_is_in_both_and_counted_once(org, chain, april):
    activity = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.ACTIVITY,
        title="Gemensam kompetensutveckling",
        end_date=D(2025, 4, 15),
        contributes_to=[april["g2"], april["g10"]],
    )
    report = followup_by_date.build(org["forv"], april["occasion"])
    under = [
        g.text
        for s in report.sections
        for g in s.goals
        for r in g.rows
        if r.title == activity.title
    ]
    assert under == [
        "2 Äldre ska känna sig trygga i sitt boende",
        "10 Hållbart arbetsliv med låg sjukfrånvaro",
    ]
    # Last of the plan's activities under each goal (made last), before
    # those of the units below.
    assert [r.title for r in report.sections[0].goals[2].rows] == [
        "Utbilda personal i bemötande och lågaffektivt förhållningssätt",
        "Kartlägga behovet av trygghetsboende",
        activity.title,
        "Införa digital tillsyn nattetid",
    ]
    assert [r.title for r in report.sections[1].goals[0].rows] == [
        "Ny introduktion för nyanställda",  # shared to two avdelningar: two rows
        "Ny introduktion för nyanställda",
        activity.title,
        "Hälsofrämjande schemaläggning i hemtjänsten",
    ]
    assert report.activities == 11
    assert "Ej rapporterad 3" in report.counts_line


def test_a_goal_shared_to_the_unit_is_its_goal(org, chain, april):
    planning.item_share(actor=access.SYSTEM, item=april["g2"], units=[org["avd_a"]])
    report = followup_by_date.build(org["avd_a"], april["occasion"])
    goals = [(g.text, g.unit_name, len(g.rows)) for s in report.sections for g in s.goals]
    assert ("2 Äldre ska känna sig trygga i sitt boende", "Socialförvaltningen", 1) in goals


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
def test_a_unit_without_goals_or_activities_gets_a_short_document(org, april, fmt):
    report = followup_by_date.build(org["enhet_b2"], april["occasion"])
    assert report.sections == []
    assert report.summary == ["Vuxenenheten har inga mål eller aktiviteter att följa upp."]
    data = followup_by_date.render(report, fmt)
    signature = {"pdf": b"%PDF", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04", "html": b"<!DO"}
    assert data[:4] == signature[fmt]


def test_occasion_of_another_organisation_is_refused(org, april):
    from styrhjul.model.services import model_create_default
    from tests.factories import UnitFactory, unit_type

    other = UnitFactory(name="Grannby kommun", code="GK", unit_type=unit_type("Kommun"))
    other_model = model_create_default(actor=access.SYSTEM, organisation=other, year=2025)
    occasion = FollowUpOccasion.objects.create(
        model=other_model, kind="monthly", name="April", period_end=D(2025, 4, 30)
    )
    with pytest.raises(followup_by_date.DocumentError):
        followup_by_date.build(org["forv"], occasion)


def test_build_runs_a_fixed_number_of_queries(org, chain, april):
    followup_by_date.build(org["forv"].pk, april["occasion"].pk)
    with CaptureQueriesContext(connection) as few:
        followup_by_date.build(org["forv"].pk, april["occasion"].pk)
    vp, ap = chain["vp"], chain["ap"]
    forv_plan = planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=vp)
    status = _status(vp, "Påbörjad")
    for n in range(12):
        goal = planning.item_create(
            actor=access.SYSTEM,
            plan=forv_plan,
            kind=ItemKind.GOAL,
            number=f"5.{n}",
            title=f"Mål {n}",
            level=chain["levels"]["Verksamhetsmål"],
            perspective=list(chain["perspectives"].values())[n % 5],
        )
        for key in ("enhet_a1", "enhet_b2", "avd_b"):
            item = planning.item_create(
                actor=access.SYSTEM,
                plan=planning.plan_for(actor=access.SYSTEM, unit=org[key], plan_type=ap),
                kind=ItemKind.ACTIVITY,
                title=f"Aktivitet {n} {key}",
                end_date=D(2025, 6, n + 1),
                contributes_to=[goal],
            )
            Report.objects.create(
                occasion=april["occasion"], unit=org[key], item=item, status=status
            )
    with CaptureQueriesContext(connection) as many:
        report = followup_by_date.build(org["forv"].pk, april["occasion"].pk)
    assert report.activities == 10 + 36
    # Ten for the document (one of them the goals' plans' places in the
    # organisation), one for the organisation's document settings, one for
    # the year's own sections (none here).
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_filename_and_formats(org, april):
    report = followup_by_date.build(org["forv"], april["occasion"])
    assert (
        followup_by_date.filename(report, "xlsx")
        == "uppfoljning-aktiviteter-2025-04-30-socialforvaltningen.xlsx"
    )
    page = followup_by_date.render(report, "html").decode()
    assert page.startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError):
        followup_by_date.render(report, "odt")
    assert set(followup_by_date.CONTENT_TYPES) == {"pdf", "docx", "xlsx", "html"}


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_has_a_heading_and_a_table_per_perspective_with_merged_goals(org, april):
    import docx
    from docx.oxml.ns import qn

    report = followup_by_date.build(org["forv"], april["occasion"])
    document = docx.Document(io.BytesIO(followup_by_date.render(report, "docx")))
    assert document.core_properties.title == report.title
    assert document.core_properties.language == "sv-SE"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTIONS
    assert len(document.tables) == 4
    section = document.sections[0]
    assert section.page_width > section.page_height

    by_section: dict[str, list[tuple]] = {}
    for name, *rest in EXPECTED:
        by_section.setdefault(name, []).append(tuple(rest))
    for table, name in zip(document.tables, SECTIONS, strict=True):
        header = table.rows[0]
        has_goals = name in ("Invånare", "Medarbetare")
        columns = list(followup_by_date.COLUMNS if has_goals else followup_by_date.COLUMNS[1:])
        assert [c.text for c in header.cells] == columns
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        body = table.rows[1:]
        expected = by_section[name]
        assert len(body) == len(expected)
        for table_row, (goal, activity, end, status, comment, unit) in zip(
            body, expected, strict=True
        ):
            texts = [c.text for c in table_row.cells]
            if has_goals:
                assert texts[0].split("\n")[0] == goal
                texts = texts[1:]
            assert texts[0].split("\n")[0] == activity
            if unit and unit != "Socialförvaltningen":
                assert texts[0].split("\n")[-1] == unit
            assert texts[1] == (end.isoformat() if end else "")
            assert texts[2].endswith(status)
            assert texts[3] == comment
            assert table_row._tr.trPr.find(qn("w:cantSplit")) is not None
    # The goal with three activities is one cell merged over three rows.
    invanare = document.tables[0]
    merges = [
        (tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None)
        for tc in (row._tr.tc_lst[0] for row in invanare.rows[1:])
    ]
    values = [m.get(qn("w:val")) if m is not None else None for m in merges]
    assert values == [None, None, "restart", None, None, None]
    assert merges[3] is not None and merges[4] is not None  # continue
    assert invanare.rows[3].cells[0]._tc is invanare.rows[5].cells[0]._tc
    # The goal's text is in the merged cell once.
    assert invanare.rows[3].cells[0].text == "2 Äldre ska känna sig trygga i sitt boende"
    nämnd = invanare.rows[1].cells[0].text
    assert nämnd.endswith("\nSocialnämnden")


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_has_one_filterable_row_per_activity(org, april):
    import openpyxl

    report = followup_by_date.build(org["forv"], april["occasion"])
    workbook = openpyxl.load_workbook(io.BytesIO(followup_by_date.render(report, "xlsx")))
    assert workbook.sheetnames == ["Uppföljning"]
    sheet = workbook["Uppföljning"]
    assert workbook.properties.title == report.title
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Perspektiv",
        "Nämndmål",
        "Aktivitet",
        "Slutdatum",
        "Status",
        "Kommentar",
        "Enhet",
        "Typ",
    )
    body = [
        (
            section,
            goal or "",
            activity or "",
            end.date() if end else None,
            status or "",
            comment or "",
            unit or "",
        )
        for section, goal, activity, end, status, comment, unit, _kind in rows[1:]
    ]
    assert body == EXPECTED
    assert [r[7] for r in rows[1:]] == (
        ["Aktivitet"] * 5 + [None] + ["Aktivitet"] * 4 + ["Särskilt uppdrag"]
    )
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:H{len(rows)}"
    date_cell = sheet["D3"]
    assert isinstance(date_cell.value, datetime.datetime)
    assert date_cell.number_format == "yyyy-mm-dd"
    assert sheet["F4"].alignment.wrap_text
    assert sheet["B1"].font.bold


def test_xlsx_writes_formula_like_text_as_text(org, chain, april):
    import openpyxl

    activity = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.ACTIVITY,
        title="=SUMMA(A1:A3)",
    )
    report = followup_by_date.build(org["forv"], april["occasion"])
    workbook = openpyxl.load_workbook(io.BytesIO(followup_by_date.render(report, "xlsx")))
    values = [c.value for c in workbook.active["C"]]
    assert "'" + activity.title in values  # OWASP's prefix against formulas
    cell = workbook.active.cell(row=values.index("'" + activity.title) + 1, column=3)
    assert cell.data_type == "s"


# --- PDF -------------------------------------------------------------------------------------


def test_html_has_accessible_tables_with_goal_cells_spanning_rows(org, april):
    report = followup_by_date.build(org["forv"], april["occasion"])
    page = followup_by_date.html(report)
    assert '<html lang="sv">' in page
    assert f"<title>{report.title}</title>" in page
    assert "display: table-header-group" in page
    assert page.count("<caption>") == 4
    assert page.count('<th scope="col">Nämndmål</th>') == 2
    assert page.count('<th scope="col">Aktivitet</th>') == 4
    assert (
        '<th scope="rowgroup" rowspan="3">2 Äldre ska känna sig trygga i sitt boende</th>' in page
    )
    assert '<th scope="rowgroup" rowspan="3">10 Hållbart arbetsliv med låg sjukfrånvaro' in page
    assert "<td></td><td></td><td></td><td></td>" in page  # the goal without activities
    assert '<span class="unit">Äldreomsorg</span>' in page
    assert "Ny tidplan: införande" in page and "<br>" in page


def test_pdf_is_tagged_and_has_every_row_in_order(org, april, tmp_path):
    report = followup_by_date.build(org["forv"], april["occasion"])
    data = followup_by_date.render(report, "pdf")
    assert data.startswith(b"%PDF")
    objects = pdf_objects(data)
    assert b"/StructTreeRoot" in objects
    assert b"pdfuaid" in objects
    text = pdf_text(data, tmp_path, "-layout")
    flat = " ".join(text.split())
    assert report.title in flat
    position = 0
    for _section, _goal, activity, end, status, comment, _unit in EXPECTED:
        for needle in (activity[:25], end.isoformat() if end else "", status, comment[:20]):
            if needle:
                found = flat.find(needle, position if needle == activity[:25] else 0)
                assert found >= 0, needle
        if activity:
            position = flat.find(activity[:25], position)
            assert position >= 0, activity
    for name in SECTIONS:
        assert name in flat
    # Goals before their activities, sections in order.
    order = [flat.find(n) for n in ("Invånare", "Medarbetare", "Aktiviteter utan mål")]
    assert order == sorted(order)
    assert flat.find("2 Äldre ska känna sig trygga") < flat.find("2.1 Kartlägga behovet")


def test_pdf_repeats_the_goal_on_every_page_of_its_activities(org, chain, april, tmp_path):
    vp = chain["vp"]
    forv_plan = planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=vp)
    status = _status(vp, "Påbörjad")
    long_comment = "Arbetet går enligt plan, med några förseningar i början av året. " * 6
    for n in range(30):
        item = planning.item_create(
            actor=access.SYSTEM,
            plan=forv_plan,
            kind=ItemKind.ACTIVITY,
            number=f"2.{n + 10}",
            title=f"Delaktivitet {n + 10} för tryggt boende",
            end_date=D(2025, 7, 1),
            contributes_to=[april["g2"]],
        )
        Report.objects.create(
            occasion=april["occasion"],
            unit=org["forv"],
            item=item,
            status=status,
            comment=long_comment,
        )
    report = followup_by_date.build(org["forv"], april["occasion"])
    data = followup_by_date.pdf(report)
    pages = pdf_text(data, tmp_path, "-layout").split("\f")
    with_activities = [p for p in pages if "Delaktivitet" in p]
    assert len(with_activities) >= 3
    for index, page in enumerate(with_activities):
        flat = " ".join(page.split())
        assert "Äldre ska känna sig" in flat, index
        assert "Nämndmål" in flat  # the header row repeats
        if index:
            assert followup_by_date.CONTINUED in flat
    assert followup_by_date.CONTINUED not in " ".join(with_activities[0].split())
