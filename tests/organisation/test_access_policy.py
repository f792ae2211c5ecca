"""The access policy: who may read, write and manage which units."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from styrhjul.organisation import access
from styrhjul.organisation.models import Role, Unit
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def test_a_user_without_grants_sees_nothing(org):
    user = UserFactory()
    assert not any(access.can_read(user, u) for u in org.values())
    assert access.units(user).count() == 0


def test_a_manager_reads_the_subtree_but_writes_only_the_own_unit(org):
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    assert access.can_read(chef, org["avd_a"])
    assert access.can_read(chef, org["enhet_a1"])
    assert access.can_write(chef, org["avd_a"])
    assert not access.can_write(chef, org["enhet_a1"])
    assert not access.can_manage(chef, org["avd_a"])


def test_a_manager_cannot_read_a_sibling_or_a_parent(org):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    assert access.can_read(chef, org["enhet_a1"])
    assert not access.can_read(chef, org["enhet_a2"])
    assert not access.can_read(chef, org["avd_a"])
    assert set(access.units(chef)) == {org["enhet_a1"]}


def test_a_grant_without_subtree_covers_only_the_unit(org):
    reader = UserFactory()
    grant(reader, org["forv"], Role.READER, subtree=False)
    assert access.can_read(reader, org["forv"])
    assert not access.can_read(reader, org["avd_a"])


def test_a_model_owner_manages_the_subtree_of_the_forvaltning(org):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    assert access.can_manage(owner, org["forv"])
    assert access.can_manage(owner, org["enhet_b2"])
    assert access.can_write(owner, org["enhet_b2"])
    assert not access.can_manage(owner, org["namnd"])
    assert not access.can_read(owner, org["kommun"])


def test_a_reader_reads_and_never_writes(org):
    politician = UserFactory()
    grant(politician, org["namnd"], Role.READER)
    assert access.can_read(politician, org["enhet_b1"])
    assert not access.can_write(politician, org["namnd"])
    assert not access.can_write(politician, org["enhet_b1"])
    assert not access.can_manage_any(politician)


def test_a_reporter_writes_for_the_unit_only(org):
    reporter = UserFactory()
    grant(reporter, org["avd_b"], Role.REPORTER)
    assert access.can_write(reporter, org["avd_b"])
    assert not access.can_write(reporter, org["enhet_b1"])
    assert access.can_read(reporter, org["enhet_b1"])


def test_the_system_administrator_and_the_command_line_may_do_everything(org):
    admin = UserFactory()
    grant(admin, org["kommun"], Role.ADMIN)
    for actor in (admin, access.SYSTEM, UserFactory(is_superuser=True)):
        assert access.is_admin(actor)
        assert access.can_manage(actor, org["enhet_a1"])


def test_an_inactive_user_has_no_rights(org):
    user = UserFactory(is_active=False)
    grant(user, org["kommun"], Role.ADMIN)
    assert not access.can_read(user, org["kommun"])


def test_rights_cost_two_queries_whatever_the_size_of_the_tree(org):
    def count_queries(extra_units: int) -> int:
        parent = org["forv"]
        for i in range(extra_units):
            parent = UnitFactory(parent=parent if i % 5 else org["forv"])
        user = UserFactory()
        grant(user, org["forv"], Role.MANAGER)
        grant(user, org["avd_a"], Role.READER)
        with CaptureQueriesContext(connection) as ctx:
            readable = access.units(user)
            list(readable)
            access.can_read(user, org["enhet_a1"])
        return len(ctx.captured_queries)

    assert count_queries(0) == count_queries(60) == 3  # grants, tree, the unit list


def test_get_or_404_hides_what_the_user_may_not_read(org):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    with pytest.raises(Http404):
        access.get_or_404(chef, Unit.objects.all(), pk=org["enhet_a2"].pk)
    with pytest.raises(PermissionDenied):  # readable but not manageable
        access.get_or_404(chef, Unit.objects.all(), access.Action.MANAGE, pk=org["enhet_a1"].pk)
    assert access.get_or_404(chef, Unit.objects.all(), pk=org["enhet_a1"].pk) == org["enhet_a1"]
