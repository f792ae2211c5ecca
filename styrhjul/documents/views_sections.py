"""Own sections of the documents on the Dokumentinställningar pages: add,
change and remove a section of a year's delårsrapport, årsredovisning or
Månadsrapport (followup.sections). Those who change the document settings
(access MANAGE on the organisation) change them; the settings page lists
them with each document's contents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.followup import sections
from styrhjul.followup.models import SECTION_DOCUMENTS, DocumentSection
from styrhjul.model.models import GovernanceModel
from styrhjul.organisation import access

from .forms_sections import OwnSectionForm


def settings_url(model: GovernanceModel, document: str) -> str:
    return (
        reverse("documents:settings")
        + f"?organisation={model.organisation_id}&ar={model.year}#egna-{document}"
    )


def _crumbs(title: str, back: str):
    return [
        (_("Start"), reverse("start")),
        (_("Dokumentinställningar"), back),
        (title, None),
    ]


def _form_page(request, form, *, title: str, back: str, intro: str = ""):
    return render(
        request,
        "model/part_form.html",
        {
            "nav": "model",
            "form": form,
            "action": request.get_full_path(),
            "back": back,
            "intro": intro,
            "page_title": title,
            "breadcrumbs": _crumbs(title, back),
        },
    )


def _save(request, form, *, model, document, section=None) -> bool:
    data = form.cleaned_data
    try:
        sections.section_save(
            actor=request.user,
            model=model,
            document=document,
            heading=data["heading"],
            instruction=data["instruction"],
            unit_types=data["unit_types"],
            shows_sub_units=data["shows_sub_units"],
            order=data["order"],
            section=section,
            version=data.get("version") or 0,
        )
    except EditConflict as exc:
        show_conflict(form, exc)
    except ValidationError as exc:
        apply_errors(form, exc)
    else:
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def own_section_create(request, model: int, document: str):
    model_obj = access.get_or_404(
        request.user,
        GovernanceModel.objects.select_related("organisation"),
        access.Action.MANAGE,
        pk=model,
    )
    if document not in SECTION_DOCUMENTS:
        raise Http404
    back = settings_url(model_obj, document)
    form = OwnSectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, model=model_obj, document=document):
            messages.success(
                request, _("”%(heading)s” är tillagt.") % {"heading": form.cleaned_data["heading"]}
            )
            return redirect(back)
    title = _("Nytt avsnitt i %(doc)s %(year)s") % {
        "doc": sections.THE_DOCUMENT[document],
        "year": model_obj.year,
    }
    return _form_page(
        request,
        form,
        title=title,
        back=back,
        intro=_("Enheterna skriver avsnittet i sin uppgift vid uppföljningen."),
    )


def _section(request, pk: int) -> DocumentSection:
    return access.get_or_404(
        request.user,
        DocumentSection.objects.select_related("model__organisation"),
        access.Action.MANAGE,
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def own_section_edit(request, pk: int):
    section = _section(request, pk)
    back = settings_url(section.model, section.document)
    form = OwnSectionForm(
        request.POST or None,
        initial={
            "heading": section.heading,
            "instruction": section.instruction,
            "unit_types": list(section.unit_types.all()),
            "shows_sub_units": section.shows_sub_units,
            "order": section.order,
            "version": section.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _save(request, form, model=section.model, document=section.document, section=section):
            messages.success(
                request, _("”%(heading)s” är sparat.") % {"heading": form.cleaned_data["heading"]}
            )
            return redirect(back)
    return _form_page(
        request, form, title=_("Ändra avsnittet %(heading)s") % {"heading": section}, back=back
    )


@login_required
@require_http_methods(["GET", "POST"])
def own_section_delete(request, pk: int):
    section = _section(request, pk)
    back = settings_url(section.model, section.document)
    error = ""
    if request.method == "POST":
        try:
            sections.section_delete(
                actor=request.user,
                section=section,
                version=int(request.POST.get("version") or 0),
            )
        except EditConflict as exc:
            error = str(exc)
        else:
            messages.success(request, _("”%(heading)s” är borttaget.") % {"heading": section})
            return redirect(back)
    title = _("Ta bort avsnittet %(heading)s") % {"heading": section}
    return render(
        request,
        "documents/own_section_delete.html",
        {
            "nav": "model",
            "section": section,
            "error": error,
            "back": back,
            "page_title": title,
            "breadcrumbs": _crumbs(title, back),
        },
    )


def own_sections_context(request, organisation) -> dict:
    """For the settings page: the year chosen (?ar=, else the latest) and
    its own sections per document."""
    models = list(GovernanceModel.objects.filter(organisation=organisation).order_by("-year"))
    wanted = request.GET.get("ar", "")
    chosen = next((m for m in models if str(m.year) == wanted), models[0] if models else None)
    by_document = {document: [] for document in SECTION_DOCUMENTS}
    if chosen is not None:
        for section in (
            DocumentSection.objects.filter(model=chosen)
            .prefetch_related("unit_types")
            .order_by("order", "pk")
        ):
            by_document.setdefault(section.document, []).append(section)
    return {
        "own_model": chosen,
        "own_years": [m.year for m in models],
        "own_sections": by_document,
    }
