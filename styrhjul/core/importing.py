"""What every importer shares (the organisation file, a plan workbook, the
reported results): one kind of error with its place in the file, one
rejection of a whole file, the limits of an upload, opening a workbook and
reading a header row. Pages and commands show every importer's errors the
same way."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .spreadsheet import cell_text, closest, norm_header

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass(frozen=True)
class ImportIssue:
    """One error in the file: where it is and what is wrong, in Swedish."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("blad %(sheet)s") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("rad %(row)d") % {"row": self.row})
        if self.column:
            parts.append(_("kolumn %(column)s") % {"column": self.column})
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def __str__(self) -> str:
        where = self.location()
        if not where:
            return self.message[:1].upper() + self.message[1:]
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; nothing was saved. `errors` lists every
    problem found, in the file's order (`order`: the importer's sort key,
    e.g. sheet, row and column in the order of its format)."""

    def __init__(
        self, errors: Sequence[ImportIssue], order: Callable[[ImportIssue], object] | None = None
    ):
        self.errors = sorted(errors, key=order) if order else list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def rejected(message: str, **where) -> ImportRejected:
    """A rejection with one error."""
    return ImportRejected([ImportIssue(message, **where)])


def check_size(data: bytes) -> None:
    """Reject a file larger than an upload may be."""
    if len(data) > MAX_BYTES:
        raise rejected(
            _("filen är för stor (högst %(mb)d MB).") % {"mb": MAX_BYTES // 1024 // 1024}
        )


def check_workbook_file(data: bytes, filename: str) -> None:
    """Reject a file that is not an Excel workbook (.xlsx) small enough to
    import, saying in Swedish what it is instead."""
    import zipfile
    from pathlib import PurePath

    suffix = PurePath(filename or "").suffix.lower()
    check_size(data)
    if not data:
        raise ImportRejected([ImportIssue(_("filen är tom."))])
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "det gamla Excel-formatet .xls kan inte läsas. Spara filen som "
                        "Excel-arbetsbok (.xlsx)."
                    )
                )
            ]
        )
    if suffix not in {".xlsx", ".xlsm"}:
        raise ImportRejected(
            [
                ImportIssue(
                    _("fel filtyp (%(suffix)s). Välj en Excel-arbetsbok (.xlsx).")
                    % {"suffix": suffix or _("ingen filändelse")}
                )
            ]
        )
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected([ImportIssue(_("filen är inte en giltig Excel-arbetsbok (.xlsx)."))])


def too_many_rows(sheet: str | None = None) -> ImportRejected:
    return rejected(
        _("filen har fler än %(max)s rader; dela upp den i flera filer.")
        % {"max": f"{MAX_ROWS:,}".replace(",", " ")},
        sheet=sheet,
    )


def open_workbook(data: bytes):
    """The openpyxl workbook (read-only, values not formulas) of an .xlsx
    file's bytes; close it when done."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files
        raise rejected(
            _("filen kunde inte läsas som Excel-arbetsbok (.xlsx). Är den skadad?")
        ) from None


@dataclass
class Header:
    """A header row as read: the position of each known column (by key), the
    width of the row, the headers not read and the errors found."""

    width: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)


def read_header(
    cells: Iterable,
    *,
    columns: Mapping[str, str],
    required: Iterable[str],
    hint: str,
    row: int,
    sheet: str | None,
    aliases: Mapping[str, str] | None = None,
) -> Header:
    """Read a header row against a format's `columns` (key → header, in the
    format's order), case and order free. A header written twice or missing
    while `required`, or one that looks like a misspelt known header, is an
    error (the missing ones first, followed by `hint`: which headers the row
    should hold); any other unknown header is ignored. `aliases` (an older
    header → key) are read as that column too, for files written before a
    header was renamed."""
    known = {norm_header(label): key for key, label in columns.items()}
    for label, key in (aliases or {}).items():
        known.setdefault(norm_header(label), key)
    header = Header()
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        header.width = index + 1
        key = known.get(norm_header(text))
        if key is None:
            unknown.append(text)
        elif key in header.positions:
            header.errors.append(
                ImportIssue(
                    _("kolumnen %(column)s finns två gånger i rubrikraden.")
                    % {"column": columns[key]},
                    row=row,
                    sheet=sheet,
                )
            )
        else:
            header.positions[key] = index
    missing = {
        norm_header(label): key for key, label in columns.items() if key not in header.positions
    }
    for text in unknown:
        meant = closest(norm_header(text), missing)
        if meant is not None:
            header.errors.append(
                ImportIssue(
                    _("okänd kolumn ”%(text)s”. Menade du ”%(column)s”?")
                    % {"text": text, "column": columns[meant]},
                    row=row,
                    sheet=sheet,
                )
            )
        else:
            header.ignored.append(text)
    lacking = [columns[key] for key in required if key not in header.positions]
    if lacking:
        header.errors.insert(
            0,
            ImportIssue(
                ngettext(
                    "rubrikraden saknar kolumnen %(columns)s.",
                    "rubrikraden saknar kolumnerna %(columns)s.",
                    len(lacking),
                )
                % {"columns": ", ".join(lacking)}
                + " "
                + hint,
                row=row,
                sheet=sheet,
            ),
        )
    return header


def read_command_file(file: str) -> bytes:
    """The bytes of a file named on the command line (the import commands),
    or a CommandError saying in Swedish why it cannot be read."""
    from pathlib import Path

    from django.core.management.base import CommandError

    path = Path(file)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"Filen {path} finns inte.") from None
    except IsADirectoryError:
        raise CommandError(f"{path} är en mapp, inte en fil.") from None
    except OSError as exc:
        raise CommandError(f"Filen {path} kunde inte läsas: {exc.strerror}.") from None
