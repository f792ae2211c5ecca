"""The planning pages in Chromium: axe-core on each, and a manager's journey
from the start page to a new activity under a goal shared from above."""

from __future__ import annotations

import re

import pytest

from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, VisionFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def goto(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, f"{path} svarade {response.status}"


@pytest.fixture
def owner(org, chain):
    user = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    VisionFactory(unit=org["kommun"], title="Provköping 2035", valid_from_year=2024)
    services.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["enhet_b1"]])
    return user


def test_planning_pages_are_accessible(page, live_server, org, chain, owner):
    login(page, owner)
    unit = org["enhet_b1"]
    for path in (
        f"/planering/enheter/{unit.pk}/2025/",
        f"/planering/planer/{chain['activity'].plan_id}/",
        f"/planering/planer/{chain['council'].plan_id}/?typ=indicator",
        f"/planering/poster/{chain['board'].pk}/",
        f"/planering/poster/{chain['council'].pk}/",
        f"/planering/poster/{chain['board'].pk}/dela/",
        f"/planering/poster/{chain['board'].pk}/historik/",
        f"/planering/poster/{chain['activity'].pk}/andra/",
        f"/planering/poster/{chain['activity'].pk}/ta-bort/",
        f"/planering/enheter/{unit.pk}/plantyper/{chain['ap'].pk}/ny/",
        f"/planering/enheter/{org['forv'].pk}/plantyper/{chain['vp'].pk}/ny/?typ=indicator",
        "/planering/maltrad/2025/",
        f"/planering/import/{unit.pk}/{chain['ap'].pk}/",
    ):
        goto(page, path)
        assert_accessible(page)


def test_item_form_errors_are_accessible(page, live_server, org, chain, owner):
    login(page, owner)
    goto(page, f"/planering/poster/{chain['activity'].pk}/andra/")
    page.fill("#id_start_date", "2025-06-01")
    page.fill("#id_end_date", "2025-01-01")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector(".error-summary")
    assert "Slutdatum kan inte vara före startdatum." in page.inner_text("main")
    assert_accessible(page)


def test_a_manager_plans_an_activity_under_a_shared_goal(page, live_server, org, chain, owner):
    chef = UserFactory(first_name="Berit", last_name="Bengtsson")
    grant(chef, org["enhet_b1"], Role.MANAGER)
    login(page, chef)
    page.get_by_role("link", name="Planer 2026 för Barn och unga").wait_for()
    goto(page, f"/planering/enheter/{org['enhet_b1'].pk}/2025/")
    page.get_by_role("link", name="Verksamhetsplan", exact=True).click()
    assert "delad från Socialnämnden" in page.inner_text("main")
    page.get_by_role("link", name=chain["board"].title).click()
    page.get_by_role("link", name="Ny post för Barn och unga som bidrar till den här").click()
    page.get_by_label("Aktivitet").fill("Föräldraträffar om skolan")
    page.get_by_label("Startdatum").fill("2025-03-01")
    page.get_by_label("Slutdatum").fill("2025-10-31")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("”Föräldraträffar om skolan” är sparad.").wait_for()
    # The red thread now leads from the vision through the shared goal.
    main = page.inner_text("main")
    assert "Provköping 2035" in main
    assert chain["council"].title in main
    new = Item.objects.get(title="Föräldraträffar om skolan")
    assert new.plan.unit == org["enhet_b1"]
    assert chain["board"] in new.contributes_to.all()


def test_the_reported_status_on_the_planning_pages_is_accessible_at_320_px(
    page, live_server, org, chain, occasion, owner
):
    """The latest reported status (symbol, text, completion, occasion and
    comment) on the plan, the item page, its red thread and the goal tree:
    axe-core, and no sideways scrolling at 320 CSS px."""
    from styrhjul.followup.plan_results import import_report
    from styrhjul.followup.services import ReportData
    from styrhjul.model.models import ScaleValue

    started = ScaleValue.objects.get(scale=chain["ap"].activity_scale, label="Påbörjad")
    good = ScaleValue.objects.get(
        scale=chain["vp"].goal_scale, label="Goda förutsättningar att nå målet"
    )
    long_comment = "Läxhjälpen har startat på två fritidsgårdar " * 8
    for unit, item, data in (
        (org["enhet_b1"], chain["activity"], ReportData(status=started, completion=40)),
        (org["forv"], chain["operational"], ReportData(assessment=good)),
    ):
        data.comment = long_comment
        import_report(actor=access.SYSTEM, occasion=occasion, unit=unit, item=item, data=data)
    login(page, owner)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        f"/planering/planer/{chain['activity'].plan_id}/",
        f"/planering/poster/{chain['activity'].pk}/",
        f"/planering/poster/{chain['operational'].pk}/",
        "/planering/maltrad/2025/",
    ):
        goto(page, path)
        assert "Påbörjad" in page.content() or "Goda förutsättningar" in page.content(), path
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} rullar i sidled vid 320 px: {widths}"
        assert_accessible(page)


def test_a_manager_moves_a_goal_in_the_plan_s_order(page, live_server, org, model):
    """Flytta upp on the plan page: a plain form per button, named with the
    item's title; accessible, also at 320 CSS px."""
    from tests.excel import GOAL_HEADER, import_plan, workbook

    unit = org["enhet_a2"]
    vp = model.plan_types.get(name="Verksamhetsplan")
    titles = ("Öppen verksamhet", "Alla ska känna sig trygga", "Mer delaktighet")
    rows = [[None, "Invånare", "Verksamhetsmål", t, None, None, None] for t in titles]
    import_plan(workbook({"Mål": [GOAL_HEADER, *rows]}), unit, vp)
    plan_id = Item.objects.get(title=titles[0]).plan_id
    chef = UserFactory(first_name="Berit", last_name="Bengtsson")
    grant(chef, unit, Role.MANAGER)
    login(page, chef)
    page.set_viewport_size({"width": 320, "height": 640})
    goto(page, f"/planering/planer/{plan_id}/")
    assert_accessible(page)

    # The button's name says which item it moves (the title is hidden text).
    page.get_by_role("button", name=re.compile(r"^Flytta upp\s*:\s*Mer delaktighet$")).click()
    page.get_by_text("”Mer delaktighet” är flyttad.").wait_for()
    links = page.locator(".item-tree a").all_inner_texts()
    assert [t for t in links if t in titles] == [
        "Öppen verksamhet",
        "Mer delaktighet",
        "Alla ska känna sig trygga",
    ]
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"planen rullar i sidled vid 320 px: {widths}"
    assert_accessible(page)
