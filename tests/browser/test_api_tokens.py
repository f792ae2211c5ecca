"""API-nycklar in the browser: make a key, see it once, revoke it; the page
passes axe and reflows at 320 CSS px."""

import pytest

from styrhjul.api.models import ApiToken
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def test_make_see_once_and_revoke_a_key(page, live_server):
    user = UserFactory(first_name="Bo", last_name="Chef")
    login(page, user)
    page.click("text=API-nycklar")
    page.wait_for_selector("h1:has-text('API-nycklar')")
    assert_accessible(page)
    # A form with an error first: the message at the field.
    page.click("button:has-text('Skapa nyckel')")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.fill("#id_name", "Power BI")
    page.check("input[value=read]")
    page.click("button:has-text('Skapa nyckel')")
    secret = page.input_value("#ny-nyckel")
    assert secret.startswith("styr_")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/konto/api-nycklar/")
    assert secret not in page.content()
    page.click("button:has-text('Återkalla Power BI')")
    page.wait_for_selector("td:has-text('Återkallad')")
    assert ApiToken.objects.get().revoked_at is not None
