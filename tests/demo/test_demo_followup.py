"""The demo's follow-up of 2025: the year wheel's occasions, steps and
calendar, the delårsbokslut and the september follow-up opened, the
delårsbokslut partly reported and the årsbokslut reported and closed, all
loaded idempotently. What the årsredovisning made from the årsbokslut shows
is tested in test_demo_annual.py."""

import datetime

import pytest

from styrhjul.demo import data, followup_data
from styrhjul.demo.followup import load_followup
from styrhjul.followup import readmodel, services
from styrhjul.followup.models import (
    CalendarEvent,
    FollowUpOccasion,
    MeasureFollowUp,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import IndicatorValue
from styrhjul.organisation.models import Unit, User
from tests.demo.rows import counts
from tests.demo.years import CAL

# One worker for the module under --dist loadgroup, so the demo is loaded once.
pytestmark = pytest.mark.xdist_group("demo-followup")

FOLLOWUP_MODELS = (
    FollowUpOccasion,
    OccasionStep,
    CalendarEvent,
    ReportingTask,
    Report,
    IndicatorValue,
    MeasureFollowUp,
)


def demo_units_and_users():
    units = {u.code: u for u in Unit.objects.filter(code__in=[u.code for u in data.UNITS])}
    logins = {p.login for p in data.people()}
    users = {u.username.lower(): u for u in User.objects.filter(username__in=logins)}
    return units, users


def occasion(name: str) -> FollowUpOccasion:
    return FollowUpOccasion.objects.get(model__year=CAL.year(2025), name=name)


def interim_tasks():
    return ReportingTask.objects.filter(occasion=occasion(CAL.text(followup_data.DELAR)))


def test_three_occasions_in_the_2025_model(demo):
    occasions = FollowUpOccasion.objects.filter(model__organisation__code=data.ROOT_CODE)
    assert sorted(o.name for o in occasions) == sorted(
        [
            CAL.text("Delårsbokslut 2025"),
            CAL.text("Månadsuppföljning september 2025"),
            CAL.text("Årsbokslut 2025"),
        ]
    )
    assert {o.model.year for o in occasions} == {CAL.year(2025)}
    interim = occasion(CAL.text("Delårsbokslut 2025"))
    assert interim.period_end == CAL.date(datetime.date(2025, 8, 31))
    assert interim.plan_types.count() == 6
    september = occasion(CAL.text("Månadsuppföljning september 2025"))
    assert sorted(p.name for p in september.plan_types.all()) == [
        "Egenkontrollplan",
        "Åtgärdsplan",
    ]
    assert occasion(CAL.text("Årsbokslut 2025")).plan_types.count() == 6


def steps(name: str) -> list[tuple]:
    return [
        (s.unit_type.name if s.unit_type else None, s.start.isoformat(), s.deadline.isoformat())
        for s in occasion(name).steps.select_related("unit_type")
    ]


def workday(written: str) -> str:
    """A step's day as written in followup_data, in the demo's years."""
    return CAL.workday(datetime.date.fromisoformat(written)).isoformat()


def test_the_steps_follow_the_year_wheel(demo):
    assert steps(CAL.text("Delårsbokslut 2025")) == [
        ("Enhet", workday("2025-06-02"), workday("2025-07-15")),
        ("Avdelning", workday("2025-07-15"), workday("2025-08-20")),
        ("Förvaltning", workday("2025-08-20"), workday("2025-09-01")),
        (None, workday("2025-09-15"), workday("2025-09-15")),
        (None, workday("2025-09-22"), workday("2025-09-22")),
    ]
    assert steps(CAL.text("Månadsuppföljning september 2025")) == [
        ("Enhet", workday("2025-09-29"), workday("2025-10-06")),
        ("Avdelning", workday("2025-09-29"), workday("2025-10-10")),
    ]
    assert steps(CAL.text("Årsbokslut 2025")) == [
        ("Enhet", workday("2025-11-14"), workday("2025-12-30")),
        ("Avdelning", workday("2025-11-14"), workday("2026-01-13")),
        ("Förvaltning", workday("2026-01-13"), workday("2026-01-31")),
    ]


def test_the_calendar_has_the_budget_events(demo):
    titles = " | ".join(
        CalendarEvent.objects.filter(model__year=CAL.year(2025)).values_list("title", flat=True)
    )
    for word in ("Budgetdag", "skattesats", "VF-listor", "aktivitetsplaner"):
        assert word in titles


def test_the_calendar_events_have_processes_and_deciding_bodies(demo):
    events = CalendarEvent.objects.filter(model__year=CAL.year(2025)).select_related(
        "category", "deciding_body"
    )
    assert events and all(e.category is not None for e in events)
    processes = {e.category.name for e in events}
    assert {"Budgetprocess", "Målprocess"} <= processes
    decided = {e.title: e.deciding_body.name for e in events if e.deciding_body}
    assert decided[CAL.text("Kommunfullmäktige beslutar om budget 2026 och skattesats")] == (
        "Kommunfullmäktige (KF)"
    )


def test_last_years_follow_ups_are_all_closed(demo):
    assert occasion(CAL.text("Delårsbokslut 2025")).status == OccasionStatus.CLOSED
    assert occasion(CAL.text("Månadsuppföljning september 2025")).status == OccasionStatus.CLOSED
    assert occasion(CAL.text("Månadsuppföljning september 2025")).tasks.exists()
    annual = occasion(CAL.text("Årsbokslut 2025"))
    assert annual.status == OccasionStatus.CLOSED
    # Opened and closed once, by the system; never opened again.
    reasons = [h.history_change_reason for h in annual.history.order_by("history_id")]
    assert reasons[-2:] == ["Öppnad", "Stängd"]
    assert "Öppnad igen" not in reasons
    assert not annual.history.filter(history_user__isnull=False).exists()


def test_the_interim_tasks_have_steps_and_names(demo):
    tasks = interim_tasks().select_related("unit", "step", "plan_type")
    assert tasks.count() > 50
    norr = tasks.get(unit__code="3111", plan_type__name="Aktivitetsplan")
    assert norr.name == CAL.text("Delårsbokslut 2025: Aktivitetsplan: Förskoleområde Norr")
    assert norr.deadline == CAL.workday(datetime.date(2025, 7, 15))
    assert tasks.get(unit__code="3110", plan_type__name="Verksamhetsplan").deadline == (
        CAL.workday(datetime.date(2025, 8, 20))
    )


def test_some_tasks_done_in_time_and_some_late(demo):
    done = [t for t in interim_tasks().select_related("step", "done_by") if t.done_at]
    assert len(done) >= 10
    in_time = [t for t in done if t.done_at.date() <= t.deadline]
    late = [t for t in done if t.done_at.date() > t.deadline]
    assert len(in_time) > len(late) >= 2
    for task in done:
        assert task.done_by == task.history.first().history_user
        assert task.history.first().history_change_reason == "Klarmarkerad"


def test_most_enheter_of_one_forvaltning_have_reported_everything(demo):
    enheter = Unit.objects.filter(parent__parent__code="3100", unit_type__name="Enhet")
    state = {}
    for task in interim_tasks().filter(unit__in=enheter, plan_type__name="Aktivitetsplan"):
        state[task.unit.code] = len(readmodel.unreported(task)), len(services.task_items(task))
    complete = [code for code, (left, _) in state.items() if left == 0]
    partly = [code for code, (left, total) in state.items() if 0 < left < total]
    nothing = [code for code, (left, total) in state.items() if left == total]
    assert len(complete) >= 5
    assert partly and nothing


def test_reports_are_valid_and_written_by_the_managers(demo):
    reports = Report.objects.filter(occasion__name=CAL.text("Delårsbokslut 2025")).select_related(
        "status", "assessment", "updated_by"
    )
    assert reports.count() > 50
    late = reports.filter(status__label="Försenad")
    assert late.count() >= 2
    assert all(r.comment.strip() for r in late)
    for report in reports:
        if (report.status or report.assessment) and (
            report.status or report.assessment
        ).comment_required:
            assert report.comment.strip() or report.analysis.strip()
        assert report.updated_by is not None
        assert report.history.first().history_user == report.updated_by
        assert report.updated_at.date() < CAL.date(datetime.date(2025, 9, 1))
    norr = reports.get(
        unit__code="3111", item__number="A1", item__plan__plan_type__name="Aktivitetsplan"
    )
    assert norr.updated_by.username == "enhetschef"
    assert norr.status.label == "Klar" and norr.completion == 100
    assert reports.filter(status__label="Påbörjad", completion__gt=0).exists()


def test_goals_and_control_points_are_assessed(demo):
    reports = Report.objects.filter(occasion__name=CAL.text("Delårsbokslut 2025"))
    goals = reports.filter(item__kind="goal", assessment__isnull=False).exclude(analysis="")
    assert goals.count() >= 2
    controls = reports.filter(unit__code__in=["3100", "4100"], item__kind="control_point")
    assert controls.count() >= 5
    assert (
        controls.filter(assessment__label="Genomförd med anmärkning").exclude(comment="").exists()
    )


def test_indicators_have_values_with_a_trend(demo):
    values = IndicatorValue.objects.filter(item__number="KF3.2")
    # Reported in Styrhjul 2023–2025, imported from the system before for 2018–2022.
    yearly = values.filter(period="")
    assert sorted(yearly.values_list("year", flat=True)) == list(
        range(CAL.year(2018), CAL.year(2026))
    )
    # 2025 per August at the delårsbokslut, and the whole year at the årsbokslut.
    assert sorted(values.filter(year=CAL.year(2025)).values_list("period", flat=True)) == [
        "",
        CAL.text("2025-08"),
    ]
    assert IndicatorValue.objects.filter(year=CAL.year(2025)).count() >= 8
    assessed = Report.objects.filter(item__kind="indicator", assessment__isnull=False)
    assert assessed.count() >= 5


def test_a_second_run_creates_nothing(demo):
    before = counts(FOLLOWUP_MODELS)
    units, users = demo_units_and_users()
    again = load_followup(None, units, users, demo.calendar)
    assert not again.changed
    assert counts(FOLLOWUP_MODELS) == before


def test_the_first_run_reported_what_it_made(demo):
    made = demo.followup  # the follow-up is the demo's last part
    assert made.changed
    assert made.occasions_created == 3
    assert made.steps_created == 10
    assert made.events_created == len(followup_data.EVENTS)
    assert made.occasions_opened == 3
    assert made.occasions_closed == 3  # the whole of last year
    assert made.reports_created > 300
    assert made.tasks_done >= 90
    assert made.measure_followups_created == 3
