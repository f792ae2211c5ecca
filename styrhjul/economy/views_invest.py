"""The investeringsredovisning of a unit (for whoever reads the unit) and
the organisation's financial ratios (for whoever reads the organisation's
top unit; the ansvarsförbindelse for pensions is entered by those who
manage its economy, access.may_manage_economy)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.charts import BarChart
from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.core.history import history_entries
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import figures, queries, ratios, services
from .forms import InvestmentBudgetForm, InvestmentRowForm
from .investments import DEFAULT_INVESTMENT_ROWS, investment_report
from .models import InvestmentAccountRange, InvestmentBudget, InvestmentRow
from .views import _asked_year, _organisation, _query, _query_with
from .views_budget import _context as _settings_context
from .views_budget import _crumbs as _budget_crumbs
from .views_budget import _ranges_text, saved_row

INVESTMENT_ROW_FIELDS = ("name", "order", "is_income", "ranges")


def _year(request) -> datetime.date | None:
    wanted = request.GET.get("ar")
    if not wanted:
        return None
    try:
        return datetime.date.fromisoformat(wanted)
    except ValueError:
        raise Http404 from None


def _chart(report, prefix: str):
    """Left of the year's budget per projekt as horizontal bars (negative:
    more spent than budgeted), in tkr."""
    if not report.projects or not report.has_budget:
        return None
    items = [(p.label, p.remaining) for p in report.projects]
    chart = BarChart(
        title="Kvar av årets budget per projekt",
        unit=figures.UNIT,
        labels=[label for label, _v in items],
        values=[figures.tkr(v) for _l, v in items],
        positive_label="Kvar av budgeten",
        negative_label="Över budgeten",
        label_header="Projekt",
        value_header="Kvar av budgeten",
    )
    over = [label for label, value in items if value < 0]
    text = (
        "Diagrammet visar per projekt hur mycket av årets budget som är kvar efter "
        "utfallet hittills (netto, tusental kronor). "
        + ("Över budgeten: " + ", ".join(over) + "." if over else "Inget projekt är över budgeten.")
    )
    return figures._shown(chart, prefix, text)


@login_required
@require_safe
def unit_investments(request, pk: int):
    """Budget and utfall to date per projekt for a unit and its sub-units
    (the organisation's top unit: every projekt)."""
    unit = access.get_or_404(request.user, Unit.objects.all(), pk=pk)
    report = investment_report(unit, _year(request))
    return render(
        request,
        "economy/investments.html",
        {
            "nav": "organisation",
            "page_title": _("Investeringar för %(unit)s") % {"unit": unit.name},
            "unit": unit,
            "report": report,
            "groups": report.per_unit(),
            "total": report.total,
            "chart": _chart(report, "investeringar"),
            "breadcrumbs": [
                (unit.name, reverse("organisation:unit", args=[unit.pk])),
                (_("Ekonomi"), reverse("economy:unit", args=[unit.pk])),
                (_("Investeringar"), None),
            ],
        },
    )


AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")


class PensionCommitmentForm(forms.Form):
    year_start = forms.DateField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    amount = forms.CharField(
        label=gettext_lazy(
            "Ansvarsförbindelse för pensioner intjänade före 1998, inklusive löneskatt (kr)"
        ),
        help_text=gettext_lazy(
            "Beloppet vid årets slut enligt årsredovisningens not om pensionsförpliktelser "
            "som inte tagits upp bland skulderna, t.ex. 412 500 000."
        ),
        max_length=30,
    )

    def clean_amount(self) -> Decimal:
        text = re.sub(r"[\s\u00a0\u202f]", "", self.cleaned_data["amount"]).replace("−", "-")
        if not AMOUNT.match(text):
            raise forms.ValidationError(_("Ange ett belopp i kronor, t.ex. 412 500 000."))
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise forms.ValidationError(_("Ange ett belopp i kronor, t.ex. 412 500 000.")) from None
        if value < 0:
            raise forms.ValidationError(_("Ansvarsförbindelsen kan inte vara negativ."))
        return value


def _readable_organisation(request) -> tuple[Unit, list[Unit]]:
    """The organisation (a top unit the user reads; ?organisation=pk among
    several); 403 for those who read none."""
    roots = [
        u
        for u in access.units(request.user).filter(parent__isnull=True).order_by("name")
        if access.can_read(request.user, u)
    ]
    if not roots:
        raise PermissionDenied
    wanted = request.GET.get("organisation")
    if wanted:
        chosen = next((r for r in roots if str(r.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen, roots
    return roots[0], roots


@login_required
@require_http_methods(["GET", "POST"])
def financial_ratios(request):
    """The organisation's financial ratios per fiscal year, with what each is
    computed from; the ansvarsförbindelse for pensions is entered here."""
    organisation, roots = _readable_organisation(request)
    may_manage = access.may_manage_economy(request.user, organisation)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    years = ratios.ledger_years(organisation)
    year_start = _year(request)
    if year_start is None or year_start not in years:
        year_start = years[0] if years else None
    query = f"?organisation={organisation.pk}&" if len(roots) > 1 else "?"
    url = reverse("economy:ratios") + query + (f"ar={year_start:%Y-%m-%d}" if year_start else "")
    result = ratios.financial_ratios(organisation, year_start) if year_start else None
    form = None
    if may_manage and result is not None:
        current = result.pension_commitment
        form = PensionCommitmentForm(
            request.POST or None,
            initial={
                "year_start": year_start,
                "version": current.version if current else 0,
                "amount": f"{current.amount:.0f}" if current else "",
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                ratios.pension_commitment_set(
                    actor=request.user,
                    organisation=organisation,
                    year_start=year_start,
                    amount=data["amount"],
                    version=data["version"] or 0,
                )
            except EditConflict as exc:
                show_conflict(form, exc, f"{exc.current.amount:.0f} kr")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Ansvarsförbindelsen för pensioner är sparad."))
                return redirect(url)
    return render(
        request,
        "economy/ratios.html",
        {
            "nav": "organisation",
            "page_title": _("Finansiella nyckeltal"),
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "years": years,
            "year_start": year_start,
            "result": result,
            "form": form,
            "action": url,
            "may_manage": may_manage,
            "kolada_url": "https://www.kolada.se/verktyg/fri-sokning/?kpis=",
            "breadcrumbs": [
                (organisation.name, reverse("organisation:unit", args=[organisation.pk])),
                (_("Finansiella nyckeltal"), None),
            ],
        },
    )


# --- Investeringsbudget per projekt ---------------------------------------------------------


def _budget_year(request, organisation) -> datetime.date:
    """The fiscal year asked for (?ar=ÅÅÅÅ-MM-DD, its first day), else the
    latest with utfall or budget, else this calendar year."""
    day = _asked_year(request)
    if day is not None:
        return day
    years = queries.fiscal_years(organisation)
    return years[0] if years else datetime.date.today().replace(month=1, day=1)


@login_required
@require_http_methods(["GET", "POST"])
def investment_budgets(request):
    """The projekt's investeringsbudgetar for a fiscal year, and a form to
    add one (services.investment_budget_save), for those who manage the
    organisation's economy."""
    organisation, roots = _organisation(request)
    year = _budget_year(request, organisation)
    form = InvestmentBudgetForm(request.POST or None, initial={"version": 0})
    here = request.path + _query(organisation, roots)
    year_query = f"{'&' if '?' in here else '?'}ar={year.isoformat()}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["projekt"]
        try:
            services.investment_budget_save(
                actor=request.user,
                organisation=organisation,
                budget=None,
                version=0,
                year_start=year,
                projekt_code=data["projekt"],
                amount=data["amount"],
                note=data["note"],
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Investeringsbudgeten för %(code)s är sparad.") % {"code": code}
            )
            return redirect(here + year_query)
    budgets = (
        InvestmentBudget.objects.filter(organisation=organisation, year_start=year)
        .select_related("projekt", "updated_by")
        .order_by("projekt__code")
    )
    return render(
        request,
        "economy/investment_budgets.html",
        {
            "nav": "admin",
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "page_title": _("Investeringsbudget %(year)s") % {"year": year.year},
            "year": year,
            "year_query": year_query,
            "budgets": budgets,
            "form": form,
            "action": here + year_query,
            "breadcrumbs": _budget_crumbs((_("Investeringsbudget"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def investment_budget(request, pk: int):
    """Change or remove a projekt's investeringsbudget."""
    budget = get_object_or_404(
        InvestmentBudget.objects.select_related("organisation", "projekt"), pk=pk
    )
    organisation = budget.organisation
    if not access.may_manage_economy(request.user, organisation):
        raise Http404
    roots = list(access.economy_organisations(request.user))
    back = reverse("economy:investment_budgets") + _query_with(
        organisation, roots, budget.year_start
    )
    form = InvestmentBudgetForm(
        request.POST or None,
        initial={
            "projekt": budget.projekt.code,
            "amount": f"{budget.amount:.2f}".replace(".", ",").removesuffix(",00"),
            "note": budget.note,
            "version": budget.version,
        },
    )
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.investment_budget_delete(
                actor=request.user, budget=budget, version=int(request.POST.get("version") or 0)
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Investeringsbudgeten för %(code)s är borttagen.")
                % {"code": budget.projekt.code},
            )
            return redirect(back)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["projekt"]
        try:
            services.investment_budget_save(
                actor=request.user,
                organisation=organisation,
                budget=budget,
                version=data["version"] or 0,
                year_start=budget.year_start,
                projekt_code=data["projekt"],
                amount=data["amount"],
                note=data["note"],
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Investeringsbudgeten för %(code)s är sparad.") % {"code": code}
            )
            return redirect(back)
    return render(
        request,
        "economy/investment_budget.html",
        {
            "nav": "admin",
            "page_title": _("Investeringsbudget för %(projekt)s %(year)s")
            % {"projekt": budget.projekt, "year": budget.year_start.year},
            "budget": budget,
            "form": form,
            "action": request.path,
            "back": back,
            "history": history_entries(InvestmentBudget.history.filter(id=budget.pk)),
            "breadcrumbs": _budget_crumbs(
                (_("Investeringsbudget"), back), (str(budget.projekt), None)
            ),
        },
    )


# --- The investment report's rows ------------------------------------------------------


def _text_of(ranges) -> str:
    return ", ".join(first if first == last else f"{first}–{last}" for first, last in ranges)


@login_required
@require_http_methods(["GET", "POST"])
def investment_rows(request):
    """The rows of the investeringsredovisning and their account ranges (the
    Kommun-Bas defaults while none are stored); a new row is added here.
    Those who manage the organisation's economy."""
    organisation, roots = _organisation(request)
    rows = list(InvestmentRow.objects.filter(organisation=organisation).prefetch_related("ranges"))
    url = reverse("economy:investment_rows") + _query(organisation, roots)
    next_order = (
        max((r.order for r in rows), default=len(DEFAULT_INVESTMENT_ROWS) * 10) // 10 + 1
    ) * 10
    form = InvestmentRowForm(request.POST or None, initial={"order": next_order, "version": 0})
    done = saved_row(
        request,
        form,
        services.investment_row_save,
        organisation=organisation,
        row=None,
        fields=INVESTMENT_ROW_FIELDS,
        redirect_to=url,
    )
    if done is not None:
        return done
    shown = [(r, r.name, r.is_income, _ranges_text(r)) for r in rows] or [
        (None, name, income, _text_of(ranges)) for name, income, ranges in DEFAULT_INVESTMENT_ROWS
    ]
    title = _("Rader i investeringsredovisningen")
    return render(
        request,
        "economy/investment_rows.html",
        _settings_context(
            request,
            organisation,
            roots,
            page_title=title,
            rows=shown,
            stored=bool(rows),
            form=form,
            action=url,
            history=(
                history_entries(InvestmentRow.history.filter(organisation=organisation)),
                history_entries(
                    InvestmentAccountRange.history.filter(
                        row_id__in=InvestmentRow.objects.filter(organisation=organisation).values(
                            "pk"
                        )
                    )
                ),
            ),
            breadcrumbs=_budget_crumbs((title, None)),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def investment_row(request, pk: int):
    """Rename, move and change the account ranges of an investment row."""
    row = get_object_or_404(InvestmentRow.objects.select_related("organisation"), pk=pk)
    organisation = row.organisation
    if not access.may_manage_economy(request.user, organisation):
        raise Http404
    roots = list(access.economy_organisations(request.user))
    back = reverse("economy:investment_rows") + _query(organisation, roots)
    form = InvestmentRowForm(
        request.POST or None,
        initial={
            "name": row.name,
            "order": row.order,
            "is_income": row.is_income,
            "ranges": _ranges_text(row),
            "version": row.version,
        },
    )
    done = saved_row(
        request,
        form,
        services.investment_row_save,
        organisation=organisation,
        row=row,
        fields=INVESTMENT_ROW_FIELDS,
        redirect_to=back,
    )
    if done is not None:
        return done
    title = _("Rader i investeringsredovisningen")
    return render(
        request,
        "economy/report_row.html",
        _settings_context(
            request,
            organisation,
            roots,
            page_title=_("Ändra raden %(name)s") % {"name": row.name},
            row=row,
            form=form,
            action=request.path,
            back=back,
            breadcrumbs=_budget_crumbs((title, back), (row.name, None)),
        ),
    )
