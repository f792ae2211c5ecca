"""Browser tests: the real pages in Debian's Chromium, driven by Playwright.

Playwright's own browser download is not used. The browser is Debian's
package `chromium` (/usr/bin/chromium, or the path in CHROMIUM_PATH). When it
is missing the browser tests are skipped on a developer machine and fail in
CI (environment variable CI set), so a CI machine without a browser cannot
pass silently.

Every browser test runs against pytest-django's live_server, in one xdist
group ("browser") so one worker owns the browser, e.g.:

    @pytest.mark.browser
    @pytest.mark.xdist_group("browser")
    def test_something(page, live_server, org): ...
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

# Playwright's sync API runs an asyncio event loop in the test thread; Django
# would otherwise refuse ORM calls from it ("You cannot call this from an
# async context"). The tests are plain synchronous code, so this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's default is 30 s; a page of this application that takes more
# than a few seconds is a failure in itself, and short timeouts keep a broken
# run from taking minutes.
TIMEOUT_MS = 10_000

# axe-core impacts that fail a test. "moderate" and "minor" are printed only.
FAILING_IMPACTS = {"serious", "critical"}


def pytest_configure(config):
    # pytest-xdist registers this marker itself; register it as well so the
    # browser tests also run with `-p no:xdist` under --strict-markers.
    config.addinivalue_line("markers", "xdist_group(name): run tests of a group in one worker")


def chromium_path() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    candidate = configured or "/usr/bin/chromium"
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    if not configured:
        return shutil.which("chromium")
    return None


def wait_for_server_requests(timeout: float = 5.0) -> None:
    """Wait until the live server has finished the requests it is handling.

    Requests still running after a test (a favicon, a late htmx call, a
    keep-alive connection being closed) would otherwise touch the database
    while it is flushed, or after the live server has stopped sharing its
    SQLite connection."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [
            t
            for t in threading.enumerate()
            if t.name.endswith("(process_request_thread)") and t.is_alive()
        ]
        if not busy:
            return
        busy[0].join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole session, shared by every browser
    test in the process (Playwright's sync API runs one instance per
    process)."""
    executable = chromium_path()
    if executable is None:
        where = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
        reason = (
            "Chromium saknas: installera Debian-paketet chromium "
            f"(apt-get install chromium). Sökt: {where}; en annan sökväg anges med CHROMIUM_PATH."
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason} I CI måste webbläsartesterna köras.", pytrace=False)
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()
    wait_for_server_requests()


@pytest.fixture(scope="session")
def browser(live_server, chromium_browser):
    """The session's Chromium for tests on pytest-django's live server."""
    return chromium_browser


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and page for each test."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    browser_page = context.new_page()
    yield browser_page
    context.close()
    wait_for_server_requests()


def login(page, user, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form and wait for the start page."""
    page.goto("/konto/logga-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    if "/konto/logga-in/" in page.url:
        errors = page.locator("[role=alert]").all_inner_texts()
        raise AssertionError(f"Inloggningen som {user.username} misslyckades: {errors}")


def wait_for_htmx(page) -> None:
    """Wait until htmx has finished its requests and settled swapped content.

    htmx binds the hx-* attributes of new content only when it settles
    (about 20 ms after the swap); a click before that would bypass htmx and
    submit the form as a plain page load."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def assert_accessible(page, context: str | None = None, *, failing_rules=()) -> None:
    """Run axe-core on the page as it is now and fail on serious or critical
    violations, listing each with its rule, help text and offending nodes.
    `failing_rules`: axe rule ids that fail this page whatever their impact
    (a page that has been rid of a moderate finding keeps it out)."""
    from axe_playwright_python.sync_playwright import Axe

    # A page still loading after a click has no document for axe to read.
    page.wait_for_load_state("load")
    results = Axe().run(page, context=context)
    violations = results.response["violations"]
    lines = []
    failing = 0
    for violation in violations:
        impact = violation.get("impact") or "?"
        fails = impact in FAILING_IMPACTS or violation["id"] in failing_rules
        failing += fails
        lines.append(
            f"{'FEL' if fails else 'info'} [{impact}] {violation['id']}: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    report = "\n".join(lines)
    if report:
        print(f"axe på {page.url}:\n{report}")
    assert not failing, f"axe hittade {failing} allvarliga brister på {page.url}:\n{report}"
