"""styrhjul send-reminders (issue item 7)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from styrhjul.followup import reminders
from styrhjul.followup.models import OccasionStatus, ReminderLog, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import RoleGrantFactory, UserFactory

# The enheter's deadline in the occasion fixture is 2025-07-15.


@pytest.fixture
def task(org, chain, occasion):
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )


@pytest.fixture
def chef(org):
    user = UserFactory(email="chef.b1@example.se")
    RoleGrantFactory(user=user, unit=org["enhet_b1"], role=Role.MANAGER)
    return user


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_before_deadline_once(task, chef):
    out = run(today="2025-07-12")
    assert [m.to for m in mail.outbox] == [["chef.b1@example.se"]]
    assert "tidsfristen" in mail.outbox[0].body and "2025-07-15" in mail.outbox[0].subject
    assert "Skickade 1 påminnelse(r) 2025-07-12" in out
    assert ReminderLog.objects.get().kind == "before:3"
    # Hourly runs the same day send nothing more.
    out = run(today="2025-07-12")
    assert len(mail.outbox) == 1
    assert "Skickade 0 påminnelse(r)" in out and "1 redan skickade i dag" in out
    # Not on other days before the deadline.
    run(today="2025-07-13")
    run(today="2025-07-15")
    assert len(mail.outbox) == 1


def test_several_days_from_setting(task, chef, settings):
    settings.REMINDER_DAYS_BEFORE = "7, 1"
    assert reminders.reminder_days() == [7, 1]
    for day in range(5, 16):
        run(today=f"2025-07-{day:02d}")
    assert sorted(ReminderLog.objects.values_list("kind", flat=True)) == ["before:1", "before:7"]
    assert len(mail.outbox) == 2


def test_overdue_once_a_day_while_not_done(task, chef, occasion):
    occasion.grace_days = 5  # still open for reporting until 2025-07-20
    occasion.save()
    run(today="2025-07-16")
    run(today="2025-07-16")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Försenad rapportering")
    run(today="2025-07-17")
    assert len(mail.outbox) == 2
    task.done_at = timezone.now()
    task.save()
    run(today="2025-07-18")
    assert len(mail.outbox) == 2


def test_never_for_a_locked_task(task, chef, occasion):
    """After the deadline and its grace days the reports are locked: no
    overdue reminder then."""
    occasion.grace_days = 2
    occasion.save()
    run(today="2025-07-17")
    assert len(mail.outbox) == 1
    run(today="2025-07-18")
    run(today="2025-07-30")
    assert len(mail.outbox) == 1


def test_only_open_occasions(task, chef, occasion):
    occasion.status = OccasionStatus.CLOSED
    occasion.save()
    run(today="2025-07-12")
    run(today="2025-07-20")
    assert mail.outbox == []


def test_dry_run_sends_and_logs_nothing(task, chef):
    out = run("--dry-run", today="2025-07-12")
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    assert "Skulle skicka: before:3 → chef.b1@example.se" in out


def test_reporter_task_reminds_the_reporter_and_the_chef(org, chain, occasion, task, chef):
    reporter = UserFactory(email="rapportor@example.se")
    ReportingTask.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        plan_type=chain["ap"],
        reporter=reporter,
        step=task.step,
        name="Rapportörens",
    )
    RoleGrantFactory(
        user=UserFactory(email="ingen@example.se", is_active=False),
        unit=org["enhet_b1"],
        role=Role.MANAGER,
    )
    run(today="2025-07-12")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["chef.b1@example.se", "chef.b1@example.se", "rapportor@example.se"]


def test_failed_send_is_retried_later(task, chef, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("SMTP nere")

    monkeypatch.setattr(reminders, "send_mail", boom)
    with pytest.raises(OSError):
        reminders.automatic(today=datetime.date(2025, 7, 12))
    assert not ReminderLog.objects.exists()
    monkeypatch.undo()
    run(today="2025-07-12")
    assert len(mail.outbox) == 1


def test_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run(today="12/7")


def test_the_reminder_tells_what_is_left_to_report(task, chef, chain, occasion):
    from styrhjul.followup.models import Report

    activity = chain["activity"]
    # A comment without a status is started, not reported: still listed.
    occasion.grace_days = 5
    occasion.save()
    Report.objects.create(occasion=occasion, unit=task.unit, item=activity, comment="På gång")
    run(today="2025-07-12")
    body = mail.outbox[0].body
    assert "Rapporterat: 0 av 1 poster." in body
    assert f"- {activity.number} {activity.title}".replace("-  ", "- ") in body
    Report.objects.filter(item=activity).update(
        status=chain["ap"].activity_scale.values.get(label="Klar")
    )
    mail.outbox.clear()
    run(today="2025-07-16")  # overdue: not marked done
    body = mail.outbox[0].body
    assert "Rapporterat: 1 av 1 poster." in body and "Kvar att rapportera" not in body
