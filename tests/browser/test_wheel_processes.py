"""The year wheel's processes in Chromium: the category settings page and the
wheel with its three parallel years, checked by axe and at 320 px without
sideways scroll; a model owner adds the default processes, creates an event
in a process and filters the wheel by it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from styrhjul.followup import services as followup
from styrhjul.followup.models import CalendarEvent
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def goto(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, f"{path} svarade {response.status}"


def assert_reflows(page, what: str) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what} rullar {overflow} px i sidled vid 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


def test_processes_page_and_the_three_year_wheel_are_accessible(
    page, live_server, org, occasion, owner
):
    model = occasion.model
    login(page, owner)
    goto(page, reverse("followup:processes", args=[2025]))
    page.get_by_role("button", name="Lägg till standardprocesserna").click()
    page.get_by_role("rowheader", name="Budgetprocess", exact=True).wait_for()
    assert "Kommunfullmäktige (KF)" in page.inner_text("#organ")
    assert_accessible(page)
    assert_reflows(page, "processidan")

    page.get_by_role("link", name="Ny process").click()
    page.get_by_label("Namn").fill("Internkontroll")
    page.get_by_label("Färg").select_option(label="Petrol")
    page.get_by_label("Symbol").select_option(label="Stjärna ★")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("rowheader", name="Internkontroll", exact=True).wait_for()

    followup.event_save(
        actor=access.SYSTEM,
        event=CalendarEvent(
            model=model,
            title="Budgetdag",
            start=datetime.date(2025, 4, 8),
            category=model.event_categories.get(name="Budgetprocess"),
            deciding_body=model.deciding_bodies.get(name="Kommunstyrelsen (KS)"),
        ),
    )
    followup.event_save(
        actor=access.SYSTEM,
        event=CalendarEvent(
            model=model,
            title="Medarbetarenkät",
            start=datetime.date(2025, 3, 3),
            category=model.event_categories.get(name="Personal"),
        ),
    )
    goto(page, reverse("followup:year_wheel", args=[2025]))
    picture = page.locator("#tre-ar svg")
    assert picture.get_attribute("role") == "img"
    assert "Budgetdag" in page.inner_text("#tre-ar-budget")
    assert_accessible(page)
    assert_reflows(page, "årshjulet")

    # The inline event form has the process, the deciding body and the owner.
    page.get_by_role("link", name="Ny händelse").click()
    form = page.locator(".editor form")
    form.wait_for()
    form.get_by_label("Rubrik").fill("Lönekartläggning")
    form.locator("#id_start").fill("2025-05-15")
    form.get_by_label("Process").select_option(label="Personal")
    form.get_by_label("Ägande enhet").select_option(label="Socialförvaltningen")
    assert_accessible(page)
    form.get_by_role("button", name="Spara").click()
    page.get_by_text("Händelsen ”Lönekartläggning” är skapad.").wait_for()

    page.get_by_label("Visa process").select_option(label="▲ Personal")
    page.get_by_role("button", name="Visa", exact=True).last.click()
    page.get_by_text("Visar bara händelserna i processen Personal.").wait_for()
    text = page.inner_text("#tre-ar")
    assert "Lönekartläggning" in text and "Medarbetarenkät" in text and "Budgetdag" not in text
    assert_accessible(page)
