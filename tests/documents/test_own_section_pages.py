"""Dokumentinställningar: the model owner adds, changes and removes the
year's own sections of a document; the settings page lists them beside the
built-in sections."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.followup import sections
from styrhjul.followup.models import DocumentSection
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.services import model_copy_to_next_year
from tests.factories import UserFactory, grant, unit_type

pytestmark = pytest.mark.django_db


def settings_page(client, **query):
    return client.get(reverse("documents:settings"), query).content.decode()


def test_a_model_owner_adds_a_section_on_the_page(client, model, model_owner):
    client.force_login(model_owner)
    url = reverse("documents:own_section_create", args=[model.pk, "arsredovisning"])
    assert "Nytt avsnitt i årsredovisningen 2025" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "heading": "Personal",
            "instruction": "Beskriv sjukfrånvaron.",
            "unit_types": [unit_type("Förvaltning").pk],
            "shows_sub_units": "on",
            "order": "6",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("ar=2025#egna-arsredovisning")
    section = DocumentSection.objects.get()
    assert (section.document, section.heading, section.order) == ("arsredovisning", "Personal", 6)
    assert [t.name for t in section.unit_types.all()] == ["Förvaltning"]
    body = settings_page(client)
    assert "Egna avsnitt 2025" in body
    assert "Personal" in body and "Beskriv sjukfrånvaron." in body and "Förvaltning" in body


def test_bad_input_is_shown_at_the_field_and_nothing_saved(client, model, model_owner):
    client.force_login(model_owner)
    response = client.post(
        reverse("documents:own_section_create", args=[model.pk, "delarsrapport"]),
        {"heading": "", "order": "120"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rätta felen nedan" in body
    assert not DocumentSection.objects.exists()


def test_change_and_remove(client, model, model_owner):
    section = sections.section_save(
        actor=access.SYSTEM, model=model, document="delarsrapport", heading="Personal"
    )
    client.force_login(model_owner)
    edit = reverse("documents:own_section_edit", args=[section.pk])
    assert 'value="Personal"' in client.get(edit).content.decode()
    client.post(edit, {"heading": "Medarbetare", "order": "3", "version": "1"})
    section.refresh_from_db()
    assert (section.heading, section.order, section.shows_sub_units) == ("Medarbetare", 3, False)
    # A change opened before that one is refused, and says so.
    response = client.post(edit, {"heading": "Personal", "order": "3", "version": "1"})
    assert "Någon annan har sparat avsnittet" in response.content.decode()

    client.post(reverse("documents:own_section_delete", args=[section.pk]), {"version": "2"})
    assert not DocumentSection.objects.exists()


def test_only_the_organisations_model_owners_change_sections(client, model, org):
    section = sections.section_save(
        actor=access.SYSTEM, model=model, document="delarsrapport", heading="Personal"
    )
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER)
    client.force_login(chef)
    for url in (
        reverse("documents:own_section_create", args=[model.pk, "delarsrapport"]),
        reverse("documents:own_section_edit", args=[section.pk]),
        reverse("documents:own_section_delete", args=[section.pk]),
    ):
        response = client.post(url, {"heading": "Kapad", "order": "1", "version": "1"})
        assert response.status_code == 403
    assert DocumentSection.objects.get().heading == "Personal"
    assert "Lägg till ett eget avsnitt" not in settings_page(client)


def test_the_page_shows_the_year_chosen(client, model, model_owner):
    sections.section_save(
        actor=access.SYSTEM, model=model, document="delarsrapport", heading="Personal"
    )
    copy = model_copy_to_next_year(actor=model_owner, model=model)
    sections.section_save(
        actor=access.SYSTEM, model=copy, document="delarsrapport", heading="Framtid"
    )
    client.force_login(model_owner)
    latest = settings_page(client)
    assert "Egna avsnitt 2026" in latest and "Framtid" in latest
    earlier = settings_page(client, ar="2025")
    assert "Egna avsnitt 2025" in earlier and "Framtid" not in earlier


def test_the_settings_page_costs_the_same_with_more_sections(client, model, model_owner):
    client.force_login(model_owner)

    def count():
        access.forget(model_owner)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("documents:settings")).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for i in range(n):
            section = sections.section_save(
                actor=access.SYSTEM,
                model=model,
                document=("delarsrapport", "arsredovisning", "manadsrapport")[i % 3],
                heading=f"Avsnitt {i}",
            )
            section.unit_types.set([unit_type("Förvaltning"), unit_type("Enhet")])

    add(2)
    small = count()
    add(7)
    assert count() == small
