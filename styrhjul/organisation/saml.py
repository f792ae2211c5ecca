"""Log in through SAML 2.0 (ADFS, Entra ID, Shibboleth, …) with djangosaml2
and pysaml2.

As with OpenID Connect (oidc.py), users are matched to Styrhjul's users by
e-mail address, case-insensitively, and created at a first login only when
SAML_CREATE_USER is on. At every login the user's directory groups (the
SAML_ATTRIBUTE_GROUPS attribute) go through the group rules
(services.apply_directory_groups). The pysaml2 configuration is built from
the settings (environment variables, docs/konfiguration.md#saml) each time
it is needed; metadata from an https:// address is fetched once an hour.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from djangosaml2.backends import Saml2Backend
from djangosaml2.views import LoginView
from saml2 import BINDING_HTTP_POST
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED

from . import services

logger = logging.getLogger(__name__)

METADATA_MAX_AGE = 3600  # seconds an identity provider's metadata from a URL is kept
_metadata_cache: dict[str, tuple[float, str]] = {}
_metadata_lock = threading.Lock()


class SamlConfigurationError(ImproperlyConfigured):
    """The SAML settings or the identity provider's metadata cannot be used;
    the message (Swedish) says what to correct."""


def _remote_metadata(url: str) -> str:
    with _metadata_lock:
        cached = _metadata_cache.get(url)
        if cached and time.monotonic() - cached[0] < METADATA_MAX_AGE:
            return cached[1]
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (https only)
            text = response.read().decode("utf-8")
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
        raise SamlConfigurationError(
            _("Identitetsleverantörens metadata kunde inte hämtas från %(url)s: %(error)s")
            % {"url": url, "error": exc}
        ) from exc
    with _metadata_lock:
        _metadata_cache[url] = (time.monotonic(), text)
    return text


def sp_settings() -> dict:
    """The pysaml2 configuration of Styrhjul as a SAML service provider."""
    source = settings.SAML_IDP_METADATA
    if not source:
        raise SamlConfigurationError(_("SAML är inte påslaget: SAML_IDP_METADATA saknas."))
    if "://" in source:
        metadata = {"inline": [_remote_metadata(source)]}
    else:
        metadata = {"local": [source]}
    signing = bool(settings.SAML_KEY_FILE and settings.SAML_CERT_FILE)
    config = {
        "xmlsec_binary": settings.SAML_XMLSEC1,
        "entityid": settings.SAML_ENTITY_ID,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Styrhjul",
                "name_id_format": NAMEID_FORMAT_UNSPECIFIED,
                "endpoints": {
                    "assertion_consumer_service": [(settings.SAML_ACS_URL, BINDING_HTTP_POST)],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": signing,
                "logout_requests_signed": signing,
                "want_assertions_signed": True,
                "want_response_signed": False,
            }
        },
        "metadata": metadata,
        "debug": False,
    }
    if signing:
        config["key_file"] = settings.SAML_KEY_FILE
        config["cert_file"] = settings.SAML_CERT_FILE
        config["encryption_keypairs"] = [
            {"key_file": settings.SAML_KEY_FILE, "cert_file": settings.SAML_CERT_FILE}
        ]
    return config


def config_loader(request=None) -> SPConfig:
    """SAML_CONFIG_LOADER: the configuration, or a SamlConfigurationError
    that says in Swedish what is wrong."""
    conf = SPConfig()
    try:
        conf.load(sp_settings())
    except SamlConfigurationError:
        raise
    except Exception as exc:  # pysaml2 raises many kinds for unreadable metadata
        raise SamlConfigurationError(
            _(
                "SAML-inställningarna eller identitetsleverantörens metadata går inte att "
                "läsa: %(error)s"
            )
            % {"error": exc}
        ) from exc
    if not conf.metadata.identity_providers():
        raise SamlConfigurationError(
            _(
                "Identitetsleverantörens metadata (SAML_IDP_METADATA) beskriver ingen "
                "identitetsleverantör."
            )
        )
    return conf


class SamlLoginView(LoginView):
    """djangosaml2's login, but a configuration that cannot be used sends the
    user back to the login page with a message instead of an error page."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except SamlConfigurationError as exc:
            logger.error("SAML-inloggningen kunde inte starta: %s", exc)
            messages.error(
                request,
                _(
                    "Inloggning med %(name)s fungerar inte just nu: inställningarna för SAML är "
                    "felaktiga. Kontakta systemadministratören."
                )
                % {"name": settings.SAML_PROVIDER_NAME},
            )
            return HttpResponseRedirect(reverse("login"))


def login_failed(request, exception=None, status=403, **kwargs):
    """SAML_ACS_FAILURE_RESPONSE_FUNCTION: a refused or broken answer from
    the identity provider lands on the login page, which explains it."""
    logger.warning("SAML-inloggning avvisades: %s", exception)
    return HttpResponseRedirect(reverse("login") + "?sso=nekad&via=saml")


def _first(attributes: dict, name: str) -> str:
    values = attributes.get(name) or []
    value = values[0] if values else ""
    return value.strip() if isinstance(value, str) else ""


class StyrhjulSaml2Backend(Saml2Backend):
    def authenticate(self, request, session_info=None, attribute_mapping=None, **kwargs):
        user = super().authenticate(
            request, session_info=session_info, attribute_mapping=attribute_mapping, **kwargs
        )
        if user is not None:
            groups = (session_info.get("ava") or {}).get(settings.SAML_ATTRIBUTE_GROUPS) or []
            services.apply_directory_groups(user=user, groups=groups)
        return user

    def clean_user_main_attribute(self, main_attribute):
        value = main_attribute.strip() if isinstance(main_attribute, str) else ""
        local, at, domain = value.rpartition("@")
        if at and local and "." in domain and not any(c.isspace() for c in value):
            return value
        logger.warning("SAML-inloggning utan giltig e-postadress avvisades.")
        return None

    def get_or_create_user(
        self,
        user_lookup_key,
        user_lookup_value,
        create_unknown_user,
        idp_entityid,
        attributes,
        attribute_mapping,
        request,
    ):
        """Find the user by e-mail address; refuse two users with the same
        address; create one only when SAML_CREATE_USER is on, named by the
        SAML_ATTRIBUTE_USERNAME attribute or the address."""
        users = list(self._user_model.objects.filter(email__iexact=user_lookup_value)[:2])
        if len(users) > 1:
            logger.warning("SAML: flera användare har e-postadressen %s.", user_lookup_value)
            return None, False
        if users:
            if not self.user_can_authenticate(users[0]):
                logger.warning("SAML-inloggning för inaktiv användare %s avvisades.", users[0].pk)
                return None, False
            return users[0], False
        if not create_unknown_user:
            logger.warning(
                "SAML-inloggning avvisades: ingen användare i Styrhjul har e-postadressen %s.",
                user_lookup_value,
            )
            return None, False
        username = (
            _first(attributes, settings.SAML_ATTRIBUTE_USERNAME)
            if settings.SAML_ATTRIBUTE_USERNAME
            else ""
        ) or user_lookup_value
        username = username.lower()
        model = self._user_model
        if len(username) > model._meta.get_field("username").max_length or (
            model.objects.filter(username__iexact=username).exists()
        ):
            logger.warning(
                "SAML: användarnamnet %s kan inte användas; ingen ny användare.", username
            )
            return None, False
        user = model(username=username, email=model.objects.normalize_email(user_lookup_value))
        user.set_unusable_password()
        return user, True

    def save_user(self, user, *args, **kwargs):
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # created by a parallel login
            return None
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
