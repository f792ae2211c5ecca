""" "Kopiera till nästa år": the styrmodell of a year copied to the next with
its plans (planning.services.model_copy_to_next_year). A page of the
styrmodell, with its breadcrumbs and organisation choice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from styrhjul.model.models import GovernanceModel
from styrhjul.model.views import _check_year, _crumbs, _organisation, _require_manage, _year_url

from . import queries, services, year_copy


@login_required
@require_http_methods(["GET", "POST"])
def copy_year(request, year: int):
    """`year` is the year copied from."""
    _check_year(year)
    organisation, readable_roots = _organisation(request)
    _require_manage(request, organisation)
    model = GovernanceModel.objects.filter(organisation=organisation, year=year).first()
    if model is None:
        raise Http404
    model.organisation = organisation
    target_exists = GovernanceModel.objects.filter(
        organisation=organisation, year=year + 1
    ).exists()
    error = ""
    wheel = year_copy.wheel()
    # The box "Kopiera årshjulet" is ticked from the start; a form without
    # it (wheel_choice missing) copies the wheel too.
    copy_wheel = wheel is not None and (
        request.method != "POST"
        or "wheel_choice" not in request.POST
        or request.POST.get("copy_wheel") == "1"
    )
    if request.method == "POST":
        if target_exists:
            error = _("Styrmodellen för %(year)s finns redan.") % {"year": year + 1}
        else:
            try:
                services.model_copy_to_next_year(
                    actor=request.user, model=model, copy_wheel=copy_wheel
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if copy_wheel:
                    text = _(
                        "Styrmodellen för %(year)s är kopierad till %(next)s, med planer, "
                        "poster, kopplingar, delningar och årshjulet."
                    )
                else:
                    text = _(
                        "Styrmodellen för %(year)s är kopierad till %(next)s, med planer, "
                        "poster, kopplingar och delningar."
                    )
                messages.success(request, text % {"year": year, "next": year + 1})
                return redirect(_year_url(organisation, readable_roots, year + 1))
    return render(
        request,
        "planning/copy_year.html",
        {
            "nav": "model",
            "model": model,
            "organisation": organisation,
            "year": year,
            "next_year": year + 1,
            "target_exists": target_exists,
            "summary": queries.copy_summary(model),
            "wheel_template": wheel.template if wheel and not target_exists else "",
            "wheel_copy": wheel.preview(model) if wheel and not target_exists else None,
            "copy_wheel": copy_wheel,
            "error": error,
            "year_url": _year_url(organisation, readable_roots, year),
            "next_year_url": _year_url(organisation, readable_roots, year + 1),
            "page_title": _("Kopiera styrmodellen %(year)s till %(next)s")
            % {"year": year, "next": year + 1},
            "breadcrumbs": _crumbs(organisation, readable_roots, year, (_("Kopiera"), None)),
        },
    )
