"""Import of the organisation tree (import av organisation) from CSV or Excel.

All or nothing, in three steps:

1. `read_file` parses the bytes of a CSV or XLSX file into plain `OrgRow`
   dataclasses (strings, and dates from Excel date cells), one per data row,
   numbered as the user sees them in Excel (the header is row 1).
2. `import_org` validates every row against the file and the database and
   collects every error it finds (`ImportIssue`: sheet, row, column, Swedish
   message), including the access policy's answer for each unit the import
   would create or change.
3. Only when there are no errors it writes everything inside one transaction,
   checking the access policy again on the objects it saves. Any error on the
   way rolls the whole transaction back.

The format is described for users in docs/import-organisation.md.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from styrhjul.core.concurrency import EditConflict, lock_version, one_action, save_edited
from styrhjul.core.importing import (
    MAX_ROWS,
    ImportIssue,
    ImportRejected,
    check_size,
    csv_rows,
    open_workbook,
    read_header,
    too_many_rows,
)
from styrhjul.core.spreadsheet import cell_text, did_you_mean, put_row

from . import access
from .models import Role, RoleGrant, Unit, UnitType, User

CHANGE_REASON = "Import"


# (field of OrgRow, header as the user writes it)
COLUMNS: list[tuple[str, str]] = [
    ("code", "Kod"),
    ("name", "Namn"),
    ("unit_type", "Typ"),
    ("parent_code", "Överordnad kod"),
    ("valid_from", "Giltig från"),
    ("valid_to", "Giltig till"),
    ("manager_emails", "Chef e-post"),
]
HEADERS = dict(COLUMNS)
REQUIRED = ("code", "name", "unit_type")
DATE_FIELDS = ("valid_from", "valid_to")
SHEET_NAME = "Organisation"

_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_EMAIL_SPLIT_RE = re.compile(r"[;,\s]+")


# --- Data ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgRow:
    """One data row of the file, as read (rad i importfilen).

    Text is stripped. A field is None when the file has no such column at
    all, and "" when the cell is empty: an absent column leaves the existing
    value of a unit alone, an empty cell sets it (an empty "Överordnad kod"
    makes the unit a top-level unit, an empty "Giltig till" keeps it open).
    Date cells from Excel arrive as datetime.date, everything else as text."""

    row: int
    code: str = ""
    name: str = ""
    unit_type: str = ""
    parent_code: str | None = None
    valid_from: str | datetime.date | None = None
    valid_to: str | datetime.date | None = None
    manager_emails: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class ParsedFile:
    rows: list[OrgRow]
    sheet: str | None = None
    ignored_columns: list[str] = field(default_factory=list)


def _issue_order(issue: ImportIssue):
    columns = [label for _, label in COLUMNS]
    column = columns.index(issue.column) if issue.column in columns else len(columns)
    return (issue.row or 0, column if issue.column else -1)


@dataclass
class ImportResult:
    """What the import did (or, for a dry run, would do)."""

    created: list[str] = field(default_factory=list)  # codes of new units
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    managers: int = 0  # Chef grants given
    users_created: list[str] = field(default_factory=list)  # e-mail addresses
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """'Importerade 12 enheter: 10 nya, 2 ändrade; 3 chefer.'"""
        total = len(self.created) + len(self.updated) + len(self.unchanged)
        units = ngettext("%(n)d enhet", "%(n)d enheter", total) % {"n": total}
        parts = [
            ngettext("%(n)d ny", "%(n)d nya", len(self.created)) % {"n": len(self.created)},
            ngettext("%(n)d ändrad", "%(n)d ändrade", len(self.updated)) % {"n": len(self.updated)},
        ]
        if self.unchanged:
            parts.append(
                ngettext("%(n)d oförändrad", "%(n)d oförändrade", len(self.unchanged))
                % {"n": len(self.unchanged)}
            )
        managers = ngettext("%(n)d chef", "%(n)d chefer", self.managers) % {"n": self.managers}
        detail = f"{units}: {', '.join(parts)}; {managers}"
        if self.dry_run:
            text = _("Filen är giltig. Importen skulle ge %(detail)s.") % {"detail": detail}
        else:
            text = _("Importerade %(detail)s.") % {"detail": detail}
        if self.users_created:
            n = len(self.users_created)
            text += " " + (
                ngettext(
                    "%(n)d ny användare skapades.",
                    "%(n)d nya användare skapades.",
                    n,
                )
                if not self.dry_run
                else ngettext(
                    "%(n)d ny användare skulle skapas.",
                    "%(n)d nya användare skulle skapas.",
                    n,
                )
            ) % {"n": n}
        if self.ignored_columns:
            text += " " + _("Kolumner som inte lästes: %(columns)s.") % {
                "columns": ", ".join(self.ignored_columns)
            }
        if self.dry_run:
            text += " " + _("Inget har sparats.")
        return text


# --- Reading the file --------------------------------------------------------------


def _rows_to_org_rows(
    numbered_rows: Iterable[tuple[int, Sequence]], sheet: str | None
) -> ParsedFile:
    """Turn (row number, cells) into OrgRows, using the first non-empty row
    as the header."""
    errors: list[ImportIssue] = []
    header_row = None
    positions: dict[str, int] = {}
    width = 0
    rows: list[OrgRow] = []
    ignored: list[str] = []
    for number, cells in numbered_rows:
        cells = list(cells)
        if header_row is None:
            if not any(cell_text(c) for c in cells):
                continue
            header_row = number
            width, positions, ignored, header_errors = _read_header(cells, number, sheet)
            if header_errors:
                raise ImportRejected(header_errors, order=_issue_order)
            continue
        if not any(cell_text(c) for c in cells):
            continue  # blank line
        if len(rows) >= MAX_ROWS:
            raise too_many_rows(sheet)
        extra = [c for c in cells[width:] if cell_text(c)]
        if extra:
            errors.append(
                ImportIssue(
                    _(
                        "raden har fler värden (%(n)d) än rubrikraden har kolumner "
                        "(%(width)d). Står det semikolon eller komma inne i en cell måste "
                        "cellen omges av citattecken."
                    )
                    % {"n": width + len(extra), "width": width},
                    row=number,
                    sheet=sheet,
                )
            )
            continue
        values = {}
        for name, position in positions.items():
            value = cells[position] if position < len(cells) else None
            if name in DATE_FIELDS and isinstance(value, datetime.date | datetime.datetime):
                if isinstance(value, datetime.datetime):
                    value = value.date()
                values[name] = value
            else:
                values[name] = cell_text(value)
        rows.append(OrgRow(row=number, sheet=sheet, **values))
    if header_row is None:
        raise ImportRejected([ImportIssue(_("filen är tom."), sheet=sheet)])
    if errors:
        raise ImportRejected(errors, order=_issue_order)
    if not rows:
        raise ImportRejected(
            [
                ImportIssue(
                    _("filen har en rubrikrad men inga enheter under den."),
                    sheet=sheet,
                )
            ]
        )
    return ParsedFile(rows=rows, sheet=sheet, ignored_columns=ignored)


def _read_header(cells, number: int, sheet: str | None):
    header = read_header(
        cells,
        columns=HEADERS,
        required=REQUIRED,
        hint=_(
            "Första raden ska innehålla kolumnrubrikerna %(required)s (obligatoriska) "
            "och gärna %(optional)s."
        )
        % {
            "required": ", ".join(HEADERS[n] for n in REQUIRED),
            "optional": ", ".join(label for name, label in COLUMNS if name not in REQUIRED),
        },
        row=number,
        sheet=sheet,
    )
    return header.width, header.positions, header.ignored, header.errors


def _decode(data: bytes) -> str:
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8", errors="strict")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")  # Excel's "Unicode-text"
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        return data.decode("cp1252")  # what Swedish Excel writes as "CSV (semikolonavgränsad)"
    except UnicodeDecodeError:
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "filens teckenkodning känns inte igen. Spara filen som "
                        "”CSV UTF-8” eller som Excel-arbetsbok (.xlsx)."
                    )
                )
            ]
        ) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter used in the header line: ';', ',' or tab."""
    for line in text.splitlines():
        if line.strip():
            counts = {}
            for delimiter in (";", ",", "\t"):
                counts[delimiter] = len(next(csv.reader([line], delimiter=delimiter))) - 1
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] > 0 else ";"
    return ";"


def _read_csv(data: bytes) -> ParsedFile:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected([ImportIssue(_("filen är inte en textfil (CSV)."))])
    text = _decode(data)
    if not text.strip():
        raise ImportRejected([ImportIssue(_("filen är tom."))])
    delimiter = _sniff_delimiter(text)
    return _rows_to_org_rows(csv_rows(text, delimiter), sheet=None)


def _read_xlsx(data: bytes) -> ParsedFile:
    with open_workbook(data) as workbook:
        sheets = workbook.sheets
        if not sheets:
            raise ImportRejected([ImportIssue(_("Excel-filen har inga blad."))])
        sheet = next(
            (s for s in sheets if s.title.strip().casefold() == SHEET_NAME.casefold()),
            sheets[0],
        )
        if not sheet.is_table:  # a chart sheet
            raise ImportRejected(
                [
                    ImportIssue(
                        _("bladet %(sheet)s innehåller ingen tabell.") % {"sheet": sheet.title}
                    )
                ]
            )
        return _rows_to_org_rows(sheet.rows(), sheet=sheet.title)


def read_file(data: bytes, *, filename: str) -> ParsedFile:
    """Parse an uploaded or local file. Raises ImportRejected for files that
    cannot be read at all (wrong type, empty, missing columns)."""
    suffix = PurePath(filename or "").suffix.lower()
    check_size(data)
    is_zip = data.startswith(b"PK\x03\x04")
    is_ole = data.startswith(b"\xd0\xcf\x11\xe0")  # the old .xls format
    if suffix == ".xls" or is_ole:
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "det gamla Excel-formatet .xls kan inte läsas. Spara filen som "
                        "Excel-arbetsbok (.xlsx) eller som CSV."
                    )
                )
            ]
        )
    if suffix in {".xlsx", ".xlsm"}:
        if not is_zip or not zipfile.is_zipfile(io.BytesIO(data)):
            if not data:
                raise ImportRejected([ImportIssue(_("filen är tom."))])
            raise ImportRejected(
                [ImportIssue(_("filen är inte en giltig Excel-arbetsbok (.xlsx)."))]
            )
        return _read_xlsx(data)
    if suffix in {".csv", ".txt"}:
        if is_zip:
            raise ImportRejected(
                [
                    ImportIssue(
                        _(
                            "filen heter %(suffix)s men är en Excel-arbetsbok. Byt "
                            "filändelse till .xlsx eller spara den som CSV."
                        )
                        % {"suffix": suffix}
                    )
                ]
            )
        if not data.strip():
            raise ImportRejected([ImportIssue(_("filen är tom."))])
        return _read_csv(data)
    raise ImportRejected(
        [
            ImportIssue(
                _(
                    "fel filtyp (%(suffix)s). Välj en CSV-fil (.csv) eller en "
                    "Excel-arbetsbok (.xlsx)."
                )
                % {"suffix": suffix or _("ingen filändelse")}
            )
        ]
    )


# --- Validating --------------------------------------------------------------------


def _key(code: str) -> str:
    return code.strip().casefold()


@dataclass
class _Planned:
    """A validated row: what the import will do to one unit."""

    source: OrgRow
    key: str
    existing: Unit | None
    name: str = ""
    unit_type: UnitType | None = None
    parent_given: bool = False
    parent_key: str | None = None  # None: top level
    valid_from: datetime.date | None = None  # None: keep (or the default for new units)
    valid_to_given: bool = False
    valid_to: datetime.date | None = None
    emails: list[str] = field(default_factory=list)
    parent_ok: bool = True  # False: the parent could not be resolved (error reported)
    dates_ok: bool = True
    changed_fields: list[str] = field(default_factory=list)  # including new Chef grants
    failed: bool = False

    @property
    def row(self) -> int:
        return self.source.row

    @property
    def code(self) -> str:
        return self.source.code

    @property
    def unit_changed(self) -> bool:
        """Does the unit itself change (not only its managers)?"""
        return any(f != "manager_emails" for f in self.changed_fields)


class _Issues:
    def __init__(self):
        self.items: list[ImportIssue] = []

    def add(self, planned_or_row, message: str, column: str | None = None) -> None:
        source = planned_or_row.source if isinstance(planned_or_row, _Planned) else planned_or_row
        label = HEADERS.get(column, column) if column else None
        self.items.append(ImportIssue(message, row=source.row, column=label, sheet=source.sheet))
        if isinstance(planned_or_row, _Planned):
            planned_or_row.failed = True

    def __bool__(self) -> bool:
        return bool(self.items)


def _parse_date(value, issues: _Issues, planned: _Planned, column: str):
    if isinstance(value, datetime.date):
        return value
    match = _DATE_RE.match(value)
    try:
        if not match:
            raise ValueError
        return datetime.date.fromisoformat(match.group(1))
    except ValueError:
        issues.add(
            planned,
            _(
                "”%(value)s” är inte ett giltigt datum. Skriv datum som ÅÅÅÅ-MM-DD, "
                "till exempel 2025-01-01."
            )
            % {"value": value},
            column,
        )
        return None


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


class _Importer:
    def __init__(self, actor, rows: Sequence[OrgRow]):
        self.actor = actor
        self.rows = rows
        self.issues = _Issues()
        self.types = {t.name.casefold(): t for t in UnitType.objects.order_by("order", "name")}
        self.units_by_pk: dict[int, Unit] = {}
        self.existing: dict[str, Unit] = {}
        for unit in Unit.objects.select_related(None).order_by("pk"):
            self.units_by_pk[unit.pk] = unit
            # Codes are compared case-insensitively, as the unit form does.
            self.existing.setdefault(_key(unit.code), unit)
        self.planned: dict[str, _Planned] = {}
        self.users: dict[str, User | None] = {}  # e-mail -> user (None: to be created)
        self.unusable_emails: set[str] = set()  # no user, and not usable as a user name
        self.manager_grants: dict[tuple[int, int], bool] = {}  # (user, unit) -> subtree

    # Validation ---------------------------------------------------------------

    def validate(self) -> None:
        first_row: dict[str, int] = {}
        for row in self.rows:
            planned = self._validate_fields(row)
            if planned is None:
                continue
            if planned.key in first_row:
                self.issues.add(
                    row,
                    _("koden ”%(code)s” finns redan på rad %(row)d i filen.")
                    % {"code": row.code, "row": first_row[planned.key]},
                    "code",
                )
                continue
            first_row[planned.key] = row.row
            self.planned[planned.key] = planned
        self._resolve_parents()
        self._find_cycles()
        self._resolve_users()
        self._find_changes()
        self._check_access()

    def _validate_fields(self, row: OrgRow) -> _Planned | None:
        code = row.code.strip()
        if not code:
            self.issues.add(row, _("koden saknas. Varje enhet behöver en unik kod."), "code")
        elif len(code) > 50:
            self.issues.add(row, _("koden får vara högst 50 tecken lång."), "code")
        planned = _Planned(source=row, key=_key(code), existing=self.existing.get(_key(code)))
        if not code or len(code) > 50:
            planned.failed = True
        planned.name = row.name.strip()
        if not planned.name:
            self.issues.add(planned, _("namnet saknas."), "name")
        elif len(planned.name) > 200:
            self.issues.add(planned, _("namnet får vara högst 200 tecken långt."), "name")
        type_name = row.unit_type.strip()
        if not type_name:
            self.issues.add(
                planned,
                _("enhetstypen saknas. Giltiga typer: %(types)s.") % {"types": self._type_list()},
                "unit_type",
            )
        else:
            planned.unit_type = self.types.get(type_name.casefold())
            if planned.unit_type is None:
                message = _("okänd enhetstyp ”%(name)s”. Giltiga typer: %(types)s.") % {
                    "name": type_name,
                    "types": self._type_list(),
                }
                message += did_you_mean(type_name.casefold(), self.types)
                self.issues.add(planned, message, "unit_type")
        if row.parent_code is not None:
            planned.parent_given = True
            planned.parent_key = _key(row.parent_code) or None
        if row.valid_from not in (None, ""):
            planned.valid_from = _parse_date(row.valid_from, self.issues, planned, "valid_from")
            planned.dates_ok = planned.valid_from is not None
        if row.valid_to is not None:
            planned.valid_to_given = True
            if row.valid_to != "":
                planned.valid_to = _parse_date(row.valid_to, self.issues, planned, "valid_to")
                if planned.valid_to is None:
                    planned.valid_to_given = False
                    planned.dates_ok = False
        if planned.dates_ok:
            self._validate_dates(planned)
        for email in _EMAIL_SPLIT_RE.split(row.manager_emails or ""):
            if not email:
                continue
            email = email.strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                self.issues.add(
                    planned,
                    _("”%(email)s” är inte en giltig e-postadress.") % {"email": email},
                    "manager_emails",
                )
                continue
            if email not in planned.emails:
                planned.emails.append(email)
        return planned if code else None

    def _validate_dates(self, planned: _Planned) -> None:
        start = planned.valid_from
        if start is None:
            start = planned.existing.valid_from if planned.existing else _default_valid_from()
        end = planned.valid_to if planned.valid_to_given else None
        if end is None and not planned.valid_to_given and planned.existing:
            end = planned.existing.valid_to
        if end is not None and end < start:
            self.issues.add(
                planned,
                _("Giltig till (%(end)s) är före Giltig från (%(start)s).")
                % {"end": end.isoformat(), "start": start.isoformat()},
                "valid_to" if planned.valid_to_given else "valid_from",
            )

    def _type_list(self) -> str:
        return ", ".join(t.name for t in self.types.values())

    def _resolve_parents(self) -> None:
        for planned in self.planned.values():
            key = planned.parent_key
            if not planned.parent_given or key is None:
                continue
            if key == planned.key:
                self.issues.add(
                    planned,
                    _("en enhet kan inte vara överordnad sig själv."),
                    "parent_code",
                )
                planned.parent_given = planned.parent_ok = False
            elif key not in self.planned and key not in self.existing:
                self.issues.add(
                    planned,
                    _(
                        "den överordnade koden ”%(code)s” finns varken i filen eller "
                        "bland enheterna i organisationen."
                    )
                    % {"code": planned.source.parent_code},
                    "parent_code",
                )
                planned.parent_given = planned.parent_ok = False

    def _parent_of(self, key: str) -> str | None:
        """The parent's key in the tree as it will be after the import."""
        planned = self.planned.get(key)
        if planned is not None and planned.parent_given:
            return planned.parent_key
        unit = self.existing.get(key)
        if unit is not None and unit.parent_id is not None:
            parent = self.units_by_pk.get(unit.parent_id)
            return _key(parent.code) if parent else None
        return None

    def _find_cycles(self) -> None:
        cyclic: set[str] = set()
        for planned in self.planned.values():
            if not planned.parent_given or planned.parent_key is None:
                continue
            path = [planned.key]
            seen = {planned.key}
            key = planned.parent_key
            while key is not None and key not in seen:
                path.append(key)
                seen.add(key)
                key = self._parent_of(key)
            if key == planned.key:
                codes = [self._code(k) for k in [*path, planned.key]]
                self.issues.add(
                    planned,
                    _(
                        "enheten hamnar under sig själv: %(path)s. En enhet kan inte ligga "
                        "under sig själv eller sina underenheter."
                    )
                    % {"path": " → ".join(codes)},
                    "parent_code",
                )
                cyclic.add(planned.key)
        for key in cyclic:
            # Keep the tree walkable (acyclic) for the checks that follow.
            self.planned[key].parent_given = self.planned[key].parent_ok = False

    def _code(self, key: str) -> str:
        if key in self.planned:
            return self.planned[key].code.strip()
        return self.existing[key].code

    def _resolve_users(self) -> None:
        wanted = {email for p in self.planned.values() for email in p.emails}
        if not wanted:
            return
        by_email: dict[str, list[User]] = defaultdict(list)
        by_username: dict[str, list[User]] = defaultdict(list)
        candidates = User.objects.annotate(e=Lower("email"), u=Lower("username")).filter(
            Q(e__in=wanted) | Q(u__in=wanted)
        )
        for user in candidates:
            if user.e in wanted:
                by_email[user.e].append(user)
            if user.u in wanted:
                by_username[user.u].append(user)
        ambiguous, unusable = set(), self.unusable_emails
        for email in sorted(wanted):
            found = by_email.get(email) or by_username.get(email) or []
            if len(found) > 1:
                ambiguous.add(email)
            self.users[email] = found[0] if len(found) == 1 else None
            if not found:
                try:  # a new user is named by the address
                    UnicodeUsernameValidator()(email)
                    if len(email) > User._meta.get_field("username").max_length:
                        raise ValidationError("too long")
                except ValidationError:
                    unusable.add(email)
        for planned in self.planned.values():
            for email in planned.emails:
                if email in unusable:
                    self.issues.add(
                        planned,
                        _(
                            "det finns ingen användare med e-postadressen %(email)s, och "
                            "adressen kan inte bli användarnamn. Lägg upp användaren under "
                            "Administration → Användare och importera igen."
                        )
                        % {"email": email},
                        "manager_emails",
                    )
                if email in ambiguous:
                    self.issues.add(
                        planned,
                        _(
                            "flera användare har e-postadressen %(email)s. Rätta det under "
                            "Administration → Användare och importera igen."
                        )
                        % {"email": email},
                        "manager_emails",
                    )
        known = [u for u in self.users.values() if u is not None]
        for user_id, unit_id, subtree in RoleGrant.objects.filter(
            role=Role.MANAGER, user__in=known
        ).values_list("user_id", "unit_id", "includes_subtree"):
            self.manager_grants[(user_id, unit_id)] = subtree

    def _grant_needed(self, planned: _Planned, email: str) -> bool:
        user = self.users.get(email)
        if user is None or planned.existing is None:
            return True
        return self.manager_grants.get((user.pk, planned.existing.pk)) is not True

    def _find_changes(self) -> None:
        for planned in self.planned.values():
            unit = planned.existing
            if unit is None:
                continue
            changed = []
            if planned.name and planned.name != unit.name:
                changed.append("name")
            if planned.unit_type is None or planned.unit_type.pk != unit.unit_type_id:
                changed.append("unit_type")
            if planned.parent_given and planned.parent_key != self._parent_of_existing(unit):
                changed.append("parent_code")
            if planned.valid_from is not None and planned.valid_from != unit.valid_from:
                changed.append("valid_from")
            if planned.valid_to_given and planned.valid_to != unit.valid_to:
                changed.append("valid_to")
            if any(self._grant_needed(planned, email) for email in planned.emails):
                changed.append("manager_emails")
            planned.changed_fields = changed

    def _parent_of_existing(self, unit: Unit) -> str | None:
        parent = self.units_by_pk.get(unit.parent_id) if unit.parent_id else None
        return _key(parent.code) if parent else None

    def _label(self, key: str) -> str:
        """How to name a unit in a message without revealing what the user
        may not read."""
        if key in self.planned and self.planned[key].existing is None:
            return _("”%(name)s” (kod %(code)s)") % {
                "name": self.planned[key].name,
                "code": self.planned[key].code.strip(),
            }
        unit = self.existing[key]
        if access.can_read(self.actor, unit):
            return _("”%(name)s” (kod %(code)s)") % {"name": unit.name, "code": unit.code}
        return _("med kod %(code)s") % {"code": unit.code}

    def _nearest_existing(self, key: str | None) -> Unit | None:
        """The first unit above `key` (inclusive) that already exists."""
        while key is not None:
            planned = self.planned.get(key)
            if planned is None or planned.existing is not None:
                return self.existing[key]
            key = planned.parent_key if planned.parent_given else None
        return None

    def _may_place_under(self, parent_key: str | None) -> bool:
        """May the actor create or move a unit under `parent_key` (None: top)?
        For a parent that the import itself creates, the answer is the one
        for that parent's nearest existing ancestor; the writing step checks
        again on the saved parent."""
        anchor = self._nearest_existing(parent_key)
        if anchor is None:
            return _allowed(access.require_admin, self.actor)
        return _allowed(access.require, self.actor, access.Action.MANAGE, anchor)

    def _check_access(self) -> None:
        actor_is_admin = _allowed(access.require_admin, self.actor)
        for planned in self.planned.values():
            unit = planned.existing
            if unit is None and not planned.parent_ok:
                pass  # the parent is wrong; that error is reported already
            elif unit is None:
                parent_key = planned.parent_key if planned.parent_given else None
                if not self._may_place_under(parent_key):
                    if parent_key is None:
                        self.issues.add(
                            planned,
                            _(
                                "du har inte behörighet att skapa enheter på översta nivån. "
                                "Ange en överordnad enhet inom ditt område."
                            ),
                            "parent_code",
                        )
                    else:
                        self.issues.add(
                            planned,
                            _("du har inte behörighet att skapa enheter under %(unit)s.")
                            % {"unit": self._label(parent_key)},
                            "parent_code",
                        )
            elif planned.changed_fields:
                if not _allowed(access.require, self.actor, access.Action.MANAGE, unit):
                    self.issues.add(
                        planned,
                        _("du har inte behörighet att ändra enheten %(unit)s.")
                        % {"unit": self._label(planned.key)},
                    )
                elif (
                    "parent_code" in planned.changed_fields
                    and planned.parent_ok
                    and not self._may_place_under(planned.parent_key)
                ):
                    self.issues.add(
                        planned,
                        (
                            _("du har inte behörighet att flytta enheter till %(unit)s.")
                            % {"unit": self._label(planned.parent_key)}
                            if planned.parent_key
                            else _("du har inte behörighet att flytta enheter till översta nivån.")
                        ),
                        "parent_code",
                    )
            elif not access.can_read(self.actor, unit):
                self.issues.add(
                    planned,
                    _("du har inte behörighet till enheten %(unit)s.")
                    % {"unit": self._label(planned.key)},
                )
            if not actor_is_admin:
                for email in planned.emails:
                    if self.users.get(email, False) is None and email not in self.unusable_emails:
                        self.issues.add(
                            planned,
                            _(
                                "det finns ingen användare med e-postadressen %(email)s, och "
                                "bara en systemadministratör kan skapa användare. Be en "
                                "administratör lägga upp användaren, eller importera som "
                                "administratör."
                            )
                            % {"email": email},
                            "manager_emails",
                        )

    # Result -------------------------------------------------------------------

    def result(self, *, dry_run: bool, ignored_columns: Sequence[str] = ()) -> ImportResult:
        result = ImportResult(dry_run=dry_run, ignored_columns=list(ignored_columns))
        for planned in self.planned.values():
            code = planned.code.strip()
            if planned.existing is None:
                result.created.append(code)
            elif planned.unit_changed:
                result.updated.append(planned.existing.code)
            else:
                result.unchanged.append(planned.existing.code)
            result.managers += sum(1 for e in planned.emails if self._grant_needed(planned, e))
        result.users_created = sorted(e for e, u in self.users.items() if u is None)
        return result

    # Writing ------------------------------------------------------------------

    def _depth(self, key: str) -> int:
        depth = 0
        key = self._parent_of(key)
        while key is not None:
            depth += 1
            key = self._parent_of(key)
        return depth

    def _history(self, obj) -> None:
        obj._history_user = self.actor if isinstance(self.actor, User) else None
        obj._change_reason = CHANGE_REASON

    def write(self) -> None:
        """Save the validated plan. Runs inside the caller's transaction;
        raises ImportRejected (and so rolls back) on any error."""
        saved: dict[str, Unit] = {}
        levels: dict[int, list[_Planned]] = defaultdict(list)
        for planned in self.planned.values():
            levels[self._depth(planned.key)].append(planned)
        for depth in sorted(levels):
            created = False
            for planned in levels[depth]:
                try:
                    if planned.existing is None:
                        saved[planned.key] = self._create(planned, saved)
                        created = True
                    elif planned.unit_changed:
                        saved[planned.key] = self._update(planned, saved)
                    else:
                        saved[planned.key] = planned.existing
                except PermissionDenied:
                    self.issues.add(
                        planned,
                        _("du har inte behörighet att spara enheten %(unit)s.")
                        % {"unit": self._label(planned.key)},
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        self.issues.add(planned, message)
            if self.issues:  # later levels may need what failed here
                raise ImportRejected(self.issues.items, order=_issue_order)
            if created:
                access.forget(self.actor)  # the actor's rights now cover the new units
        self._write_managers(saved)
        if self.issues:
            raise ImportRejected(self.issues.items, order=_issue_order)

    def _unit(self, key: str | None, saved: dict[str, Unit]) -> Unit | None:
        if key is None:
            return None
        return saved.get(key) or self.existing[key]

    def _check_place(self, parent: Unit | None) -> None:
        if parent is None:
            access.require_admin(self.actor)
        else:
            access.require(self.actor, access.Action.MANAGE, parent)

    def _create(self, planned: _Planned, saved: dict[str, Unit]) -> Unit:
        parent = self._unit(planned.parent_key if planned.parent_given else None, saved)
        self._check_place(parent)
        unit = Unit(
            name=planned.name,
            code=planned.code.strip(),
            unit_type=planned.unit_type,
            parent=parent,
            valid_from=planned.valid_from or _default_valid_from(),
            valid_to=planned.valid_to if planned.valid_to_given else None,
        )
        _clean(unit)
        self._history(unit)
        unit.save()
        return unit

    def _update(self, planned: _Planned, saved: dict[str, Unit]) -> Unit:
        unit = planned.existing
        access.require(self.actor, access.Action.MANAGE, unit)
        if "parent_code" in planned.changed_fields:
            parent = self._unit(planned.parent_key, saved)
            self._check_place(parent)
            unit.parent = parent
        unit.name = planned.name
        unit.unit_type = planned.unit_type
        if planned.valid_from is not None:
            unit.valid_from = planned.valid_from
        if planned.valid_to_given:
            unit.valid_to = planned.valid_to
        _clean(unit)
        # Optimistic concurrency, as in services: refuse if someone saved meanwhile.
        try:
            lock_version(unit, unit.version)
        except EditConflict:
            raise ValidationError(
                _("någon annan ändrade enheten medan importen pågick. Försök igen.")
            ) from None
        return save_edited(unit, self.actor, CHANGE_REASON)

    def _write_managers(self, saved: dict[str, Unit]) -> None:
        for email, user in list(self.users.items()):
            if user is not None:
                continue
            try:
                access.require_admin(self.actor)
                user = User(username=email, email=email)
                user.set_unusable_password()  # logs in through OpenID Connect
                user.full_clean()
            except (PermissionDenied, ValidationError) as exc:
                message = (
                    "; ".join(exc.messages)
                    if isinstance(exc, ValidationError)
                    else _("du har inte behörighet att skapa användare.")
                )
                for planned in self.planned.values():
                    if email in planned.emails:
                        self.issues.add(planned, f"{email}: {message}", "manager_emails")
                continue
            self._history(user)
            user.save()
            self.users[email] = user
        if self.issues:
            raise ImportRejected(self.issues.items, order=_issue_order)
        for planned in self.planned.values():
            unit = saved[planned.key]
            for email in planned.emails:
                user = self.users[email]
                if self.manager_grants.get((user.pk, unit.pk)) is True:
                    continue
                try:
                    access.require(self.actor, access.Action.MANAGE, unit)
                except PermissionDenied:
                    self.issues.add(
                        planned,
                        _("du har inte behörighet att ge behörigheter på enheten %(unit)s.")
                        % {"unit": self._label(planned.key)},
                        "manager_emails",
                    )
                    continue
                if (user.pk, unit.pk) in self.manager_grants:  # without the subtree
                    grant = RoleGrant.objects.get(user=user, unit=unit, role=Role.MANAGER)
                else:
                    grant = RoleGrant(user=user, unit=unit, role=Role.MANAGER)
                grant.includes_subtree = True
                self._history(grant)
                grant.save()
                self.manager_grants[(user.pk, unit.pk)] = True
                access.forget(user)


def _clean(unit: Unit) -> None:
    """The model's own checks (validity, no loops in the tree). Codes, types
    and parents are checked by the validation already, against the file and
    the database; the database's constraints guard against a concurrent
    change."""
    unit.full_clean(
        exclude=["parent", "unit_type", "code"], validate_unique=False, validate_constraints=False
    )


def _default_valid_from() -> datetime.date:
    return Unit._meta.get_field("valid_from").get_default()


# --- Entry points -------------------------------------------------------------------


def import_org(
    *,
    actor,
    rows: Sequence[OrgRow],
    dry_run: bool = False,
    ignored_columns: Sequence[str] = (),
) -> ImportResult:
    """Create and update units (and Chef grants) from validated file rows,
    all or nothing. Raises ImportRejected with every error found; then
    nothing is saved. With dry_run, only validates."""
    try:
        with one_action():
            importer = _Importer(actor, rows)
            importer.validate()
            if importer.issues:
                raise ImportRejected(importer.issues.items, order=_issue_order)
            result = importer.result(dry_run=dry_run, ignored_columns=ignored_columns)
            if not dry_run:
                importer.write()
    except IntegrityError:
        # Someone saved a clashing unit, user or grant while the import ran.
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "organisationen ändrades av någon annan medan importen pågick. "
                        "Ingenting har sparats; försök igen."
                    )
                )
            ]
        ) from None
    finally:
        access.forget(actor)  # rights cached during the import may be out of date
    return result


def import_file(*, actor, data: bytes, filename: str, dry_run: bool = False) -> ImportResult:
    """Read a CSV or XLSX file and import it (see import_org)."""
    parsed = read_file(data, filename=filename)
    return import_org(
        actor=actor, rows=parsed.rows, dry_run=dry_run, ignored_columns=parsed.ignored_columns
    )


def column_help() -> list[tuple[str, bool, str]]:
    """(header, required, description) for each column, for the import page
    and the template."""
    types = ", ".join(t.name for t in UnitType.objects.order_by("order", "name"))
    descriptions = {
        "code": _(
            "Enhetens unika kod (ansvar) i ekonomisystemet. Finns koden redan ändras den "
            "enheten, annars skapas en ny."
        ),
        "name": _("Enhetens namn."),
        "unit_type": _("En av enhetstyperna: %(types)s.") % {"types": types},
        "parent_code": _(
            "Koden för enheten närmast ovanför, i filen eller redan i Styrhjul. Tom cell: "
            "enheten ligger på översta nivån."
        ),
        "valid_from": _(
            "Första giltighetsdag, ÅÅÅÅ-MM-DD. Tom cell: oförändrad (för nya enheter 2000-01-01)."
        ),
        "valid_to": _("Sista giltighetsdag, ÅÅÅÅ-MM-DD. Tom cell: gäller tills vidare."),
        "manager_emails": _(
            "Chefens e-postadress; flera skiljs med semikolon. Personen får rollen Chef på "
            "enheten och dess underliggande enheter."
        ),
    }
    return [(label, name in REQUIRED, descriptions[name]) for name, label in COLUMNS]


def template_workbook() -> bytes:
    """An .xlsx template: the headers, two fictional example rows, and a
    second sheet explaining the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    for cell in put_row(sheet, 1, [label for _name, label in COLUMNS]):
        cell.font = Font(bold=True)
    examples = [
        ["EX100", "Exempelnämnden", "Nämnd", "", datetime.date(2025, 1, 1), None, ""],
        [
            "EX110",
            "Exempelförvaltningen",
            "Förvaltning",
            "EX100",
            datetime.date(2025, 1, 1),
            None,
            "fornamn.efternamn@example.com",
        ],
    ]
    for row, example in enumerate(examples, start=2):
        put_row(sheet, row, example)
    widths = [12, 36, 16, 16, 14, 14, 36]
    for index, width in enumerate(widths):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = width
        if index in (0, 3):  # codes are text: keep leading zeros
            for row in range(2, 1002):
                sheet[f"{letter}{row}"].number_format = "@"
        if index in (4, 5):
            for row in range(2, 1002):
                sheet[f"{letter}{row}"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    names = [t.name for t in UnitType.objects.order_by("order", "name")]
    type_names = ",".join(names)
    if names and len(type_names) < 250 and not any("," in n or '"' in n for n in names):
        rule = DataValidation(type="list", formula1=f'"{type_names}"', allow_blank=False)
        rule.error = _("Välj en av enhetstyperna i listan.")
        rule.errorTitle = _("Okänd enhetstyp")
        sheet.add_data_validation(rule)
        rule.add("C2:C1001")

    help_sheet = workbook.create_sheet(_("Instruktioner"))
    for cell in put_row(help_sheet, 1, [_("Kolumn"), _("Obligatorisk"), _("Beskrivning")]):
        cell.font = Font(bold=True)
    for row, (label, required, description) in enumerate(column_help(), start=2):
        put_row(help_sheet, row, [label, _("ja") if required else _("nej"), description])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 12
    help_sheet.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
