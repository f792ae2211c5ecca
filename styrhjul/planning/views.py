"""Planning pages: a unit's plans for a year, a plan as a tree, an item with
its red thread, the municipality's goal tree, and the forms that change
items, links and shares."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.core.history import history_entries
from styrhjul.model.models import ItemKind, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import chosen_root

from . import queries, services
from .forms import ItemForm, LinkForm, ShareForm, targets_text
from .models import Item, ItemLink, ItemShare, Plan

PLAN_RELATED = ("unit", "unit__unit_type", "plan_type", "plan_type__model")


def _crumbs_for_unit(user, unit: Unit, year: int, *rest):
    """Organisation › the unit › its plans › `rest`; the unit's pages are
    links only for those who read the unit (a goal of the council is read
    from below, its plan is not)."""
    crumbs = [
        (unit.name, reverse("organisation:unit", args=[unit.pk])),
        (
            _("Planer %(year)s") % {"year": year},
            reverse("planning:unit_plans", args=[unit.pk, year]),
        ),
        *rest,
    ]
    if not access.can_read(user, unit):
        crumbs = [(text, None) for text, _url in crumbs]
    return [(_("Organisation"), reverse("organisation:tree")), *crumbs]


def _item(request, pk: int, action=access.Action.READ) -> Item:
    return access.get_or_404(
        request.user,
        Item.objects.select_related(*queries.ITEM_RELATED, "plan__plan_type__model"),
        action,
        pk=pk,
    )


@login_required
@require_safe
def unit_plans(request, pk: int, year: int):
    unit = access.get_or_404(request.user, Unit.objects.select_related("unit_type"), pk=pk)
    chosen = request.GET.get("ar", "")
    if chosen.isdigit() and int(chosen) != year:  # the year chosen in the form
        return redirect("planning:unit_plans", unit.pk, int(chosen))
    model, summaries = queries.unit_plans(request.user, unit, year)
    this_year = datetime.date.today().year
    # The year's follow-ups: each with the unit's documents (delårsrapport,
    # årsredovisning, uppföljning per datum, internkontrollrapport).
    occasions = (
        list(model.occasions.order_by("period_end"))
        if model and access.can_read_tree(request.user, unit)
        else []
    )
    return render(
        request,
        "planning/unit_plans.html",
        {
            "nav": "planning",
            "unit": unit,
            "year": year,
            "model": model,
            "summaries": summaries,
            "occasions": occasions,
            "years": range(this_year - 2, this_year + 2),
            "can_write": access.can_write(request.user, unit),
            "page_title": _("Planer %(year)s för %(unit)s") % {"year": year, "unit": unit.name},
            "breadcrumbs": [
                (_("Organisation"), reverse("organisation:tree")),
                (unit.name, reverse("organisation:unit", args=[unit.pk])),
                (_("Planer %(year)s") % {"year": year}, None),
            ],
        },
    )


@login_required
@require_safe
def plan(request, pk: int):
    plan_obj = access.get_or_404(request.user, Plan.objects.select_related(*PLAN_RELATED), pk=pk)
    filters = {
        "kind": request.GET.get("typ", ""),
        "perspective": request.GET.get("perspektiv", ""),
        "text": request.GET.get("q", ""),
        "archived": request.GET.get("arkiverade") == "1",
    }
    page = queries.plan_page(request.user, plan_obj, **filters)
    report_occasions = []
    shares_down = False
    # The internkontrollrapport shows the reporting units below: for those
    # who read the whole part of the tree (access.can_read_tree).
    if ItemKind.CONTROL_POINT in plan_obj.plan_type.item_kinds and access.can_read_tree(
        request.user, plan_obj.unit
    ):
        report_occasions = list(
            plan_obj.plan_type.model.occasions.filter(plan_types=plan_obj.plan_type).order_by(
                "period_end"
            )
        )
        # Control points reported by the units they are shared to: the
        # report can also be read per reporting unit.
        shares_down = ItemShare.objects.filter(
            item__plan=plan_obj, item__kind=ItemKind.CONTROL_POINT, ended_at__isnull=True
        ).exists()
    context = {
        "nav": "planning",
        "plan": plan_obj,
        "page": page,
        "report_occasions": report_occasions,
        "shares_down": shares_down,
        "filters": filters,
        "year": plan_obj.year,
        "unit": plan_obj.unit,
        "can_write": access.can_write(request.user, plan_obj),
        "page_title": str(plan_obj),
        "breadcrumbs": _crumbs_for_unit(
            request.user, plan_obj.unit, plan_obj.year, (plan_obj.plan_type.name, None)
        ),
    }
    if request.htmx and request.htmx.target == "plan-items":
        return render(request, "planning/plan.html#items", context)
    return render(request, "planning/plan.html", context)


@login_required
@require_safe
def item(request, pk: int):
    obj = _item(request, pk)
    # The unit with its place in the tree, read once: the red thread's
    # organisation and the units above for the link form come from its path.
    obj.plan.unit = Unit.objects.with_tree_fields().get(pk=obj.plan.unit_id)
    thread = queries.item_thread(request.user, obj)
    can_write = access.can_write(request.user, obj)
    # Units that received the item and where the user plans: they add their
    # own items under it.
    add_under = [
        share.unit
        for share in thread.shares
        if share.ended_at is None and access.can_write(request.user, share.unit)
    ]
    if can_write:
        add_under.insert(0, obj.plan.unit)
    kinds = obj.plan.plan_type.item_kinds
    return render(
        request,
        "planning/item.html",
        {
            "nav": "planning",
            "item": obj,
            "thread": thread,
            "can_write": can_write,
            "add_under": add_under,
            "add_kind": ItemKind.ACTIVITY if ItemKind.ACTIVITY in kinds else kinds[0],
            "link_form": LinkForm(targets=services.link_targets(item=obj)) if can_write else None,
            # What the item contributes to, with a button to unlink each: read once.
            "contributes_to": list(obj.contributes_to.all()) if can_write else [],
            "page_title": obj.title,
            "breadcrumbs": _crumbs_for_unit(
                request.user,
                obj.plan.unit,
                obj.plan.year,
                (obj.plan.plan_type.name, reverse("planning:plan", args=[obj.plan_id])),
                (obj.title, None),
            ),
        },
    )


@login_required
@require_safe
def goal_tree(request, year: int):
    organisation = _organisation(request)
    vision, roots, count = queries.goal_tree(request.user, organisation, year)
    return render(
        request,
        "planning/goal_tree.html",
        {
            "nav": "planning",
            "year": year,
            "vision": vision,
            "roots": roots,
            "count": count,
            "organisation": organisation,
            "page_title": _("Målträd %(year)s") % {"year": year},
            "breadcrumbs": [(_("Målträd %(year)s") % {"year": year}, None)],
        },
    )


def _organisation(request) -> Unit:
    """The organisation (root unit) whose goal tree the user sees."""
    return chosen_root(request.user, request.GET.get("organisation"))[0]


# --- Changing items ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, unit: int, plan_type: int):
    unit_obj = access.get_or_404(request.user, Unit.objects.all(), access.Action.WRITE, pk=unit)
    plan_type_obj = PlanType.objects.select_related("model").filter(pk=plan_type).first()
    if plan_type_obj is None:
        raise Http404
    kind = request.GET.get("typ") or request.POST.get("typ") or ""
    if kind not in plan_type_obj.item_kinds:
        kind = plan_type_obj.item_kinds[0]
    parent = None
    parent_pk = request.GET.get("bidrar_till") or request.POST.get("bidrar_till")
    if parent_pk and parent_pk.isdigit():
        parent = _item(request, int(parent_pk))
    model = plan_type_obj.model
    form = ItemForm(
        request.POST or None,
        kind=kind,
        model=model,
        unit=unit_obj,
        user=request.user,
        instance=Item(kind=kind),
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            new = services.item_add(
                actor=request.user,
                unit=unit_obj,
                plan_type=plan_type_obj,
                kind=kind,
                contributes_to=[parent] if parent else [],
                **fields,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("”%(title)s” är sparad.") % {"title": new.title})
            return redirect("planning:item", new.pk)
    return render(
        request,
        "planning/item_form.html",
        {
            "nav": "planning",
            "form": form,
            "kind": kind,
            "unit": unit_obj,
            "plan_type": plan_type_obj,
            "parent": parent,
            "kind_label": dict(ItemKind.choices)[kind],
            "page_title": _("Ny post: %(kind)s") % {"kind": dict(ItemKind.choices)[kind]},
            "breadcrumbs": _crumbs_for_unit(
                request.user, unit_obj, model.year, (_("Ny post"), None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    obj = _item(request, pk, access.Action.WRITE)
    model = obj.plan.plan_type.model
    initial = {"version": obj.version}
    if obj.kind == ItemKind.INDICATOR:
        initial["targets"] = targets_text(obj.targets.all())
    form = ItemForm(
        request.POST or None,
        kind=obj.kind,
        model=model,
        unit=obj.plan.unit,
        user=request.user,
        instance=obj,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.item_update(
                actor=request.user,
                item=Item.objects.get(pk=obj.pk),
                version=form.cleaned_data.get("version") or 0,
                **fields,
            )
        except EditConflict as exc:
            show_conflict(form, exc, saved=f"”{exc.current.title}”")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("planning:item", obj.pk)
    return render(
        request,
        "planning/item_form.html",
        {
            "nav": "planning",
            "form": form,
            "item": obj,
            "kind": obj.kind,
            "kind_label": obj.get_kind_display(),
            "unit": obj.plan.unit,
            "page_title": _("Ändra %(title)s") % {"title": obj.title},
            "breadcrumbs": _crumbs_for_unit(
                request.user,
                obj.plan.unit,
                obj.plan.year,
                (obj.title, reverse("planning:item", args=[obj.pk])),
                (_("Ändra"), None),
            ),
        },
    )


@login_required
@require_POST
def item_archive(request, pk: int):
    obj = _item(request, pk, access.Action.WRITE)
    archive = request.POST.get("aterstall") != "1"
    services.item_archive(actor=request.user, item=obj, archived=archive)
    messages.success(request, _("Posten är arkiverad.") if archive else _("Posten är återställd."))
    return redirect("planning:item", obj.pk)


@login_required
@require_POST
def item_move(request, pk: int):
    """Move an item one place up or down in its plan (the plan page's
    Flytta upp / Flytta ned buttons); back to the plan at the item."""
    obj = _item(request, pk, access.Action.WRITE)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.item_move(
            actor=request.user, item=obj, version=version, up=request.POST.get("riktning") != "ned"
        )
    except EditConflict as exc:
        messages.error(request, str(exc) + " " + _("Planen visas som den är nu."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("”%(title)s” är flyttad.") % {"title": obj.title})
    return redirect(reverse("planning:plan", args=[obj.plan_id]) + f"#post-{obj.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request, pk: int):
    obj = _item(request, pk, access.Action.WRITE)
    error = None
    if request.method == "POST":
        plan_pk = obj.plan_id
        try:
            services.item_delete(actor=request.user, item=obj)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Posten är borttagen."))
            return redirect("planning:plan", plan_pk)
    return render(
        request,
        "planning/item_delete.html",
        {
            "nav": "planning",
            "item": obj,
            "error": error,
            "page_title": _("Ta bort %(title)s") % {"title": obj.title},
            "breadcrumbs": _crumbs_for_unit(
                request.user,
                obj.plan.unit,
                obj.plan.year,
                (obj.title, reverse("planning:item", args=[obj.pk])),
                (_("Ta bort"), None),
            ),
        },
    )


@login_required
@require_POST
def item_link(request, pk: int):
    obj = _item(request, pk, access.Action.WRITE)
    form = LinkForm(request.POST, targets=services.link_targets(item=obj))
    if form.is_valid():
        try:
            services.item_link(actor=request.user, item=obj, target=form.cleaned_data["target"])
            messages.success(request, _("Kopplingen är sparad."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Välj en post att koppla till."))
    return redirect("planning:item", obj.pk)


@login_required
@require_POST
def item_unlink(request, pk: int, target: int):
    obj = _item(request, pk, access.Action.WRITE)
    link = ItemLink.objects.filter(item=obj, target_id=target).select_related("target").first()
    if link is None:
        raise Http404
    services.item_unlink(actor=request.user, item=obj, target=link.target)
    messages.success(request, _("Kopplingen är borttagen."))
    return redirect("planning:item", obj.pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_share(request, pk: int):
    obj = _item(request, pk, access.Action.WRITE)
    candidates = (
        Unit.objects.descendants(obj.plan.unit)
        .valid_in_year(obj.plan.year)
        .select_related("unit_type")
        .order_by("unit_type__order", "name")
    )
    form = ShareForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        units = list(form.cleaned_data["units"])
        if form.cleaned_data["unit_type"]:
            units += services.units_of_type_within(
                item=obj, unit_type=form.cleaned_data["unit_type"], within=obj.plan.unit
            )
        try:
            shares = services.item_share(actor=request.user, item=obj, units=units)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Posten är delad till %(n)s enheter.") % {"n": len(shares)})
            return redirect("planning:item", obj.pk)
    return render(
        request,
        "planning/item_share.html",
        {
            "nav": "planning",
            "item": obj,
            "form": form,
            "shares": obj.shares.select_related("unit").order_by("unit__name"),
            "page_title": _("Dela %(title)s") % {"title": obj.title},
            "breadcrumbs": _crumbs_for_unit(
                request.user,
                obj.plan.unit,
                obj.plan.year,
                (obj.title, reverse("planning:item", args=[obj.pk])),
                (_("Dela"), None),
            ),
        },
    )


@login_required
@require_POST
def item_unshare(request, pk: int, unit: int):
    obj = _item(request, pk, access.Action.WRITE)
    unit_obj = Unit.objects.filter(pk=unit).first()
    if unit_obj is None:
        raise Http404
    services.item_unshare(actor=request.user, item=obj, unit=unit_obj)
    messages.success(
        request,
        _("Delningen till %(unit)s är avslutad. Det enheten rapporterat finns kvar.")
        % {"unit": unit_obj.name},
    )
    return redirect("planning:item_share", obj.pk)


@login_required
@require_safe
def item_history(request, pk: int):
    obj = _item(request, pk)
    from .models import ItemShare

    return render(
        request,
        "web/history.html",
        {
            "nav": "planning",
            "object": obj,
            "page_title": _("Historik för %(title)s") % {"title": obj.title},
            "entries": history_entries(obj.history.all()),
            "grant_entries": None,
            "extra_sections": [
                (_("Kopplingar"), history_entries(ItemLink.history.filter(item_id=obj.pk))),
                (_("Delningar"), history_entries(ItemShare.history.filter(item_id=obj.pk))),
            ],
            "breadcrumbs": _crumbs_for_unit(
                request.user,
                obj.plan.unit,
                obj.plan.year,
                (obj.title, reverse("planning:item", args=[obj.pk])),
                (_("Historik"), None),
            ),
        },
    )
