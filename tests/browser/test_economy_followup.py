"""The economy task's page in the browser: the figures, the forecast form
with a refused amount (kept as typed, the error at the field), measures
required below the limit, the saved forecast, and the underlag for the
manager above; each page checked with axe-core and at 320 CSS pixels."""

from __future__ import annotations

import pytest

from styrhjul.followup.models import Forecast
from tests.browser.conftest import assert_accessible, login
from tests.browser.test_economy import fits_320
from tests.followup.test_economy_tasks import economy_occasion, task_of
from tests.followup.test_economy_tasks import ledger as ledger  # noqa: F401 (fixture)
from tests.followup.test_economy_tasks import people as people  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def test_a_unit_manager_forecasts_and_the_manager_above_reads_the_underlag(
    page,
    live_server,
    org,
    model,
    ledger,
    people,  # noqa: F811
):
    march = economy_occasion(model)
    task = task_of(march, org["enhet_a1"])
    path = f"/uppfoljning/uppgifter/{task.pk}/"
    login(page, people["a1"])
    page.goto(path)
    assert "Budget och utfall" in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, path)

    staff = page.get_by_label("Prognos helår för personalkostnader (kronor)")
    for name in (
        "verksamhetens intäkter",
        "lokalkostnader",
        "kapitalkostnader",
        "övriga kostnader",
    ):
        page.get_by_label(f"Prognos helår för {name} (kronor)").fill("0")
    staff.fill("tolv tusen")
    page.get_by_role("button", name="Spara prognosen").click()
    page.wait_for_selector(".error-summary")
    assert "Ange prognosen som ett belopp i kronor" in page.inner_text("main")
    assert staff.input_value() == "tolv tusen"
    assert staff.get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    # 1 000 kronor worse than the budget, beyond the 1 % limit: measures required.
    staff.fill("−13 000")
    page.get_by_role("button", name="Spara prognosen").click()
    page.wait_for_selector(".error-summary")
    assert "Beskriv de åtgärder ni planerar" in page.inner_text("main")
    assert staff.input_value() == "−13 000"
    assert not Forecast.objects.exists()
    assert_accessible(page)

    page.get_by_label("Åtgärd", exact=True).first.fill("Färre vikarier under våren.")
    page.get_by_label("Ansvarig").first.fill("Enhetschefen")
    page.get_by_label("Klar senast").first.fill("2025-06-30")
    page.get_by_role("button", name="Spara prognosen").click()
    page.wait_for_selector(".message--success")
    assert "Helårsprognosen är sparad." in page.inner_text("main")
    assert Forecast.objects.get().measures.count() == 1
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, people["avd"])
    underlag = f"/uppfoljning/uppgifter/{task_of(march, org['avd_a']).pk}/ekonomi/underlag/"
    page.goto(underlag)
    main = page.inner_text("main")
    assert "Färre vikarier under våren." in main and "Hemtjänst Norr" in main
    assert_accessible(page)
    fits_320(page, underlag)
