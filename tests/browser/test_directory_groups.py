"""Gruppregler in the browser: an administrator adds a rule, sees what it
granted and tries groups in the dry run; the pages pass axe and reflow at
320 CSS px."""

import pytest

from styrhjul.organisation import services
from styrhjul.organisation.models import DirectoryGroupRule, Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import OrganisationFactory, UnitFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def assert_reflows(page):
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    page.set_viewport_size({"width": 1280, "height": 900})


def test_add_a_rule_see_what_it_granted_and_try_groups(page, live_server):
    kommun = OrganisationFactory(name="Sjöbacka kommun")
    skola = UnitFactory(name="Skolförvaltningen", parent=kommun)
    admin = UserFactory(first_name="Ada", last_name="Admin", is_superuser=True)
    login(page, admin)
    page.goto("/organisation/administration/")
    page.click("text=Gruppregler")
    page.wait_for_selector("h1:has-text('Gruppregler')")
    assert_accessible(page)
    # An empty form first: the messages at the fields.
    page.click("button:has-text('Spara regeln')")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.fill("#id_group", "SG-Skola-Chefer")
    page.select_option("#id_unit", label="Skolförvaltningen")
    page.select_option("#id_role", value=Role.MANAGER)
    page.click("button:has-text('Spara regeln')")
    page.wait_for_selector("code:has-text('SG-Skola-Chefer')")
    rule = DirectoryGroupRule.objects.get()
    assert rule.unit == skola
    assert_accessible(page)
    assert_reflows(page)

    karin = UserFactory(first_name="Karin", last_name="Ek")
    services.apply_directory_groups(user=karin, groups=["SG-Skola-Chefer"])
    page.reload()
    page.click("a[aria-label='1 behörighet från SG-Skola-Chefer']")
    page.wait_for_selector("td:has-text('Karin Ek')")
    assert_accessible(page)
    assert_reflows(page)

    page.goto("/organisation/administration/gruppregler/")
    page.click("text=Provkör reglerna")
    page.fill("#id_groups", "sg-skola-chefer\nSG-Annan")
    page.fill("#id_person", karin.email)
    page.click("button:has-text('Provkör')")
    page.wait_for_selector("h2:has-text('Resultat')")
    assert "Skolförvaltningen" in page.inner_text("main")
    assert "Vid nästa inloggning för Karin Ek" in page.inner_text("main")
    assert_accessible(page)
    assert_reflows(page)
