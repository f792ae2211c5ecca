"""Logging in through OpenID Connect (Entra ID, Keycloak, …). The backend's
methods are called with claims as the provider would send them; nothing here
talks to a network."""

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import override_settings
from django.urls import reverse

from styrhjul.organisation.models import User
from styrhjul.organisation.oidc import StyrhjulOIDCBackend, email_from_claims
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
AXES_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT

OIDC_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "styrhjul.organisation.oidc.StyrhjulOIDCBackend",
]
with_oidc = override_settings(
    OIDC_ENABLED=True,
    OIDC_PROVIDER_NAME="Sjöbacka kommuns inloggning",
    ROOT_URLCONF="tests.oidc_urls",
    AUTHENTICATION_BACKENDS=OIDC_BACKENDS,
    OIDC_RP_CLIENT_ID="styrhjul",
    OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example.se/authorize",
)


@pytest.fixture
def backend():
    return StyrhjulOIDCBackend()


def entra_claims(**extra):
    """Claims as Entra ID sends them without the optional `email` claim."""
    return {
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "name": "Karin Ek",
        "preferred_username": "Karin.Ek@Sjobacka.se",
        **extra,
    }


# --- Which address a login carries ------------------------------------------------


@pytest.mark.parametrize(
    "claims, expected",
    [
        ({"email": "karin.ek@sjobacka.se"}, "karin.ek@sjobacka.se"),
        ({"email": "karin@a.se", "preferred_username": "k@b.se"}, "karin@a.se"),
        ({"preferred_username": "Karin.Ek@Sjobacka.se"}, "Karin.Ek@Sjobacka.se"),
        ({"preferred_username": "karin", "upn": "karin.ek@sjobacka.se"}, "karin.ek@sjobacka.se"),
        ({"email": "", "upn": " karin.ek@sjobacka.se "}, "karin.ek@sjobacka.se"),
        ({"preferred_username": "karin"}, ""),
        ({"email": "inte en adress@x.se"}, ""),
        ({"email": None}, ""),
        ({}, ""),
    ],
)
def test_the_address_comes_from_email_or_else_preferred_username_or_upn(claims, expected):
    assert email_from_claims(claims) == expected


def test_claims_without_an_address_are_refused(backend):
    assert backend.verify_claims({"email": "karin.ek@sjobacka.se"})
    assert backend.verify_claims(entra_claims())
    assert not backend.verify_claims({"sub": "abc", "preferred_username": "karin"})
    assert not backend.verify_claims({"sub": "abc"})


def test_an_address_the_provider_has_not_verified_is_refused(backend):
    assert not backend.verify_claims({"email": "karin.ek@sjobacka.se", "email_verified": False})
    assert backend.verify_claims({"email": "karin.ek@sjobacka.se", "email_verified": True})


def test_the_id_token_fills_in_what_the_user_info_lacks(backend):
    # Entra ID's user info endpoint sends no preferred_username; its ID token does.
    userinfo = {"sub": "abc", "name": "Karin Ek", "given_name": "Karin"}
    payload = {"sub": "abc", "preferred_username": "karin.ek@sjobacka.se", "given_name": "K"}
    parent = "mozilla_django_oidc.auth.OIDCAuthenticationBackend.get_userinfo"
    with mock.patch(parent, return_value=userinfo):
        claims = backend.get_userinfo("access-token", "id-token", payload)
    assert claims == {
        "sub": "abc",
        "name": "Karin Ek",
        "given_name": "Karin",  # the user info wins
        "preferred_username": "karin.ek@sjobacka.se",
    }


def test_user_info_about_another_user_is_refused(backend):
    parent = "mozilla_django_oidc.auth.OIDCAuthenticationBackend.get_userinfo"
    with mock.patch(parent, return_value={"sub": "other", "email": "elak@example.com"}):
        with pytest.raises(SuspiciousOperation):
            backend.get_userinfo("access-token", "id-token", {"sub": "abc"})


# --- Finding the user ------------------------------------------------------------------


def test_users_are_matched_by_e_mail_whatever_the_case(backend):
    karin = UserFactory(username="karin", email="karin.ek@sjobacka.se")
    UserFactory(username="other", email="annan@sjobacka.se")
    assert list(backend.filter_users_by_claims({"email": "KARIN.EK@sjobacka.SE"})) == [karin]
    assert list(backend.filter_users_by_claims(entra_claims())) == [karin]
    assert list(backend.filter_users_by_claims({"upn": "Karin.Ek@sjobacka.se"})) == [karin]


def test_nothing_matches_without_an_address(backend):
    UserFactory(username="karin", email="")
    assert not backend.filter_users_by_claims({"preferred_username": "karin"}).exists()
    assert not backend.filter_users_by_claims({}).exists()


def login_with(backend, claims):
    with mock.patch.object(backend, "get_userinfo", return_value=claims):
        return backend.get_or_create_user("access-token", "id-token", {})


def test_a_known_user_logs_in_and_gets_the_name_from_the_directory(backend):
    karin = UserFactory(
        username="karin", email="karin.ek@sjobacka.se", first_name="K", last_name="E"
    )
    user = login_with(backend, entra_claims(given_name="Karin", family_name="Ek"))
    assert user == karin
    karin.refresh_from_db()
    assert (karin.first_name, karin.last_name) == ("Karin", "Ek")


def test_an_inactive_user_is_refused_and_left_alone(backend, caplog):
    user = UserFactory(email="slutat@sjobacka.se", first_name="Per", is_active=False)
    assert login_with(backend, {"email": "slutat@sjobacka.se", "given_name": "Pelle"}) is None
    user.refresh_from_db()
    assert user.first_name == "Per"
    assert f"inaktiv användare {user.pk} avvisades" in caplog.text


def test_an_unknown_user_is_refused_and_logged(backend, caplog):
    assert login_with(backend, entra_claims()) is None
    assert "ingen användare i Styrhjul har e-postadress Karin.Ek@Sjobacka.se" in caplog.text


def test_claims_without_an_address_refuse_the_login(backend):
    with pytest.raises(SuspiciousOperation):
        login_with(backend, {"sub": "abc", "name": "Karin Ek"})


def test_a_deactivated_user_is_logged_out_on_the_next_request(backend):
    user = UserFactory(email="karin.ek@sjobacka.se")
    assert backend.get_user(user.pk) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


def test_two_users_with_the_same_address_refuse_the_login(backend):
    UserFactory(username="a", email="karin.ek@sjobacka.se")
    UserFactory(username="b", email="Karin.Ek@sjobacka.se")
    with pytest.raises(SuspiciousOperation):
        login_with(backend, {"email": "karin.ek@sjobacka.se"})


# --- Creating users ----------------------------------------------------------------------


@override_settings(OIDC_CREATE_USER=False)
def test_unknown_users_are_not_created_by_default(backend):
    assert login_with(backend, entra_claims()) is None
    assert backend.create_user(entra_claims()) is None
    assert not User.objects.exists()


@override_settings(OIDC_CREATE_USER=True)
def test_unknown_users_are_created_when_allowed(backend):
    user = login_with(backend, entra_claims(given_name="Karin", family_name="Ek"))
    user.refresh_from_db()
    assert user.username == "karin.ek@sjobacka.se"
    assert user.email == "Karin.Ek@sjobacka.se"  # the domain normalised, as Django does
    assert (user.first_name, user.last_name) == ("Karin", "Ek")
    assert not user.has_usable_password()
    assert user.is_active and not user.is_staff and not user.is_superuser
    # The next login finds the same user.
    assert login_with(backend, {"email": "karin.ek@sjobacka.se"}) == user
    assert User.objects.count() == 1


@override_settings(OIDC_CREATE_USER=True)
def test_a_created_user_without_name_claims_gets_empty_names(backend):
    user = backend.create_user({"email": "ny@sjobacka.se"})
    assert (user.username, user.first_name, user.last_name) == ("ny@sjobacka.se", "", "")


@override_settings(OIDC_CREATE_USER=True)
def test_no_user_is_created_when_a_local_account_has_the_address_as_user_name(backend):
    UserFactory(username="karin.ek@sjobacka.se", email="")
    assert backend.create_user(entra_claims()) is None
    assert User.objects.count() == 1


@override_settings(OIDC_CREATE_USER=True)
def test_no_user_is_created_without_an_address(backend):
    assert backend.create_user({"sub": "abc", "preferred_username": "karin"}) is None
    assert not User.objects.exists()


# --- Updating names ------------------------------------------------------------------------


def test_update_user_takes_the_names_from_the_claims(backend):
    user = UserFactory(first_name="Karin", last_name="Ek")
    backend.update_user(user, {"given_name": "Karin", "family_name": "Ek Lindqvist"})
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Karin", "Ek Lindqvist")


def test_update_user_keeps_the_names_when_the_claims_lack_them(backend):
    user = UserFactory(first_name="Karin", last_name="Ek")
    assert backend.update_user(user, {"email": user.email, "given_name": ""}) == user
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Karin", "Ek")


# --- The login page and the whole callback ----------------------------------------------------


@with_oidc
def test_the_login_page_offers_the_organisations_login(client):
    response = client.get(reverse("login") + "?next=/organisation/")
    body = response.content.decode()
    assert "Logga in med Sjöbacka kommuns inloggning" in body
    assert 'href="/oidc/authenticate/?next=/organisation/"' in body
    assert "Eller med ett lokalt konto:" in body


def test_the_login_page_has_no_oidc_link_when_oidc_is_off(client):
    body = client.get(reverse("login")).content.decode()
    assert "Logga in med" not in body
    assert "/oidc/" not in body


@with_oidc
def test_the_oidc_link_starts_a_login_at_the_provider(client):
    response = client.get("/oidc/authenticate/?next=/organisation/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://idp.example.se/authorize?")
    assert "client_id=styrhjul" in response["Location"]


def callback(client, userinfo, id_token_claims=None):
    """The provider sends the browser back with a code; the token exchange,
    the token's signature check and the user info request are replaced by
    their answers."""
    session = client.session
    session["oidc_states"] = {"state-1": {"nonce": "nonce-1", "code_verifier": None}}
    session.save()
    id_token = {"sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "nonce": "nonce-1"}
    id_token.update(id_token_claims or {})
    with (
        mock.patch.object(
            StyrhjulOIDCBackend,
            "get_token",
            return_value={"id_token": "id-token", "access_token": "access-token"},
        ),
        mock.patch.object(StyrhjulOIDCBackend, "verify_token", return_value=id_token),
        mock.patch(
            "mozilla_django_oidc.auth.OIDCAuthenticationBackend.get_userinfo",
            return_value=userinfo,
        ),
    ):
        return client.get("/oidc/callback/?code=code-1&state=state-1")


@with_oidc
def test_a_user_logs_in_through_the_provider(client):
    karin = UserFactory(email="karin.ek@sjobacka.se")
    # As Entra ID answers: the address is in the ID token, not in the user info.
    response = callback(client, {"sub": entra_claims()["sub"], "name": "Karin Ek"}, entra_claims())
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(karin.pk)
    assert client.get(reverse("start")).context["user"] == karin


@with_oidc
def test_an_inactive_user_does_not_get_in_through_the_provider(client):
    UserFactory(email="karin.ek@sjobacka.se", is_active=False)
    callback(client, entra_claims())
    assert "_auth_user_id" not in client.session


@with_oidc
def test_an_unknown_user_does_not_get_in_through_the_provider(client):
    UserFactory(email="annan@sjobacka.se")
    callback(client, entra_claims())
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email__iexact="karin.ek@sjobacka.se").exists()


@with_oidc
def test_refused_provider_logins_do_not_lock_out_the_address(client):
    # Many colleagues behind one address, none of them known to Styrhjul yet:
    # the organisation login must still work for the next one who is.
    for _ in range(AXES_FAILURE_LIMIT + 2):
        callback(client, {"email": "okand@sjobacka.se"})
    assert not AccessAttempt.objects.exists()
    karin = UserFactory(email="karin.ek@sjobacka.se")
    response = callback(client, entra_claims())
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(karin.pk)


@with_oidc
def test_password_guessing_is_still_counted(client):
    UserFactory(username="karin")
    client.post(reverse("login"), {"username": "karin", "password": "gissning"})
    assert AccessAttempt.objects.get().username == "karin"


# --- Roles from the directory's groups ------------------------------------------------


@with_oidc
def test_the_groups_in_the_id_token_give_and_take_the_rules_roles_at_each_login(client):
    from styrhjul.organisation.models import Role, RoleGrant
    from tests.factories import DirectoryGroupRuleFactory, UnitFactory, grant

    skola = UnitFactory(name="Skolförvaltningen")
    DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.MANAGER)
    karin = UserFactory(email="karin.ek@sjobacka.se")
    grant(karin, skola, Role.READER)  # by hand
    # Entra ID puts the groups in the ID token, not in the user info.
    callback(client, {"sub": entra_claims()["sub"]}, entra_claims(groups=["SG-Skola"]))
    assert client.session["_auth_user_id"] == str(karin.pk)
    roles = dict(RoleGrant.objects.filter(user=karin).values_list("role", "rule__group"))
    assert roles == {Role.READER: None, Role.MANAGER: "SG-Skola"}
    client.logout()
    callback(client, {"sub": entra_claims()["sub"]}, entra_claims(groups=[]))
    roles = dict(RoleGrant.objects.filter(user=karin).values_list("role", "rule__group"))
    assert roles == {Role.READER: None}


def test_the_groups_claim_is_named_by_a_setting(backend, settings):
    from styrhjul.organisation.models import Role, RoleGrant
    from tests.factories import DirectoryGroupRuleFactory

    settings.OIDC_GROUPS_CLAIM = "roles"
    rule = DirectoryGroupRuleFactory(group="Styrhjul.Lasare", role=Role.READER)
    karin = UserFactory(email="karin.ek@sjobacka.se")
    login_with(backend, entra_claims(roles=["Styrhjul.Lasare"], groups=["annat"]))
    assert RoleGrant.objects.get(user=karin).rule == rule
