"""A förvaltning's follow-up of activities per 30 April, brought in through
the plan Excel import (goals, activities, special assignments and their
reported results), and the document "Uppföljning av aktiviteter per datum"
built from it in XLSX, DOCX and PDF: every row compared with the original."""

import datetime
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from styrhjul.documents import registry
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStatus, Report
from styrhjul.model import services as model_services
from styrhjul.model.models import ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.models import Item
from tests.excel import import_plan, rejected, workbook
from tests.factories import UserFactory, grant
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
OCCASION = "Delårsbokslut april 2025"
NOT_REPORTED = "Ej rapporterad"
SYMBOLS = "○◐●▲■‖"  # the symbols of the status scales

LONG_SENTENCES = [
    "Utbildningen i bemötande och lågaffektivt förhållningssätt genomförs i grupper om tolv "
    "medarbetare, två halvdagar per grupp.",
    "Hittills har 214 av 480 medarbetare gått den; två grupper fick ställas in i februari på "
    "grund av hög sjukfrånvaro, och de tas igen under hösten.",
    "Återkopplingen från deltagarna är god: nästan alla säger att de fått verktyg för svåra "
    "situationer, och flera enheter rapporterar färre avvikelser om hot och våld.",
    "Enhetscheferna följer upp utbildningen på arbetsplatsträffar, där medarbetarna tar upp "
    "egna exempel och övar på att förebygga konflikter i vardagen.",
    "Kostnaden ryms i förvaltningens budget för kompetensutveckling.",
]


def _long_comment() -> str:
    """Two paragraphs of whole sentences, 2,000 characters or a little more."""
    paragraphs, sentences = [[], []], 0
    while len("\n\n".join(" ".join(p) for p in paragraphs)) < 2000:
        paragraphs[0 if sentences < 6 else 1].append(
            LONG_SENTENCES[sentences % len(LONG_SENTENCES)]
        )
        sentences += 1
    return "\n\n".join(" ".join(p) for p in paragraphs)


LONG = _long_comment()


@dataclass(frozen=True)
class Goal:
    number: str
    perspective: str
    title: str
    assessment: str
    analysis: str

    @property
    def text(self) -> str:
        return f"{self.number} {self.title}"


@dataclass(frozen=True)
class Row:
    """One row of the original follow-up: an activity of the förvaltning
    under a nämndmål, with its end date, status and comment."""

    goal: str  # the goal's Nr
    number: str
    title: str
    end: datetime.date
    status: str  # "" when nothing was reported
    comment: str = ""

    @property
    def text(self) -> str:
        return f"{self.number} {self.title}"


GOALS = [
    Goal(
        "1",
        "Invånare",
        "Äldre ska känna sig trygga i sitt boende och i hemtjänsten",
        "Goda förutsättningar att nå målet",
        "Tryggheten ökar enligt brukarundersökningen: 84 procent (81 procent 2024).",
    ),
    Goal(
        "2",
        "Invånare",
        "Fler invånare ska bli självförsörjande",
        "Rätt riktning men för långsamt",
        "Antalet hushåll med försörjningsstöd minskar, men långsammare än planerat.\n"
        "Arbetsmarknadsinsatserna behöver växlas upp under hösten.",
    ),
    Goal(
        "3",
        "Medarbetare",
        "Hållbart arbetsliv med låg sjukfrånvaro",
        "Åtgärder krävs",
        "Sjukfrånvaron är 9,1 procent mot målet 7,5 procent; se åtgärderna nedan.",
    ),
    Goal(
        "4",
        "Ekonomi",
        "En ekonomi i balans inom nämndens ram",
        "Goda förutsättningar att nå målet",
        "Prognosen för helåret är ett överskott på 2,1 miljoner kronor.",
    ),
    Goal(
        "5",
        "Verksamhet",
        "Digitala tjänster som underlättar för brukare och medarbetare",
        "Goda förutsättningar att nå målet",
        "",
    ),
]

# In the document's order: perspectives in the model's order, goals by Nr,
# activities by end date and then Nr (2.2 before 2.10).
ROWS = [
    Row(
        "1",
        "1.1",
        "Kartlägga behovet av trygghetsboende",
        D(2025, 3, 31),
        "Klar",
        "Kartläggningen är klar och redovisades för nämnden den 20 mars.",
    ),
    Row(
        "1",
        "1.2",
        "Införa digital tillsyn nattetid i hemtjänsten",
        D(2025, 6, 30),
        "Försenad",
        "Upphandlingen överprövades och är försenad.\n"
        "Ny tidplan: avtal i juni, införande under hösten.\n"
        "Berörda brukare och anhöriga får information i augusti.",
    ),
    Row(
        "1",
        "1.3",
        "Utbilda all personal i bemötande och lågaffektivt förhållningssätt",
        D(2025, 11, 30),
        "Pågår",
        LONG,
    ),
    Row(
        "2",
        "2.2",
        "Arbetsmarknadsinsatser för personer med försörjningsstöd",
        D(2025, 6, 30),
        "Pågår",
        "Tolv deltagare har börjat; fyra har fått anställning.",
    ),
    Row(
        "2",
        "2.10",
        "Samverkan med Arbetsförmedlingen om subventionerade anställningar",
        D(2025, 6, 30),
        "Ej påbörjad",
        "Väntar på Arbetsförmedlingens nya överenskommelse; start i höst.",
    ),
    Row("2", "2.3", "Budget- och skuldrådgivning i grupp", D(2025, 12, 31), "Klar"),
    Row(
        "3",
        "3.1",
        "Friskvårdstimme för alla medarbetare",
        D(2025, 5, 31),
        "Pågår",
        "Friskvårdstimmen är införd på 14 av 18 enheter.\nÖvriga enheter inför den i maj.",
    ),
    Row("3", "3.2", "Chefsstöd vid rehabilitering", D(2025, 9, 30), ""),
    Row(
        "4",
        "4.1",
        "Månadsvis ekonomisk uppföljning med varje enhetschef",
        D(2025, 4, 30),
        "Klar",
        "Genomförs varje månad sedan februari.",
    ),
    Row(
        "4",
        "4.2",
        "Översyn av bemanningsplaneringen i äldreomsorgen",
        D(2025, 10, 31),
        "Försenad",
        "Översynen är försenad eftersom schemasystemet byts; klar i december.",
    ),
    Row(
        "5",
        "5.2",
        "Läsplattor för digitala möten på särskilda boenden",
        D(2025, 2, 28),
        "Klar",
        "40 läsplattor är utdelade; personalen har fått introduktion.",
    ),
    Row(
        "5",
        "5.1",
        "Införa e-tjänst för ansökan om försörjningsstöd",
        D(2025, 8, 31),
        "Pågår",
        "Pilot i två stadsdelar sedan april; hälften av ansökningarna kommer digitalt.",
    ),
]
ASSIGNMENT = Row(
    "",
    "U1",
    "Utreda samlokalisering av socialtjänstens verksamheter",
    D(2025, 10, 31),
    "Pågående",
    "Utredningen pågår; rapport till kommunstyrelsen i oktober.",
)
GOAL_BY_NUMBER = {g.number: g for g in GOALS}
PERSPECTIVES = ["Invånare", "Medarbetare", "Ekonomi", "Verksamhet"]
ASSIGNMENTS = "Särskilda uppdrag"


def expected_rows() -> list[tuple]:
    """Perspektiv, Nämndmål, Aktivitet, Slutdatum, Status, Kommentar as the
    original has them (a row without report: "Ej rapporterad")."""
    rows = [
        (
            GOAL_BY_NUMBER[r.goal].perspective,
            GOAL_BY_NUMBER[r.goal].text,
            r.text,
            r.end,
            r.status or NOT_REPORTED,
            r.comment,
        )
        for r in ROWS
    ]
    a = ASSIGNMENT
    rows.append((ASSIGNMENTS, "", a.text, a.end, a.status, a.comment))
    return rows


# --- The files ---------------------------------------------------------------------------------


def goals_file() -> bytes:
    """The nämnd's goals (nämndmål) with their assessment at the follow-up."""
    header = ["Nr", "Perspektiv", "Målnivå", "Mål", "Bedömning", "Analys", "Uppföljning"]
    rows = [
        [g.number, g.perspective, "Nämndmål", g.title, g.assessment, g.analysis or None, OCCASION]
        for g in GOALS
    ]
    return workbook({"Mål": [header, *rows]})


def activities_file(rows=None) -> bytes:
    """The förvaltning's activities and special assignments with what was
    reported per 30 April; the follow-up is chosen for the whole file. The
    rows stand in the original's order, which the import keeps as the plan's
    order (the document follows it, not the numbers)."""
    header = [
        "Nr",
        "Perspektiv",
        "Mål",
        "Aktivitet",
        "Ansvarig",
        "Startdatum",
        "Slutdatum",
        "Status",
        "Kommentar",
    ]
    lines = [
        [
            r.number,
            GOAL_BY_NUMBER[r.goal].perspective,
            r.goal,
            r.title,
            "Avdelningschef",
            D(2025, 1, 1),
            r.end,
            r.status or None,
            r.comment or None,
        ]
        for r in (ROWS if rows is None else rows)
    ]
    a = ASSIGNMENT
    assignment_header = ["Nr", "Uppdrag", "Givet av", "Slutdatum", "Status", "Kommentar"]
    return workbook(
        {
            "Aktiviteter": [header, *lines],
            "Särskilda uppdrag": [
                assignment_header,
                [a.number, a.title, "KS", a.end, a.status, a.comment],
            ],
        }
    )


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def owner(org, model, vp):
    """A model owner, who also adds the municipality's own status words to
    the activity scale (the defaults lack "Pågår" and "Ej påbörjad")."""
    user = UserFactory(first_name="Ulla", last_name="Utvecklingsledare")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    for order, label, symbol, required in (
        (25, "Pågår", "◐", False),
        (5, "Ej påbörjad", "○", True),
    ):
        model_services.save_part(
            actor=user,
            obj=ScaleValue(
                scale=vp.activity_scale,
                order=order,
                label=label,
                colour="#0b5394",
                symbol=symbol,
                comment_required=required,
            ),
        )
    return user


@pytest.fixture
def april(model, vp):
    """The follow-up per 30 April 2025, already closed."""
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name=OCCASION,
            period_end=D(2025, 4, 30),
        ),
        plan_types=[vp],
    )
    FollowUpOccasion.objects.filter(pk=occasion.pk).update(status=OccasionStatus.CLOSED)
    occasion.refresh_from_db()
    return occasion


@pytest.fixture
def imported(org, vp, owner, april):
    """Both files imported, as the import page does it."""
    goals = import_plan(goals_file(), org["namnd"], vp, owner)
    activities = import_plan(activities_file(), org["forv"], vp, owner, occasion=april)
    return goals, activities


# --- Checks of the document --------------------------------------------------------------------


def check_xlsx(data: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Uppföljning"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Perspektiv",
        "Nämndmål",
        "Aktivitet",
        "Slutdatum",
        "Status",
        "Kommentar",
        "Enhet",
        "Typ",
    ]
    got = [
        (
            perspective,
            goal or "",
            activity,
            end.date() if end else None,
            status,
            comment or "",
        )
        for perspective, goal, activity, end, status, comment, _unit, _kind in rows[1:]
    ]
    assert got == expected_rows()
    assert [r[6] for r in rows[1:]] == ["Socialförvaltningen"] * len(got)
    assert [r[7] for r in rows[1:]] == ["Aktivitet"] * len(ROWS) + ["Särskilt uppdrag"]
    assert all(sheet.cell(row=n, column=4).number_format == "yyyy-mm-dd" for n in range(2, 15))


def check_docx(data: bytes) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [*PERSPECTIVES, ASSIGNMENTS]
    tables = document.tables
    assert len(tables) == len(headings)
    expected = expected_rows()
    got = []
    for heading, table in zip(headings, tables, strict=True):
        header = [c.text for c in table.rows[0].cells]
        if heading == ASSIGNMENTS:
            assert header == ["Aktivitet", "Slutdatum", "Status", "Kommentar"]
        else:
            assert header == ["Nämndmål", "Aktivitet", "Slutdatum", "Status", "Kommentar"]
        previous_goal = None
        for row in table.rows[1:]:
            cells = row.cells
            if heading == ASSIGNMENTS:
                activity, end, status, comment = (c.text for c in cells)
                assert activity == f"{ASSIGNMENT.text}\nSärskilt uppdrag"
                activity = ASSIGNMENT.text
                goal = ""
            else:
                goal_cell = cells[0]
                # The goal cell is merged over its activities' rows: the first
                # row starts the merge, the following ones continue it.
                merge = row._tr.tc_lst[0].tcPr.find(qn("w:vMerge"))
                lines = goal_cell.text.split("\n")
                goal = lines[0]
                assert lines[1:] == ["Socialnämnden"]  # the goal's owner
                if goal != previous_goal:
                    span = sum(1 for r in ROWS if GOAL_BY_NUMBER[r.goal].text == goal)
                    if span > 1:
                        assert merge is not None and merge.get(qn("w:val")) == "restart"
                    else:
                        assert merge is None
                else:
                    assert merge is not None and merge.get(qn("w:val")) in (None, "continue")
                previous_goal = goal
                activity, end, status, comment = (c.text for c in cells[1:])
            # The status as reported, after the scale's symbol.
            label = status[2:] if status[:1] in SYMBOLS and status[1:2] == " " else status
            assert (label == status) == (label == NOT_REPORTED), status
            got.append((heading, goal, activity, D.fromisoformat(end), label, comment))
    assert got == expected


def in_order(text: str, within: str) -> bool:
    """Whether the words of `text` stand in `within` in the same order."""
    position = 0
    for word in text.split():
        position = within.find(word, position)
        if position < 0:
            return False
        position += len(word)
    return True


def first_words(text: str) -> str:
    return " ".join(text.split()[:2])


def check_pdf(data: bytes, tmp_path) -> None:
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path, "-layout")
    flat = " ".join(text.split())
    # No row is cut by a page break, and the goal stands on every page where
    # one of its activities does (repeated there with "(forts.)").
    pages = [" ".join(page.split()) for page in text.split("\f")]
    for _perspective, goal, activity, _end, status, _comment in expected_rows():
        on = [page for page in pages if first_words(activity) in page]
        assert len(on) == 1, activity
        assert in_order(activity, on[0][on[0].find(first_words(activity)) :]), activity
        assert status in on[0], activity
        if goal:
            assert first_words(goal) in on[0], (activity, goal)
    assert "Uppföljning av aktiviteter per 30 april 2025 – Socialförvaltningen" in flat
    # Each perspective's heading, then its goals and their activities in
    # order, each with its status before the next activity begins.
    position = 0
    sections = [*PERSPECTIVES, ASSIGNMENTS]
    rows_by_section = {name: [] for name in sections}
    for perspective, goal, activity, _end, status, comment in expected_rows():
        rows_by_section[perspective].append((goal, activity, status, comment))
    for index, name in enumerate(sections):
        heading = flat.find(name, position)
        assert heading >= 0, name
        position = heading + len(name)
        starts = []
        for goal, activity, _status, _comment in rows_by_section[name]:
            # The Nr and the first word: on the first line of the cell.
            if goal:
                assert flat.find(first_words(goal), heading) >= 0, goal
            prefix = first_words(activity)
            found = flat.find(prefix, position)
            assert found >= 0, activity
            starts.append(found)
            position = found + len(prefix)
        following = sections[index + 1] if index + 1 < len(sections) else None
        end = flat.find(following, position) if following else len(flat)
        assert end > position, following
        for (_goal, activity, status, comment), start, stop in zip(
            rows_by_section[name], starts, [*starts[1:], end], strict=True
        ):
            segment = flat[start:stop]
            assert status in segment, (activity, status)
            # Every word of the title and the comment, in order (the columns'
            # lines interleave in the text, and a long comment may go on
            # past the next row's first line).
            assert in_order(activity, flat[start:]), activity
            if comment:
                assert " ".join(comment.split())[:18] in segment, (activity, comment[:18])
                assert in_order(comment, flat[start:]), (activity, comment[:40])


# --- Tests -------------------------------------------------------------------------------------


def test_the_long_comment_is_2000_characters():
    assert 2000 <= len(LONG) <= 2200 and LONG.count("\n\n") == 1


def test_the_import_carries_goals_activities_and_their_results(org, vp, april, imported):
    goals, activities = imported
    assert (goals.created, goals.reports_created) == (5, 5)
    assert (activities.created, activities.reports_created) == (13, 12)
    reports = {
        r.item.number: r
        for r in Report.objects.filter(occasion=april).select_related("item", "status")
    }
    assert reports["1"].assessment.label == GOALS[0].assessment
    assert reports["2"].analysis == GOALS[1].analysis
    assert reports["1.3"].comment == LONG
    assert reports["2.3"].status.label == "Klar" and reports["2.3"].comment == ""
    assert "3.2" not in reports
    assert reports["U1"].status.label == "Pågående"
    assert {r.unit for r in reports.values() if r.item.kind == "activity"} == {org["forv"]}


def test_the_plan_exported_with_the_results_reads_back_unchanged(org, vp, owner, april, imported):
    for unit in (org["namnd"], org["forv"]):
        data = export_workbook(actor=owner, unit=unit, plan_type=vp, occasion=april)
        result = import_plan(data, unit, vp, owner)
        assert not result.changed_anything, result.summary()
        assert result.unchanged == (5 if unit == org["namnd"] else 13)


def test_the_document_in_xlsx_docx_and_pdf_has_every_row_of_the_original(
    org, april, imported, tmp_path
):
    forv = org["forv"]

    xlsx = registry.make("uppfoljning", forv, april, "xlsx")
    assert xlsx.title == "Uppföljning av aktiviteter per 30 april 2025 – Socialförvaltningen"
    assert xlsx.filename == "uppfoljning-aktiviteter-2025-04-30-socialforvaltningen.xlsx"
    check_xlsx(xlsx.data)

    docx = registry.make("uppfoljning", forv, april, "docx")
    check_docx(docx.data)

    pdf = registry.make("uppfoljning", forv, april, "pdf")
    check_pdf(pdf.data, tmp_path)


def test_the_same_file_through_the_import_page(client, org, vp, owner, april):
    client.force_login(owner)
    import_plan(goals_file(), org["namnd"], vp, owner)
    url = reverse("planning:plan_import", args=[org["forv"].pk, vp.pk])

    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("uppfoljning-april.xlsx", activities_file()),
            "occasion": april.pk,
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Importerade 13 poster till Verksamhetsplan 2025 för Socialförvaltningen" in page
    assert "12 nya resultat" in page
    check_xlsx(registry.make("uppfoljning", org["forv"], april, "xlsx").data)


def test_an_unknown_status_word_is_an_error_at_its_row_and_column(client, org, vp, owner, april):
    import_plan(goals_file(), org["namnd"], vp, owner)
    rows = list(ROWS)
    rows[3] = Row("2", "2.2", rows[3].title, rows[3].end, "Pågående", rows[3].comment)

    errors = rejected(activities_file(rows), org["forv"], vp, owner, occasion=april)

    # The rows stand in the original's order in the file: 2.2 is on row 5.
    assert [str(e) for e in errors] == [
        "Blad Aktiviteter, rad 5, kolumn Status: okänd status ”Pågående”. Välj en av Ej "
        "påbörjad, Ej startad, Påbörjad, Pågår, Väntar, Klar, Stoppad, Försenad."
    ]
    assert not Item.objects.filter(plan__unit=org["forv"]).exists()
    assert not Report.objects.filter(unit=org["forv"]).exists()

    client.force_login(owner)
    response = client.post(
        reverse("planning:plan_import", args=[org["forv"].pk, vp.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", activities_file(rows)), "occasion": april.pk},
    )
    page = response.content.decode()
    assert "Filen importerades inte" in page
    assert "<td>Aktiviteter</td>" in page and '<td class="num">5</td>' in page
    assert "<td>Status</td>" in page
    assert "Okänd status ”Pågående”" in page
    assert not Report.objects.filter(unit=org["forv"]).exists()
