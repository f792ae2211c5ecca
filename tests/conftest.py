import datetime

import pytest
from django.db import transaction
from django.db.models.signals import post_migrate

from styrhjul.model.models import ItemKind
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services

from .factories import UnitFactory, UserFactory, grant, unit_type


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, migrated; on SQLite a copy of it is
    kept for the tests that start `styrhjul` processes on a migrated
    database of their own (tests/servers.migrated_sqlite)."""
    from .servers import keep_migrated_sqlite

    with django_db_blocker.unblock():
        keep_migrated_sqlite()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` (make test) each test is handed to whichever
    worker is free, so a module's tests would be spread over the workers and
    a module-scoped fixture (the demo loaded once, a started server) set up
    once in each: a module whose tests share such a fixture runs on one
    worker, in a group of its own, unless it is in a group already. Runs
    before pytest-xdist reads the groups."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        definitions = getattr(item, "_fixtureinfo", None)
        if definitions is None:
            continue
        if any(
            fixture.scope == "module"
            for name in item.fixturenames
            for fixture in definitions.name2fixturedefs.get(name, ())
        ):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def _seed_after_flush(sender, using="default", **kwargs):
    """Put back what `styrhjul migrate` seeds (the unit types) whenever the
    test database has been emptied: Django sends post_migrate after a flush,
    which pytest-django runs after every transactional test and some module
    fixtures run after committing data of their own. Every test then starts
    from a migrated database, whichever tests ran before it in its process."""
    if sender.label == "organisation":
        from .factories import default_unit_types

        with transaction.atomic(using=using):
            default_unit_types()


post_migrate.connect(_seed_after_flush, dispatch_uid="tests-seed-after-flush")


@pytest.fixture(autouse=True)
def _xdist_groups_honoured(request):
    """A worker of `--dist loadgroup` marks a grouped test's id with its
    group (`…@browser`), and the groups are scheduled by that mark: fail a
    grouped test whose group was silently ignored (pytest-xdist 3.8 with
    pytest 9.2 did so: each worker then started its own browser and servers
    and loaded the demo again)."""
    node = request.node
    if (
        getattr(request.config.option, "loadgroup", False)
        and node.get_closest_marker("xdist_group")
        and "@" not in node.nodeid
    ):
        pytest.fail(
            "pytest-xdist ignored the test's xdist_group (a pytest version it does not "
            "know? see constraints.txt)",
            pytrace=False,
        )


@pytest.fixture
def org(db):
    """A small municipality: kommun → nämnd → förvaltning → two avdelningar,
    each with two enheter."""
    kommun = UnitFactory(name="Provköpings kommun", code="K", unit_type=unit_type("Kommun"))
    namnd = UnitFactory(
        name="Socialnämnden", code="SN", parent=kommun, unit_type=unit_type("Nämnd")
    )
    forv = UnitFactory(
        name="Socialförvaltningen", code="SF", parent=namnd, unit_type=unit_type("Förvaltning")
    )
    avd_a = UnitFactory(
        name="Äldreomsorg", code="AO", parent=forv, unit_type=unit_type("Avdelning")
    )
    avd_b = UnitFactory(
        name="Individ och familj", code="IFO", parent=forv, unit_type=unit_type("Avdelning")
    )
    units = {
        "kommun": kommun,
        "namnd": namnd,
        "forv": forv,
        "avd_a": avd_a,
        "avd_b": avd_b,
        "enhet_a1": UnitFactory(name="Solgårdens äldreboende", code="AO1", parent=avd_a),
        "enhet_a2": UnitFactory(name="Hemtjänst Norr", code="AO2", parent=avd_a),
        "enhet_b1": UnitFactory(name="Barn och unga", code="IFO1", parent=avd_b),
        "enhet_b2": UnitFactory(name="Vuxenenheten", code="IFO2", parent=avd_b),
    }
    return units


@pytest.fixture
def model_owner(org):
    """Maja Modellägare, model owner of the whole municipality."""
    user = UserFactory(first_name="Maja", last_name="Modellägare")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def model(org):
    """The 2025 model of the test municipality, from the defaults."""
    for key, type_name in (
        ("kommun", "Kommun"),
        ("namnd", "Nämnd"),
        ("forv", "Förvaltning"),
        ("avd_a", "Avdelning"),
        ("avd_b", "Avdelning"),
    ):
        assert org[key].unit_type == unit_type(type_name)
    return model_create_default(actor=access.SYSTEM, organisation=org["kommun"], year=2025)


@pytest.fixture
def chain(org, model):
    """A red thread: council goal → nämndmål → verksamhetsmål at the
    förvaltning → activity at a unit, plus an indicator on the council goal."""
    levels = {lvl.name: lvl for lvl in model.levels.all()}
    perspectives = {p.name: p for p in model.perspectives.all()}
    vp = model.plan_types.get(name="Verksamhetsplan")
    ap = model.plan_types.get(name="Aktivitetsplan")

    def plan(unit, plan_type):
        return services.plan_for(actor=access.SYSTEM, unit=unit, plan_type=plan_type)

    council = services.item_create(
        actor=access.SYSTEM,
        plan=plan(org["kommun"], vp),
        kind=ItemKind.GOAL,
        number="KF1",
        title="Alla barn och unga klarar skolan",
        level=levels["Inriktningsmål"],
        perspective=perspectives["Invånare"],
    )
    indicator = services.item_create(
        actor=access.SYSTEM,
        plan=plan(org["kommun"], vp),
        kind=ItemKind.INDICATOR,
        number="KF1.1",
        title="Andel behöriga till gymnasiet",
        measure_unit="%",
        baseline_year=2022,
        baseline_value=81,
        target_year=2026,
        target_value=88,
        perspective=perspectives["Invånare"],
        contributes_to=[council],
    )
    board = services.item_create(
        actor=access.SYSTEM,
        plan=plan(org["namnd"], vp),
        kind=ItemKind.GOAL,
        number="SN1",
        title="Fler barn i familjer med försörjningsstöd går ut med godkända betyg",
        level=levels["Nämndmål"],
        perspective=perspectives["Invånare"],
        contributes_to=[council],
    )
    operational = services.item_create(
        actor=access.SYSTEM,
        plan=plan(org["forv"], vp),
        kind=ItemKind.GOAL,
        number="SF1",
        title="Tidiga insatser i samverkan med skolan",
        level=levels["Verksamhetsmål"],
        perspective=perspectives["Invånare"],
        contributes_to=[board],
    )
    activity = services.item_create(
        actor=access.SYSTEM,
        plan=plan(org["enhet_b1"], ap),
        kind=ItemKind.ACTIVITY,
        title="Läxhjälp på fritidsgården",
        start_date=datetime.date(2025, 2, 1),
        end_date=datetime.date(2025, 12, 15),
        contributes_to=[operational],
    )
    return {
        "council": council,
        "indicator": indicator,
        "board": board,
        "operational": operational,
        "activity": activity,
        "vp": vp,
        "ap": ap,
        "levels": levels,
        "perspectives": perspectives,
    }


@pytest.fixture
def occasion(org, chain):
    """Delårsrapport 2025 covering the Aktivitetsplan and Verksamhetsplan,
    with deadlines for enheter, avdelningar and förvaltningar, opened."""
    from styrhjul.followup import services as followup
    from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStep

    model = chain["vp"].model
    occ = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delårsrapport 2025",
            period_end=datetime.date(2025, 8, 31),
        ),
        plan_types=[chain["vp"], chain["ap"]],
    )
    for name, type_name, start, deadline in (
        ("Enhetschefer rapporterar", "Enhet", (6, 2), (7, 15)),
        ("Avdelningschefer rapporterar", "Avdelning", (7, 15), (8, 20)),
        ("Förvaltningen sammanställer", "Förvaltning", (8, 20), (9, 1)),
        ("Nämnden beslutar", None, (9, 22), (9, 22)),
    ):
        followup.step_save(
            actor=access.SYSTEM,
            step=OccasionStep(
                occasion=occ,
                name=name,
                unit_type=unit_type(type_name) if type_name else None,
                start=datetime.date(2025, *start),
                deadline=datetime.date(2025, *deadline),
            ),
        )
    followup.occasion_open(actor=access.SYSTEM, occasion=occ)
    return occ


@pytest.fixture
def ik(org, chain, occasion):
    """Individ och familj's Internkontrollplan reported on at the occasion
    (tests/internal_control.py)."""
    from tests.internal_control import make_ik

    return make_ik(org, chain, occasion)


# --- A reported Delårsrapport (documents) ------------------------------------------------
ANALYSIS = (
    "Andelen behöriga ökar för tredje året i rad, men skillnaden mellan flickor och pojkar "
    "består. Läxhjälpen på fritidsgårdarna når fler elever än väntat.\n"
    "Vi bedömer att målet nås till 2026 om ökningstakten håller i sig."
)


def scale_value(kind: str, label: str):
    from styrhjul.model.models import ScaleValue

    return ScaleValue.objects.get(scale__kind=kind, label=label, scale__model__year=2025)


@pytest.fixture
def reported(org, chain, occasion):
    """The council goal assessed and analysed, the activity reported on, and
    the indicator with values, at the Delårsrapport 2025."""
    from django.utils import timezone

    from styrhjul.followup import services as followup
    from styrhjul.followup.models import OccasionStep, ReportingTask
    from styrhjul.indicators.models import IndicatorValue
    from styrhjul.planning.models import Item

    planning = services
    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    Item.objects.filter(pk=chain["indicator"].pk).update(direction="higher", gender_split=True)
    for year, value in ((2023, 82), (2024, 84), (2025, 85)):
        IndicatorValue.objects.create(
            item=chain["indicator"],
            unit=org["kommun"],
            year=year,
            value=value,
            value_women=value + 2,
            value_men=value - 2,
        )
    kommun_task = ReportingTask.objects.get(occasion=occasion, unit=org["kommun"], reporter=None)
    followup.report_save(
        actor=access.SYSTEM,
        task=kommun_task,
        item=chain["council"],
        data=followup.ReportData(
            assessment=scale_value("goal_assessment", "Goda förutsättningar att nå målet"),
            analysis=ANALYSIS,
        ),
        version=0,
    )
    unit_task = ReportingTask.objects.get(occasion=occasion, unit=org["enhet_b1"], reporter=None)
    followup.report_save(
        actor=access.SYSTEM,
        task=unit_task,
        item=chain["activity"],
        data=followup.ReportData(
            status=scale_value("activity_status", "Påbörjad"),
            comment="Startade i mars på två fritidsgårdar; fler platser än väntat.",
        ),
        version=0,
    )
    # The förvaltning's goal SF1 contributes to the nämnd's; link the activity
    # to the council goal too, so the council's chapter lists it.
    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["council"])
    return occasion
