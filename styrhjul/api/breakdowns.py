"""The API's uppdelningar (breakdown dimensions and their groups), values per
group and comparison values entered by hand: reads and writes in bulk.

Reads hold only what the caller may read (organisation/access.py): the
uppdelningar of the organisations they have a grant in, a unit's values per
group where they read the unit (as its other values), an indicator's
comparison values where they read the indicator.

Writes go through the indicator services the pages and the Excel imports
use: each row is checked by the import's own check (BreakdownRows,
ComparisonRows: the same Swedish messages, ”Menade du …?”), who may write
it by the import's rule (may_edit_breakdown, may_edit_comparisons), and
the rows are stored by the import's storing (store_breakdowns,
store_comparisons). All or nothing: one wrong row and nothing is saved."""

import datetime
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Prefetch
from ninja import Query, Schema
from pydantic import BaseModel

from styrhjul.core.concurrency import one_action
from styrhjul.core.importing import ImportIssue
from styrhjul.followup.value_upsert import IndicatorResolver
from styrhjul.indicators import services as indicators
from styrhjul.indicators.models import (
    BreakdownCategory,
    BreakdownDimension,
    BreakdownValue,
    ComparisonKind,
    ComparisonValue,
)
from styrhjul.organisation import access
from styrhjul.planning.models import Item

from .api import api
from .common import Id, Text, Year, paged
from .problems import Problem

# The most rows one call may send.
MAX_ROWS = 10_000

# --- Uppdelningar -----------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    label: str
    order: int


class DimensionOut(Schema):
    id: int
    organisation_id: Id
    name: str
    order: int
    groups: list[GroupOut]

    @staticmethod
    def resolve_groups(obj) -> list:
        return list(obj.categories.all())


class DimensionFilter(Schema):
    organisation: Id | None = None


def _dimensions(user):
    """An organisation's uppdelningar are read by everyone with a grant in it
    (as its styrmodell)."""
    dimensions = BreakdownDimension.objects.prefetch_related(
        Prefetch("categories", queryset=BreakdownCategory.objects.order_by("order", "pk"))
    )
    ids = access.organisation_ids(user)
    if ids is not None:
        dimensions = dimensions.filter(organisation_id__in=ids)
    return dimensions


@api.get("/uppdelningar", response=list[DimensionOut], url_name="dimensions", tags=["Nyckeltal"])
@paged()
def dimension_list(request, filters: Query[DimensionFilter]):
    """Uppdelningarna (t.ex. Åldersgrupp, Kommundel) med sina grupper, i de
    organisationer du har behörighet i."""
    dimensions = _dimensions(request.user)
    if filters.organisation is not None:
        dimensions = dimensions.filter(organisation_id=filters.organisation)
    return dimensions


@api.get(
    "/uppdelningar/{dimension_id}",
    response=DimensionOut,
    url_name="dimension",
    tags=["Nyckeltal"],
)
def dimension_detail(request, dimension_id: Id):
    return access.get_or_404(request.user, _dimensions(request.user), pk=dimension_id)


# --- Values per group -------------------------------------------------------------------------


class GroupValueOut(Schema):
    id: int
    indicator_id: Id
    unit_id: Id
    year: int
    period: str
    dimension_id: Id
    dimension: str
    group_id: Id
    group: str
    value: Decimal
    source: str
    version: int
    updated_at: datetime.datetime | None

    @staticmethod
    def resolve_indicator_id(obj) -> int:
        return obj.item_id

    @staticmethod
    def resolve_dimension_id(obj) -> int:
        return obj.category.dimension_id

    @staticmethod
    def resolve_dimension(obj) -> str:
        return obj.category.dimension.name

    @staticmethod
    def resolve_group_id(obj) -> int:
        return obj.category_id

    @staticmethod
    def resolve_group(obj) -> str:
        return obj.category.label


class GroupValueFilter(Schema):
    indicator: Id | None = None
    unit: Id | None = None
    year: Year | None = None
    # "" or "helår" for the whole year, else as stored: "2025-08".
    period: Text | None = None
    dimension: Id | None = None


@api.get(
    "/uppdelningsvarden",
    response=list[GroupValueOut],
    url_name="group_values",
    tags=["Nyckeltal"],
)
@paged()
def group_value_list(request, filters: Query[GroupValueFilter]):
    """Utfallen per grupp av en uppdelning (t.ex. åldersgruppen 65+ år 2025)
    för enheterna du får läsa. `period` är tom för helåret, annars den
    månad perioden slutar, t.ex. `2025-08`; filtrera på helåret med
    `period=helår`."""
    values = access.visible_to(
        request.user,
        BreakdownValue.objects.select_related("category__dimension"),
        unit_field="unit",
    )
    if filters.indicator is not None:
        values = values.filter(item_id=filters.indicator)
    if filters.unit is not None:
        values = values.filter(unit_id=filters.unit)
    if filters.year is not None:
        values = values.filter(year=filters.year)
    if filters.period is not None:
        period = filters.period.strip()
        values = values.filter(
            period="" if period.casefold() in ("", *indicators.WHOLE_YEAR_WORDS) else period
        )
    if filters.dimension is not None:
        values = values.filter(category__dimension_id=filters.dimension)
    return values


# --- Comparison values ------------------------------------------------------------------------


class ComparisonOut(Schema):
    id: int
    indicator_id: Id
    kind: str
    kind_label: str
    name: str
    year: int
    value: Decimal
    source: str
    source_date: datetime.date
    version: int
    updated_at: datetime.datetime | None

    @staticmethod
    def resolve_indicator_id(obj) -> int:
        return obj.item_id

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class ComparisonFilter(Schema):
    indicator: Id | None = None
    year: Year | None = None
    kind: str | None = None


@api.get(
    "/jamforelsevarden",
    response=list[ComparisonOut],
    url_name="comparisons",
    tags=["Nyckeltal"],
)
@paged()
def comparison_list(request, filters: Query[ComparisonFilter]):
    """Jämförelsevärden inmatade för hand (riket, en grupp av kommuner, en
    kommun) med källa och datum, för nyckeltalen du får läsa."""
    rows = ComparisonValue.objects.filter(item__in=Item.objects.restrict(request.user))
    if filters.indicator is not None:
        rows = rows.filter(item_id=filters.indicator)
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    return rows


# --- Writing in bulk --------------------------------------------------------------------------


class BulkOut(Schema):
    rows: int
    changed: int


class _Row(BaseModel):
    """What names the indicator: `indicator_id`, or `kolada_id` and the
    unit's code (the indicator of that Kolada id in the year's styrmodell)."""

    indicator_id: Id | None = None
    kolada_id: Text = ""
    unit_code: Text = ""
    # Checked by the Excel import's check, which says what is wrong in
    # Swedish: a number, or text such as "2025".
    year: int | Text | None = None
    value: Decimal | Text | None = None


class GroupValueIn(_Row):
    # As the Excel import's Period column: absent, empty or "helår" for the
    # whole year, else a month ("augusti", 8) or "2025-08".
    period: int | Text | None = None
    dimension: Text = ""
    group: Text = ""


class GroupValuesIn(BaseModel):
    values: list[GroupValueIn]


class ComparisonIn(_Row):
    kind: Text = ""
    name: Text = ""
    source: Text = ""
    source_date: datetime.date | Text | None = None


class ComparisonsIn(BaseModel):
    values: list[ComparisonIn]


GROUP_FIELDS = {
    "year": "year",
    "period": "period",
    "dimension": "dimension",
    "category": "group",
    "value": "value",
}
COMPARISON_FIELDS = {
    "year": "year",
    "kind": "kind",
    "name": "name",
    "value": "value",
    "source": "source",
    "source_date": "source_date",
}
# A comparison's kind by its code (country, group, municipality) or its name
# (Riket, Grupp av kommuner, Kommun, as in the Excel import).
KIND_NAMES = {value: str(label) for value, label in ComparisonKind.choices}
# No unit named: the indicator by its Kolada id alone.
_NO_UNIT = SimpleNamespace(pk=None)


def _rejected(errors: list[ImportIssue], total: int) -> Problem:
    listed = [
        {"row": e.row, "field": e.column or "", "message": e.message[:1].upper() + e.message[1:]}
        for e in sorted(errors, key=lambda e: e.row if e.row is not None else -1)
    ]
    wrong = len({e["row"] for e in listed})
    return Problem(422, f"Inget sparades: {wrong} av {total} rader är felaktiga.", errors=listed)


def _at_most(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise Problem(
            422, f"Högst {MAX_ROWS:,} rader per anrop; dela upp dem.".replace(",", "\u00a0")
        )


class _Indicators:
    """The indicator and unit of each row, among what the caller reads (one
    resolver for the whole call), with the indicators read whole for the
    checks and the services."""

    def __init__(self, actor, rows: list[_Row], checker):
        self.actor, self.checker = actor, checker
        self.resolver = IndicatorResolver(actor, rows)
        self._items: dict[int, Item] = {}

    def find(self, index: int, row: _Row, *, unit_needed: bool):
        """(item, unit) of the row, or None with its error in the checker."""
        if (row.indicator_id is None) == (not row.kolada_id):
            self.checker.error(index, "indicator_id", "Ange antingen indicator_id eller kolada_id.")
            return None
        unit = None
        if unit_needed or row.unit_code:
            unit = self.resolver.unit(row.unit_code)
            if isinstance(unit, str):
                self.checker.error(index, "unit_code", unit)
                return None
        year = None
        if row.indicator_id is None:
            # The Kolada id names the indicator of the year's styrmodell.
            year = self.checker.year(index, {"year": row.year})
            if year is None:
                return None
        item = self.resolver.item(row, year, unit or _NO_UNIT)
        if isinstance(item, tuple):
            self.checker.error(index, *item)
            return None
        return item, unit

    def whole(self, items) -> dict[int, Item]:
        """The indicators with their plan, unit and styrmodell, in one query."""
        wanted = {i.pk for i in items} - set(self._items)
        if wanted:
            self._items.update(
                Item.objects.select_related("plan__unit", "plan__plan_type__model").in_bulk(wanted)
            )
        return self._items


@api.post(
    "/uppdelningsvarden",
    response={200: BulkOut},
    url_name="group_values_upsert",
    tags=["Nyckeltal"],
)
def group_values_upsert(request, data: GroupValuesIn):
    """Spara många utfall per grupp på en gång. Varje rad anger nyckeltalet
    (`indicator_id`, eller `kolada_id`), enheten (`unit_code`), året
    (`year`), perioden (`period`: utelämnad, tom eller `helår` för helåret,
    annars månaden perioden slutar, t.ex. `augusti`, `8` eller `2025-08`),
    uppdelningen (`dimension`) och gruppen (`group`) med sina namn, och
    värdet (`value`; högst 100 för ett nyckeltal i %). Ett värde för samma
    grupp, år och period ersätts. Raderna
    kontrolleras som i Excel-importen; allt eller inget: är någon rad fel
    sparas ingenting, och felen står per rad i `errors` (`row` räknas från
    0)."""
    rows = data.values
    _at_most(rows)
    checker = indicators.BreakdownRows(columns=GROUP_FIELDS)
    found = _Indicators(request.user, rows, checker)
    named = [
        (index, row, found.find(index, row, unit_needed=True)) for index, row in enumerate(rows)
    ]
    items = found.whole(hit[0] for _i, _r, hit in named if hit is not None)
    checked: dict[tuple[int, int], list] = defaultdict(list)
    units = {}
    for index, row, hit in named:
        if hit is None:
            continue
        item, unit = items[hit[0].pk], hit[1]
        if not indicators.may_edit_breakdown(request.user, item, unit):
            checker.error(index, "unit_code", "Du får inte rapportera nyckeltalet för enheten.")
            continue
        cells = {
            "year": row.year,
            "period": row.period,
            "dimension": row.dimension,
            "category": row.group,
            "value": row.value,
        }
        value = checker.read(
            index,
            cells,
            organisation_id=item.plan.plan_type.model.organisation_id,
            measure_unit=item.measure_unit,
            scope=(item.pk, unit.pk),
        )
        if value is not None:
            checked[(item.pk, unit.pk)].append(value)
            units[unit.pk] = unit
    if checker.errors:
        raise _rejected(checker.errors, len(rows))
    changed = 0
    with one_action():
        for (item_id, unit_id), values in checked.items():
            changed += indicators.store_breakdowns(
                actor=request.user, item=items[item_id], unit=units[unit_id], rows=values
            )
    return {"rows": len(rows), "changed": changed}


@api.post(
    "/jamforelsevarden",
    response={200: BulkOut},
    url_name="comparisons_upsert",
    tags=["Nyckeltal"],
)
def comparisons_upsert(request, data: ComparisonsIn):
    """Spara många jämförelsevärden på en gång. Varje rad anger nyckeltalet
    (`indicator_id`, eller `kolada_id` med `unit_code` för enheten vars
    nyckeltal det är), året (`year`), jämförelsen (`kind`: `country`
    Riket, `group` Grupp av kommuner, `municipality` Kommun, eller namnen),
    namnet (`name`, t.ex. Liknande kommuner), värdet (`value`), källan
    (`source`) och källans datum (`source_date`, ÅÅÅÅ-MM-DD). Ett värde med
    samma namn och år ersätts. Raderna kontrolleras som i Excel-importen;
    allt eller inget, felen per rad i `errors` (`row` räknas från 0)."""
    rows = data.values
    _at_most(rows)
    checker = indicators.ComparisonRows(columns=COMPARISON_FIELDS)
    found = _Indicators(request.user, rows, checker)
    named = [
        (index, row, found.find(index, row, unit_needed=False)) for index, row in enumerate(rows)
    ]
    items = found.whole(hit[0] for _i, _r, hit in named if hit is not None)
    checked: dict[int, list] = defaultdict(list)
    for index, row, hit in named:
        if hit is None:
            continue
        item = items[hit[0].pk]
        if not indicators.may_edit_comparisons(request.user, item):
            checker.error(
                index, "indicator_id", "Du får inte ändra jämförelsevärdena för nyckeltalet."
            )
            continue
        cells = {
            "year": row.year,
            "kind": KIND_NAMES.get(row.kind, row.kind),
            "name": row.name,
            "value": row.value,
            "source": row.source,
            "source_date": row.source_date,
        }
        value = checker.read(index, cells, scope=(item.pk,))
        if value is not None:
            checked[item.pk].append(value)
    if checker.errors:
        raise _rejected(checker.errors, len(rows))
    changed = 0
    with one_action():
        for item_id, values in checked.items():
            changed += indicators.store_comparisons(
                actor=request.user, item=items[item_id], rows=values
            )
    return {"rows": len(rows), "changed": changed}
