"""The year wheel copies with the model ("Kopiera till nästa år") and from
another year ("Kopiera årshjulet från …"): occasions with their plan types
and steps, milestones and events, moved by the date rules (period ends keep
their date, month ends stay month ends; deadlines, starts, milestones and
events keep their weekday), as drafts with no tasks; what exists is skipped."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.followup import services as followup
from styrhjul.followup.models import (
    CalendarEvent,
    FollowUpOccasion,
    OccasionKind,
    OccasionStatus,
    OccasionStep,
    ReportingTask,
)
from styrhjul.followup.wheel_copy import moved_text, same_date, same_weekday
from styrhjul.model.models import GovernanceModel
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UserFactory, grant, unit_type

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = 0


# --- The date rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2025, 8, 31), 1, D(2026, 8, 31)),
        (D(2025, 6, 15), 1, D(2026, 6, 15)),
        (D(2025, 4, 30), 1, D(2026, 4, 30)),
        # The last day of February stays the last day of February.
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2027, 2, 28), 1, D(2028, 2, 29)),
        (D(2025, 2, 28), 3, D(2028, 2, 29)),
        (D(2028, 2, 29), -1, D(2027, 2, 28)),
    ],
)
def test_a_period_end_keeps_its_date_and_a_month_end_stays_a_month_end(day, years, expected):
    assert same_date(day, years) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # The third Monday of September stays the third Monday (53 weeks later).
        (D(2025, 9, 15), D(2026, 9, 21)),
        # The first Monday of September stays in September.
        (D(2025, 9, 1), D(2026, 9, 7)),
        # The first Monday of June: 52 weeks later.
        (D(2025, 6, 2), D(2026, 6, 1)),
        # A Monday in the fifth week goes to the month's last Monday.
        (D(2025, 9, 29), D(2026, 9, 28)),
        # 29 February (a Tuesday) → the last Tuesday of February.
        (D(2028, 2, 29), D(2029, 2, 27)),
    ],
)
def test_a_deadline_keeps_its_weekday_in_the_same_week_of_the_month(day, expected):
    moved = same_weekday(day, 1)
    assert moved == expected
    assert moved.weekday() == day.weekday() and moved.month == day.month
    assert (moved - day).days in (364, 371)


def test_dates_do_not_drift_when_copied_year_after_year():
    day = D(2025, 9, 15)  # the third Monday of September
    for _year in range(10):
        day = same_weekday(day, 1)
        assert day.weekday() == MONDAY and 15 <= day.day <= 21


def test_years_in_names_move_with_the_copy():
    assert moved_text("Delårsrapport 2025", 2025, 1) == "Delårsrapport 2026"
    assert moved_text("Budgetdag inför 2026", 2025, 1) == "Budgetdag inför 2027"
    assert moved_text("Månadsuppföljning mars", 2025, 1) == "Månadsuppföljning mars"
    # Other numbers and far-off years are left alone.
    assert moved_text("Mål 2030, 12345", 2025, 1) == "Mål 2030, 12345"


# --- Copying with the model ------------------------------------------------------------


@pytest.fixture
def wheel(org, chain, occasion):
    """The 2025 wheel: the (opened) Delårsrapport 2025 of the conftest with
    its four steps, a monthly follow-up of February with a step starting on
    a Monday, and a two-day event about next year's budget."""
    model = occasion.model
    february = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.MONTHLY,
            name="Månadsuppföljning februari",
            period_end=D(2025, 2, 28),
            grace_days=3,
        ),
        plan_types=[chain["ap"]],
    )
    followup.step_save(
        actor=access.SYSTEM,
        step=OccasionStep(
            occasion=february,
            name="Enheterna rapporterar",
            unit_type=unit_type("Enhet"),
            start=D(2025, 3, 3),
            deadline=D(2025, 3, 17),
        ),
    )
    followup.event_save(
        actor=access.SYSTEM,
        event=CalendarEvent(
            model=model,
            title="Budgetdagar inför 2026",
            start=D(2025, 6, 10),
            end=D(2025, 6, 11),
            description="Ramar för 2026.",
        ),
    )
    return model


def test_copying_the_model_copies_the_year_wheel_with_the_date_rules(wheel, chain):
    assert ReportingTask.objects.filter(occasion__model=wheel).exists()
    model_2026 = planning.model_copy_to_next_year(actor=access.SYSTEM, model=wheel)

    occasions = {o.name: o for o in model_2026.occasions.all()}
    assert set(occasions) == {"Delårsrapport 2026", "Månadsuppföljning februari"}
    interim = occasions["Delårsrapport 2026"]
    assert interim.kind == OccasionKind.INTERIM and interim.title == "Delårsrapport 2026"
    # 31 August stays 31 August; the end of February stays the end of February.
    assert interim.period_end == D(2026, 8, 31)
    monthly = occasions["Månadsuppföljning februari"]
    assert monthly.period_end == D(2026, 2, 28)
    assert monthly.title == "Månadsuppföljning februari 2026"
    assert monthly.grace_days == 3
    # The plan types are next year's copies.
    assert {p.name for p in interim.plan_types.all()} == {"Verksamhetsplan", "Aktivitetsplan"}
    assert {p.model_id for p in interim.plan_types.all()} == {model_2026.pk}
    # Drafts: not opened, no tasks.
    assert {o.status for o in occasions.values()} == {OccasionStatus.PLANNED}
    assert not ReportingTask.objects.filter(occasion__model=model_2026).exists()

    steps = {s.name: s for s in interim.steps.select_related("unit_type")}
    # Monday 2 June 2025 (first Monday) → Monday 1 June 2026; Tuesday 15 July
    # (third Tuesday) → Tuesday 21 July.
    enhet = steps["Enhetschefer rapporterar"]
    assert (enhet.start, enhet.deadline) == (D(2026, 6, 1), D(2026, 7, 21))
    assert enhet.unit_type.name == "Enhet"
    # The milestone on Monday 22 September 2025 (fourth Monday) stays a Monday.
    milestone = steps["Nämnden beslutar"]
    assert milestone.unit_type is None
    assert milestone.start == milestone.deadline == D(2026, 9, 28)
    assert milestone.deadline.weekday() == MONDAY
    for step in steps.values():
        old = occasion_step(wheel, step.name)
        assert step.deadline.weekday() == old.deadline.weekday()
        assert step.start.weekday() == old.start.weekday()
    (march,) = monthly.steps.all()
    assert (march.start, march.deadline) == (D(2026, 3, 2), D(2026, 3, 16))
    assert march.start.weekday() == march.deadline.weekday() == MONDAY

    (event,) = model_2026.events.all()
    assert event.title == "Budgetdagar inför 2027"
    assert (event.start, event.end) == (D(2026, 6, 9), D(2026, 6, 10))
    assert event.description == "Ramar för 2027."
    # Audited like every change on the wheel.
    assert {r.history_change_reason for r in interim.history.all()} == {"Kopierad från 2025"}
    assert milestone.history.get().history_change_reason == "Kopierad från 2025"
    # The year copied from is as it was.
    assert wheel.occasions.count() == 2 and wheel.events.count() == 1


def occasion_step(model, name):
    return OccasionStep.objects.get(occasion__model=model, name=name)


def test_copying_the_model_without_the_wheel_copies_no_occasions_or_events(wheel):
    model_2026 = planning.model_copy_to_next_year(
        actor=access.SYSTEM, model=wheel, copy_wheel=False
    )
    assert not model_2026.occasions.exists() and not model_2026.events.exists()


# --- The copy page of the styrmodell ------------------------------------------------------


@pytest.fixture
def owner(org, client):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


def test_the_copy_page_lists_the_wheel_with_old_and_new_dates(client, owner, wheel):
    html = client.get(reverse("planning:copy_year", args=[2025])).content.decode()
    assert "Årshjulet 2025 → 2026" in html
    assert 'name="copy_wheel" value="1" id="id_copy_wheel" checked' in html
    assert "Delårsrapport 2025</strong> → <strong>Delårsrapport 2026" in html
    assert "2025-08-31 → 2026-08-31" in html
    assert "2025-09-22 → 2026-09-28" in html
    assert "2025-06-10 – 2025-06-11 → 2026-06-09 – 2026-06-10" in html
    assert not GovernanceModel.objects.filter(year=2026).exists()


def test_untick_the_wheel_on_the_copy_page_and_nothing_of_it_is_copied(client, owner, wheel):
    response = client.post(reverse("planning:copy_year", args=[2025]), {"wheel_choice": "1"})
    assert response.status_code == 302
    model_2026 = GovernanceModel.objects.get(year=2026)
    assert not model_2026.occasions.exists() and not model_2026.events.exists()
    assert model_2026.plan_types.exists()


def test_the_copy_page_copies_the_wheel_when_ticked(client, owner, wheel):
    response = client.post(
        reverse("planning:copy_year", args=[2025]), {"wheel_choice": "1", "copy_wheel": "1"}
    )
    assert response.status_code == 302
    model_2026 = GovernanceModel.objects.get(year=2026)
    assert model_2026.occasions.count() == 2 and model_2026.events.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "delningar och årshjulet" in page


# --- Kopiera årshjulet från … -------------------------------------------------------------


@pytest.fixture
def model_2026(wheel):
    return planning.model_copy_to_next_year(actor=access.SYSTEM, model=wheel, copy_wheel=False)


def copy_url(year=2026):
    return reverse("followup:wheel_copy_from", args=[year])


def test_owner_previews_and_copies_the_wheel_from_another_year(client, owner, model_2026):
    wheel_page = client.get(reverse("followup:year_wheel", args=[2026])).content.decode()
    assert copy_url() in wheel_page

    choose = client.get(copy_url()).content.decode()
    assert '<option value="2025">2025</option>' in choose
    assert "Det här kopieras" not in choose

    preview = client.get(copy_url(), {"source_year": "2025"}).content.decode()
    assert "Det här kopieras från 2025 till 2026" in preview
    assert "2025-08-31 → 2026-08-31" in preview
    assert "2025-07-15 → 2026-07-21" in preview
    assert "Budgetdagar inför 2027" in preview
    assert not model_2026.occasions.exists()

    response = client.post(copy_url(), {"source_year": "2025"})
    assert response.status_code == 302
    assert response["Location"].endswith("#tillfallen")
    assert {o.name for o in model_2026.occasions.all()} == {
        "Delårsrapport 2026",
        "Månadsuppföljning februari",
    }
    assert OccasionStep.objects.filter(occasion__model=model_2026).count() == 5
    assert model_2026.events.count() == 1
    assert not ReportingTask.objects.filter(occasion__model=model_2026).exists()
    occasion = model_2026.occasions.get(name="Delårsrapport 2026")
    assert occasion.status == OccasionStatus.PLANNED
    assert {p.model_id for p in occasion.plan_types.all()} == {model_2026.pk}
    assert {(r.history_user, r.history_change_reason) for r in occasion.history.all()} == {
        (owner, "Årshjulet kopierat från 2025")
    }
    message = client.get(response["Location"]).content.decode()
    assert "Årshjulet är kopierat från 2025: 2 uppföljningstillfällen, 5 steg och 1 händelse." in (
        message
    )


def test_what_exists_is_skipped_and_listed_never_duplicated(client, owner, model_2026):
    # The year already has its own interim report per 31 August 2026.
    own = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model_2026,
            kind=OccasionKind.INTERIM,
            name="Delår augusti",
            period_end=D(2026, 8, 31),
        ),
    )
    preview = client.get(copy_url(), {"source_year": "2025"}).content.decode()
    assert "Hoppas över" in preview
    assert "Finns redan: Delår augusti 2026, delårsbokslut till och med 2026-08-31." in preview

    client.post(copy_url(), {"source_year": "2025"})
    names = sorted(model_2026.occasions.values_list("name", flat=True))
    assert names == ["Delår augusti", "Månadsuppföljning februari"]
    own.refresh_from_db()
    assert own.name == "Delår augusti" and not own.steps.exists()

    # A second copy copies nothing more and says what it skipped.
    again = client.get(copy_url(), {"source_year": "2025"}).content.decode()
    assert "Det finns inget att kopiera." in again
    response = client.post(copy_url(), {"source_year": "2025"})
    assert response.status_code == 302
    assert model_2026.occasions.count() == 2 and model_2026.events.count() == 1
    assert OccasionStep.objects.filter(occasion__model=model_2026).count() == 1
    assert "3 fanns redan och hoppades över." in client.get(response["Location"]).content.decode()


def test_copying_twice_is_the_same_as_copying_once(model_2026, wheel):
    first = followup.wheel_copy_from(actor=access.SYSTEM, source=wheel, target=model_2026)
    second = followup.wheel_copy_from(actor=access.SYSTEM, source=wheel, target=model_2026)
    assert len(first.copied_occasions) == 2 and len(first.copied_events) == 1
    assert second.is_empty
    assert len(second.skipped_occasions) == 2 and len(second.skipped_events) == 1
    assert model_2026.occasions.count() == 2 and model_2026.events.count() == 1


def test_only_model_owners_copy_the_wheel(client, org, model_2026, wheel):
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER)
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    for user in (chef, reader):
        client.force_login(user)
        assert (
            copy_url()
            not in client.get(reverse("followup:year_wheel", args=[2026])).content.decode()
        )
        assert client.get(copy_url(), {"source_year": "2025"}).status_code == 403
        assert client.post(copy_url(), {"source_year": "2025"}).status_code == 403
        with pytest.raises(PermissionDenied):
            followup.wheel_copy_from(actor=user, source=wheel, target=model_2026)
    client.force_login(UserFactory())
    assert client.get(copy_url()).status_code == 404
    assert not model_2026.occasions.exists()


def test_a_year_without_a_model_has_nothing_to_copy_into(client, owner, wheel):
    assert client.get(copy_url(2027)).status_code == 404


def test_an_unknown_year_is_refused_at_the_field(client, owner, model_2026):
    response = client.post(copy_url(), {"source_year": "1999"})
    assert response.status_code == 200
    assert "Välj ett av åren i listan." in response.content.decode()
    assert not model_2026.occasions.exists()


def test_plan_types_missing_in_the_target_year_are_named(client, owner, model_2026):
    renamed = model_2026.plan_types.get(name="Aktivitetsplan")
    renamed.name = "Verksamhetsplan för enheter"
    renamed.save()
    preview = client.get(copy_url(), {"source_year": "2025"}).content.decode()
    assert "Finns inte 2026 och följer inte med: Aktivitetsplan." in preview


def test_the_preview_takes_as_many_queries_for_many_occasions_as_for_one(
    client, owner, model_2026, wheel
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(copy_url(), {"source_year": "2025"})
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for month in range(3, 9):
        occasion = FollowUpOccasion.objects.create(
            model=wheel,
            kind=OccasionKind.MONTHLY,
            name=f"Månadsuppföljning {month}",
            period_end=D(2025, month, 28),
        )
        occasion.plan_types.set(wheel.plan_types.all())
        OccasionStep.objects.create(
            occasion=occasion,
            name="Enheterna rapporterar",
            unit_type=unit_type("Enhet"),
            start=D(2025, month, 1),
            deadline=D(2025, month, 10),
        )
        CalendarEvent.objects.create(
            model=wheel, title=f"Händelse {month}", start=D(2025, month, 5)
        )
    assert queries() == few
