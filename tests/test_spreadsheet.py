"""What every importer and export shares: cells written safely, the house
style of the header row, and the name a user probably meant."""

import datetime
import io

import openpyxl

from styrhjul.core.spreadsheet import (
    DATE_FORMAT,
    HEADER_FILL,
    closest,
    did_you_mean,
    protected_text,
    put_cell,
    style_header,
    unprotected_text,
    workbook_bytes,
)


def test_a_cell_keeps_formula_like_text_as_text_and_drops_illegal_characters():
    sheet = openpyxl.Workbook().active
    assert put_cell(sheet, 1, 1, "=SUMMA(A1)").data_type == "s"
    assert put_cell(sheet, 1, 2, "Rad\x01ett").value == "Radett"
    assert put_cell(sheet, 1, 3, "\x01").value is None
    assert put_cell(sheet, 1, 4, 12).value == 12


def test_text_reads_back_as_written_also_when_it_starts_with_the_apostrophe():
    # A user's own "'@" must not lose its apostrophe on the way back, as if
    # the export had put it there.
    for text in ["@x", "'@x", "''=1", "'", "'text", "-5", "'-5"]:
        assert unprotected_text(protected_text(text)) == text
    assert protected_text("'@x") == "''@x" and protected_text("'text") == "'text"


def test_the_header_row_is_bold_on_the_house_fill_and_stays_in_view():
    sheet = openpyxl.Workbook().active
    style_header(sheet, 2)
    assert sheet["A1"].font.b and sheet["B1"].font.b and not sheet["C1"].font.b
    assert sheet["A1"].fill.fgColor.rgb.endswith(HEADER_FILL)
    assert sheet.freeze_panes == "A2"


def test_an_export_uses_the_same_cells_and_header():
    data = workbook_bytes([("Blad", ["Datum", "Text"], [[datetime.date(2025, 1, 2), "=1+1"]])])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Blad"]
    assert sheet["A1"].fill.fgColor.rgb.endswith(HEADER_FILL)
    assert sheet["A2"].number_format == DATE_FORMAT
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("'=1+1", "s")  # OWASP's prefix


def test_an_export_styles_its_cells_with_a_few_shared_formats():
    def export(count: int):
        rows = [
            [datetime.date(2025, 1, 2), f"Rad {n}", "Ej rapporterad" if n % 2 else "Klar"]
            for n in range(count)
        ]
        data = workbook_bytes(
            [("Blad", ["Datum", "Text", "Status"], rows)], muted=["Ej rapporterad"]
        )
        return openpyxl.load_workbook(io.BytesIO(data))

    small, large = export(3), export(300)
    assert len(large._cell_styles) == len(small._cell_styles) <= 6  # one per kind of cell
    sheet = large["Blad"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith(HEADER_FILL)
    assert sheet["A1"].border.bottom.style == "thin" and sheet["A1"].alignment.wrap_text
    assert sheet["A300"].number_format == DATE_FORMAT and sheet["A300"].alignment.wrap_text
    assert sheet["A300"].value == datetime.datetime(2025, 1, 2)
    assert sheet["B300"].alignment.wrap_text and sheet["B300"].alignment.vertical == "top"
    muted, plain = sheet["C3"], sheet["C2"]
    assert (
        muted.value == "Ej rapporterad" and muted.font.i and muted.font.color.rgb.endswith("555555")
    )
    assert plain.value == "Klar" and not plain.font.i and plain.alignment.wrap_text


def test_an_export_keeps_its_widths_filter_and_frozen_header_row():
    data = workbook_bytes(
        [("Blad", ["Enhet", "Kod", "Antal"], [["Skolan", "=A1", 3], ["", None, 2.5]])],
        widths={"Blad": [32, 12, 12]},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Blad"]
    # Columns as wide as given (Excel's own padding not added), the equal
    # neighbours B and C one range.
    assert sheet.column_dimensions["A"].width == 32
    assert (sheet.column_dimensions["B"].width, sheet.column_dimensions["B"].max) == (12, 3)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"
    assert [c.value for c in sheet[2]] == ["Skolan", "'=A1", 3]
    assert [c.value for c in sheet[3]] == [None, None, 2.5]
    assert sheet["A3"].alignment.wrap_text  # an empty cell has the style of its column's cells


def test_an_export_with_a_title_is_a_swedish_document_that_prints_landscape_on_a4():
    data = workbook_bytes(
        [("Blad", ["A"], [["x"]]), ("Blad", ["B"], [])],
        title="Plan & uppföljning",
        subject="Barn- och utbildning 2026",
        creator="Sjöbacka kommun",
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    props = book.properties
    assert (props.title, props.subject, props.creator, props.language) == (
        "Plan & uppföljning",
        "Barn- och utbildning 2026",
        "Sjöbacka kommun",
        "sv-SE",
    )
    assert book.sheetnames == ["Blad", "Blad1"]  # a repeated name numbered, as before
    sheet = book["Blad"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddHeader.center.text == "Plan && uppföljning"  # "&" alone starts a code
    assert sheet.oddFooter.center.text == "Sida &P av &N"
    margins = sheet.page_margins
    assert (margins.left, margins.top, margins.header) == (0.75, 1, 0.5)


def test_a_workbook_without_a_title_has_no_document_properties():
    data = workbook_bytes([("Blad", ["A"], [])])
    props = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert (props.title, props.creator, props.language) == (None, None, None)


def test_line_breaks_and_escape_like_text_read_back_as_written():
    from styrhjul.core import importing

    texts = ["Rad ett\r\nrad två", "\rx", "_x0041_", "_x000D_", "Flik\tflik"]
    data = workbook_bytes([("Blad", ["Text"], [[t] for t in texts])])
    with importing.open_workbook(data) as book:
        read = [values[0] for _number, values in book.sheets[0].rows()][1:]
    assert [unprotected_text(t) for t in read] == texts


class Named:
    def __init__(self, name):
        self.name = name


def test_a_close_name_is_suggested_and_a_far_one_is_not():
    options = {"förvaltning": Named("Förvaltning"), "enhet": Named("Enhet")}
    assert closest("förvaltnig", options) is options["förvaltning"]
    assert did_you_mean("förvaltnig", options) == " Menade du ”Förvaltning”?"
    assert did_you_mean("avdelning", options) == ""
    assert did_you_mean("enheet", {"enhet": "Enhet"}, str) == " Menade du ”Enhet”?"
