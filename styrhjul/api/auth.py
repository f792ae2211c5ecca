"""Who calls the API: a personal access token (Authorization: Bearer …) or,
for the browser, the logged-in session with its CSRF token.

A token acts as its user, through the same access policy as the pages; a
read-only token may not change anything, whatever its user may."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from . import limits
from .models import ApiToken, digest
from .problems import Problem

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """API-nyckel in `Authorization: Bearer <nyckel>`."""

    def __call__(self, request):
        # No Authorization header: let the session try. A header that is
        # there but wrong is refused here, never passed on.
        if "Authorization" not in request.headers:
            return None
        result = super().__call__(request)
        if result is None:
            raise Problem(401, "Ange nyckeln som 'Authorization: Bearer <nyckel>'.")
        return result

    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
        if found is None or not found.user.is_active:
            raise Problem(401, "Nyckeln är okänd.")
        if found.revoked_at is not None:
            raise Problem(401, "Nyckeln är återkallad.")
        if not found.is_usable():
            raise Problem(401, "Nyckeln har gått ut.")
        if request.method not in SAFE_METHODS and not found.writes:
            raise Problem(403, "Nyckeln får bara läsa. Skapa en nyckel som får ändra.")
        limits.check(found)
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            # At most one write a minute per token, and no history row for it.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser: the session cookie, and Django's CSRF check for
    every method that changes something."""

    param_name = "sessionid"

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return request.user
        return None
