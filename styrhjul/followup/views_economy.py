"""The economy task's page: the unit's budget, utfall to the occasion's
period end and last year's for the same months, the helårsprognos form with
the avvikelse per row and the planned measures, the measures of earlier
forecasts to follow up, and the underlag of the units below."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from styrhjul.core.concurrency import EditConflict, conflict_text
from styrhjul.core.dates import month_name
from styrhjul.organisation import access

from . import economy, measures, queries, review, services
from .forms_economy import ForecastForm
from .models import Forecast, ReportingTask


def _task(request, pk: int) -> ReportingTask:
    task = access.get_or_404(request.user, queries.task_queryset(), pk=pk)
    if not task.is_economy:
        raise Http404
    return task


def _crumbs(task: ReportingTask, *rest):
    return [
        (_("Start"), reverse("start")),
        (task.title, reverse("followup:task", args=[task.pk]) if rest else None),
        *rest,
    ]


def _period_label(figures: economy.EconomyFigures) -> str:
    """ "januari–mars" for the months to date: to the period end, or to the
    last month with utfall when the ledger has not come that far."""
    months = figures.months_with_utfall
    if not figures.year_start or not months:
        return ""
    first = figures.year_start.month
    last = (first + months - 2) % 12 + 1
    if months == 1:
        return month_name(first)
    return f"{month_name(first)}–{month_name(last)}"


def page_context(request, task: ReportingTask, form: ForecastForm | None = None, **extra) -> dict:
    """Everything the economy task's page shows; `form`: a form sent back
    with what the user typed and the errors."""
    locked = services.is_locked(task)
    figures = economy.economy_figures(task)
    forecast = Forecast.objects.filter(occasion=task.occasion, unit=task.unit).first()
    may_forecast = not locked and economy.may_forecast(request.user, task)
    if form is None and may_forecast and figures.holds_ansvar:
        form = ForecastForm(
            figures=figures,
            forecast=forecast,
            measures=forecast.measures.all() if forecast else (),
        )
    net = figures.net
    context = {
        "nav": "start",
        "task": task,
        "locked": locked,
        "figures": figures,
        "period": _period_label(figures),
        "last_year": str(figures.year_start.year - 1) if figures.year_start else "",
        "forecast": forecast,
        "own_measures": list(forecast.measures.all()) if forecast else [],
        "form": form if may_forecast else None,
        "may_forecast": may_forecast,
        "limit": (
            economy.threshold_amount(task.occasion, net.budget_year) if net is not None else None
        ),
        "forecast_measures": economy.open_forecast_measures(task),
        "may_follow_up": economy.may_follow_up_measures(request.user, task),
        "has_underlag": figures.has_below,
        "can_mark_done": not locked and services.may_mark_done(request.user, task),
        **review.context(request.user, task),
        "can_reopen": locked and access.can_manage(request.user, task),
        "reads_documents": access.can_read_tree(request.user, task.unit),
        "reads_economy": True,
        "page_title": task.title,
        "breadcrumbs": _crumbs(task),
    }
    context.update(extra)
    return context


def task_page(request, task: ReportingTask):
    """GET of an economy task (followup.views.task sends it here), with the
    own sections of the Månadsrapport when the unit writes them here."""
    from .views_sections import document_sections_context

    context = page_context(request, task)
    context.update(document_sections_context(request, task, services.is_locked(task)))
    return render(request, "followup/economy_task.html", context)


@login_required
@require_POST
def forecast(request, pk: int):
    task = _task(request, pk)
    if not economy.may_forecast(request.user, task):
        raise PermissionDenied
    figures = economy.economy_figures(task)
    saved = Forecast.objects.filter(occasion=task.occasion, unit=task.unit).first()
    form = ForecastForm(
        request.POST,
        figures=figures,
        forecast=saved,
        measures=saved.measures.all() if saved else (),
    )
    if services.is_locked(task):
        form.is_valid()
        form.add_error(None, _("Rapporteringen är låst och kan inte längre ändras."))
    elif form.is_valid():
        try:
            economy.forecast_save(
                actor=request.user,
                task=task,
                amounts=form.amounts(),
                comments=form.comments(),
                comment=form.cleaned_data.get("comment", ""),
                measures=form.measures(),
                version=form.cleaned_data.get("version") or 0,
            )
        except EditConflict as exc:
            # Kept as typed; saving again writes over the other's version.
            form.data = form.data.copy()
            form.data["version"] = str(exc.current.version)
            other = exc.current
            form.add_error(
                None,
                conflict_text(
                    exc,
                    saved=_("prognosen sparad %(when)s av %(who)s")
                    % {
                        "when": timezone.localtime(other.updated_at).strftime("%Y-%m-%d %H:%M"),
                        "who": other.updated_by or "–",
                    },
                ),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("Helårsprognosen är sparad."))
            return redirect(reverse("followup:task", args=[task.pk]) + "#prognos")
    return render(
        request, "followup/economy_task.html", page_context(request, task, form=form), status=200
    )


@login_required
@require_POST
def forecast_measure(request, pk: int, measure: int):
    """Save the follow-up of a measure planned with an earlier forecast."""
    task = _task(request, pk)
    if not access.can_write(request.user, task.unit):
        raise PermissionDenied
    found = next((m for m in economy.open_forecast_measures(task) if m.measure.pk == measure), None)
    if found is None:
        raise Http404
    saved = measures.apply_followup_post(
        found,
        request.POST,
        lambda result, done, version: economy.forecast_measure_followup_save(
            actor=request.user,
            task=task,
            measure=found.measure,
            result=result,
            done=done,
            version=version,
        ),
    )
    if saved:
        messages.success(request, _("Uppföljningen av åtgärden är sparad."))
        return redirect(reverse("followup:task", args=[task.pk]) + f"#prognosatgard-{measure}")
    context = page_context(request, task)
    context["forecast_measures"] = [
        found if m.measure.pk == found.measure.pk else m for m in context["forecast_measures"]
    ]
    return render(request, "followup/economy_task.html", context)


@login_required
@require_safe
def underlag(request, pk: int):
    task = _task(request, pk)
    page = economy.forecast_underlag(request.user, task)
    return render(
        request,
        "followup/economy_underlag.html",
        {
            "nav": "start",
            "task": task,
            "page": page,
            "page_title": _("Underlag: helårsprognos"),
            "breadcrumbs": _crumbs(task, (_("Underlag"), None)),
        },
    )
