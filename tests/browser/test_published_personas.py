"""Publishing on the demo municipality, in Chromium: the demo's modellägare
may not publish, the admin publishes a follow-up again (the worker does it
while the page shows how far it has come), and a visitor without login
reads the public page with the indicators' charts, their tables and
comparisons. Every page passes axe; the public page reflows at 320 CSS px.

The demo is loaded once for the module as `styrhjul load-demo` builds it
(tests/browser/test_personas.py's server); what is published is chosen from
what the pages show, never from ids or dates."""

from __future__ import annotations

import re
import urllib.request

import pytest

from styrhjul.demo.data import DEMO_PASSWORD
from tests.browser import test_personas
from tests.browser.conftest import TIMEOUT_MS, assert_accessible
from tests.browser.test_personas import NARROW, WIDE
from tests.worker import run_worker

# The demo's server, browser and journeys, loaded once for this module.
demo_server = test_personas.demo_server
chromium = test_personas.chromium
journey = test_personas.journey

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db  # also makes the test database when the module runs alone
def test_the_demo_has_the_personas_of_this_module():
    from styrhjul.demo.data import ROLE_USERS

    assert {"modellagare", "admin"} <= {ru.person.login for ru in ROLE_USERS}


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_publishing_is_for_the_organisations_model_owners_and_a_visitor_reads_the_charts(
    journey, chromium, demo_server
):
    from django.urls import reverse

    from styrhjul.organisation.models import Unit

    assert DEMO_PASSWORD == "Styrhjul-demo-2025"
    # The server's first page (templates, static files) may take longer than
    # a page's time limit on a busy machine; it is not what is tested here.
    with urllib.request.urlopen(f"{demo_server.url}/konto/logga-in/", timeout=120) as first:
        assert first.status == 200
    organisation = Unit.objects.get(parent=None, name="Sjöbacka kommun")
    snapshots_url = reverse("public:snapshots", args=[organisation.pk])

    # The demo's modellägare owns the model of one förvaltning: publishing
    # is the whole organisation's model owners' (access.may_publish), so
    # neither the årshjul nor the published list offers it to them.
    j = journey("modellagare")
    page = j.page
    j.nav("Årshjul", "arshjul")
    assert page.get_by_role("link", name="Publicerade uppföljningar").count() == 0
    j.go(snapshots_url, "publicerade-utan-publicera")
    assert page.get_by_role("heading", name="Publicera", exact=True).count() == 0
    assert page.get_by_role("link", name=re.compile(r"^Publicera ")).count() == 0

    # The systemförvaltare manages the whole organisation and publishes.
    j = journey("admin")
    page = j.page
    j.nav("Årshjul", "arshjul")
    j.click(page.get_by_role("link", name="Publicerade uppföljningar"), "publicerade")
    published = page.get_by_role("table", name="Publicerade uppföljningar")
    before = published.get_by_role("row").count()
    # A follow-up published before: its reporting is locked, so it may be
    # published again (after a correction, say).
    title = published.get_by_role("rowheader").first.inner_text()
    j.click(page.get_by_role("link", name=f"Publicera {title}", exact=True), "publicera")
    # Publishing is ordered; the worker does it and the page follows it.
    j.click(page.get_by_role("button", name="Publicera"), "publicering-i-ko")
    assert f"”{title}” publiceras i bakgrunden." in page.inner_text("main")
    assert page.get_by_role("button", name="Publicera").count() == 0
    run_worker()  # `styrhjul worker`, as beside the server
    done = page.get_by_role("link", name="Visa den publicerade uppföljningen")
    done.wait_for(timeout=60_000)
    published_text = rf"”{re.escape(title)}” är publicerad med [\d\s]+ rader\."
    assert re.search(published_text, page.inner_text("main"))
    j.visited("publicerad")
    j.click(done, "den-publicerade")
    j.click(
        page.get_by_role("link", name="Publicerade uppföljningar", exact=True).first,
        "publicerade-igen",
    )
    assert (
        page.get_by_role("table", name="Publicerade uppföljningar").get_by_role("row").count()
        == before + 1
    )
    public_url = page.get_by_role("link", name="Den offentliga sidan").get_attribute("href")

    # The visitor: no login, the same page for everyone.
    context = chromium.new_context(
        base_url=demo_server.url, locale="sv-SE", timezone_id="Europe/Stockholm", viewport=WIDE
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        visitor = context.new_page()
        response = visitor.goto(public_url)
        assert response is not None and response.ok
        assert visitor.get_by_role("heading", name="Nyckeltal", exact=True).is_visible()
        charts = visitor.locator("figure.chart svg[role=img]")
        assert charts.count() >= 5
        # Each chart has its values as a table, behind "Visa värdena som tabell".
        visitor.get_by_text("Visa värdena som tabell").first.click()
        table = visitor.locator("details.chart-table table").first
        assert table.is_visible()
        assert re.search(r"\d{4}", table.inner_text())
        assert visitor.get_by_role("heading", name="Jämförelser").first.is_visible()
        assert "Logga ut" not in visitor.inner_text("body")
        assert_accessible(visitor)
        visitor.set_viewport_size(NARROW)
        assert overflow(visitor) <= 0, "den offentliga sidan rullar i sidled vid 320 px"
        assert_accessible(visitor)
    finally:
        context.close()
