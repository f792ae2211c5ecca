"""Two people save the first report of the same item at the same moment.
The one who commits second gets the ordinary conflict message with the
other's text, never a server error, and the first save is kept.
(PostgreSQL only: tests/concurrent.py)."""

import datetime
import threading
from unittest import mock

from styrhjul.core import concurrency
from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import services
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.organisation.models import Role
from tests.concurrent import RACE, run_at_once
from tests.factories import UserFactory, grant

pytestmark = RACE


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

    def save(person, comment):
        return services.report_save(
            actor=person,
            task=task,
            item=item,
            data=services.ReportData(comment=comment),
            version=0,
        )

    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 7, 1)):
        results, errors = run_at_once(
            {f"{p.first_name} skrev": lambda p=p: save(p, f"{p.first_name} skrev") for p in people}
        )

    assert len(results) == 1 and len(errors) == 1, (results, errors)
    (saved,) = results
    (refused,) = errors
    assert isinstance(errors[refused], EditConflict), repr(errors[refused])
    assert errors[refused].current.comment == saved
    report = Report.objects.get(occasion=occasion, unit=unit, item=item)
    assert report.comment == saved and report.version == 1
