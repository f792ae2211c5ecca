"""Two model owners changing the same part of the year wheel: an event, a
process or a deciding body. The second save, made on what the first saw
before the other's change, is refused with a Swedish message at the form,
keeps what the user typed, and goes through when saved again (on top of
what is stored now)."""

import datetime

import pytest
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import services
from styrhjul.followup.models import CalendarEvent, DecidingBody, EventCategory
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
