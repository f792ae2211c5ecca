"""Månadsrapport: a nämnd's (or any unit's) economic monthly report at a
follow-up occasion. The driftredovisning of the unit and of each unit
directly below it (the förvaltningar of a nämnd, the nämnder of the
municipality): helårsbudget, budget and utfall to date, and the
avvikelse, per row of the driftredovisning, with charts of the
nettokostnad per month and accumulated and of the avvikelse per unit below.

The figures are economy.queries.unit_economy's, the economy page's: the
same budget version, the same ansvar mappings and the same sign (intäkter
positive, kostnader negative, so avvikelse = utfall − budget is negative
when a unit costs more than its budget). The period is the fiscal year
that holds the occasion's period end, to date up to that month or the last
month with utfall, whichever comes first.

`economy_part()` is also the economy chapter of the delårsrapport and the
årsredovisning (annual.py). `build()` returns plain dataclasses; the
renderers (monthly_render.py) only lay them out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from styrhjul.economy import queries as economy
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation.models import Unit

from .internal_control import DocumentError, swedish_date
from .layout import Layout, layout_for

ZERO = Decimal(0)
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
KEY = "manadsrapport"
LABEL = "Månadsrapport"


@dataclass
class Line:
    """One row of the driftredovisning (kronor, the page's sign)."""

    name: str
    is_total: bool
    budget_year: Decimal
    budget: Decimal  # to date
    utfall: Decimal  # to date
    forecast: Decimal | None = None  # helårsprognos
    row_id: int | None = None

    @property
    def difference(self) -> Decimal:
        """Avvikelse to date: utfall − budget (negative: worse than budget)."""
        return self.utfall - self.budget

    @property
    def forecast_difference(self) -> Decimal | None:
        """Avvikelse for the year: prognos − helårsbudget."""
        return None if self.forecast is None else self.forecast - self.budget_year


@dataclass
class Part:
    """The driftredovisning of one unit directly below (or the unit's own
    ansvar: `own`)."""

    name: str
    unit_pk: int
    own: bool
    lines: list[Line]

    @property
    def label(self) -> str:
        return f"{self.name} (egna ansvar)" if self.own else self.name

    @property
    def total(self) -> Line | None:
        return next((line for line in self.lines if line.is_total), None)


@dataclass
class Measure:
    """A planned measure (åtgärd) with a forecast below budget."""

    text: str
    responsible: str
    due: datetime.date | None


@dataclass
class Comment:
    """A unit's comment on its helårsprognos, per row and its measures."""

    unit_name: str
    comment: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)  # (row, comment)
    measures: list[Measure] = field(default_factory=list)


@dataclass
class EconomyPart:
    """The driftredovisning of a unit and the units directly below it, to
    date in a fiscal year."""

    unit_name: str
    unit_pk: int
    year_start: datetime.date
    months: list[datetime.date]
    months_to_date: int
    lines: list[Line]
    parts: list[Part]
    parts_heading: str  # "förvaltning", "nämnd" …: what the units below are
    # Nettokostnad per month (the year): budget, and utfall up to date.
    budget_by_month: list[Decimal] = field(default_factory=list)
    utfall_by_month: list[Decimal | None] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    has_forecast: bool = False
    investments: object = None  # economy.investments.InvestmentReport with projects
    ratios: object = None  # economy.ratios.FinancialRatios (the organisation's)

    @property
    def year(self) -> int:
        return self.year_start.year

    @property
    def last_month(self) -> datetime.date | None:
        return self.months[self.months_to_date - 1] if self.months_to_date else None

    @property
    def to_date_text(self) -> str:
        """ "januari–maj 2026", "januari 2026"; "" without utfall."""
        last = self.last_month
        if last is None:
            return ""
        first = self.months[0]
        if first == last:
            return f"{MONTHS[first.month - 1]} {first.year}"
        if first.year == last.year:
            return f"{MONTHS[first.month - 1]}–{MONTHS[last.month - 1]} {last.year}"
        return f"{MONTHS[first.month - 1]} {first.year}–{MONTHS[last.month - 1]} {last.year}"

    @property
    def total(self) -> Line | None:
        return next((line for line in self.lines if line.is_total), None)

    def summary(self) -> str:
        """The nettokostnad to date in one sentence, in tkr."""
        from .monthly_render import tkr_text

        total = self.total
        if total is None or not self.months_to_date:
            return f"Det finns inget utfall för {self.unit_name} {self.year} ännu."
        text = (
            f"Nettokostnaden för {self.unit_name} {self.to_date_text} är "
            f"{tkr_text(total.utfall)} mot en budget på {tkr_text(total.budget)}, en "
            f"avvikelse på {tkr_text(total.difference)}."
        )
        worse = [p.label for p in self.parts if p.total and p.total.difference < 0]
        if worse:
            text += " Sämre än budget hittills: " + ", ".join(worse) + "."
        if total.forecast is not None:
            text += (
                f" Helårsprognosen är {tkr_text(total.forecast)} mot en helårsbudget på "
                f"{tkr_text(total.budget_year)}, en avvikelse på "
                f"{tkr_text(total.forecast_difference)}."
            )
        return text


@dataclass
class MonthlyReport:
    title: str
    unit_name: str
    occasion_name: str
    period_end: datetime.date
    read_at: datetime.datetime
    economy: EconomyPart
    layout: Layout = field(default_factory=Layout)
    # The year's own sections with what the units wrote (own_sections.OwnText).
    own_sections: dict = field(default_factory=dict)

    @property
    def style(self):
        return self.layout.style

    @property
    def year(self) -> int:
        return self.economy.year

    @property
    def period_text(self) -> str:
        return swedish_date(self.period_end)

    @property
    def subject(self) -> str:
        """The document's subject among the file's properties (Word, Excel)."""
        return f"Månadsrapport {self.year}, uppföljning per {self.period_text}"

    @property
    def cover_title(self) -> str:
        return f"Månadsrapport per {self.period_text}"


def _lines(table: economy.EconomyTable, months: int, forecast: dict | None = None) -> list[Line]:
    return [
        Line(
            row.name,
            row.is_total,
            row.budget_year,
            *row.to_date(months),
            forecast=None if forecast is None else forecast.get(row.row_id, ZERO),
            row_id=row.row_id,
        )
        for row in table.rows
    ]


def _minus(whole: list[Line], parts: list[list[Line]]) -> list[Line]:
    """The lines of `whole` less those of `parts` (the unit's own ansvar)."""
    return [
        Line(
            line.name,
            line.is_total,
            line.budget_year - sum((p[i].budget_year for p in parts), ZERO),
            line.budget - sum((p[i].budget for p in parts), ZERO),
            line.utfall - sum((p[i].utfall for p in parts), ZERO),
            forecast=None
            if line.forecast is None
            else line.forecast - sum((p[i].forecast or ZERO for p in parts), ZERO),
            row_id=line.row_id,
        )
        for i, line in enumerate(whole)
    ]


def _parts_heading(children: list[Unit]) -> str:
    types = {c.unit_type.name if c.unit_type_id else "" for c in children}
    if len(types) == 1 and "" not in types:
        return types.pop().lower()
    return "enhet"


def economy_part(
    unit: Unit,
    period_end: datetime.date,
    occasion: FollowUpOccasion | None = None,
    *,
    investments: bool = False,
    ratios: bool = False,
) -> EconomyPart | None:
    """The unit's driftredovisning in the fiscal year holding period_end, to
    date, with the helårsprognos, comments and measures reported at
    `occasion`; the investeringsredovisning and (`ratios`, for the
    organisation) the financial ratios when asked for. None when the
    organisation has no budget or utfall that year. Queries: those of
    unit_economy for the unit and for each unit directly below it that has
    ansvar, and a fixed number for the rest."""
    organisation = economy.organisation_of(unit)
    year_start = economy.year_start_of(organisation, period_end)
    if year_start is None:
        return None
    # The organisation is passed along: unit_economy would otherwise work it
    # out again for the unit and for each unit below it.
    table = economy.unit_economy(unit, year_start, organisation=organisation)
    months = table.months_to(period_end)
    children = list(
        Unit.objects.filter(parent=unit)
        .select_related("unit_type")
        .order_by("unit_type__order", "name", "pk")
    )
    with_economy = {p.unit_pk for p in table.parts}
    forecasts, comments = {}, []
    if occasion is not None:
        from styrhjul.followup.economy import forecast_comments, forecast_totals

        forecasts = forecast_totals(occasion, [unit, *children])
        comments = _comments(forecast_comments(occasion, [unit]).get(unit.pk, []), table)
    has_forecast = unit.pk in forecasts
    parts = []
    for child in children:
        if child.pk not in with_economy:
            continue
        child_table = economy.unit_economy(child, year_start, organisation=organisation)
        parts.append(
            Part(
                child.name,
                child.pk,
                False,
                _lines(child_table, months, forecasts.get(child.pk) if has_forecast else None),
            )
        )
    lines = _lines(table, months, forecasts.get(unit.pk))
    if unit.pk in with_economy:
        own = Part(unit.name, unit.pk, True, _minus(lines, [p.lines for p in parts]))
        parts.insert(0, own)
    total = next((r for r in table.rows if r.is_total), None)
    return EconomyPart(
        unit_name=unit.name,
        unit_pk=unit.pk,
        year_start=year_start,
        months=table.months,
        months_to_date=months,
        lines=lines,
        parts=parts if len(parts) > 1 or (parts and not parts[0].own) else [],
        parts_heading=_parts_heading(children),
        budget_by_month=list(total.budget) if total else [],
        utfall_by_month=(
            [u if i < months else None for i, u in enumerate(total.utfall)] if total else []
        ),
        comments=comments,
        has_forecast=has_forecast,
        investments=(
            _investments(unit, year_start, period_end, organisation) if investments else None
        ),
        ratios=_ratios(organisation, year_start) if ratios else None,
    )


def _comments(found, table: economy.EconomyTable) -> list[Comment]:
    names = {row.row_id: row.name for row in table.rows}
    order = {row.row_id: i for i, row in enumerate(table.rows)}
    result = []
    for c in found:
        comment = Comment(
            c.unit_name,
            c.comment,
            [
                (names.get(row_id, ""), text)
                for row_id, text in sorted(
                    c.row_comments.items(), key=lambda item: order.get(item[0], 99)
                )
            ],
            [Measure(m.text, m.responsible, m.due) for m in c.measures],
        )
        if comment.comment or comment.rows or comment.measures:
            result.append(comment)
    return result


def _investments(
    unit: Unit, year_start: datetime.date, period_end: datetime.date, organisation: Unit
):
    """The investeringsredovisning to the period end; None without projekt."""
    from styrhjul.economy.investments import investment_report

    report = investment_report(unit, year_start, period_end, organisation=organisation)
    return report if report.projects else None


def _ratios(organisation: Unit, year_start: datetime.date):
    from styrhjul.economy.ratios import financial_ratios

    return financial_ratios(organisation, year_start)


def build(unit: Unit, occasion: FollowUpOccasion, *, layout: Layout | None = None) -> MonthlyReport:
    """The Månadsrapport of the unit at the occasion (read now)."""
    part = economy_part(unit, occasion.period_end, occasion, investments=True)
    if part is None:
        raise DocumentError(
            f"Det finns ingen budget eller inget utfall för räkenskapsåret som "
            f"{occasion.title} hör till."
        )
    from .own_sections import with_own_texts

    layout, own = with_own_texts(layout or layout_for(unit, KEY), unit, occasion, KEY)
    return MonthlyReport(
        title=f"Månadsrapport per {swedish_date(occasion.period_end)} – {unit.name}",
        unit_name=unit.name,
        occasion_name=occasion.title,
        period_end=occasion.period_end,
        read_at=timezone.now(),
        economy=part,
        layout=layout,
        own_sections=own,
    )


def has_economy(unit: Unit, occasion: FollowUpOccasion) -> bool:
    """Whether the unit's organisation has budget or utfall in the fiscal
    year of the occasion (the Månadsrapport can be made)."""
    return economy.year_start_of(economy.organisation_of(unit), occasion.period_end) is not None
