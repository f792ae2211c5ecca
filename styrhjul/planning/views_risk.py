"""The risk analysis of a plan with control points: the probability ×
consequence matrix, the risk list, and the decision per risk (becomes a
control point, or is handled otherwise with a reason)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access

from . import risk, services
from .models import Item, Plan
from .views import PLAN_RELATED, _crumbs_for_unit


class RiskDecisionForm(forms.Form):
    risk_handling = forms.ChoiceField(
        label=gettext_lazy("Beslut"),
        choices=[
            (risk.HANDLING_CONTROL, gettext_lazy("Blir kontrollpunkt")),
            (risk.HANDLING_OTHER, gettext_lazy("Hanteras på annat sätt")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Välj hur risken ska hanteras.")},
    )
    risk_handling_reason = forms.CharField(
        label=gettext_lazy("Motivering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Obligatorisk när risken hanteras på annat sätt: hur och varför."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        data["risk_handling_reason"] = (data.get("risk_handling_reason") or "").strip()
        if data.get("risk_handling") == risk.HANDLING_OTHER and not data["risk_handling_reason"]:
            self.add_error(
                "risk_handling_reason",
                _("Skriv hur och varför risken hanteras på annat sätt än med en kontrollpunkt."),
            )
        return data


def _url(plan_pk: int, sort: str, **extra) -> str:
    url = reverse("planning:risk", args=[plan_pk])
    params = [] if sort == risk.DEFAULT_SORT else [f"sortera={sort}"]
    params += [f"{k}={v}" for k, v in extra.items()]
    return url + ("?" + "&".join(params) if params else "")


@login_required
@require_http_methods(["GET", "POST"])
def risk_analysis(request, pk: int):
    plan = access.get_or_404(request.user, Plan.objects.select_related(*PLAN_RELATED), pk=pk)
    if not plan.plan_type.holds(ItemKind.CONTROL_POINT):
        raise Http404
    can_write = access.can_write(request.user, plan)
    sort = request.GET.get("sortera", risk.DEFAULT_SORT)
    if sort not in risk.SORTS:
        sort = risk.DEFAULT_SORT
    items = list(risk.control_points(plan))
    # Decisions are taken on the plan's own control points; shared ones are
    # decided by the unit that owns them.
    by_pk = {item.pk: item for item in items if item.plan_id == plan.pk}

    selected = None
    form = None
    wanted = request.POST.get("risk") if request.method == "POST" else request.GET.get("beslut")
    if request.method == "POST" or wanted:
        if not can_write:
            if request.method == "POST":
                access.require(request.user, access.Action.WRITE, plan)
            wanted = None
        if wanted:
            selected = by_pk.get(int(wanted)) if wanted.isdigit() else None
            if selected is None:
                raise Http404
    if selected is not None and request.method == "POST":
        form = RiskDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.item_update(
                    actor=request.user,
                    item=Item.objects.select_related("plan__plan_type", "plan__unit").get(
                        pk=selected.pk
                    ),
                    version=form.cleaned_data.get("version") or 0,
                    risk_handling=form.cleaned_data["risk_handling"],
                    risk_handling_reason=form.cleaned_data["risk_handling_reason"],
                )
            except EditConflict as exc:
                show_conflict(form, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Beslutet om ”%(title)s” är sparat.") % {"title": selected.title},
                )
                return redirect(_url(plan.pk, sort) + f"#risk-{selected.pk}")
    elif selected is not None:
        form = RiskDecisionForm(
            initial={
                "risk_handling": selected.risk_handling,
                "risk_handling_reason": selected.risk_handling_reason,
                "version": selected.version,
            }
        )

    scale = plan.plan_type.model.risk_scale
    analysis = risk.analyse(items, scale, sort, plan=plan)
    columns = [
        (key, label, risk.SORTS[key] if key == sort else None, _url(plan.pk, key))
        for key, label in (
            ("nr", _("Nr")),
            ("omrade", _("Område")),
            ("varde", _("Riskvärde")),
        )
    ]
    plan_url = reverse("planning:plan", args=[plan.pk])
    return render(
        request,
        "planning/risk.html",
        {
            "nav": "planning",
            "plan": plan,
            "unit": plan.unit,
            "year": plan.year,
            "analysis": analysis,
            "sort_columns": {key: (label, state, url) for key, label, state, url in columns},
            "sort": sort,
            "can_write": can_write,
            "form": form,
            "selected": selected,
            "form_url": _url(plan.pk, sort),
            "decide_url": _url(plan.pk, sort, beslut=""),
            "bands": scale.bands(),
            "page_title": _("Riskanalys: %(plan)s") % {"plan": plan},
            "breadcrumbs": _crumbs_for_unit(
                request.user,
                plan.unit,
                plan.year,
                (plan.plan_type.name, plan_url),
                (_("Riskanalys"), None),
            ),
        },
    )
