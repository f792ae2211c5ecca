"""Indicator pages: one indicator's outcomes, targets, trend and comparisons
(/nyckeltal/<id>/), and the council's indicators for a year
(/nyckeltal/fullmaktige/<år>/)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from styrhjul.charts import format_value
from styrhjul.kolada.queries import kpi
from styrhjul.model.models import GovernanceModel, ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.queries import chosen_root, org_query, readable_roots
from styrhjul.planning.models import Item, ItemLink
from styrhjul.planning.queries import visible_items

from . import charts, services
from .series import IndicatorData, indicator_data
from .views_breakdowns import indicator_or_404, shown_unit

ITEM_RELATED = ("plan__unit", "plan__plan_type__model")


@login_required
@require_safe
def indicator(request, pk: int):
    item = indicator_or_404(request.user, pk)
    unit = shown_unit(request, item)
    data = indicator_data([item], {item.pk: unit})[item.pk]
    prefix = f"nyckeltal-{item.pk}"
    kolada = kpi(item.kolada_kpi) if item.kolada_kpi else None
    plan = item.plan
    council_url = reverse("indicators:council", args=[plan.year]) + org_query(
        plan.plan_type.model.organisation_id, readable_roots(request.user)
    )
    # Every chart of the page found in the cache at once.
    trend, gender, breakdowns = charts.all_charts(data, prefix)
    may_edit_breakdown = services.may_edit_breakdown(request.user, item, unit)
    return render(
        request,
        "indicators/indicator.html",
        {
            "nav": "indicators",
            "item": item,
            "d": data,
            "trend": trend,
            "gender": gender,
            "breakdowns": breakdowns,
            "may_edit_breakdown": may_edit_breakdown,
            "dimensions": list(services.dimensions_of(plan.plan_type.model.organisation_id))
            if may_edit_breakdown
            else [],
            "may_edit_comparisons": services.may_edit_comparisons(request.user, item),
            "unit_query": "" if unit.pk == item.plan.unit_id else f"?enhet={unit.pk}",
            "prefix": prefix,
            "kolada": kolada,
            "page_title": item.title,
            "breadcrumbs": [
                (_("Nyckeltal"), council_url),
                (
                    plan.unit.name,
                    reverse("planning:plan", args=[plan.pk])
                    if access.can_read(request.user, plan)
                    else None,
                ),
                (item.title, None),
            ],
        },
    )


@dataclass
class CouncilRow:
    """An indicator's row on the council's page, its cells written once."""

    item: Item
    url: str
    from_kolada: bool
    baseline: str
    latest: str
    goal: str
    direction: str
    trend: str


def _with_year(found: tuple[int, object] | None, unit: str) -> str:
    """ "51,2 % (2025)" for (year, value); "–" without one."""
    if not found:
        return "–"
    return f"{format_value(found[1], unit)} ({found[0]:d})"


def _council_rows(data: dict[int, IndicatorData]) -> dict[int, CouncilRow]:
    """The rows of the council's page by item pk. The address and the
    direction's label are made once for the page, not looked up per row."""
    url = reverse("indicators:indicator", args=[0]).rsplit("0", 1)
    directions = {
        value: str(label) for value, label in Item._meta.get_field("direction").flatchoices
    }
    rows = {}
    for pk, d in data.items():
        latest = d.latest
        rows[pk] = CouncilRow(
            item=d.item,
            url=f"{url[0]}{d.item.pk}{url[1]}",
            from_kolada=d.from_kolada,
            baseline=_with_year(d.baseline, d.unit_label),
            latest=_with_year((latest.year, latest.value) if latest else None, d.unit_label),
            goal=_with_year(d.goal, d.unit_label),
            direction=directions.get(d.item.direction, d.item.direction) or "–",
            trend=d.describe(),
        )
    return rows


@login_required
@require_safe
def council_index(request):
    """Nyckeltal in the menu: this year's council indicators."""
    return _council(request, datetime.date.today().year)


@login_required
@require_safe
def council(request, year: int):
    return _council(request, year)


def _council(request, year: int):
    """The indicators of the council's goals: baseline → latest → target value,
    the direction and a sentence on the trend, per goal."""
    if not 2000 <= year <= 2100:
        raise Http404
    organisation, roots = chosen_root(request.user, request.GET.get("organisation"))
    model = GovernanceModel.objects.filter(organisation=organisation, year=year).first()
    groups = []
    if model is not None:
        top = model.levels.order_by("order", "name").first()
        goals = list(
            visible_items(
                request.user,
                Item.objects.active().filter(
                    plan__plan_type__model=model, kind=ItemKind.GOAL, level=top
                ),
            )
            .select_related("perspective")  # what the page shows of a goal
            .order_by("perspective__order", "order", "number", "pk")
        )
        links = list(
            ItemLink.objects.filter(
                target__in=[g.pk for g in goals], item__kind=ItemKind.INDICATOR
            ).values_list("target_id", "item_id")
        )
        indicators = {
            i.pk: i
            for i in visible_items(
                request.user,
                Item.objects.active().filter(pk__in={i for _g, i in links}),
            ).select_related(*ITEM_RELATED)
        }
        data = indicator_data(list(indicators.values()), last_year=year)
        rows_of = _council_rows(data)
        by_goal: dict[int, list] = {}
        for goal_id, item_id in links:
            if item_id in data:
                by_goal.setdefault(goal_id, []).append(rows_of[item_id])
        for goal in goals:
            rows = sorted(by_goal.get(goal.pk, []), key=lambda r: (r.item.order, r.item.pk))
            groups.append((goal, rows))
    query = org_query(organisation.pk, roots)
    return render(
        request,
        "indicators/council.html",
        {
            "nav": "indicators",
            "year": year,
            "model": model,
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "groups": groups,
            "previous_url": reverse("indicators:council", args=[year - 1]) + query,
            "next_url": reverse("indicators:council", args=[year + 1]) + query,
            "page_title": _("Fullmäktiges nyckeltal %(year)s") % {"year": year},
            "breadcrumbs": [(_("Fullmäktiges nyckeltal %(year)s") % {"year": year}, None)],
        },
    )
