"""Förord, sammanfattning and viktiga händelser are written in the unit's
task for the delårsbokslut (or årsbokslut), like the own sections: the same
store as before (so texts written earlier keep showing), the same conflict
check, locking and history; the document's Texter page shows them and the
way to the task, and still takes them for a unit without a task."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict
from styrhjul.documents import registry, texts
from styrhjul.followup import sections, services
from styrhjul.followup.models import DocumentText, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant
from tests.followup import test_document_sections as task_tests
from tests.followup.test_document_sections import task_of

pytestmark = pytest.mark.django_db

open_occasion = task_tests.open_occasion
forv_task = task_tests.forv_task
forv_chef = task_tests.forv_chef


def built_in(task, key):
    return next(s for s in sections.task_sections(task) if s.slug == key)


def write(task, key, user, text, version=0):
    return sections.section_text_save(
        actor=user, task=task, section=built_in(task, key).section, text=text, version=version
    )


def test_the_task_has_the_three_texts_before_the_own_sections(
    client, forv_task, forv_chef, model, model_owner
):
    sections.section_save(
        actor=model_owner, model=model, document="delarsrapport", heading="Personal", order=1
    )
    assert [(s.slug, s.section.heading) for s in sections.task_sections(forv_task)] == [
        ("forord", "Förord"),
        ("sammanfattning", "Sammanfattning"),
        ("viktiga_handelser", "Viktiga händelser"),
        ("eget-personal", "Personal"),
    ]
    client.force_login(forv_chef)
    body = client.get(reverse("followup:task", args=[forv_task.pk])).content.decode()
    assert "Texter till delårsrapporten" in body
    for name in ("forord-text", "sammanfattning-text", "viktiga_handelser-text"):
        assert f'name="{name}"' in body


def test_a_text_written_in_the_task_is_the_documents_with_history(
    client, forv_task, forv_chef, open_occasion, org
):
    client.force_login(forv_chef)
    response = client.post(
        reverse("followup:section_text", args=[forv_task.pk, "sammanfattning"]),
        {"sammanfattning-text": "Ett år med stabil ekonomi.", "sammanfattning-version": "0"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#avsnitt-sammanfattning")
    write(forv_task, "sammanfattning", forv_chef, "Ett år med god ekonomi.", version=1)

    text = DocumentText.objects.get()
    assert (text.unit, text.document, text.section) == (
        org["forv"],
        "delarsrapport",
        "sammanfattning",
    )
    assert [h.text for h in text.history.order_by("history_date")] == [
        "Ett år med stabil ekonomi.",
        "Ett år med god ekonomi.",
    ]
    document = registry.render(
        "delarsrapport", registry.build("delarsrapport", org["forv"], open_occasion), "html"
    )[0].decode()
    assert "Ett år med god ekonomi." in document


def test_a_text_written_earlier_on_the_texter_page_shows_and_is_not_overwritten(
    client, forv_task, forv_chef, open_occasion, org
):
    """Texts stored before the writing moved keep their place and version."""
    texts.document_texts_save(
        actor=forv_chef,
        unit=org["forv"],
        occasion=open_occasion,
        document="delarsrapport",
        values={"forord": "Förordet från förr."},
        versions={},
    )
    entry = built_in(forv_task, "forord")
    assert (entry.text, entry.version) == ("Förordet från förr.", 1)
    client.force_login(forv_chef)
    body = client.get(reverse("followup:task", args=[forv_task.pk])).content.decode()
    assert "Förordet från förr." in body
    # A save on top of it from a page opened before it was written is refused.
    with pytest.raises(EditConflict):
        write(forv_task, "forord", forv_chef, "Mitt förord.", version=0)
    assert DocumentText.objects.get().text == "Förordet från förr."


def test_the_writer_sees_what_the_units_below_wrote(forv_task, forv_chef, open_occasion, org):
    write(forv_task, "viktiga_handelser", forv_chef, "Nytt äldreboende öppnade i maj.")
    namnd = built_in(task_of(open_occasion, org["namnd"]), "viktiga_handelser")
    assert [(w.unit, w.text) for w in namnd.below] == [
        (org["forv"], "Nytt äldreboende öppnade i maj.")
    ]


def test_a_klarmarkerad_task_takes_no_text(forv_task, forv_chef):
    services.task_mark_done(actor=forv_chef, task=forv_task)
    with pytest.raises(PermissionDenied):
        write(forv_task, "forord", forv_chef, "För sent.")
    assert not DocumentText.objects.exists()


def test_the_texter_page_shows_the_texts_and_the_way_to_the_task(
    client, forv_task, forv_chef, open_occasion, org
):
    write(forv_task, "forord", forv_chef, "Förvaltningens förord.")
    client.force_login(forv_chef)
    url = reverse("documents:texts", args=[org["forv"].pk, open_occasion.pk, "delarsrapport"])

    body = client.get(url).content.decode()

    task_url = reverse("followup:task", args=[forv_task.pk]) + "#avsnitt-forord"
    assert f'href="{task_url}"' in body
    assert "Förvaltningens förord." in body
    assert "<textarea" not in body
    assert client.get(task_url.split("#")[0]).status_code == 200
    response = client.post(url, {"forord": "Skrivet på fel ställe."})
    assert response.status_code == 302 and response["Location"] == task_url
    assert DocumentText.objects.get().text == "Förvaltningens förord."


def test_a_unit_without_a_task_still_writes_on_the_texter_page(
    client, open_occasion, org, model_owner
):
    avdelning = org["avd_a"]  # an avdelning, which has no task at this occasion
    assert not ReportingTask.objects.filter(occasion=open_occasion, unit=avdelning).exists()
    chef = UserFactory()
    grant(chef, avdelning, Role.MANAGER)
    client.force_login(chef)
    url = reverse("documents:texts", args=[avdelning.pk, open_occasion.pk, "delarsrapport"])
    assert "<textarea" in client.get(url).content.decode()

    response = client.post(url, {"forord": "Avdelningens förord.", "version-forord": "0"})

    assert response.status_code == 302
    assert DocumentText.objects.get(unit=avdelning, section="forord").text == "Avdelningens förord."
