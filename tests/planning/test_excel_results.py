"""Migration of earlier years: control points with their reported results
(Bedömning, Resultat av kontroll, Åtgärd, Uppföljning) in the plan file."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStatus, Report
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.models import Item, Plan
from tests.excel import CONTROL_EXPORT_HEADER, CONTROL_HEADER, import_plan, rejected, workbook
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

RESULT_HEADER = [
    *CONTROL_HEADER,
    "Bedömning",
    "Resultat av kontroll",
    "Åtgärd",
    "Ansvarig för åtgärd",
    "Åtgärd klar senast",
    "Uppföljning",
]
EXPORT_HEADER = [*CONTROL_EXPORT_HEADER, *RESULT_HEADER[len(CONTROL_HEADER) :]]
AREAS = ["Verksamhet och organisation", "Personal", "Ekonomi", "Administration", "IT-säkerhet"]
LABELS = ["Genomförd utan anmärkning", "genomförd MED anmärkning", "Ej genomförd"]
LONG = (
    "Vid kontrollen granskades samtliga beslut om försörjningsstöd under året. "
    "Handläggarnas dokumentation är i huvudsak fullständig, men i åtta ärenden saknades "
    "underlag för bedömningen av skälig levnadsnivå. Åtgärder är vidtagna. "
) * 10
LONG = LONG[:2100]


@pytest.fixture
def ikp(model):
    return model.plan_types.get(name="Internkontrollplan")


@pytest.fixture
def unit(org):
    return org["enhet_a2"]


def make_occasion(model, ikp, name, *, closed=True):
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.ANNUAL,
            name=name,
            period_end=datetime.date(model.year, 12, 31),
        ),
        plan_types=[ikp],
    )
    if closed:
        FollowUpOccasion.objects.filter(pk=occasion.pk).update(status=OccasionStatus.CLOSED)
        occasion.refresh_from_db()
    return occasion


@pytest.fixture
def bokslut(model, ikp):
    return make_occasion(model, ikp, "Årsbokslut 2025")


def result_row(n: int, *, occasion="Årsbokslut 2025"):
    label = LABELS[n % 3]
    comment = LONG if n == 7 else f"Kontroll {n}: stickprov på tjugo ärenden visade få brister."
    if n % 3 == 0 and n != 7:
        comment = ""  # "utan anmärkning" needs no result text
    return [
        AREAS[n % len(AREAS)],
        str(n),
        f"Process nr {n}: ärendehantering",
        f"Risk för att åtgärder inte dokumenteras – särskilt för äldre ärenden ({n}).",
        1 + n % 4,
        1 + (n + 1) % 4,
        f"Kontrollmoment {n}: granska att beslut följer delegationsordningen för året",
        "Stickprov av controller, två gånger per år",
        "Två gånger per år",
        "Controller",
        label,
        comment,
        f"Utbildning för handläggare i höst (åtgärd {n})." if n % 3 else None,
        "Socialchef" if n % 3 else None,
        datetime.date(2026, 3, 31) if n % 3 else None,
        occasion,
    ]


def results_file(rows=None) -> bytes:
    return workbook(
        {"Kontrollpunkter": [RESULT_HEADER, *(rows or [result_row(n) for n in range(1, 26)])]}
    )


def item_numbered(unit, plan_type, number):
    return Item.objects.get(plan__unit=unit, plan__plan_type=plan_type, number=number)


def test_25_control_points_with_results_for_a_closed_occasion(unit, ikp, model_owner, bokslut):
    result = import_plan(results_file(), unit, ikp, model_owner)

    assert result.created == 25
    assert result.reports_created == 25
    assert "25 nya resultat" in result.summary()
    reports = Report.objects.filter(occasion=bokslut, unit=unit)
    assert reports.count() == 25
    seventh = reports.get(item=item_numbered(unit, ikp, "7"))
    assert seventh.comment == LONG.strip()
    assert len(seventh.comment) >= 2000
    assert seventh.assessment.label == "Genomförd med anmärkning"
    assert seventh.measures == "Utbildning för handläggare i höst (åtgärd 7)."
    third = reports.get(item=item_numbered(unit, ikp, "3"))
    assert third.assessment.label == "Genomförd utan anmärkning"
    assert (third.comment, third.measures) == ("", "")
    areas = set(Item.objects.filter(plan__unit=unit).values_list("area", flat=True))
    assert areas == set(AREAS)
    assert seventh.updated_by == model_owner
    history = seventh.history.get()
    assert (history.history_user, history.history_change_reason) == (model_owner, "Import")


def test_a_second_identical_import_changes_nothing(unit, ikp, model_owner, bokslut):
    import_plan(results_file(), unit, ikp, model_owner)
    histories = Report.history.count()
    versions = sorted(Report.objects.values_list("version", flat=True))

    result = import_plan(results_file(), unit, ikp, model_owner)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 25)
    assert (result.reports_created, result.reports_updated) == (0, 0)
    assert not result.changed_anything
    assert Report.history.count() == histories
    assert sorted(Report.objects.values_list("version", flat=True)) == versions


def test_a_changed_result_bumps_the_version(unit, ikp, model_owner, bokslut):
    import_plan(results_file(), unit, ikp, model_owner)
    rows = [result_row(n) for n in range(1, 26)]
    rows[1][11] = "Ny text om kontrollen – åtgärdad."

    result = import_plan(results_file(rows), unit, ikp, model_owner)

    assert result.reports_updated == 1
    report = Report.objects.get(item=item_numbered(unit, ikp, "2"))
    assert (report.comment, report.version) == ("Ny text om kontrollen – åtgärdad.", 2)


def test_a_wrong_assessment_names_sheet_row_and_column_and_nothing_is_saved(
    unit, ikp, model_owner, bokslut
):
    rows = [result_row(n) for n in range(1, 26)]
    rows[3][10] = "Klar"

    errors = rejected(results_file(rows), unit, ikp, model_owner)

    assert [(e.sheet, e.row, e.column) for e in errors] == [("Kontrollpunkter", 5, "Bedömning")]
    assert errors[0].message == (
        "okänd bedömning ”Klar”. Välj en av Genomförd utan anmärkning, "
        "Genomförd med anmärkning, Ej genomförd."
    )
    assert not Item.objects.filter(kind=ItemKind.CONTROL_POINT).exists()
    assert not Report.objects.exists()


def test_a_result_without_an_occasion_is_an_error(unit, ikp, model_owner, bokslut):
    rows = [result_row(n) for n in range(1, 26)]
    rows[3][15] = None

    errors = rejected(results_file(rows), unit, ikp, model_owner)

    assert [(e.row, e.column, e.message) for e in errors] == [
        (5, "Uppföljning", "ange vilken uppföljning resultatet hör till.")
    ]
    assert str(errors[0]) == (
        "Blad Kontrollpunkter, rad 5, kolumn Uppföljning: "
        "ange vilken uppföljning resultatet hör till."
    )
    assert not Report.objects.exists()


def test_the_occasion_can_be_given_once_for_the_file(unit, ikp, model_owner, bokslut):
    rows = [result_row(n, occasion=None) for n in range(1, 4)]

    import_plan(results_file(rows), unit, ikp, model_owner, occasion=bokslut)

    assert Report.objects.filter(occasion=bokslut).count() == 3


def test_an_unknown_or_uncovering_occasion_names_the_valid_ones(
    unit, ikp, model_owner, bokslut, model
):
    other = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delår 2025",
            period_end=datetime.date(2025, 8, 31),
        ),
        plan_types=[model.plan_types.get(name="Verksamhetsplan")],
    )
    rows = [result_row(1, occasion="Årsbokslut 2024"), result_row(2, occasion=other.name)]

    errors = rejected(results_file(rows), unit, ikp, model_owner)

    assert [(e.row, e.column) for e in errors] == [(2, "Uppföljning"), (3, "Uppföljning")]
    assert errors[0].message == (
        "det finns ingen uppföljning ”Årsbokslut 2024” för 2025. Uppföljningar av "
        "Internkontrollplan 2025: Årsbokslut 2025."
    )
    assert "följer inte upp Internkontrollplan" in errors[1].message


def test_a_result_that_needs_a_text_must_have_resultat_av_kontroll(unit, ikp, model_owner, bokslut):
    row = result_row(1)  # "med anmärkning" requires a comment
    row[11] = None

    errors = rejected(results_file([row]), unit, ikp, model_owner)

    assert [(e.row, e.column, e.message) for e in errors] == [
        (
            2,
            "Resultat av kontroll",
            "Resultat av kontroll måste fyllas i när bedömningen är ”Genomförd med anmärkning”.",
        )
    ]


def test_a_manager_importing_results_gets_a_row_error(unit, ikp, bokslut):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)

    errors = rejected(results_file([result_row(1), result_row(2)]), unit, ikp, chef)

    assert [(e.row, e.message) for e in errors] == [
        (
            n,
            "du har inte behörighet att importera resultat för Hemtjänst Norr; det får "
            "modellägare och administratörer.",
        )
        for n in (2, 3)
    ]
    assert not Plan.objects.filter(unit=unit).exists()


def test_a_manager_may_still_import_control_points_without_results(unit, ikp, bokslut):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)
    row = result_row(1)[:10] + [None, None, None, None, None, "Årsbokslut 2025"]

    result = import_plan(results_file([row]), unit, ikp, chef)

    assert result.created == 1
    assert not Report.objects.exists()


def read(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book["Kontrollpunkter"].iter_rows(values_only=True)]


def test_export_with_the_occasion_round_trips_the_results(unit, ikp, model_owner, bokslut):
    import_plan(results_file(), unit, ikp, model_owner)
    before = {
        r.item.number: (
            r.assessment_id,
            r.comment,
            r.measures,
            r.measures_responsible,
            r.measures_due,
        )
        for r in Report.objects.select_related("item")
    }
    assert before["7"][3:] == ("Socialchef", datetime.date(2026, 3, 31))

    data = export_workbook(actor=model_owner, unit=unit, plan_type=ikp, occasion=bokslut)

    rows = read(data)
    assert rows[0] == EXPORT_HEADER
    seventh = next(r for r in rows if r[2] == "7")
    assert seventh[11:] == [
        "Genomförd med anmärkning",
        LONG.strip(),
        "Utbildning för handläggare i höst (åtgärd 7).",
        "Socialchef",
        datetime.datetime(2026, 3, 31),
        "Årsbokslut 2025",
    ]
    plain = read(export_workbook(actor=model_owner, unit=unit, plan_type=ikp))
    assert plain[0] == CONTROL_EXPORT_HEADER

    # Into another unit's plan: the same items and results come back.
    other = unit.parent.children.exclude(pk=unit.pk).first()
    result = import_plan(data, other, ikp, model_owner)
    assert (result.created, result.reports_created) == (25, 25)
    after = {
        r.item.number: (
            r.assessment_id,
            r.comment,
            r.measures,
            r.measures_responsible,
            r.measures_due,
        )
        for r in Report.objects.filter(unit=other).select_related("item")
    }
    assert after == before
    # And back into the same plan: nothing changes.
    again = import_plan(data, unit, ikp, model_owner)
    assert not again.changed_anything


def test_the_commands_take_an_occasion(tmp_path, unit, ikp, model_owner, bokslut, capsys):
    rows = [result_row(n, occasion=None) for n in range(1, 6)]
    path = tmp_path / "ikp.xlsx"
    path.write_bytes(results_file(rows))
    common = ["--unit=AO2", "--year=2025", "--plan-type=Internkontrollplan"]

    call_command("import_plan", str(path), *common, "--occasion", "årsbokslut 2025")

    assert "5 nya resultat" in capsys.readouterr().out
    assert Report.objects.filter(occasion=bokslut).count() == 5
    with pytest.raises(CommandError, match="Uppföljningar: Årsbokslut 2025"):
        call_command("import_plan", str(path), *common, "--occasion", "Delår")

    out = tmp_path / "ut.xlsx"
    call_command("export_plan", *common, "-o", str(out), "--occasion", "Årsbokslut 2025")
    assert read(out.read_bytes())[0] == EXPORT_HEADER
    call_command("import_plan", str(out), *common)
    assert "5 oförändrade" in capsys.readouterr().out


def test_the_pages_export_results_and_offer_the_occasion(client, unit, ikp, model_owner, bokslut):
    import_plan(results_file([result_row(1)]), unit, ikp, model_owner)
    plan = Plan.objects.get(unit=unit, plan_type=ikp)
    client.force_login(model_owner)

    response = client.get(
        reverse("planning:plan_export", args=[plan.pk]), {"uppfoljning": bokslut.pk}
    )
    assert response.status_code == 200
    rows = read(response.content)
    assert rows[0] == EXPORT_HEADER
    assert rows[1][11:] == [
        "Genomförd med anmärkning",
        "Kontroll 1: stickprov på tjugo ärenden visade få brister.",
        "Utbildning för handläggare i höst (åtgärd 1).",
        "Socialchef",
        datetime.datetime(2026, 3, 31),
        "Årsbokslut 2025",
    ]
    assert (
        client.get(
            reverse("planning:plan_export", args=[plan.pk]), {"uppfoljning": "x"}
        ).status_code
        == 404
    )

    page = client.get(reverse("planning:plan_import", args=[unit.pk, ikp.pk]))
    html = page.content.decode()
    assert f'<option value="{bokslut.pk}">Årsbokslut 2025</option>' in html
    assert f"?uppfoljning={bokslut.pk}" in html

    upload = SimpleUploadedFile("ikp.xlsx", results_file([result_row(2, occasion=None)]))
    response = client.post(
        reverse("planning:plan_import", args=[unit.pk, ikp.pk]),
        {"file": upload, "occasion": bokslut.pk},
    )
    assert response.status_code == 200
    assert Report.objects.filter(item=item_numbered(unit, ikp, "2")).exists()


def test_an_occasion_named_without_its_year_is_written_with_it_and_read_either_way(
    unit, ikp, model_owner
):
    bokslut = make_occasion(ikp.model, ikp, "Årsbokslut")
    import_plan(results_file([result_row(1, occasion="Årsbokslut")]), unit, ikp, model_owner)

    rows = read(export_workbook(actor=model_owner, unit=unit, plan_type=ikp, occasion=bokslut))

    assert rows[1][-1] == "Årsbokslut 2025"
    import_plan(results_file([result_row(1, occasion="Årsbokslut 2025")]), unit, ikp, model_owner)
    assert Report.objects.get().occasion == bokslut
