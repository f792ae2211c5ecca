"""For tests of two people doing the same thing at the same moment: two real
connections in threads, with committed transactions. They run on PostgreSQL;
SQLite lets only one writer in at a time, so the race cannot happen there."""

import threading

import pytest
from django.db import connection

# pytestmark of such a test module.
RACE = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite serialises writers: no concurrent insert"
    ),
]


def run_at_once(work: dict) -> tuple[dict, dict]:
    """Runs each callable of `work` (name → callable) in a thread of its own,
    each with its own database connection; returns (results, errors) by name."""
    results, errors = {}, {}

    def run(name, call):
        try:
            results[name] = call()
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            errors[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in work.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors
