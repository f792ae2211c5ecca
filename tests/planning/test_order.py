"""The plan's own order (Item.order): set by the Excel import from the rows'
order, changed on the plan page with Flytta upp / Flytta ned, and kept by
the pages and documents instead of the titles' alphabetical order."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item, Plan
from tests.excel import ACTIVITY_HEADER, GOAL_HEADER, import_plan, workbook
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def unit(org):
    return org["enhet_a2"]


def goals_file(*titles: str) -> bytes:
    rows = [[None, "Invånare", "Verksamhetsmål", title, None, None, None] for title in titles]
    return workbook({"Mål": [GOAL_HEADER, *rows]})


def goal_titles(unit, plan_type) -> list[str]:
    plan = Plan.objects.get(unit=unit, plan_type=plan_type)
    items = plan.items.active().filter(kind=ItemKind.GOAL)
    return [i.title for i in sorted(items, key=lambda i: (i.order, i.pk))]


def test_the_import_keeps_the_rows_order_not_the_alphabet(unit, vp):
    import_plan(
        goals_file("Öppen verksamhet", "Alla ska känna sig trygga", "Mer delaktighet"), unit, vp
    )

    assert goal_titles(unit, vp) == [
        "Öppen verksamhet",
        "Alla ska känna sig trygga",
        "Mer delaktighet",
    ]


def test_a_new_import_in_another_order_moves_the_items_already_in_the_plan(unit, vp):
    import_plan(
        goals_file("Öppen verksamhet", "Alla ska känna sig trygga", "Mer delaktighet"), unit, vp
    )
    before = {i.title: i.version for i in Item.objects.filter(kind=ItemKind.GOAL)}

    result = import_plan(
        goals_file(
            "Mer delaktighet", "Ny service", "Öppen verksamhet", "Alla ska känna sig trygga"
        ),
        unit,
        vp,
    )

    assert goal_titles(unit, vp) == [
        "Mer delaktighet",
        "Ny service",
        "Öppen verksamhet",
        "Alla ska känna sig trygga",
    ]
    assert result.summary().endswith("1 ny, 3 ändrade.")
    moved = Item.objects.get(title="Mer delaktighet")
    assert moved.version == before["Mer delaktighet"] + 1
    assert moved.history.count() == 2  # made, then moved: both in the history


def test_an_import_in_the_plan_s_order_changes_nothing(unit, vp):
    import_plan(goals_file("Öppen verksamhet", "Alla ska känna sig trygga"), unit, vp)

    result = import_plan(goals_file("Öppen verksamhet", "Alla ska känna sig trygga"), unit, vp)

    assert not result.changed_anything, result.summary()


def test_an_item_made_on_the_page_goes_last(unit, vp):
    import_plan(goals_file("Öppen verksamhet", "Alla ska känna sig trygga"), unit, vp)
    plan = Plan.objects.get(unit=unit, plan_type=vp)
    first = plan.items.get(title="Öppen verksamhet")

    services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.GOAL,
        title="Aktiv fritid",
        perspective=first.perspective,
        level=first.level,
    )

    assert goal_titles(unit, vp) == [
        "Öppen verksamhet",
        "Alla ska känna sig trygga",
        "Aktiv fritid",
    ]


@pytest.fixture
def planned(unit, vp):
    """Three goals and, under the first, two activities."""
    header = ACTIVITY_HEADER
    data = workbook(
        {
            "Mål": [
                GOAL_HEADER,
                *[
                    [None, "Invånare", "Verksamhetsmål", t, None, None, None]
                    for t in ("Öppen verksamhet", "Alla ska känna sig trygga", "Mer delaktighet")
                ],
            ],
            "Aktiviteter": [
                header,
                *[
                    [None, "Invånare", "Öppen verksamhet", t, None, None, None, None]
                    for t in ("Öppet hus", "Enkät till brukarna")
                ],
            ],
        }
    )
    import_plan(data, unit, vp)
    return Plan.objects.get(unit=unit, plan_type=vp)


def test_moving_a_goal_up_swaps_it_with_the_one_before(planned, unit, vp):
    goal = planned.items.get(title="Mer delaktighet")

    services.item_move(actor=access.SYSTEM, item=goal, version=goal.version, up=True)

    assert goal_titles(unit, vp) == [
        "Öppen verksamhet",
        "Mer delaktighet",
        "Alla ska känna sig trygga",
    ]
    assert goal.history.first().history_change_reason == "Flyttad i planen"


def test_activities_move_among_those_under_the_same_goal(planned):
    survey = planned.items.get(title="Enkät till brukarna")

    services.item_move(actor=access.SYSTEM, item=survey, version=survey.version, up=True)

    activities = planned.items.filter(kind=ItemKind.ACTIVITY).order_by("order", "pk")
    assert [a.title for a in activities] == ["Enkät till brukarna", "Öppet hus"]
    with pytest.raises(ValidationError, match="redan först"):
        survey.refresh_from_db()
        services.item_move(actor=access.SYSTEM, item=survey, version=survey.version, up=True)


def test_a_move_on_a_page_opened_before_someone_s_change_is_refused(planned):
    goal = planned.items.get(title="Mer delaktighet")
    stale = goal.version
    services.item_update(actor=access.SYSTEM, item=goal, version=stale, title="Mer inflytande")

    with pytest.raises(EditConflict):
        services.item_move(actor=access.SYSTEM, item=goal, version=stale, up=True)


def test_only_those_who_may_change_the_plan_move_its_items(planned, org):
    reader = UserFactory()
    grant(reader, org["forv"], Role.READER)
    goal = planned.items.get(title="Mer delaktighet")

    with pytest.raises(PermissionDenied):
        services.item_move(actor=reader, item=goal, version=goal.version, up=True)


def test_the_plan_page_has_move_buttons_that_move_the_item(client, planned, unit, vp, org):
    manager = UserFactory()
    grant(manager, unit, Role.MANAGER)
    client.force_login(manager)
    goal = planned.items.get(title="Mer delaktighet")

    page = client.get(reverse("planning:plan", args=[planned.pk])).content.decode()
    assert 'Flytta upp<span class="visually-hidden">: Mer delaktighet</span>' in page
    # The last goal cannot go further down, the first not further up.
    assert 'Flytta ned<span class="visually-hidden">: Mer delaktighet</span>' not in page
    assert 'Flytta upp<span class="visually-hidden">: Öppen verksamhet</span>' not in page

    response = client.post(
        reverse("planning:item_move", args=[goal.pk]),
        {"version": goal.version, "riktning": "upp"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{goal.pk}")
    assert goal_titles(unit, vp)[1] == "Mer delaktighet"

    # The same form again, from the page as it was: someone moved it since.
    response = client.post(
        reverse("planning:item_move", args=[goal.pk]),
        {"version": goal.version, "riktning": "upp"},
        follow=True,
    )
    assert "Någon annan har ändrat posten" in response.content.decode()
    assert goal_titles(unit, vp)[1] == "Mer delaktighet"


def test_a_reader_sees_no_move_buttons(client, planned, org):
    reader = UserFactory()
    grant(reader, org["forv"], Role.READER)
    client.force_login(reader)

    page = client.get(reverse("planning:plan", args=[planned.pk])).content.decode()
    assert "Mer delaktighet" in page and "Flytta upp" not in page
