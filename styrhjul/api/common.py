"""What every part of the API shares: the page size and cursor pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from ninja.pagination import CursorPagination, paginate
from pydantic import AfterValidator, Field

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

# An id as the database stores it (a 64-bit integer) and a year: a number
# outside them is wrong input (422), never a database error.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Year = Annotated[int, Field(ge=1900, le=2999)]


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("Texten får inte innehålla tecknet NUL (\\u0000).")
    return text


# Text sent to be stored or looked up: a NUL character, which no database
# column holds (PostgreSQL refuses it), is wrong input (422).
Text = Annotated[str, AfterValidator(_no_nul)]


class _Cursor(CursorPagination):
    """Cursor pagination that may complete a page's rows in one go (`after`,
    e.g. the tasks' progress for the whole page in a fixed number of
    queries) before they are written out."""

    def __init__(self, *, after: Callable[[list], None] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.after = after

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.after is not None and page[self.items_attribute]:
            self.after(page[self.items_attribute])
        return page


def paged(ordering=("pk",), after: Callable[[list], None] | None = None):
    """Cursor pagination: `{"results", "next", "previous"}`, stable when rows
    are added. `after(rows)` completes a page's rows."""
    return paginate(
        _Cursor,
        ordering=ordering,
        page_size=PAGE_SIZE,
        max_page_size=MAX_PAGE_SIZE,
        after=after,
    )
