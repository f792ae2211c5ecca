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

The other rules, each answered here and nowhere else:

- The goals a unit works towards (`works_towards`): everyone with a grant
  reads the goals and indicators of the units above their granted units, of
  the organisation's governing bodies (units directly under the root whose
  unit type is `governing`, e.g. kommunfullmäktige and kommunstyrelse, which
  are siblings of the nämnder rather than their ancestors), and of every goal
  their units' items contribute to. Items shared to a unit are read there.
- The organisation (`organisation_ids`): everyone with a grant in an
  organisation reads its styrmodell and årshjul.
- Documents (`can_read_tree`): a unit's documents (delårsrapport,
  årsredovisning, uppföljning per datum, internkontrollrapport) show the
  reporting of its whole part of the tree, so they are read by those who read
  the unit with every unit below it.
- The Rapportör rule (`may_report`): on a unit the user writes only as
  Rapportör, they report the items assigned to them (`responsible`); of the
  tasks assigned to a Rapportör, they mark done only their own
  (`may_mark_done`); and they do not choose who is Ansvarig for an item
  (`may_assign_responsible`), in the item form or in the plan import.
- "My tasks" (`my_tasks_filter`): the tasks of the units where the user holds
  Chef or Modellägare on the unit itself, and the Rapportör tasks assigned to
  them on units they read; the start page, Mina uppgifter and the calendar
  feed show the same tasks.
- The economy (`may_manage_economy`): those who manage the organisation's
  root unit import its SIE files, map ansvar to units and make budget
  versions; a unit's economy is read by whoever reads the unit.
- The occasion overview (`overview_unit_ids`): a Modellägare follows the
  tasks of the units they manage, a Chef whose grant includes units below
  follows the tasks of that part of the tree.
- Granskning (`may_review`, the action `Action.REVIEW`): a klarmarkerad
  task is approved or sent back by a Chef or Modellägare whose grant on a
  unit above the task's unit includes the units below; not by the unit's
  own managers, its Rapportörer or its readers.
- Who may be Ansvarig for an item (`responsible_candidates`): the active
  users with a Modellägare, Chef or Rapportör grant on the item's unit, or on
  a unit above it when the grant includes the units below.
- Who receives a task (`task_receivers`): the active users holding Chef or
  Modellägare on the task's unit itself (the rule of `my_tasks_filter`).
- Who reaches a unit (`units_read_by`): for many users at once, the units
  their grants reach; whether an item's responsible still reaches it.
- Publishing (`may_publish`): those who manage the organisation's root unit
  publish its occasions' results as snapshots and choose the licence of its
  open data; what is published is read by anyone, without login
  (`reads_published`), and nothing else is.
- The start page's sections: a Chef's and a Läsare's own units
  (`held_unit_ids`) for the goals, `tree_unit_ids` for the documents.

Objects say which unit decides their access through an `access_unit`
attribute, and their querysets narrow to what a user may do with
`.restrict(user, action)` (`RestrictedQuerySet`, from the model's
`access_unit_lookup`). "Not allowed" and "does not exist" look the same to
callers of `get_or_404`.

Command-line tools run as `SYSTEM` (the operator, who has the database in
hand anyway) or as a named user; both go through the same functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from styrhjul.core.lookups import ids_in

from .models import Role, RoleGrant, Unit, UnitType, User


class Action(StrEnum):
    READ = "read"
    WRITE = "write"  # plan, report, change domain data of the unit
    MANAGE = "manage"  # change the organisation: create, rename, move, close units
    FOLLOW = "follow"  # follow the unit's tasks in an occasion's overview
    REVIEW = "review"  # approve or send back the unit's klarmarkerade tasks


WRITE_ROLES = {Role.ADMIN, Role.MODEL_OWNER, Role.MANAGER, Role.REPORTER}
SUBTREE_WRITE_ROLES = {Role.ADMIN, Role.MODEL_OWNER}
MANAGE_ROLES = {Role.ADMIN, Role.MODEL_OWNER}
# The roles that work with a unit's plans and may be Ansvarig for its items.
# Not Läsare (reads only) and not Systemadministratör (administers the
# installation, every organisation in it).
RESPONSIBLE_ROLES = {Role.MODEL_OWNER, Role.MANAGER, Role.REPORTER}


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
    # Units written through a grant other than Rapportör: there every item
    # may be reported, not only the user's own.
    writable_fully: set[int] = field(default_factory=set)
    # Units above the granted ones and the governing bodies of the user's
    # organisations: their goals and indicators are the goals the user's
    # units work towards (the red thread upwards), readable only.
    above: set[int] = field(default_factory=set)
    # The organisations (root units) the user holds a grant in.
    organisations: set[int] = field(default_factory=set)
    # Units whose tasks the user follows in an occasion's overview.
    followed: set[int] = field(default_factory=set)
    # Units whose klarmarkerade tasks the user reviews: those below a unit
    # where they hold Chef or Modellägare with the units below included.
    reviewed: set[int] = field(default_factory=set)
    # Units the user reads together with every unit below them: a document
    # about such a unit (which shows the reporting of its whole part of the
    # tree) may be read.
    whole_trees: set[int] = field(default_factory=set)
    roles_by_unit: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    # The part of the tree the rights were read from: each unit's children.
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def unit_ids(self, action: Action) -> set[int]:
        return {
            Action.READ: self.readable,
            Action.WRITE: self.writable,
            Action.MANAGE: self.manageable,
            Action.FOLLOW: self.followed,
            Action.REVIEW: self.reviewed,
        }[action]


def _tree_maps() -> tuple[dict[int | None, list[int]], dict[int, int | None], set[int]]:
    """The tree's children and parents, and the units of a governing type."""
    children: dict[int | None, list[int]] = defaultdict(list)
    parents: dict[int, int | None] = {}
    governing: set[int] = set()
    for pk, parent_id, is_governing in Unit.objects.values_list(
        "pk", "parent_id", "unit_type__governing"
    ):
        children[parent_id].append(pk)
        parents[pk] = parent_id
        if is_governing:
            governing.add(pk)
    return children, parents, governing


def _tree_around(
    grants: list[tuple[int, bool]],
) -> tuple[dict[int | None, list[int]], dict[int, int | None], set[int]]:
    """`_tree_maps` for the part of the tree some grants (unit id, includes
    the units below) touch: the units below the grants that include the
    units below, every granted unit with its ancestors and its children
    (whether it has any), and the governing units directly under those
    roots. One recursive query, which reads a förvaltning's few hundred
    units instead of the whole tree."""
    qn = connection.ops.quote_name
    unit, unit_type = qn(Unit._meta.db_table), qn(UnitType._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(grants))
    sql = f"""
        WITH RECURSIVE
        granted(id, below) AS (VALUES {values}),
        down(id) AS (
            SELECT u.id FROM {unit} u JOIN granted g ON u.id = g.id WHERE g.below
            UNION
            SELECT u.id FROM {unit} u JOIN down d ON u.parent_id = d.id
        ),
        up(id) AS (
            SELECT u.id FROM {unit} u JOIN granted g ON u.id = g.id
            UNION
            SELECT u.parent_id FROM {unit} u JOIN up a ON u.id = a.id
            WHERE u.parent_id IS NOT NULL
        ),
        wanted(id) AS (
            SELECT id FROM down
            UNION
            SELECT id FROM up
            UNION
            SELECT u.id FROM {unit} u JOIN granted g ON u.parent_id = g.id
            UNION
            SELECT u.id FROM {unit} u
            JOIN {unit} r ON r.id = u.parent_id AND r.parent_id IS NULL
            JOIN up a ON a.id = r.id
        )
        SELECT u.id, u.parent_id, t.governing
        FROM {unit} u JOIN wanted w ON w.id = u.id
        JOIN {unit_type} t ON t.id = u.unit_type_id
    """
    children: dict[int | None, list[int]] = defaultdict(list)
    parents: dict[int, int | None] = {}
    governing: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for grant in grants for value in grant])
        for pk, parent_id, is_governing in cursor.fetchall():
            children[parent_id].append(pk)
            parents[pk] = parent_id
            if is_governing:
                governing.add(pk)
    return children, parents, governing


def _root(parents: dict[int, int | None], unit_id: int) -> int:
    node, seen = unit_id, set()
    while parents.get(node) is not None and node not in seen:
        seen.add(node)
        node = parents[node]
    return node


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
    the (id, parent) pairs of the part of the tree they touch."""
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
            RoleGrant.objects.filter(user=user).values_list(
                "unit_id", "role", "includes_subtree", "unit__parent_id"
            )
        )
        if any(role == Role.ADMIN for _, role, _, _ in grants):
            result.is_admin = True
        elif grants:
            # A grant on an organisation with the units below reaches its
            # whole tree anyway: read the tree in one plain query.
            if any(below and parent_id is None for _, _, below, parent_id in grants):
                children, parents, governing = _tree_maps()
            else:
                touched = sorted({(unit_id, bool(below)) for unit_id, _, below, _ in grants})
                children, parents, governing = _tree_around(touched)
            result.children = children
            for unit_id, role, includes_subtree, _parent_id in grants:
                scope = _subtree(children, unit_id) if includes_subtree else {unit_id}
                result.above |= _ancestors(parents, unit_id)
                result.organisations.add(_root(parents, unit_id))
                result.readable |= scope
                if includes_subtree or not children.get(unit_id):
                    result.whole_trees |= scope
                result.roles_by_unit[unit_id].add(role)
                if role in SUBTREE_WRITE_ROLES:
                    result.writable |= scope
                    result.writable_fully |= scope
                elif role in WRITE_ROLES:
                    result.writable.add(unit_id)
                    if role != Role.REPORTER:
                        result.writable_fully.add(unit_id)
                if role in MANAGE_ROLES:
                    result.manageable |= scope
                    result.followed |= scope
                elif role == Role.MANAGER and len(scope) > 1:
                    result.followed |= scope
                if role in RECEIVING_ROLES and includes_subtree:
                    result.reviewed |= scope - {unit_id}
            # The governing bodies (e.g. kommunfullmäktige, kommunstyrelse)
            # are often siblings of the nämnder, not their ancestors.
            for root in result.organisations:
                result.above |= {pk for pk in children.get(root, ()) if pk in governing}
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
    # The organisation's styrmodell and årshjul are read by everyone with a
    # grant in it.
    if getattr(obj, "read_in_organisation", False) and unit.pk in r.organisations:
        return True
    # Goals and indicators of the units above and of the governing bodies are
    # readable: they are what the user's units work towards.
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


def tree_unit_ids(user) -> set[int] | None:
    """The units whose documents the user reads (can_read_tree for many):
    those read together with every unit below them. None for every unit."""
    r = rights(user)
    return None if r.is_admin else set(r.whole_trees)


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
    return queryset.filter(ids_in(unit_field, r.unit_ids(Action(action))))


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


def units(user, action: Action | str = Action.READ) -> QuerySet[Unit]:
    """The units the user may `action` (Unit's `restrict`)."""
    return visible_to(user, Unit.objects.all(), action)


def unit_ids(user, action: Action | str = Action.READ) -> set[int] | None:
    """The ids of the units the user may `action`; None for every unit."""
    r = rights(user)
    return None if r.is_admin else set(r.unit_ids(Action(action)))


# --- Querysets narrowed by the policy (NetBox's restrict(user, action)) ----------------


def restrict(queryset: QuerySet, user, action: Action | str = Action.READ) -> QuerySet:
    """Narrow a queryset to the rows the user may `action`.

    The model names the lookup from itself to the unit that decides its
    access (`access_unit_lookup`, e.g. "plan__unit"), and may widen reading
    with `access_read_also(rights) -> Q` (an item's goals and indicators read
    from below, items shared to the user's units), the queryset form of
    what `can` answers for one object."""
    action = Action(action)
    r = rights(user)
    if r.is_admin:
        return queryset
    model = queryset.model
    condition = ids_in(model.access_unit_lookup, r.unit_ids(action))
    widen = getattr(model, "access_read_also", None)
    if action == Action.READ and widen is not None:
        condition |= widen(r)
    return queryset.filter(condition)


class RestrictedQuerySet(QuerySet):
    """`Model.objects.restrict(user, action)` for models with an
    `access_unit_lookup`."""

    def restrict(self, user, action: Action | str = Action.READ) -> QuerySet:
        return restrict(self, user, action)


# --- The organisation ------------------------------------------------------------------


def organisation_ids(user) -> set[int] | None:
    """The organisations (root units) whose styrmodell and årshjul the user
    reads: those they hold a grant in. None for every organisation."""
    r = rights(user)
    return None if r.is_admin else set(r.organisations)


def reads_organisation(user, organisation: Unit) -> bool:
    ids = organisation_ids(user)
    return ids is None or organisation.pk in ids


# --- Reporting -------------------------------------------------------------------------


def reports_only_assigned(user, unit: Unit) -> bool:
    """The Rapportör rule: on a unit the user writes only through a
    Rapportör grant, they report only the items assigned to them."""
    r = rights(user)
    return not r.is_admin and unit.pk not in r.writable_fully


def reporters_by_unit(unit_ids) -> dict[int, set[int]]:
    """The Rapportörer of each unit: the users granted the Rapportör role on
    the unit itself. An occasion gives each of them a task of their own with
    the items assigned to them."""
    result: dict[int, set[int]] = defaultdict(set)
    for user_id, unit_id in RoleGrant.objects.filter(
        unit__in=unit_ids, role=Role.REPORTER
    ).values_list("user_id", "unit_id"):
        result[unit_id].add(user_id)
    return dict(result)


def may_report(user, unit: Unit, item) -> bool:
    """Whether the user reports `item` for `unit`: write access to the unit,
    and as Rapportör only on the items whose responsible they are."""
    if not can_write(user, unit):
        return False
    if not reports_only_assigned(user, unit):
        return True
    return item.responsible_id is not None and item.responsible_id == getattr(user, "pk", None)


def may_assign_responsible(user, unit: Unit) -> bool:
    """Who chooses an item's Ansvarig: the unit's writers, except one who
    writes there only as Rapportör. A Rapportör reports the items assigned to
    them (`may_report`); naming themselves would undo that rule."""
    return can_write(user, unit) and not reports_only_assigned(user, unit)


def responsible_candidates(unit: Unit) -> QuerySet[User]:
    """Who may be Ansvarig for an item of `unit`: the active users holding a
    Modellägare, Chef or Rapportör grant on the unit itself, or on a unit
    above it with the units below included. Read-only roles, people of other
    organisations and administrators of the installation are not offered.
    The "Ansvarig" choosers (the item form) and the plan import ask this."""
    above = list(Unit.objects.ancestors(unit).values_list("pk", flat=True))
    grants = RoleGrant.objects.filter(role__in=RESPONSIBLE_ROLES).filter(
        Q(unit=unit) | Q(unit__in=above, includes_subtree=True)
    )
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id"))


def organisation_people(organisation: Unit) -> QuerySet[User]:
    """Who may own an event in the organisation's year wheel: the active users
    holding a Modellägare, Chef or Rapportör grant on a unit of the
    organisation (the same roles as responsible_candidates)."""
    units = Unit.objects.descendants(organisation, include_self=True)
    grants = RoleGrant.objects.filter(role__in=RESPONSIBLE_ROLES, unit__in=units)
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id"))


def may_mark_done(user, task) -> bool:
    """Klarmarkera: the unit's writers mark its tasks done; a task assigned
    to a Rapportör also its Rapportör, and not another Rapportör."""
    if not can_write(user, task.unit):
        return False
    if not task.reporter_id or task.reporter_id == getattr(user, "pk", None):
        return True
    return not reports_only_assigned(user, task.unit)


def may_change_task(user, task) -> bool:
    """Whether the user may change what a reporting task holds (its reports,
    outcomes and the follow-up of earlier measures): write access to the
    unit, and the task not klarmarkerad – klarmarkering is undone first.
    (Whether the deadline has passed is followup.services.is_locked.)"""
    return task.done_at is None and can_write(user, task.unit)


def may_review(user, task) -> bool:
    """Granskning: approve or send back a unit's klarmarkerad task. A Chef or
    Modellägare on a unit above it whose grant includes the units below (and
    a Systemadministratör); never the unit's own managers, who mark it done.
    Whether the task waits for review is followup.review.review_state."""
    return can(user, Action.REVIEW, task.unit)


def reviewers(unit_ids) -> dict[int, set[int]]:
    """Unit id → the active users reminded of the unit's tasks waiting for
    review: of those who may review them (may_review), the ones on the
    nearest unit above that has any. A unit missing from the answer has no
    one above to review its tasks."""
    grants: dict[int, set[int]] = defaultdict(set)
    for user_id, unit_id in RoleGrant.objects.filter(
        role__in=RECEIVING_ROLES, includes_subtree=True, user__is_active=True
    ).values_list("user_id", "unit_id"):
        grants[unit_id].add(user_id)
    if not grants:
        return {}
    _children, parents, _governing = _tree_maps()
    result: dict[int, set[int]] = {}
    for unit_id in set(unit_ids):
        node, seen = parents.get(unit_id), set()
        while node is not None and node not in seen:
            seen.add(node)
            if grants.get(node):
                result[unit_id] = set(grants[node])
                break
            node = parents.get(node)
    return result


# Who receives a unit's tasks without a Rapportör in Mina uppgifter: these
# roles granted on the unit itself (my_tasks_filter, task_receivers).
RECEIVING_ROLES = frozenset({Role.MANAGER, Role.MODEL_OWNER})


def my_tasks_filter(user) -> Q:
    """ "My tasks", as a filter on reporting tasks: the tasks of the units
    where the user holds Chef or Modellägare on the unit itself, and the
    Rapportör tasks assigned to them on units they read. One filter for the
    start page, Mina uppgifter and the calendar feed."""
    if getattr(user, "pk", None) is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    r = rights(user)
    own = [unit_id for unit_id, roles in r.roles_by_unit.items() if roles & RECEIVING_ROLES]
    assigned = Q(reporter=user)
    if not r.is_admin:
        assigned &= ids_in("unit_id", r.readable)
    return ids_in("unit_id", own) & Q(reporter__isnull=True) | assigned


def may_have_tasks(user) -> bool:
    """Whether anything can reach the user's Mina uppgifter (my_tasks_filter):
    a Chef or Modellägare on a unit itself, a Rapportör or a
    Systemadministratör. A Läsare (a politician, a revisor) never reports."""
    r = rights(user)
    return r.is_admin or any(
        roles & RECEIVING_ROLES or Role.REPORTER in roles for roles in r.roles_by_unit.values()
    )


def task_receivers(unit_ids) -> dict[int, set[int]]:
    """Unit id → the active users whose Mina uppgifter hold the unit's tasks
    (the rule of my_tasks_filter for a unit's task without a Rapportör):
    Chef or Modellägare granted on the unit itself. A unit missing from the
    answer has a task nobody receives."""
    result: dict[int, set[int]] = defaultdict(set)
    for user_id, unit_id in RoleGrant.objects.filter(
        unit__in=unit_ids, role__in=RECEIVING_ROLES, user__is_active=True
    ).values_list("user_id", "unit_id"):
        result[unit_id].add(user_id)
    return dict(result)


def units_read_by(user_ids) -> dict[int, set[int] | None]:
    """User id → the units each active user reads through their grants (the
    unit of a grant, with its subtree when the grant includes it; None for
    a Systemadministratör), for many users in two queries: whether the
    person responsible for an item still reaches its unit. Inactive users
    and users without grants are missing from the answer."""
    grants = list(
        RoleGrant.objects.filter(user__in=user_ids, user__is_active=True).values_list(
            "user_id", "unit_id", "role", "includes_subtree"
        )
    )
    result: dict[int, set[int] | None] = {}
    if not grants:
        return result
    children, _parents, _governing = _tree_maps()
    for user_id, unit_id, role, includes_subtree in grants:
        if role == Role.ADMIN:
            result[user_id] = None
            continue
        if user_id in result and result[user_id] is None:
            continue
        scope = _subtree(children, unit_id) if includes_subtree else {unit_id}
        result.setdefault(user_id, set()).update(scope)
    return result


def readable_below(user, unit_ids) -> set[int]:
    """The units the user reads through a grant below `unit_ids` (the units
    themselves left out), from the part of the tree their rights were read
    with (none for a Systemadministratör, whose rights read no tree)."""
    r = rights(user)
    below: set[int] = set()
    for unit_id in unit_ids:
        below |= _subtree(r.children, unit_id) - {unit_id}
    return below & r.readable


def nearest_below(user, unit_id: int, having) -> set[int]:
    """The units of `having` the user reads below `unit_id`, the first met
    going down each branch: none of `having` stands between them and the
    unit (the start page shows the goals of the units nearest below a unit
    whose own plans have none)."""
    r = rights(user)
    found: set[int] = set()
    stack = list(r.children.get(unit_id, ()))
    while stack:
        node = stack.pop()
        if node not in r.readable:
            continue
        if node in having:
            found.add(node)
        else:
            stack.extend(r.children.get(node, ()))
    return found


def held_unit_ids(user, roles) -> set[int]:
    """The units where the user holds one of `roles` on the unit itself
    (the start page's goals: a Chef's and a Läsare's own units)."""
    r = rights(user)
    return {unit_id for unit_id, held in r.roles_by_unit.items() if held & set(roles)}


# --- The occasion overview -------------------------------------------------------------


def overview_unit_ids(user) -> set[int] | None:
    """The units whose tasks the user follows in an occasion's overview: a
    Modellägare the units they manage, a Chef whose grant reaches units
    below the units of that part of the tree. None for every unit."""
    return unit_ids(user, Action.FOLLOW)


# --- The economy -----------------------------------------------------------------------


def may_manage_economy(user, organisation: Unit) -> bool:
    """Import the ledger's SIE files and map ansvar to units for an
    organisation (its root unit): its Modellägare and Systemadministratörer.
    A unit's economy is read by whoever reads the unit (`can_read`)."""
    return organisation.parent_id is None and can_manage(user, organisation)


def economy_organisations(user) -> QuerySet[Unit]:
    """The organisations whose economy the user manages."""
    return units(user, Action.MANAGE).filter(parent__isnull=True)


# --- Publishing ------------------------------------------------------------------------


def may_publish(user, organisation: Unit) -> bool:
    """Publish an organisation's follow-up results (a snapshot, public to
    everyone) and choose the licence of its open data: its Modellägare and
    Systemadministratörer, who manage its root unit."""
    return organisation.parent_id is None and can_manage(user, organisation)


def reads_published(user, snapshot) -> bool:
    """A published snapshot, its documents and its open data are read by
    anyone, logged in or not: publishing is the decision to show them."""
    return snapshot is not None and snapshot.pk is not None
