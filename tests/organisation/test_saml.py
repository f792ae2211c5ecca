"""Logging in through SAML 2.0 against a test identity provider in the test
process (tests/saml_idp.py): the real redirect, a signed answer posted to the
ACS, the user logged in and given the roles of their directory groups."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from saml2.metadata import entity_descriptor

from styrhjul.organisation import saml
from styrhjul.organisation.models import Role, RoleGrant
from tests import saml_idp
from tests.factories import (
    DirectoryGroupRuleFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

SAML_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "styrhjul.organisation.saml.StyrhjulSaml2Backend",
]
with_saml = override_settings(
    ROOT_URLCONF="tests.saml_urls", AUTHENTICATION_BACKENDS=SAML_BACKENDS, **saml_idp.SP_SETTINGS
)


@pytest.fixture
def idp():
    with override_settings(**saml_idp.SP_SETTINGS):
        sp_metadata = str(entity_descriptor(saml.config_loader()))
        yield saml_idp.TestIdentityProvider(sp_metadata)


def saml_login(client, idp, *, email, groups=(), next_url=None, **attributes):
    """The browser's round trip: Styrhjul → IdP → Styrhjul's ACS."""
    url = reverse("saml2_login") + (f"?next={next_url}" if next_url else "")
    redirect = client.get(url)
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(saml_idp.IDP_SSO_URL)
    request, relay_state = idp.authn_request(redirect["Location"])
    answer = idp.response(request, email=email, groups=groups, **attributes)
    return client.post(reverse("saml2_acs"), {"SAMLResponse": answer, "RelayState": relay_state})


@pytest.fixture
def org():
    kommun = OrganisationFactory(name="Sjöbacka kommun")
    return kommun, UnitFactory(name="Skolförvaltningen", parent=kommun)


@with_saml
def test_the_metadata_describes_styrhjul_as_a_service_provider(client):
    response = client.get(reverse("saml2_metadata"))
    body = response.content.decode()
    assert response.status_code == 200
    assert saml_idp.SP_ENTITY_ID in body
    assert saml_idp.SP_ACS_URL in body
    assert "X509Certificate" in body  # the service's certificate, for signing and encryption


@with_saml
def test_the_login_page_offers_the_saml_login_only_when_configured(client):
    body = client.get(reverse("login") + "?next=/planering/").content.decode()
    assert "Logga in med Sjöbacka kommuns inloggning" in body
    assert reverse("saml2_login") + "?next=/planering/" in body


def test_without_saml_settings_there_is_no_saml_login(client):
    assert not settings.SAML_ENABLED
    assert "saml2" not in client.get(reverse("login")).content.decode()
    assert client.get("/saml2/login/").status_code == 404


@with_saml
def test_a_user_logs_in_and_gets_the_roles_of_their_groups(client, idp, org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="SG-Skola-Chefer", unit=skola, role=Role.MANAGER)
    karin = UserFactory(email="karin.ek@sjobacka.se", first_name="K", last_name="E")
    response = saml_login(
        client,
        idp,
        email="Karin.Ek@Sjobacka.se",
        groups=["SG-Skola-Chefer", "SG-Alla"],
        givenName=["Karin"],
        sn=["Ek"],
        next_url="/organisation/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisation/"
    assert client.session["_auth_user_id"] == str(karin.pk)
    karin.refresh_from_db()
    assert (karin.first_name, karin.last_name) == ("Karin", "Ek")
    mapped = RoleGrant.objects.get(user=karin)
    assert (mapped.unit, mapped.role, mapped.rule is not None) == (skola, Role.MANAGER, True)
    page = client.get(reverse("organisation:unit", args=[skola.pk]))
    assert page.status_code == 200


@with_saml
def test_the_next_login_without_the_group_removes_the_mapped_grant_only(client, idp, org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.READER)
    karin = UserFactory(email="karin.ek@sjobacka.se")
    grant(karin, kommun, Role.READER, subtree=False)  # by hand
    saml_login(client, idp, email="karin.ek@sjobacka.se", groups=["SG-Skola"])
    assert RoleGrant.objects.filter(user=karin).count() == 2
    client.logout()
    saml_login(client, idp, email="karin.ek@sjobacka.se", groups=[])
    assert client.session["_auth_user_id"] == str(karin.pk)
    assert list(RoleGrant.objects.filter(user=karin).values_list("unit__name", "rule")) == [
        ("Sjöbacka kommun", None)
    ]


@with_saml
def test_an_unknown_person_is_refused_with_an_explanation(client, idp):
    response = saml_login(client, idp, email="okand@sjobacka.se")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?sso=nekad&via=saml"
    assert "_auth_user_id" not in client.session
    body = client.get(response["Location"]).content.decode()
    assert "Inloggningen med Sjöbacka kommuns inloggning godtogs inte." in body


@with_saml
def test_an_inactive_user_is_refused(client, idp):
    UserFactory(email="slutat@sjobacka.se", is_active=False)
    saml_login(client, idp, email="slutat@sjobacka.se")
    assert "_auth_user_id" not in client.session


@with_saml
def test_a_first_login_creates_the_user_only_when_allowed(client, idp, org, settings):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.READER)
    settings.SAML_CREATE_UNKNOWN_USER = True
    saml_login(client, idp, email="Ny.Person@Sjobacka.se", groups=["SG-Skola"])
    user = RoleGrant.objects.get().user
    assert (user.username, user.email) == ("ny.person@sjobacka.se", "Ny.Person@sjobacka.se")
    assert not user.has_usable_password()


@with_saml
def test_an_answer_not_signed_by_the_identity_provider_is_refused(client, idp):
    UserFactory(email="karin.ek@sjobacka.se")
    redirect = client.get(reverse("saml2_login"))
    request, relay_state = idp.authn_request(redirect["Location"])
    answer = idp.response(request, email="karin.ek@sjobacka.se")
    import base64

    forged = base64.b64decode(answer).decode().replace("karin.ek@", "admin@")
    UserFactory(email="admin@sjobacka.se", is_superuser=True)
    response = client.post(
        reverse("saml2_acs"),
        {"SAMLResponse": base64.b64encode(forged.encode()).decode(), "RelayState": relay_state},
    )
    assert response["Location"] == reverse("login") + "?sso=nekad&via=saml"
    assert "_auth_user_id" not in client.session


@with_saml
def test_unreadable_metadata_sends_the_user_back_with_a_swedish_message(client, tmp_path):
    broken = tmp_path / "idp.xml"
    broken.write_text("<inte metadata", encoding="utf-8")
    with override_settings(SAML_IDP_METADATA=str(broken)):
        response = client.get(reverse("saml2_login"), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "inställningarna för SAML är felaktiga" in body


def _settings_error(**env):
    result = subprocess.run(
        [sys.executable, "-c", "import styrhjul.settings"],
        env={**os.environ, "STYRHJUL_ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]


def test_incomplete_saml_settings_stop_the_start_with_a_swedish_message(tmp_path):
    metadata = str(saml_idp.IDP_METADATA)
    assert "dessa variabler saknas: SAML_ENTITY_ID, SAML_ACS_URL" in _settings_error(
        SAML_IDP_METADATA=metadata
    )
    complete = {
        "SAML_IDP_METADATA": metadata,
        "SAML_ENTITY_ID": saml_idp.SP_ENTITY_ID,
        "SAML_ACS_URL": saml_idp.SP_ACS_URL,
    }
    missing_file = str(tmp_path / "finns-inte.xml")
    assert f"filen {missing_file} finns inte" in _settings_error(
        **{**complete, "SAML_IDP_METADATA": missing_file}
    )
    assert "anges tillsammans" in _settings_error(**complete, SAML_KEY_FILE=metadata)
    assert "https://" in _settings_error(**{**complete, "SAML_IDP_METADATA": "http://idp/x"})
    assert "Debian-paketet xmlsec1" in _settings_error(**complete, SAML_XMLSEC1="/saknas/xmlsec1")


@with_saml
def test_refused_saml_logins_do_not_lock_out_the_address(client, idp):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        saml_login(client, idp, email="okand@sjobacka.se")
    assert not AccessAttempt.objects.exists()
    karin = UserFactory(email="karin.ek@sjobacka.se")
    saml_login(client, idp, email="karin.ek@sjobacka.se")
    assert client.session["_auth_user_id"] == str(karin.pk)


@with_saml
def test_metadata_from_an_address_is_fetched_once_and_an_unreachable_one_explained(client):
    import io
    import urllib.error
    from unittest import mock

    url = "https://idp.sjobacka.test/metadata.xml"
    saml._metadata_cache.clear()
    fetched = []

    def answer(address, timeout):
        fetched.append(address)
        return io.BytesIO(saml_idp.IDP_METADATA.read_bytes())

    with override_settings(SAML_IDP_METADATA=url), mock.patch("urllib.request.urlopen", answer):
        for _ in range(2):
            response = client.get(reverse("saml2_login"))
            assert response["Location"].startswith(saml_idp.IDP_SSO_URL)
    assert fetched == [url]
    saml._metadata_cache.clear()
    refused = mock.Mock(side_effect=urllib.error.URLError("Connection refused"))
    with override_settings(SAML_IDP_METADATA=url), mock.patch("urllib.request.urlopen", refused):
        response = client.get(reverse("saml2_login"), follow=True)
    assert "inställningarna för SAML är felaktiga" in response.content.decode()


@with_saml
def test_an_unsigned_answer_is_refused(client, idp):
    UserFactory(email="karin.ek@sjobacka.se")
    redirect = client.get(reverse("saml2_login"))
    request, relay_state = idp.authn_request(redirect["Location"])
    answer = idp.response(request, email="karin.ek@sjobacka.se", signed=False)
    response = client.post(reverse("saml2_acs"), {"SAMLResponse": answer})
    assert response["Location"] == reverse("login") + "?sso=nekad&via=saml"
    assert "_auth_user_id" not in client.session


@with_saml
def test_an_answer_to_no_request_of_styrhjul_is_refused(client, idp):
    UserFactory(email="karin.ek@sjobacka.se")
    redirect = client.get(reverse("saml2_login"))
    request, relay_state = idp.authn_request(redirect["Location"])
    answer = idp.response(request, email="karin.ek@sjobacka.se")
    client.cookies.clear()  # another browser: Styrhjul sent it no request
    response = client.post(reverse("saml2_acs"), {"SAMLResponse": answer})
    assert response["Location"] == reverse("login") + "?sso=nekad&via=saml"
    assert "_auth_user_id" not in client.session
