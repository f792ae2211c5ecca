"""The follow-up rules: which tasks an occasion creates, what a report must
hold, that nobody overwrites another's report silently, and locking."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import readmodel, services
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

DURING = datetime.date(2025, 7, 1)  # before the enheter's deadline 2025-07-15


@pytest.fixture(autouse=True)
def today_is_during_the_interim_follow_up():
    with mock.patch("django.utils.timezone.localdate", return_value=DURING):
        yield


def status(chain, label):
    return chain["ap"].activity_scale.values.get(label=label)


def task_of(occasion, unit, plan_type, reporter=None):
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=plan_type, reporter=reporter
    )


def test_opening_creates_a_named_task_per_unit_and_plan_with_items(org, chain, occasion):
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    assert task.name == "Delårsrapport 2025: Aktivitetsplan: Barn och unga"
    assert task.deadline == datetime.date(2025, 7, 15)  # the enheter's step
    assert services.task_items(task) == [chain["activity"]]
    # Units without items in scope get no task.
    assert not ReportingTask.objects.filter(occasion=occasion, unit=org["enhet_a1"]).exists()
    # The förvaltning's step applies to the förvaltning's task.
    forv_task = task_of(occasion, org["forv"], chain["vp"])
    assert forv_task.deadline == datetime.date(2025, 9, 1)


def test_opening_again_creates_nothing_new(org, chain, occasion):
    before = ReportingTask.objects.count()
    assert services.occasion_open(actor=access.SYSTEM, occasion=occasion) == []
    assert ReportingTask.objects.count() == before


def test_a_reporter_gets_a_task_with_only_the_items_assigned_to_them(org, chain, occasion):
    hr = UserFactory(first_name="Hanna", last_name="HR")
    grant(hr, org["enhet_b1"], Role.REPORTER, subtree=False)
    plan = chain["activity"].plan
    mine = planning.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.ACTIVITY,
        title="Sjukfrånvarouppföljning",
        responsible=hr,
    )
    services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    task = task_of(occasion, org["enhet_b1"], chain["ap"], reporter=hr)
    assert services.task_items(task) == [mine]
    # The reporter may report their item but not the manager's.
    services.report_save(
        actor=hr,
        task=task,
        item=mine,
        data=services.ReportData(status=status(chain, "Påbörjad")),
        version=0,
    )
    manager_task = task_of(occasion, org["enhet_b1"], chain["ap"])
    with pytest.raises(PermissionDenied):
        services.report_save(
            actor=hr,
            task=manager_task,
            item=chain["activity"],
            data=services.ReportData(status=status(chain, "Klar")),
            version=0,
        )
    # Nor can anyone save the manager's item through the reporter's task:
    # the item is not one of that task's.
    with pytest.raises(PermissionDenied):
        services.report_save(
            actor=access.SYSTEM,
            task=task,
            item=chain["activity"],
            data=services.ReportData(status=status(chain, "Klar")),
            version=0,
        )
    assert not Report.objects.filter(occasion=occasion, item=chain["activity"]).exists()


def test_a_delayed_activity_needs_a_comment(org, chain, occasion):
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    with pytest.raises(ValidationError) as excinfo:
        services.report_save(
            actor=access.SYSTEM,
            task=task,
            item=chain["activity"],
            data=services.ReportData(status=status(chain, "Försenad")),
            version=0,
        )
    assert "Kommentar krävs när status är ”Försenad”." in str(excinfo.value)
    assert not Report.objects.exists()
    report = services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=chain["activity"],
        version=0,
        data=services.ReportData(
            status=status(chain, "Försenad"),
            completion=40,
            comment="Lokalen blev klar först i juni.",
        ),
    )
    assert report.version == 1 and report.completion == 40


def test_completion_is_a_percentage(org, chain, occasion):
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    with pytest.raises(ValidationError) as excinfo:
        services.report_save(
            actor=access.SYSTEM,
            task=task,
            item=chain["activity"],
            data=services.ReportData(completion=140),
            version=0,
        )
    assert "från 0 till 100" in str(excinfo.value)


def test_a_later_save_on_an_old_version_is_refused_with_the_others_text(org, chain, occasion):
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    first = services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=chain["activity"],
        version=0,
        data=services.ReportData(status=status(chain, "Påbörjad"), comment="Karins text"),
    )
    with pytest.raises(EditConflict) as excinfo:
        services.report_save(
            actor=access.SYSTEM,
            task=task,
            item=chain["activity"],
            version=0,
            data=services.ReportData(status=status(chain, "Klar"), comment="Olles text"),
        )
    assert excinfo.value.current.comment == "Karins text"
    assert Report.objects.get(pk=first.pk).comment == "Karins text"
    # Saving on the version shown deliberately overwrites.
    services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=chain["activity"],
        version=first.version,
        data=services.ReportData(status=status(chain, "Klar"), comment="Olles text"),
    )
    assert Report.objects.get(pk=first.pk).comment == "Olles text"


def test_a_manager_cannot_report_for_a_sibling_unit(org, chain, occasion):
    chef = UserFactory()
    grant(chef, org["enhet_b2"], Role.MANAGER)
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    with pytest.raises(PermissionDenied):
        services.report_save(
            actor=chef,
            task=task,
            item=chain["activity"],
            data=services.ReportData(status=status(chain, "Klar")),
            version=0,
        )


def test_reports_lock_after_the_deadline_and_a_model_owner_can_reopen(org, chain, occasion):
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    after = datetime.date(2025, 7, 16)
    assert not services.is_locked(task, today=datetime.date(2025, 7, 15))
    assert services.is_locked(task, today=after)
    with mock.patch("django.utils.timezone.localdate", return_value=after):
        with pytest.raises(ValidationError):
            services.report_save(
                actor=access.SYSTEM,
                task=task,
                item=chain["activity"],
                data=services.ReportData(status=status(chain, "Klar")),
                version=0,
            )
        owner = UserFactory()
        grant(owner, org["forv"], Role.MODEL_OWNER)
        services.task_reopen(actor=owner, task=task, until=datetime.date(2025, 7, 20))
        assert not services.is_locked(task)
        assert task.history.first().history_user == owner


def test_marking_done_is_allowed_with_unreported_items_and_undone_before_the_deadline(
    org, chain, occasion
):
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    assert readmodel.unreported(task) == [chain["activity"]]
    services.task_mark_done(actor=chef, task=task)
    assert task.done_at is not None and task.done_by == chef
    services.task_undo_done(actor=chef, task=task)
    assert task.done_at is None
    services.task_mark_done(actor=chef, task=task)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 8, 1)):
        with pytest.raises(ValidationError):
            services.task_undo_done(actor=chef, task=task)  # past the deadline: locked
    task.done_at = None
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 8, 1)):
        with pytest.raises(ValidationError):
            services.task_mark_done(actor=chef, task=task)


def test_a_level_that_does_not_assess_takes_analysis_but_no_assessment(org, chain, occasion):
    level = chain["operational"].level
    level.assesses = False
    level.save()
    task = task_of(occasion, org["forv"], chain["vp"])
    green = chain["vp"].goal_scale.values.get(counts_as_done=True)
    item = type(chain["operational"]).objects.get(pk=chain["operational"].pk)
    with pytest.raises(ValidationError) as excinfo:
        services.report_save(
            actor=access.SYSTEM,
            task=task,
            item=item,
            version=0,
            data=services.ReportData(assessment=green, analysis="Bra."),
        )
    assert "bedömer inte måluppfyllelse" in str(excinfo.value)
    services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=item,
        version=0,
        data=services.ReportData(analysis="Vi ligger rätt."),
    )


def test_an_item_with_reports_is_archived_not_deleted(org, chain, occasion):
    task = task_of(occasion, org["enhet_b1"], chain["ap"])
    services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=chain["activity"],
        version=0,
        data=services.ReportData(status=status(chain, "Påbörjad")),
    )
    with pytest.raises(ValidationError) as excinfo:
        planning.item_delete(actor=access.SYSTEM, item=chain["activity"])
    assert "Arkivera den i stället" in str(excinfo.value)
    assert Report.objects.filter(item=chain["activity"]).exists()


def test_an_indicator_with_an_outcome_counts_as_reported_everywhere(org, chain, occasion):
    from styrhjul.followup import overview, queries

    task = task_of(occasion, org["kommun"], chain["vp"])
    indicator = chain["indicator"]
    assert indicator in readmodel.unreported(task)
    services.indicator_value_save(
        actor=access.SYSTEM, task=task, item=indicator, year=2025, period="", value=84
    )
    assert indicator not in readmodel.unreported(task)
    done, total = readmodel.task_progress([task])[task.pk]
    assert (done, total) == (total - len(readmodel.unreported(task)), total)
    assert overview.progress(occasion, [task])[task.pk] == (done, total)
    assert queries._progress([task])[task.pk] == (done, total)


def test_items_to_report_for_many_units_is_the_same_as_one_at_a_time(org, chain):
    # A goal shared down, so shared and own items are both in play.
    planning.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["forv"]])
    units = [org[k] for k in ("kommun", "namnd", "forv", "avd_b", "enhet_b1")]
    plan_types = [chain["vp"], chain["ap"]]

    many = services.items_to_report_many(plan_types, units)

    for unit in units:
        for plan_type in plan_types:
            one = services.items_to_report(plan_type, unit)
            assert many[unit.pk, plan_type.pk] == one, (unit.name, plan_type.name)
    assert chain["board"] in many[org["forv"].pk, chain["vp"].pk]
    assert chain["activity"] in many[org["enhet_b1"].pk, chain["ap"].pk]


def test_items_to_report_are_read_as_select_related_reads_them_sharing_related_rows(
    org, chain, django_assert_num_queries
):
    # A goal shared down: an item of another unit's plan beside the unit's own.
    planning.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["forv"]])
    plan_type, unit = chain["vp"], org["forv"]
    related = ("plan__unit", "plan__plan_type__model", "perspective", "level", "responsible")
    own, _shares = services.items_to_report_querysets([plan_type], [unit])
    expected = list(own.select_related(*related).order_by("order", "number", "pk")) + [
        chain["board"]
    ]

    with django_assert_num_queries(1):
        items = services.items_to_report(plan_type, unit)
    with django_assert_num_queries(0):  # every relation read with the items
        seen = [
            (i.plan.unit, i.plan.plan_type.model, i.perspective, i.level, i.responsible)
            for i in items
        ]

    assert {i.pk for i in items} == {i.pk for i in expected}
    by_pk = {i.pk: i for i in expected}
    for item, relations in zip(items, seen, strict=True):
        same = by_pk[item.pk]
        assert [getattr(item, f.attname) for f in item._meta.concrete_fields] == [
            getattr(same, f.attname) for f in same._meta.concrete_fields
        ]
        assert relations == (
            same.plan.unit,
            same.plan.plan_type.model,
            same.perspective,
            same.level,
            same.responsible,
        )
    # The items of one plan share its one plan object, and its unit.
    mine = [i for i in items if i.plan_id != chain["board"].plan_id]
    assert len({id(i.plan) for i in mine}) == 1
    assert len({id(i.plan.unit) for i in mine}) == 1


def test_a_tasks_items_narrowed_to_some_are_those_of_its_items(org, chain, occasion):
    # The underlag asks for one item of a task: the same answer as picking
    # it from all the task's items, for own and shared items, a reporter's
    # task and an item the task does not report on.
    planning.item_share(actor=access.SYSTEM, item=chain["board"], units=[org["forv"]])
    hr = UserFactory()
    grant(hr, org["enhet_b1"], Role.REPORTER, subtree=False)
    mine = planning.item_create(
        actor=access.SYSTEM,
        plan=chain["activity"].plan,
        kind=ItemKind.ACTIVITY,
        title="Sjukfrånvarouppföljning",
        responsible=hr,
    )
    services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    tasks = [
        task_of(occasion, org["forv"], chain["vp"]),
        task_of(occasion, org["enhet_b1"], chain["ap"]),
        task_of(occasion, org["enhet_b1"], chain["ap"], reporter=hr),
    ]
    items = [chain["board"], chain["operational"], chain["activity"], mine]
    for task in tasks:
        every = services.task_items(task)
        for item in items:
            expected = [i for i in every if i.pk == item.pk]
            assert services.task_items(task, item_ids=[item.pk]) == expected, (task, item)
    assert services.task_items(tasks[0], item_ids=[chain["board"].pk]) == [chain["board"]]
    assert services.task_items(tasks[2], item_ids=[chain["activity"].pk]) == []
