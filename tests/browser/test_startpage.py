"""Start in Chromium for a förvaltningschef and a modellägare: axe-core at
full width and at 320 CSS px (no sideways scroll), with late and locked
tasks, assessed goals and the year's picture on the page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from styrhjul.followup.models import OccasionStep, Report
from styrhjul.model.models import ScaleValue
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


@pytest.fixture
def underway(org, chain, occasion):
    """The enheter's deadline two days ago with a week's grace (their tasks
    Försenad), the others' deadlines in 2025 (Låst), and the förvaltning's
    goal assessed."""
    today = timezone.localdate()
    OccasionStep.objects.filter(occasion=occasion, unit_type__name="Enhet").update(
        start=today - datetime.timedelta(days=20), deadline=today - datetime.timedelta(days=2)
    )
    occasion.grace_days = 7
    occasion.save()
    Report.objects.create(
        occasion=occasion,
        unit=org["forv"],
        item=chain["operational"],
        assessment=ScaleValue.objects.get(
            scale__kind="goal_assessment", label="Rätt riktning men för långsamt"
        ),
    )
    return occasion


def check(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto("/")
    assert response is not None and response.ok
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"Start rullar i sidled vid {width} px: {widths}"
    assert_accessible(page)


def test_start_as_forvaltningschef(page, live_server, org, underway):
    chef = UserFactory(first_name="Fia", last_name="Förvaltningschef")
    grant(chef, org["forv"], Role.MANAGER)
    login(page, chef)
    assert page.get_by_role("heading", name="Uppföljningar som pågår").is_visible()
    assert page.get_by_role("heading", name="Mål och bedömningar 2025").is_visible()
    assert page.get_by_role("button", name="Skicka påminnelse – Delårsrapport 2025").count()
    assert page.get_by_role("img", name="Måluppfyllelse per perspektiv 2025").count() == 1
    check(page, 1280)
    check(page, 320)


def test_start_as_modellagare(page, live_server, org, underway):
    owner = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)
    assert page.get_by_role("heading", name="Det som håller på att bli inaktuellt").is_visible()
    assert page.get_by_role("link", name="Öppna igen").count() >= 1
    check(page, 1280)
    check(page, 320)
