"""The risk analysis page in Chromium: axe-core on the matrix and list, and on
the decision form showing an error."""

from __future__ import annotations

import pytest

from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


@pytest.fixture
def risk_plan(org, model):
    plan_type = model.plan_types.get(name="Internkontrollplan")
    plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=plan_type)
    for number, title, p, c in (
        ("K1", "Felaktiga utbetalningar", 4, 4),
        ("K2", "Brister i delegationsordningen", 2, 3),
        ("K3", "Sen fakturering", 1, 2),
        ("K4", "Ej bedömd rutin", None, None),
    ):
        services.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.CONTROL_POINT,
            number=number,
            title=title,
            area="Ekonomi",
            process="Attest",
            risk=f"Risk för {title.lower()}",
            probability=p,
            consequence=c,
        )
    return plan


def test_the_risk_analysis_and_its_decision_form_are_accessible(page, live_server, org, risk_plan):
    chef = UserFactory(first_name="Berit")
    grant(chef, org["enhet_b1"], Role.MANAGER)
    login(page, chef)
    path = f"/planering/planer/{risk_plan.pk}/riskanalys/"
    response = page.goto(path)
    assert response is not None and response.ok
    assert page.locator("table.risk-matrix caption").is_visible()
    assert_accessible(page)

    page.goto(path + "?sortera=nr")
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Nr")
    page.get_by_role("link", name="Ändra beslut om Sen fakturering").click()
    page.get_by_label("Hanteras på annat sätt").check()
    page.get_by_role("button", name="Spara beslut").click()
    page.locator(".error-summary").wait_for()
    assert "Skriv hur och varför" in page.locator("#id_risk_handling_reason_error").inner_text()
    assert_accessible(page)

    page.get_by_label("Motivering").fill("Hanteras i den årliga attestgenomgången.")
    page.get_by_role("button", name="Spara beslut").click()
    page.locator(".messages").wait_for()
    row = page.locator("table.risk-list tr", has_text="Sen fakturering")
    assert "Hanteras på annat sätt" in row.inner_text()
    assert_accessible(page)
