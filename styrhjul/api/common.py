"""What every part of the API shares: the page size and cursor pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from django.db.models import QuerySet
from ninja.pagination import CursorPagination, paginate
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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


class Row(BaseModel):
    """An output row whose every field is a plain attribute of the model
    object (no resolve_… methods, no managers, no files): pydantic reads the
    attributes itself (from_attributes) instead of through django-ninja's
    DjangoGetter around each object, a tenth of the time for a page of 100
    rows. The answer and the OpenAPI document are the same; a schema that
    needs a resolver stays a ninja Schema."""

    model_config = ConfigDict(from_attributes=True)


# Text sent to be stored or looked up: a NUL character, which no database
# column holds (PostgreSQL refuses it), is wrong input (422).
Text = Annotated[str, AfterValidator(_no_nul)]


class _Cursor(CursorPagination):
    """Cursor pagination that may complete a page's rows in one go (`after`,
    e.g. the tasks' progress for the whole page in a fixed number of
    queries) before they are written out, and may find the page's rows by
    their ids first (`ids_first`)."""

    def __init__(
        self,
        *,
        after: Callable[[list], None] | None = None,
        rows: Callable[[list], QuerySet] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.after = after
        self.rows = rows

    def paginate_queryset(self, queryset, pagination, request, **params):
        if self.rows is not None:
            page = self._by_ids(queryset, pagination, request, **params)
        else:
            page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.after is not None and page[self.items_attribute]:
            self.after(page[self.items_attribute])
        return page

    def _by_ids(self, queryset, pagination, request, **params):
        """The page found on the rows' ids and ordering column alone (no
        joined tables, nothing prefetched), then its rows read by id alone
        (`rows(ids)`, with what they are written out with): the database
        sorts and cuts narrow rows, not every matching row with its joins.
        The ids are those the filtered query found, so reading them again
        by id alone reads nothing else."""
        narrow = (
            queryset.select_related(None)
            .prefetch_related(None)
            .only(*{"pk", self._order_attribute})
        )
        page = super().paginate_queryset(narrow, pagination, request, **params)
        ids = [row.pk for row in page[self.items_attribute]]
        if ids:
            found = {row.pk: row for row in self.rows(ids)}
            page[self.items_attribute] = [found[pk] for pk in ids]
        return page


def paged(
    ordering=("pk",),
    after: Callable[[list], None] | None = None,
    rows: Callable[[list], QuerySet] | None = None,
):
    """Cursor pagination: `{"results", "next", "previous"}`, stable when rows
    are added. `after(rows)` completes a page's rows. `rows(ids)`: the page
    is found on ids alone and its rows are then read by `rows`, one query
    more (for lists whose rows join several tables over a large table)."""
    return paginate(
        _Cursor,
        ordering=ordering,
        page_size=PAGE_SIZE,
        max_page_size=MAX_PAGE_SIZE,
        after=after,
        rows=rows,
    )
