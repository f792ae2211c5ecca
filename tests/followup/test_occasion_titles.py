"""An occasion is shown with the year of its period wherever a person meets
it: reminder e-mails, calendar feeds, the overview and its Excel file, also
when its name has no year ("Månadsuppföljning augusti" of 2025 and of 2026
look alike otherwise)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import feeds
from styrhjul.followup.models import FollowUpOccasion, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly(org, chain, occasion):
    """The occasion renamed to a monthly follow-up without a year in its
    name, its tasks named as they were when they were created."""
    FollowUpOccasion.objects.filter(pk=occasion.pk).update(name="Månadsuppföljning augusti")
    for task in ReportingTask.objects.filter(occasion=occasion):
        task.name = task.name.replace("Delårsrapport 2025", "Månadsuppföljning augusti")
        task.save(update_fields=["name"])
    occasion.refresh_from_db()
    return occasion


@pytest.fixture
def chef(org):
    user = UserFactory(first_name="Cecilia", last_name="Chef", email="chef.b1@example.se")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


def test_the_title_carries_the_year(monthly):
    assert monthly.title == "Månadsuppföljning augusti 2025"
    task = ReportingTask.objects.filter(occasion=monthly).first()
    assert task.title.startswith("Månadsuppföljning augusti 2025: ")


def test_a_reminder_names_the_occasion_with_its_year(monthly, chef):
    call_command("send_reminders", today="2025-07-12", stdout=io.StringIO())

    [message] = mail.outbox
    assert message.subject.startswith("Påminnelse: Månadsuppföljning augusti 2025: ")
    assert "Uppföljning: Månadsuppföljning augusti 2025\n" in message.body
    assert "”Månadsuppföljning augusti 2025: " in message.body


def test_the_calendar_feeds_name_the_occasion_with_its_year(
    client, org, monthly, chef, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2025, 8, 25))

    mine = client.get(reverse("followup:ical_user", args=[feeds.user_token(chef)]))
    wheel = client.get(
        reverse("followup:ical_org", args=[feeds.organisation_token(chef, org["kommun"])])
    )

    body = mine.content.decode().replace("\r\n ", "")
    assert "SUMMARY:Tidsfrist: Månadsuppföljning augusti 2025: " in body
    assert "Månadsuppföljning augusti:" not in body
    body = wheel.content.decode().replace("\r\n ", "")
    assert "SUMMARY:Månadsuppföljning augusti 2025: Enhetschefer rapporterar" in body


def test_the_overview_and_its_excel_file_carry_the_year(client, org, monthly):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)

    page = client.get(reverse("followup:overview", args=[monthly.pk])).content.decode()
    export = client.get(reverse("followup:overview_export", args=[monthly.pk]))

    assert "Översikt: Månadsuppföljning augusti 2025" in page
    assert "oversikt-manadsuppfoljning-augusti-2025.xlsx" in export["Content-Disposition"]


def test_the_task_page_names_the_occasion_with_its_year(client, org, monthly, chef):
    task = ReportingTask.objects.get(occasion=monthly, unit=org["enhet_b1"], reporter=None)
    client.force_login(chef)

    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()

    assert "<h1>Månadsuppföljning augusti 2025: " in page
    assert "Månadsuppföljning augusti:" not in page
