"""`styrhjul economy-bench [--lines 1000000] [--runs 15]`: the SIE import of a
generated file of about a million #PSALDO and #PBUDGET lines and a newer
export of it with one month changed, each in a process of its own (time and
peak memory), and the economy pages of a förvaltning with 300 ansvar
(median time and queries), next to their budgets (styrhjul/demo/bench_economy.py,
docs/prestanda.md). Never fails because a budget is exceeded."""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.demo import bench_economy as bench
from styrhjul.demo import scale
from styrhjul.demo.bench_documents import measurement_lines, verdict
from styrhjul.organisation.models import Role

BENCH_USERNAME = "ekonomibank"


class Command(BaseCommand):
    help = (
        "Mäter SIE-importen av en genererad fil med omkring en miljon rader #PSALDO och "
        "#PBUDGET (tid och högsta minne), importen av en nyare export där en månad ändrats, "
        "och ekonomisidorna för en förvaltning med 300 ansvar, bredvid budgetarna."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lines",
            type=int,
            default=bench.DEFAULT_LINES,
            help="ungefär så många rader #PSALDO och #PBUDGET (mindre för en snabb körning)",
        )
        parser.add_argument("--runs", type=int, default=15, help="mätta anrop per sida")
        parser.add_argument(
            "--keep", metavar="MAPP", help="skriv filerna i den här mappen och lämna dem kvar"
        )

    def handle(self, *args, lines: int, runs: int, keep=None, **options):
        if lines < 1000 or runs < 1:
            raise CommandError("--lines måste vara minst 1000 och --runs minst 1.")
        db = connection.settings_dict
        name = db["NAME"] if connection.vendor == "sqlite" else f"{db['HOST']}/{db['NAME']}"
        self.stdout.write(
            f"\nstyrhjul economy-bench – {connection.vendor} ({name}); Python "
            f"{platform.python_version()}, DEBUG={'på' if settings.DEBUG else 'av'}\n"
        )
        organisation = bench.bench_organisation()
        bench.clear_ledger(organisation)
        load_before = _load()
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(keep) if keep else Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            first, newer = folder / "ekonomibank.se", folder / "ekonomibank-juni.se"
            started = time.perf_counter()
            info = bench.write_sie(first, lines)
            bench.write_sie(newer, lines, changed_month=6)
            self.stdout.write(
                f"Två SIE 4-filer på {first.stat().st_size / 1e6:.0f} MB: {info['lines']} rader "
                f"#PSALDO och #PBUDGET ({info['ansvar']} ansvar × {info['per_ansvar']} av "
                f"{bench.ACCOUNTS} konton × 12 månader × 2), {info['vouchers']} verifikationer; "
                f"skrivna på {time.perf_counter() - started:.1f} s. Den andra är samma år med "
                "juni ändrad.\n"
            )
            try:
                full = bench.in_child(bench._import_job, organisation.pk, str(first))
                again = bench.in_child(bench._import_job, organisation.pk, str(newer))
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
        memory = f"< {bench.MEMORY_BUDGET_MB / 1024:.0f} GB"
        rows = [
            (
                "Import av hela filen",
                full,
                f"< {bench.IMPORT_BUDGET_S:.0f} s, {memory}",
                full["seconds"] < bench.IMPORT_BUDGET_S
                and full["peak_mb"] < bench.MEMORY_BUDGET_MB,
            ),
            (
                "Nyare export, juni ändrad",
                again,
                f"< {bench.REIMPORT_BUDGET_S:.0f} s, {memory}",
                again["seconds"] < bench.REIMPORT_BUDGET_S
                and again["peak_mb"] < bench.MEMORY_BUDGET_MB,
            ),
        ]
        for text, over in measurement_lines(rows):
            self.stdout.write(self.style.WARNING(text) if over else text)
        changed = ", ".join(c["period"] for c in again["changes"]) or "inga"
        self.stdout.write(
            f"Belastning (load average) före: {load_before}; efter: {_load()}. "
            f"Importerat: {full['utfall_rows']} rader utfall, {full['vouchers']} verifikationer. "
            f"Ändrade månader i den nyare exporten: {changed}. Topp MB: processens högsta RSS "
            "(ru_maxrss) i en egen process.\n"
        )
        if connection.vendor == "postgresql":
            # As autovacuum would soon after a large import.
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE economy_utfall, economy_budget, economy_voucherline, "
                    "economy_utfallbyrow, economy_budgetbyrow"
                )
        self.pages(organisation, runs)

    def pages(self, organisation, runs: int) -> None:
        office = bench.page_tree(organisation)
        user = scale.measuring_user(
            BENCH_USERNAME,
            first_name="Bänk",
            last_name="Ekonomi",
            title="Mätanvändare för styrhjul economy-bench",
            domain="skala.example",
            unit=organisation,
            role=Role.ADMIN,
        )
        client = Client(raise_request_exception=True)
        client.force_login(user)
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            self.measure_pages(client, office, runs)

    def measure_pages(self, client, office, runs: int) -> None:
        pages = [
            ("Ekonomi för förvaltningen (300 ansvar)", reverse("economy:unit", args=[office.pk]))
        ]
        pages.append(("Nedbrytning för förvaltningen (300 ansvar)", _drill_url(office)))
        self.stdout.write(
            f"{'sida':45} {'median ms':>10} {'CPU ms':>7} {'SQL ms':>7} {'frågor':>7}  budget"
        )
        for label, url in pages:
            client.get(url)  # warm up
            times, cpu, sql, queries = [], [], [], 0
            for _ in range(runs):
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
                queries = len(captured)
                # The database's share: the queries' own time, as Django timed them.
                sql.append(sum(float(q["time"]) for q in captured.captured_queries))
                if response.status_code != 200:
                    raise CommandError(f"{url}: HTTP {response.status_code}")
            median = bench.median_ms(times)
            ok = median < bench.PAGE_BUDGET_MS
            text = (
                f"{label:45} {median:10.0f} {bench.median_ms(cpu):7.0f} "
                f"{bench.median_ms(sql):7.0f} {queries:7d}  "
                f"< {bench.PAGE_BUDGET_MS:.0f} ms "
                f"{verdict(ok)}"
            )
            self.stdout.write(text if ok else self.style.WARNING(text))


def _load() -> str:
    """The machine's load average over 1, 5 and 15 minutes: on a shared
    machine the wall-clock times grow with it, the CPU times much less."""
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def _drill_url(unit) -> str:
    return reverse("economy:drill_unit", args=[unit.pk])
