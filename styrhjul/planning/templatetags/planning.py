"""Rendering of item trees. Trees can hold thousands of items (the goal tree
of a large municipality), so they are built here in one pass with escaped
strings instead of one template include per node. Plain strings are escaped
with the standard library's html.escape, which is what Django's escape()
does without its check for lazy translations (several per line add up over
5 000 lines)."""

from __future__ import annotations

from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from styrhjul.model.models import ItemKind
from styrhjul.planning.status import TREE_COMMENT_CHARS

register = template.Library()
_SENTINEL = "987654321"
_PAGE_KEY = "planning.item_tree"  # the page's _Labels and item URL in the render context


class _Labels:
    """Translated words, looked up once per tree instead of once per line."""

    def __init__(self):

        self.kinds = {k: escape(str(label)) for k, label in ItemKind.choices}
        self.kind_tags = {
            k: f'<span class="kind kind--{k}">{label}</span>' for k, label in self.kinds.items()
        }
        self.shared_from = _("delad från %(unit)s")
        self.archived = escape(_("arkiverad"))
        self.also = escape(_("bidrar även till"))
        self.ends = escape(_("slut"))
        self.latest = escape(_("Senaste uppföljning"))
        self.latest_hidden = f'<span class="visually-hidden">{self.latest}: </span>'
        self.outcome = _("utfall %(value)s")
        # Escaped names and status lines met again and again in one tree
        # (a unit's goals, a level, the same assessment at one occasion).
        self.names: dict[str, str] = {}
        self.statuses: dict = {}

    def name(self, text: str) -> str:
        escaped = self.names.get(text)
        if escaped is None:
            escaped = self.names[text] = _escape(text)
        return escaped

    def status(self, status) -> str:
        """status_html of a tree line, once per distinct status."""
        line = self.statuses.get(status)
        if line is None:
            line = self.statuses[status] = status_html(status, self)
        return line


def status_html(status, labels=None, *, whole_comment: bool = False) -> str:
    """The latest reported status (planning.status.ItemStatus) as one line:
    the symbol (decorative, the text says it), the status or assessment, the
    completion, the occasion and date, and the comment when the status
    holds one (cut in trees, whole on the item page)."""
    labels = labels or _Labels()
    parts = []
    if not whole_comment:  # on the item page the status stands under its heading
        parts.append(labels.latest_hidden)
    if status.symbol:
        parts.append(
            f'<span class="scale-value__symbol" aria-hidden="true" '
            f'style="color: {_escape(status.colour)}">{_escape(status.symbol)}</span> '
        )
    parts.append(f'<span class="item-status__label">{_escape(status.label)}</span>')
    if status.outcome:
        parts.append(", " + _escape(labels.outcome % {"value": status.outcome}))
    if status.completion is not None:
        parts.append(f", {status.completion}\u00a0%")
    when = status.occasion
    if status.reported_on:
        when = f"{when}, {status.reported_on.isoformat()}"
    parts.append(f' <span class="muted">({_escape(when)})</span>')
    if status.comment:
        if whole_comment:
            comment = _escape(status.comment).replace("\n", "<br>")
        else:
            comment = status.comment
            if len(comment) > TREE_COMMENT_CHARS:
                comment = comment[: TREE_COMMENT_CHARS - 1].rstrip() + "…"
            comment = _escape(comment)
        parts.append(f'<span class="item-status__comment">{comment}</span>')
    return "".join(parts)


def _line(node, *, show_unit: bool, current_pk: int | None, item_url: str, labels) -> str:
    item = node.item
    parts = [labels.kind_tags[item.kind]]
    if item.level_name:
        parts.append(f'<span class="muted">{labels.name(item.level_name)}</span>')
    label = _escape(f"{item.number} {item.title}".strip())
    if item.pk == current_pk:
        parts.append(f'<strong aria-current="true">{label}</strong>')
    else:
        parts.append(f'<a href="{item_url.replace(_SENTINEL, str(item.pk))}">{label}</a>')
    if node.shared_from is not None:
        parts.append(
            '<span class="tag tag--shared">'
            + _escape(labels.shared_from % {"unit": node.shared_from.name})
            + "</span>"
        )
    elif show_unit:
        parts.append(f'<span class="muted">· {labels.name(item.unit_name)}</span>')
    if item.archived_at:
        parts.append(f'<span class="tag tag--closed">{labels.archived}</span>')
    if node.also:
        names = ", ".join(_escape(f"{a.number} {a.title}".strip()) for a in node.also)
        parts.append(f'<span class="muted">({labels.also} {names})</span>')
    if item.end_date:
        parts.append(f'<span class="muted">{labels.ends} {item.end_date.isoformat()}</span>')
    return " ".join(parts)


def _same_place(a, b) -> bool:
    """Items the plan orders among each other (services.order_siblings)."""
    return (a.kind, a.level_id, a.perspective_id) == (b.kind, b.level_id, b.perspective_id)


def _move_buttons(node, nodes, index: int, move) -> str:
    """Flytta upp / Flytta ned for an item of the plan itself: plain forms,
    each button named with the item's title for screen readers."""
    item = node.item
    if node.shared_from is not None or item.archived_at:
        return ""
    before = index > 0 and _same_place(nodes[index - 1].item, item)
    after = index + 1 < len(nodes) and _same_place(nodes[index + 1].item, item)
    if not before and not after:
        return ""
    title = _escape(f"{item.number} {item.title}".strip())
    url = move.url.replace(_SENTINEL, str(item.pk))
    parts = ['<span class="item-move">']
    for shown, direction, label in ((before, "upp", move.up), (after, "ned", move.down)):
        if shown:
            parts.append(
                f'<form method="post" action="{url}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{move.csrf}">'
                f'<input type="hidden" name="version" value="{item.version}">'
                f'<input type="hidden" name="riktning" value="{direction}">'
                f'<button type="submit" class="button button--quiet">{label}'
                f'<span class="visually-hidden">: {title}</span></button></form>'
            )
    parts.append("</span>")
    return "".join(parts)


def _render(nodes, out: list[str], move=None, **line) -> None:
    out.append('<ul class="item-tree">')
    labels = line["labels"]
    for index, node in enumerate(nodes):
        if move is not None and node.item.pk not in move.seen:
            move.seen.add(node.item.pk)  # the anchor of the item's first place
            out.append(f'<li id="post-{node.item.pk}">')
        else:
            out.append("<li>")
        out.append(_line(node, **line))
        if move is not None:
            out.append(_move_buttons(node, nodes, index, move))
        if node.status is not None:
            out.append(f'<div class="item-status">{labels.status(node.status)}</div>')
        if node.children:
            _render(node.children, out, move, **line)
        out.append("</li>")
    out.append("</ul>")


@register.simple_tag
def item_status(status):
    """The latest reported status of one item, with its whole comment."""
    if status is None:
        return ""
    return mark_safe(status_html(status, whole_comment=True))


class _Move:
    """The plan page's move buttons: words and URL looked up once."""

    def __init__(self, csrf: str):
        self.csrf = _escape(str(csrf))
        self.url = reverse("planning:item_move", args=[_SENTINEL])
        self.up = escape(_("Flytta upp"))
        self.down = escape(_("Flytta ned"))
        self.seen: set[int] = set()


@register.simple_tag(takes_context=True)
def item_tree(context, nodes, show_unit=True, current=None, move=False):
    """Nested lists of items with links to their pages; `move`: with
    buttons that move the plan's own items up and down (the plan page, for
    those who may change the plan)."""
    if not nodes:
        return ""
    out: list[str] = []
    kwargs = {}
    if move:
        kwargs["move"] = _Move(context.get("csrf_token", ""))
    # One set of words and URL for the page's trees (the plan has a tree per
    # perspective), not one per tree.
    shared = context.render_context.get(_PAGE_KEY)
    if shared is None:
        shared = context.render_context[_PAGE_KEY] = (
            reverse("planning:item", args=[_SENTINEL]),
            _Labels(),
        )
    item_url, labels = shared
    _render(
        nodes,
        out,
        show_unit=show_unit,
        current_pk=getattr(current, "pk", None),
        item_url=item_url,
        labels=labels,
        **kwargs,
    )
    return mark_safe("".join(out))
