"""The access policy: who may read, write and manage which units."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from styrhjul.followup import services as followup
from styrhjul.followup.models import ReportingTask
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, Unit, UnitType
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item
from tests.factories import UnitFactory, UserFactory, grant, unit_type

pytestmark = pytest.mark.django_db


def test_a_user_without_grants_sees_nothing(org):
    user = UserFactory()
    assert not any(access.can_read(user, u) for u in org.values())
    assert access.units(user).count() == 0


def test_a_manager_reads_the_subtree_but_writes_only_the_own_unit(org):
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    assert access.can_read(chef, org["avd_a"])
    assert access.can_read(chef, org["enhet_a1"])
    assert access.can_write(chef, org["avd_a"])
    assert not access.can_write(chef, org["enhet_a1"])
    assert not access.can_manage(chef, org["avd_a"])


def test_a_manager_cannot_read_a_sibling_or_a_parent(org):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    assert access.can_read(chef, org["enhet_a1"])
    assert not access.can_read(chef, org["enhet_a2"])
    assert not access.can_read(chef, org["avd_a"])
    assert set(access.units(chef)) == {org["enhet_a1"]}


def test_a_grant_without_subtree_covers_only_the_unit(org):
    reader = UserFactory()
    grant(reader, org["forv"], Role.READER, subtree=False)
    assert access.can_read(reader, org["forv"])
    assert not access.can_read(reader, org["avd_a"])


def test_a_model_owner_manages_the_subtree_of_the_forvaltning(org):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    assert access.can_manage(owner, org["forv"])
    assert access.can_manage(owner, org["enhet_b2"])
    assert access.can_write(owner, org["enhet_b2"])
    assert not access.can_manage(owner, org["namnd"])
    assert not access.can_read(owner, org["kommun"])


def test_a_reader_reads_and_never_writes(org):
    politician = UserFactory()
    grant(politician, org["namnd"], Role.READER)
    assert access.can_read(politician, org["enhet_b1"])
    assert not access.can_write(politician, org["namnd"])
    assert not access.can_write(politician, org["enhet_b1"])
    assert not access.can_manage_any(politician)


def test_a_reporter_writes_for_the_unit_only(org):
    reporter = UserFactory()
    grant(reporter, org["avd_b"], Role.REPORTER)
    assert access.can_write(reporter, org["avd_b"])
    assert not access.can_write(reporter, org["enhet_b1"])
    assert access.can_read(reporter, org["enhet_b1"])


def test_the_system_administrator_and_the_command_line_may_do_everything(org):
    admin = UserFactory()
    grant(admin, org["kommun"], Role.ADMIN)
    for actor in (admin, access.SYSTEM, UserFactory(is_superuser=True)):
        assert access.is_admin(actor)
        assert access.can_manage(actor, org["enhet_a1"])


def test_an_inactive_user_has_no_rights(org):
    user = UserFactory(is_active=False)
    grant(user, org["kommun"], Role.ADMIN)
    assert not access.can_read(user, org["kommun"])


def test_rights_cost_two_queries_whatever_the_size_of_the_tree(org):
    def count_queries(extra_units: int) -> int:
        parent = org["forv"]
        for i in range(extra_units):
            parent = UnitFactory(parent=parent if i % 5 else org["forv"])
        user = UserFactory()
        grant(user, org["forv"], Role.MANAGER)
        grant(user, org["avd_a"], Role.READER)
        with CaptureQueriesContext(connection) as ctx:
            readable = access.units(user)
            list(readable)
            access.can_read(user, org["enhet_a1"])
        return len(ctx.captured_queries)

    assert count_queries(0) == count_queries(60) == 3  # grants, tree, the unit list


def test_grants_in_two_organisations_read_each_part_and_nothing_between(org):
    """Rights come from the part of the tree each grant touches: the units
    below it, the units above it and the organisation's governing bodies."""
    other = UnitFactory(name="Grannby kommun", code="G", unit_type=unit_type("Kommun"))
    council = UnitFactory(parent=other, unit_type=unit_type("Kommunfullmäktige"))
    school = UnitFactory(parent=other, unit_type=unit_type("Förvaltning"))
    school_unit = UnitFactory(parent=school)
    user = UserFactory()
    grant(user, org["avd_a"], Role.READER)
    grant(user, school, Role.MANAGER, subtree=False)
    assert access.organisation_ids(user) == {org["kommun"].pk, other.pk}
    assert set(access.units(user)) == {
        org["avd_a"],
        org["enhet_a1"],
        org["enhet_a2"],
        school,
    }
    assert access.can_read_tree(user, org["avd_a"])
    assert not access.can_read_tree(user, school)  # read without the unit below it
    assert not access.can_read(user, school_unit)
    assert not access.can_read(user, council)
    assert set(access.units(user, access.Action.WRITE)) == {school}

    owner = UserFactory()
    grant(owner, other, Role.MODEL_OWNER)
    grant(owner, org["enhet_b1"], Role.REPORTER)
    assert set(access.units(owner, access.Action.MANAGE)) == {other, council, school, school_unit}
    assert set(access.units(owner, access.Action.WRITE)) == {
        other,
        council,
        school,
        school_unit,
        org["enhet_b1"],
    }
    assert access.organisation_ids(owner) == {org["kommun"].pk, other.pk}


def test_get_or_404_hides_what_the_user_may_not_read(org):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    with pytest.raises(Http404):
        access.get_or_404(chef, Unit.objects.all(), pk=org["enhet_a2"].pk)
    with pytest.raises(PermissionDenied):  # readable but not manageable
        access.get_or_404(chef, Unit.objects.all(), access.Action.MANAGE, pk=org["enhet_a1"].pk)
    assert access.get_or_404(chef, Unit.objects.all(), pk=org["enhet_a1"].pk) == org["enhet_a1"]


# --- The rules beyond the role table (docs/arkitektur.md) ---------------------------------


def test_everyone_with_a_grant_in_an_organisation_reads_its_styrmodell_and_arshjul(org, model):
    other_org = UnitFactory(name="Grannköpings kommun", code="G")
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER, subtree=False)
    assert access.organisation_ids(chef) == {org["kommun"].pk}
    assert access.reads_organisation(chef, org["kommun"])
    assert not access.reads_organisation(chef, other_org)
    assert access.can_read(chef, model)
    assert access.can_read(chef, model.perspectives.first())
    assert not access.can_manage(chef, model)
    assert not access.can_read(chef, org["kommun"])  # the unit itself stays unread
    assert access.organisation_ids(UserFactory()) == set()
    assert not access.can_read(UserFactory(), model)


def _goal(unit, chain, title, kind=ItemKind.GOAL):
    plan = planning.plan_for(actor=access.SYSTEM, unit=unit, plan_type=chain["vp"])
    return planning.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=kind,
        title=title,
        level=(
            chain["levels"]["Nämndmål" if unit.unit_type.name == "Nämnd" else "Inriktningsmål"]
            if kind == ItemKind.GOAL
            else None
        ),
    )


def test_the_governing_bodies_goals_are_read_from_every_unit(org, chain):
    """Kommunfullmäktige is a sibling of the nämnd; its unit type governs."""
    ks = UnitFactory(parent=org["kommun"], unit_type=unit_type("Kommunfullmäktige"))
    deeper = UnitFactory(parent=org["namnd"], unit_type=unit_type("Kommunfullmäktige"))
    other_committee = UnitFactory(parent=org["kommun"], unit_type=unit_type("Nämnd"))
    goal = _goal(ks, chain, "Styrelsens mål")
    indicator = _goal(ks, chain, "Styrelsens nyckeltal", ItemKind.INDICATOR)
    activity = _goal(ks, chain, "Styrelsens aktivitet", ItemKind.ACTIVITY)
    not_governing = _goal(deeper, chain, "Inte direkt under kommunen")
    sibling = _goal(other_committee, chain, "Annan nämnds mål")
    for role in (Role.MANAGER, Role.REPORTER, Role.READER, Role.MODEL_OWNER):
        user = UserFactory()
        grant(user, org["enhet_a2"], role)
        readable = set(
            Item.objects.restrict(user).filter(
                pk__in=[g.pk for g in (goal, indicator, activity, not_governing, sibling)]
            )
        )
        assert readable == {goal, indicator}, role
        assert access.can_read(user, goal) and access.can_read(user, indicator)
        assert not access.can_read(user, activity)
        assert not access.can_read(user, goal.plan)
        assert not access.can_read(user, not_governing)
        assert not access.can_read(user, sibling)
    # The flag is data: a type that stops governing stops being read from below.
    UnitType.objects.filter(name="Kommunfullmäktige").update(governing=False)
    user = UserFactory()
    grant(user, org["enhet_a2"], Role.MANAGER)
    assert not access.can_read(user, goal)


def test_restrict_gives_the_same_items_as_can_read(org, chain):
    """The list narrowing and the one-object answer agree for every user and item."""
    kf = UnitFactory(parent=org["kommun"], unit_type=unit_type("Kommunfullmäktige"))
    _goal(kf, chain, "Fullmäktiges mål")
    shared = chain["operational"]
    planning.item_share(actor=access.SYSTEM, item=shared, units=[org["avd_a"]])
    culture = UnitFactory(parent=org["kommun"], unit_type=unit_type("Nämnd"))
    culture_goal = _goal(culture, chain, "Kulturnämndens mål")
    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=culture_goal)
    users = []
    for unit in org.values():
        for role in (Role.MANAGER, Role.READER):
            for subtree in (True, False):
                user = UserFactory()
                grant(user, unit, role, subtree=subtree)
                users.append(user)
    items = list(Item.objects.select_related("plan__unit"))
    for user in users:
        assert set(Item.objects.restrict(user)) == {i for i in items if access.can_read(user, i)}, (
            user.grants.get()
        )
    chef_b1 = users[[u.grants.get().unit for u in users].index(org["enhet_b1"])]
    assert access.can_read(chef_b1, culture_goal)  # their activity leads up to it


def test_the_reporter_rule(org, chain):
    item = chain["activity"]  # at enhet_b1
    reporter = UserFactory()
    grant(reporter, org["enhet_b1"], Role.REPORTER)
    assert access.reports_only_assigned(reporter, org["enhet_b1"])
    assert not access.may_report(reporter, org["enhet_b1"], item)
    Item.objects.filter(pk=item.pk).update(responsible=reporter)
    item.refresh_from_db()
    assert access.may_report(reporter, org["enhet_b1"], item)
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    assert access.may_report(chef, org["enhet_b1"], chain["operational"])
    # A model owner above who is also Rapportör on the unit reports everything there.
    owner = UserFactory()
    grant(owner, org["avd_b"], Role.MODEL_OWNER)
    grant(owner, org["enhet_b1"], Role.REPORTER)
    assert not access.reports_only_assigned(owner, org["enhet_b1"])
    # A reader reports nothing.
    reader = UserFactory()
    grant(reader, org["enhet_b1"], Role.READER)
    assert not access.may_report(reader, org["enhet_b1"], item)
    assert access.reporters_by_unit([org["enhet_b1"].pk]) == {
        org["enhet_b1"].pk: {reporter.pk, owner.pk}
    }


def test_who_marks_a_task_done(org, chain, occasion):
    unit = org["enhet_b1"]
    reporter, other_reporter, chef = UserFactory(), UserFactory(), UserFactory()
    for user, role in ((reporter, Role.REPORTER), (other_reporter, Role.REPORTER)):
        grant(user, unit, role)
    grant(chef, unit, Role.MANAGER)
    unit_task = ReportingTask.objects.filter(unit=unit, reporter__isnull=True).first()
    reporter_task = ReportingTask(
        occasion=occasion, unit=unit, plan_type=unit_task.plan_type, reporter=reporter
    )
    assert access.may_mark_done(reporter, reporter_task)
    assert access.may_mark_done(chef, reporter_task)
    assert not access.may_mark_done(other_reporter, reporter_task)
    # … nor undo it.
    reporter_task.name, reporter_task.done_at = "R", timezone.now()
    reporter_task.save()
    with pytest.raises(PermissionDenied):
        followup.task_undo_done(actor=other_reporter, task=reporter_task)
    assert access.may_mark_done(chef, unit_task)
    reader = UserFactory()
    grant(reader, unit, Role.READER)
    assert not access.may_mark_done(reader, unit_task)


def test_my_tasks_are_the_units_where_i_am_chef_and_my_reporter_tasks(org, chain, occasion):
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    mine = set(ReportingTask.objects.filter(access.my_tasks_filter(chef)))
    assert mine == set(ReportingTask.objects.filter(unit=org["enhet_b1"], reporter=None))
    assert mine
    # The head of the avdelning above reads the unit's task but it is not theirs.
    head = UserFactory()
    grant(head, org["avd_b"], Role.MANAGER)
    assert not mine & set(ReportingTask.objects.filter(access.my_tasks_filter(head)))
    reporter = UserFactory()
    grant(reporter, org["enhet_b1"], Role.REPORTER)
    task = ReportingTask.objects.filter(unit=org["enhet_b1"]).first()
    own = ReportingTask.objects.create(
        occasion=occasion, unit=task.unit, plan_type=task.plan_type, reporter=reporter, name="R"
    )
    elsewhere = ReportingTask.objects.create(
        occasion=occasion,
        unit=org["enhet_a1"],
        plan_type=task.plan_type,
        reporter=reporter,
        name="Någon annanstans",
    )
    assert set(ReportingTask.objects.filter(access.my_tasks_filter(reporter))) == {own}
    assert elsewhere not in set(ReportingTask.objects.filter(access.my_tasks_filter(chef)))


def test_who_follows_an_occasions_overview(org):
    def followed(unit, role, subtree=True):
        user = UserFactory()
        grant(user, unit, role, subtree=subtree)
        return access.overview_unit_ids(user)

    forv_tree = set(
        Unit.objects.descendants(org["forv"], include_self=True).values_list("pk", flat=True)
    )
    assert followed(org["forv"], Role.MODEL_OWNER) == forv_tree
    assert followed(org["forv"], Role.MANAGER) == forv_tree  # a förvaltningschef
    assert followed(org["forv"], Role.MANAGER, subtree=False) == set()
    assert followed(org["enhet_a1"], Role.MANAGER) == set()  # no units below
    assert followed(org["forv"], Role.READER) == set()
    assert followed(org["forv"], Role.REPORTER) == set()


def test_who_receives_a_task_and_who_still_reaches_a_unit(org):
    """task_receivers: active Chefer and Modellägare on the unit itself (the
    rule of my_tasks_filter); units_read_by: the units many users' grants
    reach, in two queries."""
    chef, owner, reader, gone = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER, subtree=False)
    grant(owner, org["forv"], Role.MODEL_OWNER)
    grant(reader, org["namnd"], Role.READER)
    grant(gone, org["enhet_a2"], Role.MANAGER, subtree=False)
    gone.is_active = False
    gone.save()
    receivers = access.task_receivers([org["enhet_a1"].pk, org["enhet_a2"].pk, org["forv"].pk])
    assert receivers == {org["enhet_a1"].pk: {chef.pk}, org["forv"].pk: {owner.pk}}
    with CaptureQueriesContext(connection) as queries:
        reach = access.units_read_by([chef.pk, owner.pk, reader.pk, gone.pk])
    assert len(queries) == 2
    assert reach[chef.pk] == {org["enhet_a1"].pk}
    assert org["enhet_b2"].pk in reach[owner.pk] and org["namnd"].pk not in reach[owner.pk]
    assert org["forv"].pk in reach[reader.pk]
    assert gone.pk not in reach
    admin = UserFactory()
    grant(admin, org["kommun"], Role.ADMIN)
    assert access.units_read_by([admin.pk]) == {admin.pk: None}


def test_the_start_pages_questions(org):
    """held_unit_ids: the units a user holds given roles on directly;
    tree_unit_ids: the units read with every unit below them (documents)."""
    user = UserFactory()
    grant(user, org["avd_a"], Role.MANAGER)
    grant(user, org["namnd"], Role.READER, subtree=False)
    grant(user, org["enhet_b1"], Role.REPORTER, subtree=False)
    assert access.held_unit_ids(user, {Role.MANAGER, Role.READER}) == {
        org["avd_a"].pk,
        org["namnd"].pk,
    }
    trees = access.tree_unit_ids(user)
    assert org["avd_a"].pk in trees and org["enhet_a1"].pk in trees
    assert org["namnd"].pk not in trees  # read without the units below
    assert org["enhet_b1"].pk in trees  # a unit without units below is its whole tree
    assert access.tree_unit_ids(UserFactory(is_superuser=True)) is None
