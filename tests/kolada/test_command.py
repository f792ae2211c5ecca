"""`styrhjul kolada-sync` end to end, against a local server that serves the
recordings over HTTP."""

import io
import socket
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from styrhjul.kolada.fakeserver import serve
from styrhjul.kolada.models import KoladaMunicipality, KoladaSettings, KoladaSyncLog, KoladaValue
from styrhjul.kolada.queries import settings_for, sync_status
from tests.factories import UnitFactory

from .fakes import RecordedKolada

pytestmark = pytest.mark.django_db


def kolada_sync(*args) -> str:
    out = io.StringIO()
    call_command("kolada_sync", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def kolada():
    fake = RecordedKolada()
    with serve(fake) as base_url:
        fake.base_url = base_url
        yield fake


def test_first_run_sets_the_municipalities_and_stores_the_values(org, kolada):
    output = kolada_sync(
        "--municipality", "1480",
        "--compare", "0180,0580,0000",
        "--kpi", "N21704",
        "--years", "2022-2023",
        "--base-url", kolada.base_url,
    )  # fmt: skip

    assert output.startswith(
        "Kolada för Provköpings kommun: 1 nyckeltal för 4 kommuner och regioner, 2022–2023: "
        "9 värden sparade. Fullständig hämtning. (3 frågor, "
    )
    settings_obj = KoladaSettings.objects.get(organisation=org["kommun"])
    assert settings_obj.municipality_id == "1480"
    assert settings_obj.comparison_ids == ["0180", "0580", "0000"]
    titles = dict(KoladaMunicipality.objects.values_list("id", "title"))
    rows = KoladaValue.objects.filter(
        kpi_id="N21704", municipality_id__in=["1480", "0180"], period=2023, gender="T", ou_id=""
    )
    assert {titles[r.municipality_id]: r.value for r in rows} == {
        "Göteborg": Decimal("17.012982"),
        "Stockholm": Decimal("21.887490"),
    }
    status = sync_status(org["kommun"], settings_obj)
    assert status.last_synced_at == settings_obj.last_synced_at
    assert status.last_failure is None


def test_second_run_is_incremental_and_uses_the_saved_settings(org, kolada):
    kolada_sync("--municipality", "1480", "--compare", "0180", "--kpi", "N21704",
                "--years", "2023", "--base-url", kolada.base_url)  # fmt: skip
    kolada.requests.clear()

    output = kolada_sync("--kpi", "N21704", "--years", "2023", "--base-url", kolada.base_url)

    assert "Ändringar sedan" in output
    (data,) = [p for p in kolada.requests if p.startswith("/v3/data/")]
    assert "from_date=" in data
    assert not KoladaValue.objects.filter(municipality_id="0180", gender="K").exists()


def test_a_second_run_with_other_comparisons_saves_them(org, kolada):
    kolada_sync("--municipality", "1480", "--compare", "0180", "--kpi", "N21704",
                "--years", "2023", "--base-url", kolada.base_url)  # fmt: skip

    kolada_sync("--compare", "0580,0000", "--kpi", "N21704", "--years", "2023",
                "--base-url", kolada.base_url)  # fmt: skip

    settings_obj = KoladaSettings.objects.get(organisation=org["kommun"])
    assert settings_obj.municipality_id == "1480"
    assert settings_obj.comparison_ids == ["0580", "0000"]
    assert settings_obj.synced_scope["municipalities"] == ["1480", "0580", "0000"]
    assert KoladaValue.objects.filter(municipality_id="0580").exists()  # new: fetched in full

    kolada.requests.clear()
    kolada_sync("--kpi", "N21704", "--years", "2023", "--base-url", kolada.base_url)
    (municipalities,) = [p for p in kolada.requests if p.startswith("/v3/municipality/")]
    assert municipalities.startswith("/v3/municipality/1480,0580,0000?")


@pytest.mark.parametrize("first_time", [True, False])
def test_invalid_comparisons_are_explained_and_change_nothing(org, kolada, first_time):
    if not first_time:
        kolada_sync("--municipality", "1480", "--compare", "0180", "--kpi", "N21704",
                    "--years", "2023", "--base-url", kolada.base_url)  # fmt: skip
    before = list(KoladaSettings.objects.values())
    logs = KoladaSyncLog.objects.count()
    kolada.requests.clear()

    with pytest.raises(CommandError) as error:
        kolada_sync("--municipality", "1480", "--compare", "0180,1480", "--kpi", "N21704",
                    "--base-url", kolada.base_url)  # fmt: skip

    assert str(error.value) == (
        "--compare: 1480 är den egna kommunen eller regionen. Den visas alltid och ska inte stå "
        "bland jämförelserna. Inget har ändrats."
    )
    assert list(KoladaSettings.objects.values()) == before
    assert KoladaSyncLog.objects.count() == logs
    assert kolada.requests == []


def test_settings_saved_before_a_failed_fetch_are_said_to_be_kept(org, kolada):
    kolada_sync("--municipality", "1480", "--compare", "0180", "--kpi", "N21704",
                "--years", "2023", "--base-url", kolada.base_url)  # fmt: skip

    with pytest.raises(CommandError) as error:
        kolada_sync("--compare", "0180,9999", "--kpi", "N21704", "--years", "2023",
                    "--base-url", kolada.base_url)  # fmt: skip

    assert str(error.value) == (
        "Kolada känner inte till kommun- eller regionkoden 9999. Inget har ändrats. "
        "Kolada-inställningarna (--compare) är ändå sparade och gäller nästa hämtning."
    )
    settings_obj = KoladaSettings.objects.get(organisation=org["kommun"])
    assert settings_obj.comparison_ids == ["0180", "9999"]
    assert settings_obj.synced_scope["municipalities"] == ["1480", "0180"]


def test_kolada_cannot_be_reached_changes_nothing(org, kolada):
    kolada_sync("--municipality", "1480", "--compare", "0180", "--kpi", "N21704",
                "--years", "2023", "--base-url", kolada.base_url)  # fmt: skip
    before = list(KoladaValue.objects.order_by("pk").values_list("pk", "value"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/v3"

    with pytest.raises(CommandError) as error:
        kolada_sync("--kpi", "N21704", "--years", "2023", "--full", "--base-url", closed,
                    "--timeout", "2", "--retries", "0")  # fmt: skip

    message = str(error.value)
    assert message.startswith(f"Kolada gick inte att nå ({closed}/kpi/N21704")
    assert message.endswith("Inget har ändrats.")
    assert list(KoladaValue.objects.order_by("pk").values_list("pk", "value")) == before
    assert sync_status(org["kommun"], settings_for(org["kommun"])).last_failure.message == message


def test_the_own_municipality_is_needed_the_first_time(org, kolada):
    with pytest.raises(CommandError, match="Ingen egen kommun är inställd för Kolada"):
        kolada_sync("--kpi", "N21704", "--base-url", kolada.base_url)
    assert not KoladaSyncLog.objects.exists()


def test_several_organisations_need_organisation(org, kolada):
    UnitFactory(name="Grannkommunen", code="GK")
    with pytest.raises(CommandError, match="Det finns flera organisationer; välj en med"):
        kolada_sync("--municipality", "1480", "--base-url", kolada.base_url)
    output = kolada_sync("--organisation", "K", "--municipality", "1480", "--kpi", "N21704",
                         "--years", "2023", "--base-url", kolada.base_url)  # fmt: skip
    assert output.startswith("Kolada för Provköpings kommun:")


def test_organisation_must_be_a_root(org, kolada):
    with pytest.raises(CommandError, match="Socialnämnden \\(SN\\) är inte en organisation"):
        kolada_sync("--organisation", "SN", "--municipality", "1480")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--years", "2015/2020"], "--years '2015/2020' går inte att tolka"),
        (["--years", "2020-2015"], "det sista året är före det första"),
        (["--from-date", "1 juni"], "--from-date '1 juni' är inte ett datum"),
        (["--full", "--from-date", "2026-01-01"], "Välj antingen --full eller --from-date"),
    ],
)
def test_bad_options(org, args, message):
    with pytest.raises(CommandError, match=message):
        kolada_sync("--municipality", "1480", *args)


def test_kolada_address_comes_from_the_setting(org, kolada, settings):
    settings.KOLADA_BASE_URL = kolada.base_url
    output = kolada_sync("--municipality", "1480", "--kpi", "N21704", "--years", "2023")
    assert "3 värden sparade" in output
    assert any(p.startswith("/v3/data/kpi/N21704/municipality/1480/") for p in kolada.requests)
