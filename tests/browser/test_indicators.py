"""Indicator pages in Chromium: axe-core on the indicator page (charts,
tables, comparisons), the council's indicators, the measures to follow up
on a task, the risk scale editor and the texts of the internkontrollrapport."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from styrhjul.indicators.models import IndicatorValue
from styrhjul.kolada.models import KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Item
from tests.browser.conftest import assert_accessible, login, wait_for_htmx
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


@pytest.fixture
def indicator_with_history(org, chain):
    indicator = chain["indicator"]
    Item.objects.filter(pk=indicator.pk).update(
        direction="higher", gender_split=True, kolada_kpi="N15419"
    )
    for year, value in zip(range(2018, 2026), (78, 79, 81, 80, 82, 83, 84, 85), strict=True):
        IndicatorValue.objects.create(
            item=indicator,
            unit=org["kommun"],
            year=year,
            value=value,
            value_women=value + 2,
            value_men=value - 2,
        )
    codes = [("1480", "Göteborg"), ("1481", "Mölndal"), ("1401", "Härryda"), ("0000", "Riket")]
    for code, title in codes:
        KoladaMunicipality.objects.create(id=code, title=title, type="K")
        for year in range(2018, 2026):
            KoladaValue.objects.create(
                kpi_id="N15419",
                municipality_id=code,
                period=year,
                gender="T",
                value=Decimal(75 + (year - 2018) + int(code[-1])),
            )
    KoladaSettings.objects.create(
        organisation=org["kommun"],
        municipality_id="1480",
        comparison_ids=["1481", "1401", "0000"],
    )
    return indicator


@pytest.fixture
def kolada_kpi(db):
    import datetime

    from styrhjul.kolada.models import KoladaKpi

    return KoladaKpi.objects.create(
        id="N15419",
        title="Elever i åk 9 som är behöriga till ett yrkesprogram",
        fetched_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )


def test_the_indicator_and_council_pages_are_accessible(
    page, live_server, org, indicator_with_history, kolada_kpi
):
    reader = UserFactory()
    grant(reader, org["enhet_b1"], Role.READER)
    login(page, reader)

    response = page.goto(f"/nyckeltal/{indicator_with_history.pk}/")
    assert response is not None and response.ok
    assert page.locator("svg[role=img]").count() == 2
    page.get_by_text("Visa värdena som tabell").first.click()
    assert page.locator("details[open] table caption").first.is_visible()
    assert_accessible(page)

    page.goto("/nyckeltal/fullmaktige/2025/")
    assert page.get_by_role("link", name="Andel behöriga till gymnasiet").is_visible()
    assert_accessible(page)


def test_following_up_a_measure_and_writing_the_report_texts(page, live_server, org, ik):
    import datetime

    from styrhjul.followup.models import ReportingTask
    from tests.internal_control import open_occasion

    bokslut = open_occasion(
        ik["type"].model, ik["type"], "Årsbokslut 2025", datetime.date(2025, 12, 31)
    )
    task = ReportingTask.objects.get(
        occasion=bokslut, unit=org["avd_b"], plan_type=ik["type"], reporter=None
    )
    chef = UserFactory()
    grant(chef, org["avd_b"], Role.MANAGER)
    login(page, chef)

    page.goto(f"/uppfoljning/uppgifter/{task.pk}/")
    assert page.get_by_role("heading", name="Åtgärder från tidigare uppföljningar").is_visible()
    first = page.locator("article.measure").first
    first.get_by_label("Åtgärden är genomförd").check()
    first.get_by_role("button", name="Spara").click()
    page.locator("article.measure .error-text").first.wait_for()
    wait_for_htmx(page)
    assert "Beskriv vad som har gjorts" in page.locator("article.measure").first.inner_text()
    assert_accessible(page)
    measure = page.locator("article.measure").first
    measure.get_by_label("Vad har gjorts?").fill("Rutinen är uppdaterad.")
    measure.get_by_role("button", name="Spara").click()
    page.get_by_text("Sparat.").first.wait_for()

    page.goto(f"/dokument/internkontrollrapport/{ik['plan'].pk}/{ik['occasion'].pk}/texter/")
    assert page.get_by_label("Inledning").input_value().startswith("Enligt kommunallagen")
    assert_accessible(page)


def test_the_risk_scale_editor_is_accessible(page, live_server, org, model):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)

    page.goto(f"/styrmodell/{model.year}/")
    page.get_by_role("link", name="Ändra riskskalan").click()
    form = page.locator("#riskskala form")
    form.wait_for()
    wait_for_htmx(page)
    form.locator("#id_risk_high_from").fill("3")
    form.locator("#id_risk_medium_from").fill("8")
    form.get_by_role("button", name="Spara").click()
    expect(page.locator("#riskskala .error-summary")).to_contain_text(
        "Hög risk måste börja", timeout=20_000
    )
    assert_accessible(page)


def test_choosing_a_kolada_kpi_on_the_indicator_form(page, live_server, org, chain, kolada_kpi):
    chef = UserFactory()
    grant(chef, org["kommun"], Role.MANAGER)
    login(page, chef)

    page.goto(f"/planering/poster/{chain['indicator'].pk}/andra/")
    page.get_by_role("searchbox", name="Sök nyckeltal i Kolada").fill("behöriga yrkesprogram")
    choose = page.get_by_role("button", name="Välj N15419")
    choose.wait_for()
    assert_accessible(page)
    choose.click()

    assert page.locator("#id_kolada_kpi").input_value() == "N15419"
    assert page.locator("#id_source").input_value() == "kolada"
    assert page.evaluate("document.activeElement.id") == "id_kolada_kpi"
