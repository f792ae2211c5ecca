"""`styrhjul worker`: run the background work (documents, SIE imports,
reminders). It is the tasks framework's own worker (django-tasks-db's
`db_worker`, same options) that first marks lost work failed (core.tasks):
tasks that a stopped worker of this machine left running, and tasks running
for longer than any work takes. docs/drift.md#arbetaren describes how to run it."""

from __future__ import annotations

import signal

from django_tasks_db.management.commands import db_worker

from styrhjul.core import tasks
from styrhjul.documents import jobs
from styrhjul.economy import tasks as economy_tasks


class Command(db_worker.Command):
    help = (
        "Gör bakgrundsarbetet: skapar beställda dokument, importerar uppladdade "
        "SIE-filer och skickar påminnelser. Körs som en egen process bredvid webbservern."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # An id that names this machine and process (core.tasks.worker_id).
        parser.set_defaults(worker_id=tasks.worker_id())

    def handle(self, *args, **options):
        tasks.recover_lost(check_processes=True)
        failed = jobs.recover() + economy_tasks.recover()
        if failed and options.get("verbosity", 1):
            self.stdout.write(f"Markerade {failed} avbrutna jobb som misslyckade.")
        # The worker sets its own handlers for SIGINT/SIGTERM (finish the task
        # at hand, then stop); a caller's are restored after `--batch`.
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return super().handle(*args, **options)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)
