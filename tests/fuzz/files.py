"""Spreadsheet files as an attacker or a broken program writes them: a
minimal .xlsx built part by part (so any part can be edited, broken or
blown up), and the malformed variants the fuzz suite feeds to every
importer, generated from a fixed seed."""

from __future__ import annotations

import functools
import io
import random
import zipfile
from xml.sax.saxutils import escape

XML = '<?xml version="1.0" encoding="UTF-8"?>'
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
PKG_CT = "application/vnd.openxmlformats-package.relationships+xml"
DOCUMENT_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(row: int, column: int, value) -> str:
    ref = f"{column_letter(column)}{row}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml(rows, extra: str = "") -> str:
    """A worksheet's XML with the rows (lists of values) from row 1."""
    body = "".join(
        f'<row r="{number}">'
        + "".join(cell_xml(number, column, v) for column, v in enumerate(values, start=1))
        + "</row>"
        for number, values in enumerate(rows, start=1)
    )
    return f'{XML}<worksheet xmlns="{NS}"><sheetData>{body}</sheetData>{extra}</worksheet>'


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font/></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def xlsx_parts(sheets: dict[str, str], shared_strings: str | None = None) -> dict[str, bytes]:
    """The parts of a minimal workbook: sheet name → worksheet XML."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        overrides += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{PKG_CT}"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{DOCUMENT_TYPE}" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{XML}<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId900" Type="{STYLES_TYPE}" Target="styles.xml"/>'
            + (
                f'<Relationship Id="rId901" Type="{STRINGS_TYPE}" Target="sharedStrings.xml"/>'
                if shared_strings is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/styles.xml": STYLES,
    }
    for i, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return {name: (p.encode() if isinstance(p, str) else p) for name, p in parts.items()}


def zip_parts(parts: dict[str, bytes], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx(sheets: dict[str, list], shared: list[str] | None = None) -> bytes:
    """A workbook with a sheet per name and its rows (inline strings)."""
    return zip_parts(
        xlsx_parts(
            {name: sheet_xml(rows) for name, rows in sheets.items()},
            shared_strings_xml(shared) if shared is not None else None,
        )
    )


def shared_strings_xml(strings: list[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'{XML}<sst xmlns="{NS}" count="{len(strings)}">{items}</sst>'


@functools.lru_cache(maxsize=8)
def shared_strings_bomb(unpacked: int) -> bytes:
    """A workbook whose shared strings unpack to about `unpacked` bytes of
    tiny strings, packed as tight as deflate can (the attack: kilobytes that
    grow to gigabytes in openpyxl's memory)."""
    item = b"<si><t>x</t></si>"
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode()
    body = item * (unpacked // len(item))
    parts = xlsx_parts({"Blad1": sheet_xml([["a"]])}, shared_strings="")
    parts["xl/sharedStrings.xml"] = head + body + b"</sst>"
    return zip_parts(parts, level=9)


def rows_xml_bytes(count: int, header: list[str]) -> bytes:
    """A worksheet's XML of a header and `count` rows with a number in the
    first column, built fast."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode()
    first = sheet_xml([header]).split("<sheetData>")[1].split("</sheetData>")[0].encode()
    rows = b"".join(f"<row><c><v>{n}</v></c></row>".encode() for n in range(count))
    return head + first + rows + b"</sheetData></worksheet>"


def many_rows(count: int, sheet: str, header: list[str]) -> bytes:
    """A workbook of one sheet with a header and `count` rows."""
    parts = xlsx_parts({sheet: ""})
    parts["xl/worksheets/sheet1.xml"] = rows_xml_bytes(count, header)
    return zip_parts(parts, level=1)


# --- Mutations -----------------------------------------------------------------------


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(0, len(data))]


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(out))
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def corrupt_crc(data: bytes) -> bytes:
    """The sheet's bytes changed inside the archive, its checksum not."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
    raw = bytearray(out.getvalue())
    marker = raw.rfind(b"</t>")
    if marker > 0:
        raw[marker - 1] ^= 0x01  # a letter of a text changed, the stored CRC not
    return bytes(raw)
