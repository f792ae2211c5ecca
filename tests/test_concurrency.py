"""The one rule for saving an edited text: a save on the version the user
opened is stored as the next version, by them; a save on an older version is
refused with what the other person saved, and nothing is stored."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from styrhjul.core.concurrency import StaleEdit, lock_for_edit, save_edited
from styrhjul.documents.models import DocumentText
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.organisation import access
from tests.factories import UserFactory

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


class Conflict(StaleEdit):
    def __init__(self, current):
        super().__init__(current, "Någon hann före.")


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
    with pytest.raises(Conflict) as excinfo:
        write(key, "Berits text.", 1, berit, stale=Conflict)
    assert str(excinfo.value) == "Någon hann före."
    assert (excinfo.value.current.text, excinfo.value.current.version) == ("Annas andra text.", 2)
    row = DocumentText.objects.get()
    assert (row.version, row.updated_by, row.text) == (2, anna, "Annas andra text.")
    assert row.history.count() == 2


def test_the_default_conflict_carries_the_stored_row(key):
    write(key, "Annas text.", 0, UserFactory())
    with pytest.raises(StaleEdit) as excinfo:
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
