"""The economic follow-up of this year's year wheel in the demo: which
occasions follow up the economy and ask for a helårsprognos, and the
forecasts, comments and planned measures the units' managers write.

As in Sjöbacka's styrmodell, the månadsuppföljningar of February, March,
April, May, September and October and the delårsbokslut follow up the
economy, and the helårsprognos is made per 31 March, 31 August and
31 October. The forecasts follow the ledger (ledger.py): an ansvar's
forecast is its budget for the year, and the ansvar that cost more (or earn
more) than their budget (ledger.OVERRUNS) forecast that, with a comment
and, where the forecast is worse than budget, planned measures. The
measures are followed up at the next economy occasions.

Everything is written directly in bulk, as the reports are (this_year.py),
for occasions just opened: a second run writes nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from styrhjul.core.audit import set_actor
from styrhjul.economy.models import ReportRow
from styrhjul.followup.models import (
    FollowUpOccasion,
    Forecast,
    ForecastMeasure,
    ForecastRow,
    MeasureFollowUp,
    ReportingTask,
)
from styrhjul.organisation.models import User

from . import ledger
from .followup import _when

ECONOMY_MONTHS = (2, 3, 4, 5, 8, 9, 10)  # the occasions that follow up the economy
FORECAST_MONTHS = (3, 8, 10)  # … and ask for a helårsprognos
THOUSAND = Decimal(1000)

ON_BUDGET = "Prognosen följer budgeten; vi ser inga större avvikelser under resten av året."
# Ansvar with an overrun: (comment, comment on the row, the row, measure, who).
EXPLAINED: dict[str, tuple[str, str, str, str, str]] = {
    "13123": (
        "Fler elever med behov av särskilt stöd än när budgeten lades; skolan har anställt "
        "fler elevassistenter. Omfördelningen från förvaltningens buffert täcker en del.",
        "Fler elevassistenter än budgeterat.",
        "Personalkostnader",
        "Se över schemat för elevassistenterna och samordna stödet mellan klasserna.",
        "Rektor",
    ),
    "14111": (
        "Fler beviljade timmar hemtjänst än budgeterat, framför allt kvällar och helger.",
        "Fler timmar och mer övertid än planerat.",
        "Personalkostnader",
        "Ny planering av turerna för kortare restid och mindre övertid.",
        "Enhetschefen",
    ),
    "14131": (
        "Fler placeringar av barn och unga i HVB och familjehem än budgeterat.",
        "Kostnaderna för placeringarna bokförs som personal- och köpta tjänster.",
        "Personalkostnader",
        "Utöka öppenvårdens insatser så att färre barn behöver placeras.",
        "Enhetschefen",
    ),
    "15121": (
        "En snörik vinter har gett högre kostnader för snöröjning och halkbekämpning.",
        "Mer övertid under vintermånaderna.",
        "Personalkostnader",
        "Skjut upp planerat underhåll av gatubelysningen till nästa år.",
        "Avdelningschefen",
    ),
    "15111": (
        "Fler bygglovsansökningar än väntat ger högre intäkter från avgifterna.",
        "Fler ansökningar om bygglov.",
        "Verksamhetens intäkter",
        "",
        "",
    ),
    "13100": (
        "Förvaltningens buffert används inte fullt ut; en del är omfördelad till "
        "Sjöbackaskolan 7–9.",
        "Bufferten används inte fullt ut.",
        "Personalkostnader",
        "",
        "",
    ),
}


def flags(period_end: datetime.date) -> tuple[bool, bool]:
    """(follows the economy, asks for a helårsprognos) for an occasion of
    this year's wheel."""
    month = period_end.month
    return month in ECONOMY_MONTHS, month in FORECAST_MONTHS


def _own_ansvar() -> dict[str, list[ledger.Ansvar]]:
    found: dict[str, list[ledger.Ansvar]] = defaultdict(list)
    for ansvar in ledger.ANSVAR:
        found[ansvar.unit].append(ansvar)
    return found


def _forecast_rows(ansvar: list[ledger.Ansvar], rows: list[ReportRow], year_index: int):
    """Row id → the forecast for the year (as the pages show it: costs
    negative), from the budget and the ansvar's overrun, in thousands."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for a in ansvar:
        cost, revenue = ledger.OVERRUNS.get(a.code, (1.0, 1.0))
        for account, months in ledger.expected(a, year_index).items():
            row = next((r for r in rows for x in r.ranges.all() if x.contains(account)), None)
            if row is None:
                continue
            factor = revenue if account.startswith("3") else cost
            if account in {"6010", "7910"}:
                factor = 1.0
            totals[row.pk] -= Decimal(str(sum(round(v, -2) for v in months) * factor))
    return {
        row.pk: (totals.get(row.pk, Decimal(0)) / THOUSAND).quantize(Decimal(1)) * THOUSAND
        for row in rows
        if not row.is_total
    }


def write_forecasts(
    occasion: FollowUpOccasion,
    tasks: list[ReportingTask],
    managers: dict[str, User],
    *,
    state: str,
    today: datetime.date,
    skip: set[str] = frozenset(),
) -> tuple[int, int]:
    """The forecasts (when the occasion asks for one) of the just-opened
    occasion's economy tasks, and the follow-ups of earlier measures. For a
    closed occasion every unit has forecast and klarmarkerat (except the
    unit codes in `skip`); for the one open today, two in three enheter
    have forecast and one in three klarmarkerat. Returns (forecasts, tasks
    marked done)."""
    economy_tasks = sorted((t for t in tasks if t.is_economy), key=lambda t: t.unit.code)
    if not economy_tasks:
        return 0, 0
    organisation = occasion.model.organisation_id
    rows = list(ReportRow.objects.filter(organisation_id=organisation).prefetch_related("ranges"))
    own = _own_ansvar()
    year_index = 1
    closed = state != "open"
    forecasts, rows_new, measures_new, done = [], [], [], []
    made: list[tuple[Forecast, list[ForecastRow], list[ForecastMeasure]]] = []
    written_on: dict[datetime.date, list[int]] = {}  # the day each unit saved its forecast
    for index, task in enumerate(economy_tasks):
        code = task.unit.code
        author = managers.get(code)
        if author is None or code in skip:
            continue
        begun = closed or index % 3 != 2
        finished = closed or index % 3 == 0
        on = (
            occasion.period_end + datetime.timedelta(days=3 + index % 5)
            if closed
            else today - datetime.timedelta(days=1 + index % 4)
        )
        if occasion.asks_forecast and begun and own.get(code):
            forecast = Forecast(occasion=occasion, unit=task.unit, updated_by=author)
            explained = [EXPLAINED[a.code] for a in own[code] if a.code in EXPLAINED]
            forecast.comment = " ".join(e[0] for e in explained) or ON_BUDGET
            set_actor(forecast, author)
            amounts = _forecast_rows(own[code], rows, year_index)
            row_comments = {e[2]: e[1] for e in explained}
            new_rows = [
                ForecastRow(
                    forecast=forecast,
                    row=row,
                    amount=amounts[row.pk],
                    comment=row_comments.get(row.name, ""),
                )
                for row in rows
                if not row.is_total
            ]
            new_measures = [
                ForecastMeasure(
                    forecast=forecast,
                    text=e[3],
                    responsible=e[4],
                    due=occasion.period_end + datetime.timedelta(days=92),
                    order=i,
                )
                for i, e in enumerate(x for x in explained if x[3])
            ]
            made.append((forecast, new_rows, new_measures))
            forecasts.append(forecast)
            written_on.setdefault(on, []).append(task.unit_id)
        if finished:
            task.done_at = _when(on)
            task.done_by = author
            task.version += 1
            set_actor(task, author, "Klarmarkerad")
            done.append(task)
    bulk_create_with_history(forecasts, Forecast, batch_size=500)
    # Saved the day the unit worked on it, an hour before any klarmarkering.
    for on, units in written_on.items():
        Forecast.objects.filter(occasion=occasion, unit_id__in=units).update(
            updated_at=_when(on) - datetime.timedelta(hours=1)
        )
    for forecast, new_rows, new_measures in made:
        for r in new_rows:
            r.forecast = forecast
            set_actor(r, forecast.updated_by)
        for m in new_measures:
            m.forecast = forecast
            set_actor(m, forecast.updated_by)
        rows_new += new_rows
        measures_new += new_measures
    bulk_create_with_history(rows_new, ForecastRow, batch_size=1000)
    bulk_create_with_history(measures_new, ForecastMeasure, batch_size=500)
    for task in done:
        task.save()
    _follow_up_measures(occasion, economy_tasks, managers, closed)
    return len(forecasts), len(done)


def _follow_up_measures(
    occasion: FollowUpOccasion,
    tasks: list[ReportingTask],
    managers: dict[str, User],
    closed: bool,
) -> None:
    """At a closed economy occasion, what came of the measures of earlier
    forecasts: done once their date has passed, in progress before."""
    if not closed:
        return
    units = {t.unit_id: t.unit.code for t in tasks}
    open_measures = ForecastMeasure.objects.filter(
        forecast__unit_id__in=list(units),
        forecast__occasion__model__organisation_id=occasion.model.organisation_id,
        forecast__occasion__period_end__lt=occasion.period_end,
    ).exclude(followups__done=True)
    new = []
    for measure in open_measures.select_related("forecast"):
        author = managers.get(units[measure.forecast.unit_id])
        done = measure.due <= occasion.period_end
        followup = MeasureFollowUp(
            forecast_measure=measure,
            occasion=occasion,
            result=(
                "Genomförd; kostnaderna har minskat sedan dess."
                if done
                else "Arbetet pågår enligt plan; effekten syns i prognosen."
            ),
            done=done,
            updated_by=author,
        )
        set_actor(followup, author)
        new.append(followup)
    bulk_create_with_history(new, MeasureFollowUp, batch_size=500)
