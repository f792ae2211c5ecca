"""The Kolada sync: everything fetched first, then written in one
transaction; incremental after the first time; a failure changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from styrhjul.kolada import sync as sync_module
from styrhjul.kolada.client import KoladaError, UnknownIdsError
from styrhjul.kolada.models import (
    KoladaKpi,
    KoladaMunicipality,
    KoladaOu,
    KoladaSettings,
    KoladaSyncLog,
    KoladaValue,
)
from styrhjul.kolada.sync import default_years, kpis_in_use, plan_parts, sync
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.planning import services
from styrhjul.planning.models import Item

from .fakes import RecordedKolada, make_client, recording_bytes

pytestmark = pytest.mark.django_db

COMPARE = ["0180", "0580", "0000"]


@pytest.fixture
def settings_obj(org):
    return KoladaSettings.objects.create(
        organisation=org["kommun"], municipality_id="1480", comparison_ids=COMPARE
    )


def stored() -> dict:
    """What a user would see: {(municipality, year, gender): value}."""
    return {
        (v.municipality_id, v.period, v.gender): v.value
        for v in KoladaValue.objects.filter(kpi_id="N21704", ou_id="")
    }


def run(settings_obj, kolada=None, **options):
    client, opener, clock = make_client(kolada)
    options.setdefault("kpis", ["N21704"])
    options.setdefault("years", [2023])
    result = sync(settings_obj, client, **options)
    return result, opener


def test_first_sync_stores_definitions_and_values_for_own_and_comparisons(settings_obj):
    result, opener = run(settings_obj)

    values = stored()
    # Göteborg and the comparisons that Kolada has values for; Riket (0000)
    # is not in the recording, Malmö and Umeå are not asked for.
    assert values == {
        ("1480", 2023, "T"): Decimal("17.012982"),
        ("1480", 2023, "K"): Decimal("19.468967"),
        ("1480", 2023, "M"): Decimal("13.314533"),
        ("0180", 2023, "T"): Decimal("21.887490"),
        ("0180", 2023, "K"): Decimal("25.688929"),
        ("0180", 2023, "M"): Decimal("15.778849"),
        ("0580", 2023, "T"): Decimal("6.067015"),
        ("0580", 2023, "K"): Decimal("7.221589"),
        ("0580", 2023, "M"): Decimal("4.434292"),
    }
    kpi = KoladaKpi.objects.get(pk="N21704")
    assert kpi.title.startswith("Nyckeltal N21704")
    assert kpi.publication_date == datetime.date(2024, 3, 5)
    assert dict(KoladaMunicipality.objects.values_list("id", "title")) == {
        "1480": "Göteborg",
        "0180": "Stockholm",
        "0580": "Linköping",
        "0000": "Riket",
    }
    settings_obj.refresh_from_db()
    assert settings_obj.last_synced_at is not None
    assert settings_obj.last_sync_summary == (
        "1 nyckeltal för 4 kommuner och regioner, 2023–2023: 9 värden sparade. "
        "Fullständig hämtning."
    )
    log = KoladaSyncLog.objects.get()
    assert log.ok and log.full and log.from_date is None
    assert log.counts["values"] == 9
    assert result.requests == len(opener.urls) == 3  # kpi, municipality, data
    assert "from_date" not in opener.urls[-1]


def test_second_sync_fetches_changes_since_the_day_before_and_removes_withdrawn(settings_obj):
    run(settings_obj)
    settings_obj.refresh_from_db()
    first_sync = settings_obj.last_synced_at

    result, opener = run(settings_obj)

    since = timezone.localdate(first_sync) - datetime.timedelta(days=1)
    data_url = opener.urls[-1]
    assert f"from_date={since.isoformat()}" in data_url
    values = stored()
    assert values[("1480", 2023, "T")] == Decimal("17.500000")  # changed in Kolada
    assert ("0180", 2023, "K") not in values  # withdrawn in Kolada (isdeleted)
    assert values[("0180", 2023, "T")] == Decimal("21.887490")  # untouched
    assert result.withdrawn == 1
    assert result.summary.endswith(f"Ändringar sedan {since.isoformat()}.")
    log = KoladaSyncLog.objects.order_by("-pk").first()
    assert log.ok and not log.full and log.from_date == since


def test_a_kpi_new_since_the_last_sync_is_fetched_in_full(settings_obj):
    run(settings_obj)
    KoladaValue.objects.all().delete()  # to see what the second sync brings

    result, opener = run(settings_obj, kpis=["N21704", "N00945"])

    data_urls = [u for u in opener.urls if "/data/" in u]
    old, new = data_urls
    assert "/kpi/N21704/" in old and "from_date=" in old
    assert "/kpi/N00945/" in new and "from_date=" not in new
    assert KoladaKpi.objects.filter(pk="N00945").exists()
    assert "det som var nytt i omfånget" in result.summary


def test_a_new_comparison_municipality_is_fetched_in_full(settings_obj):
    run(settings_obj)
    settings_obj.comparison_ids = [*COMPARE, "1280"]

    run(settings_obj)

    assert stored()[("1280", 2023, "T")] == Decimal("20.979068")  # Malmö, from the recording


def test_full_sync_replaces_what_is_stored(settings_obj):
    run(settings_obj)
    KoladaValue.objects.filter(municipality_id="0580", gender="T").update(value=Decimal("99"))
    KoladaValue.objects.filter(municipality_id="1480", gender="M").update(status="gammal")
    KoladaValue.objects.create(
        kpi_id="N21704", municipality_id="0180", period=2023, gender="M", ou_id="X1", value=5
    )

    run(settings_obj, full=True)

    values = stored()
    assert values[("0580", 2023, "T")] == Decimal("6.067015")
    assert KoladaValue.objects.get(municipality_id="1480", gender="M", ou_id="").status == ""
    # Unit-level values are outside the municipality scope and stay.
    assert KoladaValue.objects.filter(ou_id="X1").exists()


def test_full_sync_drops_values_kolada_no_longer_has(settings_obj):
    run(settings_obj)
    kolada = RecordedKolada()
    kolada.rows = [r for r in kolada.rows if r["municipality"] != "0580"]

    run(settings_obj, kolada, full=True)

    assert {m for m, _, _ in stored()} == {"1480", "0180"}


def test_failed_sync_changes_nothing(settings_obj):
    run(settings_obj)
    settings_obj.refresh_from_db()
    before_values = stored()
    before_sync = settings_obj.last_synced_at
    before_summary = settings_obj.last_sync_summary
    kolada = RecordedKolada()
    kolada.script["/v3/data"] = [(503, {}, b"")] * 4

    with pytest.raises(KoladaError) as error:
        run(settings_obj, kolada, kpis=["N21704", "N00945"], full=True)

    assert str(error.value).endswith("Försökte 4 gånger. Inget har ändrats.")
    assert "serverfel (503)" in str(error.value)
    assert stored() == before_values
    assert not KoladaKpi.objects.filter(pk="N00945").exists()
    settings_obj.refresh_from_db()
    assert settings_obj.last_synced_at == before_sync
    assert settings_obj.last_sync_summary == before_summary
    failure = KoladaSyncLog.objects.get(ok=False)
    assert failure.message == str(error.value)
    assert failure.counts["requests"] == 6  # kpi, municipality, 4 × data


def test_failure_while_writing_rolls_everything_back(settings_obj, monkeypatch):
    run(settings_obj)
    settings_obj.refresh_from_db()
    before_values, before_sync = stored(), settings_obj.last_synced_at
    real_write = sync_module.write_values

    def write_then_fail(buffer, *args, **kwargs):
        real_write(buffer, *args, **kwargs)  # the values are written …
        raise IntegrityError("disk full")  # … and then the database fails

    monkeypatch.setattr(sync_module, "write_values", write_then_fail)
    kolada = RecordedKolada()
    kolada.rows = [dict(r, values=[dict(v, value=1.0) for v in r["values"]]) for r in kolada.rows]

    with pytest.raises(KoladaError, match="Kolada-värdena kunde inte sparas: disk full"):
        run(settings_obj, kolada, full=True)

    assert stored() == before_values
    settings_obj.refresh_from_db()
    assert settings_obj.last_synced_at == before_sync
    assert KoladaSyncLog.objects.filter(ok=False).count() == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((200, {}, b'{"values": [{"kpi": '), "Kolada skickade ett ofullständigt svar"),
        ((200, {}, b'{"values": [] ]'), "Kolada skickade ett svar som inte är giltig JSON"),
        (
            (200, {}, recording_bytes("handmade_not_a_number.json")),
            "Kolada skickade ett värde som inte är ett tal för N21704, 1480, 2023 (T)",
        ),
    ],
)
def test_bad_response_stores_nothing(settings_obj, answer, message):
    kolada = RecordedKolada()
    kolada.script["/v3/data"] = [answer]

    with pytest.raises(KoladaError) as error:
        run(settings_obj, kolada)

    assert message in str(error.value)
    assert str(error.value).endswith("Inget har ändrats.")
    assert not KoladaValue.objects.exists()
    assert not KoladaKpi.objects.exists()
    settings_obj.refresh_from_db()
    assert settings_obj.last_synced_at is None


def test_unknown_kpi_on_an_indicator_names_the_id_and_the_indicator(settings_obj, chain):
    indicator = chain["indicator"]
    indicator.kolada_kpi = "N99999"
    indicator.save()

    with pytest.raises(UnknownIdsError) as error:
        run(settings_obj, kpis=[])

    assert str(error.value) == (
        "Kolada känner inte till nyckeltalet N99999. N99999 används av "
        '"Andel behöriga till gymnasiet" (Provköpings kommun). Rätta Kolada-id på '
        "nyckeltalet eller ta bort det. Inget har ändrats."
    )
    assert not KoladaValue.objects.exists()


def test_unknown_comparison_municipality(settings_obj):
    settings_obj.comparison_ids = ["0180", "9999"]
    with pytest.raises(UnknownIdsError, match="känner inte till kommun- eller regionkoden 9999"):
        run(settings_obj)
    assert not KoladaValue.objects.exists()


def test_kpis_in_use_come_from_the_organisations_open_indicators(org, chain, settings_obj):
    indicator = chain["indicator"]
    indicator.kolada_kpi = " n21704 "
    indicator.save()
    archived = services.item_create(
        actor=access.SYSTEM,
        plan=indicator.plan,
        kind=ItemKind.INDICATOR,
        title="Gammalt nyckeltal",
        kolada_kpi="N00945",
    )
    archived.archived_at = timezone.now()
    archived.save()

    assert kpis_in_use(org["kommun"]) == {
        "N21704": ['"Andel behöriga till gymnasiet" (Provköpings kommun)']
    }

    result, opener = run(settings_obj, kpis=[])
    assert result.kpis == 1
    assert stored()[("1480", 2023, "T")] == Decimal("17.012982")


def test_another_organisations_indicators_are_not_fetched(org, chain):
    from tests.factories import UnitFactory

    other = UnitFactory(name="Grannkommunen", code="GK")
    indicator = chain["indicator"]
    indicator.kolada_kpi = "N21704"
    indicator.save()
    assert kpis_in_use(other) == {}


def test_without_kpis_the_sync_only_records_that(settings_obj):
    result, opener = run(settings_obj, kpis=[])
    assert result.summary == "Inga nyckeltal med Kolada-id att hämta."
    assert not KoladaValue.objects.exists()
    assert not [u for u in opener.urls if "/data/" in u]


def test_default_years_are_the_last_ten():
    assert default_years(datetime.date(2026, 6, 1)) == list(range(2017, 2027))


def test_plan_parts_split_old_and_new_scope():
    previous = {"kpis": ["A"], "municipalities": ["1"], "years": [2020]}
    since = datetime.date(2026, 1, 1)
    parts = plan_parts(["A", "B"], ["1", "2"], [2020, 2021], previous, since)
    described = [(p.kpis, p.places, p.years, p.from_date) for p in parts]
    assert described == [
        (["A"], ["1"], [2020], since),
        (["B"], ["1", "2"], [2020, 2021], None),
        (["A"], ["2"], [2020, 2021], None),
        (["A"], ["1"], [2021], None),
    ]


def test_values_for_the_organisations_kolada_units(settings_obj):
    """Unit-level data (oudata) for the units in the settings, stored with
    the unit's municipality; handmade answers in Kolada's v3 shape."""
    from .fakes import body, envelope

    kolada = RecordedKolada()
    kolada.kpis[0]["has_ou_data"] = True
    school = {"id": "V15E148000101", "municipality": "1480", "title": "Provskolan"}
    ou_row = {
        "kpi": "N21704",
        "ou": "V15E148000101",
        "period": 2023,
        "values": [{"gender": "T", "count": 1, "status": "", "value": 42.5}],
    }

    def handler(path):
        if path.startswith("/v3/ou/"):
            return 200, {}, body(envelope([school]))
        if path.startswith("/v3/oudata/kpi/N21704/ou/V15E148000101/year/2023?"):
            return 200, {}, body(envelope([ou_row]))
        return kolada(path)

    settings_obj.ou_ids = ["V15E148000101"]
    result, opener = run(settings_obj, handler)

    (row,) = KoladaValue.objects.filter(kpi_id="N21704", ou_id="V15E148000101")
    assert (KoladaOu.objects.get(pk=row.ou_id).title, row.municipality_id, row.period) == (
        "Provskolan",
        "1480",
        2023,
    )
    assert row.value == Decimal("42.500000")
    assert result.ous == 1
    assert "och 1 enhet," in result.summary
    # The municipality-level values are there too, and apart.
    assert len([key for key in stored() if key[0] == "1480"]) == 3


@pytest.mark.parametrize("measure_unit", ["%", " % "])
def test_a_percentage_over_100_for_an_indicator_in_percent_stores_nothing(
    settings_obj, chain, measure_unit
):
    indicator = chain["indicator"]
    indicator.kolada_kpi = "N21704"
    indicator.measure_unit = measure_unit
    indicator.save()
    kolada = RecordedKolada()
    kolada.rows = [
        dict(r, values=[dict(v, value=104.2) if v["gender"] == "K" else v for v in r["values"]])
        if r["municipality"] == "0180"
        else r
        for r in kolada.rows
    ]

    with pytest.raises(KoladaError) as error:
        run(settings_obj, kolada, kpis=[])

    assert str(error.value) == (
        "Kolada gav värdet 104,2 för N21704 (kommun 0180, 2023), men nyckeltalet "
        "”Andel behöriga till gymnasiet” anges i procent och kan inte vara över 100. "
        "Kontrollera Kolada-id och enhet på nyckeltalet. Inget har ändrats."
    )
    assert not KoladaValue.objects.exists()
    # The same values for an indicator counted in something else are stored.
    indicator.measure_unit = "index"
    indicator.save()
    run(settings_obj, kolada, kpis=[])
    assert stored()[("0180", 2023, "K")] == Decimal("104.2")


def test_the_indicators_are_read_once_for_the_kpis_in_use_and_the_percent_check(
    settings_obj, chain
):
    indicator = chain["indicator"]
    indicator.kolada_kpi = "N21704"
    indicator.measure_unit = "%"
    indicator.save()

    with CaptureQueriesContext(connection) as queries:
        result, _ = run(settings_obj, kpis=[])

    assert result.kpis == 1
    items = Item._meta.db_table
    assert len([q for q in queries if q["sql"].startswith("SELECT") and items in q["sql"]]) == 1
