"""The plan's Excel round trip is complete: targets per year, färdighetsgrad,
an indicator's utfall (total, kvinnor, män, avser) and bedömning go out and
come back with the reporting page's rules, and every cell of an export
survives export → import → export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, Report
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.excel import export_workbook, template_workbook
from styrhjul.planning.models import IndicatorTarget, Item
from tests.excel import (
    ACTIVITY_HEADER,
    ASSIGNMENT_HEADER,
    GOAL_HEADER,
    INDICATOR_HEADER,
    import_plan,
    rejected,
    workbook,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

OCCASION = "Delårsrapport 2025"
GOAL_RESULTS = ["Bedömning", "Analys", "Uppföljning"]
INDICATOR_RESULTS = [
    "Utfall",
    "Utfall kvinnor",
    "Utfall män",
    "Avser",
    "Bedömning",
    "Kommentar",
    "Uppföljning",
]
ACTIVITY_RESULTS = ["Status", "Färdighetsgrad", "Kommentar", "Uppföljning"]
ASSIGNMENT_RESULTS = ["Status", "Kommentar", "Uppföljning"]
INDICATOR_PLAN_HEADER = [*INDICATOR_HEADER, "Målvärden per år"]


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def unit(org):
    return org["enhet_a1"]


@pytest.fixture
def delar(model, vp):
    """The interim report per 31 August, following up the Verksamhetsplan."""
    return followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delårsrapport",
            period_end=datetime.date(2025, 8, 31),
        ),
        plan_types=[vp],
    )


def goal_row(**change):
    row = {
        "Nr": "1",
        "Perspektiv": "Invånare",
        "Målnivå": "Verksamhetsmål",
        "Mål": "Trygg och säker omsorg",
        "Beskrivning": "De boende ska känna sig trygga.\nÄven nattetid.",
        "Bidrar till": None,
        "Ansvarig": "Enhetschef",
        "Bedömning": "Rätt riktning men för långsamt",
        "Analys": "Tryggheten ökar men inte i den takt vi planerat.\nFler nattvandringar behövs.",
        "Uppföljning": OCCASION,
    }
    row.update(change)
    return row


def indicator_rows(**change):
    """A part-year indicator split by gender with its outcome, a yearly one
    without, and one from Kolada (whose values are never reported)."""
    first = {
        "Nr": "1.1",
        "Perspektiv": "Invånare",
        "Mål": "1",
        "Nyckeltal": "Andel nöjda brukare",
        "Beskrivning": "Brukarenkäten.",
        "Måttenhet": "%",
        "Riktning": "Högre är bättre",
        "Källa": "Rapporteras manuellt",
        "Kolada-id": None,
        "Rapporteras av": "Varje enhet",
        "Periodicitet": "Tertial",
        "Utgångsår": 2022,
        "Utgångsvärde": 81.5,
        "Målår": 2027,
        "Målvärde": 90,
        "Nära målvärde inom": 2,
        "Könsuppdelat": "Ja",
        "Målvärden per år": "2025: 85\n2026: 87,5\n2027: 90",
        "Utfall": 84.25,
        "Utfall kvinnor": 86,
        "Utfall män": 82.5,
        "Avser": "Avser period ett",
        "Bedömning": "Nära målvärde",
        "Kommentar": "Nöjdheten ligger nära årets målvärde.",
        "Uppföljning": OCCASION,
    }
    first.update(change)
    second = {
        "Nr": "1.2",
        "Perspektiv": "Invånare",
        "Mål": "1",
        "Nyckeltal": "Antal fallolyckor",
        "Måttenhet": "antal",
        "Riktning": "Lägre är bättre",
        "Källa": "Rapporteras manuellt",
        "Rapporteras av": "Varje enhet",
        "Periodicitet": "År",
        "Könsuppdelat": "Nej",
        "Målvärden per år": "2025: 12",
    }
    third = {
        "Nr": "1.3",
        "Perspektiv": "Invånare",
        "Nyckeltal": "Brukarbedömning särskilt boende",
        "Måttenhet": "%",
        "Riktning": "Högre är bättre",
        "Källa": "Kolada",
        "Kolada-id": "U23471",
        "Rapporteras av": "Varje enhet",
        "Periodicitet": "År",
        "Könsuppdelat": "Nej",
    }
    return [first, second, third]


def activity_rows(**change):
    first = {
        "Nr": "A1",
        "Perspektiv": "Invånare",
        "Mål": "1",
        "Aktivitet": "Nattvandringar med personalen",
        "Beskrivning": "En gång i veckan.",
        "Ansvarig": "Nattpersonal",
        "Startdatum": datetime.date(2025, 2, 1),
        "Slutdatum": datetime.date(2025, 11, 30),
        "Status": "Påbörjad",
        "Färdighetsgrad": 40,
        "Kommentar": "Halva hösten återstår.",
        "Uppföljning": OCCASION,
    }
    first.update(change)
    second = {
        "Nr": "A2",
        "Aktivitet": "Ny rutin för larm",
        "Status": "Klar",
        "Färdighetsgrad": 0,  # a real value, not an empty cell
        "Uppföljning": OCCASION,
    }
    return [first, second]


def assignment_rows():
    return [
        {
            "Nr": "U1",
            "Uppdrag": "Utreda samlokalisering",
            "Givet av": "KS",
            "Slutdatum": datetime.date(2025, 10, 31),
            "Status": "Pågående",
            "Kommentar": "Utredningen pågår.",
            "Uppföljning": OCCASION,
        }
    ]


def sheet_rows(header, rows):
    return [header, *[[row.get(h) for h in header] for row in rows]]


def plan_file(goals=None, indicators=None, activities=None, assignments=None) -> bytes:
    return workbook(
        {
            "Mål": sheet_rows([*GOAL_HEADER, *GOAL_RESULTS], goals or [goal_row()]),
            "Nyckeltal": sheet_rows(
                [*INDICATOR_PLAN_HEADER, *INDICATOR_RESULTS], indicators or indicator_rows()
            ),
            "Aktiviteter": sheet_rows(
                [*ACTIVITY_HEADER, *ACTIVITY_RESULTS], activities or activity_rows()
            ),
            "Särskilda uppdrag": sheet_rows(
                [*ASSIGNMENT_HEADER, *ASSIGNMENT_RESULTS], assignments or assignment_rows()
            ),
        }
    )


def cells(data: bytes, *, kinds_only=False) -> dict[str, list[list]]:
    """Every sheet's cells, by sheet name (the kinds' sheets only, when asked)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    skip = {"Instruktioner", "Listor"} if kinds_only else set()
    return {
        sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
        if sheet.title not in skip
    }


def item(unit, number):
    return Item.objects.get(plan__unit=unit, number=number)


def test_every_field_survives_export_import_export(unit, org, vp, model_owner, delar):
    first = import_plan(plan_file(), unit, vp, model_owner)
    assert (first.created, first.reports_created) == (7, 5 + 1)  # five reports, one outcome

    satisfied = item(unit, "1.1")
    assert {t.year: t.value for t in satisfied.targets.all()} == {
        2025: Decimal(85),
        2026: Decimal("87.50"),
        2027: Decimal(90),
    }
    outcome = IndicatorValue.objects.get(item=satisfied, unit=unit)
    # A tertial indicator at the interim per August: the value of 2025-08.
    assert (outcome.year, outcome.period) == (2025, "2025-08")
    assert (outcome.value, outcome.value_women, outcome.value_men, outcome.note) == (
        Decimal("84.25"),
        Decimal(86),
        Decimal("82.50"),
        "Avser period ett",
    )
    assert outcome.source == ValueSource.IMPORTED
    assert outcome.history.get().history_change_reason == "Import"
    report = Report.objects.get(item=satisfied, unit=unit, occasion=delar)
    assert (report.assessment.label, report.comment) == (
        "Nära målvärde",
        "Nöjdheten ligger nära årets målvärde.",
    )
    assert Report.objects.get(item=item(unit, "A1")).completion == 40
    assert Report.objects.get(item=item(unit, "A2")).completion == 0
    assert not IndicatorValue.objects.filter(item=item(unit, "1.2")).exists()

    exported = export_workbook(actor=model_owner, unit=unit, plan_type=vp, occasion=delar)
    sheets = cells(exported)
    assert sheets["Nyckeltal"][0] == [*INDICATOR_PLAN_HEADER, *INDICATOR_RESULTS]
    assert sheets["Nyckeltal"][1][17:] == [
        "2025: 85\n2026: 87,5\n2027: 90",
        84.25,
        86,
        82.5,
        "Avser period ett",
        "Nära målvärde",
        "Nöjdheten ligger nära årets målvärde.",
        OCCASION,
    ]
    assert sheets["Aktiviteter"][0] == [*ACTIVITY_HEADER, *ACTIVITY_RESULTS]
    assert sheets["Aktiviteter"][1][8:] == ["Påbörjad", 40, "Halva hösten återstår.", OCCASION]
    assert sheets["Aktiviteter"][2][8:10] == ["Klar", 0]

    # Back into the same plan: nothing changes, and the next export is the same, cell by cell.
    histories = (
        Report.history.count() + IndicatorValue.history.count() + IndicatorTarget.history.count()
    )
    again = import_plan(exported, unit, vp, model_owner)
    assert not again.changed_anything
    assert histories == (
        Report.history.count() + IndicatorValue.history.count() + IndicatorTarget.history.count()
    )
    assert cells(export_workbook(actor=model_owner, unit=unit, plan_type=vp, occasion=delar)) == (
        sheets
    )

    # Into another unit's empty plan: everything is made again, and its export
    # has the same cells on every kind's sheet.
    other = org["enhet_a2"]
    copied = import_plan(exported, other, vp, model_owner)
    assert (copied.created, copied.reports_created) == (7, 6)
    theirs = export_workbook(actor=model_owner, unit=other, plan_type=vp, occasion=delar)
    assert cells(theirs, kinds_only=True) == cells(exported, kinds_only=True)


def test_a_changed_outcome_and_target_are_saved_with_history(unit, vp, model_owner, delar):
    import_plan(plan_file(), unit, vp, model_owner)
    outcome = IndicatorValue.objects.get(item=item(unit, "1.1"))
    changed = indicator_rows(**{"Utfall": "86,5", "Målvärden per år": "2025: 86"})

    result = import_plan(plan_file(indicators=changed), unit, vp, model_owner)

    assert result.reports_updated == 1
    outcome.refresh_from_db()
    assert outcome.value == Decimal("86.50")
    assert [h.value for h in outcome.history.order_by("history_date")] == [
        Decimal("84.25"),
        Decimal("86.50"),
    ]
    assert {t.year: t.value for t in item(unit, "1.1").targets.all()} == {2025: Decimal(86)}


def test_an_empty_target_cell_removes_the_targets(unit, vp, model_owner, delar):
    import_plan(plan_file(), unit, vp, model_owner)

    import_plan(plan_file(indicators=indicator_rows(**{"Målvärden per år": None})), unit, vp)

    assert not item(unit, "1.1").targets.exists()
    assert item(unit, "1.2").targets.count() == 1


def test_the_utfall_of_a_yearly_indicator_is_the_years_at_any_occasion(
    unit, vp, model_owner, delar
):
    rows = indicator_rows()
    rows[1].update({"Utfall": 7, "Avser": "Januari–augusti", "Uppföljning": OCCASION})

    import_plan(plan_file(indicators=rows), unit, vp, model_owner)

    falls = IndicatorValue.objects.get(item=item(unit, "1.2"))
    assert (falls.year, falls.period, falls.value, falls.value_women) == (2025, "", 7, None)


def bad_indicator(**change):
    return plan_file(indicators=indicator_rows(**change))


def bad_activity(**change):
    return plan_file(activities=activity_rows(**change))


BAD = [
    pytest.param(
        bad_indicator(**{"Målvärden per år": "2026 femtio"}),
        "Nyckeltal",
        "Målvärden per år",
        "Rad 1, ”2026 femtio”: skriv år och värde, t.ex. 2026: 55.",
        id="target-line",
    ),
    pytest.param(
        bad_indicator(**{"Målvärden per år": "2025: 85\n2025: 86"}),
        "Nyckeltal",
        "Målvärden per år",
        "Året 2025 står två gånger.",
        id="target-twice",
    ),
    pytest.param(
        bad_indicator(**{"Målvärden per år": "2026: 120"}),
        "Nyckeltal",
        "Målvärden per år",
        "”2026: 120”: Nyckeltalet anges i procent: värdet kan inte vara över 100.",
        id="target-over-100-percent",
    ),
    pytest.param(
        bad_indicator(Utfall="mycket"),
        "Nyckeltal",
        "Utfall",
        "”mycket” är inte ett tal.",
        id="utfall-not-a-number",
    ),
    pytest.param(
        bad_indicator(Utfall=112),
        "Nyckeltal",
        "Utfall",
        "Nyckeltalet anges i procent: värdet kan inte vara över 100.",
        id="utfall-over-100-percent",
    ),
    pytest.param(
        bad_indicator(**{"Utfall män": 101}),
        "Nyckeltal",
        "Utfall män",
        "Nyckeltalet anges i procent: värdet kan inte vara över 100.",
        id="men-over-100-percent",
    ),
    pytest.param(
        bad_indicator(**{"Könsuppdelat": "Nej", "Utfall män": None}),
        "Nyckeltal",
        "Utfall kvinnor",
        "Nyckeltalet är inte könsuppdelat: utfall för kvinnor och män anges bara för "
        "könsuppdelade nyckeltal.",
        id="gender-values-not-split",
    ),
    pytest.param(
        bad_indicator(**{"Källa": "Kolada", "Kolada-id": "U21468"}),
        "Nyckeltal",
        "Utfall",
        "Värdena hämtas från Kolada och kan inte ändras här.",
        id="utfall-from-kolada",
    ),
    pytest.param(
        bad_indicator(Avser="x" * 301),
        "Nyckeltal",
        "Avser",
        "texten är 301 tecken lång; högst 300 får plats.",
        id="avser-too-long",
    ),
    pytest.param(
        bad_indicator(Bedömning="Klar"),
        "Nyckeltal",
        "Bedömning",
        "okänd bedömning ”Klar”. Välj en av Inget värde angivet, Utan anmärkning, "
        "Nära målvärde, Med anmärkning.",
        id="unknown-assessment",
    ),
    pytest.param(
        bad_indicator(Bedömning="Med anmärkning", Kommentar=None),
        "Nyckeltal",
        "Kommentar",
        "Kommentar måste fyllas i när bedömningen är ”Med anmärkning”.",
        id="assessment-needs-comment",
    ),
    pytest.param(
        bad_indicator(Utfall=70, Bedömning="Utan anmärkning", Kommentar=None),
        "Nyckeltal",
        "Kommentar",
        "Bedömningen ”Utan anmärkning” skiljer sig från förslaget ”Med anmärkning”. "
        "Motivera den i kommentaren.",
        id="assessment-other-than-suggested-needs-comment",
    ),
    pytest.param(
        bad_activity(Färdighetsgrad=120),
        "Aktiviteter",
        "Färdighetsgrad",
        "Färdighetsgraden anges från 0 till 100 %.",
        id="completion-over-100",
    ),
    pytest.param(
        bad_activity(Färdighetsgrad=-5),
        "Aktiviteter",
        "Färdighetsgrad",
        "Färdighetsgraden anges från 0 till 100 %.",
        id="completion-negative",
    ),
    pytest.param(
        bad_activity(Färdighetsgrad="halvvägs"),
        "Aktiviteter",
        "Färdighetsgrad",
        "”halvvägs” är inte ett tal.",
        id="completion-not-a-number",
    ),
    pytest.param(
        bad_activity(Färdighetsgrad=40.5),
        "Aktiviteter",
        "Färdighetsgrad",
        "”40.5” är inte ett heltal.",
        id="completion-not-whole",
    ),
]


@pytest.mark.parametrize(("data", "sheet", "column", "message"), BAD)
def test_bad_input_names_sheet_row_and_column_and_nothing_is_saved(
    data, sheet, column, message, unit, vp, model_owner, delar
):
    errors = rejected(data, unit, vp, model_owner)

    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [(sheet, 2, column, message)]
    assert not Item.objects.exists()
    assert not Report.objects.exists()
    assert not IndicatorValue.objects.exists()
    assert not IndicatorTarget.objects.exists()


def test_a_bad_outcome_in_a_plan_already_there_changes_nothing(unit, vp, model_owner, delar):
    import_plan(plan_file(), unit, vp, model_owner)
    before = (
        list(IndicatorValue.objects.values_list("value", flat=True)),
        list(IndicatorTarget.objects.values_list("year", "value")),
        list(Report.objects.values_list("version", flat=True)),
    )
    rows = indicator_rows(**{"Målvärden per år": "2025: 80", "Utfall": 101})

    errors = rejected(plan_file(indicators=rows), unit, vp, model_owner)

    assert [(e.row, e.column) for e in errors] == [(2, "Utfall")]
    assert before == (
        list(IndicatorValue.objects.values_list("value", flat=True)),
        list(IndicatorTarget.objects.values_list("year", "value")),
        list(Report.objects.values_list("version", flat=True)),
    )


def test_a_manager_writes_targets_but_not_results(unit, vp, delar):
    """Plans are the unit's to write; results from a file only model owners'
    and administrators' (access.Action.MANAGE)."""
    chef = UserFactory(first_name="Cecilia", last_name="Chef")
    grant(chef, unit, Role.MANAGER)

    errors = rejected(plan_file(), unit, vp, chef)

    assert {(e.sheet, e.row) for e in errors} >= {("Nyckeltal", 2), ("Aktiviteter", 2)}
    assert all("behörighet att importera resultat" in e.message for e in errors)
    assert not IndicatorValue.objects.exists()

    rows = indicator_rows(**{k: None for k in INDICATOR_RESULTS})
    for row in rows:
        row["Mål"] = None  # no goals sheet in this file
    plain = workbook({"Nyckeltal": sheet_rows([*INDICATOR_PLAN_HEADER, *INDICATOR_RESULTS], rows)})
    result = import_plan(plain, unit, vp, chef)

    assert result.created == 3 and result.reports_created == 0
    assert item(unit, "1.1").targets.count() == 3
    assert not IndicatorValue.objects.exists()


def test_what_the_export_leaves_out_is_kept_on_the_way_back(unit, vp, model_owner, delar):
    """Kolada's values are not the unit's to report, and kvinnor and män are
    written only for indicators split by gender: the export leaves them out,
    and importing that export keeps them as they are."""
    rows = indicator_rows()
    rows[2].update({"Bedömning": "Utan anmärkning", "Uppföljning": OCCASION})
    import_plan(plan_file(indicators=rows), unit, vp, model_owner)
    kolada = IndicatorValue.objects.create(item=item(unit, "1.3"), unit=unit, year=2025, value=77)
    falls = IndicatorValue.objects.create(
        item=item(unit, "1.2"), unit=unit, year=2025, value=9, value_women=4, value_men=5
    )

    exported = export_workbook(actor=model_owner, unit=unit, plan_type=vp, occasion=delar)

    by_nr = {r[0]: r for r in cells(exported)["Nyckeltal"]}
    assert by_nr["1.3"][18:] == [None, None, None, None, "Utan anmärkning", None, OCCASION]
    assert by_nr["1.2"][18:22] == [9, None, None, None]
    assert not import_plan(exported, unit, vp, model_owner).changed_anything
    kolada.refresh_from_db()
    falls.refresh_from_db()
    assert kolada.value == 77
    assert (falls.value, falls.value_women, falls.value_men) == (9, 4, 5)


def test_the_drop_down_of_färdighetsgrad_lists_0_to_100_on_the_hidden_sheet(
    unit, vp, model_owner, delar
):
    """A hundred and one values are more than Excel takes written in the
    rule itself (255 characters): they stand on the sheet Listor."""
    book = openpyxl.load_workbook(
        io.BytesIO(export_workbook(actor=model_owner, unit=unit, plan_type=vp, occasion=delar))
    )
    activities = book["Aktiviteter"]
    column = [c.value for c in activities[1]].index("Färdighetsgrad")
    letter = activities.cell(row=1, column=column + 1).column_letter
    (rule,) = [
        r for r in activities.data_validations.dataValidation if str(r.sqref).startswith(letter)
    ]
    assert rule.formula1.startswith("'Listor'!$") and rule.error.endswith("från 0 till 100.")
    source = rule.formula1.split("!")[1].replace("$", "")
    listor = book["Listor"]
    values = [c.value for row in listor[source] for c in row]
    assert values == list(range(101))
    assert listor[source.split(":")[0]].offset(row=-1).value == "Färdighetsgrad"


def test_the_template_shows_targets_per_year_and_the_new_columns_are_described(vp):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(plan_type=vp)))
    indicators = [list(r) for r in book["Nyckeltal"].iter_rows(values_only=True)]
    assert indicators[0] == INDICATOR_PLAN_HEADER
    assert indicators[1][-1] == "2025: 53\n2026: 55"
    described = {
        r[0] for r in book["Instruktioner"].iter_rows(values_only=True) if r and r[0] is not None
    }
    assert {"Målvärden per år", "Färdighetsgrad", "Utfall kvinnor", "Avser"} <= described


def test_an_outcome_saved_while_the_file_is_imported_is_not_overwritten(
    unit, vp, model_owner, delar, monkeypatch
):
    # The import reads the outcomes, someone saves one, then the import
    # writes: it must not write over what it never saw.
    from styrhjul.followup.plan_results import ResultPlanner

    import_plan(plan_file(), unit, vp, model_owner)
    write = ResultPlanner.write

    def save_first_then_write(self):
        value = IndicatorValue.objects.get(item=item(unit, "1.1"))
        value.value = Decimal(79)
        value.save()
        write(self)

    monkeypatch.setattr(ResultPlanner, "write", save_first_then_write)

    errors = rejected(plan_file(indicators=indicator_rows(Utfall=88)), unit, vp, model_owner)

    assert [(e.sheet, e.row) for e in errors] == [("Nyckeltal", 2)]
    assert errors[0].message.startswith("utfallet för Delårsrapport 2025 sparades av någon annan")
    assert IndicatorValue.objects.get(item=item(unit, "1.1")).value != 88


def many_rows(n: int) -> bytes:
    indicators = [
        indicator_rows(**{"Nr": f"1.{i + 10}", "Nyckeltal": f"Nyckeltal {i}"})[0] for i in range(n)
    ]
    activities = [
        activity_rows(**{"Nr": f"A{i + 10}", "Aktivitet": f"Aktivitet {i}"})[0] for i in range(n)
    ]
    return plan_file(indicators=indicators, activities=activities)


def test_export_and_unchanged_import_read_the_results_in_a_fixed_number_of_queries(
    org, vp, model_owner, delar
):
    counts = []
    for unit, n in ((org["enhet_a1"], 2), (org["enhet_a2"], 8)):
        import_plan(many_rows(n), unit, vp, model_owner)
        with CaptureQueriesContext(connection) as exporting:
            data = export_workbook(actor=model_owner, unit=unit, plan_type=vp, occasion=delar)
        with CaptureQueriesContext(connection) as importing:
            assert not import_plan(data, unit, vp, model_owner).changed_anything
        assert len(cells(data)["Nyckeltal"]) == n + 1
        counts.append((len(exporting), len(importing)))
    assert counts[0] == counts[1]
