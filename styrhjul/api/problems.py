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
    413: "För stort anrop",
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


# The statuses any operation may answer with a problem, besides its own.
STATUSES = {
    401: "Inte inloggad, eller nyckeln är okänd, återkallad eller utgången.",
    403: "Inte tillåtet (t.ex. en läsnyckel som försöker ändra).",
    404: "Finns inte, eller får inte läsas.",
    422: "Felaktiga uppgifter, med felen per fält eller rad i errors.",
    429: "För många anrop; försök igen efter Retry-After sekunder.",
}
# And those of the writes.
WRITE_STATUSES = {
    400: "Felaktig begäran.",
    409: "Någon annan har ändrat; current visar det sparade.",
    412: "If-Match är inte ett versionsnummer.",
    428: "If-Match saknas.",
}
PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "Ett fel enligt RFC 9457 (application/problem+json), med svenska texter.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": ["integer", "null"]},
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
        "current": {"type": "object"},
    },
    "required": ["type", "title", "status", "detail"],
}


def with_problems(schema: dict) -> dict:
    """The OpenAPI document with the problem responses on every operation."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = dict(STATUSES)
            if method != "get":
                statuses.update(WRITE_STATUSES)
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": description,
                    "content": {CONTENT_TYPE: {"schema": ref}},
                }
    return schema
