"""The one access policy (behörighetsregler).

Every view, form, export and command asks this module what a user may do.
Rights are granted as roles on units (RoleGrant) and follow the organisation
tree downwards when the grant includes the subtree:

| role                | read          | write domain data | manage the organisation |
|---------------------|---------------|-------------------|-------------------------|
| Systemadministratör | everything    | everything        | everything, users       |
| Modellägare         | unit (+ tree) | unit (+ tree)     | unit (+ tree)           |
| Chef                | unit (+ tree) | the unit itself   | –                       |
| Rapportör           | unit (+ tree) | the unit itself   | –                       |
| Läsare              | unit (+ tree) | –                 | –                       |

"(+ tree)": and the units below it, when the grant includes the subtree.
Everyone with a grant also reads the goals and indicators of the units above
their granted units (the red thread upwards), and items shared to their units.
A unit's documents (delårsrapport, årsredovisning, uppföljning per datum,
internkontrollrapport) show the reporting of its whole part of the tree, so
they are read by those who read the unit with every unit below it
(`can_read_tree`).

Objects say which unit decides their access through an `access_unit`
attribute. "Not allowed" and "does not exist" look the same to callers of
`get_or_404`.

Command-line tools run as `SYSTEM` (the operator, who has the database in
hand anyway) or as a named user; both go through the same functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Role, RoleGrant, Unit


class Action(StrEnum):
    READ = "read"
    WRITE = "write"  # plan, report, change domain data of the unit
    MANAGE = "manage"  # change the organisation: create, rename, move, close units


WRITE_ROLES = {Role.ADMIN, Role.MODEL_OWNER, Role.MANAGER, Role.REPORTER}
SUBTREE_WRITE_ROLES = {Role.ADMIN, Role.MODEL_OWNER}
MANAGE_ROLES = {Role.ADMIN, Role.MODEL_OWNER}


class _System:
    """The operator running a command line tool: allowed everything."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def __str__(self) -> str:
        return "System (kommandorad)"


SYSTEM = _System()


@dataclass
class UserRights:
    """What one user may do, computed once per request from their grants."""

    is_admin: bool = False
    readable: set[int] = field(default_factory=set)
    writable: set[int] = field(default_factory=set)
    manageable: set[int] = field(default_factory=set)
    # Units above the granted ones: their goals and indicators are the goals
    # the user's units work towards (the red thread upwards), readable only.
    above: set[int] = field(default_factory=set)
    # Units the user reads together with every unit below them: a document
    # about such a unit (which shows the reporting of its whole part of the
    # tree) may be read.
    whole_trees: set[int] = field(default_factory=set)
    roles_by_unit: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def unit_ids(self, action: Action) -> set[int]:
        return {
            Action.READ: self.readable,
            Action.WRITE: self.writable,
            Action.MANAGE: self.manageable,
        }[action]


def _tree_maps() -> tuple[dict[int | None, list[int]], dict[int, int | None]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    parents: dict[int, int | None] = {}
    for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
        parents[pk] = parent_id
    return children, parents


def _ancestors(parents: dict[int, int | None], unit_id: int) -> set[int]:
    result: set[int] = set()
    node = parents.get(unit_id)
    while node is not None and node not in result:
        result.add(node)
        node = parents.get(node)
    return result


def _subtree(children: dict[int | None, list[int]], root: int) -> set[int]:
    result, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node in result:
            continue
        result.add(node)
        stack.extend(children.get(node, ()))
    return result


def rights(user) -> UserRights:
    """The user's rights; cached on the user object for the request.

    Two queries whatever the size of the organisation: the user's grants and
    the tree's (id, parent) pairs."""
    cached = getattr(user, "_styrhjul_rights", None)
    if cached is not None:
        return cached
    result = UserRights()
    if user is SYSTEM or (
        getattr(user, "is_active", False) and getattr(user, "is_superuser", False)
    ):
        result.is_admin = True
    elif getattr(user, "is_authenticated", False) and user.is_active:
        grants = list(
            RoleGrant.objects.filter(user=user).values_list("unit_id", "role", "includes_subtree")
        )
        if any(role == Role.ADMIN for _, role, _ in grants):
            result.is_admin = True
        elif grants:
            children, parents = _tree_maps()
            for unit_id, role, includes_subtree in grants:
                scope = _subtree(children, unit_id) if includes_subtree else {unit_id}
                result.above |= _ancestors(parents, unit_id)
                result.readable |= scope
                if includes_subtree or not children.get(unit_id):
                    result.whole_trees |= scope
                result.roles_by_unit[unit_id].add(role)
                if role in SUBTREE_WRITE_ROLES:
                    result.writable |= scope
                elif role in WRITE_ROLES:
                    result.writable.add(unit_id)
                if role in MANAGE_ROLES:
                    result.manageable |= scope
    if user is not SYSTEM and user is not None:
        try:
            user._styrhjul_rights = result
        except AttributeError:  # AnonymousUser and similar may refuse attributes
            pass
    return result


def forget(user) -> None:
    """Drop cached rights, after grants have changed within a request."""
    if hasattr(user, "_styrhjul_rights"):
        del user._styrhjul_rights


def is_admin(user) -> bool:
    return rights(user).is_admin


def _unit_of(obj) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "access_unit", None)


def can(user, action: Action | str, obj) -> bool:
    """May `user` do `action` on `obj` (a Unit, or anything with access_unit)?"""
    action = Action(action)
    r = rights(user)
    if r.is_admin:
        return True
    unit = _unit_of(obj)
    if unit is None:
        return False
    if unit.pk in r.unit_ids(action):
        return True
    if action != Action.READ:
        return False
    # Goals and indicators of the units above are readable: they are what the
    # user's units work towards.
    if getattr(obj, "readable_from_below", False):
        if unit.pk in r.above:
            return True
        # … and so are the goals they contribute to anywhere (e.g. the
        # council's goals above a nämnd's): the red thread upwards.
        if obj.contributed_to_from(r.readable):
            return True
    # Items shared down the tree are readable where they are shared to.
    if hasattr(obj, "extra_read_unit_ids"):
        return bool(obj.extra_read_unit_ids() & r.readable)
    return False


def can_read(user, obj) -> bool:
    return can(user, Action.READ, obj)


def can_write(user, obj) -> bool:
    return can(user, Action.WRITE, obj)


def can_read_tree(user, unit) -> bool:
    """Whether the user reads the unit and every unit below it, as a document
    about the unit needs (it shows the reporting of the whole subtree)."""
    r = rights(user)
    return r.is_admin or unit.pk in r.whole_trees


def can_manage(user, obj) -> bool:
    return can(user, Action.MANAGE, obj)


def can_manage_any(user) -> bool:
    r = rights(user)
    return r.is_admin or bool(r.manageable)


def visible_to(
    user, queryset: QuerySet, action: Action | str = Action.READ, unit_field: str = "pk"
) -> QuerySet:
    """Narrow a queryset to the rows the user may `action`.

    `unit_field` is the lookup from the model to the unit that decides access
    ("pk" for units themselves, "unit" for objects that belong to a unit)."""
    r = rights(user)
    if r.is_admin:
        return queryset
    return queryset.filter(**{f"{unit_field}__in": r.unit_ids(Action(action))})


def units(user, action: Action | str = Action.READ) -> QuerySet[Unit]:
    return visible_to(user, Unit.objects.all(), action)


def get_or_404(
    user, queryset: QuerySet, action: Action | str = Action.READ, unit_field: str = "pk", **lookup
) -> Model:
    """Fetch one object the user may `action`; otherwise 404 if they may not
    even read it, 403 if they may read but not `action` it."""
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not can_read(user, obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied
    return obj


def require(user, action: Action | str, obj) -> None:
    """For services: raise PermissionDenied unless the user may."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{user} får inte {Action(action).value} {obj}.")


def require_admin(user) -> None:
    if not is_admin(user):
        raise PermissionDenied


def roles_on(user, unit: Unit) -> set[str]:
    """Roles granted directly on this unit (for 'Mina enheter')."""
    return set(rights(user).roles_by_unit.get(unit.pk, set()))


def my_unit_ids(user) -> Iterable[int]:
    """Units the user holds a grant on directly."""
    return rights(user).roles_by_unit.keys()
