"""Uppföljning av aktiviteter per datum as the municipality writes it: a
plan and its follow-up brought in from an Excel file (no Nr anywhere, goals
with descriptions, perspectives without goals), the organisation's title,
column headings, explanatory row and options, and the document in PDF, DOCX
and XLSX with every text, in the plan's order, under the chosen headings."""

from __future__ import annotations

import datetime
import io

import pytest

from styrhjul.documents import followup_by_date
from styrhjul.documents.followup_by_date import EMPTY_PERSPECTIVE
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.organisation import access
from tests.document_settings import save_settings
from tests.excel import ACTIVITY_HEADER, GOAL_HEADER, import_plan, workbook
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
TITLE = "Uppföljning av verksamhetsplan 2025 – Socialförvaltningen"
# The house subtitle "{tillfälle}, uppföljning per {period}" would say
# "Uppföljning per 30 april, uppföljning per 30 april 2025": said once.
SUBTITLE = "Uppföljning per 30 april 2025"
HEADINGS = ["Verksamhetsmål", "Aktivitet", "Slutdatum 2025", "Status", "Kommentar"]
EXPLANATIONS = ["", "", "Planerat slutdatum i planen", "Läget den 30 april", ""]
# The styrmodell's perspectives, in its order; three have no goals.
PERSPECTIVES = ["Invånare", "Samhälle och miljö", "Medarbetare", "Ekonomi", "Verksamhet"]
EMPTY = {"Samhälle och miljö", "Ekonomi", "Verksamhet"}

TRYGG = "Tryggare boende för äldre"
TRYGG_TEXT = "Fler äldre ska känna sig trygga i sitt boende, även nattetid."
SKOLA = "Alla barn ska klara skolan"
SKOLA_TEXT = "Barn i familjer med försörjningsstöd går ut grundskolan med godkända betyg."
FRISK = "Ökad frisknärvaro"
FRISK_TEXT = "Sjukfrånvaron ska vara under sju procent."

# (perspective, goal, description, activity, end date, status, comment) in the
# plan's order: the file's rows, neither the alphabet nor the end dates.
ROWS = [
    (
        "Invånare",
        TRYGG,
        TRYGG_TEXT,
        "Öppet hus på träffpunkterna",
        D(2025, 6, 30),
        "Påbörjad",
        "Två av fyra träffpunkter har haft öppet hus.",
    ),
    (
        "Invånare",
        TRYGG,
        TRYGG_TEXT,
        "Digital tillsyn nattetid",
        D(2025, 3, 31),
        "Klar",
        "Infört i hela hemtjänsten sedan mars.",
    ),
    (
        "Invånare",
        SKOLA,
        SKOLA_TEXT,
        "Läxhjälp på fritidsgården",
        D(2025, 12, 15),
        "Väntar",
        "Väntar på lokal; start till hösten.",
    ),
    ("Medarbetare", FRISK, FRISK_TEXT, "Friskvårdstimme", D(2025, 9, 30), "Ej rapporterad", ""),
]


# The status scale's symbols, before the status in the Word table's cell.
SYMBOLS = {"Påbörjad": "◐ ", "Klar": "● ", "Väntar": "‖ "}


def plan_file() -> bytes:
    goals = [
        # No Nr; the goals in an order that is not the alphabet's.
        [None, "Invånare", "Verksamhetsmål", TRYGG, TRYGG_TEXT, None, None],
        [None, "Medarbetare", "Verksamhetsmål", FRISK, FRISK_TEXT, None, None],
        [None, "Invånare", "Verksamhetsmål", SKOLA, SKOLA_TEXT, None, None],
    ]
    activities = [
        [None, perspective, goal, activity, None, None, None, end, status or None, comment or None]
        for perspective, goal, _text, activity, end, status, comment in ROWS
    ]
    for row in activities:
        if row[8] == "Ej rapporterad":
            row[8] = None
        row.append("Uppföljning per 30 april" if row[8] else None)
    return workbook(
        {
            "Mål": [GOAL_HEADER, *goals],
            "Aktiviteter": [
                [*ACTIVITY_HEADER, "Status", "Kommentar", "Uppföljning"],
                *activities,
            ],
        }
    )


@pytest.fixture
def report(org, model, model_owner):
    vp = model.plan_types.get(name="Verksamhetsplan")
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.MONTHLY,
            name="Uppföljning per 30 april",
            period_end=D(2025, 4, 30),
        ),
        plan_types=[vp],
    )
    result = import_plan(plan_file(), org["forv"], vp, model_owner)
    assert result.reports_created == 3, result.summary()
    save_settings(
        org,
        uppfoljning={
            "title": "Uppföljning av verksamhetsplan {år} – {enhet}",
            "options": ["tomma_perspektiv", "malbeskrivning"],
            "columns": {
                "mal": {"heading": "Verksamhetsmål"},
                "slutdatum": {"heading": "Slutdatum 2025", "explanation": EXPLANATIONS[2]},
                "status": {"explanation": EXPLANATIONS[3]},
            },
        },
    )
    return followup_by_date.build(org["forv"], occasion)


def test_the_document_has_every_perspective_and_the_plan_s_order_without_numbers(report):
    assert report.title == TITLE
    assert report.subtitle == SUBTITLE
    assert [s.name for s in report.sections] == PERSPECTIVES
    assert {s.name for s in report.sections if s.empty} == EMPTY
    rows = [
        (s.name, g.title, g.description, r.title, r.end_date, r.status, r.comment)
        for s in report.sections
        for g, r in s.rows
    ]
    assert rows == ROWS
    # The file has no Nr, and the document prints none.
    assert {g.number for s in report.sections for g in s.goals} == {""}
    assert [g.text for s in report.sections for g in s.goals] == [TRYGG, SKOLA, FRISK]
    assert [r.text for s in report.sections for _g, r in s.rows] == [r[3] for r in ROWS]
    assert list(report.columns) == HEADINGS
    assert list(report.explanations) == EXPLANATIONS
    assert report.summary[0] == "Uppföljningen omfattar 4 aktiviteter och 3 mål i 2 perspektiv."


def _in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} saknas efter plats {position}"
        position = found + len(needle)


def _outline() -> list[tuple[str, str, list[str]]]:
    """The document's body in reading order: each perspective, goal and
    activity (kinds "p", "g", "a") with the texts that belong to it (a
    goal's description; an activity's end date, status and comment)."""
    result = []
    for perspective in PERSPECTIVES:
        result.append(("p", perspective, [EMPTY_PERSPECTIVE] if perspective in EMPTY else []))
        goal = None
        for p, title, text, activity, end, status, comment in ROWS:
            if p != perspective:
                continue
            if title != goal:
                goal = title
                result.append(("g", title, [text]))
            result.append(("a", activity, [t for t in (end.isoformat(), status, comment) if t]))
    return result


def test_the_pdf_has_every_text_in_order(report, tmp_path):
    text = pdf_text(followup_by_date.render(report, "pdf"), tmp_path)
    flat = " ".join(text.split())
    _in_order(flat, [TITLE, SUBTITLE])
    assert flat.count(SUBTITLE) == 1
    # Each of the two tables has the headings and the explanatory row.
    for heading in [*HEADINGS, *filter(None, EXPLANATIONS)]:
        assert flat.count(heading) >= 2, heading
    assert "Nämndmål" not in flat and "Slutdatum Status" not in flat
    assert flat.count(EMPTY_PERSPECTIVE) == 3
    # Perspectives, goals and activities in the plan's order; what belongs
    # to each after it, before the next of its kind or above (a table's
    # cells are read line by line: a goal's description beside its rows).
    body = flat[flat.find("Invånare: mål och aktiviteter") :]
    outline = _outline()
    _in_order(body, [name for _kind, name, _texts in outline])
    rank = {"p": 0, "g": 1, "a": 2}
    for index, (kind, name, texts) in enumerate(outline):
        start = body.find(name)
        following = [n for k, n, _t in outline[index + 1 :] if rank[k] <= rank[kind]]
        stop = body.find(following[0], start + len(name)) if following else len(body)
        for text in texts:
            assert text in body[start:stop], (name, text)


def test_the_docx_has_every_text_in_order_with_headings_and_table_cells(report):
    import docx

    document = docx.Document(io.BytesIO(followup_by_date.render(report, "docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert paragraphs[0] == ("Title", TITLE)
    assert paragraphs[1] == ("Subtitle", SUBTITLE)
    assert [t for s, t in paragraphs if s == "Heading 1"] == PERSPECTIVES
    # Under each perspective without goals, the line saying so.
    for name in EMPTY:
        index = paragraphs.index(("Heading 1", name))
        assert paragraphs[index + 1][1] == EMPTY_PERSPECTIVE
    invanare, medarbetare = document.tables
    for table in (invanare, medarbetare):
        assert [c.text for c in table.rows[0].cells] == HEADINGS
        assert [c.text for c in table.rows[1].cells] == EXPLANATIONS
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows[2:]]
    assert cells == [
        [f"{goal}\n{text}", activity, end.isoformat(), SYMBOLS.get(status, "") + status, comment]
        for _p, goal, text, activity, end, status, comment in ROWS
    ]
    # The goal column narrower than the comments: the organisation's weights.
    widths = [c.width for c in invanare.rows[2].cells]
    assert widths[0] < widths[1] < widths[4] and widths[2] == widths[3]


def test_the_xlsx_has_every_row_in_order_with_headings_and_the_explanatory_row(report):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(followup_by_date.render(report, "xlsx")))
    sheet = book["Uppföljning"]
    assert book.properties.title == TITLE
    rows = [tuple("" if v is None else v for v in r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == (
        "Perspektiv",
        "Verksamhetsmål",
        "Målets beskrivning",
        "Aktivitet",
        "Slutdatum 2025",
        "Status",
        "Kommentar",
        "Enhet",
        "Typ",
    )
    assert rows[1] == ("", "", "", "", *EXPLANATIONS[2:4], "", "", "")
    assert sheet.print_title_rows == "$1:$2" and sheet.freeze_panes == "A3"
    body = [r[:7] for r in rows[2:]]
    expected = []
    for perspective in PERSPECTIVES:
        if perspective in EMPTY:
            expected.append((perspective, EMPTY_PERSPECTIVE, "", "", "", "", ""))
        for p, goal, text, activity, end, status, comment in ROWS:
            if p == perspective:
                when = datetime.datetime.combine(end, datetime.time())
                expected.append((p, goal, text, activity, when, status, comment))
    assert body == expected
    assert {r[7] for r in rows[2:] if r[3]} == {"Socialförvaltningen"}


def test_the_settings_page_sets_the_options_and_columns(client, org, model, model_owner):
    from django.urls import reverse

    from styrhjul.documents import layout
    from tests.documents.test_document_settings import form_data

    url = reverse("documents:settings")
    client.force_login(model_owner)
    page = client.get(url).content.decode()
    assert "Visa perspektiv utan mål" in page
    assert "Visa målets beskrivning under namnet" in page
    assert 'name="uppfoljning-col-slutdatum-heading"' in page

    response = client.post(
        url,
        form_data(
            **{
                "uppfoljning-options": ["tomma_perspektiv", "malbeskrivning"],
                "uppfoljning-col-slutdatum-heading": "Slutdatum 2025",
                "uppfoljning-col-slutdatum-explanation": EXPLANATIONS[2],
                "uppfoljning-col-kommentar-weight": "9",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contents = layout.layout_for(org["forv"], "uppfoljning").contents
    assert contents.has("tomma_perspektiv") and contents.has("malbeskrivning")
    assert contents.column("slutdatum").heading == "Slutdatum 2025"
    assert contents.column("slutdatum").explanation == EXPLANATIONS[2]
    assert contents.column("kommentar").weight == 9
