"""Factories for every model, for tests that read like user stories.

Each factory builds an object that holds the domain's invariants on its own:
a plan's unit lies in the organisation whose styrmodell its plan type
belongs to, an item's plan type holds its kind, a share goes to a unit below
the item's owner, a report is written at an occasion that follows up the
item's plan type by a unit that reports the item, and so on. Pass the
objects a test is about (a unit, a plan type, an occasion) and the factory
derives the rest from them; tests/test_factories.py checks each factory.

Year defaults to 2025, like the fixtures in tests/conftest.py.
"""

import datetime
from decimal import Decimal

import factory
from django.apps import apps
from django.utils import timezone

from styrhjul.economy import rowsums
from styrhjul.followup.services import _step_for, scale_for
from styrhjul.model import defaults
from styrhjul.model.models import ItemKind, ScaleKind
from styrhjul.organisation.defaults import DEFAULT_UNIT_TYPES, GOVERNING_UNIT_TYPES
from styrhjul.organisation.models import Role, RoleGrant, Unit, UnitType, User
from styrhjul.planning.queries import organisation_of

TEST_PASSWORD = "ett-langt-testlosenord-42"
YEAR = 2025

# Models that may move between apps are named by their app label and name,
# so the factories do not depend on the module that defines them.
INDICATOR_VALUE = "indicators.IndicatorValue"
INDICATOR_TARGET = "planning.IndicatorTarget"


def model_class(label: str):
    return apps.get_model(label)


def _first_free(taken, candidates: list[str]) -> str:
    """The first candidate name not taken, else the first with a number."""
    taken = set(taken)
    for name in candidates:
        if name not in taken:
            return name
    n = 2
    while f"{candidates[0]} {n}" in taken:
        n += 1
    return f"{candidates[0]} {n}"


def _names_in(model, related_name: str) -> list[str]:
    """The names already used in a styrmodell (none while it is unsaved)."""
    if model.pk is None:
        return []
    return getattr(model, related_name).values_list("name", flat=True)


# --- Organisation -------------------------------------------------------------------------

UNIT_TYPES = ["Kommun", "Nämnd", "Förvaltning", "Avdelning", "Enhet"]
MUNICIPALITIES = ["Sjöbacka", "Provköping", "Älvsby", "Granås", "Norrbrunna", "Lövhamra"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"anvandare{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnitTypeFactory(factory.django.DjangoModelFactory):
    """Enhetstyp; one per name, as the tree's types are shared."""

    class Meta:
        model = UnitType
        django_get_or_create = ("name",)

    name = factory.Iterator(UNIT_TYPES)
    order = factory.LazyAttribute(
        lambda o: UNIT_TYPES.index(o.name) if o.name in UNIT_TYPES else 99
    )


def unit_type(name: str) -> UnitType:
    return UnitType.objects.get_or_create(name=name, defaults={"order": 99})[0]


def default_unit_types() -> None:
    """The unit types as `styrhjul migrate` seeds them; tests/conftest.py
    puts them back with this after every flush of the test database."""
    for name, plural, order in DEFAULT_UNIT_TYPES:
        UnitType.objects.update_or_create(
            name=name,
            defaults={"plural": plural, "order": order, "governing": name in GOVERNING_UNIT_TYPES},
        )


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Enhet {n}")
    code = factory.Sequence(lambda n: f"E{n:04d}")
    unit_type = factory.LazyFunction(lambda: unit_type("Enhet"))
    valid_from = datetime.date(2020, 1, 1)
    parent = None


class OrganisationFactory(UnitFactory):
    """A municipality: the root of a tree, owner of styrmodeller."""

    name = factory.Iterator([f"{m} kommun" for m in MUNICIPALITIES])
    code = factory.Sequence(lambda n: f"K{n:04d}")
    unit_type = factory.LazyFunction(lambda: unit_type("Kommun"))


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.MANAGER
    includes_subtree = True


class DirectoryGroupRuleFactory(factory.django.DjangoModelFactory):
    """Gruppregel: a directory group → a role on a unit."""

    class Meta:
        model = "organisation.DirectoryGroupRule"

    group = factory.Sequence(lambda n: f"styrhjul-grupp-{n}")
    unit = factory.SubFactory(UnitFactory)
    role = Role.READER
    includes_subtree = True


def grant(user: User, unit: Unit, role: str = Role.MANAGER, subtree: bool = True) -> RoleGrant:
    return RoleGrant.objects.create(user=user, unit=unit, role=role, includes_subtree=subtree)


# --- Styrmodell ---------------------------------------------------------------------------


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "model.Vision"

    unit = factory.SubFactory(UnitFactory)
    title = "Sjöbacka 2035"
    text = "En växande kommun där alla kan leva ett gott liv."
    horizon_year = 2035
    valid_from_year = 2024


class GovernanceModelFactory(factory.django.DjangoModelFactory):
    """Styrmodell; one per organisation and year (asking again returns it)."""

    class Meta:
        model = "model.GovernanceModel"
        django_get_or_create = ("organisation", "year")

    organisation = factory.SubFactory(OrganisationFactory)
    year = YEAR


def _model_of_unit(depth: int):
    """The styrmodell of the organisation of the `unit` of the factory
    `depth` levels up, for the default year."""
    return factory.SubFactory(
        GovernanceModelFactory,
        organisation=factory.LazyAttribute(
            lambda o: organisation_of(_up(o, depth).unit),
        ),
    )


def _up(o, depth: int):
    for _ in range(depth):
        o = o.factory_parent
    return o


class PerspectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "model.Perspective"

    model = factory.SubFactory(GovernanceModelFactory)
    name = factory.LazyAttribute(
        lambda o: _first_free(
            _names_in(o.model, "perspectives"), [p for p, _ in defaults.PERSPECTIVES]
        )
    )
    description = factory.LazyAttribute(
        lambda o: dict(defaults.PERSPECTIVES).get(o.name, "Ett perspektiv i styrmodellen.")
    )
    order = factory.Sequence(lambda n: n)


class GoalLevelFactory(factory.django.DjangoModelFactory):
    """Målnivå. Without unit_types, units of every type may own its goals."""

    class Meta:
        model = "model.GoalLevel"
        skip_postgeneration_save = True

    model = factory.SubFactory(GovernanceModelFactory)
    name = factory.LazyAttribute(
        lambda o: _first_free(
            _names_in(o.model, "levels"), [lvl for lvl, _, _ in defaults.GOAL_LEVELS]
        )
    )
    order = factory.Sequence(lambda n: n)
    assesses = True

    @factory.post_generation
    def unit_types(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.unit_types.set(extracted)


class ScaleFactory(factory.django.DjangoModelFactory):
    """Skala, with the default steps of its kind (pass values=[] for none,
    or values=["Ja", "Nej"] for these)."""

    class Meta:
        model = "model.Scale"
        skip_postgeneration_save = True

    model = factory.SubFactory(GovernanceModelFactory)
    kind = ScaleKind.ACTIVITY_STATUS
    name = factory.LazyAttribute(
        lambda o: _first_free(_names_in(o.model, "scales"), [defaults.SCALES[o.kind][0]])
    )

    @factory.post_generation
    def values(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            steps = defaults.SCALES[obj.kind][1]
        else:
            steps = [(label, "#6b7280", "", False, False) for label in extracted]
        ScaleValue = model_class("model.ScaleValue")
        for order, (label, colour, symbol, comment_required, done, *when) in enumerate(steps):
            ScaleValue.objects.create(
                scale=obj,
                order=order,
                label=label,
                colour=colour,
                symbol=symbol,
                comment_required=comment_required,
                counts_as_done=done,
                suggested_when=when[0] if when else "",
            )


class ScaleValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "model.ScaleValue"

    scale = factory.SubFactory(ScaleFactory, values=[])
    order = factory.Sequence(lambda n: n)
    label = factory.Iterator(["Påbörjad", "Klar", "Försenad", "Väntar"])
    colour = "#0b5394"
    symbol = "◐"


def _scale_if_held(item_kind: str, scale_kind: str):
    """The plan type's scale of a kind, made for the plan type's model when
    the plan type holds items of `item_kind`."""
    return factory.Maybe(
        factory.LazyAttribute(lambda o: item_kind in o.item_kinds),
        yes_declaration=factory.SubFactory(
            ScaleFactory, model=factory.SelfAttribute("..model"), kind=scale_kind
        ),
        no_declaration=None,
    )


def _plan_type_name(item_kinds) -> str:
    """The name of the default plan type holding these kinds."""
    for name, kinds in defaults.PLAN_TYPES:
        if list(kinds) == list(item_kinds):
            return name
    return "Verksamhetsplan"


VERKSAMHETSPLAN = [ItemKind.GOAL, ItemKind.INDICATOR, ItemKind.ACTIVITY, ItemKind.ASSIGNMENT]
INTERNKONTROLLPLAN = [ItemKind.CONTROL_POINT]


class PlanTypeFactory(factory.django.DjangoModelFactory):
    """Plantyp, a Verksamhetsplan by default (item_kinds=INTERNKONTROLLPLAN
    for an Internkontrollplan), with a scale for each kind it holds."""

    class Meta:
        model = "model.PlanType"

    model = factory.SubFactory(GovernanceModelFactory)
    item_kinds = factory.LazyFunction(lambda: list(VERKSAMHETSPLAN))
    name = factory.LazyAttribute(
        lambda o: _first_free(_names_in(o.model, "plan_types"), [_plan_type_name(o.item_kinds)])
    )
    order = factory.Sequence(lambda n: n)
    activity_scale = _scale_if_held(ItemKind.ACTIVITY, ScaleKind.ACTIVITY_STATUS)
    indicator_scale = _scale_if_held(ItemKind.INDICATOR, ScaleKind.INDICATOR_ASSESSMENT)
    goal_scale = _scale_if_held(ItemKind.GOAL, ScaleKind.GOAL_ASSESSMENT)
    control_scale = _scale_if_held(ItemKind.CONTROL_POINT, ScaleKind.CONTROL_ASSESSMENT)
    assignment_scale = _scale_if_held(ItemKind.ASSIGNMENT, ScaleKind.ASSIGNMENT_STATUS)


# --- Plans and items ----------------------------------------------------------------------


class PlanFactory(factory.django.DjangoModelFactory):
    """A unit's plan of a plan type (one per unit and type). Given a unit,
    the plan type is made in the styrmodell of the unit's organisation;
    given only a plan type, the plan is the organisation's own."""

    class Meta:
        model = "planning.Plan"
        django_get_or_create = ("unit", "plan_type")

    unit = None
    plan_type = factory.Maybe(
        "unit",
        yes_declaration=factory.SubFactory(PlanTypeFactory, model=_model_of_unit(2)),
        no_declaration=factory.SubFactory(PlanTypeFactory),
    )

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if kwargs["unit"] is None:
            kwargs["unit"] = kwargs["plan_type"].model.organisation
        return kwargs


def _plan_year(o) -> int:
    return o.plan.plan_type.model.year


def _level_for(plan):
    """The model's highest goal level that units of the plan's unit type may
    own goals at, made when none fits."""
    model = plan.plan_type.model
    for level in model.levels.prefetch_related("unit_types"):
        allowed = {t.pk for t in level.unit_types.all()}
        if not allowed or plan.unit.unit_type_id in allowed:
            return level
    return GoalLevelFactory(model=model)


def _perspective_for(plan):
    model = plan.plan_type.model
    return model.perspectives.first() or PerspectiveFactory(model=model)


class ItemFactory(factory.django.DjangoModelFactory):
    """Post i en plan; an activity unless a subclass says otherwise."""

    class Meta:
        model = "planning.Item"

    plan = factory.SubFactory(PlanFactory)
    kind = ItemKind.ACTIVITY
    title = factory.Iterator(
        [
            "Läxhjälp på fritidsgården",
            "Införa digital signering av genomförandeplaner",
            "Friskvårdstimme för all personal",
            "Kartlägga behovet av platser i särskilt boende",
        ]
    )
    description = ""
    start_date = factory.LazyAttribute(lambda o: datetime.date(_plan_year(o), 2, 1))
    end_date = factory.LazyAttribute(lambda o: datetime.date(_plan_year(o), 12, 15))


ActivityFactory = ItemFactory


class GoalFactory(ItemFactory):
    """A goal at the level its unit's type may own goals at."""

    kind = ItemKind.GOAL
    title = factory.Iterator(
        [
            "Alla barn och unga klarar skolan",
            "Äldre känner sig trygga i sitt boende",
            "En hållbar arbetsmiljö med låg sjukfrånvaro",
        ]
    )
    level = factory.LazyAttribute(lambda o: _level_for(o.plan))
    perspective = factory.LazyAttribute(lambda o: _perspective_for(o.plan))
    start_date = None
    end_date = None


class IndicatorFactory(ItemFactory):
    kind = ItemKind.INDICATOR
    title = factory.Iterator(
        [
            "Andel behöriga till gymnasiet",
            "Andel brukare som är nöjda med hemtjänsten",
            "Sjukfrånvaro bland medarbetarna",
        ]
    )
    perspective = factory.LazyAttribute(lambda o: _perspective_for(o.plan))
    measure_unit = "%"
    direction = "higher"
    source = "manual"
    reported_by = "each_unit"
    periodicity = "year"
    baseline_year = factory.LazyAttribute(lambda o: _plan_year(o) - 3)
    baseline_value = Decimal("81.00")
    target_year = factory.LazyAttribute(lambda o: _plan_year(o) + 1)
    target_value = Decimal("88.00")
    near_target_margin = Decimal("2.00")
    start_date = None
    end_date = None


class AssignmentFactory(ItemFactory):
    """Särskilt uppdrag, given by the council with a deadline."""

    kind = ItemKind.ASSIGNMENT
    title = "Utreda en gemensam kundtjänst för kommunen"
    given_by = "Kommunfullmäktige"
    start_date = None
    end_date = factory.LazyAttribute(lambda o: datetime.date(_plan_year(o), 10, 31))


class ControlPointFactory(ItemFactory):
    """Kontrollpunkt in an Internkontrollplan."""

    plan = factory.SubFactory(PlanFactory, plan_type__item_kinds=INTERNKONTROLLPLAN)
    kind = ItemKind.CONTROL_POINT
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Attest av leverantörsfakturor"
    area = "Ekonomi"
    process = "Attest och utbetalning"
    risk = "Fakturor attesteras av någon utan attesträtt."
    probability = 2
    consequence = 3
    control_step = "Att fakturor attesteras av behörig attestant."
    control_method = "Stickprov på 20 fakturor per halvår; controller."
    frequency = "Två gånger per år"
    risk_handling = "control"
    start_date = None
    end_date = None


def _plan_of(unit_decl: str, item_decl: str):
    """The plan of the same type as the item's, of the unit (created on first use)."""
    return factory.SubFactory(
        PlanFactory,
        unit=factory.SelfAttribute(f"..{unit_decl}"),
        plan_type=factory.SelfAttribute(f"..{item_decl}.plan.plan_type"),
    )


class ItemLinkFactory(factory.django.DjangoModelFactory):
    """A nämnd's goal that contributes to the council's goal above it."""

    class Meta:
        model = "planning.ItemLink"

    target = factory.SubFactory(GoalFactory)
    item = factory.SubFactory(
        GoalFactory,
        title="Fler elever går ut grundskolan med godkända betyg",
        plan=factory.SubFactory(
            PlanFactory,
            unit=factory.SubFactory(
                UnitFactory,
                name="Barn- och utbildningsnämnden",
                unit_type=factory.LazyFunction(lambda: unit_type("Nämnd")),
                parent=factory.SelfAttribute("....target.plan.unit"),
            ),
            plan_type=factory.SelfAttribute("...target.plan.plan_type"),
        ),
    )


class ItemShareFactory(factory.django.DjangoModelFactory):
    """An item shared down to a unit below its owner, into the unit's plan of
    the same type."""

    class Meta:
        model = "planning.ItemShare"

    item = factory.SubFactory(ItemFactory)
    unit = factory.SubFactory(UnitFactory, parent=factory.SelfAttribute("..item.plan.unit"))
    plan = _plan_of("unit", "item")
    ended_at = None


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    """An indicator's target for its plan's year, between baseline and target."""

    class Meta:
        model = INDICATOR_TARGET

    item = factory.SubFactory(IndicatorFactory)
    year = factory.SelfAttribute("item.plan.year")
    value = Decimal("85.00")


# --- Follow-up ----------------------------------------------------------------------------

OCCASION_NAMES = {
    "monthly": "Månadsuppföljning",
    "interim": "Delårsrapport",
    "annual": "Årsbokslut",
    "other": "Uppföljning",
}
PERIOD_ENDS = {"monthly": (3, 31), "interim": (8, 31), "annual": (12, 31), "other": (6, 30)}


class FollowUpOccasionFactory(factory.django.DjangoModelFactory):
    """An open Delårsrapport following up every plan type of its model (one
    is made when the model has none); pass plan_types=[…] for others."""

    class Meta:
        model = "followup.FollowUpOccasion"
        skip_postgeneration_save = True

    model = factory.SubFactory(GovernanceModelFactory)
    kind = "interim"
    name = factory.LazyAttribute(
        lambda o: _first_free(
            _names_in(o.model, "occasions"), [f"{OCCASION_NAMES[o.kind]} {o.model.year}"]
        )
    )
    period_end = factory.LazyAttribute(lambda o: datetime.date(o.model.year, *PERIOD_ENDS[o.kind]))
    status = "open"

    @factory.post_generation
    def plan_types(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = list(obj.model.plan_types.all()) or [PlanTypeFactory(model=obj.model)]
        obj.plan_types.set(extracted)


def _occasion_of_unit():
    """An occasion in the styrmodell of the unit's organisation when a unit is
    given; else a new organisation's, whose root is then the unit."""
    return factory.Maybe(
        "unit",
        yes_declaration=factory.SubFactory(FollowUpOccasionFactory, model=_model_of_unit(2)),
        no_declaration=factory.SubFactory(FollowUpOccasionFactory),
    )


class _UnitAtOccasion(factory.django.DjangoModelFactory):
    """A unit's row at an occasion: the unit defaults to the organisation."""

    class Meta:
        abstract = True

    unit = None
    occasion = _occasion_of_unit()

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if kwargs["unit"] is None:
            kwargs["unit"] = kwargs["occasion"].model.organisation
        return kwargs


class OccasionStepFactory(factory.django.DjangoModelFactory):
    """Enhetschefer rapporterar, from June to mid July of the occasion's year."""

    class Meta:
        model = "followup.OccasionStep"

    occasion = factory.SubFactory(FollowUpOccasionFactory)
    name = "Enhetschefer rapporterar"
    unit_type = factory.LazyFunction(lambda: unit_type("Enhet"))
    start = factory.LazyAttribute(lambda o: datetime.date(o.occasion.model.year, 6, 2))
    deadline = factory.LazyAttribute(lambda o: datetime.date(o.occasion.model.year, 7, 15))


class EventCategoryFactory(factory.django.DjangoModelFactory):
    """A process of the year wheel (Budgetprocess …)."""

    class Meta:
        model = "followup.EventCategory"

    model = factory.SubFactory(GovernanceModelFactory)
    name = factory.Sequence(lambda n: f"Process {n}")
    colour = "#0b5394"
    symbol = "square"
    process_year = "this"


class DecidingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followup.DecidingBody"

    model = factory.SubFactory(GovernanceModelFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")


class CalendarEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followup.CalendarEvent"

    model = factory.SubFactory(GovernanceModelFactory)
    title = "Budgetdag"
    start = factory.LazyAttribute(lambda o: datetime.date(o.model.year, 4, 15))
    end = None
    description = "Nämnderna presenterar sina budgetförslag för kommunstyrelsen."


class ReportingTaskFactory(_UnitAtOccasion):
    """A unit's task on one of the plan types the occasion follows up, with
    the occasion's step for the unit's type and named like the tasks opening
    an occasion makes."""

    class Meta:
        model = "followup.ReportingTask"

    plan_type = factory.LazyAttribute(lambda o: o.occasion.plan_types.order_by("order").first())
    step = None
    reporter = None
    name = ""

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs = super()._adjust_kwargs(**kwargs)
        if kwargs["step"] is None:
            kwargs["step"] = _step_for(kwargs["occasion"], kwargs["unit"])
        if not kwargs["name"]:
            kwargs["name"] = (
                f"{kwargs['occasion'].name}: {kwargs['plan_type'].name}: {kwargs['unit'].name}"
            )
        return kwargs


def _scale_value(o, field: str):
    """The first value of the item's scale for `field` in its plan type that
    needs no comment; None where the item has no such field."""
    scale_id = scale_for(o.item.plan.plan_type, o.item, field)
    if scale_id is None:
        return None
    values = model_class("model.ScaleValue").objects.filter(scale_id=scale_id)
    return values.filter(comment_required=False).first() or values.first()


REPORT_COMMENTS = {
    ItemKind.ACTIVITY: "Startade i mars på två fritidsgårdar; fler platser än väntat.",
    ItemKind.ASSIGNMENT: "Utredningen pågår och redovisas för kommunstyrelsen i oktober.",
    ItemKind.INDICATOR: "Utfallet avser läsåret 2024/25.",
    ItemKind.GOAL: "",
    ItemKind.CONTROL_POINT: "Stickprovet på 20 fakturor visade att alla var rätt attesterade.",
}


class ReportFactory(factory.django.DjangoModelFactory):
    """The item's owner reports on it at an occasion of the item's model
    (which follows up the item's plan type), with a value from the plan
    type's scale and a text. Pass unit= a share's unit for its report."""

    class Meta:
        model = "followup.Report"

    item = factory.SubFactory(ItemFactory)
    unit = factory.SelfAttribute("item.plan.unit")
    occasion = factory.SubFactory(
        FollowUpOccasionFactory, model=factory.SelfAttribute("..item.plan.plan_type.model")
    )
    status = factory.LazyAttribute(lambda o: _scale_value(o, "status"))
    assessment = factory.LazyAttribute(lambda o: _scale_value(o, "assessment"))
    completion = factory.LazyAttribute(lambda o: 40 if o.item.kind == ItemKind.ACTIVITY else None)
    comment = factory.LazyAttribute(lambda o: REPORT_COMMENTS[o.item.kind])
    analysis = factory.LazyAttribute(
        lambda o: (
            "Andelen ökar för tredje året i rad; vi bedömer att målet nås till 2026."
            if o.item.kind == ItemKind.GOAL
            else ""
        )
    )


class ReviewCommentFactory(factory.django.DjangoModelFactory):
    """A manager above sent the item owner's task back with a comment at the
    item (granskning)."""

    class Meta:
        model = "followup.ReviewComment"

    item = factory.SubFactory(ItemFactory)
    task = factory.SubFactory(
        ReportingTaskFactory,
        unit=factory.SelfAttribute("..item.plan.unit"),
        plan_type=factory.SelfAttribute("..item.plan.plan_type"),
        occasion=factory.SubFactory(
            FollowUpOccasionFactory, model=factory.SelfAttribute("...item.plan.plan_type.model")
        ),
        review_status="sent_back",
        review_comment="Komplettera analysen av måluppfyllelsen.",
    )
    text = "Komplettera analysen: vad beror ökningen på?"


class MeasureFollowUpFactory(factory.django.DjangoModelFactory):
    """What came of a measure reported on a control point at the delårsrapport,
    followed up at the same year's årsbokslut."""

    class Meta:
        model = "followup.MeasureFollowUp"

    report = factory.SubFactory(
        ReportFactory,
        item=factory.SubFactory(ControlPointFactory),
        measures="Attesträtterna ses över och alla attestanter utbildas.",
        measures_responsible="Ekonomichefen",
        measures_due=factory.LazyAttribute(lambda o: datetime.date(o.occasion.model.year, 11, 30)),
    )
    occasion = factory.SubFactory(
        FollowUpOccasionFactory,
        model=factory.SelfAttribute("..report.occasion.model"),
        kind="annual",
    )
    result = "Attesträtterna är uppdaterade och tolv attestanter har gått utbildningen."
    done = True


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """Utfall for the year of the indicator's plan, reported by its owner."""

    class Meta:
        model = INDICATOR_VALUE

    item = factory.SubFactory(IndicatorFactory)
    unit = factory.SelfAttribute("item.plan.unit")
    year = factory.SelfAttribute("item.plan.year")
    period = ""
    value = Decimal("84.50")
    note = ""
    source = "manual"


class BreakdownDimensionFactory(factory.django.DjangoModelFactory):
    """Uppdelningen Åldersgrupp of an organisation, with the groups 0–17,
    18–64 and 65+ (pass categories=[...] for others, [] for none)."""

    class Meta:
        model = "indicators.BreakdownDimension"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: "Åldersgrupp" if n == 0 else f"Åldersgrupp {n}")
    order = 0

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        labels = ["0–17", "18–64", "65+"] if extracted is None else extracted
        for order, label in enumerate(labels):
            model_class("indicators.BreakdownCategory").objects.create(
                dimension=obj, label=label, order=order
            )


class BreakdownCategoryFactory(factory.django.DjangoModelFactory):
    """A group of an uppdelning that has no groups of its own."""

    class Meta:
        model = "indicators.BreakdownCategory"

    dimension = factory.SubFactory(BreakdownDimensionFactory, categories=[])
    label = factory.Sequence(lambda n: f"Grupp {n + 1}")
    order = factory.Sequence(int)


class BreakdownValueFactory(factory.django.DjangoModelFactory):
    """An indicator's value for its owner, its plan's year and a group of an
    uppdelning of the indicator's organisation (the first group of a new
    Åldersgrupp unless a category is given)."""

    class Meta:
        model = "indicators.BreakdownValue"

    item = factory.SubFactory(IndicatorFactory)
    unit = factory.SelfAttribute("item.plan.unit")
    category = factory.LazyAttribute(
        lambda o: BreakdownDimensionFactory(
            organisation=o.item.plan.plan_type.model.organisation
        ).categories.first()
    )
    year = factory.SelfAttribute("item.plan.year")
    value = Decimal("48.50")
    source = "manual"


class ComparisonValueFactory(factory.django.DjangoModelFactory):
    """Riket's value for an indicator, the year of its plan, from SKR."""

    class Meta:
        model = "indicators.ComparisonValue"

    item = factory.SubFactory(IndicatorFactory)
    kind = "country"
    name = "Riket"
    year = factory.SelfAttribute("item.plan.year")
    value = Decimal("52.00")
    source = "SKR"
    source_date = datetime.date(YEAR + 1, 3, 1)


class ReminderLogFactory(factory.django.DjangoModelFactory):
    """A reminder sent three days before the task's deadline (mid July when
    the occasion has no step for the unit)."""

    class Meta:
        model = "followup.ReminderLog"

    task = factory.SubFactory(ReportingTaskFactory)
    recipient = factory.Sequence(lambda n: f"enhetschef{n}@example.se")
    kind = "before:3"
    sent_on = factory.LazyAttribute(
        lambda o: (
            (o.task.deadline or datetime.date(o.task.occasion.model.year, 7, 15))
            - datetime.timedelta(days=3)
        )
    )


# --- Documents ----------------------------------------------------------------------------


class ReportTextFactory(factory.django.DjangoModelFactory):
    """The committee's own introduction and summary of its
    internkontrollrapport at an occasion that follows up the plan."""

    class Meta:
        model = "documents.ReportText"

    plan = factory.SubFactory(PlanFactory, plan_type__item_kinds=INTERNKONTROLLPLAN)
    occasion = factory.SubFactory(
        FollowUpOccasionFactory, model=factory.SelfAttribute("..plan.plan_type.model")
    )
    introduction = (
        "Nämnden har enligt kommunallagen 6 kap. 6 § ansvar för att den interna kontrollen "
        "är tillräcklig."
    )
    summary = "Kontrollerna visar att rutinerna i huvudsak följs.\n\nTvå åtgärder pågår."


class DocumentSectionFactory(factory.django.DjangoModelFactory):
    """An own section "Personal" of the year's årsredovisning, written by every unit."""

    class Meta:
        model = "followup.DocumentSection"

    model = factory.SubFactory(GovernanceModelFactory)
    document = "arsredovisning"
    key = factory.Sequence(lambda n: f"eget-personal-{n}")
    heading = "Personal"
    instruction = "Beskriv sjukfrånvaron, rekryteringsläget och kompetensförsörjningen."
    order = 6


class DocumentTextFactory(_UnitAtOccasion):
    """The förord of a unit's delårsrapport."""

    class Meta:
        model = "followup.DocumentText"

    document = "delarsrapport"
    section = "forord"
    text = "Året har präglats av arbetet med att korta väntetiderna i hemtjänsten."


class DocumentJobFactory(_UnitAtOccasion):
    """A delårsrapport in PDF, asked for by a user and waiting in the queue."""

    class Meta:
        model = "documents.DocumentJob"

    document = "delarsrapport"
    fmt = "pdf"
    status = "queued"
    requested_by = factory.SubFactory(UserFactory)
    title = ""

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs = super()._adjust_kwargs(**kwargs)
        if not kwargs["title"]:
            kwargs["title"] = f"Delårsrapport, {kwargs['occasion'].name}, {kwargs['unit'].name}"
        return kwargs


class DocumentSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "documents.DocumentSettings"

    organisation = factory.SubFactory(OrganisationFactory)
    heading_colour = "#1e3a5f"
    font = "Source Sans 3"


# --- Kolada -------------------------------------------------------------------------------


class KoladaKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "kolada.KoladaKpi"

    id = factory.Sequence(lambda n: f"N{15400 + n:05d}")
    title = "Elever i åk. 9 som är behöriga till ett yrkesprogram, hemkommun, andel (%)"
    operating_area = "Grundskola"
    is_divided_by_gender = True
    municipality_type = "K"
    fetched_at = factory.LazyFunction(timezone.now)


class KoladaMunicipalityFactory(factory.django.DjangoModelFactory):
    """A municipality as Kolada lists it (one row per code)."""

    class Meta:
        model = "kolada.KoladaMunicipality"
        django_get_or_create = ("id",)

    id = factory.Iterator(["1480", "1280", "0180", "0380", "2080"])
    title = factory.LazyAttribute(
        lambda o: {
            "1480": "Göteborg",
            "1280": "Malmö",
            "0180": "Stockholm",
            "0380": "Uppsala",
            "2080": "Falun",
        }.get(o.id, "Okänd kommun")
    )
    type = "K"


class KoladaOuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "kolada.KoladaOu"

    id = factory.Sequence(lambda n: f"V15E1480{n:05d}")
    title = factory.Iterator(["Hvitfeldtska gymnasiet", "Backaskolan", "Lundbyskolan"])
    municipality_id = "1480"


class KoladaValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "kolada.KoladaValue"

    kpi = factory.SubFactory(KoladaKpiFactory)
    municipality_id = "1480"
    ou_id = ""
    period = YEAR - 1
    gender = "T"
    value = Decimal("84.3")


class KoladaSettingsFactory(factory.django.DjangoModelFactory):
    """The organisation compares itself with Malmö and the whole country."""

    class Meta:
        model = "kolada.KoladaSettings"

    organisation = factory.SubFactory(OrganisationFactory)
    municipality_id = "1480"
    comparison_ids = factory.LazyFunction(lambda: ["1280", "0000"])


class KoladaSyncLogFactory(factory.django.DjangoModelFactory):
    """A successful incremental sync that took half a minute."""

    class Meta:
        model = "kolada.KoladaSyncLog"

    organisation = factory.SubFactory(OrganisationFactory)
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(seconds=30))
    ok = True
    message = "Hämtade 3 nyckeltal och 120 värden."
    counts = factory.LazyFunction(lambda: {"kpis": 3, "values": 120})


# --- Economy ------------------------------------------------------------------------------


class DimensionFactory(factory.django.DjangoModelFactory):
    """The ledger's dimension 1, used as ansvar."""

    class Meta:
        model = "economy.Dimension"

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = "Ansvar"
    kind = "ansvar"


class DimensionObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.DimensionObject"

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"{100 + n}")
    name = factory.Sequence(lambda n: f"Ansvar {100 + n}")


class AnsvarMappingFactory(factory.django.DjangoModelFactory):
    """An ansvar of the unit's organisation, mapped to the unit from 2025."""

    class Meta:
        model = "economy.AnsvarMapping"

    unit = factory.SubFactory(UnitFactory, parent=factory.SubFactory(OrganisationFactory))
    ansvar = factory.SubFactory(
        DimensionObjectFactory, dimension__organisation=factory.SelfAttribute("...unit.parent")
    )
    valid_from = datetime.date(2025, 1, 1)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.Account"

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: f"{5010 + n}")
    name = "Löner"
    kind = "K"


class ReportRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.ReportRow"

    organisation = factory.SubFactory(OrganisationFactory)
    order = 20
    name = "Personalkostnader"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # As the product does when a row changes: the sums per row again.
        if create:
            rowsums.refresh_all(instance.organisation)


class AccountRangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.AccountRange"

    row = factory.SubFactory(ReportRowFactory)
    first = "50"
    last = "59"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            rowsums.refresh_all(instance.row.organisation)


class SieImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.SieImport"

    organisation = factory.SubFactory(OrganisationFactory)
    file_hash = factory.Sequence(lambda n: f"{n:064x}")
    filename = "ekonomi.se"
    org_number = "212000-0001"
    sie_type = 3
    first_period = datetime.date(2025, 1, 1)
    last_period = datetime.date(2025, 3, 1)


class UtfallFactory(factory.django.DjangoModelFactory):
    """Salaries of 1 000 kronor booked in January 2025 on an ansvar."""

    class Meta:
        model = "economy.Utfall"

    organisation = factory.SubFactory(OrganisationFactory)
    source = factory.SubFactory(
        SieImportFactory, organisation=factory.SelfAttribute("..organisation")
    )
    year_start = datetime.date(2025, 1, 1)
    period = datetime.date(2025, 1, 1)
    account = factory.SubFactory(
        AccountFactory, organisation=factory.SelfAttribute("..organisation")
    )
    ansvar = factory.SubFactory(
        DimensionObjectFactory, dimension__organisation=factory.SelfAttribute("...organisation")
    )
    object_key = factory.LazyAttribute(lambda o: f"{o.ansvar.dimension.number}:{o.ansvar.code}")
    in_ansvar_sum = True
    amount = Decimal("1000.00")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # As the import does: the month's sums per report row again.
        if create:
            rowsums.refresh_utfall(instance.organisation, [instance.period])


class YearBalanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.YearBalance"

    organisation = factory.SubFactory(OrganisationFactory)
    source = factory.SubFactory(
        SieImportFactory, organisation=factory.SelfAttribute("..organisation")
    )
    year_start = datetime.date(2025, 1, 1)
    year_end = datetime.date(2025, 12, 31)
    kind = "RES"
    account = factory.SubFactory(
        AccountFactory, organisation=factory.SelfAttribute("..organisation")
    )
    amount = Decimal("12000.00")


class BudgetVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.BudgetVersion"

    organisation = factory.SubFactory(OrganisationFactory)
    year_start = datetime.date(2025, 1, 1)
    kind = "faststalld"
    decided_on = datetime.date(2024, 11, 20)
    decided_by = "Kommunfullmäktige"


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.Budget"

    version = factory.SubFactory(BudgetVersionFactory)
    period = datetime.date(2025, 1, 1)
    account = factory.SubFactory(
        AccountFactory, organisation=factory.SelfAttribute("..version.organisation")
    )
    amount = Decimal("1000.00")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            rowsums.refresh_budget(instance.version)


class UtfallByRowFactory(factory.django.DjangoModelFactory):
    """A sum of utfall on a report row, as economy.rowsums writes it."""

    class Meta:
        model = "economy.UtfallByRow"

    organisation = factory.SubFactory(OrganisationFactory)
    year_start = datetime.date(2025, 1, 1)
    period = datetime.date(2025, 1, 1)
    ansvar = factory.SubFactory(
        DimensionObjectFactory, dimension__organisation=factory.SelfAttribute("...organisation")
    )
    row = factory.SubFactory(ReportRowFactory, organisation=factory.SelfAttribute("..organisation"))
    amount = Decimal("1000.00")


class BudgetByRowFactory(factory.django.DjangoModelFactory):
    """A sum of a budget version's lines on a report row (economy.rowsums)."""

    class Meta:
        model = "economy.BudgetByRow"

    version = factory.SubFactory(BudgetVersionFactory)
    period = datetime.date(2025, 1, 1)
    ansvar = factory.SubFactory(
        DimensionObjectFactory,
        dimension__organisation=factory.SelfAttribute("...version.organisation"),
    )
    row = factory.SubFactory(
        ReportRowFactory, organisation=factory.SelfAttribute("..version.organisation")
    )
    amount = Decimal("1000.00")


class SieUploadFactory(factory.django.DjangoModelFactory):
    """An SIE file uploaded on the import page, imported."""

    class Meta:
        model = "economy.SieUpload"

    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.SubFactory(UserFactory)
    filename = "ekonomi.se"
    status = "done"
    summary = factory.LazyFunction(lambda: {"periods": ["2025-01"]})


class PensionCommitmentFactory(factory.django.DjangoModelFactory):
    """The pensions earned before 1998 (ansvarsförbindelse) at a year's end."""

    class Meta:
        model = "economy.PensionCommitment"

    organisation = factory.SubFactory(OrganisationFactory)
    year_start = datetime.date(2025, 1, 1)
    amount = Decimal("412000000.00")


class InvestmentRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.InvestmentRow"

    organisation = factory.SubFactory(OrganisationFactory)
    order = 10
    name = "Investeringsutgifter"


class InvestmentAccountRangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "economy.InvestmentAccountRange"

    row = factory.SubFactory(InvestmentRowFactory)
    first = "10"
    last = "12"


class VoucherFactory(factory.django.DjangoModelFactory):
    """A voucher of January 2025 from an imported file."""

    class Meta:
        model = "economy.Voucher"

    organisation = factory.SubFactory(OrganisationFactory)
    source = factory.SubFactory(
        SieImportFactory, organisation=factory.SelfAttribute("..organisation")
    )
    year_start = datetime.date(2025, 1, 1)
    period = datetime.date(2025, 1, 1)
    series = "A"
    number = factory.Sequence(lambda n: str(n + 1))
    date = datetime.date(2025, 1, 25)
    text = "Löner januari"


class VoucherLineFactory(factory.django.DjangoModelFactory):
    """Salaries of 1 000 kronor on an ansvar, on a voucher."""

    class Meta:
        model = "economy.VoucherLine"

    voucher = factory.SubFactory(VoucherFactory)
    account = factory.SubFactory(
        AccountFactory, organisation=factory.SelfAttribute("..voucher.organisation")
    )
    ansvar = factory.SubFactory(
        DimensionObjectFactory,
        dimension__organisation=factory.SelfAttribute("...voucher.organisation"),
    )
    object_key = factory.LazyAttribute(lambda o: f"{o.ansvar.dimension.number}:{o.ansvar.code}")
    amount = Decimal("1000.00")


class ForecastFactory(factory.django.DjangoModelFactory):
    """A unit's helårsprognos at an occasion that follows up the economy."""

    class Meta:
        model = "followup.Forecast"

    occasion = factory.SubFactory(
        FollowUpOccasionFactory, kind="monthly", follows_economy=True, asks_forecast=True
    )
    unit = factory.LazyAttribute(lambda o: o.occasion.model.organisation)
    comment = "Prognosen bygger på utfallet till och med mars."


class ForecastRowFactory(factory.django.DjangoModelFactory):
    """The forecast for personalkostnader, of a row of the forecast's organisation."""

    class Meta:
        model = "followup.ForecastRow"

    forecast = factory.SubFactory(ForecastFactory)
    row = factory.SubFactory(
        ReportRowFactory,
        organisation=factory.SelfAttribute("..forecast.occasion.model.organisation"),
    )
    amount = Decimal("-12000.00")
    comment = "Vikarier under sommaren."


class ForecastMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followup.ForecastMeasure"

    forecast = factory.SubFactory(ForecastFactory)
    text = "Se över bemanningen under sommaren."
    responsible = "Enhetschefen"
    due = datetime.date(2025, 9, 30)


class InvestmentBudgetFactory(factory.django.DjangoModelFactory):
    """A projekt's investeringsbudget for 2025, entered in Styrhjul."""

    class Meta:
        model = "economy.InvestmentBudget"

    organisation = factory.SubFactory(OrganisationFactory)
    year_start = datetime.date(2025, 1, 1)
    projekt = factory.SubFactory(
        DimensionObjectFactory,
        dimension__organisation=factory.SelfAttribute("...organisation"),
        dimension__kind="projekt",
        dimension__name="Projekt",
        code=factory.Sequence(lambda n: f"P{n:04d}"),
    )
    amount = Decimal("1200000.00")


class AssessmentRuleFactory(factory.django.DjangoModelFactory):
    """Bedömningsregel: the 000 manual's rule for a level's goals in a plan
    type (the owner assesses, the units it is shared to only describe)."""

    class Meta:
        model = "model.AssessmentRule"

    plan_type = factory.SubFactory(PlanTypeFactory)
    level = factory.SubFactory(GoalLevelFactory, model=factory.SelfAttribute("..plan_type.model"))
    owner_assesses = True
    receivers_assess = False


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A read-only API-nyckel valid for 30 days; the secret it was made from
    is `"styr_" + name`, kept only as its digest (api.models.digest)."""

    class Meta:
        model = "api.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Nyckel {n}")
    scope = "read"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    prefix = factory.LazyAttribute(lambda o: f"styr_{o.name}"[:12])
    digest = factory.LazyAttribute(lambda o: _token_digest(f"styr_{o.name}"))


def _token_digest(secret: str) -> str:
    from styrhjul.api.models import digest

    return digest(secret)


class MachineClientFactory(factory.django.DjangoModelFactory):
    """A machine client: its service user has no password and no e-mail."""

    class Meta:
        model = "api.MachineClient"

    user = factory.SubFactory(
        UserFactory,
        username=factory.Sequence(lambda n: f"maskin-{n}"),
        email="",
        password=None,
    )
    description = "Personalsystemet skickar utfall varje natt."


class WorkerBeatFactory(factory.django.DjangoModelFactory):
    """A worker that reported in just now."""

    class Meta:
        model = "core.WorkerBeat"

    worker_id = factory.Sequence(lambda n: f"arbetare-{n}")
    host = "localhost"
    started_at = factory.LazyFunction(timezone.now)
    seen_at = factory.LazyFunction(timezone.now)


class BackgroundJobFactory(factory.django.DjangoModelFactory):
    """A job opening an occasion, queued."""

    class Meta:
        model = "core.BackgroundJob"

    kind = "occasion_open"
    subject_id = factory.LazyFunction(lambda: FollowUpOccasionFactory().pk)


# --- Publishing ---------------------------------------------------------------------------


class PublicationSettingsFactory(factory.django.DjangoModelFactory):
    """An organisation's open data under CC BY 4.0."""

    class Meta:
        model = "public.PublicationSettings"

    organisation = factory.SubFactory(OrganisationFactory)
    licence = "CC-BY-4.0"


class AccessibilityStatementFactory(factory.django.DjangoModelFactory):
    """The installation's tillgänglighetsredogörelse (one row), written the
    way a system administrator writes it (accessibility_statement_save)."""

    class Meta:
        model = "public.AccessibilityStatement"

    publisher = "Provköpings kommun"
    compliance = "partial"
    known_issues = "Skannade bilagor saknar text som en skärmläsare kan läsa."
    contact = "tillganglighet@example.se"
    assessed_on = datetime.date(2026, 11, 1)

    @classmethod
    def _create(cls, model_class, **kwargs):
        from styrhjul.organisation.access import SYSTEM
        from styrhjul.public.queries import accessibility_statement
        from styrhjul.public.services import accessibility_statement_save

        current = accessibility_statement()
        return accessibility_statement_save(
            actor=SYSTEM, version=current.version if current else 0, **kwargs
        )


class SnapshotFactory(factory.django.DjangoModelFactory):
    """A closed Delårsrapport published by the system: made the way the
    product makes it (public.services.occasion_publish), so its rows are
    what the units had reported."""

    class Meta:
        model = "public.Snapshot"

    occasion = factory.SubFactory(FollowUpOccasionFactory, status="closed")

    @classmethod
    def _create(cls, model_class, occasion, **kwargs):
        from styrhjul.organisation.access import SYSTEM
        from styrhjul.public.services import occasion_publish

        return occasion_publish(actor=SYSTEM, occasion=occasion)


class SnapshotRowFactory(factory.django.DjangoModelFactory):
    """A goal of the organisation as published: assessed green, with an analysis."""

    class Meta:
        model = "public.SnapshotRow"

    snapshot = factory.SubFactory(SnapshotFactory)
    unit = factory.SelfAttribute("snapshot.organisation")
    unit_name = factory.SelfAttribute("unit.name")
    unit_code = factory.SelfAttribute("unit.code")
    item_key = factory.Faker("uuid4", cast_to=None)
    item_id_then = factory.Sequence(lambda n: n + 1)
    plan_type = "Verksamhetsplan"
    kind = ItemKind.GOAL
    title = "Fler unga har en meningsfull fritid"
    perspective = "Invånare"
    level = "Nämndmål"
    state = "rapporterad"
    assessment_label = "Goda förutsättningar att nå målet"
    assessment_symbol = "●"
    assessment_colour = "#1e6b34"
    analysis = "Andelen ökar för tredje året i rad; vi bedömer att målet nås till 2026."


class SnapshotDocumentFactory(factory.django.DjangoModelFactory):
    """The organisation's delårsrapport in PDF, copied into a snapshot."""

    class Meta:
        model = "public.SnapshotDocument"

    snapshot = factory.SubFactory(SnapshotFactory)
    unit_name = factory.SelfAttribute("snapshot.organisation_name")
    title = factory.LazyAttribute(lambda o: f"Delårsrapport, {o.snapshot.title}")
    filename = "delarsrapport.pdf"
    fmt = "pdf"
    data = b"%PDF-1.7 publicerad"
    size = 19
