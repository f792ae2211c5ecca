"""Internkontrollrapporten as Excel: the control points one row each (per
reporting unit) in the order of the report, with the measure's responsible
and date in columns of their own, the summary per area, and the follow-up of
earlier measures; from the command, the plan page and the background jobs."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from styrhjul.documents import internal_control, jobs, registry
from styrhjul.documents.models import DocumentJob
from styrhjul.followup import measures
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Plan
from tests.factories import UserFactory, grant
from tests.internal_control import CONTROL_POINTS, open_occasion

pytestmark = pytest.mark.django_db

HEADER = (
    "Område",
    "Nr",
    "Process/rutin/system",
    "Risk",
    "Riskvärde",
    "Kontrollmoment",
    "Kontrollmetod",
    "Rapporterande enhet",
    "Bedömning",
    "Resultat av kontroll",
    "Åtgärd",
    "Ansvarig för åtgärd",
    "Åtgärd klar senast",
)


def workbook(report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(internal_control.render(report, "xlsx")))


def rows_of(sheet) -> list[dict]:
    """The sheet's rows below the header, as {header: value}."""
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in body]


def test_one_row_per_control_point_in_the_order_of_the_report(ik):
    report = internal_control.build(ik["plan"], ik["occasion"])
    book = workbook(report)

    # The written texts first; no earlier measures.
    assert book.sheetnames == ["Texter", "Kontrollpunkter", "Sammanställning"]
    texts = list(book["Texter"].iter_rows(values_only=True))
    assert texts[0] == ("Avsnitt", "Text")
    assert [t for _heading, t in texts[1:]] == [*report.introduction, *report.summary]
    assert {heading for heading, _t in texts[1:]} == {"Inledning", "Sammanfattning"}
    assert book.properties.title == "Internkontrollrapport 2025 – Individ och familj"
    sheet = book["Kontrollpunkter"]
    assert next(sheet.iter_rows(values_only=True)) == HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{sheet.max_row}"
    assert all(cell.font.bold for cell in sheet[1])

    rows = rows_of(sheet)
    # Areas in the report's order, the plan's order within them (not the Nr).
    assert [(r["Område"], r["Nr"]) for r in rows] == [
        ("Ekonomi", "1.10"),
        ("Ekonomi", "1.2"),
        ("Ekonomi", "1.3"),
        ("Ekonomi", "1.1"),
        ("HR", "2.1"),
        ("Övrigt", "3"),
    ]
    by_number = {r["Nr"]: r for r in rows}
    for area, number, process, step, method in CONTROL_POINTS:
        row = by_number[number]
        assert row["Område"] == (area or "Övrigt")
        assert (row["Process/rutin/system"], row["Kontrollmoment"], row["Kontrollmetod"]) == (
            process,
            step,
            method,
        )
        assert row["Rapporterande enhet"] == "Individ och familj"
        assert row["Riskvärde"] == 6  # sannolikhet 2 × konsekvens 3, a number
    representation = by_number["1.2"]
    assert representation["Bedömning"] == "Genomförd med anmärkning"
    assert representation["Resultat av kontroll"] == "Två av åtta verifikationer saknade syfte."
    assert representation["Åtgärd"] == "Rutinen förtydligas och utbildning ges i höst."
    # The control point shared down from the förvaltning, with what this unit reported.
    assert by_number["1.3"]["Kontrollmoment"] == "Att inköp görs från upphandlade leverantörer"
    assert by_number["1.3"]["Resultat av kontroll"] == "Över 95 % av inköpen görs från avtal."
    assert by_number["1.3"]["Riskvärde"] is None  # not risk assessed
    # Not reported yet: said so, and set apart.
    assert [r["Nr"] for r in rows if r["Bedömning"] == "Ej rapporterad"] == ["1.10", "3"]
    assert by_number["1.10"]["Resultat av kontroll"] is None
    bedömning = HEADER.index("Bedömning") + 1
    assert sheet.cell(row=2, column=bedömning).font.italic  # 1.10
    assert not sheet.cell(row=3, column=bedömning).font.italic  # 1.2


def test_the_measure_its_responsible_and_date_are_columns_and_the_date_is_a_date(ik):
    item = ik["items"]["1.2"]
    Report.objects.filter(item=item, occasion=ik["occasion"]).update(
        measures_responsible="Ekonomichef", measures_due=datetime.date(2025, 10, 31)
    )
    item.risk = "Kostnader utan koppling till verksamheten"
    item.save(update_fields=["risk"])

    sheet = workbook(internal_control.build(ik["plan"], ik["occasion"]))["Kontrollpunkter"]
    row = next(r for r in rows_of(sheet) if r["Nr"] == "1.2")
    assert row["Åtgärd"] == "Rutinen förtydligas och utbildning ges i höst."
    assert row["Ansvarig för åtgärd"] == "Ekonomichef"
    assert row["Åtgärd klar senast"] == datetime.datetime(2025, 10, 31)
    assert row["Risk"] == "Kostnader utan koppling till verksamheten"
    cell = sheet.cell(row=3, column=HEADER.index("Åtgärd klar senast") + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"


def test_long_texts_survive_whole(ik):
    long_result = "\n".join(
        f"Stycke {n}: kontrollen visade att rutinen för åtgärder följs i de flesta fall, "
        "men att dokumentationen är ofullständig; se bilaga för alla ärenden." * 3
        for n in range(12)
    )
    long_measures = "Åtgärd: " + "utbildning, uppföljning och ny rutin för attest. " * 60
    long_step = "=Kontrollmoment som börjar som en formel " + "ö" * 2100
    assert min(len(long_result), len(long_measures), len(long_step)) > 2000
    Report.objects.filter(item=ik["items"]["1.2"], occasion=ik["occasion"]).update(
        comment=long_result, measures=long_measures
    )
    item = ik["items"]["1.10"]
    item.control_step = long_step
    item.save(update_fields=["control_step"])

    sheet = workbook(internal_control.build(ik["plan"], ik["occasion"]))["Kontrollpunkter"]
    rows = {r["Nr"]: r for r in rows_of(sheet)}
    assert rows["1.2"]["Resultat av kontroll"] == long_result
    assert rows["1.2"]["Åtgärd"] == long_measures
    assert rows["1.10"]["Kontrollmoment"] == "'" + long_step  # text, not a formula
    assert sheet.cell(row=5, column=HEADER.index("Kontrollmoment") + 1).data_type == "s"
    assert sheet.cell(row=3, column=HEADER.index("Resultat av kontroll") + 1).alignment.wrap_text


def test_the_summary_per_area_as_in_the_report(ik):
    report = internal_control.build(ik["plan"], ik["occasion"])
    rows = list(workbook(report)["Sammanställning"].iter_rows(values_only=True))

    assert rows[0] == (
        "Område",
        "Kontrollpunkter",
        "Genomförd utan anmärkning",
        "Genomförd med anmärkning",
        "Ej genomförd",
        "Ej rapporterad",
    )
    assert rows[1:] == [
        ("Ekonomi", 4, 2, 1, 0, 1),
        ("HR", 1, 0, 1, 0, 0),
        ("Övrigt", 1, 0, 0, 0, 1),
        ("Totalt", 6, 2, 2, 0, 2),
    ]


def test_per_reporting_unit_the_first_column_is_the_unit(ik, org):
    plan = Plan.objects.get(unit=org["forv"], plan_type=ik["type"])
    report = internal_control.build(plan, ik["occasion"], group_by="enhet")
    book = workbook(report)

    rows = list(book["Kontrollpunkter"].iter_rows(values_only=True))
    assert rows[0] == ("Enhet", *HEADER[1:])
    assert [(r[0], r[1], r[7], r[8]) for r in rows[1:]] == [
        ("Individ och familj", "1.3", "Individ och familj", "Genomförd utan anmärkning")
    ]
    summary = list(book["Sammanställning"].iter_rows(values_only=True))
    assert summary[0][:2] == ("Enhet", "Kontrollpunkter")
    assert summary[1][:3] == ("Individ och familj", 1, 1)


def test_earlier_measures_have_a_sheet_of_their_own(ik, org):
    bokslut = open_occasion(
        ik["type"].model, ik["type"], "Årsbokslut 2025", datetime.date(2025, 12, 31)
    )
    Report.objects.filter(item=ik["items"]["2.1"], occasion=ik["occasion"]).update(
        measures_responsible="HR-specialist", measures_due=datetime.date(2025, 9, 30)
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

    book = workbook(internal_control.build(ik["plan"], bokslut))

    assert book.sheetnames == ["Texter", "Kontrollpunkter", "Sammanställning", "Tidigare åtgärder"]
    rows = rows_of(book["Tidigare åtgärder"])
    assert [(r["Nr"], r["Status"]) for r in rows] == [
        ("1.2", "Genomförd"),
        ("2.1", "Inte uppföljd"),
    ]
    done, open_ = rows
    assert done["Kontrollpunkt"] == "Representation"
    assert done["Från uppföljning"] == "Delårsrapport 2025"
    assert done["Åtgärd"] == "Rutinen förtydligas och utbildning ges i höst."
    assert done["Vad har gjorts"] == (
        "Rutinen är uppdaterad och 14 handläggare har gått utbildningen."
    )
    assert open_["Ansvarig för åtgärd"] == "HR-specialist"
    assert open_["Åtgärd klar senast"] == datetime.datetime(2025, 9, 30)
    assert open_["Enhet"] == "Individ och familj"


def test_the_command_writes_the_workbook(ik, tmp_path):
    out = tmp_path / "ik.xlsx"
    call_command(
        "document",
        "internkontrollrapport",
        f"--plan={ik['plan'].pk}",
        f"--occasion={ik['occasion'].pk}",
        "--format=xlsx",
        f"-o={out}",
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(out)
    assert len(rows_of(book["Kontrollpunkter"])) == 6


def test_a_background_job_makes_the_workbook(client, ik, org):
    assert "xlsx" in registry.TYPES["internkontrollrapport"].formats
    user = UserFactory()
    grant(user, org["avd_b"], Role.READER)
    client.force_login(user)
    job = jobs.submit(
        actor=user,
        unit=org["avd_b"],
        occasion=ik["occasion"],
        document="internkontrollrapport",
        fmt="xlsx",
    )
    jobs.run(job.pk)
    job = DocumentJob.objects.get(pk=job.pk)
    assert job.status == "done", job.message
    download = client.get(reverse("documents:job_download", args=[job.pk]))
    assert download["Content-Disposition"].endswith(
        'internkontrollrapport-2025-individ-och-familj.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download)))
    assert [r["Nr"] for r in rows_of(book["Kontrollpunkter"])][:2] == ["1.10", "1.2"]


def test_the_plan_page_offers_excel_next_to_pdf_and_word(client, ik, org):
    user = UserFactory()
    grant(user, org["avd_b"], Role.READER)
    client.force_login(user)
    page = client.get(reverse("planning:plan", args=[ik["plan"].pk])).content.decode()
    for fmt in ("pdf", "docx", "xlsx"):
        url = reverse("documents:internal_control", args=[ik["plan"].pk, ik["occasion"].pk, fmt])
        assert f'href="{url}"' in page
