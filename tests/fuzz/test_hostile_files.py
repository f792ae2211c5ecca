"""Hostile and broken spreadsheet files, one test for each way they hurt the
product: a zip bomb, broken cells and parts, too many rows, formula-like
text in exports. Every importer reads through the one path in
styrhjul.core.importing, so each case is checked on the plan import and the
organisation import, and on the command line and the web page."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl.utils.escape import unescape

from styrhjul.core import importing
from styrhjul.core.importing import ImportRejected
from styrhjul.core.spreadsheet import workbook_bytes
from styrhjul.organisation import access
from styrhjul.organisation import importer as org_importer
from styrhjul.organisation.models import Unit
from styrhjul.planning import excel as plan_excel
from styrhjul.planning.models import Item
from tests.excel import ACTIVITY_HEADER

from . import files

pytestmark = pytest.mark.django_db

ORG_HEADER = ["Kod", "Namn", "Typ", "Överordnad kod"]


def plan_errors(data: bytes, unit, plan_type) -> list:
    with pytest.raises(ImportRejected) as caught:
        plan_excel.import_file(
            actor=access.SYSTEM, unit=unit, plan_type=plan_type, data=data, filename="plan.xlsx"
        )
    return caught.value.errors


def org_errors(data: bytes, name: str = "organisation.xlsx") -> list:
    with pytest.raises(ImportRejected) as caught:
        org_importer.import_file(actor=access.SYSTEM, data=data, filename=name)
    return caught.value.errors


def peak_bytes(function) -> int:
    """The most memory (Python's allocations) `function` held at once."""
    tracemalloc.start()
    try:
        function()
    except ImportRejected:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


# --- 1. Zip bombs ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_bomb():
    """Shared strings that unpack to 60 MiB from a few hundred kB."""
    return files.shared_strings_bomb(60 * 1024 * 1024)


@pytest.fixture(scope="module")
def tight_bomb():
    """Shared strings of 8 MiB packed 400 times: under the size limit, over the ratio."""
    return files.shared_strings_bomb(8 * 1024 * 1024)


def test_a_part_that_unpacks_too_large_is_refused_before_it_is_read(big_bomb, unit, vp):
    assert len(big_bomb) < 1024 * 1024  # well under the upload limit

    for errors in (plan_errors(big_bomb, unit, vp), org_errors(big_bomb)):
        assert [str(e) for e in errors] == [
            "Delen xl/sharedStrings.xml i filen blir 60 MB uppackad (högst 50 MB). Dela upp "
            "arbetsboken i flera filer."
        ]
    peak = peak_bytes(lambda: org_importer.read_file(big_bomb, filename="o.xlsx"))
    assert peak < 5 * 1024 * 1024
    assert not Item.objects.exists() and not Unit.objects.filter(code="").exists()


def test_a_part_packed_far_tighter_than_a_workbook_is_refused(tight_bomb, unit, vp):
    for errors in (plan_errors(tight_bomb, unit, vp), org_errors(tight_bomb)):
        assert len(errors) == 1
        assert "xl/sharedStrings.xml" in errors[0].message
        assert "gånger tätare än en vanlig Excel-arbetsbok tillåter (högst 100 gånger)" in (
            errors[0].message
        )
    peak = peak_bytes(lambda: org_importer.read_file(tight_bomb, filename="o.xlsx"))
    assert peak < 5 * 1024 * 1024


def test_many_tiny_shared_strings_are_read_one_at_a_time():
    """Under the limits, openpyxl's reader kept the XML element of every
    string read (about 100 bytes each, 2 MB for these); the one reading path
    keeps only the text."""
    data = files.xlsx({"Organisation": [ORG_HEADER]}, shared=["x"] * 20_000)

    peak = peak_bytes(lambda: importing.open_workbook(data).close())

    assert peak < 1024 * 1024


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_SHARED_STRINGS", 100)
    data = files.xlsx({"Organisation": [ORG_HEADER]}, shared=[f"t{n}" for n in range(101)])
    assert [str(e) for e in org_errors(data)] == [
        "Filen har för många texter (högst 100) och kan inte läsas."
    ]


def test_a_bomb_upload_on_the_web_page_shows_the_refusal(client, admin, big_bomb):
    client.force_login(admin)
    response = client.post(
        reverse("organisation:import"),
        {"file": SimpleUploadedFile("organisation.xlsx", big_bomb)},
    )
    assert response.status_code == 200
    assert "blir 60 MB uppackad (högst 50 MB)" in response.content.decode()


# --- 2. Broken files ----------------------------------------------------------------------


def org_sheet(*rows, replace=(), shared=None) -> bytes:
    xml = files.sheet_xml([ORG_HEADER, *rows])
    for old, new in replace:
        assert old in xml
        xml = xml.replace(old, new)
    return files.zip_parts(
        files.xlsx_parts(
            {"Organisation": xml}, files.shared_strings_xml(shared) if shared else None
        )
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


BROKEN = {
    "a cell reference !!": (
        [("N1", "Nämnd 1", "Nämnd", "")],
        [(inline("B2", "Nämnd 1"), inline("!!", "Nämnd 1"))],
        "Blad Organisation, rad 2: cellen har en ogiltig cellreferens (”!!”).",
    ),
    "a shared string out of range": (
        [("N1", "Nämnd 1", "Nämnd", "")],
        [(inline("B2", "Nämnd 1"), '<c r="B2" t="s"><v>7</v></c>')],
        "Blad Organisation, rad 2, kolumn B: cellen hänvisar till en text som saknas i filen "
        "(nummer ”7”).",
    ),
    "a date cell 2025-99-99": (
        [("N1", "Nämnd 1", "Nämnd", "")],
        [(inline("C2", "Nämnd"), '<c r="C2" t="d"><v>2025-99-99</v></c>')],
        "Blad Organisation, rad 2, kolumn C: cellen har ett ogiltigt datum (”2025-99-99”).",
    ),
    "a row number that is no number": (
        [("N1", "Nämnd 1", "Nämnd", "")],
        [('<row r="2">', '<row r="två">')],
        "Blad Organisation, rad 2: raden har ett ogiltigt radnummer (”två”).",
    ),
    "a value far to the right": (
        [("N1", "Nämnd 1", "Nämnd", "")],
        [(inline("B2", "Nämnd 1"), inline("B2", "Nämnd 1") + inline("XFD2", "x"))],
        "Blad Organisation, rad 2, kolumn XFD: cellen ligger längre till höger än 1 000 "
        "kolumner. Flytta värdet eller ta bort det.",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_cell_is_named_by_its_row_and_column(case):
    rows, replace, message = BROKEN[case]
    data = org_sheet(*rows, replace=replace, shared=["a"])
    assert [str(e) for e in org_errors(data)] == [message]
    assert not Unit.objects.filter(code="N1").exists()


def test_a_truncated_sheet_is_refused_after_the_rows_it_could_read():
    xml = files.sheet_xml([ORG_HEADER] + [[f"N{n}", f"Nämnd {n}", "Nämnd", ""] for n in range(9)])
    cut = xml.index('<row r="6">') + 20
    data = files.zip_parts(files.xlsx_parts({"Organisation": xml[:cut]}))
    assert [str(e) for e in org_errors(data)] == [
        "Blad Organisation: bladet är skadat och kunde inte läsas efter rad 5. Öppna filen i "
        "Excel och spara den på nytt."
    ]
    assert not Unit.objects.filter(code="N1").exists()


def test_a_sheet_whose_name_in_the_archive_differs_from_its_header_is_refused():
    good = files.xlsx({"Organisation": [ORG_HEADER, ["N1", "Nämnd 1", "Nämnd", ""]]})
    local = good.index(b"xl/worksheets/sheet1.xml")  # the local header comes first
    broken = good[:local] + b"xl/worksheets/shemt1.xml" + good[local + 24 :]
    assert [str(e) for e in org_errors(broken)] == [
        "Blad Organisation: bladet är skadat och kunde inte läsas. Öppna filen i Excel och "
        "spara den på nytt."
    ]


def test_a_part_with_a_bad_checksum_is_refused():
    good = files.xlsx({"Organisation": [ORG_HEADER, ["N1", "Nämnd 1", "Nämnd", ""]]})
    errors = org_errors(files.corrupt_crc(good))
    assert len(errors) == 1 and "skadat" in str(errors[0])


def test_a_broken_plan_workbook_names_the_sheet_and_row(unit, vp):
    xml = files.sheet_xml([ACTIVITY_HEADER, ["1", None, None, "Städa", None, None, "x", None]])
    xml = xml.replace(inline("G2", "x"), '<c r="G2" t="d"><v>2025-99-99</v></c>')
    data = files.zip_parts(files.xlsx_parts({"Aktiviteter": xml}))
    assert [str(e) for e in plan_errors(data, unit, vp)] == [
        "Blad Aktiviteter, rad 2, kolumn G: cellen har ett ogiltigt datum (”2025-99-99”)."
    ]
    assert not Item.objects.exists()


def test_the_commands_print_the_swedish_message_not_a_traceback(tmp_path, unit, vp):
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(
        org_sheet(("N1", "Nämnd 1", "Nämnd", ""), replace=BROKEN["a date cell 2025-99-99"][1])
    )

    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_org", str(path), stderr=err)
    assert "trasig.xlsx importerades inte: 1 fel. Ingenting har sparats." in str(caught.value)
    assert err.getvalue() == (
        "Blad Organisation, rad 2, kolumn C: cellen har ett ogiltigt datum (”2025-99-99”).\n"
    )

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan",
            str(path),
            unit=unit.code,
            year=2025,
            plan_type="Verksamhetsplan",
            stderr=err,
        )
    assert "Filen har inget blad med poster" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_the_import_pages_show_a_broken_file_as_an_error_not_a_500(client, admin, unit, vp):
    data = org_sheet(("N1", "Nämnd 1", "Nämnd", ""), replace=BROKEN["a cell reference !!"][1])
    client.force_login(admin)

    response = client.post(
        reverse("organisation:import"), {"file": SimpleUploadedFile("organisation.xlsx", data)}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<td>Cellen har en ogiltig cellreferens (”!!”).</td>" in content

    xml = files.sheet_xml([ACTIVITY_HEADER, ["1", None, None, "Städa"]])
    broken = files.zip_parts(
        files.xlsx_parts({"Aktiviteter": xml.replace('<row r="2">', '<row r="två">')})
    )
    response = client.post(
        reverse("planning:plan_import", args=[unit.pk, vp.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", broken)},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<td>Raden har ett ogiltigt radnummer (”två”).</td>" in content
    assert not Item.objects.exists()


def test_a_csv_with_a_byte_order_mark_and_broken_utf8_is_refused():
    data = "\ufeffKod;Namn;Typ\nN1;Nämnd 1;Nämnd\n".encode() + b"N2;\xb0;Enhet\n"
    assert [str(e) for e in org_errors(data, "organisation.csv")] == [
        "Filens teckenkodning känns inte igen. Spara filen som ”CSV UTF-8” eller som "
        "Excel-arbetsbok (.xlsx)."
    ]


# --- Rows: the limit while reading --------------------------------------------------------


@pytest.fixture(scope="module")
def rows_900k():
    return files.many_rows(900_000, "Organisation", ORG_HEADER)


def test_a_file_with_too_many_rows_is_refused_while_reading(monkeypatch, rows_900k):
    """With the old reading, all 900 000 rows were held before the limit was
    checked; now reading stops at the first row past it."""
    monkeypatch.setattr(importing, "MAX_ROWS", 1_000)
    assert len(rows_900k) < importing.MAX_BYTES

    peak = peak_bytes(lambda: org_importer.read_file(rows_900k, filename="o.xlsx"))
    assert [str(e) for e in org_errors(rows_900k)] == [
        "Blad Organisation: filen har fler än 1 000 rader; dela upp den i flera filer."
    ]
    assert peak < 10 * 1024 * 1024


def test_empty_rows_count_towards_a_limit_too(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROW_ELEMENTS", 50)
    xml = files.sheet_xml([ORG_HEADER]).replace(
        "</sheetData>", "".join(f'<row r="{n}"/>' for n in range(2, 60)) + "</sheetData>"
    )
    errors = org_errors(files.zip_parts(files.xlsx_parts({"Organisation": xml})))
    assert [str(e) for e in errors] == [
        "Blad Organisation: filen har fler än 20 000 rader; dela upp den i flera filer."
    ]


def test_a_csv_with_too_many_rows_is_refused_while_reading(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 100)
    lines = ["Kod;Namn;Typ"] + [f"N{n};Nämnd {n};Nämnd" for n in range(5_000)]
    data = "\n".join(lines).encode()
    assert [str(e) for e in org_errors(data, "organisation.csv")] == [
        "Filen har fler än 100 rader; dela upp den i flera filer."
    ]
    assert not Unit.objects.filter(code="N1").exists()


# --- 6. Formulas in exports ---------------------------------------------------------------

FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1", "-x", "@SUM(A1)", "\tx", "\rx"]


def test_headers_and_text_that_start_like_a_formula_are_written_as_prefixed_text():
    data = workbook_bytes(
        [("Blad", ['=HYPERLINK("http://x","Klicka")', "Tal"], [[t, -5] for t in FORMULA_LIKE])]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Blad"]

    header = sheet["A1"]
    assert (header.value, header.data_type) == ('\'=HYPERLINK("http://x","Klicka")', "s")
    for row, text in enumerate(FORMULA_LIKE, start=2):
        cell = sheet.cell(row=row, column=1)
        # A carriage return is held as Excel holds it, _x000D_ (openpyxl
        # leaves it so; Excel and the imports read the character).
        assert (unescape(cell.value), cell.data_type) == ("'" + text, "s")
        number = sheet.cell(row=row, column=2)
        assert (number.value, number.data_type) == (-5, "n")
    raw = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw  # no formula anywhere


def test_prefixed_text_reads_back_as_it_was_written():
    rows = [["Kod", "Namn"], *[[f"N{n}", t] for n, t in enumerate(FORMULA_LIKE)]]
    data = workbook_bytes([("Blad", rows[0], rows[1:])])
    with importing.open_workbook(data) as book:
        read = [values for _number, values in book.sheets[0].rows()]
    assert read == [list(r) for r in rows]
