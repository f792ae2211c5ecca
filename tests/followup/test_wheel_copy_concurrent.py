"""Two model owners copy the year wheel into the same year at the same
moment: the occasions and events are copied once, the second copy skips
them, and neither gets an error.

Runs on PostgreSQL, with two real connections and committed transactions;
SQLite lets only one writer in at a time, so the race cannot happen there."""

import datetime
import threading

import pytest
from django.db import connection

from styrhjul.followup import services as followup
from styrhjul.followup import wheel_copy
from styrhjul.followup.models import CalendarEvent, FollowUpOccasion, OccasionKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite serialises writers: no concurrent insert"
    ),
]


def test_two_owners_copying_the_wheel_at_once_copy_it_once(org, model, monkeypatch):
    followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delårsrapport 2025",
            period_end=datetime.date(2025, 8, 31),
        ),
    )
    followup.event_save(
        actor=access.SYSTEM,
        event=CalendarEvent(model=model, title="Budgetdag", start=datetime.date(2025, 6, 10)),
    )
    target = planning.model_copy_to_next_year(actor=access.SYSTEM, model=model, copy_wheel=False)
    people = [UserFactory(), UserFactory()]
    for person in people:
        grant(person, org["kommun"], Role.MODEL_OWNER)

    # Each copy waits, before it looks at what the target year has, until
    # the other has come as far (or, when the other waits for the first to
    # finish, a few seconds): without a lock both would find nothing there.
    both_here = threading.Barrier(2, timeout=3)
    plan = wheel_copy.plan

    def plan_when_both_are_here(*args, **kwargs):
        try:
            both_here.wait()
        except threading.BrokenBarrierError:
            pass
        return plan(*args, **kwargs)

    monkeypatch.setattr(wheel_copy, "plan", plan_when_both_are_here)
    results, errors = {}, {}

    def copy(person):
        try:
            results[person.pk] = followup.wheel_copy_from(actor=person, source=model, target=target)
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            errors[person.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=copy, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == {}
    assert list(target.occasions.values_list("name", flat=True)) == ["Delårsrapport 2026"]
    assert target.events.count() == 1
    copied = sorted(len(r.copied_occasions) for r in results.values())
    skipped = sorted(len(r.skipped_occasions) for r in results.values())
    assert (copied, skipped) == ([0, 1], [0, 1])
