"""The latest reported status of items for the planning pages (the plan, the
item page with its red thread, the goal tree), plugged into
planning.status (registered in apps.py).

"Latest" is the most recent occasion, by the end of its period, where the
unit gave the item its main answer: the read model's rule
(readmodel.state), so a started report (Påbörjad, without its main answer)
does not replace an earlier reported one. Only the reports of units the
viewer reads (access.unit_ids) are shown."""

from __future__ import annotations

from django.utils import timezone

from styrhjul.charts.numbers import common_decimals, format_value
from styrhjul.core.lookups import ids_in
from styrhjul.model.models import ItemKind, PlanType, ScaleValue, load_assessment_rules
from styrhjul.organisation import access
from styrhjul.planning.models import Item
from styrhjul.planning.status import ItemStatus

from .models import FollowUpOccasion
from .readmodel import ITEM_FIELDS, REPORTED, STATE_LABELS, ItemFacts, answers, state


def latest(
    user, pairs: list[tuple[int, int]], comment_chars: int | None = None
) -> dict[tuple[int, int], ItemStatus]:
    """(unit id, item pk) → what the unit last reported on the item, for the
    pairs whose unit the user reads. Eight queries at most, however many
    pairs and occasions. `comment_chars` (planning.status.latest): the
    comment whole (None), none (0) or its first characters, cut in the
    database so that texts not shown are not loaded."""
    readable = access.unit_ids(user, access.Action.READ)
    if readable is not None:
        pairs = [p for p in pairs if p[0] in readable]
    if not pairs:
        return {}
    items: dict[int, ItemFacts] = {}
    plan_type_of: dict[int, int] = {}
    model_of: dict[int, int] = {}
    indicator_of: dict[int, tuple] = {}  # an indicator's measure unit, baseline and target
    n = len(ITEM_FIELDS)  # answers() reads the series of the indicators itself
    for row in (
        Item.objects.filter(ids_in("pk", {pk for _, pk in pairs}))
        .order_by()  # the order is the pairs'; sorting thousands of rows is wasted
        .values_list(
            *ITEM_FIELDS,
            "plan__plan_type_id",
            "plan__plan_type__model_id",
            "measure_unit",
            "baseline_value",
            "target_value",
        )
    ):
        facts = ItemFacts(*row[:n])
        items[facts.pk] = facts
        plan_type_of[facts.pk], model_of[facts.pk] = row[n : n + 2]
        indicator_of[facts.pk] = row[n + 2 :]
    plan_types = PlanType.objects.in_bulk(set(plan_type_of.values()))
    if any(i.kind == ItemKind.GOAL and i.level_id for i in items.values()):
        load_assessment_rules(plan_types.values())  # one query, not one per plan type
    occasions = list(
        FollowUpOccasion.objects.filter(model_id__in=set(model_of.values()))
        .select_related("model")
        .order_by("-period_end", "-pk")
    )
    found = answers(
        occasions,
        sorted({u for u, _ in pairs}),
        items.values(),
        only_items=True,
        light=True,
        texts=comment_chars,
    )
    latest_found = {}
    for unit_id, pk in pairs:
        item = items.get(pk)
        if item is None:
            continue
        plan_type = plan_types[plan_type_of[pk]]
        for occasion in occasions:
            if occasion.model_id != model_of[pk]:
                continue
            report = found.report(occasion.pk, unit_id, pk)
            value = found.value(occasion.pk, unit_id, pk)
            if report is None and value is None:
                continue  # nothing entered: not reported, whatever the rule's details
            if state(item, plan_type, report, value, unit_id) == REPORTED:
                latest_found[unit_id, pk] = (occasion, report, value)
                break
    # The status or assessment chosen in the reports found (a few scale values).
    chosen_ids = {
        r.status_id or r.assessment_id for _o, r, _v in latest_found.values() if r is not None
    }
    scale_values = ScaleValue.objects.in_bulk(chosen_ids - {None})
    here = timezone.get_current_timezone()
    return {
        (unit_id, pk): _status(
            occasion, report, value, indicator_of[pk], scale_values, here, comment_chars != 0
        )
        for (unit_id, pk), (occasion, report, value) in latest_found.items()
    }


def _status(
    occasion: FollowUpOccasion,
    report,
    value,
    indicator: tuple,
    scale_values: dict,
    here,
    with_comment: bool,
) -> ItemStatus:
    """`report` and `value` as readmodel.ReportFacts and ValueFacts;
    `indicator`: its measure unit, baseline and target (the values its
    precision is read from, as the in_precision filter does); `here`: the
    current time zone (timezone.localdate's)."""
    measure_unit, baseline, target = indicator
    chosen = (
        scale_values.get(report.status_id or report.assessment_id) if report is not None else None
    )
    with_comment = with_comment and report is not None
    return ItemStatus(
        label=chosen.label if chosen else str(STATE_LABELS[REPORTED]),
        symbol=chosen.symbol if chosen else "",
        colour=chosen.colour if chosen else "",
        completion=report.completion if report is not None else None,
        comment=(report.comment.strip() or report.analysis.strip()) if with_comment else "",
        outcome=(
            format_value(
                value.value, measure_unit, common_decimals([baseline, target, value.value])
            )
            if value is not None and value.value is not None
            else ""
        ),
        occasion=occasion.title,
        reported_on=(
            timezone.localdate(report.updated_at, here)
            if report is not None and report.updated_at
            else None
        ),
    )
