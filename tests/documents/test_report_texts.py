"""The committee words the introduction and summary of its
internkontrollrapport; the documents use what it wrote."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from styrhjul.documents import internal_control
from styrhjul.documents.docx import internal_control_docx
from styrhjul.documents.models import ReportText
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

INTRO = (
    "Nämnden ansvarar för att den interna kontrollen är tillräcklig.\n"
    "Den här raden hör till samma stycke.\n\n"
    "Årets plan antogs i december och omfattar fem kontrollpunkter."
)


@pytest.fixture
def chef(client, org):
    user = UserFactory()
    grant(user, org["avd_b"], Role.MANAGER)
    client.force_login(user)
    return user


def texts_url(ik):
    return reverse("documents:internal_control_texts", args=[ik["plan"].pk, ik["occasion"].pk])


def docx_paragraphs(report) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(internal_control_docx(report)))
    return [p.text for p in document.paragraphs]


def test_the_form_starts_from_the_generated_texts(client, ik, chef):
    response = client.get(texts_url(ik))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["introduction"].startswith("Enligt kommunallagen (2017:725) 6 kap. 6 §")
    assert "Internkontrollplanen innehåller 6 kontrollpunkter" in form.initial["summary"]


def test_written_texts_are_used_in_the_documents(client, ik, chef):
    response = client.post(
        texts_url(ik),
        {"introduction": INTRO, "summary": "Kontrollerna visar en god ordning.", "version": "0"},
    )

    assert response.status_code == 302
    stored = ReportText.objects.get(plan=ik["plan"], occasion=ik["occasion"])
    assert stored.updated_by == chef
    report = internal_control.build(ik["plan"], ik["occasion"])
    assert report.introduction == [
        "Nämnden ansvarar för att den interna kontrollen är tillräcklig. "
        "Den här raden hör till samma stycke.",
        "Årets plan antogs i december och omfattar fem kontrollpunkter.",
    ]
    assert report.summary == ["Kontrollerna visar en god ordning."]
    paragraphs = docx_paragraphs(report)
    assert "Årets plan antogs i december och omfattar fem kontrollpunkter." in paragraphs
    assert "Kontrollerna visar en god ordning." in paragraphs
    assert not any(p.startswith("Enligt kommunallagen") for p in paragraphs)


def test_an_untouched_summary_keeps_following_the_reporting(client, ik, chef):
    initial = client.get(texts_url(ik)).context["form"].initial

    client.post(
        texts_url(ik),
        {"introduction": INTRO, "summary": initial["summary"], "version": "0"},
    )

    assert ReportText.objects.get().summary == ""


def test_reset_brings_back_the_generated_texts(client, ik, chef):
    client.post(texts_url(ik), {"introduction": INTRO, "summary": "Egen.", "version": "0"})

    client.post(
        texts_url(ik), {"introduction": INTRO, "summary": "Egen.", "version": "1", "aterstall": "1"}
    )

    report = internal_control.build(ik["plan"], ik["occasion"])
    assert report.introduction[0].startswith("Enligt kommunallagen")
    assert report.summary[0].startswith("Internkontrollplanen innehåller 6 kontrollpunkter")


def test_a_save_in_between_is_not_overwritten(client, ik, chef):
    client.post(texts_url(ik), {"introduction": "Först.", "summary": "", "version": "0"})

    response = client.post(
        texts_url(ik), {"introduction": "Min text.", "summary": "", "version": "0"}
    )

    assert response.status_code == 200
    assert "Någon annan har sparat texterna medan du skrev." in response.content.decode()
    assert "Min text." in response.content.decode()
    assert ReportText.objects.get().introduction == "Först."


def test_readers_may_download_but_not_write_the_texts(client, ik, org):
    reader = UserFactory()
    grant(reader, org["avd_b"], Role.READER)
    client.force_login(reader)

    assert client.get(texts_url(ik)).status_code == 403
    response = client.post(texts_url(ik), {"introduction": "x", "summary": "", "version": "0"})

    assert response.status_code == 403
    assert not ReportText.objects.exists()
    plan_page = client.get(reverse("planning:plan", args=[ik["plan"].pk])).content.decode()
    assert "Inledning och sammanfattning" not in plan_page
