"""A local stand-in for Kolada's v3 API, for the benchmark and the tests.

`serve(handler)` runs an http.server on 127.0.0.1 (a free port) in a thread;
`handler(path_and_query)` returns (status, headers, body). `GeneratedKolada`
is a handler that makes up any amount of data in Kolada's shape: KPI and
municipality definitions for any id, and three values (T, K, M) for every
KPI × municipality × year asked for, paged like Kolada with next_url.

`python -m styrhjul.kolada.fakeserver` serves GeneratedKolada in its own
process and prints the base URL on the first line (used by `styrhjul
kolada-bench`, so that making up the responses does not share a CPU or the
memory figures with the sync being measured). No Django here.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Response = tuple[int, dict, bytes]
Handler = Callable[[str], Response]


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body


def envelope(values: list, next_url: str | None = None) -> dict:
    return {"values": values, "count": len(values), "next_url": next_url, "previous_url": None}


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    handler: Handler

    def do_GET(self):  # noqa: N802 (http.server's name)
        try:
            status, headers, body = self.server.kolada_handler(self.path)  # type: ignore[attr-defined]
        except Exception as exc:  # a bug in a test handler: answer 500, visibly
            status, headers, body = 500, {}, f"fake server error: {exc!r}".encode()
        self.send_response(status)
        headers = dict(headers)
        if "Content-Length" not in headers:
            headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format, *args):  # quiet
        pass


@contextlib.contextmanager
def serve(handler: Handler, prefix: str = "/v3") -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 in a thread; yields the base URL
    (http://127.0.0.1:PORT/v3)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
    server.daemon_threads = True
    server.kolada_handler = handler  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class GeneratedKolada:
    """Made-up Kolada data, the same for the same request."""

    def __init__(self, origin: str = "", max_per_page: int = 5000):
        self.origin = origin
        self.max_per_page = max_per_page
        self.requests = 0

    def __call__(self, path: str) -> Response:
        self.requests += 1
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        segments = [s for s in parts.path.split("/") if s]
        if segments and segments[0] == "v3":
            segments = segments[1:]
        if len(segments) == 2 and segments[0] == "kpi":
            return json_response(envelope([self.kpi(i) for i in _ids(segments[1])]))
        if len(segments) == 2 and segments[0] == "municipality":
            return json_response(envelope([self.municipality(i) for i in _ids(segments[1])]))
        if len(segments) == 7 and segments[0] == "data":
            dims = dict(zip(segments[1::2], segments[2::2], strict=True))
            return self.data(parts.path, query, dims)
        return json_response({"error": "not found"}, status=404)

    @staticmethod
    def kpi(kpi_id: str) -> dict:
        return {
            "id": kpi_id,
            "title": f"Prestandanyckeltal {kpi_id}, andel (%)",
            "description": "Påhittat nyckeltal för prestandamätningen.",
            "operating_area": "Prestanda",
            "perspective": "Resultat",
            "auspice": "X",
            "is_divided_by_gender": True,
            "has_ou_data": False,
            "municipality_type": "K",
            "publ_period": "Årligen",
            "publication_date": "2026-03-01",
            "prel_publication_date": None,
        }

    @staticmethod
    def municipality(municipality_id: str) -> dict:
        return {"id": municipality_id, "title": f"Provkommun {municipality_id}", "type": "K"}

    def data(self, path: str, query: dict, dims: dict) -> Response:
        kpis = _ids(dims["kpi"])
        places = _ids(dims["municipality"])
        years = [int(y) for y in _ids(dims["year"])]
        per_page = min(int(query.get("per_page", 5000)), self.max_per_page)
        page = int(query.get("page", 1))
        total = len(kpis) * len(places) * len(years)
        start = (page - 1) * per_page
        stop = min(start + per_page, total)
        rows = []
        n_places, n_years = len(places), len(years)
        for index in range(start, stop):
            k, rest = divmod(index, n_places * n_years)
            m, y = divmod(rest, n_years)
            seed = (index * 2654435761) % 1000003
            total_value = round(seed / 10007, 4)
            rows.append(
                {
                    "values": [
                        {"gender": "T", "count": 1, "status": "", "value": total_value,
                         "isdeleted": False},
                        {"gender": "K", "count": 1, "status": "",
                         "value": round(total_value * 1.07, 4), "isdeleted": False},
                        {"gender": "M", "count": 1, "status": "",
                         "value": round(total_value * 0.93, 4), "isdeleted": False},
                    ],
                    "kpi": kpis[k],
                    "period": years[y],
                    "municipality": places[m],
                }
            )  # fmt: skip
        next_url = None
        if stop < total:
            q = dict(query, page=page + 1, per_page=per_page)
            next_url = f"{self.origin}{path}?{urllib.parse.urlencode(q)}"
        return json_response(envelope(rows, next_url))


def _ids(segment: str) -> list[str]:
    return [s for s in urllib.parse.unquote(segment).split(",") if s]


def main() -> None:
    """Serve GeneratedKolada until stdin closes; print the base URL first."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
    server.daemon_threads = True
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    server.kolada_handler = GeneratedKolada(origin)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"{origin}/v3", flush=True)
    sys.stdin.read()  # the parent closes our stdin when it is done
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
