"""Own sections in the Uppföljning av aktiviteter per datum: a controller adds
"Personal" to the document on Dokumentinställningar; the units write it in
their task at any occasion (beside the sections of the occasion's own
document, which may have the same heading); the document prints it after
the tables, the document's unit first and then the units below by name, in
PDF, Word and Excel."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from styrhjul.documents import registry
from styrhjul.followup import sections
from styrhjul.followup.models import DocumentText
from tests.documents.test_internal_control_units import docx_text
from tests.followup import test_document_sections as task_tests
from tests.followup.test_document_sections import task_of
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

# The fixtures of the task's own sections: an open Delårsrapport, the
# förvaltning's task and its manager.
open_occasion = task_tests.open_occasion
forv_task = task_tests.forv_task
forv_chef = task_tests.forv_chef

INSTRUCTION = "Beskriv personalläget inför hösten."


@pytest.fixture
def followup_personal(model, model_owner, open_occasion):
    return sections.section_save(
        actor=model_owner,
        model=model,
        document="uppfoljning",
        heading="Personal",
        instruction=INSTRUCTION,
        order=1,
    )


@pytest.fixture
def interim_personal(model, model_owner, open_occasion):
    """The delårsrapport's own "Personal": the same key in another document."""
    return sections.section_save(
        actor=model_owner, model=model, document="delarsrapport", heading="Personal", order=6
    )


def write(task, section, user, text, version=0):
    return sections.section_text_save(
        actor=user, task=task, section=section, text=text, version=version
    )


def test_the_unit_writes_both_documents_sections_in_its_task(
    client, followup_personal, interim_personal, forv_task, forv_chef
):
    assert followup_personal.key == interim_personal.key == "eget-personal"
    found = sections.task_sections(forv_task)
    assert [(s.section.document, s.slug) for s in found] == [
        ("delarsrapport", "forord"),
        ("delarsrapport", "sammanfattning"),
        ("delarsrapport", "viktiga_handelser"),
        ("delarsrapport", "eget-personal"),
        ("uppfoljning", "uppfoljning-eget-personal"),
    ]
    client.force_login(forv_chef)
    body = client.get(reverse("followup:task", args=[forv_task.pk])).content.decode()
    assert "Texter till delårsrapporten" in body
    assert "Texter till uppföljningen av aktiviteter per datum" in body
    assert INSTRUCTION in body
    assert 'name="uppfoljning-eget-personal-text"' in body

    response = client.post(
        reverse("followup:section_text", args=[forv_task.pk, "uppfoljning-eget-personal"]),
        {
            "uppfoljning-eget-personal-text": "Två tjänster är vakanta.",
            "uppfoljning-eget-personal-version": "0",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#avsnitt-uppfoljning-eget-personal")
    text = DocumentText.objects.get()
    assert (text.document, text.section, text.text) == (
        "uppfoljning",
        "eget-personal",
        "Två tjänster är vakanta.",
    )
    # The delårsrapport's section with the same key is another text.
    write(forv_task, interim_personal, forv_chef, "Delårets personalläge.")
    assert DocumentText.objects.count() == 2
    assert sections.task_sections(forv_task)[-1].text == "Två tjänster är vakanta."


def test_an_occasion_of_any_kind_writes_the_followup_sections(
    model, model_owner, org, open_occasion, followup_personal
):
    """The per-date follow-up is made at every occasion, whatever its kind."""
    open_occasion.kind = "other"
    open_occasion.save()
    found = sections.task_sections(task_of(open_occasion, org["forv"]))
    assert [(s.section.document, s.slug) for s in found] == [
        ("uppfoljning", "uppfoljning-eget-personal")
    ]


def test_the_document_prints_the_section_in_every_format(
    followup_personal, open_occasion, org, forv_task, forv_chef, tmp_path
):
    from docx import Document
    from openpyxl import load_workbook

    from styrhjul.organisation.models import Role
    from tests.factories import UserFactory, grant

    namnd_chef = UserFactory()
    grant(namnd_chef, org["namnd"], Role.MANAGER)
    write(
        task_of(open_occasion, org["namnd"]),
        followup_personal,
        namnd_chef,
        "Nämnden ser två vakanser.\n\nEn anställs.",
    )
    write(forv_task, followup_personal, forv_chef, "Förvaltningen är fullbemannad.")
    forv = org["forv"]

    pdf = pdf_text(registry.make("uppfoljning", org["namnd"], open_occasion, "pdf").data)
    tail = pdf[pdf.rindex("Personal") :]
    assert tail.index("Nämnden ser två vakanser.") < tail.index("En anställs.")
    assert tail.index("En anställs.") < tail.index(forv.name) < tail.index("Förvaltningen är")

    data = registry.make("uppfoljning", org["namnd"], open_occasion, "docx").data
    headings = [
        (p.style.name, p.text)
        for p in Document(io.BytesIO(data)).paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert ("Heading 1", "Personal") in headings
    assert ("Heading 2", forv.name) in headings
    text = docx_text(data)
    assert text.index("Nämnden ser två vakanser.") < text.index("Förvaltningen är fullbemannad.")

    book = load_workbook(
        io.BytesIO(registry.make("uppfoljning", org["namnd"], open_occasion, "xlsx").data)
    )
    rows = list(book["Egna avsnitt"].iter_rows(values_only=True))
    assert rows == [
        ("Avsnitt", "Enhet", "Text"),
        ("Personal", org["namnd"].name, "Nämnden ser två vakanser.\n\nEn anställs."),
        ("Personal", forv.name, "Förvaltningen är fullbemannad."),
    ]


def test_a_section_nobody_wrote_in_is_left_out(followup_personal, open_occasion, org):
    from openpyxl import load_workbook

    pdf = pdf_text(registry.make("uppfoljning", org["forv"], open_occasion, "pdf").data)
    assert "Personal" not in pdf
    book = load_workbook(
        io.BytesIO(registry.make("uppfoljning", org["forv"], open_occasion, "xlsx").data)
    )
    assert "Egna avsnitt" not in book.sheetnames
