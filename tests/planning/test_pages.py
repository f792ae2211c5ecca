"""The plan page, the item page with its red thread, the goal tree, and the
forms that change items — as the people who use them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item, ItemShare
from tests.factories import UserFactory, VisionFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def chef_b1(client, org):
    chef = UserFactory(first_name="Berit")
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)
    return chef


def test_the_unit_lists_its_plans_for_the_year(client, org, chain, chef_b1):
    body = client.get(
        reverse("planning:unit_plans", args=[org["enhet_b1"].pk, 2025])
    ).content.decode()
    assert "Aktivitetsplan" in body and "Internkontrollplan" in body
    assert reverse("planning:plan", args=[chain["activity"].plan_id]) in body


def test_the_plan_page_shows_shared_items_marked_with_their_origin(client, org, chain, chef_b1):
    services.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["enhet_b1"]])
    plan = ItemShare.objects.get(unit=org["enhet_b1"]).plan
    body = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "Fler barn i familjer med försörjningsstöd" in body
    assert "delad från Socialnämnden" in body


def test_the_plan_page_filters_and_answers_htmx_with_the_list_only(client, org, chain):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)
    url = reverse("planning:plan", args=[chain["council"].plan_id])
    body = client.get(url + "?typ=indicator").content.decode()
    assert "Andel behöriga till gymnasiet" in body
    # The indicator's goal stays as context above it.
    assert "Alla barn och unga klarar skolan" in body
    fragment = client.get(
        url + "?q=gymnasiet", headers={"HX-Request": "true", "HX-Target": "plan-items"}
    )
    assert "<html" not in fragment.content.decode()
    assert "gymnasiet" in fragment.content.decode()


def test_the_red_thread_goes_from_the_vision_to_the_activity(client, org, chain, chef_b1):
    VisionFactory(unit=org["kommun"], title="Provköping 2035", valid_from_year=2024)
    body = client.get(reverse("planning:item", args=[chain["activity"].pk])).content.decode()
    assert "Provköping 2035" in body
    for key in ("council", "board", "operational"):
        assert chain[key].title in body


def test_the_red_thread_down_shows_only_what_the_user_may_read(client, org, chain):
    reader = UserFactory()
    grant(reader, org["avd_a"], Role.READER)  # not avd_b, where the activity is
    services.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["avd_a"]])
    client.force_login(reader)
    body = client.get(reverse("planning:item", args=[chain["board"].pk])).content.decode()
    assert "Läxhjälp på fritidsgården" not in body
    # The förvaltning's goal is above the reader's unit: readable. The unit's
    # activity in the other department is not.
    assert chain["operational"].title in body
    assert "Ytterligare 1 post hos enheter du inte har behörighet till." in body


def test_a_reader_sees_no_edit_controls_and_cannot_edit(client, org, chain):
    politician = UserFactory()
    grant(politician, org["namnd"], Role.READER)
    client.force_login(politician)
    item = chain["board"]
    body = client.get(reverse("planning:item", args=[item.pk])).content.decode()
    assert reverse("planning:item_edit", args=[item.pk]) not in body
    assert client.get(reverse("planning:item_edit", args=[item.pk])).status_code == 403


def test_a_manager_adds_an_activity_under_a_shared_goal(client, org, chain, chef_b1):
    services.item_share(actor=access.SYSTEM, item=chain["operational"], units=[org["enhet_b1"]])
    url = reverse("planning:item_create", args=[org["enhet_b1"].pk, chain["ap"].pk])
    response = client.post(
        url + f"?typ=activity&bidrar_till={chain['operational'].pk}",
        {
            "typ": "activity",
            "bidrar_till": chain["operational"].pk,
            "title": "Samverkansmöten med skolan",
            "start_date": "2025-03-01",
            "end_date": "2025-11-30",
        },
    )
    new = Item.objects.get(title="Samverkansmöten med skolan")
    assert response.status_code == 302
    assert new.plan.unit == org["enhet_b1"]
    assert chain["operational"] in new.contributes_to.all()
    assert new.history.first().history_user == chef_b1


def test_invalid_item_input_is_explained_at_the_field_and_kept(client, org, chain, chef_b1):
    url = reverse("planning:item_create", args=[org["enhet_b1"].pk, chain["ap"].pk])
    response = client.post(
        url,
        {
            "typ": "activity",
            "title": "Bakvänd",
            "start_date": "2025-06-01",
            "end_date": "2025-01-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatum kan inte vara före startdatum." in body
    assert 'value="Bakvänd"' in body
    assert not Item.objects.filter(title="Bakvänd").exists()


def test_editing_an_item_someone_else_just_saved_is_refused(client, org, chain, chef_b1):
    item = chain["activity"]
    services.item_update(
        actor=access.SYSTEM,
        item=Item.objects.get(pk=item.pk),
        version=item.version,
        title="Annans rubrik",
    )
    response = client.post(
        reverse("planning:item_edit", args=[item.pk]),
        {
            "title": "Min rubrik",
            "version": item.version,
            "start_date": "2025-02-01",
            "end_date": "2025-12-15",
        },
    )
    body = response.content.decode()
    assert "Någon annan har ändrat posten" in body and "Annans rubrik" in body
    assert 'value="Min rubrik"' in body
    assert Item.objects.get(pk=item.pk).title == "Annans rubrik"


def test_a_model_owner_shares_to_all_units_of_a_type(client, org, chain):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    client.force_login(owner)
    from styrhjul.organisation.models import UnitType

    response = client.post(
        reverse("planning:item_share", args=[chain["operational"].pk]),
        {"unit_type": UnitType.objects.get(name="Enhet").pk},
    )
    assert response.status_code == 302
    assert set(ItemShare.objects.values_list("unit__code", flat=True)) == {
        "AO1",
        "AO2",
        "IFO1",
        "IFO2",
    }


def test_deleting_a_shared_item_is_refused_with_advice(client, org, chain):
    owner = UserFactory()
    grant(owner, org["namnd"], Role.MODEL_OWNER)
    client.force_login(owner)
    services.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["enhet_b1"]])
    response = client.post(reverse("planning:item_delete", args=[chain["board"].pk]))
    assert response.status_code == 200
    assert "Arkivera den i stället" in response.content.decode()
    assert Item.objects.filter(pk=chain["board"].pk).exists()


def test_the_goal_tree_shows_the_chain_of_goals(client, org, chain):
    politician = UserFactory()
    grant(politician, org["kommun"], Role.READER)
    client.force_login(politician)
    body = client.get(reverse("planning:goal_tree", args=[2025])).content.decode()
    council = body.index(chain["council"].title)
    board = body.index(chain["board"].title)
    assert council < board < body.index(chain["operational"].title)
    assert "Läxhjälp" not in body  # activities are not goals


def test_the_goal_tree_lists_the_goals_under_a_goal_by_number(client, org, chain):
    """Siblings in the tree's order (level, number, title), whatever order
    the goals were linked in."""
    level = chain["levels"]["Verksamhetsmål"]
    for number in ("M3", "M1", "M2"):
        goal = Item.objects.create(
            plan=chain["operational"].plan,
            kind=ItemKind.GOAL,
            number=number,
            title=f"Delmål {number}",
            level=level,
        )
        goal.contributes_to.add(chain["board"])
    client.force_login(UserFactory(is_superuser=True))
    body = client.get(reverse("planning:goal_tree", args=[2025])).content.decode()
    assert body.index("M1 Delmål M1") < body.index("M2 Delmål M2") < body.index("M3 Delmål M3")


# --- Query budgets -------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(chain, n):
    """n more items in the förvaltning's plan and the unit's plan, linked up."""
    vp_plan = chain["operational"].plan
    ap_plan = chain["activity"].plan
    for i in range(n):
        goal = Item.objects.create(
            plan=vp_plan,
            kind=ItemKind.GOAL,
            title=f"Mål {i}",
            level=chain["levels"]["Verksamhetsmål"],
        )
        goal.contributes_to.add(chain["board"])
        act = Item.objects.create(plan=ap_plan, kind=ItemKind.ACTIVITY, title=f"Aktivitet {i}")
        act.contributes_to.add(goal)
        ItemShare.objects.create(item=goal, unit=chain["activity"].plan.unit, plan=ap_plan)


@pytest.mark.parametrize("page", ["plan", "item", "goal_tree", "unit_plans"])
def test_pages_run_the_same_number_of_queries_for_10_and_200_items(client, org, chain, page):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    urls = {
        "plan": reverse("planning:plan", args=[chain["activity"].plan_id]),
        "item": reverse("planning:item", args=[chain["board"].pk]),
        "goal_tree": reverse("planning:goal_tree", args=[2025]),
        "unit_plans": reverse("planning:unit_plans", args=[org["enhet_b1"].pk, 2025]),
    }
    _grow(chain, 5)
    small = _count(client, urls[page])
    _grow(chain, 100)
    assert _count(client, urls[page]) == small


def test_the_councils_goals_are_read_by_everyone_in_the_municipality(client, org, chain):
    """Kommunfullmäktige is a sibling of the nämnd, not its ancestor; as a
    governing body (its unit type says so) its goals are read by every unit,
    whether or not anything leads up to them."""
    from tests.factories import UnitFactory, unit_type

    assert unit_type("Kommunfullmäktige").governing
    kf = UnitFactory(
        name="Kommunfullmäktige",
        code="KF",
        parent=org["kommun"],
        unit_type=unit_type("Kommunfullmäktige"),
    )
    kf_plan = services.plan_for(actor=access.SYSTEM, unit=kf, plan_type=chain["vp"])
    kf_goal = services.item_create(
        actor=access.SYSTEM,
        plan=kf_plan,
        kind=ItemKind.GOAL,
        title="Fullmäktiges mål om lärande",
        level=chain["levels"]["Inriktningsmål"],
    )
    kf_activity = services.item_create(
        actor=access.SYSTEM,
        plan=kf_plan,
        kind=ItemKind.ACTIVITY,
        title="Fullmäktiges egen aktivitet",
    )
    for unit in (org["enhet_b1"], org["enhet_a2"]):
        chef = UserFactory()
        grant(chef, unit, Role.MANAGER)
        assert access.can_read(chef, kf_goal)
        assert not access.can_read(chef, kf_activity)
        assert not access.can_read(chef, kf_plan)
        client.force_login(chef)
        assert (
            "Fullmäktiges mål om lärande"
            in client.get(reverse("planning:goal_tree", args=[2025])).content.decode()
        )
        page = client.get(reverse("planning:item", args=[kf_goal.pk]))
        assert page.status_code == 200
        # The goal's plan is not theirs to read, so the page does not link to it.
        assert reverse("planning:plan", args=[kf_plan.pk]) not in page.content.decode()


def test_the_goals_a_units_items_contribute_to_are_readable(client, org, chain):
    """A goal of a sibling committee (not a governing body) is read by the
    units whose items lead up to it through the red thread, and not by
    others."""
    from tests.factories import UnitFactory, unit_type

    culture = UnitFactory(
        name="Kulturnämnden", code="KN", parent=org["kommun"], unit_type=unit_type("Nämnd")
    )
    plan = services.plan_for(actor=access.SYSTEM, unit=culture, plan_type=chain["vp"])
    goal = services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.GOAL,
        title="Kulturnämndens mål om läsning",
        level=chain["levels"]["Nämndmål"],
    )
    services.item_link(actor=access.SYSTEM, item=chain["operational"], target=goal)
    # The unit whose activity leads up to the goal reads it and sees it in the tree.
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    assert access.can_read(chef, goal)
    assert goal in set(Item.objects.restrict(chef))
    client.force_login(chef)
    assert (
        "Kulturnämndens mål om läsning"
        in client.get(reverse("planning:goal_tree", args=[2025])).content.decode()
    )
    assert client.get(reverse("planning:item", args=[goal.pk])).status_code == 200
    # A unit with nothing of its own leading there does not.
    other = UserFactory()
    grant(other, org["enhet_a2"], Role.MANAGER)
    assert not access.can_read(other, goal)
    assert goal not in set(Item.objects.restrict(other))
    client.force_login(other)
    assert (
        "Kulturnämndens mål om läsning"
        not in client.get(reverse("planning:goal_tree", args=[2025])).content.decode()
    )
    assert client.get(reverse("planning:item", args=[goal.pk])).status_code == 404
