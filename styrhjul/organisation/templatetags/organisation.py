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


def _render(nodes, out: list[str], url: str, closed: str) -> None:
    for node in nodes:
        unit = node.unit
        out.append(
            f'<li><a href="{url.replace(_SENTINEL, str(unit.pk))}">{escape(unit.name)}</a> '
            f'<span class="unit-type">{escape(unit.unit_type)} · {escape(unit.code)}</span>'
        )
        if unit.valid_to:
            closing = unit.valid_to.isoformat()
            out.append(f' <span class="tag tag--closed">{closed} {closing}</span>')
        out.append("\n")
        if node.children:
            out.append("<ul>")
            _render(node.children, out, url, closed)
            out.append("</ul>")
        out.append("</li>\n")


@register.simple_tag
def unit_tree(roots):
    """The units of `roots` (queries.TreeNode) and everything under them, as
    nested list items with links to the units' pages."""
    out: list[str] = []
    _render(roots, out, reverse("organisation:unit", args=[_SENTINEL]), escape(_("stängd")))
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
