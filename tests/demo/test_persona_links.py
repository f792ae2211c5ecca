"""A link shown is a link allowed: logged in as each demo persona (the users
on the login page), the main pages are rendered, every internal link on them
is followed, and none answers 403, 404 or an error.

The walk starts at the start page, the styrmodell, the målträd, the
nyckeltal, the årshjul and the organisation, and goes one step further from
the pages those link to (a task page, plans, the occasion overview, underlag,
documents). It is bounded: each URL is visited once, each kind of page (URL
name) at most a few times per persona, and downloads and logging out are not
followed.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from styrhjul.demo import data
from styrhjul.organisation.models import User
from tests.demo.years import CAL

pytestmark = pytest.mark.xdist_group("demo-persona-links")

# The demo's year: its plans, occasions and tasks are in it.
SEEDS = (
    ("start", ()),
    ("model:index", ()),
    ("model:year", (CAL.last_year,)),
    ("planning:goal_tree", (CAL.last_year,)),
    ("indicators:index", ()),
    ("indicators:council", (CAL.last_year,)),
    ("followup:year_wheel", (CAL.last_year,)),
    ("organisation:tree", ()),
)
# Pages whose links are followed in turn (one step further than the seeds).
EXPANDED = {
    "start",
    "model:index",
    "model:year",
    "planning:goal_tree",
    "planning:unit_plans",
    "planning:plan",
    "planning:item",
    "indicators:index",
    "indicators:council",
    "indicators:indicator",
    "followup:year_wheel_index",
    "followup:year_wheel",
    "followup:task",
    "followup:overview",
    "followup:underlag",
    "documents:unit_documents",
    "organisation:tree",
    "organisation:unit",
}
# Not followed: they log out, download a file or start a job.
SKIPPED = {
    "logout",
    "login",
    "planning:plan_export",
    "planning:plan_template",
    "followup:overview_export",
    "followup:ical_org",
    "followup:ical_user",
    "documents:internal_control",
    "documents:job_download",
    "organisation:import_template",
}
PER_NAME = 10  # distinct URLs followed per URL name and persona
MAX_DEPTH = 3


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    result = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href:
            continue
        if href.startswith("?"):
            href = urlsplit(base).path + href
        if not href.startswith("/"):
            continue
        result.append(href)
    return result


def url_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def walk(client) -> tuple[list[tuple[str, str, int]], int]:
    """Every (page, link, status) that fails, and the number of URLs visited."""
    failures = []
    seen: set[str] = set()
    per_name: Counter[str] = Counter()
    queue = [("", reverse(name, args=args), 0) for name, args in SEEDS]
    while queue:
        source, url, depth = queue.pop(0)
        if url in seen:
            continue
        name = url_name(url)
        if name is None:
            failures.append((source, url, 404))
            continue
        if name in SKIPPED or (depth and per_name[name] >= PER_NAME):
            continue
        seen.add(url)
        per_name[name] += 1
        response = client.get(url, follow=True)
        if response.status_code != 200:
            failures.append((source, url, response.status_code))
            continue
        final = response.request["PATH_INFO"]
        final_name = url_name(final) or name
        if depth < MAX_DEPTH and (name in EXPANDED or final_name in EXPANDED):
            if "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode("utf-8", "replace")
            for link in internal_links(html, final):
                if link not in seen:
                    queue.append((url, link, depth + 1))
    return failures, len(seen)


@pytest.mark.parametrize("login", [ru.person.login for ru in data.ROLE_USERS])
def test_every_link_a_persona_is_shown_opens(client, demo, login):
    client.force_login(User.objects.get(username=login))
    failures, visited = walk(client)
    assert visited > 3 * len(SEEDS)
    assert not failures, "\n".join(f"{src} → {url}: {status}" for src, url, status in failures)


@pytest.mark.parametrize("login", [ru.person.login for ru in data.ROLE_USERS])
def test_every_persona_reads_the_councils_goals_and_the_styrmodell(client, demo, login):
    """The council is a sibling of the nämnder, not their ancestor: as a
    governing body its goals are read from every unit, on the Nyckeltal page
    as in the målträd, and the styrmodell by everyone in the municipality."""
    client.force_login(User.objects.get(username=login))
    council = client.get(reverse("indicators:council", args=[CAL.last_year]))
    assert council.status_code == 200
    assert "har inga mål det här året" not in council.content.decode()
    tree = client.get(reverse("planning:goal_tree", args=[CAL.last_year])).content.decode()
    for goal in council.context["groups"]:
        assert goal[0].title in tree
    assert council.context["groups"]
    assert client.get(reverse("model:year", args=[CAL.last_year])).status_code == 200
