"""Throttling of password guessing (django-axes).

Two rules: AXES_FAILURE_LIMIT wrong passwords for one user name from one
address lock that pair for AXES_COOLOFF_MINUTES; and AXES_IP_FAILURE_LIMIT
wrong passwords from one address, whatever the user names, lock the address
for the same time. The second rule stops password spraying (a few guesses on
each of many accounts). Its limit is higher, since a municipality's staff
often reach the server from one address."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def failures_from_address(request) -> int:
    """Wrong passwords from the request's address within the cool-off time."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_locked(request) -> bool:
    limit = settings.AXES_IP_FAILURE_LIMIT
    return bool(limit) and failures_from_address(request) >= limit


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The login page answers with the lockout page once the address is locked.
        if request is not None and not getattr(request, "axes_locked_out", False):
            if address_locked(request):
                request.axes_locked_out = True
                request.axes_credentials = credentials
