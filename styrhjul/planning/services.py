"""Everything that changes plans and items: one function per use case, in a
transaction, checking the access policy and writing the audit trail."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_version, save_edited, use_case
from styrhjul.model import services as model_services
from styrhjul.model.models import GoalLevel, GovernanceModel, ItemKind, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType

from . import year_copy
from .models import IndicatorTarget, Item, ItemLink, ItemShare, Plan, normalise_kpi
from .numbering import plan_key

KOLADA_ID = re.compile(r"[A-Z]\d{5}")

# Fields a user edits on an item (the rest is structure: plan, kind, links).
ITEM_FIELDS = (
    "number",
    "title",
    "description",
    "perspective",
    "level",
    "responsible",
    "responsible_text",
    "start_date",
    "end_date",
    "order",
    "measure_unit",
    "direction",
    "source",
    "kolada_kpi",
    "reported_by",
    "periodicity",
    "gender_split",
    "earlier_years",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "near_target_margin",
    "aggregation",
    "area",
    "process_category",
    "process",
    "risk",
    "probability",
    "consequence",
    "control_step",
    "control_method",
    "frequency",
    "risk_handling",
    "risk_handling_reason",
    "given_by",
)


def percent_errors(measure_unit: str, values: dict) -> dict[str, str]:
    """Field → message for each value over 100 of an indicator measured in
    percent (empty when the unit is not "%" or every value is at most 100)."""
    if (measure_unit or "").strip() != "%":
        return {}
    return {
        name: _("Nyckeltalet anges i procent: värdet kan inte vara över 100.")
        for name, value in values.items()
        if value is not None and value > 100
    }


def never_summed(measure_unit: str) -> bool:
    """Percentages and indexes are never summed (a sum of 70 % and 68 % or of
    three index values means nothing), whatever an indicator says."""
    unit = (measure_unit or "").strip().lower()
    return unit in {"%", "procent", "index"} or unit.startswith("index") or unit.endswith("%")


def check_percent(measure_unit: str, values: dict) -> None:
    """Refuse values over 100 for an indicator measured in percent, with the
    message at each value's field."""
    errors = percent_errors(measure_unit, values)
    if errors:
        raise ValidationError(errors)


@use_case
def plan_for(*, actor, unit: Unit, plan_type: PlanType) -> Plan:
    """The unit's plan of this type, created on first use. Two people who
    create it at the same moment both get the one plan: the second insert
    fails on the unique constraint, in its own savepoint, and then reads the
    plan the first one made."""
    access.require(actor, access.Action.WRITE, unit)
    plan = Plan.objects.filter(unit=unit, plan_type=plan_type).first()
    if plan is not None:
        return plan
    if not unit.existed_in(plan_type.model.year):
        raise ValidationError(
            _("%(unit)s finns inte under %(year)s.") % {"unit": unit, "year": plan_type.model.year}
        )
    plan = Plan(unit=unit, plan_type=plan_type)
    set_actor(plan, actor)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        plan = Plan.objects.filter(unit=unit, plan_type=plan_type).first()
        if plan is None:
            raise
    return plan


def _check_item(item: Item) -> None:
    plan_type = item.plan.plan_type
    if not plan_type.holds(item.kind):
        raise ValidationError(
            {
                "kind": _("%(plan_type)s innehåller inte %(kind)s.")
                % {"plan_type": plan_type, "kind": item.get_kind_display().lower()}
            }
        )
    if item.kind != ItemKind.GOAL:
        item.level = None
    model_id = plan_type.model_id
    if item.perspective_id and item.perspective.model_id != model_id:
        raise ValidationError({"perspective": _("Perspektivet hör till ett annat år.")})
    if item.level_id:
        if item.level.model_id != model_id:
            raise ValidationError({"level": _("Målnivån hör till ett annat år.")})
        unit = item.plan.unit
        if not GoalLevel.objects.ownable_by(unit).filter(pk=item.level_id).exists():
            raise ValidationError(
                {
                    "level": _("%(unit_type)s får inte ha mål på nivån %(level)s.")
                    % {"unit_type": item.plan.unit.unit_type, "level": item.level}
                }
            )
    if item.kind == ItemKind.INDICATOR:
        item.kolada_kpi = normalise_kpi(item.kolada_kpi)
        if item.kolada_kpi and not KOLADA_ID.fullmatch(item.kolada_kpi):
            raise ValidationError(
                {"kolada_kpi": _("Ett Kolada-id är en bokstav och fem siffror, t.ex. N15419.")}
            )
        check_percent(
            item.measure_unit,
            {name: getattr(item, name) for name in ("baseline_value", "target_value")},
        )
        if item.source == "kolada" and not item.kolada_kpi:
            raise ValidationError(
                {"kolada_kpi": _("Ange Kolada-id när värdena hämtas från Kolada.")}
            )
    if item.probability or item.consequence:
        scale = plan_type.model.risk_scale
        for name, steps in (
            ("probability", scale.probability_steps),
            ("consequence", scale.consequence_steps),
        ):
            value = getattr(item, name)
            if value is not None and not 1 <= value <= steps:
                raise ValidationError(
                    {
                        name: _(
                            "Ange ett värde från 1 till %(max)d: styrmodellen för %(year)s har "
                            "en riskskala med %(max)d steg."
                        )
                        % {"max": steps, "year": plan_type.model.year}
                    }
                )
    if item.number:
        clash = Item.objects.filter(plan=item.plan, kind=item.kind, number=item.number)
        if item.pk:
            clash = clash.exclude(pk=item.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "number": _(
                        "Nr %(number)s används redan av en annan post av samma typ i planen."
                    )
                    % {"number": item.number}
                }
            )
    # The check constraints are checked by Item.clean in Python already.
    item.full_clean(validate_constraints=False)


@use_case
def item_create(
    *,
    actor,
    plan: Plan,
    kind: str,
    contributes_to: Iterable[Item] = (),
    targets: dict | None = None,
    **fields,
) -> Item:
    access.require(actor, access.Action.WRITE, plan)
    if fields.get("order") is None:
        # A new item goes last in its plan, after those of its kind.
        last = Item.objects.filter(plan=plan, kind=kind).aggregate(last=Max("order"))["last"]
        fields["order"] = (last or 0) + 1
    item = Item(plan=plan, kind=kind, **fields)
    _check_responsible_choice(actor, item, None)
    _check_item(item)
    set_actor(item, actor)
    item.save()
    for target in contributes_to:
        item_link(actor=actor, item=item, target=target)
    if targets is not None:
        _save_targets(actor, item, targets)
    return item


@use_case
def item_add(
    *,
    actor,
    unit: Unit,
    plan_type: PlanType,
    kind: str,
    contributes_to: Iterable[Item] = (),
    targets: dict | None = None,
    **fields,
) -> Item:
    """A new item in the unit's plan of this type, the plan created with
    its first item (both or neither)."""
    plan = plan_for(actor=actor, unit=unit, plan_type=plan_type)
    return item_create(
        actor=actor,
        plan=plan,
        kind=kind,
        contributes_to=contributes_to,
        targets=targets,
        **fields,
    )


def _check_responsible_choice(actor, item: Item, before: int | None) -> None:
    """Ansvarig changes only by those who may choose it
    (access.may_assign_responsible): not by a Rapportör."""
    if item.responsible_id != before and not access.may_assign_responsible(actor, item.plan.unit):
        raise ValidationError(
            {"responsible": _("Som rapportör kan du inte ändra vem som är ansvarig för posten.")}
        )


def _save_targets(actor, item: Item, targets: dict) -> None:
    """Make the indicator's targets per year exactly `targets` (year → value)."""
    if targets and item.kind != ItemKind.INDICATOR:
        raise ValidationError({"targets": _("Bara nyckeltal har målvärden per år.")})
    errors = target_errors(item.measure_unit, targets)
    if errors:
        raise ValidationError({"targets": errors})
    existing = {t.year: t for t in item.targets.all()}
    for year, target in existing.items():
        if year not in targets:
            set_actor(target, actor)
            target.delete()
    for year, value in targets.items():
        target = existing.get(year) or IndicatorTarget(item=item, year=year)
        if target.pk and target.value == value:
            continue
        target.value = value
        set_actor(target, actor)
        target.save()


def target_errors(measure_unit: str, targets: dict) -> list[str]:
    """What is wrong with an indicator's targets per year (year → value),
    each message naming the line of the item form ("2026: 120"); the item
    form and the plan file both show these."""
    return [
        _("”%(line)s”: %(error)s") % {"line": _target_line(year, targets[year]), "error": error}
        for year, error in percent_errors(measure_unit, targets).items()
    ]


def _target_line(year: int, value) -> str:
    """A target as the item form writes it: "2026: 87,5"."""
    text = format(Decimal(str(value)).normalize(), "f")
    return f"{year}: {text.replace('.', ',')}"


@use_case
def item_update(*, actor, item: Item, version: int, targets: dict | None = None, **fields) -> Item:
    """Change an item's definition (and, when given, an indicator's targets
    per year). Refused with EditConflict if someone saved in between."""
    access.require(actor, access.Action.WRITE, item)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"item_update: unknown fields {sorted(unknown)}")
    chosen = item.responsible_id
    for name, value in fields.items():
        setattr(item, name, value)
    _check_responsible_choice(actor, item, chosen)
    _check_item(item)
    lock_version(item, version)
    save_edited(item, actor)
    if targets is not None:
        _save_targets(actor, item, targets)
    return item


def order_siblings(item: Item) -> list[Item]:
    """The items the plan shows beside the item, in the plan's order
    (numbering.plan_key): the plan's active items of the same kind, level
    and perspective that contribute to the same items of the plan (none:
    they stand first under the perspective)."""

    def parents(of) -> dict[int, frozenset[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        for item_id, target_id in ItemLink.objects.filter(
            item__in=of, target__plan_id=item.plan_id
        ).values_list("item_id", "target_id"):
            found[item_id].add(target_id)
        return {pk: frozenset(targets) for pk, targets in found.items()}

    candidates = Item.objects.active().filter(
        plan_id=item.plan_id,
        kind=item.kind,
        level_id=item.level_id,
        perspective_id=item.perspective_id,
    )
    above = parents(candidates.values("pk"))
    own = above.get(item.pk, frozenset())
    siblings = [c for c in candidates.select_for_update() if above.get(c.pk, frozenset()) == own]
    return sorted(siblings, key=plan_key)


@use_case
def item_move(*, actor, item: Item, version: int, up: bool) -> Item:
    """Move the item one place up (or down) among the items the plan shows
    beside it (order_siblings). The plan's order is then 1, 2, 3 … for
    those items, each change in the item's history. Refused with
    EditConflict if someone changed the item since it was shown."""
    access.require(actor, access.Action.WRITE, item)
    if item.archived_at is not None:
        raise ValidationError(_("Arkiverade poster har ingen plats i planen."))
    lock_version(item, version)
    siblings = order_siblings(item)
    place = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = place - 1 if up else place + 1
    if not 0 <= other < len(siblings):
        raise ValidationError(_("Posten står redan först.") if up else _("Posten står redan sist."))
    siblings[place], siblings[other] = siblings[other], siblings[place]
    reason = _("Flyttad i planen")
    for position, sibling in enumerate(siblings, start=1):
        if sibling.pk == item.pk:
            sibling = item
        if sibling.order == position:
            continue
        sibling.order = position
        sibling.version += 1
        set_actor(sibling, actor, reason)
        sibling.save(update_fields=["order", "version"])
    return item


def ancestor_ids(item_ids: Iterable[int]) -> set[int]:
    """Every item the given items contribute to, transitively (one query).
    A given item is in the result only if it is reached through links."""
    return _walk(item_ids, "item_id", "target_id")


def descendant_ids(item_ids: Iterable[int]) -> set[int]:
    """Every item that contributes to the given items, transitively (one
    query). A given item is in the result only if it is reached through links."""
    return _walk(item_ids, "target_id", "item_id")


def descendant_ids_of(item_ids: Iterable[int]) -> dict[int, set[int]]:
    """descendant_ids per given item: for each, every item that contributes
    to it, transitively (one query, whatever the number of items). Items
    that nothing contributes to are left out."""
    result: dict[int, set[int]] = {}
    for origin, item_id in _walk_from(item_ids, "target_id", "item_id"):
        result.setdefault(origin, set()).add(item_id)
    return result


def descendants_subquery(item_ids: Iterable[int]) -> RawSQL:
    """descendant_ids as a subquery of item ids, for `pk__in=`: the walk
    runs in the database, however many items it reaches."""
    ids = sorted({int(i) for i in item_ids}) or [0]
    table = ItemLink._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    return RawSQL(
        f"WITH RECURSIVE walk(id) AS ("
        f"SELECT item_id FROM {table} WHERE target_id IN ({placeholders}) "
        f"UNION SELECT l.item_id FROM {table} l JOIN walk ON l.target_id = walk.id) "
        "SELECT id FROM walk",
        ids,
    )


def _walk(item_ids: Iterable[int], from_col: str, to_col: str) -> set[int]:
    return {item_id for _origin, item_id in _walk_from(item_ids, from_col, to_col, False)}


def _walk_from(
    item_ids: Iterable[int], from_col: str, to_col: str, origins: bool = True
) -> list[tuple[int, int]]:
    """(seed, item reached) for every item reached from the seeds; without
    `origins` (0, item reached), each item once."""
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return []
    table = ItemLink._meta.db_table
    # The seeds go in as one IN list of parameters (not one SELECT each) so
    # thousands of seeds work, and the column types match on PostgreSQL.
    placeholders = ", ".join(["%s"] * len(ids))
    origin, carried = (from_col, "walk.origin") if origins else ("0", "0")
    sql = (
        f"WITH RECURSIVE walk(origin, id) AS ("
        f"SELECT {origin}, {to_col} FROM {table} WHERE {from_col} IN ({placeholders}) "
        f"UNION SELECT {carried}, l.{to_col} FROM {table} l "
        f"JOIN walk ON l.{from_col} = walk.id) "
        "SELECT origin, id FROM walk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()


def link_rule(item: Item) -> Q:
    """Which items the model lets `item` contribute to ("Bidrar till"): a goal
    at a level only to goals at the levels the model allows above it
    (GoalLevel.above: higher levels, and its own where the level allows links
    within it), never a sibling at a level that does not. Other items: any.
    The one rule for the choices offered (link_targets) and for item_link."""
    if item.kind == ItemKind.GOAL and item.level_id:
        return Q(kind=ItemKind.GOAL, level__in=GoalLevel.objects.above(item.level))
    return Q()


def link_targets(*, item: Item):
    """What the item may contribute to (link_rule), of the same year, in its own
    unit's plans, in the plans of the units above, and shared to its unit. A
    bounded list, not every item of the municipality."""
    unit = item.plan.unit
    model_id = item.plan.plan_type.model_id
    # The units above from the unit's tree path when it was read with its
    # tree fields (views.item), else from the tree.
    path = getattr(unit, "tree_path", None)
    above = (
        list(path)
        if path
        else Unit.objects.with_tree_fields().ancestors(unit, include_self=True).values("pk")
    )
    # The year's plans of the units above, and the year's shares into the
    # unit: a UNION of two indexed reads, not an OR across a join on the
    # shares, which reads every item of every year.
    in_plans = Item.objects.filter(
        plan__in=Plan.objects.filter(unit__in=above, plan_type__model_id=model_id).values("pk")
    ).values("pk")
    shared = ItemShare.objects.filter(
        unit=unit, ended_at__isnull=True, plan__plan_type__model_id=model_id
    ).values("item_id")
    return (
        Item.objects.active()
        .filter(pk__in=in_plans.order_by().union(shared.order_by()))
        .filter(plan__plan_type__model_id=model_id)
        .filter(kind__in=[ItemKind.GOAL, ItemKind.ACTIVITY, ItemKind.ASSIGNMENT])
        .filter(link_rule(item))
        .exclude(pk=item.pk)
        .exclude(kind=ItemKind.ACTIVITY, plan__unit=unit)
        .select_related("plan__unit")
        .order_by("plan__unit__name", "number", "title")
    )


@use_case
def item_link(*, actor, item: Item, target: Item) -> ItemLink:
    """`item` contributes to `target`. Refuses cycles, links across years and
    links the model does not allow (link_rule)."""
    access.require(actor, access.Action.WRITE, item)
    if not access.can_read(actor, target):
        raise ValidationError(_("Du har inte behörighet till posten du vill koppla till."))
    if target.pk == item.pk or item.pk in ancestor_ids([target.pk]):
        raise ValidationError(
            _("Kopplingen skulle bli en cirkel: ”%(target)s” bidrar redan till ”%(item)s”.")
            % {"target": target, "item": item}
        )
    if target.plan.plan_type.model_id != item.plan.plan_type.model_id:
        raise ValidationError(_("Poster kan bara kopplas inom samma år."))
    if not Item.objects.filter(pk=target.pk).filter(link_rule(item)).exists():
        raise ValidationError(
            _(
                "Ett mål på nivån %(level)s kan bara bidra till mål på nivåerna "
                "ovanför: ”%(target)s” är inte ett sådant mål."
            )
            % {"level": item.level, "target": target}
        )
    link = ItemLink.objects.filter(item=item, target=target).first()
    if link is None:
        link = ItemLink(item=item, target=target)
        set_actor(link, actor)
        link.save()
    return link


@use_case
def item_unlink(*, actor, item: Item, target: Item) -> None:
    access.require(actor, access.Action.WRITE, item)
    for link in ItemLink.objects.filter(item=item, target=target):
        set_actor(link, actor)
        link.delete()


def _check_share_target(item: Item, unit: Unit, below_owner: set[int]) -> None:
    owner = item.plan.unit
    if unit.pk not in below_owner:
        raise ValidationError(
            _(
                "%(unit)s ligger inte under %(owner)s; en post kan bara delas till enheter "
                "under den enhet som äger den."
            )
            % {"unit": unit, "owner": owner}
        )
    if not unit.existed_in(item.plan.year):
        raise ValidationError(
            _("%(unit)s finns inte under %(year)s.") % {"unit": unit, "year": item.plan.year}
        )


@use_case
def item_share(*, actor, item: Item, units: Iterable[Unit]) -> list[ItemShare]:
    """Share an item down to chosen units. Each receiving unit sees it in its
    plan of the same type (created when missing) and reports on its share."""
    access.require(actor, access.Action.WRITE, item)
    below_owner = set(Unit.objects.descendants(item.plan.unit).values_list("pk", flat=True))
    shares = []
    for unit in units:
        _check_share_target(item, unit, below_owner)
        plan = Plan.objects.filter(unit=unit, plan_type=item.plan.plan_type_id).first()
        if plan is None:
            plan = Plan(unit=unit, plan_type=item.plan.plan_type)
            set_actor(plan, actor)
            plan.save()
        share = ItemShare.objects.filter(item=item, unit=unit).first()
        if share is None:
            share = ItemShare(item=item, unit=unit, plan=plan)
        elif share.ended_at is None:
            shares.append(share)
            continue
        share.ended_at = None
        set_actor(share, actor)
        share.save()
        shares.append(share)
    return shares


def units_of_type_within(*, item: Item, unit_type: UnitType, within: Unit) -> list[Unit]:
    """Units of a type under `within` that existed during the item's year."""
    return list(
        Unit.objects.descendants(within, include_self=True)
        .filter(unit_type=unit_type)
        .valid_in_year(item.plan.year)
        .exclude(pk=item.plan.unit_id)
        .order_by("name")
    )


@use_case
def item_unshare(*, actor, item: Item, unit: Unit) -> None:
    """End a share. The row stays, so what the unit reported stays with it."""
    access.require(actor, access.Action.WRITE, item)
    share = ItemShare.objects.filter(item=item, unit=unit, ended_at__isnull=True).first()
    if share:
        share.ended_at = timezone.now()
        set_actor(share, actor)
        share.save()


@use_case
def item_archive(*, actor, item: Item, archived: bool = True) -> Item:
    """Archive (or bring back) an item: it leaves the plan but keeps its history."""
    access.require(actor, access.Action.WRITE, item)
    item.archived_at = timezone.now() if archived else None
    item.version += 1
    set_actor(item, actor, _("Arkiverad") if archived else _("Återställd"))
    item.save()
    return item


@use_case
def item_delete(*, actor, item: Item) -> None:
    """Delete an item made by mistake. Anything others build on or report on
    (shares, contributing items) is archived instead."""
    access.require(actor, access.Action.WRITE, item)
    if item.reports.exists() or item.values.exists():
        raise ValidationError(
            _(
                "Det finns rapporter eller utfall på posten. Arkivera den i stället, så finns "
                "det rapporterade kvar."
            )
        )
    if item.shares.exists():
        raise ValidationError(
            _(
                "Posten är delad till andra enheter och kan ha rapporter. Arkivera den i "
                "stället, så finns det rapporterade kvar."
            )
        )
    if item.links_down.exists():
        raise ValidationError(
            _(
                "Andra poster bidrar till den här posten. Arkivera den i stället, eller ta "
                "först bort kopplingarna."
            )
        )
    set_actor(item, actor)
    item.delete()


@use_case
def model_copy_to_next_year(
    *, actor, model: GovernanceModel, copy_wheel: bool = True
) -> GovernanceModel:
    """ "Kopiera till nästa år": next year's model with the same perspectives,
    levels, scales and plan types (model.services.copy_model), and every plan
    with its items, links, targets and shares; the items' start and end dates
    move one year forward. Reports are not carried over.
    Units closed before next year are left out. With `copy_wheel`, the year
    wheel too: occasions (not opened), steps and events moved a year
    (follow-up's, through year_copy); always the other parts registered
    there (the documents' own sections)."""
    model_services.require_model_owner(actor, model.organisation)
    if GovernanceModel.objects.filter(
        organisation=model.organisation, year=model.year + 1
    ).exists():
        raise ValidationError(
            _("Styrmodellen för %(year)s finns redan.") % {"year": model.year + 1}
        )
    reason = _("Kopierad från %(year)s") % {"year": model.year}
    copy = model_services.copy_model(actor=actor, model=model, reason=reason)
    copy_plans(
        actor=actor,
        source=model,
        target=copy.model,
        plan_types=copy.plan_types,
        perspectives=copy.perspectives,
        levels=copy.levels,
        reason=reason,
    )
    wheel = year_copy.wheel()
    if copy_wheel and wheel is not None:
        wheel.copy(
            actor=actor, source=model, target=copy.model, plan_types=copy.plan_types, reason=reason
        )
    for part in year_copy.parts():
        part(actor=actor, source=model, target=copy.model, reason=reason)
    return copy.model


def _next_year(day: datetime.date | None) -> datetime.date | None:
    """The same day a year later (29 February: 28 February)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def copy_plans(
    *,
    actor,
    source: GovernanceModel,
    target: GovernanceModel,
    plan_types: dict,
    perspectives: dict,
    levels: dict,
    reason: str,
) -> None:
    """Copy plans, items, links and shares from one model year to the next
    (the plans' part of model_copy_to_next_year, which checked the access)."""
    plans = {}
    for plan in Plan.objects.filter(plan_type__model=source).select_related("unit"):
        unit = plan.unit
        if not unit.existed_in(target.year):
            continue
        copy = Plan(unit=unit, plan_type=plan_types[plan.plan_type_id])
        set_actor(copy, actor, reason)
        copy.save()
        plans[plan.pk] = copy
    items = {}
    for item in Item.objects.active().filter(plan__in=list(plans)).order_by("pk"):
        old_pk = item.pk
        item.pk = None
        item.id = None
        item.plan = plans[item.plan_id]
        item.perspective = perspectives.get(item.perspective_id)
        item.level = levels.get(item.level_id)
        item.version = 1
        # An activity planned for March is planned for March next year too.
        item.start_date = _next_year(item.start_date)
        item.end_date = _next_year(item.end_date)
        item._state.adding = True
        set_actor(item, actor, reason)
        item.save()
        items[old_pk] = item
    for target in IndicatorTarget.objects.filter(item__in=list(items)):
        new_target = IndicatorTarget(
            item=items[target.item_id], year=target.year, value=target.value
        )
        set_actor(new_target, actor, reason)
        new_target.save()
    for link in ItemLink.objects.filter(item__in=list(items), target__in=list(items)):
        new_link = ItemLink(item=items[link.item_id], target=items[link.target_id])
        set_actor(new_link, actor, reason)
        new_link.save()
    for share in ItemShare.objects.filter(
        item__in=list(items), ended_at__isnull=True, plan__in=list(plans)
    ):
        new_share = ItemShare(
            item=items[share.item_id], unit_id=share.unit_id, plan=plans[share.plan_id]
        )
        set_actor(new_share, actor, reason)
        new_share.save()
