"""Follow-up pages for the one who reports: a task's reporting page with one
form per item (each saves on its own, with htmx or as a plain form), marking
the task done and undoing it, and the task's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.core.history import history_entries
from styrhjul.indicators.analysis import attach_task_facts
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access

from . import measures, queries, readmodel, review, sections, services, views_economy
from .forms_sections import SectionTextForm
from .models import (
    DocumentText,
    Forecast,
    ForecastMeasure,
    ForecastRow,
    Report,
    ReportingTask,
    ReviewComment,
)
from .reporting import GUIDING_QUESTIONS, ReportFields, ReportForm
from .underlag import items_with_underlag
from .views_sections import document_sections_context


def _task(request, pk: int) -> ReportingTask:
    return access.get_or_404(request.user, queries.task_queryset(), pk=pk)


def _page(request, task: ReportingTask, only: int | None = None) -> queries.TaskPage:
    """The task's page with the facts beside the forms (indicators' outcomes
    and targets, the indicators of each goal); with `only`, an item's id,
    the facts and review comment of that item alone (a save shows one). A
    goal's facts are its indicators', read as the whole page reads them."""
    page = queries.task_page(request.user, task)
    entries = page.entries
    if only is not None and (only not in entries or entries[only].item.kind != ItemKind.GOAL):
        entries = {only: entries[only]} if only in entries else {}
    _attach_facts(request, task, entries)
    return page


def _attach_facts(request, task: ReportingTask, entries: dict[int, queries.Entry]) -> None:
    attach_task_facts(request.user, task, entries)
    comments = review.item_comments(task)
    for entry in entries.values():
        entry.review_comment = comments.get(entry.item.pk, "")


def _crumbs(task: ReportingTask, *rest):
    return [
        (_("Start"), reverse("start")),
        (task.title, reverse("followup:task", args=[task.pk]) if rest else None),
        *rest,
    ]


def _prepare(
    request, task: ReportingTask, entry: queries.Entry, fields: ReportFields, locked: bool
):
    """The entry's form, with the fields of the page's forms (`fields`,
    made once for the page)."""
    entry.may_report = not locked and services.may_report(request.user, task, entry.item)
    if entry.may_report and entry.form is None:
        entry.form = ReportForm(task=task, entry=entry, scales=fields.scales, fields=fields)


def _task_context(
    request, task: ReportingTask, page: queries.TaskPage, locked: bool, keep_section=None
) -> dict:
    return {
        **document_sections_context(request, task, locked, keep_section),
        "nav": "start",
        "task": task,
        "page": page,
        "locked": locked,
        "guiding_questions": GUIDING_QUESTIONS,
        "underlag_ids": items_with_underlag(task, page.entries, request.user),
        "can_mark_done": not locked and services.may_mark_done(request.user, task),
        **review.context(request.user, task),
        # services.task_reopen's own rule: model owners of the unit.
        "can_reopen": locked and access.can_manage(request.user, task),
        "measures": (
            measures.open_measures(task) if task.plan_type.holds(ItemKind.CONTROL_POINT) else []
        ),
        "may_follow_up": measures.may_follow_up(request.user, task),
        "reads_documents": access.can_read_tree(request.user, task.unit),
        "page_title": task.title,
        "breadcrumbs": _crumbs(task),
    }


@login_required
@require_safe
def task(request, pk: int):
    task_obj = _task(request, pk)
    if task_obj.is_economy:
        return views_economy.task_page(request, task_obj)
    page = _page(request, task_obj)
    locked = services.is_locked(task_obj)
    fields = ReportFields(page.scale_values)
    for entry in page.entries.values():
        _prepare(request, task_obj, entry, fields, locked)
    return render(request, "followup/task.html", _task_context(request, task_obj, page, locked))


@login_required
@require_POST
def report_item(request, pk: int, item: int):
    task_obj = _task(request, pk)
    page = _page(request, task_obj, only=item)
    entry = page.entries.get(item)
    if entry is None:
        raise Http404
    if not services.may_report(request.user, task_obj, entry.item):
        raise PermissionDenied
    locked = services.is_locked(task_obj)
    form = ReportForm(request.POST, task=task_obj, entry=entry, scales=page.scale_values)
    if form.is_valid() and not locked:
        try:
            _save(request, task_obj, entry, form)
        except EditConflict as exc:
            if isinstance(exc.current, IndicatorValue):  # an earlier year's outcome
                form.show_earlier_conflict(exc)
            else:
                entry.conflict = exc.current
                show_conflict(form, exc)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            if not request.htmx:
                messages.success(request, _("”%(title)s” är sparad.") % {"title": entry.item.title})
                return redirect(reverse("followup:task", args=[task_obj.pk]) + f"#post-{item}")
            # Show the saved state (a fresh form with the new version). An
            # indicator's save may change its outcomes and facts: read them
            # again, for this item alone (not the whole page).
            if entry.item.kind == ItemKind.INDICATOR:
                fresh = queries.indicator_entry_saved(task_obj, entry)
                attach_task_facts(request.user, task_obj, {item: fresh})
            else:
                fresh = queries.entry_saved(task_obj, entry)
            fresh.saved = True
            _prepare(request, task_obj, fresh, ReportFields(page.scale_values), locked)
            return render(
                request,
                "followup/_report_item.html",
                {
                    "entry": fresh,
                    "task": task_obj,
                    "guiding_questions": GUIDING_QUESTIONS,
                    "underlag_ids": items_with_underlag(task_obj, [item], request.user),
                },
            )
    elif locked:
        form.add_error(None, _("Rapporteringen är låst och kan inte längre ändras."))
    entry.form = form
    entry.may_report = True
    if request.htmx:
        return render(
            request,
            "followup/_report_item.html",
            {
                "entry": entry,
                "task": task_obj,
                "guiding_questions": GUIDING_QUESTIONS,
                "underlag_ids": items_with_underlag(task_obj, [item], request.user),
            },
        )
    # A plain form post with errors: the whole page, this item's typed values kept.
    if entry.item.kind != ItemKind.GOAL:  # the others' facts, not read for the save
        _attach_facts(request, task_obj, {k: e for k, e in page.entries.items() if k != item})
    fields = ReportFields(page.scale_values)
    for other in page.entries.values():
        if other is not entry:
            _prepare(request, task_obj, other, fields, locked)
    return render(request, "followup/task.html", _task_context(request, task_obj, page, locked))


@login_required
@require_POST
def measure(request, pk: int, report: int):
    """Save the follow-up of an earlier measure at this task's occasion."""
    task_obj = _task(request, pk)
    if not access.can_write(request.user, task_obj.unit):
        raise PermissionDenied
    found = next((m for m in measures.open_measures(task_obj) if m.report.pk == report), None)
    if found is None:
        raise Http404
    saved = measures.apply_followup_post(
        found,
        request.POST,
        lambda result, done, version: measures.measure_followup_save(
            actor=request.user,
            task=task_obj,
            report=found.report,
            result=result,
            done=done,
            version=version,
        ),
    )
    if saved:
        if not request.htmx:
            messages.success(
                request,
                _("Uppföljningen av åtgärden för ”%(title)s” är sparad.")
                % {"title": found.item.title},
            )
            return redirect(reverse("followup:task", args=[task_obj.pk]) + f"#atgard-{report}")
        found.followup = found.saved_followup
        found.saved = True
        found.result_value = found.done_value = None
    context = {"m": found, "task": task_obj, "may_follow_up": True}
    if request.htmx:
        return render(request, "followup/_measure.html#measure", context)
    # A plain post with an error: the whole page, what the user typed kept at this measure.
    page = _page(request, task_obj)
    locked = services.is_locked(task_obj)
    fields = ReportFields(page.scale_values)
    for entry in page.entries.values():
        _prepare(request, task_obj, entry, fields, locked)
    page_context = _task_context(request, task_obj, page, locked)
    page_context["measures"] = [
        found if m.report.pk == found.report.pk else m for m in page_context["measures"]
    ]
    return render(request, "followup/task.html", page_context)


def _save(request, task: ReportingTask, entry: queries.Entry, form: ReportForm) -> None:
    """Report and, for an indicator, its outcome (when one is entered, or
    one shown is changed or cleared)."""
    values = form.value_data()
    entered = values and any(v for k, v in values.items() if k != "source")
    services.item_report_save(
        actor=request.user,
        task=task,
        item=entry.item,
        data=form.report_data(),
        version=form.cleaned_data.get("version") or 0,
        outcome=values if values is not None and (entry.value is not None or entered) else None,
        earlier=form.earlier_data(),
    )


@login_required
@require_POST
def section_text(request, pk: int, key: str):
    """Save what the unit writes in one own section of its document."""
    task_obj = _task(request, pk)
    entry = next((s for s in sections.task_sections(task_obj) if s.slug == key), None)
    if entry is None:
        raise Http404
    if not sections.may_write(request.user, task_obj):
        raise PermissionDenied
    locked = services.is_locked(task_obj)
    form = SectionTextForm(request.POST, entry=entry)
    if form.is_valid() and not locked:
        try:
            sections.section_text_save(
                actor=request.user,
                task=task_obj,
                section=entry.section,
                text=form.cleaned_data["text"],
                version=form.cleaned_data.get("version") or 0,
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(
                    request, _("”%(title)s” är sparat.") % {"title": entry.section.heading}
                )
                return redirect(reverse("followup:task", args=[task_obj.pk]) + f"#avsnitt-{key}")
            fresh = next(s for s in sections.task_sections(task_obj) if s.slug == key)
            fresh.form = SectionTextForm(entry=fresh)
            fresh.saved = True
            return render(
                request, "followup/_section_text.html#section", {"s": fresh, "task": task_obj}
            )
    elif locked:
        form.add_error(None, _("Rapporteringen är låst och kan inte längre ändras."))
    entry.form = form
    if request.htmx:
        return render(
            request, "followup/_section_text.html#section", {"s": entry, "task": task_obj}
        )
    # A plain form post with errors: the whole page, what the user wrote kept.
    if task_obj.is_economy:
        context = views_economy.page_context(request, task_obj)
        context.update(document_sections_context(request, task_obj, locked, entry))
        return render(request, "followup/economy_task.html", context)
    page = _page(request, task_obj)
    fields = ReportFields(page.scale_values)
    for other in page.entries.values():
        _prepare(request, task_obj, other, fields, locked)
    return render(
        request,
        "followup/task.html",
        _task_context(request, task_obj, page, locked, keep_section=entry),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_done(request, pk: int):
    task_obj = _task(request, pk)
    if not services.may_mark_done(request.user, task_obj):
        raise PermissionDenied
    locked = services.is_locked(task_obj)
    if request.method == "POST" and not locked:
        services.task_mark_done(actor=request.user, task=task_obj)
        messages.success(request, _("Uppgiften är klarmarkerad."))
        return redirect("followup:task", task_obj.pk)
    return render(
        request,
        "followup/task_done.html",
        {
            "nav": "start",
            "task": task_obj,
            "locked": locked,
            "unreported": readmodel.unreported(task_obj),
            "page_title": _("Klarmarkera %(name)s") % {"name": task_obj.name},
            "breadcrumbs": _crumbs(task_obj, (_("Klarmarkera"), None)),
        },
    )


@login_required
@require_POST
def task_undo(request, pk: int):
    task_obj = _task(request, pk)
    try:
        services.task_undo_done(actor=request.user, task=task_obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Klarmarkeringen är ångrad. Du kan fortsätta rapportera."))
    return redirect("followup:task", task_obj.pk)


@login_required
@require_safe
def task_history(request, pk: int):
    task_obj = _task(request, pk)
    item_ids = [i.pk for i in services.task_items(task_obj)]
    reports = Report.history.filter(
        occasion_id=task_obj.occasion_id, unit_id=task_obj.unit_id, item_id__in=item_ids
    )
    values = IndicatorValue.history.filter(
        unit_id=task_obj.unit_id, item_id__in=item_ids, year=task_obj.occasion.year
    )
    texts = DocumentText.history.filter(occasion_id=task_obj.occasion_id, unit_id=task_obj.unit_id)
    extra = [
        (_("Rapporter"), history_entries(reports)),
        (_("Utfall för nyckeltal"), history_entries(values)),
        (_("Texter till dokumentet"), history_entries(texts)),
        (
            _("Kommentarer från granskningen"),
            history_entries(ReviewComment.history.filter(task_id=task_obj.pk)),
        ),
    ]
    if task_obj.is_economy:
        at = {"occasion_id": task_obj.occasion_id, "unit_id": task_obj.unit_id}
        of_forecast = {f"forecast__{k}": v for k, v in at.items()}
        extra = [
            (_("Helårsprognos"), history_entries(Forecast.history.filter(**at))),
            (_("Prognos per rad"), history_entries(ForecastRow.history.filter(**of_forecast))),
            (_("Åtgärder"), history_entries(ForecastMeasure.history.filter(**of_forecast))),
        ]
    return render(
        request,
        "web/history.html",
        {
            "nav": "start",
            "object": task_obj,
            "page_title": _("Historik för %(name)s") % {"name": task_obj.name},
            "entries": history_entries(task_obj.history.all()),
            "grant_entries": None,
            "extra_sections": extra,
            "breadcrumbs": _crumbs(task_obj, (_("Historik"), None)),
        },
    )
