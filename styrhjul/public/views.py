"""Published snapshots and open data. Reading what is published needs no
login (access.reads_published); publishing and the licence are for the
organisation's model owners (access.may_publish). Views are thin: parse,
call a query or service, render."""

from __future__ import annotations

import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.core import ratelimit
from styrhjul.core.concurrency import EditConflict, conflict_text, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.core.spreadsheet import workbook_bytes
from styrhjul.documents.models import paragraphs
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import opendata, publishing, queries, services
from .forms import AccessibilityStatementForm
from .models import (
    Licence,
    PublicationSettings,
    Snapshot,
    SnapshotDocument,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX,
}


def open_data_limited(view):
    """The open data files count against the same limit per client as the
    API's open data (core.ratelimit.check_open_data); over it, 429 with a
    Swedish explanation and Retry-After."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        try:
            ratelimit.check_open_data(request)
        except ratelimit.RateLimited as exc:
            response = HttpResponse(
                exc.message, status=429, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = str(exc.retry_after)
            response["Access-Control-Allow-Origin"] = "*"  # as the files themselves
            return response
        return view(request, *args, **kwargs)

    return limited


def _organisation_or_404(pk: int) -> Unit:
    organisation = Unit.objects.filter(pk=pk, parent__isnull=True).first()
    if organisation is None:
        raise Http404
    return organisation


def _open_urls(request, snapshot: Snapshot) -> dict[str, str]:
    def url(name, *args):
        return request.build_absolute_uri(reverse(name, args=args))

    return {
        "page_url": url("public:snapshot", snapshot.pk),
        "csv_url": url("public:snapshot_csv", snapshot.pk),
        "json_url": url("public:snapshot_json", snapshot.pk),
        "dictionary_url": url("public:dictionary_json"),
    }


@require_safe
def snapshots(request, organisation: int):
    """Publicerade uppföljningar: an organisation's snapshots, newest first;
    for its model owners also the occasions they may publish."""
    org = _organisation_or_404(organisation)
    found = list(queries.snapshots_of(org.pk))
    if not found and not access.may_publish(request.user, org):
        raise Http404  # nothing published: nothing to show about the organisation
    publishable = []
    if access.may_publish(request.user, org):
        publishable = list(
            FollowUpOccasion.objects.filter(model__organisation=org)
            .select_related("model")
            .order_by("-period_end", "name")
        )
    return render(
        request,
        "public/snapshots.html",
        {
            "organisation": org,
            "snapshots": found,
            "publishable": publishable,
            "may_publish": bool(publishable) or access.may_publish(request.user, org),
            "public_page": PublicationSettings.objects.filter(
                organisation=org, public_page=True
            ).exists(),
            "page_title": _("Publicerade uppföljningar – %(org)s") % {"org": org.name},
        },
    )


@require_safe
def snapshot(request, pk: int):
    """A published snapshot: who published what and when, its units, its
    documents and its open data."""
    snap = queries.snapshot_or_404(pk)
    return render(
        request,
        "public/snapshot.html",
        {
            "snapshot": snap,
            "units": queries.units_of(snap),
            "documents": list(queries.documents_of(snap)),
            "page_title": snap.title,
            "breadcrumbs": [
                (
                    _("Publicerade uppföljningar"),
                    reverse("public:snapshots", args=[snap.organisation_id]),
                ),
                (snap.title, None),
            ],
        },
    )


@require_safe
def snapshot_unit(request, pk: int, unit: int):
    """One unit's items in a snapshot, and the choice of another snapshot to
    compare them with."""
    snap = queries.snapshot_or_404(pk)
    rows = list(queries.rows_of(snap, unit))
    if not rows:
        raise Http404
    others = [s for s in queries.snapshots_of(snap.organisation_id) if s.pk != snap.pk]
    other = request.GET.get("jamfor")
    if other:
        if other.isdigit() and int(other) in {s.pk for s in others}:
            return redirect("public:compare", int(other), snap.pk, unit)
        raise Http404
    for row in rows:
        row.state_text = queries.state_label(row)
        row.kind_text = queries.KIND_LABELS.get(row.kind, row.kind)
    return render(
        request,
        "public/snapshot_unit.html",
        {
            "snapshot": snap,
            "unit_id": unit,
            "unit_name": rows[0].unit_name,
            "rows": rows,
            "others": others,
            "page_title": f"{rows[0].unit_name} – {snap.title}",
            "breadcrumbs": [
                (
                    _("Publicerade uppföljningar"),
                    reverse("public:snapshots", args=[snap.organisation_id]),
                ),
                (snap.title, reverse("public:snapshot", args=[snap.pk])),
                (rows[0].unit_name, None),
            ],
        },
    )


def _comparison(before: int, after: int, unit: int) -> queries.Comparison:
    old, new = queries.snapshot_or_404(before), queries.snapshot_or_404(after)
    if old.organisation_id != new.organisation_id or old.pk == new.pk:
        raise Http404
    return queries.compare(old, new, unit)


@require_safe
def compare(request, before: int, after: int, unit: int):
    """What changed for a unit between two snapshots, item by item."""
    comparison = _comparison(before, after, unit)
    return render(
        request,
        "public/compare.html",
        {
            "comparison": comparison,
            "page_title": _("Jämförelse: %(unit)s") % {"unit": comparison.unit_name},
            "breadcrumbs": [
                (
                    _("Publicerade uppföljningar"),
                    reverse("public:snapshots", args=[comparison.after.organisation_id]),
                ),
                (
                    comparison.after.title,
                    reverse("public:snapshot_unit", args=[comparison.after.pk, unit]),
                ),
                (_("Jämförelse"), None),
            ],
        },
    )


@require_safe
def compare_xlsx(request, before: int, after: int, unit: int):
    comparison = _comparison(before, after, unit)
    title = _("Jämförelse %(unit)s: %(a)s och %(b)s") % {
        "unit": comparison.unit_name,
        "a": comparison.before.title,
        "b": comparison.after.title,
    }
    data = workbook_bytes(
        [queries.comparison_sheet(comparison)],
        title=title,
        creator=comparison.after.organisation_name,
        muted=[_("Oförändrad")],
    )
    response = HttpResponse(data, content_type=XLSX)
    name = slugify(f"jamforelse-{comparison.unit_name}-{before}-{after}") or "jamforelse"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_safe
def document(request, pk: int, document: int):
    doc = SnapshotDocument.objects.filter(pk=document, snapshot_id=pk).first()
    if doc is None:
        raise Http404
    response = HttpResponse(
        bytes(doc.data), content_type=CONTENT_TYPES.get(doc.fmt, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    return response


def _filename(snap: Snapshot, ext: str) -> str:
    return f"{slugify(f'{snap.organisation_name}-{snap.title}') or 'uppfoljning'}-{snap.pk}.{ext}"


@require_safe
@open_data_limited
def snapshot_csv(request, pk: int):
    snap = queries.snapshot_or_404(pk)
    response = HttpResponse(opendata.as_csv(snap), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(snap, "csv")}"'
    response["Link"] = f'<{snap.licence_url}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@open_data_limited
def snapshot_json(request, pk: int):
    snap = queries.snapshot_or_404(pk)
    response = JsonResponse(
        opendata.as_json(snap, _open_urls(request, snap)), json_dumps_params={"ensure_ascii": False}
    )
    response["Link"] = f'<{snap.licence_url}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# How long a rendered public page is kept; a new snapshot or a changed
# setting makes a new key at once (public_page_key).
PUBLIC_PAGE_SECONDS = 3600


def public_page_key(organisation: int, year: str) -> str | None:
    """The cache key of the public page of the organisation with the pk
    `organisation`, or None when there is no such organisation (a root unit)
    or its page is switched off: it names the newest snapshot and the
    settings' version, so publishing or changing the settings shows at
    once. One query, without reading the unit."""
    newest = (
        Snapshot.objects.filter(organisation_id=OuterRef("organisation_id"))
        .order_by("-pk")
        .values("pk")[:1]
    )
    row = (
        PublicationSettings.objects.filter(
            organisation_id=organisation, organisation__parent__isnull=True, public_page=True
        )
        .annotate(newest=Subquery(newest))
        .values_list("version", "newest")
        .first()
    )
    if row is None:
        return None
    version, newest_pk = row
    return f"public-page:{organisation}:{year}:{newest_pk}:{version}"


@require_safe
def organisation_page(request, organisation: int):
    """Den offentliga sidan: the vision, the goals per perspective with their
    published assessments and analyses, the published documents, per year.
    Switched on by a model owner; rendered without the visitor's session
    (the same page for everyone) and kept in the cache. From the cache it
    takes two queries: the key (public_page_key) and the page."""
    year = request.GET.get("ar", "")
    year = year if year.isdigit() and len(year) == 4 else ""
    key = public_page_key(organisation, year)
    if key is None:
        raise Http404
    html = cache.get(key)
    if html is None:
        org = _organisation_or_404(organisation)
        page = queries.public_page(org, int(year) if year else None)
        html = render_to_string(
            "public/organisation.html",
            {"p": page, "page_title": org.name, "public_page": True},
        )
        cache.set(key, html, PUBLIC_PAGE_SECONDS)
    return HttpResponse(html)


@require_safe
def dictionary(request):
    """Datakatalog: what each column of the open data means."""
    return render(
        request,
        "public/dictionary.html",
        {"columns": opendata.dictionary(), "page_title": _("Datakatalog för öppna data")},
    )


@require_safe
@open_data_limited
def dictionary_json(request):
    response = HttpResponse(
        json.dumps({"columns": opendata.dictionary()}, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _publishable_or_404(request, occasion: int) -> FollowUpOccasion:
    """The occasion, for its organisation's model owners (access.may_publish);
    404 for who does not read the organisation, 403 for its other readers."""
    occ = FollowUpOccasion.objects.select_related("model__organisation").filter(pk=occasion).first()
    if occ is None or not access.reads_organisation(request.user, occ.model.organisation):
        raise Http404
    if not access.may_publish(request.user, occ.model.organisation):
        raise PermissionDenied
    return occ


def _publishing_context(occ: FollowUpOccasion) -> dict:
    job = publishing.latest([occ]).get(occ.pk)
    return {"occasion": occ, "job": job, "published": publishing.snapshot_of(job)}


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, occasion: int):
    """Publicera: a model owner orders the occasion's results frozen for
    everyone; a worker publishes it (publishing.py) and the page shows how
    far it has come, then the snapshot or why it failed."""
    occ = _publishable_or_404(request, occasion)
    refusal = services.publish_refusal(occ)
    if request.method == "POST" and not refusal:
        try:
            publishing.order(actor=request.user, occasion=occ)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        else:  # the page shows the job (_publishing.html)
            return redirect("public:publish", occ.pk)
    context = _publishing_context(occ)
    return render(
        request,
        "public/publish.html",
        {
            **context,
            "refusal": refusal,
            "earlier": list(occ.snapshots.all()),
            "page_title": _("Publicera %(title)s") % {"title": occ.title},
        },
        status=400 if request.method == "POST" and refusal else 200,
    )


@login_required
@require_safe
def publishing_status(request, occasion: int):
    """How far publishing the occasion has come (polled by the publish page)."""
    occ = _publishable_or_404(request, occasion)
    return render(request, "public/_publishing.html", _publishing_context(occ))


@login_required
@require_http_methods(["GET", "POST"])
def publication_settings(request, organisation: int):
    """Publiceringsinställningar: the licence of the open data."""
    org = _organisation_or_404(organisation)
    if not access.reads_organisation(request.user, org):
        raise Http404
    if not access.may_publish(request.user, org):
        raise PermissionDenied
    row = PublicationSettings.objects.filter(organisation=org).first()
    current = row.licence if row else Licence.CC0
    version = row.version if row else 0
    public_page = bool(row and row.public_page)
    error = ""
    if request.method == "POST":
        licence = request.POST.get("licence", "")
        try:
            posted_version = int(request.POST.get("version", "0"))
        except ValueError:
            posted_version = -1
        try:
            services.publication_settings_save(
                actor=request.user,
                organisation=org,
                licence=licence,
                version=posted_version,
                public_page=request.POST.get("public_page") == "1",
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            current, public_page = licence, request.POST.get("public_page") == "1"
        except EditConflict as exc:
            error = conflict_text(exc, kept=False)
            current, version = exc.current.licence, exc.current.version
            public_page = exc.current.public_page
        else:
            messages.success(request, _("Publiceringsinställningarna är sparade."))
            return redirect("public:snapshots", org.pk)
    return render(
        request,
        "public/settings.html",
        {
            "organisation": org,
            "licences": Licence.choices,
            "current": current,
            "version": version,
            "public_page": public_page,
            "error": error,
            "page_title": _("Publiceringsinställningar"),
        },
        status=400 if error else 200,
    )


@require_safe
def accessibility(request):
    """Tillgänglighetsredogörelse: how the service meets the accessibility
    requirements, for everyone, without a login (linked from the foot of
    every page). What the organisation says is in AccessibilityStatement;
    what the product does is in the template."""
    row = queries.accessibility_statement()
    return render(
        request,
        "public/accessibility.html",
        {
            "statement": row,
            "publisher": queries.statement_publisher(row),
            "issues": paragraphs(row.known_issues) if row else [],
            "can_edit": request.user.is_authenticated and access.is_admin(request.user),
            "page_title": _("Tillgänglighetsredogörelse"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accessibility_edit(request):
    """A system administrator writes the tillgänglighetsredogörelse."""
    access.require_admin(request.user)
    row = queries.accessibility_statement()
    if request.method == "POST":
        form = AccessibilityStatementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.accessibility_statement_save(
                    actor=request.user,
                    version=data["version"] or 0,
                    publisher=data["publisher"],
                    compliance=data["compliance"],
                    known_issues=data["known_issues"],
                    contact=data["contact"],
                    assessed_on=data["assessed_on"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except EditConflict as exc:
                show_conflict(form, exc)
            else:
                messages.success(request, _("Tillgänglighetsredogörelsen är sparad."))
                return redirect("public:accessibility")
    else:
        form = AccessibilityStatementForm(initial=AccessibilityStatementForm.initial_from(row))
    return render(
        request,
        "public/accessibility_edit.html",
        {
            "form": form,
            "page_title": _("Ändra tillgänglighetsredogörelsen"),
            "breadcrumbs": [
                (_("Tillgänglighetsredogörelse"), reverse("public:accessibility")),
                (_("Ändra"), None),
            ],
        },
        status=400 if form.errors else 200,
    )
