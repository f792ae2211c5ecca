"""Logging in with a local account, and throttling of password guessing."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.5"
    )


def test_a_user_logs_in_with_user_name_or_e_mail(client):
    user = UserFactory(username="karin", email="Karin.Ek@example.se")
    assert login(client, "karin", TEST_PASSWORD)["Location"] == reverse("start")
    client.logout()
    assert login(client, "karin.ek@example.se", TEST_PASSWORD).status_code == 302
    assert client.get(reverse("start")).context["user"] == user


def test_a_wrong_password_is_explained_in_swedish_and_the_user_name_kept(client):
    UserFactory(username="karin")
    response = login(client, "karin", "fel-losenord")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in body
    assert 'value="karin"' in body


def test_password_guessing_is_stopped_after_five_attempts(client):
    UserFactory(username="karin")
    for _ in range(5):
        login(client, "karin", "gissning")
    response = login(client, "karin", TEST_PASSWORD)  # even the right password now
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(client):
    UserFactory(username="slutat", is_active=False)
    response = login(client, "slutat", TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_refused_single_sign_on_login_is_explained_on_the_login_page(client):
    body = client.get(reverse("login") + "?sso=nekad").content.decode()
    assert "godtogs inte" in body
    assert "godtogs inte" not in client.get(reverse("login")).content.decode()


def test_password_spraying_from_one_address_is_stopped(client, settings):
    # Four guesses on each of many accounts stays under the per-account
    # limit; the address's own limit stops it.
    settings.AXES_IP_FAILURE_LIMIT = 30
    users = [UserFactory(username=f"anstalld{i}") for i in range(9)]
    for user in users[:8]:
        for _ in range(4):
            login(client, user.username, "Sommar2026!")

    # 32 wrong passwords from 10.0.0.5: even the right password of an
    # account nobody guessed is refused from there …
    response = login(client, users[8].username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # … and another address is not affected.
    response = client.post(
        reverse("login"),
        {"username": users[8].username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.6",
    )
    assert response.status_code == 302


def test_a_few_mistakes_by_colleagues_behind_one_address_lock_no_one(client):
    users = [UserFactory(username=f"kollega{i}") for i in range(6)]
    for user in users:
        login(client, user.username, "skrev fel")
        assert login(client, user.username, TEST_PASSWORD).status_code == 302
        client.logout()


def test_a_login_writes_no_row_in_the_users_history(client):
    user = UserFactory(username="karin")
    rows = user.history.count()

    for _ in range(3):
        assert login(client, "karin", TEST_PASSWORD).status_code == 302
        client.logout()

    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == rows
