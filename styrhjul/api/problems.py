"""Errors as problem+json (RFC 9457), with Swedish titles and details.

Every error the API answers goes through `problem`: a JSON body with
`type`, `title`, `status` and `detail` (and `errors` per field when the
input was wrong), served as application/problem+json."""

from __future__ import annotations

import json

from django.http import HttpResponse

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Felaktig begäran",
    401: "Inte inloggad",
    403: "Inte tillåtet",
    404: "Finns inte",
    405: "Metoden stöds inte",
    409: "Någon annan har ändrat",
    412: "Versionen stämmer inte",
    422: "Felaktiga uppgifter",
    428: "Version saknas",
    429: "För många anrop",
    500: "Ett fel inträffade",
}


def problem(
    status: int, detail: str, *, title: str | None = None, headers: dict | None = None, **extra
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "Fel"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class Problem(Exception):
    """Raised by the API's own code: answered as problem+json."""

    def __init__(self, status: int, detail: str, *, headers: dict | None = None, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extra = extra
