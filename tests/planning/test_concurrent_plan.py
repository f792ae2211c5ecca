"""Two people add the first item of a unit's plan at the same moment: both
items are saved, in the one plan, and neither gets an error.

Runs on PostgreSQL, with two real connections and committed transactions;
SQLite lets only one writer in at a time, so the race cannot happen there."""

import threading

from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Role, Unit
from styrhjul.planning import services
from styrhjul.planning.models import Item, Plan
from tests.concurrent import RACE, run_at_once
from tests.factories import UserFactory, grant

pytestmark = RACE


def test_two_people_adding_the_first_item_of_a_plan_at_once_share_the_plan(org, model, monkeypatch):
    unit = org["enhet_a1"]
    plan_type = model.plan_types.get(name="Aktivitetsplan")
    people = [UserFactory(), UserFactory()]
    for person in people:
        grant(person, unit, Role.MANAGER)

    # Both look for the plan before either creates it: each waits here, after
    # finding no plan and before creating one, until the other has too.
    both_looked = threading.Barrier(2, timeout=20)
    existed_in = Unit.existed_in

    def looked_then_existed_in(self, year):
        both_looked.wait()
        return existed_in(self, year)

    monkeypatch.setattr(Unit, "existed_in", looked_then_existed_in)

    results, errors = run_at_once(
        {
            title: lambda person=person, title=title: services.item_add(
                actor=person, unit=unit, plan_type=plan_type, kind=ItemKind.ACTIVITY, title=title
            )
            for person, title in zip(people, ("Annas aktivitet", "Berits aktivitet"), strict=True)
        }
    )

    assert errors == {}
    plan = Plan.objects.get(unit=unit, plan_type=plan_type)
    assert {r.plan_id for r in results.values()} == {plan.pk}
    assert sorted(Item.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "Annas aktivitet",
        "Berits aktivitet",
    ]
