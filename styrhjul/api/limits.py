"""Rate limits per token (gränser för antal anrop): at most
`settings.API_RATE_LIMIT` calls a minute per token (a token's own
`rate_limit` overrides it), counted in Django's cache, which every process
and machine of the installation shares (CACHE_URL: the database or Redis),
so the limit holds however many processes serve the API.

The open data (api/published.py), read without a token, has a limit per
client address instead: `settings.API_OPEN_DATA_RATE_LIMIT` calls a minute
from one IP address (REMOTE_ADDR: behind a reverse proxy the address it
forwards, when `styrhjul serve --trusted-proxy` names it), counted the same way.

A call over the limit answers 429 problem+json with Retry-After: the
seconds until the minute is over."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from .problems import Problem

WINDOW = 60  # seconds


def limit_of(token) -> int:
    """Calls a minute for the token; 0: no limit."""
    if token.rate_limit is not None:
        return token.rate_limit
    return getattr(settings, "API_RATE_LIMIT", 600)


def _count(key: str, limit: int, now: float | None, detail: str) -> None:
    """Count a call under `key` in this minute; Problem(429) with `detail`
    (formatted with limit and retry_after) once it is over `limit`."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    key = f"{key}:{window}"
    # add() is a no-op when the key is there; incr() is atomic in Redis and
    # one UPDATE-ish round trip in the database cache.
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * WINDOW - now))
        raise Problem(
            429,
            detail.format(limit=limit, retry_after=retry_after),
            headers={"Retry-After": str(retry_after)},
        )


def check(token, now: float | None = None) -> None:
    """Count a call by `token`; Problem(429) once it is over its limit."""
    limit = limit_of(token)
    if limit:
        _count(
            f"api-rate:{token.pk}",
            limit,
            now,
            "Nyckeln har gjort fler än {limit} anrop den här minuten. "
            "Försök igen om {retry_after} sekunder.",
        )


def check_address(request, now: float | None = None) -> None:
    """Count an open data call from the client's address; Problem(429) once
    it is over API_OPEN_DATA_RATE_LIMIT (0: no limit)."""
    limit = getattr(settings, "API_OPEN_DATA_RATE_LIMIT", 300)
    if limit:
        address = request.META.get("REMOTE_ADDR", "") or "okänd"
        _count(
            f"api-rate-ip:{address}",
            limit,
            now,
            "Fler än {limit} anrop till öppna data har gjorts från din adress den här "
            "minuten. Försök igen om {retry_after} sekunder.",
        )
