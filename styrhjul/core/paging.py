"""Long lists in pages, shown a page at a time.

A list of thousands of rows (an occasion's tasks over a whole municipality)
is a page of megabytes that the browser, a screen reader and a phone at 320
px all struggle with, and that no one reads from top to bottom: they filter
it, and the counts above it stay those of the whole list. `page_of` picks
the page asked for with `?sida=N` (a page number out of range gives the
nearest page, text the first) and the numbers to show in the page links
(web/_pagination.html): the first and last, two on each side of the current
one, and an ellipsis between."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator

PAGE_PARAMETER = "sida"


def page_of(query, rows: Sequence, per_page: int) -> Page:
    """The page of `rows` that `query` (request.GET) asks for, with
    `links`: the page numbers to link, Paginator.ELLIPSIS where some are
    left out."""
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(query.get(PAGE_PARAMETER))
    page.links = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
