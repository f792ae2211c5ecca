"""The rows of an underlag (followup.underlag.Underlag) written in one pass.
An item shared to a whole administration has some 300 units below it, and
the template's loop over them (a dozen tags and filters per cell) was most
of the page's time. The markup is the one the template gave; the words are
translated and escaped once per page, not once per row."""

from __future__ import annotations

from django import template
from django.template import Engine
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from styrhjul.followup.reporting import esc
from styrhjul.followup.templatetags.report_items import date_text

register = template.Library()

MISSING = "–"


class _Words:
    """The page's translated words, escaped once, and the filters of the
    numbers library the template used (in_precision, number_in_precision),
    looked up as the template looked them up: the same rule for a value's
    precision, from the layer that writes pages."""

    def __init__(self):
        numbers = Engine.get_default().template_libraries["numbers"].filters
        self.in_precision = numbers["in_precision"]
        self.number_in_precision = numbers["number_in_precision"]

        def word(text: str) -> str:
            return esc(_(text))

        self.post = word("Post")
        self.status = word("Status/bedömning")
        self.completion = word("Färdighetsgrad")
        self.outcome = word("Utfall")
        self.text = word("Kommentar/analys")
        self.by = word("Rapporterat av")
        self.shared = f'<span class="tag tag--shared">{word("Delad")}</span>'
        self.contributes = f' <span class="muted">({word("bidrar")})</span>'
        self.started_row = f'<span class="muted">{word("Påbörjad, ej rapporterat")}</span>'
        self.not_reported = f'<span class="muted">{word("Ej rapporterat")}</span>'
        self.women = word("kvinnor")
        self.men = word("män")
        self.started = f' <span class="muted">({word("påbörjad")})</span>'


def _scale_value(value, cache: dict) -> str:
    """A status or assessment with its colour and symbol (decorative), once
    per value of the scale."""
    html = cache.get(value.pk)
    if html is None:
        html = cache[value.pk] = (
            f'<span class="swatch" style="background-color: {esc(value.colour)}" '
            f'aria-hidden="true"></span><span class="scale-value__symbol" '
            f'aria-hidden="true">{esc(value.symbol)}</span> {esc(value.label)}'
        )
    return html


def _row(row, w: _Words, values: dict, names: dict) -> str:
    item, report, value = row.item, row.report, row.value
    unit_name = names.get(row.unit.pk)
    if unit_name is None:
        unit_name = names[row.unit.pk] = esc(row.unit.name)
    if row.shared:
        post = w.shared
    else:
        number = f"{esc(item.number)} " if item.number else ""
        post = f"{number}{esc(item.title)}{w.contributes}"
    sv = row.scale_value
    if sv is not None:
        status = _scale_value(sv, values)
    elif row.started:
        status = w.started_row
    elif not row.reported:
        status = w.not_reported
    else:
        status = MISSING
    if report is not None and report.completion is not None:
        completion = f"{esc(localize(report.completion))} %"
    else:
        completion = MISSING
    if value is not None and value.value is not None:
        outcome = esc(w.in_precision(value.value, item))
        if value.period:
            outcome += f' <span class="muted">({esc(value.period)})</span>'
        if item.gender_split:
            women = esc(w.number_in_precision(value.value_women, item))
            men = esc(w.number_in_precision(value.value_men, item))
            outcome += f'<br><span class="gender-split">{w.women} {women}, {w.men} {men}</span>'
    else:
        outcome = MISSING
    text = row.text
    text = linebreaksbr(text, autoescape=True) if text else MISSING
    if report is not None:
        who = esc(report.updated_by) if report.updated_by else MISSING
        when = esc(date_text(report.updated_at, "Y-m-d H:i"))
        by = f'{who}<br><span class="muted">{when}</span>'
    else:
        by = MISSING
    return (
        f'\n  <tr>\n    <th scope="row">{unit_name}</th>\n'
        f'    <td data-label="{w.post}">{post}</td>\n'
        f'    <td data-label="{w.status}">{status}</td>\n'
        f'    <td class="num" data-label="{w.completion}">{completion}</td>\n'
        f'    <td class="num" data-label="{w.outcome}">{outcome}</td>\n'
        f'    <td data-label="{w.text}">{text}</td>\n'
        f'    <td data-label="{w.by}">{by}</td>\n  </tr>'
    )


@register.simple_tag
def underlag_rows(rows) -> str:
    """The <tr> of each row (UnderlagRow) of the table of the units' reports."""
    words = _Words()
    values: dict = {}
    names: dict = {}
    return mark_safe("".join(_row(row, words, values, names) for row in rows))


@register.simple_tag
def underlag_missing(missing) -> str:
    """The <li> of each unit that has not reported (underlag.Missing): the
    unit, the items it misses (none when only the shared item) and which
    are started."""
    w = _Words()
    out = []
    for m in missing:
        out.append(f"<li>{esc(m.unit.name)}")
        named = m.named_rows
        if named:
            out.append(" – ")
            out.append(
                ", ".join(esc(r.item.title) + (w.started if r.started else "") for r in named)
            )
        elif m.rows and m.rows[0].started:
            out.append(w.started)
        out.append("</li>")
    return mark_safe("".join(out))
