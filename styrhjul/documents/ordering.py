"""The order of items from several plans in one document.

Each plan's items stay together in the plan's own order
(planning.numbering.plan_key); the plans come in the organisation's order
of their units (followup.underlag.organisation_order: depth first through
the tree), a unit's plans in the order of their plan types. Two plans whose
goals are both numbered "1." therefore never interleave or collide. A
document about a unit puts the unit's own items (its own and those shared
to it) before other units' (own_first), for goals and activities alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from styrhjul.followup.underlag import organisation_order
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item
from styrhjul.planning.numbering import plan_key


def unit_places(unit_ids: Iterable[int]) -> dict[int, tuple]:
    """Each unit's place in the organisation (organisation_order), by id: one
    query, however many units."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    return {u.pk: organisation_order(u) for u in Unit.objects.with_tree_fields().filter(pk__in=ids)}


def plans_first(items: Iterable[Item]) -> Callable[[Item], tuple]:
    """A sort key for `items` (read with plan__unit and plan__plan_type): the
    plan's place (its unit's place in the organisation, then its plan type's
    order), then the plan's own order. One query for the units' places."""
    places = unit_places(item.plan.unit_id for item in items)

    def key(item: Item) -> tuple:
        plan = item.plan
        return (
            places.get(plan.unit_id, ((), plan.unit_id)),
            plan.plan_type.order,
            plan.plan_type_id,
            plan.pk,
            *plan_key(item),
        )

    return key


def own_first(items: Iterable[Item], own: Callable[[Item], bool]) -> Callable[[Item], tuple]:
    """A sort key for `items` in a document about a unit: the unit's own
    items (`own`) before other units', each part in plans_first's order.
    One query for the units' places."""
    in_plans = plans_first(items)

    def key(item: Item) -> tuple:
        return (not own(item), in_plans(item))

    return key
