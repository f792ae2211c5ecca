"""Reading stored Kolada data for the pages: no network, few queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from styrhjul.kolada.models import (
    KoladaKpi,
    KoladaMunicipality,
    KoladaSettings,
    KoladaSyncLog,
    KoladaValue,
)
from styrhjul.kolada.queries import kpi, search_kpis, sync_status

pytestmark = pytest.mark.django_db


def add_kpi(kpi_id, title):
    return KoladaKpi.objects.create(id=kpi_id, title=title, fetched_at=timezone.now())


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
    settings_obj = KoladaSettings.objects.create(
        organisation=root, municipality_id="1480", last_synced_at=good, last_sync_summary="Ok."
    )
    assert sync_status(root, settings_obj).last_failure is None
    failed = KoladaSyncLog.objects.create(
        organisation=root, started_at=timezone.now(), finished_at=timezone.now(), ok=False,
        message="Kolada gick inte att nå.",
    )  # fmt: skip
    status = sync_status(root, settings_obj)
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
