"""Everything that changes the organisation: one function per use case, each in
a transaction, each checking the access policy first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_version, save_edited, use_case

from . import access, queries
from .models import DirectoryGroupRule, Role, RoleGrant, Unit, UnitType, User


def _check_parent(actor, parent: Unit | None) -> None:
    if parent is None:
        access.require_admin(actor)
    else:
        access.require(actor, access.Action.MANAGE, parent)


@use_case
def unit_create(
    *,
    actor,
    name: str,
    unit_type: UnitType,
    code: str,
    parent: Unit | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
) -> Unit:
    _check_parent(actor, parent)
    unit = Unit(
        name=name.strip(),
        unit_type=unit_type,
        code=code.strip(),
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    unit.full_clean()
    set_actor(unit, actor)
    unit.save()
    access.forget(actor)
    return unit


def _save_versioned(unit: Unit, version: int, reason: str, actor) -> Unit:
    """Save as the next version: EditConflict if someone else saved the unit
    after the user opened it at `version`."""
    lock_version(unit, version)
    return save_edited(unit, actor, reason)


@use_case
def unit_update(
    *,
    actor,
    unit: Unit,
    version: int,
    name: str,
    code: str,
    unit_type: UnitType,
    valid_from: datetime.date,
    org_number: str | None = None,
) -> Unit:
    """Rename a unit or correct its code, type or start date (and, for the
    organisation's root unit, its organisation number; None leaves it)."""
    access.require(actor, access.Action.MANAGE, unit)
    unit.name, unit.code, unit.unit_type, unit.valid_from = (
        name.strip(),
        code.strip(),
        unit_type,
        valid_from,
    )
    if org_number is not None and unit.parent_id is None:
        unit.org_number = org_number.strip()
    unit.full_clean()
    return _save_versioned(unit, version, _("Ändrad"), actor)


@use_case
def unit_move(*, actor, unit: Unit, version: int, new_parent: Unit) -> Unit:
    """Move a unit (with its subtree) under another unit."""
    access.require(actor, access.Action.MANAGE, unit)
    access.require(actor, access.Action.MANAGE, new_parent)
    if new_parent.pk == unit.pk or Unit.objects.descendants(unit).filter(pk=new_parent.pk).exists():
        raise ValidationError(
            {"parent": _("En enhet kan inte flyttas in under sig själv eller sina underenheter.")}
        )
    unit.parent = new_parent
    return _save_versioned(
        unit, version, _("Flyttad till %(parent)s") % {"parent": new_parent}, actor
    )


@use_case
def unit_close(*, actor, unit: Unit, version: int, valid_to: datetime.date) -> list[Unit]:
    """Close a unit in a reorganisation, with the sub-units still open after
    that date. Nothing is deleted: plans and reports stay with the units for
    the years they were valid. Returns every unit that was closed."""
    access.require(actor, access.Action.MANAGE, unit)
    if valid_to < unit.valid_from:
        raise ValidationError(
            {
                "valid_to": _("Enheten kan inte stängas före sitt startdatum %(date)s.")
                % {"date": unit.valid_from.isoformat()}
            }
        )
    unit.valid_to = valid_to
    _save_versioned(unit, version, _("Stängd"), actor)
    closed = [unit]
    for sub in Unit.objects.descendants(unit).select_related(None):
        if sub.valid_to is None or sub.valid_to > valid_to:
            sub.valid_to = max(valid_to, sub.valid_from)
            sub.version += 1
            set_actor(sub, actor)
            sub._change_reason = _("Stängd med %(unit)s") % {"unit": unit}
            sub.save()
            closed.append(sub)
    return closed


@use_case
def unit_reopen(*, actor, unit: Unit, version: int) -> Unit:
    access.require(actor, access.Action.MANAGE, unit)
    unit.valid_to = None
    return _save_versioned(unit, version, _("Öppnad igen"), actor)


@use_case
def grant_role(
    *, actor, user: User, unit: Unit, role: str, includes_subtree: bool = True
) -> RoleGrant:
    """Give a user a role on a unit. Only a system administrator gives the
    administrator role; a model owner gives other roles within their area."""
    if role == Role.ADMIN:
        access.require_admin(actor)
    else:
        access.require(actor, access.Action.MANAGE, unit)
    grant = RoleGrant.objects.filter(user=user, unit=unit, role=role).first()
    if grant is None:
        grant = RoleGrant(user=user, unit=unit, role=role, includes_subtree=includes_subtree)
    elif grant.includes_subtree == includes_subtree and grant.rule_id is None:
        return grant
    # A grant given by hand is the administrator's: one the directory group
    # rules gave becomes hand-made, and the rules leave it alone from now on.
    grant.includes_subtree, grant.rule = includes_subtree, None
    set_actor(grant, actor)
    grant.save()
    access.forget(user)
    return grant


@use_case
def revoke_role(*, actor, grant: RoleGrant) -> None:
    if grant.role == Role.ADMIN:
        access.require_admin(actor)
    else:
        access.require(actor, access.Action.MANAGE, grant.unit)
    set_actor(grant, actor)
    grant.delete()
    access.forget(grant.user)


@use_case
def user_create(
    *,
    actor,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    password: str | None = None,
) -> User:
    access.require_admin(actor)
    user = User(
        username=username.strip(),
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        title=title.strip(),
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()  # logs in through OpenID Connect or a reset link
    user.full_clean()
    set_actor(user, actor)
    user.save()
    return user


@use_case
def user_update(
    *, actor, user: User, email: str, first_name: str, last_name: str, title: str, is_active: bool
) -> User:
    access.require_admin(actor)
    user.email, user.first_name, user.last_name, user.title, user.is_active = (
        email.strip().lower(),
        first_name.strip(),
        last_name.strip(),
        title.strip(),
        is_active,
    )
    user.full_clean()
    set_actor(user, actor)
    user.save()
    return user


@use_case
def unit_type_save(*, actor, unit_type: UnitType) -> UnitType:
    access.require_admin(actor)
    unit_type.full_clean()
    set_actor(unit_type, actor)
    unit_type.save()
    return unit_type


# --- Directory group rules (gruppregler) -------------------------------------------------


@dataclass
class DirectoryChanges:
    """What one login's groups changed in the user's grants."""

    added: list[RoleGrant] = field(default_factory=list)
    changed: list[RoleGrant] = field(default_factory=list)
    removed: list[RoleGrant] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@use_case
def apply_directory_groups(*, user: User, groups) -> DirectoryChanges:
    """Bring the user's grants from the directory in line with the groups the
    identity provider sent at this login (OpenID Connect or SAML): add what
    the rules give, remove what they no longer give. Only grants marked with
    a rule are added, changed or removed; a grant made by hand is never
    touched, and where one already gives the role on the unit no rule's
    grant is added beside it."""
    # Two logins of one person at once (two tabs) wait for each other here.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    grants = RoleGrant.objects.select_for_update(of=("self",)).filter(user=user)
    plan = queries.directory_plan(user, groups, grants=grants.select_related("rule", "unit"))
    changes = DirectoryChanges()
    for grant in plan.remove:
        set_actor(
            grant,
            None,
            _("Borttagen vid inloggning: gruppen %(group)s gav den inte längre")
            % {"group": grant.rule.group},
        )
        grant.delete()
        changes.removed.append(grant)
    for grant, mapped in plan.change:
        grant.includes_subtree, grant.rule = mapped.includes_subtree, mapped.rule
        set_actor(
            grant,
            None,
            _("Ändrad vid inloggning av gruppregeln för %(group)s") % {"group": mapped.rule.group},
        )
        grant.save()
        changes.changed.append(grant)
    for mapped in plan.add:
        grant = RoleGrant(
            user=user,
            unit=mapped.unit,
            role=mapped.role,
            includes_subtree=mapped.includes_subtree,
            rule=mapped.rule,
        )
        set_actor(
            grant,
            None,
            _("Given vid inloggning av gruppregeln för %(group)s") % {"group": mapped.rule.group},
        )
        grant.save()
        changes.added.append(grant)
    if changes:
        access.forget(user)
    return changes


@use_case
def directory_rule_create(
    *, actor, group: str, unit: Unit, role: str, includes_subtree: bool = True
) -> DirectoryGroupRule:
    """A new rule: from their next login, members of the group get the role
    on the unit. Only a system administrator makes rules (a rule may give any
    role anywhere)."""
    access.require_admin(actor)
    rule = DirectoryGroupRule(
        group=group.strip(), unit=unit, role=role, includes_subtree=includes_subtree
    )
    rule.full_clean()
    set_actor(rule, actor)
    rule.save()
    return rule


@use_case
def directory_rule_delete(*, actor, rule: DirectoryGroupRule) -> int:
    """Remove a rule and, at once, the grants it gave (another rule that
    gives the same role gives it again at the user's next login). Returns
    how many grants were removed."""
    access.require_admin(actor)
    grants = list(rule.grants.select_related("user"))
    reason = _("Borttagen med gruppregeln för %(group)s") % {"group": rule.group}
    for grant in grants:
        set_actor(grant, actor, reason)
        grant.delete()
        access.forget(grant.user)
    set_actor(rule, actor)
    rule.delete()
    return len(grants)
