"""A parser for SIE files (typ 1–4), the Swedish standard for exports from
accounting systems. Pure Python: no Django, no database.

`parse(data)` reads the bytes of a file and returns a `SieFile`, or raises
`SieError` listing every problem with its line number and tag, in Swedish
("Rad 123 (#PSALDO): beloppet ”12,3x” är inte ett tal."). It checks what the
file itself can tell: the syntax, the amounts, the dates and periods, that
every balance's account is declared with #KONTO, that every object's
dimension is declared with #DIM, that periods lie in the years of #RAR, that
no balance is given twice and that every voucher (#VER) balances.

The character set is PC8 (code page 437), which is what the standard
prescribes; a file whose #FORMAT says UTF8 is read as UTF-8. A file that is
evidently in another character set (Windows-1252/Latin-1 or UTF-8 while
#FORMAT says PC8) is refused, since its names would be read wrongly.

Amounts are `Decimal`, written with '.' as decimal separator as the standard
says. Revenue is negative (credit) and costs positive (debit), as in the
ledger. Object lists (`{1 "100" 6 "P1"}`) become tuples of (dimension,
object code) pairs, sorted by dimension; `()` is the account's total.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from styrhjul.core.cycles import collection_paused

Objects = tuple[tuple[int, str], ...]

AMOUNT = re.compile(r"-?\d+(\.\d+)?")
INTEGER = re.compile(r"-?\d+")
PERIOD = re.compile(r"\d{6}")
DATE = re.compile(r"\d{8}")
# The common form of #PSALDO and #PBUDGET, found in the whole text rather
# than line by line and read without the tokenizer: a line of tag, year and
# period (one group, "head"), account, an object list without nested quotes
# or escapes, amount and an optional quantity. Any other form is read by the
# tokenizer.
PERIOD_BALANCE_LINES = re.compile(
    r"^[ \t]*(#(?:PSALDO|PBUDGET)[ \t]+-?\d+[ \t]+\d{6})[ \t]+(\d+)[ \t]+"
    r'\{((?:[^{}"\\\n]|"[^"\\\n]*")*)\}[ \t]+(-?\d+(?:\.\d+)?)'
    r'(?:[ \t]+[^ \t"{}\n]+)?[ \t]*$',
    re.MULTILINE,
)

# Bytes for å, ä, ö, Å, Ä, Ö, é in Windows-1252/Latin-1 (code page 437 reads
# them as σ, Σ, ÷, ┼, ─, Í, Θ) and in code page 437.
LATIN1_LETTERS = frozenset(b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9")
PC8_LETTERS = frozenset(b"\x86\x84\x94\x8f\x8e\x99\x82")
LATIN1_BYTES = re.compile(b"[" + re.escape(bytes(sorted(LATIN1_LETTERS))) + b"]")
PC8_BYTES = re.compile(b"[" + re.escape(bytes(sorted(PC8_LETTERS))) + b"]")
HIGH_BYTE = re.compile(b"[\x80-\xff]")


@dataclass(frozen=True)
class Problem:
    """One error in the file: its line (1-based), its tag and a message."""

    message: str
    line: int | None = None
    tag: str | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.message[:1].upper() + self.message[1:]
        tag = f" ({self.tag})" if self.tag else ""
        return f"Rad {self.line}{tag}: {self.message}"


class SieError(Exception):
    """The file could not be read; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Year:
    """Räkenskapsår (#RAR): 0 is the file's year, -1 the one before …"""

    index: int
    start: datetime.date
    end: datetime.date

    def months(self) -> list[datetime.date]:
        """The first day of each month of the year."""
        result, day = [], self.start.replace(day=1)
        while day <= self.end:
            result.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return result


@dataclass
class Account:
    number: str
    name: str = ""
    kind: str = ""  # #KTYP: T tillgång, S skuld, K kostnad, I intäkt
    line: int = 0


@dataclass
class Dimension:
    number: int
    name: str
    parent: int | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Balance:
    """#IB, #UB, #RES (objects empty), #OIB, #OUB: a year's balance."""

    tag: str
    line: int
    year: int
    account: str
    objects: Objects
    amount: Decimal


@dataclass(slots=True)
class PeriodBalance:
    """#PSALDO (utfall) or #PBUDGET (budget): one month's amount. Not
    frozen: a file has a million of them, and a frozen dataclass takes four
    times as long to make. Nothing changes them after parsing."""

    tag: str
    line: int
    year: int
    period: datetime.date  # the first day of the month
    account: str
    objects: Objects
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Transaction:
    line: int
    account: str
    objects: Objects
    amount: Decimal
    date: datetime.date | None
    text: str


@dataclass
class Voucher:
    line: int
    series: str
    number: str
    date: datetime.date
    text: str
    transactions: list[Transaction] = field(default_factory=list)

    def total(self) -> Decimal:
        return sum((t.amount for t in self.transactions), Decimal(0))


@dataclass
class SieFile:
    encoding: str = "cp437"
    flag: str = ""
    format: str = ""
    sie_type: int | None = None
    program: str = ""
    generated: datetime.date | None = None
    org_number: str = ""
    company_name: str = ""
    chart: str = ""  # #KPTYP, e.g. BAS2014 or EUBAS97
    years: dict[int, Year] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    dimensions: dict[int, Dimension] = field(default_factory=dict)
    objects: dict[tuple[int, str], str] = field(default_factory=dict)
    balances: list[Balance] = field(default_factory=list)
    period_balances: list[PeriodBalance] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
    # Objects used in the file's balances without an #OBJEKT line (their
    # dimension is declared): (dimension, code) → first line.
    undeclared_objects: dict[tuple[int, str], int] = field(default_factory=dict)
    # What was read with a remark but not refused.
    warnings: list[Problem] = field(default_factory=list)
    # Sums worked out once per reading of the file (period_sums).
    _sums: dict = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property
    def utfall(self) -> list[PeriodBalance]:
        """The #PSALDO (read once the file is parsed)."""
        return [p for p in self.period_balances if p.tag == "#PSALDO"]

    @functools.cached_property
    def budget(self) -> list[PeriodBalance]:
        """The #PBUDGET (read once the file is parsed)."""
        return [p for p in self.period_balances if p.tag == "#PBUDGET"]

    def balances_of(self, tag: str) -> list[Balance]:
        return [b for b in self.balances if b.tag == tag]

    def object_name(self, dimension: int, code: str) -> str:
        return self.objects.get((dimension, code), "")


# --- Reading lines ---------------------------------------------------------------


class _LineError(Exception):
    pass


def _decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding used, after checking that the
    bytes are in the character set #FORMAT names."""
    head = data[:4096].decode("ascii", errors="replace")
    match = re.search(r"^#FORMAT[ \t]+\"?([A-Za-z0-9-]+)", head, re.MULTILINE)
    declared = match.group(1).upper() if match else "PC8"
    if declared in {"UTF8", "UTF-8"}:
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SieError(
                [
                    Problem(
                        "filen är inte kodad i UTF-8, som #FORMAT säger. "
                        "Exportera filen på nytt från ekonomisystemet.",
                        line=line,
                        tag="#FORMAT",
                    )
                ]
            ) from None
    if declared != "PC8":
        raise SieError(
            [
                Problem(
                    f"teckenkoden ”{match.group(1)}” stöds inte; SIE-filer är kodade i PC8 "
                    "(eller UTF8).",
                    line=head[: match.start()].count("\n") + 1 if match else None,
                    tag="#FORMAT",
                )
            ]
        )
    _check_pc8(data)
    return data.decode("cp437"), "cp437"


def _check_pc8(data: bytes) -> None:
    """Refuse a file that says PC8 but is in UTF-8 or Windows-1252/Latin-1."""
    if HIGH_BYTE.search(data) is None:
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        first = next(i for i, byte in enumerate(data) if byte >= 0x80)
        raise SieError(
            [
                Problem(
                    "filen är kodad i UTF-8 men #FORMAT säger PC8. Exportera filen i PC8, "
                    "som SIE-standarden säger, eller med #FORMAT UTF8.",
                    line=data[:first].count(b"\n") + 1,
                    tag="#FORMAT",
                )
            ]
        )
    latin = LATIN1_BYTES.search(data)
    if latin is not None and PC8_BYTES.search(data) is None:
        raise SieError(
            [
                Problem(
                    "filen verkar vara kodad i Windows-1252/Latin-1, inte i PC8 som "
                    "SIE-standarden säger: å, ä och ö skulle läsas fel. Exportera filen "
                    "på nytt i PC8.",
                    line=data[: latin.start()].count(b"\n") + 1,
                    tag="#FORMAT",
                )
            ]
        )


def tokenize(text: str) -> list:
    """The fields of one line: strings, and lists (for { … }) of strings.
    Quoted fields may hold spaces and the escapes \\" and \\\\. A quote
    inside a quoted field that is not followed by a space or the end of the
    line is read as a character, as some programs write it unescaped, and so
    is a quote inside an unquoted field."""
    tokens: list = []
    stack: list[list] = [tokens]
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " \t\r":
            i += 1
        elif char == "{":
            inner: list = []
            stack[-1].append(inner)
            stack.append(inner)
            i += 1
        elif char == "}":
            if len(stack) == 1:
                raise _LineError("”}” utan motsvarande ”{”.")
            stack.pop()
            i += 1
        elif char == '"':
            i += 1
            value = []
            while True:
                if i >= n:
                    raise _LineError("citattecknet avslutas inte på raden.")
                char = text[i]
                if char == "\\" and i + 1 < n:
                    value.append(text[i + 1])
                    i += 2
                elif char == '"' and (i + 1 >= n or text[i + 1] in " \t\r{}"):
                    i += 1
                    break
                else:
                    value.append(char)
                    i += 1
            stack[-1].append("".join(value))
        else:
            start = i
            while i < n and text[i] not in " \t\r{}":
                i += 1
            stack[-1].append(text[start:i])
    if len(stack) != 1:
        raise _LineError("”{” utan motsvarande ”}”.")
    return tokens


def _text(field_value) -> str:
    if isinstance(field_value, list):
        raise _LineError("en objektlista { … } står där en text väntas.")
    return field_value


def _amount(value) -> Decimal:
    value = _text(value)
    if not AMOUNT.fullmatch(value):
        raise _LineError(f"beloppet ”{value}” är inte ett tal.")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern guards it
        raise _LineError(f"beloppet ”{value}” är inte ett tal.") from None


def _integer(value, what: str) -> int:
    value = _text(value)
    if not INTEGER.fullmatch(value):
        raise _LineError(f"{what} ”{value}” är inte ett heltal.")
    return int(value)


def _date(value, what: str = "datumet") -> datetime.date:
    value = _text(value)
    try:
        if not DATE.fullmatch(value):
            raise ValueError
        return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _LineError(f"{what} ”{value}” är inte ett datum (ÅÅÅÅMMDD).") from None


def _period(value) -> datetime.date:
    value = _text(value)
    try:
        if not PERIOD.fullmatch(value):
            raise ValueError
        return datetime.date(int(value[:4]), int(value[4:]), 1)
    except ValueError:
        raise _LineError(f"perioden ”{value}” är inte en månad (ÅÅÅÅMM).") from None


def _account(value) -> str:
    value = _text(value)
    if not value or not value.isdigit():
        raise _LineError(f"kontot ”{value}” är inte ett kontonummer.")
    return value


def _objects(value) -> Objects:
    if isinstance(value, str):
        # Some programs write an empty object list as "" or leave it out.
        if value == "":
            return ()
        raise _LineError(f"objektlistan ”{value}” ska stå inom {{ }}.")
    if len(value) % 2:
        raise _LineError("objektlistan ska ha par av dimension och objekt.")
    pairs = []
    for dim, code in zip(value[0::2], value[1::2], strict=True):
        if isinstance(dim, list) or isinstance(code, list):
            raise _LineError("objektlistan ska ha par av dimension och objekt.")
        pairs.append((_integer(dim, "dimensionen"), code))
    dims = [d for d, _ in pairs]
    if len(set(dims)) != len(dims):
        raise _LineError("objektlistan har samma dimension två gånger.")
    return tuple(sorted(pairs))


def _need(fields: list, count: int, what: str) -> None:
    if len(fields) < count:
        raise _LineError(f"raden saknar {what}.")


# --- The parser ------------------------------------------------------------------


def parse(data: bytes) -> SieFile:
    """Read and check a SIE file; raise SieError with every problem found.
    The collector of reference cycles is paused while the file is read
    (core.cycles): with a million period balances, none of them in a cycle,
    it took a fifth of the time."""
    with collection_paused():
        return _parse(data)


def _parse(data: bytes) -> SieFile:
    text, encoding = _decode(data)
    # Universal newlines, as the file is read line by line: \r\n, \r or \n.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sie = SieFile(encoding=encoding)
    reader = _LineReader(sie)
    fast = _FastReader(sie)
    read_line = reader.read
    heads, objects_of, accounts = fast.heads, fast.objects, fast.accounts
    append = sie.period_balances.append
    number, position = 1, 0
    # The lines of the common form of #PSALDO and #PBUDGET are found by one
    # regular expression over the whole text and read here, with their
    # tag, year and period, accounts and object lists read once and shared;
    # the lines between them are read one by one by the tokenizer.
    for match in PERIOD_BALANCE_LINES.finditer(text):
        start = match.start()
        if start > position:
            # Whole lines, each ending with "\n".
            for raw in text[position:start].split("\n")[:-1]:
                read_line(raw, number)
                number += 1
        position = match.end() + 1
        head, account, objects, amount = match.groups()
        found = heads.get(head, False)
        if found is False:
            found = heads[head] = fast.head(head)
        pairs = objects_of.get(objects, False)
        if pairs is False:
            pairs = objects_of[objects] = fast.object_list(objects)
        if found is None or pairs is None or reader.pending_voucher or reader.in_block:
            # Inside a voucher, or a period or object list that the
            # tokenizer reads again and reports.
            read_line(match.group(), number)
        else:
            append(
                PeriodBalance(
                    found[0],
                    number,
                    found[1],
                    found[2],
                    accounts.setdefault(account, account),
                    pairs,
                    Decimal(amount),
                )
            )
        number += 1
    if position < len(text):
        for raw in text[position:].split("\n"):
            read_line(raw, number)
            number += 1
    problems = reader.finish()
    problems.extend(_check(sie, reader.object_lines))
    if problems:
        raise SieError(problems)
    return sie


class _LineReader:
    """Every line but the common #PSALDO and #PBUDGET: the tokenizer, the
    vouchers' { … } blocks and the problems found, with line and tag."""

    def __init__(self, sie: SieFile):
        self.sie = sie
        self.problems: list[Problem] = []
        self.voucher: Voucher | None = None
        self.in_block = False
        self.pending_voucher: Voucher | None = None
        self.object_lines: list[tuple[int, str, Objects]] = []

    def read(self, raw: str, number: int) -> None:
        line = raw.strip()
        if not line:
            return
        sie, problems = self.sie, self.problems
        if line == "{":
            if self.pending_voucher is None:
                problems.append(Problem("”{” utan #VER före.", line=number))
            else:
                self.voucher, self.pending_voucher = self.pending_voucher, None
                self.in_block = True
            return
        if line == "}":
            if not self.in_block:
                problems.append(Problem("”}” utan motsvarande ”{”.", line=number))
            elif self.voucher is not None:
                sie.vouchers.append(self.voucher)
            self.voucher, self.in_block = None, False
            return
        if not line.startswith("#"):
            problems.append(Problem("raden börjar inte med en etikett (#…).", line=number))
            return
        tag, _, rest = line.partition(" ")
        if "\t" in tag:
            tag, _, tail = tag.partition("\t")
            rest = f"{tail} {rest}" if rest else tail
        tag = tag.upper()
        try:
            fields = tokenize(rest)
            if self.pending_voucher is not None:
                # A #VER without a { … } block has no transactions.
                sie.vouchers.append(self.pending_voucher)
                self.pending_voucher = None
            if self.in_block and tag not in {"#TRANS", "#RTRANS", "#BTRANS"}:
                raise _LineError("inom en verifikation { … } får bara #TRANS stå.")
            _record(sie, tag, fields, number, self.voucher, self.object_lines)
            if tag == "#VER":
                self.pending_voucher = _voucher(fields, number)
        except _LineError as exc:
            problems.append(Problem(str(exc), line=number, tag=tag))

    def finish(self) -> list[Problem]:
        if self.pending_voucher is not None:
            self.sie.vouchers.append(self.pending_voucher)
        if self.in_block:
            self.problems.append(
                Problem(
                    "verifikationen avslutas inte med ”}”.",
                    line=self.voucher.line if self.voucher else None,
                    tag="#VER",
                )
            )
        return self.problems


class _FastReader:
    """What the common form of #PSALDO and #PBUDGET (PERIOD_BALANCE_LINES)
    repeats, read once: heads (tag, year and period), accounts and object
    lists, None for those the tokenizer must read again to report them. A
    file of a million lines is so read quickly and kept small, with the same
    PeriodBalance as the tokenizer would give."""

    def __init__(self, sie: SieFile):
        self.heads: dict[str, tuple[str, int, datetime.date] | None] = {}
        self.accounts: dict[str, str] = {}
        self.objects: dict[str, Objects | None] = {}

    @staticmethod
    def head(head: str) -> tuple[str, int, datetime.date] | None:
        tag, year, period = head.split()
        try:
            return tag, int(year), _period(period)
        except _LineError:
            return None

    @staticmethod
    def object_list(objects: str) -> Objects | None:
        try:
            return _objects(tokenize("{" + objects + "}")[0])
        except _LineError:
            return None


def _voucher(fields: list, number: int) -> Voucher:
    _need(fields, 3, "serie, verifikationsnummer och datum")
    return Voucher(
        line=number,
        series=_text(fields[0]),
        number=_text(fields[1]),
        date=_date(fields[2]),
        text=_text(fields[3]) if len(fields) > 3 else "",
    )


def _record(sie: SieFile, tag, fields, number, voucher, object_lines) -> None:
    if tag == "#FLAGGA":
        sie.flag = _text(fields[0]) if fields else ""
    elif tag == "#FORMAT":
        sie.format = _text(fields[0]) if fields else ""
    elif tag == "#SIETYP":
        _need(fields, 1, "typnummer")
        sie.sie_type = _integer(fields[0], "typen")
    elif tag == "#PROGRAM":
        sie.program = " ".join(_text(f) for f in fields)
    elif tag == "#GEN":
        _need(fields, 1, "datum")
        sie.generated = _date(fields[0])
    elif tag == "#ORGNR":
        _need(fields, 1, "organisationsnummer")
        sie.org_number = _text(fields[0])
    elif tag == "#FNAMN":
        _need(fields, 1, "företagsnamn")
        sie.company_name = _text(fields[0])
    elif tag == "#KPTYP":
        sie.chart = _text(fields[0]) if fields else ""
    elif tag == "#RAR":
        _need(fields, 3, "årsnummer, startdatum och slutdatum")
        index = _integer(fields[0], "årsnumret")
        start, end = _date(fields[1], "startdatumet"), _date(fields[2], "slutdatumet")
        if end < start:
            raise _LineError("räkenskapsåret slutar före det börjar.")
        if index in sie.years:
            raise _LineError(f"räkenskapsår {index} anges två gånger.")
        sie.years[index] = Year(index, start, end)
    elif tag == "#KONTO":
        _need(fields, 1, "kontonummer")
        account = _account(fields[0])
        name = _text(fields[1]) if len(fields) > 1 else ""
        existing = sie.accounts.get(account)
        if existing is not None and existing.line:
            raise _LineError(f"kontot {account} anges två gånger (även rad {existing.line}).")
        entry = sie.accounts.setdefault(account, Account(account))
        entry.name, entry.line = name, number
    elif tag == "#KTYP":
        _need(fields, 2, "kontonummer och kontotyp")
        account = _account(fields[0])
        kind = _text(fields[1]).upper()
        if kind not in {"T", "S", "K", "I"}:
            raise _LineError(f"kontotypen ”{kind}” är inte T, S, K eller I.")
        sie.accounts.setdefault(account, Account(account)).kind = kind
    elif tag in {"#DIM", "#UNDERDIM"}:
        _need(fields, 2 if tag == "#DIM" else 3, "dimension och namn")
        dim = _integer(fields[0], "dimensionen")
        if dim in sie.dimensions:
            raise _LineError(
                f"dimension {dim} anges två gånger (även rad {sie.dimensions[dim].line})."
            )
        parent = _integer(fields[2], "huvuddimensionen") if tag == "#UNDERDIM" else None
        sie.dimensions[dim] = Dimension(dim, _text(fields[1]), parent, number)
    elif tag == "#OBJEKT":
        _need(fields, 2, "dimension och objektkod")
        dim = _integer(fields[0], "dimensionen")
        code = _text(fields[1])
        name = _text(fields[2]) if len(fields) > 2 else ""
        if (dim, code) in sie.objects:
            sie.warnings.append(
                Problem(
                    f"objektet {code} i dimension {dim} anges flera gånger; namnet "
                    f"”{sie.objects[(dim, code)]}” från den första raden används.",
                    line=number,
                    tag=tag,
                )
            )
        else:
            sie.objects[(dim, code)] = name
        object_lines.append((number, tag, ((dim, code),)))
    elif tag in {"#IB", "#UB", "#RES"}:
        _need(fields, 3, "årsnummer, konto och belopp")
        sie.balances.append(
            Balance(
                tag,
                number,
                _integer(fields[0], "årsnumret"),
                _account(fields[1]),
                (),
                _amount(fields[2]),
            )
        )
    elif tag in {"#OIB", "#OUB"}:
        _need(fields, 4, "årsnummer, konto, objekt och belopp")
        objects = _objects(fields[2])
        sie.balances.append(
            Balance(
                tag,
                number,
                _integer(fields[0], "årsnumret"),
                _account(fields[1]),
                objects,
                _amount(fields[3]),
            )
        )
        object_lines.append((number, tag, objects))
    elif tag in {"#PSALDO", "#PBUDGET"}:
        _need(fields, 5, "årsnummer, period, konto, objektlista och belopp")
        objects = _objects(fields[3])
        sie.period_balances.append(
            PeriodBalance(
                tag,
                number,
                _integer(fields[0], "årsnumret"),
                _period(fields[1]),
                _account(fields[2]),
                objects,
                _amount(fields[4]),
            )
        )
    elif tag == "#TRANS":
        if voucher is None:
            raise _LineError("#TRANS står utanför en verifikation { … }.")
        _need(fields, 3, "konto, objektlista och belopp")
        objects = _objects(fields[1])
        date = _date(fields[3], "transaktionsdatumet") if len(fields) > 3 and fields[3] else None
        voucher.transactions.append(
            Transaction(
                number,
                _account(fields[0]),
                objects,
                _amount(fields[2]),
                date,
                _text(fields[4]) if len(fields) > 4 else "",
            )
        )
        object_lines.append((number, tag, objects))
    # #RTRANS and #BTRANS are supplements (an #RTRANS is followed by the same
    # #TRANS); other tags (#ADRESS, #SRU, #KSUMMA, #PROSA …) carry nothing
    # the economy uses and are skipped, as the standard says readers do.


def _check(sie: SieFile, object_lines) -> list[Problem]:
    """What the file says about itself must hang together."""
    problems: list[Problem] = []
    balances = sie.period_balances
    # A million period balances have a few hundred different object lists:
    # their lines are gone through only for the object lists with an object
    # to report (an undeclared dimension or object).
    suspect = {
        objects
        for objects in set(map(_OBJECTS, balances))
        if any(dim not in sie.dimensions or (dim, code) not in sie.objects for dim, code in objects)
    }
    uses = itertools.chain(
        object_lines,
        ((p.line, p.tag, p.objects) for p in balances if p.objects in suspect) if suspect else (),
    )
    for number, tag, objects in uses:
        for dim, code in objects:
            if dim not in sie.dimensions:
                problems.append(
                    Problem(
                        f"objektet ”{code}” hör till dimension {dim}, som inte anges med #DIM.",
                        line=number,
                        tag=tag,
                    )
                )
            elif tag != "#OBJEKT" and (dim, code) not in sie.objects:
                first = sie.undeclared_objects.get((dim, code))
                if first is None or number < first:
                    sie.undeclared_objects[(dim, code)] = number
    seen: dict[tuple, int] = {}
    for b in sie.balances:
        problems.extend(_check_year(sie, b.tag, b.line, b.year))
        problems.extend(_check_account(sie, b.tag, b.line, b.account))
        key = (b.tag, b.year, b.account, b.objects)
        if key in seen:
            problems.append(_duplicate(b.tag, b.line, seen[key]))
        else:
            seen[key] = b.line
    misplaced: list[PeriodBalance] = []
    # The months of each year, and the accounts declared, looked up rather
    # than worked out for each of a million lines.
    in_year = {
        index: set(_months_between(y.start.replace(day=1), y.end)) for index, y in sie.years.items()
    }
    declared = {number for number, a in sie.accounts.items() if a.line}
    if _period_balances_fine(balances, in_year, declared):
        balances = []  # nothing to report line by line
    for p in balances:
        months = in_year.get(p.year)
        if months is None:
            problems.extend(_check_year(sie, p.tag, p.line, p.year))
        elif p.period not in months:
            if p.tag == "#PBUDGET" and any(_in_year(y, p.period) for y in sie.years.values()):
                # Some programs write this year's budget a second time
                # under the year before; it is not that year's budget.
                misplaced.append(p)
                continue
            year = sie.years[p.year]
            problems.append(
                Problem(
                    f"perioden {p.period:%Y%m} ligger utanför räkenskapsår {p.year} "
                    f"({year.start:%Y%m%d}–{year.end:%Y%m%d}) enligt #RAR.",
                    line=p.line,
                    tag=p.tag,
                )
            )
        if p.account not in declared:
            problems.extend(_check_account(sie, p.tag, p.line, p.account))
        key = (p.tag, p.year, p.period, p.account, p.objects)
        if key in seen:
            problems.append(_duplicate(p.tag, p.line, seen[key]))
        else:
            seen[key] = p.line
    if misplaced:
        skipped = {id(p) for p in misplaced}
        sie.period_balances = [p for p in sie.period_balances if id(p) not in skipped]
        sie.warnings.append(
            Problem(
                f"{len(misplaced)} rader #PBUDGET har perioder utanför sitt räkenskapsår "
                f"(årsnummer {misplaced[0].year}, period {misplaced[0].period:%Y%m}) och "
                "läses inte.",
                line=misplaced[0].line,
                tag="#PBUDGET",
            )
        )
    vouchers: dict[tuple[str, str], int] = {}
    for v in sie.vouchers:
        key = (v.series, v.number)
        if key in vouchers and v.number:
            problems.append(
                Problem(
                    f"verifikation {v.series} {v.number} finns två gånger "
                    f"(även rad {vouchers[key]}).",
                    line=v.line,
                    tag="#VER",
                )
            )
        vouchers.setdefault(key, v.line)
        for t in v.transactions:
            problems.extend(_check_account(sie, "#TRANS", t.line, t.account))
        total = v.total()
        if total != 0:
            problems.append(
                Problem(
                    f"verifikation {v.series} {v.number} balanserar inte: summan av #TRANS "
                    f"är {total}, inte 0.",
                    line=v.line,
                    tag="#VER",
                )
            )
    return problems


_OBJECTS = operator.attrgetter("objects")
_YEAR_AND_PERIOD = operator.attrgetter("year", "period")
_ACCOUNT = operator.attrgetter("account")
_KEY = operator.attrgetter("tag", "year", "period", "account", "objects")


def _period_balances_fine(balances: list[PeriodBalance], in_year, declared) -> bool:
    """True when no period balance lies outside its year, names an
    undeclared account or repeats another: checked over the distinct
    values, without a step of Python per line. When False, the lines are
    gone through one by one to report each problem with its line."""
    for year, period in set(map(_YEAR_AND_PERIOD, balances)):
        if period not in in_year.get(year, ()):
            return False
    if not set(map(_ACCOUNT, balances)) <= declared:
        return False
    return len(set(map(_KEY, balances))) == len(balances)


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    result, day = [], first
    while day <= last:
        result.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return result


def _in_year(year: Year, period: datetime.date) -> bool:
    return year.start.replace(day=1) <= period <= year.end


def _duplicate(tag: str, line: int, first: int) -> Problem:
    return Problem(f"samma rad finns redan på rad {first}.", line=line, tag=tag)


def _check_year(sie: SieFile, tag: str, line: int, year: int) -> list[Problem]:
    if year in sie.years:
        return []
    return [Problem(f"räkenskapsår {year} anges inte med #RAR.", line=line, tag=tag)]


def _check_account(sie: SieFile, tag: str, line: int, account: str) -> list[Problem]:
    known = sie.accounts.get(account)
    if known is not None and known.line:
        return []
    return [Problem(f"kontot {account} anges inte med #KONTO.", line=line, tag=tag)]


# --- Totals ----------------------------------------------------------------------

# How a program writes object balances (#PSALDO with objects). Both occur:
# TOTAL: the row without objects (`{}`) is the account's total and the rows
# with objects break it down (Briljant); CELLS: each row is one combination
# of objects, `{}` the part booked without objects, and the account's total
# is the sum of all its rows (Avendo).
TOTAL = "total"
CELLS = "cells"


def is_result_account(sie: SieFile, account: str) -> bool:
    """Resultatkonto: #KTYP K or I, or without #KTYP the BAS classes 3–8."""
    kind = sie.accounts[account].kind if account in sie.accounts else ""
    if kind:
        return kind in {"K", "I"}
    return account[:1] in {"3", "4", "5", "6", "7", "8"}


def period_sums(
    sie: SieFile, tag: str = "#PSALDO", convention: str = TOTAL
) -> dict[tuple[int, str], Decimal]:
    """The account's total per (year, account), summed over the months.
    Worked out once per file, tag and convention: the import asks for them
    several times (object_convention, reconcile and the summary)."""
    known = sie._sums.get((tag, convention))
    if known is not None:
        return dict(known)
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for p in sie.period_balances:
        if p.tag == tag and (convention == CELLS or not p.objects):
            sums[(p.year, p.account)] += p.amount
    sie._sums[(tag, convention)] = result = dict(sums)
    return dict(result)


def reconcile(sie: SieFile, convention: str | None = None) -> list[str]:
    """Where the file's period balances and year balances disagree, in
    Swedish; empty when they reconcile: for a result account the months'
    #PSALDO add up to #RES, for a balance account #IB plus the months'
    movements to #UB. Accounts without #PSALDO are not compared."""
    sums = period_sums(sie, convention=convention or object_convention(sie))
    years = {y for y, _ in sums}
    year_balance = {(b.tag, b.year, b.account): b.amount for b in sie.balances if not b.objects}
    differences: list[str] = []
    for (year, account), total in sorted(sums.items()):
        if is_result_account(sie, account):
            expected = year_balance.get(("#RES", year, account), Decimal(0))
            if total != expected:
                differences.append(
                    f"konto {account} år {year}: #PSALDO summerar till {total}, #RES är {expected}"
                )
        else:
            opening = year_balance.get(("#IB", year, account), Decimal(0))
            closing = year_balance.get(("#UB", year, account), Decimal(0))
            if opening + total != closing:
                differences.append(
                    f"konto {account} år {year}: #IB {opening} + #PSALDO {total} "
                    f"är inte #UB {closing}"
                )
    for (tag, year, account), amount in sorted(year_balance.items()):
        if tag == "#RES" and year in years and (year, account) not in sums and amount != 0:
            differences.append(f"konto {account} år {year}: #RES {amount} utan #PSALDO")
    return differences


def object_convention(sie: SieFile) -> str:
    """TOTAL or CELLS: the reading under which the file's #PSALDO reconcile
    with its #RES, #IB and #UB (TOTAL when both do equally well)."""
    if not any(p.objects for p in sie.period_balances):
        return TOTAL
    as_total = len(reconcile(sie, TOTAL))
    as_cells = len(reconcile(sie, CELLS))
    return CELLS if as_cells < as_total else TOTAL
