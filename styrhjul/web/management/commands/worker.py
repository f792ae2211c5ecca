"""`styrhjul worker`: run the background work (documents, SIE imports,
reminders). It is the tasks framework's own worker (django-tasks-db's
`db_worker`, same options) with a heartbeat (core.tasks): while it runs, a
thread of its own reports it alive every few seconds and then marks lost work
failed (tasks of workers that have stopped beating, here or on another
machine), so that no job is left "pågår" after its worker died.

A database that stops answering does not stop a standing worker (Worker):
it says so in the log, waits with growing pauses (1, 2, 4 … at most 30 s),
and goes on when the database answers again, after marking failed the task
it was running when the database went. A worker started while the database
is away waits the same way. SIGTERM stops it at once also while it waits.
docs/drift.md#arbetaren describes how to run it."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from styrhjul.core import jobs as core_jobs
from styrhjul.core import tasks
from styrhjul.core.cycles import settle_after_start
from styrhjul.documents import jobs
from styrhjul.economy import tasks as economy_tasks
from styrhjul.web.views import database_unreachable

logger = logging.getLogger("styrhjul.worker")

T = TypeVar("T")

# Seconds between tries while the database does not answer: doubling from
# the first, never more than the most.
FIRST_PAUSE = 1.0
MOST_PAUSE = 30.0


def lower_priority(nice: int) -> int:
    """Run this process (and the threads and processes it starts from now
    on) at OS CPU priority `nice` (settings.WORKER_NICE), so that documents
    being made yield the processor to the web processes' pages on a shared
    machine. 0 leaves the priority as it is; a process already running at a
    lower priority is left so (raising it needs privileges). Returns the
    niceness it runs at, or None where the system has no nice (Windows)."""
    if not hasattr(os, "nice"):
        return None
    current = os.nice(0)
    if nice > current:
        try:
            current = os.nice(nice - current)
        except OSError as exc:  # e.g. a container that forbids it
            logger.warning("Arbetaren kunde inte sänka sin prioritet (nice %s): %s", nice, exc)
    return current


def recover(abandoned_by: str | None = None) -> int:
    """Mark lost work failed, in the framework and in the apps' records;
    returns how many of the apps' records. abandoned_by: a worker that runs
    none of the tasks it has claimed (core.tasks.recover_lost)."""
    tasks.recover_lost(check_processes=True, abandoned_by=abandoned_by)
    return jobs.recover() + economy_tasks.recover() + core_jobs.recover()


def one_line(exc: BaseException) -> str:
    """The error's message on one line (psycopg's span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def pauses(first: float = FIRST_PAUSE, most: float = MOST_PAUSE) -> Iterator[float]:
    """1, 2, 4, 8, 16, 30, 30 … seconds."""
    pause = first
    while True:
        yield pause
        pause = min(pause * 2, most)


def close_connections() -> None:
    """Close this thread's database connections: one that broke is of no
    more use, and the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()


def when_database_answers(action: Callable[[], T]) -> T:
    """action(), done once the database answers: tried at once and, while it
    fails because the database does not answer (web.views.database_unreachable),
    again after each of pauses(), on new connections. Other errors are
    raised. A signal handler that raises (the worker's SIGTERM) ends the wait."""
    waits = pauses()
    waited = False
    while True:
        close_connections()
        try:
            result = action()
        except DatabaseError as exc:
            if not database_unreachable(exc):
                raise
            pause = next(waits)
            logger.warning(
                "Databasen svarar inte (%s). Arbetaren försöker igen om %.0f s.",
                one_line(exc),
                pause,
            )
            time.sleep(pause)
            waited = True
        else:
            if waited:
                logger.warning("Databasen svarar igen. Arbetaren fortsätter.")
            return result


class Worker(db_worker.Worker):
    """The framework's worker, which would stop (status 2) when the database
    stops answering, made to wait for it instead, unless it runs `--batch`
    (then it stops, and whatever runs it tries again)."""

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DatabaseError as exc:
                if self.batch or not database_unreachable(exc):
                    raise
                logger.warning(
                    "Arbetaren tappade kontakten med databasen (%s) och väntar på den.",
                    one_line(exc),
                )
                # The task it was running, if any, broke off with the
                # database: nothing of it is running now.
                failed = when_database_answers(lambda: recover(abandoned_by=self.worker_id))
                if failed:
                    logger.warning("Markerade %s avbrutna jobb som misslyckade.", failed)
                self.startup_delay = False


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
        # First of all, so that every thread (the heartbeat) and the child
        # process of --reload inherit the lower priority.
        lower_priority(settings.WORKER_NICE)
        # `--batch` does what is queued and stops: no standing worker to report.
        # With --reload the work is done in a child process, which beats.
        batch = options.get("batch")
        if not batch:
            settle_after_start()  # a standing worker: as the web server does
        beating = not batch and (
            not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        )

        def start() -> int:
            failed = recover()
            if beating:
                tasks.beat(options["worker_id"])
            return failed

        failed = start() if batch else when_database_answers(start)
        if failed and options.get("verbosity", 1):
            self.stdout.write(f"Markerade {failed} avbrutna jobb som misslyckade.")
        heartbeat = None
        if beating:
            heartbeat = Heartbeat(options["worker_id"], tasks.beat_every())
            heartbeat.start()
        # The worker sets its own handlers for SIGINT/SIGTERM (finish the task
        # at hand, then stop); a caller's are restored after `--batch`.
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return self.work(**options)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)
            if heartbeat is not None:
                heartbeat.stop()
                try:
                    tasks.stop_beating(options["worker_id"])
                except DatabaseError:
                    pass  # it falls silent and is forgotten

    def work(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        """The framework's db_worker (its handle(), django-tasks-db 0.13) with
        this module's Worker."""
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False  # the framework's rule: --batch stops, nothing to reload
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues går bara att använda med --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the child process only
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
