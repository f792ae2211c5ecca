"""The page's own SQL replayed alone (`styrhjul bench`'s limit): the replay
runs exactly the statements the page ran, with their parameters, in order,
and changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.demo import sqlreplay
from styrhjul.organisation.models import Role, Unit
from tests.factories import OrganisationFactory, UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


class RecordingCursor:
    """The backend's cursor, with what was run on it written down."""

    def __init__(self, log: list):
        self.cursor = connection.create_cursor()
        self.log = log

    def execute(self, sql, params=None):
        self.log.append((sql, params))
        return self.cursor.execute(sql, params) if params is not None else self.cursor.execute(sql)

    def executemany(self, sql, params):
        self.log.append((sql, params))
        return self.cursor.executemany(sql, params)

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def test_a_page_is_replayed_statement_by_statement_with_its_parameters(client):
    root = OrganisationFactory()
    for index in range(3):
        UnitFactory(name=f"Enhet {index}", parent=root)
    user = UserFactory()
    grant(user, root, Role.READER)
    client.force_login(user)
    url = reverse("organisation:tree")
    client.get(url)
    with CaptureQueriesContext(connection) as queries, sqlreplay.capture() as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) == len(queries) > 0
    assert any(s.params for s in captured.statements)  # parameters, not only text

    log: list = []
    replayed = sqlreplay.replay(captured, lambda: RecordingCursor(log))
    assert replayed.statements == len(queries)
    assert log == [(s.sql, s.params) for s in captured.statements]
    assert replayed.rows >= Unit.objects.count()  # the tree read every unit again
    assert replayed.milliseconds > 0


def test_a_statement_that_writes_is_rolled_back():
    unit = UnitFactory(name="Före")
    with sqlreplay.capture() as captured:
        Unit.objects.filter(pk=unit.pk).update(name="Efter")
        names = list(Unit.objects.filter(pk=unit.pk).values_list("name", flat=True))
    assert names == ["Efter"]
    Unit.objects.filter(pk=unit.pk).update(name="Före")

    replayed = sqlreplay.replay(captured)
    assert replayed.statements == 2 and replayed.rows == 1
    unit.refresh_from_db()
    assert unit.name == "Före"


def test_an_empty_capture_replays_nothing():
    replayed = sqlreplay.replay(sqlreplay.Captured())
    assert (replayed.statements, replayed.rows) == (0, 0)
