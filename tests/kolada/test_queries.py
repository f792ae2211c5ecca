"""Reading stored Kolada data for the pages: no network, few queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from styrhjul.kolada.models import (
    KoladaKpi,
    KoladaMunicipality,
    KoladaOu,
    KoladaSettings,
    KoladaSyncLog,
    KoladaValue,
)
from styrhjul.kolada.queries import (
    kpi,
    ou_values_for,
    search_kpis,
    sync_status,
    values_for,
)

pytestmark = pytest.mark.django_db


def add_kpi(kpi_id, title):
    return KoladaKpi.objects.create(id=kpi_id, title=title, fetched_at=timezone.now())


@pytest.fixture
def stored():
    add_kpi("N00945", "Invånare totalt, antal")
    KoladaMunicipality.objects.create(id="1480", title="Göteborg", type="K")
    KoladaMunicipality.objects.create(id="0000", title="Riket", type="L")
    for municipality, period, gender, value in [
        ("0000", 2024, "T", 10),
        ("1480", 2024, "T", 2),
        ("1480", 2023, "M", 3),
        ("1480", 2023, "T", 1),
        ("1480", 2023, "K", None),
        ("0000", 2023, "T", 9),
    ]:
        KoladaValue.objects.create(
            kpi_id="N00945", municipality_id=municipality, period=period, gender=gender,
            value=value,
        )  # fmt: skip


def test_values_for_orders_by_year_then_the_given_municipalities(
    stored, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        rows = values_for("N00945", ["1480", "0000"])
    assert [(r.period, r.municipality_id, r.gender, r.value) for r in rows] == [
        (2023, "1480", "T", Decimal("1")),
        (2023, "1480", "K", None),
        (2023, "1480", "M", Decimal("3")),
        (2023, "0000", "T", Decimal("9")),
        (2024, "1480", "T", Decimal("2")),
        (2024, "0000", "T", Decimal("10")),
    ]
    assert rows[0].municipality_title == "Göteborg"


def test_values_for_years_and_genders(stored):
    rows = values_for("N00945", ["0000", "1480"], years=[2024], genders=["T"])
    assert [(r.municipality_title, r.value) for r in rows] == [
        ("Riket", Decimal("10")),
        ("Göteborg", Decimal("2")),
    ]
    assert values_for("N00945", ["1480"], years=range(2020, 2023)) == []
    assert values_for("N99999", ["1480"]) == []


def test_ou_values_are_separate(stored):
    KoladaOu.objects.create(id="V15E148000101", title="Skolan", municipality_id="1480")
    KoladaValue.objects.create(
        kpi_id="N00945", municipality_id="1480", ou_id="V15E148000101", period=2024,
        gender="T", value=7,
    )  # fmt: skip
    assert len(values_for("N00945", ["1480"], years=[2024])) == 1
    (row,) = ou_values_for("N00945", ["V15E148000101"])
    assert (row.ou_title, row.value) == ("Skolan", Decimal("7"))


def test_search_stored_kpis_by_id_or_words():
    add_kpi("N21704", "Andel äldre med hemtjänst, %")
    add_kpi("N00945", "Invånare totalt, antal")
    add_kpi("U21704", "Äldreomsorg, brukarbedömning hemtjänst, %")

    assert [k.id for k in search_kpis("n21704")] == ["N21704"]
    assert [k.id for k in search_kpis("21704")] == ["N21704", "U21704"]
    assert [k.id for k in search_kpis("HEMTJÄNST äldre")] == ["N21704", "U21704"]
    assert [k.id for k in search_kpis("Äldreomsorg")] == ["U21704"]
    assert search_kpis("  ") == []
    assert kpi("n00945").title == "Invånare totalt, antal"


def test_sync_status_shows_a_failure_after_the_last_good_sync(org):
    root = org["kommun"]
    good = timezone.now() - datetime.timedelta(hours=2)
    KoladaSettings.objects.create(
        organisation=root, municipality_id="1480", last_synced_at=good, last_sync_summary="Ok."
    )
    assert sync_status(root).last_failure is None
    failed = KoladaSyncLog.objects.create(
        organisation=root, started_at=timezone.now(), finished_at=timezone.now(), ok=False,
        message="Kolada gick inte att nå.",
    )  # fmt: skip
    status = sync_status(root)
    assert status.last_synced_at == good
    assert status.summary == "Ok."
    assert status.last_failure == failed


def test_models_read_well():
    k = add_kpi("N00945", "Invånare totalt, antal")
    assert str(k) == "N00945 Invånare totalt, antal"
    m = KoladaMunicipality.objects.create(id="0000", title="Riket", type="L")
    assert str(m) == "Riket (0000)"
    v = KoladaValue(kpi=k, municipality_id="0000", period=2024, gender="T", value=Decimal("5"))
    assert str(v) == "N00945 0000 2024 T: 5"
