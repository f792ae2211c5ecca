"""Financial ratios from the ledger: computed from a small hand-made SIE
file whose figures are worked out by hand below, computed and reconciled
on the real files, stored as the values of indicators with källa
"Beräknas" and a ratio's Kolada-id, and recomputed after a new import."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from styrhjul.economy import ratios
from styrhjul.economy.importing import import_sie
from styrhjul.economy.models import PensionCommitment
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.model.models import ItemKind
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from styrhjul.planning.models import IndicatorSource, Periodicity
from tests.factories import UserFactory, grant

from .test_sie_parser import DATA

pytestmark = pytest.mark.django_db

YEAR = datetime.date(2025, 1, 1)


def ledger(wages: str = "900000.00") -> bytes:
    """A municipality's year in a few accounts (Kommun-Bas numbers)."""
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#FNAMN "Provköpings kommun"',
        "#RAR 0 20250101 20251231",
        '#KONTO 1120 "Verksamhetsfastigheter"',
        '#KONTO 1930 "Bank"',
        '#KONTO 2010 "Eget kapital"',
        '#KONTO 2099 "Årets resultat"',
        '#KONTO 2240 "Avsättning för pensioner"',
        '#KONTO 2350 "Lån i banker"',
        '#KONTO 2440 "Leverantörsskulder"',
        '#KONTO 3110 "Taxor och avgifter"',
        '#KONTO 5010 "Löner"',
        '#KONTO 7910 "Avskrivningar"',
        '#KONTO 8010 "Kommunalskatt"',
        '#KONTO 8210 "Inkomstutjämningsbidrag"',
        '#KONTO 8350 "Kostnadsutjämningsavgift"',
        '#KONTO 8410 "Ränteintäkter"',
        '#KONTO 8510 "Räntekostnader"',
        '#KONTO 8999 "Årets resultat"',
        "#UB 0 1120 800000.00",
        "#UB 0 1930 200000.00",
        "#UB 0 2010 -400000.00",
        "#UB 0 2240 -150000.00",
        "#UB 0 2350 -300000.00",
        "#UB 0 2440 -120000.00",
        "#RES 0 3110 -100000.00",
        f"#RES 0 5010 {wages}",
        "#RES 0 7910 50000.00",
        "#RES 0 8010 -800000.00",
        "#RES 0 8210 -120000.00",
        "#RES 0 8350 20000.00",
        "#RES 0 8410 -5000.00",
        "#RES 0 8510 25000.00",
        "#PSALDO 0 202512 5010 {} 75000.00",
    ]
    return ("\n".join(lines) + "\n").encode("cp437")


def run(org_unit, data: bytes, filename="bok.se"):
    """Import as the page and the command do: the import, then its sequel."""
    result = import_sie(actor=access.SYSTEM, organisation=org_unit, data=data, filename=filename)
    ratios.after_import(result, organisation=org_unit, actor=access.SYSTEM)
    return result


def test_the_ratios_of_a_hand_made_ledger(org):
    run(org["kommun"], ledger())
    result = ratios.financial_ratios(org["kommun"], YEAR)
    assert result.complete

    # Skatter och generella statsbidrag: 800 000 + 120 000 − 20 000 (the
    # avgift to the utjämning) = 900 000.
    # Årets resultat: 100 000 + 800 000 + 120 000 + 5 000 (revenue)
    # − 900 000 − 50 000 − 20 000 − 25 000 (costs) = 30 000; 30/900 = 3,33 %.
    share = result.get(ratios.RESULT_SHARE)
    assert share.numerator == Decimal("30000.00")
    assert share.denominator == Decimal("900000.00")
    assert share.value == Decimal("3.33")
    assert share.percent == "3,3 %"
    assert share.kolada_kpi == "N03102"

    # Tillgångar 800 000 + 200 000 = 1 000 000; avsättningar och skulder
    # 150 000 + 300 000 + 120 000 = 570 000; eget kapital 430 000 (the 400 000
    # on 2010 and the year's 30 000 not yet booked there): 43 %.
    solidity = result.get(ratios.SOLIDITY)
    assert (solidity.numerator, solidity.denominator) == (Decimal(430000), Decimal(1000000))
    assert solidity.value == Decimal("43.00")
    assert solidity.accounts == ["1120", "1930", "2240", "2350", "2440"]

    # Verksamhetens nettokostnader: 900 000 + 50 000 − 100 000 = 850 000;
    # 850/900 = 94,44 %.
    net = result.get(ratios.NET_COST_SHARE)
    assert net.numerator == Decimal(850000)
    assert net.value == Decimal("94.44")

    # Without the ansvarsförbindelse entered, soliditet with pensions is unknown.
    with_pensions = result.get(ratios.SOLIDITY_PENSIONS)
    assert with_pensions.value is None
    assert "inte angiven" in with_pensions.note

    # With 250 000: (430 000 − 250 000) / 1 000 000 = 18 %.
    ratios.pension_commitment_set(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        year_start=YEAR,
        amount=Decimal(250000),
        version=0,
    )
    with_pensions = ratios.financial_ratios(org["kommun"], YEAR).get(ratios.SOLIDITY_PENSIONS)
    assert with_pensions.value == Decimal("18.00")
    assert with_pensions.numerator == Decimal(180000)


def test_a_closing_entry_of_the_years_result_is_left_out(org):
    """Ledgers that close the year book the result on 8999 against 2099: the
    result and the equity stay the same."""
    data = ledger().replace(b"#PSALDO", b"#RES 0 8999 30000.00\n#UB 0 2099 -30000.00\n#PSALDO")
    run(org["kommun"], data)
    result = ratios.financial_ratios(org["kommun"], YEAR)
    assert result.get(ratios.RESULT_SHARE).numerator == Decimal(30000)
    assert "8999" not in result.get(ratios.RESULT_SHARE).accounts
    assert result.get(ratios.SOLIDITY).numerator == Decimal(430000)


def test_a_ledger_without_taxes_says_why_there_is_no_share(org):
    data = re.sub(rb"#RES 0 8[0-3]\d\d [-\d.]+\n", b"", ledger())
    run(org["kommun"], data)
    share = ratios.financial_ratios(org["kommun"], YEAR).get(ratios.RESULT_SHARE)
    assert share.value is None
    assert "Inga skatteintäkter" in share.note


def _balances(data: bytes, year: str = "0") -> tuple[dict, dict]:
    """#RES and #UB without objects for year `year`, read straight from the file."""
    text = data.decode("cp437")
    res, ub = {}, {}
    for tag, target in (("#RES", res), ("#UB", ub)):
        for account, amount in re.findall(
            rf"^{tag}\s+{year}\s+(\d+)\s+(-?[\d.]+)\s*$", text, flags=re.MULTILINE
        ):
            target[account] = Decimal(amount)
    return res, ub


@pytest.mark.parametrize("name", ["periodsaldo_ovnbolag.se", "objektsaldo_ovnbolag.se", "Test3.SE"])
def test_the_real_files_compute_and_reconcile_with_res_and_ub(org, name):
    data = (DATA / name).read_bytes()
    result = run(org["kommun"], data, filename=name)
    start = datetime.date.fromisoformat(result.summary["years"][-1]["start"])
    computed = ratios.financial_ratios(org["kommun"], start)
    res, ub = _balances(data)
    assert res and ub
    # Årets resultat is the file's #RES on every result account but 8999.
    expected_result = -sum(v for a, v in res.items() if a[0] in "345678" and a != "8999")
    assert computed.get(ratios.RESULT_SHARE).numerator == expected_result
    # Eget kapital is the file's #UB of class 1 less classes 22–29.
    assets = sum(v for a, v in ub.items() if a.startswith("1"))
    liabilities = sum(v for a, v in ub.items() if "22" <= a[:2] <= "29")
    solidity = computed.get(ratios.SOLIDITY)
    assert solidity.denominator == assets
    assert solidity.numerator == assets + liabilities
    assert solidity.value == (solidity.numerator / assets * 100).quantize(Decimal("0.01"))


def _indicator(org_unit, kpi: str, periodicity=Periodicity.YEAR):
    model = model_create_default(actor=access.SYSTEM, organisation=org_unit, year=2025)
    plan_type = model.plan_types.first()
    plan = planning.plan_for(actor=access.SYSTEM, unit=org_unit, plan_type=plan_type)
    return planning.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.INDICATOR,
        title="Årets resultat av skatter och generella statsbidrag",
        measure_unit="%",
        source=IndicatorSource.COMPUTED,
        kolada_kpi=kpi,
        periodicity=periodicity,
    )


def test_the_indicator_gets_its_value_after_an_import_and_again_after_a_new_one(org):
    indicator = _indicator(org["kommun"], "N03102")
    run(org["kommun"], ledger())
    value = IndicatorValue.objects.get(item=indicator)
    assert (value.unit, value.year, value.period) == (org["kommun"], 2025, "")
    assert value.value == Decimal("3.33")
    assert value.source == ValueSource.LEDGER

    # A corrected export: wages 9 000 lower, so the result is 39 000: 4,33 %.
    run(org["kommun"], ledger(wages="891000.00"), filename="bok2.se")
    value.refresh_from_db()
    assert value.value == Decimal("4.33")
    assert IndicatorValue.objects.filter(item=indicator).count() == 1


def test_indicators_with_other_sources_or_ids_are_left_alone(org):
    manual = _indicator(org["kommun"], "N03102")
    manual.source = IndicatorSource.MANUAL
    manual.save()
    run(org["kommun"], ledger())
    assert not IndicatorValue.objects.filter(item=manual).exists()


def test_a_year_still_being_booked_is_stored_for_its_last_month_when_followed_during_the_year(
    org,
):
    yearly = _indicator(org["kommun"], "N03106")
    tertial = planning.item_create(
        actor=access.SYSTEM,
        plan=yearly.plan,
        kind=ItemKind.INDICATOR,
        title="Nettokostnadsandel",
        measure_unit="%",
        source=IndicatorSource.COMPUTED,
        kolada_kpi="N03100",
        periodicity=Periodicity.TERTIAL,
    )
    run(org["kommun"], ledger().replace(b"#PSALDO 0 202512", b"#PSALDO 0 202508"))
    assert not IndicatorValue.objects.filter(item=yearly).exists()
    value = IndicatorValue.objects.get(item=tertial)
    assert (value.year, value.period, value.value) == (2025, "2025-08", Decimal("94.44"))


def test_the_command_recomputes_after_importing(org, tmp_path):
    indicator = _indicator(org["kommun"], "N03100")
    path = tmp_path / "bok.se"
    path.write_bytes(ledger())
    out = io.StringIO()
    call_command("import_sie", str(path), organisation=org["kommun"].code, stdout=out)
    assert IndicatorValue.objects.get(item=indicator).value == Decimal("94.44")
    assert "Finansiella nyckeltal" in out.getvalue()


def test_the_upload_page_recomputes_after_importing(client, org):
    from tests.economy.uploads import upload

    indicator = _indicator(org["kommun"], "N03106")
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)
    upload(client, ledger())
    assert IndicatorValue.objects.get(item=indicator).value == Decimal("43.00")
    # A dry run computes nothing new.
    IndicatorValue.objects.all().delete()
    upload(client, ledger(wages="1.00"), name="bok2.se", dry_run="on")
    assert not IndicatorValue.objects.exists()


# --- The page of financial ratios -------------------------------------------------


@pytest.fixture
def owner(org):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


def test_the_ratio_page_shows_the_ratios_and_the_owner_enters_the_pension_commitment(
    client, org, owner
):
    run(org["kommun"], ledger())
    indicator = _indicator(org["kommun"], "N03002")
    client.force_login(owner)
    page = client.get(reverse("economy:ratios")).content.decode()
    assert "3,3 %" in page and "43,0 %" in page and "94,4 %" in page
    assert "N03002" in page
    response = client.post(
        reverse("economy:ratios") + "?ar=2025-01-01",
        {"year_start": "2025-01-01", "version": "0", "amount": "250 000"},
    )
    assert response.status_code == 302
    assert PensionCommitment.objects.get().amount == Decimal(250000)
    assert IndicatorValue.objects.get(item=indicator).value == Decimal("18.00")
    assert "18,0 %" in client.get(response["Location"]).content.decode()


def test_a_bad_amount_is_shown_at_the_field_and_nothing_is_saved(client, org, owner):
    run(org["kommun"], ledger())
    client.force_login(owner)
    response = client.post(
        reverse("economy:ratios") + "?ar=2025-01-01",
        {"year_start": "2025-01-01", "version": "0", "amount": "12,3x"},
    )
    assert response.status_code == 200
    assert "Ange ett belopp i kronor" in response.content.decode()
    assert "12,3x" in response.content.decode()
    assert not PensionCommitment.objects.exists()


def test_a_commitment_changed_by_someone_else_is_not_overwritten_silently(client, org, owner):
    run(org["kommun"], ledger())
    ratios.pension_commitment_set(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        year_start=YEAR,
        amount=Decimal(100),
        version=0,
    )
    client.force_login(owner)
    response = client.post(
        reverse("economy:ratios") + "?ar=2025-01-01",
        {"year_start": "2025-01-01", "version": "0", "amount": "250000"},
    )
    assert response.status_code == 200
    assert "Någon annan har ändrat ansvarsförbindelsen" in response.content.decode()
    assert PensionCommitment.objects.get().amount == Decimal(100)


@pytest.mark.parametrize("role", [Role.READER, Role.MANAGER])
def test_readers_of_the_organisation_see_the_ratios_but_may_not_enter(client, org, role):
    run(org["kommun"], ledger())
    reader = UserFactory()
    grant(reader, org["kommun"], role)
    client.force_login(reader)
    page = client.get(reverse("economy:ratios"))
    assert page.status_code == 200
    assert "43,0 %" in page.content.decode()
    assert 'name="amount"' not in page.content.decode()
    response = client.post(reverse("economy:ratios"), {"year_start": "2025-01-01", "amount": "1"})
    assert response.status_code == 403
    assert not PensionCommitment.objects.exists()


def test_a_reader_of_a_unit_below_does_not_see_the_organisations_ratios(client, org):
    run(org["kommun"], ledger())
    reader = UserFactory()
    grant(reader, org["enhet_a1"], Role.READER)
    client.force_login(reader)
    assert client.get(reverse("economy:ratios")).status_code == 403


def test_the_indicator_compares_its_ledger_values_with_other_municipalities_in_kolada(org):
    """Own values from the ledger; the comparison municipalities' from Kolada
    (values made up here: no Kolada response for these ids is recorded)."""
    from django.utils import timezone

    from styrhjul.indicators.series import indicator_data
    from styrhjul.kolada.models import KoladaKpi, KoladaSettings, KoladaValue

    indicator = _indicator(org["kommun"], "N03102")
    run(org["kommun"], ledger())
    KoladaSettings.objects.create(
        organisation=org["kommun"], municipality_id="1480", comparison_ids=["1481"]
    )
    KoladaKpi.objects.create(id="N03102", title="Årets resultat", fetched_at=timezone.now())
    KoladaValue.objects.create(
        kpi_id="N03102", municipality_id="1481", period=2025, gender="T", value=Decimal("1.8")
    )
    data = indicator_data([indicator])[indicator.pk]
    assert [(p.year, p.value, p.source) for p in data.points] == [
        (2025, Decimal("3.33"), ValueSource.LEDGER)
    ]
    assert [(c.code, c.points) for c in data.comparisons] == [("1481", {2025: Decimal("1.8")})]
