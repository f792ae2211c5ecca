"""Download of documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.model.models import GoalLevel, ItemKind, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import chosen_root, org_query
from styrhjul.planning.models import Plan
from styrhjul.planning.queries import organisation_id_of

from . import internal_control, registry, retention, texts, views_sections
from .forms import DocumentTextsForm, ReportTextForm
from .models import DocumentText
from .registry import CONTENT_TYPES


def _plan_and_occasion(request, plan: int, occasion: int, action=access.Action.READ):
    """The plan (the user may `action` it and reads all below its unit: the
    report has the reporting units' results) and one of its year's
    occasions; 404 otherwise."""
    plan_obj = access.get_or_404(
        request.user,
        Plan.objects.select_related("unit", "plan_type__model"),
        action,
        pk=plan,
    )
    if not access.can_read_tree(request.user, plan_obj.unit):
        raise Http404
    occasion_obj = get_object_or_404(
        FollowUpOccasion, pk=occasion, model_id=plan_obj.plan_type.model_id
    )
    return plan_obj, occasion_obj


@login_required
@require_safe
def internal_control_view(request, plan: int, occasion: int, fmt: str):
    from .registry import TYPES

    if fmt not in TYPES["internkontrollrapport"].formats:
        raise Http404
    plan_obj, occasion_obj = _plan_and_occasion(request, plan, occasion)
    group_by = request.GET.get("per", "omrade")
    if group_by not in internal_control.GROUPINGS:
        raise Http404
    try:
        report = internal_control.build(plan_obj, occasion_obj, group_by=group_by)
    except internal_control.DocumentError:
        raise Http404 from None
    data = internal_control.render(report, fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = internal_control.filename(report, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
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
        generated = internal_control.build(plan_obj, occasion_obj, stored_texts=False)
    except internal_control.DocumentError:
        raise Http404 from None
    stored = texts.report_text(plan_obj, occasion_obj)
    plan_url = reverse("planning:plan", args=[plan_obj.pk])
    form = ReportTextForm(
        request.POST or None,
        initial={
            "introduction": (stored and stored.introduction) or _joined(generated.introduction),
            "summary": (stored and stored.summary) or _joined(generated.summary),
            "version": stored.version if stored else 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reset = "aterstall" in request.POST
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
        except EditConflict as exc:
            show_conflict(form, exc)
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


# --- A unit's documents at an occasion --------------------------------------------------


def _unit_and_occasion(request, unit: int, occasion: int, action=access.Action.READ):
    """The unit and an occasion of its organisation; 404 unless the user may
    `action` the unit, and, to read its documents (which show the reporting
    below it), reads every unit below it too (access.can_read_tree)."""

    unit_obj = access.get_or_404(request.user, Unit.objects.with_tree_fields(), action, pk=unit)
    if action == access.Action.READ and not access.can_read_tree(request.user, unit_obj):
        raise Http404
    occasion_obj = get_object_or_404(FollowUpOccasion.objects.select_related("model"), pk=occasion)
    if occasion_obj.model.organisation_id != organisation_id_of(unit_obj):
        raise Http404
    return unit_obj, occasion_obj


@login_required
@require_http_methods(["GET", "POST"])
def unit_documents(request, unit: int, occasion: int):
    """Make documents in the background and download the ones made."""
    from . import jobs
    from .models import DocumentJob

    unit_obj, occasion_obj = _unit_and_occasion(request, unit, occasion)
    available = registry.available(unit_obj, occasion_obj)
    error = ""
    if request.method == "POST":
        document, fmt = request.POST.get("dokument", ""), request.POST.get("format", "")
        if document not in {t.key for t in available}:
            error = _("Välj ett av dokumenten i listan.")
        else:
            try:
                job = jobs.submit(
                    actor=request.user,
                    unit=unit_obj,
                    occasion=occasion_obj,
                    document=document,
                    fmt=fmt,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(title)s skapas. Du kan arbeta vidare under tiden.") % {"title": job.title},
                )
                return redirect(request.path + "#dokument")
    job_list = list(
        DocumentJob.objects.filter(unit=unit_obj, occasion=occasion_obj)
        .select_related("requested_by")
        .defer("data")[:30]
    )
    return render_page(
        request,
        "documents/unit_documents.html",
        {
            "nav": "followup",
            "unit": unit_obj,
            "occasion": occasion_obj,
            "available": available,
            "jobs": job_list,
            "error": error,
            "can_write": access.can_write(request.user, unit_obj),
            "page_title": _("Dokument: %(occasion)s, %(unit)s")
            % {"occasion": occasion_obj.name, "unit": unit_obj.name},
            "breadcrumbs": [(_("Start"), reverse("start")), (_("Dokument"), None)],
        },
    )


def _job(request, queryset, pk: int):
    """A document made for a unit whose whole part of the tree the user reads."""
    job = access.get_or_404(request.user, queryset, pk=pk)
    if not access.can_read_tree(request.user, job.unit):
        raise Http404
    return job


@login_required
@require_safe
def job_status(request, pk: int):
    """One job's row (htmx polls it while the document is being made)."""
    from .models import DocumentJob

    job = _job(
        request, DocumentJob.objects.select_related("requested_by", "unit").defer("data"), pk
    )
    return render_page(request, "documents/unit_documents.html#job", {"job": job})


@login_required
@require_safe
def job_download(request, pk: int):
    from .models import DocumentJob, JobStatus

    job = _job(request, DocumentJob.objects.select_related("unit"), pk)
    if job.status != JobStatus.DONE or job.data is None:
        raise Http404
    retention.mark_downloaded(job)  # a file someone took away is kept (retention)
    response = HttpResponse(bytes(job.data), content_type=CONTENT_TYPES[job.fmt])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@login_required
@require_safe
def preview(request, unit: int, occasion: int, document: str):
    """The document as HTML in the browser, read now, before making files."""
    unit_obj, occasion_obj = _unit_and_occasion(request, unit, occasion)
    if document not in {t.key for t in registry.available(unit_obj, occasion_obj)}:
        raise Http404
    try:
        report = registry.build(document, unit_obj, occasion_obj, reader=request.user)
        data, _name = registry.render(document, report, "html")
    except internal_control.DocumentError:
        raise Http404 from None
    return HttpResponse(data, content_type=CONTENT_TYPES["html"])


@login_required
@require_http_methods(["GET", "POST"])
def document_texts(request, unit: int, occasion: int, document: str):
    """Förord, sammanfattning and viktiga händelser of a unit's delårsrapport
    or årsredovisning (those who may change the unit). The unit writes them
    in its task when the occasion is of the document's kind and the unit has
    a task there (followup.sections): the page then shows them and the way
    to the task; otherwise (no task, or a document made at an occasion of
    another kind) they are written here."""
    from styrhjul.followup import sections

    from .annual import KINDS, TEXT_SECTIONS

    if document not in KINDS:
        raise Http404
    unit_obj, occasion_obj = _unit_and_occasion(request, unit, occasion, access.Action.WRITE)
    stored = {
        t.section: t
        for t in DocumentText.objects.filter(
            unit=unit_obj, occasion=occasion_obj, document=document
        )
    }

    back = reverse("documents:unit_documents", args=[unit_obj.pk, occasion_obj.pk])
    crumbs = [(_("Start"), reverse("start")), (_("Dokument"), back), (_("Texter"), None)]
    title = _("Texter i %(doc)s: %(unit)s") % {
        "doc": KINDS[document].lower(),
        "unit": unit_obj.name,
    }
    task = (
        sections.sections_task(unit_obj, occasion_obj)
        if sections.document_at(occasion_obj) == document
        else None
    )
    # Only the texts the organisation's document prints are asked for, in
    # the task as here.
    printed = sections.printed_texts(occasion_obj, document)
    shown = [key for key in TEXT_SECTIONS if key in printed]
    if task is not None:
        task_url = reverse("followup:task", args=[task.pk])
        if shown:
            task_url += f"#avsnitt-{shown[0]}"
        if request.method == "POST":
            return redirect(task_url)
        return render_page(
            request,
            "documents/document_texts.html",
            {
                "nav": "followup",
                "task_url": task_url,
                "task": task,
                "written": [
                    (heading, stored[key].text if key in stored else "")
                    for key, heading in TEXT_SECTIONS.items()
                    if key in printed
                ],
                "back": back,
                "page_title": title,
                "breadcrumbs": crumbs,
            },
        )
    initial = {key: stored[key].text for key in stored}
    form = DocumentTextsForm(request.POST or None, initial=initial, keys=shown)
    if request.method == "POST" and shown and form.is_valid():
        versions = {key: int(request.POST.get(f"version-{key}", "0") or 0) for key in shown}
        try:
            texts.document_texts_save(
                actor=request.user,
                unit=unit_obj,
                occasion=occasion_obj,
                document=document,
                values={key: form.cleaned_data[key] for key in shown},
                versions=versions,
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Texterna är sparade."))
            return redirect(back)
    return render_page(
        request,
        "documents/document_texts.html",
        {
            "nav": "followup",
            "form": form,
            "versions": {key: (stored[key].version if key in stored else 0) for key in shown},
            "none_printed": not shown,
            "back": back,
            "page_title": title,
            "breadcrumbs": crumbs,
        },
    )


def _level_and_plan_type_names(organisation) -> tuple[list[str], list[str]]:
    """The goal levels and plan types (with goals or activities) that the
    organisation's styrmodeller have, by name, in the latest model's order."""

    levels: dict[str, None] = {}
    for name in (
        GoalLevel.objects.filter(model__organisation=organisation)
        .order_by("-model__year", "order", "name")
        .values_list("name", flat=True)
    ):
        levels.setdefault(name, None)
    plan_types: dict[str, None] = {}
    for name, kinds in (
        PlanType.objects.filter(model__organisation=organisation)
        .order_by("-model__year", "order", "name")
        .values_list("name", "item_kinds")
    ):
        if ItemKind.GOAL in kinds or ItemKind.ACTIVITY in kinds:
            plan_types.setdefault(name, None)
    return list(levels), list(plan_types)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Dokumentinställningar: the organisation's logo, colours and typefaces
    and what its delårsrapport and årsredovisning contain. Everyone who
    reads the organisation sees them; model owners change them."""

    from . import layout
    from .forms import DocumentContentsForm, DocumentStyleForm

    organisation, roots = chosen_root(request.user, request.GET.get("organisation"))
    can_manage = access.can_manage(request.user, organisation)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    stored = layout.settings_for(organisation)
    levels, plan_types = _level_and_plan_type_names(organisation)
    url = reverse("documents:settings") + org_query(organisation, roots)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    style_initial = {
        "heading_colour": stored.heading_colour if stored else layout.DEFAULT_HEADING_COLOUR,
        "table_colour": stored.table_colour if stored else layout.DEFAULT_TABLE_COLOUR,
        "font": stored.font if stored else "",
        "heading_font": stored.heading_font if stored else "",
        "version": stored.version if stored else 0,
    }
    style_form = DocumentStyleForm(data, files, initial=style_initial, current=stored)
    contents_forms = [
        DocumentContentsForm(
            data,
            document=document,
            levels=levels,
            plan_types=plan_types,
            initial=DocumentContentsForm.initial_from(
                (stored.contents or {}).get(document, {}) if stored else {}
            ),
        )
        for document in layout.DOCUMENTS
    ]
    if request.method == "POST" and style_form.is_valid() & all(
        [f.is_valid() for f in contents_forms]
    ):
        upload = style_form.cleaned_data.get("logo")
        try:
            layout.settings_save(
                actor=request.user,
                organisation=organisation,
                version=style_form.cleaned_data.get("version") or 0,
                heading_colour=style_form.cleaned_data["heading_colour"],
                table_colour=style_form.cleaned_data["table_colour"],
                font=style_form.cleaned_data["font"],
                heading_font=style_form.cleaned_data["heading_font"],
                contents={f.document: f.contents() for f in contents_forms},
                logo=upload.read() if upload else None,
                logo_name=upload.name if upload else "",
                remove_logo=style_form.cleaned_data["remove_logo"],
            )
        except EditConflict as exc:
            show_conflict(style_form, exc)
        except ValidationError as exc:
            by_form = {f.document: f for f in contents_forms}
            for name, errors in exc.message_dict.items():
                document, _sep, field = name.partition("-")
                if document in by_form and field in by_form[document].fields:
                    by_form[document].add_error(field, errors)
                else:
                    style_form.add_error(name if name in style_form.fields else None, errors)
        else:
            messages.success(request, _("Dokumentinställningarna är sparade."))
            return redirect(url)
    preview = layout.style_of(stored, organisation) if stored else layout.Style()
    has_errors = bool(style_form.errors) or any(f.errors for f in contents_forms)
    return render_page(
        request,
        "documents/settings.html",
        {
            "nav": "model",
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "stored": stored,
            "style": preview,
            "style_form": style_form,
            "contents_forms": contents_forms,
            "can_manage": can_manage,
            "has_errors": has_errors,
            "action": url,
            "page_title": _("Dokumentinställningar"),
            "breadcrumbs": [(_("Start"), reverse("start")), (_("Dokumentinställningar"), None)],
            **views_sections.own_sections_context(request, organisation),
        },
    )
