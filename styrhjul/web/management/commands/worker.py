"""`styrhjul worker`: run the background work (documents, SIE imports,
reminders). It is the tasks framework's own worker (django-tasks-db's
`db_worker`, same options) with a heartbeat (core.tasks): while it runs, a
thread of its own reports it alive every few seconds and then marks lost work
failed (tasks of workers that have stopped beating, here or on another
machine), so that no job is left "pågår" after its worker died.
docs/drift.md#arbetaren describes how to run it."""

from __future__ import annotations

import logging
import os
import signal
import threading

from django.db import DatabaseError, close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from styrhjul.core import jobs as core_jobs
from styrhjul.core import tasks
from styrhjul.documents import jobs
from styrhjul.economy import tasks as economy_tasks

logger = logging.getLogger("styrhjul.worker")


def recover() -> int:
    """Mark lost work failed, in the framework and in the apps' records;
    returns how many of the apps' records."""
    tasks.recover_lost(check_processes=True)
    return jobs.recover() + economy_tasks.recover() + core_jobs.recover()


class Heartbeat(threading.Thread):
    """Reports the worker alive every `interval` seconds and looks for lost
    work, until stopped, on a database connection of its own."""

    def __init__(self, worker: str, interval: float):
        super().__init__(name="styrhjul-heartbeat", daemon=True)
        self.worker = worker
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            # This thread's own connection: kept for CONN_MAX_AGE, replaced
            # when it has failed, as Django does between requests.
            close_old_connections()
            try:
                self.tick()
            finally:
                close_old_connections()

    def tick(self) -> None:
        try:
            tasks.beat(self.worker)
            failed = recover()
            if failed:
                logger.warning("Markerade %s avbrutna jobb som misslyckade.", failed)
        except DatabaseError as exc:  # the database away for a moment: try at the next beat
            logger.warning("Arbetaren kunde inte rapportera att den lever: %s", exc)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.interval + 5)


class Command(db_worker.Command):
    help = (
        "Gör bakgrundsarbetet: skapar beställda dokument, öppnar uppföljningar, "
        "importerar uppladdade SIE-filer och skickar påminnelser. Körs som en egen "
        "process bredvid webbservern."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # An id that names this machine and process (core.tasks.worker_id).
        parser.set_defaults(worker_id=tasks.worker_id())

    def handle(self, *args, **options):
        failed = recover()
        if failed and options.get("verbosity", 1):
            self.stdout.write(f"Markerade {failed} avbrutna jobb som misslyckade.")
        # `--batch` does what is queued and stops: no standing worker to report.
        # With --reload the work is done in a child process, which beats.
        beating = not options.get("batch") and (
            not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        )
        heartbeat = None
        if beating:
            tasks.beat(options["worker_id"])
            heartbeat = Heartbeat(options["worker_id"], tasks.beat_every())
            heartbeat.start()
        # The worker sets its own handlers for SIGINT/SIGTERM (finish the task
        # at hand, then stop); a caller's are restored after `--batch`.
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return super().handle(*args, **options)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)
            if heartbeat is not None:
                heartbeat.stop()
                try:
                    tasks.stop_beating(options["worker_id"])
                except DatabaseError:
                    pass  # it falls silent and is forgotten
