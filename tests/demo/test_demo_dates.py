"""The demo is alive on any date: `styrhjul load-demo --today` builds last
year closed with its årsbokslut and this year with a follow-up open that
day, for whichever day it is loaded on."""

import datetime

import pytest
from django.db import transaction

from styrhjul.core.concurrency import one_action
from styrhjul.demo import this_year
from styrhjul.demo.calendar import DemoCalendar, on_weekday
from styrhjul.demo.services import load_demo
from styrhjul.economy import queries as economy
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStatus, ReportingTask
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item

DATES = ["2026-12-05", "2027-03-15", "2027-09-20", "2028-01-10"]
PERSONAS = {"enhetschef": "3111", "avdelningschef": "3110", "forvaltningschef": "3100"}


@pytest.fixture(scope="module", params=DATES)
def built(request, django_db_setup, django_db_blocker):
    today = datetime.date.fromisoformat(request.param)
    with django_db_blocker.unblock(), one_action():
        summary = load_demo(today=today, copy_until=today.year)
        yield today, summary
        transaction.set_rollback(True)


@pytest.fixture
def demo_on(built, db):
    return built


def test_last_year_is_closed_with_its_arsbokslut(demo_on):
    today, summary = demo_on
    assert summary.calendar.last_year == today.year - 1
    annual = FollowUpOccasion.objects.get(model__year=today.year - 1, kind=OccasionKind.ANNUAL)
    assert annual.name == f"Årsbokslut {today.year - 1}"
    assert annual.status == OccasionStatus.CLOSED
    assert annual.period_end == datetime.date(today.year - 1, 12, 31)
    tasks = annual.tasks.all()
    assert tasks and all(t.done_at is not None for t in tasks)
    # Every assessed goal of the year has its assessment at the årsbokslut.
    goals = annual.reports.filter(item__kind=ItemKind.GOAL)
    assert goals.exists()
    assert all(r.assessment_id or r.analysis for r in goals)
    # The reports were written around the turn of the year, before today.
    assert max(t.done_at.date() for t in tasks) < today


def test_the_follow_up_before_lingers_with_locked_tasks_for_a_model_owner(demo_on):
    """Besides the one open today, at most the follow-up before it is still
    open: a few units never reported, and their tasks are locked."""
    today, summary = demo_on
    open_now = FollowUpOccasion.objects.filter(status=OccasionStatus.OPEN).exclude(
        period_end=this_year.open_period(today)
    )
    assert len(open_now) <= 1
    for lingering in open_now:
        assert lingering.period_end < this_year.open_period(today)
        assert lingering.title in summary.message
        left = [t for t in lingering.tasks.all() if not t.done_at and t.deadline]
        assert left and all(followup.is_locked(t, today) for t in left)
        assert len(left) < lingering.tasks.count() / 4


def test_one_follow_up_is_open_today_for_every_level(demo_on):
    today, summary = demo_on
    open_now = FollowUpOccasion.objects.filter(
        model__year=today.year, status=OccasionStatus.OPEN, period_end=this_year.open_period(today)
    )
    occasion = open_now.get()
    if today.month in (8, 9, 10):
        assert occasion.kind == OccasionKind.INTERIM
    assert occasion.name in summary.message
    tasks = list(occasion.tasks.select_related("unit", "step", "occasion", "plan_type"))
    kinds = {i.kind for t in tasks for i in followup.task_items(t)}
    assert {ItemKind.GOAL, ItemKind.INDICATOR, ItemKind.ACTIVITY, ItemKind.CONTROL_POINT} <= kinds
    for login, code in PERSONAS.items():
        theirs = [t for t in tasks if t.unit.code == code]
        assert theirs, login
        # Something left to report, and still open for reporting.
        assert any(not t.done_at and not followup.is_locked(t, today) for t in theirs), login
    # Deadlines: the enheter's just passed (still open), the rest ahead.
    passed = [t for t in tasks if t.deadline and t.deadline < today]
    ahead = [t for t in tasks if t.deadline and t.deadline > today]
    assert passed and ahead
    assert not any(followup.is_locked(t, today) for t in tasks)
    # A mix: klarmarkerade, påbörjade and not begun.
    reported = set(occasion.reports.values_list("unit_id", flat=True))
    done = [t for t in tasks if t.done_at]
    begun = [t for t in tasks if not t.done_at and t.unit_id in reported]
    untouched = [t for t in tasks if t.unit_id not in reported]
    assert done and begun and untouched


def test_this_years_wheel_spans_the_year(demo_on):
    today, _summary = demo_on
    occasions = list(FollowUpOccasion.objects.filter(model__year=today.year))
    assert len({o.period_end.month for o in occasions}) >= 10
    now = this_year.open_period(today)
    for occasion in occasions:
        if occasion.period_end < now and occasion.status != OccasionStatus.OPEN:
            # Earlier follow-ups of the year: reported, klarmarkerade, closed.
            assert occasion.status == OccasionStatus.CLOSED, occasion
            assert occasion.reports.exists(), occasion
        if occasion.period_end > today and occasion.period_end != now:
            assert occasion.status == OccasionStatus.PLANNED, occasion
            assert not ReportingTask.objects.filter(occasion=occasion).exists()


def test_this_years_activities_are_dated_this_year(demo_on):
    today, _summary = demo_on
    dated = Item.objects.filter(
        plan__plan_type__model__year=today.year,
        kind=ItemKind.ACTIVITY,
        start_date__isnull=False,
    )
    assert dated.exists()
    assert {i.start_date.year for i in dated} == {today.year}


def test_a_second_load_changes_nothing(demo_on):
    today, _summary = demo_on
    again = load_demo(today=today, copy_until=today.year)
    assert not again.changed
    assert again.message == "Demokommunen Sjöbacka kommun fanns redan; inget ändrat."


def test_the_ledger_has_last_year_and_this_year_to_the_last_closed_month(demo_on):
    today, summary = demo_on
    buf = Unit.objects.get(code="3100")
    last = economy.unit_economy(buf, datetime.date(today.year - 1, 1, 1))
    assert last.months_with_utfall == 12
    now = economy.unit_economy(buf)
    assert now.year_start == datetime.date(today.year, 1, 1)
    assert now.months_with_utfall == today.month - 1
    total = next(r for r in now.rows if r.is_total)
    assert total.budget_year < 0  # this year's budget is there, even in January
    assert all(u is not None for u in total.utfall[: today.month - 1])
    assert all(u is None for u in total.utfall[today.month - 1 :])


@pytest.mark.parametrize(
    ("written", "year", "expected"),
    [
        # A Tuesday deadline in 2025 stays on a weekday.
        ("2025-07-15", 2027, "2027-07-15"),
        # Saturday in the target year: the Friday before, or the Monday
        # after when the Friday is in the month before.
        ("2025-09-01", 2029, "2029-09-03"),
        ("2025-11-14", 2026, "2026-11-13"),
        # Sunday: the Monday after, within the month.
        ("2025-09-22", 2030, "2030-09-23"),
    ],
)
def test_dates_move_by_whole_years_and_deadlines_stay_on_weekdays(written, year, expected):
    cal = DemoCalendar.for_date(datetime.date(year + 1, 3, 1))
    assert cal.last_year == year
    moved = cal.workday(datetime.date.fromisoformat(written))
    assert moved == datetime.date.fromisoformat(expected)
    assert moved.weekday() < 5


def test_years_in_texts_move_with_the_demo():
    cal = DemoCalendar.for_date(datetime.date(2028, 5, 2))  # last year 2027
    assert cal.text("Budget 2026 med plan för 2027–2028") == "Budget 2028 med plan för 2029–2030"
    assert cal.text("Sjöbacka 2035, 2,1 procent") == "Sjöbacka 2035, 2,1 procent"
    assert on_weekday(datetime.date(2028, 1, 1), datetime.date(2028, 1, 1)) == datetime.date(
        2028, 1, 1
    )  # a day that was not a weekday is left where it is


def test_the_command_refuses_a_date_that_is_not_one():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="2027-02-30 är inget datum; skriv det som ÅÅÅÅ-MM-DD"):
        call_command("load_demo", "--today", "2027-02-30")


def test_this_years_economy_follow_up_has_forecasts_and_measures(demo_on):
    """February–May, the delårsbokslut, September and October follow up the
    economy; March, August and October ask for a helårsprognos. Those
    opened have economy tasks, and those asking for a forecast have
    forecasts with comments and, for the units over budget, measures."""
    from styrhjul.followup.models import Forecast, ForecastMeasure, TaskKind

    today, _summary = demo_on
    wheel = FollowUpOccasion.objects.filter(model__year=today.year)
    economy_months = {o.period_end.month for o in wheel.filter(follows_economy=True)}
    assert economy_months == {2, 3, 4, 5, 8, 9, 10}
    assert {o.period_end.month for o in wheel.filter(asks_forecast=True)} == {3, 8, 10}
    for occasion in wheel.filter(follows_economy=True).exclude(status=OccasionStatus.PLANNED):
        tasks = occasion.tasks.filter(kind=TaskKind.ECONOMY)
        assert tasks.filter(unit__code="3111").exists()  # the enhetschef's school
        assert tasks.filter(unit__code="3100").exists()  # and the förvaltning above it
        if occasion.asks_forecast:
            forecasts = Forecast.objects.filter(occasion=occasion)
            assert forecasts.exists()
            assert forecasts.exclude(comment="").count() == forecasts.count()
            assert ForecastMeasure.objects.filter(forecast__occasion=occasion).exists()
            # Each was saved while the unit worked on it, before any klarmarkering.
            done = dict(tasks.exclude(done_at=None).values_list("unit_id", "done_at"))
            for forecast in forecasts:
                assert forecast.updated_at.date() <= max(today, occasion.period_end)
                if forecast.unit_id in done:
                    assert forecast.updated_at < done[forecast.unit_id], forecast
        if occasion.status == OccasionStatus.CLOSED:
            assert tasks.get(unit__code="3111").done_at is not None


def test_the_open_follow_ups_enheter_wait_for_their_avdelningschef(demo_on):
    """The open follow-up's first step asks a manager above to approve: the
    enheter's klarmarkerade tasks are Att granska for the avdelningschef, who
    may review them, and not for the enhetschef."""
    from styrhjul.followup import queries, readmodel
    from styrhjul.organisation import access
    from styrhjul.organisation.models import User

    today, _summary = demo_on
    occasion = FollowUpOccasion.objects.get(
        model__year=today.year, status=OccasionStatus.OPEN, period_end=this_year.open_period(today)
    )
    assert [s.review for s in occasion.steps.order_by("deadline") if s.unit_type_id] == [
        True,
        False,
        False,
    ]
    avdelningschef = User.objects.get(username="avdelningschef")
    waiting = queries.to_review(avdelningschef)
    assert waiting
    for task in waiting:
        assert readmodel.review_state(task) == readmodel.AWAITING_REVIEW
        assert access.may_review(avdelningschef, task)
        assert not access.may_review(User.objects.get(username="enhetschef"), task)


def test_a_planned_follow_up_changed_since_is_set_back_on_top_of_its_version(demo_on):
    """A planned follow-up of this year changed after the demo was loaded
    (its respitdagar, what it follows, a step's deadline) gets the demo's
    again when the demo is loaded once more, saved on top of the versions
    the change left, as any edit; a third load changes nothing."""
    today, _summary = demo_on
    planned = (
        FollowUpOccasion.objects.filter(model__year=today.year, status=OccasionStatus.PLANNED)
        .order_by("period_end")
        .last()
    )
    grace, plan_types = planned.grace_days, set(planned.plan_types.all())
    step = planned.steps.order_by("pk").first()
    deadline = step.deadline
    planned.grace_days = grace + 3
    planned = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=planned,
        plan_types=sorted(plan_types, key=lambda t: t.pk)[:1],
        version=planned.version,
    )
    step.deadline = deadline + datetime.timedelta(days=1)
    step = followup.step_save(actor=access.SYSTEM, step=step, version=step.version)
    changed_at, step_changed_at = planned.version, step.version

    again = load_demo(today=today, copy_until=today.year)

    assert (again.this_year.occasions_changed, again.this_year.steps_saved) == (1, 1)
    planned.refresh_from_db()
    step.refresh_from_db()
    assert planned.grace_days == grace
    assert set(planned.plan_types.all()) == plan_types
    assert step.deadline == deadline
    assert (planned.version, step.version) == (changed_at + 1, step_changed_at + 1)
    assert not load_demo(today=today, copy_until=today.year).changed
