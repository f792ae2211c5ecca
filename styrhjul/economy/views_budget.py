"""The budget pages (versions, the Excel template and its import, an
omfördelning) and the economy's settings (the dimensions' use, the rows of
the driftredovisning), for those who manage the organisation's economy
(access.may_manage_economy)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.core.history import history_entries
from styrhjul.core.importing import ImportRejected
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import budget, queries, services
from .forms import (
    BudgetUploadForm,
    DimensionKindForm,
    ReallocationForm,
    ReportRowForm,
)
from .models import (
    AccountRange,
    BudgetVersion,
    Dimension,
    DimensionKind,
    DimensionObject,
    ReportRow,
)
from .views import MAX_ERRORS_SHOWN, _asked_year, _organisation, _query, _query_with


def _years(organisation: Unit) -> list[datetime.date]:
    """The fiscal years to budget: those with utfall or budget and the
    one after the latest (this year and next when there are none)."""
    years = set(queries.fiscal_years(organisation))
    if years:
        latest = max(years)
        years.add(latest.replace(year=latest.year + 1))
    else:
        this = datetime.date.today().replace(month=1, day=1)
        years |= {this, this.replace(year=this.year + 1)}
    return sorted(years, reverse=True)


def _year(request, years: list[datetime.date]) -> datetime.date:
    """The fiscal year asked for (?ar=ÅÅÅÅ-MM-DD, its first day; added to
    `years` when it is another), else the latest that has begun."""
    day = _asked_year(request)
    if day is not None:
        if day not in years:
            years.append(day)
            years.sort(reverse=True)
        return day
    today = datetime.date.today()
    return next((y for y in sorted(years, reverse=True) if y <= today), years[-1])


def _crumbs(*last):
    return [(_("Administration"), reverse("organisation:admin")), *last]


def _context(request, organisation, roots, **extra):
    return {
        "nav": "admin",
        "organisation": organisation,
        "roots": roots if len(roots) > 1 else [],
        "query": _query(organisation, roots),
        **extra,
    }


# --- Budget versions -----------------------------------------------------------------


@login_required
@require_safe
def budget_versions(request):
    """A fiscal year's budget versions: kind, decision, totals and the one
    in force."""
    organisation, roots = _organisation(request)
    years = _years(organisation)
    year = _year(request, years)
    versions = queries.budget_versions(organisation, year)
    in_force = versions[-1] if versions else None
    return render(
        request,
        "economy/budget_versions.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("Budget %(year)s") % {"year": budget.year_label(year)},
            years=[(y, budget.year_label(y)) for y in years],
            year=year,
            year_label=budget.year_label(year),
            year_query=_query_with(organisation, roots, year),
            versions=versions,
            in_force=in_force,
            breadcrumbs=_crumbs((_("Budget"), None)),
        ),
    )


def _version_of(request, pk: int) -> BudgetVersion:
    version = get_object_or_404(BudgetVersion.objects.select_related("organisation"), pk=pk)
    if not access.may_manage_economy(request.user, version.organisation):
        raise Http404
    return version


@login_required
@require_safe
def budget_version(request, pk: int):
    """A version's annual amounts per unit and report row."""
    version = _version_of(request, pk)
    organisation = version.organisation
    roots = list(access.economy_organisations(request.user))
    table = queries.version_table(version)
    in_force = queries.budget_in_force(organisation, version.year_start)
    label = budget.year_label(version.year_start)
    back = reverse("economy:budget") + _query_with(organisation, roots, version.year_start)
    return render(
        request,
        "economy/budget_version.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("%(kind)s %(year)s") % {"kind": version.get_kind_display(), "year": label},
            version=version,
            table=table,
            is_in_force=in_force is not None and in_force.pk == version.pk,
            year_label=label,
            back=back,
            breadcrumbs=_crumbs(
                (_("Budget %(year)s") % {"year": label}, back), (str(version), None)
            ),
        ),
    )


@login_required
@require_safe
def budget_template(request):
    """The budget template of the organisation and year (.xlsx)."""
    organisation, _roots = _organisation(request)
    year = _year(request, _years(organisation))
    response = HttpResponse(
        budget.template_workbook(organisation, year), content_type=budget.CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{budget.template_filename(organisation, year)}"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def budget_import(request):
    """Upload a filled budget template as a new version; every error with
    its row and column, or a summary."""
    organisation, roots = _organisation(request)
    years = _years(organisation)
    year = _year(request, years)
    choices = [(y.isoformat(), budget.year_label(y)) for y in years]
    form = (
        BudgetUploadForm(request.POST, request.FILES, years=choices)
        if request.method == "POST"
        else BudgetUploadForm(years=choices, initial={"year": year.isoformat()})
    )
    errors, result = [], None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            result = budget.import_budget(
                actor=request.user,
                organisation=organisation,
                year_start=datetime.date.fromisoformat(data["year"]),
                kind=data["kind"],
                data=upload.read(),
                filename=upload.name,
                decided_on=data["decided_on"],
                decided_by=data["decided_by"],
                reason=data["reason"],
                dry_run=data["dry_run"],
            )
        except ImportRejected as exc:
            errors = exc.errors
    return render(
        request,
        "economy/budget_import.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("Importera budget"),
            form=form,
            year=year,
            year_query=_query_with(organisation, roots, year),
            errors=errors[:MAX_ERRORS_SHOWN],
            error_count=len(errors),
            errors_hidden=max(0, len(errors) - MAX_ERRORS_SHOWN),
            result=result,
            breadcrumbs=_crumbs(
                (_("Budget"), reverse("economy:budget") + _query(organisation, roots)),
                (_("Importera budget"), None),
            ),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_reallocate(request):
    """An omfördelning: move an amount between ansvar and rows as a new
    version, with decision date, who decided and why."""
    organisation, roots = _organisation(request)
    years = _years(organisation)
    year = _year(request, years)
    current = queries.budget_in_force(organisation, year)
    back = reverse("economy:budget") + _query_with(organisation, roots, year)
    ansvar = DimensionObject.objects.filter(
        dimension__organisation=organisation, dimension__kind=DimensionKind.ANSVAR
    ).order_by("code")
    rows = ReportRow.objects.filter(organisation=organisation, is_total=False)
    months = [
        (i, f"{name} {m:%Y}")
        for i, (name, m) in enumerate(
            zip(budget.month_headers(year), queries.fiscal_months(year), strict=True)
        )
    ]
    rules = [(r.value, r.label) for r in (budget.Rule.EVENLY, budget.Rule.LAST_YEAR)]
    form = ReallocationForm(
        request.POST or None,
        ansvar=ansvar,
        rows=rows,
        months=months,
        rules=rules,
        initial={"based_on": current.pk if current else None, "rule": budget.Rule.EVENLY},
    )
    if request.method == "POST" and current is not None and form.is_valid():
        data = form.cleaned_data
        based_on = BudgetVersion.objects.filter(
            organisation=organisation, year_start=year, pk=data["based_on"]
        ).first()
        try:
            if based_on is None:
                raise ValidationError(_("Budgetversionen finns inte längre."))
            version = budget.reallocate(
                actor=request.user,
                organisation=organisation,
                based_on=based_on,
                from_ansvar=data["from_ansvar"],
                from_row=data["from_row"],
                to_ansvar=data["to_ansvar"],
                to_row=data["to_row"],
                amount=data["amount"],
                first_month=data["first_month"],
                rule=data["rule"],
                decided_on=data["decided_on"],
                decided_by=data["decided_by"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Omfördelningen är sparad som en ny budgetversion. Summan är oförändrad."),
            )
            return redirect(
                reverse("economy:budget_version", args=[version.pk]) + _query(organisation, roots)
            )
    return render(
        request,
        "economy/budget_reallocate.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("Omfördela budget"),
            form=form,
            current=current,
            current_total=queries.version_total(current) if current else None,
            year_label=budget.year_label(year),
            action=reverse("economy:budget_reallocate") + _query_with(organisation, roots, year),
            back=back,
            breadcrumbs=_crumbs(
                (_("Budget %(year)s") % {"year": budget.year_label(year)}, back),
                (_("Omfördela budget"), None),
            ),
        ),
    )


# --- Settings --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dimensions(request):
    """What each of the ledger's dimensions is used as."""
    organisation, roots = _organisation(request)
    items = list(Dimension.objects.filter(organisation=organisation).order_by("number"))
    url = reverse("economy:dimensions") + _query(organisation, roots)
    forms = {
        d.pk: DimensionKindForm(prefix=f"d{d.pk}", initial={"kind": d.kind, "version": d.version})
        for d in items
    }
    if request.method == "POST":
        wanted = request.POST.get("dimension", "")
        dimension = next((d for d in items if str(d.pk) == wanted), None)
        if dimension is None:
            raise Http404
        form = DimensionKindForm(request.POST, prefix=f"d{dimension.pk}")
        forms[dimension.pk] = form
        if form.is_valid():
            try:
                services.dimension_kind_set(
                    actor=request.user,
                    dimension=dimension,
                    kind=form.cleaned_data["kind"],
                    version=form.cleaned_data["version"],
                )
            except EditConflict as exc:
                show_conflict(form, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Dimension %(dim)s används som %(kind)s.")
                    % {
                        "dim": dimension,
                        "kind": DimensionKind(form.cleaned_data["kind"]).label.lower(),
                    },
                )
                return redirect(url)
    return render(
        request,
        "economy/dimensions.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("Dimensioner"),
            dimensions=[(d, forms[d.pk]) for d in items],
            action=url,
            history=history_entries(Dimension.history.filter(organisation=organisation)),
            breadcrumbs=_crumbs((_("Dimensioner"), None)),
        ),
    )


def _ranges_text(row: ReportRow) -> str:
    return ", ".join(
        r.first if r.first == r.last else f"{r.first}–{r.last}" for r in row.ranges.all()
    )


def saved_row(request, form, save, *, organisation, row, fields, redirect_to, **fixed):
    """The one way the settings' rows (of the driftredovisning and of the
    investeringsredovisning) are added and changed: on a valid POST, call
    the save service (`save(actor, organisation, row, version, **fields)`,
    row None for a new row) with the form's `fields` and the `fixed` values,
    keep what was typed with the errors at their fields (or the conflict
    with what another person saved), or say it is saved and go to
    `redirect_to`. Returns the redirect, or None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        saved = save(
            actor=request.user,
            organisation=organisation,
            row=row,
            version=(data["version"] or 0) if row is not None else 0,
            **{name: data[name] for name in fields},
            **fixed,
        )
    except EditConflict as exc:
        show_conflict(form, exc)
    except ValidationError as exc:
        apply_errors(form, exc)
    else:
        if row is None:
            messages.success(request, _("Raden %(name)s är tillagd.") % {"name": saved.name})
        else:
            messages.success(request, _("Raden %(name)s är sparad.") % {"name": data["name"]})
        return redirect(redirect_to)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def report_rows(request):
    """The rows of the driftredovisning and their account ranges; a new row
    is added here."""
    organisation, roots = _organisation(request)
    rows = list(ReportRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    url = reverse("economy:report_rows") + _query(organisation, roots)
    next_order = (max((r.order for r in rows), default=0) // 10 + 1) * 10
    form = ReportRowForm(request.POST or None, initial={"order": next_order, "version": 0})
    done = saved_row(
        request,
        form,
        services.report_row_save,
        organisation=organisation,
        row=None,
        fields=("name", "order", "ranges"),
        redirect_to=url,
    )
    if done is not None:
        return done
    return render(
        request,
        "economy/report_rows.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("Rader i driftredovisningen"),
            rows=[(r, _ranges_text(r)) for r in rows],
            form=form,
            action=url,
            reset_action=reverse("economy:report_rows_reset") + _query(organisation, roots),
            history=_rows_history(organisation),
            breadcrumbs=_crumbs((_("Rader i driftredovisningen"), None)),
        ),
    )


def _rows_history(organisation: Unit):
    rows = ReportRow.history.filter(organisation=organisation)
    ranges = AccountRange.history.filter(
        row_id__in=ReportRow.objects.filter(organisation=organisation).values("pk")
    )
    return history_entries(rows), history_entries(ranges)


@login_required
@require_http_methods(["GET", "POST"])
def report_row(request, pk: int):
    """Rename, move and change the account ranges of a row."""
    row = get_object_or_404(ReportRow.objects.select_related("organisation"), pk=pk)
    organisation = row.organisation
    if not access.may_manage_economy(request.user, organisation):
        raise Http404
    roots = list(access.economy_organisations(request.user))
    back = reverse("economy:report_rows") + _query(organisation, roots)
    form = ReportRowForm(
        request.POST or None,
        initial={
            "name": row.name,
            "order": row.order,
            "ranges": _ranges_text(row),
            "version": row.version,
        },
    )
    if row.is_total:
        form.fields["ranges"].disabled = True
        form.fields["ranges"].help_text = _(
            "En summerad rad har inga kontointervall; den summerar raderna ovanför."
        )
    done = saved_row(
        request,
        form,
        services.report_row_save,
        organisation=organisation,
        row=row,
        fields=("name", "order") if row.is_total else ("name", "order", "ranges"),
        redirect_to=back,
        **({"ranges": []} if row.is_total else {}),
    )
    if done is not None:
        return done
    return render(
        request,
        "economy/report_row.html",
        _context(
            request,
            organisation,
            roots,
            page_title=_("Ändra raden %(name)s") % {"name": row.name},
            row=row,
            form=form,
            action=request.path,
            back=back,
            breadcrumbs=_crumbs((_("Rader i driftredovisningen"), back), (row.name, None)),
        ),
    )


@login_required
@require_POST
def report_rows_reset(request):
    """The rows back to the Kommun-Bas default."""
    organisation, roots = _organisation(request)
    url = reverse("economy:report_rows") + _query(organisation, roots)
    try:
        services.report_rows_reset(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Raderna är återställda till Kommun-Bas standard."))
    return redirect(url)
