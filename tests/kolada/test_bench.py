"""The Kolada benchmark runs end to end (small) and leaves nothing behind."""

import io

import pytest
from django.core.management import call_command

from styrhjul.kolada.bench import BENCH_UNIT_CODE, bench_store
from styrhjul.kolada.models import KoladaKpi, KoladaSettings, KoladaValue
from styrhjul.organisation.models import Unit

pytestmark = pytest.mark.django_db


def test_bench_stores_the_values_and_cleans_up():
    figures = bench_store(1500, municipalities=5, years=2)

    assert figures["values"] == 1500
    assert figures["stored"] == 1500
    assert figures["kpis"] == 50
    assert figures["seconds"] > 0
    assert figures["rss_peak_mib"] > 0
    assert not KoladaValue.objects.exists()
    assert not KoladaKpi.objects.exists()
    assert not KoladaSettings.objects.exists()
    assert not Unit.objects.filter(code=BENCH_UNIT_CODE).exists()


def test_bench_command_prints_figures_next_to_budgets():
    out = io.StringIO()
    call_command("kolada_bench", "--values", "300", "--municipalities", "5", "--years", "2",
                 stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "Kolada-hämtning på" in text
    assert "300 värden" in text
    assert "budget 60 s   OK" in text
    assert "budget 500 MB" in text
