"""The year wheel's processes: event categories with a colour and a symbol
per styrmodell, deciding bodies, an event's owner and occasion; the three
parallel years as a picture with today marked; the wheel filtered by
process; CATEGORIES in the iCal feed; the processes copied with the model."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import feeds, services
from styrhjul.followup.forms_wheel import CategoryForm, DecidingBodyForm, EventForm
from styrhjul.followup.models import (
    CalendarEvent,
    DecidingBody,
    EventCategory,
    ProcessColour,
)
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UnitFactory, UserFactory, grant, unit_type
from tests.followup.test_ical import parse

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 8, 25)


@pytest.fixture(autouse=True)
def wheel_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def chef(org):
    user = UserFactory(first_name="Cecilia", last_name="Chef")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


@pytest.fixture
def processes(model, owner):
    services.wheel_defaults_add(actor=owner, model=model)
    return {c.name: c for c in model.event_categories.all()}


def url(name, *args):
    return reverse(f"followup:{name}", args=args)


def event(model, title, start, **kwargs):
    return services.event_save(
        actor=access.SYSTEM, event=CalendarEvent(model=model, title=title, start=start, **kwargs)
    )


# --- Services ---------------------------------------------------------------------------


def test_the_default_processes_and_deciding_bodies_are_added_once(model, owner):
    assert services.wheel_defaults_add(actor=owner, model=model) == 7
    assert [c.name for c in model.event_categories.all()] == [
        "Budgetprocess",
        "Målprocess",
        "Ekonomisk uppföljning",
        "Personal",
    ]
    assert [b.name for b in model.deciding_bodies.all()] == [
        "Kommunfullmäktige (KF)",
        "Kommunstyrelsen (KS)",
        "Nämnd",
    ]
    # Every default has its own colour and symbol: the colour is never the only cue.
    categories = list(model.event_categories.all())
    assert len({c.colour for c in categories}) == len({c.symbol for c in categories}) == 4
    assert services.wheel_defaults_add(actor=owner, model=model) == 0
    assert EventCategory.history.filter(history_user=owner).count() == 4


def test_only_model_owners_change_processes(model, chef):
    with pytest.raises(PermissionDenied):
        services.category_save(actor=chef, category=EventCategory(model=model, name="Personal"))
    with pytest.raises(PermissionDenied):
        services.wheel_defaults_add(actor=chef, model=model)
    assert not EventCategory.objects.exists()


def test_a_process_name_is_taken_once_a_year_in_swedish(model, owner, processes):
    with pytest.raises(ValidationError) as exc:
        services.category_save(
            actor=owner, category=EventCategory(model=model, name=" budgetprocess ")
        )
    assert exc.value.message_dict == {
        "name": ["Det finns redan en process som heter ”budgetprocess” det här året."]
    }
    with pytest.raises(ValidationError) as exc:
        services.deciding_body_save(actor=owner, body=DecidingBody(model=model, name="nämnd"))
    assert "Det finns redan ett beslutande organ" in exc.value.message_dict["name"][0]


def test_an_event_takes_the_process_and_body_of_its_own_year(org, model, owner, processes):
    other = model_create_default(actor=access.SYSTEM, organisation=org["kommun"], year=2026)
    services.wheel_defaults_add(actor=owner, model=other)
    wrong = other.event_categories.get(name="Personal")
    with pytest.raises(ValidationError) as exc:
        event(model, "Lönekartläggning", datetime.date(2025, 3, 1), category=wrong)
    assert exc.value.message_dict["category"] == ["Välj en process i årets styrmodell."]
    saved = event(
        model,
        "Lönekartläggning",
        datetime.date(2025, 3, 1),
        category=processes["Personal"],
        deciding_body=model.deciding_bodies.get(name="Nämnd"),
        owner_unit=org["forv"],
    )
    assert saved.category.name == "Personal" and saved.owner_unit == org["forv"]


def test_an_event_owner_belongs_to_the_organisation(org, model, owner):
    elsewhere = UnitFactory(name="Grannkommunen", code="G", unit_type=unit_type("Kommun"))
    stranger = UserFactory()
    grant(stranger, elsewhere, Role.MANAGER)
    with pytest.raises(ValidationError) as exc:
        event(
            model,
            "Budgetdag",
            datetime.date(2025, 4, 8),
            owner_unit=elsewhere,
            owner_person=stranger,
        )
    errors = exc.value.message_dict
    assert errors["owner_unit"] == ["Välj en enhet i Provköpings kommun som finns 2025."]
    assert errors["owner_person"] == [
        "Välj en person med rollen Modellägare, Chef eller Rapportör i Provköpings kommun."
    ]
    assert not CalendarEvent.objects.exists()


# --- Forms ------------------------------------------------------------------------------


def test_the_process_form_says_what_is_wrong_at_the_field(model, processes):
    form = CategoryForm(
        {"name": "", "colour": "#ff0000", "symbol": "heart", "process_year": "x", "order": "-1"},
        instance=EventCategory(model=model),
    )
    assert not form.is_valid()
    assert form.errors == {
        "name": ["Ange ett namn."],
        "colour": ["Välj bland färgerna i listan."],
        "symbol": ["Välj bland symbolerna i listan."],
        "process_year": ["Välj bland åren i listan."],
        "order": ["Ordningen kan inte vara negativ."],
    }
    form = CategoryForm(
        {"name": "Målprocess", "colour": "#0b5394", "symbol": "star", "process_year": "next"},
        instance=EventCategory(model=model),
    )
    assert form.errors["name"] == [
        "Det finns redan en process som heter ”Målprocess” det här året."
    ]
    assert "order" not in form.errors  # empty: as it was
    assert not DecidingBodyForm({"order": "1"}, instance=DecidingBody(model=model)).is_valid()


def test_every_palette_colour_has_aa_contrast_on_white():
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in ProcessColour.values:
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour


def test_the_event_form_offers_the_years_processes_and_checks_the_owner(org, model, processes):
    elsewhere = UnitFactory(name="Grannkommunen", code="G", unit_type=unit_type("Kommun"))
    form = EventForm(
        {
            "title": "Budgetdag",
            "start": "2025-04-08",
            "end": "2025-04-01",
            "category": str(processes["Budgetprocess"].pk),
            "owner_unit": str(elsewhere.pk),
        },
        instance=CalendarEvent(model=model),
    )
    assert not form.is_valid()
    assert form.errors["owner_unit"] == ["Välj bland enheterna i listan."]
    assert form.errors["end"] == ["Slutdatumet kan inte vara före datumet (2025-04-08)."]
    assert list(form.fields["category"].queryset) == list(model.event_categories.all())
    html = str(form)
    assert '<label for="id_category">Process' in html and "Beslutande organ" in html


# --- Views ------------------------------------------------------------------------------


def test_readers_see_the_processes_with_symbols_and_no_edit_links(client, model, chef, processes):
    client.force_login(chef)
    response = client.get(url("processes", 2025))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Processer och beslutande organ 2025" in html
    assert "■</span> Budgetprocess" in html and "Nästa år (budget och planering)" in html
    assert "Kommunfullmäktige (KF)" in html
    assert url("category_edit", processes["Budgetprocess"].pk) not in html
    assert "Lägg till standardprocesserna" not in html


def test_a_model_owner_adds_changes_and_removes_a_process(client, model, owner):
    client.force_login(owner)
    response = client.post(url("processes_defaults", model.pk))
    assert response.status_code == 302
    assert model.event_categories.count() == 4
    response = client.post(
        url("category_create", model.pk),
        {"name": "Internkontroll", "colour": "#00636b", "symbol": "star", "process_year": "this"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("processes", 2025) + ""
    category = model.event_categories.get(name="Internkontroll")
    assert category.character == "★"
    # Bad input: the page again with the message at the field, nothing saved.
    response = client.post(
        url("category_edit", category.pk),
        {
            "name": "Personal",
            "colour": "#00636b",
            "symbol": "star",
            "process_year": "this",
            "version": category.version,
        },
    )
    assert response.status_code == 200
    assert "Det finns redan en process som heter ”Personal” det här året." in (
        response.content.decode()
    )
    assert model.event_categories.get(pk=category.pk).name == "Internkontroll"
    html = client.get(url("processes", 2025)).content.decode()
    assert url("category_edit", category.pk) in html
    category.refresh_from_db()
    response = client.post(url("category_delete", category.pk), {"version": category.version})
    assert response.status_code == 302 and not EventCategory.objects.filter(pk=category.pk)


def test_others_cannot_change_processes(client, model, chef, processes):
    client.force_login(chef)
    budget = processes["Budgetprocess"]
    assert client.get(url("category_edit", budget.pk)).status_code in (403, 404)
    assert client.post(url("category_delete", budget.pk)).status_code in (403, 404)
    assert EventCategory.objects.filter(pk=budget.pk).exists()


def test_a_model_owner_creates_an_event_with_process_body_owner_and_occasion(
    client, org, occasion, owner
):
    model = occasion.model
    services.wheel_defaults_add(actor=owner, model=model)
    client.force_login(owner)
    response = client.post(
        url("event_create", model.pk),
        {
            "title": "Delårsrapporten beslutas",
            "start": "2025-10-20",
            "category": str(model.event_categories.get(name="Ekonomisk uppföljning").pk),
            "deciding_body": str(model.deciding_bodies.get(name="Kommunfullmäktige (KF)").pk),
            "owner_unit": str(org["forv"].pk),
            "owner_person": str(owner.pk),
            "occasion": str(occasion.pk),
        },
    )
    assert response.status_code == 302
    saved = model.events.get()
    assert saved.occasion == occasion and saved.owner_person == owner
    html = client.get(url("year_wheel", 2025)).content.decode()
    assert "●</span> Ekonomisk uppföljning" in html
    assert "Kommunfullmäktige (KF)" in html and "Socialförvaltningen, Maja Modell" in html


def test_the_wheel_is_filtered_by_process(client, model, chef, processes):
    event(model, "Budgetdag", datetime.date(2025, 4, 8), category=processes["Budgetprocess"])
    event(model, "Medarbetarenkät", datetime.date(2025, 3, 3), category=processes["Personal"])
    client.force_login(chef)
    html = client.get(url("year_wheel", 2025)).content.decode()
    assert "Budgetdag" in html and "Medarbetarenkät" in html
    assert '<label for="id_process">Visa process</label>' in html
    pk = processes["Personal"].pk
    html = client.get(url("year_wheel", 2025) + f"?process={pk}").content.decode()
    assert "Medarbetarenkät" in html and "Budgetdag" not in html
    assert "Visar bara händelserna i processen Personal." in html
    # An unknown process shows the whole wheel.
    html = client.get(url("year_wheel", 2025) + "?process=999999").content.decode()
    assert "Budgetdag" in html and "Medarbetarenkät" in html


def test_the_picture_has_three_parallel_years_and_today(client, occasion, chef, owner):
    """Last year's closing, this year's follow-up and next year's budget, each
    event on the year it works on (its occasion's, else its process's), today
    a dashed line; tables of the three years say the same in words."""
    model = occasion.model
    services.wheel_defaults_add(actor=owner, model=model)
    budget = model.event_categories.get(name="Budgetprocess")
    event(model, "Budgetdag", datetime.date(2025, 4, 8), category=budget)
    event(
        model,
        "Årsredovisningen beslutas",
        datetime.date(2025, 4, 22),
        category=model.event_categories.get(name="Ekonomisk uppföljning"),
    )
    client.force_login(chef)
    html = client.get(url("year_wheel", 2025)).content.decode()
    picture = html[html.index("<svg") : html.index("</svg>")]
    assert "<title" in picture and "<desc" in picture and 'role="img"' in picture
    for label in ("Bokslut 2024", "Uppföljning 2025", "Budget 2026"):
        assert label in picture
    assert 'class="today"' in picture and "I dag" in picture and "2025-08-25" in picture
    # The budget day on the budget lane, as the process's square in its colour.
    lanes = picture.split('font-weight="bold" fill="#1b1f24">')
    assert "Budgetdag" in lanes[3] and "Budgetdag" not in lanes[2]
    assert (
        'fill="#0b5394" stroke="#ffffff" stroke-width="1"><title>2025-04-08: ■ Budgetprocess'
        in (picture)
    )
    # The text alternative: a table per year.
    budget_table = html[html.index('id="tre-ar-budget"') : html.index('id="tidslinje"')]
    assert "Budgetdag" in budget_table and "Enhetschefer rapporterar" not in budget_table
    follow_up = html[html.index('id="tre-ar-uppfoljning"') : html.index('id="tre-ar-budget"')]
    assert "Enhetschefer rapporterar" in follow_up and "Årsredovisningen beslutas" in follow_up


def test_the_wheel_reads_processes_in_the_same_queries_whatever_their_number(
    client, model, chef, processes
):
    def count():
        client.force_login(chef)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("year_wheel", 2025)).status_code == 200
        with CaptureQueriesContext(connection) as ctx_processes:
            assert client.get(url("processes", 2025)).status_code == 200
        return len(ctx), len(ctx_processes)

    event(model, "Budgetdag", datetime.date(2025, 4, 8), category=processes["Budgetprocess"])
    small = count()
    for n in range(8):
        category = services.category_save(
            actor=access.SYSTEM, category=EventCategory(model=model, name=f"Process {n}")
        )
        event(
            model,
            f"Händelse {n}",
            datetime.date(2025, 5, 1 + n),
            category=category,
            deciding_body=model.deciding_bodies.first(),
            owner_unit=model.organisation,
        )
    assert count() == small


# --- iCal ---------------------------------------------------------------------------------


def test_the_organisation_feed_carries_the_process_as_categories(
    client, org, model, chef, processes
):
    event(
        model,
        "Budget 2026 beslutas",
        datetime.date(2025, 11, 24),
        category=processes["Budgetprocess"],
        deciding_body=model.deciding_bodies.get(name="Kommunfullmäktige (KF)"),
    )
    event(model, "Utan process", datetime.date(2025, 5, 5))
    token = feeds.organisation_token(chef, org["kommun"])
    events = {e["SUMMARY"]: e for e in parse(client.get(url("ical_org", token)).content)}
    assert events["Budget 2026 beslutas"]["CATEGORIES"] == "Budgetprocess"
    assert (
        "Beslutande organ: Kommunfullmäktige (KF)."
        in (events["Budget 2026 beslutas"]["DESCRIPTION"])
    )
    assert "CATEGORIES" not in events["Utan process"]


def test_categories_are_escaped():
    lines = feeds.vevent(
        uid="x",
        stamp=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        start=datetime.date(2025, 1, 1),
        end=None,
        summary="S",
        categories=["Budget, plan", "Personal"],
    )
    assert "CATEGORIES:Budget\\, plan,Personal" in lines


# --- Copied with the model ------------------------------------------------------------------


def test_processes_and_categorised_events_are_copied_with_the_model(occasion, owner):
    model = occasion.model
    services.wheel_defaults_add(actor=owner, model=model)
    services.category_save(
        actor=owner,
        category=EventCategory(model=model, name="Internkontroll", colour="#00636b", symbol="star"),
    )
    event(
        model,
        "Delårsrapporten beslutas",
        datetime.date(2025, 10, 20),
        category=model.event_categories.get(name="Ekonomisk uppföljning"),
        deciding_body=model.deciding_bodies.get(name="Kommunfullmäktige (KF)"),
        owner_unit=model.organisation,
        owner_person=owner,
        occasion=occasion,
    )
    copy = planning.model_copy_to_next_year(actor=owner, model=model)
    assert [c.name for c in copy.event_categories.all()] == [
        c.name for c in model.event_categories.all()
    ]
    assert copy.event_categories.get(name="Internkontroll").symbol == "star"
    copied = copy.events.get()
    assert copied.category.model == copy and copied.category.name == "Ekonomisk uppföljning"
    assert copied.deciding_body.model == copy
    assert copied.owner_unit == model.organisation and copied.owner_person == owner
    assert copied.occasion.model == copy and copied.occasion.name == "Delårsrapport 2026"


def test_processes_are_copied_even_without_the_wheel(model, owner, processes):
    copy = planning.model_copy_to_next_year(actor=owner, model=model, copy_wheel=False)
    assert copy.event_categories.count() == 4 and copy.deciding_bodies.count() == 3
    assert not copy.events.exists()


def test_copying_the_wheel_from_another_year_maps_the_processes_by_name(occasion, owner):
    model = occasion.model
    services.wheel_defaults_add(actor=owner, model=model)
    event(
        model,
        "Budgetdag",
        datetime.date(2025, 4, 8),
        category=model.event_categories.get(name="Budgetprocess"),
    )
    target = planning.model_copy_to_next_year(actor=owner, model=model, copy_wheel=False)
    # The target year's own Budgetprocess, changed there, is the one used.
    own = target.event_categories.get(name="Budgetprocess")
    own.colour = "#8b1e3f"
    own.save()
    services.wheel_copy_from(actor=owner, source=model, target=target)
    copied = target.events.get(title="Budgetdag")
    assert copied.category == own
    assert target.event_categories.filter(name="Budgetprocess").count() == 1


def test_a_removed_process_leaves_its_events_without_one(model, owner, processes):
    saved = event(
        model, "Budgetdag", datetime.date(2025, 4, 8), category=processes["Budgetprocess"]
    )
    budget = processes["Budgetprocess"]
    services.delete_part(actor=owner, obj=budget, version=budget.version)
    saved.refresh_from_db()
    assert saved.category is None
