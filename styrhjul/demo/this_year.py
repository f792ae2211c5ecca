"""This year's year wheel in the demo (`styrhjul load-demo`): the follow-ups
of the year the demo is loaded in, with one open for reporting today.

The model of this year is last year's carried forward with "Kopiera till
nästa år". Its year wheel has a månadsuppföljning per month (January–June,
September–November; none for July, the holiday month), the delårsbokslut
per 31 August and the årsbokslut. Each follows goals, indicators,
activities and särskilda uppdrag, and internal control (the delårsbokslut
and årsbokslut every plan type, a månadsuppföljning the verksamhetsplaner,
aktivitetsplaner and internkontrollplaner). Which of them is open
depends on the day:

- August–October: the delårsbokslut;
- January: the månadsuppföljning of January;
- any other month: the månadsuppföljning of the month before.

The open one has its steps around today: the enheter's deadline passed two
days ago (still open: the occasion has respitdagar), the avdelningar's and
the förvaltningar's are ahead. About a third of the enheter's tasks are
klarmarkerade, a third påbörjade and a third not started; some of the
avdelningar and förvaltningar have begun. The follow-ups whose deadlines
have passed are reported in full, klarmarkerade and closed, as in a real
year; the later ones are planned.

Occasions are found by kind and period, so occasions that are already in
the model (copied from last year, or made by a model owner) are used and
given the demo's steps while still planned; occasions no longer planned are
left as they are, so a second run writes nothing. Reports are written as in
followup.py (validated with services.validate_report, dated on the day they
were written).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
import zlib
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history

from styrhjul.core.audit import set_actor
from styrhjul.core.dates import month_name
from styrhjul.followup import services
from styrhjul.followup.models import (
    CalendarEvent,
    FollowUpOccasion,
    OccasionKind,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.model.models import GovernanceModel, ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType, User
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item

from . import data, followup_data, followup_economy, history_data
from .calendar import DemoCalendar
from .followup import _when, new_report

ENHET, AVDELNING, FORVALTNING = (
    followup_data.ENHET,
    followup_data.AVDELNING,
    followup_data.FORVALTNING,
)
MONTHS = (1, 2, 3, 4, 5, 6, 9, 10, 11)  # the months with a månadsuppföljning
# What a månadsuppföljning follows: goals, indicators and särskilda uppdrag,
# activities, internal control.
MONTHLY_PLAN_TYPES = (
    followup_data.VERKSAMHETSPLAN,
    followup_data.AKTIVITETSPLAN,
    followup_data.INTERNKONTROLLPLAN,
)
GRACE_DAYS = 5  # respitdagar of the occasion open today
CLOSED, OPEN, PLANNED = "closed", "open", "planned"
# The follow-up before the one open today, still open because a few units
# never reported: their tasks are locked, for a model owner to open again.
LINGERING = "lingering"
LINGER_DAYS = 45  # how long after its last deadline it is left open
SILENT = ("3122",)  # a school of the model owner's förvaltning among those that never reported
STEPS = (
    ("Enhetschefer rapporterar", ENHET),
    ("Avdelningschefer rapporterar", AVDELNING),
    ("Förvaltningen sammanställer", FORVALTNING),
)


@dataclass(frozen=True)
class Step:
    name: str
    unit_type: str | None
    start: datetime.date
    deadline: datetime.date
    # Chef ovanför godkänner (followup.review): the enheter's tasks of the
    # open follow-up wait for their avdelningschef.
    review: bool = False


@dataclass(frozen=True)
class Planned:
    kind: str
    name: str
    period_end: datetime.date
    steps: tuple[Step, ...]
    state: str
    plan_types: tuple[str, ...]


@dataclass
class ThisYearSummary:
    year: int
    occasions_created: int = 0
    occasions_changed: int = 0
    steps_saved: int = 0
    events_created: int = 0
    occasions_opened: int = 0
    occasions_closed: int = 0
    tasks_created: int = 0
    tasks_done: int = 0
    reports_created: int = 0
    forecasts_created: int = 0
    open_now: list[str] = field(default_factory=list)  # names of the occasions open today
    lingering: list[str] = field(default_factory=list)  # open, with locked tasks left
    deadlines: list[tuple[str, datetime.date]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.occasions_created,
                self.occasions_changed,
                self.steps_saved,
                self.events_created,
                self.occasions_opened,
                self.occasions_closed,
                self.tasks_created,
                self.tasks_done,
                self.reports_created,
                self.forecasts_created,
            )
        )

    @property
    def message(self) -> str:
        if not self.open_now:
            return f"Årshjulet {self.year} är på plats."
        steps = ", ".join(f"{name.lower()} senast {_day(day)}" for name, day in self.deadlines)
        lingering = "".join(
            f" {name} är också öppen: några enheter rapporterade aldrig, och deras "
            "uppgifter är låsta."
            for name in self.lingering
        )
        return (
            f"Årshjulet {self.year} är på plats; {' och '.join(self.open_now)} är öppen "
            f"för rapportering nu ({steps}).{lingering}"
        )


def _day(day: datetime.date) -> str:
    return f"{day.day} {month_name(day.month)} {day.year}"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, month_calendar.monthrange(year, month)[1])


def _workday(day: datetime.date) -> datetime.date:
    """The day, or the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _workday_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def open_period(today: datetime.date) -> datetime.date:
    """The period end of the follow-up open on `today`."""
    if today.month in (8, 9, 10):
        return datetime.date(today.year, 8, 31)
    if today.month == 1:
        return _month_end(today.year, 1)
    return _month_end(today.year, today.month - 1)


def open_steps(today: datetime.date) -> tuple[Step, ...]:
    """The reporting steps of the follow-up open today: the enheter's
    deadline just passed, the others' ahead."""
    day = datetime.timedelta(days=1)
    return (
        Step(STEPS[0][0], ENHET, today - 21 * day, _workday_before(today - 2 * day), review=True),
        Step(STEPS[1][0], AVDELNING, today - 14 * day, _workday(today + 5 * day)),
        Step(STEPS[2][0], FORVALTNING, today - 7 * day, _workday(today + 12 * day)),
    )


def wheel(cal: DemoCalendar) -> list[Planned]:
    """This year's occasions with their steps and what state they are in
    on cal.today."""
    year, today = cal.this_year, cal.today
    day = datetime.timedelta(days=1)
    now = open_period(today)
    this = DemoCalendar.for_date(today, year)  # moves last year's data to this year
    written = {o.kind: o for o in this.shift(followup_data.OCCASIONS)}
    occasions = []
    for month in (*MONTHS, 8, 12):
        end = _month_end(year, month)
        if month == 8:
            spec = written[OccasionKind.INTERIM]
            kind, name = spec.kind, spec.name
            steps = tuple(Step(s.name, s.unit_type, s.start, s.deadline) for s in spec.steps)
        elif month == 12:
            spec = written[OccasionKind.ANNUAL]
            kind, name = spec.kind, spec.name
            steps = tuple(Step(s.name, s.unit_type, s.start, s.deadline) for s in spec.steps)
        else:
            kind, name = OccasionKind.MONTHLY, f"Månadsuppföljning {month_name(month)} {year}"
            steps = tuple(
                Step(step, unit_type, end - 2 * day, _workday(end + days * day))
                for (step, unit_type), days in zip(STEPS, (7, 10, 14), strict=True)
            )
        if end == now:
            reporting = open_steps(today)
            last = reporting[-1].deadline
            milestones = tuple(
                Step(s.name, None, last + (7 * i + 7) * day, last + (7 * i + 7) * day)
                for i, s in enumerate(x for x in steps if x.unit_type is None)
            )
            steps, state = reporting + milestones, OPEN
        elif max(s.deadline for s in steps) < today:
            state = CLOSED
        else:
            state = PLANNED
        types = MONTHLY_PLAN_TYPES if kind == OccasionKind.MONTHLY else followup_data.ALL_PLAN_TYPES
        occasions.append(Planned(kind, name, end, steps, state, types))
    occasions.sort(key=lambda o: o.period_end)
    closed = [o for o in occasions if o.state == CLOSED and o.period_end < now]
    if closed and max(s.deadline for s in closed[-1].steps) >= today - LINGER_DAYS * day:
        last = closed[-1]
        occasions[occasions.index(last)] = Planned(
            last.kind, last.name, last.period_end, last.steps, LINGERING, last.plan_types
        )
    return occasions


def load_this_year(
    root: Unit, units: dict[str, Unit], users: dict[str, User], cal: DemoCalendar
) -> ThisYearSummary | None:
    """This year's year wheel, whatever is missing (called from load_demo
    after the model is carried forward to this year, in its transaction)."""
    model = GovernanceModel.objects.filter(organisation=root, year=cal.this_year).first()
    if model is None:
        return None
    actor = access.SYSTEM
    result = ThisYearSummary(year=cal.this_year)
    all_plan_types = {t.name: t for t in model.plan_types.all()}
    unit_types = {t.name: t for t in UnitType.objects.all()}
    existing = {(o.kind, o.period_end): o for o in model.occasions.all()}
    managers = _authors(users)
    _reporter_items(model, users)
    for spec in wheel(cal):
        occasion = existing.get((spec.kind, spec.period_end))
        plan_types = [all_plan_types[n] for n in spec.plan_types if n in all_plan_types]
        grace = GRACE_DAYS if spec.state == OPEN else 0
        follows_economy, asks_forecast = followup_economy.flags(spec.period_end)
        if occasion is None:
            occasion = services.occasion_save(
                actor=actor,
                occasion=FollowUpOccasion(
                    model=model,
                    kind=spec.kind,
                    name=spec.name,
                    period_end=spec.period_end,
                    grace_days=grace,
                    follows_economy=follows_economy,
                    asks_forecast=asks_forecast,
                ),
                plan_types=plan_types,
            )
            result.occasions_created += 1
        elif occasion.status != OccasionStatus.PLANNED:
            if occasion.status == OccasionStatus.OPEN and spec.state == OPEN:
                result.open_now.append(occasion.name)
            continue  # opened or closed already: left as it is
        elif (
            occasion.grace_days != grace
            or set(occasion.plan_types.all()) != set(plan_types)
            or (occasion.follows_economy, occasion.asks_forecast)
            != (follows_economy, asks_forecast)
        ):
            occasion.grace_days = grace
            occasion.follows_economy, occasion.asks_forecast = follows_economy, asks_forecast
            occasion = services.occasion_save(
                actor=actor, occasion=occasion, plan_types=plan_types, version=occasion.version
            )
            result.occasions_changed += 1
        _steps(result, occasion, spec, unit_types)
        if spec.state == PLANNED:
            continue
        tasks = services.occasion_open(actor=actor, occasion=occasion)
        result.occasions_opened += 1
        result.tasks_created += len(tasks)
        _report(result, occasion, [t for t in tasks if not t.is_economy], managers, cal, spec)
        forecasts, done = followup_economy.write_forecasts(
            occasion,
            tasks,
            managers,
            state=spec.state,
            today=cal.today,
            skip=set(SILENT) if spec.state == LINGERING else set(),
        )
        result.forecasts_created += forecasts
        result.tasks_done += done
        if spec.state == CLOSED:
            services.occasion_close(actor=actor, occasion=occasion)
            result.occasions_closed += 1
        elif spec.state == LINGERING:
            result.lingering.append(occasion.title)
        else:
            result.open_now.append(occasion.name)
    if result.open_now:
        now = next(o for o in model.occasions.all() if o.name == result.open_now[-1])
        result.deadlines = [
            (s.name, s.deadline) for s in now.steps.all() if s.unit_type_id is not None
        ]
    _events(result, model)
    return result


def _reporter_items(model: GovernanceModel, users: dict[str, User]) -> None:
    """The demo's Rapportör is responsible for items of her unit's plans this
    year (its activities and indicators, else its first goal), so the
    occasions give her tasks of her own, as a model owner assigns a reporter
    in the item form. Nothing when she is responsible for something already."""
    reporter = users[data.REPORTER.login]
    items = Item.objects.filter(
        plan__plan_type__model=model, plan__unit__code=data.REPORTER_UNIT
    ).order_by("number", "pk")
    if items.filter(responsible=reporter).exists():
        return
    chosen = list(items.filter(kind__in=[ItemKind.ACTIVITY, ItemKind.INDICATOR])[:2]) or list(
        items.filter(kind=ItemKind.GOAL)[:1]
    )
    for item in chosen:
        planning.item_update(
            actor=access.SYSTEM, item=item, version=item.version, responsible=reporter
        )


def _steps(
    result: ThisYearSummary,
    occasion: FollowUpOccasion,
    spec: Planned,
    unit_types: dict[str, UnitType],
) -> None:
    """The occasion's steps as the demo has them (the occasion is planned)."""
    steps = {s.name: s for s in occasion.steps.all()}
    for step in spec.steps:
        unit_type = unit_types[step.unit_type] if step.unit_type else None
        found = steps.get(step.name)
        if found is None:
            found = OccasionStep(occasion=occasion, name=step.name)
        elif (found.unit_type_id, found.start, found.deadline, found.review) == (
            getattr(unit_type, "pk", None),
            step.start,
            step.deadline,
            step.review,
        ):
            continue
        found.unit_type, found.start, found.deadline = unit_type, step.start, step.deadline
        found.review = step.review
        services.step_save(actor=access.SYSTEM, step=found, version=found.version)
        result.steps_saved += 1


def _authors(users: dict[str, User]) -> dict[str, User]:
    """Who writes a unit's reports: its manager, else the manager of the
    förvaltning that writes for it (history_data.REPORTER), else the nearest
    manager above it."""
    parents = {u.code: u.parent for u in data.UNITS}
    managers = {u.code: users[u.manager.login] for u in data.UNITS if u.manager}
    authors = {}
    for code in parents:
        look = history_data.REPORTER.get(code, code)
        while look and look not in managers:
            look = parents.get(look)
        if look:
            authors[code] = managers[look]
    return authors


def _share(*keys) -> int:
    """A fixed number 0–99 for the keys (the demo has nothing random)."""
    return zlib.crc32("/".join(str(k) for k in keys).encode()) % 100


# What the generated reports say, by the value chosen.
_COMMENTS = {
    "Klar": "Genomförd enligt plan.",
    "Påbörjad": "Pågår enligt plan.",
    "Försenad": "Försenad; en ny tidplan tas fram med avdelningen.",
}
_ASSESSED = (
    "Utvecklingen går åt rätt håll och följs upp vid nästa uppföljning.",
    "Utvecklingen är långsammare än planerat; avdelningen ser över insatserna.",
    "Resultatet kräver åtgärder; en handlingsplan tas fram.",
)


def _row(task: ReportingTask, item, values: dict, spec: Planned) -> services.ReportData:
    """A report for one item, the same every time for the same item, unit
    and period: mostly on track, some slower, a few needing measures."""
    share = _share(task.unit.code, item.number, spec.period_end)
    grade = 0 if share < 70 else 1 if share < 92 else 2
    field = "status" if item.kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT) else "assessment"
    scale_id = services.scale_for(task.plan_type, item, field, task.unit_id)
    chosen = None
    completion = None
    comment = analysis = ""
    if field == "status":
        label = "Påbörjad"
        if item.end_date and item.end_date <= spec.period_end:
            label = "Klar"
        elif grade == 2:
            label = "Försenad"
        chosen = values.get((scale_id, label))
        if item.start_date and item.end_date and item.end_date > item.start_date:
            done = (spec.period_end - item.start_date) / (item.end_date - item.start_date)
            completion = max(0, min(100, round(done * 10) * 10))
        if label == "Klar":
            completion = 100
        comment = _COMMENTS[label]
    else:
        scale = sorted((v for (s, _l), v in values.items() if s == scale_id), key=lambda v: v.order)
        if scale:
            chosen = scale[min(grade, len(scale) - 1)]
        if item.kind == ItemKind.GOAL:
            analysis = _ASSESSED[grade]
        else:
            comment = _ASSESSED[grade]
    return services.ReportData(
        status=chosen if field == "status" else None,
        assessment=chosen if field == "assessment" else None,
        completion=completion,
        comment=comment,
        analysis=analysis,
        measures="",
        measures_responsible="",
        measures_due=None,
    )


def _report(
    result: ThisYearSummary,
    occasion: FollowUpOccasion,
    tasks: list[ReportingTask],
    managers: dict[str, User],
    cal: DemoCalendar,
    spec: Planned,
) -> None:
    """Reports of a just-opened occasion: all of them for a closed one, a
    mix (klarmarkerad, påbörjad, not started) for the one open today."""
    values = {
        (v.scale_id, v.label): v
        for v in ScaleValue.objects.filter(scale__model_id=occasion.model_id)
    }
    deadlines = {s.unit_type_id: s.deadline for s in occasion.steps.all()}
    levels = {ENHET: 0}
    # The enhetschef on the login page has begun and has something left to do.
    begun = {u.code for u in data.UNITS if u.manager == data.UNIT_HEAD}
    reported: set[tuple[int, int]] = set()
    new: list[Report] = []
    dated: list[tuple[int, list[int], datetime.datetime]] = []
    done: list[ReportingTask] = []
    tasks = sorted(tasks, key=lambda t: (t.reporter_id is not None, t.unit.code, t.plan_type_id))
    items_of = services.tasks_items(tasks)
    for index, task in enumerate(tasks):
        unit = task.unit
        author = task.reporter or managers.get(unit.code)
        if author is None:
            continue
        deadline = deadlines.get(unit.unit_type_id) or occasion.period_end
        items = [i for i in items_of.get(task.pk, ()) if (unit.pk, i.pk) not in reported]
        if (
            spec.state == LINGERING
            and unit.unit_type_id in deadlines
            and unit.code not in begun
            and (index % 9 == 4 or unit.code in SILENT)
        ):
            continue  # never reported: locked once the deadline passed
        if spec.state in (CLOSED, LINGERING):
            portion, finished = 1.0, True
            on = min(deadline, occasion.period_end + datetime.timedelta(days=2 + index % 5))
            on = max(on, occasion.period_end - datetime.timedelta(days=2))
        else:
            if unit.code in begun:
                portion, finished = 0.5, False
            elif levels.get(unit.unit_type.name) == 0:
                # the enheter: klarmarkerad, påbörjad or not begun, in turn
                portion, finished = ((1.0, True), (0.5, False), (0.0, False))[index % 3]
            else:
                # the levels whose deadlines are ahead: a third have begun
                portion, finished = (0.5 if index % 3 == 0 else 0.0), False
            on = cal.today - datetime.timedelta(days=1 + index % 4)
        on = _workday_before(on)
        chosen = items[: max(1, round(len(items) * portion))] if portion else []
        written = []
        for item in chosen:
            new.append(new_report(task, item, author, _row(task, item, values, spec)))
            written.append(item.pk)
            reported.add((unit.pk, item.pk))
        if written:
            dated.append((unit.pk, written, _when(on)))
        if finished:
            task.done_at = _when(on)
            task.done_by = author
            task.version += 1
            set_actor(task, author, "Klarmarkerad")
            done.append(task)
    bulk_create_with_history(new, Report, batch_size=500)
    result.reports_created += len(new)
    for unit_id, item_ids, when in dated:
        occasion.reports.filter(unit_id=unit_id, item_id__in=item_ids).update(updated_at=when)
    for task in done:
        task.save()
    result.tasks_done += len(done)


def _events(result: ThisYearSummary, model: GovernanceModel) -> None:
    """The budget and planning calendar of last year, moved to this year,
    when the year has no calendar events yet."""
    if model.events.exists():
        return
    this = DemoCalendar.for_date(datetime.date(model.year, 1, 1), model.year)
    services.wheel_defaults_add(actor=access.SYSTEM, model=model)
    processes = {c.name: c for c in model.event_categories.all()}
    bodies = {b.name: b for b in model.deciding_bodies.all()}
    for event in this.shift(followup_data.EVENTS):
        services.event_save(
            actor=access.SYSTEM,
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
