"""axe-core on every main page, in the state a user sees it: logged in with the
role that shows the most (edit buttons, grant forms, error messages).

A page fails on axe violations of impact "serious" or "critical" (WCAG 2.1 AA
includes e.g. contrast, names of form fields and buttons, language)."""

from __future__ import annotations

import datetime

import pytest

from styrhjul.organisation import services
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.factories import UnitFactory, UserFactory, VisionFactory, grant

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
def owner(org):
    """Modellägare on the förvaltning, with a few grants around to show."""
    user = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(user, org["forv"], Role.MODEL_OWNER)
    chef = UserFactory(first_name="Sven", last_name="Chefsson")
    grant(chef, org["forv"], Role.MANAGER)
    grant(chef, org["enhet_a1"], Role.REPORTER, subtree=False)
    # A unit closed this year still shows in this year's tree, tagged "stängd".
    UnitFactory(name="Gamla kansliet", parent=org["forv"], valid_to=datetime.date.today())
    return user


@pytest.fixture
def admin(org):
    return UserFactory(is_superuser=True, first_name="Ada", last_name="Admin")


def test_login_page(page, live_server):
    goto(page, "/konto/logga-in/")
    assert_accessible(page, failing_rules={"landmark-unique"})


@pytest.mark.parametrize("width", [1280, 320])
def test_login_page_with_the_demo_users(page, live_server, settings, width):
    """In demo mode the login page lists the demo users in a section of its
    own; no two landmarks on the page share a role and a name, also when the
    table scrolls in a narrow window and becomes a region of its own."""
    from styrhjul.demo.data import ROLE_USERS

    settings.DEMO_MODE = True
    UserFactory(username=ROLE_USERS[0].person.login)
    page.set_viewport_size({"width": width, "height": 800})
    goto(page, "/konto/logga-in/")
    assert page.get_by_role("region", name="Demoanvändare", exact=True).is_visible()
    assert_accessible(page, failing_rules={"landmark-unique"})


def test_login_page_with_error(page, live_server, org):
    user = UserFactory()
    goto(page, "/konto/logga-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "fel-losenord")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert_accessible(page)


def test_start_page(page, live_server, org):
    VisionFactory(unit=org["kommun"])
    chef = UserFactory(first_name="Eva")
    grant(chef, org["enhet_a1"], Role.MANAGER)
    grant(chef, org["enhet_a2"], Role.REPORTER)
    login(page, chef)
    assert_accessible(page)


def test_start_page_without_units(page, live_server, org):
    login(page, UserFactory())
    assert_accessible(page)


def test_organisation_tree(page, live_server, owner):
    login(page, owner)
    goto(page, "/organisation/")
    page.wait_for_selector(".tree")
    assert_accessible(page)


def test_organisation_tree_as_admin(page, live_server, admin):
    login(page, admin)
    goto(page, "/organisation/")
    page.wait_for_selector(".tree")
    assert_accessible(page)


def test_tree_search_results(page, live_server, owner):
    login(page, owner)
    goto(page, "/organisation/")
    results = page.locator("#org-results h2")
    page.fill("#id_q", "enhet")
    results.filter(has_text="träff").wait_for()
    assert_accessible(page)
    page.fill("#id_q", "finns inte")
    page.get_by_text("Inga enheter matchar sökningen.").wait_for()
    assert_accessible(page)


def test_unit_detail_as_model_owner(page, live_server, org, owner):
    login(page, owner)
    goto(page, f"/organisation/enheter/{org['forv'].pk}/")
    # The model owner's tools must be on the page that is checked.
    page.get_by_role("link", name="Ändra").wait_for()
    page.wait_for_selector("form[action$='/behorigheter/'] select[name=user]")
    page.wait_for_selector("#behorigheter ~ .table-wrap table")
    assert_accessible(page)


def test_closed_unit_detail(page, live_server, org, owner):
    login(page, owner)
    closed = org["forv"].children.get(name="Gamla kansliet")
    goto(page, f"/organisation/enheter/{closed.pk}/")
    page.wait_for_selector(".message--warning")
    assert_accessible(page)


def test_unit_edit_with_errors(page, live_server, org, owner):
    login(page, owner)
    goto(page, f"/organisation/enheter/{org['avd_a'].pk}/andra/")
    page.fill("#id_name", "")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".error-summary")
    # The error is tied to the field, so a screen reader reads it on focus.
    name = page.locator("#id_name")
    assert name.get_attribute("aria-invalid") == "true"
    assert "id_name_error" in (name.get_attribute("aria-describedby") or "").split()
    assert page.locator("#id_name_error").is_visible()
    assert_accessible(page)


def test_new_unit_form(page, live_server, org, owner):
    login(page, owner)
    goto(page, f"/organisation/enheter/ny/?overordnad={org['forv'].pk}")
    page.wait_for_selector("#id_unit_type")
    assert_accessible(page)


def test_move_and_close_forms(page, live_server, org, owner):
    login(page, owner)
    goto(page, f"/organisation/enheter/{org['enhet_a1'].pk}/flytta/")
    assert_accessible(page)
    goto(page, f"/organisation/enheter/{org['enhet_a1'].pk}/stang/")
    assert_accessible(page)


def test_unit_history(page, live_server, org, owner):
    unit = org["avd_a"]
    services.unit_update(
        actor=owner,
        unit=unit,
        version=unit.version,
        name="Vård och omsorg",
        code=unit.code,
        unit_type=unit.unit_type,
        valid_from=unit.valid_from,
    )
    login(page, owner)
    goto(page, f"/organisation/enheter/{unit.pk}/historik/")
    page.wait_for_selector("table.diff del")
    assert_accessible(page)


def test_administration_index(page, live_server, admin):
    login(page, admin)
    goto(page, "/organisation/administration/")
    assert_accessible(page)


def test_administration_index_as_model_owner(page, live_server, owner):
    login(page, owner)
    goto(page, "/organisation/administration/")
    assert_accessible(page)


def test_users_list(page, live_server, admin, owner):
    login(page, admin)
    goto(page, "/organisation/administration/anvandare/")
    page.wait_for_selector("tbody tr td a")
    assert_accessible(page)


def test_new_user_form_with_errors(page, live_server, admin):
    login(page, admin)
    goto(page, "/organisation/administration/anvandare/ny/")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


def test_user_detail(page, live_server, admin, owner):
    login(page, admin)
    goto(page, f"/organisation/administration/anvandare/{owner.pk}/")
    page.wait_for_selector("#behorigheter ~ .table-wrap table")
    assert_accessible(page)
    goto(page, f"/organisation/administration/anvandare/{owner.pk}/historik/")
    assert_accessible(page)


def test_unit_types(page, live_server, admin):
    login(page, admin)
    goto(page, "/organisation/administration/enhetstyper/")
    page.wait_for_selector("tbody tr")
    assert_accessible(page)


def test_reflow_at_320_css_pixels(page, live_server, org, owner, admin):
    """WCAG 1.4.10: at 320 CSS px (400 % zoom) nothing but data tables, which
    scroll inside their own box, may need horizontal scrolling."""
    grant(admin, org["forv"], Role.MODEL_OWNER)
    page.set_viewport_size({"width": 320, "height": 640})

    def check(path):
        goto(page, path)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} rullar i sidled vid 320 px: {widths}"
        assert_accessible(page)

    check("/konto/logga-in/")
    login(page, admin)
    forv = org["forv"].pk
    for path in (
        "/",
        "/organisation/",
        f"/organisation/enheter/{forv}/",
        f"/organisation/enheter/{forv}/andra/",
        f"/organisation/enheter/ny/?overordnad={forv}",
        f"/organisation/enheter/{forv}/historik/",
        "/organisation/administration/anvandare/",
        f"/organisation/administration/anvandare/{owner.pk}/",
        "/organisation/administration/",
        "/organisation/administration/enhetstyper/",
        "/tillganglighet/",
        "/tillganglighet/andra/",
    ):
        check(path)


def test_accessibility_statement_from_the_foot_of_the_login_page(page, live_server, org, admin):
    """The tillgänglighetsredogörelse is reached from the foot of a page
    without a login; an administrator's form shows its errors at the fields,
    the assessment as a group of radio buttons under its own legend."""
    goto(page, "/konto/logga-in/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    page.get_by_role("heading", name="Tillgänglighetsredogörelse", level=1).wait_for()
    assert_accessible(page)
    login(page, admin)
    goto(page, "/tillganglighet/andra/")
    assert page.get_by_role("group", name="Hur väl uppfyller tjänsten kraven?").is_visible()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("[role=alert]")
    assert page.locator("#id_contact_error").is_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Delvis förenlig med kraven").check()
    page.get_by_label("Kontakt").fill("tillganglighet@provkoping.example")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Tillgänglighetsredogörelsen är sparad.").wait_for()
    assert page.get_by_role("link", name="tillganglighet@provkoping.example").is_visible()
    assert_accessible(page)
