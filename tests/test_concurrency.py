"""The one rule for saving what several people edit: a save on the version the
user opened is stored as the next version, by them; a save on an older version
is refused with what the other person saved (EditConflict), and nothing is
stored. And one transaction per user action (use_case)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict, lock_for_edit, save_edited
from styrhjul.documents.models import DocumentText
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access, services
from styrhjul.organisation.models import Role, Unit
from styrhjul.planning import services as planning
from styrhjul.planning.models import Plan
from styrhjul.web.middleware import EditConflictMiddleware
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(org, model):
    occasion = FollowUpOccasion.objects.create(
        model=model,
        kind=OccasionKind.INTERIM,
        name="Delårsrapport 2025",
        period_end=datetime.date(2025, 8, 31),
    )
    return {"unit": org["forv"], "occasion": occasion, "document": "interim", "section": "forord"}


def write(key, text, version, actor, **options):
    with transaction.atomic():
        row = lock_for_edit(DocumentText, version, **options, **key)
        row.text = text
        return save_edited(row, actor)


def test_a_first_save_is_version_1_by_the_user(key):
    anna = UserFactory()
    row = write(key, "Ett år av omställning.", 0, anna)
    row.refresh_from_db()
    assert (row.version, row.updated_by, row.text) == (1, anna, "Ett år av omställning.")
    assert row.history.get().history_user == anna


def test_a_save_on_the_version_opened_is_the_next_version(key):
    anna, berit = UserFactory(), UserFactory()
    first = write(key, "Annas text.", 0, anna)
    row = write(key, "Berits text.", first.version, berit)
    row.refresh_from_db()
    assert (row.version, row.updated_by, row.text) == (2, berit, "Berits text.")
    assert row.history.latest().history_user == berit
    assert DocumentText.objects.count() == 1


def test_a_save_on_an_older_version_is_refused_and_nothing_is_saved(key):
    anna, berit = UserFactory(), UserFactory()
    write(key, "Annas text.", 0, anna)
    write(key, "Annas andra text.", 1, anna)
    with pytest.raises(EditConflict) as excinfo:
        write(key, "Berits text.", 1, berit)
    assert str(excinfo.value) == "Någon annan har sparat texterna medan du skrev."
    assert (excinfo.value.current.text, excinfo.value.current.version) == ("Annas andra text.", 2)
    row = DocumentText.objects.get()
    assert (row.version, row.updated_by, row.text) == (2, anna, "Annas andra text.")
    assert row.history.count() == 2


def test_a_first_save_on_top_of_another_first_save_is_refused(key):
    write(key, "Annas text.", 0, UserFactory())
    with pytest.raises(EditConflict) as excinfo:
        write(key, "Berits text.", 0, UserFactory())
    assert excinfo.value.current.text == "Annas text."


def test_a_row_removed_while_the_user_wrote(key):
    anna = UserFactory()
    write(key, "Annas text.", 0, anna)
    DocumentText.objects.all().delete()
    with pytest.raises(ValidationError) as excinfo:
        write(key, "Berits text.", 1, UserFactory(), gone="Texten finns inte längre.")
    assert excinfo.value.messages == ["Texten finns inte längre."]
    assert not DocumentText.objects.exists()
    # Without a message for it, the text is stored anew.
    row = write(key, "Berits text.", 1, anna)
    assert (row.version, row.text) == (1, "Berits text.")


def test_the_system_saves_without_a_user(key):
    row = write(key, "Från importen.", 0, access.SYSTEM)
    row.refresh_from_db()
    assert row.updated_by is None
    assert row.history.get().history_user is None


# --- Units and items: the same rule for an object the service holds ---------------


def test_a_unit_saved_by_someone_else_meanwhile_is_refused_with_their_change(org):
    unit = org["enhet_a1"]
    opened = unit.version
    services.unit_update(
        actor=access.SYSTEM,
        unit=Unit.objects.get(pk=unit.pk),
        version=opened,
        name="Annans namn",
        code=unit.code,
        unit_type=unit.unit_type,
        valid_from=unit.valid_from,
    )
    with pytest.raises(EditConflict) as excinfo:
        services.unit_move(actor=access.SYSTEM, unit=unit, version=opened, new_parent=org["avd_b"])
    assert str(excinfo.value) == "Någon annan har ändrat enheten medan du arbetade."
    assert excinfo.value.current.name == "Annans namn"
    stored = Unit.objects.get(pk=unit.pk)
    assert (stored.parent_id, stored.version) == (org["avd_a"].pk, opened + 1)


# --- One transaction per user action ---------------------------------------------------


def test_a_user_action_cannot_be_wrapped_in_another_transaction(org):
    unit = org["enhet_a1"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.unit_reopen(actor=access.SYSTEM, unit=unit, version=unit.version)


def test_a_plan_is_created_with_its_first_item_or_not_at_all(org, model):
    plan_type = model.plan_types.get(name="Aktivitetsplan")
    with pytest.raises(ValidationError):
        planning.item_add(
            actor=access.SYSTEM,
            unit=org["enhet_a1"],
            plan_type=plan_type,
            kind=ItemKind.ACTIVITY,
            title="Baklänges",
            start_date=datetime.date(2025, 6, 1),
            end_date=datetime.date(2025, 5, 1),
        )
    assert not Plan.objects.filter(unit=org["enhet_a1"]).exists()
    item = planning.item_add(
        actor=access.SYSTEM,
        unit=org["enhet_a1"],
        plan_type=plan_type,
        kind=ItemKind.ACTIVITY,
        title="Framlänges",
    )
    assert item.plan == Plan.objects.get(unit=org["enhet_a1"], plan_type=plan_type)


# --- A conflict no page shows -----------------------------------------------------------


def test_a_conflict_no_page_shows_answers_409_with_what_happened(org, rf):
    request = rf.post("/")
    request.user = UserFactory()
    middleware = EditConflictMiddleware(lambda request: None)
    response = middleware.process_exception(request, EditConflict(org["enhet_a1"]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan har ändrat enheten medan du arbetade. Försök igen." in body
    assert middleware.process_exception(request, ValueError()) is None


# --- Pages: the conflict shown at the form, what the user chose kept ---------------------


@pytest.fixture
def owner_client(org, client):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return client


def rename(unit, name):
    """Someone else renames the unit."""
    return services.unit_update(
        actor=access.SYSTEM,
        unit=Unit.objects.get(pk=unit.pk),
        version=Unit.objects.get(pk=unit.pk).version,
        name=name,
        code=unit.code,
        unit_type=unit.unit_type,
        valid_from=unit.valid_from,
    )


def test_moving_a_unit_someone_changed_meanwhile_shows_it_and_keeps_the_choice(owner_client, org):
    unit = org["enhet_a1"]
    opened = unit.version
    rename(unit, "Annans namn")
    url = reverse("organisation:unit_move", args=[unit.pk])

    response = owner_client.post(url, {"parent": org["avd_b"].pk, "version": opened})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat enheten medan du arbetade." in body
    assert "Dina ändringar finns kvar i formuläret" in body
    assert f'value="{org["avd_b"].pk}" selected' in body
    assert Unit.objects.get(pk=unit.pk).parent == org["avd_a"]
    # Moving again, now on top of the other's change, goes through.
    again = owner_client.post(url, {"parent": org["avd_b"].pk, "version": opened + 1})
    assert again.status_code == 302
    assert Unit.objects.get(pk=unit.pk).parent == org["avd_b"]


def test_reopening_a_unit_someone_changed_meanwhile_says_so(owner_client, org):
    unit = org["enhet_a1"]
    services.unit_close(
        actor=access.SYSTEM, unit=unit, version=unit.version, valid_to=datetime.date(2025, 12, 31)
    )
    opened = Unit.objects.get(pk=unit.pk).version
    rename(unit, "Annans namn")

    response = owner_client.post(
        reverse("organisation:unit_reopen", args=[unit.pk]), {"version": opened}, follow=True
    )

    assert "Någon annan har ändrat enheten medan du arbetade. Försök igen." in (
        response.content.decode()
    )
    assert Unit.objects.get(pk=unit.pk).valid_to == datetime.date(2025, 12, 31)
