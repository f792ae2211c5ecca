"""The drill-down (nedbrytning) of the economy: nämnd → förvaltning →
avdelning → enhet → ansvar → konto, for a month or the year to date. Each
page is read by whoever reads the unit (access.get_or_404); a child is a
link only when the user reads it too."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import drill
from .models import Account


def _selection(request, organisation: Unit) -> drill.Selection:
    wanted = request.GET.get("manad", "")
    month = None
    if wanted:
        try:
            month = datetime.date.fromisoformat(f"{wanted}-01")
        except ValueError:
            raise Http404 from None
    to_date = request.GET.get("urval", "hittills") != "manad"
    return drill.selection(organisation, month, to_date)


def _unit_and_selection(request, pk: int):
    """The unit (read with its tree fields), the units from its organisation
    (the first) down to it, and the chosen months."""
    unit = access.get_or_404(request.user, Unit.objects.with_tree_fields(), pk=pk)
    chain = list(Unit.objects.ancestors(unit, include_self=True))
    return unit, chain, _selection(request, chain[0])


def _crumbs(request, chain: list[Unit], sel: drill.Selection, *, last_linked: bool) -> list:
    """The units from the organisation down to the unit (`chain`), each a
    link to its drill-down when the user reads it."""
    readable = access.unit_ids(request.user)
    crumbs = []
    for index, node in enumerate(chain):
        linked = (readable is None or node.pk in readable) and (
            last_linked or index < len(chain) - 1
        )
        url = reverse("economy:drill_unit", args=[node.pk]) + sel.query() if linked else None
        crumbs.append((node.name, url))
    return crumbs


def _context(request, sel: drill.Selection, **extra) -> dict:
    return {
        "nav": "organisation",
        "selection": sel,
        "readable": access.unit_ids(request.user),
        **extra,
    }


@login_required
@require_safe
def drill_unit(request, pk: int):
    """A unit's budget, utfall and avvikelse per report row and per child."""
    unit, chain, sel = _unit_and_selection(request, pk)
    result = drill.unit_drill(unit, sel, chain[0])
    readable = access.unit_ids(request.user)
    for child in result.children:
        if child.kind == "unit" and (readable is None or child.pk in readable):
            child.url = reverse("economy:drill_unit", args=[child.pk]) + sel.query()
        elif child.kind == "ansvar":
            child.url = reverse("economy:drill_ansvar", args=[unit.pk, child.pk]) + sel.query()
        else:
            child.url = None
    return render(
        request,
        "economy/drill.html",
        _context(
            request,
            sel,
            page_title=_("Nedbrytning för %(unit)s") % {"unit": unit.name},
            heading=_("Nedbrytning för %(unit)s") % {"unit": unit.name},
            unit=unit,
            drill=result,
            child_header=_("Enhet eller ansvar"),
            form_action=reverse("economy:drill_unit", args=[unit.pk]),
            breadcrumbs=_crumbs(request, chain, sel, last_linked=False),
        ),
    )


def _ansvar(request, pk: int, ansvar: int):
    unit, chain, sel = _unit_and_selection(request, pk)
    found = drill.ansvar_of_unit(unit, ansvar, sel)
    if found is None:
        raise Http404
    return unit, chain, sel, found


@login_required
@require_safe
def drill_ansvar(request, pk: int, ansvar: int):
    """An ansvar of a unit: per report row and per account."""
    unit, chain, sel, obj = _ansvar(request, pk, ansvar)
    result = drill.ansvar_drill(unit, obj, sel, chain[0])
    for child in result.children:
        child.url = reverse("economy:drill_account", args=[unit.pk, obj.pk, child.pk]) + sel.query()
    label = f"{_('Ansvar')} {obj.code} {obj.name}".strip()
    return render(
        request,
        "economy/drill.html",
        _context(
            request,
            sel,
            page_title=label,
            heading=label,
            unit=unit,
            ansvar=obj,
            drill=result,
            child_header=_("Konto"),
            accounts=True,
            form_action=reverse("economy:drill_ansvar", args=[unit.pk, obj.pk]),
            breadcrumbs=[*_crumbs(request, chain, sel, last_linked=True), (label, None)],
        ),
    )


@login_required
@require_safe
def drill_account(request, pk: int, ansvar: int, account: int):
    """An account on an ansvar: budget and utfall per month and the
    period's vouchers."""
    unit, chain, sel, obj = _ansvar(request, pk, ansvar)
    organisation = chain[0]
    found = Account.objects.filter(pk=account, organisation=organisation).first()
    if found is None:
        raise Http404
    result = drill.account_drill(unit, obj, found, sel, organisation)
    ansvar_label = f"{_('Ansvar')} {obj.code} {obj.name}".strip()
    label = f"{_('Konto')} {found}"
    return render(
        request,
        "economy/drill_account.html",
        _context(
            request,
            sel,
            page_title=f"{label}, {ansvar_label}",
            heading=f"{label}, {ansvar_label}",
            unit=unit,
            ansvar=obj,
            account=found,
            result=result,
            form_action=reverse("economy:drill_account", args=[unit.pk, obj.pk, found.pk]),
            breadcrumbs=[
                *_crumbs(request, chain, sel, last_linked=True),
                (
                    ansvar_label,
                    reverse("economy:drill_ansvar", args=[unit.pk, obj.pk]) + sel.query(),
                ),
                (label, None),
            ],
        ),
    )
