"""Import of the ledger's SIE files (`styrhjul import-sie`, the upload page).

All or nothing: a file with an error is refused with every error's line
number, tag and a Swedish message, and nothing is written. The same file
twice changes nothing (its SHA-256 is recorded with the import). A newer
export of the same months replaces those months' utfall, and the summary
says what changed. Ansvar without a unit are imported and listed by code
and name; they are mapped afterwards (services.mapping_create) without
importing again."""

from __future__ import annotations

import datetime
import hashlib
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from styrhjul.core.concurrency import use_case
from styrhjul.core.importing import ImportIssue, ImportRejected
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import rowsums
from . import sie as sieformat
from .bulk import BATCH, batched, insert_rows
from .defaults import DEFAULT_ROWS
from .models import (
    Account,
    AccountRange,
    AnsvarMapping,
    Budget,
    BudgetKind,
    BudgetVersion,
    Dimension,
    DimensionKind,
    DimensionObject,
    ReportRow,
    SieImport,
    Utfall,
    Voucher,
    VoucherLine,
    YearBalance,
)

DEFAULT_KINDS = {1: DimensionKind.ANSVAR, 6: DimensionKind.PROJEKT}

_PERIOD = operator.attrgetter("period")
_OBJECTS = operator.attrgetter("objects")
_YEAR_AND_PERIOD = operator.attrgetter("year", "period")


@dataclass(frozen=True)
class SieIssue(ImportIssue):
    """An error in a SIE file: its line and tag ("Rad 12 (#PSALDO): …")."""

    tag: str | None = None

    def location(self) -> str:
        if self.row is None:
            return ""
        return f"Rad {self.row}" + (f" ({self.tag})" if self.tag else "")


@dataclass
class ImportResult:
    summary: dict = field(default_factory=dict)
    record: SieImport | None = None
    already_imported: bool = False
    dry_run: bool = False

    def text(self) -> str:
        """The summary as lines of text, for the command line."""
        s = self.summary
        if self.already_imported:
            return (
                f"{s.get('filename', 'Filen')} är redan importerad "
                f"({s.get('imported_at', '')}); ingenting har ändrats."
            )
        lines = [
            ("Kontrollerad (inget sparat): " if self.dry_run else "Importerad: ")
            + f"{s['filename']} från {s['company_name'] or 'okänt företag'}"
            + (f" ({s['org_number']})" if s["org_number"] else ""),
            f"Perioder: {s['first_period'] or '–'} – {s['last_period'] or '–'}; "
            f"{s['utfall_rows']} rader utfall, {s['budget_rows']} rader budget, "
            f"{s['accounts']} konton, {len(s['ansvar'])} ansvar.",
        ]
        for row in s["classes"]:
            mark = "stämmer" if row["reconciles"] else "STÄMMER INTE"
            lines.append(
                f"  År {row['year']}, kontoklass {row['class']}: utfall {row['utfall']}, "
                f"enligt #RES/#UB {row['balance']} ({mark})"
            )
        if s["unmapped"]:
            lines.append(f"Ansvar utan enhet ({len(s['unmapped'])}):")
            lines.extend(f"  {a['code']} {a['name']}" for a in s["unmapped"])
        for change in s["changes"]:
            lines.append(
                f"Ändrat {change['period']}: {change['before']} → {change['after']} "
                f"({change['rows']} rader)"
            )
            lines.extend(
                f"  kontoklass {c['class']}: {c['before']} → {c['after']}"
                for c in change.get("classes", [])
            )
        if s.get("vouchers"):
            lines.append(
                f"Verifikationer: {s['vouchers']} med {s['voucher_lines']} transaktioner"
                + (f" (ersätter {s['vouchers_replaced']})." if s.get("vouchers_replaced") else ".")
            )
        if s["budget_versions"]:
            lines.append(f"Nya budgetversioner: {s['budget_versions']}.")
        lines.extend(f"Obs: {w}" for w in s["warnings"])
        return "\n".join(lines)


def digits(org_number: str) -> str:
    return re.sub(r"\D", "", org_number or "")


def objects_key(objects: sieformat.Objects) -> str:
    return " ".join(f"{dim}:{code}" for dim, code in objects)


def ensure_default_rows(organisation: Unit) -> None:
    """The default driftredovisning rows (Kommun-Bas) for an organisation
    that has none."""
    if ReportRow.objects.filter(organisation=organisation).exists():
        return
    for order, (name, ranges) in enumerate(DEFAULT_ROWS, 1):
        row = ReportRow.objects.create(
            organisation=organisation, order=order * 10, name=name, is_total=not ranges
        )
        AccountRange.objects.bulk_create(
            AccountRange(row=row, first=first, last=last) for first, last in ranges
        )
    rowsums.refresh_all(organisation)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _rejected(exc: sieformat.SieError) -> ImportRejected:
    return ImportRejected(
        [
            SieIssue(p.message[:1].upper() + p.message[1:], row=p.line, tag=p.tag)
            for p in exc.problems
        ]
    )


def parse(data: bytes) -> sieformat.SieFile:
    try:
        return sieformat.parse(data)
    except sieformat.SieError as exc:
        raise _rejected(exc) from None


@use_case
def import_sie(
    *, actor, organisation: Unit, data: bytes, filename: str = "", dry_run: bool = False
) -> ImportResult:
    """Import a SIE file for the organisation (a root unit); see the module."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    file_hash = hashlib.sha256(data).hexdigest()
    earlier = SieImport.objects.filter(organisation=organisation, file_hash=file_hash).first()
    if earlier is not None:
        return ImportResult(
            summary={
                "filename": filename or earlier.filename,
                "imported_at": f"{earlier.imported_at:%Y-%m-%d %H:%M}",
            },
            record=earlier,
            already_imported=True,
            dry_run=dry_run,
        )
    parsed = parse(data)
    _check_organisation(parsed, organisation, data)
    result = _write(actor, organisation, parsed, file_hash, filename)
    result.dry_run = dry_run
    if dry_run:
        transaction.set_rollback(True)
        result.record = None
    return result


def _check_organisation(parsed: sieformat.SieFile, organisation: Unit, data: bytes) -> None:
    configured = digits(organisation.org_number)
    if not configured or not parsed.org_number:
        return
    if digits(parsed.org_number) != configured:
        text = data.decode(parsed.encoding, errors="replace")
        line = next(
            (n for n, raw in enumerate(text.splitlines(), 1) if raw.lstrip().startswith("#ORGNR")),
            None,
        )
        raise ImportRejected(
            [
                SieIssue(
                    f"Filen gäller organisationsnummer {parsed.org_number}, men "
                    f"{organisation.name} har organisationsnummer {organisation.org_number}. "
                    "Välj rätt organisation eller rätt fil.",
                    row=line,
                    tag="#ORGNR",
                )
            ]
        )


def _write(actor, organisation, parsed, file_hash, filename) -> ImportResult:
    convention = sieformat.object_convention(parsed)
    dimensions = _dimensions(organisation, parsed)
    objects = _objects(parsed, dimensions)
    accounts = _accounts(organisation, parsed)
    ensure_default_rows(organisation)
    ansvar_dims = {n for n, d in dimensions.items() if d.kind == DimensionKind.ANSVAR}
    utfall = parsed.utfall
    periods = sorted(set(map(_PERIOD, parsed.period_balances)))
    record = SieImport.objects.create(
        organisation=organisation,
        file_hash=file_hash,
        filename=filename[:255],
        org_number=parsed.org_number[:20],
        company_name=parsed.company_name[:200],
        program=parsed.program[:200],
        sie_type=parsed.sie_type,
        first_period=periods[0] if periods else None,
        last_period=periods[-1] if periods else None,
        imported_by=actor if getattr(actor, "pk", None) else None,
    )

    def ansvar_of(objs: sieformat.Objects):
        for dim, code in objs:
            if dim in ansvar_dims:
                return objects[(dim, code)]
        return None

    def in_sum(objs: sieformat.Objects) -> bool:
        if convention == sieformat.CELLS:
            return any(dim in ansvar_dims for dim, _ in objs)
        return len(objs) == 1 and objs[0][0] in ansvar_dims

    columns_of: dict[sieformat.Objects, tuple[str, int | None, bool]] = {}

    def object_columns(objs: sieformat.Objects) -> tuple[str, int | None, bool]:
        """object_key, ansvar_id and in_ansvar_sum of a row with these objects."""
        try:
            return columns_of[objs]
        except KeyError:
            ansvar = ansvar_of(objs)
            found = columns_of[objs] = (
                objects_key(objs),
                ansvar.pk if ansvar is not None else None,
                in_sum(objs),
            )
            return found

    fingerprints: dict[str, str] = {}
    voucher_fingerprints: dict[str, str] = {}
    utfall_months = _months(parsed, utfall)
    changes = _replace_utfall(
        organisation, parsed, record, accounts, object_columns, fingerprints, utfall_months
    )
    _replace_year_balances(organisation, parsed, record, accounts)
    vouchers = _replace_vouchers(
        organisation, parsed, record, accounts, ansvar_of, utfall_months, voucher_fingerprints
    )
    versions = _budgets(actor, organisation, parsed, record, accounts, object_columns)

    used_ansvar = {ansvar_of(objs) for objs in set(map(_OBJECTS, parsed.period_balances))}
    used_ansvar.discard(None)
    unmapped = _unmapped(used_ansvar, periods)
    warnings = [str(w) for w in parsed.warnings]
    for (dim, code), line in sorted(parsed.undeclared_objects.items(), key=lambda i: i[1]):
        warnings.append(f"Rad {line}: objektet {code} i dimension {dim} anges inte med #OBJEKT.")
    summary = {
        "filename": filename,
        "company_name": parsed.company_name,
        "org_number": parsed.org_number,
        "program": parsed.program,
        "sie_type": parsed.sie_type,
        "first_period": f"{periods[0]:%Y-%m}" if periods else "",
        "last_period": f"{periods[-1]:%Y-%m}" if periods else "",
        "years": [
            {"index": y.index, "start": f"{y.start:%Y-%m-%d}", "end": f"{y.end:%Y-%m-%d}"}
            for y in sorted(parsed.years.values(), key=lambda y: y.start)
        ],
        "utfall_rows": len(utfall),
        "budget_rows": len(parsed.budget),
        "accounts": len(parsed.accounts),
        "convention": convention,
        "ansvar": sorted(
            ({"code": o.code, "name": o.name} for o in used_ansvar), key=lambda a: a["code"]
        ),
        "unmapped": [{"code": o.code, "name": o.name} for o in unmapped],
        "classes": _class_sums(parsed, convention),
        "differences": sieformat.reconcile(parsed, convention),
        "changes": changes,
        "vouchers": vouchers["count"],
        "voucher_lines": vouchers["lines"],
        "vouchers_replaced": vouchers["replaced"],
        "budget_versions": versions,
        "warnings": warnings,
        "month_fingerprints": fingerprints,
        "voucher_fingerprints": voucher_fingerprints,
    }
    record.summary = summary
    record.save(update_fields=["summary"])
    return ImportResult(summary=summary, record=record)


def _dimensions(organisation, parsed) -> dict[int, Dimension]:
    existing = {d.number: d for d in Dimension.objects.filter(organisation=organisation)}
    for number, dim in parsed.dimensions.items():
        current = existing.get(number)
        if current is None:
            existing[number] = Dimension.objects.create(
                organisation=organisation,
                number=number,
                name=dim.name[:200],
                kind=DEFAULT_KINDS.get(number, DimensionKind.OTHER),
            )
        elif dim.name and current.name != dim.name[:200]:
            current.name = dim.name[:200]
            current.save(update_fields=["name"])
    return existing


def _objects(parsed, dimensions) -> dict[tuple[int, str], DimensionObject]:
    wanted = dict(parsed.objects)
    for key in parsed.undeclared_objects:
        wanted.setdefault(key, "")
    by_dim: dict[int, dict[str, str]] = defaultdict(dict)
    for (dim, code), name in wanted.items():
        by_dim[dim][code] = name
    result: dict[tuple[int, str], DimensionObject] = {}
    for dim, codes in by_dim.items():
        dimension = dimensions[dim]
        existing = {o.code: o for o in DimensionObject.objects.filter(dimension=dimension)}
        new = []
        for code, name in codes.items():
            obj = existing.get(code)
            if obj is None:
                new.append(DimensionObject(dimension=dimension, code=code[:100], name=name[:200]))
            elif name and obj.name != name[:200]:
                obj.name = name[:200]
                obj.save(update_fields=["name"])
        DimensionObject.objects.bulk_create(new, batch_size=BATCH)
        for obj in DimensionObject.objects.filter(dimension=dimension, code__in=list(codes)):
            result[(dim, obj.code)] = obj
    return result


def _accounts(organisation, parsed) -> dict[str, Account]:
    existing = {a.number: a for a in Account.objects.filter(organisation=organisation)}
    new, changed = [], []
    for number, account in parsed.accounts.items():
        current = existing.get(number)
        if current is None:
            new.append(
                Account(
                    organisation=organisation,
                    number=number,
                    name=account.name[:200],
                    kind=account.kind,
                )
            )
        elif (account.name and current.name != account.name[:200]) or (
            account.kind and current.kind != account.kind
        ):
            current.name = account.name[:200] or current.name
            current.kind = account.kind or current.kind
            changed.append(current)
    Account.objects.bulk_create(new, batch_size=BATCH)
    Account.objects.bulk_update(changed, ["name", "kind"], batch_size=BATCH)
    return {a.number: a for a in Account.objects.filter(organisation=organisation)}


def _months(parsed, rows) -> dict[datetime.date, list[datetime.date]]:
    """The months each year of the file covers: from the year's first month
    to its last month with a row."""
    last: dict[int, datetime.date] = {}
    # Over the distinct years and months, not each of a million rows.
    for year, period in set(map(_YEAR_AND_PERIOD, rows)):
        last[year] = max(last.get(year, period), period)
    return {
        parsed.years[index].start: [m for m in parsed.years[index].months() if m <= end]
        for index, end in last.items()
    }


UTFALL_COLUMNS = (
    "organisation_id",
    "source_id",
    "year_start",
    "period",
    "account_id",
    "object_key",
    "ansvar_id",
    "in_ansvar_sum",
    "amount",
)
BUDGET_COLUMNS = (
    "version_id",
    "period",
    "account_id",
    "object_key",
    "ansvar_id",
    "in_ansvar_sum",
    "amount",
)


def _stored_fingerprints(organisation, record, key="month_fingerprints") -> dict[str, str]:
    """Per month (YYYY-MM): the fingerprint of the utfall (or with key
    "voucher_fingerprints", the vouchers) stored for it, as recorded by the
    latest import that wrote the month."""
    result: dict[str, str] = {}
    for fingerprints in (
        SieImport.objects.filter(organisation=organisation)
        .exclude(pk=record.pk)
        .order_by("-imported_at", "-pk")
        .values_list(f"summary__{key}", flat=True)
    ):
        for month, fingerprint in (fingerprints or {}).items():
            result.setdefault(month, fingerprint)
    return result


def _replace_utfall(organisation, parsed, record, accounts, object_columns, fingerprints, months):
    """Month by month: a month whose rows are the same as those stored is
    left as it is; a month that differs is deleted and written again, and
    the change is reported with its sums before and after, in total and per
    account class. One month's rows are held at a time. A month whose
    fingerprint (content_hash) is the one recorded when it was last written
    is known to be the same without reading it. `fingerprints` is filled
    with this file's, per month. `months`: _months of the file's utfall."""
    year_of = {m: start for start, ms in months.items() for m in ms}
    by_month: dict[datetime.date, list[sieformat.PeriodBalance]] = defaultdict(list)
    for p in parsed.utfall:
        by_month[p.period].append(p)
    number_of = {a.pk: number for number, a in accounts.items()}
    had_before = Utfall.objects.filter(organisation=organisation, period__in=list(year_of)).exists()
    stored = _stored_fingerprints(organisation, record) if had_before else {}
    changes = []
    written = []
    for month in sorted(year_of):
        label = f"{month:%Y-%m}"
        fingerprints[label] = _month_hash(by_month.get(month, []))
        if stored.get(label) == fingerprints[label]:
            by_month.pop(month, None)
            continue
        old = Utfall.objects.filter(organisation=organisation, period=month)
        before = {
            (number_of[account_id], key): amount
            for account_id, key, amount in old.values_list("account_id", "object_key", "amount")
        }
        lines = by_month.pop(month, [])
        after = {(p.account, objects_key(p.objects)): p.amount for p in lines}
        if before == after:
            continue
        written.append(month)
        if before:
            old.delete()
        start = year_of[month]
        insert_rows(
            Utfall,
            UTFALL_COLUMNS,
            (
                (
                    organisation.pk,
                    record.pk,
                    start,
                    month,
                    accounts[p.account].pk,
                    *object_columns(p.objects),
                    p.amount,
                )
                for p in lines
            ),
        )
        if had_before:
            changes.append(_change(month, before, after))
    rowsums.refresh_utfall(organisation, written)
    return changes


def _change(month, before: dict, after: dict) -> dict:
    """What changed in a month: rows that differ, and the sums of the rows
    before and after in total and for each account class that changed."""
    differing = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
    classes = sorted({number[:1] for number, _key in differing})

    def total(rows: dict, klass: str = "") -> str:
        return _money(
            sum((v for (number, _), v in rows.items() if number.startswith(klass)), Decimal(0))
        )

    return {
        "period": f"{month:%Y-%m}",
        "rows": len(differing),
        "before": total(before),
        "after": total(after),
        "classes": [
            {"class": k, "before": total(before, k), "after": total(after, k)} for k in classes
        ],
    }


def _replace_vouchers(
    organisation, parsed, record, accounts, ansvar_of, utfall_months, fingerprints
) -> dict:
    """The file's vouchers replace those stored for the months the file
    covers: for each year with vouchers in the file, from its first month to
    the last month with a voucher or utfall. A file without #VER leaves
    vouchers as they are, and so do years without vouchers in the file.
    A covered month whose vouchers have the fingerprint recorded when the
    month was last written is left as it is (a newer export where one month
    changed rewrites that month only); `fingerprints` is filled with this
    file's, per covered month. Returns the file's vouchers and transactions
    and how many stored vouchers were replaced."""
    if not parsed.vouchers:
        return {"count": 0, "lines": 0, "replaced": 0}
    year_start = {}
    for year in parsed.years.values():
        for m in year.months():
            year_start.setdefault(m, year.start)
    last: dict[datetime.date, datetime.date] = {}
    for v in parsed.vouchers:
        month = v.date.replace(day=1)
        start = year_start.get(month)
        if start is not None:
            last[start] = max(last.get(start, month), month)
    # Only the years with vouchers in the file: many programs write last
    # year's #PSALDO for comparison but this year's vouchers only.
    for start, months in utfall_months.items():
        if start in last:
            last[start] = max(last[start], months[-1])
    covered = {m for m, start in year_start.items() if start in last and m <= last[start]}
    by_month: dict[datetime.date, list[sieformat.Voucher]] = defaultdict(list)
    for v in parsed.vouchers:
        by_month[v.date.replace(day=1)].append(v)
    stored = _stored_fingerprints(organisation, record, "voucher_fingerprints")
    unchanged = set()
    for month in sorted(covered):
        label = f"{month:%Y-%m}"
        fingerprints[label] = _voucher_hash(by_month.get(month, []))
        if stored.get(label) == fingerprints[label]:
            unchanged.add(month)
    old = Voucher.objects.filter(organisation=organisation, period__in=sorted(covered - unchanged))
    replaced = old.count()
    VoucherLine.objects.filter(voucher__in=old).delete()
    old.delete()
    written = [v for v in parsed.vouchers if v.date.replace(day=1) not in unchanged]
    for batch in batched(written, 500):
        made = Voucher.objects.bulk_create(
            Voucher(
                organisation_id=organisation.pk,
                source_id=record.pk,
                year_start=year_start.get(v.date.replace(day=1), v.date.replace(month=1, day=1)),
                period=v.date.replace(day=1),
                series=v.series[:20],
                number=v.number[:40],
                date=v.date,
                text=v.text[:500],
            )
            for v in batch
        )
        rows = [
            VoucherLine(
                voucher_id=made_voucher.pk,
                account_id=accounts[t.account].pk,
                object_key=objects_key(t.objects),
                ansvar=ansvar_of(t.objects),
                amount=t.amount,
                date=t.date,
                text=t.text[:500],
            )
            for made_voucher, v in zip(made, batch, strict=True)
            for t in v.transactions
        ]
        VoucherLine.objects.bulk_create(rows, batch_size=BATCH)
    count = len(parsed.vouchers)
    lines = sum(len(v.transactions) for v in parsed.vouchers)
    return {"count": count, "lines": lines, "replaced": replaced}


def _voucher_hash(vouchers) -> str:
    """A month's vouchers as a fingerprint independent of their order."""
    total = 0
    blake = hashlib.blake2b
    for v in vouchers:
        text = "\x1f".join(
            [
                v.series,
                v.number,
                v.date.isoformat(),
                v.text,
                *(
                    f"{t.account} {objects_key(t.objects)} {t.amount} {t.date or ''} {t.text}"
                    for t in v.transactions
                ),
            ]
        )
        total += int.from_bytes(blake(text.encode(), digest_size=16).digest(), "big")
    return f"{len(vouchers)}:{total % (1 << 128):032x}"


def _replace_year_balances(organisation, parsed, record, accounts) -> None:
    kinds = {"#IB": "IB", "#UB": "UB", "#RES": "RES", "#OIB": "OIB", "#OUB": "OUB"}
    starts = {parsed.years[b.year].start for b in parsed.balances}
    YearBalance.objects.filter(organisation=organisation, year_start__in=starts).delete()
    YearBalance.objects.bulk_create(
        (
            YearBalance(
                organisation=organisation,
                source=record,
                year_start=parsed.years[b.year].start,
                year_end=parsed.years[b.year].end,
                kind=kinds[b.tag],
                account=accounts[b.account],
                object_key=objects_key(b.objects),
                amount=b.amount,
            )
            for b in parsed.balances
        ),
        batch_size=BATCH,
    )


def _budgets(actor, organisation, parsed, record, accounts, object_columns) -> int:
    """A new version of a year's budget when the file's #PBUDGET differ from
    the latest version imported from the ledger; none when they are the same."""
    by_year: dict[int, list] = defaultdict(list)
    for p in parsed.budget:
        by_year[p.year].append(p)
    created = 0
    for index, lines in by_year.items():
        start = parsed.years[index].start
        digest = content_hash(lines)
        latest = (
            BudgetVersion.objects.filter(
                organisation=organisation, year_start=start, kind=BudgetKind.IMPORTED
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is not None:
            if latest.content_hash:
                if latest.content_hash == digest:
                    continue
            else:
                stored = sorted(
                    latest.lines.values_list("period", "account__number", "object_key", "amount")
                )
                content = sorted(
                    (p.period, p.account, objects_key(p.objects), p.amount) for p in lines
                )
                if stored == content:
                    continue
        version = BudgetVersion.objects.create(
            organisation=organisation,
            year_start=start,
            kind=BudgetKind.IMPORTED,
            decided_by=parsed.program[:200],
            reason=f"#PBUDGET i {record.filename}".strip(),
            source=record,
            created_by=actor if getattr(actor, "pk", None) else None,
            content_hash=digest,
        )
        insert_rows(
            Budget,
            BUDGET_COLUMNS,
            (
                (version.pk, p.period, accounts[p.account].pk, *object_columns(p.objects), p.amount)
                for p in lines
            ),
        )
        rowsums.refresh_budget(version)
        created += 1
    return created


def content_hash(lines) -> str:
    """A fingerprint of a year's #PBUDGET that does not depend on their
    order: the sum of each line's digest (the amounts as written), with the
    number of lines."""
    total = 0
    blake = hashlib.blake2b
    keys: dict[sieformat.Objects, str] = {}
    for p in lines:
        key = keys.get(p.objects)
        if key is None:
            key = keys[p.objects] = objects_key(p.objects)
        text = f"{p.period.toordinal()} {p.account} {key} {p.amount}"
        total += int.from_bytes(blake(text.encode(), digest_size=16).digest(), "big")
    return f"{len(lines)}:{total % (1 << 128):032x}"


def _month_hash(lines) -> str:
    """A month's utfall as a fingerprint independent of their order (as
    content_hash, quicker: the amounts as written)."""
    total = 0
    blake = hashlib.blake2b
    keys: dict[sieformat.Objects, str] = {}
    for p in lines:
        key = keys.get(p.objects)
        if key is None:
            key = keys[p.objects] = objects_key(p.objects)
        text = f"{p.account} {key} {p.amount}"
        total += int.from_bytes(blake(text.encode(), digest_size=16).digest(), "big")
    return f"{len(lines)}:{total % (1 << 128):032x}"


def _unmapped(ansvar: set[DimensionObject], periods) -> list[DimensionObject]:
    if not ansvar:
        return []
    first, last = (periods[0], periods[-1]) if periods else (None, None)
    mappings = AnsvarMapping.objects.filter(ansvar__in=ansvar)
    if first is not None:
        mappings = mappings.filter(valid_from__lte=last).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=first)
        )
    mapped = set(mappings.values_list("ansvar_id", flat=True))
    return sorted((o for o in ansvar if o.pk not in mapped), key=lambda o: o.code)


def _class_sums(parsed, convention) -> list[dict]:
    """Per year and account class: the months' utfall summed, beside what
    the file's #RES (result accounts) or #UB − #IB (balance accounts) say."""
    sums = sieformat.period_sums(parsed, convention=convention)
    balances = {(b.tag, b.year, b.account): b.amount for b in parsed.balances if not b.objects}
    table: dict[tuple[int, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (year, account), total in sums.items():
        cell = table[(year, account[:1])]
        cell[0] += total
        if sieformat.is_result_account(parsed, account):
            cell[1] += balances.get(("#RES", year, account), Decimal(0))
        else:
            cell[1] += balances.get(("#UB", year, account), Decimal(0)) - balances.get(
                ("#IB", year, account), Decimal(0)
            )
    return [
        {
            "year": f"{parsed.years[year].start:%Y}",
            "index": year,
            "class": klass,
            "utfall": _money(values[0]),
            "balance": _money(values[1]),
            "reconciles": values[0] == values[1],
        }
        for (year, klass), values in sorted(table.items())
    ]
