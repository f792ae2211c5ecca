"""The REST API's bulk write in `styrhjul bench`: 100,000 indicator values
sent in one call to POST /api/v1/nyckeltalsvarden (issue budget: < 30 s, all
or nothing), once as new values and once replacing them, on the scale data
set's indicators and units. Runs in a transaction that is rolled back, so
the data set is left as it was."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass

from django.db import transaction
from django.test import Client

from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import IndicatorSource, Item

UPSERT_BUDGET_S = 30.0
UPSERT_VALUES = 100_000


class _Rollback(Exception):
    pass


@dataclass
class UpsertBench:
    values: int
    created_seconds: float
    replaced_seconds: float
    note: str = ""

    def lines(self) -> list[str]:
        if self.note:
            return [f"API, nyckeltalsvärden i mängd: {self.note}"]
        worst = max(self.created_seconds, self.replaced_seconds)
        verdict = "ÖVER" if worst > UPSERT_BUDGET_S else "OK"
        n = f"{self.values:,}".replace(",", " ")
        return [
            f"API, nyckeltalsvärden i mängd (POST /api/v1/nyckeltalsvarden, {n} värden): "
            f"nya {self.created_seconds:.1f} s, ersatta {self.replaced_seconds:.1f} s "
            f"(budget < {UPSERT_BUDGET_S:.0f} s) {verdict}"
        ]


def value_rows(root: Unit, year: int, count: int = UPSERT_VALUES) -> list[dict]:
    """`count` distinct values: the organisation's indicators of the year,
    each for its own unit, per month and for the whole year, back in time
    as far as needed."""
    indicators = list(
        Item.objects.filter(
            kind=ItemKind.INDICATOR,
            plan__plan_type__model__organisation=root,
            plan__plan_type__model__year=year,
        )
        .exclude(source=IndicatorSource.KOLADA)
        .exclude(plan__unit__code="")
        .values_list("pk", "plan__unit__code")[:5000]
    )
    if not indicators:
        return []
    periods = (
        period
        for y in itertools.count(year, -1)
        for period in (str(y), *(f"{y}-{m:02}" for m in range(1, 13)))
    )
    rows: list[dict] = []
    for period in periods:
        for pk, code in indicators:
            rows.append(
                {"indicator_id": pk, "unit_code": code, "period": period, "value": len(rows) % 97}
            )
            if len(rows) == count:
                return rows
        if int(period[:4]) < year - 200:
            return rows
    return rows


def bench_upsert(client: Client, root: Unit, year: int, count: int = UPSERT_VALUES) -> UpsertBench:
    rows = value_rows(root, year, count)
    if len(rows) < count:
        return UpsertBench(len(rows), 0, 0, note="för få nyckeltal i datamängden; hoppas över")
    body = json.dumps({"values": rows})
    replaced = json.dumps({"values": [{**r, "value": r["value"] + 1} for r in rows]})
    timings = []
    try:
        with transaction.atomic():
            for payload, key in ((body, "created"), (replaced, "updated")):
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/nyckeltalsvarden", payload, content_type="application/json"
                )
                timings.append(time.perf_counter() - started)
                if response.status_code != 200 or response.json()[key] != count:
                    return UpsertBench(
                        count,
                        0,
                        0,
                        note=f"fel: HTTP {response.status_code} {response.content[:300]!r}",
                    )
            raise _Rollback
    except _Rollback:
        pass
    return UpsertBench(count, timings[0], timings[1])
