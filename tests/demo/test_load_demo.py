"""The demo municipality Sjöbacka and `styrhjul load-demo`."""

import datetime
import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction

from styrhjul.core.concurrency import one_action
from styrhjul.demo import data
from styrhjul.demo.services import DemoConflict, load_demo
from styrhjul.documents.models import DocumentSettings, DocumentText
from styrhjul.model.models import (
    GoalLevel,
    GovernanceModel,
    Perspective,
    PlanType,
    Scale,
    ScaleValue,
    Vision,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, RoleGrant, Unit, UnitType, User
from styrhjul.planning.models import Item, ItemLink, ItemShare, Plan
from tests.demo.rows import counts
from tests.demo.years import CAL
from tests.factories import UnitFactory, UserFactory, unit_type

LOGIN_URL = "/konto/logga-in/"
MODEL_MODELS = (GovernanceModel, Perspective, GoalLevel, Scale, ScaleValue, PlanType)
PLANNING_MODELS = (Plan, Item, ItemLink, ItemShare)
DOCUMENT_MODELS = (DocumentSettings, DocumentText)
HISTORY_MODELS = (
    Unit,
    User,
    RoleGrant,
    UnitType,
    Vision,
    *MODEL_MODELS,
    *PLANNING_MODELS,
    *DOCUMENT_MODELS,
)


@pytest.fixture(scope="class")
def loaded_once(django_db_setup, django_db_blocker):
    """The demo, loaded once for a class of tests (loading takes a second or
    two), in a transaction rolled back after the class. Each test still runs
    in its own savepoint (the `db` fixture), so what one test changes the
    next does not see."""
    with django_db_blocker.unblock(), one_action():
        yield load_demo()
        transaction.set_rollback(True)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def user(username: str) -> User:
    return User.objects.get(username=username)


def open_units_of_type(name: str):
    return Unit.objects.filter(unit_type__name=name).valid_on(datetime.date.today())


PROMISED_GRANTS = {
    "admin": ("1000", Role.ADMIN, True),
    "modellagare": ("3100", Role.MODEL_OWNER, True),
    "forvaltningschef": ("3100", Role.MANAGER, True),
    "avdelningschef": ("3110", Role.MANAGER, True),
    "enhetschef": ("3111", Role.MANAGER, True),
    "rapportor": ("3120", Role.REPORTER, True),
    "politiker": ("3000", Role.READER, True),
    "revisor": ("1000", Role.READER, True),
}


# --- An empty database ------------------------------------------------------------


def test_the_command_prints_a_swedish_summary(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("Demokommunen Sjöbacka kommun är på plats: ")
    assert f"{Unit.objects.count()} enheter, {User.objects.count()} användare." in out.getvalue()
    plans = Plan.objects.filter(plan_type__model__year=CAL.year(2025))
    items = Item.objects.filter(plan__plan_type__model__year=CAL.year(2025))
    assert (
        f"Styrmodell {CAL.last_year} med {plans.count()} planer och {items.count()} poster, "
        "uppföljd och avslutad med årsbokslut." in out.getvalue()
    )
    # The model is carried forward to this year, so today's plans exist too.
    this_year = CAL.this_year
    assert f"Kopierad till {this_year}." in out.getvalue()
    if this_year > CAL.year(2025):
        assert Item.objects.filter(plan__plan_type__model__year=this_year).count() == (
            items.filter(archived_at__isnull=True).count()
        )
    # A follow-up is open now in this year's model, so there is something to report.
    from styrhjul.followup.models import FollowUpOccasion
    from styrhjul.followup.services import is_locked

    current = FollowUpOccasion.objects.filter(model__year=this_year, status="open").latest(
        "period_end"
    )
    assert f"{current.name} är öppen för rapportering nu (" in out.getvalue()
    task = current.tasks.filter(unit__code="3111").first()
    assert task is not None and not is_locked(task)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().strip() == "Demokommunen Sjöbacka kommun fanns redan; inget ändrat."


def test_refuses_a_database_with_another_organisation(db):
    UnitFactory(name="Provköpings kommun", code="K", unit_type=unit_type("Kommun"))
    before = counts(HISTORY_MODELS)
    with pytest.raises(CommandError, match="annan organisation: Provköpings kommun"):
        call_command("load_demo", stdout=io.StringIO())
    assert counts(HISTORY_MODELS) == before


def test_refuses_a_real_root_that_happens_to_have_the_demo_code(db):
    UnitFactory(name="Provköpings kommun", code="1000", unit_type=unit_type("Kommun"))
    with pytest.raises(DemoConflict):
        load_demo()
    assert Unit.objects.count() == 1


def test_refuses_when_a_demo_user_name_is_taken(db):
    UserFactory(username="admin", email="it@provkoping.example")
    before = counts(HISTORY_MODELS)
    with pytest.raises(CommandError, match="Användaren admin"):
        call_command("load_demo", stdout=io.StringIO())
    assert counts(HISTORY_MODELS) == before


def test_the_refusal_names_every_clash(db):
    other = UnitFactory(name="Provköpings kommun", code="K", unit_type=unit_type("Kommun"))
    UnitFactory(name="Förskolan Lärkan", code="3111", parent=other)
    UserFactory(username="kalle", email="revisor@sjobacka.example")
    with pytest.raises(DemoConflict) as refused:
        load_demo()
    assert refused.value.problems == [
        "Databasen har redan en annan organisation: Provköpings kommun (kod K).",
        "Koden 3111 används redan av enheten Förskolan Lärkan.",
        "Användaren kalle (revisor@sjobacka.example) finns redan och är inte "
        "demoanvändaren revisor (revisor@sjobacka.example).",
    ]
    assert Unit.objects.count() == 2


def test_demo_logins_lists_the_role_users_once_loaded(db):
    assert data.demo_logins() == []
    load_demo()
    logins = data.demo_logins()
    assert [x["username"] for x in logins] == list(PROMISED_GRANTS)
    assert {
        "username": "enhetschef",
        "name": "Sara Nyberg",
        "description": "Enhetschef, Förskoleområde Norr",
    } in logins


# --- The loaded demo --------------------------------------------------------------


@pytest.mark.xdist_group("demo-loaded")  # one worker, so the demo is loaded once
class TestTheLoadedDemo:
    def test_the_municipality_has_the_promised_shape(self, demo):
        root = Unit.objects.get(parent__isnull=True)
        assert (root.name, root.code, root.unit_type.name) == ("Sjöbacka kommun", "1000", "Kommun")
        assert {u.unit_type.name for u in root.children.all()} == {
            "Kommunfullmäktige",
            "Kommunstyrelse",
            "Nämnd",
            "Bolag",
        }
        assert open_units_of_type("Nämnd").count() == 3
        assert open_units_of_type("Förvaltning").count() == 4  # with Kommunledningsförvaltningen
        assert open_units_of_type("Avdelning").count() >= 8
        assert open_units_of_type("Enhet").count() >= 30
        assert open_units_of_type("Bolag").count() == 1
        assert unit("1100").parent == Unit.objects.get(unit_type__name="Kommunstyrelse")
        for namnd in open_units_of_type("Nämnd"):
            assert [c.unit_type.name for c in namnd.children.all()] == ["Förvaltning"]
        for enhet in Unit.objects.filter(unit_type__name="Enhet"):
            assert enhet.parent.unit_type.name == "Avdelning"
        assert not Unit.objects.exclude(valid_from=CAL.date(datetime.date(2020, 1, 1))).exists()
        assert all(u.code.isdigit() for u in Unit.objects.all())
        assert demo.units == Unit.objects.count()

    def test_one_unit_was_closed_in_a_reorganisation_and_the_history_shows_it(self, demo):
        closed = Unit.objects.get(valid_to__isnull=False)
        assert closed.valid_to == CAL.date(datetime.date(2024, 12, 31))
        assert closed.is_closed()
        records = list(closed.history.order_by("history_date", "history_id"))
        assert [r.history_type for r in records] == ["+", "~"]
        assert records[-1].valid_to == CAL.date(datetime.date(2024, 12, 31))
        assert records[-1].history_change_reason == "Stängd"
        assert closed not in Unit.objects.valid_in_year(CAL.year(2025))
        assert closed in Unit.objects.valid_in_year(CAL.year(2024))

    def test_every_open_enhet_has_a_manager(self, demo):
        managed = set(RoleGrant.objects.filter(role=Role.MANAGER).values_list("unit_id", flat=True))
        for enhet in open_units_of_type("Enhet"):
            assert enhet.pk in managed, enhet

    def test_the_audit_trail_records_the_system_as_the_author(self, demo):
        for model in (Unit, User, RoleGrant, Vision, *MODEL_MODELS, *PLANNING_MODELS):
            assert model.history.exists()
            assert not model.history.filter(history_user__isnull=False).exists()

    def test_the_municipality_has_a_vision(self, demo):
        vision = Vision.objects.get()
        assert vision.unit == Unit.objects.get(parent__isnull=True)
        assert (vision.title, vision.horizon_year, vision.valid_from_year) == (
            "Sjöbacka 2035",
            2035,
            2024,
        )
        assert len(vision.text) > 100

    def test_loading_twice_changes_nothing(self, demo):
        assert demo.changed
        before = counts(HISTORY_MODELS)
        again = load_demo()
        assert counts(HISTORY_MODELS) == before
        assert not again.changed
        assert again.message == "Demokommunen Sjöbacka kommun fanns redan; inget ändrat."
        assert (again.units, again.users) == (demo.units, demo.users)

    def test_a_partly_loaded_demo_is_completed(self, demo):
        RoleGrant.objects.filter(user__username="enhetschef").delete()
        Vision.objects.all().delete()
        summary = load_demo()
        assert (summary.grants_created, summary.vision_created) == (1, True)
        assert summary.units_created == summary.users_created == 0
        assert access.can_read(user("enhetschef"), unit("3111"))

    @pytest.mark.parametrize("username", PROMISED_GRANTS)
    def test_each_role_user_has_the_promised_grant(self, demo, username):
        code, role, subtree = PROMISED_GRANTS[username]
        person = user(username)
        assert person.email == f"{username}@sjobacka.example"
        assert person.get_full_name() and person.title
        assert [(g.unit.code, g.role, g.includes_subtree) for g in person.grants.all()] == [
            (code, role, subtree)
        ]

    def test_the_promised_units_have_the_promised_kinds(self, demo):
        assert unit("3100").name == "Barn- och utbildningsförvaltningen"
        assert unit("3100").unit_type.name == "Förvaltning"
        assert unit("3110").unit_type.name == "Avdelning"
        assert unit("3111").name == "Förskoleområde Norr"
        assert unit("3120").unit_type.name == "Avdelning"
        assert unit("3000").name == "Barn- och utbildningsnämnden"

    def test_the_enhetschef_reads_their_enhet_and_not_a_sibling(self, demo):
        chef = user("enhetschef")
        assert access.can_read(chef, unit("3111"))
        assert access.can_write(chef, unit("3111"))
        assert not access.can_read(chef, unit("3112"))  # Förskoleområde Söder
        assert not access.can_read(chef, unit("3110"))
        assert not access.can_manage(chef, unit("3111"))

    def test_the_others_see_what_their_role_gives_them(self, demo):
        assert access.is_admin(user("admin"))
        owner = user("modellagare")
        assert access.can_manage(owner, unit("3111")) and not access.can_read(owner, unit("4100"))
        reporter = user("rapportor")
        assert access.can_write(reporter, unit("3120")) and not access.can_write(
            reporter, unit("3121")
        )
        politician = user("politiker")
        assert access.can_read(politician, unit("3121"))
        assert not access.can_write(politician, unit("3000"))
        assert not access.can_read(politician, unit("4000"))
        auditor = user("revisor")
        assert all(access.can_read(auditor, u) for u in Unit.objects.all())
        assert not any(access.can_write(auditor, u) for u in Unit.objects.all())

    def test_the_demo_password_passes_the_validators(self, demo):
        for username in PROMISED_GRANTS:
            validate_password(data.DEMO_PASSWORD, user(username))

    @pytest.mark.parametrize("username", ["admin", "enhetschef", "politiker", "hanna.viklund"])
    def test_demo_users_log_in_with_the_demo_password(self, demo, client, username):
        response = client.post(LOGIN_URL, {"username": username, "password": data.DEMO_PASSWORD})
        assert response.status_code == 302
        assert response.url == "/"
        assert client.get("/").status_code == 200

    def test_every_demo_user_has_the_demo_password(self, demo):
        users = User.objects.filter(email__endswith="@sjobacka.example")
        assert users.count() == demo.users
        assert all(u.check_password(data.DEMO_PASSWORD) for u in users)

    def test_the_login_page_shows_the_demo_users_in_demo_mode(self, demo, client, settings):
        settings.DEMO_MODE = True
        page = client.get(LOGIN_URL).content.decode()
        assert "Demoanvändare" in page
        assert data.DEMO_PASSWORD in page
        assert "Enhetschef, Förskoleområde Norr" in page
        assert "<code>revisor</code>" in page

    def test_the_login_page_hides_them_otherwise(self, demo, client, settings):
        settings.DEMO_MODE = False
        page = client.get(LOGIN_URL).content.decode()
        assert "Demoanvändare" not in page
        assert data.DEMO_PASSWORD not in page
        assert "enhetschef" not in page


def test_the_demo_is_refused_in_production_unless_asked_for_explicitly(db, settings):
    # With DEBUG off the demo's known password would open a real installation.
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="läses inte in när DEBUG är av"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists() and not Unit.objects.exists()

    err = io.StringIO()
    call_command("load_demo", "--i-know-this-is-not-production", stdout=io.StringIO(), stderr=err)
    assert Unit.objects.filter(code="1000").exists()
    assert "känt lösenord" in err.getvalue()


def test_the_help_never_prints_the_demo_password():
    from styrhjul.demo import data
    from styrhjul.demo.management.commands.load_demo import Command

    assert data.DEMO_PASSWORD not in Command().create_parser("styrhjul", "load-demo").format_help()
