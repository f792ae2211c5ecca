"""Follow-up of earlier measures: a measure (åtgärd) reported on a control
point comes back at the next occasion until someone marks it done."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.followup import measures
from styrhjul.followup.models import (
    MeasureFollowUp,
    OccasionKind,
    Report,
    ReportingTask,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.services import model_copy_to_next_year
from tests.factories import UserFactory, grant
from tests.internal_control import open_occasion

pytestmark = pytest.mark.django_db


def task_at(occasion, unit, plan_type):
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type__name=plan_type.name, reporter=None
    )


@pytest.fixture
def bokslut(ik):
    """Årsbokslut 2025, after the Delårsrapport where the measures were reported."""
    return open_occasion(
        ik["type"].model, ik["type"], "Årsbokslut 2025", datetime.date(2025, 12, 31)
    )


@pytest.fixture
def chef(org, client):
    user = UserFactory()
    grant(user, org["avd_b"], Role.MANAGER)
    client.force_login(user)
    return user


def measure_of(ik, number) -> Report:
    return Report.objects.get(item=ik["items"][number], occasion=ik["occasion"])


def test_open_measures_come_back_at_the_next_occasion(client, ik, bokslut, chef, org):
    Report.objects.filter(pk=measure_of(ik, "1.2").pk).update(
        measures_responsible="Ekonomichef", measures_due=datetime.date(2025, 10, 31)
    )
    task = task_at(bokslut, org["avd_b"], ik["type"])

    response = client.get(reverse("followup:task", args=[task.pk]))

    body = response.content.decode()
    assert "Åtgärder från tidigare uppföljningar" in body
    # The two measures reported at the Delårsrapport, with what they build on.
    assert "Rutinen förtydligas och utbildning ges i höst." in body
    assert "Behörigheterna är borttagna; kontroll varje kvartal." in body
    assert "Två av åtta verifikationer saknade syfte." in body
    assert "Ekonomichef" in body and "2025-10-31" in body
    # Past its date at the period's end and not done.
    assert "Försenad" in body
    # Reports without a measure are not listed.
    assert [m.item.number for m in measures.open_measures(task)] == ["1.2", "2.1"]


def test_the_delarsrapport_itself_has_no_earlier_measures(client, ik, chef):
    response = client.get(reverse("followup:task", args=[ik["task"].pk]))
    assert "Åtgärder från tidigare uppföljningar" not in response.content.decode()


def test_saving_a_followup_and_marking_it_done_closes_the_measure(client, ik, bokslut, chef, org):
    task = task_at(bokslut, org["avd_b"], ik["type"])
    report = measure_of(ik, "1.2")
    url = reverse("followup:measure", args=[task.pk, report.pk])

    response = client.post(
        url,
        {"result": "Rutinen är uppdaterad och utbildningen hölls i oktober.", "done": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Sparat." in response.content.decode()
    saved = MeasureFollowUp.objects.get(report=report, occasion=bokslut)
    assert saved.done and saved.result.startswith("Rutinen är uppdaterad")
    assert saved.updated_by == chef
    # Still shown at this occasion (with its follow-up), gone from the next one.
    assert "1.2" in [m.item.number for m in measures.open_measures(task)]
    later = open_occasion(
        ik["type"].model, ik["type"], "Extra uppföljning", datetime.date(2026, 1, 31)
    )
    assert [
        m.item.number for m in measures.open_measures(task_at(later, org["avd_b"], ik["type"]))
    ] == ["2.1"]


def test_a_measure_not_done_keeps_coming_back_with_what_was_written(ik, bokslut, org):
    task = task_at(bokslut, org["avd_b"], ik["type"])
    report = measure_of(ik, "2.1")
    measures.measure_followup_save(
        actor=access.SYSTEM,
        task=task,
        report=report,
        result="Hälften av behörigheterna är borttagna.",
        done=False,
        version=0,
    )
    later = open_occasion(
        ik["type"].model, ik["type"], "Extra uppföljning", datetime.date(2026, 1, 31)
    )

    shown = {
        m.item.number: m for m in measures.open_measures(task_at(later, org["avd_b"], ik["type"]))
    }

    assert set(shown) == {"1.2", "2.1"}
    assert [e.result for e in shown["2.1"].earlier] == ["Hälften av behörigheterna är borttagna."]


def test_done_needs_a_text_and_nothing_is_saved(client, ik, bokslut, chef, org):
    task = task_at(bokslut, org["avd_b"], ik["type"])
    report = measure_of(ik, "1.2")

    response = client.post(
        reverse("followup:measure", args=[task.pk, report.pk]),
        {"result": "  ", "done": "1"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert "Beskriv vad som har gjorts när åtgärden är klar." in body
    assert 'aria-invalid="true"' in body
    assert not MeasureFollowUp.objects.exists()


def test_a_plain_post_with_an_error_keeps_the_typed_text(client, ik, bokslut, chef, org):
    task = task_at(bokslut, org["avd_b"], ik["type"])
    report = measure_of(ik, "1.2")
    MeasureFollowUp.objects.create(report=report, occasion=bokslut, result="Först", version=1)

    response = client.post(
        reverse("followup:measure", args=[task.pk, report.pk]),
        {"result": "Min nya text om åtgärden", "version": "0"},
    )

    body = response.content.decode()
    assert "Någon annan har sparat uppföljningen av åtgärden medan du skrev." in body
    assert "Min nya text om åtgärden" in body
    assert MeasureFollowUp.objects.get().result == "Först"


def test_readers_see_the_measures_but_cannot_follow_them_up(client, ik, bokslut, org):
    reader = UserFactory()
    grant(reader, org["avd_b"], Role.READER)
    client.force_login(reader)
    task = task_at(bokslut, org["avd_b"], ik["type"])
    report = measure_of(ik, "1.2")

    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    response = client.post(
        reverse("followup:measure", args=[task.pk, report.pk]), {"result": "x", "done": "1"}
    )

    assert "Rutinen förtydligas" in page and "Inte uppföljd ännu." in page
    assert response.status_code == 403
    assert not MeasureFollowUp.objects.exists()


def test_another_units_measure_cannot_be_followed_up_through_this_task(
    client, ik, bokslut, chef, org
):
    forv_task = task_at(bokslut, org["forv"], ik["type"])
    grant(chef, org["forv"], Role.MANAGER)
    report = measure_of(ik, "1.2")  # reported by avd_b, not by the förvaltning

    response = client.post(
        reverse("followup:measure", args=[forv_task.pk, report.pk]), {"result": "x"}
    )

    assert response.status_code == 404
    assert not MeasureFollowUp.objects.exists()


def test_last_years_measures_come_back_in_the_new_year(ik, org):
    model_2026 = model_copy_to_next_year(
        actor=access.SYSTEM, model=ik["type"].model, copy_wheel=False
    )
    ik_2026 = model_2026.plan_types.get(name=ik["type"].name)
    delar_2026 = open_occasion(
        model_2026, ik_2026, "Delårsrapport 2026", datetime.date(2026, 8, 31), OccasionKind.INTERIM
    )

    task = task_at(delar_2026, org["avd_b"], ik_2026)

    assert [(m.item.number, m.report.occasion.name) for m in measures.open_measures(task)] == [
        ("1.2", "Delårsrapport 2025"),
        ("2.1", "Delårsrapport 2025"),
    ]


def test_the_task_page_reads_the_measures_in_a_fixed_number_of_queries(
    client, ik, bokslut, chef, org
):
    task = task_at(bokslut, org["avd_b"], ik["type"])
    url = reverse("followup:task", args=[task.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for number in ("1.1", "1.3"):
        Report.objects.filter(item=ik["items"][number], occasion=ik["occasion"]).update(
            measures=f"Ny åtgärd {number}"
        )
    MeasureFollowUp.objects.create(report=measure_of(ik, "1.2"), occasion=bokslut, result="x")
    assert len(measures.open_measures(task)) == 4
    assert count() == few


def test_the_report_form_takes_the_measures_responsible_and_date(client, ik, chef):
    task = ik["task"]
    item = ik["items"]["1.1"]
    report = Report.objects.get(item=item, occasion=ik["occasion"])
    prefix = f"post-{item.pk}"
    data = {
        f"{prefix}-version": report.version,
        f"{prefix}-assessment": report.assessment_id,
        f"{prefix}-comment": report.comment,
        f"{prefix}-measures": "",
        f"{prefix}-measures_responsible": "Kassaansvarig",
        f"{prefix}-measures_due": "2025-11-30",
    }
    url = reverse("followup:report_item", args=[task.pk, item.pk])

    refused = client.post(url, data, headers={"HX-Request": "true"})
    assert "Beskriv åtgärden när du anger ansvarig eller datum för den." in refused.content.decode()

    data[f"{prefix}-measures"] = "Kassorna stäms av varje vecka."
    data[f"{prefix}-measures_due"] = "30/11"
    bad_date = client.post(url, data, headers={"HX-Request": "true"})
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in bad_date.content.decode()

    data[f"{prefix}-measures_due"] = "2025-11-30"
    client.post(url, data, headers={"HX-Request": "true"})
    report.refresh_from_db()
    assert (report.measures, report.measures_responsible, report.measures_due) == (
        "Kassorna stäms av varje vecka.",
        "Kassaansvarig",
        datetime.date(2025, 11, 30),
    )
