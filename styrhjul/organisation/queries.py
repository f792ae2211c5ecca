"""Reads for the organisation pages. Each function runs a fixed number of
queries whatever the size of the organisation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from . import access
from .models import DirectoryGroupRule, Role, RoleGrant, Unit, User

# A unit as the organisation tree shows it: (pk, name, code, unit type's
# name, valid_to, parent_id), plain values, not a model object (thousands of
# units are drawn on one page).
TreeRow = tuple[int, str, str, str, datetime.date | None, int | None]


@dataclass
class UnitTree:
    """The units of the organisation tree as a forest: the roots in order,
    and each unit's children in order by the unit's pk. Rows, not an object
    per unit and node: building 6,000 objects took a third of the page's
    Python time."""

    roots: list[TreeRow]
    children: dict[int, list[TreeRow]]

    def __bool__(self) -> bool:
        return bool(self.roots)

    def __len__(self) -> int:
        return len(self.roots) + sum(len(rows) for rows in self.children.values())


def readable_units_in_year(user, year: int) -> QuerySet[Unit]:
    return access.units(user).valid_in_year(year).select_related("unit_type")


def tree(user, year: int) -> UnitTree:
    """The units the user may read that existed during `year`, as a forest.
    A unit whose parent the user may not read becomes a root."""
    rows = list(
        access.units(user)
        .valid_in_year(year)
        .order_by("unit_type__order", "name")
        .values_list("pk", "name", "code", "unit_type__name", "valid_to", "parent_id")
    )
    readable = {row[0] for row in rows}
    roots: list[TreeRow] = []
    children: dict[int, list[TreeRow]] = {}
    for row in rows:
        parent = row[5]
        if parent in readable:
            below = children.get(parent)
            if below is None:
                children[parent] = [row]
            else:
                below.append(row)
        else:
            roots.append(row)
    return UnitTree(roots, children)


def search(user, year: int, text: str) -> list[Unit]:
    text = text.strip()
    if not text:
        return []
    return list(
        readable_units_in_year(user, year)
        .filter(Q(name__icontains=text) | Q(code__icontains=text))
        .select_related("parent")
        .order_by("name")[:200]
    )


@dataclass
class MyUnit:
    unit: Unit
    roles: list[str]


def my_units(user) -> list[MyUnit]:
    """Units the user holds roles on directly, with the roles' names."""
    today = datetime.date.today()
    grants = (
        RoleGrant.objects.filter(user=user)
        .select_related("unit", "unit__unit_type")
        .order_by("unit__name")
    )
    result: dict[int, MyUnit] = {}
    for grant in grants:
        if not grant.unit.is_valid_on(today):
            continue
        entry = result.setdefault(grant.unit.pk, MyUnit(grant.unit, []))
        entry.roles.append(grant.get_role_display())
    return list(result.values())


def unit_detail(user, unit: Unit, year: int) -> dict:
    children = list(
        access.units(user)
        .filter(parent=unit)
        .select_related("unit_type")
        .order_by("unit_type__order", "name")
    )
    grants = list(
        RoleGrant.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__first_name")
    )
    ancestors = list(Unit.objects.with_tree_fields().ancestors(unit).order_by("tree_depth"))
    return {
        "children": children,
        "managers": [g.user for g in grants if g.role == Role.MANAGER],
        "grants": grants if access.can_manage(user, unit) else [],
        "ancestors": [(a, access.can_read(user, a)) for a in ancestors],
    }


def users_list(text: str = "") -> QuerySet[User]:
    qs = User.objects.all().order_by("first_name", "last_name", "username")
    if text.strip():
        t = text.strip()
        qs = qs.filter(
            Q(username__icontains=t)
            | Q(email__icontains=t)
            | Q(first_name__icontains=t)
            | Q(last_name__icontains=t)
        )
    return qs


def active_user_by_name(name: str) -> User:
    """The active user a command's --user names, by user name or e-mail.
    Raises LookupError with a Swedish message."""
    matches = list(User.objects.filter(username__iexact=name)[:2]) or list(
        User.objects.filter(email__iexact=name)[:2]
    )
    if not matches:
        raise LookupError(f"Det finns ingen användare med användarnamnet eller e-posten {name}.")
    if len(matches) > 1:
        raise LookupError(f"Flera användare matchar {name}; ange användarnamnet.")
    if not matches[0].is_active:
        raise LookupError(f"Användaren {matches[0].username} är inaktiverad.")
    return matches[0]


def readable_roots(user) -> list[Unit]:
    """The organisations (root units) whose styrmodell and årshjul the user
    reads: those they hold a grant in (access.organisation_ids)."""
    ids = access.organisation_ids(user)
    roots = Unit.objects.filter(parent=None).select_related("unit_type").order_by("name")
    if ids is not None:
        roots = roots.filter(pk__in=ids)
    return list(roots)


def org_query(organisation: Unit | int, roots: list[Unit]) -> str:
    """?organisation=… when the user reads several organisations, so links
    stay on the chosen one; "" otherwise."""
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return f"?organisation={pk}" if len(roots) > 1 else ""


def chosen_root(user, wanted=None) -> tuple[Unit, list[Unit]]:
    """The organisation a page is about (`wanted`, a pk from ?organisation=,
    among several; else the first open one) and the roots the user may choose
    among. 404 when the user reads nothing there."""
    from django.http import Http404

    roots = readable_roots(user)
    if wanted:
        if not str(wanted).isdigit():
            raise Http404
        chosen = next((r for r in roots if r.pk == int(wanted)), None)
    else:
        chosen = next((r for r in roots if r.valid_to is None), None) or next(iter(roots), None)
    if chosen is None:
        raise Http404
    return chosen, roots


# --- Directory group rules -------------------------------------------------------------


def group_names(groups) -> set[str]:
    """The group values of a login (or of the dry run's text), compared as
    directories compare group names: without surrounding space and without
    regard to case. A single string is one group."""
    if groups is None:
        return set()
    if isinstance(groups, str):
        groups = [groups]
    return {str(g).strip().casefold() for g in groups if str(g).strip()}


@dataclass(frozen=True)
class MappedGrant:
    """A grant the directory group rules give: the role on the unit, with the
    subtree when any rule giving it includes the subtree, and the first rule
    (the oldest) that gives it, which the grant is marked with."""

    unit: Unit
    role: str
    includes_subtree: bool
    rule: DirectoryGroupRule
    rules: tuple[DirectoryGroupRule, ...]

    def get_role_display(self) -> str:
        return str(Role(self.role).label)


def directory_grants(groups) -> list[MappedGrant]:
    """What the directory group rules give a member of `groups`: the one
    answer for every login (services.apply_directory_groups) and the dry
    run. Two queries: none when there are no groups."""
    wanted = group_names(groups)
    if not wanted:
        return []
    found: dict[tuple[int, str], list[DirectoryGroupRule]] = {}
    for rule in DirectoryGroupRule.objects.select_related("unit", "unit__unit_type").order_by("pk"):
        if rule.group.strip().casefold() in wanted:
            found.setdefault((rule.unit_id, rule.role), []).append(rule)
    result = [
        MappedGrant(
            unit=rules[0].unit,
            role=rules[0].role,
            includes_subtree=any(r.includes_subtree for r in rules),
            rule=rules[0],
            rules=tuple(rules),
        )
        for rules in found.values()
    ]
    return sorted(result, key=lambda m: (m.unit.name, m.role))


@dataclass
class DirectoryPlan:
    """What the groups of a login change in one user's grants: the one
    answer that a login carries out (services.apply_directory_groups) and
    the dry run shows for a user."""

    add: list[MappedGrant] = field(default_factory=list)
    change: list[tuple[RoleGrant, MappedGrant]] = field(default_factory=list)
    remove: list[RoleGrant] = field(default_factory=list)
    # The rules give it, but the user already has the role on the unit by
    # hand: the hand-made grant stays as it is and nothing is added.
    by_hand: list[tuple[RoleGrant, MappedGrant]] = field(default_factory=list)
    keep: list[RoleGrant] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.add or self.change or self.remove)


def directory_plan(user, groups, grants=None) -> DirectoryPlan:
    """Compare what the rules give `groups` with the user's grants (`grants`,
    or read here): only grants marked with a rule are added, changed or
    removed."""
    wanted = {(m.unit.pk, m.role): m for m in directory_grants(groups)}
    if grants is None:
        grants = RoleGrant.objects.filter(user=user).select_related("rule", "unit")
    existing = {(g.unit_id, g.role): g for g in grants}
    plan = DirectoryPlan()
    for key, grant in existing.items():
        mapped = wanted.get(key)
        if grant.rule_id is None:
            if mapped is not None:
                plan.by_hand.append((grant, mapped))
        elif mapped is None:
            plan.remove.append(grant)
        elif grant.includes_subtree != mapped.includes_subtree or grant.rule_id != mapped.rule.pk:
            plan.change.append((grant, mapped))
        else:
            plan.keep.append(grant)
    plan.add = [mapped for key, mapped in wanted.items() if key not in existing]
    return plan


def directory_rules() -> QuerySet[DirectoryGroupRule]:
    """The rules for the administration page, with how many grants each has
    given (one query)."""
    return DirectoryGroupRule.objects.select_related("unit", "unit__unit_type").annotate(
        grant_count=Count("grants")
    )


def directory_rule_grants(rule: DirectoryGroupRule) -> QuerySet[RoleGrant]:
    """The grants a rule has given, for the page that shows them."""
    return rule.grants.select_related("user", "unit").order_by(
        "user__first_name", "user__last_name", "user__username"
    )
