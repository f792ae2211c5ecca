"""The economy pages: importing a SIE file and mapping ansvar to units (for
those who manage the organisation's economy, access.may_manage_economy), and
a unit's economy (for whoever reads the unit)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.core.forms import apply_errors
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import figures, queries, services
from . import tasks as economy_tasks
from .forms import MappingForm, SieUploadForm
from .models import SieUpload, UploadStatus

MAX_ERRORS_SHOWN = 500


def _organisation(request) -> tuple[Unit, list[Unit]]:
    """The organisation whose economy the user manages (?organisation=pk
    among several); 403 for those who manage none."""
    roots = list(access.economy_organisations(request.user).order_by("name"))
    if not roots:
        raise PermissionDenied
    wanted = request.GET.get("organisation")
    if wanted:
        chosen = next((r for r in roots if str(r.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen, roots
    return roots[0], roots


def _query(organisation: Unit, roots: list[Unit]) -> str:
    return f"?organisation={organisation.pk}" if len(roots) > 1 else ""


def _query_with(organisation, roots, year: datetime.date) -> str:
    """_query with the fiscal year (?ar=ÅÅÅÅ-MM-DD)."""
    query = _query(organisation, roots)
    return f"{query}{'&' if query else '?'}ar={year.isoformat()}"


def _asked_year(request) -> datetime.date | None:
    """The fiscal year asked for (?ar=ÅÅÅÅ-MM-DD, its first day, or the form's
    year), None when none is asked for; 404 for one that is not a year."""
    wanted = request.GET.get("ar") or request.POST.get("year")
    if not wanted:
        return None
    try:
        day = datetime.date.fromisoformat(wanted)
    except ValueError:
        raise Http404 from None
    if day.day != 1 or not 1900 < day.year < 2200:
        raise Http404
    return day


@login_required
@require_http_methods(["GET", "POST"])
def sie_import(request):
    """Upload a SIE file; it is imported in the background (economy.tasks)
    and its page (sie_upload) shows how it went."""
    organisation, roots = _organisation(request)
    form = (
        SieUploadForm(request.POST, request.FILES) if request.method == "POST" else SieUploadForm()
    )
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        upload = economy_tasks.upload(
            actor=request.user,
            organisation=organisation,
            data=file.read(),
            filename=file.name,
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect(reverse("economy:upload", args=[upload.pk]) + _query(organisation, roots))
    return _import_page(request, organisation, roots, form, None)


@login_required
@require_safe
def sie_upload(request, pk: int):
    """An uploaded file: its status while it is imported (htmx polls the
    status; the page is reloaded when the import is done), then every error
    in the file or its summary."""
    organisation, roots = _organisation(request)
    upload = get_object_or_404(
        SieUpload.objects.defer("data").select_related("record"), pk=pk, organisation=organisation
    )
    if request.htmx and not upload.is_active:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    if request.htmx:
        return render(
            request,
            "economy/import.html#status",
            {"upload": upload, "query": _query(organisation, roots)},
        )
    return _import_page(request, organisation, roots, SieUploadForm(), upload)


def _import_page(request, organisation, roots, form, upload):
    errors = upload.errors if upload is not None and not upload.is_active else []
    finished = upload is not None and upload.status == UploadStatus.DONE and not errors
    return render(
        request,
        "economy/import.html",
        {
            "nav": "admin",
            "page_title": _("Importera SIE-fil"),
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "query": _query(organisation, roots),
            "form": form,
            "upload": upload,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "result": upload if finished else None,
            "imports": queries.imports(organisation),
            "breadcrumbs": [
                (_("Administration"), reverse("organisation:admin")),
                (_("Importera SIE-fil"), None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request):
    """The organisation's ansvar and the units they belong to; a new
    mapping is added here (an ansvar moves to another unit from a date)."""
    organisation, roots = _organisation(request)
    ansvar = list(queries.ansvar_objects(organisation))
    units = Unit.objects.descendants(organisation, include_self=True).order_by("name")
    form = MappingForm(
        request.POST or None,
        ansvar_queryset=queries.ansvar_objects(organisation),
        unit_queryset=units,
        initial={"valid_from": datetime.date.today().replace(month=1, day=1)},
    )
    url = reverse("economy:mapping") + _query(organisation, roots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.mapping_create(
                actor=request.user,
                ansvar=data["ansvar"],
                unit=data["unit"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ansvar %(ansvar)s hör till %(unit)s från %(day)s.")
                % {
                    "ansvar": created.ansvar,
                    "unit": created.unit,
                    "day": f"{created.valid_from:%Y-%m-%d}",
                },
            )
            return redirect(url)
    return render(
        request,
        "economy/mapping.html",
        {
            "nav": "admin",
            "page_title": _("Ansvar och enheter"),
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "query": _query(organisation, roots),
            "ansvar": ansvar,
            "unmapped_count": sum(1 for a in ansvar if not a.is_mapped),
            "form": form,
            "action": url,
            "breadcrumbs": [
                (_("Administration"), reverse("organisation:admin")),
                (_("Ansvar och enheter"), None),
            ],
        },
    )


@login_required
@require_safe
def unit_economy(request, pk: int):
    """A unit's budget and utfall per report row and month, with its
    sub-units summed."""
    # Read with its tree fields: its organisation is then one query.
    unit = access.get_or_404(request.user, Unit.objects.with_tree_fields(), pk=pk)
    year_start = None
    wanted = request.GET.get("ar")
    if wanted:
        try:
            year_start = datetime.date.fromisoformat(wanted)
        except ValueError:
            raise Http404 from None
    organisation = queries.organisation_of(unit)
    table = queries.unit_economy(unit, year_start, organisation=organisation)
    charts = figures.page_charts(table, "ekonomi")
    crumbs = [(unit.name, reverse("organisation:unit", args=[unit.pk]))]
    return render(
        request,
        "economy/unit.html",
        {
            "nav": "organisation",
            "page_title": _("Ekonomi för %(unit)s") % {"unit": unit.name},
            "unit": unit,
            "table": table,
            "month_charts": charts.months,
            "row_chart": charts.rows,
            "part_chart": charts.parts,
            "may_manage": access.may_manage_economy(request.user, organisation),
            "breadcrumbs": [*crumbs, (_("Ekonomi"), None)],
        },
    )
