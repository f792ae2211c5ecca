"""Organisation pages: browse and search the tree, and (for model owners)
create, rename, move and close units; administration of users and roles."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.core.concurrency import EditConflict, conflict_text, show_conflict
from styrhjul.core.forms import apply_errors
from styrhjul.core.history import history_entries

from . import access, queries, services
from .forms import (
    CloseForm,
    DirectoryDryRunForm,
    DirectoryGroupRuleForm,
    GrantForm,
    MoveForm,
    UnitForm,
    UnitTypeForm,
    UserForm,
    UserGrantForm,
    VersionForm,
)
from .models import DirectoryGroupRule, RoleGrant, Unit, UnitType, User


def _year(request) -> int:
    try:
        year = int(request.GET.get("ar", ""))
        if 1900 <= year <= 2200:
            return year
    except ValueError:
        pass
    return datetime.date.today().year


def _unit(request, pk: int, action=access.Action.READ) -> Unit:
    return access.get_or_404(
        request.user, Unit.objects.select_related("unit_type", "parent"), action, pk=pk
    )


def _crumbs(*items):
    return [(_("Organisation"), reverse("organisation:tree")), *items]


@login_required
@require_safe
def tree(request):
    year = _year(request)
    text = request.GET.get("q", "")
    context = {
        "nav": "organisation",
        "page_title": _("Organisation"),
        "year": year,
        "years": range(datetime.date.today().year - 5, datetime.date.today().year + 3),
        "q": text,
        "results": queries.search(request.user, year, text) if text.strip() else None,
        "can_create_root": access.is_admin(request.user),
    }
    if request.htmx and request.htmx.target == "org-results":
        return render(request, "organisation/tree.html#results", context)
    context["roots"] = queries.tree(request.user, year)
    return render(request, "organisation/tree.html", context)


@login_required
@require_safe
def unit_detail(request, pk: int):
    unit = _unit(request, pk)
    year = _year(request)
    return render(
        request,
        "organisation/unit_detail.html",
        {
            "nav": "organisation",
            "unit": unit,
            "page_title": unit.name,
            "year": year,
            "can_manage": access.can_manage(request.user, unit),
            "grant_form": GrantForm(),
            "breadcrumbs": _crumbs((unit.name, None)),
            **queries.unit_detail(request.user, unit, year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    parent = None
    parent_pk = request.GET.get("overordnad") or request.POST.get("overordnad")
    if parent_pk:
        if not str(parent_pk).isdigit():
            raise PermissionDenied
        parent = _unit(request, int(parent_pk), access.Action.MANAGE)
    elif not access.is_admin(request.user):
        raise PermissionDenied
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                name=data["name"],
                code=data["code"],
                unit_type=data["unit_type"],
                parent=parent,
                valid_from=data["valid_from"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Enheten %(name)s är skapad.") % {"name": unit.name})
            return redirect("organisation:unit", unit.pk)
    return render(
        request,
        "organisation/unit_form.html",
        {
            "nav": "organisation",
            "form": form,
            "parent": parent,
            "page_title": _("Ny enhet"),
            "breadcrumbs": _crumbs(
                *(
                    [(parent.name, reverse("organisation:unit", args=[parent.pk]))]
                    if parent
                    else []
                ),
                (_("Ny enhet"), None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = _unit(request, pk, access.Action.MANAGE)
    initial = {
        "name": unit.name,
        "code": unit.code,
        "unit_type": unit.unit_type_id,
        "valid_from": unit.valid_from,
        "version": unit.version,
        "org_number": unit.org_number,
    }
    form = UnitForm(request.POST or None, initial=initial, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                version=data["version"] or 0,
                name=data["name"],
                code=data["code"],
                unit_type=data["unit_type"],
                valid_from=data["valid_from"],
                org_number=data.get("org_number"),
            )
        except EditConflict as exc:
            show_conflict(
                form,
                exc,
                saved=_("namn ”%(name)s”, kod %(code)s")
                % {"name": exc.current.name, "code": exc.current.code},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("organisation:unit", unit.pk)
    return render(
        request,
        "organisation/unit_form.html",
        {
            "nav": "organisation",
            "form": form,
            "unit": unit,
            "page_title": _("Ändra %(name)s") % {"name": unit.name},
            "breadcrumbs": _crumbs(
                (unit.name, reverse("organisation:unit", args=[unit.pk])), (_("Ändra"), None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, pk: int):
    unit = _unit(request, pk, access.Action.MANAGE)
    subtree = Unit.objects.descendants(unit, include_self=True).values("pk")
    parents = (
        access.units(request.user, access.Action.MANAGE)
        .valid_on(datetime.date.today())
        .exclude(pk__in=subtree)
        .select_related("unit_type")
        .order_by("name")
    )
    form = MoveForm(
        request.POST or None,
        parents=parents,
        initial={"parent": unit.parent_id, "version": unit.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                actor=request.user,
                unit=unit,
                version=form.cleaned_data["version"],
                new_parent=form.cleaned_data["parent"],
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s är flyttad.") % {"name": unit.name})
            return redirect("organisation:unit", unit.pk)
    return render(
        request,
        "organisation/unit_action.html",
        {
            "nav": "organisation",
            "form": form,
            "unit": unit,
            "page_title": _("Flytta %(name)s") % {"name": unit.name},
            "submit_label": _("Flytta"),
            "intro": _("Enheten flyttas med alla sina underenheter."),
            "breadcrumbs": _crumbs(
                (unit.name, reverse("organisation:unit", args=[unit.pk])), (_("Flytta"), None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_close(request, pk: int):
    unit = _unit(request, pk, access.Action.MANAGE)
    form = CloseForm(
        request.POST or None, initial={"valid_to": datetime.date.today(), "version": unit.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.unit_close(
                actor=request.user,
                unit=unit,
                version=form.cleaned_data["version"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s är stängd från och med %(date)s (%(n)s enheter).")
                % {
                    "name": unit.name,
                    "n": len(closed),
                    "date": form.cleaned_data["valid_to"].isoformat(),
                },
            )
            return redirect("organisation:unit", unit.pk)
    return render(
        request,
        "organisation/unit_action.html",
        {
            "nav": "organisation",
            "form": form,
            "unit": unit,
            "page_title": _("Stäng %(name)s") % {"name": unit.name},
            "submit_label": _("Stäng enheten"),
            "intro": _(
                "Vid en omorganisation stängs enheten i stället för att tas bort. Den och "
                "dess underenheter visas fortsatt för de år de var giltiga, med sina "
                "planer och rapporter."
            ),
            "breadcrumbs": _crumbs(
                (unit.name, reverse("organisation:unit", args=[unit.pk])), (_("Stäng"), None)
            ),
        },
    )


@login_required
@require_POST
def unit_reopen(request, pk: int):
    unit = _unit(request, pk, access.Action.MANAGE)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            services.unit_reopen(
                actor=request.user, unit=unit, version=form.cleaned_data["version"]
            )
            messages.success(request, _("%(name)s är öppnad igen.") % {"name": unit.name})
        except EditConflict as exc:
            messages.error(request, conflict_text(exc, kept=False))
    return redirect("organisation:unit", unit.pk)


@login_required
@require_safe
def unit_history(request, pk: int):
    unit = _unit(request, pk)
    return render(
        request,
        "web/history.html",
        {
            "nav": "organisation",
            "object": unit,
            "page_title": _("Historik för %(name)s") % {"name": unit.name},
            "entries": history_entries(unit.history.all()),
            "grant_entries": history_entries(RoleGrant.history.filter(unit_id=unit.pk)),
            "breadcrumbs": _crumbs(
                (unit.name, reverse("organisation:unit", args=[unit.pk])), (_("Historik"), None)
            ),
        },
    )


@login_required
@require_POST
def unit_grant_add(request, pk: int):
    unit = _unit(request, pk, access.Action.MANAGE)
    form = GrantForm(request.POST)
    if form.is_valid():
        services.grant_role(
            actor=request.user,
            user=form.cleaned_data["user"],
            unit=unit,
            role=form.cleaned_data["role"],
            includes_subtree=form.cleaned_data["includes_subtree"],
        )
        messages.success(request, _("Behörigheten är tillagd."))
    else:
        messages.error(request, _("Välj användare och roll."))
    return redirect(reverse("organisation:unit", args=[unit.pk]) + "#behorigheter")


@login_required
@require_POST
def grant_remove(request, pk: int):
    grant = access.get_or_404(
        request.user, RoleGrant.objects.select_related("unit", "user"), access.Action.MANAGE, pk=pk
    )
    services.revoke_role(actor=request.user, grant=grant)
    messages.success(request, _("Behörigheten är borttagen."))
    back = request.POST.get("tillbaka")
    if back == "anvandare" and access.is_admin(request.user):
        return redirect("organisation:user", grant.user_id)
    return redirect(reverse("organisation:unit", args=[grant.unit_id]) + "#behorigheter")


# --- Administration -------------------------------------------------------


def _admin_only(request) -> None:
    access.require_admin(request.user)


def _admin_crumbs(*items):
    return [(_("Administration"), reverse("organisation:admin")), *items]


@login_required
@require_safe
def admin_index(request):
    if not access.can_manage_any(request.user):
        raise PermissionDenied
    return render(
        request,
        "organisation/admin_index.html",
        {
            "nav": "admin",
            "page_title": _("Administration"),
            "is_admin": access.is_admin(request.user),
            "manages_economy": access.economy_organisations(request.user).exists(),
        },
    )


@login_required
@require_safe
def user_list(request):
    _admin_only(request)
    text = request.GET.get("q", "")
    return render(
        request,
        "organisation/user_list.html",
        {
            "nav": "admin",
            "page_title": _("Användare"),
            "q": text,
            "users": queries.users_list(text)[:500],
            "breadcrumbs": _admin_crumbs((_("Användare"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _admin_only(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Användaren %(name)s är skapad.") % {"name": user})
            return redirect("organisation:user", user.pk)
    return render(
        request,
        "organisation/user_form.html",
        {
            "nav": "admin",
            "form": form,
            "page_title": _("Ny användare"),
            "breadcrumbs": _admin_crumbs(
                (_("Användare"), reverse("organisation:users")), (_("Ny användare"), None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk: int):
    _admin_only(request)
    person = _get_user(pk)
    form = UserForm(
        request.POST or None,
        user=person,
        initial={
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "title": person.title,
            "is_active": person.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("organisation:user", person.pk)
    grant_form = UserGrantForm(units=Unit.objects.valid_on(datetime.date.today()).order_by("name"))
    return render(
        request,
        "organisation/user_detail.html",
        {
            "nav": "admin",
            "person": person,
            "form": form,
            "grant_form": grant_form,
            "grants": person.grants.select_related("unit", "unit__unit_type", "rule").order_by(
                "unit__name"
            ),
            "page_title": str(person),
            "breadcrumbs": _admin_crumbs(
                (_("Användare"), reverse("organisation:users")), (str(person), None)
            ),
        },
    )


def _get_user(pk: int) -> User:
    from django.http import Http404

    try:
        return User.objects.get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def user_grant_add(request, pk: int):
    _admin_only(request)
    person = _get_user(pk)
    form = UserGrantForm(request.POST, units=Unit.objects.all())
    if form.is_valid():
        services.grant_role(
            actor=request.user,
            user=person,
            unit=form.cleaned_data["unit"],
            role=form.cleaned_data["role"],
            includes_subtree=form.cleaned_data["includes_subtree"],
        )
        messages.success(request, _("Behörigheten är tillagd."))
    else:
        messages.error(request, _("Välj enhet och roll."))
    return redirect("organisation:user", person.pk)


@login_required
@require_safe
def user_history(request, pk: int):
    _admin_only(request)
    person = _get_user(pk)
    return render(
        request,
        "web/history.html",
        {
            "nav": "admin",
            "object": person,
            "page_title": _("Historik för %(name)s") % {"name": person},
            "entries": history_entries(person.history.all()),
            "grant_entries": history_entries(RoleGrant.history.filter(user_id=person.pk)),
            "breadcrumbs": _admin_crumbs(
                (_("Användare"), reverse("organisation:users")),
                (str(person), reverse("organisation:user", args=[person.pk])),
                (_("Historik"), None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_types(request, pk: int | None = None):
    _admin_only(request)
    instance = None
    if pk is not None:
        instance = UnitType.objects.filter(pk=pk).first()
        if instance is None:
            from django.http import Http404

            raise Http404
    form = UnitTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_type_save(actor=request.user, unit_type=form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Enhetstypen är sparad."))
            return redirect("organisation:unit_types")
    return render(
        request,
        "organisation/unit_types.html",
        {
            "nav": "admin",
            "form": form,
            "instance": instance,
            "types": UnitType.objects.all(),
            "page_title": _("Enhetstyper"),
            "breadcrumbs": _admin_crumbs((_("Enhetstyper"), None)),
        },
    )


# --- Directory group rules (gruppregler) ------------------------------------------------


def _rule(pk: int) -> DirectoryGroupRule:
    rule = DirectoryGroupRule.objects.select_related("unit", "unit__unit_type").filter(pk=pk)
    if not rule:
        raise Http404
    return rule[0]


def _directory_crumbs(*items):
    return _admin_crumbs((_("Gruppregler"), reverse("organisation:directory_rules")), *items)


@login_required
@require_http_methods(["GET", "POST"])
def directory_rules(request):
    """The group rules, how many grants each has given, and a form for a new one."""
    _admin_only(request)
    units = Unit.objects.valid_on(datetime.date.today()).order_by("name")
    form = DirectoryGroupRuleForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.directory_rule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Regeln för gruppen %(group)s är sparad. Den gäller från nästa inloggning.")
                % {"group": rule.group},
            )
            return redirect("organisation:directory_rules")
    return render(
        request,
        "organisation/directory_rules.html",
        {
            "nav": "admin",
            "form": form,
            "rules": queries.directory_rules(),
            "page_title": _("Gruppregler"),
            "breadcrumbs": _admin_crumbs((_("Gruppregler"), None)),
        },
    )


@login_required
@require_safe
def directory_rule(request, pk: int):
    """What one rule has given: the grants marked with it."""
    _admin_only(request)
    rule = _rule(pk)
    return render(
        request,
        "organisation/directory_rule.html",
        {
            "nav": "admin",
            "rule": rule,
            "grants": queries.directory_rule_grants(rule),
            "page_title": _("Gruppregel för %(group)s") % {"group": rule.group},
            "breadcrumbs": _directory_crumbs((rule.group, None)),
        },
    )


@login_required
@require_POST
def directory_rule_delete(request, pk: int):
    _admin_only(request)
    rule = _rule(pk)
    removed = services.directory_rule_delete(actor=request.user, rule=rule)
    messages.success(
        request,
        _("Regeln för gruppen %(group)s är borttagen, med %(count)s behörigheter den gav.")
        % {"group": rule.group, "count": removed},
    )
    return redirect("organisation:directory_rules")


@login_required
@require_safe
def directory_dry_run(request):
    """Provkörning: what the rules would give a member of the groups typed
    in, through the same function that every login uses; nothing is saved."""
    _admin_only(request)
    form = DirectoryDryRunForm(request.GET if "groups" in request.GET else None)
    mapped = plan = None
    if form.is_bound and form.is_valid():
        mapped = queries.directory_grants(form.group_list())
        if form.cleaned_data["person"] is not None:
            plan = queries.directory_plan(form.cleaned_data["person"], form.group_list())
    return render(
        request,
        "organisation/directory_dry_run.html",
        {
            "nav": "admin",
            "form": form,
            "mapped": mapped,
            "plan": plan,
            "person": form.cleaned_data.get("person") if plan is not None else None,
            "page_title": _("Provkör gruppregler"),
            "breadcrumbs": _directory_crumbs((_("Provkörning"), None)),
        },
    )
