"""The organisation tree drawn in one pass: a municipality has thousands of
units, and a template include per unit (with a URL reversed for each) took
most of the page's time. Like the goal tree (planning/templatetags), the
lines are built here from plain values, escaped with html.escape, with the
URL and the words looked up once per tree."""

from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()
_SENTINEL = "987654321"
_SEPARATOR = "\x00"


def _escaped(texts: list[str]) -> list[str]:
    """html.escape of each text, done on all of them at once: five
    replacements over one string instead of five per unit. A text that
    holds the separator itself is escaped on its own."""
    parts = escape(_SEPARATOR.join(texts)).split(_SEPARATOR)
    if len(parts) != len(texts):
        return [escape(text) for text in texts]
    return parts


def _lines(rows, url: str, closed: str) -> dict[int, str]:
    """Each unit's line (its link, type, code and closing) by pk."""
    names = _escaped([row[1] for row in rows])
    codes = _escaped([row[2] for row in rows])
    types = {name: escape(name) for name in {row[3] for row in rows}}
    href = url.split(_SENTINEL)
    lines = {}
    for row, name, code in zip(rows, names, codes, strict=True):
        pk, valid_to = row[0], row[4]
        line = (
            f'<li><a href="{str(pk).join(href)}">{name}</a> '
            f'<span class="unit-type">{types[row[3]]} · {code}</span>'
        )
        if valid_to:
            line += f' <span class="tag tag--closed">{closed} {valid_to.isoformat()}</span>'
        lines[pk] = line + "\n"
    return lines


def _render(rows, children, lines, out: list[str]) -> None:
    for row in rows:
        pk = row[0]
        out.append(lines[pk])
        below = children.get(pk)
        if below:
            out.append("<ul>")
            _render(below, children, lines, out)
            out.append("</ul>")
        out.append("</li>\n")


@register.simple_tag
def unit_tree(tree):
    """The units of `tree` (queries.UnitTree), as nested list items with
    links to the units' pages."""
    rows = [*tree.roots, *(row for below in tree.children.values() for row in below)]
    url = reverse("organisation:unit", args=[_SENTINEL])
    lines = _lines(rows, url, escape(_("stängd")))
    out: list[str] = []
    _render(tree.roots, tree.children, lines, out)
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
