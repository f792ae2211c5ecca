"""Client for Kolada's public JSON API, version 3 (https://api.kolada.se/v3).

Standard library only, besides the project's Swedish number formatting
(styrhjul/charts/numbers.py, plain Python). The client keeps to
`max_per_second` requests a second, splits id lists to Kolada's limit of 25,
follows `next_url` to the last page, retries timeouts, broken connections,
429 (honouring Retry-After) and 5xx with backoff, and checks the shape of
every response. Anything it cannot use raises `KoladaError` with a Swedish
message meant for the user; nothing is returned half-checked.

Tests inject `opener`, `sleep` and `clock`; see tests/kolada/.
"""

from __future__ import annotations

import datetime
import email.utils
import gzip
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from styrhjul.charts.numbers import format_number

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
MAX_IDS = 25  # Kolada refuses longer id lists (kpis, municipalities, years, ous)
PER_PAGE = 5000  # the largest page Kolada serves
MAX_VALUE = 10**14  # KoladaValue.value is DECIMAL(20, 6)
MAX_COUNT = 2**31  # KoladaValue.count is an INTEGER
GENDERS = frozenset({"T", "K", "M"})
USER_AGENT = "Styrhjul (kommunal planering och uppföljning; Kolada-klient)"

_ID = re.compile(r"^[0-9A-Za-z_.-]{1,40}$")


class KoladaError(Exception):
    """A Kolada request or response that cannot be used. The message is in
    Swedish and written for the person who started the sync."""

    def __init__(self, message: str, *, status: int | None = None, ids: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.status = status
        self.ids = list(ids)

    def __str__(self) -> str:
        return self.message


class UnknownIdsError(KoladaError):
    """Kolada does not know some of the ids asked for (`ids`)."""


class Value(NamedTuple):
    """The fields of a value row, in the order of the plain tuples that
    value_pages yields: a KPI for a municipality (or an organisational unit)
    in a year, for one gender. `value` is None when Kolada has no figure;
    `deleted` is Kolada's `isdeleted` (the value has been withdrawn)."""

    kpi: str
    municipality: str
    ou: str
    period: int
    gender: str
    value: float | int | None
    status: str
    count: int | None
    deleted: bool


def chunks(ids: Iterable, size: int = MAX_IDS) -> Iterator[list]:
    """Split a list into lists of at most `size` items, keeping the order."""
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _reject_constant(name: str):
    raise ValueError(f"{name} är inte ett tal")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _opener_default(request: urllib.request.Request, timeout: float):
    # build_opener honours HTTP(S)_PROXY from the environment.
    return urllib.request.build_opener().open(request, timeout=timeout)


class KoladaClient:
    """Kolada v3 over HTTP. One instance per sync; not thread-safe.

    `opener(request, timeout)` returns a response (a context manager with
    `.status`, `.headers` and `.read()`) or raises like urllib does;
    `sleep(seconds)` and `clock()` are time.sleep and time.monotonic unless a
    test passes fakes. `requests` counts the HTTP requests made."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30,
        max_per_second: float | None = 5,
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 120,
        per_page: int = PER_PAGE,
        opener: Callable[..., Any] | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        base_url = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise KoladaError(
                f"Kolada-adressen {base_url!r} är inte en http(s)-adress, t.ex. {DEFAULT_BASE_URL}."
            )
        self.base_url = base_url
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self.timeout = timeout
        self.interval = 1.0 / max_per_second if max_per_second else 0.0
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.per_page = per_page
        self._open = opener or _opener_default
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None
        self.requests = 0

    # ------------------------------------------------------------------ metadata

    def kpis(self, ids: Iterable[str]) -> list[dict]:
        """Definitions of the KPIs, in the order asked for. Raises
        UnknownIdsError naming every id Kolada does not know."""
        return self._metadata("kpi", ids, _kpi_fields, "nyckeltalet", "nyckeltalen")

    def municipalities(self, ids: Iterable[str]) -> list[dict]:
        """Municipalities and regions with the ids, in the order asked for
        (UnknownIdsError names the ids Kolada does not know)."""
        return self._metadata(
            "municipality",
            ids,
            _municipality_fields,
            "kommun- eller regionkoden",
            "kommun- och regionkoderna",
        )

    def ous(self, ids: Iterable[str]) -> list[dict]:
        """Organisational units (schools, care homes …) with the ids."""
        return self._metadata("ou", ids, _ou_fields, "enheten", "enheterna")

    def _metadata(self, kind, ids, fields, one: str, many: str) -> list[dict]:
        wanted = list(dict.fromkeys(ids))
        _check_ids(wanted, one, many)
        found: dict[str, dict] = {}
        for chunk in chunks(wanted):
            self._metadata_chunk(kind, chunk, fields, found)
        unknown = [i for i in wanted if i not in found]
        if unknown:
            label = one if len(unknown) == 1 else many
            raise UnknownIdsError(
                f"Kolada känner inte till {label} {', '.join(unknown)}.", ids=unknown
            )
        return [found[i] for i in wanted]

    def _metadata_chunk(self, kind, chunk, fields, found) -> None:
        url = self._url(f"/{kind}/{_path(chunk)}")
        try:
            for page in self._pages(url):
                for obj in page:
                    item = fields(obj, self._last_url)
                    if item["id"] in chunk:
                        found[item["id"]] = item
        except KoladaError as exc:
            if exc.status != 404:
                raise
            # Should Kolada answer 404 for an unknown id, ask for the ids one
            # by one to name the unknown ones.
            if len(chunk) > 1:
                for one in chunk:
                    self._metadata_chunk(kind, [one], fields, found)

    # --------------------------------------------------------------------- data

    def value_pages(
        self,
        kpis: Iterable[str],
        places: Iterable[str],
        years: Iterable[int],
        from_date: datetime.date | str | None = None,
        *,
        ou: bool = False,
    ) -> Iterator[list[tuple]]:
        """Values of the KPIs for the municipalities (or, with `ou`, the
        organisational units) and years, every page followed, a checked page
        at a time as plain tuples in Value's order: what a large sync
        streams. With `from_date`, only what changed since that day,
        including withdrawn values (`deleted`). Unit rows have an empty
        municipality unless Kolada gives it; the sync fills it in from the
        unit."""
        kpis, places, years = list(dict.fromkeys(kpis)), list(dict.fromkeys(places)), _years(years)
        _check_ids(kpis, "nyckeltalet", "nyckeltalen")
        if ou:
            _check_ids(places, "enheten", "enheterna")
            root, dimension = "oudata", "ou"
        else:
            _check_ids(places, "kommun- eller regionkoden", "kommun- och regionkoderna")
            root, dimension = "data", "municipality"
        params = {"from_date": _date(from_date)} if from_date else {}
        for kpi_chunk in chunks(kpis):
            for place_chunk in chunks(places):
                for year_chunk in chunks(years):
                    url = self._url(
                        f"/{root}/kpi/{_path(kpi_chunk)}/{dimension}/{_path(place_chunk)}"
                        f"/year/{_path(year_chunk)}",
                        **params,
                    )
                    wanted = (set(kpi_chunk), set(place_chunk), set(year_chunk))
                    seen: set = set()  # rows of this request, to catch repeats
                    for page in self._pages(url):
                        yield _value_rows(page, dimension, *wanted, seen, self._last_url)

    # -------------------------------------------------------------------- HTTP

    def _url(self, path: str, **params) -> str:
        query = {"per_page": self.per_page, **params}
        return f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"

    def _pages(self, url: str) -> Iterator[list]:
        """The `values` of every page, following next_url to the end."""
        seen = set()
        while url:
            if url in seen:
                raise KoladaError(f"Kolada skickade samma sida två gånger ({url}).")
            seen.add(url)
            self._last_url = url
            envelope = self._get_json(url)
            values = envelope.get("values") if isinstance(envelope, dict) else None
            if not isinstance(values, list):
                raise KoladaError(
                    f"Kolada svarade med en oväntad form ({url}): "
                    'förväntade ett objekt med en lista "values".'
                )
            next_url = envelope.get("next_url")
            if next_url is not None and not isinstance(next_url, str):
                raise KoladaError(
                    f"Kolada svarade med en oväntad form ({url}): next_url är inte en adress."
                )
            yield values
            url = self._next(next_url) if next_url else ""

    _last_url = ""

    def _next(self, next_url: str) -> str:
        """Kolada's next_url, on our scheme and host: the path and query are
        Kolada's, the origin is the configured one (a proxy may rewrite it)."""
        parts = urllib.parse.urlsplit(next_url.strip())
        if not parts.path:
            raise KoladaError(f"Kolada skickade en ogiltig adress till nästa sida: {next_url!r}.")
        return self._origin + parts.path + (f"?{parts.query}" if parts.query else "")

    def _get_json(self, url: str) -> Any:
        body = self._fetch(url)
        try:
            return json.loads(body, parse_constant=_reject_constant)
        except UnicodeDecodeError:
            raise KoladaError(f"Kolada skickade ett svar som inte är UTF-8 ({url}).") from None
        except json.JSONDecodeError as exc:
            if exc.pos >= len(exc.doc.rstrip()):
                raise KoladaError(
                    f"Kolada skickade ett ofullständigt svar ({url}): svaret tog slut efter "
                    f"{len(body)} byte, mitt i JSON-texten."
                ) from None
            raise KoladaError(
                f"Kolada skickade ett svar som inte är giltig JSON ({url}): "
                f"{exc.msg} på rad {exc.lineno}, kolumn {exc.colno}."
            ) from None
        except ValueError as exc:  # NaN, Infinity
            raise KoladaError(
                f"Kolada skickade ett värde som inte är ett tal ({url}): {exc}."
            ) from None

    def _throttle(self) -> None:
        if self.interval and self._last_request is not None:
            wait = self._last_request + self.interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def _fetch(self, url: str) -> bytes:
        """The body of a 200 answer, after retries. Raises KoladaError."""
        attempt = 0
        while True:
            self._throttle()
            self.requests += 1
            failure, wait = self._attempt(url, attempt)
            if isinstance(failure, bytes):
                return failure
            if attempt >= self.retries:
                raise KoladaError(failure.message + self._tries(attempt), status=failure.status)
            self._sleep(wait)
            attempt += 1

    def _tries(self, attempt: int) -> str:
        return f" Försökte {attempt + 1} gånger." if attempt else ""

    def _attempt(self, url: str, attempt: int) -> tuple[bytes | KoladaError, float]:
        """One request: (body, 0) or (the failure, how long to wait before
        the next try). Failures that a retry cannot mend are raised."""
        backoff = self.backoff * 2**attempt
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with self._open(request, self.timeout) as response:
                status = getattr(response, "status", 200) or 200
                headers = response.headers
                body = response.read() if status < 400 else b""
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, exc.headers, b""
            exc.close()
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(reason, TimeoutError):
                return KoladaError(
                    f"Kolada svarade inte inom {format_number(self.timeout)} sekunder ({url})."
                ), backoff
            return KoladaError(
                f"Kolada gick inte att nå ({url}): {_reason(reason)}. Kontrollera "
                "nätverksanslutningen (och en eventuell proxy) och försök igen senare."
            ), backoff
        except http.client.IncompleteRead as exc:
            return KoladaError(
                f"Kolada skickade ett ofullständigt svar ({url}): anslutningen bröts efter "
                f"{len(exc.partial)} byte."
            ), backoff
        except http.client.HTTPException as exc:
            return KoladaError(
                f"Kolada gick inte att nå ({url}): {_reason(exc)}. Försök igen senare."
            ), backoff

        if status == 429:
            wait = _retry_after(headers, backoff)
            if wait > self.max_retry_after:
                raise KoladaError(
                    f"Kolada ber oss vänta {format_number(wait, 0)} sekunder innan nästa fråga "
                    f"({url}). Försök igen senare.",
                    status=429,
                )
            return KoladaError(
                f"Kolada tar inte emot fler frågor just nu (429, för många frågor) ({url}). "
                "Försök igen senare.",
                status=429,
            ), wait
        if status >= 500:
            return KoladaError(
                f"Kolada svarade med ett serverfel ({status}) ({url}). Försök igen senare.",
                status=status,
            ), backoff
        if status >= 400 or status < 200:
            raise KoladaError(
                f"Kolada svarade {status} på {url}; frågan kunde inte besvaras.", status=status
            )
        encoding = (headers.get("Content-Encoding") or "").strip().lower() if headers else ""
        if encoding == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error):
                return KoladaError(
                    f"Kolada skickade ett ofullständigt komprimerat svar ({url})."
                ), backoff
        return body, 0.0


# ------------------------------------------------------------------ checking


def _reason(exc: object) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def _retry_after(headers, default: float) -> float:
    raw = (headers.get("Retry-After") if headers else None) or ""
    raw = raw.strip()
    if not raw:
        return default
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def _check_ids(ids: list[str], one: str, many: str) -> None:
    bad = [i for i in ids if not isinstance(i, str) or not _ID.match(i)]
    if bad:
        label = one if len(bad) == 1 else many
        shown = ", ".join(repr(i) for i in bad)
        raise UnknownIdsError(
            f"Ogiltigt Kolada-id för {label}: {shown}. Ett id består av bokstäver och "
            "siffror, t.ex. N21704 eller 1480.",
            ids=[str(i) for i in bad],
        )


def _years(years: Iterable[int]) -> list[int]:
    result = []
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
            raise KoladaError(f"Ogiltigt år: {year!r}.")
        result.append(year)
    return sorted(set(result))


def _date(value: datetime.date | str) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise KoladaError(f"Ogiltigt datum {value!r}: skriv ÅÅÅÅ-MM-DD.") from None


def _path(ids: Iterable) -> str:
    return urllib.parse.quote(",".join(str(i) for i in ids), safe=",")


def _shape(url: str, what: str) -> KoladaError:
    return KoladaError(f"Kolada svarade med en oväntad form ({url}): {what}.")


def _text(obj: dict, key: str, url: str, *, required: bool = False, limit: int = 0) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise _shape(url, f'fältet "{key}" saknas i {_short(json.dumps(obj))}')
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        raise _shape(url, f'fältet "{key}" är inte text')
    value = str(value).strip()
    if required and not value:
        raise _shape(url, f'fältet "{key}" är tomt')
    if limit and len(value) > limit:
        raise _shape(url, f'fältet "{key}" är längre än {limit} tecken: {_short(value)}')
    return value


def _flag(obj: dict, key: str, url: str) -> bool:
    value = obj.get(key)
    if value in (None, ""):
        return False
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    raise _shape(url, f'fältet "{key}" är inte sant/falskt ({value!r})')


def _date_or_none(value) -> datetime.date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _object(obj, url: str) -> dict:
    if not isinstance(obj, dict):
        raise _shape(url, f"förväntade ett objekt, fick {_short(json.dumps(obj))}")
    return obj


def _kpi_fields(obj, url: str) -> dict:
    obj = _object(obj, url)
    return {
        "id": _text(obj, "id", url, required=True, limit=20),
        "title": _text(obj, "title", url, required=True),
        "description": _text(obj, "description", url),
        "operating_area": _text(obj, "operating_area", url),
        "perspective": _text(obj, "perspective", url),
        "auspice": _text(obj, "auspice", url, limit=50) or _text(obj, "auspices", url, limit=50),
        "is_divided_by_gender": _flag(obj, "is_divided_by_gender", url),
        "has_ou_data": _flag(obj, "has_ou_data", url),
        "municipality_type": _text(obj, "municipality_type", url, limit=50),
        "publ_period": _text(obj, "publ_period", url, limit=100),
        "publication_date": _date_or_none(obj.get("publication_date")),
    }


def _municipality_fields(obj, url: str) -> dict:
    obj = _object(obj, url)
    return {
        "id": _text(obj, "id", url, required=True, limit=10),
        "title": _text(obj, "title", url, required=True, limit=200),
        "type": _text(obj, "type", url, limit=10),
    }


def _ou_fields(obj, url: str) -> dict:
    obj = _object(obj, url)
    return {
        "id": _text(obj, "id", url, required=True, limit=40),
        "title": _text(obj, "title", url, required=True, limit=300),
        "municipality_id": _text(obj, "municipality", url, limit=10),
    }


def _not_a_number(url, kpi, place, period, gender, value) -> KoladaError:
    return KoladaError(
        f"Kolada skickade ett värde som inte är ett tal för {kpi}, {place}, {period} "
        f"({gender}): {_short(json.dumps(value, ensure_ascii=False))} ({url})."
    )


def _value_rows(
    page: list, key: str, kpis: set, places: set, years: set, seen: set, url: str
) -> list[tuple]:
    """Check a page of value rows; one plain tuple (in Value's order) per
    gender. This is the hot path of a large sync: plain type checks, no
    Decimal, no objects."""
    result = []
    append = result.append
    for row in page:
        if type(row) is not dict:
            raise _shape(url, f"förväntade ett värde-objekt, fick {_short(json.dumps(row))}")
        kpi = row.get("kpi")
        place = row.get(key)
        period = row.get("period")
        genders = row.get("values")
        if type(kpi) is not str or type(place) is not str:
            raise _shape(url, f'raden saknar "kpi" eller "{key}": {_short(json.dumps(row))}')
        if type(period) is not int:
            raise _shape(url, f'"period" är inte ett år: {_short(json.dumps(row))}')
        if kpi not in kpis or place not in places or period not in years:
            raise _shape(url, f"raden {kpi}, {place}, {period} hör inte till det som efterfrågades")
        if type(genders) is not list:
            raise _shape(url, f'raden {kpi}, {place}, {period} saknar listan "values"')
        row_key = (kpi, place, period)
        if row_key in seen:
            raise _repeated(url, kpi, place, period)
        seen.add(row_key)
        if key == "ou":
            municipality = row.get("municipality")
            if municipality is None:
                municipality = ""
            elif type(municipality) is not str or len(municipality) > 10:
                raise _shape(url, f'"municipality" är inte en kod: {_short(json.dumps(row))}')
            ou = place
        else:
            municipality, ou = place, ""
        got = ""
        for item in genders:
            if type(item) is not dict:
                raise _shape(
                    url, f"raden {kpi}, {place}, {period} har ett värde som inte är ett objekt"
                )
            gender = item.get("gender")
            if gender not in GENDERS:
                raise _shape(
                    url, f"okänt kön {gender!r} för {kpi}, {place}, {period} (väntade T, K eller M)"
                )
            if gender in got:
                raise _repeated(url, kpi, place, period, gender)
            got += gender
            value = item.get("value")
            kind = type(value)
            if kind is float or kind is int:
                if not -MAX_VALUE < value < MAX_VALUE:
                    raise KoladaError(
                        f"Kolada skickade ett för stort värde för {kpi}, {place}, {period} "
                        f"({gender}): {value} ({url})."
                    )
            elif value is not None:
                raise _not_a_number(url, kpi, place, period, gender, value)
            status = item.get("status")
            if status is None:
                status = ""
            elif type(status) is not str or len(status) > 100:
                raise _shape(url, f'"status" för {kpi}, {place}, {period} är inte en kort text')
            count = item.get("count")
            if count is not None and (type(count) is not int or not -MAX_COUNT < count < MAX_COUNT):
                raise _shape(url, f'"count" för {kpi}, {place}, {period} är inte ett heltal')
            deleted = item.get("isdeleted", False)
            if deleted is None:
                deleted = False
            elif type(deleted) is not bool:
                raise _shape(url, f'"isdeleted" för {kpi}, {place}, {period} är inte sant/falskt')
            append((kpi, municipality, ou, period, gender, value, status, count, deleted))
    return result


def _repeated(url, kpi, place, period, gender="") -> KoladaError:
    which = f"{kpi}, {place}, {period}" + (f" ({gender})" if gender else "")
    return KoladaError(
        f"Kolada skickade värdet för {which} två gånger ({url}); uppgifterna ändrades troligen "
        "under hämtningen. Försök igen om en stund."
    )
