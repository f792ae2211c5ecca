"""Economic follow-up at the occasions: an occasion that follows up the
economy without plan types, the economy tasks of the units holding ansvar
and their managers, the helårsprognos form (amounts, letters, measures
required below the limit, values kept), the avvikelse, the underlag of the
units below, and the economy tasks in klarmarkera, locking, reminders and
the overview."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import ReportRow
from styrhjul.followup import economy, overview, readmodel, reminders, services
from styrhjul.followup.models import (
    FollowUpOccasion,
    Forecast,
    ForecastMeasure,
    MeasureFollowUp,
    OccasionKind,
    OccasionStep,
    ReportingTask,
    TaskKind,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    BudgetFactory,
    BudgetVersionFactory,
    DimensionFactory,
    DimensionObjectFactory,
    UserFactory,
    UtfallFactory,
    grant,
    unit_type,
)

pytestmark = pytest.mark.django_db

SALARY = Decimal("1000.00")  # a month's salaries on each ansvar, budget and utfall


@pytest.fixture
def ledger(org):
    """Ansvar held by Solgårdens äldreboende, Hemtjänst Norr and Äldreomsorg
    (the avdelning itself): a budget of 1 000 kronor salaries a month on
    each, and utfall for January to March 2025, last year's for the same
    months 900 a month. Individ och familj's units hold none."""
    organisation = org["kommun"]
    ensure_default_rows(organisation)
    dimension = DimensionFactory(organisation=organisation, number=1)
    account = AccountFactory(organisation=organisation, number="5010")
    version = BudgetVersionFactory(organisation=organisation)
    for key in ("enhet_a1", "enhet_a2", "avd_a"):
        ansvar = DimensionObjectFactory(dimension=dimension)
        AnsvarMappingFactory(ansvar=ansvar, unit=org[key], valid_from=datetime.date(2024, 1, 1))
        for month in range(1, 13):
            BudgetFactory(
                version=version,
                account=account,
                ansvar=ansvar,
                in_ansvar_sum=True,
                period=datetime.date(2025, month, 1),
                amount=SALARY,
            )
        for month in (1, 2, 3):
            UtfallFactory(
                organisation=organisation,
                account=account,
                ansvar=ansvar,
                period=datetime.date(2025, month, 1),
                amount=SALARY,
            )
            UtfallFactory(
                organisation=organisation,
                account=account,
                ansvar=ansvar,
                year_start=datetime.date(2024, 1, 1),
                period=datetime.date(2024, month, 1),
                amount=Decimal("900.00"),
            )
    return {r.name: r for r in ReportRow.objects.filter(organisation=organisation)}


def economy_occasion(
    model, *, name="Månadsrapport mars", period_end=datetime.date(2025, 3, 31), forecast=True
):
    """An occasion following up the economy only, with deadlines for
    enheter and avdelningar ten and twenty days from today, opened."""
    occasion = services.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.MONTHLY,
            name=name,
            period_end=period_end,
            follows_economy=True,
            asks_forecast=forecast,
        ),
        plan_types=[],
    )
    today = timezone.localdate()
    for step_name, type_name, days in (
        ("Enhetschefer", "Enhet", 10),
        ("Avdelningschefer", "Avdelning", 20),
    ):
        services.step_save(
            actor=access.SYSTEM,
            step=OccasionStep(
                occasion=occasion,
                name=step_name,
                unit_type=unit_type(type_name),
                start=today - datetime.timedelta(days=5),
                deadline=today + datetime.timedelta(days=days),
            ),
        )
    services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    return occasion


@pytest.fixture
def march(model, ledger):
    return economy_occasion(model)


@pytest.fixture
def people(org):
    def user(key, role=Role.MANAGER):
        u = UserFactory(email=f"{key}@example.se")
        grant(u, org[key], role)
        return u

    return {
        "a1": user("enhet_a1"),
        "a2": user("enhet_a2"),
        "avd": user("avd_a"),
        "b1": user("enhet_b1"),
        "owner": user("kommun", Role.MODEL_OWNER),
    }


def task_of(occasion, unit) -> ReportingTask:
    return ReportingTask.objects.get(occasion=occasion, unit=unit, kind=TaskKind.ECONOMY)


def page(client, user, task) -> str:
    client.force_login(user)
    response = client.get(reverse("followup:task", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def post_forecast(client, user, task, rows, amounts: dict, **extra):
    """Post the forecast form: `amounts` by row name (the other rows 0)."""
    data = {"version": extra.pop("version", "0"), "comment": extra.pop("comment", "")}
    for name, row in rows.items():
        if not row.is_total:
            data[f"row-{row.pk}"] = amounts.get(name, "0")
            data[f"row-{row.pk}-comment"] = ""
    data.update(extra)
    client.force_login(user)
    return client.post(reverse("followup:forecast", args=[task.pk]), data)


# --- The occasion -----------------------------------------------------------------------------


def test_an_occasion_follows_up_the_economy_without_plan_types(client, org, model, people):
    client.force_login(people["owner"])
    url = reverse("followup:occasion_create", args=[model.pk])
    response = client.post(
        url,
        {
            "kind": "monthly",
            "name": "Månadsrapport februari",
            "period_end": "2025-02-28",
            "follows_economy": "on",
            "forecast_threshold": "1",
            "grace_days": "0",
        },
    )
    assert response.status_code == 302
    occasion = FollowUpOccasion.objects.get(name="Månadsrapport februari")
    assert occasion.follows_economy and not occasion.asks_forecast
    assert not occasion.plan_types.exists()


def test_an_occasion_without_plan_types_or_economy_is_refused(client, model, people):
    client.force_login(people["owner"])
    response = client.post(
        reverse("followup:occasion_create", args=[model.pk]),
        {
            "kind": "monthly",
            "name": "Månadsrapport februari",
            "period_end": "2025-02-28",
            "asks_forecast": "on",
            "forecast_threshold": "ett",
            "grace_days": "0",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Välj minst en plantyp, eller kryssa i ”Följer upp ekonomin”." in html
    assert "kryssa i även ”Följer upp ekonomin”" in html
    assert "Ange gränsen som ett tal" in html
    assert not FollowUpOccasion.objects.filter(name="Månadsrapport februari").exists()


# --- The tasks --------------------------------------------------------------------------------


def test_economy_tasks_go_to_the_units_holding_ansvar_and_the_units_above(org, march):
    tasks = ReportingTask.objects.filter(occasion=march)
    assert all(t.kind == TaskKind.ECONOMY and t.plan_type_id is None for t in tasks)
    assert {t.unit.name for t in tasks} == {
        "Solgårdens äldreboende",
        "Hemtjänst Norr",
        "Äldreomsorg",
        "Socialförvaltningen",
        "Socialnämnden",
        "Provköpings kommun",
    }
    a1 = task_of(march, org["enhet_a1"])
    assert a1.name == "Månadsrapport mars 2025: Ekonomi: Solgårdens äldreboende"
    assert a1.step.name == "Enhetschefer"
    assert task_of(march, org["avd_a"]).step.name == "Avdelningschefer"
    # Opening again creates nothing more.
    assert services.occasion_open(actor=access.SYSTEM, occasion=march) == []


def test_a_mapping_ended_before_the_period_end_gives_no_task(org, model, ledger):
    from styrhjul.economy.models import AnsvarMapping

    AnsvarMapping.objects.filter(unit=org["enhet_a2"]).update(valid_to=datetime.date(2025, 2, 28))
    occasion = economy_occasion(model)
    units = set(occasion.tasks.values_list("unit__name", flat=True))
    assert "Hemtjänst Norr" not in units and "Solgårdens äldreboende" in units


# --- The page and the forecast ----------------------------------------------------------------


def test_the_page_shows_budget_utfall_last_year_and_the_form(client, org, march, people):
    html = page(client, people["a1"], task_of(march, org["enhet_a1"]))
    assert "Budget och utfall" in html
    # Personalkostnader: budget helår −12 000, budget and utfall jan–mar −3 000, last year −2 700.
    assert "Utfall januari–mars 2024" in html
    assert "−12\u202f000" in html and "−3\u202f000" in html and "−2\u202f700" in html
    assert "Prognos helår för personalkostnader (kronor)" in html
    assert "Spara prognosen" in html


def test_budget_and_utfall_to_date_cover_the_same_months_as_on_the_economy_page(
    client, org, model, people, ledger
):
    # At the end of April the ledger has utfall to March: the task compares
    # January–March, as the unit's economy page and the Månadsrapport do,
    # and says so, instead of four months of budget against three of utfall.
    from styrhjul.economy.queries import unit_economy

    april = economy_occasion(
        model, name="Månadsrapport april", period_end=datetime.date(2025, 4, 30)
    )
    task = task_of(april, org["enhet_a1"])

    html = page(client, people["a1"], task)

    assert "Ekonomisystemet har utfall för 3 månader av perioden" in html
    assert "Budget, utfall januari–mars och helårsprognos per rad" in html
    figures = economy.economy_figures(task)
    table = unit_economy(org["enhet_a1"], datetime.date(2025, 1, 1))
    on_the_page = {row.row_id: (budget, utfall) for row, budget, utfall, _ in table.to_date()}
    for row in figures.rows:
        assert (row.budget_to_date, row.utfall_to_date or 0) == on_the_page[row.row_id], row.name


def test_a_good_forecast_is_saved_and_the_avvikelse_shown(client, org, march, people, ledger):
    task = task_of(march, org["enhet_a1"])
    response = post_forecast(
        client,
        people["a1"],
        task,
        ledger,
        {"Personalkostnader": "−11 900"},
        comment="Lägre kostnader för vikarier.",
    )
    assert response.status_code == 302
    forecast = Forecast.objects.get(occasion=march, unit=org["enhet_a1"])
    assert forecast.comment == "Lägre kostnader för vikarier."
    staff = ledger["Personalkostnader"]
    assert forecast.rows.get(row=staff).amount == Decimal("-11900")
    html = page(client, people["a1"], task)
    # Prognos −11 900 against budget −12 000: avvikelse +100.
    assert "−11\u202f900" in html and ">100<" in html
    assert "Lämnad, senast sparad" in html


def test_letters_are_refused_at_the_field_and_what_was_typed_is_kept(
    client, org, march, people, ledger
):
    task = task_of(march, org["enhet_a1"])
    response = post_forecast(
        client, people["a1"], task, ledger, {"Personalkostnader": "elva tusen"}, comment="Min text"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange prognosen som ett belopp i kronor" in html
    assert 'value="elva tusen"' in html and "Min text" in html
    assert not Forecast.objects.exists()


def test_a_forecast_too_far_below_budget_requires_measures(client, org, march, people, ledger):
    task = task_of(march, org["enhet_a1"])
    # −13 000 against −12 000: 1 000 kronor worse, more than 1 % (120 kronor).
    response = post_forecast(
        client, people["a1"], task, ledger, {"Personalkostnader": "-13000"}, comment="Vikarier"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Prognosen för nettokostnaden är 1\u202f000 kronor sämre än budgeten" in html
    assert 'value="-13000"' in html and "Vikarier" in html
    assert not Forecast.objects.exists()
    # A measure partly filled in is refused at its fields.
    response = post_forecast(
        client,
        people["a1"],
        task,
        ledger,
        {"Personalkostnader": "-13000"},
        **{"measure-0-text": "Färre vikarier"},
    )
    html = response.content.decode()
    assert "Ange vem som ansvarar för åtgärden." in html
    assert "Färre vikarier" in html
    assert not Forecast.objects.exists()
    response = post_forecast(
        client,
        people["a1"],
        task,
        ledger,
        {"Personalkostnader": "-13000"},
        **{
            "measure-0-text": "Färre vikarier",
            "measure-0-responsible": "Enhetschefen",
            "measure-0-due": "2025-06-30",
        },
    )
    assert response.status_code == 302
    measure = ForecastMeasure.objects.get()
    assert (measure.text, measure.responsible, measure.due) == (
        "Färre vikarier",
        "Enhetschefen",
        datetime.date(2025, 6, 30),
    )


def test_a_small_deviation_within_the_limit_needs_no_measures(org, march, people, ledger):
    task = task_of(march, org["enhet_a1"])
    rows = {r.row_id: Decimal(0) for r in economy.economy_figures(task).input_rows}
    rows[ledger["Personalkostnader"].pk] = Decimal("-12100")  # 100 worse, limit 120
    economy.forecast_save(
        actor=people["a1"], task=task, amounts=rows, comments={}, comment="", measures=[], version=0
    )
    assert Forecast.objects.count() == 1


def save(task, user, amount, ledger, version=0, **kw):
    rows = {r.pk: Decimal(0) for r in ledger.values() if not r.is_total}
    rows[ledger["Personalkostnader"].pk] = Decimal(amount)
    return economy.forecast_save(
        actor=user,
        task=task,
        amounts=rows,
        comments=kw.get("comments", {}),
        comment=kw.get("comment", ""),
        measures=kw.get("measures", []),
        version=version,
    )


def test_a_save_on_top_of_someone_elses_is_refused(org, march, people, ledger):
    from styrhjul.core.concurrency import EditConflict

    task = task_of(march, org["enhet_a1"])
    save(task, people["a1"], "-12000", ledger)
    with pytest.raises(EditConflict):
        save(task, people["a1"], "-11000", ledger, version=0)
    save(task, people["a1"], "-11000", ledger, version=1)
    assert Forecast.objects.get().version == 2
    assert Forecast.history.count() == 2


def test_the_manager_above_sees_the_rolled_up_forecast_and_the_underlag(
    client, org, march, people, ledger
):
    save(
        task_of(march, org["enhet_a1"]),
        people["a1"],
        "-13000",
        ledger,
        comment="Hög sjukfrånvaro.",
        comments={ledger["Personalkostnader"].pk: "Vikarier"},
        measures=[
            economy.MeasureInput(None, "Färre vikarier", "Enhetschefen", datetime.date(2025, 6, 30))
        ],
    )
    save(task_of(march, org["enhet_a2"]), people["a2"], "-12000", ledger)
    avd = task_of(march, org["avd_a"])
    figures = economy.economy_figures(avd)
    staff = next(r for r in figures.rows if r.name == "Personalkostnader")
    # The two enheter's −25 000 below; the avdelning's own not yet given.
    assert staff.below == Decimal("-25000") and staff.own is None
    assert staff.budget_year == Decimal("-36000")
    client.force_login(people["avd"])
    html = client.get(reverse("followup:economy_underlag", args=[avd.pk])).content.decode()
    assert "2 av 2 enheter med ansvar" in html
    assert "Hög sjukfrånvaro." in html and "Vikarier" in html and "Färre vikarier" in html
    assert "−25\u202f000" in html  # the sum of the units below
    # The measures of a unit below count for the avdelning: −37 000 against −36 000.
    save(avd, people["avd"], "-12000", ledger)
    assert Forecast.objects.count() == 3


def test_measures_are_followed_up_at_the_next_economy_occasion(
    client, org, model, march, people, ledger
):
    save(
        task_of(march, org["enhet_a1"]),
        people["a1"],
        "-13000",
        ledger,
        measures=[
            economy.MeasureInput(None, "Färre vikarier", "Enhetschefen", datetime.date(2025, 6, 30))
        ],
    )
    april = economy_occasion(
        model, name="Månadsrapport april", period_end=datetime.date(2025, 4, 30), forecast=False
    )
    task = task_of(april, org["enhet_a1"])
    html = page(client, people["a1"], task)
    assert "Åtgärder från tidigare prognoser" in html and "Färre vikarier" in html
    measure = ForecastMeasure.objects.get()
    response = client.post(
        reverse("followup:forecast_measure", args=[task.pk, measure.pk]),
        {"result": "", "done": "1", "version": "0"},
    )
    assert "Beskriv vad som har gjorts när åtgärden är klar." in response.content.decode()
    response = client.post(
        reverse("followup:forecast_measure", args=[task.pk, measure.pk]),
        {"result": "Två färre vikarier från april.", "done": "1", "version": "0"},
    )
    assert response.status_code == 302
    followup = MeasureFollowUp.objects.get()
    assert followup.done and followup.forecast_measure == measure and followup.report is None


# --- Klarmarkera, locking, reminders, overview -----------------------------------------------


def test_economy_tasks_are_marked_done_and_lock_like_the_others(client, org, march, people, ledger):
    task = task_of(march, org["enhet_a1"])
    assert readmodel.task_progress([task]) == {task.pk: (0, 1)}
    save(task, people["a1"], "-12000", ledger)
    assert readmodel.task_progress([task]) == {task.pk: (1, 1)}
    client.force_login(people["a1"])
    assert client.post(reverse("followup:task_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    # Klarmarkerad: the forecast can no longer be changed.
    response = post_forecast(client, people["a1"], task, ledger, {})
    assert response.status_code == 403
    # Past the deadline it is locked.
    OccasionStep.objects.filter(occasion=march).update(
        start=datetime.date(2025, 4, 1), deadline=datetime.date(2025, 4, 10)
    )
    task.refresh_from_db()
    assert services.is_locked(task)
    html = page(client, people["a1"], task)
    assert "Rapporteringen är låst." in html and "Spara prognosen" not in html


def test_the_overview_counts_and_filters_economy_tasks(client, org, march, people, ledger):
    save(task_of(march, org["enhet_a1"]), people["a1"], "-12000", ledger)
    found = overview.overview(people["owner"], march)
    assert found.all_count == 6 and found.has_economy
    by_unit = {r.task.unit.name: (r.reported, r.total, r.status) for r in found.rows}
    assert by_unit["Solgårdens äldreboende"] == (1, 1, overview.IN_PROGRESS)
    assert by_unit["Hemtjänst Norr"] == (0, 1, overview.NOT_STARTED)
    filtered = overview.overview(people["owner"], march, overview.Filters(plan_type="ekonomi"))
    assert len(filtered.rows) == 6
    client.force_login(people["owner"])
    response = client.get(reverse("followup:overview_export", args=[march.pk]))
    assert response.status_code == 200


def test_reminders_name_the_forecast(org, march, people):
    task = task_of(march, org["enhet_a2"])
    todo = reminders.still_to_report([task])[task.pk]
    subject, body = reminders.subject_and_body(
        task, "manual", timezone.localdate(), "https://x/", todo
    )
    assert "Helårsprognosen är inte lämnad ännu." in body
    assert "Plan: Ekonomi" in body
    assert mail.outbox == []


def test_my_tasks_list_the_economy_task_and_say_whether_the_forecast_is_given(
    client, org, march, people, ledger
):
    client.force_login(people["a1"])
    html = client.get(reverse("start")).content.decode()
    assert "Ekonomi: Solgårdens äldreboende" in html
    assert "Ingen prognos ännu" in html and "av 1 post" not in html
    save(task_of(march, org["enhet_a1"]), people["a1"], "-12000", ledger)
    client.force_login(people["a1"])
    html = client.get(reverse("start")).content.decode()
    assert "Prognos lämnad" in html and "Ingen prognos ännu" not in html


def test_the_overview_says_whether_the_forecast_is_given(client, org, march, people, ledger):
    save(task_of(march, org["enhet_a1"]), people["a1"], "-12000", ledger)
    client.force_login(people["owner"])
    html = client.get(reverse("followup:overview", args=[march.pk])).content.decode()
    assert "Prognos lämnad" in html and "Ingen prognos ännu" in html
    assert "1 av 1" not in html


# --- Access -----------------------------------------------------------------------------------


def test_a_manager_cannot_see_another_units_economy_task(client, org, march, people, ledger):
    task = task_of(march, org["enhet_a1"])
    client.force_login(people["b1"])
    assert client.get(reverse("followup:task", args=[task.pk])).status_code == 404
    assert client.get(reverse("followup:economy_underlag", args=[task.pk])).status_code == 404
    assert post_forecast(client, people["b1"], task, ledger, {}).status_code == 404
    # The manager of a sibling unit neither.
    client.force_login(people["a2"])
    assert client.get(reverse("followup:task", args=[task.pk])).status_code == 404


def test_the_underlag_page_runs_as_many_queries_for_more_units(client, org, march, people, ledger):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    avd = task_of(march, org["avd_a"])
    client.force_login(people["avd"])
    url = reverse("followup:economy_underlag", args=[avd.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    save(task_of(march, org["enhet_a1"]), people["a1"], "-12000", ledger)
    few = count()
    for n in range(3):
        unit = UnitFactory(name=f"Ny enhet {n}", code=f"NY{n}", parent=org["avd_a"])
        forecast = Forecast.objects.create(occasion=march, unit=unit, comment=f"Kommentar {n}")
        ForecastMeasure.objects.create(
            forecast=forecast, text="Åtgärd", responsible="Chef", due=datetime.date(2025, 6, 30)
        )
    assert count() == few


def test_the_economy_task_page_runs_as_many_queries_for_more_ansvar_and_units(
    client, org, march, people, ledger
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from styrhjul.economy.models import Account, BudgetVersion, Dimension
    from tests.factories import UnitFactory

    avd = task_of(march, org["avd_a"])
    client.force_login(people["avd"])
    url = reverse("followup:task", args=[avd.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200
        assert "Helårsprognos" in response.content.decode()
        return len(queries)

    save(task_of(march, org["enhet_a1"]), people["a1"], "-12000", ledger)
    few = count()
    organisation = org["kommun"]
    dimension = Dimension.objects.get(organisation=organisation, number=1)
    account = Account.objects.get(organisation=organisation, number="5010")
    rent = AccountFactory(organisation=organisation, number="6010")
    version = BudgetVersion.objects.get(organisation=organisation)
    for n in range(4):
        unit = UnitFactory(name=f"Ny enhet {n}", code=f"NY{n}", parent=org["avd_a"])
        for number in range(2):
            ansvar = DimensionObjectFactory(dimension=dimension, code=f"9{n}{number}")
            AnsvarMappingFactory(ansvar=ansvar, unit=unit, valid_from=datetime.date(2024, 1, 1))
            for booked in (account, rent):
                BudgetFactory(
                    version=version,
                    account=booked,
                    ansvar=ansvar,
                    in_ansvar_sum=True,
                    period=datetime.date(2025, 2, 1),
                    amount=SALARY,
                )
                UtfallFactory(
                    organisation=organisation,
                    account=booked,
                    ansvar=ansvar,
                    period=datetime.date(2025, 2, 1),
                    amount=SALARY,
                )
        forecast = Forecast.objects.create(occasion=march, unit=unit, comment=f"Kommentar {n}")
        ForecastMeasure.objects.create(
            forecast=forecast, text="Åtgärd", responsible="Chef", due=datetime.date(2025, 6, 30)
        )
    assert count() == few
