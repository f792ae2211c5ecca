"""While the database does not answer, visitors get a Swedish 503 page that
asks them to try again, not a 500; errors of other kinds stay 500s."""

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, OperationalError, connection
from django.test import Client

from styrhjul.web.views import database_unreachable
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSED = OperationalError(
    'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
    "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"
)


@pytest.fixture
def visitor():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def test_a_page_while_the_database_is_unreachable_is_a_swedish_503(visitor):
    with mock.patch.object(connection, "ensure_connection", side_effect=REFUSED):
        response = visitor.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "<h1>Styrhjul är tillfälligt otillgängligt</h1>" in body
    assert "Databasen svarar inte just nu" in body
    # When it answers again, so does the page (a new connection is made).
    assert visitor.get("/").status_code == 200


def test_a_save_while_the_database_is_unreachable_is_a_503_too(visitor):
    with mock.patch.object(connection, "ensure_connection", side_effect=REFUSED):
        response = visitor.post("/", {"x": "1"})
    assert response.status_code == 503


def test_other_failures_are_still_the_500_page(visitor):
    with mock.patch("styrhjul.web.views.startpage.start_page", side_effect=IntegrityError("x")):
        response = visitor.get("/")
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_a_lost_connection_behind_another_error_counts():
    try:
        try:
            raise REFUSED
        except OperationalError as exc:
            raise RuntimeError("rendering failed") from exc
    except RuntimeError as outer:
        assert database_unreachable(outer)
    assert not database_unreachable(ValueError("x"))
    assert not database_unreachable(None)


PASSWORD = "ett långt lösenord 123"


def login_whose_session_update_raises(error):
    """A client, and its answer to a login whose password was checked and new
    session created, but whose saving of the logged-in session at the end of
    the request raised `error`."""
    user = UserFactory(username="rut")
    user.set_password(PASSWORD)
    user.save()
    client = Client(raise_request_exception=False)
    insert = Session.save

    def save(self, *args, force_update=False, **kwargs):
        if force_update:
            raise error
        return insert(self, *args, force_update=force_update, **kwargs)

    with mock.patch.object(Session, "save", save):
        response = client.post("/konto/logga-in/", {"username": "rut", "password": PASSWORD})
    return client, response


def test_a_login_whose_session_cannot_be_saved_as_the_database_goes_is_a_503_not_a_400(db):
    # The database went away before the logged-in session was saved.
    client, response = login_whose_session_update_raises(REFUSED)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Styrhjul är tillfälligt otillgängligt" in response.content.decode()
    # Not logged in: the next page asks for the login again, which then works.
    assert client.get("/").status_code == 302
    response = client.post("/konto/logga-in/", {"username": "rut", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_session_deleted_meanwhile_is_still_the_400_it_was(db):
    # Django's answer when the session row was removed by a concurrent
    # request (a logout): the database answered, so not the 503 page.
    _client, response = login_whose_session_update_raises(
        DatabaseError("Forced update did not affect any rows.")
    )
    assert response.status_code == 400
