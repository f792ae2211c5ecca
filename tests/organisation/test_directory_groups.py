"""Role grants from the directory: group rules applied at every login, the
grants they give kept apart from those made by hand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrhjul.organisation import access, queries, services
from styrhjul.organisation.models import Role, RoleGrant
from tests.factories import (
    DirectoryGroupRuleFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    kommun = OrganisationFactory(name="Sjöbacka kommun")
    skola = UnitFactory(name="Skolförvaltningen", parent=kommun)
    return kommun, skola


def grants_of(user):
    return {
        (g.unit.name, g.role, g.includes_subtree, g.rule_id is not None)
        for g in RoleGrant.objects.filter(user=user).select_related("unit")
    }


def test_members_of_a_group_get_the_rules_role_at_login(org):
    kommun, skola = org
    rule = DirectoryGroupRuleFactory(group="SG-Styrhjul-Skola", unit=skola, role=Role.MANAGER)
    karin = UserFactory()
    changes = services.apply_directory_groups(user=karin, groups=["sg-styrhjul-skola", "Alla"])
    assert [g.unit for g in changes.added] == [skola]
    assert grants_of(karin) == {("Skolförvaltningen", Role.MANAGER, True, True)}
    assert RoleGrant.objects.get(user=karin).rule == rule
    assert access.can_write(karin, skola)
    history = RoleGrant.history.get(user_id=karin.pk)
    assert "SG-Styrhjul-Skola" in history.history_change_reason


def test_a_grant_is_removed_at_the_next_login_without_the_group(org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="skola", unit=skola, role=Role.READER)
    karin = UserFactory()
    services.apply_directory_groups(user=karin, groups=["skola"])
    assert access.can_read(karin, skola)
    changes = services.apply_directory_groups(user=karin, groups=["ekonomi"])
    assert len(changes.removed) == 1
    assert not RoleGrant.objects.filter(user=karin).exists()
    assert not access.can_read(karin, skola)


def test_hand_made_grants_are_never_touched(org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="skola", unit=skola, role=Role.READER, includes_subtree=True)
    karin = UserFactory()
    grant(karin, kommun, Role.MODEL_OWNER)
    grant(karin, skola, Role.READER, subtree=False)  # the same role by hand
    services.apply_directory_groups(user=karin, groups=["skola"])
    services.apply_directory_groups(user=karin, groups=[])
    assert grants_of(karin) == {
        ("Sjöbacka kommun", Role.MODEL_OWNER, True, False),
        ("Skolförvaltningen", Role.READER, False, False),
    }


def test_a_grant_given_by_hand_over_a_mapped_one_becomes_hand_made(org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="skola", unit=skola, role=Role.READER)
    admin = UserFactory(is_superuser=True)
    karin = UserFactory()
    services.apply_directory_groups(user=karin, groups=["skola"])
    services.grant_role(actor=admin, user=karin, unit=skola, role=Role.READER)
    services.apply_directory_groups(user=karin, groups=[])
    assert grants_of(karin) == {("Skolförvaltningen", Role.READER, True, False)}


def test_two_rules_for_the_same_role_give_one_grant_with_the_widest_scope(org):
    kommun, skola = org
    first = DirectoryGroupRuleFactory(
        group="a", unit=skola, role=Role.READER, includes_subtree=False
    )
    DirectoryGroupRuleFactory(group="b", unit=skola, role=Role.READER, includes_subtree=True)
    karin = UserFactory()
    services.apply_directory_groups(user=karin, groups=["a", "b"])
    assert grants_of(karin) == {("Skolförvaltningen", Role.READER, True, True)}
    assert RoleGrant.objects.get(user=karin).rule == first
    changes = services.apply_directory_groups(user=karin, groups=["a"])
    assert len(changes.changed) == 1
    assert grants_of(karin) == {("Skolförvaltningen", Role.READER, False, True)}


def test_a_login_with_the_same_groups_changes_nothing(org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="skola", unit=skola)
    karin = UserFactory()
    services.apply_directory_groups(user=karin, groups="skola")
    count = RoleGrant.history.count()
    assert not services.apply_directory_groups(user=karin, groups=["skola"])
    assert RoleGrant.history.count() == count


def test_the_dry_run_shows_what_groups_would_give_without_changing_anything(org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="skola", unit=skola, role=Role.MANAGER)
    DirectoryGroupRuleFactory(group="kf", unit=kommun, role=Role.READER, includes_subtree=False)
    mapped = queries.directory_grants(
        " SKOLA \n",
    )
    assert [(m.unit, m.role, m.includes_subtree) for m in mapped] == [(skola, Role.MANAGER, True)]
    assert len(queries.directory_grants(["skola", "kf", "okänd"])) == 2
    assert queries.directory_grants([]) == []
    assert not RoleGrant.objects.exists()


def test_only_an_administrator_makes_and_removes_rules_and_duplicates_are_refused(org):
    kommun, skola = org
    admin = UserFactory(is_superuser=True)
    owner = UserFactory()
    grant(owner, kommun, Role.MODEL_OWNER)
    with pytest.raises(PermissionDenied):
        services.directory_rule_create(actor=owner, group="x", unit=skola, role=Role.READER)
    rule = services.directory_rule_create(actor=admin, group=" x ", unit=skola, role=Role.READER)
    assert rule.group == "x"
    with pytest.raises(ValidationError) as error:
        services.directory_rule_create(actor=admin, group="x", unit=skola, role=Role.READER)
    assert "Det finns redan en regel" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.directory_rule_delete(actor=owner, rule=rule)


def test_removing_a_rule_removes_the_grants_it_gave_at_once(org):
    kommun, skola = org
    admin = UserFactory(is_superuser=True)
    rule = DirectoryGroupRuleFactory(group="skola", unit=skola)
    karin, per = UserFactory(), UserFactory()
    services.apply_directory_groups(user=karin, groups=["skola"])
    services.apply_directory_groups(user=per, groups=["skola"])
    grant(per, kommun, Role.READER)
    assert services.directory_rule_delete(actor=admin, rule=rule) == 2
    assert grants_of(karin) == set()
    assert grants_of(per) == {("Sjöbacka kommun", Role.READER, True, False)}
    assert RoleGrant.history.filter(history_type="-", history_user=admin).count() == 2
