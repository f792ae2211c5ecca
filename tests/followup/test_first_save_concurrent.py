"""Two people save the first report of the same item at the same moment.
The one who commits second gets the ordinary conflict message with the
other's text, never a server error, and the first save is kept.

Runs on PostgreSQL, with two real connections and committed transactions;
SQLite lets only one writer in at a time, so the race cannot happen there."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection

from styrhjul.core import concurrency
from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import services
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite serialises writers: no concurrent insert"
    ),
]


def test_two_first_saves_at_once_give_one_report_and_one_conflict(
    org, chain, occasion, monkeypatch
):
    unit, item = org["enhet_b1"], chain["activity"]
    task = ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=chain["ap"], reporter=None
    )
    people = [UserFactory(first_name="Anna"), UserFactory(first_name="Berit")]
    for person in people:
        grant(person, unit, Role.MANAGER)

    # Both find no report before either saves one.
    both_looked = threading.Barrier(2, timeout=20)
    lock_for_edit = concurrency.lock_for_edit

    def looked(*args, **kwargs):
        row = lock_for_edit(*args, **kwargs)
        both_looked.wait()
        return row

    monkeypatch.setattr(services, "lock_for_edit", looked)
    results, errors = {}, {}

    def save(person, comment):
        try:
            results[comment] = services.report_save(
                actor=person,
                task=task,
                item=item,
                data=services.ReportData(comment=comment),
                version=0,
            )
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            errors[comment] = exc
        finally:
            connection.close()

    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 7, 1)):
        threads = [
            threading.Thread(target=save, args=(person, f"{person.first_name} skrev"))
            for person in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert len(results) == 1 and len(errors) == 1, (results, errors)
    (saved,) = results
    (refused,) = errors
    assert isinstance(errors[refused], EditConflict), repr(errors[refused])
    assert errors[refused].current.comment == saved
    report = Report.objects.get(occasion=occasion, unit=unit, item=item)
    assert report.comment == saved and report.version == 1
