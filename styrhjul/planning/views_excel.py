"""A plan in Excel: download it, download the template, and import a file
(planen i Excel). Thin views over styrhjul.planning.excel."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.core.importing import MAX_BYTES, ImportIssue, ImportRejected
from styrhjul.model.models import PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import excel
from .excel.columns import sheets_for
from .excel.extension import results as plan_results
from .excel.lookup import plan_type_applies
from .excel.writer import guide_sheets, instruction_paragraphs
from .models import Plan

MAX_ERRORS_SHOWN = 500


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil att importera"),
        help_text=gettext_lazy("Excel-arbetsbok (.xlsx), högst 10 MB."),
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": gettext_lazy("Välj en fil att importera."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )
    archive_missing = forms.BooleanField(
        label=gettext_lazy("Arkivera poster som inte står i filen"),
        help_text=gettext_lazy(
            "Gäller bara posttyper som har ett blad i filen. Arkiverade poster finns kvar i "
            "historiken och kan återställas."
        ),
        required=False,
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Kontrollera bara filen, spara ingenting"),
        required=False,
    )
    occasion = forms.ModelChoiceField(
        label=gettext_lazy("Uppföljning som resultaten hör till"),
        help_text=gettext_lazy(
            "För att föra in resultat från en uppföljning (t.ex. Status och Kommentar på "
            "bladet Aktiviteter, Bedömning och Analys på bladet Mål, Utfall och Bedömning "
            "på bladet Nyckeltal): gäller rader med "
            "resultat men utan värde i kolumnen Uppföljning. Bara modellägare och "
            "administratörer får importera resultat."
        ),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Ingen vald"),
    )

    def __init__(self, *args, plan_type: PlanType, **kwargs):
        super().__init__(*args, **kwargs)
        if has_results(plan_type):
            self.fields["occasion"].queryset = plan_results().occasions_for(plan_type)
        else:
            del self.fields["occasion"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (högst %(mb)d MB).") % {"mb": MAX_BYTES // 1024 // 1024}
            )
        return upload


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another part of the product may not have yet
        return None


def has_results(plan_type: PlanType) -> bool:
    """Whether the plan type's sheets have result columns (see excel.extension)."""
    return any(s.result_columns for s in sheets_for(plan_type.item_kinds))


def _result_exports(plan: Plan | None) -> list[tuple[str, str]]:
    """(occasion, export URL with its results) for a plan whose sheets have
    result columns."""
    if plan is None or not has_results(plan.plan_type):
        return []
    url = _url("planning:plan_export", plan.pk)
    if url is None:
        return []
    return [
        (o.title, f"{url}?uppfoljning={o.pk}") for o in plan_results().occasions_for(plan.plan_type)
    ]


@login_required
@require_safe
def plan_export(request, pk: int):
    """The plan as an Excel workbook; with ?uppfoljning=<pk>, also the unit's
    results at that follow-up in each sheet's result columns."""
    plan = access.get_or_404(
        request.user,
        Plan.objects.select_related("unit", "plan_type__model"),
        access.Action.READ,
        pk=pk,
    )
    occasion = None
    wanted = request.GET.get("uppfoljning", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        occasion = plan_results().occasions_for(plan.plan_type).filter(pk=int(wanted)).first()
        if occasion is None:
            raise Http404
    # The unit with its place in the tree, read once: the goals of the units
    # above it, which a cell may name, come from its path.
    plan.unit = Unit.objects.with_tree_fields().get(pk=plan.unit_id)
    data = excel.export_workbook(
        actor=request.user, unit=plan.unit, plan_type=plan.plan_type, occasion=occasion, plan=plan
    )
    return _xlsx(data, excel.export_filename(plan.unit, plan.plan_type))


def _template_allowed(user, plan_type: PlanType) -> bool:
    """Anyone with a grant in the model's organisation (it reads the model)."""
    return access.can_read(user, plan_type)


@login_required
@require_safe
def plan_template(request, plan_type: int):
    """An empty workbook for the plan type, with an example row per sheet."""
    plan_type_obj = get_object_or_404(PlanType.objects.select_related("model"), pk=plan_type)
    if not _template_allowed(request.user, plan_type_obj):
        raise Http404
    return _xlsx(
        excel.template_workbook(plan_type=plan_type_obj), excel.template_filename(plan_type_obj)
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request, unit: int, plan_type: int):
    """Upload a workbook for the unit's plan of the type; show every error in
    it, or import it and show what changed."""
    unit_obj = access.get_or_404(request.user, Unit.objects.all(), access.Action.WRITE, pk=unit)
    plan_type_obj = get_object_or_404(PlanType.objects.select_related("model"), pk=plan_type)
    if not plan_type_applies(plan_type_obj, unit_obj):
        raise Http404
    plan = Plan.objects.filter(unit=unit_obj, plan_type=plan_type_obj).first()
    # Not `request.POST or None`: a post with no file at all must show "choose a file".
    form = (
        PlanImportForm(request.POST, request.FILES, plan_type=plan_type_obj)
        if request.method == "POST"
        else PlanImportForm(plan_type=plan_type_obj)
    )
    errors: list[ImportIssue] = []
    result = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = excel.import_file(
                actor=request.user,
                unit=unit_obj,
                plan_type=plan_type_obj,
                data=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                archive_missing=form.cleaned_data["archive_missing"],
                occasion=form.cleaned_data.get("occasion"),
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            plan = Plan.objects.filter(unit=unit_obj, plan_type=plan_type_obj).first()
    title = _("Importera %(plan_type)s %(year)s för %(unit)s") % {
        "plan_type": plan_type_obj.name,
        "year": plan_type_obj.model.year,
        "unit": unit_obj.name,
    }
    return render(
        request,
        "planning/plan_import.html",
        {
            "nav": "planning",
            "page_title": title,
            "unit": unit_obj,
            "plan_type": plan_type_obj,
            "plan": plan,
            "form": form,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "result": result,
            "sheets": guide_sheets(plan_type_obj),
            "rules": instruction_paragraphs(plan_type_obj, example=False),
            "export_url": _url("planning:plan_export", plan.pk) if plan else None,
            "result_exports": _result_exports(plan),
            "template_url": _url("planning:plan_template", plan_type_obj.pk),
            "breadcrumbs": [
                (_("Organisation"), _url("organisation:tree")),
                (unit_obj.name, _url("organisation:unit", unit_obj.pk)),
                (
                    _("Planer %(year)s") % {"year": plan_type_obj.model.year},
                    _url("planning:unit_plans", unit_obj.pk, plan_type_obj.model.year),
                ),
                *(
                    [(plan_type_obj.name, _url("planning:plan", plan.pk))]
                    if plan is not None
                    else []
                ),
                (_("Importera från Excel"), None),
            ],
        },
    )
