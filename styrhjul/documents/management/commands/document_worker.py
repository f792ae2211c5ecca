"""`styrhjul document-worker [--once]`: make the documents asked for on the
pages, when STYRHJUL_DOCUMENT_WORKER=external (docs/dokument.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ... import jobs


class Command(BaseCommand):
    help = "Skapar dokumenten som beställts på sidorna, ett i taget, tills den stoppas."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="gör det som står i kön och avsluta sedan"
        )
        parser.add_argument("--poll", type=float, default=2.0, help="sekunder mellan titt i kön")

    def handle(self, *args, once=False, poll=2.0, **options):
        done = jobs.work(once=once, poll=poll)
        self.stdout.write(f"Skapade {done} dokument.")
