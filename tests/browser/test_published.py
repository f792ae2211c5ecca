"""A visitor without login follows the published follow-ups from the
organisation's list to the comparison of two of them; a model owner
publishes and chooses the licence. Every page passes axe and reflows at
320 CSS px."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible, login
from tests.public.published import publish_two

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def goto(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, f"{path} svarade {response.status}"


def reflows(page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} rullar i sidled vid 320 px: {widths}"


def test_a_visitor_compares_the_delarsbokslut_with_the_arsbokslut(
    page, live_server, reported, org, chain, model_owner
):
    interim, annual = publish_two(reported, org, chain, model_owner)
    goto(page, reverse("public:snapshots", args=[org["kommun"].pk]))
    assert_accessible(page)
    page.get_by_role("link", name="Årsbokslut 2025", exact=True).click()
    page.wait_for_selector("h1:text('Årsbokslut 2025')")
    assert page.get_by_role("link", name="Ladda ner som CSV").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=org["kommun"].name, exact=True).click()
    page.get_by_label("Jämför med").select_option(str(interim.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Jämför").click()
    page.wait_for_selector("h1:text('Vad har ändrats')")
    assert "[borttaget: ökar]" in page.locator(".word-diff del").first.text_content()
    text = page.locator("main").inner_text()
    assert "Goda förutsättningar att nå målet" in text
    assert "Rätt riktning men för långsamt" in text
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    reflows(page)
    goto(page, reverse("public:dictionary"))
    reflows(page)
    assert_accessible(page)


def test_a_model_owner_publishes_and_chooses_the_licence(
    page, live_server, reported, org, model_owner
):
    login(page, model_owner)
    goto(page, reverse("public:publish", args=[reported.pk]))
    assert page.get_by_role("alert").is_visible()  # the deadline has not passed
    assert_accessible(page)
    goto(page, reverse("public:settings", args=[org["kommun"].pk]))
    page.get_by_label("CC BY 4.0 (ange källa)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("text=Publiceringsinställningarna är sparade.")
    assert_accessible(page)


def test_the_public_page_passes_axe_and_reflows(
    page, live_server, reported, org, chain, model_owner
):
    from styrhjul.public.services import publication_settings_save
    from tests.factories import VisionFactory

    VisionFactory(unit=org["kommun"], title="Provköping 2035", valid_from_year=2024)
    publish_two(reported, org, chain, model_owner)
    publication_settings_save(
        actor=model_owner,
        organisation=org["kommun"],
        licence="CC0-1.0",
        version=0,
        public_page=True,
    )
    goto(page, reverse("public:organisation_page", args=[org["kommun"].pk]))
    assert page.get_by_role("heading", name="Provköping 2035").is_visible()
    assert page.get_by_text("Rätt riktning men för långsamt").first.is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    reflows(page)
