"""The fuzz corpus: malformed .xlsx and .csv files made from a few good ones
by seeded mutations (truncations, bit flips, XML edits, huge parts, zip
bombs, wrong encodings, formulas, merged cells, dates as text). The same
seed gives the same files, so a failure can be repeated."""

from __future__ import annotations

import io
import random
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tests.excel import ACTIVITY_HEADER, GOAL_HEADER, workbook

from . import files

ORG_HEADER = ["Kod", "Namn", "Typ", "Överordnad kod", "Giltig från", "Giltig till"]


@dataclass(frozen=True)
class Case:
    number: int
    what: str  # how it was made, for a failing test's message
    filename: str
    data: bytes

    def __str__(self) -> str:
        return f"fil {self.number} ({self.what}, {self.filename}, {len(self.data)} byte)"


def _org_rows(rng: random.Random) -> list[list]:
    rows = [ORG_HEADER, ["FZ1", "Fuzznämnden", "Nämnd", "", "2025-01-01", ""]]
    for n in range(2, rng.randint(3, 12)):
        rows.append([f"FZ{n}", f"Fuzzenhet {n}", "Enhet", "FZ1", "2025-01-01", ""])
    return rows


def _plan_sheets(rng: random.Random) -> dict[str, list]:
    activities = [ACTIVITY_HEADER]
    for n in range(1, rng.randint(2, 10)):
        activities.append([str(n), None, None, f"Fuzzaktivitet {n}", "Text", None, None, None])
    return {
        "Mål": [GOAL_HEADER, ["1", None, None, "Fuzzmål", None, None, None]],
        "Aktiviteter": activities,
    }


def good_xlsx(rng: random.Random) -> tuple[str, bytes]:
    """A readable workbook: by hand or by openpyxl, a plan or an organisation."""
    if rng.random() < 0.5:
        name, sheets = "organisation.xlsx", {"Organisation": _org_rows(rng)}
    else:
        name, sheets = "plan.xlsx", _plan_sheets(rng)
    if rng.random() < 0.5:
        return name, workbook(sheets)  # as openpyxl writes it: shared strings, styles
    return name, files.xlsx(sheets)


def good_csv(rng: random.Random) -> str:
    delimiter = rng.choice([";", ",", "\t"])
    return "\r\n".join(delimiter.join(r) for r in _org_rows(rng)) + "\r\n"


# --- XML edits: (name, edit of a part's text) ----------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def _replace_first(pattern: str, new: str) -> Callable[[str, random.Random], str]:
    def edit(text: str, rng: random.Random) -> str:
        return text.replace(pattern, new, 1) if pattern in text else text + new

    return edit


def _cell(xml: str) -> Callable[[str, random.Random], str]:
    """Put a cell in the second row (or the first the sheet has)."""

    def edit(text: str, rng: random.Random) -> str:
        index = text.find("</row>", text.find("</row>") + 1)
        if index == -1:
            index = text.find("</row>")
        if index == -1:
            return text
        return text[:index] + xml + text[index:]

    return edit


def _truncate_text(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) or 1)]


def _drop_closing_tag(text: str, rng: random.Random) -> str:
    closing = [i for i in range(len(text)) if text.startswith("</", i)]
    if not closing:
        return text
    start = rng.choice(closing)
    end = text.find(">", start)
    return text[:start] + text[end + 1 :]


def _doctype(text: str, rng: random.Random) -> str:
    body = text.split("?>", 1)[-1]
    return BILLION_LAUGHS + body.replace("<sheetData>", "<sheetData>&lol9;", 1)


def _deep(text: str, rng: random.Random) -> str:
    depth = rng.choice([200, 5_000, 50_000])
    return text.replace("<sheetData>", "<sheetData>" + "<x>" * depth + "</x>" * depth, 1)


def _empty_rows(text: str, rng: random.Random) -> str:
    count = rng.choice([1_000, 30_000, 120_000])
    rows = "".join(f'<row r="{n}"/>' for n in range(100, 100 + count))
    return text.replace("</sheetData>", rows + "</sheetData>", 1)


def _wide_row(text: str, rng: random.Random) -> str:
    cells = "<c><v>1</v></c>" * rng.choice([2_000, 60_000])
    return text.replace("</sheetData>", f'<row r="99">{cells}</row></sheetData>', 1)


def _merged(text: str, rng: random.Random) -> str:
    merge = '<mergeCells count="2"><mergeCell ref="A2:B3"/><mergeCell ref="!!:ZZ"/></mergeCells>'
    return text.replace("</sheetData>", "</sheetData>" + merge, 1)


SHEET_EDITS = {
    "cellreferens !!": _replace_first(' r="A2"', ' r="!!"'),
    "cellreferens A0": _replace_first(' r="A2"', ' r="A0"'),
    "cellreferens långt ut": _cell('<c r="XFD2" t="inlineStr"><is><t>x</t></is></c>'),
    "delad text utanför": _cell('<c r="H2" t="s"><v>99999</v></c>'),
    "delad text -1": _cell('<c r="H2" t="s"><v>-1</v></c>'),
    "delad text inget tal": _cell('<c r="H2" t="s"><v>abc</v></c>'),
    "datumcell 2025-99-99": _cell('<c r="G2" t="d"><v>2025-99-99</v></c>'),
    "datumcell tom": _cell('<c r="G2" t="d"><v></v></c>'),
    "datum som serienummer utanför": _cell('<c r="G2" s="1"><v>99999999999</v></c>'),
    "sanningsvärde 2": _cell('<c r="H2" t="b"><v>x</v></c>'),
    "tal som text": _cell('<c r="H2"><v>1,5e</v></c>'),
    "tal 1e999": _cell('<c r="H2"><v>1e999</v></c>'),
    "okänd celltyp": _cell('<c r="H2" t="zz"><v>1</v></c>'),
    "formel": _cell('<c r="D2"><f>HYPERLINK("http://x","klicka")</f><v>klicka</v></c>'),
    "formeltext": _cell('<c r="D2" t="inlineStr"><is><t>=cmd|\' /C calc\'!A0</t></is></c>'),
    "datum som text": _cell('<c r="G2" t="inlineStr"><is><t>2025-13-45</t></is></c>'),
    "datum med snedstreck": _cell('<c r="E2" t="inlineStr"><is><t>31/12/2025</t></is></c>'),
    "radnummer skräp": _replace_first('<row r="2"', '<row r="två"'),
    "radnummer för stort": _replace_first('<row r="2"', '<row r="99999999999"'),
    "radnummer negativt": _replace_first('<row r="2"', '<row r="-4"'),
    "sammanfogade celler": _merged,
    "avklippt xml": _truncate_text,
    "saknad sluttagg": _drop_closing_tag,
    "entiteter (billion laughs)": _doctype,
    "djup nästling": _deep,
    "tomma rader": _empty_rows,
    "bred rad": _wide_row,
    "kontrolltecken": _cell('<c r="D2" t="inlineStr"><is><t>a\x01b</t></is></c>'),
}

OTHER_EDITS = {
    "avklippt xml": _truncate_text,
    "saknad sluttagg": _drop_closing_tag,
    "entiteter (billion laughs)": lambda text, rng: BILLION_LAUGHS + text.split("?>", 1)[-1],
    "tom del": lambda text, rng: "",
    "blad pekar på saknad del": lambda text, rng: text.replace("sheet1.xml", "sheet9.xml"),
}


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml_edit(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    parts = _parts(data)
    sheets = [n for n in parts if n.startswith("xl/worksheets/")]
    if sheets and rng.random() < 0.75:
        name = rng.choice(sheets)
        what, edit = rng.choice(list(SHEET_EDITS.items()))
    else:
        name = rng.choice(sorted(parts))
        what, edit = rng.choice(list(OTHER_EDITS.items()))
    parts[name] = edit(parts[name].decode("utf-8", "replace"), rng).encode("utf-8")
    return f"{what} i {name}", files.zip_parts(parts)


def structural(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    parts = _parts(data)
    choice = rng.randrange(4)
    if choice == 0:
        name = rng.choice(sorted(parts))
        del parts[name]
        return f"utan {name}", files.zip_parts(parts)
    if choice == 1:
        return "okomprimerad", files.zip_parts(parts, level=0)
    if choice == 2:
        parts["xl/styles.xml"] = rng.randbytes(3 * 1024 * 1024)  # too large a part to read whole
        return "stor stildel", files.zip_parts(parts, level=0)
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": what this file is for
        with zipfile.ZipFile(out, "w") as archive:
            for name, part in parts.items():
                archive.writestr(name, part)
            archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")  # a second of one name
    return "dubbel del", out.getvalue()


def bomb(rng: random.Random) -> tuple[str, bytes]:
    size = rng.choice([2, 6, 12, 55]) * 1024 * 1024
    return f"zip-bomb {size // 1024 // 1024} MiB", files.shared_strings_bomb(size)


# --- CSV --------------------------------------------------------------------------------------


def csv_case(rng: random.Random) -> tuple[str, str, bytes]:
    text = good_csv(rng)
    choice = rng.randrange(12)
    if choice == 0:
        return "utf-16 utan BOM", "organisation.csv", text.encode("utf-16-le")
    if choice == 1:
        return "latin-1 med skräp", "organisation.csv", text.encode("cp1252") + rng.randbytes(40)
    if choice == 2:
        return "NUL-tecken", "organisation.csv", text.encode().replace(b";", b"\x00;", 1)
    if choice == 3:
        return (
            "formler",
            "organisation.csv",
            text.replace("Fuzzenhet", "=cmd|' /C calc'!A0").encode(),
        )
    if choice == 4:
        return "ensamt citattecken", "organisation.csv", text.replace("Fuzz", '"Fuzz', 1).encode()
    if choice == 5:
        huge = "x" * 200_000
        return "jättefält", "organisation.csv", (text + f'FZ99;"{huge}";Enhet\r\n').encode()
    if choice == 6:
        return (
            "datum som text",
            "organisation.csv",
            text.replace("2025-01-01", "1/13/2025").encode(),
        )
    if choice == 7:
        return "bara CR", "organisation.csv", text.replace("\r\n", "\r").encode()
    if choice == 8:
        return "många tomma rader", "organisation.csv", (text + "\r\n" * 150_000).encode()
    if choice == 9:
        return "slumpbytes", "organisation.csv", rng.randbytes(rng.randint(1, 4000))
    if choice == 10:
        data = flip_or_truncate(rng, text.encode("utf-8-sig"))
        return "bitfel i CSV", "organisation.csv", data
    return "Excel med fel filändelse", "organisation.csv", good_xlsx(rng)[1]


def flip_or_truncate(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.5:
        return files.truncate(rng, data)
    return files.flip_bits(rng, data)


def cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for number in range(count):
        kind = rng.randrange(20)
        if kind < 4:
            what, filename, data = csv_case(rng)
        else:
            filename, good = good_xlsx(rng)
            if kind < 7:
                what, data = "avklippt", files.truncate(rng, good)
            elif kind < 10:
                what, data = "bitfel", files.flip_bits(rng, good)
            elif kind < 16:
                what, data = xml_edit(rng, good)
            elif kind < 18:
                what, data = structural(rng, good)
            elif kind < 19:
                what, data = bomb(rng)
            else:
                what, data = "fel kontrollsumma", files.corrupt_crc(good)
        yield Case(number, what, filename, data)
