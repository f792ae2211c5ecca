"""What every `styrhjul` command shares: reading an argument (a year, a date,
a whole number, a list) with a Swedish message that names the argument,
finding one object by its id or its name (the follow-up occasion that
`--occasion` names), and writing the result as an aligned text table or,
with `--json`, as JSON for scripts.

The kernel knows no app: the objects looked up are passed in, and are
described by what they show (`str()` or a function)."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class ArgumentProblem(ValueError):
    """Bad input on the command line: the message is Swedish and begins with
    the argument it is about ("--year: …")."""


YEAR_MIN, YEAR_MAX = 1900, 2200


def year(value: str | int | None, option: str = "--year") -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ArgumentProblem(f"{option}: ange året med fyra siffror, t.ex. 2026.") from None
    if not YEAR_MIN <= number <= YEAR_MAX:
        raise ArgumentProblem(f"{option}: ange ett år mellan {YEAR_MIN} och {YEAR_MAX}.")
    return number


def date(value: str | datetime.date, option: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ArgumentProblem(
            f"{option}: ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-07-15 (inte ”{value}”)."
        ) from None


def whole_number(value: str | int, option: str, *, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ArgumentProblem(f"{option}: ange ett heltal (inte ”{value}”).") from None
    if number < minimum:
        raise ArgumentProblem(f"{option}: ange ett tal från och med {minimum}.")
    return number


def names(value: str | Sequence[str] | None) -> list[str]:
    """A comma-separated list ("Verksamhetsplan, Internkontrollplan") or a
    repeated option, as a list of names without surrounding spaces."""
    if value is None:
        return []
    parts = [value] if isinstance(value, str) else list(value)
    return [name.strip() for part in parts for name in part.split(",") if name.strip()]


def norm(text: str) -> str:
    """A name as compared: case and runs of spaces ignored."""
    return " ".join(str(text).split()).casefold()


def one_by_reference(
    reference: str | int,
    candidates: Iterable[Any],
    *,
    option: str,
    noun: str,
    names_of: Callable[[Any], Iterable[str]],
    describe: Callable[[Any], str] = str,
    hint: str = "",
    ambiguous_hint: str = "Ange id.",
):
    """The one candidate that `reference` names: its id (digits), or one of
    its names (`names_of`, compared without regard to case or spaces).

    Raises ArgumentProblem, in Swedish, naming the option and listing the
    candidates when nothing or more than one matches. Every command that
    takes a follow-up occasion finds it through here (followup.lookup)."""
    candidates = list(candidates)
    text = str(reference).strip()
    if not text:
        raise ArgumentProblem(f"{option}: ange id eller namn.")
    if text.isdigit():
        found = [c for c in candidates if c.pk == int(text)]
        if found:
            return found[0]
    wanted = norm(text)
    found = [c for c in candidates if wanted in {norm(n) for n in names_of(c)}]
    if len(found) == 1:
        return found[0]
    if found:
        raise ArgumentProblem(
            f"{option}: ”{text}” kan vara flera {noun}: {_listing(found, describe)}. "
            f"{ambiguous_hint}"
        )
    listing = _listing(candidates, describe) if candidates else "inga"
    more = f" {hint}" if hint else ""
    raise ArgumentProblem(
        f"{option}: det finns inga {noun} med id eller namn ”{text}”{more}. "
        f"Att välja bland: {listing}."
    )


def _listing(objects: Sequence[Any], describe: Callable[[Any], str], limit: int = 25) -> str:
    shown = [f"{describe(o)} (id {o.pk})" for o in objects[:limit]]
    if len(objects) > limit:
        shown.append(f"och {len(objects) - limit} till")
    return ", ".join(shown)


# argparse's own messages (in English) as Swedish, naming the argument.
_ARGPARSE = [
    (re.compile(r"the following arguments are required: (.*)"), r"de här argumenten saknas: \1"),
    (
        re.compile(r"argument ([^:]+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)"),
        r"\1: ”\2” finns inte att välja, välj bland \3",
    ),
    (re.compile(r"argument ([^:]+): expected one argument"), r"\1: ange ett värde"),
    (re.compile(r"argument ([^:]+): invalid (\w+) value: (.*)"), r"\1: ogiltigt värde \3"),
    (re.compile(r"unrecognized arguments: (.*)"), r"okända argument: \1"),
]


def swedish_usage_error(message: str) -> str:
    for pattern, replacement in _ARGPARSE:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message


# --- Output -------------------------------------------------------------------------------


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list | tuple):
        return ", ".join(text_value(v) for v in value)
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def table(rows: Sequence[dict], columns: Sequence[tuple[str, str]]) -> str:
    """Rows as plain text: a heading line, then one line per row, the columns
    left-aligned and padded to their widest cell, two spaces between."""
    cells = [[heading for _key, heading in columns]]
    cells += [[text_value(row.get(key)) for key, _heading in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
    return "\n".join(lines)


def as_json(data: Any) -> str:
    return json.dumps(json_value(data), ensure_ascii=False, indent=2)
