"""The internkontrollrapport of a plan whose control points are reported by
the units they are shared to, per area or per reporting unit, with the
measures' responsible and date, and the follow-up of earlier measures."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from styrhjul.documents import internal_control
from styrhjul.documents.docx import internal_control_docx
from styrhjul.documents.pdf import internal_control_pdf
from styrhjul.followup import measures
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Plan
from tests.factories import UserFactory, grant
from tests.internal_control import open_occasion
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def forv_plan(ik, org):
    return Plan.objects.get(unit=org["forv"], plan_type=ik["type"])


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_a_shared_control_point_is_reported_by_the_unit_it_is_shared_to(ik, org):
    report = internal_control.build(forv_plan(ik, org), ik["occasion"])

    rows = [r for area in report.areas for r in area.rows]
    assert [(r.number, r.unit_name, r.result) for r in rows] == [
        ("1.3", org["avd_b"].name, "Över 95 % av inköpen görs från avtal.")
    ]
    assert rows[0].assessment == "Genomförd utan anmärkning"
    assert report.summary[0].startswith(
        "Internkontrollplanen innehåller 1 kontrollpunkt inom 1 område."
    )


def test_the_report_per_reporting_unit(ik, org, tmp_path):
    report = internal_control.build(forv_plan(ik, org), ik["occasion"], group_by="enhet")

    assert report.grouping == "Enhet"
    assert [a.name for a in report.areas] == [org["avd_b"].name]
    text = docx_text(internal_control_docx(report))
    assert "Resultat per enhet" in text
    assert f"{org['avd_b'].name}: Genomförd utan anmärkning" in text
    assert "Resultat per enhet" in pdf_text(internal_control_pdf(report), tmp_path)


def test_the_measure_cell_names_who_and_when(ik, tmp_path):
    Report.objects.filter(item=ik["items"]["1.2"], occasion=ik["occasion"]).update(
        measures_responsible="Ekonomichef", measures_due=datetime.date(2025, 10, 31)
    )

    report = internal_control.build(ik["plan"], ik["occasion"])

    row = next(r for a in report.areas for r in a.rows if r.number == "1.2")
    assert row.cells[-1] == (
        "Rutinen förtydligas och utbildning ges i höst.\n"
        "Ansvarig: Ekonomichef\n"
        "Klart senast: 2025-10-31"
    )
    assert "Ansvarig: Ekonomichef" in docx_text(internal_control_docx(report))


def test_earlier_measures_are_followed_up_in_the_next_report(ik, org, tmp_path):
    bokslut = open_occasion(
        ik["type"].model, ik["type"], "Årsbokslut 2025", datetime.date(2025, 12, 31)
    )
    task = ReportingTask.objects.get(
        occasion=bokslut, unit=org["avd_b"], plan_type=ik["type"], reporter=None
    )
    measures.measure_followup_save(
        actor=access.SYSTEM,
        task=task,
        report=Report.objects.get(item=ik["items"]["1.2"], occasion=ik["occasion"]),
        result="Rutinen är uppdaterad och 14 handläggare har gått utbildningen.",
        done=True,
        version=0,
    )

    report = internal_control.build(ik["plan"], bokslut)

    assert [(m.number, m.status) for m in report.followed_measures] == [
        ("1.2", "Genomförd"),
        ("2.1", "Inte uppföljd"),
    ]
    for text in (
        " ".join(docx_text(internal_control_docx(report)).split()),
        pdf_text(internal_control_pdf(report), tmp_path),
    ):
        assert "Uppföljning av tidigare åtgärder" in text
        assert "14 handläggare har gått utbildningen" in text
        assert "från Delårsrapport 2025" in text
    # The Delårsrapport itself had no earlier measures.
    assert internal_control.build(ik["plan"], ik["occasion"]).followed_measures == []


def test_download_and_command_per_unit(client, ik, org, tmp_path):
    reader = UserFactory()
    grant(reader, org["forv"], Role.READER)
    client.force_login(reader)
    plan = forv_plan(ik, org)
    url = reverse("documents:internal_control", args=[plan.pk, ik["occasion"].pk, "docx"])

    response = client.get(url, {"per": "enhet"})
    assert response.status_code == 200
    assert "Resultat per enhet" in docx_text(response.content)
    assert client.get(url, {"per": "kommun"}).status_code == 404
    page = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "per rapporterande enhet:" in page

    out = tmp_path / "ik.docx"
    call_command(
        "document",
        "internkontrollrapport",
        f"--plan={plan.pk}",
        f"--occasion={ik['occasion'].pk}",
        "--format=docx",
        "--per=enhet",
        f"-o={out}",
    )
    assert "Resultat per enhet" in docx_text(out.read_bytes())
