"""Two model owners changing the same part of the year wheel: an event, a
process, a deciding body, a follow-up occasion or one of its steps. The
second save, made on what the first saw before the other's change, is
refused with a Swedish message at the form, keeps what the user typed, and
goes through when saved again (on top of what is stored now). A delete
confirmed on a page seen before someone else's change is refused too, and
deletes nothing."""

import datetime

import pytest
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import services
from styrhjul.followup.models import (
    CalendarEvent,
    DecidingBody,
    EventCategory,
    FollowUpOccasion,
    OccasionKind,
    OccasionStep,
)
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "arshjul"}
KEPT = "Dina ändringar finns kvar i formuläret; spara igen för att skriva över."


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def other(org):
    user = UserFactory(first_name="Olle", last_name="Annan")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def budgetdag(model, owner):
    return services.event_save(
        actor=owner,
        event=CalendarEvent(model=model, title="Budgetdag", start=datetime.date(2025, 4, 10)),
    )


def fresh(row):
    return type(row).objects.get(pk=row.pk)


# --- Services ------------------------------------------------------------------------


def test_an_event_changed_by_someone_else_since_it_was_opened_is_refused(budgetdag, owner, other):
    opened = budgetdag.version
    theirs = fresh(budgetdag)
    theirs.title = "Budgetdagen flyttad"
    services.event_save(actor=other, event=theirs, version=opened)

    mine = fresh(budgetdag)
    mine.title = "Budgetdag i KS"
    with pytest.raises(EditConflict) as exc:
        services.event_save(actor=owner, event=mine, version=opened)

    assert str(exc.value) == "Någon annan har ändrat händelsen medan du skrev."
    assert exc.value.current.title == "Budgetdagen flyttad"
    assert fresh(budgetdag).title == "Budgetdagen flyttad"
    assert fresh(budgetdag).version == opened + 1
    # Saved on top of the other's change, it goes through and is recorded.
    services.event_save(actor=owner, event=mine, version=opened + 1)
    assert fresh(budgetdag).title == "Budgetdag i KS"
    assert [h.history_user for h in budgetdag.history.order_by("history_date")] == [
        owner,
        other,
        owner,
    ]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("category", "Någon annan har ändrat processen medan du skrev."),
        ("body", "Någon annan har ändrat det beslutande organet medan du skrev."),
    ],
)
def test_a_process_or_deciding_body_changed_meanwhile_is_refused(
    model, owner, other, kind, message
):
    if kind == "category":
        row = services.category_save(
            actor=owner, category=EventCategory(model=model, name="Budgetprocess")
        )

        def save(actor, obj, version):
            return services.category_save(actor=actor, category=obj, version=version)
    else:
        row = services.deciding_body_save(actor=owner, body=DecidingBody(model=model, name="KS"))

        def save(actor, obj, version):
            return services.deciding_body_save(actor=actor, body=obj, version=version)

    assert row.version == 1
    theirs = fresh(row)
    theirs.order = 50
    save(other, theirs, 1)
    mine = fresh(row)
    mine.name = "Nytt namn"
    with pytest.raises(EditConflict) as exc:
        save(owner, mine, 1)
    assert str(exc.value) == message
    assert fresh(row).name == row.name and fresh(row).order == 50


def test_a_change_without_the_opened_version_is_refused(budgetdag, owner):
    """A change that does not say which version it was made on is never
    taken as the latest."""
    mine = fresh(budgetdag)
    mine.title = "Okänd version"
    with pytest.raises(EditConflict):
        services.event_save(actor=owner, event=mine)
    assert fresh(budgetdag).title == "Budgetdag"


# --- Pages: the conflict at the form, what the user typed kept -----------------------


def test_a_stale_event_form_shows_the_conflict_and_keeps_what_was_typed(
    client, budgetdag, owner, other
):
    client.force_login(owner)
    url = reverse("followup:event_edit", args=[budgetdag.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{budgetdag.version}"' in page
    theirs = fresh(budgetdag)
    theirs.start = datetime.date(2025, 4, 17)
    services.event_save(actor=other, event=theirs, version=budgetdag.version)

    typed = {
        "title": "Budgetdag med presidierna",
        "start": "2025-04-10",
        "end": "",
        "description": "Alla nämnders presidier bjuds in.",
        "version": budgetdag.version,
    }
    for headers in ({}, HTMX):  # on a page of its own, and inline on the wheel
        response = client.post(url, typed, **headers)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Någon annan har ändrat händelsen medan du skrev." in body
        assert KEPT in body
        assert 'value="Budgetdag med presidierna"' in body
        assert "Alla nämnders presidier bjuds in." in body
        assert f'name="version" value="{budgetdag.version + 1}"' in body
        stored = fresh(budgetdag)
        assert (stored.title, stored.start) == ("Budgetdag", datetime.date(2025, 4, 17))

    # Saved again from the form as shown, on top of the other's change.
    response = client.post(url, {**typed, "version": budgetdag.version + 1})
    assert response.status_code == 302
    stored = fresh(budgetdag)
    assert (stored.title, stored.start) == ("Budgetdag med presidierna", datetime.date(2025, 4, 10))


@pytest.mark.parametrize("kind", ["category", "body"])
def test_a_stale_process_or_body_form_keeps_what_was_typed(client, model, owner, other, kind):
    if kind == "category":
        row = services.category_save(
            actor=owner, category=EventCategory(model=model, name="Personal")
        )
        url = reverse("followup:category_edit", args=[row.pk])
        typed = {"name": "Personal och HR", "colour": "#00636b", "symbol": "star"}
        typed["process_year"] = "this"
        message = "Någon annan har ändrat processen medan du skrev."
        theirs = fresh(row)
        theirs.colour = "#5b2a86"
        services.category_save(actor=other, category=theirs, version=1)
    else:
        row = services.deciding_body_save(actor=owner, body=DecidingBody(model=model, name="KS"))
        url = reverse("followup:body_edit", args=[row.pk])
        typed = {"name": "Kommunstyrelsen (KS)", "order": "5"}
        message = "Någon annan har ändrat det beslutande organet medan du skrev."
        theirs = fresh(row)
        theirs.order = 40
        services.deciding_body_save(actor=other, body=theirs, version=1)
    client.force_login(owner)

    response = client.post(url, {**typed, "version": 1})

    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and KEPT in body
    assert f'value="{typed["name"]}"' in body
    assert fresh(row).name == row.name
    assert client.post(url, {**typed, "version": 2}).status_code == 302
    assert fresh(row).name == typed["name"]


def test_a_new_event_needs_no_version(client, model, owner):
    client.force_login(owner)
    response = client.post(
        reverse("followup:event_create", args=[model.pk]),
        {"title": "VF-listor", "start": "2025-03-01", "end": "", "description": ""},
    )
    assert response.status_code == 302
    assert CalendarEvent.objects.get(title="VF-listor").version == 1


# --- Occasions and their steps -----------------------------------------------------------


@pytest.fixture
def delar(model, owner):
    """A planned occasion following up the economy, with one step."""
    occasion = services.occasion_save(
        actor=owner,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delårsrapport 2025",
            period_end=datetime.date(2025, 8, 31),
            follows_economy=True,
        ),
        plan_types=[],
    )
    services.step_save(
        actor=owner,
        step=OccasionStep(
            occasion=occasion,
            name="Nämnden beslutar",
            start=datetime.date(2025, 9, 22),
            deadline=datetime.date(2025, 9, 22),
        ),
    )
    return occasion


def occasion_typed(occasion, **changes):
    return {
        "kind": occasion.kind,
        "name": occasion.name,
        "period_end": occasion.period_end.isoformat(),
        "follows_economy": "on",
        "forecast_threshold": "1",
        "grace_days": str(occasion.grace_days),
        **changes,
    }


def test_an_occasion_changed_by_someone_else_since_it_was_opened_is_refused(delar, owner, other):
    opened = delar.version
    theirs = fresh(delar)
    theirs.grace_days = 5
    services.occasion_save(actor=other, occasion=theirs, version=opened)

    mine = fresh(delar)
    mine.name = "Delår per augusti"
    with pytest.raises(EditConflict) as exc:
        services.occasion_save(actor=owner, occasion=mine, version=opened)
    assert str(exc.value) == "Någon annan har ändrat uppföljningstillfället medan du skrev."
    assert (fresh(delar).name, fresh(delar).grace_days) == ("Delårsrapport 2025", 5)
    # Without the opened version a change is never taken as the latest.
    with pytest.raises(EditConflict):
        services.occasion_save(actor=owner, occasion=fresh(delar))
    services.occasion_save(actor=owner, occasion=mine, version=opened + 1)
    assert fresh(delar).name == "Delår per augusti"
    assert fresh(delar).version == opened + 2


def test_a_step_changed_by_someone_else_since_it_was_opened_is_refused(delar, owner, other):
    step = delar.steps.get()
    assert step.version == 1
    theirs = fresh(step)
    theirs.deadline = datetime.date(2025, 9, 29)
    services.step_save(actor=other, step=theirs, version=1)

    mine = fresh(step)
    mine.name = "Nämnden beslutar om delåret"
    with pytest.raises(EditConflict) as exc:
        services.step_save(actor=owner, step=mine, version=1)
    assert str(exc.value) == "Någon annan har ändrat steget medan du skrev."
    stored = fresh(step)
    assert (stored.name, stored.deadline) == ("Nämnden beslutar", datetime.date(2025, 9, 29))
    assert [h.history_user for h in step.history.order_by("history_date")] == [owner, other]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "inline"])
def test_a_stale_occasion_form_shows_the_conflict_and_keeps_what_was_typed(
    client, delar, owner, other, headers
):
    client.force_login(owner)
    url = reverse("followup:occasion_edit", args=[delar.pk])
    page = client.get(url, **headers).content.decode()
    assert f'name="version" value="{delar.version}"' in page
    # Meanwhile someone else opens the occasion (its tasks are made).
    services.occasion_open(actor=other, occasion=fresh(delar))

    typed = occasion_typed(delar, name="Delår per augusti", grace_days="7")
    response = client.post(url, {**typed, "version": delar.version}, **headers)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat uppföljningstillfället medan du skrev." in body
    assert KEPT in body
    assert 'value="Delår per augusti"' in body and 'value="7"' in body
    assert f'name="version" value="{delar.version + 1}"' in body
    stored = fresh(delar)
    assert (stored.name, stored.grace_days) == ("Delårsrapport 2025", 0)
    assert stored.status == "open"
    # Saved again from the form as shown, on top of the other's change.
    response = client.post(url, {**typed, "version": delar.version + 1})
    assert response.status_code == 302
    stored = fresh(delar)
    assert (stored.name, stored.grace_days, stored.status) == ("Delår per augusti", 7, "open")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "inline"])
def test_a_stale_step_form_shows_the_conflict_and_keeps_what_was_typed(
    client, delar, owner, other, headers
):
    step = delar.steps.get()
    client.force_login(owner)
    url = reverse("followup:step_edit", args=[step.pk])
    assert 'name="version" value="1"' in client.get(url, **headers).content.decode()
    theirs = fresh(step)
    theirs.start = theirs.deadline = datetime.date(2025, 9, 29)
    services.step_save(actor=other, step=theirs, version=1)

    typed = {
        "name": "KS arbetsutskott",
        "unit_type": "",
        "start": "2025-09-15",
        "deadline": "2025-09-15",
    }
    response = client.post(url, {**typed, "version": 1}, **headers)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat steget medan du skrev." in body and KEPT in body
    assert 'value="KS arbetsutskott"' in body and 'value="2025-09-15"' in body
    assert 'name="version" value="2"' in body
    stored = fresh(step)
    assert (stored.name, stored.deadline) == ("Nämnden beslutar", datetime.date(2025, 9, 29))
    assert client.post(url, {**typed, "version": 2}).status_code == 302
    assert fresh(step).name == "KS arbetsutskott"


def test_a_new_occasion_and_step_need_no_version(client, model, owner):
    client.force_login(owner)
    response = client.post(
        reverse("followup:occasion_create", args=[model.pk]),
        occasion_typed(
            FollowUpOccasion(
                kind=OccasionKind.MONTHLY, name="Mars", period_end=datetime.date(2025, 3, 31)
            )
        ),
    )
    assert response.status_code == 302
    occasion = FollowUpOccasion.objects.get(name="Mars")
    response = client.post(
        reverse("followup:step_create", args=[occasion.pk]),
        {"name": "KS", "unit_type": "", "start": "2025-04-20", "deadline": "2025-04-20"},
    )
    assert response.status_code == 302
    assert (occasion.version, occasion.steps.get().version) == (1, 1)


# --- Deleting what someone else has changed meanwhile ----------------------------------


def _part(kind, model, delar, owner):
    """A part of the wheel, its delete URL, the page that links to it, and a
    change by someone else."""
    if kind == "step":
        row = delar.steps.get()

        def change(actor):
            theirs = fresh(row)
            theirs.name = "Nämnden beslutar om delåret"
            services.step_save(actor=actor, step=theirs, version=theirs.version)

        return row, "followup:step_delete", "year_wheel", change
    if kind == "event":
        row = services.event_save(
            actor=owner,
            event=CalendarEvent(model=model, title="Budgetdag", start=datetime.date(2025, 4, 10)),
        )

        def change(actor):
            theirs = fresh(row)
            theirs.start = datetime.date(2025, 4, 17)
            services.event_save(actor=actor, event=theirs, version=theirs.version)

        return row, "followup:event_delete", "year_wheel", change
    if kind == "category":
        row = services.category_save(
            actor=owner, category=EventCategory(model=model, name="Personal")
        )

        def change(actor):
            theirs = fresh(row)
            theirs.colour = "#5b2a86"
            services.category_save(actor=actor, category=theirs, version=theirs.version)

        return row, "followup:category_delete", "processes", change
    row = services.deciding_body_save(actor=owner, body=DecidingBody(model=model, name="KS"))

    def change(actor):
        theirs = fresh(row)
        theirs.order = 40
        services.deciding_body_save(actor=actor, body=theirs, version=theirs.version)

    return row, "followup:body_delete", "processes", change


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("step", "Någon annan har ändrat steget ”Nämnden beslutar om delåret”"),
        ("event", "Någon annan har ändrat händelsen ”Budgetdag”"),
        ("category", "Någon annan har ändrat processen ”Personal”"),
        ("body", "Någon annan har ändrat organet ”KS”"),
    ],
)
def test_a_delete_from_a_stale_page_is_refused(client, model, delar, owner, other, kind, message):
    row, delete_name, listing, change = _part(kind, model, delar, owner)
    client.force_login(owner)
    # The user follows "Ta bort" on the wheel (or the processes page) ...
    listing_page = client.get(reverse(f"followup:{listing}", args=[2025])).content.decode()
    link = f"{reverse(delete_name, args=[row.pk])}?version={row.version}"
    assert f'href="{link}"' in listing_page
    confirm = client.get(link).content.decode()
    assert f'name="version" value="{row.version}"' in confirm
    # ... someone else changes the part, and then the user confirms.
    change(other)

    response = client.post(reverse(delete_name, args=[row.pk]), {"version": row.version})

    body = response.content.decode()
    assert response.status_code == 200
    assert message + " sedan du öppnade sidan, så inget togs bort." in body
    assert "ta bort igen om du fortfarande vill" in body
    assert type(row).objects.filter(pk=row.pk).exists()
    assert fresh(row).version == row.version + 1
    # Confirmed again on what is stored now, it is deleted.
    assert f'name="version" value="{row.version + 1}"' in body
    response = client.post(reverse(delete_name, args=[row.pk]), {"version": row.version + 1})
    assert response.status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("step", "Någon annan har ändrat steget ”Nämnden beslutar om delåret”"),
        ("event", "Någon annan har ändrat händelsen ”Budgetdag”"),
        ("category", "Någon annan har ändrat processen ”Personal”"),
        ("body", "Någon annan har ändrat organet ”KS”"),
    ],
)
def test_a_link_seen_before_a_change_warns_on_the_confirmation_page(
    client, model, delar, owner, other, kind, message
):
    """The version the wheel showed travels with the link: a confirmation
    page opened after someone else's change says so at once, with the
    words of the refusal, and asks about what is stored now; a delete of
    the version seen before is still refused."""
    row, delete_name, _listing, change = _part(kind, model, delar, owner)
    client.force_login(owner)
    link = f"{reverse(delete_name, args=[row.pk])}?version={row.version}"
    change(other)

    confirm = client.get(link)

    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Ändrat sedan du såg det" in body
    assert "Det gick inte att ta bort" not in body  # nothing was tried yet
    assert message + " sedan du öppnade sidan. Kontrollera det som är sparat nu" in body
    assert f'name="version" value="{row.version + 1}"' in body
    response = client.post(reverse(delete_name, args=[row.pk]), {"version": row.version})
    assert message + " sedan du öppnade sidan, så inget togs bort." in response.content.decode()
    assert type(row).objects.filter(pk=row.pk).exists()
    # Confirmed on the page as it warned, it is deleted.
    response = client.post(reverse(delete_name, args=[row.pk]), {"version": row.version + 1})
    assert response.status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()


def test_a_link_with_the_current_version_asks_without_a_warning(client, model, delar, owner):
    row, delete_name, _listing, _change = _part("event", model, delar, owner)
    client.force_login(owner)
    confirm = client.get(f"{reverse(delete_name, args=[row.pk])}?version={row.version}")
    body = confirm.content.decode()
    assert "Det gick inte att ta bort" not in body
    assert "Ändrat sedan du såg det" not in body
    assert "Någon annan har ändrat" not in body
    assert f'name="version" value="{row.version}"' in body


def test_a_delete_that_says_no_version_is_refused(client, model, delar, owner):
    step = delar.steps.get()
    client.force_login(owner)
    response = client.post(reverse("followup:step_delete", args=[step.pk]))
    assert response.status_code == 200
    assert "så inget togs bort" in response.content.decode()
    assert OccasionStep.objects.filter(pk=step.pk).exists()
    with pytest.raises(EditConflict):
        services.delete_part(actor=owner, obj=fresh(step), version=0)
