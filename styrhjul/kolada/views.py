"""The Kolada pages: the organisation's Kolada settings (everyone who reads
the organisation sees them, model owners change them) and the search among
the stored KPIs (a page of its own, and a partial for the search box in the
indicator form, kolada/_kpi_search_widget.html).

Nothing here touches the network: values and definitions come with
`styrhjul kolada-sync`, run from cron or a systemd timer (docs/kolada.md)."""

from __future__ import annotations

import shlex

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.core.forms import apply_errors
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import chosen_root, org_query

from . import queries, services
from .forms import KpiSearchForm, SettingsForm
from .models import KoladaKpi, KoladaMunicipality, KoladaOu
from .sync import kpis_in_use

MAX_RESULTS = 20
SYNC_COMMAND = "styrhjul kolada-sync"


def _crumbs(*items):
    return [(_("Nyckeltal"), reverse("indicators:index")), *items]


def _sync_command(organisation: Unit) -> str:
    """The command that fetches Kolada for the organisation; --organisation
    only when the installation has several (the command asks for it then)."""
    if Unit.objects.filter(parent=None).count() > 1:
        return f"{SYNC_COMMAND} --organisation {shlex.quote(organisation.code)}"
    return SYNC_COMMAND


def _settings_context(request, organisation: Unit, roots: list[Unit], settings_obj) -> dict:
    """What the settings page shows: a fixed number of queries whatever the
    number of comparisons, units and KPIs in use."""
    codes = settings_obj.municipality_ids if settings_obj else []
    names = dict(KoladaMunicipality.objects.filter(id__in=codes).values_list("id", "title"))
    ou_ids = list(settings_obj.ou_ids or []) if settings_obj else []
    ou_names = (
        dict(KoladaOu.objects.filter(id__in=ou_ids).values_list("id", "title")) if ou_ids else {}
    )
    in_use = sorted(kpis_in_use(organisation))
    titles = (
        dict(KoladaKpi.objects.filter(id__in=in_use).values_list("id", "title")) if in_use else {}
    )
    status = queries.sync_status(organisation, settings_obj)
    return {
        "nav": "indicators",
        "page_title": _("Kolada"),
        "breadcrumbs": _crumbs((_("Kolada"), None)),
        "organisation": organisation,
        "roots": roots if len(roots) > 1 else [],
        "org_query": org_query(organisation, roots),
        "settings": settings_obj,
        "own": (settings_obj.municipality_id, names.get(settings_obj.municipality_id))
        if settings_obj
        else None,
        "comparisons": [(c, names.get(c)) for c in (settings_obj.comparison_ids or [])]
        if settings_obj
        else [],
        "ous": [(o, ou_names.get(o)) for o in ou_ids],
        "kpis": [(k, titles.get(k)) for k in in_use],
        "kpis_missing": sum(1 for k in in_use if k not in titles),
        "status": status,
        # The failure message may name indicators anywhere in the
        # organisation: only for those who read the organisation itself.
        "show_failure_message": access.can_read(request.user, organisation),
        "sync_command": _sync_command(organisation),
        "attribution": queries.ATTRIBUTION,
        "can_manage": access.can_manage(request.user, organisation),
    }


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Kolada for the organisation: own municipality, comparisons, last
    sync and the KPIs in use; model owners change the settings here."""
    organisation, roots = chosen_root(request.user, request.GET.get("organisation"))
    can_manage = access.can_manage(request.user, organisation)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    settings_obj = queries.settings_for(organisation)
    url = reverse("kolada:settings") + org_query(organisation, roots)
    form = None
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.settings_save(
                    actor=request.user,
                    organisation=organisation,
                    municipality_id=data["municipality_id"],
                    comparison_ids=data["comparison_ids"],
                    ou_ids=data["ou_ids"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Kolada-inställningarna är sparade. Värdena hämtas nästa gång "
                        "%(command)s körs."
                    )
                    % {"command": _sync_command(organisation)},
                )
                return redirect(url)
    elif can_manage:
        form = SettingsForm(initial=SettingsForm.initial_from(settings_obj))
    context = _settings_context(request, organisation, roots, settings_obj)
    context.update(form=form, action=url)
    return render(request, "kolada/settings.html", context)


@login_required
@require_safe
def search(request):
    """Search the stored Kolada KPIs by id or words in the title. For htmx
    (the search box in the indicator form): the results only, each with a
    "Välj" button; otherwise a page with a search form that works without
    JavaScript."""
    form = KpiSearchForm(request.GET if "q" in request.GET else None)
    text = ""
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"]
    results: list[KoladaKpi] = []
    more = False
    if text:
        found = queries.search_kpis(text, limit=MAX_RESULTS + 1)
        more = len(found) > MAX_RESULTS
        results = found[:MAX_RESULTS]
    nothing_stored = not results and not KoladaKpi.objects.exists()
    too_short = form.is_bound and "q" in form.errors
    if nothing_stored:
        status = _("Inga nyckeltal från Kolada är hämtade än.")
    elif too_short:
        status = " ".join(form.errors["q"])
    elif not text:
        status = ""
    elif results:
        status = ngettext(
            "%(n)s nyckeltal hittades.", "%(n)s nyckeltal hittades.", len(results)
        ) % {"n": len(results)}
        if more:
            status = _("Fler än %(n)s nyckeltal hittades; de %(n)s första visas.") % {
                "n": MAX_RESULTS
            }
    else:
        status = _("Inga hämtade nyckeltal matchar ”%(q)s”.") % {"q": text}
    context = {
        "nav": "indicators",
        "page_title": _("Sök nyckeltal i Kolada"),
        "breadcrumbs": _crumbs((_("Sök i Kolada"), None)),
        "form": form,
        "q": text,
        "results": results,
        "more": more,
        "max_results": MAX_RESULTS,
        "searched": bool(text),
        "too_short": too_short,
        "nothing_stored": nothing_stored,
        "status": status,
        "sync_command": SYNC_COMMAND,
        "attribution": queries.ATTRIBUTION,
        "pick": bool(request.htmx),
    }
    if request.htmx:
        return render(request, "kolada/search.html#results", context)
    return render(request, "kolada/search.html", context)
