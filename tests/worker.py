"""Running the background worker (`styrhjul worker`) in a test: it does what
is queued and stops."""

from __future__ import annotations

import io
from unittest import mock

from django.core.management import call_command


def run_worker() -> str:
    # The worker closes the database connection between tasks, as Django does
    # between requests; in a test that would end the test's transaction, so
    # it is left out here, as Django's test client leaves it out for requests.
    out = io.StringIO()
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    return out.getvalue()
