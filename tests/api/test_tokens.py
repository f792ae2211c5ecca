"""API-nycklar: made by the user on their account page, shown once, stored
hashed, with a scope and a last day, revocable, with history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.api.models import ApiToken, digest
from styrhjul.api.services import token_revoke
from tests.factories import UserFactory

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/enheter"


def test_a_user_makes_a_token_sees_it_once_and_only_its_hash_is_stored(client, chef_b1):
    client.force_login(chef_b1)
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("api_tokens"),
        {"name": "Power BI", "scope": "read", "expires_on": last_day.isoformat()},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("styr_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=chef_b1)
    assert (token.name, token.scope, token.expires_on) == ("Power BI", "read", last_day)
    assert token.digest == digest(secret) and secret not in (token.digest, token.prefix)
    assert token.history.count() == 1 and token.history.first().history_user == chef_b1
    # Shown once: the page opened again lists the token but not the secret.
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Power BI" in page and token.prefix in page and secret not in page
    # … and it works.
    client.logout()
    assert client.get(UNITS, **bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "scope": "read", "expires_on": "2099-01-01"}, "name"),
        ({"name": "X", "scope": "admin", "expires_on": "2099-01-01"}, "scope"),
        ({"name": "X", "scope": "read", "expires_on": "2000-01-01"}, "expires_on"),
        ({"name": "X", "scope": "read", "expires_on": "2099-01-01"}, "expires_on"),
    ],
)
def test_a_bad_token_form_says_what_is_wrong_and_makes_nothing(client, chef_b1, data, field):
    client.force_login(chef_b1)
    response = client.post(reverse("api_tokens"), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_and_the_revocation_is_in_the_history(client, chef_b1):
    token, secret = make_token(chef_b1)
    client.force_login(chef_b1)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.count() == 2
    client.logout()
    response = client.get(UNITS, **bearer(secret))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Nyckeln är återkallad."


def test_only_the_owner_revokes_a_token(client, chef_b1):
    token, secret = make_token(chef_b1)
    client.force_login(UserFactory())
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service
        token_revoke(actor=UserFactory(), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_refused(client, chef_b1):
    token, secret = make_token(chef_b1)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client.get(UNITS, **bearer(secret))
    assert response.status_code == 401
    assert response.json() == {
        "type": "about:blank",
        "title": "Inte inloggad",
        "status": 401,
        "detail": "Nyckeln har gått ut.",
    }


def test_an_unknown_or_malformed_token_is_refused_and_never_falls_back_to_the_session(
    client, chef_b1
):
    client.force_login(chef_b1)
    assert client.get(UNITS, **bearer("styr_gissning")).status_code == 401
    assert client.get(UNITS, HTTP_AUTHORIZATION="Basic abc").status_code == 401
    assert client.get(UNITS).status_code == 200  # the session alone


def test_a_token_of_a_deactivated_user_is_refused(client, chef_b1):
    _, secret = make_token(chef_b1)
    chef_b1.is_active = False
    chef_b1.save()
    assert client.get(UNITS, **bearer(secret)).status_code == 401


def test_use_is_recorded_without_a_history_row(client, chef_b1):
    token, secret = make_token(chef_b1)
    client.get(UNITS, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.history.count() == 1


def test_the_token_page_is_linked_from_every_page_for_a_logged_in_user(client, chef_b1):
    client.force_login(chef_b1)
    assert reverse("api_tokens") in client.get(reverse("password_change")).content.decode()
