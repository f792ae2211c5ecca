"""A controller sets up a year with the command line only: from an
organisation imported from a file, through the styrmodell, a plan and the
year wheel, to the document of the occasion named by its name; with the
same rules, access and history as the pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from styrhjul import cli
from styrhjul.followup.models import FollowUpOccasion, OccasionStep, Report, ReportingTask
from styrhjul.model.models import GoalLevel, GovernanceModel, Perspective, PlanType, ScaleValue
from styrhjul.organisation.models import Role, Unit
from styrhjul.planning.models import Item

from .excel import ACTIVITY_HEADER, GOAL_HEADER, workbook
from .factories import UserFactory, grant

ORGANISATION = [
    "Kod;Namn;Typ;Överordnad kod;Giltig från;Giltig till;Chef e-post",
    "SJO;Sjöbo kommun;Kommun;;2025-01-01;;",
    "SON;Socialnämnden;Nämnd;SJO;2025-01-01;;",
    "SOF;Socialförvaltningen;Förvaltning;SON;2025-01-01;;",
    "ALD;Äldreomsorg;Avdelning;SOF;2025-01-01;;",
    "IFO;Individ- och familjeomsorg;Avdelning;SOF;2025-01-01;;",
]


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def as_json(*args) -> object:
    return json.loads(run(*args, "--json"))


def refused(*args) -> str:
    with pytest.raises(CommandError) as info:
        run(*args)
    return str(info.value)


@pytest.fixture
def organisation(db, tmp_path):
    """Sjöbo kommun imported from a file, and Maja, its model owner."""
    path = tmp_path / "organisation.csv"
    path.write_bytes(("\r\n".join(ORGANISATION) + "\r\n").encode())
    run("import_org", str(path))
    maja = UserFactory(username="maja", first_name="Maja", last_name="Modellägare")
    grant(maja, Unit.objects.get(code="SJO"), Role.MODEL_OWNER)
    return maja


@pytest.fixture
def year(organisation):
    """The 2026 model, as create-year makes it."""
    run("create_year", "--year", "2026", "--user", "maja")
    return GovernanceModel.objects.get(year=2026)


def plan_file() -> bytes:
    return workbook(
        {
            "Mål": [
                GOAL_HEADER,
                [
                    "1",
                    "Trygghet",
                    "Avdelningsmål",
                    "Tryggare boende",
                    "De äldre känner sig trygga.",
                    "",
                    "",
                ],
            ],
            "Aktiviteter": [
                [*ACTIVITY_HEADER, "Status", "Kommentar"],
                [
                    "1.1",
                    "Trygghet",
                    "1",
                    "Nattvandring med personal",
                    "",
                    "",
                    "2026-02-01",
                    "2026-11-30",
                    "Pågår",
                    "Två av tre boenden är med.",
                ],
            ],
        }
    )


def test_a_year_is_set_up_with_commands_only_and_its_document_written(organisation, tmp_path):
    maja = ["--user", "maja"]
    assert "Styrmodellen för 2026 i Sjöbo kommun är skapad" in run(
        "create_year", "--year", "2026", *maja
    )
    run(
        "add_perspective",
        "--year=2026",
        "--name=Trygghet",
        "--description=Att känna sig trygg.",
        *maja,
    )
    run(
        "add_level",
        "--year=2026",
        "--name=Avdelningsmål",
        "--unit-types=Avdelning",
        "--describes-only",
        *maja,
    )
    run("add_scale", "--year=2026", "--name=Tre steg", "--kind=aktivitetsstatus", *maja)
    for label, colour in (("Ej påbörjad", "6B7280"), ("Pågår", "#0b5394"), ("Klar", "1e6b34")):
        run(
            "add_scale_value",
            "--year=2026",
            "--scale=tre steg",
            f"--label={label}",
            f"--colour={colour}",
            *(["--counts-as-done"] if label == "Klar" else []),
            *maja,
        )
    run(
        "add_plan_type",
        "--year=2026",
        "--name=Trygghetsplan",
        "--item-kinds=Mål, Aktivitet",
        "--scale=Tre steg",
        *maja,
    )
    made = as_json(
        "add_occasion",
        "--year=2026",
        "--name=Delårsrapport 2026",
        "--kind=delarsbokslut",
        "--period-end=2026-08-31",
        "--plan-types=Trygghetsplan",
        *maja,
    )
    run(
        "add_step",
        "--occasion=Delårsrapport 2026",
        "--name=Avdelningschefer rapporterar",
        "--level=Avdelning",
        "--start=2026-06-01",
        "--deadline=2026-07-15",
        *maja,
    )
    run(
        "add_step",
        f"--occasion={made['id']}",
        "--name=Nämnden beslutar",
        "--start=2026-09-22",
        "--deadline=2026-09-22",
        *maja,
    )
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_file())
    run(
        "import_plan",
        str(path),
        "--unit=ALD",
        "--year=2026",
        "--plan-type=Trygghetsplan",
        "--occasion=Delårsrapport 2026",
        *maja,
    )
    assert "1 nya uppgifter" in run("open_occasion", "--occasion=Delårsrapport 2026", *maja)

    # What the year now holds, as the model owner reads it.
    model = GovernanceModel.objects.get(year=2026)
    trygghet = Perspective.objects.get(model=model, name="Trygghet")
    assert trygghet.order > Perspective.objects.filter(model=model).exclude(pk=trygghet.pk).count()
    level = GoalLevel.objects.get(model=model, name="Avdelningsmål")
    assert not level.assesses and [t.name for t in level.unit_types.all()] == ["Avdelning"]
    plan_type = PlanType.objects.get(model=model, name="Trygghetsplan")
    assert plan_type.activity_scale.name == "Tre steg"
    assert plan_type.goal_scale.name == "Måluppfyllelse"  # the year's only one
    assert ScaleValue.objects.get(scale__name="Tre steg", label="Ej påbörjad").colour == "#6b7280"
    occasion = FollowUpOccasion.objects.get(pk=made["id"])
    assert occasion.title == "Delårsrapport 2026" and occasion.status == "open"
    assert ReportingTask.objects.get(occasion=occasion).unit.code == "ALD"
    report = Report.objects.get(occasion=occasion, item__title="Nattvandring med personal")
    assert report.comment == "Två av tre boenden är med."
    # The history says who did it.
    assert trygghet.history.first().history_user.username == "maja"
    assert OccasionStep.history.filter(history_user__username="maja").count() == 2

    # The lists, with the ids the other commands take.
    listed = as_json("list_occasions", "--year=2026", "--steps", *maja)
    assert [(o["id"], o["name"], o["plan_types"]) for o in listed] == [
        (occasion.pk, "Delårsrapport 2026", ["Trygghetsplan"])
    ]
    assert [(s["name"], s["level"], s["deadline"]) for s in listed[0]["steps"]] == [
        ("Avdelningschefer rapporterar", "Avdelning", "2026-07-15"),
        ("Nämnden beslutar", None, "2026-09-22"),
    ]
    table = run("list_occasions", "--year=2026", *maja).splitlines()
    assert table[0].split() == [
        "Id",
        "Namn",
        "Typ",
        "Avser",
        "t.o.m.",
        "Status",
        "Plantyper",
        "Ekonomi",
    ]
    assert table[1].split()[:3] == [str(occasion.pk), "Delårsrapport", "2026"]
    assert table[0].index("Typ") == table[1].index("Delårsbokslut")  # aligned
    plans = as_json("list_plans", "--year=2026", *maja)
    assert [(p["plan_type"], p["unit_code"], p["items"]) for p in plans] == [
        ("Trygghetsplan", "ALD", 2)
    ]
    parts = as_json("list_model", "--year=2026", *maja)
    assert {
        "part": "Perspektiv",
        "id": trygghet.pk,
        "name": "Trygghet",
        "order": trygghet.order,
    } in parts
    assert {
        "part": "Plantyp",
        "id": plan_type.pk,
        "name": "Trygghetsplan",
        "order": plan_type.order,
        "details": "Mål: Måluppfyllelse, Aktivitet: Tre steg",
    } in parts
    assert "  Skalvärde  " in run("list_model", "--year=2026", *maja)
    units = as_json("list_units", *maja)
    assert [u["code"] for u in units] == ["SJO", "SON", "SOF", "IFO", "ALD"]
    assert units[4]["parent_code"] == "SOF" and units[4]["type"] == "Avdelning"

    # The document of the occasion, named by its name.
    target = tmp_path / "uppfoljning.html"
    out = run(
        "document",
        "uppfoljning",
        "--unit=ALD",
        "--occasion=Delårsrapport 2026",
        "--format=html",
        f"--output={target}",
        *maja,
    )
    assert f"till {target}" in out
    page = target.read_text()
    assert "Nattvandring med personal" in page and "Pågår" in page
    assert "Två av tre boenden är med." in page and "Trygghet" in page
    pdf = tmp_path / "uppfoljning.pdf"
    run(
        "document",
        "uppfoljning",
        "--unit=ALD",
        "--occasion=Delårsrapport 2026",
        f"--output={pdf}",
        *maja,
    )
    assert pdf.read_bytes().startswith(b"%PDF")


def test_copy_year_copies_the_model_plans_and_wheel(year, organisation):
    run(
        "add_occasion",
        "--year=2026",
        "--name=Årsbokslut",
        "--kind=arsbokslut",
        "--period-end=2026-12-31",
        "--plan-types=Verksamhetsplan",
        "--user=maja",
    )
    out = run("copy_year", "--year=2026", "--user=maja")
    assert "Styrmodellen för 2026 är kopierad till 2027" in out
    copy = GovernanceModel.objects.get(year=2027)
    assert [o.title for o in copy.occasions.all()] == ["Årsbokslut 2027"]
    assert "finns redan" in refused("copy_year", "--year=2026", "--user=maja")


def test_bad_input_is_named_and_nothing_is_saved(year, organisation):
    maja = "--user=maja"
    message = refused("add_perspective", "--year=2026", "--name=  ekonomi ", maja)
    assert message == "--name: Det finns redan ett perspektiv som heter ”ekonomi” det här året."
    assert refused("add_perspective", "--year=2031", "--name=X", maja).startswith(
        "--year: det finns ingen styrmodell för 2031 i Sjöbo kommun."
    )
    assert refused("add_perspective", "--year=tjugo", "--name=X", maja) == (
        "--year: ange året med fyra siffror, t.ex. 2026."
    )
    assert Perspective.objects.filter(model=year).count() == 5

    message = refused(
        "add_scale_value",
        "--year=2026",
        "--scale=Aktivitetsstatus",
        "--label=Grön",
        "--colour=grönt",
        maja,
    )
    assert message == "--colour: Ange färgen som hexkod, t.ex. #1e6b34."
    assert "--scale: det finns ingen skala som heter ”Status”" in refused(
        "add_scale_value", "--year=2026", "--scale=Status", "--label=Grön", maja
    )
    assert "--item-kinds: okänd posttyp ”Risk”" in refused(
        "add_plan_type", "--year=2026", "--name=Ny", "--item-kinds=Mål, Risk", maja
    )
    assert "--unit-types: okänd enhetstyp ”Sektor”" in refused(
        "add_level", "--year=2026", "--name=Sektormål", "--unit-types=Sektor", maja
    )

    message = refused(
        "add_occasion",
        "--year=2026",
        "--name=Prognos mars",
        "--kind=manadsuppfoljning",
        "--period-end=2026-03-31",
        "--forecast",
        maja,
    )
    assert sorted(message.splitlines()) == [
        "--forecast: Helårsprognos lämnas i den ekonomiska uppföljningen: kryssa i även "
        "”Följer upp ekonomin”.",
        "--plan-types: Välj minst en plantyp, eller kryssa i ”Följer upp ekonomin”.",
    ]
    assert "--period-end: ange datumet som ÅÅÅÅ-MM-DD" in refused(
        "add_occasion",
        "--year=2026",
        "--name=Delår",
        "--kind=delarsbokslut",
        "--period-end=31/8",
        "--plan-types=Verksamhetsplan",
        maja,
    )
    assert "--plan-types: det finns ingen plantyp som heter ”Budget”" in refused(
        "add_occasion",
        "--year=2026",
        "--name=Delår",
        "--kind=delarsbokslut",
        "--period-end=2026-08-31",
        "--plan-types=Budget",
        maja,
    )
    assert not FollowUpOccasion.objects.exists()

    run(
        "add_occasion",
        "--year=2026",
        "--name=Delår",
        "--kind=delarsbokslut",
        "--period-end=2026-08-31",
        "--plan-types=Verksamhetsplan",
        maja,
    )
    assert (
        refused(
            "add_step",
            "--occasion=Delår 2026",
            "--name=Enheter",
            "--start=2026-07-01",
            "--deadline=2026-06-30",
            maja,
        )
        == "--deadline: Tidsfristen kan inte vara före startdatumet (2026-07-01)."
    )
    assert not OccasionStep.objects.exists()
    with pytest.raises(CommandError, match="de här argumenten saknas: --deadline"):
        run("add_step", "--occasion=Delår 2026", "--name=Enheter", "--start=2026-07-01")


def test_an_occasion_is_named_by_id_or_name_with_its_year(year, organisation, tmp_path):
    run("copy_year", "--year=2026", "--user=maja")
    for y in (2026, 2027):
        run(
            "add_occasion",
            f"--year={y}",
            "--name=Månadsuppföljning mars",
            "--kind=manadsuppfoljning",
            f"--period-end={y}-03-31",
            "--plan-types=Verksamhetsplan",
        )
    march = {o.year: o for o in FollowUpOccasion.objects.all()}
    message = refused(
        "document",
        "uppfoljning",
        "--unit=ALD",
        "--occasion=månadsuppföljning mars",
        "--format=html",
    )
    assert message == (
        "--occasion: ”månadsuppföljning mars” kan vara flera uppföljningstillfällen: "
        f"Månadsuppföljning mars 2026 (id {march[2026].pk}), "
        f"Månadsuppföljning mars 2027 (id {march[2027].pk}). Ange id, eller namnet med året."
    )
    message = refused(
        "document", "uppfoljning", "--unit=ALD", "--occasion=Delår 2026", "--format=html"
    )
    assert message.startswith(
        "--occasion: det finns inga uppföljningstillfällen med id eller namn ”Delår 2026”. "
        "Att välja bland: Månadsuppföljning mars 2026"
    )
    for reference in ("Månadsuppföljning mars 2027", str(march[2027].pk)):
        target = tmp_path / "mars.html"
        run(
            "document",
            "uppfoljning",
            "--unit=ALD",
            f"--occasion={reference}",
            "--format=html",
            f"--output={target}",
        )
        assert "2027" in target.read_text()
    # The step command finds it the same way.
    assert "kan vara flera uppföljningstillfällen" in refused(
        "add_step",
        "--occasion=Månadsuppföljning mars",
        "--name=X",
        "--start=2026-04-01",
        "--deadline=2026-04-05",
    )


def test_a_user_does_only_what_the_policy_lets_them(year, organisation):
    ald = Unit.objects.get(code="ALD")
    UserFactory(username="chef")
    grant(UserFactory(username="chef2"), ald, Role.MANAGER)
    grant(
        UserFactory(username="lasare", first_name="Lisa", last_name="Läsare"),
        Unit.objects.get(code="SJO"),
        Role.READER,
    )

    assert refused("add_perspective", "--year=2026", "--name=Trygghet", "--user=lasare") == (
        "Åtkomst nekad: Lisa Läsare får inte ändra styrmodellen 2026 för Sjöbo kommun."
    )
    assert "Åtkomst nekad" in refused("create_year", "--year=2027", "--user=chef2")
    assert "Åtkomst nekad" in refused("copy_year", "--year=2026", "--user=lasare")
    assert not Perspective.objects.filter(name="Trygghet").exists()
    assert not GovernanceModel.objects.filter(year=2027).exists()

    run(
        "add_occasion",
        "--year=2026",
        "--name=Delår",
        "--kind=delarsbokslut",
        "--period-end=2026-08-31",
        "--plan-types=Verksamhetsplan",
    )
    assert "Åtkomst nekad" in refused("open_occasion", "--occasion=Delår 2026", "--user=chef2")
    assert FollowUpOccasion.objects.get().status == "planned"
    # Someone with no grant in the organisation sees neither it nor its occasions.
    assert "ingen organisation som du läser" in refused("list_occasions", "--user=chef")
    assert "det finns inga uppföljningstillfällen" in refused(
        "document", "uppfoljning", "--unit=ALD", "--occasion=Delår 2026", "--user=chef"
    )
    # A manager lists the units and plans they read, not the others'.
    run("import_plan", *_plan_args("ALD"))
    run("import_plan", *_plan_args("IFO"))
    assert [p["unit_code"] for p in as_json("list_plans", "--user=chef2")] == ["ALD"]
    assert {p["unit_code"] for p in as_json("list_plans", "--user=lasare")} == {"ALD", "IFO"}
    assert [u["code"] for u in as_json("list_units", "--user=chef2")] == ["ALD"]
    assert "--user: Det finns ingen användare" in refused("list_units", "--user=okand")


def _plan_args(code: str) -> list[str]:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.write(
        workbook(
            {
                "Aktiviteter": [
                    ACTIVITY_HEADER,
                    ["1", "Invånare", "", f"Aktivitet för {code}", "", "", "", ""],
                ]
            }
        )
    )
    handle.close()
    return [handle.name, f"--unit={code}", "--year=2026", "--plan-type=Verksamhetsplan"]


def test_the_command_line_exits_non_zero_with_one_swedish_line(
    year, organisation, capsys, monkeypatch
):
    # The command closes the database connections when it ends; the test's
    # transaction must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as info:
        cli.main(["styrhjul", "add-perspective", "--year", "2026", "--name", "Ekonomi"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "--name: Det finns redan ett perspektiv som heter ”Ekonomi” det här året." in err
    assert "Traceback" not in err
    assert Item.objects.count() == 0
