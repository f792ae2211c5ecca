"""Every role's day on the demo municipality, in Chromium.

The demo is loaded once, as `styrhjul load-demo` builds it for today's date,
and served by one live server to one browser. Each persona logs in with the
demo password from the login page and does their main job end to end. The
journeys choose what they work on from what the pages show (the open task,
the occasion, the late unit), never from ids or dates, so they hold for
whatever day the demo is built for.

Every page a journey visits is checked with axe-core (no serious or critical
findings) and saved as a screenshot under
`test-output/personas/<persona>/NN-<page>.png` (the folder is set with
STYRHJUL_TEST_OUTPUT); the start, task, overview and underlag pages are also
checked for sideways scrolling at 320 CSS px (WCAG 1.4.10).
"""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from styrhjul.demo.data import DEMO_PASSWORD
from styrhjul.organisation import access
from styrhjul.organisation.models import RoleGrant, Unit, User
from tests.browser.conftest import (
    TIMEOUT_MS,
    assert_accessible,
    wait_for_server_requests,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PERSONAS = [
    "admin",
    "modellagare",
    "forvaltningschef",
    "avdelningschef",
    "enhetschef",
    "rapportor",
    "politiker",
    "revisor",
]


@pytest.mark.django_db  # also makes the test database when the module runs alone
def test_every_demo_role_user_has_a_journey_here():
    from styrhjul.demo.data import ROLE_USERS

    assert sorted(ru.person.login for ru in ROLE_USERS) == sorted(PERSONAS)


WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 320, "height": 800}
TASK_LINK = "a[href*='/uppfoljning/uppgifter/']"


def output_dir() -> Path:
    configured = os.environ.get("STYRHJUL_TEST_OUTPUT", "").strip()
    root = Path(configured) if configured else Path(__file__).resolve().parents[2] / "test-output"
    return root / "personas"


# --- One demo, one server, one browser for the module -----------------------------------


def is_test_database(connection) -> bool:
    name = str(connection.settings_dict["NAME"])
    test_name = connection.settings_dict.get("TEST", {}).get("NAME")
    if connection.vendor == "sqlite":
        return connection.is_in_memory_db() or bool(test_name and name == test_name)
    return name == test_name or name.startswith("test_")


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """The demo loaded as `styrhjul load-demo` loads it, served in demo mode
    (the login page lists the demo users). The database is emptied again
    afterwards, as after any test that commits."""
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        # Never the developer's own database (pytest-django makes the test
        # database only when a collected test asks for one).
        assert is_test_database(connection), (
            "Ingen testdatabas: kör modulen med test_every_demo_role_user_has_a_journey_here."
        )
        call_command("load_demo", stdout=io.StringIO())
        with override_settings(DEBUG=True, DEMO_MODE=True):
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield server
            finally:
                wait_for_server_requests()
                server._live_server_modified_settings.disable()
                server.stop()
                call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def chromium(demo_server, chromium_browser):
    return chromium_browser


class Journey:
    """One persona in one browser context: logs in, visits pages (each one
    checked with axe and saved as a screenshot) and checks reflow."""

    def __init__(self, browser, server, persona: str):
        self.persona = persona
        self.context = browser.new_context(
            base_url=server.url,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport=WIDE,
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.folder = output_dir() / persona
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0
        self.user = User.objects.get(username=persona)

    def close(self) -> None:
        self.context.close()
        wait_for_server_requests()

    def shot(self, slug: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{slug}.png"), full_page=True)

    def visited(self, slug: str, *, reflow: bool = False) -> None:
        """The page now shown: no error, axe clean, a screenshot; and at
        320 px no sideways scrolling when `reflow`."""
        self.page.wait_for_load_state()
        assert "Serverfel" not in self.page.title(), self.page.url
        assert_accessible(self.page)
        self.shot(slug)
        if reflow:
            self.page.set_viewport_size(NARROW)
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            self.shot(f"{slug}-320px")
            self.page.set_viewport_size(WIDE)
            assert overflow <= 0, f"{self.page.url} rullar {overflow} px i sidled vid 320 px"

    def go(self, href: str, slug: str, **kwargs) -> None:
        response = self.page.goto(href)
        assert response is not None and response.ok, (
            f"{href} svarade {response and response.status}"
        )
        self.visited(slug, **kwargs)

    def click(self, locator, slug: str, **kwargs) -> None:
        with self.page.expect_navigation():
            locator.click()
        self.visited(slug, **kwargs)

    def log_in(self) -> None:
        page = self.page
        page.goto("/konto/logga-in/")
        demo_users = page.get_by_role("table", name="Demoanvändare och deras roller")
        expect_visible(demo_users.get_by_role("cell", name=self.persona, exact=True))
        assert DEMO_PASSWORD in page.inner_text("main")
        self.visited("logga-in")
        page.get_by_label("Användarnamn eller e-post").fill(self.persona)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
        assert "/konto/logga-in/" not in page.url, page.locator("[role=alert]").all_inner_texts()
        self.visited("start", reflow=True)

    def nav(self, name: str, slug: str) -> None:
        link = self.page.get_by_role("navigation", name="Huvudmeny").get_by_role(
            "link", name=name, exact=True
        )
        self.click(link, slug)

    def h1(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()


def expect_visible(locator) -> None:
    locator.first.wait_for(state="visible")


@pytest.fixture
def journey(request, chromium, demo_server):
    journeys: list[Journey] = []

    def start(persona: str) -> Journey:
        j = Journey(chromium, demo_server, persona)
        journeys.append(j)
        j.log_in()
        return j

    yield start
    for j in journeys:
        j.close()


# --- What the pages offer ------------------------------------------------------------


def my_tasks(page):
    return page.get_by_role("region", name="Mina uppgifter")


def open_task_rows(page):
    """The rows of Mina uppgifter that can still be reported on: not Låst,
    not Klarmarkerad."""
    return (
        my_tasks(page)
        .get_by_role("row")
        .filter(has=page.locator(TASK_LINK))
        .filter(has_not_text="Låst")
        .filter(has_not_text="Klarmarkerad")
    )


def hrefs(locator) -> list[str]:
    return list(dict.fromkeys(a.get_attribute("href") for a in locator.all()))


def reportable_articles(page):
    """The items on a task page with a form to report (not read-only)."""
    return page.get_by_role("article").filter(has=page.get_by_role("button", name="Spara"))


def report_an_activity(j: Journey, comment: str) -> str:
    """Report the first item of the task page that can be reported (an
    activity as Påbörjad) with a comment; returns the article's id."""
    page = j.page
    articles = reportable_articles(page)
    started = articles.filter(has=page.get_by_role("radio", name="Påbörjad", exact=True))
    article = started.first if started.count() else articles.first
    article.wait_for()
    post = article.get_attribute("id")
    if started.count():
        article.get_by_role("radio", name="Påbörjad", exact=True).check()
    else:
        article.get_by_role("radio").first.check()
    completion = article.get_by_label("Färdighetsgrad (%)")
    if completion.count():
        completion.fill("40")
    article.get_by_label(re.compile(r"^(Kommentar|Analys)")).fill(comment)
    article.get_by_role("button", name="Spara").click()
    saved = page.locator(f"#{post}").get_by_role("status")
    saved.wait_for()
    assert "Sparat." in saved.inner_text()
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
    j.visited("rapporterad-post")
    return post


def overview_links(page):
    return page.get_by_role("link", name=re.compile(r"^Översikt över "))


def find_overviews(j: Journey) -> list[str]:
    """The occasion overviews the persona is offered: on the start page,
    else on this year's and last year's Årshjul."""
    found = hrefs(overview_links(j.page))
    if found:
        return found
    j.nav("Årshjul", "arshjul")
    found = hrefs(overview_links(j.page))
    if not found:
        j.click(earlier_year(j.page), "arshjul-forra-aret")
        found = hrefs(overview_links(j.page))
    assert found, f"{j.persona} erbjuds ingen översikt"
    return found


def earlier_year(page):
    """The Årshjul's link to the year before (the first of its year links)."""
    return page.get_by_role("link", name=re.compile(r"^\W*Årshjul \d{4}\W*$")).first


def units_in_overview(page) -> set[str]:
    table = page.get_by_role("table", name="Uppgifter")
    names = table.locator("tbody th[scope=row]").all_inner_texts()
    return {re.sub(r"\s*\(.*\)\s*$", "", n).strip() for n in names}


def followed_unit_names(user) -> set[str]:
    ids = access.overview_unit_ids(user)
    assert ids is not None
    return set(Unit.objects.filter(pk__in=ids).values_list("name", flat=True))


def open_goal_underlag(j: Journey) -> None:
    """From the persona's own tasks (or, failing that, the overview's), the
    first goal whose task page offers its underlag, opened."""
    page = j.page
    candidates = hrefs(my_tasks(page).locator(TASK_LINK))
    for href in candidates[:8]:
        j.go(href, "uppgift", reflow=True)
        goal = page.get_by_role("article").filter(has=page.locator(".kind--goal"))
        links = goal.get_by_role("link", name=re.compile(r"^Underlag för "))
        if links.count():
            j.click(links.first, "underlag", reflow=True)
            assert "vad enheterna under har rapporterat" in page.inner_text("main")
            return
    pytest.fail(f"{j.persona}: inget mål med underlag bland de egna uppgifterna {candidates}")


# --- The journeys ----------------------------------------------------------------------


def test_enhetschef_reports_from_mina_uppgifter_and_marks_the_task_done(journey):
    j = journey("enhetschef")
    page = j.page
    # A task on a plan (the economy tasks are the journey below).
    rows = open_task_rows(page).filter(has_not_text="Ekonomi:")
    assert rows.count(), "enhetschefen har ingen öppen uppgift i Mina uppgifter"
    link = rows.first.locator(TASK_LINK).first
    href = link.get_attribute("href")
    j.click(link, "uppgift", reflow=True)

    post = report_an_activity(j, "Bokpåsarna delas ut varje fredag.")
    page.reload()
    assert page.locator(f"#{post}").get_by_label("Kommentar").input_value() == (
        "Bokpåsarna delas ut varje fredag."
    )

    j.click(page.get_by_role("link", name="Klarmarkera uppgift"), "klarmarkera")
    j.click(page.get_by_role("button", name="Klarmarkera", exact=True), "klarmarkerad")
    expect_visible(page.get_by_role("button", name="Ångra klarmarkering"))

    j.nav("Start", "start-efter")
    row = my_tasks(page).get_by_role("row").filter(has=page.locator(f"a[href='{href}']"))
    # The demo's open follow-up asks the avdelningschef to approve the enheter's tasks.
    assert "Väntar på granskning" in row.first.inner_text()


def test_rapportor_reports_only_the_items_assigned(journey):
    j = journey("rapportor")
    page = j.page
    rows = open_task_rows(page)
    assert rows.count(), "rapportören har ingen öppen uppgift i Mina uppgifter"
    j.click(rows.first.locator(TASK_LINK).first, "uppgift", reflow=True)

    # Every item the page lets her report is one she is responsible for.
    ids = [
        int(a.get_attribute("id").removeprefix("post-")) for a in reportable_articles(page).all()
    ]
    assert ids
    from styrhjul.planning.models import Item

    assert set(Item.objects.filter(pk__in=ids).values_list("responsible__username", flat=True)) == {
        "rapportor"
    }
    report_an_activity(j, "Lägesbeskrivning från HR.")


@pytest.mark.parametrize("persona", ["avdelningschef", "forvaltningschef"])
def test_a_manager_follows_the_subtree_and_reads_the_underlag_of_a_goal(journey, persona):
    j = journey(persona)
    page = j.page
    start_tasks = page.url
    overviews = find_overviews(j)
    j.go(overviews[0], "oversikt", reflow=True)
    assert j.h1().startswith("Översikt: ")
    shown = units_in_overview(page)
    assert shown, "översikten visar inga enheter"
    assert shown <= followed_unit_names(j.user), shown - followed_unit_names(j.user)
    # The task names link to the tasks, which the manager may open.
    task = page.get_by_role("table", name="Uppgifter").locator(TASK_LINK).first
    j.click(task, "uppgift-i-oversikten", reflow=True)

    j.go(start_tasks, "start-igen")
    open_goal_underlag(j)


@pytest.mark.parametrize("persona", ["enhetschef", "forvaltningschef"])
def test_a_manager_reads_the_economy_task_and_the_forecasts_below(journey, persona):
    """The economy task of an occasion following up the economy (the
    demo's månadsuppföljningar February–May and September–October and the
    delårsbokslut): budget and utfall, and for the förvaltningschef the
    underlag of the units below."""
    j = journey(persona)
    page = j.page
    rows = my_tasks(page).get_by_role("row").filter(has_text="Ekonomi:")
    if not rows.count():
        pytest.skip("ingen uppföljning av ekonomin är öppen i dag (januari, juni–juli, november)")
    j.click(rows.first.locator(TASK_LINK).first, "ekonomiuppgift", reflow=True)
    assert "Budget och utfall" in page.inner_text("main")
    expect_visible(page.get_by_role("table", name=re.compile(r"^Budget, utfall")))
    if persona == "forvaltningschef":
        j.click(
            page.get_by_role("link", name=re.compile("^Underlag: de underliggande enheternas")),
            "ekonomiunderlag",
            reflow=True,
        )
        assert "Har inte lämnat prognos" in page.inner_text("main")


def overview_counts(page) -> dict[str, int]:
    """The overview's count per status, from its summary line
    ("Ej påbörjad: 3 · Pågående: 1 · … · Låst: 0")."""
    text = page.locator("main").inner_text()
    return {k: int(n) for k, n in re.findall(r"(Försenad|Låst): (\d+)", text)}


def show_status(j: Journey, href: str, label: str, slug: str) -> None:
    j.page.goto(href)
    j.page.get_by_label("Status").select_option(label=label)
    j.click(j.page.get_by_role("button", name="Visa"), slug)


def test_modellagare_reminds_a_late_unit_reopens_a_locked_task_and_opens_the_arshjul(journey):
    j = journey("modellagare")
    page = j.page
    j.nav("Årshjul", "arshjul")
    assert j.h1().startswith("Årshjul")
    # The occasions they follow, the latest first, this year's and last year's.
    overviews = hrefs(overview_links(page))[::-1]
    j.click(earlier_year(page), "arshjul-forra-aret")
    overviews += [h for h in hrefs(overview_links(page))[::-1] if h not in overviews]
    assert overviews, "modellägaren erbjuds ingen översikt"

    late = locked = None
    for href in overviews:
        j.go(href, "oversikt", reflow=not (late or locked))
        counts = overview_counts(page)
        late = late or (href if counts.get("Försenad") else None)
        locked = locked or (href if counts.get("Låst") else None)
        if late and locked:
            break

    # A reminder to a late unit (else to any unit that has not finished).
    remind = re.compile(r"^Skicka påminnelse")
    if late:
        show_status(j, late, "Försenad", "oversikt-forsenade")
    else:
        j.go(overviews[0], "oversikt-paminn")
    button = page.get_by_role("table", name="Uppgifter").get_by_role("button", name=remind)
    assert button.count(), "ingen uppgift att påminna om i modellägarens översikter"
    before = len(mail.outbox)
    j.click(button.first, "paminnelse-skickad")
    messages = page.locator(".message").all_inner_texts()
    assert any("påmin" in m for m in messages), messages
    assert len(mail.outbox) > before or any("redan påmints" in m for m in messages)

    # A locked task opened again for a week.
    assert locked, "ingen låst uppgift i modellägarens översikter"
    show_status(j, locked, "Låst", "oversikt-lasta")
    j.click(page.get_by_role("link", name=re.compile(r"^Öppna igen")).first, "oppna-igen")
    until = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label("Öppna igen till och med").fill(until.isoformat())
    j.click(page.get_by_role("button", name=re.compile(r"^Öppna igen")), "oppnad-igen")
    assert f"till och med {until.isoformat()}" in page.inner_text("main")


def test_politiker_reads_the_goals_of_the_namnd_and_a_document(journey):
    j = journey("politiker")
    page = j.page
    j.nav("Mål och planer", "maltrad")
    assert j.h1().startswith("Målträd")
    namnd = j.user.grants.get().unit.name
    tree = page.locator("main").inner_text()
    assert "Nämndmål" in tree and f"· {namnd}" in tree, "nämndens mål saknas i målträdet"
    j.nav("Start", "start-igen")
    j.click(page.get_by_role("link", name=re.compile(r"^Planer \d{4}")).first, "planer")
    assert "Barn- och utbildningsnämnden" in j.h1()
    j.click(page.get_by_role("link", name="Verksamhetsplan", exact=True), "verksamhetsplan")
    assert page.locator(".kind--goal").count(), "nämndens verksamhetsplan visar inga mål"
    page.go_back()
    documents = page.locator("a[href*='/dokument/enhet/']")
    assert documents.count(), "nämnden har inga dokument att läsa"
    j.click(documents.first, "dokument")
    preview = page.locator("a[href*='/forhandsgranska/']")
    j.click(preview.first, "dokument-forhandsgranskat")


def test_revisor_reads_internal_control(journey):
    j = journey("revisor")
    page = j.page
    j.click(page.get_by_role("link", name=re.compile(r"^Planer \d{4}")).first, "planer")
    j.click(page.get_by_role("link", name="Internkontrollplan", exact=True), "internkontrollplan")
    points = page.locator("a[href*='/planering/poster/']")
    assert points.count(), "internkontrollplanen har inga kontrollpunkter"
    j.click(page.get_by_role("link", name="Riskanalys"), "riskanalys")
    page.go_back()
    j.click(page.locator("a[href*='/planering/poster/']").first, "kontrollpunkt")
    # Read only: nothing to change.
    assert page.get_by_role("link", name="Ändra", exact=True).count() == 0


def test_admin_grants_a_role_on_the_organisation_page(journey):
    j = journey("admin")
    page = j.page
    j.nav("Organisation", "organisation")
    j.click(page.get_by_role("link", name="Förskoleområde Norr", exact=True).first, "enhet")
    page.get_by_role("heading", name="Ge behörighet").wait_for()
    form = page.locator("form[action*='/behorigheter/']").filter(
        has=page.get_by_role("button", name="Lägg till")
    )
    form.get_by_label("Användare").select_option(label="Emma Lindberg")
    form.get_by_label("Roll").select_option(label="Läsare")
    j.click(form.get_by_role("button", name="Lägg till"), "behorighet-given")
    grants = page.get_by_role("table").filter(has_text="Omfattning")
    assert "Emma Lindberg" in grants.inner_text()
    assert RoleGrant.objects.filter(
        user__first_name="Emma", user__last_name="Lindberg", unit__code="3111", role="reader"
    ).exists()
