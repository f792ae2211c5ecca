"""Saving the free-text sections of a unit's delårsrapport or årsredovisning:
only what was written or changed is stored, and nobody overwrites another's
text silently."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrhjul.core.concurrency import EditConflict
from styrhjul.documents import texts
from styrhjul.documents.models import DocumentText
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def occasion(model):
    return FollowUpOccasion.objects.create(
        model=model,
        kind=OccasionKind.INTERIM,
        name="Delårsrapport 2025",
        period_end=datetime.date(2025, 8, 31),
    )


def writer(org):
    user = UserFactory()
    grant(user, org["namnd"], Role.MANAGER)
    return user


@pytest.fixture
def chef(org):
    return writer(org)


def save(org, occasion, actor, values, versions=None):
    texts.document_texts_save(
        actor=actor,
        unit=org["namnd"],
        occasion=occasion,
        document="delarsrapport",
        values=values,
        versions=versions or {},
    )
    return {t.section: t for t in DocumentText.objects.all()}


def test_only_written_sections_are_stored(org, occasion, chef):
    stored = save(
        org, occasion, chef, {"forord": "  Ett år av omställning. ", "sammanfattning": ""}
    )
    assert list(stored) == ["forord"]
    forord = stored["forord"]
    assert (forord.text, forord.version, forord.updated_by) == ("Ett år av omställning.", 1, chef)
    assert forord.history.get().history_user == chef


def test_an_unchanged_section_keeps_its_version(org, occasion, chef):
    save(org, occasion, chef, {"forord": "Förord.", "sammanfattning": "Sammanfattning."})
    stored = save(
        org,
        occasion,
        writer(org),
        {"forord": "Förord.", "sammanfattning": "En ny sammanfattning."},
        {"forord": 1, "sammanfattning": 1},
    )
    assert (stored["forord"].version, stored["forord"].updated_by) == (1, chef)
    assert stored["forord"].history.count() == 1
    assert (stored["sammanfattning"].version, stored["sammanfattning"].text) == (
        2,
        "En ny sammanfattning.",
    )


def test_a_save_on_an_older_version_is_refused_with_the_others_text(org, occasion, chef):
    save(org, occasion, chef, {"forord": "Chefens förord."})
    with pytest.raises(EditConflict) as excinfo:
        save(org, occasion, writer(org), {"forord": "Mitt förord."}, {"forord": 0})
    assert str(excinfo.value) == "Någon annan har sparat texterna medan du skrev."
    assert excinfo.value.current.text == "Chefens förord."
    assert DocumentText.objects.get().text == "Chefens förord."


def test_a_section_removed_meanwhile_is_stored_anew(org, occasion, chef):
    save(org, occasion, chef, {"forord": "Först."})
    DocumentText.objects.all().delete()
    stored = save(org, occasion, chef, {"forord": "Igen."}, {"forord": 1})
    assert (stored["forord"].text, stored["forord"].version) == ("Igen.", 1)


def test_too_long_a_text_and_readers_are_refused(org, occasion, chef):
    with pytest.raises(ValidationError) as excinfo:
        save(org, occasion, chef, {"forord": "x" * (texts.MAX_CHARS + 1)})
    assert "forord" in excinfo.value.message_dict
    reader = UserFactory()
    grant(reader, org["namnd"], Role.READER)
    with pytest.raises(PermissionDenied):
        save(org, occasion, reader, {"forord": "Läsarens förord."})
    assert not DocumentText.objects.exists()
