"""The demo's follow-up of last year (`styrhjul load-demo`), written for
2025 and moved to the demo's closed year by calendar.DemoCalendar: the year wheel of
followup_data with its occasions, steps and calendar, the delårsbokslut and
the september follow-up opened, the delårsbokslut partly reported, and the
årsbokslut reported in full (annual_data) and closed.

Like the rest of the demo it is idempotent: occasions are found by name,
steps by (occasion, name), events by title, reports by (occasion, unit,
item), follow-ups of measures by (report, occasion) and values by (item,
unit, year, period); what exists is left as it is. An occasion is opened,
its new tasks marked done, and (for the årsbokslut) closed again, only when
it is still planned, so a second run writes nothing and adds no history.

The reports are history, not something done today: they were written last
year and early this year, before the deadlines, which have long passed on the day
the demo is loaded. followup.services.report_save refuses them (is_locked
looks at today's date and at the occasion being open), and reopening every
task to get past it would leave "Öppnad igen" in the history of tasks nobody
reopened. So this module validates each report with
services.validate_report, the same check report_save makes, and writes the
rows itself, with the unit's manager as the author in the history. The rows
carry the dates from followup_data and annual_data (Report.updated_at,
ReportingTask.done_at, MeasureFollowUp.updated_at); the history rows keep the
time of loading, as the tasks' and occasions' own history does, so the
history stays in order. The årsbokslut is closed with
services.occasion_close once its reports are written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from styrhjul.core.audit import set_actor
from styrhjul.followup import services
from styrhjul.followup.models import (
    CalendarEvent,
    FollowUpOccasion,
    MeasureFollowUp,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.model.models import GovernanceModel, ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType, User
from styrhjul.planning.models import Item

from . import annual_data, data, followup_data, history_data
from .calendar import DemoCalendar


@dataclass
class FollowupSummary:
    occasions_created: int = 0
    steps_created: int = 0
    events_created: int = 0
    occasions_opened: int = 0
    occasions_closed: int = 0
    tasks_created: int = 0
    tasks_done: int = 0
    reports_created: int = 0
    measure_followups_created: int = 0
    values_created: int = 0

    @property
    def changed(self) -> bool:
        return any(self.__dict__.values())


def _when(day: datetime.date) -> datetime.datetime:
    """Three in the afternoon, local time, on that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0)))


def load_followup(
    summary, units: dict[str, Unit], users: dict[str, User], cal: DemoCalendar
) -> FollowupSummary:
    """Create whatever of the demo's follow-up of last year is missing (called
    from load_demo after the model is loaded, in its transaction). `summary`
    is load_demo's DemoSummary; the counts are returned, not written into it."""
    result = FollowupSummary()
    root = units[data.ROOT_CODE]
    model = GovernanceModel.objects.filter(organisation=root, year=cal.last_year).first()
    if model is None:
        return result
    actor = access.SYSTEM
    plan_types = {t.name: t for t in model.plan_types.all()}
    unit_types = {t.name: t for t in UnitType.objects.all()}

    occasions: dict[str, FollowUpOccasion] = {o.name: o for o in model.occasions.all()}
    opened: dict[str, list[ReportingTask]] = {}
    specs = cal.shift(followup_data.OCCASIONS)
    for spec in specs:
        occasion = occasions.get(spec.name)
        if occasion is None:
            occasion = services.occasion_save(
                actor=actor,
                occasion=FollowUpOccasion(
                    model=model, kind=spec.kind, name=spec.name, period_end=spec.period_end
                ),
                plan_types=[plan_types[name] for name in spec.plan_types],
            )
            occasions[spec.name] = occasion
            result.occasions_created += 1
        steps = set(occasion.steps.values_list("name", flat=True))
        for step in spec.steps:
            if step.name in steps:
                continue
            services.step_save(
                actor=actor,
                step=OccasionStep(
                    occasion=occasion,
                    name=step.name,
                    unit_type=unit_types[step.unit_type] if step.unit_type else None,
                    start=step.start,
                    deadline=step.deadline,
                ),
            )
            result.steps_created += 1
        if spec.opened and occasion.status == OccasionStatus.PLANNED:
            opened[spec.name] = services.occasion_open(actor=actor, occasion=occasion)
            result.occasions_opened += 1
            result.tasks_created += len(opened[spec.name])

    # The year wheel's processes (Budgetprocess, Målprocess …) and deciding bodies.
    services.wheel_defaults_add(actor=actor, model=model)
    processes = {c.name: c for c in model.event_categories.all()}
    bodies = {b.name: b for b in model.deciding_bodies.all()}
    titles = set(model.events.values_list("title", flat=True))
    for event in cal.shift(followup_data.EVENTS):
        if event.title in titles:
            continue
        services.event_save(
            actor=actor,
            event=CalendarEvent(
                model=model,
                title=event.title,
                start=event.start,
                end=event.end,
                description=event.description,
                category=processes.get(event.process),
                deciding_body=bodies.get(event.deciding_body),
            ),
        )
        result.events_created += 1

    managers = {u.code: users[u.manager.login] for u in data.UNITS if u.manager}
    _report(
        result,
        occasions[cal.text(followup_data.DELAR)],
        cal.shift(followup_data.INTERIM_REPORTS),
        units,
        managers,
        opened,
    )
    annual = occasions[cal.text(followup_data.ARSBOKSLUT)]
    _report(result, annual, cal.shift(annual_data.REPORTS), units, managers, opened)
    _measure_followups(result, annual, units, managers, cal)
    _values(result, model, units, managers, cal)
    for spec in specs:
        # Closed only by the run that opened it: an occasion a model owner
        # has opened again since is left open.
        if spec.closed and spec.name in opened:
            services.occasion_close(actor=actor, occasion=occasions[spec.name])
            result.occasions_closed += 1
    return result


def new_report(task: ReportingTask, item: Item, author, report_data) -> Report:
    """An unsaved Report of the task's unit on the item, validated by the
    reporting form's rules and carrying its author for the history (the demo
    bulk-creates them)."""
    services.validate_report(task.plan_type, item, report_data)
    report = Report(occasion=task.occasion, unit=task.unit, item=item, updated_by=author)
    for name, value in report_data.__dict__.items():
        setattr(report, name, value)
    set_actor(report, author)
    return report


def _scale_of(task: ReportingTask, item: Item) -> tuple[str, int | None]:
    """Which field the row's value goes in, and the plan type's scale for it."""
    pt = task.plan_type
    return {
        ItemKind.ACTIVITY: ("status", pt.activity_scale_id),
        ItemKind.ASSIGNMENT: ("status", pt.assignment_scale_id),
        ItemKind.INDICATOR: ("assessment", pt.indicator_scale_id),
        ItemKind.GOAL: ("assessment", pt.goal_scale_id),
        ItemKind.CONTROL_POINT: ("assessment", pt.control_scale_id),
    }[item.kind]


def _report(
    result: FollowupSummary,
    occasion: FollowUpOccasion,
    specs: tuple[followup_data.TaskReport, ...],
    units: dict[str, Unit],
    managers: dict[str, User],
    opened: dict[str, list[ReportingTask]],
) -> None:
    """An occasion's reports, written directly (see the module's docstring);
    the tasks marked done are those the opening just created."""
    tasks = {
        (t.unit_id, t.plan_type.name): t
        for t in occasion.tasks.filter(
            reporter__isnull=True, plan_type__isnull=False
        ).select_related("plan_type", "occasion", "step")
    }
    new_tasks = {t.pk for t in opened.get(occasion.name, [])}
    items_of = services.tasks_items(tasks.values())
    existing = set(occasion.reports.values_list("unit_id", "item_id"))
    scale_values = {
        (v.scale_id, v.label): v
        for v in ScaleValue.objects.filter(scale__model_id=occasion.model_id)
    }
    new: list[Report] = []
    dated: list[tuple[Unit, list[int], datetime.datetime]] = []
    for spec in specs:
        unit = units[spec.unit]
        task = tasks[(unit.pk, spec.plan_type)]
        author = managers[spec.reporter or spec.unit]
        written: list[int] = []
        items = {}
        for item in items_of[task.pk]:
            assert item.number not in items, f"{task}: två poster med nummer {item.number}"
            items[item.number] = item
        for row in spec.rows:
            item = items.get(row.number)
            if item is None or (unit.pk, item.pk) in existing:
                continue  # reported already, or no longer the unit's (unshared since)
            field, scale_id = _scale_of(task, item)
            values = {"status": None, "assessment": None}
            if row.value:
                values[field] = scale_values[(scale_id, row.value)]
            report_data = services.ReportData(
                completion=row.completion,
                comment=row.comment,
                analysis=row.analysis,
                measures=row.measures,
                measures_responsible=row.measures_responsible,
                measures_due=row.measures_due,
                **values,
            )
            new.append(new_report(task, item, author, report_data))
            written.append(item.pk)
            existing.add((unit.pk, item.pk))
        if written:
            dated.append((unit, written, _when(spec.reported_on)))
        if spec.done_on and task.pk in new_tasks and task.done_at is None:
            task.done_at = _when(spec.done_on)
            task.done_by = author
            task.version += 1
            set_actor(task, author, "Klarmarkerad")
            task.save()
            result.tasks_done += 1
    # One insert for the reports and one for their history rows, each with its
    # author (set_actor), instead of two per report.
    bulk_create_with_history(new, Report, batch_size=500)
    result.reports_created += len(new)
    # updated_at is auto_now: set the day each was written afterwards
    for unit, item_ids, when in dated:
        occasion.reports.filter(unit=unit, item_id__in=item_ids).update(updated_at=when)


def _measure_followups(
    result: FollowupSummary,
    occasion: FollowUpOccasion,
    units: dict[str, Unit],
    managers: dict[str, User],
    cal: DemoCalendar,
) -> None:
    """What came of the delårsbokslut's measures on control points, followed
    up at the årsbokslut by the unit's manager (annual_data)."""
    earlier = {
        (r.unit_id, r.item.number): r
        for r in Report.objects.filter(
            occasion__model=occasion.model,
            occasion__period_end__lt=occasion.period_end,
            item__kind=ItemKind.CONTROL_POINT,
        )
        .exclude(measures="")
        .select_related("item")
    }
    held = set(
        MeasureFollowUp.objects.filter(occasion=occasion).values_list("report_id", flat=True)
    )
    for spec in cal.shift(annual_data.MEASURE_FOLLOWUPS):
        report = earlier.get((units[spec.unit].pk, spec.number))
        if report is None or report.pk in held:
            continue
        author = managers[spec.unit]
        followup = MeasureFollowUp(
            report=report,
            occasion=occasion,
            result=spec.result,
            done=spec.done,
            updated_by=author,
        )
        followup.full_clean(validate_unique=False, validate_constraints=False)
        set_actor(followup, author)
        followup.save()
        # updated_at is auto_now: set the date it was written afterwards
        MeasureFollowUp.objects.filter(pk=followup.pk).update(updated_at=_when(spec.on))
        held.add(report.pk)
        result.measure_followups_created += 1


def _values(
    result: FollowupSummary,
    model: GovernanceModel,
    units: dict[str, Unit],
    managers: dict[str, User],
    cal: DemoCalendar,
) -> None:
    """The indicators' values (utfall), by the manager of the förvaltning or
    unit that reports them: what was reported in the last three years, at the
    delårsbokslut and the årsbokslut, and the history before it
    (history_data), which the system imported. All are stored on
    the model year's indicator; the copies to later years share its series."""
    specs = cal.shift(followup_data.INDICATOR_VALUES + history_data.VALUES + annual_data.VALUES)
    numbers = {v.number for v in specs}
    indicators = {
        i.number: i
        for i in Item.objects.filter(
            plan__plan_type__model=model, kind=ItemKind.INDICATOR, number__in=numbers
        ).select_related("plan__plan_type")
    }
    held = set(
        IndicatorValue.objects.filter(item__in=indicators.values()).values_list(
            "item_id", "unit_id", "year", "period"
        )
    )
    written = {
        (r.unit, r.plan_type): r
        for r in followup_data.INTERIM_REPORTS + annual_data.REPORTS
        if r.reporter
    }
    new = []
    for spec in specs:
        item, unit = indicators[spec.number], units[spec.unit]
        if (item.pk, unit.pk, spec.year, spec.period) in held:
            continue
        task_report = written.get((spec.unit, item.plan.plan_type.name))
        author = (
            managers.get(task_report.reporter if task_report else "")
            or managers.get(history_data.REPORTER.get(spec.unit, ""))
            or managers.get(spec.unit)
        )
        if spec.imported:
            author = None  # read in by the system
        value = IndicatorValue(
            item=item,
            unit=unit,
            year=spec.year,
            period=spec.period,
            value=Decimal(spec.value),
            value_women=Decimal(spec.women) if spec.women is not None else None,
            value_men=Decimal(spec.men) if spec.men is not None else None,
            note=spec.note,
            source=ValueSource.IMPORTED if spec.imported else ValueSource.MANUAL,
            updated_by=author,
        )
        # `held` keeps them unique; the rest is checked as save would.
        value.full_clean(validate_unique=False, validate_constraints=False)
        set_actor(value, author, "Import" if spec.imported else None)
        new.append(value)
        held.add((item.pk, unit.pk, spec.year, spec.period))
    # One insert for the values and one for their history rows, each with its
    # author and reason (set_actor), instead of two per value.
    bulk_create_with_history(new, IndicatorValue, batch_size=500)
    result.values_created += len(new)
