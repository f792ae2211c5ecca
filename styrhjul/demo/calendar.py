"""The demo's years, relative to the day it is loaded.

The data modules (data, model_data, followup_data, annual_data,
history_data, document_data) describe Sjöbacka as if the closed year were
WRITTEN_FOR: its governance model, follow-ups, årsbokslut, indicator values
and texts, with the years before it as history and the year after it as the
year the texts look ahead to. A DemoCalendar moves all of that by whole
years so that the closed year becomes last year (today's year − 1) and the
year after it this year: dates keep their day and month (deadlines and
reporting days that fell on a weekday stay on one), years in numbers and
texts move with them ("Delårsbokslut 2025" → "Delårsbokslut 2026"). Days
something was done are never later than yesterday.

What is not invented is not moved: the recorded Kolada sample
(fixtures/kolada_sample.json) keeps its real years, and so do the vision
(Sjöbacka 2035) and the published demo password.

Once the demo is in the database its closed year is fixed: loading it again
a year later keeps that year as the closed one (base_year) and carries the
model forward to the new year, instead of building a second closed year.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from .model_data import YEAR as WRITTEN_FOR  # the closed year the data is written for

# Four-digit years in texts; vision horizons (2035) are left alone.
_YEAR = re.compile(r"(?<![\d.,])(20[12]\d|2030)(?![\d])")
# Fields holding codes, numbers or values, never years in text.
_KEEP = frozenset(
    {
        "unit",
        "code",
        "parent",
        "reporter",
        "number",
        "ref",
        "plan_type",
        "plan_types",
        "responsible",
        "shared_to",
        "contributes_to",
        "value",
        "women",
        "men",
        "baseline",
        "target",
        "near_target",
        "kolada_kpi",
        "author",
        "login",
        "email",
    }
)
# Days someone acts on (deadlines, reporting days): kept on weekdays.
_WORKDAYS = frozenset(
    {"start", "deadline", "reported_on", "done_on", "on", "written_on", "measures_due"}
)

# Days something was done: never after the day before the demo's today (in
# January last year's årsbokslut is reported already, a little early).
_DONE = frozenset({"reported_on", "done_on", "on", "written_on"})


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day and month `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def on_weekday(day: datetime.date, like: datetime.date) -> datetime.date:
    """`day` moved onto a weekday when `like` (the day it was moved from) was
    one: Saturday to the Friday before, Sunday to the Monday after, within
    the month."""
    if like.weekday() >= 5 or day.weekday() < 5:
        return day
    forward = day + datetime.timedelta(days=7 - day.weekday())
    back = day - datetime.timedelta(days=day.weekday() - 4)
    if day.weekday() == 6 and forward.month == day.month:
        return forward
    return back if back.month == day.month else forward


@dataclasses.dataclass(frozen=True)
class DemoCalendar:
    today: datetime.date
    base_year: int  # the closed year: last year when the demo was first loaded

    @classmethod
    def for_date(cls, today: datetime.date, base_year: int | None = None) -> DemoCalendar:
        return cls(today=today, base_year=base_year or today.year - 1)

    @property
    def last_year(self) -> int:
        """The closed year, with its årsbokslut and årsredovisning."""
        return self.base_year

    @property
    def this_year(self) -> int:
        return self.today.year

    @property
    def offset(self) -> int:
        return self.base_year - WRITTEN_FOR

    def year(self, year: int) -> int:
        return year + self.offset

    def date(self, day: datetime.date) -> datetime.date:
        return add_years(day, self.offset)

    def workday(self, day: datetime.date) -> datetime.date:
        return on_weekday(add_years(day, self.offset), day)

    def text(self, text: str) -> str:
        if not self.offset:
            return text
        return _YEAR.sub(lambda m: str(int(m.group(1)) + self.offset), text)

    def shift(self, obj, name: str = ""):
        """A data module's value (dataclass, tuple, dict, date, text, year)
        moved to the demo's years; field names decide how (see _KEEP and
        _WORKDAYS)."""
        if name in _DONE and isinstance(obj, datetime.date):
            return min(self.workday(obj), self.today - datetime.timedelta(days=1))
        if not self.offset or name in _KEEP:
            return obj
        if isinstance(obj, bool | Decimal | float) or obj is None:
            return obj
        if isinstance(obj, datetime.datetime):
            return obj.replace(year=obj.year + self.offset)
        if isinstance(obj, datetime.date):
            return self.workday(obj) if name in _WORKDAYS else self.date(obj)
        if isinstance(obj, int):
            return self.year(obj) if 2000 <= obj <= 2100 else obj
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, tuple | list):
            return type(obj)(self.shift(x, name) for x in obj)
        if isinstance(obj, dict):
            return {
                (self.shift(k) if isinstance(k, int) else k): self.shift(
                    v, k if isinstance(k, str) else name
                )
                for k, v in obj.items()
            }
        if dataclasses.is_dataclass(obj):
            return dataclasses.replace(
                obj,
                **{
                    f.name: self.shift(getattr(obj, f.name), f.name)
                    for f in dataclasses.fields(obj)
                    if f.init
                },
            )
        return obj
