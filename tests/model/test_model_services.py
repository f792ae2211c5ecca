"""A model owner sets up a year's styrmodell from the defaults, copies it to
the next year with the plans built on it, and edits its parts; the services
refuse what would break plans and anyone who is not a model owner."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrhjul.model import defaults, services, services_config
from styrhjul.model.models import (
    GoalLevel,
    GovernanceModel,
    ItemKind,
    Perspective,
    Scale,
    ScaleKind,
    ScaleValue,
    Vision,
)
from styrhjul.organisation import access
from styrhjul.organisation import services as org_services
from styrhjul.organisation.models import Role, Unit, UnitType
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, ItemLink, ItemShare, Plan
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

SYSTEM = access.SYSTEM


@pytest.fixture
def owner(org):
    """Modellägare for the whole municipality."""
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def model(org, owner):
    return services.model_create_default(actor=owner, organisation=org["kommun"], year=2025)


# --- Creating a year from the defaults ------------------------------------------


def test_a_new_year_starts_from_the_default_model(org, owner, model):
    assert model.year == 2025 and model.organisation == org["kommun"]
    assert [p.name for p in model.perspectives.all()] == [n for n, _ in defaults.PERSPECTIVES]
    assert [level.name for level in model.levels.all()] == [n for n, _, _ in defaults.GOAL_LEVELS]
    nämndmål = model.levels.get(name="Nämndmål")
    assert {t.name for t in nämndmål.unit_types.all()} >= {"Nämnd"}
    assert {s.kind for s in model.scales.all()} == set(ScaleKind.values)
    status = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    labels = {v.label: v for v in status.values.all()}
    assert list(labels) == ["Ej startad", "Påbörjad", "Väntar", "Klar", "Stoppad", "Försenad"]
    assert labels["Klar"].counts_as_done and not labels["Påbörjad"].counts_as_done
    assert labels["Stoppad"].comment_required and labels["Ej startad"].comment_required
    plan_types = {pt.name: pt for pt in model.plan_types.all()}
    assert list(plan_types) == [n for n, _ in defaults.PLAN_TYPES]
    assert plan_types["Internkontrollplan"].item_kinds == [ItemKind.CONTROL_POINT]
    assert plan_types["Internkontrollplan"].control_scale.kind == ScaleKind.CONTROL_ASSESSMENT
    assert plan_types["Verksamhetsplan"].activity_scale == status


def test_the_history_says_who_created_the_model(model, owner):
    assert model.history.get().history_user == owner
    assert Perspective.history.filter(model_id=model.pk, history_user=owner).count() == 5


@pytest.mark.parametrize("role", [Role.READER, Role.MANAGER, Role.REPORTER])
def test_only_a_model_owner_of_the_organisation_creates_the_model(org, role):
    user = UserFactory()
    grant(user, org["kommun"], role)
    with pytest.raises(PermissionDenied):
        services.model_create_default(actor=user, organisation=org["kommun"], year=2025)
    assert not GovernanceModel.objects.exists()


def test_a_model_owner_of_a_förvaltning_does_not_set_up_the_municipality(org):
    user = UserFactory()
    grant(user, org["forv"], Role.MODEL_OWNER)
    with pytest.raises(PermissionDenied):
        services.model_create_default(actor=user, organisation=org["kommun"], year=2025)


# --- Copying a year to the next ---------------------------------------------------


@pytest.fixture
def plans(org, model):
    """The red thread of 2025: the council's goal, the förvaltning's goal under
    it, shared down to two units, and an activity in a department under that.
    Hemtjänst Norr (enhet_a2) is closed at the end of 2025 and has its own
    activity plan."""
    pt = {p.name: p for p in model.plan_types.all()}
    invånare = model.perspectives.get(name="Invånare")
    levels = {level.name: level for level in model.levels.all()}
    vp_kommun = planning.plan_for(actor=SYSTEM, unit=org["kommun"], plan_type=pt["Verksamhetsplan"])
    council_goal = planning.item_create(
        actor=SYSTEM,
        plan=vp_kommun,
        kind=ItemKind.GOAL,
        title="Fler invånare är nöjda med kommunens service",
        perspective=invånare,
        level=levels["Inriktningsmål"],
    )
    vp_forv = planning.plan_for(actor=SYSTEM, unit=org["forv"], plan_type=pt["Verksamhetsplan"])
    forv_goal = planning.item_create(
        actor=SYSTEM,
        plan=vp_forv,
        kind=ItemKind.GOAL,
        title="Brukarna upplever trygghet i hemtjänsten",
        perspective=invånare,
        level=levels["Verksamhetsmål"],
        contributes_to=[council_goal],
    )
    indicator = planning.item_create(
        actor=SYSTEM,
        plan=vp_forv,
        kind=ItemKind.INDICATOR,
        title="Andel brukare som känner sig trygga",
        measure_unit="%",
        baseline_year=2024,
        baseline_value=81,
        target_year=2026,
        target_value=90,
        contributes_to=[forv_goal],
    )
    planning.item_share(actor=SYSTEM, item=forv_goal, units=[org["enhet_a1"], org["enhet_a2"]])
    vp_avd = planning.plan_for(actor=SYSTEM, unit=org["avd_a"], plan_type=pt["Verksamhetsplan"])
    activity = planning.item_create(
        actor=SYSTEM,
        plan=vp_avd,
        kind=ItemKind.ACTIVITY,
        title="Kontaktmannaskap i hela hemtjänsten",
        start_date=datetime.date(2025, 2, 1),
        end_date=datetime.date(2025, 11, 30),
        contributes_to=[forv_goal],
    )
    archived = planning.item_create(
        actor=SYSTEM, plan=vp_avd, kind=ItemKind.ACTIVITY, title="Avslutad pilot"
    )
    planning.item_archive(actor=SYSTEM, item=archived)
    ap_a2 = planning.plan_for(actor=SYSTEM, unit=org["enhet_a2"], plan_type=pt["Aktivitetsplan"])
    closed_activity = planning.item_create(
        actor=SYSTEM, plan=ap_a2, kind=ItemKind.ACTIVITY, title="Ny nyckelhantering"
    )
    a2 = org["enhet_a2"]
    org_services.unit_close(
        actor=SYSTEM, unit=a2, version=a2.version, valid_to=datetime.date(2025, 12, 31)
    )
    return {
        "council_goal": council_goal,
        "forv_goal": forv_goal,
        "indicator": indicator,
        "activity": activity,
        "archived": archived,
        "closed_activity": closed_activity,
    }


def test_copying_brings_definitions_to_the_next_year(org, owner, model):
    perspective = model.perspectives.get(name="Ekonomi")
    perspective.description = "Vår egen formulering."
    services.save_part(actor=owner, obj=perspective)
    new = planning.model_copy_to_next_year(actor=owner, model=model)
    assert new.year == 2026 and new.organisation == org["kommun"]
    assert new.perspectives.get(name="Ekonomi").description == "Vår egen formulering."
    assert new.perspectives.count() == model.perspectives.count()
    old_levels = {lv.name: {t.pk for t in lv.unit_types.all()} for lv in model.levels.all()}
    new_levels = {lv.name: {t.pk for t in lv.unit_types.all()} for lv in new.levels.all()}
    assert new_levels == old_levels
    for pt in new.plan_types.all():
        for field in services_config.SCALE_FIELDS:
            scale = getattr(pt, field)
            assert scale is None or scale.model_id == new.pk  # the new year's own scales
    assert (
        ScaleValue.objects.filter(scale__model=new).count()
        == ScaleValue.objects.filter(scale__model=model).count()
    )
    # The earlier year is untouched.
    assert model.perspectives.get(name="Ekonomi").model_id == model.pk


def test_copying_brings_plans_items_links_and_shares_but_not_closed_units(org, owner, model, plans):
    new = planning.model_copy_to_next_year(actor=owner, model=model)

    new_plans = Plan.objects.filter(plan_type__model=new)
    assert {(p.unit.code, p.plan_type.name) for p in new_plans} == {
        ("K", "Verksamhetsplan"),
        ("SF", "Verksamhetsplan"),
        ("AO", "Verksamhetsplan"),
        ("AO1", "Verksamhetsplan"),  # the receiving plan of a share
    }
    items = {i.title: i for i in Item.objects.filter(plan__plan_type__model=new)}
    assert set(items) == {
        "Fler invånare är nöjda med kommunens service",
        "Brukarna upplever trygghet i hemtjänsten",
        "Andel brukare som känner sig trygga",
        "Kontaktmannaskap i hela hemtjänsten",
    }  # not the archived activity, nor the closed unit's
    forv_goal = items["Brukarna upplever trygghet i hemtjänsten"]
    assert forv_goal.perspective.model == new and forv_goal.perspective.name == "Invånare"
    assert forv_goal.level.model == new and forv_goal.level.name == "Verksamhetsmål"
    indicator = items["Andel brukare som känner sig trygga"]
    assert indicator.target_value == 90 and indicator.baseline_value == 81
    # The activity is planned for the same months of the new year.
    activity = items["Kontaktmannaskap i hela hemtjänsten"]
    assert (activity.start_date, activity.end_date) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 11, 30),
    )

    links = {
        (link.item.title, link.target.title)
        for link in ItemLink.objects.filter(item__plan__plan_type__model=new)
    }
    assert links == {
        (
            "Brukarna upplever trygghet i hemtjänsten",
            "Fler invånare är nöjda med kommunens service",
        ),
        ("Andel brukare som känner sig trygga", "Brukarna upplever trygghet i hemtjänsten"),
        ("Kontaktmannaskap i hela hemtjänsten", "Brukarna upplever trygghet i hemtjänsten"),
    }
    shares = ItemShare.objects.filter(item__plan__plan_type__model=new)
    assert [(s.item, s.unit) for s in shares] == [(forv_goal, org["enhet_a1"])]
    assert shares.get().plan.plan_type.model == new

    # 2025 stays as it was.
    assert Item.objects.filter(plan__plan_type__model=model).count() == 6
    assert ItemShare.objects.filter(item__plan__plan_type__model=model).count() == 2


def test_the_copy_summary_counts_what_will_be_copied(model, plans):
    from styrhjul.planning import queries as planning_queries

    summary = planning_queries.copy_summary(model)
    assert (summary.plans, summary.items, summary.links, summary.shares) == (4, 4, 3, 1)
    assert [u.code for u in summary.left_out] == ["AO2"]
    assert summary.left_out_plans == 2


def test_a_year_is_copied_only_once(owner, model):
    planning.model_copy_to_next_year(actor=owner, model=model)
    with pytest.raises(ValidationError) as excinfo:
        planning.model_copy_to_next_year(actor=owner, model=model)
    assert "Styrmodellen för 2026 finns redan." in excinfo.value.messages


def test_only_a_model_owner_copies(org, model):
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    with pytest.raises(PermissionDenied):
        planning.model_copy_to_next_year(actor=reader, model=model)
    assert not GovernanceModel.objects.filter(year=2026).exists()


# --- Deleting parts -------------------------------------------------------------


def test_parts_in_use_are_not_deleted(owner, model, plans):
    invånare = model.perspectives.get(name="Invånare")
    with pytest.raises(ValidationError) as excinfo:
        services.delete_part(actor=owner, obj=invånare)
    assert "Invånare används av poster eller planer och kan inte tas bort." in (
        excinfo.value.messages
    )
    with pytest.raises(ValidationError):
        services.delete_part(actor=owner, obj=model.levels.get(name="Verksamhetsmål"))
    with pytest.raises(ValidationError):
        services.delete_part(actor=owner, obj=model.plan_types.get(name="Verksamhetsplan"))
    assert Perspective.objects.filter(pk=invånare.pk).exists()


def test_unused_parts_are_deleted_and_stay_in_the_history(owner, model, plans):
    unused = model.perspectives.get(name="Verksamhet")
    pk = unused.pk
    services.delete_part(actor=owner, obj=unused)
    assert not Perspective.objects.filter(pk=pk).exists()
    deleted = Perspective.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == owner
    services.delete_part(actor=owner, obj=model.plan_types.get(name="Egenkontrollplan"))


def test_a_reader_deletes_nothing(org, model):
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    with pytest.raises(PermissionDenied):
        services.delete_part(actor=reader, obj=model.perspectives.first())


# --- services_config: the vision and the parts with rules --------------------------


def test_the_vision_is_changed_for_its_year_and_replaced_from_a_new_year(org, owner):
    kommun = org["kommun"]
    first, created = services_config.vision_save(
        actor=owner,
        organisation=kommun,
        title="Provköping 2030",
        text="Trygg och grön.",
        horizon_year=2030,
        valid_from_year=2023,
    )
    assert created
    same, created = services_config.vision_save(
        actor=owner,
        organisation=kommun,
        title="Provköping 2030",
        text="Trygg, grön och växande.",
        horizon_year=2030,
        valid_from_year=2023,
    )
    assert not created and same.pk == first.pk and same.text == "Trygg, grön och växande."
    newer, created = services_config.vision_save(
        actor=owner,
        organisation=kommun,
        title="Provköping 2040",
        text="Hela kommunen lever.",
        horizon_year=2040,
        valid_from_year=2026,
    )
    assert created and newer.pk != first.pk
    from styrhjul.model.queries import vision_in_force

    assert vision_in_force(kommun, 2025) == first
    assert vision_in_force(kommun, 2026) == newer
    assert vision_in_force(kommun, 2022) is None
    assert Vision.history.filter(id=first.pk).count() == 2


def test_the_vision_horizon_is_not_before_it_starts(org, owner):
    with pytest.raises(ValidationError) as excinfo:
        services_config.vision_save(
            actor=owner,
            organisation=org["kommun"],
            title="X",
            text="Y",
            horizon_year=2020,
            valid_from_year=2025,
        )
    assert "horizon_year" in excinfo.value.message_dict


def test_a_reader_cannot_change_the_vision(org):
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    with pytest.raises(PermissionDenied):
        services_config.vision_save(
            actor=reader,
            organisation=org["kommun"],
            title="X",
            text="Y",
            horizon_year=2030,
            valid_from_year=2025,
        )


def test_a_level_keeps_its_unit_types_in_one_history_row(owner, model):
    level = model.levels.get(name="Verksamhetsmål")
    before = level.history.count()
    enhet = UnitType.objects.get(name="Enhet")
    level.name = "Enhetsmål"
    services_config.level_save(actor=owner, level=level, unit_types=[enhet])
    assert [t.name for t in level.unit_types.all()] == ["Enhet"]
    assert level.history.count() == before + 1
    latest = level.history.first()
    assert latest.history_user == owner and latest.name == "Enhetsmål"
    assert [row.unittype_id for row in latest.unit_types.all()] == [enhet.pk]


def test_a_new_level_is_created_with_its_unit_types(owner, model):
    types = list(UnitType.objects.filter(name__in=["Avdelning", "Enhet"]))
    level = services_config.level_save(
        actor=owner, level=GoalLevel(model=model, name="Delmål", order=35), unit_types=types
    )
    assert {t.name for t in level.unit_types.all()} == {"Avdelning", "Enhet"}


def test_a_unit_type_with_goals_at_the_level_stays(org, owner, model, plans):
    level = model.levels.get(name="Verksamhetsmål")
    avdelning = UnitType.objects.get(name="Avdelning")
    with pytest.raises(ValidationError) as excinfo:
        services_config.level_save(actor=owner, level=level, unit_types=[avdelning])
    assert "förvaltning" in excinfo.value.message_dict["unit_types"][0]


def test_a_plan_type_uses_scales_of_the_right_kind_from_its_own_year(owner, model):
    pt = model.plan_types.get(name="Aktivitetsplan")
    pt.activity_scale = model.scales.get(kind=ScaleKind.GOAL_ASSESSMENT)
    with pytest.raises(ValidationError) as excinfo:
        services_config.plan_type_save(actor=owner, plan_type=pt)
    assert "activity_scale" in excinfo.value.message_dict

    pt.item_kinds = [ItemKind.ACTIVITY, ItemKind.INDICATOR]
    pt.activity_scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    pt.indicator_scale = None
    with pytest.raises(ValidationError) as excinfo:
        services_config.plan_type_save(actor=owner, plan_type=pt)
    assert excinfo.value.message_dict["indicator_scale"] == ["Välj en skala för nyckeltal."]


def test_a_plan_type_forgets_scales_of_kinds_it_no_longer_holds(owner, model):
    pt = model.plan_types.get(name="Verksamhetsplan")
    pt.item_kinds = [ItemKind.GOAL, ItemKind.ACTIVITY]
    services_config.plan_type_save(actor=owner, plan_type=pt)
    pt.refresh_from_db()
    assert pt.indicator_scale is None and pt.assignment_scale is None
    assert pt.goal_scale is not None and pt.activity_scale is not None


def test_a_kind_with_items_stays_on_the_plan_type(owner, model, plans):
    pt = model.plan_types.get(name="Verksamhetsplan")
    pt.item_kinds = [ItemKind.GOAL, ItemKind.ACTIVITY]
    with pytest.raises(ValidationError) as excinfo:
        services_config.plan_type_save(actor=owner, plan_type=pt)
    assert "nyckeltal" in excinfo.value.message_dict["item_kinds"][0]


def test_a_scale_in_use_keeps_its_kind_and_is_not_deleted(owner, model):
    scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    scale.kind = ScaleKind.ASSIGNMENT_STATUS
    with pytest.raises(ValidationError):
        services_config.scale_save(actor=owner, scale=scale)
    with pytest.raises(ValidationError) as excinfo:
        services_config.scale_delete(actor=owner, scale=Scale.objects.get(pk=scale.pk))
    assert "Verksamhetsplan" in excinfo.value.messages[0]


def test_an_unused_scale_is_deleted_with_its_values(owner, model):
    spare = services_config.scale_save(
        actor=owner,
        scale=Scale(model=model, kind=ScaleKind.ACTIVITY_STATUS, name="Genomfört/Pågående"),
    )
    services.save_part(actor=owner, obj=ScaleValue(scale=spare, label="Genomfört", order=1))
    pk = spare.pk
    services_config.scale_delete(actor=owner, scale=spare)
    assert not Scale.objects.filter(pk=pk).exists()
    assert ScaleValue.history.filter(scale_id=pk, history_type="-").get().history_user == (owner)


def test_unit_is_still_open_for_the_model_year(org, plans):
    # Guard for the fixture: the closed unit existed during 2025.
    assert Unit.objects.valid_in_year(2025).filter(pk=org["enhet_a2"].pk).exists()
    assert not Unit.objects.valid_in_year(2026).filter(pk=org["enhet_a2"].pk).exists()


def test_a_copied_date_on_29_february_becomes_28_february():
    from styrhjul.planning.services import _next_year

    assert _next_year(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert _next_year(None) is None
