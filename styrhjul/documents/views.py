"""Download of documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access
from styrhjul.planning.models import Plan
from styrhjul.web.forms import apply_errors

from . import internal_control, texts
from .forms import ReportTextForm

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(report: internal_control.InternalControlReport, fmt: str) -> bytes:
    if fmt == "pdf":
        from .pdf import internal_control_pdf

        return internal_control_pdf(report)
    if fmt == "docx":
        from .docx import internal_control_docx

        return internal_control_docx(report)
    raise ValueError(fmt)


def filename(report: internal_control.InternalControlReport, fmt: str) -> str:
    return f"internkontrollrapport-{report.year}-{slugify(report.unit_name)}.{fmt}"


def _plan_and_occasion(request, plan: int, occasion: int, action=access.Action.READ):
    plan_obj = access.get_or_404(
        request.user,
        Plan.objects.select_related("unit", "plan_type__model"),
        action,
        pk=plan,
    )
    occasion_obj = get_object_or_404(
        FollowUpOccasion, pk=occasion, model_id=plan_obj.plan_type.model_id
    )
    return plan_obj, occasion_obj


@login_required
@require_safe
def internal_control_view(request, plan: int, occasion: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    plan_obj, occasion_obj = _plan_and_occasion(request, plan, occasion)
    group_by = request.GET.get("per", "omrade")
    if group_by not in internal_control.GROUPINGS:
        raise Http404
    try:
        report = internal_control.build(plan_obj, occasion_obj, group_by=group_by)
    except internal_control.DocumentError:
        raise Http404 from None
    response = HttpResponse(render(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    return response


def _joined(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


@login_required
@require_http_methods(["GET", "POST"])
def internal_control_texts(request, plan: int, occasion: int):
    """Edit the introduction and summary of the plan's internkontrollrapport at
    the occasion (those who may change the plan)."""
    plan_obj, occasion_obj = _plan_and_occasion(request, plan, occasion, access.Action.WRITE)
    try:
        report = internal_control.build(plan_obj, occasion_obj)
    except internal_control.DocumentError:
        raise Http404 from None
    stored = texts.report_text(plan_obj, occasion_obj)
    plan_url = reverse("planning:plan", args=[plan_obj.pk])
    form = ReportTextForm(
        request.POST or None,
        initial={
            "introduction": _joined(report.introduction),
            "summary": _joined(report.summary),
            "version": stored.version if stored else 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reset = "aterstall" in request.POST
        generated = internal_control.build(plan_obj, occasion_obj, stored_texts=False)
        # A text left as generated is not stored, so it follows the reporting.
        introduction = "" if reset else data["introduction"]
        summary = "" if reset else data["summary"]
        if introduction.strip() == _joined(generated.introduction):
            introduction = ""
        if summary.strip() == _joined(generated.summary):
            summary = ""
        try:
            texts.report_text_save(
                actor=request.user,
                plan=plan_obj,
                occasion=occasion_obj,
                introduction=introduction,
                summary=summary,
                version=data.get("version") or 0,
            )
        except texts.StaleText as exc:
            form.add_error(
                None,
                _("%(msg)s Din text finns kvar i formuläret; spara igen för att skriva över.")
                % {"msg": exc},
            )
            form.data = form.data.copy()
            form.data["version"] = exc.current.version
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Standardtexterna används igen.") if reset else _("Texterna är sparade."),
            )
            return redirect(plan_url + "#ik-report-heading")
    title = _("Texter i internkontrollrapporten: %(occasion)s") % {"occasion": occasion_obj.name}
    return render_page(
        request,
        "documents/texts.html",
        {
            "nav": "planning",
            "form": form,
            "plan": plan_obj,
            "occasion": occasion_obj,
            "stored": stored,
            "back": plan_url,
            "page_title": title,
            "breadcrumbs": [
                (_("Start"), reverse("start")),
                (str(plan_obj), plan_url),
                (_("Texter"), None),
            ],
        },
    )
