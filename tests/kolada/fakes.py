"""A Kolada made of the recordings (tests/kolada/recordings/), and fakes for
the client's opener, sleep and clock. No network."""

from __future__ import annotations

import email.message
import io
import json
import urllib.error
import urllib.parse
from pathlib import Path

from styrhjul.kolada.client import KoladaClient

RECORDINGS = Path(__file__).parent / "recordings"
KOLADA_ORIGIN = "https://api.kolada.se"


def recording(name: str):
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


def recording_bytes(name: str) -> bytes:
    return (RECORDINGS / name).read_bytes()


def body(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def envelope(values, next_url=None) -> dict:
    return {"values": values, "count": len(values), "next_url": next_url, "previous_url": None}


def _ids(segment: str) -> list[str]:
    return [s for s in urllib.parse.unquote(segment).split(",") if s]


class RecordedKolada:
    """Answers like Kolada v3 from the recordings: picks the rows named by
    the path's ids, pages them by per_page/page with an absolute next_url
    (on api.kolada.se, as Kolada writes it), and answers requests with
    from_date from `changes` (the handmade "changed since" response).

    `script[path_prefix]` is a list of canned (status, headers, body)
    answers used, in order, before the recordings for matching requests.
    `requests` lists the paths asked for."""

    def __init__(self):
        self.kpis = recording("handmade_kpi.json")["values"]
        self.municipalities = recording("v3_municipality_values_trimmed.json")
        self.rows = recording("v3_data_kpi_N21704_year_2023_trimmed.json")["values"]
        self.changes = recording("handmade_changes_since.json")["values"]
        self.script: dict[str, list] = {}
        self.requests: list[str] = []

    def __call__(self, path: str):
        self.requests.append(path)
        for prefix, answers in self.script.items():
            if path.startswith(prefix) and answers:
                return answers.pop(0)
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        segments = [s for s in parts.path.split("/") if s][1:]  # without "v3"
        if len(segments) == 2 and segments[0] == "kpi":
            wanted = _ids(segments[1])
            return self._page(parts.path, query, [k for k in self.kpis if k["id"] in wanted])
        if len(segments) == 2 and segments[0] == "municipality":
            wanted = _ids(segments[1])
            found = [m for m in self.municipalities if m["id"] in wanted]
            return self._page(parts.path, query, found)
        if len(segments) == 7 and segments[0] == "data":
            dims = dict(zip(segments[1::2], segments[2::2], strict=True))
            kpis, places = _ids(dims["kpi"]), _ids(dims["municipality"])
            years = [int(y) for y in _ids(dims["year"])]
            source = self.changes if "from_date" in query else self.rows
            rows = [
                r
                for r in source
                if r["kpi"] in kpis and r["municipality"] in places and r["period"] in years
            ]
            return self._page(parts.path, query, rows)
        return 404, {}, b'{"error": "not found"}'

    def _page(self, path: str, query: dict, items: list):
        per_page = int(query.get("per_page", 5000))
        page = int(query.get("page", 1))
        start = (page - 1) * per_page
        chunk = items[start : start + per_page]
        next_url = None
        if start + per_page < len(items):
            next_query = urllib.parse.urlencode(dict(query, page=page + 1))
            next_url = f"{KOLADA_ORIGIN}{path}?{next_query}"
        return 200, {"Content-Type": "application/json"}, body(envelope(chunk, next_url))


class FakeClock:
    """time.monotonic and time.sleep for the client: sleeping moves the clock."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeResponse:
    def __init__(self, status: int, headers: dict, data: bytes):
        self.status = status
        self.headers = _message(headers)
        self._data = data

    def read(self) -> bytes:
        return self._data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _message(headers: dict) -> email.message.Message:
    message = email.message.Message()
    for name, value in headers.items():
        message[name] = value
    return message


class FakeOpener:
    """The client's opener without a network: hands the request's path and
    query to `handler`, which returns (status, headers, body) or an
    exception to raise. Error statuses are raised as urllib's HTTPError, as
    urllib does. Records (url, clock time) of every request."""

    def __init__(self, handler, clock: FakeClock | None = None):
        self.handler = handler
        self.clock = clock
        self.calls: list[tuple[str, float | None]] = []

    @property
    def urls(self) -> list[str]:
        return [url for url, _ in self.calls]

    def __call__(self, request, timeout):
        url = request.full_url
        self.calls.append((url, self.clock() if self.clock else None))
        parts = urllib.parse.urlsplit(url)
        answer = self.handler(parts.path + (f"?{parts.query}" if parts.query else ""))
        if isinstance(answer, BaseException):
            raise answer
        status, headers, data = answer
        if status >= 400:
            raise urllib.error.HTTPError(url, status, "fel", _message(headers), io.BytesIO(data))
        return FakeResponse(status, headers, data)


def make_client(handler=None, *, clock: FakeClock | None = None, **options):
    """A client on a FakeOpener over `handler` (default: RecordedKolada),
    with a fake clock and sleep. Returns (client, opener, clock)."""
    clock = clock or FakeClock()
    opener = FakeOpener(handler or RecordedKolada(), clock)
    client = KoladaClient(
        f"{KOLADA_ORIGIN}/v3", opener=opener, sleep=clock.sleep, clock=clock, **options
    )
    return client, opener, clock
