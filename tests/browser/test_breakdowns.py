"""Breakdowns and comparison values entered by hand, in Chromium: the
modellägare sets up Åldersgrupp, enters the values per group and a
comparison value, and the indicator page shows the chart; axe-core on every
new page."""

from __future__ import annotations

import pytest

from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def test_an_age_breakdown_and_a_comparison_value_from_entry_to_chart(page, live_server, org, chain):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)
    item = chain["indicator"]

    page.goto("/nyckeltal/uppdelningar/")
    assert_accessible(page)
    page.get_by_label("Namn").fill("Åldersgrupp")
    page.get_by_label("Grupper").fill("0–17\n18–64\n65+")
    page.get_by_role("button", name="Spara uppdelningen").click()
    page.get_by_text("Uppdelningen Åldersgrupp är sparad.").wait_for()
    assert_accessible(page)

    page.goto(f"/nyckeltal/{item.pk}/")
    page.get_by_role("link", name="Ange värden per åldersgrupp").click()
    page.get_by_label("0–17").fill("62,5")
    page.get_by_label("18–64").fill("71")
    page.get_by_label("65+").fill("140")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text("En andel i procent är mellan 0 och 100.").first.wait_for()
    assert_accessible(page)
    page.get_by_label("65+").fill("84")
    page.get_by_role("button", name="Spara", exact=True).click()

    page.get_by_text("Störst skillnad 2025 (Åldersgrupp)").wait_for()
    assert page.locator("svg[role=img]").count() == 1  # no trend yet: only the age groups
    assert_accessible(page)

    # A part of the year (till och med augusti) has values of its own.
    page.get_by_role("link", name="Ange värden per åldersgrupp").click()
    page.get_by_label("Period", exact=True).select_option(label="Till och med augusti")
    page.get_by_role("button", name="Visa", exact=True).click()
    page.get_by_role("heading", name="Utfall augusti 2025").wait_for()
    assert page.get_by_label("65+").input_value() == ""  # not the whole year's 84
    assert_accessible(page)
    page.get_by_label("0–17").fill("60")
    page.get_by_label("65+").fill("80")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text("Värdena per åldersgrupp augusti 2025 är sparade.").wait_for()
    page.get_by_text("Störst skillnad 2025 (Åldersgrupp)").wait_for()  # the whole year's

    page.get_by_role("link", name="Jämförelsevärden som förts in för hand").click()
    page.get_by_label("Jämförelse med").select_option("country")
    page.get_by_label("Namn").fill("Riket")
    page.get_by_label("År").fill("2025")
    page.get_by_role("textbox", name="Värde (obligatorisk)").fill("80")
    page.get_by_role("textbox", name="Källa (obligatorisk)").fill("SKR")
    page.get_by_label("Datum för källan").fill("2026-03-01")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text("Jämförelsevärdet för Riket 2025 är sparat.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Importera jämförelsevärden från Excel").click()
    page.get_by_role("heading", name="Importera jämförelsevärden").wait_for()
    assert_accessible(page)

    page.goto(f"/nyckeltal/{item.pk}/")
    assert page.get_by_text(
        "Källa för jämförelsevärdena: Riket: SKR 2026-03-01."
    ).first.is_visible()
    assert page.locator("svg[role=img]").count() == 2  # the trend (riket) and the age groups
    assert_accessible(page)
