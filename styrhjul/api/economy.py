"""The API's economy per ansvar: each ansvar's budget and utfall per row of
the driftredovisning and month in a fiscal year, through the economy's own
query (economy.queries.ansvar_economy), and the latest helårsprognos of the
unit it belongs to (forecasts are made per unit, not per ansvar).

An ansvar is read by whoever reads a unit it belongs to (its mapping, at any
time); the months in which it belonged to a unit the caller does not read
have neither budget nor utfall (null), as the policy (organisation/access.py)
answers for the unit. Administrators read every ansvar, also those without
a unit. A page of ansvar takes a fixed number of queries, however long."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from django.http import Http404
from ninja import Query, Schema
from ninja.pagination import CursorPagination, paginate
from pydantic import Field

from styrhjul.economy import queries as economy
from styrhjul.economy.models import AnsvarMapping, DimensionKind, DimensionObject
from styrhjul.followup.models import Forecast
from styrhjul.organisation import access

from .api import api
from .common import MAX_PAGE_SIZE, PAGE_SIZE, Id

# The first day of a fiscal year: a day outside these years is wrong input
# (422), as common.Year.
YearStart = Annotated[
    datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2999, 12, 31))
]


class AnsvarRowOut(Schema):
    row_id: int | None
    name: str
    is_total: bool
    budget: list[Decimal | None]
    utfall: list[Decimal | None]
    unit_forecast: Decimal | None


class AnsvarUnitOut(Schema):
    unit_id: Id
    valid_from: datetime.date
    valid_to: datetime.date | None


class AnsvarEconomyOut(Schema):
    id: int
    code: str
    name: str
    organisation_id: Id
    year_start: datetime.date | None
    months: list[datetime.date]
    months_with_utfall: int
    budget_version_id: int | None
    units: list[AnsvarUnitOut]
    month_units: list[int | None]
    forecast_unit_id: int | None
    forecast_occasion_id: int | None
    rows: list[AnsvarRowOut]


class AnsvarFilter(Schema):
    year_start: YearStart | None = None
    organisation: Id | None = None
    unit: Id | None = None
    code: str | None = None


def _ansvar(user):
    """The ansvar the user reads: those belonging (at some time) to a unit
    the user reads; every ansvar for an administrator."""
    found = DimensionObject.objects.filter(dimension__kind=DimensionKind.ANSVAR).select_related(
        "dimension__organisation"
    )
    if access.unit_ids(user) is None:
        return found
    mappings = access.visible_to(user, AnsvarMapping.objects.all(), unit_field="unit")
    return found.filter(pk__in=mappings.values("ansvar_id"))


def _latest_forecasts(unit_ids, year_start: datetime.date) -> dict[int, Forecast]:
    """Per unit, its latest helårsprognos in the fiscal year (by the
    occasion's period end), with its rows. Two queries."""
    if not unit_ids:
        return {}
    try:
        year_end = year_start.replace(year=year_start.year + 1)
    except ValueError:  # 29 February
        year_end = year_start.replace(year=year_start.year + 1, day=28)
    latest: dict[int, Forecast] = {}
    for forecast in (
        Forecast.objects.filter(
            unit_id__in=unit_ids,
            occasion__period_end__gte=year_start,
            occasion__period_end__lt=year_end,
        )
        .prefetch_related("rows")
        .order_by("unit_id", "-occasion__period_end", "-pk")
    ):
        latest.setdefault(forecast.unit_id, forecast)
    return latest


def economy_of_page(objs: list[DimensionObject], user, year_start) -> list[dict]:
    """The page's ansvar with their figures, in a fixed number of queries."""
    readable = access.unit_ids(user)
    tables = economy.ansvar_economy(objs, year_start, readable)
    # The forecast is the unit's that holds the ansvar in the latest month
    # with utfall (the first month before any), when the caller reads it.
    forecast_unit: dict[int, int | None] = {}
    units_by_year: dict[datetime.date, set[int]] = defaultdict(set)
    for table in tables:
        unit_id = None
        if table.owners:
            unit_id = table.owners[max(table.months_with_utfall - 1, 0)]
        if unit_id is not None and (readable is None or unit_id in readable):
            forecast_unit[table.ansvar.pk] = unit_id
            units_by_year[table.year_start].add(unit_id)
    forecasts = {
        year: _latest_forecasts(unit_ids, year) for year, unit_ids in units_by_year.items()
    }
    result = []
    for table in tables:
        unit_id = forecast_unit.get(table.ansvar.pk)
        forecast = forecasts.get(table.year_start, {}).get(unit_id) if unit_id else None
        amounts = {r.row_id: r.amount for r in forecast.rows.all()} if forecast else {}
        obj = table.ansvar
        result.append(
            {
                "id": obj.pk,
                "code": obj.code,
                "name": obj.name,
                "organisation_id": obj.dimension.organisation_id,
                "year_start": table.year_start,
                "months": table.months,
                "months_with_utfall": table.months_with_utfall,
                "budget_version_id": table.budget_version.pk if table.budget_version else None,
                "units": [
                    {"unit_id": u, "valid_from": f, "valid_to": t} for u, f, t in table.mappings
                ],
                "month_units": table.owners,
                "forecast_unit_id": forecast.unit_id if forecast else None,
                "forecast_occasion_id": forecast.occasion_id if forecast else None,
                "rows": [
                    {
                        "row_id": row.row_id,
                        "name": row.name,
                        "is_total": row.is_total,
                        "budget": row.budget,
                        "utfall": row.utfall,
                        "unit_forecast": amounts.get(row.row_id),
                    }
                    for row in table.rows
                ],
            }
        )
    return result


class _AnsvarCursor(CursorPagination):
    """Cursor pagination whose page of ansvar gets its figures in one go."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        filters = params.get("filters")
        year_start = filters.year_start if filters is not None else None
        objs = page[self.items_attribute]
        page[self.items_attribute] = economy_of_page(list(objs), request.user, year_start)
        return page


@api.get(
    "/ekonomi/ansvar",
    response=list[AnsvarEconomyOut],
    url_name="economy_ansvar_list",
    tags=["Ekonomi"],
)
@paginate(_AnsvarCursor, ordering=("pk",), page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def ansvar_list(request, filters: Query[AnsvarFilter]):
    """Ansvaren du läser (de som hör till en enhet du läser), vart och ett
    med budget och utfall per rapportrad och månad under ett räkenskapsår
    (`year_start`, annars organisationens senaste) och den senaste
    helårsprognosen för enheten ansvaret hör till. Månader då ansvaret hörde
    till en enhet du inte läser är tomma (null). `unit`: ansvaren som hör
    till enheten (under året, om `year_start` anges)."""
    found = _ansvar(request.user)
    if filters.organisation is not None:
        found = found.filter(dimension__organisation_id=filters.organisation)
    if filters.code is not None:
        found = found.filter(code=filters.code)
    if filters.unit is not None:
        mappings = AnsvarMapping.objects.filter(unit_id=filters.unit)
        if filters.year_start is not None:
            months = economy.fiscal_months(filters.year_start)
            mappings = mappings.filter(valid_from__lte=months[-1]).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=months[0])
            )
        found = found.filter(pk__in=mappings.values("ansvar_id"))
    return found


@api.get(
    "/ekonomi/ansvar/{ansvar_id}",
    response=AnsvarEconomyOut,
    url_name="economy_ansvar",
    tags=["Ekonomi"],
)
def ansvar_detail(request, ansvar_id: Id, year_start: YearStart | None = None):
    """Ett ansvars budget och utfall per rapportrad och månad, som i listan."""
    obj = _ansvar(request.user).filter(pk=ansvar_id).first()
    if obj is None:
        raise Http404
    return economy_of_page([obj], request.user, year_start)[0]
