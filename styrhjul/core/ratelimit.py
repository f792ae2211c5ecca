"""Counting calls a minute (gränser för antal anrop), in Django's cache,
which every process and machine of the installation shares (CACHE_URL: the
database or Redis), so a limit holds however many processes serve.

`count` is the one counter: the API's limit per token and the limit per
client address for open data (the API's open data and the files under
/oppna-data/) both count through it. `check_open_data` is that per-address
limit: `settings.API_OPEN_DATA_RATE_LIMIT` calls a minute from one client
(`client_key`): an IPv4 address, or the /64 network of an IPv6 address,
since one household or host is given a whole /64 and could otherwise count
as any number of clients.

Over the limit, RateLimited carries the Swedish message and the seconds
until the minute is over (for Retry-After); the caller answers 429 in its
own form (problem+json in the API)."""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

WINDOW = 60  # seconds


class RateLimited(Exception):
    """A call over its limit: `message` (Swedish) and `retry_after` (seconds)."""

    def __init__(self, message: str, *, limit: int, retry_after: int):
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def tally(key: str, seconds: int) -> int:
    """One more under `key`, kept `seconds` from the first; the count so far."""
    # add() is a no-op when the key is there; incr() is atomic in Redis and
    # one UPDATE-ish round trip in the database cache.
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return 1


def count(key: str, limit: int, detail: str, now: float | None = None) -> None:
    """Count a call under `key` in this minute; RateLimited with `detail`
    (formatted with limit and retry_after) once it is over `limit`."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    counted = tally(f"{key}:{window}", WINDOW * 2)
    if counted > limit:
        retry_after = max(1, int((window + 1) * WINDOW - now))
        raise RateLimited(
            detail.format(limit=limit, retry_after=retry_after),
            limit=limit,
            retry_after=retry_after,
        )


def client_key(request) -> str:
    """Who a call counts as: the client's IPv4 address, or the /64 network
    of its IPv6 address (an IPv4 address mapped into IPv6 counts as the IPv4
    address). REMOTE_ADDR: behind a trusted reverse proxy the address it
    forwards (`styrhjul serve --trusted-proxy`)."""
    raw = request.META.get("REMOTE_ADDR", "") or ""
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return raw or "okänd"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network((address, 64), strict=False))
    return str(address)


OPEN_DATA_DETAIL = (
    "Fler än {limit} anrop till öppna data har gjorts från din adress den här "
    "minuten. Försök igen om {retry_after} sekunder."
)


def check_open_data(request, now: float | None = None) -> None:
    """Count an open data call (the API's or a file under /oppna-data/) from
    the client (`client_key`); RateLimited once it is over
    API_OPEN_DATA_RATE_LIMIT calls this minute (0: no limit)."""
    limit = getattr(settings, "API_OPEN_DATA_RATE_LIMIT", 300)
    if limit:
        count(f"api-rate-ip:{client_key(request)}", limit, OPEN_DATA_DETAIL, now)
