"""The styrmodell page in Chromium: a model owner edits inline (htmx) and the
page stays accessible (axe-core)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from styrhjul.model import services
from styrhjul.model.models import ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, VisionFactory, grant
from tests.model.test_model_pages import year_url


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.usefixtures("transactional_db")
def test_a_model_owner_edits_a_perspective_inline_and_the_page_stays_accessible(
    page,
    live_server,
    org,
):
    model = services.model_create_default(
        actor=access.SYSTEM, organisation=org["kommun"], year=2025
    )
    VisionFactory(unit=org["kommun"], title="Provköping 2035", valid_from_year=2024)
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    login(page, user)
    page.goto(year_url())
    assert_accessible(page)

    page.get_by_role("link", name="Ändra Ekonomi").click()
    name = page.locator("#perspektiv #id_name")
    name.wait_for()
    # Focus moves to the first field once htmx has settled the swapped form.
    page.wait_for_function("document.activeElement.id === 'id_name'")
    assert "/perspektiv/" not in page.url  # still the year page: the form is inline
    assert_accessible(page)
    name.fill("Ekonomi i balans")
    page.locator("#perspektiv button[type=submit]").click()
    page.locator("#model-status").get_by_text(
        "Perspektivet ”Ekonomi i balans” är sparat."
    ).wait_for()
    assert page.locator("#perspektiv th", has_text="Ekonomi i balans").count() == 1
    # Focus returns to the section's heading, so keyboard users go on from there.
    page.wait_for_function("document.activeElement.id === 'perspektiv-heading'")
    assert model.perspectives.filter(name="Ekonomi i balans").exists()

    # A mistake comes back in the inline form, at the field.
    page.get_by_role("link", name="Ändra Invånare").click()
    page.locator("#perspektiv #id_name").fill("Medarbetare")
    page.locator("#perspektiv button[type=submit]").click()
    page.locator("#perspektiv .error-text").get_by_text(
        "Det finns redan ett perspektiv som heter ”Medarbetare” det här året."
    ).wait_for()
    assert_accessible(page)
    page.locator("#perspektiv").get_by_role("link", name="Avbryt").click()
    page.locator("#perspektiv #id_name").wait_for(state="detached")

    # The colour picker fills in the hex code.
    page.get_by_role("link", name="Ändra Klar").click()
    page.locator("#skalor input[type=color]").wait_for()
    page.locator("#skalor input[type=color]").fill("#123456")
    assert page.locator("#skalor #id_colour").input_value() == "#123456"
    page.locator("#skalor button[type=submit]").click()
    page.locator("#model-status").get_by_text("Skalvärdet ”Klar” är sparat.").wait_for()
    assert ScaleValue.objects.get(scale__model=model, label="Klar").colour == "#123456"

    # The other pages: copy, the plain forms, delete, history, and a year without a model.
    pt = model.plan_types.get(name="Verksamhetsplan")
    level = model.levels.get(name="Nämndmål")
    value = ScaleValue.objects.get(scale__model=model, label="Klar")
    for path in (
        reverse("planning:copy_year", args=[2025]),
        reverse("model:plan_type_edit", args=[pt.pk]),
        reverse("model:level_edit", args=[level.pk]),
        reverse("model:scale_value_edit", args=[value.pk]),
        reverse("model:perspective_delete", args=[model.perspectives.first().pk]),
        reverse("model:history", args=["modell", model.pk]),
        reverse("model:history", args=["malnivaer", level.pk]),
        year_url(2026),
    ):
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert_accessible(page)
