"""Every model has a factory, and each factory builds an object that holds the
domain's rules on its own: what a test gets from a factory is what the
product itself would have made."""

import datetime
import inspect

import factory
import pytest
from django.apps import apps
from simple_history.models import HistoricalChanges

from styrhjul.documents import registry
from styrhjul.documents.layout import DOCUMENTS, TEXT_SECTION_KEYS
from styrhjul.followup import measures, readmodel
from styrhjul.followup.services import ReportData, items_to_report, validate_report
from styrhjul.model import defaults
from styrhjul.model.models import ItemKind, ScaleKind
from styrhjul.planning.queries import organisation_of
from styrhjul.planning.services import KOLADA_ID, _check_item, ancestor_ids
from tests import factories as f

FACTORIES = list(
    dict.fromkeys(
        cls
        for _, cls in inspect.getmembers(f, inspect.isclass)
        if issubclass(cls, factory.django.DjangoModelFactory) and cls._meta.model is not None
    )
)


def domain_models():
    """Styrhjul's own models, without the history tables kept beside them."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("styrhjul.")
        and not issubclass(model, HistoricalChanges)
    ]


def test_every_model_has_a_factory():
    made = {cls._meta.get_model_class() for cls in FACTORIES}
    missing = sorted(m._meta.label for m in domain_models() if m not in made)
    assert missing == [], f"Add a factory to tests/factories.py for {', '.join(missing)}"


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda cls: cls.__name__)
def test_each_factory_makes_a_valid_saved_object(db, factory_class):
    obj = factory_class()
    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()


# --- Organisation and styrmodell ----------------------------------------------------------


def test_a_user_from_the_factory_logs_in_with_the_test_password(db):
    user = f.UserFactory()
    assert user.check_password(f.TEST_PASSWORD)
    assert user.email.endswith("@example.se")


def test_a_scale_has_the_default_steps_of_its_kind(db):
    scale = f.ScaleFactory(kind=ScaleKind.CONTROL_ASSESSMENT)
    name, steps = defaults.SCALES[ScaleKind.CONTROL_ASSESSMENT]
    assert scale.name == name
    assert [v.label for v in scale.values.all()] == [step[0] for step in steps]


def test_a_plan_type_has_a_scale_for_each_kind_it_holds_and_none_for_others(db):
    vp = f.PlanTypeFactory()
    assert vp.name == "Verksamhetsplan"
    assert vp.activity_scale.kind == ScaleKind.ACTIVITY_STATUS
    assert vp.goal_scale.kind == ScaleKind.GOAL_ASSESSMENT
    assert vp.control_scale is None
    ik = f.PlanTypeFactory(model=vp.model, item_kinds=f.INTERNKONTROLLPLAN)
    assert ik.name == "Internkontrollplan"
    assert ik.control_scale.model == vp.model
    assert ik.activity_scale is None
    vp.full_clean()
    ik.full_clean()


def test_names_in_a_model_stay_unique(db):
    model = f.GovernanceModelFactory()
    assert [f.PerspectiveFactory(model=model).name for _ in range(2)] == [
        "Invånare",
        "Samhälle och miljö",
    ]
    assert [f.PlanTypeFactory(model=model).name for _ in range(2)] == [
        "Verksamhetsplan",
        "Verksamhetsplan 2",
    ]


# --- Plans and items ----------------------------------------------------------------------


def test_a_units_plan_is_in_the_model_of_the_units_organisation(db):
    kommun = f.OrganisationFactory()
    enhet = f.UnitFactory(parent=f.UnitFactory(parent=kommun, unit_type=f.unit_type("Nämnd")))
    plan = f.PlanFactory(unit=enhet)
    assert plan.unit == enhet
    assert plan.plan_type.model.organisation == kommun
    assert enhet.existed_in(plan.year)
    # Given only the plan type, the plan is the organisation's own.
    own = f.PlanFactory(plan_type=plan.plan_type)
    assert own.unit == kommun


@pytest.mark.parametrize(
    "factory_class",
    [f.ItemFactory, f.GoalFactory, f.IndicatorFactory, f.AssignmentFactory, f.ControlPointFactory],
    ids=lambda cls: cls.__name__,
)
def test_an_item_passes_the_checks_of_planning(db, factory_class):
    item = factory_class()
    _check_item(item)  # the plan type holds the kind, the level fits the unit type, full_clean
    assert item.plan.plan_type.holds(item.kind)
    if item.start_date and item.end_date:
        assert item.start_date.year == item.end_date.year == item.plan.year


def test_a_goal_takes_the_level_its_units_type_owns_goals_at(model, org):
    vp = model.plan_types.get(name="Verksamhetsplan")
    goal = f.GoalFactory(plan=f.PlanFactory(unit=org["enhet_a1"], plan_type=vp))
    assert goal.level.name == "Verksamhetsmål"
    assert goal.perspective.model == model
    board_goal = f.GoalFactory(plan=f.PlanFactory(unit=org["namnd"], plan_type=vp))
    assert board_goal.level.name == "Nämndmål"
    _check_item(goal)
    _check_item(board_goal)


def test_a_link_runs_up_the_tree_within_one_model(db):
    link = f.ItemLinkFactory()
    assert link.item.plan.unit.parent == link.target.plan.unit
    assert link.item.plan.plan_type.model == link.target.plan.plan_type.model
    assert ancestor_ids([link.item.pk]) == {link.target.pk}


def test_a_share_goes_to_a_unit_below_the_owner_which_then_reports_it(db):
    share = f.ItemShareFactory()
    owner = share.item.plan.unit
    assert share.unit.parent == owner
    assert share.plan.unit == share.unit
    assert share.plan.plan_type == share.item.plan.plan_type
    assert share.item in items_to_report(share.plan.plan_type, share.unit)


def test_an_indicators_target_and_value_are_for_the_plans_year(db):
    target = f.IndicatorTargetFactory()
    item = target.item
    assert target.year == item.plan.year
    assert item.baseline_value < target.value < item.target_value
    value = f.IndicatorValueFactory(item=item)
    assert (value.unit, value.year, value.period) == (item.plan.unit, item.plan.year, "")


# --- Follow-up ----------------------------------------------------------------------------


def test_an_occasion_follows_up_the_plan_types_of_its_model(db):
    vp = f.PlanTypeFactory()
    ik = f.PlanTypeFactory(model=vp.model, item_kinds=f.INTERNKONTROLLPLAN)
    occasion = f.FollowUpOccasionFactory(model=vp.model)
    assert set(occasion.plan_types.all()) == {vp, ik}
    assert occasion.name == f"Delårsrapport {vp.model.year}"
    assert occasion.period_end == datetime.date(vp.model.year, 8, 31)
    step = f.OccasionStepFactory(occasion=occasion)
    assert step.start <= step.deadline <= occasion.period_end


def test_a_units_task_is_at_an_occasion_of_its_organisation(db):
    kommun = f.OrganisationFactory()
    enhet = f.UnitFactory(parent=kommun)
    task = f.ReportingTaskFactory(unit=enhet)
    assert task.occasion.model.organisation == kommun
    assert task.plan_type in task.occasion.plan_types.all()
    assert task.name == f"{task.occasion.name}: {task.plan_type.name}: {enhet.name}"


@pytest.mark.parametrize(
    "factory_class",
    [f.ItemFactory, f.GoalFactory, f.IndicatorFactory, f.AssignmentFactory, f.ControlPointFactory],
    ids=lambda cls: cls.__name__,
)
def test_a_report_is_what_the_reporting_form_would_accept(db, factory_class):
    report = f.ReportFactory(item=factory_class())
    item, plan_type = report.item, report.item.plan.plan_type
    assert plan_type in report.occasion.plan_types.all()
    assert item in items_to_report(plan_type, report.unit)
    data = ReportData(**{name: getattr(report, name) for name in ReportData.__dataclass_fields__})
    validate_report(plan_type, item, data)
    assert readmodel.state(item, plan_type, report, None) == readmodel.REPORTED


def test_a_shares_unit_reports_on_its_share(db):
    share = f.ItemShareFactory()
    report = f.ReportFactory(item=share.item, unit=share.unit)
    assert report.item in items_to_report(share.plan.plan_type, report.unit)
    assert report.occasion.model == share.item.plan.plan_type.model


def test_a_measure_is_followed_up_at_the_units_task_of_a_later_occasion(db):
    followup = f.MeasureFollowUpFactory()
    report = followup.report
    assert report.item.kind == ItemKind.CONTROL_POINT
    assert report.occasion.period_end < followup.occasion.period_end
    task = f.ReportingTaskFactory(
        occasion=followup.occasion, unit=report.unit, plan_type=report.item.plan.plan_type
    )
    [shown] = measures.open_measures(task)
    assert shown.report == report
    assert shown.followup == followup


def test_a_reminder_goes_before_the_deadline_of_the_step_for_the_units_type(db):
    occasion = f.FollowUpOccasionFactory()
    step = f.OccasionStepFactory(occasion=occasion, unit_type=f.unit_type("Enhet"))
    f.OccasionStepFactory(occasion=occasion, unit_type=f.unit_type("Avdelning"))
    enhet = f.UnitFactory(parent=occasion.model.organisation, unit_type=f.unit_type("Enhet"))
    reminder = f.ReminderLogFactory(task__occasion=occasion, task__unit=enhet)
    assert reminder.task.step == step
    assert reminder.sent_on == step.deadline - datetime.timedelta(days=3)


# --- Documents and Kolada -----------------------------------------------------------------


def test_a_report_text_belongs_to_the_internkontrollrapport_of_its_plan(db):
    text = f.ReportTextFactory()
    assert registry.internal_control_plan(text.plan.unit, text.occasion) == text.plan


def test_document_texts_and_jobs_name_documents_that_exist(db):
    text = f.DocumentTextFactory()
    assert text.section in TEXT_SECTION_KEYS
    assert text.document in DOCUMENTS
    job = f.DocumentJobFactory()
    assert job.fmt in registry.TYPES[job.document].formats
    assert organisation_of(job.unit) == job.occasion.model.organisation
    assert job.is_active


def test_kolada_rows_look_like_koladas(db):
    value = f.KoladaValueFactory()
    assert KOLADA_ID.fullmatch(value.kpi.id)
    assert f.KoladaMunicipalityFactory(id="1480").title == "Göteborg"
    settings = f.KoladaSettingsFactory()
    assert settings.municipality_ids == ["1480", "1280", "0000"]
    log = f.KoladaSyncLogFactory()
    assert log.ok and log.finished_at > log.started_at
