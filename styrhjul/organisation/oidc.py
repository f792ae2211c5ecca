"""Log in through OpenID Connect (Entra ID, Keycloak, …).

Users are matched to Styrhjul's users by e-mail address, case-insensitively.
Entra ID does not always send the `email` claim; the address is then taken
from `preferred_username` or `upn`, which hold the user's sign-in address.
Entra ID's user info endpoint sends neither, so the claims of the (verified)
ID token are used where the user info lacks them.
New users are created only when OIDC_CREATE_USER is on; otherwise an
administrator creates the user (with the same e-mail address) first.
At every login the user's directory groups (the OIDC_GROUPS_CLAIM claim) go
through the group rules (services.apply_directory_groups), as for SAML.
docs/konfiguration.md describes the setup.
"""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services

logger = logging.getLogger(__name__)

# Claims that may carry the user's e-mail address, in order of preference.
EMAIL_CLAIMS = ("email", "preferred_username", "upn")
# Claims taken from the ID token when the user info lacks them.
ID_TOKEN_CLAIMS = (*EMAIL_CLAIMS, "email_verified", "given_name", "family_name", "name")


def email_from_claims(claims: dict) -> str:
    """The first claim in EMAIL_CLAIMS that looks like an e-mail address, or ""."""
    for name in EMAIL_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str):
            value = value.strip()
            local, at, domain = value.rpartition("@")
            if at and local and "." in domain and not any(c.isspace() for c in value):
                return value
    return ""


def axes_whitelist(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: django-axes neither counts nor locks OpenID
    Connect or SAML logins. They carry no password to guess (the provider
    throttles those), and as they have no user name, axes would otherwise
    count every refused one (an unknown user) against the client's address
    alone and lock the organisation login for a whole office behind one
    address."""
    if not credentials or credentials.get("username"):
        return False
    # OpenID Connect sends a nonce, SAML the identity provider's answer.
    return "nonce" in credentials or "session_info" in credentials


class StyrhjulOIDCBackend(OIDCAuthenticationBackend):
    def describe_user_by_claims(self, claims):
        return f"e-postadress {email_from_claims(claims) or '(saknas)'}"

    def get_userinfo(self, access_token, id_token, payload):
        userinfo = super().get_userinfo(access_token, id_token, payload)
        payload = payload if isinstance(payload, dict) else {}
        if payload.get("sub") and userinfo.get("sub") and payload["sub"] != userinfo["sub"]:
            # OpenID Connect Core 5.3.2: the user info must be about the same user.
            raise SuspiciousOperation("OIDC: user info och ID-token gäller olika användare.")
        names = (*ID_TOKEN_CLAIMS, settings.OIDC_GROUPS_CLAIM)
        claims = {name: payload[name] for name in names if name in payload}
        claims.update(userinfo)
        return claims

    def verify_claims(self, claims):
        """A login needs an e-mail address; one the provider says is not
        verified is refused."""
        if not email_from_claims(claims):
            logger.warning("OIDC-inloggning utan e-postadress i claims avvisades.")
            return False
        if claims.get("email_verified") is False:
            logger.warning("OIDC-inloggning med overifierad e-postadress avvisades.")
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = email_from_claims(claims)
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def get_or_create_user(self, access_token, id_token, payload):
        """The library's flow, but an inactive user is refused before anything
        about them changes, and every refusal is logged at WARNING."""
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("OIDC: claims godtogs inte.")
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            raise SuspiciousOperation(
                f"OIDC: flera användare har {self.describe_user_by_claims(claims)}."
            )
        if users:
            user = users[0]
            if not self.user_can_authenticate(user):
                logger.warning("OIDC-inloggning för inaktiv användare %s avvisades.", user.pk)
                return None
            return self._apply_groups(self.update_user(user, claims), claims)
        if getattr(settings, "OIDC_CREATE_USER", False):
            return self._apply_groups(self.create_user(claims), claims)
        logger.warning(
            "OIDC-inloggning avvisades: ingen användare i Styrhjul har %s.",
            self.describe_user_by_claims(claims),
        )
        return None

    def _apply_groups(self, user, claims):
        """Give the roles the group rules give the user's directory groups,
        remove those they no longer give."""
        if user is not None:
            groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
            services.apply_directory_groups(user=user, groups=groups)
        return user

    def create_user(self, claims):
        """Create a user for a first login, only when OIDC_CREATE_USER is on."""
        if not getattr(settings, "OIDC_CREATE_USER", False):
            return None
        email = self.UserModel.objects.normalize_email(email_from_claims(claims))
        if not email:
            return None
        username = email.lower()
        if len(username) > self.UserModel._meta.get_field("username").max_length:
            logger.warning("OIDC: e-postadressen är för lång för ett användarnamn.")
            return None
        if self.UserModel.objects.filter(username__iexact=username).exists():
            # A local account already uses the address as its user name but has
            # another (or no) e-mail address: an administrator must sort it out.
            logger.warning("OIDC: användarnamnet %s finns redan; ingen ny användare.", username)
            return None
        user = self.UserModel(
            username=username,
            email=email,
            first_name=self._claim(claims, "given_name", "first_name"),
            last_name=self._claim(claims, "family_name", "last_name"),
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # created by a parallel login
            return None
        return user

    def update_user(self, user, claims):
        """Keep the name in step with the organisation's directory."""
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = self._claim(claims, claim, field)
            if value and value != getattr(user, field):
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user

    def get_user(self, user_id):
        # The library's get_user keeps a deactivated user logged in; Django's
        # ModelBackend does not, and neither do we.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _claim(self, claims: dict, name: str, field: str) -> str:
        value = claims.get(name)
        if not isinstance(value, str):
            return ""
        max_length = self.UserModel._meta.get_field(field).max_length
        return value.strip()[:max_length]
