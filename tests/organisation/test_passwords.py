"""Byt lösenord and Glömt lösenordet for local accounts."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "Hösten-i-Sjöbacka-2026"


@pytest.fixture(autouse=True)
def fresh_limits():
    from django.core.cache import cache

    cache.clear()


def test_a_user_changes_their_password_and_other_sessions_end(client):
    user = UserFactory(username="karin")
    other = client.__class__()
    other.force_login(user)
    client.force_login(user)
    page = client.get(reverse("start")).content.decode()
    assert reverse("password_change") in page  # in the header

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("start")).status_code == 200  # still logged in here
    assert other.get(reverse("start")).status_code == 302  # logged out elsewhere


def reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/konto/nytt-losenord/\S+)", message.body).group(1)


def test_a_forgotten_password_is_reset_through_a_link_that_works_once(client):
    user = UserFactory(username="karin", email="Karin.Ek@example.se")
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    response = client.post(reverse("password_reset"), {"email": "karin.ek@example.se"})

    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox[0].subject == "Nytt lösenord till Styrhjul"
    assert "Ditt användarnamn är karin." in mail.outbox[0].body
    link = reset_link()
    form = client.get(link, follow=True)
    assert "Välj ett nytt lösenord" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Lösenordet är sparat" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The link does not work a second time.
    again = client.get(link, follow=True).content.decode()
    assert "Länken fungerar inte" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "ingen@example.se"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_directory_accounts_get_no_link_when_the_directory_sign_in_is_on(client, settings):
    user = UserFactory(username="sso", email="sso@example.se")
    user.set_unusable_password()
    user.save()
    settings.OIDC_ENABLED = True
    client.post(reverse("password_reset"), {"email": "sso@example.se"})
    assert mail.outbox == []
    # Without the directory, a new local account sets its first password here.
    settings.OIDC_ENABLED = False
    client.post(reverse("password_reset"), {"email": "sso@example.se"})
    assert len(mail.outbox) == 1


def test_requests_for_new_passwords_are_limited(client, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    UserFactory(username="karin", email="karin@example.se")
    for _ in range(3):
        assert (
            client.post(reverse("password_reset"), {"email": "karin@example.se"}).status_code == 302
        )

    response = client.post(reverse("password_reset"), {"email": "karin@example.se"})

    assert response.status_code == 429
    assert "För många förfrågningar om nytt lösenord" in response.content.decode()
    assert len(mail.outbox) == 3
