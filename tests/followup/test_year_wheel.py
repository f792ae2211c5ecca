"""Årshjulet: everyone who reads something in the organisation sees the
year's occasions, steps and events by month; model owners create and change
them inline (htmx) or with plain forms, open and close occasions and reopen
locked tasks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.core.models import BackgroundJob
from styrhjul.followup.models import (
    CalendarEvent,
    FollowUpOccasion,
    OccasionKind,
    OccasionStatus,
    OccasionStep,
    ReportingTask,
)
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant, unit_type
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "arshjul"}
TODAY = datetime.date(2025, 8, 25)


@pytest.fixture(autouse=True)
def wheel_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def owner(org, client):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def chef(org):
    """A unit manager who reads only her own unit."""
    user = UserFactory(first_name="Cecilia", last_name="Chef")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


def url(name, *args):
    return reverse(f"followup:{name}", args=args)


def test_reader_sees_the_timeline_by_month(client, org, occasion, chef):
    CalendarEvent.objects.create(
        model=occasion.model, title="Budgetdag", start=datetime.date(2025, 6, 10)
    )
    client.force_login(chef)
    response = client.get(url("year_wheel", 2025))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Årshjul 2025" in html
    for text in ("Juli 2025", "2025-07-15", "Enhetschefer rapporterar", "Nämnden beslutar"):
        assert text in html
    assert "Budgetdag" in html and "2025-06-10" in html
    # Today is marked in the current month.
    assert 'aria-current="date"' in html and "2025-08-25" in html
    # Links to last and next year.
    assert url("year_wheel", 2024) in html and url("year_wheel", 2026) in html
    # No editing for a reader.
    assert url("occasion_edit", occasion.pk) not in html
    assert "Öppna uppföljningen" not in html


def test_the_year_as_a_picture_at_the_top_of_the_wheel(client, org, occasion, chef):
    """The year drawn as a line from January to December (charts.pictures),
    named and described, with today marked; the month tables below say the
    same in words."""
    client.force_login(chef)
    html = client.get(url("year_wheel", 2025)).content.decode()
    picture = html[html.index("<svg") : html.index("</svg>")]
    assert html.index("<svg") < html.index('id="manad-1"')
    assert 'role="img"' in picture and "<title" in picture and "<desc" in picture
    # Three deadlines (circles) and the nämnd's decision (a milestone, a diamond),
    # before the legend (which shows each shape once).
    marks = picture[: picture.index('class="legend"')]
    assert marks.count("<circle") == 3 and marks.count("<path") == 1
    assert "2025-07-15: Enhetschefer rapporterar (Delårsrapport 2025)" in picture
    assert "I dag" in picture and "2025-08-25" in picture


def test_entries_of_the_neighbouring_years_models_show_in_the_year(client, org, occasion, chef):
    step = occasion.steps.get(name="Nämnden beslutar")
    step.start = step.deadline = datetime.date(2026, 1, 13)
    step.save()
    client.force_login(chef)
    html = client.get(url("year_wheel", 2026)).content.decode()
    assert "2026-01-13" in html and "Nämnden beslutar" in html
    assert "Det finns ingen styrmodell för 2026" in html


def test_outsider_gets_404(client, org, occasion):
    client.force_login(UserFactory())
    assert client.get(url("year_wheel", 2025)).status_code == 404


def test_reader_cannot_edit(client, org, occasion, chef):
    client.force_login(chef)
    # The chef reads the organisation's årshjul but changes nothing on it.
    assert client.get(url("occasion_edit", occasion.pk)).status_code == 403
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)
    assert client.get(url("occasion_edit", occasion.pk)).status_code == 403
    assert client.post(url("occasion_close", occasion.pk)).status_code == 403


def test_owner_creates_an_occasion_with_plain_post(client, owner, chain):
    model = chain["vp"].model
    response = client.post(
        url("occasion_create", model.pk),
        {
            "kind": OccasionKind.MONTHLY,
            "name": "Månadsuppföljning september",
            "period_end": "2025-09-30",
            "plan_types": [chain["ap"].pk],
            "grace_days": "2",
        },
    )
    occ = FollowUpOccasion.objects.get(name="Månadsuppföljning september")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#tillfalle-{occ.pk}")
    assert list(occ.plan_types.all()) == [chain["ap"]]
    assert occ.grace_days == 2 and occ.period_end == datetime.date(2025, 9, 30)
    # Shown with the year of its period, to tell it from next year's September.
    assert occ.title == str(occ) == "Månadsuppföljning september 2025"
    wheel = client.get(response["Location"]).content.decode()
    assert "Månadsuppföljning september 2025" in wheel


def test_occasion_errors_are_swedish_at_the_field_and_values_kept(client, owner, chain, occasion):
    model = chain["vp"].model
    response = client.post(
        url("occasion_create", model.pk),
        {"kind": "", "name": "Delårsrapport 2025", "period_end": "31/8", "grace_days": "-1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Välj typ av uppföljning." in html
    assert "Det finns redan ett uppföljningstillfälle som heter ”Delårsrapport 2025”" in html
    assert "Ange datumet som ÅÅÅÅ-MM-DD" in html
    assert "Välj minst en plantyp, eller kryssa i ”Följer upp ekonomin”." in html
    assert "Respitdagarna kan inte vara negativa." in html
    assert 'value="31/8"' in html
    assert FollowUpOccasion.objects.count() == 1


def test_owner_edits_an_occasion_inline_with_htmx(client, owner, occasion, chain):
    response = client.get(url("occasion_edit", occasion.pk), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="arshjul">')
    assert 'hx-post="' + url("occasion_edit", occasion.pk) in html
    assert 'value="Delårsrapport 2025"' in html
    assert "checked" in html  # the plan types already chosen
    response = client.post(
        url("occasion_edit", occasion.pk),
        {
            "kind": OccasionKind.INTERIM,
            "name": "Delårsrapport per augusti 2025",
            "period_end": "2025-08-31",
            "plan_types": [chain["vp"].pk],
            "grace_days": "3",
            "version": occasion.version,
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "Uppföljningstillfället ”Delårsrapport per augusti 2025” är sparat." in html
    assert 'hx-swap-oob="innerHTML"' in html
    occasion.refresh_from_db()
    assert occasion.grace_days == 3
    assert list(occasion.plan_types.all()) == [chain["vp"]]


def test_plan_type_of_another_year_is_refused(client, owner, occasion, chain):
    from styrhjul.model.services import model_create_default
    from styrhjul.organisation import access

    other = model_create_default(
        actor=access.SYSTEM, organisation=chain["vp"].model.organisation, year=2026
    )
    foreign = other.plan_types.first()
    response = client.post(
        url("occasion_edit", occasion.pk),
        {
            "kind": OccasionKind.INTERIM,
            "name": "Delårsrapport 2025",
            "period_end": "2025-08-31",
            "plan_types": [foreign.pk],
            "grace_days": "0",
        },
    )
    assert response.status_code == 200
    assert "Välj bland plantyperna i listan." in response.content.decode()


def test_steps_add_edit_delete(client, owner, occasion):
    response = client.post(
        url("step_create", occasion.pk),
        {
            "name": "Arbetsutskottet",
            "unit_type": "",
            "start": "2025-09-15",
            "deadline": "2025-09-15",
        },
    )
    assert response.status_code == 302
    step = occasion.steps.get(name="Arbetsutskottet")
    assert step.unit_type is None
    # Deadline before start: Swedish message at the field, values kept.
    response = client.post(
        url("step_edit", step.pk),
        {
            "name": "Arbetsutskottet",
            "unit_type": str(unit_type("Avdelning").pk),
            "start": "2025-09-15",
            "deadline": "2025-09-01",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "Tidsfristen kan inte vara före startdatumet (2025-09-15)." in html
    assert 'value="2025-09-01"' in html
    response = client.post(
        url("step_edit", step.pk),
        {
            "name": "Nämndens arbetsutskott",
            "unit_type": "",
            "start": "2025-09-15",
            "deadline": "2025-09-16",
            "version": step.version,
        },
        **HTMX,
    )
    assert "Steget ”Nämndens arbetsutskott” är sparat." in response.content.decode()
    step.refresh_from_db()
    assert step.deadline == datetime.date(2025, 9, 16)
    assert client.get(url("step_delete", step.pk)).status_code == 200
    response = client.post(url("step_delete", step.pk), {"version": step.version})
    assert response.status_code == 302
    assert not OccasionStep.objects.filter(pk=step.pk).exists()


def test_events_add_edit_delete(client, owner, chain):
    model = chain["vp"].model
    response = client.post(
        url("event_create", model.pk),
        {"title": "VF-listor", "start": "2025-03-01", "end": "2025-02-01", "description": ""},
    )
    assert "Slutdatumet kan inte vara före datumet (2025-03-01)." in response.content.decode()
    response = client.post(
        url("event_create", model.pk),
        {
            "title": "VF-listor",
            "start": "2025-03-01",
            "end": "2025-03-14",
            "description": "Lämnas till KS",
        },
    )
    assert response.status_code == 302
    event = CalendarEvent.objects.get(title="VF-listor")
    response = client.post(
        url("event_edit", event.pk),
        {
            "title": "VF-listor lämnas",
            "start": "2025-03-01",
            "end": "",
            "description": "",
            "version": event.version,
        },
        **HTMX,
    )
    assert "Händelsen ”VF-listor lämnas” är sparad." in response.content.decode()
    html = client.get(url("year_wheel", 2025)).content.decode()
    assert "VF-listor lämnas" in html and "2025-03-01" in html
    event.refresh_from_db()
    client.post(url("event_delete", event.pk), {"version": event.version})
    assert not CalendarEvent.objects.exists()


def test_open_close_and_reopen_an_occasion(
    client, owner, chain, django_capture_on_commit_callbacks
):
    model = chain["vp"].model
    occ = FollowUpOccasion.objects.create(
        model=model, kind=OccasionKind.MONTHLY, name="Mars", period_end=datetime.date(2025, 3, 31)
    )
    occ.plan_types.set([chain["ap"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("occasion_open", occ.pk), follow=True)
    html = response.content.decode()
    # A worker creates the tasks; the wheel shows how far it has come.
    assert "”Mars 2025” öppnas. Uppgifterna skapas i bakgrunden." in html
    assert "<progress" in html
    # Ordering again while it is queued returns the queued job.
    client.post(url("occasion_open", occ.pk))
    assert BackgroundJob.objects.count() == 1
    run_worker()
    occ.refresh_from_db()
    assert occ.status == OccasionStatus.OPEN
    assert ReportingTask.objects.filter(occasion=occ).count() == 1
    polled = client.get(url("occasion_opening", occ.pk)).content.decode()
    assert "”Mars 2025” är öppnad. 1 uppgift skapades." in polled
    assert "hx-trigger" not in polled  # done: no more polling
    assert (
        "”Mars 2025” är öppnad. 1 uppgift skapades."
        in client.get(url("year_wheel", 2025)).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("occasion_open", occ.pk), **HTMX)
    run_worker()
    polled = client.get(url("occasion_opening", occ.pk)).content.decode()
    assert "”Mars 2025” är öppnad. 0 uppgifter skapades." in polled
    client.post(url("occasion_close", occ.pk))
    occ.refresh_from_db()
    assert occ.status == OccasionStatus.CLOSED
    html = client.get(url("year_wheel", 2025)).content.decode()
    assert "Öppna igen" in html
    client.post(url("occasion_close", occ.pk), {"reopen": "1"})
    occ.refresh_from_db()
    assert occ.status == OccasionStatus.OPEN
    assert client.get(url("occasion_open", occ.pk)).status_code == 405


def test_owner_reopens_a_locked_task(client, owner, occasion):
    # On 2025-08-25 the units' deadline (2025-07-15) has passed.
    task = ReportingTask.objects.filter(unit__name="Barn och unga").first()
    html = client.get(url("year_wheel", 2025)).content.decode()
    assert "låsta uppgifter" in html or "låst uppgift" in html
    assert url("task_reopen", task.pk) in html
    response = client.post(url("task_reopen", task.pk), {"until": "2025-08-01"})
    assert "Välj ett datum från och med i dag (2025-08-25)." in response.content.decode()
    response = client.post(
        url("task_reopen", task.pk), {"until": "2025-09-05", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/uppfoljning/arshjul/2025/")
    task.refresh_from_db()
    assert task.reopened_until == datetime.date(2025, 9, 5)


def test_reader_cannot_reopen_a_task(client, org, occasion, chef):
    task = ReportingTask.objects.filter(unit__name="Barn och unga").first()
    client.force_login(chef)
    assert client.post(url("task_reopen", task.pk), {"until": "2025-09-05"}).status_code == 403
    task.refresh_from_db()
    assert task.reopened_until is None


def test_no_model_for_the_year(client, owner, org, model):
    html = client.get(url("year_wheel", 2027)).content.decode()
    assert "Det finns ingen styrmodell för 2027" in html
    assert reverse("model:year", args=[2027]) in html


def _add_occasions(model, first, last, unit):
    """Closed occasions numbered first..last, each with a locked task of the unit."""
    plan_type = model.plan_types.first()
    for i in range(first - 1, last):
        occ = FollowUpOccasion.objects.create(
            model=model,
            kind=OccasionKind.MONTHLY,
            name=f"Månad {i + 1}",
            period_end=datetime.date(2025, 1 + i, 28),
            status=OccasionStatus.CLOSED,
        )
        ReportingTask.objects.create(
            occasion=occ, unit=unit, plan_type=plan_type, name=f"Uppgift {i + 1}"
        )


def test_the_wheel_runs_the_same_number_of_queries_for_more_occasions(client, owner, org, occasion):
    """The model owner's blocks read every occasion's tasks at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_occasions(occasion.model, 1, 1, org["enhet_b1"])
    client.get(url("year_wheel", 2025))  # warm caches
    with CaptureQueriesContext(connection) as few:
        html = client.get(url("year_wheel", 2025)).content.decode()
    assert "Månad 1" in html
    _add_occasions(occasion.model, 2, 6, org["enhet_b1"])
    with CaptureQueriesContext(connection) as many:
        html = client.get(url("year_wheel", 2025)).content.decode()
    assert "Månad 6" in html
    assert len(many) == len(few)
