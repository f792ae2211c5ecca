"""Reads for the planning pages. Every function runs a fixed number of
queries whatever the number of items, units or links."""

from __future__ import annotations

import datetime
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from styrhjul.core.lookups import ids_in
from styrhjul.model.models import GovernanceModel, ItemKind, PlanType, Vision
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import status as item_status
from .models import Item, ItemLink, ItemShare, Plan
from .numbering import plan_key
from .services import ancestor_ids, descendant_ids

ITEM_RELATED = ("perspective", "level", "responsible", "plan__unit", "plan__plan_type")


def visible_items(user, queryset: QuerySet | None = None) -> QuerySet[Item]:
    """Items the user may read (Item.objects.restrict: the same rule as
    access.can): owned by a unit they read, shared to one, or goals and
    indicators their units work towards."""
    qs = Item.objects.all() if queryset is None else queryset
    return qs.restrict(user, access.Action.READ)


def organisation_of(unit: Unit) -> Unit:
    """The root of the unit's tree: the organisation whose model applies."""
    if unit.parent_id is None:
        return unit
    return Unit.objects.with_tree_fields().ancestors(unit).order_by("tree_depth").first()


def organisation_id_of(unit: Unit) -> int:
    """The id of the unit's organisation (the root of its tree); no query for
    a root or a unit read with its tree fields."""
    if unit.parent_id is None:
        return unit.pk
    path = getattr(unit, "tree_path", None)
    if path:
        return int(path[0])
    return organisation_of(unit).pk


def model_for(unit: Unit, year: int) -> GovernanceModel | None:
    return GovernanceModel.objects.filter(organisation=organisation_of(unit), year=year).first()


def vision_for_year(organisation: Unit | int, year: int) -> Vision | None:
    return (
        Vision.objects.filter(unit=organisation, valid_from_year__lte=year)
        .order_by("-valid_from_year")
        .first()
    )


# --- A unit's plans for a year -------------------------------------------------


@dataclass
class PlanSummary:
    plan_type: PlanType
    plan: Plan | None
    own: int = 0
    shared: int = 0


def unit_plans(user, unit: Unit, year: int) -> tuple[GovernanceModel | None, list[PlanSummary]]:
    model = model_for(unit, year)
    if model is None:
        return None, []
    plan_types = list(model.plan_types.all())
    plans = {p.plan_type_id: p for p in Plan.objects.filter(unit=unit, plan_type__model=model)}
    own = defaultdict(int)
    for plan_type_id in (
        Item.objects.active()
        .filter(plan__unit=unit, plan__plan_type__model=model)
        .values_list("plan__plan_type_id", flat=True)
    ):
        own[plan_type_id] += 1
    shared = defaultdict(int)
    for plan_type_id in ItemShare.objects.filter(
        unit=unit,
        ended_at__isnull=True,
        plan__plan_type__model=model,
        item__archived_at__isnull=True,
    ).values_list("plan__plan_type_id", flat=True):
        shared[plan_type_id] += 1
    return model, [
        PlanSummary(pt, plans.get(pt.pk), own[pt.pk], shared[pt.pk]) for pt in plan_types
    ]


# --- The plan page -----------------------------------------------------------------


@dataclass(slots=True)
class ItemRow:
    """An item as the plan page and the red thread show it: plain values, no
    model instance with its plan, unit and level (GoalRow's way, for the
    plan's items and the thread's). `description` is read only to filter
    by text."""

    pk: int
    plan_id: int
    kind: str
    number: str
    title: str
    order: int
    version: int
    archived_at: object
    end_date: object
    level_id: int | None
    level_name: str | None
    level_order: int | None
    perspective_id: int | None
    unit_id: int
    unit_name: str
    description: str = ""


ITEM_ROW_FIELDS = (
    "pk",
    "plan_id",
    "kind",
    "number",
    "title",
    "order",
    "version",
    "archived_at",
    "end_date",
    "level_id",
    "level__name",
    "level__order",
    "perspective_id",
    "plan__unit_id",
    "plan__unit__name",
)


@dataclass(frozen=True, slots=True)
class UnitName:
    """The unit an item is shared from, as the tree names it."""

    pk: int
    name: str


@dataclass
class Node:
    item: Item | ItemRow | GoalRow
    shared_from: Unit | UnitName | None = None
    children: list[Node] = field(default_factory=list)
    also: list[Item] = field(default_factory=list)  # further items it contributes to
    status: item_status.ItemStatus | None = None  # the latest reported (planning.status)


@dataclass
class PerspectiveGroup:
    name: str
    nodes: list[Node]


@dataclass
class PlanPage:
    plan: Plan
    groups: list[PerspectiveGroup]
    count: int
    kinds: list[tuple[str, str]]
    perspectives: list


def plan_page(
    user,
    plan: Plan,
    *,
    kind: str = "",
    perspective: str = "",
    text: str = "",
    archived: bool = False,
) -> PlanPage:
    """The plan's own items and the items shared to its unit, as a tree:
    perspective → goal → what contributes to it."""
    model = plan.plan_type.model
    own = Item.objects.filter(plan=plan)
    own = own if archived else own.active()
    shared_ids = ItemShare.objects.filter(
        plan=plan, ended_at__isnull=True, item__archived_at__isnull=True
    ).values("item_id")
    # Two halves of a UNION ALL, each through its own index (the plan's items,
    # the shares into the plan), not an OR that reads every year's items. An
    # item is shared only to units below its own, so the halves never overlap.
    # The fields the tree shows, as plain values (ItemRow).
    shared = Item.objects.filter(pk__in=shared_ids)
    fields = (*ITEM_ROW_FIELDS, "description") if text.strip() else ITEM_ROW_FIELDS
    rows = (
        own.values_list(*fields)
        .order_by()
        .union(shared.values_list(*fields).order_by(), all=True)
        .order_by("order", "number", "pk")
    )
    by_id = {row[0]: ItemRow(*row) for row in rows}
    items = list(by_id.values())
    perspectives = list(model.perspectives.all())
    matching = _matching(items, kind, perspective, text)
    # The links among the plan's items, by the items' ids (one array, not a
    # placeholder per id); a link to an item not in the plan is left out here.
    links = ItemLink.objects.filter(ids_in("item_id", by_id)).values_list("item_id", "target_id")
    parents = defaultdict(list)
    for item_id, target_id in links:
        if target_id in by_id:
            parents[item_id].append(target_id)

    # Keep matching items and the items above them in the plan, for context.
    keep = set(matching)
    stack = list(matching)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in keep:
                keep.add(parent)
                stack.append(parent)

    nodes = {
        pk: Node(item, UnitName(item.unit_id, item.unit_name) if item.plan_id != plan.pk else None)
        for pk, item in by_id.items()
        if pk in keep
    }
    # The plan's unit reports its own items and the items shared to it.
    statuses = item_status.latest(
        user,
        [(plan.unit_id, pk) for pk in nodes],
        comment_chars=item_status.TREE_COMMENT_CHARS + 1,
    )
    for pk, node in nodes.items():
        node.status = statuses.get((plan.unit_id, pk))
    roots = []
    for pk, node in nodes.items():
        placed = False
        for parent in parents.get(pk, ()):
            if parent in nodes:
                nodes[parent].children.append(node)
                placed = True
        if not placed:
            roots.append(node)
    order = {p.pk: i for i, p in enumerate(perspectives)}
    groups: dict[int | None, list[Node]] = defaultdict(list)
    for node in roots:
        groups[node.item.perspective_id].append(node)
    kind_order = {k: i for i, k in enumerate(ItemKind.values)}

    def sort(nodes_: list[Node]) -> None:
        nodes_.sort(
            key=lambda n: (
                kind_order[n.item.kind],
                n.item.level_order if n.item.level_id is not None else 0,
                *plan_key(n.item),
            )
        )
        for n in nodes_:
            sort(n.children)

    result = []
    for key in sorted(groups, key=lambda k: (k is None, order.get(k, 0))):
        sort(groups[key])
        name = next((p.name for p in perspectives if p.pk == key), None)
        other = _("Övriga poster") if len(groups) > 1 else _("Poster")
        result.append(PerspectiveGroup(name or other, groups[key]))
    kinds = [(k, str(label)) for k, label in ItemKind.choices if k in plan.plan_type.item_kinds]
    return PlanPage(plan, result, len(matching), kinds, perspectives)


def _matching(items: list[ItemRow], kind: str, perspective: str, text: str) -> list[int]:
    text = text.strip().lower()
    result = []
    for item in items:
        if kind and item.kind != kind:
            continue
        if perspective and str(item.perspective_id) != perspective:
            continue
        if text and text not in f"{item.number} {item.title} {item.description}".lower():
            continue
        result.append(item.pk)
    return result


# --- The item page: röda tråden ------------------------------------------------------


@dataclass
class Thread:
    item: Item
    vision: Vision | None
    up: list[Node]  # roots at the top, each path down to the item
    down: list[Node]  # what contributes to the item, as a tree
    hidden_below: int  # contributors in units the user may not read
    shares: list[ItemShare]
    status: item_status.ItemStatus | None = None  # what the item's unit last reported


def item_thread(user, item: Item) -> Thread:
    up_ids = ancestor_ids([item.pk]) - {item.pk}
    down_ids = descendant_ids([item.pk]) - {item.pk}
    # The thread's items and the item itself as plain values (ItemRow).
    related = Item.objects.filter(ids_in("pk", up_ids | down_ids | {item.pk}))
    by_id = {row[0]: ItemRow(*row) for row in related.values_list(*ITEM_ROW_FIELDS)}
    readable_down = set(
        visible_items(user, Item.objects.filter(ids_in("pk", down_ids))).values_list(
            "pk", flat=True
        )
    )
    links = ItemLink.objects.filter(ids_in("item_id", by_id)).values_list("item_id", "target_id")
    parents, children = defaultdict(list), defaultdict(list)
    for child, parent in links:
        if parent in by_id:
            parents[child].append(parent)
            children[parent].append(child)

    # What each item's unit last reported on it.
    statuses = item_status.latest(user, [(i.unit_id, pk) for pk, i in by_id.items()])

    def status_of(pk: int):
        return statuses.get((by_id[pk].unit_id, pk))

    # Upwards: render from the top goals down to the item.
    def up_tree(pk: int) -> Node:
        node = Node(by_id[pk], status=status_of(pk))
        node.children = [up_tree(c) for c in children[pk] if c in up_ids or c == item.pk]
        return node

    tops = [pk for pk in up_ids if not any(p in up_ids for p in parents[pk])]
    up = [up_tree(pk) for pk in sorted(tops, key=lambda pk: _level_key(by_id[pk]))]

    seen: set[int] = set()

    def down_tree(pk: int) -> Node:
        node = Node(by_id[pk], status=status_of(pk))
        seen.add(pk)
        node.children = [
            down_tree(c)
            for c in sorted(children[pk], key=lambda c: _level_key(by_id[c]))
            if c in readable_down and c not in seen
        ]
        return node

    down = down_tree(item.pk).children
    shares = list(item.shares.select_related("unit").order_by("unit__name"))
    # No query when the item's unit was read with its tree fields (views.item).
    organisation = organisation_id_of(item.plan.unit)
    return Thread(
        item,
        vision_for_year(organisation, item.plan.year),
        up,
        down,
        len(down_ids - readable_down),
        shares,
        status_of(item.pk),
    )


def _level_key(item: ItemRow):
    return (
        item.level_order if item.level_id is not None else 99,
        item.unit_name,
        item.number,
        item.title,
    )


# --- The municipality's goal tree -------------------------------------------------------


@dataclass(slots=True)
class GoalRow:
    """A goal as the goal tree shows it: plain values, no model instance, so
    thousands of goals render fast."""

    pk: int
    number: str
    title: str
    level_name: str
    unit_name: str
    archived_at: object
    end_date: object
    unit_id: int
    kind: str = ItemKind.GOAL


def goal_tree(user, organisation: Unit, year: int) -> tuple[Vision | None, list[Node], int]:
    year_goals = Item.objects.active().filter(
        kind=ItemKind.GOAL,
        plan__plan_type__model__organisation=organisation,
        plan__plan_type__model__year=year,
    )
    # The goals the user reads, with the goals their units' items contribute
    # to (the red thread up to the council's goals).
    visible = visible_items(user, year_goals)
    goals = [
        GoalRow(*row)
        for row in visible.order_by("level__order", "number", "title").values_list(
            "pk",
            "number",
            "title",
            "level__name",
            "plan__unit__name",
            "archived_at",
            "end_date",
            "plan__unit_id",
        )
    ]
    by_id = {g.pk: g for g in goals}
    parents = defaultdict(list)
    children = defaultdict(list)
    # The links of the goals shown, by their ids (one index probe per goal,
    # not the year's goals found a second time through their plans); a
    # link to anything but a goal shown is left out, not by a join on the
    # targets. Children and parents in the tree's order (the goals' order
    # above), whatever order the database returns the links in.
    position = {g.pk: i for i, g in enumerate(goals)}
    links = ItemLink.objects.filter(ids_in("item_id", position)).values_list("item_id", "target_id")
    for child, parent in sorted(
        (link for link in links if link[1] in position),
        key=lambda link: (position[link[0]], position[link[1]]),
    ):
        parents[child].append(parent)
        children[parent].append(child)

    # Each goal is placed once, under its first parent in the tree's order;
    # goals with more parents say so ("bidrar även till …"). The tree shows
    # each goal's assessment without its comment (docs/uppfoljning.md).
    statuses = item_status.latest(user, [(g.unit_id, g.pk) for g in goals], comment_chars=0)
    nodes = {pk: Node(goal, status=statuses.get((goal.unit_id, pk))) for pk, goal in by_id.items()}
    placed_under: dict[int, int] = {}
    roots = [nodes[g.pk] for g in goals if not parents[g.pk]]
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        for child in children[node.item.pk]:
            if child not in placed_under:
                placed_under[child] = node.item.pk
                node.children.append(nodes[child])
                queue.append(nodes[child])
    for pk, node in nodes.items():
        if len(parents[pk]) > 1:
            node.also = [by_id[p] for p in parents[pk] if p != placed_under.get(pk)]
    return vision_for_year(organisation, year), roots, len(goals)


@dataclass
class CopySummary:
    """What "Kopiera till nästa år" brings along, for the confirmation page."""

    plans: int
    items: int
    links: int
    shares: int
    left_out: list[Unit]
    left_out_plans: int


def copy_summary(model: GovernanceModel) -> CopySummary:
    """Counts of what model_copy_to_next_year copies, and the units left out
    because they are closed before the next year begins."""
    first, last = datetime.date(model.year + 1, 1, 1), datetime.date(model.year + 1, 12, 31)
    closed = Q(unit__valid_from__gt=last) | Q(unit__valid_to__lt=first)
    plans = Plan.objects.filter(plan_type__model=model)
    kept = plans.exclude(closed)
    left_out = list(plans.filter(closed).select_related("unit").order_by("unit__name"))
    items = Item.objects.active().filter(plan__in=kept)
    left_out_units = {plan.unit.pk: plan.unit for plan in left_out}
    return CopySummary(
        plans=kept.count(),
        items=items.count(),
        links=ItemLink.objects.filter(item__in=items, target__in=items).count(),
        shares=ItemShare.objects.filter(
            item__in=items, ended_at__isnull=True, plan__in=kept
        ).count(),
        left_out=list(left_out_units.values()),
        left_out_plans=len(left_out),
    )
