"""The documents page in Chromium: ordering a document, watching it being
made and downloading it; the preview; axe-core on both."""

from __future__ import annotations

import pytest

from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant
from tests.worker import run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def test_ordering_a_document_and_the_preview(page, live_server, org, reported):
    chef = UserFactory()
    grant(chef, org["namnd"], Role.MANAGER)
    login(page, chef)

    page.goto(f"/dokument/enhet/{org['namnd'].pk}/{reported.pk}/")
    assert_accessible(page)
    page.get_by_label("Word").check()
    page.get_by_role("button", name="Skapa").click()
    page.get_by_text("I kö").first.wait_for()
    run_worker()  # `styrhjul worker`, as beside the server
    download_link = page.get_by_role("link", name="Ladda ned")
    download_link.first.wait_for(timeout=60_000)
    with page.expect_download() as info:
        download_link.first.click()
    assert info.value.suggested_filename.endswith(".docx")
    assert_accessible(page)

    page.goto(f"/dokument/enhet/{org['namnd'].pk}/{reported.pk}/forhandsgranska/delarsrapport/")
    assert page.get_by_role("heading", name="Innehåll").is_visible()
    assert_accessible(page)


def test_the_document_settings_page(page, live_server, org, reported):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)

    page.goto("/dokument/installningar/")
    assert_accessible(page)
    page.get_by_label("Rubrikernas färg").fill("#ffdd00")
    page.get_by_label("Rubrik för Förord").first.fill("Ordföranden har ordet")
    page.get_by_label("Bredd för kolumnen Resultat av kontroll").fill("25")
    page.get_by_role("button", name="Spara").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "kontrasten" in summary.inner_text()
    assert "Ange bredden som ett heltal från 1 till 20." in summary.inner_text()
    # What was typed is kept.
    assert page.get_by_label("Rubrik för Förord").first.input_value() == "Ordföranden har ordet"
    assert page.get_by_label("Bredd för kolumnen Resultat av kontroll").input_value() == "25"
    assert_accessible(page)

    page.get_by_label("Rubrikernas färg").fill("#1f4e79")
    page.get_by_label("Bredd för kolumnen Resultat av kontroll").fill("12")
    page.get_by_label("Visa riskvärde och risknivå").check()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Dokumentinställningarna är sparade.").wait_for()
    assert page.get_by_label("Rubrik för Förord").first.input_value() == "Ordföranden har ordet"
    assert page.get_by_label("Bredd för kolumnen Resultat av kontroll").input_value() == "12"
    assert page.get_by_label("Visa riskvärde och risknivå").is_checked()
    assert_accessible(page)
