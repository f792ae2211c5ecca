"""Own sections of the documents in Chromium: the model owner adds
"Personal" on Dokumentinställningar; the förvaltningschef writes it in the
task, saved with htmx, and at 320 px the page reflows; axe-core on each page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from styrhjul.followup.models import DocumentText, OccasionStep, ReportingTask
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def test_adding_a_section_and_writing_it_in_the_task(page, live_server, org, occasion):
    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)

    page.goto("/dokument/installningar/")
    page.get_by_role("link", name="Lägg till ett eget avsnitt i Delårsrapport").click()
    assert_accessible(page)
    page.get_by_label("Rubrik (obligatorisk)").fill("Personal")
    page.get_by_label("Instruktion till den som skriver").fill("Beskriv personalläget.")
    page.get_by_label("Förvaltning", exact=True).check()
    page.get_by_label("Ordning (obligatorisk)").fill("6")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Beskriv personalläget.").wait_for()
    assert_accessible(page)

    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER)
    page.context.clear_cookies()
    login(page, chef)
    task = ReportingTask.objects.get(occasion=occasion, unit=org["forv"], reporter=None)
    page.goto(f"/uppfoljning/uppgifter/{task.pk}/")
    page.get_by_role("heading", name="Texter till delårsrapporten").wait_for()
    assert page.get_by_text("Beskriv personalläget.").is_visible()
    page.get_by_role("textbox", name="Personal").fill("Två nya socionomer.")
    page.get_by_role("button", name="Spara Personal").click()
    page.get_by_role("status").filter(has_text="Sparat.").wait_for()
    assert DocumentText.objects.get().text == "Två nya socionomer."
    assert page.url.endswith(f"/uppgifter/{task.pk}/")  # saved in place, no page load
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
