"""`styrhjul economy-bench`: a large SIE 4 file generated on the spot
(ansvar × accounts × 12 months of #PSALDO and #PBUDGET, and some vouchers),
imported with the real import (importing.import_sie) into an organisation of
its own, then a newer export where one month has changed imported on top of
it; each import in a forked child, with its wall time and peak RSS, next to
the budgets (docs/prestanda.md). The files are written to a temporary folder
and removed afterwards; nothing is committed.

Then the economy pages of a förvaltning with BENCH_ANSVAR ansvar: the unit's
economy page and the drill-down, median time and query count."""

from __future__ import annotations

import datetime
import multiprocessing
import random
import resource
import statistics
import time
import traceback
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

from styrhjul.core import dbstats
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType

IMPORT_BUDGET_S = 60.0
REIMPORT_BUDGET_S = 10.0
MEMORY_BUDGET_MB = 1024.0
PAGE_BUDGET_MS = 500.0

DEFAULT_LINES = 1_000_000
ACCOUNTS = 500
ANSVAR = 1000
MONTHS = 12
YEAR = 2025
ORGANISATION_CODE = "EKONOMIBANK"
ORG_NUMBER = "212000-0000"
VOUCHERS_PER_ANSVAR = 5


def layout(lines: int) -> tuple[int, int]:
    """(ansvar, accounts per ansvar) for about `lines` #PSALDO and #PBUDGET
    lines: 1 000 ansvar and a share of the 500 accounts each at the full
    size; fewer ansvar for a quicker run."""
    per_ansvar_month = max(1, round(lines / (ANSVAR * MONTHS * 2)))
    if per_ansvar_month <= ACCOUNTS:
        return ANSVAR, per_ansvar_month
    return max(1, round(lines / (ACCOUNTS * MONTHS * 2))), ACCOUNTS  # pragma: no cover


def account_numbers() -> list[str]:
    """500 result accounts in Kommun-Bas classes 3–7."""
    result = []
    for klass, count in ((3, 60), (4, 100), (5, 140), (6, 100), (7, 100)):
        result.extend(f"{klass}{n:03d}" for n in range(100, 100 + count))
    return result[:ACCOUNTS]


def ansvar_codes(count: int) -> list[str]:
    return [f"{900000 + n}" for n in range(count)]


def write_sie(
    path: Path, lines: int = DEFAULT_LINES, *, seed: int = 2025, changed_month: int | None = None
) -> dict:
    """Write the file line by line (nothing held in memory) and return what
    it holds. With changed_month (1–12) the same file as without, except that
    month's utfall differ: a newer export of the same year."""
    rng = random.Random(seed)
    ansvar_count, per_ansvar = layout(lines)
    accounts = account_numbers()
    codes = ansvar_codes(ansvar_count)
    res: dict[str, int] = {}
    months = [datetime.date(YEAR, m, 1) for m in range(1, MONTHS + 1)]
    count = 0
    with path.open("w", encoding="cp437", newline="\r\n") as out:
        out.write('#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM "Styrhjul bänk" 1.0\n')
        out.write(f'#GEN {YEAR}1231\n#ORGNR {ORG_NUMBER}\n#FNAMN "Ekonomibänken"\n')
        out.write(f'#RAR 0 {YEAR}0101 {YEAR}1231\n#DIM 1 "Ansvar"\n')
        for number in accounts:
            out.write(f'#KONTO {number} "Konto {number}"\n')
        out.write('#KONTO 2440 "Leverantörsskulder"\n')
        for code in codes:
            out.write(f'#OBJEKT 1 "{code}" "Ansvar {code}"\n')
        chosen = {code: rng.sample(accounts, per_ansvar) for code in codes}
        # Öre as integers, so that the sums are exact.
        base = {(c, acc): rng.randint(1_000, 5_000_000) for c in codes for acc in chosen[c]}
        for code in codes:
            for acc in chosen[code]:
                sign = -1 if acc.startswith("3") else 1
                for month in months:
                    amount = sign * (base[(code, acc)] + month.month * 37)
                    if changed_month == month.month:
                        amount += sign * 10_000
                    res[acc] = res.get(acc, 0) + amount
                    out.write(f'#PSALDO 0 {month:%Y%m} {acc} {{1 "{code}"}} {_money(amount)}\n')
                    budget = sign * base[(code, acc)]
                    out.write(f'#PBUDGET 0 {month:%Y%m} {acc} {{1 "{code}"}} {_money(budget)}\n')
                    count += 2
        for acc in accounts:
            if acc in res:
                out.write(f"#RES 0 {acc} {_money(res[acc])}\n")
        vouchers = 0
        for index, code in enumerate(codes):
            for n in range(VOUCHERS_PER_ANSVAR):
                day = datetime.date(YEAR, 1 + (index + n) % MONTHS, 1 + n)
                acc = chosen[code][n % per_ansvar]
                amount = rng.randint(100, 99_999)
                vouchers += 1
                out.write(f'#VER "A" {vouchers} {day:%Y%m%d} "Faktura {vouchers}"\n{{\n')
                out.write(f'#TRANS {acc} {{1 "{code}"}} {_money(amount)}\n')
                out.write(f"#TRANS 2440 {{}} {_money(-amount)}\n}}\n")
    return {"lines": count, "ansvar": ansvar_count, "per_ansvar": per_ansvar, "vouchers": vouchers}


def _money(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def bench_organisation() -> Unit:
    """The organisation the bench imports into (created the first time)."""
    found = Unit.objects.filter(parent__isnull=True, code=ORGANISATION_CODE).first()
    if found is not None:
        return found
    return Unit.objects.create(
        name="Ekonomibänken",
        code=ORGANISATION_CODE,
        unit_type=_type("Kommun", 10),
        org_number=ORG_NUMBER,
    )


def _type(name: str, order: int, governing: bool = False) -> UnitType:
    return UnitType.objects.get_or_create(
        name=name, defaults={"order": order, "governing": governing}
    )[0]


# --- Measuring in a child ----------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _import_job(organisation_id: int, path: str) -> dict:
    from styrhjul.economy.importing import import_sie

    organisation = Unit.objects.get(pk=organisation_id)
    started, cpu = time.perf_counter(), time.process_time()
    data = Path(path).read_bytes()
    result = import_sie(
        actor=access.SYSTEM, organisation=organisation, data=data, filename=Path(path).name
    )
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "changes": result.summary.get("changes", []),
        "utfall_rows": result.summary.get("utfall_rows"),
        "vouchers": result.summary.get("vouchers"),
    }


def _child(conn, job, args) -> None:
    # As in production: with DEBUG on, Django keeps the SQL of the last
    # 9 000 queries, and a bulk insert's SQL is large.
    settings.DEBUG = False
    for alias in connections:
        connections[alias] = connections.create_connection(alias)
    try:
        at_fork = _maxrss_mb()
        result = job(*args)
        peak = _maxrss_mb()
        result.update(peak_mb=peak, delta_mb=peak - at_fork, best_seconds=result["seconds"])
        conn.send(("ok", result))
    except BaseException:  # noqa: B036 - everything goes back to the parent
        conn.send(("error", traceback.format_exc()))
    finally:
        connections.close_all()
        conn.close()


def in_child(job, *args) -> dict:
    connections.close_all()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, job, args))
    process.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:
        process.join()
        status, payload = "error", f"the child died (exit code {process.exitcode})"
    finally:
        receive.close()
        process.join()
    if status != "ok":
        raise RuntimeError(payload)
    return payload


def clear_ledger(organisation: Unit) -> None:
    """Remove what earlier runs imported into the bench organisation."""
    from styrhjul.economy import models as m

    with transaction.atomic():
        m.VoucherLine.objects.filter(voucher__organisation=organisation).delete()
        m.Voucher.objects.filter(organisation=organisation).delete()
        m.UtfallByRow.objects.filter(organisation=organisation).delete()
        m.Utfall.objects.filter(organisation=organisation).delete()
        m.YearBalance.objects.filter(organisation=organisation).delete()
        m.Budget.objects.filter(version__organisation=organisation).delete()
        m.BudgetVersion.objects.filter(organisation=organisation).delete()
        m.SieImport.objects.filter(organisation=organisation).delete()
    dbstats.refresh(
        (m.VoucherLine, m.Voucher, m.Utfall, m.YearBalance, m.Budget, m.BudgetVersion),
        vacuum=True,
    )


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


# --- The pages ---------------------------------------------------------------


def page_tree(organisation: Unit, ansvar: int = 300) -> Unit:
    """A förvaltning under the bench organisation with `ansvar` enheter in
    ten avdelningar, each enhet with one of the imported ansvar (mapped from
    the year's start). Built once."""
    from styrhjul.economy.models import AnsvarMapping, DimensionObject

    code = f"{ORGANISATION_CODE}-F"
    found = Unit.objects.filter(code=code, parent__parent=organisation).first()
    if found is not None:
        return found
    with transaction.atomic():
        board = Unit.objects.create(
            name="Bänknämnden",
            code=f"{ORGANISATION_CODE}-N",
            parent=organisation,
            unit_type=_type("Nämnd", 20, governing=True),
        )
        office = Unit.objects.create(
            name="Bänkförvaltningen", code=code, parent=board, unit_type=_type("Förvaltning", 30)
        )
        objects = list(
            DimensionObject.objects.filter(dimension__organisation=organisation).order_by("code")[
                :ansvar
            ]
        )
        departments = [
            Unit.objects.create(
                name=f"Avdelning {n + 1}",
                code=f"{code}-A{n + 1}",
                parent=office,
                unit_type=_type("Avdelning", 40),
            )
            for n in range(10)
        ]
        mappings = []
        for index, obj in enumerate(objects):
            unit = Unit.objects.create(
                name=f"Enhet {index + 1}",
                code=f"{code}-E{index + 1}",
                parent=departments[index % len(departments)],
                unit_type=_type("Enhet", 50),
            )
            mappings.append(
                AnsvarMapping(ansvar=obj, unit=unit, valid_from=datetime.date(YEAR, 1, 1))
            )
        AnsvarMapping.objects.bulk_create(mappings)
    return office
