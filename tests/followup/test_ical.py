"""iCalendar feeds: secret signed URLs per user (their task deadlines) and
per organisation (every step and event of last, this and next year)."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import feeds
from styrhjul.followup.models import CalendarEvent, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 8, 25)


@pytest.fixture(autouse=True)
def wheel_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def chef(org):
    user = UserFactory(first_name="Cecilia", last_name="Chef")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


def parse(content: bytes) -> list[dict]:
    """Check the feed line by line (CRLF, 75-octet lines, folding, nesting)
    and return its events as dicts of property → value (unfolded)."""
    text = content.decode("utf-8")
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    assert "\n" not in text.replace("\r\n", "")
    for line in raw:
        assert len(line.encode("utf-8")) <= 75, line
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events, current = [], None
    for line in lines[1:-1]:
        name, _sep, value = line.partition(":")
        assert _sep, line
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            for required in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"):
                assert required in current, required
            assert current["DTEND;VALUE=DATE"] > current["DTSTART;VALUE=DATE"]
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    assert current is None
    return events


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def test_organisation_feed_has_steps_and_events(client, org, occasion, chef):
    CalendarEvent.objects.create(
        model=occasion.model,
        title="Budgetdag; ramar, skattesats",
        start=datetime.date(2025, 6, 10),
        end=datetime.date(2025, 6, 11),
        description="Rad ett\nRad två \\ slut",
    )
    token = feeds.organisation_token(chef, org["kommun"])
    response = client.get(reverse("followup:ical_org", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse(response.content)
    by_summary = {unescape(e["SUMMARY"]): e for e in events}
    step = by_summary["Delårsrapport 2025: Enhetschefer rapporterar"]
    assert step["DTSTART;VALUE=DATE"] == "20250602"
    assert step["DTEND;VALUE=DATE"] == "20250716"  # exclusive: the day after the deadline
    assert "Nivå: Enhet" in unescape(step["DESCRIPTION"])
    milestone = by_summary["Delårsrapport 2025: Nämnden beslutar"]
    assert (milestone["DTSTART;VALUE=DATE"], milestone["DTEND;VALUE=DATE"]) == (
        "20250922",
        "20250923",
    )
    event = by_summary["Budgetdag; ramar, skattesats"]
    assert event["DTEND;VALUE=DATE"] == "20250612"
    assert unescape(event["DESCRIPTION"]) == "Rad ett\nRad två \\ slut"
    assert event["URL"].startswith("http://testserver/uppfoljning/arshjul/2025/")
    assert len(events) == 5
    assert len({e["UID"] for e in events}) == 5


def test_user_feed_has_only_the_users_tasks(client, org, occasion, chef):
    response = client.get(reverse("followup:ical_user", args=[feeds.user_token(chef)]))
    assert response.status_code == 200
    events = parse(response.content)
    summaries = [unescape(e["SUMMARY"]) for e in events]
    expected = ReportingTask.objects.filter(unit=org["enhet_b1"], reporter__isnull=True)
    assert expected.exists()
    assert sorted(summaries) == sorted(f"Tidsfrist: {t.name}" for t in expected)
    assert all(e["DTSTART;VALUE=DATE"] == "20250715" for e in events)
    body = response.content.decode()
    for other in ("Socialförvaltningen", "Socialnämnden", "Provköpings kommun", "Hemtjänst"):
        assert other not in body


def test_reporter_gets_their_own_tasks(client, org, occasion, chain):
    from styrhjul.followup import services as followup
    from styrhjul.organisation import access

    reporter = UserFactory(first_name="Rolf", last_name="Rapportör")
    grant(reporter, org["enhet_b1"], Role.REPORTER)
    activity = chain["activity"]
    activity.responsible = reporter
    activity.save()
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    task = ReportingTask.objects.get(reporter=reporter)
    events = parse(
        client.get(reverse("followup:ical_user", args=[feeds.user_token(reporter)])).content
    )
    assert [unescape(e["SUMMARY"]) for e in events] == [f"Tidsfrist: {task.name}"]


def test_tampered_token_gives_404(client, org, occasion, chef):
    token = feeds.user_token(chef)
    other = UserFactory()
    forged = f"u-{other.pk}:" + token.split(":", 1)[1]
    assert client.get(reverse("followup:ical_user", args=[forged])).status_code == 404
    assert client.get(reverse("followup:ical_user", args=[token + "x"])).status_code == 404
    org_token = feeds.organisation_token(chef, org["kommun"])
    forged_org = f"o-{org['kommun'].pk}-{other.pk}:" + org_token.split(":", 1)[1]
    assert client.get(reverse("followup:ical_org", args=[forged_org])).status_code == 404
    # A user token is no organisation token, and the reverse.
    assert client.get(reverse("followup:ical_org", args=[token])).status_code == 404
    assert client.get(reverse("followup:ical_user", args=[org_token])).status_code == 404


def test_inactive_user_gives_404(client, org, occasion, chef):
    user_url = reverse("followup:ical_user", args=[feeds.user_token(chef)])
    org_url = reverse("followup:ical_org", args=[feeds.organisation_token(chef, org["kommun"])])
    chef.is_active = False
    chef.save()
    assert client.get(user_url).status_code == 404
    assert client.get(org_url).status_code == 404


def test_organisation_feed_needs_read_access(client, org, occasion, chef):
    other_root = UnitFactory(name="Grannkommunen")
    token = feeds.organisation_token(chef, other_root)
    assert client.get(reverse("followup:ical_org", args=[token])).status_code == 404
    token = feeds.organisation_token(chef, org["kommun"])
    chef.grants.all().delete()
    assert client.get(reverse("followup:ical_org", args=[token])).status_code == 404


def test_folding_and_escaping():
    assert feeds.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "å" * 100
    folded = feeds.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_subscribe_page_shows_both_urls(client, org, occasion, chef, monkeypatch):
    # The addresses carry the second they were signed: hold the clock still so the
    # page and the test sign in the same second.
    monkeypatch.setattr(signing.time, "time", lambda: 1_790_000_000.0)
    client.force_login(chef)
    html = client.get(reverse("followup:calendar_subscribe")).content.decode()
    assert "Prenumerera på kalendern" in html
    assert (
        "http://testserver" + reverse("followup:ical_user", args=[feeds.user_token(chef)]) in html
    )
    org_url = reverse("followup:ical_org", args=[feeds.organisation_token(chef, org["kommun"])])
    assert org_url in html
    assert "Outlook" in html and "Google" in html


def test_subscribe_page_needs_login(client):
    response = client.get(reverse("followup:calendar_subscribe"))
    assert response.status_code == 302


def test_renewing_the_addresses_stops_the_earlier_ones(client, org, occasion, chef):
    user_url = reverse("followup:ical_user", args=[feeds.user_token(chef)])
    org_url = reverse("followup:ical_org", args=[feeds.organisation_token(chef, org["kommun"])])
    assert client.get(user_url).status_code == 200
    client.force_login(chef)
    page = client.get(reverse("followup:calendar_subscribe")).content.decode()
    assert "Förnya adresserna" in page
    history = chef.history.count()

    response = client.post(reverse("followup:calendar_renew"), follow=True)

    assert "Du har fått nya kalenderadresser." in response.content.decode()
    client.logout()
    assert client.get(user_url).status_code == 404
    assert client.get(org_url).status_code == 404
    chef.refresh_from_db()
    new_url = reverse("followup:ical_user", args=[feeds.user_token(chef)])
    assert new_url != user_url
    assert client.get(new_url).status_code == 200
    # Renewing writes no row in the user's history.
    assert chef.history.count() == history


def test_an_address_stops_working_when_it_has_expired(client, org, occasion, chef, settings):
    import time
    from unittest import mock

    settings.ICAL_TOKEN_DAYS = 30
    shown = time.time() - 31 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=shown):
        old = feeds.user_token(chef)
    assert client.get(reverse("followup:ical_user", args=[old])).status_code == 404
    fresh = feeds.user_token(chef)
    assert client.get(reverse("followup:ical_user", args=[fresh])).status_code == 200
    client.force_login(chef)
    page = client.get(reverse("followup:calendar_subscribe")).content.decode()
    assert "fungerar till och med" in page
