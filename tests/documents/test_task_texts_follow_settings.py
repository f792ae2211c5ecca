"""The task asks only for the texts the document will print: förord,
sammanfattning and viktiga händelser that the organisation's
Dokumentinställningar leave out of its delårsrapport are not on the unit's
task page (nor saved through it); with the house settings all three are.
A unit without a task writes them on the document's Texter page, which
asks for the same texts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from styrhjul.documents import annual
from styrhjul.followup import sections
from styrhjul.followup.models import DocumentText, ReportingTask
from styrhjul.organisation.models import Role
from tests.document_settings import save_settings
from tests.factories import UserFactory, grant
from tests.followup import test_document_sections as task_tests

pytestmark = pytest.mark.django_db

open_occasion = task_tests.open_occasion
forv_task = task_tests.forv_task
forv_chef = task_tests.forv_chef

FIELDS = ("forord-text", "sammanfattning-text", "viktiga_handelser-text")


def task_page(client, task, user) -> str:
    client.force_login(user)
    response = client.get(reverse("followup:task", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_with_the_house_settings_the_task_asks_for_all_three(client, forv_task, forv_chef):
    body = task_page(client, forv_task, forv_chef)

    for name in FIELDS:
        assert f'name="{name}"' in body
    assert [s.slug for s in sections.task_sections(forv_task)] == [
        "forord",
        "sammanfattning",
        "viktiga_handelser",
    ]


def test_texts_the_delarsrapport_leaves_out_are_not_asked_for(
    client, org, forv_task, forv_chef, open_occasion
):
    # The delårsrapport prints only the sammanfattning of the three; the
    # årsredovisning's settings (all three) do not matter at a delårsbokslut.
    keep = {"sammanfattning", "maluppfyllelse", "mal_och_resultat", "ekonomi", "intern_kontroll"}
    save_settings(org, delarsrapport={"include": keep}, arsredovisning={})

    body = task_page(client, forv_task, forv_chef)

    assert 'name="sammanfattning-text"' in body
    assert 'name="forord-text"' not in body
    assert 'name="viktiga_handelser-text"' not in body
    assert "Förord" not in body and "Viktiga händelser" not in body
    assert [s.slug for s in sections.task_sections(forv_task)] == ["sammanfattning"]

    # Nothing can be saved for a text the document does not print ...
    response = client.post(
        reverse("followup:section_text", args=[forv_task.pk, "forord"]),
        {"forord-text": "Ett förord ingen läser.", "forord-version": "0"},
    )
    assert response.status_code == 404
    # ... while the sammanfattning is saved and printed.
    response = client.post(
        reverse("followup:section_text", args=[forv_task.pk, "sammanfattning"]),
        {"sammanfattning-text": "Ett år med stabil ekonomi.", "sammanfattning-version": "0"},
    )
    assert response.status_code == 302
    assert list(DocumentText.objects.values_list("section", "text")) == [
        ("sammanfattning", "Ett år med stabil ekonomi.")
    ]
    report = annual.build(org["forv"], open_occasion)
    assert report.texts == {"sammanfattning": ["Ett år med stabil ekonomi."]}


def test_the_documents_texter_page_leads_to_the_texts_the_task_asks_for(
    client, org, forv_task, forv_chef, open_occasion
):
    DocumentText.objects.create(
        unit=org["forv"],
        occasion=open_occasion,
        document="delarsrapport",
        section="forord",
        text="Ett förord skrivet innan förordet valdes bort.",
    )
    keep = {"sammanfattning", "maluppfyllelse", "mal_och_resultat"}
    save_settings(org, delarsrapport={"include": keep})
    client.force_login(forv_chef)

    url = reverse("documents:texts", args=[org["forv"].pk, open_occasion.pk, "delarsrapport"])
    body = client.get(url).content.decode()

    task_url = reverse("followup:task", args=[forv_task.pk]) + "#avsnitt-sammanfattning"
    assert f'href="{task_url}"' in body
    assert "<h2>Sammanfattning</h2>" in body
    assert "<h2>Förord</h2>" not in body and "<h2>Viktiga händelser</h2>" not in body
    # What was written before stays stored, for when the section is chosen again.
    assert DocumentText.objects.filter(section="forord").exists()


@pytest.fixture
def avdelning_chef(org):
    """A chef of an avdelning, which has no task at the occasion: the
    Texter page takes the texts itself."""
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    return chef


def test_without_a_task_the_texter_page_asks_only_for_the_printed_texts(
    client, org, open_occasion, avdelning_chef
):
    avdelning = org["avd_a"]
    assert not ReportingTask.objects.filter(occasion=open_occasion, unit=avdelning).exists()
    earlier = DocumentText.objects.create(
        unit=avdelning,
        occasion=open_occasion,
        document="delarsrapport",
        section="forord",
        text="Ett förord skrivet innan förordet valdes bort.",
    )
    keep = {"sammanfattning", "maluppfyllelse", "mal_och_resultat"}
    save_settings(org, delarsrapport={"include": keep})
    client.force_login(avdelning_chef)
    url = reverse("documents:texts", args=[avdelning.pk, open_occasion.pk, "delarsrapport"])

    body = client.get(url).content.decode()

    assert 'name="sammanfattning"' in body and 'name="version-sammanfattning"' in body
    for left_out in ("forord", "viktiga_handelser"):
        assert f'name="{left_out}"' not in body and f'name="version-{left_out}"' not in body
    assert "Förord" not in body and "Viktiga händelser" not in body

    response = client.post(
        url,
        {
            "sammanfattning": "Avdelningens år i korthet.",
            "version-sammanfattning": "0",
            "forord": "",  # a text left out is neither shown nor emptied
            "version-forord": str(earlier.version),
        },
    )
    assert response.status_code == 302
    assert dict(DocumentText.objects.filter(unit=avdelning).values_list("section", "text")) == {
        "forord": "Ett förord skrivet innan förordet valdes bort.",
        "sammanfattning": "Avdelningens år i korthet.",
    }


def test_without_a_task_and_no_printed_text_the_texter_page_says_so(
    client, org, open_occasion, avdelning_chef
):
    save_settings(org, delarsrapport={"include": {"maluppfyllelse", "mal_och_resultat"}})
    client.force_login(avdelning_chef)
    url = reverse("documents:texts", args=[org["avd_a"].pk, open_occasion.pk, "delarsrapport"])

    body = client.get(url).content.decode()

    assert "<textarea" not in body
    assert (
        "Dokumentinställningarna tar inte med förord, sammanfattning eller viktiga händelser "
        "i dokumentet, så här finns inga texter att skriva."
    ) in body
    response = client.post(url, {"forord": "Ett förord.", "version-forord": "0"})
    assert response.status_code == 200
    assert not DocumentText.objects.exists()
