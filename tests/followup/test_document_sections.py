"""Own sections of the documents (egna avsnitt): a controller adds
"Personal" with an instruction to the year's delårsrapport; the units write
it in their task for the occasion, with the rules of their reports: who may
write, conflicts, locking, klarmarkering and history; the year copy takes
the sections along."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import sections, services
from styrhjul.followup.models import DocumentSection, DocumentText, OccasionStep, ReportingTask
from styrhjul.model.models import GovernanceModel
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.services import model_copy_to_next_year
from tests.factories import UnitFactory, UserFactory, grant, unit_type
from tests.followup.test_economy_tasks import ledger  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

INSTRUCTION = "Beskriv sjukfrånvaron och rekryteringsläget. Högst en halv sida."


@pytest.fixture
def open_occasion(occasion):
    """The Delårsrapport with its deadlines two weeks ahead: nothing is locked."""
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    return occasion


@pytest.fixture
def personal(model, model_owner, open_occasion):
    return sections.section_save(
        actor=model_owner,
        model=model,
        document="delarsrapport",
        heading="Personal",
        instruction=INSTRUCTION,
        order=6,
    )


def task_of(occasion, unit):
    return ReportingTask.objects.filter(occasion=occasion, unit=unit, reporter=None).first()


@pytest.fixture
def forv_task(open_occasion, org):
    return task_of(open_occasion, org["forv"])


@pytest.fixture
def forv_chef(org):
    user = UserFactory(first_name="Fredrik", last_name="Förvaltningschef")
    grant(user, org["forv"], Role.MANAGER)
    return user


def own_sections(task):
    """The task's own sections (not the built-in förord, sammanfattning and
    viktiga händelser)."""
    return [s for s in sections.task_sections(task) if s.section.pk]


def write(task, section, user, text, version=0):
    return sections.section_text_save(
        actor=user, task=task, section=section, text=text, version=version
    )


# --- The controller's templates ----------------------------------------------------------


def test_a_model_owner_adds_a_section_with_a_key_of_its_own(personal, model, model_owner):
    second = sections.section_save(
        actor=model_owner, model=model, document="delarsrapport", heading="Personal", order=7
    )
    assert personal.key == "eget-personal"
    assert second.key == "eget-personal-2"
    assert personal.history.count() == 1


def test_only_those_who_manage_the_organisation_add_sections(model, org, forv_chef):
    with pytest.raises(PermissionDenied):
        sections.section_save(
            actor=forv_chef, model=model, document="delarsrapport", heading="Personal"
        )
    assert not DocumentSection.objects.exists()


def test_bad_input_is_named_at_the_field_and_nothing_is_saved(model, model_owner):
    with pytest.raises(ValidationError) as exc:
        sections.section_save(
            actor=model_owner,
            model=model,
            document="delarsrapport",
            heading=" ",
            instruction="x" * 5001,
            order=0,
        )
    assert set(exc.value.message_dict) == {"heading", "instruction", "order"}
    assert exc.value.message_dict["heading"] == ["Skriv en rubrik."]
    assert not DocumentSection.objects.exists()


def test_a_change_on_top_of_someone_elses_is_refused(personal, model, model_owner):
    def change(heading, version):
        return sections.section_save(
            actor=model_owner,
            model=model,
            document="delarsrapport",
            heading=heading,
            order=6,
            section=DocumentSection.objects.get(pk=personal.pk),
            version=version,
        )

    change("Medarbetare", 1)
    with pytest.raises(EditConflict):
        change("Personal och kompetens", 1)
    assert DocumentSection.objects.get().heading == "Medarbetare"


def test_the_year_copy_copies_the_sections_with_their_unit_types(personal, model, model_owner):
    personal.unit_types.set([unit_type("Förvaltning")])
    personal.shows_sub_units = False
    personal.save()

    copy = model_copy_to_next_year(actor=model_owner, model=model)

    copied = DocumentSection.objects.get(model=copy)
    assert (copied.key, copied.heading, copied.instruction, copied.order) == (
        "eget-personal",
        "Personal",
        INSTRUCTION,
        6,
    )
    assert [t.name for t in copied.unit_types.all()] == ["Förvaltning"]
    assert copied.shows_sub_units is False
    assert GovernanceModel.objects.count() == 2
    assert DocumentSection.objects.get(model=model).heading == "Personal"  # left as it was


# --- Writing in the task ---------------------------------------------------------------


def test_a_manager_writes_the_section_and_history_keeps_it(personal, forv_task, forv_chef):
    first = write(forv_task, personal, forv_chef, "Sjukfrånvaron minskade till 7,9 %.")
    write(forv_task, personal, forv_chef, "Sjukfrånvaron minskade till 7,8 %.", first.version)

    text = DocumentText.objects.get()
    assert (text.document, text.section, text.unit_id) == (
        "delarsrapport",
        "eget-personal",
        forv_task.unit_id,
    )
    assert text.text == "Sjukfrånvaron minskade till 7,8 %."
    assert [h.text for h in text.history.order_by("history_date")] == [
        "Sjukfrånvaron minskade till 7,9 %.",
        "Sjukfrånvaron minskade till 7,8 %.",
    ]
    assert text.history.first().history_user == forv_chef


def test_a_save_on_top_of_someone_elses_is_refused(personal, forv_task, forv_chef):
    write(forv_task, personal, forv_chef, "Först.")
    with pytest.raises(EditConflict) as exc:
        write(forv_task, personal, forv_chef, "Sedan, utan att ha sett det första.")
    assert exc.value.current.text == "Först."
    assert DocumentText.objects.get().text == "Först."


def test_readers_and_reporters_do_not_write(personal, forv_task, org):
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    reporter = UserFactory()
    grant(reporter, org["forv"], Role.REPORTER)
    for user in (reader, reporter):
        with pytest.raises(PermissionDenied):
            write(forv_task, personal, user, "Får inte sparas.")
    assert not DocumentText.objects.exists()


def test_a_klarmarkerad_or_locked_task_is_read_only(personal, forv_task, forv_chef):
    services.task_mark_done(actor=forv_chef, task=forv_task)
    with pytest.raises(PermissionDenied):
        write(forv_task, personal, forv_chef, "Efter klarmarkering.")
    services.task_undo_done(actor=forv_chef, task=forv_task)
    OccasionStep.objects.filter(occasion=forv_task.occasion).update(
        deadline=timezone.localdate() - datetime.timedelta(days=30)
    )
    forv_task = ReportingTask.objects.get(pk=forv_task.pk)
    with pytest.raises(ValidationError, match="låst"):
        write(forv_task, personal, forv_chef, "Efter tidsfristen.")
    assert not DocumentText.objects.exists()


def test_only_the_unit_types_chosen_write_the_section(personal, open_occasion, org, forv_chef):
    personal.unit_types.set([unit_type("Nämnd")])
    forv_task = task_of(open_occasion, org["forv"])
    assert own_sections(forv_task) == []
    with pytest.raises(PermissionDenied):
        write(forv_task, personal, forv_chef, "Förvaltningen skriver inte här.")
    assert [s.section.key for s in own_sections(task_of(open_occasion, org["namnd"]))] == [
        "eget-personal"
    ]


def test_a_section_of_another_document_is_not_written_at_the_occasion(
    model, model_owner, forv_task, forv_chef
):
    annual = sections.section_save(
        actor=model_owner, model=model, document="arsredovisning", heading="Framtid"
    )
    assert own_sections(forv_task) == []
    with pytest.raises(PermissionDenied):
        write(forv_task, annual, forv_chef, "Hör till årsredovisningen.")


# --- The task page -----------------------------------------------------------------------


def page(client, task):
    return client.get(reverse("followup:task", args=[task.pk])).content.decode()


def test_the_task_page_shows_the_instruction_and_what_the_units_below_wrote(
    client, personal, open_occasion, org, forv_task, forv_chef
):
    write(forv_task, personal, forv_chef, "Förvaltningens personalläge är stabilt.")
    chef = UserFactory()
    grant(chef, org["namnd"], Role.MANAGER)
    client.force_login(chef)

    body = page(client, task_of(open_occasion, org["namnd"]))

    assert "Texter till delårsrapporten" in body
    assert INSTRUCTION in body
    assert "Vad 1 enhet under har skrivit" in body
    assert "Socialförvaltningen" in body
    assert body.index("Förvaltningens personalläge är stabilt.") < body.index(
        'name="eget-personal-text"'
    )


def test_the_sub_units_texts_are_left_out_when_the_section_says_so(
    client, personal, open_occasion, org, forv_task, forv_chef
):
    personal.shows_sub_units = False
    personal.save()
    write(forv_task, personal, forv_chef, "Förvaltningens personalläge är stabilt.")
    client.force_login(forv_chef)
    body = page(client, task_of(open_occasion, org["namnd"]))
    assert "Förvaltningens personalläge är stabilt." not in body


def test_a_unit_manager_writes_on_the_page(client, personal, forv_task, forv_chef):
    client.force_login(forv_chef)
    url = reverse("followup:section_text", args=[forv_task.pk, "eget-personal"])

    response = client.post(
        url, {"eget-personal-text": "Två nya socionomer.", "eget-personal-version": "0"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#avsnitt-eget-personal")
    assert DocumentText.objects.get().text == "Två nya socionomer."
    # With htmx: the section alone, saved, with the new version in the form.
    response = client.post(
        url,
        {"eget-personal-text": "Tre nya socionomer.", "eget-personal-version": "1"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Sparat." in body and "Tre nya socionomer." in body
    assert 'name="eget-personal-version" value="2"' in body
    # The task's history lists the text.
    history = client.get(reverse("followup:task_history", args=[forv_task.pk])).content.decode()
    assert "Texter till dokumentet" in history


def test_a_conflict_on_the_page_keeps_what_was_typed(client, personal, forv_task, forv_chef):
    write(forv_task, personal, forv_chef, "Kollegans text.")
    client.force_login(forv_chef)
    response = client.post(
        reverse("followup:section_text", args=[forv_task.pk, "eget-personal"]),
        {"eget-personal-text": "Min text.", "eget-personal-version": "0"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har sparat texterna medan du skrev." in body
    assert "Min text." in body
    assert DocumentText.objects.get().text == "Kollegans text."


def test_a_reader_sees_the_text_but_no_form(client, personal, forv_task, forv_chef, org):
    write(forv_task, personal, forv_chef, "Förvaltningens personalläge är stabilt.")
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)

    body = page(client, forv_task)

    assert "Förvaltningens personalläge är stabilt." in body
    assert 'name="eget-personal-text"' not in body
    response = client.post(
        reverse("followup:section_text", args=[forv_task.pk, "eget-personal"]),
        {"eget-personal-text": "Läsaren skriver.", "eget-personal-version": "1"},
    )
    assert response.status_code == 403
    assert DocumentText.objects.get().text == "Förvaltningens personalläge är stabilt."


def test_the_sections_cost_a_fixed_number_of_queries(
    client, model, model_owner, open_occasion, org, forv_chef
):
    """Three sections or six, one unit below or five: the same queries."""
    namnd_task = task_of(open_occasion, org["namnd"])
    chef = UserFactory()
    grant(chef, org["namnd"], Role.MANAGER)
    client.force_login(chef)

    def add(n):
        for i in range(n):
            section = sections.section_save(
                actor=model_owner, model=model, document="delarsrapport", heading=f"Avsnitt {i}"
            )
            section.unit_types.set([unit_type("Nämnd"), unit_type("Förvaltning")])
            DocumentText.objects.create(
                unit=org["forv"],
                occasion=open_occasion,
                document="delarsrapport",
                section=section.key,
                text="Skrivet av förvaltningen.",
            )

    def count():
        access.forget(chef)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("followup:task", args=[namnd_task.pk])).status_code == 200
        return len(ctx.captured_queries)

    add(3)
    small = count()
    add(3)
    for n in range(4):
        UnitFactory(name=f"Ny förvaltning {n}", code=f"NF{n}", parent=org["namnd"])
    assert count() == small


def test_the_manadsrapport_sections_are_written_in_the_economy_task(request, client, model, org):
    """A monthly follow-up of the economy only: the unit's economy task holds
    the Månadsrapport's own sections."""
    from tests.followup.test_economy_tasks import economy_occasion

    request.getfixturevalue("ledger")  # ansvar for Äldreomsorg and its units
    march = economy_occasion(model)
    section = sections.section_save(
        actor=access.SYSTEM,
        model=model,
        document="manadsrapport",
        heading="Verksamhetens läge",
        instruction="Vad har hänt i verksamheten under månaden?",
    )
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    task = ReportingTask.objects.get(occasion=march, unit=org["avd_a"])
    assert task.is_economy

    body = page(client, task)
    assert "Texter till månadsrapporten" in body
    assert "Vad har hänt i verksamheten under månaden?" in body
    response = client.post(
        reverse("followup:section_text", args=[task.pk, section.key]),
        {f"{section.key}-text": "Två nya brukare.", f"{section.key}-version": "0"},
    )
    assert response.status_code == 302
    text = DocumentText.objects.get()
    assert (text.document, text.unit, text.text) == (
        "manadsrapport",
        org["avd_a"],
        "Två nya brukare.",
    )
