"""Indicator values in bulk (utfall från andra system): an HR or BI system
sends thousands of values at once, each naming its indicator (by id or by
Kolada id), its unit (by code), its period and its gender; each is stored
in the unit's IndicatorValue for the period, made or replaced.

All or nothing, like every import: every row is checked first (the
indicator and the unit exist and the sender may report the indicator for
the unit, `access.may_report`; the value follows the indicator's rules,
`services.validate_outcome`), and only when no row is wrong is anything
written, in one transaction with history. Errors name the row (its index
in the list, from 0) and the field.

Written in bulk (a fixed number of queries per 2,000 rows), so that 100,000
values take seconds: `make bench` prints the figure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.importing import ImportIssue, ImportRejected
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.models import Item, normalise_kpi

from .services import validate_outcome

BATCH = 2000
# The most values one call may send.
MAX_ROWS = 100_000
# Kolada's words for the genders: T (totalt), K (kvinnor), M (män).
GENDER_FIELDS = {"T": "value", "K": "value_women", "M": "value_men"}
_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
LIMIT = Decimal(10) ** 12  # IndicatorValue's 14 digits, 2 of them decimals
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ValueRow:
    """One value as sent: `indicator_id` or `kolada_id` (one of them), the
    unit's code, the period ("2025" for the year, "2025-08" for a month),
    the gender (T, K or M) and the value (None empties it)."""

    unit_code: str
    period: str
    value: Decimal | None
    indicator_id: int | None = None
    kolada_id: str = ""
    gender: str = "T"
    note: str | None = None


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated


def _parse_period(text: str) -> tuple[int, str] | None:
    match = _PERIOD.match((text or "").strip())
    if match is None:
        return None
    year = int(match.group(1))
    return year, (f"{year}-{match.group(2)}" if match.group(2) else "")


def _chunks(values: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _readable_items(actor, condition: Q) -> list[Item]:
    return list(
        Item.objects.restrict(actor)
        .filter(condition, kind=ItemKind.INDICATOR)
        .select_related("plan__plan_type__model")
        .only(
            "pk",
            "kind",
            "source",
            "kolada_kpi",
            "gender_split",
            "measure_unit",
            "responsible_id",
            "plan__unit_id",
            "plan__plan_type__model__year",
        )
    )


class IndicatorResolver:
    """Finds the indicators and units the rows name, among what the actor
    may read: what they may not read is as unknown as what does not exist.
    A row is anything with `indicator_id`, `kolada_id` and `unit_code` (the
    API's bulk writes of values per group and comparison values use it too)."""

    def __init__(self, actor, rows: Sequence[ValueRow]):
        self.actor = actor
        ids = sorted({r.indicator_id for r in rows if r.indicator_id is not None})
        self.by_id: dict[int, Item] = {}
        for chunk in _chunks(ids):
            self.by_id.update({i.pk: i for i in _readable_items(actor, Q(pk__in=chunk))})
        kpis = sorted({normalise_kpi(r.kolada_id) for r in rows if r.kolada_id})
        self.by_kpi: dict[tuple[str, int], list[Item]] = {}
        for chunk in _chunks(kpis):
            for item in _readable_items(actor, Q(kolada_kpi__in=chunk)):
                key = (item.kolada_kpi, item.plan.plan_type.model.year)
                self.by_kpi.setdefault(key, []).append(item)
        codes = sorted({r.unit_code.strip() for r in rows if r.unit_code})
        self.units: dict[str, list[Unit]] = {}
        for chunk in _chunks(codes):
            for unit in access.units(actor).filter(code__in=chunk).only("pk", "code", "name"):
                self.units.setdefault(unit.code, []).append(unit)

    def unit(self, code: str) -> Unit | str:
        found = self.units.get((code or "").strip(), [])
        if not found:
            return _("Det finns ingen enhet med koden %(code)s som du har behörighet till.") % {
                "code": code
            }
        if len(found) > 1:
            return _("Flera enheter har koden %(code)s.") % {"code": code}
        return found[0]

    def item(self, row: ValueRow, year: int, unit: Unit) -> Item | tuple[str, str]:
        if row.indicator_id is not None:
            item = self.by_id.get(row.indicator_id)
            if item is None:
                return "indicator_id", _("Det finns inget nyckeltal med id %(id)s.") % {
                    "id": row.indicator_id
                }
            return item
        kpi = normalise_kpi(row.kolada_id)
        found = self.by_kpi.get((kpi, year), [])
        own = [i for i in found if i.plan.unit_id == unit.pk]
        found = own or found
        if not found:
            return "kolada_id", _("Inget nyckeltal har Kolada-id %(kpi)s år %(year)s.") % {
                "kpi": kpi,
                "year": year,
            }
        if len(found) > 1:
            return "kolada_id", _(
                "Flera nyckeltal har Kolada-id %(kpi)s år %(year)s; ange indicator_id."
            ) % {"kpi": kpi, "year": year}
        return found[0]


def _number(value) -> Decimal | None | str:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return _("Värdet ska vara ett tal.")
    if not number.is_finite():
        return _("Värdet ska vara ett tal.")
    if abs(number) >= LIMIT:
        return _("Värdet är för stort.")
    return number.quantize(CENT)


def _check(actor, rows: Sequence[ValueRow]) -> dict[tuple[int, int, int, str], dict]:
    """Every row checked; the values to store by (item, unit, year, period):
    the fields sent ("value", "value_women", "value_men", "note"), the item,
    the unit. Raises ImportRejected with every error found."""
    errors: list[ImportIssue] = []
    resolver = IndicatorResolver(actor, rows)
    wanted: dict[tuple[int, int, int, str], dict] = {}
    senders: dict[tuple[int, int, int, str, str], int] = {}

    def error(index: int, field: str, message: str) -> None:
        errors.append(ImportIssue(message, row=index, column=field))

    for index, row in enumerate(rows):
        if (row.indicator_id is None) == (not row.kolada_id):
            error(index, "indicator_id", _("Ange antingen indicator_id eller kolada_id."))
            continue
        period = _parse_period(row.period)
        if period is None:
            error(index, "period", _("Perioden anges som år (2025) eller månad (2025-08)."))
            continue
        field = GENDER_FIELDS.get((row.gender or "T").upper())
        if field is None:
            error(index, "gender", _("Kön anges som T (totalt), K (kvinnor) eller M (män)."))
            continue
        number = _number(row.value)
        if isinstance(number, str):
            error(index, "value", number)
            continue
        unit = resolver.unit(row.unit_code)
        if isinstance(unit, str):
            error(index, "unit_code", unit)
            continue
        item = resolver.item(row, period[0], unit)
        if isinstance(item, tuple):
            error(index, *item)
            continue
        if not access.may_report(actor, unit, item):
            error(index, "unit_code", _("Du får inte rapportera nyckeltalet för enheten."))
            continue
        try:
            validate_outcome(item, **{field: number})
        except ValidationError as exc:
            for message in exc.messages:
                error(index, "value", message)
            continue
        key = (item.pk, unit.pk, *period)
        first = senders.setdefault((*key, field), index)
        if first != index:
            error(
                index,
                "period",
                _("Samma nyckeltal, enhet, period och kön som rad %(row)d.") % {"row": first},
            )
            continue
        entry = wanted.setdefault(key, {"item": item, "unit": unit, "fields": {}})
        entry["fields"][field] = number
        if row.note is not None:
            entry["fields"]["note"] = row.note[:300]
    if errors:
        raise ImportRejected(errors)
    return wanted


COLUMNS = (
    "item_id",
    "unit_id",
    "year",
    "period",
    "value",
    "value_women",
    "value_men",
    "note",
    "source",
    "weight",
    "updated_at",
    "updated_by_id",
)
CHANGED = ("value", "value_women", "value_men", "note", "source", "updated_at", "updated_by_id")


def _existing(keys: Iterable[tuple[int, int, int, str]], lock: bool = True) -> dict[tuple, dict]:
    """The stored values of the keys (their columns as the database holds
    them: they are written back unchanged), locked for the write."""
    keys = set(keys)
    found: dict[tuple, dict] = {}
    item_ids = sorted({k[0] for k in keys})
    years = sorted({k[2] for k in keys})
    quote = connection.ops.quote_name
    names = ("id", *COLUMNS)
    table = quote(IndicatorValue._meta.db_table)
    lock_sql = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        for chunk in _chunks(item_ids, 500):
            cursor.execute(
                f"SELECT {', '.join(map(quote, names))} FROM {table} "  # noqa: S608
                f"WHERE {quote('item_id')} IN ({', '.join(['%s'] * len(chunk))}) "
                f"AND {quote('year')} IN ({', '.join(['%s'] * len(years))}){lock_sql}",
                [*chunk, *years],
            )
            for values in cursor.fetchall():
                row = dict(zip(names, values, strict=True))
                key = (row["item_id"], row["unit_id"], row["year"], row["period"])
                if key in keys:
                    found[key] = row
    return found


def _sql(cursor, statement: str, rows: list[tuple]) -> None:
    for chunk in _chunks(rows):
        cursor.executemany(statement, chunk)


def _write(wanted: dict, user_id: int | None, now) -> tuple[int, int]:
    """Insert the new values, update the changed ones and write a history
    row for each, with plain SQL in batches (no model instance per row: the
    ORM's per-field work would take minutes for 100,000 values). The
    history rows are the ones django-simple-history writes: the row as
    saved, when, by whom, "+" (made) or "~" (changed)."""
    ops, quote = connection.ops, connection.ops.quote_name
    stamp = ops.adapt_datetimefield_value(now)
    stored = _existing(wanted)
    new, changed = [], []
    for key, entry in wanted.items():
        old = stored.get(key)
        row = (
            dict(old)
            if old
            else {
                "item_id": key[0],
                "unit_id": key[1],
                "year": key[2],
                "period": key[3],
                "value": None,
                "value_women": None,
                "value_men": None,
                "note": "",
                "weight": None,
            }
        )
        row.update(entry["fields"])
        row.update(source=ValueSource.IMPORTED, updated_at=stamp, updated_by_id=user_id)
        (changed if old else new).append(row)
    table = quote(IndicatorValue._meta.db_table)
    history = IndicatorValue.history.model
    history_table = quote(history._meta.db_table)
    marks = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        _sql(
            cursor,
            f"INSERT INTO {table} ({', '.join(map(quote, COLUMNS))}) VALUES ({marks})",  # noqa: S608
            [tuple(r[c] for c in COLUMNS) for r in new],
        )
        sets = ", ".join(f"{quote(c)} = %s" for c in CHANGED)
        _sql(
            cursor,
            f"UPDATE {table} SET {sets} WHERE {quote('id')} = %s",  # noqa: S608
            [(*(r[c] for c in CHANGED), r["id"]) for r in changed],
        )
        made = _existing([k for k, e in wanted.items() if k not in stored], lock=False)
        for row in new:
            row["id"] = made[(row["item_id"], row["unit_id"], row["year"], row["period"])]["id"]
        columns = (
            "id",
            *COLUMNS,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        )
        marks = ", ".join(["%s"] * len(columns))
        _sql(
            cursor,
            f"INSERT INTO {history_table} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES ({marks})",
            [
                (r["id"], *(r[c] for c in COLUMNS), stamp, None, kind, user_id)
                for rows, kind in ((new, "+"), (changed, "~"))
                for r in rows
            ],
        )
    return len(new), len(changed)


def indicator_values_upsert(*, actor, rows: Sequence[ValueRow]) -> UpsertResult:
    """Store the values: each makes or replaces the field its gender names in
    the unit's value of the indicator for the period (the other fields of a
    stored value stay), with the source Import. All or nothing: any wrong
    row raises ImportRejected with every error, and nothing is written."""
    if len(rows) > MAX_ROWS:
        raise ImportRejected([ImportIssue(_("Högst %(n)d värden per anrop.") % {"n": MAX_ROWS})])
    wanted = _check(actor, rows)
    user_id = actor.pk if isinstance(actor, User) else None
    with transaction.atomic():
        created, updated = _write(wanted, user_id, timezone.now())
    return UpsertResult(created=created, updated=updated)
