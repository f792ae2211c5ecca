"""Two model owners copy the year wheel into the same year at the same
moment: the occasions and events are copied once, the second copy skips
them, and neither gets an error.

Runs on PostgreSQL, with two real connections and committed transactions;
SQLite lets only one writer in at a time, so the race cannot happen there."""

import datetime
import threading

from styrhjul.followup import services as followup
from styrhjul.followup import wheel_copy
from styrhjul.followup.models import CalendarEvent, FollowUpOccasion, OccasionKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.concurrent import RACE, run_at_once
from tests.factories import UserFactory, grant

pytestmark = RACE


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
    results, errors = run_at_once(
        {
            person.pk: lambda person=person: followup.wheel_copy_from(
                actor=person, source=model, target=target
            )
            for person in people
        }
    )

    assert errors == {}
    assert list(target.occasions.values_list("name", flat=True)) == ["Delårsrapport 2026"]
    assert target.events.count() == 1
    copied = sorted(len(r.copied_occasions) for r in results.values())
    skipped = sorted(len(r.skipped_occasions) for r in results.values())
    assert (copied, skipped) == ([0, 1], [0, 1])
