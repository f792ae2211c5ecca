"""Reporting on a task in Chromium: an enhetschef reports an activity (the
Swedish error at the field, then a save), marks the task done, a second
person gets the conflict message, and axe-core on the page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from styrhjul.followup.models import OccasionStep, Report, ReportingTask
from styrhjul.organisation.models import Role
from tests.browser.conftest import TIMEOUT_MS, assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


@pytest.fixture
def task(occasion, org, chain):
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )


@pytest.fixture
def chef(org):
    user = UserFactory(first_name="Berit", last_name="Bengtsson")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


def open_task(page, task):
    response = page.goto(f"/uppfoljning/uppgifter/{task.pk}/")
    assert response is not None and response.ok


def test_a_manager_reports_an_activity_and_marks_the_task_done(
    page, live_server, task, chef, chain
):
    activity = chain["activity"]
    login(page, chef)
    open_task(page, task)
    item = page.locator(f"#post-{activity.pk}")
    item.get_by_role("radio", name="Försenad", exact=True).check()
    item.get_by_label("Färdighetsgrad (%)").fill("30")
    item.get_by_role("button", name="Spara").click()
    error = page.locator(f"#id_post-{activity.pk}-comment_error")
    error.wait_for()
    assert "Kommentar krävs när status är ”Försenad”." in error.inner_text()
    item = page.locator(f"#post-{activity.pk}")
    assert item.get_by_label("Färdighetsgrad (%)").input_value() == "30"
    assert item.get_by_role("radio", name="Försenad", exact=True).is_checked()
    assert_accessible(page)

    item.get_by_label("Kommentar").fill("Lokalen blir klar först i oktober.")
    item.get_by_role("button", name="Spara").click()
    page.locator(f"#post-{activity.pk} [role=status]").wait_for()
    report = Report.objects.get(item=activity, unit=task.unit)
    assert report.status.label == "Försenad" and report.completion == 30

    page.get_by_role("link", name="Klarmarkera uppgift").click()
    page.get_by_role("heading", name="Klarmarkera uppgift").wait_for()
    assert "Alla poster är rapporterade." in page.inner_text("main")
    page.get_by_role("button", name="Klarmarkera", exact=True).click()
    page.get_by_role("button", name="Ångra klarmarkering").wait_for()
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_second_person_gets_the_conflict_message(
    browser, page, live_server, task, chef, chain, org
):
    activity = chain["activity"]
    colleague = UserFactory(first_name="Olle", last_name="Olsson")
    grant(colleague, org["enhet_b1"], Role.MANAGER)
    login(page, chef)
    open_task(page, task)

    other_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    other_context.set_default_timeout(TIMEOUT_MS)
    other = other_context.new_page()
    try:
        login(other, colleague)
        open_task(other, task)
        # Olle saves first.
        mine = other.locator(f"#post-{activity.pk}")
        mine.get_by_role("radio", name="Påbörjad", exact=True).check()
        mine.get_by_label("Kommentar").fill("Olles lägesbeskrivning")
        mine.get_by_role("button", name="Spara").click()
        other.locator(f"#post-{activity.pk} [role=status]").wait_for()
    finally:
        other_context.close()

    item = page.locator(f"#post-{activity.pk}")
    item.get_by_role("radio", name="Klar", exact=True).check()
    item.get_by_label("Kommentar").fill("Berits lägesbeskrivning")
    item.get_by_role("button", name="Spara").click()
    page.locator(".conflict").wait_for()
    text = page.locator(f"#post-{activity.pk}").inner_text()
    assert "Någon annan har sparat" in text
    assert "Olles lägesbeskrivning" in text
    assert page.locator(f"#post-{activity.pk}").get_by_label("Kommentar").input_value() == (
        "Berits lägesbeskrivning"
    )
    # Saving again overwrites deliberately.
    page.locator(f"#post-{activity.pk}").get_by_role("button", name="Spara").click()
    page.locator(f"#post-{activity.pk} [role=status]").wait_for()
    assert Report.objects.get(item=activity).comment == "Berits lägesbeskrivning"


def test_the_task_pages_are_accessible(page, live_server, task, chef):
    login(page, chef)
    for path in (
        f"/uppfoljning/uppgifter/{task.pk}/",
        f"/uppfoljning/uppgifter/{task.pk}/klarmarkera/",
        f"/uppfoljning/uppgifter/{task.pk}/historik/",
    ):
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert_accessible(page)


def test_radio_buttons_stand_beside_their_labels_in_a_fieldset(
    page, live_server, task, chef, chain
):
    activity = chain["activity"]
    login(page, chef)
    open_task(page, task)
    item = page.locator(f"#post-{activity.pk}")
    group = item.get_by_role("group", name="Status")
    assert group.evaluate("e => e.tagName") == "FIELDSET"
    radio = group.get_by_role("radio", name="Påbörjad", exact=True)
    label = group.locator(f"label[for='{radio.get_attribute('id')}']")
    radio_box, label_box = radio.bounding_box(), label.bounding_box()
    # Beside: on the same line, the label to the right of its button.
    assert label_box["x"] >= radio_box["x"] + radio_box["width"]
    middle = radio_box["y"] + radio_box["height"] / 2
    assert label_box["y"] <= middle <= label_box["y"] + label_box["height"]
    # Clicking the label chooses its own button.
    label.click()
    assert radio.is_checked()
    assert_accessible(page)


def _warns_before_leaving(page) -> bool:
    return page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )


def test_leaving_a_page_with_unsaved_text_asks_first(page, live_server, task, chef, chain):
    activity = chain["activity"]
    login(page, chef)
    open_task(page, task)
    assert not _warns_before_leaving(page)
    item = page.locator(f"#post-{activity.pk}")
    item.get_by_label("Kommentar").click()
    page.keyboard.type("Halvvägs")
    assert _warns_before_leaving(page)

    # Leaving for real: the browser asks (the beforeunload dialog); staying keeps the text.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Start", exact=True).first.click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert "/uppfoljning/uppgifter/" in page.url
    page.remove_listener("dialog", stay)

    # Saved (with htmx): nothing left to lose.
    item.get_by_role("radio", name="Påbörjad", exact=True).check()
    item.get_by_role("button", name="Spara").click()
    page.locator(f"#post-{activity.pk} .message--success").wait_for()
    assert not _warns_before_leaving(page)
    assert Report.objects.get(item=activity).comment == "Halvvägs"
