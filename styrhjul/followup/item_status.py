"""The latest reported status of items for the planning pages (the plan, the
item page with its red thread, the goal tree), plugged into
planning.status (registered in apps.py).

"Latest" is the most recent occasion, by the end of its period, where the
unit gave the item its main answer: the read model's rule
(readmodel.state), so a started report (Påbörjad, without its main answer)
does not replace an earlier reported one. Only the reports of units the
viewer reads (access.unit_ids) are shown."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, F, When

from styrhjul.charts.numbers import common_decimals, format_value
from styrhjul.core.lookups import ids_in
from styrhjul.model.models import ItemKind, load_assessment_rules
from styrhjul.organisation import access
from styrhjul.planning.models import Item
from styrhjul.planning.status import ItemStatus

from .models import FollowUpOccasion
from .readmodel import (
    ITEM_FIELDS,
    PLAN_TYPE_FIELDS,
    REPORTED,
    STATE_LABELS,
    ItemFacts,
    PlanTypeFacts,
    answers,
    state,
)


def latest(
    user, pairs: list[tuple[int, int]], comment_chars: int | None = None
) -> dict[tuple[int, int], ItemStatus]:
    """(unit id, item pk) → what the unit last reported on the item, for the
    pairs whose unit the user reads. Five queries at most, however many
    pairs and occasions: the items (with what the rule reads of their plan
    types), the assessment rules of the plan types (with goals at a level),
    the occasions, the reports (with the scale value chosen) and the
    indicators' outcomes. `comment_chars` (planning.status.latest): the
    comment whole (None), none (0) or its first characters, cut in the
    database so that texts not shown are not loaded."""
    readable = access.unit_ids(user, access.Action.READ)
    if readable is not None:
        pairs = [p for p in pairs if p[0] in readable]
    if not pairs:
        return {}
    items: dict[int, ItemFacts] = {}
    plan_type_of: dict[int, PlanTypeFacts] = {}
    model_of: dict[int, int] = {}
    indicator_of: dict[int, tuple] = {}  # an indicator's measure unit, baseline and target
    plan_types: dict[int, PlanTypeFacts] = {}
    n = len(ITEM_FIELDS) + 1  # and an indicator's series (answers() reads no other's)
    m = n + len(PLAN_TYPE_FIELDS)
    for row in (
        Item.objects.filter(ids_in("pk", {pk for _, pk in pairs}))
        .annotate(indicator_series=Case(When(kind=ItemKind.INDICATOR, then=F("series"))))
        .order_by()  # the order is the pairs'; sorting thousands of rows is wasted
        .values_list(
            *ITEM_FIELDS,
            "indicator_series",
            *(f"plan__plan_type__{name}" for name in PLAN_TYPE_FIELDS),
            "plan__plan_type__model_id",
            "measure_unit",
            "baseline_value",
            "target_value",
        )
    ):
        facts = ItemFacts(*row[:n])
        items[facts.pk] = facts
        plan_type = plan_types.get(row[n])
        if plan_type is None:
            plan_type = plan_types[row[n]] = PlanTypeFacts(*row[n:m])
        plan_type_of[facts.pk] = plan_type
        model_of[facts.pk] = row[m]
        indicator_of[facts.pk] = row[m + 1 :]
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
        shown=True,
    )
    # Each model's occasions, the latest first: an item is reported in its own year.
    of_model: dict[int, list[FollowUpOccasion]] = defaultdict(list)
    for occasion in occasions:
        of_model[occasion.model_id].append(occasion)
    report_of, value_of = found.reports.get, found.values.get
    with_comment = comment_chars != 0
    reported = str(STATE_LABELS[REPORTED])  # the label without a scale value, translated once
    titles = {o.pk: o.title for o in occasions}
    latest_found = {}
    for unit_id, pk in pairs:
        item = items.get(pk)
        if item is None:
            continue
        plan_type = plan_type_of[pk]
        for occasion in of_model[model_of[pk]]:
            key = (occasion.pk, unit_id, pk)
            report = report_of(key)
            value = value_of(key)
            if report is None and value is None:
                continue  # nothing entered: not reported, whatever the rule's details
            if state(item, plan_type, report, value, unit_id) == REPORTED:
                latest_found[unit_id, pk] = _status(
                    titles[occasion.pk], report, value, indicator_of[pk], with_comment, reported
                )
                break
    return latest_found


def _status(
    occasion: str, report, value, indicator: tuple, with_comment: bool, reported: str
) -> ItemStatus:
    """`occasion`: the occasion's title; `report` and `value` as
    readmodel.ReportFacts (answers(shown=True): the day it was saved and the
    scale value chosen) and ValueFacts; `indicator`: its measure unit,
    baseline and target (the values its precision is read from, as the
    in_precision filter does); `reported`: the label without a scale value."""
    measure_unit, baseline, target = indicator
    if report is None:
        label, symbol, colour, completion, comment, reported_on = reported, "", "", None, "", None
    else:
        chosen = report.label is not None
        label = report.label if chosen else reported
        symbol = report.symbol if chosen else ""
        colour = report.colour if chosen else ""
        completion = report.completion
        comment = (report.comment.strip() or report.analysis.strip()) if with_comment else ""
        reported_on = report.updated_at
    return ItemStatus(
        label=label,
        symbol=symbol,
        colour=colour,
        completion=completion,
        comment=comment,
        outcome=(
            format_value(
                value.value, measure_unit, common_decimals([baseline, target, value.value])
            )
            if value is not None and value.value is not None
            else ""
        ),
        occasion=occasion,
        reported_on=reported_on,
    )
