"""Everything that changes follow-up data: occasions and their schedule,
opening an occasion (tasks), reports, marking tasks done, locking and
reopening. One function per use case, in a transaction, checking access."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import (
    EditConflict,
    lock_for_edit,
    lock_version,
    save_edited,
    use_case,
)
from styrhjul.core.dates import month_name
from styrhjul.economy.queries import units_holding_ansvar
from styrhjul.indicators.aggregate import computed_values
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.indicators.series import series_values
from styrhjul.model.models import GovernanceModel, ItemKind, PlanType, ScaleValue, goal_rule
from styrhjul.model.services import require_model_owner
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.models import Item, ItemShare, Plan, ReportedBy
from styrhjul.planning.services import check_percent, percent_errors

from . import wheel_copy
from .models import (
    CalendarEvent,
    DecidingBody,
    EventCategory,
    FollowUpOccasion,
    OccasionStatus,
    OccasionStep,
    ProcessColour,
    ProcessSymbol,
    ProcessYear,
    Report,
    ReportingTask,
    ReviewStatus,
    TaskKind,
)

# --- The year wheel -----------------------------------------------------------------------


def _save(obj, actor, reason: str | None = None):
    obj.full_clean()
    set_actor(obj, actor, reason)
    obj.save()
    return obj


def occasion_errors(
    occasion: FollowUpOccasion, plan_types: list[PlanType] | None = None
) -> dict[str, str]:
    """The rules of an occasion beyond its own fields (FollowUpOccasion.clean):
    a name free in the year (case ignored), plan types of the same year, and
    something to follow up: a plan type, or the economy. `plan_types` None:
    those it has (for a new occasion: not checked, the caller sets them
    after). The field → the message (the form asks it too)."""
    errors = {}
    name = (occasion.name or "").strip()
    clash = FollowUpOccasion.objects.filter(model_id=occasion.model_id, name__iexact=name)
    if occasion.pk is not None:
        clash = clash.exclude(pk=occasion.pk)
    if name and clash.exists():
        errors["name"] = _(
            "Det finns redan ett uppföljningstillfälle som heter ”%(name)s” det här året."
        ) % {"name": name}
    if plan_types is None:
        if occasion.pk is None:
            return errors  # the plan types are the caller's to set afterwards
        plan_types = list(occasion.plan_types.all())
    if any(p.model_id != occasion.model_id for p in plan_types):
        errors["plan_types"] = _("Plantyperna måste höra till samma år.")
    elif not plan_types and not occasion.follows_economy:
        errors["plan_types"] = _("Välj minst en plantyp, eller kryssa i ”Följer upp ekonomin”.")
    return errors


@use_case
def occasion_save(
    *,
    actor,
    occasion: FollowUpOccasion,
    plan_types: list[PlanType] | None = None,
    version: int = 0,
) -> FollowUpOccasion:
    """Create or change an occasion (model owners of the organisation). A
    change is refused with EditConflict when someone else saved, opened or
    closed the occasion after the user opened it at `version`."""
    require_model_owner(actor, occasion.model.organisation)
    _lock_opened(occasion, version)
    occasion.name = (occasion.name or "").strip()
    errors = occasion_errors(occasion, plan_types)
    try:
        occasion.full_clean()
    except ValidationError as exc:  # every error at once, the service's first
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    save_edited(occasion, actor)
    if plan_types is not None:
        occasion.plan_types.set(plan_types)
    return occasion


@use_case
def step_save(*, actor, step: OccasionStep, version: int = 0) -> OccasionStep:
    """Create or change a step; a deadline before the start is refused
    (OccasionStep.clean), and a change with EditConflict when someone else
    saved the step after the user opened it at `version`."""
    require_model_owner(actor, step.occasion.model.organisation)
    _lock_opened(step, version)
    step.full_clean()
    return save_edited(step, actor)


def event_errors(event: CalendarEvent) -> dict[str, str]:
    """The rules of an event beyond its own fields (CalendarEvent.clean): the
    end not before the start, the owning unit in the organisation and valid
    in the year, the owner a person of the organisation. The field → the
    message (the form asks it too)."""
    errors = {}
    if event.end and event.start and event.end < event.start:
        errors["end"] = _("Slutdatumet kan inte vara före datumet (%(date)s).") % {
            "date": event.start.isoformat()
        }
    model = event.model
    if event.owner_unit_id is not None:
        units = Unit.objects.descendants(model.organisation, include_self=True)
        if not units.valid_in_year(model.year).filter(pk=event.owner_unit_id).exists():
            errors["owner_unit"] = _("Välj en enhet i %(organisation)s som finns %(year)s.") % {
                "organisation": model.organisation.name,
                "year": model.year,
            }
    if event.owner_person_id is not None:
        people = access.organisation_people(model.organisation)
        if not people.filter(pk=event.owner_person_id).exists():
            errors["owner_person"] = _(
                "Välj en person med rollen Modellägare, Chef eller Rapportör i %(organisation)s."
            ) % {"organisation": model.organisation.name}
    return errors


def _lock_opened(obj, version: int) -> None:
    """A row being changed (not a new one) is locked until the transaction
    ends; EditConflict if it is no longer at `version`, the version the user
    opened (core/concurrency.py)."""
    if obj.pk is not None:
        lock_version(obj, version)


@use_case
def event_save(*, actor, event: CalendarEvent, version: int = 0) -> CalendarEvent:
    """Create or change an event of the year wheel (model owners). A change
    is refused with EditConflict when someone else saved the event after the
    user opened it at `version`."""
    require_model_owner(actor, event.model.organisation)
    _lock_opened(event, version)
    errors = event_errors(event)
    try:
        event.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    return save_edited(event, actor)


# The processes (event categories) a year's model starts with ("Lägg till
# standardprocesserna"): name, colour, symbol, the year the process works on.
DEFAULT_PROCESSES = (
    ("Budgetprocess", ProcessColour.BLUE, ProcessSymbol.SQUARE, ProcessYear.NEXT),
    ("Målprocess", ProcessColour.PURPLE, ProcessSymbol.DIAMOND, ProcessYear.NEXT),
    ("Ekonomisk uppföljning", ProcessColour.GREEN, ProcessSymbol.CIRCLE, ProcessYear.THIS),
    ("Personal", ProcessColour.BROWN, ProcessSymbol.TRIANGLE, ProcessYear.THIS),
)
DEFAULT_DECIDING_BODIES = ("Kommunfullmäktige (KF)", "Kommunstyrelsen (KS)", "Nämnd")


def _name_clash(model_class, obj) -> bool:
    clash = model_class.objects.filter(model_id=obj.model_id, name__iexact=obj.name)
    if obj.pk is not None:
        clash = clash.exclude(pk=obj.pk)
    return clash.exists()


def category_errors(category: EventCategory) -> dict[str, str]:
    """A process's name is free in the year (case ignored)."""
    if category.name and _name_clash(EventCategory, category):
        return {
            "name": _("Det finns redan en process som heter ”%(name)s” det här året.")
            % {"name": category.name}
        }
    return {}


def deciding_body_errors(body: DecidingBody) -> dict[str, str]:
    """A deciding body's name is free in the year (case ignored)."""
    if body.name and _name_clash(DecidingBody, body):
        return {
            "name": _("Det finns redan ett beslutande organ som heter ”%(name)s” det här året.")
            % {"name": body.name}
        }
    return {}


def _save_checked(obj, actor, errors: dict[str, str]):
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    return save_edited(obj, actor)


@use_case
def category_save(*, actor, category: EventCategory, version: int = 0) -> EventCategory:
    """Create or change a process of the year wheel (model owners: who edits
    the events edits their processes). A change is refused with
    EditConflict when someone else saved the process after the user opened
    it at `version`."""
    require_model_owner(actor, category.model.organisation)
    _lock_opened(category, version)
    category.name = (category.name or "").strip()
    return _save_checked(category, actor, category_errors(category))


@use_case
def deciding_body_save(*, actor, body: DecidingBody, version: int = 0) -> DecidingBody:
    """Create or change a deciding body of the year wheel (model owners),
    refused with EditConflict like category_save."""
    require_model_owner(actor, body.model.organisation)
    _lock_opened(body, version)
    body.name = (body.name or "").strip()
    return _save_checked(body, actor, deciding_body_errors(body))


@use_case
def wheel_defaults_add(*, actor, model: GovernanceModel) -> int:
    """ "Lägg till standardprocesserna": the default processes (Budgetprocess,
    Målprocess, Ekonomisk uppföljning, Personal) and deciding bodies (KF, KS,
    Nämnd) that the year's model does not have yet (by name). How many were
    added."""
    require_model_owner(actor, model.organisation)
    model = GovernanceModel.objects.select_for_update().get(pk=model.pk)
    taken = {n.casefold() for n in model.event_categories.values_list("name", flat=True)}
    added = 0
    for order, (name, colour, symbol, year) in enumerate(DEFAULT_PROCESSES, 1):
        if name.casefold() not in taken:
            _save(
                EventCategory(
                    model=model,
                    name=name,
                    colour=colour,
                    symbol=symbol,
                    process_year=year,
                    order=order * 10,
                ),
                actor,
            )
            added += 1
    taken = {n.casefold() for n in model.deciding_bodies.values_list("name", flat=True)}
    for order, name in enumerate(DEFAULT_DECIDING_BODIES, 1):
        if name.casefold() not in taken:
            _save(DecidingBody(model=model, name=name, order=order * 10), actor)
            added += 1
    return added


@use_case
def delete_part(*, actor, obj, version: int) -> None:
    """Remove a part of the year wheel (a step, an event, a process or a
    deciding body) as the user saw it at `version`: refused with
    EditConflict when someone else has changed it since."""
    require_model_owner(actor, obj.access_unit)
    lock_version(obj, version)
    set_actor(obj, actor)
    obj.delete()


@use_case
def wheel_copy_from(
    *, actor, source: GovernanceModel, target: GovernanceModel
) -> wheel_copy.WheelCopy:
    """ "Kopiera årshjulet från …": the source year's occasions (with plan
    types and steps) and events into the target year's model, dates moved by
    the rules of wheel_copy. What already exists in the target is skipped
    (the result says what), never duplicated or overwritten. Two copies at
    the same moment run one after the other (the target model is locked),
    so the second skips what the first made."""
    require_model_owner(actor, target.organisation)
    if source.organisation_id != target.organisation_id:
        raise ValidationError(_("Årshjulet kan bara kopieras inom samma organisation."))
    if source.pk == target.pk:
        raise ValidationError(_("Välj ett annat år än %(year)s.") % {"year": target.year})
    target = GovernanceModel.objects.select_for_update().get(pk=target.pk)
    reason = _("Årshjulet kopierat från %(year)s") % {"year": source.year}
    return wheel_copy.write(
        wheel_copy.plan(source, target.year, target), actor=actor, target=target, reason=reason
    )


# --- Which items a unit reports ----------------------------------------------------------


def items_to_report(plan_type: PlanType, unit: Unit) -> list[Item]:
    """The active items of the unit's plan of this type and the items shared
    into it (but not indicators reported centrally), in plan order."""
    return items_to_report_many([plan_type], [unit])[unit.pk, plan_type.pk]


def items_to_report_many(
    plan_types, units, *, unit_query=None, item_ids=None
) -> dict[tuple[int, int], list[Item]]:
    """items_to_report for every (unit, plan type) at once, keyed by their
    ids: one query for one unit and plan type, two for more, however many.
    `units` are units or their ids; `unit_query`, a query of the same ids,
    replaces a parameter list of thousands of ids in the queries.
    `item_ids`: only those of the items (whether a page's item is one of
    them), not every item of the plans."""
    unit_ids = sorted({getattr(u, "pk", u) for u in units})
    type_ids = sorted({getattr(pt, "pk", pt) for pt in plan_types})
    own, shares = _to_report(type_ids, unit_ids if unit_query is None else unit_query)
    # Own items and shared items as two halves of a UNION ALL, each read
    # through its own index (the items by plan, the shares by unit), never
    # an OR of the two, which reads every item of every year.
    shared = _shared_items(type_ids, unit_ids if unit_query is None else unit_query)
    if item_ids is not None:
        item_ids = sorted(set(item_ids))
        own, shared = own.filter(pk__in=item_ids), shared.filter(pk__in=item_ids)
        shares = shares.filter(item_id__in=item_ids)
    related = ("plan__unit", "plan__plan_type__model", "perspective", "level", "responsible")
    found = (
        own.select_related(*related)
        .order_by()
        .union(shared.select_related(*related).order_by(), all=True)
        .order_by("order", "number", "pk")
    )
    # An item may be both owned by one unit asked for and shared to another.
    items = list({item.pk: item for item in shared_related(found)}.values())
    result: dict[tuple[int, int], list[Item]] = {(u, t): [] for u in unit_ids for t in type_ids}
    if len(result) == 1:  # everything is for the one unit and plan type
        result[next(iter(result))] = items
        return result
    into: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for item_id, unit_id, type_id in shares.values_list("item_id", "unit_id", "plan__plan_type_id"):
        into[item_id].add((unit_id, type_id))
    for item in items:
        keys = set(into.get(item.pk, ()))
        own_key = (item.plan.unit_id, item.plan.plan_type_id)
        if own_key in result:  # the item's own plan is one of those asked for
            keys.add(own_key)
        for key in keys:
            result[key].append(item)
    return result


def shared_related(queryset: QuerySet) -> Iterator:
    """The objects of `queryset` (with select_related) as iterating it gives
    them, but each related row made into an object once, however many of
    the objects point to it: a task's 200 items share a plan, a unit, a plan
    type and a model, and a handful of perspectives, levels and people (its
    reports a handful of scale values and people), and making 1,000 copies
    of them was most of the cost of reading the items.
    The same query and the same fields; objects pointing to the same row
    share one object, as with prefetch_related. What Django's ModelIterable
    and RelatedPopulator do, with the related objects kept by their key."""
    # Annotations and known related objects are ModelIterable's to set:
    # a query with them is read the ordinary way.
    if queryset.query.annotation_select or queryset._known_related_objects:
        yield from queryset
        return
    db = queryset.db
    compiler = queryset.query.get_compiler(using=db)
    results = compiler.execute_sql()
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)
    made: dict[int, dict] = defaultdict(dict)

    def populate(populator, row, owner):
        if populator.reorder_for_init:
            data = populator.reorder_for_init(row)
        else:
            data = row[populator.cols_start : populator.cols_end]
        key = data[populator.pk_idx]
        if key is None:
            obj = None
        else:
            known = made[id(populator)]
            obj = known.get(key)
            if obj is None:
                obj = known[key] = populator.model_cls.from_db(db, populator.init_list, data)
                for inner in populator.related_populators:
                    populate(inner, row, obj)
        populator.local_setter(owner, obj)
        if obj is not None:
            populator.remote_setter(obj, owner)

    for row in compiler.results_iter(results):
        obj = model.from_db(db, names, row[start:end])
        for populator in populators:
            populate(populator, row, obj)
        yield obj


def items_to_report_querysets(plan_types, units) -> tuple[QuerySet, QuerySet]:
    """The queries of items_to_report_many: the units' own active items in
    plans of the types (a query of items) and the active shares into their
    plans of the types (a query of shares). `units`: ids or a query of ids."""
    type_ids = sorted({getattr(pt, "pk", pt) for pt in plan_types})
    return _to_report(type_ids, units)


def _to_report(type_ids, in_units):
    """The units' own active items in plans of the types, and the active
    shares into their plans of the types (but not of indicators reported
    centrally): the querysets of items_to_report."""
    shares = (
        ItemShare.objects.filter(
            unit__in=in_units,
            plan__plan_type__in=type_ids,
            ended_at__isnull=True,
            item__archived_at__isnull=True,
        )
        # An indicator reported centrally is reported by its owner only.
        .exclude(item__kind=ItemKind.INDICATOR, item__reported_by=ReportedBy.CENTRAL)
    )
    own = Item.objects.active().filter(plan__unit__in=in_units, plan__plan_type__in=type_ids)
    return own, shares


def _shared_items(type_ids, in_units) -> QuerySet:
    """The items of _to_report's shares, as a join from the items to the
    shares (one item once per share). Not `pk__in` a query of the shares:
    with the joins of select_related that is more tables than PostgreSQL
    reorders (join_collapse_limit), and it planned a scan of every item of
    every year for a handful of shares."""
    return Item.objects.filter(
        shares__unit__in=in_units,
        shares__plan__plan_type__in=type_ids,
        shares__ended_at__isnull=True,
        archived_at__isnull=True,
    ).exclude(kind=ItemKind.INDICATOR, reported_by=ReportedBy.CENTRAL)


def items_to_report_values(
    plan_types, units, fields: tuple[str, ...], *, unit_query=None
) -> dict[tuple[int, int], list[tuple]]:
    """items_to_report_many as tuples of the items' `fields` (the first of
    them "pk"), without model objects, for counting over thousands of units:
    two queries."""
    unit_ids = sorted({getattr(u, "pk", u) for u in units})
    type_ids = sorted({getattr(pt, "pk", pt) for pt in plan_types})
    own, shares = _to_report(type_ids, unit_ids if unit_query is None else unit_query)
    found: dict[tuple[int, int], dict[int, tuple]] = defaultdict(dict)
    for unit_id, type_id, *values in own.values_list(
        "plan__unit_id", "plan__plan_type_id", *fields
    ):
        found[unit_id, type_id][values[0]] = tuple(values)
    for unit_id, type_id, *values in shares.values_list(
        "unit_id", "plan__plan_type_id", *(f"item__{f}" for f in fields)
    ):
        found[unit_id, type_id][values[0]] = tuple(values)
    return {key: list(items.values()) for key, items in found.items()}


def task_items(task: ReportingTask, *, item_ids=None) -> list[Item]:
    """Exactly the items the task reports on: all of the plan's for the
    manager's task, the assigned ones for a reporter's task; none for an
    economy task. `item_ids`: only those of them (items_to_report_many)."""
    if task.plan_type_id is None:
        return []
    items = items_to_report_many([task.plan_type], [task.unit], item_ids=item_ids)[
        task.unit_id, task.plan_type_id
    ]
    return _of_reporter(task, items)


def tasks_items(tasks) -> dict[int, list[Item]]:
    """task_items of many tasks at once, keyed by the task's id: the
    many-units read once for all of them (two queries, however many)."""
    tasks = [t for t in tasks if t.plan_type_id is not None]
    found = items_to_report_many({t.plan_type_id for t in tasks}, {t.unit_id for t in tasks})
    return {t.pk: _of_reporter(t, found[t.unit_id, t.plan_type_id]) for t in tasks}


def _of_reporter(task: ReportingTask, items: list[Item]) -> list[Item]:
    """A reporter's task holds the items assigned to them; the manager's all."""
    if task.reporter_id:
        return [i for i in items if i.responsible_id == task.reporter_id]
    return items


@use_case
def occasion_open(*, actor, occasion: FollowUpOccasion, progress=None) -> list[ReportingTask]:
    """Open an occasion: one task per (unit, plan type) in scope that has
    items to report, and one per Rapportör holding the items assigned to them.
    Running it again creates only what is missing.

    A fixed number of queries whatever the number of units: the units, the
    existing tasks, the Rapportörer, the plans, the items to report (the
    many-units read), the steps and the reporters are read once each, and
    the tasks are written in bulk with their history rows. Only items of the
    occasion's plan types (its year) are read. `progress(percent)`, when
    given, hears how far it has come (the background task stores it)."""
    report = progress or (lambda percent: None)
    require_model_owner(actor, occasion.model.organisation)
    occasion.status = OccasionStatus.OPEN
    occasion.version += 1
    _save(occasion, actor, _("Öppnad"))
    day = occasion.period_end
    units = {
        u.pk: u
        for u in Unit.objects.descendants(occasion.model.organisation, include_self=True)
        .valid_on(min(day, datetime.date(occasion.year, 12, 31)))
        .select_related("unit_type")
    }
    report(10)
    existing = set(occasion.tasks.values_list("unit_id", "plan_type_id", "reporter_id"))
    reporters = access.reporters_by_unit(list(units))
    plan_types = list(occasion.plan_types.all())
    type_ids = [pt.pk for pt in plan_types]
    # The units are chosen in Python: a query of the units with plans of the
    # types stands in for a parameter list of thousands of ids.
    plans = Plan.objects.filter(plan_type__in=type_ids)
    pairs = {
        (unit_id, type_id)
        for unit_id, type_id in plans.values_list("unit_id", "plan_type_id")
        if unit_id in units
    }
    report(25)
    to_report = (
        items_to_report_values(
            type_ids,
            sorted({u for u, _t in pairs}),
            ("pk", "responsible_id"),
            unit_query=plans.order_by().values("unit_id"),
        )
        if pairs
        else {}
    )
    report(55)
    step_of = _steps_by_unit_type(occasion)
    new: list[ReportingTask] = []
    wanted_users: list[tuple[ReportingTask, int]] = []
    for plan_type in plan_types:
        for unit in sorted(
            (units[u] for u, t in pairs if t == plan_type.pk), key=lambda u: (u.name, u.pk)
        ):
            items = to_report.get((unit.pk, plan_type.pk))
            if not items:
                continue
            base = f"{occasion.title}: {plan_type.name}: {unit.name}"
            step = step_of.get(unit.unit_type_id)
            common = {"occasion": occasion, "unit": unit, "plan_type": plan_type, "step": step}
            if (unit.pk, plan_type.pk, None) not in existing:
                new.append(ReportingTask(name=base, **common))
            assigned = {responsible for _pk, responsible in items} & reporters.get(unit.pk, set())
            for user_id in sorted(assigned):
                if (unit.pk, plan_type.pk, user_id) not in existing:
                    task = ReportingTask(name=base, **common)
                    new.append(task)
                    wanted_users.append((task, user_id))
    if wanted_users:
        users = User.objects.in_bulk({user_id for _t, user_id in wanted_users})
        for task, user_id in wanted_users:
            task.reporter = users[user_id]
            task.name = f"{task.name} ({task.reporter})"
    report(70)
    if occasion.follows_economy:
        new += _economy_tasks(occasion, units, existing, step_of)
    created = _create_tasks(new, actor)
    report(100)
    return created


def _steps_by_unit_type(occasion: FollowUpOccasion) -> dict[int | None, OccasionStep]:
    """The step that sets a unit's deadline, by unit type: the last of the
    occasion's steps for the type (one query)."""
    step_of: dict[int | None, OccasionStep] = {}
    for step in occasion.steps.all():
        step_of[step.unit_type_id] = step
    return step_of


def _step_for(occasion: FollowUpOccasion, unit: Unit) -> OccasionStep | None:
    """The step that sets one unit's deadline at the occasion."""
    return _steps_by_unit_type(occasion).get(unit.unit_type_id)


def _create_tasks(tasks: list[ReportingTask], actor) -> list[ReportingTask]:
    """Write new tasks in bulk with their history rows (who, "Skapad"), after
    the checks of one task's save that need no query: the related rows were
    just read, and uniqueness is the caller's (it skips what exists; the
    database's constraints refuse a duplicate from a second opening at the
    same moment)."""
    if not tasks:
        return []
    related = ["occasion", "unit", "plan_type", "step", "reporter", "done_by"]
    for task in tasks:
        task.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
    user = actor if isinstance(actor, User) else None
    return bulk_create_with_history(tasks, ReportingTask, default_user=user)


def economy_receivers(occasion: FollowUpOccasion, units: dict[int, Unit]) -> list[Unit]:
    """The units that get an economy task at the occasion: those among
    `units` (the organisation's units valid at the period end) that hold an
    ansvar at the period end, and every unit above them (their managers)."""
    holders = units_holding_ansvar(occasion.model.organisation, occasion.period_end)
    wanted: set[int] = set()
    for unit_id in holders & set(units):
        while unit_id is not None and unit_id in units and unit_id not in wanted:
            wanted.add(unit_id)
            unit_id = units[unit_id].parent_id
    return sorted((units[u] for u in wanted), key=lambda u: u.name)


def _economy_tasks(
    occasion: FollowUpOccasion, units: dict[int, Unit], existing: set, step_of: dict
) -> list[ReportingTask]:
    """The economy tasks missing at the occasion (not yet saved)."""
    return [
        ReportingTask(
            occasion=occasion,
            unit=unit,
            kind=TaskKind.ECONOMY,
            step=step_of.get(unit.unit_type_id),
            name=f"{occasion.title}: {_('Ekonomi')}: {unit.name}",
        )
        for unit in economy_receivers(occasion, units)
        if (unit.pk, None, None) not in existing
    ]


@use_case
def occasion_close(*, actor, occasion: FollowUpOccasion, closed: bool = True) -> None:
    require_model_owner(actor, occasion.model.organisation)
    occasion.status = OccasionStatus.CLOSED if closed else OccasionStatus.OPEN
    occasion.version += 1
    _save(occasion, actor, _("Stängd") if closed else _("Öppnad igen"))


# --- Locking ---------------------------------------------------------------------------


def is_locked(task: ReportingTask, today: datetime.date | None = None) -> bool:
    """Reports are read-only when the occasion is closed or not yet open, or
    after the task's deadline plus the grace days, unless a model owner
    reopened the task."""
    today = today or timezone.localdate()
    if task.reopened_until and today <= task.reopened_until:
        return False
    if task.occasion.status != OccasionStatus.OPEN:
        return True
    deadline = task.deadline
    if deadline is None:
        return False
    return today > deadline + datetime.timedelta(days=task.occasion.grace_days)


def is_late(task: ReportingTask, today: datetime.date | None = None) -> bool:
    """Försenad: not klarmarkerad, the deadline passed, and still open for
    reporting. A locked task (is_locked) is Låst, never late."""
    today = today or timezone.localdate()
    deadline = task.deadline
    return (
        task.done_at is None
        and deadline is not None
        and today > deadline
        and not is_locked(task, today)
    )


@use_case
def task_reopen(*, actor, task: ReportingTask, until: datetime.date) -> ReportingTask:
    """A model owner reopens one unit's locked task (audited)."""
    access.require(actor, access.Action.MANAGE, task.unit)
    task.reopened_until = until
    task.done_at = None
    if task.review_status == ReviewStatus.APPROVED:  # approved no longer: reported anew
        task.review_status = ""
    task.version += 1
    return _save(task, actor, _("Öppnad igen till och med %(date)s") % {"date": until})


# --- Reports ------------------------------------------------------------------------------


def may_report(user, task: ReportingTask, item: Item) -> bool:
    """Write access to the unit; a Rapportör only on items assigned to them
    (access.may_report); and not while the task is klarmarkerad
    (access.may_change_task)."""
    return access.may_change_task(user, task) and access.may_report(user, task.unit, item)


PART_YEAR = {"month", "tertial", "quarter"}


def value_period(item: Item, occasion: FollowUpOccasion) -> str:
    """The period an indicator's outcome at the occasion is for: "" for the
    year, or the month the period ends ("2025-08") for an indicator followed
    per month, tertial or quarter at an occasion before the year's end."""
    if item.periodicity in PART_YEAR and occasion.period_end.month != 12:
        return f"{occasion.period_end:%Y-%m}"
    return ""


def period_label(item: Item, occasion: FollowUpOccasion) -> str:
    """ "2025", "augusti 2025", "tertial 2 2025", "kvartal 3 2025"."""
    end = occasion.period_end
    if not value_period(item, occasion):
        return str(end.year)
    if item.periodicity == "tertial" and end.month % 4 == 0:
        return _("tertial %(n)d %(year)d") % {"n": end.month // 4, "year": end.year}
    if item.periodicity == "quarter" and end.month % 3 == 0:
        return _("kvartal %(n)d %(year)d") % {"n": end.month // 3, "year": end.year}
    return f"{month_name(end.month)} {end.year}"


@dataclass
class ReportData:
    status: ScaleValue | None = None
    completion: int | None = None
    assessment: ScaleValue | None = None
    comment: str = ""
    analysis: str = ""
    measures: str = ""
    measures_responsible: str = ""
    measures_due: datetime.date | None = None


def _owner_id(item) -> int | None:
    """The unit whose plan holds the item (an Item, or readmodel.ItemFacts)."""
    found = getattr(item, "plan_unit_id", None)
    if found is None and item.plan_id:
        found = item.plan.unit_id
    return found


def assesses(plan_type: PlanType, item, unit_id: int | None = None) -> bool:
    """THE answer to "does this unit assess this item": whether the unit
    `unit_id` (None: the item's owner) gives an assessment of `item` when it
    reports it in `plan_type`, or only describes it (analysis, no
    assessment). A goal at a level follows the model's rule for the plan
    type and level (model.models.goal_rule): one flag for the owning unit,
    one for the units the goal is shared to. Every other item: yes."""
    if item.kind != ItemKind.GOAL or not item.level_id:
        return True
    owner, receivers, _shown = goal_rule(plan_type, item.level_id, item.level.assesses)
    if unit_id is None or unit_id == _owner_id(item):
        return owner
    return receivers


def underlag_shows_assessment(plan_type: PlanType, item) -> bool:
    """Whether the owner's underlag shows the sub-units' assessments of
    `item` (reported in `plan_type`), or only their analyses."""
    if item.kind != ItemKind.GOAL or not item.level_id:
        return True
    return goal_rule(plan_type, item.level_id, item.level.assesses)[2]


def scale_for(
    plan_type: PlanType, item: Item, field: str, unit_id: int | None = None
) -> int | None:
    """The scale (id) of an item's "status" or "assessment" in the plan type
    it is reported in, by the unit `unit_id` (None: its owner); None where
    the item has no such field (e.g. the assessment of a goal the unit does
    not assess: `assesses`)."""
    if field == "status":
        return {
            ItemKind.ACTIVITY: plan_type.activity_scale_id,
            ItemKind.ASSIGNMENT: plan_type.assignment_scale_id,
        }.get(item.kind)
    if not assesses(plan_type, item, unit_id):
        return None
    return {
        ItemKind.INDICATOR: plan_type.indicator_scale_id,
        ItemKind.GOAL: plan_type.goal_scale_id,
        ItemKind.CONTROL_POINT: plan_type.control_scale_id,
    }.get(item.kind)


def validate_report(
    plan_type: PlanType, item: Item, data: ReportData, unit_id: int | None = None
) -> None:
    errors = {}
    for field in ("status", "assessment"):
        value = getattr(data, field)
        if value is not None and value.scale_id != scale_for(plan_type, item, field, unit_id):
            errors[field] = _("Välj ett värde ur planens skala.")
    if data.completion is not None and not 0 <= data.completion <= 100:
        errors["completion"] = _("Färdighetsgraden anges från 0 till 100 %.")
    if data.assessment is not None and not assesses(plan_type, item, unit_id):
        if not item.level.assesses:
            errors["assessment"] = _(
                "Målnivån %(level)s bedömer inte måluppfyllelse; beskriv i analysen."
            ) % {"level": item.level}
        else:
            errors["assessment"] = _(
                "Enheten bedömer inte måluppfyllelse för mål på nivån %(level)s i "
                "%(plan_type)s; beskriv i analysen."
            ) % {"level": item.level, "plan_type": plan_type}
    if (data.measures_responsible.strip() or data.measures_due) and not data.measures.strip():
        errors["measures"] = _("Beskriv åtgärden när du anger ansvarig eller datum för den.")
    chosen = data.status or data.assessment
    text = data.comment.strip() or data.analysis.strip()
    if chosen is not None and chosen.comment_required and not text:
        errors["comment"] = _("Kommentar krävs när %(what)s är ”%(label)s”.") % {
            "what": _("status") if data.status else _("bedömningen"),
            "label": chosen.label,
        }
    if errors:
        raise ValidationError(errors)


def unexplained_assessment(chosen, suggested, comment: str) -> str | None:
    """The reporting rule for an indicator's bedömning: one other than the
    assessment suggested from the outcome and the year's target needs a
    comment. The message, or None when the rule is kept."""
    if (
        suggested is not None
        and chosen is not None
        and chosen.pk != suggested.pk
        and not (comment or "").strip()
    ):
        return _(
            "Bedömningen ”%(chosen)s” skiljer sig från förslaget ”%(suggested)s”. "
            "Motivera den i kommentaren."
        ) % {"chosen": chosen.label, "suggested": suggested.label}
    return None


@use_case
def report_save(
    *, actor, task: ReportingTask, item: Item, data: ReportData, version: int
) -> Report:
    """Save one item's report. `version` is the version the user opened (0
    for a report not yet saved); a later save by someone else refuses this
    one with EditConflict, which carries the other's saved text."""
    if not may_report(actor, task, item):
        raise PermissionDenied
    if not task_items(task, item_ids=[item.pk]):  # the item is one of the task's
        raise PermissionDenied
    if is_locked(task):
        raise ValidationError(
            _("Rapporteringen är låst: tidsfristen har passerat eller uppföljningen är stängd.")
        )
    validate_report(task.plan_type, item, data, task.unit_id)
    report = lock_for_edit(
        Report,
        version,
        gone=_("Rapporten finns inte längre. Ladda om sidan."),
        occasion=task.occasion,
        unit=task.unit,
        item=item,
    )
    for name, value in data.__dict__.items():
        setattr(report, name, value)
    return save_edited(report, actor)


def validate_outcome(item: Item, *, value=None, value_women=None, value_men=None) -> None:
    """The rules of an indicator's outcome (utfall), as the reporting page
    and the plan file take it: none for Kolada's indicators; kvinnor and män
    only for an indicator split by gender; at most 100 in percent. The
    messages are at the fields value, value_women and value_men."""
    if item.source == "kolada":
        raise ValidationError({"value": _("Värdena hämtas från Kolada och kan inte ändras här.")})
    errors = {}
    if not item.gender_split:
        for name, number in (("value_women", value_women), ("value_men", value_men)):
            if number is not None:
                errors[name] = _(
                    "Nyckeltalet är inte könsuppdelat: utfall för kvinnor och män anges bara "
                    "för könsuppdelade nyckeltal."
                )
    errors.update(
        percent_errors(
            item.measure_unit,
            {"value": value, "value_women": value_women, "value_men": value_men},
        )
    )
    if errors:
        raise ValidationError(errors)


@use_case
def indicator_value_save(
    *,
    actor,
    task: ReportingTask,
    item: Item,
    year: int,
    period: str,
    value,
    value_women=None,
    value_men=None,
    note: str = "",
    source: str = "manual",
) -> IndicatorValue:
    if not may_report(actor, task, item) or item.kind != ItemKind.INDICATOR:
        raise PermissionDenied
    if item.source == "kolada":  # said before the lock
        validate_outcome(item, value=value)
    if is_locked(task):
        raise ValidationError(_("Rapporteringen är låst."))
    validate_outcome(item, value=value, value_women=value_women, value_men=value_men)
    obj = IndicatorValue.objects.filter(item=item, unit=task.unit, year=year, period=period).first()
    obj = obj or IndicatorValue(item=item, unit=task.unit, year=year, period=period)
    obj.value, obj.value_women, obj.value_men, obj.note = value, value_women, value_men, note
    obj.source = source
    obj.updated_by = actor if isinstance(actor, User) else None
    return _save(obj, actor)


def may_recompute(user, task: ReportingTask, item: Item) -> bool:
    """Räkna om: the one who may change the unit's report on the item, while
    the task is open."""
    return may_report(user, task, item) and not is_locked(task)


@use_case
def indicator_value_recompute(
    *, actor, task: ReportingTask, item: Item, seen: datetime.datetime | None
) -> IndicatorValue:
    """Räkna om: store the task's unit's value of an indicator computed from
    its sub-units (Item.aggregation) as they give it now, with the source
    Beräknat (audited). `seen` is when the stored value was saved as the user
    saw it; a value saved since then raises EditConflict."""
    if not may_report(actor, task, item) or item.kind != ItemKind.INDICATOR:
        raise PermissionDenied
    if not task_items(task, item_ids=[item.pk]):  # the item is one of the task's
        raise PermissionDenied
    if is_locked(task):
        raise ValidationError(_("Rapporteringen är låst."))
    if not item.aggregation or item.source == "kolada":
        raise ValidationError(_("Nyckeltalets värde räknas inte fram från underliggande enheter."))
    year, period = task.occasion.year, value_period(item, task.occasion)
    obj = (
        IndicatorValue.objects.select_for_update()
        .filter(item=item, unit=task.unit, year=year, period=period)
        .first()
    )
    if obj is not None and obj.updated_at != seen:
        raise EditConflict(obj)
    computed = computed_values([item], task.unit, year).get(item.pk)
    if computed is None or computed.value is None:
        raise ValidationError(_("Ingen underliggande enhet har något värde att räkna fram från."))
    obj = obj or IndicatorValue(item=item, unit=task.unit, year=year, period=period)
    obj.value, obj.value_women, obj.value_men = computed.value, computed.women, computed.men
    obj.source = ValueSource.COMPUTED
    obj.updated_by = actor if isinstance(actor, User) else None
    return _save(obj, actor, _("Räknat om från underliggande enheter"))


# --- Earlier years' outcomes ----------------------------------------------------------------


def earlier_years(item: Item, occasion: FollowUpOccasion) -> list[int]:
    """The earlier years whose outcome may be reported or corrected at the
    occasion, latest first: as many as the indicator allows
    (Item.earlier_years); none for Kolada's values."""
    if item.kind != ItemKind.INDICATOR or item.source == "kolada":
        return []
    return [occasion.year - n for n in range(1, (item.earlier_years or 0) + 1)]


def earlier_field(year: int) -> str:
    """The reporting form's field of an earlier year's outcome."""
    return f"earlier_{year}"


def value_token(value: IndicatorValue | None) -> str:
    """An earlier year's outcome as the user opened it (its row, when it was
    saved and its value; "" for none), to tell whether someone else changed
    it since and whether the user changed it (token_value)."""
    if value is None:
        return ""
    stamp = value.updated_at.isoformat() if value.updated_at else ""
    number = "" if value.value is None else str(value.value)
    return f"{value.pk}:{stamp}:{number}"


def token_value(token: str) -> Decimal | None:
    """The value in a value_token (None for none)."""
    number = token.rsplit(":", 1)[-1] if token else ""
    try:
        return Decimal(number) if number else None
    except InvalidOperation:
        return None


def earlier_value(item: Item, unit_id: int, year: int) -> IndicatorValue | None:
    """The unit's full-year outcome of the indicator's series for the year,
    entered through this copy of it or, when not, the latest year's copy."""
    found = series_values([item.series], [unit_id], first_year=year, last_year=year)
    return found.get((item.series, unit_id), {}).get((year, ""))


@use_case
def earlier_value_save(
    *, actor, task: ReportingTask, item: Item, year: int, value, opened: str
) -> IndicatorValue:
    """Report or correct the unit's outcome of an earlier year (e.g. last
    year's final outcome, which often comes in the spring) at this task,
    where the indicator allows it (earlier_years). `opened` is the
    value_token of the outcome the user saw: someone else's save since then
    refuses this one with EditConflict, carrying theirs. Saved through this
    year's copy of the indicator, as reported (Manuellt), with history."""
    if not may_report(actor, task, item) or item.kind != ItemKind.INDICATOR:
        raise PermissionDenied
    field = earlier_field(year)
    if year not in earlier_years(item, task.occasion):
        raise ValidationError(
            {field: _("Utfallet för %(year)s kan inte rapporteras här.") % {"year": str(year)}}
        )
    if is_locked(task):
        raise ValidationError(_("Rapporteringen är låst."))
    check_percent(item.measure_unit, {field: value})
    key = {"item": item, "unit": task.unit, "year": year, "period": ""}
    own = IndicatorValue.objects.select_for_update().filter(**key).first()
    current = earlier_value(item, task.unit_id, year)
    if value_token(current) != opened:
        raise EditConflict(current or IndicatorValue(**key))
    if own is None:
        own = IndicatorValue(**key)
        if current is not None:  # entered through last year's copy: keep what it says
            own.value_women, own.value_men, own.note = (
                current.value_women,
                current.value_men,
                current.note,
            )
    own.value = value
    own.source = ValueSource.MANUAL
    own.updated_by = actor if isinstance(actor, User) else None
    try:
        with transaction.atomic():
            return _save(own, actor)
    except IntegrityError:  # someone else created it first
        raise EditConflict(IndicatorValue.objects.get(**key)) from None


@use_case
def item_report_save(
    *,
    actor,
    task: ReportingTask,
    item: Item,
    data: ReportData,
    version: int,
    outcome: dict | None = None,
    earlier: dict[int, tuple[object, str]] | None = None,
) -> Report:
    """What the reporting page saves for one item: its report and, for an
    indicator, the outcome of the occasion's period (`outcome`: the fields
    of indicator_value_save; None leaves the outcome as it is) and the
    earlier years' outcomes changed (`earlier`: year → (value, the
    value_token opened)). All or nothing."""
    report = report_save(actor=actor, task=task, item=item, data=data, version=version)
    if outcome is not None:
        indicator_value_save(
            actor=actor,
            task=task,
            item=item,
            year=task.occasion.year,
            period=value_period(item, task.occasion),
            **outcome,
        )
    for year, (value, opened) in sorted((earlier or {}).items()):
        earlier_value_save(actor=actor, task=task, item=item, year=year, value=value, opened=opened)
    return report


# --- Marking a task done ----------------------------------------------------------------


def may_mark_done(user, task: ReportingTask) -> bool:
    """Klarmarkera (access.may_mark_done)."""
    return access.may_mark_done(user, task)


@use_case
def task_mark_done(*, actor, task: ReportingTask) -> ReportingTask:
    """Klarmarkera. Allowed with unreported items (the page warns first), not
    once the task is locked."""
    if not may_mark_done(actor, task):
        raise PermissionDenied
    if is_locked(task):
        raise ValidationError(
            _("Uppgiften är låst: tidsfristen har passerat eller uppföljningen är stängd.")
        )
    task.done_at = timezone.now()
    task.done_by = actor if isinstance(actor, User) else None
    if task.review_status == ReviewStatus.SENT_BACK:  # completed: waits for review again
        task.review_status = ""
    task.version += 1
    return _save(task, actor, _("Klarmarkerad"))


@use_case
def task_undo_done(*, actor, task: ReportingTask) -> ReportingTask:
    """Undo klarmarkera, possible until the deadline (or while reopened), for
    those who may mark the task done (the page shows the button to them)."""
    if not access.may_mark_done(actor, task):
        raise PermissionDenied
    if is_locked(task):
        raise ValidationError(_("Tidsfristen har passerat; uppgiften kan inte längre ångras."))
    if task.review_status == ReviewStatus.APPROVED:
        raise ValidationError(_("Uppgiften är godkänd och kan inte längre ångras."))
    task.done_at = None
    task.done_by = None
    task.version += 1
    return _save(task, actor, _("Klarmarkering ångrad"))


@use_case
def calendar_renew(*, actor) -> None:
    """Förnya adresserna: the user's secret calendar addresses get a new
    generation (followup.feeds), and every earlier address stops working.
    Only one's own; it writes no row in the user's history."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied
    User.objects.filter(pk=actor.pk).update(calendar_key=F("calendar_key") + 1)
