"""Rendering of the risk analysis's lists (planning/risk.html): the risks
in the matrix's cells, the unassessed risks and the risk list, built in
one pass with escaped strings as the item trees are (planning.py): words
and the item URL looked up once per page instead of a {% url %}, a
{% blocktranslate %} and a dozen variable lookups per row. The HTML is the
one the template's loops wrote."""

from __future__ import annotations

import unicodedata
from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from styrhjul.planning.models import Item

register = template.Library()
_SENTINEL = "987654321"


def _item_url() -> str:
    return reverse("planning:item", args=[_SENTINEL])


def _link(url: str, pk: int) -> str:
    return url.replace(_SENTINEL, str(pk))


def _short(text: str, length: int = 60) -> str:
    """`Truncator(text).chars(length)`: a text within the length comes back
    as Truncator returns it (NFC-normalised), without counting it
    character by character."""
    normalised = unicodedata.normalize("NFC", text)
    if len(normalised) <= length:
        return normalised
    return Truncator(text).chars(length)


def _lines(text: str) -> str:
    """`{{ text|linebreaksbr }}`: escaped, each line break a <br>."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _escape(text).replace("\n", "<br>")


def _numbered(item, title: str) -> str:
    """`{% if number %}{{ number }} {% endif %}{{ title }}`, escaped."""
    return (_escape(item.number) + " " if item.number else "") + _escape(title)


@register.simple_tag
def risk_cell_list(cell):
    """The risks of a cell of the matrix: their titles cut at 60 characters."""
    if not cell.risks:
        return ""
    url = _item_url()
    out = ['<ul class="risk-cell__list">']
    for r in cell.risks:
        title = _short(r.item.title)
        out.append(f'<li><a href="{_link(url, r.item.pk)}">{_numbered(r.item, title)}</a></li>')
    out.append("</ul>")
    return mark_safe("".join(out))


@register.simple_tag
def risk_links(risks):
    """The unassessed risks, each a list item with a link to it."""
    url = _item_url()
    return mark_safe(
        "".join(
            f'<li><a href="{_link(url, r.item.pk)}">{_numbered(r.item, r.item.title)}</a></li>'
            for r in risks
        )
    )


def _or_dash(text) -> str:
    return _escape(text) if text else "–"


@register.simple_tag
def risk_rows(risks, can_write: bool, decide_url: str):
    """The rows of the risk list, one <tr> per risk, with the line breaks
    and indentation the template's loop wrote around them."""
    url = _item_url()
    decide = _escape(decide_url)
    shared = _("delad från %(u)s")
    unassessed = _escape(_("Ej riskbedömd"))
    no_decision = _escape(_("Inget beslut"))
    change = _escape(_("Ändra beslut"))
    about = _("om %(t)s")
    handlings = {
        value: _escape(str(label))
        for value, label in Item._meta.get_field("risk_handling").flatchoices
    }
    out = []
    for r in risks:
        item = r.item
        pk = str(item.pk)
        risk_cell = f'<a href="{_link(url, item.pk)}">{_escape(item.title)}</a>'
        if r.shared_from:
            risk_cell += f' <span class="badge">{shared % {"u": _escape(r.shared_from)}}</span>'
        if item.risk:
            risk_cell += f'<br><span class="muted">{_lines(item.risk)}</span>'
        probability = (
            f"{item.probability} {_escape(r.probability_label)}" if item.probability else "–"
        )
        consequence = (
            f"{item.consequence} {_escape(r.consequence_label)}" if item.consequence else "–"
        )
        if r.value:
            value = (
                f'<span class="risk-band risk-band--{_escape(r.band_key)}">'
                f"{r.value} {_escape(r.band_label)}</span>"
            )
        else:
            value = unassessed
        if item.risk_handling:
            decision = handlings.get(item.risk_handling, _escape(item.risk_handling))
            if item.risk_handling_reason:
                decision += f'<br><span class="muted">{_lines(item.risk_handling_reason)}</span>'
        else:
            decision = no_decision
        decision += "\n        "
        if can_write and not r.shared_from:
            decision += (
                f'<br><a href="{decide}{pk}#beslut">{change}<span class="visually-hidden"> '
                f"{about % {'t': _escape(item.title)}}</span></a>"
            )
        out.append(
            f'\n    <tr id="risk-{pk}">\n'
            f"      <td>{_or_dash(item.number)}</td>\n"
            f"      <td>{_or_dash(item.area)}</td>\n"
            f"      <td>{_or_dash(item.process)}</td>\n"
            f"      <td>{risk_cell}</td>\n"
            f"      <td>{probability}</td>\n"
            f"      <td>{consequence}</td>\n"
            f"      <td>{value}</td>\n"
            f"      <td>{decision}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(out))
