"""Economic follow-up at the occasions: the economy tasks (ReportingTask of
kind ECONOMY) of the units that hold ansvar and their managers, the
helårsprognos per row of the driftredovisning (Forecast, ForecastRow), its
avvikelse against the budget, the planned measures (ForecastMeasure) a
forecast too far below budget requires, and the forecasts rolled up over
the organisation tree for the managers above.

A unit's forecast is the forecast of its own ansvar; the forecast of a unit
with its sub-units is the sum over its subtree, as the economy's figures
are (economy.queries.unit_economy): forecast_totals."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from styrhjul.charts.numbers import format_number
from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_for_edit, save_edited, use_case
from styrhjul.economy.models import ReportRow
from styrhjul.economy.queries import unit_economy, units_holding_ansvar, year_start_of
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from .measures import save_followup
from .models import (
    FollowUpOccasion,
    Forecast,
    ForecastMeasure,
    ForecastRow,
    MeasureFollowUp,
    ReportingTask,
)
from .services import is_locked

ZERO = Decimal(0)
CENT = Decimal("0.01")


# --- Reading forecasts ------------------------------------------------------------------


def _subtrees(occasion: FollowUpOccasion, unit_ids: list[int]) -> dict[int, list[int]]:
    """unit id → the ids of the unit and every unit below it (in the
    organisation's tree, by name below each parent). One query."""
    organisation = occasion.model.organisation_id
    tree = Unit.objects.descendants(organisation, include_self=True).values_list(
        "pk", "parent_id", "name"
    )
    children: dict[int | None, list[tuple[str, int]]] = defaultdict(list)
    for pk, parent_id, name in tree:
        children[parent_id].append((name, pk))
    result = {}
    for unit_id in unit_ids:
        order, stack = [], [unit_id]
        while stack:
            current = stack.pop()
            order.append(current)
            stack.extend(pk for _name, pk in sorted(children.get(current, ()), reverse=True))
        result[unit_id] = order
    return result


def _ids(units) -> list[int]:
    return [getattr(u, "pk", u) for u in units]


def forecast_totals(occasion: FollowUpOccasion, units) -> dict[int, dict[int, Decimal]]:
    """Unit id → report row id → the unit's helårsprognos with its sub-units
    (the sum of the forecasts of every unit in its subtree), for `units`
    (units or ids) at the occasion. The total rows (nettokostnad) are the sum
    of the other rows. A unit none of whose subtree has forecast is absent.
    Amounts as the economy pages show them (intäkter positive, kostnader
    negative). Three queries, however many units."""
    unit_ids = _ids(units)
    if not unit_ids:
        return {}
    subtrees = _subtrees(occasion, unit_ids)
    own: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for unit_id, row_id, amount in ForecastRow.objects.filter(
        forecast__occasion=occasion
    ).values_list("forecast__unit_id", "row_id", "amount"):
        own[unit_id][row_id] = amount
    if not own:
        return {}
    rows = list(
        ReportRow.objects.filter(organisation_id=occasion.model.organisation_id).values_list(
            "pk", "is_total"
        )
    )
    result: dict[int, dict[int, Decimal]] = {}
    for unit_id in unit_ids:
        found = [own[u] for u in subtrees[unit_id] if u in own]
        if not found:
            continue
        totals = {
            row_id: sum((f.get(row_id, ZERO) for f in found), ZERO)
            for row_id, is_total in rows
            if not is_total
        }
        parts = sum(totals.values(), ZERO)
        for row_id, is_total in rows:
            if is_total:
                totals[row_id] = parts
        result[unit_id] = totals
    return result


@dataclass
class ForecastComment:
    """One unit's forecast at an occasion, as written: the comment on the
    whole, the comments per row and the planned measures."""

    unit_id: int
    unit_name: str
    forecast: Forecast
    row_comments: dict[int, str] = field(default_factory=dict)  # row id → comment
    measures: list[ForecastMeasure] = field(default_factory=list)

    @property
    def comment(self) -> str:
        return self.forecast.comment


def forecast_comments(occasion: FollowUpOccasion, units) -> dict[int, list[ForecastComment]]:
    """Unit id → the forecasts with comments and measures of the unit and the
    units below it (the unit's own first, then its subtree in tree order;
    only units that have saved a forecast), for `units` (units or ids) at
    the occasion. Four queries, however many units."""
    unit_ids = _ids(units)
    if not unit_ids:
        return {}
    subtrees = _subtrees(occasion, unit_ids)
    wanted = {u for ids in subtrees.values() for u in ids}
    forecasts = {
        f.unit_id: ForecastComment(f.unit_id, f.unit.name, f)
        for f in Forecast.objects.filter(occasion=occasion, unit_id__in=wanted).select_related(
            "unit", "updated_by"
        )
    }
    if forecasts:
        for unit_id, row_id, comment in ForecastRow.objects.filter(
            forecast__occasion=occasion, forecast__unit_id__in=list(forecasts)
        ).values_list("forecast__unit_id", "row_id", "comment"):
            if comment:
                forecasts[unit_id].row_comments[row_id] = comment
        unit_of = {c.forecast.pk: unit_id for unit_id, c in forecasts.items()}
        for measure in ForecastMeasure.objects.filter(forecast_id__in=list(unit_of)).order_by(
            "order", "pk"
        ):
            forecasts[unit_of[measure.forecast_id]].measures.append(measure)
    return {
        unit_id: [forecasts[u] for u in subtrees[unit_id] if u in forecasts] for unit_id in unit_ids
    }


# --- The economy task's figures -------------------------------------------------------------


@dataclass
class FigureRow:
    """One row of the driftredovisning on the economy task's page. Amounts as
    the economy pages show them; None where there is nothing."""

    row_id: int
    name: str
    is_total: bool
    budget_year: Decimal
    budget_to_date: Decimal
    utfall_to_date: Decimal | None
    last_year_to_date: Decimal | None
    own: Decimal | None = None  # the unit's own forecast (its own ansvar)
    below: Decimal | None = None  # the forecast of the units below it
    comment: str = ""  # the unit's comment on the row

    @property
    def forecast(self) -> Decimal | None:
        """The unit's helårsprognos with its sub-units."""
        if self.own is None and self.below is None:
            return None
        return (self.own or ZERO) + (self.below or ZERO)

    @property
    def deviation(self) -> Decimal | None:
        """Avvikelse: forecast − budget for the year (negative: worse)."""
        forecast = self.forecast
        return None if forecast is None else forecast - self.budget_year


@dataclass
class EconomyFigures:
    """What the economy task's page shows beside the forecast form."""

    year_start: datetime.date | None
    months: int  # the months of the fiscal year to the occasion's period end
    months_with_utfall: int  # of those, the months with utfall in the ledger
    rows: list[FigureRow]
    has_last_year: bool
    holds_ansvar: bool  # the unit holds ansvar of its own (enters a forecast)
    has_below: bool  # units below it hold ansvar

    @property
    def net(self) -> FigureRow | None:
        return next((r for r in self.rows if r.is_total), None)

    @property
    def input_rows(self) -> list[FigureRow]:
        return [r for r in self.rows if not r.is_total]


def _through(table, day: datetime.date) -> int:
    return sum(1 for m in table.months if m <= day)


def economy_figures(task: ReportingTask) -> EconomyFigures:
    """Budget, utfall to the occasion's period end, last year's utfall for
    the same months and the forecasts (own and the units below) per row, for
    the task's unit with its sub-units (economy.queries.unit_economy). A
    fixed number of queries."""
    occasion, unit = task.occasion, task.unit
    organisation = occasion.model.organisation
    day = occasion.period_end
    year_start = year_start_of(organisation, day)
    holders = units_holding_ansvar(organisation, day)
    subtree = _subtrees(occasion, [unit.pk])[unit.pk]
    holds_ansvar = unit.pk in holders
    has_below = any(u in holders for u in subtree[1:])
    if year_start is None:
        rows = [
            FigureRow(r.pk, r.name, r.is_total, ZERO, ZERO, None, None)
            for r in ReportRow.objects.filter(organisation=organisation)
        ]
        return EconomyFigures(None, 0, 0, rows, False, holds_ansvar, has_below)
    table = unit_economy(unit, year_start)
    months = _through(table, day)
    last_start = year_start.replace(year=year_start.year - 1)
    last = unit_economy(unit, last_start) if last_start in table.years else None
    last_rows = {r.row_id: r for r in last.rows} if last else {}
    own = {}
    forecast = Forecast.objects.filter(occasion=occasion, unit=unit).first()
    if forecast is not None:
        own = {r.row_id: r for r in forecast.rows.all()}
    # The units below: the subtree's forecast less the unit's own.
    with_below = forecast_totals(occasion, [unit.pk]).get(unit.pk, {}) if has_below else {}
    to_date = table.months_to(day)  # budget and utfall over the same months
    rows = []
    for figures in table.rows:
        budget_to_date, utfall_to_date = figures.to_date(to_date)
        row = FigureRow(
            figures.row_id,
            figures.name,
            figures.is_total,
            figures.budget_year,
            budget_to_date,
            utfall_to_date if any(u is not None for u in figures.utfall[:to_date]) else None,
            last_rows[figures.row_id].to_date(to_date)[1] if figures.row_id in last_rows else None,
        )
        if figures.row_id in own:
            row.own = own[figures.row_id].amount
            row.comment = own[figures.row_id].comment
        rows.append(row)
    net_own = [r.own for r in rows if not r.is_total and r.own is not None]
    for row in rows:
        if row.is_total and net_own:
            row.own = sum(net_own, ZERO)
        if with_below:
            row.below = with_below.get(row.row_id, ZERO) - (row.own or ZERO)
    return EconomyFigures(
        year_start, months, to_date, rows, last is not None, holds_ansvar, has_below
    )


def threshold_amount(occasion: FollowUpOccasion, budget_net: Decimal) -> Decimal:
    """How far below the budget's nettokostnad a forecast may be before
    planned measures are required: the occasion's percentage of the
    budget's nettokostnad (its size)."""
    return (abs(budget_net) * occasion.forecast_threshold / 100).quantize(CENT)


def _decimals(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def needs_measures(occasion: FollowUpOccasion, net_budget: Decimal, net_forecast) -> bool:
    if net_forecast is None:
        return False
    return net_forecast - net_budget < -threshold_amount(occasion, net_budget)


# --- Saving a forecast ----------------------------------------------------------------------


@dataclass
class MeasureInput:
    """A planned measure as entered: `pk` of a saved one, None for a new one."""

    pk: int | None
    text: str
    responsible: str
    due: datetime.date | None

    @property
    def blank(self) -> bool:
        return not (self.text.strip() or self.responsible.strip() or self.due)


def may_forecast(user, task: ReportingTask) -> bool:
    """The unit's manager (write access to the unit, not a Rapportör of
    assigned items only) while the task is not klarmarkerad, at an economy
    task of an occasion that asks for a forecast. Locking is is_locked."""
    return (
        task.is_economy
        and task.occasion.asks_forecast
        and access.may_change_task(user, task)
        and not access.reports_only_assigned(user, task.unit)
    )


def measure_errors(measures: list[MeasureInput]) -> dict[str, str]:
    """Per measure field (measure-<index>-text/-responsible/-due): what is
    missing in a measure that is partly filled in."""
    errors = {}
    for index, m in enumerate(measures):
        if m.blank:
            continue
        if not m.text.strip():
            errors[f"measure-{index}-text"] = _("Beskriv åtgärden.")
        if not m.responsible.strip():
            errors[f"measure-{index}-responsible"] = _("Ange vem som ansvarar för åtgärden.")
        if m.due is None:
            errors[f"measure-{index}-due"] = _("Ange när åtgärden ska vara klar.")
    return errors


def _subtree_has_measures(task: ReportingTask) -> bool:
    """Whether a unit below the task's unit planned measures at the occasion."""
    below = _subtrees(task.occasion, [task.unit_id])[task.unit_id][1:]
    return ForecastMeasure.objects.filter(
        forecast__occasion=task.occasion, forecast__unit_id__in=below
    ).exists()


@use_case
def forecast_save(
    *,
    actor,
    task: ReportingTask,
    amounts: dict[int, Decimal | None],
    comments: dict[int, str],
    comment: str,
    measures: list[MeasureInput],
    version: int,
) -> Forecast:
    """Save the unit's helårsprognos at the task's occasion: an amount for
    every row of the driftredovisning that is not a total (`amounts` by row
    id; as the economy pages show them, kostnader negative), a comment per
    row and on the whole, and the planned measures. When the forecast of the
    nettokostnad (with the units below) is below the budget by more than the
    occasion's limit, measures are required (of the unit or a unit below).
    `version` is the version the user opened (0 for none yet); a save by
    someone else in between refuses this one with EditConflict."""
    if not may_forecast(actor, task):
        raise PermissionDenied
    if is_locked(task):
        raise ValidationError(
            _("Rapporteringen är låst: tidsfristen har passerat eller uppföljningen är stängd.")
        )
    figures = economy_figures(task)
    if not figures.holds_ansvar:
        raise ValidationError(_("Enheten har inga egna ansvar att lämna prognos för."))
    errors: dict[str, str] = {}
    for row in figures.input_rows:
        if amounts.get(row.row_id) is None:
            errors[f"row-{row.row_id}"] = _("Ange prognosen för helåret i kronor, 0 om inget.")
    errors.update(measure_errors(measures))
    kept = [m for m in measures if not m.blank]
    net = figures.net
    if net is not None and not errors:
        own = sum((amounts[r.row_id] for r in figures.input_rows), ZERO)
        forecast_net = own + (net.below or ZERO)
        if (
            needs_measures(task.occasion, net.budget_year, forecast_net)
            and not kept
            and not _subtree_has_measures(task)
        ):
            errors["measures"] = _(
                "Prognosen för nettokostnaden är %(deviation)s kronor sämre än budgeten, mer än "
                "gränsen %(limit)s kronor (%(percent)s %% av budgeten). Beskriv de åtgärder ni "
                "planerar: vad, vem som ansvarar och när."
            ) % {
                "deviation": format_number(-(forecast_net - net.budget_year), 0),
                "limit": format_number(threshold_amount(task.occasion, net.budget_year), 0),
                "percent": format_number(
                    task.occasion.forecast_threshold, _decimals(task.occasion.forecast_threshold)
                ),
            }
    if errors:
        raise ValidationError(errors)
    forecast = lock_for_edit(
        Forecast,
        version,
        gone=_("Prognosen finns inte längre. Ladda om sidan."),
        occasion=task.occasion,
        unit=task.unit,
    )
    forecast.comment = comment.strip()
    forecast = save_edited(forecast, actor)
    saved_rows = {r.row_id: r for r in forecast.rows.all()}
    for row in figures.input_rows:
        obj = saved_rows.get(row.row_id) or ForecastRow(forecast=forecast, row_id=row.row_id)
        amount, text = amounts[row.row_id], comments.get(row.row_id, "").strip()
        if obj.pk and obj.amount == amount and obj.comment == text:
            continue
        obj.amount, obj.comment = amount, text
        set_actor(obj, actor)
        obj.save()
    saved_measures = {m.pk: m for m in forecast.measures.all()}
    for order, m in enumerate(measures):
        obj = saved_measures.pop(m.pk, None) if m.pk else None
        if m.blank:
            if obj is not None:
                saved_measures[obj.pk] = obj  # removed below
            continue
        obj = obj or ForecastMeasure(forecast=forecast)
        obj.text, obj.responsible, obj.due, obj.order = (
            m.text.strip(),
            m.responsible.strip(),
            m.due,
            order,
        )
        set_actor(obj, actor)
        obj.save()
    for obj in saved_measures.values():
        if obj.followups.exists():
            raise ValidationError(
                _("Åtgärden ”%(text)s” har följts upp och kan inte tas bort.") % {"text": obj.text}
            )
        set_actor(obj, actor)
        obj.delete()
    return forecast


# --- Underlag for the managers above --------------------------------------------------------


@dataclass
class UnderlagPart:
    """A unit directly below the task's unit: its forecast with its own
    sub-units (summed over its subtree) per row."""

    unit_id: int
    name: str
    totals: dict[int, Decimal]

    def amount(self, row_id: int) -> Decimal | None:
        return self.totals.get(row_id)


@dataclass
class EconomyUnderlag:
    rows: list[ReportRow]
    parts: list[UnderlagPart]  # the units directly below, with their subtree's forecast
    total: dict[int, Decimal]  # row id → the units below, summed
    missing: list[str]  # the units below holding ansvar without a forecast
    comments: list[ForecastComment]  # the forecasts of the units below, in tree order
    to_forecast: int  # the units below holding ansvar

    @property
    def given(self) -> int:
        return self.to_forecast - len(self.missing)

    def part_rows(self):
        """Per part: (part, [(row, amount) per row])."""
        return [(p, [(r, p.amount(r.pk)) for r in self.rows]) for p in self.parts]

    def total_row(self):
        return [(r, self.total.get(r.pk)) for r in self.rows]


def forecast_underlag(user, task: ReportingTask) -> EconomyUnderlag:
    """The forecasts of the units below the task's unit that the user may
    read: per unit directly below, its subtree's forecast per row
    (forecast_totals), their sum, who has not forecast, and the comments and
    measures (forecast_comments). A fixed number of queries."""
    occasion = task.occasion
    organisation = occasion.model.organisation
    readable = access.unit_ids(user, access.Action.READ)
    subtree = _subtrees(occasion, [task.unit_id])[task.unit_id][1:]
    below = [u for u in subtree if readable is None or u in readable]
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=below)
        .valid_on(occasion.period_end)
        .only("pk", "name", "parent_id")
    }
    below = [u for u in below if u in units]
    children = [u for u in below if units[u].parent_id == task.unit_id]
    totals = forecast_totals(occasion, children)
    rows = list(ReportRow.objects.filter(organisation=organisation))
    parts = [UnderlagPart(u, units[u].name, totals.get(u, {})) for u in children]
    total: dict[int, Decimal] = {}
    for part in parts:
        for row_id, amount in part.totals.items():
            total[row_id] = total.get(row_id, ZERO) + amount
    holders = units_holding_ansvar(organisation, occasion.period_end) & set(below)
    found = forecast_comments(occasion, [task.unit_id])[task.unit_id]
    comments = [c for c in found if c.unit_id in units]
    have = {c.unit_id for c in found}
    missing = [units[u].name for u in below if u in holders and u not in have]
    return EconomyUnderlag(rows, parts, total, missing, comments, len(holders))


# --- Measures followed up at later occasions ------------------------------------------------


@dataclass
class OpenForecastMeasure:
    """A measure planned with an earlier forecast of the unit, not done before
    this occasion; `followup` is this occasion's follow-up, if saved."""

    measure: ForecastMeasure
    followup: MeasureFollowUp | None
    earlier: list[MeasureFollowUp]
    result_value: str | None = None
    done_value: bool | None = None
    error: str = ""
    result_error: str = ""
    saved: bool = False

    @property
    def text(self) -> str:
        if self.result_value is not None:
            return self.result_value
        return self.followup.result if self.followup else ""

    @property
    def checked(self) -> bool:
        if self.done_value is not None:
            return self.done_value
        return bool(self.followup and self.followup.done)

    @property
    def overdue(self) -> bool:
        return not self.checked and self.measure.due < self.period_end

    period_end: datetime.date = datetime.date.max


def _earlier_measures(task: ReportingTask):
    """The unit's measures from forecasts at earlier occasions of the
    organisation (any year) not marked done at an occasion before this one."""
    before = task.occasion.period_end
    done_before = MeasureFollowUp.objects.filter(
        forecast_measure=OuterRef("pk"), done=True, occasion__period_end__lt=before
    )
    return ForecastMeasure.objects.filter(
        forecast__unit_id=task.unit_id,
        forecast__occasion__model__organisation_id=task.occasion.model.organisation_id,
        forecast__occasion__period_end__lt=before,
    ).exclude(Exists(done_before))


def open_forecast_measures(task: ReportingTask) -> list[OpenForecastMeasure]:
    """The measures followed up at the economy task, oldest first. Two queries."""
    measures = list(
        _earlier_measures(task)
        .select_related("forecast__occasion")
        .order_by("forecast__occasion__period_end", "order", "pk")
    )
    if not measures:
        return []
    followups: dict[int, list[MeasureFollowUp]] = defaultdict(list)
    for f in (
        MeasureFollowUp.objects.filter(forecast_measure__in=measures)
        .select_related("occasion", "updated_by")
        .order_by("occasion__period_end")
    ):
        followups[f.forecast_measure_id].append(f)
    result = []
    for measure in measures:
        own = followups.get(measure.pk, [])
        current = next((f for f in own if f.occasion_id == task.occasion_id), None)
        earlier = [
            f for f in own if f is not current and f.occasion.period_end < task.occasion.period_end
        ]
        found = OpenForecastMeasure(measure, current, earlier)
        found.period_end = task.occasion.period_end
        result.append(found)
    return result


def may_follow_up_measures(user, task: ReportingTask) -> bool:
    return (
        task.is_economy
        and access.may_change_task(user, task)
        and not access.reports_only_assigned(user, task.unit)
        and not is_locked(task)
    )


@use_case
def forecast_measure_followup_save(
    *,
    actor,
    task: ReportingTask,
    measure: ForecastMeasure,
    result: str,
    done: bool,
    version: int,
) -> MeasureFollowUp:
    """What came of a measure planned with an earlier forecast, at this economy
    task's occasion (as measures.measure_followup_save for control points).
    `version` is the version the user opened (0 for none yet)."""
    if not task.is_economy or not access.may_change_task(actor, task):
        raise PermissionDenied
    if access.reports_only_assigned(actor, task.unit):
        raise PermissionDenied
    return save_followup(
        actor,
        task,
        _earlier_measures(task),
        forecast_measure=measure,
        result=result,
        done=done,
        version=version,
    )
