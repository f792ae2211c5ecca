"""Pages for the uppdelningar of an organisation (/nyckeltal/uppdelningar/),
an indicator's values per group (/nyckeltal/<id>/uppdelning/…) and its
comparison values entered by hand (/nyckeltal/<id>/jamforelser/), with
their Excel imports. Writes go through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from styrhjul.core.concurrency import EditConflict, conflict_text, show_conflict
from styrhjul.core.dates import month_name
from styrhjul.core.importing import ImportRejected
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import chosen_root, org_query
from styrhjul.planning.models import Item

from . import services
from .forms import BreakdownForm, ComparisonForm, DimensionForm, UploadForm
from .models import BreakdownDimension, BreakdownValue, ComparisonValue

ITEM_RELATED = ("plan__unit", "plan__plan_type__model")
MAX_ERRORS_SHOWN = 200


def indicator_or_404(user, pk: int) -> Item:
    return access.get_or_404(
        user,
        Item.objects.select_related(*ITEM_RELATED).filter(kind=ItemKind.INDICATOR),
        pk=pk,
    )


def shown_unit(request, item: Item) -> Unit:
    """The unit whose values a page shows: ?enhet=<id> (a unit the user
    reads, e.g. one the indicator is shared to), else the owner."""
    unit = item.plan.unit
    wanted = request.GET.get("enhet")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        if int(wanted) != unit.pk:
            unit = access.get_or_404(request.user, Unit.objects.all(), pk=int(wanted))
    return unit


def _indicator_url(item: Item, unit: Unit) -> str:
    url = reverse("indicators:indicator", args=[item.pk])
    return url if unit.pk == item.plan.unit_id else f"{url}?enhet={unit.pk}"


def _unit_query(item: Item, unit: Unit) -> str:
    return "" if unit.pk == item.plan.unit_id else f"?enhet={unit.pk}"


def _crumbs(item: Item, unit: Unit, title: str) -> list:
    return [
        (_("Nyckeltal"), reverse("indicators:index")),
        (item.title, _indicator_url(item, unit)),
        (title, None),
    ]


# --- Uppdelningar ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dimensions(request):
    """The organisation's uppdelningar with their groups, and a form for a
    new one (for those who manage the organisation)."""
    organisation, roots = chosen_root(request.user, request.GET.get("organisation"))
    may_manage = services.may_manage_dimensions(request.user, organisation)
    form = DimensionForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                dimension = services.save_dimension(
                    actor=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    categories=form.cleaned_data["categories"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Uppdelningen %(name)s är sparad.") % {"name": dimension.name}
                )
                return redirect(request.get_full_path())
    title = _("Uppdelningar av nyckeltal")
    return render(
        request,
        "indicators/dimensions.html",
        {
            "nav": "indicators",
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "rows": list(services.dimensions_of(organisation.pk)),
            "form": form if may_manage else None,
            "query": org_query(organisation.pk, roots),
            "page_title": title,
            "breadcrumbs": [(_("Nyckeltal"), reverse("indicators:index")), (title, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dimension(request, pk: int):
    """Change an uppdelning's name and groups."""
    row = access.get_or_404(
        request.user, BreakdownDimension.objects.select_related("organisation"), pk=pk
    )
    if not services.may_manage_dimensions(request.user, row.organisation):
        raise PermissionDenied
    categories = list(row.categories.all())
    form = DimensionForm(
        request.POST or None,
        initial={"name": row.name, "categories": "\n".join(c.label for c in categories)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_dimension(
                actor=request.user,
                organisation=row.organisation,
                name=form.cleaned_data["name"],
                categories=form.cleaned_data["categories"],
                dimension=row,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Uppdelningen %(name)s är sparad.") % {"name": row.name})
            return redirect(
                reverse("indicators:dimensions") + f"?organisation={row.organisation_id}"
            )
    title = _("Ändra uppdelningen %(name)s") % {"name": row.name}
    return render(
        request,
        "indicators/dimension_form.html",
        {
            "nav": "indicators",
            "dimension": row,
            "form": form,
            "page_title": title,
            "breadcrumbs": [
                (_("Nyckeltal"), reverse("indicators:index")),
                (
                    _("Uppdelningar av nyckeltal"),
                    reverse("indicators:dimensions") + f"?organisation={row.organisation_id}",
                ),
                (title, None),
            ],
        },
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


# --- Values per group ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def breakdown(request, pk: int, dimension_pk: int):
    """The indicator's values for a unit and a year per group of an
    uppdelning (?ar=<year>, default the plan's year)."""
    item = indicator_or_404(request.user, pk)
    unit = shown_unit(request, item)
    organisation_id = item.plan.plan_type.model.organisation_id
    dim = access.get_or_404(
        request.user,
        BreakdownDimension.objects.filter(organisation_id=organisation_id),
        pk=dimension_pk,
    )
    if not services.may_edit_breakdown(request.user, item, unit):
        raise PermissionDenied
    categories = list(dim.categories.all())
    wanted = request.POST.get("year") or request.GET.get("ar") or ""
    year = int(wanted) if wanted.isdigit() and len(wanted) == 4 else item.plan.year
    # The period: the whole year, or the month a part of it ends (?manad=8).
    wanted = request.POST.get("month") or request.GET.get("manad") or ""
    month = int(wanted) if wanted.isdigit() and int(wanted) in services.PART_YEAR_MONTHS else None
    period = services.period_of(year, month)
    # The values of the series (also entered through last year's copy of
    # the indicator, the latest copy winning); a save writes this copy's.
    stored: dict[int, BreakdownValue] = {}
    for v in (
        BreakdownValue.objects.filter(
            item__series=item.series, unit=unit, year=year, period=period, category__in=categories
        )
        .annotate(model_year=F("item__plan__plan_type__model__year"))
        .order_by("model_year", "pk")
    ):
        stored[v.category_id] = v
    initial = {"year": year, "month": month}
    for c in categories:
        if c.pk in stored:
            initial[f"c{c.pk}"] = _written(stored[c.pk].value)
            if stored[c.pk].item_id == item.pk:
                initial[f"v{c.pk}"] = stored[c.pk].version
    form = BreakdownForm(
        request.POST or None,
        initial=initial,
        categories=categories,
        measure_unit=item.measure_unit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_breakdown(
                actor=request.user,
                item=item,
                unit=unit,
                dimension=dim,
                year=form.cleaned_data["year"],
                period=form.period(),
                values=form.values(),
                versions=form.versions(),
            )
        except EditConflict as exc:
            form.add_error(None, conflict_text(exc))
            # The next save is made on top of what is stored now.
            form.data = form.data.copy()
            for v in BreakdownValue.objects.filter(
                item=item,
                unit=unit,
                year=form.cleaned_data["year"],
                period=form.period(),
                category__in=categories,
            ):
                form.data[f"v{v.category_id}"] = v.version
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Värdena per %(dimension)s %(period)s är sparade.")
                % {
                    "dimension": dim.name.casefold(),
                    "period": services.period_label(form.cleaned_data["year"], form.period()),
                },
            )
            return redirect(_indicator_url(item, unit))
    title = _("%(dimension)s: %(title)s") % {"dimension": dim.name, "title": item.title}
    return render(
        request,
        "indicators/breakdown_form.html",
        {
            "nav": "indicators",
            "item": item,
            "unit": unit,
            "dimension": dim,
            "form": form,
            "year": year,
            "month": month,
            "months": [(m, month_name(m)) for m in services.PART_YEAR_MONTHS],
            "period_label": services.period_label(year, period),
            "back": _indicator_url(item, unit),
            "page_title": title,
            "breadcrumbs": _crumbs(item, unit, dim.name),
        },
    )


def _written(value) -> str:
    """A stored value as the user writes it: 48,5, not 48.50."""
    text = format(value.normalize(), "f") if value is not None else ""
    return text.replace(".", ",")


@login_required
@require_http_methods(["GET", "POST"])
def breakdown_import(request, pk: int):
    item = indicator_or_404(request.user, pk)
    unit = shown_unit(request, item)
    if not services.may_edit_breakdown(request.user, item, unit):
        raise PermissionDenied

    def run(data, filename):
        return services.import_breakdowns(
            actor=request.user, item=item, unit=unit, data=data, filename=filename
        )

    return _import_page(
        request,
        item,
        unit,
        run,
        title=_("Importera värden per grupp"),
        columns=services.BREAKDOWN_COLUMNS.values(),
        lead=_(
            "Ett blad med en rad per år och grupp. Uppdelningen och gruppen skrivs som de "
            "heter i Styrhjul. Värdena gäller %(unit)s."
        )
        % {"unit": unit.name},
    )


def _import_page(request, item, unit, run, *, title, columns, lead):
    form = UploadForm(request.POST or None, request.FILES or None)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = run(upload.read(), upload.name)
        except ImportRejected as exc:
            errors = exc.errors
    return render(
        request,
        "indicators/import.html",
        {
            "nav": "indicators",
            "item": item,
            "form": form,
            "columns": list(columns),
            "lead": lead,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "result": result,
            "back": _indicator_url(item, unit),
            "page_title": title,
            "breadcrumbs": _crumbs(item, unit, title),
        },
    )


# --- Comparison values -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def comparisons(request, pk: int):
    """The indicator's comparison values entered by hand, and a form to add
    one or change one (?rad=<id>)."""
    item = indicator_or_404(request.user, pk)
    may_edit = services.may_edit_comparisons(request.user, item)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    rows = list(
        ComparisonValue.objects.filter(item__series=item.series)
        .select_related("updated_by")
        .order_by("kind", "name", "year")
    )
    editing = None
    wanted = request.GET.get("rad")
    if wanted:
        editing = next((r for r in rows if str(r.pk) == wanted and r.item_id == item.pk), None)
        if editing is None:
            raise Http404
    initial = {}
    if editing is not None:
        initial = {
            "kind": editing.kind,
            "name": editing.name,
            "year": editing.year,
            "value": _written(editing.value),
            "source": editing.source,
            "source_date": editing.source_date,
            "version": editing.version,
        }
    form = ComparisonForm(request.POST or None, initial=initial, measure_unit=item.measure_unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_comparison(
                actor=request.user,
                item=item,
                kind=data["kind"],
                name=data["name"],
                year=data["year"],
                value=data["value"],
                source=data["source"],
                source_date=data["source_date"],
                row=editing,
                version=data.get("version") or 0,
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Jämförelsevärdet för %(name)s %(year)d är sparat.")
                % {"name": data["name"], "year": data["year"]},
            )
            return redirect("indicators:comparisons", pk=item.pk)
    title = _("Jämförelsevärden")
    return render(
        request,
        "indicators/comparisons.html",
        {
            "nav": "indicators",
            "item": item,
            "rows": rows,
            "form": form if may_edit else None,
            "editing": editing,
            "may_edit": may_edit,
            "back": reverse("indicators:indicator", args=[item.pk]),
            "page_title": f"{title}: {item.title}",
            "breadcrumbs": _crumbs(item, item.plan.unit, title),
        },
    )


@login_required
@require_POST
def comparison_delete(request, pk: int, row_pk: int):
    item = indicator_or_404(request.user, pk)
    row = ComparisonValue.objects.filter(item=item, pk=row_pk).select_related("item__plan").first()
    if row is None:
        raise Http404
    services.delete_comparison(actor=request.user, row=row)
    messages.success(
        request,
        _("Jämförelsevärdet för %(name)s %(year)d är borttaget.")
        % {"name": row.name, "year": row.year},
    )
    return redirect("indicators:comparisons", pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def comparisons_import(request, pk: int):
    item = indicator_or_404(request.user, pk)
    if not services.may_edit_comparisons(request.user, item):
        raise PermissionDenied

    def run(data, filename):
        return services.import_comparisons(
            actor=request.user, item=item, data=data, filename=filename
        )

    return _import_page(
        request,
        item,
        item.plan.unit,
        run,
        title=_("Importera jämförelsevärden"),
        columns=services.COMPARISON_COLUMNS.values(),
        lead=_(
            "Ett blad med en rad per jämförelse och år. Jämförelse är Riket, Grupp av "
            "kommuner eller Kommun; Datum skrivs ÅÅÅÅ-MM-DD."
        ),
    )


__all__ = [
    "breakdown",
    "breakdown_import",
    "comparison_delete",
    "comparisons",
    "comparisons_import",
    "dimension",
    "dimensions",
    "indicator_or_404",
    "shown_unit",
]
