"""Rendering of the overview's task rows. An occasion over a whole
municipality has thousands of tasks, so the rows are built here in one pass
with escaped strings, with the translated words looked up once per page,
instead of a template loop (which took 600–770 ms for 3 000 rows)."""

from __future__ import annotations

from html import escape as escape_text

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from styrhjul.followup.overview import APPROVED, AWAITING_REVIEW, DONE, LOCKED, STATUS_LABELS
from styrhjul.followup.readmodel import progress_text, progress_wording

register = template.Library()


def _number(n: int) -> str:
    # Localised (thousand separator) like {{ n }} in a template; small
    # numbers, nearly all of them, need no lookup.
    return str(n) if -1000 < n < 1000 else localize(n)


class _Labels:
    """Translated words, looked up once per page instead of once per row."""

    def __init__(self, next_url: str = ""):
        self.status = {key: escape(str(label)) for key, label in STATUS_LABELS.items()}
        self.remind = escape(_("Skicka påminnelse"))
        self.no_deadline = "–"
        # The task page's URL, reversed once: before and after the task's pk.
        self.task_url = reverse("followup:task", args=[0]).rsplit("0", 1)
        self.reopen_url = reverse("followup:task_reopen", args=[0]).rsplit("0", 1)
        self.reopen = escape(_("Öppna igen"))
        self.progress = progress_wording(number=_number)
        self.timezone = timezone.get_current_timezone()
        self.next = escape("?" + urlencode({"next": next_url})) if next_url else ""
        # Each cell's column name, shown before it when a narrow screen
        # stacks the rows (table.table--stack).
        self.col = {
            "task": escape(_("Uppgift")),
            "deadline": escape(_("Tidsfrist")),
            "reported": escape(_("Rapporterat")),
            "status": escape(_("Status")),
        }


def _row(r, labels: _Labels, unit_types: dict[int, str]) -> str:
    task = r.task
    unit = task.unit
    # The row's texts escaped as django.utils.html.escape does (html.escape
    # of the text), without its check for lazy texts: the names are strings.
    unit_name = escape_text(unit.name)
    if unit.unit_type_id:
        type_name = unit_types.get(unit.unit_type_id)
        if type_name is None:
            type_name = unit_types[unit.unit_type_id] = escape_text(unit.unit_type.name)
        unit_cell = f'{unit_name} <span class="muted">({type_name})</span>'
    else:
        unit_cell = unit_name
    task_name = escape_text(task.name)
    deadline = r.deadline
    status = r.status
    done = ""
    if task.done_at:
        day = timezone.localtime(task.done_at, labels.timezone).date()
        done = f' <span class="muted">{day.isoformat()}</span>'
    # The accessible name tells the many buttons apart: the task's name, and
    # its unit when the name does not already hold it.
    target = task_name if unit.name in task.name else f"{task_name}, {unit_name}"
    if r.may_reopen:
        # The Årshjul's "Öppna igen" (its own page asks until when), back here.
        before, after = labels.reopen_url
        action = (
            f'<a class="button button--secondary" href="{before}{task.pk}{after}{labels.next}">'
            f'{labels.reopen}<span class="visually-hidden"> – {target}</span></a>'
        )
    elif status in (DONE, LOCKED, AWAITING_REVIEW, APPROVED):  # reminders.may_remind
        action = ""
    else:
        action = (
            f'<button type="submit" name="task" value="{task.pk}" class="button--secondary">'
            f'{labels.remind}<span class="visually-hidden"> – {target}</span></button>'
        )
    if r.may_open:
        before, after = labels.task_url
        task_cell = f'<a href="{before}{task.pk}{after}">{task_name}</a>'
    else:
        task_cell = task_name
    progress = escape_text(labels.progress(task, r.reported, r.total))
    return (
        f'<tr><th scope="row">{unit_cell}</th>'
        f'<td data-label="{labels.col["task"]}">{task_cell}</td>'
        f'<td data-label="{labels.col["deadline"]}">'
        f"{deadline.isoformat() if deadline else labels.no_deadline}</td>"
        f'<td class="num" data-label="{labels.col["reported"]}">{progress}</td>'
        f'<td data-label="{labels.col["status"]}">'
        f'<span class="tag tag--status-{status}">{labels.status[status]}</span>{done}</td>'
        f"<td>{action}</td></tr>"
    )


@register.simple_tag
def overview_rows(rows, next_url=""):
    """The overview table's body rows: unit, task (a link to the task page
    for those who may read it), deadline, progress, status and a "Skicka
    påminnelse" submit button (name="task", value=the task's pk) for every
    task neither klarmarkerad nor locked, or for a locked task a link
    "Öppna igen" (back to `next_url`) for those who may reopen it. The
    buttons belong to the one reminder form around the table."""
    labels = _Labels(next_url)
    unit_types: dict[int, str] = {}
    return mark_safe("\n".join(_row(r, labels, unit_types) for r in rows))


@register.simple_tag(name="progress_text")
def progress_text_tag(task, reported, total, noun=False):
    """A task's progress as every page words it (readmodel.progress_text)."""
    return progress_text(task, reported, total, noun=noun)
