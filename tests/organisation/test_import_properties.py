"""Property tests for reading organisation files: whatever names and codes a
municipality uses, what is written to CSV or Excel is read back unchanged."""

import csv
import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from styrhjul.core.spreadsheet import protected_text, put_row
from styrhjul.organisation.importer import read_file

HEADERS = ["Kod", "Namn", "Typ", "Överordnad kod", "Giltig från", "Giltig till", "Chef e-post"]

# Text a unit name may hold: letters (å, ä, ö, é …), digits, punctuation that
# breaks naive CSV handling (; , " ') — but no control characters, and
# encodable in Windows-1252 so both encodings can be tried.
name_text = (
    st.text(
        alphabet=st.characters(
            codec="cp1252", categories=("L", "N", "P", "Zs"), exclude_characters="\x85\xa0"
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)

code_text = st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True)


@st.composite
def org_rows(draw):
    codes = draw(st.lists(code_text, min_size=1, max_size=8, unique_by=str.lower))
    rows = []
    for index, code in enumerate(codes):
        parent = draw(st.sampled_from(["", *codes[:index]]))
        rows.append([code, draw(name_text), "Enhet", parent, "2024-01-01", "", ""])
    return rows


# The files are written as the product's exports write text (formula-like
# text behind an apostrophe, core.spreadsheet), which the import undoes.


def as_csv(rows, delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADERS)
    writer.writerows([[protected_text(cell) for cell in row] for row in rows])
    return out.getvalue().encode(encoding)


def as_xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    put_row(sheet, 1, HEADERS)
    for number, row in enumerate(rows, start=2):
        put_row(sheet, number, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_back(parsed):
    return [[r.code, r.name, r.unit_type, r.parent_code or ""] for r in parsed.rows]


def expected(rows):
    # Runs of spaces in a cell are read as one space, as Excel users expect.
    return [[" ".join(cell.split()) for cell in row[:4]] for row in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=org_rows(),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_csv_reads_back_what_was_written(rows, delimiter, encoding):
    parsed = read_file(as_csv(rows, delimiter, encoding), filename="org.csv")
    assert read_back(parsed) == expected(rows)
    assert [r.row for r in parsed.rows] == list(range(2, len(rows) + 2))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=org_rows())
def test_any_excel_file_reads_back_what_was_written(rows):
    parsed = read_file(as_xlsx(rows), filename="org.xlsx")
    assert read_back(parsed) == expected(rows)
