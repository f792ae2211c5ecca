"""Copying a year wheel (årshjulet) to another year: the occasions with
their plan types and steps (deadlines and milestones), and the calendar
events, moved the number of years between the models.

Two ways in: "Kopiera till nästa år" copies the wheel with the model
(planning.services.model_copy_to_next_year calls `copy` through
planning.year_copy, which followup.apps registers), and "Kopiera årshjulet
från …" on the Årshjul page copies it into a year whose model exists
(services.wheel_copy_from). Both first show `plan`: what will be copied,
with the old and new dates, and what is skipped.

The date rules (docs/uppfoljning.md):

- An occasion's period end keeps its calendar date (`same_date`): 31
  August stays 31 August, the last day of a month stays the last day of
  the month (28 February → 29 February in a leap year), 29 February → 28
  February.
- Starts, deadlines, milestones and events keep their weekday
  (`same_weekday`): the same weekday in the same week of the same month,
  so the third Monday of September stays the third Monday of September (52
  or 53 weeks later for one year) and nothing drifts from year to year. A
  date in a month's fifth week goes to the month's last such weekday.
- A step's start that would come after its deadline moves with the
  deadline and keeps the step's length; an event's end keeps its length
  from the start.

The year's processes (event categories) and deciding bodies are copied too,
by name: those the target year lacks are created with the same colour,
symbol and order; an event keeps its process, deciding body, owner (unit
and person) and its occasion (the copy of it, found by its moved name).

Copied occasions are drafts (Planerad): not opened, no tasks. An occasion
whose kind and period already exist in the target year, or whose name is
taken there, is skipped and listed; so is an event with the same title on
the same day. Nothing is duplicated or overwritten."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.model.models import GovernanceModel, PlanType
from styrhjul.organisation.models import Unit

from .models import (
    CalendarEvent,
    DecidingBody,
    EventCategory,
    FollowUpOccasion,
    OccasionStatus,
    OccasionStep,
)

# The part of the copy page of planning (planning/copy_year.html) that lists the wheel.
template = "followup/_wheel_copy_preview.html"

YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


# --- The date rules ---------------------------------------------------------------------


def same_date(day: datetime.date, years: int) -> datetime.date:
    """The same calendar date `years` later; the last day of a month stays
    the last day of the month (so 29 February becomes 28 February)."""
    year = day.year + years
    last_old = calendar.monthrange(day.year, day.month)[1]
    last_new = calendar.monthrange(year, day.month)[1]
    if day.day == last_old:
        return datetime.date(year, day.month, last_new)
    return datetime.date(year, day.month, min(day.day, last_new))


def same_weekday(day: datetime.date, years: int) -> datetime.date:
    """The same weekday in the same week of the same month `years` later:
    the third Monday of September stays the third Monday of September. A
    date in the month's fifth week goes to the month's last such weekday."""
    year = day.year + years
    week = (day.day - 1) // 7
    first = datetime.date(year, day.month, 1)
    number = 1 + (day.weekday() - first.weekday()) % 7 + 7 * week
    last = calendar.monthrange(year, day.month)[1]
    while number > last:
        number -= 7
    return datetime.date(year, day.month, number)


def moved_text(text: str, source_year: int, years: int) -> str:
    """A name or title with the years around the source year (the year
    before, the year and the year after) moved too: "Delårsrapport 2025" →
    "Delårsrapport 2026", "Budgetdag inför 2026" → "Budgetdag inför 2027"."""

    def move(match: re.Match) -> str:
        year = int(match.group(1))
        return str(year + years) if abs(year - source_year) <= 1 else match.group(1)

    return YEAR.sub(move, text)


# --- What will be copied -------------------------------------------------------------------


@dataclass
class StepCopy:
    step: OccasionStep
    name: str
    start: datetime.date
    deadline: datetime.date

    @property
    def is_milestone(self) -> bool:
        return self.step.unit_type_id is None


@dataclass
class OccasionCopy:
    occasion: FollowUpOccasion
    name: str
    period_end: datetime.date
    plan_types: list[PlanType]
    missing_plan_types: list[str]
    steps: list[StepCopy]
    skipped: str = ""

    @property
    def title(self) -> str:
        """The copy's name as shown (FollowUpOccasion.title)."""
        return FollowUpOccasion(name=self.name, period_end=self.period_end).title


@dataclass
class EventCopy:
    event: CalendarEvent
    title: str
    description: str
    start: datetime.date
    end: datetime.date | None
    skipped: str = ""


@dataclass
class WheelCopy:
    source_year: int
    target_year: int
    occasions: list[OccasionCopy] = field(default_factory=list)
    events: list[EventCopy] = field(default_factory=list)

    @property
    def copied_occasions(self) -> list[OccasionCopy]:
        return [o for o in self.occasions if not o.skipped]

    @property
    def skipped_occasions(self) -> list[OccasionCopy]:
        return [o for o in self.occasions if o.skipped]

    @property
    def copied_events(self) -> list[EventCopy]:
        return [e for e in self.events if not e.skipped]

    @property
    def skipped_events(self) -> list[EventCopy]:
        return [e for e in self.events if e.skipped]

    @property
    def copied_steps(self) -> int:
        return sum(len(o.steps) for o in self.copied_occasions)

    @property
    def is_empty(self) -> bool:
        """Nothing to copy (all skipped, or the source year has no wheel)."""
        return not self.copied_occasions and not self.copied_events


def _plan_type_map(source: GovernanceModel, target: GovernanceModel | None) -> dict[int, PlanType]:
    """Source plan type pk → the target's plan type of the same name."""
    if target is None:
        return {}
    by_name: dict[str, PlanType] = {}
    for plan_type in target.plan_types.order_by("-order", "-pk"):
        by_name[plan_type.name] = plan_type
    return {
        plan_type.pk: by_name[plan_type.name]
        for plan_type in source.plan_types.all()
        if plan_type.name in by_name
    }


def plan(
    source: GovernanceModel,
    target_year: int,
    target: GovernanceModel | None = None,
    plan_types: dict[int, PlanType] | None = None,
) -> WheelCopy:
    """What copying the source model's wheel to `target_year` does. Without
    `target` (the model is yet to be copied), the plan types are the source's
    own, copied with the model; with it, they are the target's plan types
    of the same names (or `plan_types`, source pk → copy)."""
    years = target_year - source.year
    result = WheelCopy(source.year, target_year)
    if target is not None and plan_types is None:
        plan_types = _plan_type_map(source, target)
    existing = list(target.occasions.all()) if target is not None else []
    periods = {(o.kind, o.period_end): o for o in existing}
    names = {o.name.casefold(): o for o in existing}
    occasions = source.occasions.prefetch_related(
        "plan_types", Prefetch("steps", OccasionStep.objects.select_related("unit_type"))
    ).order_by("period_end", "name")
    for occasion in occasions:
        period_end = same_date(occasion.period_end, years)
        name = moved_text(occasion.name, source.year, years)
        if plan_types is None:
            mapped, missing = list(occasion.plan_types.all()), []
        else:
            mapped = [plan_types[p.pk] for p in occasion.plan_types.all() if p.pk in plan_types]
            missing = [p.name for p in occasion.plan_types.all() if p.pk not in plan_types]
        steps = []
        for step in occasion.steps.all():
            deadline = same_weekday(step.deadline, years)
            start = same_weekday(step.start, years)
            if start > deadline:
                start = deadline - (step.deadline - step.start)
            steps.append(StepCopy(step, moved_text(step.name, source.year, years), start, deadline))
        copy = OccasionCopy(occasion, name, period_end, mapped, missing, steps)
        clash = periods.get((occasion.kind, period_end))
        if clash is not None:
            copy.skipped = _("Finns redan: %(name)s, %(kind)s till och med %(date)s.") % {
                "name": clash.title,
                "kind": clash.get_kind_display().lower(),
                "date": period_end.isoformat(),
            }
        elif name.casefold() in names:
            copy.skipped = _(
                "Det finns redan ett uppföljningstillfälle som heter ”%(name)s” %(year)s."
            ) % {"name": name, "year": target_year}
        else:
            # What this copy will make, so no later one in the list repeats it.
            made = FollowUpOccasion(kind=occasion.kind, name=name, period_end=period_end)
            names[name.casefold()] = made
            periods[(occasion.kind, period_end)] = made
        result.occasions.append(copy)
    taken = set(target.events.values_list("title", "start")) if target is not None else set()
    events = source.events.select_related("category", "deciding_body", "occasion")
    for event in events.order_by("start", "title"):
        start = same_weekday(event.start, years)
        end = start + (event.end - event.start) if event.end else None
        title = moved_text(event.title, source.year, years)
        copy = EventCopy(
            event, title, moved_text(event.description, source.year, years), start, end
        )
        if (title, start) in taken:
            copy.skipped = _("Finns redan: %(title)s %(date)s.") % {
                "title": title,
                "date": start.isoformat(),
            }
        taken.add((title, start))
        result.events.append(copy)
    return result


# --- Copying -----------------------------------------------------------------------------


def _save(obj, actor, reason: str):
    obj.full_clean()
    set_actor(obj, actor, reason)
    obj.save()
    return obj


def copy_settings(*, actor, source: GovernanceModel, target: GovernanceModel, reason: str):
    """The source year's processes and deciding bodies that the target year
    lacks (by name, case ignored), created in the target with their history.
    Returns the target's processes and bodies by their names (casefolded).
    Also a part of "Kopiera till nästa år" (planning.year_copy.register_part),
    so they are copied with the model even when the wheel is not."""
    categories = {c.name.casefold(): c for c in target.event_categories.all()}
    for category in source.event_categories.all():
        if category.name.casefold() not in categories:
            categories[category.name.casefold()] = _save(
                EventCategory(
                    model=target,
                    name=category.name,
                    colour=category.colour,
                    symbol=category.symbol,
                    process_year=category.process_year,
                    order=category.order,
                ),
                actor,
                reason,
            )
    bodies = {b.name.casefold(): b for b in target.deciding_bodies.all()}
    for body in source.deciding_bodies.all():
        if body.name.casefold() not in bodies:
            bodies[body.name.casefold()] = _save(
                DecidingBody(model=target, name=body.name, order=body.order), actor, reason
            )
    return categories, bodies


def write(wheel: WheelCopy, *, actor, target: GovernanceModel, reason: str) -> WheelCopy:
    """Create what `wheel` (from `plan`, with `target`) copies, each row with
    its history (author and reason). The caller checks the access and holds
    the transaction."""
    source = GovernanceModel.objects.get(
        organisation_id=target.organisation_id, year=wheel.source_year
    )
    categories, bodies = copy_settings(actor=actor, source=source, target=target, reason=reason)
    for copy in wheel.copied_occasions:
        occasion = _save(
            FollowUpOccasion(
                model=target,
                kind=copy.occasion.kind,
                name=copy.name,
                period_end=copy.period_end,
                grace_days=copy.occasion.grace_days,
                follows_economy=copy.occasion.follows_economy,
                asks_forecast=copy.occasion.asks_forecast,
                forecast_threshold=copy.occasion.forecast_threshold,
                status=OccasionStatus.PLANNED,
            ),
            actor,
            reason,
        )
        occasion.plan_types.set(copy.plan_types)
        for step in copy.steps:
            _save(
                OccasionStep(
                    occasion=occasion,
                    name=step.name,
                    unit_type_id=step.step.unit_type_id,
                    start=step.start,
                    deadline=step.deadline,
                    review=step.step.review,
                ),
                actor,
                reason,
            )
    occasions = {o.name.casefold(): o for o in target.occasions.all()}
    years = target.year - wheel.source_year
    # An owning unit closed by the target year is left out.
    owner_ids = {c.event.owner_unit_id for c in wheel.copied_events} - {None}
    valid_owners = set(
        Unit.objects.valid_in_year(target.year)
        .filter(pk__in=owner_ids)
        .values_list("pk", flat=True)
    )
    for copy in wheel.copied_events:
        event = copy.event
        occasion = None
        if event.occasion_id is not None:
            name = moved_text(event.occasion.name, wheel.source_year, years)
            occasion = occasions.get(name.casefold())
        _save(
            CalendarEvent(
                model=target,
                title=copy.title,
                start=copy.start,
                end=copy.end,
                description=copy.description,
                category=categories.get(event.category.name.casefold())
                if event.category_id
                else None,
                deciding_body=bodies.get(event.deciding_body.name.casefold())
                if event.deciding_body_id
                else None,
                owner_unit_id=event.owner_unit_id if event.owner_unit_id in valid_owners else None,
                owner_person_id=event.owner_person_id,
                occasion=occasion,
            ),
            actor,
            reason,
        )
    return wheel


# --- For planning.year_copy ------------------------------------------------------------------


def preview(model: GovernanceModel) -> WheelCopy:
    """What "Kopiera till nästa år" copies of the model's wheel."""
    return plan(model, model.year + 1)


def copy(*, actor, source: GovernanceModel, target: GovernanceModel, plan_types, reason) -> None:
    """The wheel's part of "Kopiera till nästa år" (in its transaction,
    which checked the access): `plan_types` maps the source's plan types to
    their copies."""
    write(
        plan(source, target.year, target, plan_types=plan_types),
        actor=actor,
        target=target,
        reason=reason,
    )


def copy_settings_part(*, actor, source: GovernanceModel, target: GovernanceModel, reason: str):
    """The processes and deciding bodies' part of "Kopiera till nästa år"."""
    copy_settings(actor=actor, source=source, target=target, reason=reason)
