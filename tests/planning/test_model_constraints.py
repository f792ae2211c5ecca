"""Links and levels constrained by the model: the goal form offers only the
levels the unit may own, and "Bidrar till" on a goal offers only goals at the
levels above; the services refuse the same things (one rule each)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from tests.factories import UserFactory, grant


def _options(html: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return [
        text.strip()
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select[0])
        if value
    ]


def test_the_goal_form_offers_only_the_levels_the_unit_may_own(client, org, chain):
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER)
    client.force_login(chef)
    url = reverse("planning:item_create", args=[org["forv"].pk, chain["vp"].pk]) + "?typ=goal"
    assert _options(client.get(url).content.decode(), "level") == ["Verksamhetsmål"]


def test_a_level_for_all_unit_types_is_offered_to_every_unit(client, org, chain, model):
    level = model.levels.create(name="Gemensamt mål", order=40)
    assert level.unit_types.count() == 0
    assert set(model.levels.ownable_by(org["namnd"])) == {chain["levels"]["Nämndmål"], level}


def test_a_goal_at_a_level_the_unit_may_not_own_is_refused(org, chain):
    plan = chain["operational"].plan
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.GOAL,
            title="Förvaltningens inriktningsmål",
            level=chain["levels"]["Inriktningsmål"],
        )
    assert "får inte ha mål på nivån Inriktningsmål" in exc.value.messages[0]


def test_bidrar_till_on_a_goal_offers_only_goals_at_the_levels_above(org, chain):
    sibling = services.item_create(
        actor=access.SYSTEM,
        plan=chain["council"].plan,
        kind=ItemKind.GOAL,
        title="Trygga invånare",
        level=chain["levels"]["Inriktningsmål"],
    )
    activity = services.item_create(
        actor=access.SYSTEM,
        plan=chain["council"].plan,
        kind=ItemKind.ACTIVITY,
        title="Kommunens aktivitet",
    )
    # An inriktningsmål has no level above: nothing, not its sibling.
    assert list(services.link_targets(item=chain["council"])) == []
    # A nämndmål: the inriktningsmål, not activities or other nämndmål.
    assert set(services.link_targets(item=chain["board"])) == {chain["council"], sibling}
    # A verksamhetsmål: nämndmål and inriktningsmål.
    assert set(services.link_targets(item=chain["operational"])) == {
        chain["council"],
        sibling,
        chain["board"],
    }
    # Verksamhetsmål allows links within the level: a unit's goal to its
    # förvaltning's.
    unit_goal = services.item_create(
        actor=access.SYSTEM,
        plan=services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        title="Enhetens mål",
        level=chain["levels"]["Verksamhetsmål"],
        contributes_to=[chain["operational"]],
    )
    assert chain["operational"] in set(services.link_targets(item=unit_goal))
    # An activity still contributes to goals and activities of the units above.
    assert activity in set(services.link_targets(item=chain["activity"]))


def test_the_item_page_offers_the_same_targets(client, org, chain):
    services.item_create(
        actor=access.SYSTEM,
        plan=chain["council"].plan,
        kind=ItemKind.GOAL,
        title="Trygga invånare",
        level=chain["levels"]["Inriktningsmål"],
    )
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("planning:item", args=[chain["council"].pk])).content.decode()
    assert "Trygga invånare" not in page
    page = client.get(reverse("planning:item", args=[chain["board"].pk])).content.decode()
    assert any("Trygga invånare" in option for option in _options(page, "target"))


def test_linking_a_goal_to_a_sibling_or_lower_goal_is_refused(client, org, chain):
    sibling = services.item_create(
        actor=access.SYSTEM,
        plan=chain["council"].plan,
        kind=ItemKind.GOAL,
        title="Trygga invånare",
        level=chain["levels"]["Inriktningsmål"],
    )
    lower = services.item_create(
        actor=access.SYSTEM,
        plan=chain["operational"].plan,
        kind=ItemKind.GOAL,
        title="Förvaltningens andra mål",
        level=chain["levels"]["Verksamhetsmål"],
    )
    for item, target in ((chain["council"], sibling), (chain["board"], lower)):
        with pytest.raises(ValidationError) as exc:
            services.item_link(actor=access.SYSTEM, item=item, target=target)
        assert "kan bara bidra till mål på nivåerna ovanför" in exc.value.messages[0]
    assert not chain["council"].contributes_to.exists()
    # Posted by hand past the choices: refused with the form's message.
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("planning:item_link", args=[chain["council"].pk]),
        {"target": sibling.pk},
        follow=True,
    )
    assert "Välj en post att koppla till." in response.content.decode()
    assert not chain["council"].contributes_to.exists()
