"""Rate limits per token (gränser för antal anrop): at most
`settings.API_RATE_LIMIT` calls a minute per token (a token's own
`rate_limit` overrides it), counted in Django's cache, which every process
and machine of the installation shares (CACHE_URL: the database or Redis),
so the limit holds however many processes serve the API.

The open data (api/published.py), read without a token, has a limit per
client instead: `settings.API_OPEN_DATA_RATE_LIMIT` calls a minute from one
IPv4 address or one IPv6 /64 network (REMOTE_ADDR: behind a reverse proxy
the address it forwards, when `styrhjul serve --trusted-proxy` names it),
shared with the files under /oppna-data/. Both count through
core.ratelimit.

A call over the limit answers 429 problem+json with Retry-After: the
seconds until the minute is over."""

from __future__ import annotations

from django.conf import settings

from styrhjul.core import ratelimit

from .problems import Problem

WINDOW = ratelimit.WINDOW  # seconds


def limit_of(token) -> int:
    """Calls a minute for the token; 0: no limit."""
    if token.rate_limit is not None:
        return token.rate_limit
    return getattr(settings, "API_RATE_LIMIT", 600)


def _problem(exc: ratelimit.RateLimited) -> Problem:
    return Problem(429, exc.message, headers=exc.headers)


def check(token, now: float | None = None) -> None:
    """Count a call by `token`; Problem(429) once it is over its limit."""
    limit = limit_of(token)
    if limit:
        try:
            ratelimit.count(
                f"api-rate:{token.pk}",
                limit,
                "Nyckeln har gjort fler än {limit} anrop den här minuten. "
                "Försök igen om {retry_after} sekunder.",
                now,
            )
        except ratelimit.RateLimited as exc:
            raise _problem(exc) from None


def check_address(request, now: float | None = None) -> None:
    """Count an open data call from the client's address (its /64 network
    for IPv6); Problem(429) once it is over API_OPEN_DATA_RATE_LIMIT (0: no
    limit)."""
    try:
        ratelimit.check_open_data(request, now)
    except ratelimit.RateLimited as exc:
        raise _problem(exc) from None
