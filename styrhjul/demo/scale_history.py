"""Earlier model years for the scale data set (`styrhjul load-scale --years N`).

A municipality that has used Styrhjul for ten years has ten earlier model
years in its tables: each year's plans and items (copied forward every year
by "Kopiera till nästa år", so an item keeps its `series` from year to
year), their links, targets and shares, and that year's follow-up with its
tasks, reports and outcomes. `add_history` writes that for the N years
before the data set's year, as copies of the data set's own year: the
styrmodell of each earlier year is made with the defaults (as the data
set's own), and plans, items (active ones, dates moved back), targets,
links and shares are what the year copy (planning.services.copy_plans)
leaves; the follow-up (the Delårsrapport of that year, closed, every task
marked done) has the same reports as this year's and the outcomes for
that year's period.

The rows are written with INSERT … SELECT in the database, one statement
per table and year, without history rows (like the rest of the generated
data), and the column lists come from the models, so a column added later
is copied too. A new item is found from its source by `series` within the
new year's plans. Statistics are refreshed (ANALYZE on PostgreSQL) after the
items of each year, before the statements that look them up.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from styrhjul.core import dbstats
from styrhjul.followup.models import (
    FollowUpOccasion,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import GoalLevel, GovernanceModel, Perspective, PlanType, ScaleValue
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import IndicatorTarget, Item, ItemLink, ItemShare, Plan


@dataclass
class HistoryResult:
    years: list[int]
    plans: int = 0
    items: int = 0
    links: int = 0
    shares: int = 0
    reports: int = 0
    values: int = 0
    seconds: float = 0.0

    @property
    def message(self) -> str:
        if not self.years:
            return "historiken fanns redan."
        span = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else f"{self.years[0]}"
        return (
            f"historik för {span} ({len(self.years)} år) byggd på "
            f"{self.seconds:.1f} s: {self.plans} planer, {self.items} poster, "
            f"{self.links} kopplingar, {self.shares} delningar, {self.reports} rapporter, "
            f"{self.values} utfall."
        )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _case(column: str, mapping: dict[int, int]) -> str:
    """A CASE expression mapping ids (all ints, so literal in the SQL)."""
    if not mapping:
        return "NULL"
    whens = " ".join(f"WHEN {int(a)} THEN {int(b)}" for a, b in mapping.items())
    return f"CASE {column} {whens} ELSE NULL END"


def _ids(values) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _shift_date(column: str, years: int) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - INTERVAL '{int(years)} years')::date"
    return f"date({column}, '-{int(years)} years')"


def _insert_select(model, source: str, exprs: dict[str, str], params=()) -> int:
    """INSERT INTO the model's table every concrete column but the primary
    key, from `source` (a FROM clause whose copied table is `src`): the
    column's expression in `exprs` (by field name), else the same column of
    `src`. The number of rows written."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_q(f.column) for f in fields)
    select = ", ".join(exprs.get(f.name, f"src.{_q(f.column)}") for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(model)} ({columns}) SELECT {select} FROM {source}", params
        )
        return cursor.rowcount


def _by_name(queryset, key=lambda o: o.name) -> dict:
    return {key(o): o.pk for o in queryset}


class _Year:
    """One earlier year copied from the data set's year `source`."""

    def __init__(self, root: Unit, source: GovernanceModel, year: int, log):
        self.root, self.source, self.year, self.log = root, source, year, log
        self.back = source.year - year

    def _map(self, queryset, field: str, key=lambda o: o.name) -> dict[int, int]:
        """Old pk → new pk of the rows of the two models with the same key."""
        old = _by_name(queryset.filter(**{field: self.source}), key)
        new = _by_name(queryset.filter(**{field: self.target}), key)
        return {pk: new[k] for k, pk in old.items() if k in new}

    def run(self, result: HistoryResult) -> None:
        self.target = model_create_default(
            actor=access.SYSTEM, organisation=self.root, year=self.year
        )
        self.plan_types = self._map(PlanType.objects.all(), "model")
        perspectives = self._map(Perspective.objects.all(), "model")
        levels = self._map(GoalLevel.objects.all(), "model")
        self.values = self._map(
            ScaleValue.objects.select_related("scale"),
            "scale__model",
            lambda o: (o.scale.kind, o.scale.name, o.order, o.label),
        )
        old_types = _ids(self.plan_types)
        new_types = _ids(self.plan_types.values())
        plan, item = _table(Plan), _table(Item)
        result.plans += _insert_select(
            Plan,
            f"{plan} src WHERE src.plan_type_id IN ({old_types})",
            {"plan_type": _case("src.plan_type_id", self.plan_types)},
        )
        # The new plan of an old plan: the same unit's plan of the mapped type.
        new_plan = (
            f"JOIN {plan} np ON np.unit_id = sp.unit_id "
            f"AND np.plan_type_id = {_case('sp.plan_type_id', self.plan_types)}"
        )
        result.items += _insert_select(
            Item,
            f"{item} src JOIN {plan} sp ON sp.id = src.plan_id {new_plan} "
            f"WHERE sp.plan_type_id IN ({old_types}) AND src.archived_at IS NULL",
            {
                "plan": "np.id",
                "perspective": _case("src.perspective_id", perspectives),
                "level": _case("src.level_id", levels),
                "version": "1",
                "start_date": _shift_date("src.start_date", self.back),
                "end_date": _shift_date("src.end_date", self.back),
            },
        )
        dbstats.refresh((Plan, Item), log=self.log)

        def new_item(alias: str, old: str) -> str:
            """Join `alias` as the new year's copy of the item `old`.id."""
            return (
                f"JOIN {item} {alias}_s ON {alias}_s.id = {old} "
                f"JOIN {item} {alias} ON {alias}.series = {alias}_s.series "
                f"JOIN {plan} {alias}_p ON {alias}_p.id = {alias}.plan_id "
                f"AND {alias}_p.plan_type_id IN ({new_types}) "
                f"JOIN {plan} {alias}_sp ON {alias}_sp.id = {alias}_s.plan_id "
                f"AND {alias}_sp.plan_type_id IN ({old_types})"
            )

        _insert_select(
            IndicatorTarget,
            f"{_table(IndicatorTarget)} src {new_item('ni', 'src.item_id')}",
            {"item": "ni.id"},
        )
        result.links += _insert_select(
            ItemLink,
            f"{_table(ItemLink)} src {new_item('ni', 'src.item_id')} "
            f"{new_item('nt', 'src.target_id')}",
            {"item": "ni.id", "target": "nt.id"},
        )
        result.shares += _insert_select(
            ItemShare,
            f"{_table(ItemShare)} src {new_item('ni', 'src.item_id')} "
            f"JOIN {plan} sp ON sp.id = src.plan_id {new_plan} "
            "WHERE src.ended_at IS NULL",
            {"item": "ni.id", "plan": "np.id"},
        )
        self.followup(result, new_item)
        dbstats.refresh((IndicatorTarget, ItemLink, ItemShare), log=self.log)

    def followup(self, result: HistoryResult, new_item) -> None:
        """The year's follow-up, closed and reported as this year's is."""
        for occasion in FollowUpOccasion.objects.filter(model=self.source).order_by("pk"):
            name = occasion.name.replace(str(self.source.year), str(self.year))
            copy = FollowUpOccasion.objects.create(
                model=self.target,
                kind=occasion.kind,
                name=name,
                period_end=_back(occasion.period_end, self.back),
                status=OccasionStatus.CLOSED,
            )
            copy.plan_types.set(
                [self.plan_types[pk] for pk in occasion.plan_types.values_list("pk", flat=True)]
            )
            steps = {}
            for step in occasion.steps.order_by("pk"):
                steps[step.pk] = OccasionStep.objects.create(
                    occasion=copy,
                    name=step.name,
                    unit_type_id=step.unit_type_id,
                    start=_back(step.start, self.back),
                    deadline=_back(step.deadline, self.back),
                    review=step.review,
                ).pk
            done = datetime.datetime.combine(
                _back(max((s.deadline for s in occasion.steps.all()), default=None), self.back)
                or copy.period_end,
                datetime.time(12),
                datetime.UTC,
            )
            _insert_select(
                ReportingTask,
                f"{_table(ReportingTask)} src WHERE src.occasion_id = %s",
                {
                    "occasion": str(int(copy.pk)),
                    "plan_type": _case("src.plan_type_id", self.plan_types),
                    "step": _case("src.step_id", steps),
                    "name": "REPLACE(src.name, %s, %s)",
                    "done_at": "%s",
                    "reopened_until": "NULL",
                },
                [occasion.name, copy.name, done, occasion.pk],
            )
            result.reports += _insert_select(
                Report,
                f"{_table(Report)} src {new_item('ni', 'src.item_id')} WHERE src.occasion_id = %s",
                {
                    "occasion": str(int(copy.pk)),
                    "item": "ni.id",
                    "status": _case("src.status_id", self.values),
                    "assessment": _case("src.assessment_id", self.values),
                },
                [occasion.pk],
            )
        result.values += _insert_select(
            IndicatorValue,
            f"{_table(IndicatorValue)} src {new_item('ni', 'src.item_id')} WHERE src.year = %s",
            {
                "item": "ni.id",
                "year": str(int(self.year)),
                "period": f"'{int(self.year)}' || substr(src.period, 5)",
            },
            [self.source.year],
        )


def _back(day: datetime.date | None, years: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def add_history(
    root: Unit, *, year: int, years: int, log: Callable[[str], None] = lambda line: None
) -> HistoryResult:
    """The `years` model years before `year`, each a copy of `year` (see the
    module); years whose model exists are left alone. The scale units are
    made valid from the first of them. Call inside a transaction, after the
    data set's year (and its follow-up) is built."""
    started = time.perf_counter()
    source = GovernanceModel.objects.filter(organisation=root, year=year).first()
    if source is None or years <= 0:
        return HistoryResult(years=[])
    have = set(GovernanceModel.objects.filter(organisation=root).values_list("year", flat=True))
    wanted = [y for y in range(year - years, year) if y not in have]
    result = HistoryResult(years=wanted)
    if not wanted:
        return result
    first = datetime.date(wanted[0], 1, 1)
    Unit.objects.filter(
        pk__in=Unit.objects.descendants(root, include_self=True).values("pk"),
        valid_from__gt=first,
    ).update(valid_from=first)
    for y in reversed(wanted):
        t = time.perf_counter()
        _Year(root, source, y, log).run(result)
        log(f"  historik {y}: {time.perf_counter() - t:.2f} s")
    dbstats.refresh(
        (
            Plan,
            Item,
            IndicatorTarget,
            ItemLink,
            ItemShare,
            FollowUpOccasion,
            OccasionStep,
            ReportingTask,
            Report,
            IndicatorValue,
        ),
        log=log,
    )
    result.seconds = time.perf_counter() - started
    return result
