"""A SAML 2.0 identity provider for the tests, in the test process: pysaml2's
own IdP server (saml2.server.Server) with the keys and certificates under
tests/fixtures/saml/ (made once with openssl, valid for a hundred years).
Nothing goes over a network: a test reads Styrhjul's authentication request
from the redirect to the IdP, has the IdP answer it with a signed assertion
for a person and their groups, and posts that to Styrhjul's ACS as the
person's browser would.

`python -m tests.saml_idp` writes the IdP's metadata
(tests/fixtures/saml/idp_metadata.xml), which Styrhjul reads as an
installation reads its identity provider's metadata (SAML_IDP_METADATA)."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_UNSPECIFIED
from saml2.server import Server

FIXTURES = Path(__file__).parent / "fixtures" / "saml"
IDP_METADATA = FIXTURES / "idp_metadata.xml"
IDP_ENTITY_ID = "https://idp.sjobacka.test/saml/idp"
IDP_SSO_URL = "https://idp.sjobacka.test/saml/sso"
SP_ENTITY_ID = "https://styrhjul.sjobacka.test/saml2/metadata/"
SP_ACS_URL = "http://testserver/saml2/acs/"
XMLSEC1 = "/usr/bin/xmlsec1"

# The settings of an installation that uses the test IdP (override_settings).
SP_SETTINGS = {
    "SAML_ENABLED": True,
    "SAML_IDP_METADATA": str(IDP_METADATA),
    "SAML_ENTITY_ID": SP_ENTITY_ID,
    "SAML_ACS_URL": SP_ACS_URL,
    "SAML_KEY_FILE": str(FIXTURES / "sp.key"),
    "SAML_CERT_FILE": str(FIXTURES / "sp.crt"),
    "SAML_XMLSEC1": XMLSEC1,
    "SAML_PROVIDER_NAME": "Sjöbacka kommuns inloggning",
}


def _idp_config(sp_metadata: str | None) -> IdPConfig:
    config = IdPConfig()
    config.load(
        {
            "entityid": IDP_ENTITY_ID,
            "xmlsec_binary": XMLSEC1,
            "key_file": str(FIXTURES / "idp.key"),
            "cert_file": str(FIXTURES / "idp.crt"),
            "service": {
                "idp": {
                    "name": "Sjöbacka kommuns test-IdP",
                    "endpoints": {
                        "single_sign_on_service": [
                            (IDP_SSO_URL, BINDING_HTTP_REDIRECT),
                            (IDP_SSO_URL, BINDING_HTTP_POST),
                        ],
                    },
                    "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                    "want_authn_requests_signed": False,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_BASIC,
                        }
                    },
                }
            },
            "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
        }
    )
    return config


def write_idp_metadata() -> None:
    descriptor = entity_descriptor(_idp_config(None))
    IDP_METADATA.write_text(str(descriptor), encoding="utf-8")


class TestIdentityProvider:
    """The IdP, knowing Styrhjul (the service provider) from its metadata."""

    __test__ = False  # not a test class

    def __init__(self, sp_metadata: str):
        self.server = Server(config=_idp_config(sp_metadata))

    def authn_request(self, redirect_url: str):
        """The authentication request Styrhjul sent, from the redirect to
        the IdP's single sign-on address; returns (request, relay_state)."""
        query = parse_qs(urlparse(redirect_url).query)
        parsed = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        return parsed.message, query.get("RelayState", [""])[0]

    def response(self, request, *, email: str, groups=(), signed=True, **attributes) -> str:
        """A signed answer (base64, as the POST binding carries it) saying
        the person with `email` has logged in, with their groups."""
        identity = {"mail": [email], "groups": list(groups), **attributes}
        response = self.server.create_authn_response(
            identity,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id_policy=request.name_id_policy,
            userid=email,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=signed,
            sign_response=signed,
        )
        return base64.b64encode(str(response).encode()).decode()


if __name__ == "__main__":
    write_idp_metadata()
