"""The facts beside the text box: for a task's indicators their outcomes,
targets and suggested assessment; for its goals the indicators that follow
them up (trend, target, latest value, gender split, comparisons). A fixed
number of queries for a whole task page."""

from __future__ import annotations

from styrhjul.core.lookups import ids_in
from styrhjul.model.models import ItemKind
from styrhjul.planning.models import Item, ItemLink
from styrhjul.planning.queries import visible_items

from . import charts
from .aggregate import computed_values
from .series import indicator_data


def attach_task_facts(user, task, entries: dict) -> None:
    """Set entry.facts on the task's indicators (the task's unit's values)
    and entry.goal_facts on its goals (their readable indicators)."""
    goals = [pk for pk, e in entries.items() if e.item.kind == ItemKind.GOAL]
    indicators = {pk: e.item for pk, e in entries.items() if e.item.kind == ItemKind.INDICATOR}
    links: list[tuple[int, int]] = []
    if goals:
        links = list(
            ItemLink.objects.filter(
                ids_in("target_id", goals),
                item__kind=ItemKind.INDICATOR,
                item__archived_at__isnull=True,
            ).values_list("target_id", "item_id")
        )
    others = {i for _g, i in links} - set(indicators)
    items = dict(indicators)
    if others:
        items.update(
            (i.pk, i)
            for i in visible_items(user, Item.objects.filter(pk__in=others)).select_related(
                "plan__unit", "plan__plan_type__model"
            )
        )
    if not items:
        return
    # The task's own indicators are read for the task's unit; the others (e.g.
    # the council's indicator of a council goal) for the unit that owns them.
    units = {pk: task.unit for pk in indicators}
    year = task.occasion.year
    # The task page has read its indicators' values for the task's unit.
    known = {
        (e.item.series, task.unit_id): e.series_values
        for pk, e in entries.items()
        if pk in indicators and e.series_values is not None
    }
    data = indicator_data(list(items.values()), units, last_year=year, known=known)
    for facts in data.values():
        facts.as_of = task.occasion.period_end
    computed = computed_values(list(indicators.values()), task.unit, year)
    for pk in indicators:
        entries[pk].facts = data[pk]
        entries[pk].computed = computed.get(pk)
        entries[pk].breakdowns = charts.breakdowns(data[pk], f"uppgift-{task.pk}-{pk}")
    for goal_id, item_id in links:
        if item_id in data:
            facts = data[item_id]
            entries[goal_id].goal_facts.append((facts, facts.brief(year)))
