"""The styrmodell pages: one page per organisation and year that everyone who
reads the organisation sees, and on which model owners create the year's
model, copy it to the next year and edit its parts.

Each part is edited inline with htmx (the section of the year page is
swapped with a form, and back) and, without JavaScript, on a page of its
own; both post to the same URL."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import org_query, readable_roots

from . import queries, services, services_config
from .forms import (
    YEAR_MAX,
    YEAR_MIN,
    AssessmentRulesForm,
    GoalLevelForm,
    PerspectiveForm,
    PlanTypeForm,
    RiskScaleForm,
    ScaleForm,
    ScaleValueForm,
    VisionForm,
)
from .models import GoalLevel, GovernanceModel, Perspective, PlanType, Scale, ScaleValue, Vision

# Sections of the year page that htmx swaps (element ids and partial names).
SECTIONS = {"vision", "perspektiv", "malnivaer", "plantyper", "skalor", "riskskala"}


# --- Helpers ----------------------------------------------------------------


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404


def _requested_organisation_pk(request) -> int | None:
    value = request.GET.get("organisation") or request.POST.get("organisation")
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404
    return int(value)


def _organisation(request) -> tuple[Unit, list[Unit]]:
    """The organisation (root unit) the page is about, which the user must be
    able to read (404 otherwise), and the roots the user may choose among."""
    return queries.organisation_for(request.user, _requested_organisation_pk(request))


def _year_url(organisation: Unit, readable_roots: list[Unit], year: int) -> str:
    return reverse("model:year", args=[year]) + org_query(organisation, readable_roots)


def _readable_roots(user) -> list[Unit]:
    return readable_roots(user)


def _crumbs(organisation, readable_roots, year: int | None = None, *items):
    index = reverse("model:index") + org_query(organisation, readable_roots)
    crumbs = [(_("Styrmodell"), index)]
    if year is not None:
        crumbs.append((str(year), _year_url(organisation, readable_roots, year)))
    return [*crumbs, *items]


def _require_manage(request, organisation: Unit) -> None:
    if not access.can_manage(request.user, organisation):
        raise PermissionDenied


@dataclass
class Editor:
    """A form shown inside a section of the year page."""

    form: object
    action: str
    title: str
    section: str
    scale_id: int | None = None


def _year_context(
    request,
    organisation: Unit,
    readable_roots: list[Unit],
    year: int,
    *,
    editor: Editor | None = None,
    status: str = "",
    focus: str = "",
) -> dict:
    page = queries.year_page(organisation, year)
    query = org_query(organisation, readable_roots)
    return {
        "nav": "model",
        "page": page,
        "organisation": organisation,
        "year": year,
        "roots": readable_roots if len(readable_roots) > 1 else [],
        "org_query": query,
        "year_url": reverse("model:year", args=[year]) + query,
        "can_manage": access.can_manage(request.user, organisation),
        "editor": editor,
        "status": status,
        "focus": focus,
        "page_title": _("Styrmodell %(year)s") % {"year": year},
        "breadcrumbs": _crumbs(organisation, readable_roots, None, (str(year), None)),
    }


def _section(request, organisation, readable_roots, year, section, **kwargs):
    context = _year_context(request, organisation, readable_roots, year, **kwargs)
    return render(request, f"model/year.html#{section}", context)


def _autofocus_first_field(form) -> None:
    for field in form.visible_fields():
        field.field.widget.attrs["autofocus"] = True
        return


# --- The year page, creating and copying --------------------------------------


@login_required
@require_safe
def index(request):
    """Styrmodell in the menu: this year's page."""
    organisation, readable_roots = _organisation(request)
    return redirect(_year_url(organisation, readable_roots, datetime.date.today().year))


@login_required
@require_safe
def year(request, year: int):
    _check_year(year)
    organisation, readable_roots = _organisation(request)
    context = _year_context(request, organisation, readable_roots, year)
    section = request.htmx.target if request.htmx else None
    if section in SECTIONS and (section == "vision" or context["page"].model is not None):
        # "Avbryt" in an inline form: the section as it is.
        context["focus"] = section
        return render(request, f"model/year.html#{section}", context)
    return render(request, "model/year.html", context)


@login_required
@require_POST
def create(request, year: int):
    _check_year(year)
    organisation, readable_roots = _organisation(request)
    _require_manage(request, organisation)
    if GovernanceModel.objects.filter(organisation=organisation, year=year).exists():
        messages.error(request, _("Styrmodellen för %(year)s finns redan.") % {"year": year})
    else:
        try:
            services.model_create_default(actor=request.user, organisation=organisation, year=year)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "Styrmodellen för %(year)s är skapad med standardinnehållet. Ändra det "
                    "som ska vara annorlunda hos er."
                )
                % {"year": year},
            )
    return redirect(_year_url(organisation, readable_roots, year))


@login_required
@require_http_methods(["GET", "POST"])
def vision_edit(request, year: int):
    """Change the vision in force in `year`, or start a new one."""
    _check_year(year)
    organisation, readable_roots = _organisation(request)
    _require_manage(request, organisation)
    current = queries.vision_in_force(organisation, year)
    initial = (
        {
            "title": current.title,
            "text": current.text,
            "horizon_year": current.horizon_year,
            "valid_from_year": current.valid_from_year,
        }
        if current
        else {"valid_from_year": year}
    )
    form = VisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vision, created = services_config.vision_save(
                actor=request.user,
                organisation=organisation,
                title=data["title"],
                text=data["text"],
                horizon_year=data["horizon_year"],
                valid_from_year=data["valid_from_year"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if created and current is not None:
                message = _(
                    "Den nya visionen gäller från %(year)s. Den tidigare gäller fortfarande "
                    "för åren före."
                ) % {"year": vision.valid_from_year}
            else:
                message = _("Visionen är sparad. Den gäller från %(year)s.") % {
                    "year": vision.valid_from_year
                }
            if request.htmx:
                return _section(
                    request,
                    organisation,
                    readable_roots,
                    year,
                    "vision",
                    status=message,
                    focus="vision",
                )
            messages.success(request, message)
            return redirect(_year_url(organisation, readable_roots, year) + "#vision")
    title = _("Ändra visionen") if current else _("Ange vision")
    action = reverse("model:vision_edit", args=[year]) + org_query(organisation, readable_roots)
    if request.htmx:
        if request.method == "GET":
            _autofocus_first_field(form)
        editor = Editor(form=form, action=action, title=title, section="vision")
        return _section(request, organisation, readable_roots, year, "vision", editor=editor)
    return _form_page(
        request,
        form=form,
        title=title,
        action=action,
        back=_year_url(organisation, readable_roots, year) + "#vision",
        crumbs=_crumbs(organisation, readable_roots, year, (title, None)),
    )


def _form_page(request, *, form, title, action, back, crumbs, intro=""):
    return render(
        request,
        "model/part_form.html",
        {
            "nav": "model",
            "form": form,
            "page_title": title,
            "intro": intro,
            "action": action,
            "back": back,
            "breadcrumbs": crumbs,
        },
    )


# --- The parts ----------------------------------------------------------------


@dataclass
class PartKind:
    """How one kind of part is found, edited and saved."""

    model_class: type[Model]
    form_class: type
    section: str
    noun: str  # "perspektivet", with the definite article
    neuter: bool  # ett perspektiv (skapat) or en målnivå (skapad)
    new_title: str
    save: Callable  # (actor, form) -> saved object
    select_related: tuple[str, ...]

    def governance_model(self, obj) -> GovernanceModel:
        return obj.scale.model if isinstance(obj, ScaleValue) else obj.model

    def message(self, what: str, name: str) -> str:
        """ "Perspektivet ”Invånare” är sparat", "Målnivån ”Nämndmål” är sparad"."""
        templates = {
            "created": (_("%(noun)s %(name)s är skapad."), _("%(noun)s %(name)s är skapat.")),
            "saved": (_("%(noun)s %(name)s är sparad."), _("%(noun)s %(name)s är sparat.")),
            "deleted": (
                _("%(noun)s %(name)s är borttagen."),
                _("%(noun)s %(name)s är borttaget."),
            ),
        }
        template = templates[what][1 if self.neuter else 0]
        return template % {"noun": str(self.noun).capitalize(), "name": f"”{name}”"}


def _save_simple(actor, form):
    return services.save_part(actor=actor, obj=form.instance)


PARTS = {
    "perspective": PartKind(
        Perspective,
        PerspectiveForm,
        "perspektiv",
        gettext_lazy("perspektivet"),
        True,
        gettext_lazy("Nytt perspektiv"),
        _save_simple,
        ("model__organisation",),
    ),
    "level": PartKind(
        GoalLevel,
        GoalLevelForm,
        "malnivaer",
        gettext_lazy("målnivån"),
        False,
        gettext_lazy("Ny målnivå"),
        lambda actor, form: services_config.level_save(
            actor=actor, level=form.instance, unit_types=form.cleaned_data["unit_types"]
        ),
        ("model__organisation",),
    ),
    "plan_type": PartKind(
        PlanType,
        PlanTypeForm,
        "plantyper",
        gettext_lazy("plantypen"),
        False,
        gettext_lazy("Ny plantyp"),
        lambda actor, form: services_config.plan_type_save(actor=actor, plan_type=form.instance),
        ("model__organisation",),
    ),
    "scale": PartKind(
        Scale,
        ScaleForm,
        "skalor",
        gettext_lazy("skalan"),
        False,
        gettext_lazy("Ny skala"),
        lambda actor, form: services_config.scale_save(actor=actor, scale=form.instance),
        ("model__organisation",),
    ),
    "scale_value": PartKind(
        ScaleValue,
        ScaleValueForm,
        "skalor",
        gettext_lazy("skalvärdet"),
        True,
        gettext_lazy("Nytt skalvärde"),
        _save_simple,
        ("scale__model__organisation",),
    ),
}


PARTS_BY_CLASS: dict[type[Model], Callable[[Model], GovernanceModel]] = {
    kind.model_class: kind.governance_model for kind in PARTS.values()
}


def _get_managed(request, model_class, select_related, pk) -> Model:
    return access.get_or_404(
        request.user,
        model_class.objects.select_related(*select_related),
        access.Action.MANAGE,
        pk=pk,
    )


def _edit_part(request, kind: PartKind, instance, *, creating: bool, title: str):
    model = kind.governance_model(instance)
    organisation = model.organisation
    readable_roots = _readable_roots(request.user)
    scale_id = None
    if isinstance(instance, ScaleValue):
        scale_id = instance.scale_id
    elif isinstance(instance, Scale) and not creating:
        scale_id = instance.pk
    form = kind.form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            obj = kind.save(request.user, form)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            message = kind.message("created" if creating else "saved", str(obj))
            if request.htmx:
                return _section(
                    request,
                    organisation,
                    readable_roots,
                    model.year,
                    kind.section,
                    status=message,
                    focus=kind.section,
                )
            messages.success(request, message)
            return redirect(
                _year_url(organisation, readable_roots, model.year) + f"#{kind.section}"
            )
    if request.htmx:
        if request.method == "GET":
            _autofocus_first_field(form)
        editor = Editor(
            form=form, action=request.path, title=title, section=kind.section, scale_id=scale_id
        )
        return _section(
            request, organisation, readable_roots, model.year, kind.section, editor=editor
        )
    return _form_page(
        request,
        form=form,
        title=title,
        action=request.path,
        back=_year_url(organisation, readable_roots, model.year) + f"#{kind.section}",
        crumbs=_crumbs(organisation, readable_roots, model.year, (title, None)),
    )


def _create_in_model(request, pk: int, part: str):
    kind = PARTS[part]
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    instance = kind.model_class(model=model)
    return _edit_part(request, kind, instance, creating=True, title=str(kind.new_title))


def _edit(request, pk: int, part: str):
    kind = PARTS[part]
    obj = _get_managed(request, kind.model_class, kind.select_related, pk)
    title = _("Ändra %(noun)s %(name)s") % {"noun": kind.noun, "name": f"”{obj}”"}
    return _edit_part(request, kind, obj, creating=False, title=title)


def _delete(request, pk: int, part: str):
    kind = PARTS[part]
    obj = _get_managed(request, kind.model_class, kind.select_related, pk)
    model = kind.governance_model(obj)
    organisation = model.organisation
    readable_roots = _readable_roots(request.user)
    back = _year_url(organisation, readable_roots, model.year) + f"#{kind.section}"
    error = ""
    if request.method == "POST":
        name = str(obj)
        try:
            if isinstance(obj, Scale):
                services_config.scale_delete(actor=request.user, scale=obj)
            else:
                services.delete_part(actor=request.user, obj=obj)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, kind.message("deleted", name))
            return redirect(back)
    title = _("Ta bort %(noun)s %(name)s") % {"noun": kind.noun, "name": f"”{obj}”"}
    return render(
        request,
        "model/delete.html",
        {
            "nav": "model",
            "object": obj,
            "noun": kind.noun,
            "is_scale": isinstance(obj, Scale),
            "error": error,
            "back": back,
            "page_title": title,
            "breadcrumbs": _crumbs(organisation, readable_roots, model.year, (title, None)),
        },
    )


def _create_view(part: str):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        """A new part in the year's model `pk`."""
        return _create_in_model(request, pk, part)

    view.__name__ = view.__qualname__ = f"{part}_create"
    return view


def _edit_view(part: str):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        return _edit(request, pk, part)

    view.__name__ = view.__qualname__ = f"{part}_edit"
    return view


def _delete_view(part: str):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        """GET: a confirmation page; POST: delete, unless the part is in use."""
        return _delete(request, pk, part)

    view.__name__ = view.__qualname__ = f"{part}_delete"
    return view


perspective_create = _create_view("perspective")
perspective_edit = _edit_view("perspective")
perspective_delete = _delete_view("perspective")
level_create = _create_view("level")
level_edit = _edit_view("level")
level_delete = _delete_view("level")
plan_type_create = _create_view("plan_type")
plan_type_edit = _edit_view("plan_type")
plan_type_delete = _delete_view("plan_type")
scale_create = _create_view("scale")
scale_edit = _edit_view("scale")
scale_delete = _delete_view("scale")
scale_value_edit = _edit_view("scale_value")
scale_value_delete = _delete_view("scale_value")


@login_required
@require_http_methods(["GET", "POST"])
def scale_value_create(request, pk: int):
    """A new value on the scale `pk`."""
    kind = PARTS["scale_value"]
    scale = _get_managed(request, Scale, ("model__organisation",), pk)
    title = _("Nytt värde på skalan %(name)s") % {"name": f"”{scale.name}”"}
    return _edit_part(request, kind, ScaleValue(scale=scale), creating=True, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def risk_scale_edit(request, pk: int):
    """The year's risk scale: steps of probability and consequence, bands."""
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    organisation = model.organisation
    readable_roots = _readable_roots(request.user)
    scale = model.risk_scale
    form = RiskScaleForm(
        request.POST or None,
        initial={
            "probability_labels": "\n".join(scale.probability_labels),
            "consequence_labels": "\n".join(scale.consequence_labels),
            "risk_medium_from": scale.medium_from,
            "risk_high_from": scale.high_from,
            "version": model.version,
        },
    )
    section = "riskskala"
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "version": form.cleaned_data["version"] or 0}
        try:
            services_config.risk_scale_save(actor=request.user, model=model, **data)
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            message = _("Riskskalan är sparad.")
            if request.htmx:
                return _section(
                    request,
                    organisation,
                    readable_roots,
                    model.year,
                    section,
                    status=message,
                    focus=section,
                )
            messages.success(request, message)
            return redirect(_year_url(organisation, readable_roots, model.year) + f"#{section}")
    title = _("Ändra riskskalan")
    if request.htmx:
        if request.method == "GET":
            _autofocus_first_field(form)
        editor = Editor(form=form, action=request.path, title=title, section=section)
        return _section(request, organisation, readable_roots, model.year, section, editor=editor)
    return _form_page(
        request,
        form=form,
        title=title,
        action=request.path,
        back=_year_url(organisation, readable_roots, model.year) + f"#{section}",
        crumbs=_crumbs(organisation, readable_roots, model.year, (title, None)),
    )


# --- History ------------------------------------------------------------------

# URL part → (model, select_related for the access check, what the page is called)
HISTORY_PARTS: dict[str, tuple[type[Model], tuple[str, ...], str]] = {
    "modell": (
        GovernanceModel,
        ("organisation",),
        gettext_lazy("Historik för styrmodellen %(name)s"),
    ),
    "visioner": (Vision, ("unit",), gettext_lazy("Historik för visionen %(name)s")),
    "perspektiv": (
        Perspective,
        ("model__organisation",),
        gettext_lazy("Historik för perspektivet %(name)s"),
    ),
    "malnivaer": (
        GoalLevel,
        ("model__organisation",),
        gettext_lazy("Historik för målnivån %(name)s"),
    ),
    "plantyper": (
        PlanType,
        ("model__organisation",),
        gettext_lazy("Historik för plantypen %(name)s"),
    ),
    "skalor": (Scale, ("model__organisation",), gettext_lazy("Historik för skalan %(name)s")),
    "skalvarden": (
        ScaleValue,
        ("scale__model__organisation",),
        gettext_lazy("Historik för skalvärdet %(name)s"),
    ),
}


@login_required
@require_safe
def history(request, part: str, pk: int):
    if part not in HISTORY_PARTS:
        raise Http404
    model_class, related, title = HISTORY_PARTS[part]
    obj = access.get_or_404(
        request.user, model_class.objects.select_related(*related), access.Action.READ, pk=pk
    )
    readable_roots = _readable_roots(request.user)
    if isinstance(obj, Vision):
        organisation, year = obj.unit, obj.valid_from_year
        name = f"”{obj.title}”"
    else:
        model = obj if isinstance(obj, GovernanceModel) else PARTS_BY_CLASS[model_class](obj)
        organisation, year = model.organisation, model.year
        name = str(model.year) if isinstance(obj, GovernanceModel) else f"”{obj}”"
    page_title = str(title) % {"name": name}
    return render(
        request,
        "model/history.html",
        {
            "nav": "model",
            "object": obj,
            "page_title": page_title,
            "sections": queries.part_history(obj),
            "back": _year_url(organisation, readable_roots, year),
            "breadcrumbs": _crumbs(organisation, readable_roots, year, (_("Historik"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_rules(request, pk: int):
    """Bedömningsregler of a plan type: who in the chain assesses its goals,
    level by level (model owners)."""
    plan_type = _get_managed(request, PlanType, ("model__organisation",), pk)
    model = plan_type.model
    organisation = model.organisation
    roots = _readable_roots(request.user)
    form = AssessmentRulesForm(request.POST or None, plan_type=plan_type)
    back = _year_url(organisation, roots, model.year) + "#plantyper"
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_rules_save(
                actor=request.user, plan_type=plan_type, rules=form.rules()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Bedömningsreglerna för %(plan_type)s är sparade.") % {"plan_type": plan_type},
            )
            return redirect(back)
    title = _("Bedömningsregler för %(plan_type)s") % {"plan_type": plan_type}
    return _form_page(
        request,
        form=form,
        title=title,
        action=request.path,
        back=back,
        crumbs=_crumbs(organisation, roots, model.year, (title, None)),
        intro=_(
            "Vem i styrkedjan som bedömer måluppfyllelsen för mål på varje nivå i "
            "planer av typen. En enhet som inte bedömer beskriver i analysen; "
            "analysen räknas då som rapporterad."
        ),
    )
