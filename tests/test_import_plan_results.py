"""Reported results of goals, activities and special assignments in the plan
file: Bedömning and Analys on Mål, Status and Kommentar on Aktiviteter and
Särskilda uppdrag, and Uppföljning (or one occasion for the whole file)."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl.utils import get_column_letter

from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStatus, Report
from styrhjul.model.models import GoalLevel
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.models import Item, Plan
from tests.excel import import_plan, rejected, workbook
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

OCCASION = "Delårsrapport 2025"
GOAL_HEADER = ["Nr", "Perspektiv", "Målnivå", "Mål", "Bedömning", "Analys", "Uppföljning"]
ACTIVITY_HEADER = [
    "Nr",
    "Perspektiv",
    "Mål",
    "Aktivitet",
    "Slutdatum",
    "Status",
    "Kommentar",
    "Uppföljning",
]
ASSIGNMENT_HEADER = ["Nr", "Uppdrag", "Givet av", "Slutdatum", "Status", "Kommentar", "Uppföljning"]
ANALYSIS = (
    "Andelen brukare som känner sig trygga har ökat från 81 till 84 procent.\n"
    "Nattbemanningen är förstärkt; målet bedöms nås under året."
)
SLOW = "Sjukfrånvaron minskar, men för långsamt: 8,9 procent mot målet 7,5."


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def unit(org):
    return org["enhet_a2"]


@pytest.fixture
def delar(model, vp):
    """The follow-up per 30 April, closed: results brought in afterwards."""
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name=OCCASION,
            period_end=datetime.date(2025, 4, 30),
        ),
        plan_types=[vp],
    )
    FollowUpOccasion.objects.filter(pk=occasion.pk).update(status=OccasionStatus.CLOSED)
    occasion.refresh_from_db()
    return occasion


def goal_rows(occasion=OCCASION):
    return [
        [
            "1",
            "Invånare",
            "Verksamhetsmål",
            "Trygg hemtjänst",
            "Goda förutsättningar att nå målet",
            ANALYSIS,
            occasion,
        ],
        [
            "2",
            "Medarbetare",
            "Verksamhetsmål",
            "Hållbart arbetsliv",
            "rätt riktning MEN för långsamt",
            SLOW,
            occasion,
        ],
        ["3", "Ekonomi", "Verksamhetsmål", "Budget i balans", None, None, None],
    ]


def activity_rows(occasion=OCCASION):
    return [
        [
            "1.1",
            "Invånare",
            "1",
            "Förstärka nattbemanningen",
            datetime.date(2025, 3, 31),
            "Klar",
            None,
            occasion,
        ],
        [
            "1.2",
            "Invånare",
            "1",
            "Införa digital tillsyn",
            datetime.date(2025, 9, 30),
            "  påbörjad ",
            "Upphandlingen är klar.\nInstallation i maj–juni.",
            occasion,
        ],
        [
            "2.1",
            "Medarbetare",
            "2",
            "Hälsofrämjande arbetsplats",
            datetime.date(2025, 12, 31),
            "Försenad",
            "Försenad på grund av vakanser; ny tidplan i augusti.",
            occasion,
        ],
        [
            "3.1",
            "Ekonomi",
            "3",
            "Översyn av schemaläggningen",
            datetime.date(2025, 6, 30),
            None,
            None,
            None,
        ],
    ]


def without_goals(rows):
    """Activity rows without Mål, for a file without the sheet Mål."""
    return [[*row[:2], None, *row[3:]] for row in rows]


def assignment_rows(occasion=OCCASION):
    return [
        [
            "U1",
            "Utreda samlokalisering",
            "KS",
            datetime.date(2025, 10, 31),
            "Pågående",
            "Utredningen pågår; rapport till nämnden i oktober.",
            occasion,
        ],
    ]


def plan_file(goals=None, activities=None, assignments=None) -> bytes:
    return workbook(
        {
            "Mål": [GOAL_HEADER, *(goal_rows() if goals is None else goals)],
            "Aktiviteter": [
                ACTIVITY_HEADER,
                *(activity_rows() if activities is None else activities),
            ],
            "Särskilda uppdrag": [
                ASSIGNMENT_HEADER,
                *(assignment_rows() if assignments is None else assignments),
            ],
        }
    )


def report_of(unit, number, occasion):
    return Report.objects.select_related("status", "assessment").get(
        occasion=occasion, unit=unit, item__plan__unit=unit, item__number=number
    )


def results(unit) -> dict[str, tuple]:
    return {
        r.item.number: (
            r.status.label if r.status else None,
            r.assessment.label if r.assessment else None,
            r.comment,
            r.analysis,
        )
        for r in Report.objects.filter(unit=unit).select_related("item", "status", "assessment")
    }


def sheet_rows(data: bytes, name: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book[name].iter_rows(values_only=True)]


EXPECTED = {
    "1": (None, "Goda förutsättningar att nå målet", "", ANALYSIS),
    "2": (None, "Rätt riktning men för långsamt", "", SLOW),
    "1.1": ("Klar", None, "", ""),
    "1.2": ("Påbörjad", None, "Upphandlingen är klar.\nInstallation i maj–juni.", ""),
    "2.1": ("Försenad", None, "Försenad på grund av vakanser; ny tidplan i augusti.", ""),
    "U1": ("Pågående", None, "Utredningen pågår; rapport till nämnden i oktober.", ""),
}


def test_goals_activities_and_assignments_with_results(unit, vp, model_owner, delar):
    result = import_plan(plan_file(), unit, vp, model_owner)

    assert result.created == 8
    assert result.reports_created == 6
    assert "6 nya resultat" in result.summary()
    assert results(unit) == EXPECTED
    goal = report_of(unit, "1", delar)
    assert goal.analysis == ANALYSIS and goal.comment == ""
    history = report_of(unit, "1.2", delar).history.get()
    assert (history.history_user, history.history_change_reason) == (model_owner, "Import")
    # Rows without a result (3, 3.1) have no report.
    assert not Report.objects.filter(item__number__in=["3", "3.1"]).exists()


def test_an_unknown_status_names_row_and_column_and_nothing_is_saved(unit, vp, model_owner, delar):
    rows = activity_rows()
    rows[1][5] = "Påbörjat"
    rows[3][5] = "Pågår"

    errors = rejected(plan_file(activities=rows), unit, vp, model_owner)

    assert [str(e) for e in errors] == [
        "Blad Aktiviteter, rad 3, kolumn Status: okänd status ”Påbörjat”. Välj en av Ej "
        "startad, Påbörjad, Väntar, Klar, Stoppad, Försenad. Menade du ”Påbörjad”?",
        "Blad Aktiviteter, rad 5, kolumn Uppföljning: ange vilken uppföljning resultatet hör till.",
    ]
    assert not Plan.objects.filter(unit=unit).exists()
    assert not Item.objects.exists()
    assert not Report.objects.exists()


def test_an_unknown_goal_assessment_lists_the_goal_scale(unit, vp, model_owner, delar):
    rows = goal_rows()
    rows[0][4] = "Grön"

    errors = rejected(plan_file(goals=rows), unit, vp, model_owner)

    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        (
            "Mål",
            2,
            "Bedömning",
            "okänd bedömning ”Grön”. Välj en av Goda förutsättningar att nå målet, Rätt "
            "riktning men för långsamt, Åtgärder krävs.",
        )
    ]


def test_the_reporting_rules_apply_at_the_right_column(unit, vp, model_owner, delar):
    goals = goal_rows()
    goals[1][5] = None  # "Rätt riktning men för långsamt" requires a text
    activities = activity_rows()
    activities[2][6] = "   "  # "Försenad" requires a comment
    assignments = assignment_rows()
    assignments[0][4] = "Ej påbörjat"
    assignments[0][5] = None

    errors = rejected(plan_file(goals, activities, assignments), unit, vp, model_owner)

    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        (
            "Mål",
            3,
            "Analys",
            "Analys måste fyllas i när bedömningen är ”Rätt riktning men för långsamt”.",
        ),
        ("Aktiviteter", 4, "Kommentar", "Kommentar måste fyllas i när status är ”Försenad”."),
        (
            "Särskilda uppdrag",
            2,
            "Kommentar",
            "Kommentar måste fyllas i när status är ”Ej påbörjat”.",
        ),
    ]
    assert not Report.objects.exists()


def test_a_level_that_does_not_assess_takes_analysis_but_no_assessment(
    unit, vp, model_owner, delar, model
):
    GoalLevel.objects.filter(model=model, name="Verksamhetsmål").update(assesses=False)

    errors = rejected(plan_file(), unit, vp, model_owner)

    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("Mål", 2, "Bedömning"),
        ("Mål", 3, "Bedömning"),
    ]
    assert errors[0].message == (
        "Målnivån Verksamhetsmål bedömer inte måluppfyllelse; beskriv i analysen."
    )
    goals = [row[:4] + [None, row[5], row[6]] for row in goal_rows()]
    import_plan(plan_file(goals=goals), unit, vp, model_owner)
    assert report_of(unit, "1", delar).analysis == ANALYSIS


def test_the_occasion_can_be_chosen_for_the_whole_file(unit, vp, model_owner, delar):
    goals = [row[:-1] for row in goal_rows()]
    activities = [row[:-1] for row in activity_rows()]
    data = workbook(
        {"Mål": [GOAL_HEADER[:-1], *goals], "Aktiviteter": [ACTIVITY_HEADER[:-1], *activities]}
    )

    errors = rejected(data, unit, vp, model_owner)
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("Mål", 2, "Uppföljning"),
        ("Mål", 3, "Uppföljning"),
        ("Aktiviteter", 2, "Uppföljning"),
        ("Aktiviteter", 3, "Uppföljning"),
        ("Aktiviteter", 4, "Uppföljning"),
    ]

    result = import_plan(data, unit, vp, model_owner, occasion=delar)
    assert result.reports_created == 5
    assert Report.objects.filter(occasion=delar, unit=unit).count() == 5


def test_a_missing_column_leaves_the_value_and_an_empty_cell_clears_it(
    unit, vp, model_owner, delar
):
    import_plan(plan_file(), unit, vp, model_owner)
    Report.objects.filter(item__number="1.2").update(completion=40)
    header = ["Nr", "Aktivitet", "Status", "Uppföljning"]
    only_status = workbook(
        {"Aktiviteter": [header, ["1.2", "Införa digital tillsyn", "Klar", OCCASION]]}
    )

    result = import_plan(only_status, unit, vp, model_owner)

    assert (result.reports_created, result.reports_updated) == (0, 1)
    report = report_of(unit, "1.2", delar)
    assert report.status.label == "Klar"
    assert report.comment == "Upphandlingen är klar.\nInstallation i maj–juni."
    assert (report.completion, report.version) == (40, 2)

    header = ["Nr", "Aktivitet", "Status", "Kommentar", "Uppföljning"]
    cleared = workbook(
        {"Aktiviteter": [header, ["1.2", "Införa digital tillsyn", "Klar", None, OCCASION]]}
    )
    import_plan(cleared, unit, vp, model_owner)
    assert report_of(unit, "1.2", delar).comment == ""


def test_a_second_identical_import_changes_nothing(unit, vp, model_owner, delar):
    import_plan(plan_file(), unit, vp, model_owner)
    histories = Report.history.count()

    result = import_plan(plan_file(), unit, vp, model_owner)

    assert (result.reports_created, result.reports_updated) == (0, 0)
    assert not result.changed_anything
    assert Report.history.count() == histories


def test_a_manager_importing_activity_results_gets_a_row_error(unit, vp, delar):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)

    activities = without_goals(activity_rows())
    errors = rejected(plan_file(goals=[], activities=activities, assignments=[]), unit, vp, chef)

    assert [(e.sheet, e.row) for e in errors] == [("Aktiviteter", n) for n in (2, 3, 4)]
    assert errors[0].message == (
        "du har inte behörighet att importera resultat för Hemtjänst Norr; det får "
        "modellägare och administratörer."
    )
    assert not Item.objects.exists()


def test_export_with_the_occasion_round_trips_the_results(unit, vp, model_owner, delar):
    import_plan(plan_file(), unit, vp, model_owner)

    data = export_workbook(actor=model_owner, unit=unit, plan_type=vp, occasion=delar)

    goals = sheet_rows(data, "Mål")
    assert goals[0][-3:] == ["Bedömning", "Analys", "Uppföljning"]
    assert goals[1][-3:] == ["Goda förutsättningar att nå målet", ANALYSIS, OCCASION]
    assert goals[3][-3:] == [None, None, OCCASION]
    activities = sheet_rows(data, "Aktiviteter")
    assert activities[0][-4:] == ["Status", "Färdighetsgrad", "Kommentar", "Uppföljning"]
    by_number = {r[0]: r[-4:] for r in activities[1:]}
    assert by_number["1.1"] == ["Klar", None, None, OCCASION]
    assert by_number["1.2"] == [
        "Påbörjad",
        None,
        "Upphandlingen är klar.\nInstallation i maj–juni.",
        OCCASION,
    ]
    assert by_number["3.1"] == [None, None, None, OCCASION]
    assignments = sheet_rows(data, "Särskilda uppdrag")
    assert assignments[0][-3:] == ["Status", "Kommentar", "Uppföljning"]
    assert assignments[1][-3:] == list(assignment_rows()[0][-3:])
    # The drop-downs of Status and Bedömning list each kind's own scale.
    lists = {c[0]: [v for v in c[1:] if v] for c in zip(*sheet_rows(data, "Listor"), strict=True)}
    assert ["Ej startad", "Påbörjad", "Väntar", "Klar", "Stoppad", "Försenad"] in lists.values()
    assert ["Ej påbörjat", "Pågående", "Genomfört", "Avslutat utan genomförande"] in (
        lists.values()
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    formulas = {
        str(v.sqref): v.formula1 for v in book["Aktiviteter"].data_validations.dataValidation
    }
    status = get_column_letter(activities[0].index("Status") + 1)
    assert any(ref.startswith(f"{status}2:") for ref in formulas)

    plain = export_workbook(actor=model_owner, unit=unit, plan_type=vp)
    assert "Status" not in sheet_rows(plain, "Aktiviteter")[0]
    assert "Analys" not in sheet_rows(plain, "Mål")[0]

    # Back into the same plan: nothing changes.
    assert not import_plan(data, unit, vp, model_owner).changed_anything
    # Into another unit's plan: the same items and results.
    other = unit.parent.children.exclude(pk=unit.pk).first()
    result = import_plan(data, other, vp, model_owner)
    assert (result.created, result.reports_created) == (8, 6)
    assert results(other) == results(unit) == EXPECTED


def test_the_instructions_describe_the_result_columns(unit, vp, model_owner, delar):
    data = export_workbook(actor=model_owner, unit=unit, plan_type=vp)
    text = "\n".join(
        " | ".join(str(c) for c in row if c is not None)
        for row in sheet_rows(data, "Instruktioner")
    )
    assert "Status | Nej | En av plantypens statusar för aktiviteter" in text
    assert "Analys | Nej | Analysen av måluppfyllelsen" in text
    assert "Status (aktiviteter) | Ej startad, Påbörjad, Väntar, Klar, Stoppad, Försenad" in text
    assert "Bedömning (mål) | Goda förutsättningar att nå målet" in text
    assert "Status, Färdighetsgrad och Kommentar för aktiviteter" in text


def test_the_import_page_takes_the_occasion_for_activity_results(
    client, unit, vp, model_owner, delar
):
    client.force_login(model_owner)
    url = reverse("planning:plan_import", args=[unit.pk, vp.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{delar.pk}">{OCCASION}</option>' in page
    # "Så ska filen se ut" lists the result columns of each sheet too.
    formats = page[page.index('id="filformat"') :]
    activities_sheet = formats[formats.index("Bladet Aktiviteter") :]
    activities_sheet = activities_sheet[: activities_sheet.index("</table>")]
    for header in ("Status", "Kommentar", "Uppföljning"):
        assert f'<th scope="row">{header}</th>' in activities_sheet
    assert "Resultat från en uppföljning:" in activities_sheet

    activities = [row[:-1] for row in without_goals(activity_rows())]
    upload = SimpleUploadedFile(
        "plan.xlsx", workbook({"Aktiviteter": [ACTIVITY_HEADER[:-1], *activities]})
    )
    response = client.post(url, {"file": upload, "occasion": delar.pk})

    assert response.status_code == 200
    assert "3 nya resultat" in response.content.decode()
    assert report_of(unit, "2.1", delar).status.label == "Försenad"
    plan = Plan.objects.get(unit=unit, plan_type=vp)
    page = client.get(url).content.decode()
    assert f"?uppfoljning={delar.pk}" in page
    export = client.get(reverse("planning:plan_export", args=[plan.pk]), {"uppfoljning": delar.pk})
    assert sheet_rows(export.content, "Aktiviteter")[0][-4:] == [
        "Status",
        "Färdighetsgrad",
        "Kommentar",
        "Uppföljning",
    ]


def test_the_command_takes_the_occasion_for_activity_results(tmp_path, unit, vp, delar, capsys):
    activities = [row[:-1] for row in without_goals(activity_rows())]
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook({"Aktiviteter": [ACTIVITY_HEADER[:-1], *activities]}))
    common = ["--unit=AO2", "--year=2025", "--plan-type=Verksamhetsplan"]

    call_command("import_plan", str(path), *common, "--occasion", "delårsrapport 2025")

    assert "3 nya resultat" in capsys.readouterr().out
    out = tmp_path / "ut.xlsx"
    call_command("export_plan", *common, "-o", str(out), "--occasion", OCCASION)
    assert sheet_rows(out.read_bytes(), "Aktiviteter")[0][-4:] == [
        "Status",
        "Färdighetsgrad",
        "Kommentar",
        "Uppföljning",
    ]
    call_command("import_plan", str(out), *common)
    assert "4 oförändrade" in capsys.readouterr().out


def test_a_save_made_while_the_file_is_imported_is_not_overwritten(
    unit, vp, model_owner, delar, monkeypatch
):
    # The import reads the reports, a unit manager saves one, then the import
    # writes: it must not write over what it never saw. The whole file is
    # refused, naming the row, who saved and when.
    from styrhjul.core.concurrency import save_edited
    from styrhjul.followup.plan_results import ResultPlanner

    import_plan(plan_file(), unit, vp, model_owner)
    chef = UserFactory(first_name="Cecilia", last_name="Chef")
    grant(chef, unit, Role.MANAGER)
    write = ResultPlanner.write

    def save_first_then_write(self):
        report = report_of(unit, "1.2", delar)
        report.comment = "Chefens text, sparad under importen."
        save_edited(report, chef)
        write(self)

    monkeypatch.setattr(ResultPlanner, "write", save_first_then_write)
    rows = activity_rows()
    rows[1][6] = "Importens nya text."  # 1.2's Kommentar
    assert ACTIVITY_HEADER[6] == "Kommentar"

    errors = rejected(plan_file(activities=rows), unit, vp, model_owner)

    assert [(e.row, e.sheet) for e in errors] == [(3, "Aktiviteter")]
    assert "sparades av Cecilia Chef" in errors[0].message
    assert "inget har importerats" in errors[0].message
    # Nothing of the file is written. (Here the manager's save ran inside the
    # import's transaction, so it is rolled back with it; on a server it is
    # the manager's own transaction and stays.)
    report = report_of(unit, "1.2", delar)
    assert report.comment != "Importens nya text."
