"""Kolada sync: fetch everything first, then write it in one transaction.

`sync(settings_obj, client, …)` fetches the definitions of the KPIs in use
(and any asked for), the municipalities and regions of the settings and the
values for them, checks it all, and only then writes it with bulk SQL in one
`transaction.atomic()`. A sync that fails at any point changes no values and
not the last sync time; it leaves a failed `KoladaSyncLog` behind.

Incremental by default: after a successful sync the next one asks Kolada
only for what changed since the day before it (`from_date`), for the KPIs,
municipalities, units and years that the last sync covered. Anything new in
the scope (a KPI put on an indicator since, a new comparison municipality, a
new year) is fetched in full. `full=True` refetches everything and replaces
the stored values in the scope, so values Kolada no longer has disappear.

Fetched values are kept column-wise in arrays (about 40 bytes a value, not
ORM objects) until the write.
"""

from __future__ import annotations

import datetime
import math
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from styrhjul.charts.numbers import format_number
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item, normalise_kpi

from .client import DEFAULT_BASE_URL, MAX_IDS, KoladaClient, KoladaError, UnknownIdsError, chunks
from .models import (
    KoladaKpi,
    KoladaMunicipality,
    KoladaOu,
    KoladaSettings,
    KoladaSyncLog,
    KoladaValue,
)

DEFAULT_YEARS = 10
BATCH_SIZE = 2000
_NO_COUNT = -(2**63)


def default_years(today: datetime.date | None = None) -> list[int]:
    """The last ten years, this year included (Kolada publishes most KPIs
    the year after; this year's value comes when Kolada has one)."""
    year = (today or timezone.localdate()).year
    return list(range(year - DEFAULT_YEARS + 1, year + 1))


class Indicator(NamedTuple):
    """An open indicator of the organisation with a Kolada id."""

    kpi: str  # normalised
    title: str
    unit: str  # the name of the unit whose plan it is in
    measure_unit: str  # stripped: "%", "kr" …


def indicators_with_kpi(organisation) -> list[Indicator]:
    """The organisation's open indicators that have a Kolada id, by id and
    title: one query, for both the KPIs in use and the percent check."""

    units = Unit.objects.descendants(organisation, include_self=True).values("pk")
    rows = (
        Item.objects.filter(kind=ItemKind.INDICATOR, archived_at__isnull=True, plan__unit__in=units)
        .exclude(kolada_kpi="")
        .order_by("kolada_kpi", "title", "pk")
        .values_list("kolada_kpi", "title", "plan__unit__name", "measure_unit")
    )
    return [
        Indicator(normalise_kpi(kpi), title, unit, (measure_unit or "").strip())
        for kpi, title, unit, measure_unit in rows
        if normalise_kpi(kpi)
    ]


def _used(indicators: list[Indicator]) -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for indicator in indicators:
        label = f'"{indicator.title}" ({indicator.unit})'
        if label not in used.setdefault(indicator.kpi, []):
            used[indicator.kpi].append(label)
    return used


def kpis_in_use(organisation) -> dict[str, list[str]]:
    """The Kolada ids on the organisation's open indicators, each with the
    indicators that use it ("Titel (Enhet)"), for messages."""
    return _used(indicators_with_kpi(organisation))


# --------------------------------------------------------------------- buffer


class ValueBuffer:
    """Fetched values, column-wise: strings interned once, numbers in arrays.
    `value` NaN stands for None (Kolada never sends NaN; the client refuses
    it), `count` _NO_COUNT for None."""

    def __init__(self):
        self._index: dict[str, int] = {}
        self._strings: list[str] = []
        self.kpi = array("I")
        self.municipality = array("I")
        self.ou = array("I")
        self.gender = array("I")
        self.status = array("I")
        self.period = array("H")
        self.value = array("d")
        self.count = array("q")
        self.deleted = array("b")

    def __len__(self) -> int:
        return len(self.period)

    def _intern(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self._strings)
            self._strings.append(text)
        return index

    def add(self, page: Iterable[tuple], municipality_of_ou: dict | None = None) -> None:
        """Add rows in Value's order (plain tuples or Value)."""
        intern = self._intern
        nan = math.nan
        kpis, municipalities, ous = self.kpi.append, self.municipality.append, self.ou.append
        genders, statuses, periods = self.gender.append, self.status.append, self.period.append
        values, counts, deleted = self.value.append, self.count.append, self.deleted.append
        for kpi, municipality, ou, period, gender, value, status, count, is_deleted in page:
            if ou and municipality_of_ou:
                municipality = municipality_of_ou.get(ou) or municipality
            kpis(intern(kpi))
            municipalities(intern(municipality))
            ous(intern(ou))
            genders(intern(gender))
            statuses(intern(status))
            periods(period)
            values(nan if value is None else value)
            counts(_NO_COUNT if count is None else count)
            deleted(is_deleted)

    def row(self, index: int) -> tuple:
        """One row, like rows() gives it."""
        s = self._strings
        value, count = self.value[index], self.count[index]
        return (
            s[self.kpi[index]],
            s[self.municipality[index]],
            s[self.ou[index]],
            self.period[index],
            s[self.gender[index]],
            None if value != value else value,
            s[self.status[index]],
            None if count == _NO_COUNT else count,
            bool(self.deleted[index]),
        )

    def first_above(self, kpis: Iterable[str], limit: float) -> tuple | None:
        """The first row of one of `kpis` whose value is above `limit`
        (withdrawn values aside), or None. Only the row found is decoded."""
        wanted = {self._index[kpi] for kpi in kpis if kpi in self._index}
        if not wanted:
            return None
        for index, (kpi, value, deleted) in enumerate(
            zip(self.kpi, self.value, self.deleted, strict=True)
        ):
            # NaN (no value) is never above the limit.
            if kpi in wanted and value > limit and not deleted:
                return self.row(index)
        return None

    def rows(self) -> Iterator[tuple]:
        """(kpi, municipality, ou, period, gender, value, status, count, deleted)"""
        s = self._strings
        for kpi, mun, ou, period, gender, value, status, count, deleted in zip(
            self.kpi,
            self.municipality,
            self.ou,
            self.period,
            self.gender,
            self.value,
            self.status,
            self.count,
            self.deleted,
            strict=True,
        ):
            yield (
                s[kpi],
                s[mun],
                s[ou],
                period,
                s[gender],
                None if value != value else value,
                s[status],
                None if count == _NO_COUNT else count,
                bool(deleted),
            )


def _check_percentages(buffer: ValueBuffer, indicators: list[Indicator]) -> None:
    """A share in percent is at most 100: a larger value from Kolada for a KPI
    that an indicator measures in % stops the sync (nothing is stored)."""
    percent: dict[str, str] = {}
    for indicator in indicators:
        if indicator.measure_unit == "%":
            percent.setdefault(indicator.kpi, indicator.title)
    row = buffer.first_above(percent, 100)
    if row is None:
        return
    kpi, municipality, ou, period, _gender, value, _status, _count, _deleted = row
    where = f"enheten {ou}" if ou else f"kommun {municipality}"
    raise KoladaError(
        f"Kolada gav värdet {format_number(value, 1)} för {kpi} ({where}, {period}), men "
        f"nyckeltalet ”{percent[kpi]}” anges i procent och kan inte vara över 100. Kontrollera "
        "Kolada-id och enhet på nyckeltalet."
    )


# ---------------------------------------------------------------------- plan


@dataclass
class Part:
    """A piece of the fetch: values for these KPIs × places × years, either
    in full (replacing what is stored in that scope) or changes since
    `from_date`."""

    kpis: list[str]
    places: list[str]
    years: list[int]
    from_date: datetime.date | None
    ou: bool = False

    @property
    def full(self) -> bool:
        return self.from_date is None


def plan_parts(
    kpis: list[str],
    places: list[str],
    years: list[int],
    previous: dict,
    from_date: datetime.date | None,
    *,
    ou: bool = False,
) -> list[Part]:
    """Split the scope into what the previous sync covered (changes since
    from_date) and what it did not (in full). The parts do not overlap."""
    if not kpis or not places or not years:
        return []
    if from_date is None:
        return [Part(kpis, places, years, None, ou)]
    prev_kpis = set(previous.get("kpis", ()))
    prev_places = set(previous.get("ous" if ou else "municipalities", ()))
    prev_years = set(previous.get("years", ()))
    old_k = [k for k in kpis if k in prev_kpis]
    new_k = [k for k in kpis if k not in prev_kpis]
    old_p = [p for p in places if p in prev_places]
    new_p = [p for p in places if p not in prev_places]
    old_y = [y for y in years if y in prev_years]
    new_y = [y for y in years if y not in prev_years]
    parts = []
    if old_k and old_p and old_y:
        parts.append(Part(old_k, old_p, old_y, from_date, ou))
    if new_k:
        parts.append(Part(new_k, places, years, None, ou))
    if old_k and new_p:
        parts.append(Part(old_k, new_p, years, None, ou))
    if old_k and old_p and new_y:
        parts.append(Part(old_k, old_p, new_y, None, ou))
    return parts


# ---------------------------------------------------------------------- sync


@dataclass
class SyncResult:
    kpis: int = 0
    municipalities: int = 0
    ous: int = 0
    values: int = 0
    withdrawn: int = 0
    requests: int = 0
    years: list[int] = field(default_factory=list)
    full: bool = True  # something was fetched in full (replacing what was stored)
    from_date: datetime.date | None = None  # changes since, for the rest
    seconds: float = 0.0
    fetch_seconds: float = 0.0
    write_seconds: float = 0.0
    summary: str = ""
    log_pk: int | None = None

    def counts(self) -> dict:
        return {
            "kpis": self.kpis,
            "municipalities": self.municipalities,
            "ous": self.ous,
            "values": self.values,
            "withdrawn": self.withdrawn,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
        }


def _summary(result: SyncResult) -> str:
    if not result.kpis:
        return "Inga nyckeltal med Kolada-id att hämta."

    def n(count: int, one: str, many: str) -> str:
        return f"{format_number(count, 0)} {one if count == 1 else many}"

    years = f"{result.years[0]}–{result.years[-1]}" if result.years else ""
    text = f"{n(result.kpis, 'nyckeltal', 'nyckeltal')} för "
    text += n(result.municipalities, "kommun eller region", "kommuner och regioner")
    if result.ous:
        text += f" och {n(result.ous, 'enhet', 'enheter')}"
    text += f", {years}: {n(result.values, 'värde sparat', 'värden sparade')}"
    if result.withdrawn:
        text += ", " + n(
            result.withdrawn,
            "återkallat värde borttaget",
            "återkallade värden borttagna",
        )
    text += "."
    if result.from_date is None:
        text += " Fullständig hämtning."
    elif result.full:
        text += (
            f" Ändringar sedan {result.from_date.isoformat()}; det som var nytt i omfånget "
            "(nyckeltal, kommuner, enheter eller år) hämtades i sin helhet."
        )
    else:
        text += f" Ändringar sedan {result.from_date.isoformat()}."
    return text


def sync(
    settings_obj: KoladaSettings,
    client: KoladaClient,
    *,
    kpis: Iterable[str] = (),
    years: Iterable[int] | None = None,
    from_date: datetime.date | None = None,
    full: bool = False,
    include_in_use: bool = True,
) -> SyncResult:
    """Fetch and store Kolada data for the organisation of `settings_obj`
    (saved settings, as services.settings_save makes them; the sync saves
    only its own fields on them): the KPIs on its indicators (unless
    include_in_use is False) plus `kpis`, for its own municipality and
    comparisons (and its Kolada units), for `years` (default: the last ten).

    From-date: `from_date` if given, else the day before the last
    successful sync, else (or with `full`) everything. Raises KoladaError
    with a Swedish message ending "Inget har ändrats." when anything fails;
    then nothing is written but a failed KoladaSyncLog."""
    started = timezone.now()
    clock = time.perf_counter()
    requests_before = client.requests
    try:
        result = _sync(settings_obj, client, kpis, years, from_date, full, include_in_use)
    except KoladaError as exc:
        message = f"{exc.message} Inget har ändrats."
        _log_failure(settings_obj, started, message, client.requests - requests_before)
        raise type(exc)(message, status=exc.status, ids=exc.ids) from None
    except DatabaseError as exc:
        message = (
            f"Kolada-värdena kunde inte sparas: {' '.join(str(exc).split())}. Inget har ändrats."
        )
        _log_failure(settings_obj, started, message, client.requests - requests_before)
        raise KoladaError(message) from exc
    result.requests = client.requests - requests_before
    result.seconds = time.perf_counter() - clock
    # The log and the settings were written inside the transaction; update
    # the figures that are only known now.
    KoladaSyncLog.objects.filter(pk=result.log_pk).update(
        counts=result.counts(), finished_at=timezone.now()
    )
    result.summary = _summary(result)
    return result


def _log_failure(settings_obj, started, message: str, requests: int) -> None:
    try:
        KoladaSyncLog.objects.create(
            organisation_id=settings_obj.organisation_id,
            started_at=started,
            finished_at=timezone.now(),
            ok=False,
            message=message,
            counts={"requests": requests},
        )
    except DatabaseError:
        pass  # the database itself is what failed; the caller reports it


def _sync(settings_obj, client, kpis, years, from_date, full, include_in_use) -> SyncResult:
    started = timezone.now()
    organisation = settings_obj.organisation
    indicators = indicators_with_kpi(organisation)
    used = _used(indicators) if include_in_use else {}
    asked = (normalise_kpi(k) for k in kpis)
    wanted = list(dict.fromkeys([*(k for k in asked if k), *used]))
    years = sorted(set(years)) if years is not None else default_years()
    if not years:
        raise KoladaError("Inga år att hämta.")
    if not settings_obj.municipality_id:
        raise KoladaError(
            "Ingen egen kommun är inställd för Kolada. Ange kommunkoden, t.ex. "
            "styrhjul kolada-sync --municipality 1480."
        )
    municipalities = settings_obj.municipality_ids
    ou_ids = list(dict.fromkeys(settings_obj.ou_ids or []))

    previous = settings_obj.synced_scope or {}
    if full:
        from_date = None
    elif from_date is None and settings_obj.last_synced_at and previous:
        from_date = timezone.localdate(settings_obj.last_synced_at) - datetime.timedelta(days=1)
    result = SyncResult(years=years)

    # 1. Fetch and check everything.
    fetch_started = time.perf_counter()
    kpi_rows: list[dict] = []
    if wanted:
        try:
            kpi_rows = client.kpis(wanted)
        except UnknownIdsError as exc:
            users = [f"{k} används av {', '.join(used[k])}" for k in exc.ids if k in used]
            hint = f" {'; '.join(users)}." if users else ""
            fix = (
                "Rätta Kolada-id på nyckeltalet eller ta bort det."
                if len(exc.ids) == 1
                else "Rätta Kolada-id på nyckeltalen eller ta bort dem."
            )
            raise UnknownIdsError(f"{exc.message}{hint} {fix}", ids=exc.ids) from None
    municipality_rows = client.municipalities(municipalities)
    ou_rows = client.ous(ou_ids) if ou_ids and wanted else []
    municipality_of_ou = {row["id"]: row["municipality_id"] for row in ou_rows}

    parts = plan_parts(wanted, municipalities, years, previous, from_date)
    ou_kpis = [row["id"] for row in kpi_rows if row["has_ou_data"]]
    parts += plan_parts(ou_kpis, [r["id"] for r in ou_rows], years, previous, from_date, ou=True)
    result.full = any(part.full for part in parts)
    result.from_date = from_date if any(not part.full for part in parts) else None

    buffer = ValueBuffer()
    for part in parts:
        pages = client.value_pages(part.kpis, part.places, part.years, part.from_date, ou=part.ou)
        for page in pages:
            buffer.add(page, municipality_of_ou)

    _check_percentages(buffer, indicators)

    # 2. Write it all, or nothing.
    result.fetch_seconds = time.perf_counter() - fetch_started
    write_started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        _save_metadata(kpi_rows, municipality_rows, ou_rows, now)
        for part in parts:
            if part.full:
                _delete_scope(part)
        written, withdrawn = write_values(buffer)
        result.kpis = len(kpi_rows)
        result.municipalities = len(municipality_rows)
        result.ous = len(ou_rows)
        result.values = written
        result.withdrawn = withdrawn
        summary = _summary(result)
        settings_obj.last_synced_at = now
        settings_obj.last_sync_summary = summary
        settings_obj.synced_scope = {
            "kpis": wanted,
            "municipalities": municipalities,
            "ous": [r["id"] for r in ou_rows],
            "years": years,
        }
        # Only the sync's own fields: settings changed on the page meanwhile stay.
        settings_obj.save(update_fields=["last_synced_at", "last_sync_summary", "synced_scope"])
        log = KoladaSyncLog.objects.create(
            organisation_id=settings_obj.organisation_id,
            started_at=started,
            finished_at=now,
            ok=True,
            full=result.from_date is None,
            from_date=result.from_date,
            message=summary,
            counts=result.counts(),
        )
    result.write_seconds = time.perf_counter() - write_started
    result.log_pk = log.pk
    return result


def _save_metadata(kpi_rows, municipality_rows, ou_rows, now) -> None:
    if kpi_rows:
        fields = [f for f in kpi_rows[0] if f != "id"] + ["fetched_at"]
        KoladaKpi.objects.bulk_create(
            [KoladaKpi(**row, fetched_at=now) for row in kpi_rows],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=fields,
        )
    if municipality_rows:
        KoladaMunicipality.objects.bulk_create(
            [KoladaMunicipality(**row) for row in municipality_rows],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["title", "type"],
        )
    if ou_rows:
        KoladaOu.objects.bulk_create(
            [KoladaOu(**row) for row in ou_rows],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["title", "municipality_id"],
        )


def _delete_scope(part: Part) -> None:
    """A full fetch replaces what is stored in its scope."""
    for kpis in chunks(part.kpis, 500):
        for places in chunks(part.places, 500):
            scope = KoladaValue.objects.filter(kpi_id__in=kpis, period__in=part.years)
            if part.ou:
                scope = scope.filter(ou_id__in=places)
            else:
                scope = scope.filter(municipality_id__in=places, ou_id="")
            scope.delete()


# --------------------------------------------------------------------- write


_COLUMNS = ("kpi", "municipality_id", "ou_id", "period", "gender", "value", "status", "count")
_KEY = 5
_INCOMING = "pg_temp.styrhjul_kolada_incoming"  # the session's own temporary table


def _names() -> tuple[str, list[str]]:
    """KoladaValue's quoted table and column names, in _COLUMNS order."""
    qn = connection.ops.quote_name
    meta = KoladaValue._meta
    return qn(meta.db_table), [qn(meta.get_field(name).column) for name in _COLUMNS]


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def default_client(**options) -> KoladaClient:
    """A client for the configured Kolada (settings.KOLADA_BASE_URL, from
    STYRHJUL_KOLADA_URL; default https://api.kolada.se/v3)."""
    from django.conf import settings

    base_url = getattr(settings, "KOLADA_BASE_URL", "") or DEFAULT_BASE_URL
    return KoladaClient(base_url, **options)


def write_values(buffer: ValueBuffer, batch_size: int = BATCH_SIZE) -> tuple[int, int]:
    """Upsert the buffer's values and delete its withdrawn ones. Must run
    inside a transaction. A key comes at most once (the client refuses
    responses that repeat a value). Returns (values written, withdrawn values
    deleted).

    Plain SQL on the driver's cursor, which keeps a million rows out of
    Django's debug query log: INSERT … ON CONFLICT DO UPDATE run by sqlite3's
    executemany on SQLite; COPY into a temporary table, then one DELETE and
    one INSERT … SELECT … ON CONFLICT on PostgreSQL."""
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's cursor, without Django's query log
        if connection.vendor == "postgresql":
            return _write_postgresql(cursor, buffer)
        return _write_sqlite(cursor, buffer, batch_size)


def _write_sqlite(cursor, buffer: ValueBuffer, batch_size: int) -> tuple[int, int]:
    table, columns = _names()
    key = columns[:_KEY]
    upsert = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns[_KEY:])
    )
    delete = f"DELETE FROM {table} WHERE " + " AND ".join(f"{c} = %s" for c in key)
    written = withdrawn = 0
    for batch in _batches(buffer.rows(), batch_size):
        upserts = [row[:8] for row in batch if not row[8]]
        deletes = [row[:_KEY] for row in batch if row[8]]
        if upserts:
            # sqlite3 runs one prepared statement over the rows, in C.
            cursor.executemany(upsert, upserts)
            written += len(upserts)
        if deletes:
            cursor.executemany(delete, deletes)
            withdrawn += len(deletes)
    return written, withdrawn


def _write_postgresql(cursor, buffer: ValueBuffer) -> tuple[int, int]:
    table, columns = _names()
    key = ", ".join(columns[:_KEY])
    listed = ", ".join(columns)
    cursor.execute(f"DROP TABLE IF EXISTS {_INCOMING}")
    cursor.execute(
        f"CREATE TABLE {_INCOMING} ("
        f"{columns[0]} varchar(20), {columns[1]} varchar(10), {columns[2]} varchar(40), "
        f"{columns[3]} integer, {columns[4]} varchar(1), {columns[5]} numeric, "
        f"{columns[6]} varchar(100), {columns[7]} integer, deleted boolean)"
    )
    with cursor.copy(f"COPY {_INCOMING} FROM STDIN") as copy:
        write_row = copy.write_row
        for row in buffer.rows():
            write_row(row)
    match = " AND ".join(f"t.{c} = i.{c}" for c in columns[:_KEY])
    cursor.execute(f"SELECT count(*) FROM {_INCOMING} WHERE deleted")
    withdrawn = cursor.fetchone()[0]
    if withdrawn:
        cursor.execute(f"DELETE FROM {table} t USING {_INCOMING} i WHERE i.deleted AND {match}")
    cursor.execute(
        f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {_INCOMING} WHERE NOT deleted "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns[_KEY:])
    )
    written = cursor.rowcount
    cursor.execute(f"DROP TABLE {_INCOMING}")
    return written, withdrawn


__all__ = [
    "MAX_IDS",
    "KoladaError",
    "SyncResult",
    "ValueBuffer",
    "default_client",
    "default_years",
    "kpis_in_use",
    "plan_parts",
    "sync",
    "write_values",
]
