"""Benchmark of the Kolada sync: store 1 000 000 values end to end.

`bench_store()` starts the fake Kolada (styrhjul.kolada.fakeserver) in its
own process on 127.0.0.1, makes a temporary organisation with Kolada
settings (own municipality and comparisons with made-up codes 9001…, KPI ids
XB0001…, which never clash with real Kolada data), and runs the real client
and sync: HTTP, paging, checking, the transaction and the bulk writes.
Then it removes everything it made.

Budgets (docs/kolada.md): under 60 s and under 500 MB for 1 000 000 values,
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import time
import tracemalloc

from django.db import connection, transaction

from styrhjul.core import dbstats
from styrhjul.organisation.models import Unit, UnitType

from .client import KoladaClient
from .models import KoladaKpi, KoladaMunicipality, KoladaSettings, KoladaSyncLog, KoladaValue
from .sync import sync

BUDGET_SECONDS = 60
BUDGET_MIB = 500
BENCH_UNIT_CODE = "KOLADA-BENCH"


def _rss_mib() -> float:
    """The process's peak resident memory so far (Linux: KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def _start_server() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "styrhjul.kolada.fakeserver"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    base_url = process.stdout.readline().strip()
    if not base_url.startswith("http"):
        process.kill()
        raise RuntimeError("Den lokala Kolada-servern startade inte.")
    return process, base_url


def _bench_unit():

    return Unit.objects.filter(code=BENCH_UNIT_CODE).first()


def _organisation():

    unit_type = UnitType.objects.order_by("pk").first() or UnitType.objects.create(
        name="Kommun", order=1
    )
    unit, _ = Unit.objects.get_or_create(
        code=BENCH_UNIT_CODE,
        defaults={"name": "Kolada-prestandamätning", "unit_type": unit_type},
    )
    return unit


def _clean(unit, kpi_ids: list[str], municipality_ids: list[str]) -> None:
    with transaction.atomic():
        KoladaValue.objects.filter(kpi_id__gte=kpi_ids[0], kpi_id__lte=kpi_ids[-1]).delete()
        KoladaKpi.objects.filter(id__in=kpi_ids).delete()
        KoladaMunicipality.objects.filter(id__in=municipality_ids).delete()
        KoladaSyncLog.objects.filter(organisation=unit).delete()
        KoladaSettings.objects.filter(organisation=unit).delete()
        unit.delete()
    # Millions of dead rows would slow the Nyckeltal page until autovacuum came.
    dbstats.refresh((KoladaValue, KoladaKpi, KoladaMunicipality), vacuum=True)


def bench_store(
    n_values: int = 1_000_000,
    *,
    municipalities: int = 25,
    years: int = 10,
    max_per_second: float | None = None,
    trace: bool = False,
    again: bool = False,
) -> dict:
    """Sync `n_values` made-up values (rounded up to whole KPIs) from a local
    fake Kolada and store them; returns the figures.

    `max_per_second` None: no pause between requests (the local server need
    not be spared); `requests` tells how long Kolada's 5 a second would add.
    `trace`: also measure the Python peak with tracemalloc (slows the run).
    `again`: then sync everything once more in full, replacing the stored
    values, and time that too (`again_seconds`)."""
    per_kpi = municipalities * years * 3
    n_kpis = max(1, math.ceil(n_values / per_kpi))
    kpi_ids = [f"XB{i:04d}" for i in range(1, n_kpis + 1)]
    municipality_ids = [str(9001 + i) for i in range(municipalities)]
    year_list = list(range(2026 - years, 2026))

    leftover = _bench_unit()
    if leftover is not None:  # from a run that was interrupted
        _clean(leftover, kpi_ids, municipality_ids)
    process, base_url = _start_server()
    unit = None
    again_seconds = None
    try:
        unit = _organisation()
        settings_obj = KoladaSettings.objects.create(
            organisation=unit,
            municipality_id=municipality_ids[0],
            comparison_ids=municipality_ids[1:],
        )
        client = KoladaClient(base_url, max_per_second=max_per_second)
        rss_before = _rss_mib()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        result = sync(
            settings_obj,
            client,
            kpis=kpi_ids,
            years=year_list,
            full=True,
            include_in_use=False,
        )
        seconds = time.perf_counter() - started
        traced_peak = None
        if trace:
            traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        rss_after = _rss_mib()
        if again:
            started = time.perf_counter()
            sync(
                settings_obj,
                client,
                kpis=kpi_ids,
                years=year_list,
                full=True,
                include_in_use=False,
            )
            again_seconds = time.perf_counter() - started
        stored = KoladaValue.objects.filter(
            kpi_id__gte=kpi_ids[0], kpi_id__lte=kpi_ids[-1], municipality_id__in=municipality_ids
        ).count()
    finally:
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        if unit is not None:
            _clean(unit, kpi_ids, municipality_ids)
    return {
        "database": connection.vendor,
        "values": result.values,
        "stored": stored,
        "kpis": n_kpis,
        "municipalities": municipalities,
        "years": years,
        "requests": result.requests,
        "seconds": seconds,
        "fetch_seconds": result.fetch_seconds,
        "write_seconds": result.write_seconds,
        "values_per_second": result.values / seconds if seconds else 0.0,
        "rate_limit_seconds": result.requests / 5,
        "again_seconds": again_seconds,
        "rss_peak_mib": rss_after,
        "rss_growth_mib": rss_after - rss_before,
        "tracemalloc_peak_mib": traced_peak,
        "budget_seconds": BUDGET_SECONDS,
        "budget_mib": BUDGET_MIB,
    }
