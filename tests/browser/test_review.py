"""Granskning in Chromium: the unit klarmarkerar, the avdelningschef above
sends the task back with a comment at the activity, the unit sees it on its
start page and in the task, completes and klarmarkerar again, and the
avdelningschef approves. axe-core on the review page and the sent-back task."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from styrhjul.followup.models import OccasionStep, ReportingTask, ReviewStatus
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
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
    OccasionStep.objects.filter(occasion=occasion, unit_type__name="Enhet").update(review=True)
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )


def _log_out(page):
    page.context.clear_cookies()


def test_a_sent_back_task_round_trips(page, live_server, task, org, chain):
    activity = chain["activity"]
    chef = UserFactory(first_name="Berit", last_name="Bengtsson")
    grant(chef, org["enhet_b1"], Role.MANAGER, subtree=False)
    above = UserFactory(first_name="Anders", last_name="Avdelningschef")
    grant(above, org["avd_b"], Role.MANAGER)

    # The unit reports and klarmarkerar.
    login(page, chef)
    page.goto(f"/uppfoljning/uppgifter/{task.pk}/")
    item = page.locator(f"#post-{activity.pk}")
    item.get_by_role("radio", name="Påbörjad", exact=True).check()
    item.get_by_role("button", name="Spara").click()
    page.locator(f"#post-{activity.pk} [role=status]").wait_for()
    page.get_by_role("link", name="Klarmarkera uppgift").click()
    page.get_by_role("button", name="Klarmarkera", exact=True).click()
    page.get_by_text("Väntar på granskning.").wait_for()

    # The manager above sends it back with a comment at the activity.
    _log_out(page)
    login(page, above)
    page.goto(f"/uppfoljning/uppgifter/{task.pk}/")
    page.get_by_role("link", name="Granska uppgiften").click()
    page.get_by_role("heading", name="Granska uppgift").wait_for()
    assert_accessible(page)
    page.get_by_label("Kommentar", exact=True).fill("Komplettera analysen av deltagandet.")
    page.get_by_label(f"Kommentar till {activity.title}").fill("Hur många elever deltar?")
    page.get_by_role("button", name="Skicka tillbaka").click()
    page.get_by_text("Uppgiften är skickad tillbaka").wait_for()
    task.refresh_from_db()
    assert task.review_status == ReviewStatus.SENT_BACK and task.done_at is None

    # The unit sees it on the start page and in the task, at the item.
    _log_out(page)
    login(page, chef)
    page.goto("/")
    page.get_by_role("heading", name="Skickade tillbaka").wait_for()
    assert "Komplettera analysen av deltagandet." in page.inner_text("main")
    page.get_by_role("link", name=f"Aktivitetsplan: {task.unit.name}").first.click()
    page.get_by_role("heading", name="Skickad tillbaka").wait_for()
    item = page.locator(f"#post-{activity.pk}")
    assert "Hur många elever deltar?" in item.inner_text()
    assert_accessible(page)
    item.get_by_label("Kommentar").fill("Tolv elever deltar varje vecka.")
    item.get_by_role("button", name="Spara").click()
    page.locator(f"#post-{activity.pk} [role=status]").wait_for()
    page.get_by_role("link", name="Klarmarkera uppgift").click()
    page.get_by_role("button", name="Klarmarkera", exact=True).click()
    page.get_by_text("Väntar på granskning.").wait_for()

    # The manager above approves.
    _log_out(page)
    login(page, above)
    page.goto(f"/uppfoljning/uppgifter/{task.pk}/granska/")
    page.get_by_role("button", name="Godkänn").click()
    page.get_by_text("Uppgiften är godkänd.").wait_for()
    task.refresh_from_db()
    assert task.review_status == ReviewStatus.APPROVED and task.done_at is not None
