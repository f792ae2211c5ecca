"""`ids_in` (styrhjul/core/lookups.py) finds the same rows as `__in`, on
SQLite and PostgreSQL, as a filter of its own and on a relation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.core.lookups import ids_in
from styrhjul.organisation.models import RoleGrant, Unit
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def test_ids_in_finds_the_units_asked_for_and_only_those(org):
    extra = [UnitFactory(parent=org["kommun"]) for _ in range(3)]
    wanted = [org["namnd"].pk, extra[1].pk, 10**9]  # an id that does not exist
    assert sorted(Unit.objects.filter(ids_in("pk", wanted)).values_list("pk", flat=True)) == (
        sorted(Unit.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    )
    assert set(Unit.objects.filter(ids_in("pk", wanted))) == {org["namnd"], extra[1]}


def test_ids_in_over_a_relation_and_with_nothing_asked_for(org):
    user = UserFactory()
    grant(user, org["forv"])
    grant(user, org["enhet_b1"])
    found = RoleGrant.objects.filter(ids_in("unit_id", [org["forv"].pk, org["namnd"].pk]))
    assert [g.unit for g in found] == [org["forv"]]
    with CaptureQueriesContext(connection) as ctx:
        assert list(Unit.objects.filter(ids_in("pk", []))) == []
    assert len(ctx.captured_queries) == 0  # as `__in=[]`: no query at all


def test_many_ids_go_to_postgresql_as_one_parameter(org):
    ids = list(Unit.objects.values_list("pk", flat=True)) + list(range(10**8, 10**8 + 5000))
    sql, params = Unit.objects.filter(ids_in("pk", ids)).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
        assert len(params) == 1
    assert Unit.objects.filter(ids_in("pk", ids)).count() == Unit.objects.count()
