"""`styrhjul document-bench [--points 200] [--runs 1]`: time and memory of
the internkontrollrapport as PDF and DOCX, and of a nämnd's Månadsrapport,
next to their budgets (styrhjul/demo/bench_documents.py). Makes its own data
(organisations BENCH-IK and BENCH-MR) and removes it afterwards; never fails
because a budget is exceeded."""

from __future__ import annotations

import platform

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from styrhjul.demo import bench_documents as bench


class Command(BaseCommand):
    help = (
        "Mäter internkontrollrapporten som PDF och Word på en stor internkontrollplan och en "
        "nämnds månadsrapport: tid och högsta minne för varje steg i en egen process, bredvid "
        "budgetarna. Skapar egna data (organisationerna BENCH-IK och BENCH-MR) och tar bort "
        "dem efteråt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--points", type=int, default=bench.DEFAULT_POINTS, help="antal kontrollpunkter"
        )
        parser.add_argument(
            "--runs", type=int, default=1, help="mätningar av varje steg (median av tiden)"
        )
        parser.add_argument(
            "--chars",
            type=int,
            default=bench.DEFAULT_TEXT_CHARS,
            help="längsta text i resultat och åtgärd (tecken)",
        )
        parser.add_argument("--seed", type=int, default=bench.DEFAULT_SEED)
        parser.add_argument(
            "--keep",
            metavar="MAPP",
            help="lämna HTML, PDF och DOCX i den här mappen för att titta på dem",
        )

    def handle(self, *args, points, runs, chars, seed, keep=None, **options):
        if points < 1 or runs < 1 or chars < 50:
            raise CommandError("--points och --runs måste vara minst 1 och --chars minst 50.")
        db = connection.settings_dict
        name = db["NAME"] if connection.vendor == "sqlite" else f"{db['HOST']}/{db['NAME']}"
        self.stdout.write(
            f"\nstyrhjul document-bench – {connection.vendor} ({name}), {points} kontrollpunkter, "
            f"texter upp till {chars} tecken, median av {runs} "
            f"{'mätning' if runs == 1 else 'mätningar'}; Python {platform.python_version()}, "
            f"DEBUG={'på' if settings.DEBUG else 'av'}\n"
        )
        verbose = options.get("verbosity", 1) > 1
        try:
            result = bench.bench_internal_control(
                points,
                chars,
                runs=runs,
                seed=seed,
                keep=keep,
                log=self.stdout.write if verbose else (lambda line: None),
            )
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from None
        self.table(result)
        try:
            monthly = bench.bench_monthly(
                runs=runs,
                seed=seed,
                keep=keep,
                log=self.stdout.write if verbose else (lambda line: None),
            )
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from None
        self.monthly_table(monthly)

    def monthly_table(self, result: dict) -> None:
        m = result["measurements"]
        memory = f"< {bench.MEMORY_BUDGET_MB:.0f} MB"
        self.stdout.write(
            f"\nMånadsrapport för en nämnd med {result['forvaltningar']} förvaltningar och "
            f"{result['units']} enheter under varje (ett ansvar per enhet, tolv månader):"
        )
        rows = [
            ("build() (datastrukturen)", m["build"], "–", None),
            (
                "PDF hela vägen",
                m["pdf"],
                f"< {bench.MONTHLY_PDF_BUDGET_S:.0f} s, {memory}",
                result["ok"]["pdf_seconds"] and result["ok"]["memory"],
            ),
            ("DOCX hela vägen", m["docx"], memory, result["ok"]["memory"]),
        ]
        for text, over in bench.measurement_lines(rows):
            self.stdout.write(self.style.WARNING(text) if over else text)
        pages = result.get("pages")
        self.stdout.write(
            f"PDF: {pages if pages is not None else '?'} sidor; build {result['queries']} "
            f"databasfrågor; data på {result['setup_seconds']:.1f} s, hela mätningen "
            f"{result['seconds']:.1f} s."
        )
        if result.get("output_dir"):
            self.stdout.write(f"Filerna ligger i {result['output_dir']}.")

    def table(self, result: dict) -> None:
        m = result["measurements"]
        memory = f"< {bench.MEMORY_BUDGET_MB:.0f} MB"

        verdict = bench.verdict

        pdf_parts = m["pdf"]["parts"]
        docx_parts = m["docx"]["parts"]
        rows = [
            ("build() (datastrukturen)", m["build"], "–", None),
            ("HTML från mallen", m["html"], "–", None),
            ("WeasyPrint ensam (PDF/UA-1)", m["weasyprint"], "jämförelse", None),
            (
                "PDF hela vägen",
                m["pdf"],
                f"≤ {bench.PDF_RATIO_BUDGET}× WeasyPrint, {memory}",
                result["ok"]["pdf_ratio"] and result["ok"]["pdf_memory"],
            ),
            (
                "DOCX hela vägen",
                m["docx"],
                f"< {bench.DOCX_BUDGET_S:.0f} s, {memory}",
                result["ok"]["docx_seconds"] and result["ok"]["docx_memory"],
            ),
        ]
        for text, over in bench.measurement_lines(rows):
            self.stdout.write(self.style.WARNING(text) if over else text)
        ratio_line = (
            f"\nPDF hela vägen / WeasyPrint ensam: {result['pdf_ratio']:.2f} (bästa tiderna; "
            f"budget ≤ {bench.PDF_RATIO_BUDGET}) {verdict(result['ok']['pdf_ratio'])}; "
            f"i CPU-tid {result['pdf_ratio_cpu']:.2f}"
        )
        self.stdout.write(
            self.style.WARNING(ratio_line) if not result["ok"]["pdf_ratio"] else ratio_line
        )
        pages = result.get("pages")
        self.stdout.write(
            f"PDF: {pages if pages is not None else '?'} sidor, "
            f"{result['pdf_bytes'] / 1024:.0f} kB (build {pdf_parts['build']:.2f} s, "
            f"HTML {pdf_parts['html']:.2f} s, WeasyPrint {pdf_parts['pdf']:.2f} s); "
            f"HTML {result['html_bytes'] / 1024:.0f} kB; "
            f"DOCX {result['docx_bytes'] / 1024:.0f} kB (build {docx_parts['build']:.2f} s, "
            f"python-docx {docx_parts['docx']:.2f} s)."
        )
        self.stdout.write(
            "Varje mätning körs i en egen process. Topp MB: processens högsta RSS "
            "(ru_maxrss); +MB: ökningen sedan processen startades. CPU s: processens egen "
            f"CPU-tid, som andra program på maskinen inte påverkar. Data: {result['count']} "
            f"kontrollpunkter på {result['setup_seconds']:.1f} s, hela mätningen "
            f"{result['seconds']:.1f} s."
        )
        if result.get("output_dir"):
            self.stdout.write(f"Filerna ligger i {result['output_dir']}.")
