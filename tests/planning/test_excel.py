"""A plan in Excel and back: export, template, import (all or nothing), the
commands and the pages."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from styrhjul.core.importing import ImportRejected
from styrhjul.model.models import ItemKind
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.excel import (
    export_workbook,
    import_file,
    read_workbook,
    template_workbook,
)
from styrhjul.planning.models import Item, Plan
from tests.excel import (
    ACTIVITY_HEADER,
    ASSIGNMENT_HEADER,
    CONTROL_EXPORT_HEADER,
    CONTROL_HEADER,
    GOAL_HEADER,
    INDICATOR_HEADER,
    history_rows,
    import_plan,
    rejected,
    snapshot,
    workbook,
)
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def verksamhetsplan_file() -> bytes:
    return workbook(
        {
            "Mål": [
                GOAL_HEADER,
                [
                    "1",
                    "Invånare",
                    "Verksamhetsmål",
                    "Trygg och säker hemtjänst",
                    "Brukarna ska känna sig trygga.\nÄven nattetid.",
                    None,
                    "anna@example.se",
                ],
                ["2", "Medarbetare", "Verksamhetsmål", "Hållbart arbetsliv", None, None, None],
                [None, "Ekonomi", "Verksamhetsmål", "Budget i balans", None, "1\n2", "Ekonom"],
            ],
            "Nyckeltal": [
                INDICATOR_HEADER,
                [
                    "1.1",
                    "Invånare",
                    "1",
                    "Andel brukare som känner sig trygga",
                    None,
                    "%",
                    "Högre är bättre",
                    "Kolada",
                    "U21468",
                    "Varje enhet",
                    "År",
                    2022,
                    81.5,
                    2026,
                    90,
                    2,
                    "Ja",
                ],
                [
                    "2.1",
                    "Medarbetare",
                    "2",
                    "Sjukfrånvaro",
                    "Total sjukfrånvaro i procent av arbetstiden.",
                    "%",
                    "lägre är bättre",
                    "Rapporteras manuellt",
                    None,
                    "Centralt",
                    "Månad",
                    "2024",
                    "8,25",
                    2026,
                    "6",
                    None,
                    "Nej",
                ],
            ],
            "Aktiviteter": [
                ACTIVITY_HEADER,
                [
                    "A1",
                    "Invånare",
                    "1",
                    "Nattpatrull två gånger per natt",
                    None,
                    "anna andersson",
                    datetime.date(2025, 2, 1),
                    datetime.date(2025, 6, 30),
                ],
                [
                    None,
                    "Medarbetare",
                    "2; Budget i balans",
                    "Friskvårdstimme för all personal",
                    "Varje vecka.",
                    "HR-specialist",
                    "2025-01-15",
                    None,
                ],
                [None, None, None, "=Rensa bland rutinerna", None, None, None, None],
            ],
            "Särskilda uppdrag": [
                ASSIGNMENT_HEADER,
                [
                    "U1",
                    "Utreda nattbemanning",
                    None,
                    "Socialnämnden",
                    None,
                    datetime.date(2025, 10, 31),
                ],
            ],
            "Anteckningar": [["Det här bladet läses inte."]],
        }
    )


def control_file() -> bytes:
    return workbook(
        {
            "Kontrollpunkter": [
                CONTROL_HEADER,
                [
                    "Ekonomi",
                    "1",
                    "Attest av fakturor",
                    "Fakturor betalas utan attest.",
                    2,
                    3,
                    "Stickprov på 20 fakturor",
                    "Stickprov, ekonom",
                    "Två gånger per år",
                    "Ekonom",
                ],
                [
                    "Personal",
                    "2",
                    "Lön",
                    None,
                    "1",
                    4.0,
                    "Kontroll av löneutbetalningar\nmot beslut om anställning",
                    None,
                    "En gång per år",
                    None,
                ],
            ]
        }
    )


@pytest.fixture
def anna(org):
    """A Rapportör in the förvaltning, who may be Ansvarig in its plans."""
    user = UserFactory(first_name="Anna", last_name="Andersson", email="anna@example.se")
    grant(user, org["forv"], Role.REPORTER)
    return user


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def ikp(model):
    return model.plan_types.get(name="Internkontrollplan")


@pytest.fixture
def unit(org):
    return org["enhet_a2"]  # Hemtjänst Norr, an Enhet


def plan_of(unit, plan_type):
    return Plan.objects.get(unit=unit, plan_type=plan_type)


def item(unit, plan_type, kind, title):
    return Item.objects.get(plan__unit=unit, plan__plan_type=plan_type, kind=kind, title=title)


def read_back(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows_of(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]


# --- Importing ---------------------------------------------------------------------------


def test_a_workbook_fills_the_plan_with_goals_indicators_activities_and_assignments(unit, vp, anna):
    result = import_plan(verksamhetsplan_file(), unit, vp)

    assert result.summary() == (
        "Importerade 9 poster till Verksamhetsplan 2025 för Hemtjänst Norr: 9 nya, 0 ändrade; "
        "7 nya kopplingar. Blad som inte lästes: Anteckningar."
    )
    trygg = item(unit, vp, ItemKind.GOAL, "Trygg och säker hemtjänst")
    assert trygg.number == "1"
    assert trygg.perspective.name == "Invånare" and trygg.level.name == "Verksamhetsmål"
    assert trygg.description == "Brukarna ska känna sig trygga.\nÄven nattetid."
    assert trygg.responsible == anna and trygg.responsible_text == ""
    budget = item(unit, vp, ItemKind.GOAL, "Budget i balans")
    assert budget.responsible is None and budget.responsible_text == "Ekonom"
    assert {g.number for g in budget.contributes_to.all()} == {"1", "2"}

    trygghet = item(unit, vp, ItemKind.INDICATOR, "Andel brukare som känner sig trygga")
    assert trygghet.direction == "higher" and trygghet.source == "kolada"
    assert trygghet.kolada_kpi == "U21468" and trygghet.reported_by == "each_unit"
    assert trygghet.baseline_value == Decimal("81.50") and trygghet.target_value == 90
    assert trygghet.gender_split is True and trygghet.periodicity == "year"
    assert list(trygghet.contributes_to.all()) == [trygg]
    sjuk = item(unit, vp, ItemKind.INDICATOR, "Sjukfrånvaro")
    assert sjuk.direction == "lower" and sjuk.source == "manual"
    assert sjuk.baseline_year == 2024 and sjuk.baseline_value == Decimal("8.25")
    assert sjuk.gender_split is False and sjuk.near_target_margin is None

    natt = item(unit, vp, ItemKind.ACTIVITY, "Nattpatrull två gånger per natt")
    assert natt.responsible == anna  # matched on the full name, case ignored
    assert (natt.start_date, natt.end_date) == (
        datetime.date(2025, 2, 1),
        datetime.date(2025, 6, 30),
    )
    frisk = item(unit, vp, ItemKind.ACTIVITY, "Friskvårdstimme för all personal")
    assert {g.title for g in frisk.contributes_to.all()} == {
        "Hållbart arbetsliv",
        "Budget i balans",
    }
    assert frisk.start_date == datetime.date(2025, 1, 15) and frisk.end_date is None
    assert item(unit, vp, ItemKind.ACTIVITY, "=Rensa bland rutinerna").order == 3
    uppdrag = item(unit, vp, ItemKind.ASSIGNMENT, "Utreda nattbemanning")
    assert uppdrag.given_by == "Socialnämnden" and uppdrag.end_date == datetime.date(2025, 10, 31)


def test_control_points_take_their_title_from_the_kontrollmoment(unit, ikp):
    import_plan(control_file(), unit, ikp)

    first, second = plan_of(unit, ikp).items.order_by("order")
    assert (first.area, first.number, first.process) == ("Ekonomi", "1", "Attest av fakturor")
    assert (first.probability, first.consequence, first.risk_value) == (2, 3, 6)
    assert first.title == first.control_step == "Stickprov på 20 fakturor"
    assert first.responsible_text == "Ekonom" and first.frequency == "Två gånger per år"
    assert second.control_step == "Kontroll av löneutbetalningar\nmot beslut om anställning"
    assert second.title == "Kontroll av löneutbetalningar mot beslut om anställning"
    assert (second.probability, second.consequence) == (1, 4)


def test_import_export_import_gives_the_same_plan_and_changes_nothing(org, unit, vp, ikp, anna):
    import_plan(verksamhetsplan_file(), unit, vp)
    import_plan(control_file(), unit, ikp)
    before = {t: snapshot(plan_of(unit, t)) for t in (vp, ikp)}
    exported = {t: export_workbook(actor=access.SYSTEM, unit=unit, plan_type=t) for t in (vp, ikp)}
    rows_before = history_rows()

    for plan_type in (vp, ikp):
        result = import_plan(exported[plan_type], unit, plan_type)
        assert not result.changed_anything, result.summary()

    assert history_rows() == rows_before  # not one new history row
    assert {t: snapshot(plan_of(unit, t)) for t in (vp, ikp)} == before
    # The export builds the same plan in another unit of the same type.
    other = org["enhet_a1"]
    for plan_type in (vp, ikp):
        import_plan(exported[plan_type], other, plan_type)
        assert snapshot(plan_of(other, plan_type)) == before[plan_type]


def test_rows_are_matched_by_nr_or_else_by_title_and_absent_items_are_left_alone(unit, vp):
    import_plan(verksamhetsplan_file(), unit, vp)
    trygg = item(unit, vp, ItemKind.GOAL, "Trygg och säker hemtjänst")
    budget = item(unit, vp, ItemKind.GOAL, "Budget i balans")
    version = trygg.version

    result = import_plan(
        workbook(
            {
                "Mål": [
                    ["Mål", "Nr", "Målnivå"],  # another order, and fewer columns
                    ["Trygg hemtjänst dygnet runt", "1", "Verksamhetsmål"],  # new title, same Nr
                    ["Budget i balans", None, "Verksamhetsmål"],  # no Nr: matched on title
                    ["Fler söker jobb hos oss", "4", "Verksamhetsmål"],
                ]
            }
        ),
        unit,
        vp,
    )

    # Budget i balans takes its row's place in the plan (2, not 3 as before).
    assert result.summary() == (
        "Importerade 3 poster till Verksamhetsplan 2025 för Hemtjänst Norr: 1 ny, 2 ändrade."
    )
    budget.refresh_from_db()
    assert budget.order == 2
    trygg.refresh_from_db()
    assert trygg.title == "Trygg hemtjänst dygnet runt" and trygg.version == version + 1
    # Columns the sheet does not have are left as they were.
    assert trygg.perspective.name == "Invånare" and trygg.description.startswith("Brukarna")
    assert budget.contributes_to.count() == 2
    assert item(unit, vp, ItemKind.GOAL, "Hållbart arbetsliv").archived_at is None
    assert plan_of(unit, vp).items.active().filter(kind=ItemKind.GOAL).count() == 4


def test_an_empty_cell_clears_the_value_and_an_empty_goal_cell_removes_the_links(unit, vp):
    import_plan(verksamhetsplan_file(), unit, vp)

    import_plan(
        workbook(
            {
                "Aktiviteter": [
                    ["Aktivitet", "Mål", "Beskrivning", "Ansvarig"],
                    ["Friskvårdstimme för all personal", None, None, None],
                ]
            }
        ),
        unit,
        vp,
    )

    frisk = item(unit, vp, ItemKind.ACTIVITY, "Friskvårdstimme för all personal")
    assert frisk.description == "" and frisk.responsible_text == ""
    assert not frisk.contributes_to.exists()
    assert frisk.start_date == datetime.date(2025, 1, 15)  # no such column: unchanged


def test_archive_missing_archives_what_the_sheets_do_not_list(unit, vp):
    import_plan(verksamhetsplan_file(), unit, vp)
    only_one_goal = workbook(
        {"Mål": [["Nr", "Mål", "Målnivå"], ["1", "Trygg och säker hemtjänst", "Verksamhetsmål"]]}
    )

    dry = import_plan(only_one_goal, unit, vp, archive_missing=True, dry_run=True)
    assert "2 arkiverade poster" in dry.summary() and "Inget har sparats" in dry.summary()
    assert plan_of(unit, vp).items.active().count() == 9

    import_plan(only_one_goal, unit, vp, archive_missing=True)
    active = plan_of(unit, vp).items.active()
    assert sorted(active.filter(kind=ItemKind.GOAL).values_list("title", flat=True)) == [
        "Trygg och säker hemtjänst"
    ]
    # Kinds without a sheet in the file are left alone.
    assert active.filter(kind=ItemKind.ACTIVITY).count() == 3
    archived = item(unit, vp, ItemKind.GOAL, "Budget i balans")
    assert archived.archived_at is not None

    # An archived item's Nr is still its own: a new row may not take it.
    errors = rejected(
        workbook({"Mål": [["Nr", "Mål", "Målnivå"], ["2", "Nytt mål", "Verksamhetsmål"]]}),
        unit,
        vp,
    )
    assert [(e.row, e.column, e.message) for e in errors] == [
        (
            2,
            "Nr",
            "Nr ”2” har redan en arkiverad post i planen (”Hållbart arbetsliv”). Välj ett annat "
            "Nr, eller återställ den arkiverade posten.",
        )
    ]


def test_every_error_names_sheet_row_and_column_and_nothing_is_saved(org, unit, vp, anna):
    bad = workbook(
        {
            "Mål": [
                GOAL_HEADER,
                ["1", "Invånarna", "Verksamhetsmål", "Trygg hemtjänst", None, None, None],
                ["1", "Ekonomi", "Nämndmål", "Budget i balans", None, "9", None],
                ["3", None, "Delmål", None, None, None, None],
            ],
            "Nyckeltal": [
                ["Nyckeltal", "Utgångsvärde", "Utgångsår", "Könsuppdelat", "Riktning"],
                ["Sjukfrånvaro", "åtta", "tjugo", "kanske", "uppåt"],
            ],
            "Aktiviteter": [
                ["Aktivitet", "Mål", "Startdatum", "Slutdatum"],
                ["Nattpatrull", "Trygg hemtjänst", "2025-05-01", "2025-04-30"],
                ["Friskvård", None, "2025-02-30", None],
                [None, None, None, "2025-12-31"],
            ],
            "Kontrollpunkter": [["Kontrollmoment"], ["Attest"]],
        }
    )

    errors = rejected(bad, unit, vp)

    found = [(e.sheet, e.row, e.column) for e in errors]
    assert found == [
        ("Mål", 2, "Perspektiv"),
        ("Mål", 3, "Nr"),
        ("Mål", 3, "Målnivå"),
        ("Mål", 3, "Bidrar till"),
        ("Mål", 4, "Målnivå"),
        ("Mål", 4, "Mål"),
        ("Nyckeltal", 2, "Riktning"),
        ("Nyckeltal", 2, "Utgångsår"),
        ("Nyckeltal", 2, "Utgångsvärde"),
        ("Nyckeltal", 2, "Könsuppdelat"),
        ("Aktiviteter", 2, "Slutdatum"),
        ("Aktiviteter", 3, "Startdatum"),
        ("Aktiviteter", 4, "Aktivitet"),
        ("Kontrollpunkter", None, None),
    ]
    messages = {(e.sheet, e.row, e.column): e.message for e in errors}
    assert messages[("Mål", 2, "Perspektiv")] == (
        "okänt perspektiv ”Invånarna”. Perspektiven är Invånare, Samhälle och miljö, "
        "Medarbetare, Ekonomi, Verksamhet. Menade du ”Invånare”?"
    )
    assert messages[("Mål", 3, "Nr")] == "Nr ”1” finns redan på rad 2 på bladet."
    assert messages[("Mål", 3, "Målnivå")] == (
        "Enhet får inte ha mål på nivån Nämndmål. Nivåer för Enhet: Verksamhetsmål."
    )
    assert "inget mål med Nr eller rubriken ”9”" in messages[("Mål", 3, "Bidrar till")]
    assert messages[("Mål", 4, "Målnivå")].startswith(
        "okänd målnivå ”Delmål”. Målnivåerna är Inriktningsmål, Nämndmål, Verksamhetsmål."
    )
    assert messages[("Mål", 4, "Mål")] == "Mål saknas; varje rad behöver en rubrik."
    assert (
        "Högre är bättre, Lägre är bättre, Ingen riktning" in messages[("Nyckeltal", 2, "Riktning")]
    )
    assert messages[("Nyckeltal", 2, "Utgångsvärde")] == "”åtta” är inte ett tal."
    assert messages[("Aktiviteter", 2, "Slutdatum")] == (
        "Slutdatum (2025-04-30) är före Startdatum (2025-05-01)."
    )
    assert "”2025-02-30” är inte ett giltigt datum" in messages[("Aktiviteter", 3, "Startdatum")]
    assert messages[("Kontrollpunkter", None, None)].startswith(
        "Verksamhetsplan innehåller inte kontrollpunkter."
    )
    assert str(errors[0]) == (
        "Blad Mål, rad 2, kolumn Perspektiv: okänt perspektiv ”Invånarna”. Perspektiven är "
        "Invånare, Samhälle och miljö, Medarbetare, Ekonomi, Verksamhet. Menade du ”Invånare”?"
    )
    assert not Plan.objects.exists() and not Item.objects.exists()


def test_probability_and_consequence_must_be_1_to_4(unit, ikp):
    bad = workbook(
        {
            "Kontrollpunkter": [
                ["Kontrollmoment", "Sannolikhet", "Konsekvens"],
                ["Attest", 5, 0],
                ["Lön", "2,5", "x"],
            ]
        }
    )

    errors = rejected(bad, unit, ikp)

    assert [(e.row, e.column, e.message) for e in errors] == [
        (2, "Sannolikhet", "5 ligger utanför det tillåtna, 1–4."),
        (2, "Konsekvens", "0 ligger utanför det tillåtna, 1–4."),
        (3, "Sannolikhet", "”2,5” är inte ett heltal från 1 till 4."),
        (3, "Konsekvens", "”x” är inte ett tal."),
    ]


def test_headers_are_read_in_any_case_and_order_and_typos_are_caught(unit, vp):
    errors = rejected(
        workbook({"mål": [["MÅLNIVÅ", "mål", "Perspektv"], ["Verksamhetsmål", "Trygghet", None]]}),
        unit,
        vp,
    )
    assert [str(e) for e in errors] == [
        "Blad mål, rad 1: okänd kolumn ”Perspektv”. Menade du ”Perspektiv”?"
    ]

    result = import_plan(
        workbook(
            {"mål": [["MÅLNIVÅ", "mål", "Egen kommentar"], ["Verksamhetsmål", "Trygghet", "x"]]}
        ),
        unit,
        vp,
    )
    assert "Kolumner som inte lästes: mål: Egen kommentar." in result.summary()


def test_a_sheet_without_its_title_column_is_refused(unit, vp):
    errors = rejected(workbook({"Aktiviteter": [["Beskrivning"], ["Något"]]}), unit, vp)
    assert [(e.sheet, e.row) for e in errors] == [("Aktiviteter", 1)]
    assert errors[0].message.startswith("rubrikraden saknar kolumnen Aktivitet.")


def test_goals_that_contribute_to_each_other_in_a_circle_are_refused(unit, vp):
    errors = rejected(
        workbook(
            {
                "Mål": [
                    ["Nr", "Mål", "Målnivå", "Bidrar till"],
                    ["1", "Ett", "Verksamhetsmål", "2"],
                    ["2", "Två", "Verksamhetsmål", "3"],
                    ["3", "Tre", "Verksamhetsmål", "1"],
                    ["4", "Fyra", "Verksamhetsmål", "4"],
                ]
            }
        ),
        unit,
        vp,
    )
    assert [(e.row, e.column) for e in errors] == [(2, "Bidrar till"), (5, "Bidrar till")]
    assert "cirkel: 1 → 2 → 3 → 1" in errors[0].message
    assert errors[1].message == "ett mål kan inte bidra till sig självt."


def test_a_name_shared_by_two_users_must_be_written_as_an_e_mail_address(unit, vp):
    UserFactory(first_name="Per", last_name="Nilsson", email="per.nilsson@example.se")
    per2 = UserFactory(first_name="Per", last_name="Nilsson", email="per.nilsson2@example.se")
    grant(per2, unit, Role.MANAGER)
    sheet = [["Aktivitet", "Ansvarig"], ["Nattpatrull", "Per Nilsson"]]

    errors = rejected(workbook({"Aktiviteter": sheet}), unit, vp)
    assert errors[0].column == "Ansvarig" and "flera användare heter" in errors[0].message

    sheet[1][1] = "PER.NILSSON2@example.se"
    import_plan(workbook({"Aktiviteter": sheet}), unit, vp)
    assert item(unit, vp, ItemKind.ACTIVITY, "Nattpatrull").responsible.email == (
        "per.nilsson2@example.se"
    )


def test_a_user_who_may_not_write_for_the_unit_gets_an_error_and_nothing_is_saved(org, unit, vp):
    reader = UserFactory()
    grant(reader, unit, Role.READER)

    errors = rejected(verksamhetsplan_file(), unit, vp, actor=reader)

    assert [e.message for e in errors] == [
        "du har inte behörighet att ändra planer för Hemtjänst Norr."
    ]
    assert not Plan.objects.exists()


def test_a_manager_imports_into_their_own_unit_and_the_history_names_them(unit, vp):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)

    import_plan(workbook({"Aktiviteter": [["Aktivitet"], ["Nattpatrull"]]}), unit, vp, actor=chef)

    created = item(unit, vp, ItemKind.ACTIVITY, "Nattpatrull")
    assert created.history.get().history_user == chef


def test_goals_elsewhere_can_be_named_and_the_plan_s_own_goal_wins(org, unit, vp, model):
    levels = {lvl.name: lvl for lvl in model.levels.all()}
    forv_plan = services.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=vp)
    shared = services.item_create(
        actor=access.SYSTEM,
        plan=forv_plan,
        kind=ItemKind.GOAL,
        number="SF1",
        title="God kvalitet i omsorgen",
        level=levels["Verksamhetsmål"],
    )
    services.item_create(
        actor=access.SYSTEM,
        plan=forv_plan,
        kind=ItemKind.GOAL,
        number="1",
        title="Förvaltningens mål nummer ett",
        level=levels["Verksamhetsmål"],
    )
    services.item_share(actor=access.SYSTEM, item=shared, units=[unit])

    import_plan(
        workbook(
            {
                "Mål": [
                    ["Nr", "Mål", "Målnivå", "Bidrar till"],
                    ["1", "Eget", "Verksamhetsmål", "SF1"],
                ],
                "Aktiviteter": [["Aktivitet", "Mål"], ["Nattpatrull", "1\nsf1"]],
            }
        ),
        unit,
        vp,
    )

    own = item(unit, vp, ItemKind.GOAL, "Eget")
    assert list(own.contributes_to.all()) == [shared]
    activity = item(unit, vp, ItemKind.ACTIVITY, "Nattpatrull")
    assert set(activity.contributes_to.all()) == {own, shared}

    book = read_back(export_workbook(actor=access.SYSTEM, unit=unit, plan_type=vp))
    # Shared goals are listed on their own sheet, not among the plan's goals.
    assert [r[3] for r in rows_of(book["Mål"])[1:]] == ["Eget"]
    assert rows_of(book["Delat till enheten"]) == [
        ["Typ", "Nr", "Rubrik", "Perspektiv", "Målnivå", "Delat från", "Beskrivning"],
        [
            "Mål",
            "SF1",
            "God kvalitet i omsorgen",
            None,
            "Verksamhetsmål",
            "Socialförvaltningen",
            None,
        ],
    ]
    assert book["Delat till enheten"].protection.sheet
    assert rows_of(book["Aktiviteter"])[1][2] == "1\nSF1"
    # The export reads back as the same plan; the shared sheet is not read.
    rows_before = history_rows()
    out = io.BytesIO()
    book.save(out)
    assert not import_plan(out.getvalue(), unit, vp).changed_anything
    assert history_rows() == rows_before


def test_the_downloaded_plan_names_the_goals_above_nearest_unit_first(client, org, unit, vp, model):
    """The page reads the unit with its place in the tree, the command line
    does not: both name the goals of the units above alike, the nearest
    unit's first, and a goal a name cannot single out by its Nr by title."""
    level = model.levels.get(name="Verksamhetsmål")
    goals = []
    for key, title in (("forv", "Förvaltningens mål"), ("avd_a", "Avdelningens mål")):
        above = services.plan_for(actor=access.SYSTEM, unit=org[key], plan_type=vp)
        goals.append(
            services.item_create(
                actor=access.SYSTEM,
                plan=above,
                kind=ItemKind.GOAL,
                number="1",
                title=title,
                level=level,
            )
        )
    import_plan(workbook({"Aktiviteter": [["Aktivitet"], ["Nattpatrull"]]}), unit, vp)
    activity = item(unit, vp, ItemKind.ACTIVITY, "Nattpatrull")
    for goal in goals:
        services.item_link(actor=access.SYSTEM, item=activity, target=goal)
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)
    client.force_login(chef)

    response = client.get(reverse("planning:plan_export", args=[plan_of(unit, vp).pk]))
    from_page = rows_of(read_back(response.content)["Aktiviteter"])
    from_command = rows_of(
        read_back(export_workbook(actor=chef, unit=unit, plan_type=vp))["Aktiviteter"]
    )

    assert from_page[1][2] == "Avdelningens mål\nFörvaltningens mål"
    assert from_command == from_page


def test_links_the_goal_column_cannot_name_are_left_alone(chain, org):
    """The chain's activity contributes to the förvaltning's goal SF1 (a
    unit above). A link to an indicator cannot be written in the Mål column:
    an import leaves it as it is."""
    activity, ap = chain["activity"], chain["ap"]
    services.item_link(actor=access.SYSTEM, item=activity, target=chain["indicator"])

    exported = export_workbook(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=ap)
    assert rows_of(read_back(exported)["Aktiviteter"])[1][2] == "SF1"
    rows_before = history_rows()

    result = import_plan(exported, org["enhet_b1"], ap)

    assert not result.changed_anything and history_rows() == rows_before
    assert set(activity.contributes_to.all()) == {chain["operational"], chain["indicator"]}


def test_a_dry_run_checks_everything_and_saves_nothing(unit, vp):
    result = import_plan(verksamhetsplan_file(), unit, vp, dry_run=True)

    assert result.summary().startswith(
        "Filen är giltig. Importen skulle ge 9 poster i Verksamhetsplan 2025 för Hemtjänst Norr:"
    )
    assert result.summary().endswith("Inget har sparats.")
    assert not Plan.objects.exists() and not Item.objects.exists()


def test_files_that_are_not_workbooks_are_refused_with_one_message(unit, vp):
    def message(data, filename):
        with pytest.raises(ImportRejected) as info:
            import_file(actor=access.SYSTEM, unit=unit, plan_type=vp, data=data, filename=filename)
        return [str(e) for e in info.value.errors]

    assert message(b"Nr;Mal\n1;x\n", "plan.csv") == [
        "Fel filtyp (.csv). Välj en Excel-arbetsbok (.xlsx)."
    ]
    assert message(b"", "plan.xlsx") == ["Filen är tom."]
    assert message(b"not a zip", "plan.xlsx") == [
        "Filen är inte en giltig Excel-arbetsbok (.xlsx)."
    ]
    assert message(workbook({"Blad1": [["a"]]}), "plan.xlsx")[0].startswith(
        "Filen har inget blad med poster."
    )


# --- Exporting and the template ----------------------------------------------------------


def test_the_export_has_a_styled_sheet_per_kind_with_real_dates(unit, vp, anna):
    import_plan(verksamhetsplan_file(), unit, vp)

    book = read_back(export_workbook(actor=access.SYSTEM, unit=unit, plan_type=vp))

    assert book.sheetnames == [
        "Mål",
        "Nyckeltal",
        "Aktiviteter",
        "Särskilda uppdrag",
        "Instruktioner",
        "Listor",
    ]
    assert book["Listor"].sheet_state == "hidden"
    goals = book["Mål"]
    assert [c.value for c in goals[1]] == GOAL_HEADER
    assert all(c.font.bold for c in goals[1]) and goals.freeze_panes == "A2"
    assert goals.column_dimensions["D"].width == 45
    assert rows_of(goals)[1] == [
        "1",
        "Invånare",
        "Verksamhetsmål",
        "Trygg och säker hemtjänst",
        "Brukarna ska känna sig trygga.\nÄven nattetid.",
        None,
        "anna@example.se",
    ]
    assert rows_of(goals)[3][5] == "1\n2"  # Bidrar till
    activities = book["Aktiviteter"]
    start = activities["G2"]
    assert start.is_date and start.value == datetime.datetime(2025, 2, 1)
    assert start.number_format == "yyyy-mm-dd"
    formula_like = activities["D4"]
    assert formula_like.value == "'=Rensa bland rutinerna"  # OWASP's prefix, not a formula
    assert formula_like.data_type == "s"
    indicators = rows_of(book["Nyckeltal"])
    assert indicators[1][6:] == [
        "Högre är bättre",
        "Kolada",
        "U21468",
        "Varje enhet",
        "År",
        2022,
        81.5,
        2026,
        90,
        2,
        "Ja",
        None,  # Målvärden per år: none
    ]


def test_every_column_of_the_export_looks_the_same_down_to_the_rows_a_user_adds(unit, vp, anna):
    """What a user sees of each column, cell by cell, also in the empty cells
    and the spare rows below the data: its width, format, wrapping and drop-
    down; the header row bold on the house fill, frozen and filtered."""
    from openpyxl.utils import get_column_letter

    from styrhjul.core.spreadsheet import HEADER_FILL
    from styrhjul.planning.excel import columns as col
    from styrhjul.planning.excel.writer import SPARE_ROWS

    import_plan(verksamhetsplan_file(), unit, vp)
    book = read_back(export_workbook(actor=access.SYSTEM, unit=unit, plan_type=vp))

    assert book.sheetnames[-1] == "Listor" and book.active.title == "Mål"
    for spec in col.sheets_for(vp.item_kinds):
        sheet = book[spec.name]
        rows = sheet.max_row
        last = get_column_letter(len(spec.columns))
        assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", f"A1:{last}{rows}")
        dropdowns = {
            str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation
        }
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            header = sheet[f"{letter}1"]
            assert header.value == column.header and header.font.b, column.header
            assert header.fill.fgColor.rgb.endswith(HEADER_FILL)
            number_format = (
                "yyyy-mm-dd"
                if column.cell == col.DATE
                else "@"
                if column.key in ("number", "kolada_kpi")
                else "0"
                if column.cell == col.YEAR
                else "General"
            )
            wrap = column.cell in (col.LONG_TEXT, col.GOALS, col.TARGETS)
            # Neighbouring columns that look the same may share one range.
            dimension = next(
                d for d in list(sheet.column_dimensions.values()) if d.min <= index <= d.max
            )
            assert dimension.width == column.width, column.header
            for cell in [*(sheet[f"{letter}{row}"] for row in range(2, rows + 1)), dimension]:
                assert cell.number_format == number_format, (column.header, cell)
                assert bool(cell.alignment.wrap_text) == wrap, (column.header, cell)
                assert cell.alignment.vertical == "top", (column.header, cell)
            dropdown = dropdowns.get(f"{letter}2:{letter}{rows + SPARE_ROWS}")
            if column.cell in (col.PERSPECTIVE, col.CHOICE, col.BOOLEAN):
                assert dropdown and dropdown.startswith("'Listor'!$"), column.header
    listor = book["Listor"]
    assert listor.sheet_state == "hidden" and listor["A1"].value == "Perspektiv"
    assert "A3:C3" in {str(r) for r in book["Instruktioner"].merged_cells.ranges}


def test_an_export_of_a_plan_not_yet_made_has_headers_only(unit, ikp):
    book = read_back(export_workbook(actor=access.SYSTEM, unit=unit, plan_type=ikp))
    assert rows_of(book["Kontrollpunkter"]) == [CONTROL_EXPORT_HEADER]


def _validated(sheet) -> dict[str, str]:
    """Header → the drop-down's formula, for the columns that have one."""
    headers = {c.column_letter: c.value for c in sheet[1]}
    result = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            result[headers[cell_range.coord.split(":")[0].rstrip("0123456789")]] = rule.formula1
    return result


def test_the_template_has_headers_an_example_drop_downs_and_instructions(unit, vp, ikp):
    book = read_back(template_workbook(plan_type=vp))

    assert book.sheetnames[:5] == [
        "Mål",
        "Nyckeltal",
        "Aktiviteter",
        "Särskilda uppdrag",
        "Instruktioner",
    ]
    assert [c.value for c in book["Nyckeltal"][1]] == [*INDICATOR_HEADER, "Målvärden per år"]
    assert rows_of(book["Mål"])[1][:4] == [
        "1",
        "Invånare",
        "Verksamhetsmål",
        "Exempel: Fler invånare är nöjda med vårt bemötande",
    ]
    assert set(_validated(book["Mål"])) == {"Perspektiv", "Målnivå"}
    assert set(_validated(book["Nyckeltal"])) == {
        "Perspektiv",
        "Riktning",
        "Källa",
        "Rapporteras av",
        "Periodicitet",
        "Könsuppdelat",
    }
    instructions = [
        c for row in book["Instruktioner"].iter_rows(values_only=True) for c in row if c
    ]
    assert "Bladet Nyckeltal" in instructions and "Könsuppdelat" in instructions
    control = read_back(template_workbook(plan_type=ikp))["Kontrollpunkter"]
    assert _validated(control) == {"Sannolikhet": '"1,2,3,4"', "Konsekvens": '"1,2,3,4"'}

    # The template, example rows and all, is a valid file for an Enhet.
    result = import_plan(template_workbook(plan_type=vp), unit, vp, dry_run=True)
    assert result.created == 4


# --- Commands ------------------------------------------------------------------------------


def _file(tmp_path, data, name="plan.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_import_command_imports_and_reports(tmp_path, unit, vp, capsys):
    path = _file(tmp_path, verksamhetsplan_file())

    call_command(
        "import_plan",
        str(path),
        "--unit",
        "ao2",
        "--year",
        "2025",
        "--plan-type",
        "verksamhetsplan",
    )

    assert "Importerade 9 poster till Verksamhetsplan 2025 för Hemtjänst Norr" in (
        capsys.readouterr().out
    )
    assert plan_of(unit, vp).items.count() == 9
    assert Item.history.filter(history_user__isnull=False).count() == 0  # the system


def test_the_import_command_writes_each_error_on_its_own_line(tmp_path, unit, vp, capsys):
    path = _file(tmp_path, workbook({"Mål": [["Mål", "Målnivå"], ["A", "X"], [None, "Nämndmål"]]}))

    with pytest.raises(CommandError) as info:
        call_command(
            "import_plan",
            str(path),
            "--unit",
            "AO2",
            "--year",
            "2025",
            "--plan-type",
            "Verksamhetsplan",
        )

    assert str(info.value) == "plan.xlsx importerades inte: 3 fel. Ingenting har sparats."
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("Blad Mål, rad 2, kolumn Målnivå: okänd målnivå ”X”.")
    assert len(lines) == 3
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--unit", "XX"], "Det finns ingen enhet med koden XX."),
        (["--year", "2030"], "Det finns ingen styrmodell för 2030 som gäller Hemtjänst Norr."),
        (["--plan-type", "Budget"], "Det finns ingen plantyp som heter Budget"),
        (["--user", "okand@example.se"], "Det finns ingen användare"),
    ],
)
def test_the_import_command_names_what_it_cannot_find(tmp_path, unit, vp, arguments, message):
    path = _file(tmp_path, verksamhetsplan_file())
    options = {"--unit": "AO2", "--year": "2025", "--plan-type": "Verksamhetsplan"}
    options.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    with pytest.raises(CommandError) as info:
        call_command("import_plan", str(path), *[x for pair in options.items() for x in pair])
    assert str(info.value).startswith(message)


def test_the_import_command_runs_as_a_named_user_with_their_rights(tmp_path, unit, vp, org):
    chef = UserFactory(username="chef.norr")
    grant(chef, org["enhet_a1"], Role.MANAGER)  # another unit
    path = _file(tmp_path, verksamhetsplan_file())

    with pytest.raises(CommandError):
        call_command(
            "import_plan",
            str(path),
            "--unit=AO2",
            "--year=2025",
            "--plan-type=Verksamhetsplan",
            "--user=chef.norr",
        )
    assert not Item.objects.exists()


def test_export_command_writes_one_plan_or_one_file_per_plan_type(tmp_path, unit, vp, ikp, capsys):
    import_plan(verksamhetsplan_file(), unit, vp)
    import_plan(control_file(), unit, ikp)

    call_command(
        "export_plan",
        "--unit=AO2",
        "--year=2025",
        "--plan-type=Verksamhetsplan",
        "-o",
        str(tmp_path / "vp.xlsx"),
    )
    assert read_back((tmp_path / "vp.xlsx").read_bytes()).sheetnames[0] == "Mål"

    call_command("export_plan", "--unit=AO2", "--year=2025", "-o", str(tmp_path / "alla.xlsx"))
    assert sorted(p.name for p in tmp_path.glob("alla-*.xlsx")) == [
        "alla-internkontrollplan.xlsx",
        "alla-verksamhetsplan.xlsx",
    ]
    out = capsys.readouterr().out
    assert "Skrev Internkontrollplan 2025 för Hemtjänst Norr till" in out

    # Each file imports back as it is, changing nothing.
    rows_before = history_rows()
    call_command(
        "import_plan",
        str(tmp_path / "alla-internkontrollplan.xlsx"),
        "--unit=AO2",
        "--year=2025",
        "--plan-type=Internkontrollplan",
    )
    assert history_rows() == rows_before


def test_export_command_without_plans_asks_for_a_plan_type(tmp_path, unit, vp):
    with pytest.raises(CommandError) as info:
        call_command("export_plan", "--unit=AO2", "--year=2025", "-o", str(tmp_path / "x.xlsx"))
    assert "Hemtjänst Norr har inga planer för 2025" in str(info.value)


# --- Pages ---------------------------------------------------------------------------------


def upload(data: bytes, name: str = "plan.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_reader_downloads_the_plan_and_others_get_404(client, org, unit, vp):
    import_plan(verksamhetsplan_file(), unit, vp)
    plan = plan_of(unit, vp)
    reader = UserFactory()
    grant(reader, unit, Role.READER)
    client.force_login(reader)

    response = client.get(reverse("planning:plan_export", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="verksamhetsplan-2025-hemtjanst-norr.xlsx"'
    )
    assert read_back(response.content).sheetnames[0] == "Mål"

    stranger = UserFactory()
    grant(stranger, org["enhet_a1"], Role.MANAGER)
    client.force_login(stranger)
    assert client.get(reverse("planning:plan_export", args=[plan.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("planning:plan_export", args=[plan.pk])).status_code == 302


def test_the_template_is_for_anyone_in_the_organisation(client, org, vp):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    client.force_login(chef)

    response = client.get(reverse("planning:plan_template", args=[vp.pk]))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="mall-verksamhetsplan-2025.xlsx"'
    )
    assert "Instruktioner" in read_back(response.content).sheetnames
    client.force_login(UserFactory())  # no grant anywhere
    assert client.get(reverse("planning:plan_template", args=[vp.pk])).status_code == 404


def test_the_import_page_shows_the_form_and_the_downloads(client, unit, vp):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)
    client.force_login(chef)

    response = client.get(reverse("planning:plan_import", args=[unit.pk, vp.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Importera Verksamhetsplan 2025 för Hemtjänst Norr</h1>" in content
    assert "till Verksamhetsplan 2025 för Hemtjänst Norr från en Excel-arbetsbok" in content
    assert reverse("planning:plan_template", args=[vp.pk]) in content
    assert "Ladda ner planen" not in content  # no plan yet
    assert 'name="archive_missing"' in content and 'name="dry_run"' in content


def test_an_upload_with_errors_shows_them_all_in_a_table_and_saves_nothing(client, unit, vp):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)
    client.force_login(chef)
    bad = workbook(
        {"Aktiviteter": [["Aktivitet", "Startdatum"], ["A", "igår"], ["", "2025-01-01"]]}
    )

    response = client.post(
        reverse("planning:plan_import", args=[unit.pk, vp.pk]), {"file": upload(bad)}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Filen importerades inte" in content and "Filen innehåller 2 fel." in content
    for header in ('<th scope="col">Blad</th>', '<th scope="col" class="num">Rad</th>'):
        assert header in content
    for header in ('<th scope="col">Kolumn</th>', '<th scope="col">Fel</th>'):
        assert header in content
    assert "<td>Aktiviteter</td>" in content and "”igår” är inte ett giltigt datum" in content
    assert not Item.objects.exists()


def test_a_successful_upload_shows_a_summary(client, unit, vp):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)
    client.force_login(chef)

    response = client.post(
        reverse("planning:plan_import", args=[unit.pk, vp.pk]),
        {"file": upload(verksamhetsplan_file())},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Importerade 9 poster till Verksamhetsplan 2025 för Hemtjänst Norr" in content
    assert reverse("planning:plan_export", args=[plan_of(unit, vp).pk]) in content
    assert plan_of(unit, vp).items.count() == 9


def test_the_import_page_needs_write_access_to_the_unit(client, org, unit, vp):
    url = reverse("planning:plan_import", args=[unit.pk, vp.pk])
    reader = UserFactory()
    grant(reader, unit, Role.READER)
    client.force_login(reader)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload(verksamhetsplan_file())}).status_code == 403

    stranger = UserFactory()
    grant(stranger, org["enhet_a1"], Role.MANAGER)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert not Item.objects.exists()


def test_a_plan_type_of_another_organisation_is_not_found(client, unit, vp):
    other_root = UnitFactory(name="Kommunbolaget AB", code="BOLAG")
    other_model = model_create_default(actor=access.SYSTEM, organisation=other_root, year=2025)
    foreign = other_model.plan_types.get(name="Verksamhetsplan")
    client.force_login(UserFactory(is_superuser=True))

    assert (
        client.get(reverse("planning:plan_import", args=[unit.pk, foreign.pk])).status_code == 404
    )
    errors = rejected(verksamhetsplan_file(), unit, foreign)
    assert [e.message for e in errors] == [
        "plantypen Verksamhetsplan hör inte till styrmodellen för Hemtjänst Norr."
    ]


def test_a_post_without_a_file_asks_for_one(client, unit, vp):
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(reverse("planning:plan_import", args=[unit.pk, vp.pk]), {})
    assert "Välj en fil att importera." in response.content.decode()


def test_read_workbook_numbers_rows_as_excel_shows_them(unit, vp):
    data = workbook({"Aktiviteter": [[], ["Aktivitet"], [], ["A"], ["B"]]})
    parsed = read_workbook(data, filename="plan.xlsx")
    assert [r.row for r in parsed.sheet(ItemKind.ACTIVITY).rows] == [4, 5]


def test_the_indicator_sheet_says_mattenhet_and_still_reads_the_old_enhet_header(unit, vp):
    book = read_back(template_workbook(plan_type=vp))
    assert "Måttenhet" in [c.value for c in book["Nyckeltal"][1]]
    assert "Enhet" not in [c.value for c in book["Nyckeltal"][1]]

    # A file exported before the column was renamed.
    old = list(INDICATOR_HEADER)
    old[old.index("Måttenhet")] = "Enhet"
    row = {h: None for h in old}
    row.update({"Nr": "1", "Nyckeltal": "Andel nöjda", "Enhet": "%"})
    import_plan(workbook({"Nyckeltal": [old, list(row.values())]}), unit, vp)

    assert item(unit, vp, ItemKind.INDICATOR, "Andel nöjda").measure_unit == "%"
