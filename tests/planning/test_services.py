"""The rules of the governance chain: links without cycles, sharing down the
tree only, dates in order, and nothing reported is ever lost."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrhjul.core.concurrency import EditConflict
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, UnitType
from styrhjul.planning import services
from styrhjul.planning.models import Item, ItemShare, Plan
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_a_link_that_would_close_a_circle_is_refused(chain):
    with pytest.raises(ValidationError) as excinfo:
        services.item_link(actor=access.SYSTEM, item=chain["council"], target=chain["activity"])
    assert "cirkel" in str(excinfo.value)
    assert not chain["council"].contributes_to.exists()


def test_an_item_cannot_contribute_to_itself(chain):
    with pytest.raises(ValidationError):
        services.item_link(actor=access.SYSTEM, item=chain["board"], target=chain["board"])


def test_the_chain_is_walked_both_ways(chain):
    assert services.ancestor_ids([chain["activity"].pk]) == {
        chain["operational"].pk,
        chain["board"].pk,
        chain["council"].pk,
    }
    assert services.descendant_ids([chain["council"].pk]) == {
        chain["indicator"].pk,
        chain["board"].pk,
        chain["operational"].pk,
        chain["activity"].pk,
    }


def test_an_end_date_before_the_start_is_refused(org, chain):
    plan = chain["activity"].plan
    with pytest.raises(ValidationError) as excinfo:
        services.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.ACTIVITY,
            title="Baklänges",
            start_date=datetime.date(2025, 6, 1),
            end_date=datetime.date(2025, 5, 1),
        )
    assert "Slutdatum kan inte vara före startdatum." in str(excinfo.value)


def test_a_plan_type_only_holds_its_kinds(org, chain):
    with pytest.raises(ValidationError) as excinfo:
        services.item_create(
            actor=access.SYSTEM,
            plan=chain["activity"].plan,
            kind=ItemKind.CONTROL_POINT,
            title="Fel plan",
        )
    assert "Aktivitetsplan innehåller inte kontrollpunkt" in str(excinfo.value)


def test_a_goal_level_is_reserved_for_its_unit_types(org, chain):
    plan = chain["activity"].plan  # an enhet
    vp_plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=chain["vp"])
    with pytest.raises(ValidationError) as excinfo:
        services.item_create(
            actor=access.SYSTEM,
            plan=vp_plan,
            kind=ItemKind.GOAL,
            title="Enhetens inriktningsmål",
            level=chain["levels"]["Inriktningsmål"],
        )
    assert "får inte ha mål på nivån Inriktningsmål" in str(excinfo.value)
    assert plan.items.count() == 1


def test_sharing_reaches_units_below_and_creates_their_plan(org, chain):
    board = chain["board"]
    shares = services.item_share(
        actor=access.SYSTEM, item=board, units=[org["avd_a"], org["enhet_a1"]]
    )
    assert {s.unit for s in shares} == {org["avd_a"], org["enhet_a1"]}
    plan = Plan.objects.get(unit=org["enhet_a1"], plan_type=chain["vp"])
    assert ItemShare.objects.get(item=board, unit=org["enhet_a1"]).plan == plan


def test_sharing_outside_the_owners_subtree_is_refused(org, chain):
    with pytest.raises(ValidationError) as excinfo:
        services.item_share(actor=access.SYSTEM, item=chain["operational"], units=[org["namnd"]])
    assert "ligger inte under Socialförvaltningen" in str(excinfo.value)
    assert not ItemShare.objects.exists()


def test_sharing_to_all_units_of_a_type_within_a_subtree(org, chain):
    units = services.units_of_type_within(
        item=chain["board"], unit_type=UnitType.objects.get(name="Enhet"), within=org["avd_b"]
    )
    assert set(units) == {org["enhet_b1"], org["enhet_b2"]}


def measure(org, chain):
    """A measure on the nämnd's åtgärdsplan: an activity, which units below
    do not read until it is shared to them."""
    plan_type = chain["vp"].model.plan_types.get(name="Åtgärdsplan")
    plan = services.plan_for(actor=access.SYSTEM, unit=org["namnd"], plan_type=plan_type)
    return services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.ACTIVITY,
        number="ÅP1",
        title="Minska köerna till hemtjänsten",
    )


def test_goals_above_are_readable_from_below_but_not_writable(org, chain):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    assert access.can_read(chef, chain["board"])  # the nämnd's goal: the red thread up
    assert not access.can_write(chef, chain["board"])
    assert not access.can_read(chef, chain["board"].plan)  # but not the nämnd's plan


def test_a_receiving_unit_reads_but_does_not_change_a_shared_item(org, chain):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    item = measure(org, chain)
    assert not access.can_read(chef, item)
    services.item_share(actor=access.SYSTEM, item=item, units=[org["enhet_a1"]])
    item = Item.objects.get(pk=item.pk)
    assert access.can_read(chef, item)
    assert not access.can_write(chef, item)
    with pytest.raises(PermissionDenied):
        services.item_update(actor=chef, item=item, version=item.version, title="Kapad")
    # … but may add their own items under it.
    own_plan = services.plan_for(actor=chef, unit=org["enhet_a1"], plan_type=chain["ap"])
    mine = services.item_create(
        actor=chef,
        plan=own_plan,
        kind=ItemKind.ACTIVITY,
        title="Egen aktivitet",
        contributes_to=[item],
    )
    assert item in mine.contributes_to.all()


def test_unsharing_keeps_the_share_row(org, chain):
    item = measure(org, chain)
    services.item_share(actor=access.SYSTEM, item=item, units=[org["enhet_a1"]])
    services.item_unshare(actor=access.SYSTEM, item=item, unit=org["enhet_a1"])
    share = ItemShare.objects.get(item=item, unit=org["enhet_a1"])
    assert share.ended_at is not None
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    assert not access.can_read(chef, Item.objects.get(pk=item.pk))


def test_item_numbers_are_unique_per_kind_in_a_plan(org, chain):
    plan = chain["council"].plan
    with pytest.raises(ValidationError) as excinfo:
        services.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.GOAL,
            number="KF1",
            title="Dubblett",
            level=chain["levels"]["Inriktningsmål"],
        )
    assert "Nr KF1 används redan" in str(excinfo.value)


def test_a_shared_item_is_archived_not_deleted(org, chain):
    services.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["enhet_a1"]])
    with pytest.raises(ValidationError) as excinfo:
        services.item_delete(actor=access.SYSTEM, item=chain["board"])
    assert "Arkivera den i stället" in str(excinfo.value)
    services.item_archive(actor=access.SYSTEM, item=chain["board"])
    assert Item.objects.get(pk=chain["board"].pk).archived_at is not None


def test_an_item_others_contribute_to_is_not_deleted(chain):
    with pytest.raises(ValidationError):
        services.item_delete(actor=access.SYSTEM, item=chain["council"])


def test_a_concurrent_change_is_refused(chain):
    item = chain["activity"]
    services.item_update(
        actor=access.SYSTEM, item=Item.objects.get(pk=item.pk), version=item.version, title="Först"
    )
    with pytest.raises(EditConflict) as excinfo:
        services.item_update(
            actor=access.SYSTEM,
            item=Item.objects.get(pk=item.pk),
            version=item.version,
            title="Sen",
        )
    assert excinfo.value.current.title == "Först"


def test_a_manager_cannot_plan_for_a_sibling_unit(org, chain):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    with pytest.raises(PermissionDenied):
        services.plan_for(actor=chef, unit=org["enhet_a2"], plan_type=chain["ap"])


def test_every_change_is_in_the_audit_trail(org, chain):
    owner = UserFactory(first_name="Maja")
    grant(owner, org["forv"], Role.MODEL_OWNER)
    item = Item.objects.get(pk=chain["operational"].pk)
    services.item_update(actor=owner, item=item, version=item.version, title="Nytt namn")
    latest = item.history.first()
    assert latest.history_user == owner
    assert latest.title == "Nytt namn"
    assert item.history.count() == 2


def test_a_target_per_year_over_100_percent_is_refused_naming_the_line(chain):
    indicator = Item.objects.get(pk=chain["indicator"].pk)  # measured in %
    with pytest.raises(ValidationError) as caught:
        services.item_update(
            actor=access.SYSTEM,
            item=indicator,
            version=indicator.version,
            targets={2025: Decimal(90), 2026: Decimal(120)},
        )
    assert caught.value.message_dict == {
        "targets": ["”2026: 120”: Nyckeltalet anges i procent: värdet kan inte vara över 100."]
    }
    assert not indicator.targets.exists()


def test_a_target_over_100_percent_is_shown_at_the_targets_field(client, org, chain):
    from django.urls import reverse

    chef = UserFactory()
    grant(chef, org["kommun"], Role.MANAGER)
    client.force_login(chef)
    indicator = chain["indicator"]
    url = reverse("planning:item_edit", args=[indicator.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title=indicator.title, version=indicator.version, targets="2025: 85\n2026: 120,5")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["targets"] == [
        "”2026: 120,5”: Nyckeltalet anges i procent: värdet kan inte vara över 100."
    ]
    assert not indicator.targets.exists()
