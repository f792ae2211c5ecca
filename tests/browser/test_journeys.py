"""What users do, in a real browser: log in, find their unit, change the
organisation, search, move around with the keyboard only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from styrhjul.organisation.models import Role
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD, UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def h1(page):
    return page.get_by_role("heading", level=1)


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(user, org["forv"], Role.MODEL_OWNER)
    return user


def test_enhetschef_finds_own_unit_but_not_a_sibling(page, live_server, org):
    chef = UserFactory(first_name="Karin", last_name="Larsson", username="karin.larsson")
    grant(chef, org["enhet_a1"], Role.MANAGER)

    # The start page asks for a login first, then comes back.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/\?next=/$"))
    page.get_by_label("Användarnamn eller e-post").fill("karin.larsson")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(h1(page)).to_have_text("Välkommen, Karin")
    expect(page).to_have_title("Start – Styrhjul")
    my_units = page.get_by_role("region", name="Mina enheter")
    expect(my_units.get_by_role("heading", level=3)).to_have_text(["Solgårdens äldreboende"])
    expect(my_units).to_contain_text("Chef")

    my_units.get_by_role("link", name="Solgårdens äldreboende", exact=True).click()
    expect(h1(page)).to_have_text("Solgårdens äldreboende")
    expect(page.locator("dl.facts")).to_contain_text("AO1")
    # A manager reads the unit but does not change the organisation.
    expect(page.get_by_role("link", name="Ändra")).to_have_count(0)

    # The sibling enhet exists, but to this user it does not.
    sibling = org["enhet_a2"]
    for path in (
        f"/organisation/enheter/{sibling.pk}/",
        f"/organisation/enheter/{sibling.pk}/historik/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("Hemtjänst Norr")
        expect(page.locator("body")).not_to_contain_text("AO2")


def test_model_owner_creates_and_renames_a_sub_unit(page, live_server, org, owner):
    forv = org["forv"]
    login(page, owner)
    page.goto(f"/organisation/enheter/{forv.pk}/")
    page.get_by_role("link", name="Ny underenhet").click()

    expect(h1(page)).to_have_text("Ny enhet")
    expect(page.locator(".lead")).to_have_text("Under Socialförvaltningen")
    page.get_by_label("Namn").fill("Integrationsenheten")
    page.get_by_label("Kod (ansvar)").fill("SF9")
    page.get_by_label("Typ").select_option(label="Avdelning")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("status")).to_have_text("Enheten Integrationsenheten är skapad.")
    expect(h1(page)).to_have_text("Integrationsenheten")
    expect(page.locator("dl.facts")).to_contain_text("Socialförvaltningen")

    page.get_by_role("link", name="Ändra").click()
    expect(page.get_by_label("Namn")).to_have_value("Integrationsenheten")
    page.get_by_label("Namn").fill("Integration och arbetsmarknad")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_have_text("Ändringarna är sparade.")
    expect(h1(page)).to_have_text("Integration och arbetsmarknad")

    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Organisation").click()
    expect(h1(page)).to_have_text("Organisation")
    under_forv = page.locator(f'ul.tree li:has(> a[href="/organisation/enheter/{forv.pk}/"]) > ul')
    expect(under_forv.get_by_role("link", name="Integration och arbetsmarknad")).to_be_visible()
    expect(page.locator("ul.tree")).not_to_contain_text("Integrationsenheten")


def test_tree_search_updates_as_you_type(page, live_server, org, owner):
    login(page, owner)
    page.goto("/organisation/")
    # Set on this document: gone if the search reloaded the whole page.
    page.evaluate("window.sammaSida = true")
    results = page.locator("#org-results")
    expect(results).to_have_attribute("aria-live", "polite")
    search = page.get_by_role("searchbox", name="Sök på namn eller kod")

    search.press_sequentially("Hem", delay=30)
    expect(results.get_by_role("heading")).to_have_text("1 träff")
    expect(results.get_by_role("link")).to_have_text(["Hemtjänst Norr"])

    search.fill("")
    search.press_sequentially("och", delay=30)
    expect(results.get_by_role("heading")).to_have_text("2 träffar")
    expect(results.get_by_role("link")).to_have_text(["Barn och unga", "Individ och familj"])

    search.press_sequentially("xyz", delay=30)
    expect(results).to_contain_text("Inga enheter matchar sökningen.")

    assert page.evaluate("window.sammaSida") is True, "sökningen laddade om hela sidan"
    expect(page).to_have_url(re.compile(r"[?&]q=ochxyz(&|$)"))
    # Results stay within the user's grants: nothing above the förvaltning.
    search.fill("Social")
    expect(results.get_by_role("link")).to_have_text(["Socialförvaltningen"])


def focused(page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement; if (!e) return 'ingen';"
        " return `${e.tagName.toLowerCase()}#${e.id}.${e.className}"
        ' "${e.textContent.trim()}"`; })()'
    )


def test_keyboard_only(page, live_server, org, owner):
    login(page, owner)
    page.goto("/organisation/")

    # The skip link is the first Tab stop, visible when focused, and moves
    # focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#innehall")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), focused(page)

    # The main navigation is reached by Tab, and each link shows its focus.
    page.goto("/organisation/")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    visited = []
    for _ in range(6):
        page.keyboard.press("Tab")
        visited.append(focused(page))
        if page.evaluate("document.activeElement.closest('nav.main-nav') !== null"):
            break
    else:
        pytest.fail(f"huvudmenyn nås inte med Tab; fokus gick: {visited}")
    for name in (
        "Start",
        "Mål och planer",
        "Nyckeltal",
        "Årshjul",
        "Organisation",
        "Styrmodell",
        "Administration",
    ):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_focused()
        style = link.evaluate(
            "e => { const s = getComputedStyle(e);"
            " return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor}; }"
        )
        assert style["style"] != "none", f"{name}: ingen synlig fokusmarkering ({style})"
        assert float(style["width"].removesuffix("px")) >= 2, f"{name}: {style}"
        page.keyboard.press("Tab")
    # Without focus the same link has no outline: the ring comes from focus.
    page.locator("body").click(position={"x": 5, "y": 500})
    assert (
        nav.get_by_role("link", name="Start").evaluate("e => getComputedStyle(e).outlineStyle")
        == "none"
    )


def test_wrong_password_shows_swedish_error_and_keeps_user_name(page, live_server, org):
    UserFactory(username="karin.larsson")
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn eller e-post").fill("karin.larsson")
    page.get_by_label("Lösenord").fill("inte-mitt-losenord")
    page.get_by_role("button", name="Logga in").click()

    form = page.locator("form", has=page.get_by_role("button", name="Logga in"))
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Fel användarnamn eller lösenord. Kontrollera och försök igen.")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/$"))
    expect(page.get_by_label("Användarnamn eller e-post")).to_have_value("karin.larsson")
    expect(page.get_by_label("Lösenord")).to_have_value("")
    # Still logged out.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/\?next=/$"))
