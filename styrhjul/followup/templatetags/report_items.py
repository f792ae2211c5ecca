"""The items of a task's reporting page (queries.Entry with their forms),
written in one pass. A page has some 200 items, and a template per item was
most of the page's time: the parts every item has (heading, state, review
comment, the form's fields, the report read-only) are written here with the
markup the template gave, and so are an indicator's and a goal's facts and
a goal's guiding questions; the parts few items have (an indicator's earlier
outcomes, its outcome from Kolada and its values per group, a stale computed
value, an edit conflict, an indicator's outcome read-only) stay in
followup/_report_item_parts.html."""

from __future__ import annotations

import datetime

from django import template
from django.forms.utils import pretty_name
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr, lower
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from styrhjul.charts.numbers import value_in_precision
from styrhjul.followup.reporting import (
    ScaleChoiceField,
    WidgetRenderer,
    esc,
    field_errors,
    is_simple,
    simple_widget_html,
    widget_html,
)
from styrhjul.model.models import ItemKind
from styrhjul.planning.models import Item

register = template.Library()

_PK = "987654321"
# Where a form's markup on the page (_Page.field) has the item's id and a
# field's value: text no label, help text or value has.
_MARK = "\x00"
_VALUE = "\x01"
PARTS = "followup/_report_item_parts.html"


def date_text(value, fmt: str) -> str:
    """{{ value|date:fmt }}: in the current time zone, "" when missing. The
    two formats the page uses are written directly (Django's date filter,
    a format parser per call, was a twentieth of the page's time), with its
    digits: Y four, m, d, H and i two."""
    if value is None or value == "":
        return ""
    value = template_localtime(value)
    if fmt == "Y-m-d":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if fmt == "Y-m-d H:i" and isinstance(value, datetime.datetime):
        return (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}"
        )
    return date_filter(value, fmt)


def _lines(text) -> str:
    """{{ text|linebreaksbr }}"""
    return linebreaksbr(text, autoescape=True)


def _scale(value) -> str:
    """A scale value read-only: the symbol (decorative) and the text."""
    return (
        f'<span class="scale-value__symbol" aria-hidden="true" style="color: '
        f'{esc(value.colour)}">{esc(value.symbol)}</span> {esc(value.label)}'
    )


class _Page:
    """What every item of one page shares: the task, the translated words,
    the addresses (with the item's id put in), the form's token and the
    templates of the rare parts."""

    def __init__(self, context):
        self.task = context.get("task")
        self.underlag_ids = context.get("underlag_ids") or ()
        self.guiding_questions = context.get("guiding_questions")
        token = context.get("csrf_token")
        self.csrf_token = token
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(token)}">'
            if token and token != "NOTPROVIDED"
            else ""
        )
        task_pk = str(self.task.pk)
        self.item_url = reverse("planning:item", args=[_PK])
        self.underlag_url = reverse("followup:underlag", args=[task_pk, _PK])
        self.report_url = reverse("followup:report_item", args=[task_pk, _PK])
        self.indicator_url = reverse("indicators:indicator", args=[_PK])
        self.guiding = "".join(f"<li>{esc(q)}</li>" for q in self.guiding_questions or ())
        self.kinds = {k: esc(str(label)) for k, label in ItemKind.choices}
        # An indicator's direction as item.get_direction_display() gives it,
        # translated once for the page.
        self.directions = {
            k: esc(str(label)) for k, label in Item._meta.get_field("direction").flatchoices
        }
        self.words = {
            key: esc(_(text))
            for key, text in (
                ("reported", "Rapporterad"),
                ("started", "Påbörjad, ej rapporterad"),
                ("not_reported", "Ej rapporterad"),
                ("show", "Visa posten"),
                ("underlag", "Underlag"),
                ("review", "Kommentar från granskningen"),
                ("saved", "Sparat."),
                ("not_saved", "Det gick inte att spara"),
                ("correct", "Rätta felen nedan. Det du skrivit finns kvar."),
                ("error", "Fel:"),
                ("save", "Spara"),
                ("status", "Status"),
                ("completion", "Färdighetsgrad"),
                ("assessment", "Bedömning"),
                ("analysis", "Analys"),
                ("result", "Resultat"),
                ("comment", "Kommentar"),
                ("measure", "Åtgärd"),
                ("responsible", "Ansvarig:"),
                ("due", "Klart senast:"),
                ("nothing", "Inget rapporterat."),
                ("target", "Målvärde"),
                ("baseline", "Utgångsvärde"),
                ("direction", "Riktning"),
                ("charts", "Diagram och jämförelser"),
                ("goal_facts", "Nyckeltal som följer upp målet"),
                ("latest", "Senaste utfall"),
                ("comparison", "Jämförelse"),
                ("groups", "Grupper"),
                ("questions", "Frågor att besvara i analysen"),
            )
        }
        self.shared_from = _("delad från %(unit)s")
        self.saved_by = _("Senast sparad %(when)s av %(who)s.")
        self.for_title = _("för %(title)s")
        self.outcome = _("Utfall %(year)s")
        self.difference = _("Vad förklarar skillnaden i %(t)s?")
        self._parts = {}
        self._escaped: dict[str, str] = {}
        self._fields: dict[tuple, object] = {}

    def text(self, text) -> str:
        """esc(text), once per page for a plain text: the fields' labels and
        help texts, the same on most of the page's forms."""
        if type(text) is not str:
            return esc(text)
        html = self._escaped.get(text)
        if html is None:
            html = self._escaped[text] = esc(text)
        return html

    def field(self, form, name: str, field, pk: str, hidden: bool) -> str | None:
        """A field of a form not bound to data, as _fields writes it through
        its BoundField: the page's forms share their fields' markup but for
        the item's id and the field's value, so the markup is written once
        for the page (by the same code, with a mark for the id) and the id
        and value put in for each form. None for a field whose widget
        widget_html does not write (the caller writes it the usual way)."""
        widget = field.widget
        key = (name, widget, type(field), field.label, field.help_text, hidden)
        made = self._fields.get(key)
        if made is None:
            made = self._fields[key] = self._field_markup(form, name, field, hidden)
        if made is False:
            return None
        if field.localize:
            widget.is_localized = True
        value = field.prepare_value(form.get_initial_for_field(field, name))
        if isinstance(field, ScaleChoiceField):
            selected = tuple(widget.format_value(value))
            parts = made.get(selected)
            if parts is None:
                html = self._visible_markup(form, name, field, value)
                parts = made[selected] = html.split(_MARK)
            return pk.join(parts)
        before, after, textarea = made
        value = widget.format_value(value)
        if textarea:
            value = esc(value) if value else ""
        else:
            value = "" if value is None else f' value="{esc(value)}"'
        return pk.join(before) + value + pk.join(after)

    def _visible_markup(self, form, name: str, field, value) -> str:
        html_name = f"post-{_MARK}-{name}"
        return _visible(
            self,
            field,
            field.label if field.label is not None else pretty_name(name),
            field.help_text or "",
            html_name,
            _auto_id(form, html_name),
            (),
            value,
        )

    def _field_markup(self, form, name: str, field, hidden: bool):
        """The markup of _Page.field: for a scale, its fieldset by the
        values chosen (made as asked); for a simple widget, the markup
        before and after its value, each split at the item's id. False
        when the widget is not one widget_html writes."""
        if isinstance(field, ScaleChoiceField) and not hidden:
            return {}
        if not is_simple(field, form):
            return False
        html_name = f"post-{_MARK}-{name}"
        if hidden:
            html = simple_widget_html(field, html_name, _auto_id(form, html_name), (), _VALUE)
        else:
            html = self._visible_markup(form, name, field, _VALUE)
        textarea = field.widget.template_name == WidgetRenderer.TEXTAREA
        value = _VALUE if textarea else f' value="{_VALUE}"'
        if html.count(value) != 1 or html.count(_VALUE) != 1:
            return False
        before, after = html.split(value)
        return before.split(_MARK), after.split(_MARK), textarea

    def part(self, name: str, entry) -> str:
        """A rare part of the item from followup/_report_item_parts.html."""
        if name not in self._parts:
            self._parts[name] = get_template(f"{PARTS}#{name}")
        return self._parts[name].render(
            {
                "entry": entry,
                "item": entry.item,
                "task": self.task,
                "guiding_questions": self.guiding_questions,
                "csrf_token": self.csrf_token,
            }
        )


def _auto_id(form, html_name: str) -> str:
    """BoundField.auto_id of the field named `html_name` in `form`."""
    auto_id = form.auto_id
    if auto_id and "%s" in str(auto_id):
        return auto_id % html_name
    return html_name if auto_id else ""


def _item(entry, page: _Page) -> str:
    item, report, form = entry.item, entry.report, entry.form
    words = page.words
    pk = str(item.pk)
    title = esc(item.title)
    out = [
        f'<article class="report-item report-item--depth-{entry.depth or 0:d}" id="post-{pk}" '
        f'aria-labelledby="post-{pk}-heading">\n'
        f'  <h3 id="post-{pk}-heading"><span class="kind kind--{esc(item.kind)}">'
        f"{page.kinds.get(item.kind) or esc(item.get_kind_display())}</span>\n    "
    ]
    if item.level_id:
        out.append(f'<span class="muted">{esc(item.level.name)}</span>')
    out.append(f'\n    {esc(item.number)} {title}</h3>\n  <p class="muted">\n    ')
    if entry.shared_from:
        shared = page.shared_from % {"unit": esc(entry.shared_from.name)}
        out.append(f'<span class="tag tag--shared">{shared}</span>')
    if entry.reported:
        out.append(f'\n    <span class="tag">{words["reported"]}</span>')
    elif entry.started:
        out.append(f'\n    <span class="tag tag--closed">{words["started"]}</span>')
    else:
        out.append(f'\n    <span class="tag tag--closed">{words["not_reported"]}</span>')
    if report is not None and report.updated_at:
        when = esc(date_text(report.updated_at, "Y-m-d H:i"))
        who = esc(report.updated_by or "–")
        out.append("\n    " + page.saved_by % {"when": when, "who": who})
    hidden_title = f'<span class="visually-hidden"> {title}</span>'
    out.append(
        f'\n    <a href="{page.item_url.replace(_PK, pk)}">{words["show"]}{hidden_title}</a>\n    '
    )
    if item.pk in page.underlag_ids:
        for_title = page.for_title % {"title": title}
        out.append(
            f'<span aria-hidden="true">·</span> <a class="underlag-link" '
            f'href="{page.underlag_url.replace(_PK, pk)}">{words["underlag"]}'
            f'<span class="visually-hidden"> {for_title}</span></a>'
        )
    out.append("\n  </p>\n  ")
    if entry.review_comment:
        out.append(
            f'<div class="message message--warning review-comment" role="note"><p><strong>'
            f"{words['review']}:</strong> {_lines(entry.review_comment)}</p></div>"
        )
    if (
        item.kind == ItemKind.INDICATOR
        or entry.facts is not None
        or entry.breakdowns
        or entry.goal_facts
    ):
        _facts(out, entry, page, pk, title)
    if entry.computed_stale:
        out.append(page.part("computed", entry))
    if form and entry.may_report:
        _form(out, entry, page, pk, title)
    elif entry.reported or entry.started:
        _read_only(out, entry, page)
    else:
        out.append(f'\n  <p class="muted">{words["nothing"]}</p>')
    out.append("\n</article>\n")
    return "".join(out)


def _form(out: list, entry, page: _Page, pk: str, title: str) -> None:
    item, form, words = entry.item, entry.form, page.words
    if entry.saved:
        out.append(f'\n  <p class="message message--success" role="status">{words["saved"]}</p>')
    questions = " report-form--with-questions" if item.kind == ItemKind.GOAL else ""
    action = page.report_url.replace(_PK, pk)
    out.append(
        f'\n  <div class="report-form{questions}">\n'
        f'  <form method="post" action="{action}" novalidate\n'
        f'        hx-post="{action}" hx-target="#post-{pk}" hx-swap="outerHTML">\n    '
        f"{page.csrf}\n    "
    )
    if form.errors:
        non_field = form.non_field_errors()
        out.append(
            f'\n    <div class="error-summary" role="alert">\n      <h4>{words["not_saved"]}</h4>'
        )
        out.extend(f"<p>{esc(error)}</p>" for error in non_field)
        if not non_field:
            out.append(f"<p>{words['correct']}</p>")
        out.append("\n    </div>\n    ")
    if entry.conflict:
        out.append(page.part("conflict", entry))
    _fields(out, form, page, pk)
    out.append(
        f'\n    <button type="submit">{words["save"]}'
        f'<span class="visually-hidden"> {title}</span></button>\n  </form>\n  '
    )
    if item.kind == ItemKind.GOAL:
        _questions(out, entry, page, pk)
    out.append("\n  </div>")


def _fields(out: list, form, page: _Page, pk: str) -> None:
    """The form's hidden fields, then its visible ones (form.hidden_fields()
    and form.visible_fields(), in one pass over the form). A field of a form
    not bound to data (the page as it is first shown) is written from its
    markup on the page with the item's id and value put in
    (_Page.field); anything else through its BoundField."""
    fields = form.fields
    unbound = not form.is_bound and form.prefix == f"post-{pk}" and not form.errors
    hidden = [name for name, field in fields.items() if field.widget.is_hidden]
    visible = [name for name, field in fields.items() if not field.widget.is_hidden]
    for name in hidden:
        html = page.field(form, name, fields[name], pk, True) if unbound else None
        out.append(widget_html(form[name]) if html is None else html)
    for name in visible:
        html = page.field(form, name, fields[name], pk, False) if unbound else None
        if html is None:
            bf = form[name]
            html = _visible(
                page,
                bf.field,
                bf.label,
                bf.help_text,
                bf.html_name,
                bf.auto_id,
                field_errors(bf),
                bf.value(),
                bf,
            )
        out.append(html)


def _visible(page: _Page, field, label, help_text, html_name, auto_id, errors, value, bf=None):
    """A visible field of the form with its label, help text and errors
    (`bf`, its BoundField, for a widget widget_html does not write)."""
    out = ["\n    "]
    raw_id = auto_id
    auto_id = esc(auto_id)
    help_html = (
        f'<span class="help" id="{auto_id}_helptext">{page.text(help_text)}</span>'
        if help_text
        else ""
    )
    error_html = (
        f'<div class="error-text" id="{auto_id}_error">'
        + "".join(
            f'<p><span class="visually-hidden">{page.words["error"]} </span>{esc(error)}</p>'
            for error in errors
        )
        + "</div>"
        if errors
        else ""
    )
    error_class = " field--error" if errors else ""
    if isinstance(field, ScaleChoiceField):
        described = ""
        if errors or help_text:
            described = (
                ' aria-describedby="'
                + (f"{auto_id}_helptext" if help_text else "")
                + (f" {auto_id}_error" if errors else "")
                + '"'
            )
        out.append(
            f'<fieldset class="field scale-choice{error_class}"{described}>\n'
            f"      <legend>{page.text(label)}</legend>\n      {help_html}{error_html}"
        )
        _radio_buttons(
            out, field, html_name, raw_id, value, ' aria-invalid="true"' if errors else ""
        )
        out.append("\n    </fieldset>")
    else:
        widget = (
            widget_html(bf)
            if bf is not None
            else simple_widget_html(field, html_name, raw_id, errors, value)
        )
        out.append(
            f'<div class="field{error_class}">\n'
            f'      <label for="{auto_id}">{page.text(label)}</label>\n      '
            f"{help_html}{error_html}{widget}\n    </div>"
        )
    return "".join(out)


def _radios(out: list, bf, invalid: str) -> None:
    """A scale field's radio buttons (_radio_buttons) from its BoundField."""
    _radio_buttons(out, bf.field, bf.html_name, bf.auto_id, bf.value(), invalid)


def _radio_buttons(out: list, field, html_name: str, auto_id: str, value, invalid: str) -> None:
    """A scale field's radio buttons as RadioSelect writes them (id, value,
    checked), from the scale's values and labels written once for the page
    (ScaleChoiceField.radios)."""
    selected = set(field.widget.format_value(value))
    auto_id = esc(field.widget.attrs.get("id") or auto_id)
    start = f'<div class="checkbox"><input type="radio" name="{esc(html_name)}" value="'
    for i, (value, value_html, label_html) in enumerate(field.radios):
        choice_id = f"{auto_id}_{i:d}" if auto_id else ""
        checked = " checked" if value in selected else ""
        out.append(
            f'{start}{value_html}" id="{choice_id}"{invalid}{checked}> '
            f'<label for="{choice_id}">{label_html}</label></div>'
        )


def _facts(out: list, entry, page: _Page, pk: str, title: str) -> None:
    """An indicator's facts (target, baseline, direction, earlier outcomes),
    its outcome from Kolada, its trend and values per group, and a goal's
    indicators with their latest outcome."""
    item, facts, words = entry.item, entry.facts, page.words
    out.append("  ")
    if item.kind == ItemKind.INDICATOR:
        p = facts or item
        out.append('\n  <dl class="facts">\n    ')
        if item.target_value is not None:
            year = f" ({item.target_year:d})" if item.target_year else ""
            target = esc(value_in_precision(item.target_value, p))
            out.append(f"<dt>{words['target']}</dt><dd>{target}{year}</dd>")
        out.append("\n    ")
        if item.baseline_value is not None:
            year = f" ({item.baseline_year:d})" if item.baseline_year else ""
            baseline = esc(value_in_precision(item.baseline_value, p))
            out.append(f"<dt>{words['baseline']}</dt><dd>{baseline}{year}</dd>")
        out.append("\n    ")
        if item.direction:
            direction = page.directions.get(item.direction) or esc(item.get_direction_display())
            out.append(f"<dt>{words['direction']}</dt><dd>{direction}</dd>")
        out.append("\n  </dl>\n  ")
        if entry.earlier:
            out.append(page.part("earlier", entry))
        out.append("\n  ")
    out.append("\n  ")
    if facts is not None and facts.from_kolada:
        out.append(page.part("kolada", entry))
    out.append("\n  ")
    if facts is not None:
        url = page.indicator_url.replace(_PK, pk)
        for_title = page.for_title % {"title": title}
        out.append(
            f'<p class="trend-text">{esc(facts.describe())} <a href="{url}?enhet='
            f'{page.task.unit_id:d}">{words["charts"]}<span class="visually-hidden"> '
            f"{for_title}</span></a></p>"
        )
    out.append("\n  ")
    if entry.breakdowns:
        out.append(page.part("breakdowns", entry))
    out.append("\n  ")
    if entry.goal_facts:
        out.append(
            f'\n  <aside class="analysis-facts" aria-labelledby="post-{pk}-fakta">\n'
            f'    <h4 id="post-{pk}-fakta">{words["goal_facts"]}</h4>\n    <ul>'
        )
        for d, b in entry.goal_facts:
            unit_pk = d.unit.pk
            url = page.indicator_url.replace(_PK, str(d.item.pk))
            out.append(f'\n      <li><a href="{url}?enhet={unit_pk:d}">{esc(d.item.title)}</a>')
            if unit_pk != page.task.unit_id:
                out.append(f' <span class="muted">({esc(d.unit.name)})</span>')
            gender = f" ({esc(b.gender)})" if b.gender else ""
            out.append(
                f'\n        <dl class="facts facts--compact">\n          <dt>{words["latest"]}'
                f"</dt><dd>{esc(b.latest or '–')}{gender}</dd>\n          "
            )
            if b.target:
                suggestion = f" – {esc(lower(b.suggestion))}" if b.suggestion else ""
                out.append(f"<dt>{words['target']}</dt><dd>{esc(b.target)}{suggestion}</dd>")
            out.append("\n          ")
            if b.comparisons:
                out.append(f"<dt>{words['comparison']}</dt><dd>{esc(b.comparisons)}</dd>")
            out.append("\n          ")
            if b.difference:
                out.append(f"<dt>{words['groups']}</dt><dd>{esc(b.difference)}</dd>")
            out.append(
                f'\n        </dl>\n        <p class="trend-text">{esc(b.trend)}</p>'
                "\n      </li>\n    "
            )
        out.append("</ul>\n    ")
        attribution = entry.goal_facts[0][0].attribution
        if attribution:
            out.append(f'<p class="muted attribution">{esc(attribution)}</p>')
        out.append("\n  </aside>\n  ")


def _questions(out: list, entry, page: _Page, pk: str) -> None:
    """A goal's guiding questions, with one on each of its indicators whose
    groups differ."""
    differences = "".join(
        f"<li>{page.difference % {'t': esc(d.item.title)}} {esc(b.difference)}</li>"
        for d, b in entry.goal_facts
        if b.difference
    )
    out.append(
        f'  \n  <aside class="guiding-questions" aria-labelledby="post-{pk}-questions">\n'
        f'    <h4 id="post-{pk}-questions">{page.words["questions"]}</h4>\n'
        f"    <ul>{page.guiding}\n      {differences}</ul>\n  </aside>\n  "
    )


def _read_only(out: list, entry, page: _Page) -> None:
    report, words = entry.report, page.words
    rows = []
    if report is not None and report.status:
        rows.append(f"<dt>{words['status']}</dt><dd>{_scale(report.status)}</dd>")
    if report is not None and report.completion is not None:
        completion = esc(formats.localize(report.completion))
        rows.append(f"<dt>{words['completion']}</dt><dd>{completion} %</dd>")
    if entry.value:
        year = esc(page.outcome % {"year": f"{page.task.occasion.year:d}"})
        note = f" ({esc(entry.value.note)})" if entry.value.note else ""
        rows.append(f"<dt>{year}</dt><dd>{page.part('outcome', entry)}{note}</dd>")
    if report is not None:
        if report.assessment:
            rows.append(f"<dt>{words['assessment']}</dt><dd>{_scale(report.assessment)}</dd>")
        if report.analysis:
            rows.append(f"<dt>{words['analysis']}</dt><dd>{_lines(report.analysis)}</dd>")
        if report.comment:
            label = (
                words["result"] if entry.item.kind == ItemKind.CONTROL_POINT else words["comment"]
            )
            rows.append(f"<dt>{label}</dt><dd>{_lines(report.comment)}</dd>")
        if report.measures:
            measure = _lines(report.measures)
            if report.measures_responsible:
                measure += f"<br>{words['responsible']} {esc(report.measures_responsible)}"
            if report.measures_due:
                measure += f"<br>{words['due']} {date_text(report.measures_due, 'Y-m-d')}"
            rows.append(f"<dt>{words['measure']}</dt><dd>{measure}</dd>")
    out.append('\n  <dl class="report-readonly">\n    ' + "\n    ".join(rows) + "\n  </dl>")


@register.simple_tag(takes_context=True)
def report_items(context, entries):
    """{% report_items entries %}: the items of one group of the page."""
    # What the items share, once for the page (its groups each ask).
    page = context.render_context.get(_Page)
    if page is None:
        page = context.render_context[_Page] = _Page(context)
    return mark_safe("".join(_item(entry, page) for entry in entries))


@register.simple_tag(takes_context=True)
def report_item(context, entry):
    """{% report_item entry %}: one item (the answer to an htmx save)."""
    return report_items(context, [entry])
