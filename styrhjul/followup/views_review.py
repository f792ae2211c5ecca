"""Pages for reviewing follow-up: the underlag of an item for a manager, and
the model owners' overview of an occasion with export and reminders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.charts.numbers import format_value
from styrhjul.core import paging
from styrhjul.core import tasks as background
from styrhjul.core.concurrency import EditConflict
from styrhjul.core.forms import apply_errors
from styrhjul.organisation import access
from styrhjul.planning.excel.writer import CONTENT_TYPE

from . import overview as overview_q
from . import reminders, review, services
from .forms_review import ReviewForm
from .models import FollowUpOccasion, ReportingTask
from .underlag import underlag as build_underlag


def _task_item(request, pk: int, item: int):
    task = access.get_or_404(
        request.user,
        ReportingTask.objects.select_related(
            "occasion__model", "unit__unit_type", "plan_type", "step", "reporter"
        ),
        pk=pk,
    )
    items = {i.pk: i for i in services.task_items(task, item_ids=[item])}
    if item not in items:
        raise Http404
    return task, items[item]


@login_required
@require_safe
def underlag(request, pk: int, item: int):
    task, item_obj = _task_item(request, pk, item)
    page = build_underlag(request.user, task, item_obj)
    return render(
        request,
        "followup/underlag.html",
        {
            "nav": "followup",
            "task": task,
            "item": item_obj,
            "page": page,
            "task_url": reminders.task_path(task),
            "may_recompute": page.stale and services.may_recompute(request.user, task, item_obj),
            "page_title": _("Underlag: %(item)s") % {"item": item_obj.title},
            "breadcrumbs": [
                (task.title, reminders.task_path(task)),
                (_("Underlag"), None),
            ],
        },
    )


@login_required
@require_POST
def recompute(request, pk: int, item: int):
    """Räkna om: the task's unit's value of an indicator computed from its
    sub-units, as they give it now. Back to the underlag, or to the task page
    (tillbaka=uppgift)."""
    task, item_obj = _task_item(request, pk, item)
    if not services.may_report(request.user, task, item_obj):
        raise PermissionDenied
    seen = parse_datetime(request.POST.get("seen", "")) if request.POST.get("seen") else None
    try:
        value = services.indicator_value_recompute(
            actor=request.user, task=task, item=item_obj, seen=seen
        )
    except EditConflict:
        messages.error(
            request,
            _(
                "Någon annan har sparat värdet sedan du öppnade sidan. "
                "Se det sparade värdet och räkna om igen om det behövs."
            ),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Värdet är omräknat från underliggande enheter: %(value)s.")
            % {"value": format_value(value.value, item_obj.measure_unit)},
        )
    if request.POST.get("tillbaka") == "uppgift":
        return redirect(reminders.task_path(task) + f"#post-{item_obj.pk}")
    return redirect(reverse("followup:underlag", args=[task.pk, item_obj.pk]))


def _occasion(request, pk: int) -> FollowUpOccasion:
    occasion = get_object_or_404(
        FollowUpOccasion.objects.select_related("model__organisation"), pk=pk
    )
    if not overview_q.may_view(request.user, occasion):
        raise Http404
    return occasion


@login_required
@require_safe
def overview(request, pk: int):
    occasion = _occasion(request, pk)
    filters = overview_q.Filters.from_query(request.GET)
    today = timezone.localdate()
    page = overview_q.overview(request.user, occasion, filters, today)
    # The counts and the Excel export cover every row; the table a page of them.
    shown = paging.page_of(request.GET, page.rows, overview_q.PAGE_SIZE)
    query = request.GET.urlencode()
    return render(
        request,
        "followup/overview.html",
        {
            "nav": "followup",
            "occasion": occasion,
            "page": page,
            "shown": shown,
            "filters": filters,
            "today": today,
            "status_choices": list(overview_q.STATUS_LABELS.items()),
            "query": query,
            "next": request.get_full_path(),
            "page_title": _("Översikt: %(name)s") % {"name": occasion.title},
            "breadcrumbs": [(_("Översikt: %(name)s") % {"name": occasion.title}, None)],
        },
    )


@login_required
@require_safe
def overview_export(request, pk: int):
    occasion = _occasion(request, pk)
    filters = overview_q.Filters.from_query(request.GET)
    today = timezone.localdate()
    page = overview_q.overview(request.user, occasion, filters, today)

    response = HttpResponse(overview_q.export_workbook(page, today), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{overview_q.export_filename(occasion)}"'
    )
    return response


@login_required
@require_POST
def remind(request, pk: int):
    """Skicka påminnelse: POST task=<pk> for one task, or alla=forsenade for
    every late task the user sees. Only tasks the user follows in the
    overview (access.overview_unit_ids)."""
    occasion = _occasion(request, pk)
    today = timezone.localdate()
    visible = overview_q.visible_tasks(request.user, occasion).select_related(
        "occasion", "unit", "plan_type", "step"
    )
    if request.POST.get("alla") == "forsenade":
        # Many e-mails: sent by the worker (reminders.send_manual), not in the request.
        page = overview_q.overview(request.user, occasion, None, today)
        late = [r.task.pk for r in page.late_rows if reminders.may_remind(r.task, today)]
        if late:
            background.enqueue_on_commit(
                reminders.send_manual, late, today.isoformat(), request.build_absolute_uri("/")
            )
            messages.success(
                request,
                ngettext(
                    "Påminnelsen om den försenade uppgiften skickas nu.",
                    "Påminnelserna om de %(n)d försenade uppgifterna skickas nu.",
                    len(late),
                )
                % {"n": len(late)},
            )
        else:
            messages.info(request, _("Det finns inga försenade uppgifter att påminna om."))
        return redirect(_back(request, occasion))
    else:
        try:
            task_pk = int(request.POST.get("task", ""))
        except ValueError:
            raise Http404 from None
        tasks = list(visible.filter(pk=task_pk))
        if not tasks:
            raise Http404
        if not reminders.may_remind(tasks[0], today):
            messages.info(
                request,
                _("Uppgiften är låst eller klarmarkerad och får ingen påminnelse."),
            )
            tasks = []
    outcome = reminders.manual(tasks=tasks, today=today, base_url=request.build_absolute_uri("/"))
    if outcome.sent:
        messages.success(
            request,
            ngettext(
                "En påminnelse skickades.",
                "%(n)d påminnelser skickades.",
                len(outcome.sent),
            )
            % {"n": len(outcome.sent)},
        )
    if outcome.skipped:
        messages.info(
            request,
            ngettext(
                "En mottagare har redan påmints i dag och fick ingen ny påminnelse.",
                "%(n)d mottagare har redan påmints i dag och fick ingen ny påminnelse.",
                len(outcome.skipped),
            )
            % {"n": len(outcome.skipped)},
        )
    if outcome.failed:
        messages.error(request, _("Några påminnelser kunde inte skickas. Försök igen senare."))
    if outcome.no_recipient:
        messages.warning(
            request,
            _("Ingen mottagare med e-postadress för: %(tasks)s.")
            % {"tasks": ", ".join(t.name for t in outcome.no_recipient)},
        )
    return redirect(_back(request, occasion))


def _back(request, occasion) -> str:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("followup:overview", args=[occasion.pk])
    return target


# --- Granskning (followup.review) ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_review(request, pk: int):
    """Granska: approve a klarmarkerad task or send it back with comments.
    404 for those who do not read the task, 403 for readers who do not
    review it (access.may_review)."""
    task = access.get_or_404(
        request.user,
        ReportingTask.objects.select_related(
            "occasion__model", "unit__unit_type", "plan_type", "step", "reporter", "done_by"
        ),
        pk=pk,
    )
    if not access.may_review(request.user, task):
        raise PermissionDenied
    items = [] if task.is_economy else services.task_items(task)
    locked = services.is_locked(task)
    form = ReviewForm(
        request.POST or None, items=items, locked=locked, initial={"version": task.version}
    )
    if request.method == "POST" and form.is_valid() and review.may_decide(request.user, task):
        data = form.cleaned_data
        try:
            if request.POST.get("decision") == "approve":
                review.task_approve(
                    actor=request.user,
                    task=task,
                    version=data["version"],
                    comment=data["comment"],
                )
                messages.success(request, _("Uppgiften är godkänd."))
            else:
                review.task_send_back(
                    actor=request.user,
                    task=task,
                    version=data["version"],
                    comment=data["comment"],
                    item_comments=form.item_comments(),
                    until=data.get("until"),
                )
                messages.success(
                    request, _("Uppgiften är skickad tillbaka till %(unit)s.") % {"unit": task.unit}
                )
        except EditConflict:
            form.add_error(
                None,
                _("Uppgiften har ändrats sedan du öppnade den. Läs den igen och försök på nytt."),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("followup:task", task.pk)
    return render(
        request,
        "followup/task_review.html",
        {
            "nav": "start",
            "task": task,
            "form": form,
            "waiting": review.may_decide(request.user, task),
            "page_title": _("Granska %(name)s") % {"name": task.title},
            "breadcrumbs": [
                (_("Start"), reverse("start")),
                (task.title, reverse("followup:task", args=[task.pk])),
                (_("Granska"), None),
            ],
        },
    )
