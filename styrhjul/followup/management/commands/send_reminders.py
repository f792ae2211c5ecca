"""styrhjul send-reminders: e-mail reminders before deadlines and when overdue.

Safe to run every hour: a reminder of one kind goes to one recipient for one
task at most once a day (ReminderLog)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from styrhjul.followup import reminders


class Command(BaseCommand):
    help = (
        "Skickar påminnelser om uppföljningsuppgifter: REMINDER_DAYS_BEFORE dagar före "
        "tidsfristen och en gång per dag efter tidsfristen tills uppgiften är klarmarkerad; "
        "uppgifter som väntar på granskning påminner granskarna en gång per dag."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle skickas, utan att skicka."
        )
        parser.add_argument("--today", help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD).")

    def handle(self, *args, dry_run=False, today=None, **options):
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today ska vara ett datum i formen ÅÅÅÅ-MM-DD.") from None
        else:
            day = timezone.localdate()
        try:
            days = reminders.reminder_days()
        except ValueError:
            raise CommandError(
                "REMINDER_DAYS_BEFORE ska vara antal dagar, t.ex. 3 eller 7,1."
            ) from None
        outcome = reminders.automatic(today=day, days=days, dry_run=dry_run)
        verb = "Skulle skicka" if dry_run else "Skickade"
        for p in outcome.sent:
            self.stdout.write(f"{verb}: {p.kind} → {p.recipient.email}: {p.task.name}")
        for task in outcome.no_recipient:
            self.stdout.write(f"Ingen mottagare med e-postadress: {task.name}")
        self.stdout.write(
            f"{verb} {len(outcome.sent)} påminnelse(r) {day.isoformat()}; "
            f"{len(outcome.skipped)} redan skickade i dag; "
            f"{len(outcome.failed)} misslyckades; "
            f"{len(outcome.no_recipient)} uppgift(er) utan mottagare."
        )
