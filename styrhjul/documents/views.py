"""Download of documents."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access
from styrhjul.planning.models import Plan

from . import internal_control

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


@login_required
def internal_control_view(request, plan: int, occasion: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    plan_obj = access.get_or_404(
        request.user,
        Plan.objects.select_related("unit", "plan_type__model"),
        access.Action.READ,
        pk=plan,
    )
    occasion_obj = get_object_or_404(
        FollowUpOccasion, pk=occasion, model_id=plan_obj.plan_type.model_id
    )
    try:
        report = internal_control.build(plan_obj, occasion_obj)
    except internal_control.DocumentError:
        raise Http404 from None
    response = HttpResponse(render(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    return response
