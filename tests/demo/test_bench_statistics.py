"""The benches keep PostgreSQL's statistics fresh: load-scale analyses the
tables it has just filled before the next bulk step reads them, and the
benches vacuum what they delete in bulk, instead of leaving dead rows that
slow the pages until autovacuum comes."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from styrhjul.core import dbstats
from styrhjul.kolada import bench as kolada_bench
from styrhjul.kolada.models import KoladaKpi, KoladaMunicipality, KoladaValue
from styrhjul.organisation.models import Unit
from tests.factories import UnitFactory

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner statistics of PostgreSQL"
)


def first(queries: list[str], pattern: str) -> int:
    return next(i for i, sql in enumerate(queries) if re.search(pattern, sql))


@ON_POSTGRESQL
@pytest.mark.django_db
def test_load_scale_analyses_each_bulk_step_before_the_next_reads_it():
    with CaptureQueriesContext(connection) as captured:
        call_command(
            "load_scale",
            *("--units", "40", "--items", "400", "--plan-items", "60"),
            *("--task-items", "10", "--share-units", "5"),
            stdout=io.StringIO(),
        )
    queries = [q["sql"] for q in captured.captured_queries]
    # The units before the plans and items are written under them, the items
    # before the follow-up finds the items to report and writes the tasks.
    assert first(queries, r'^ANALYZE "organisation_unit"') < first(
        queries, r'^INSERT INTO "planning_item"'
    )
    analysed_items = first(queries, r'^ANALYZE .*"planning_item"')
    assert analysed_items < first(queries, r'^INSERT INTO "followup_reportingtask"')
    assert first(queries, r'^ANALYZE .*"followup_reportingtask"') < first(
        queries, r'^INSERT INTO "followup_report"'
    )


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_kolada_bench_vacuums_the_values_it_deleted():
    unit = UnitFactory(code=kolada_bench.BENCH_UNIT_CODE)
    KoladaKpi.objects.create(id="XB0001", title="Prov", fetched_at=timezone.now())
    KoladaMunicipality.objects.create(id="9001", title="Provby")
    KoladaValue.objects.bulk_create(
        KoladaValue(kpi_id="XB0001", municipality_id="9001", period=year, gender="T", value=1)
        for year in range(2000, 2020)
    )
    with CaptureQueriesContext(connection) as captured:
        kolada_bench._clean(unit, ["XB0001"], ["9001"])
    queries = [q["sql"] for q in captured.captured_queries]
    vacuum = first(queries, r'^VACUUM \(ANALYZE\) "kolada_koladavalue"')
    assert vacuum > first(queries, r'^DELETE FROM "kolada_koladavalue"')
    assert not KoladaValue.objects.exists() and not Unit.objects.filter(pk=unit.pk).exists()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_inside_a_transaction_only_analyze_runs():
    # VACUUM cannot run in a transaction; it would fail the whole command.
    with CaptureQueriesContext(connection) as captured:
        dbstats.refresh((KoladaValue, "kolada_koladakpi"), vacuum=True)
    assert [q["sql"] for q in captured.captured_queries] == [
        'ANALYZE "kolada_koladavalue", "kolada_koladakpi"'
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite")
@pytest.mark.django_db
def test_on_sqlite_nothing_is_run():
    with CaptureQueriesContext(connection) as captured:
        dbstats.refresh((KoladaValue,), vacuum=True)
    assert captured.captured_queries == []
