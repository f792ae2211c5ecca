"""`styrhjul annual-bench [--runs 1]`: time and memory of the årsredovisning
compiled for the scale data set's root (styrhjul load-scale) as PDF and DOCX,
and of a nämnd's delårsrapport as PDF, next to their budgets
(styrhjul/demo/bench_documents.py, bench_annual). Only reads; never fails because
a budget is exceeded."""

from __future__ import annotations

import platform

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from styrhjul.demo import bench_documents as bench
from styrhjul.demo import scale
from styrhjul.documents.annual import KINDS
from styrhjul.organisation.models import Unit


class Command(BaseCommand):
    help = (
        "Mäter årsredovisningen sammanställd för skaldatamängdens kommun (PDF och Word) och en "
        "nämnds delårsrapport (PDF): tid, frågor och högsta minne för varje steg i en egen "
        "process, bredvid budgetarna. Läser bara; kräver styrhjul load-scale."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--runs", type=int, default=1, help="mätningar av varje steg (median av tiden)"
        )
        parser.add_argument("--year", type=int, default=bench.DEFAULT_YEAR)
        parser.add_argument(
            "--committee",
            metavar="KOD",
            help="nämndens enhetskod (standard: den under kommunen som har flest mål)",
        )
        parser.add_argument(
            "--keep",
            metavar="MAPP",
            help="lämna HTML, PDF och DOCX i den här mappen för att titta på dem",
        )

    def handle(self, *args, runs, year, committee=None, keep=None, **options):

        if runs < 1:
            raise CommandError("--runs måste vara minst 1.")
        root = scale.scale_root()
        if root is None:
            raise CommandError("Skaldatamängden saknas (kör styrhjul load-scale).")
        board = None
        if committee:
            board = Unit.objects.filter(code=committee, parent=root).first()
            if board is None:
                raise CommandError(f"Ingen enhet med koden {committee} direkt under {root}.")
        db = connection.settings_dict
        name = db["NAME"] if connection.vendor == "sqlite" else f"{db['HOST']}/{db['NAME']}"
        self.stdout.write(
            f"\nstyrhjul annual-bench – {connection.vendor} ({name}), median av {runs} "
            f"{'mätning' if runs == 1 else 'mätningar'}; Python {platform.python_version()}, "
            f"DEBUG={'på' if settings.DEBUG else 'av'}\n"
        )
        verbose = options.get("verbosity", 1) > 1
        try:
            result = bench.bench_annual(
                root,
                committee=board,
                runs=runs,
                year=year,
                keep=keep,
                log=self.stdout.write if verbose else (lambda line: None),
            )
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from None
        self.table(result)

    def table(self, result: dict) -> None:
        m = result["measurements"]
        ok = result["ok"]
        memory = f"< {bench.ANNUAL_MEMORY_BUDGET_MB / 1024:.1f} GB"
        memory_ok = {
            name: row["peak_mb"] < bench.ANNUAL_MEMORY_BUDGET_MB for name, row in m.items()
        }

        verdict = bench.verdict

        b = m["build"]
        self.stdout.write(
            f"{KINDS[result['kind']]} för {result['unit']}, {result['occasion']}: "
            f"{b['chapters']} kapitel, {b['goals']} mål, {b['indicators']} nyckeltal "
            f"(med diagram), {b['activities']} aktiviteter under målen, "
            f"{b['assignments']} särskilda uppdrag, "
            f"{b['internal_control']} internkontrollrapporter.\n"
        )
        rows = [
            (f"build() ({b['queries']} frågor)", m["build"], "–", None),
            ("HTML (diagram + mall)", m["html"], "–", None),
            ("WeasyPrint ensam (PDF/UA-1)", m["weasyprint"], "jämförelse", None),
            (
                "PDF hela vägen",
                m["pdf"],
                f"≤ {bench.ANNUAL_PDF_RATIO_BUDGET}× WeasyPrint, "
                f"< {bench.ANNUAL_PDF_BUDGET_S:.0f} s, {memory}",
                ok["pdf_ratio"] and ok["pdf_seconds"] and memory_ok["pdf"],
            ),
            (
                "DOCX hela vägen",
                m["docx"],
                f"< {bench.ANNUAL_DOCX_BUDGET_S:.0f} s, {memory}",
                ok["docx_seconds"] and memory_ok["docx"],
            ),
        ]
        committee = result.get("committee")
        if committee:
            cm = committee["measurements"]
            rows.append(
                (
                    f"Nämnden: build() ({committee['queries']} frågor)",
                    cm["build"],
                    "–",
                    None,
                )
            )
            rows.append(
                (
                    "Nämnden: PDF hela vägen",
                    cm["pdf"],
                    f"< {bench.COMMITTEE_PDF_BUDGET_S:.0f} s",
                    ok["committee_pdf_seconds"],
                )
            )
        for text, over in bench.measurement_lines(rows):
            self.stdout.write(self.style.WARNING(text) if over else text)

        def warn(text: str, good: bool | None) -> None:
            self.stdout.write(self.style.WARNING(text) if good is False else text)

        warn(
            f"\nPDF hela vägen / WeasyPrint ensam: {result['pdf_ratio']:.2f} (bästa tiderna; "
            f"budget ≤ {bench.ANNUAL_PDF_RATIO_BUDGET}) {verdict(ok['pdf_ratio'])}; "
            f"i CPU-tid {result['pdf_ratio_cpu']:.2f}",
            ok["pdf_ratio"],
        )
        peak = max(row["peak_mb"] for row in m.values())
        warn(f"Högsta minne: {peak:.0f} MB (budget {memory}) {verdict(ok['memory'])}", ok["memory"])
        pages = result.get("pages")
        pdf_parts = m["pdf"]["parts"]
        html_parts = m["html"]["parts"]
        warn(
            f"PDF: {pages if pages is not None else '?'} sidor (högst ett par hundra, "
            f"riktvärde ≤ {bench.ANNUAL_PAGES_GUIDE}) {verdict(ok['pages'])}, "
            f"{result['pdf_bytes'] / 1024:.0f} kB (build {pdf_parts['build']:.2f} s, "
            f"HTML {pdf_parts['html']:.2f} s, WeasyPrint {pdf_parts['pdf']:.2f} s); "
            f"HTML {result['html_bytes'] / 1024:.0f} kB (diagram {html_parts['charts']:.2f} s, "
            f"mall {html_parts['template']:.2f} s); DOCX {result['docx_bytes'] / 1024:.0f} kB "
            f"(build {m['docx']['parts']['build']:.2f} s, "
            f"python-docx {m['docx']['parts']['docx']:.2f} s).",
            ok["pages"],
        )
        sections = result.get("sections") or []
        if sections:
            self.stdout.write("Sidor per avsnitt (bokmärkena; de största underavsnitten):")
            for label, count, children in sections:
                biggest = sorted(children, key=lambda c: -c[1])[:3]
                detail = ", ".join(f"{c} {p}" for c, p in biggest if p)
                self.stdout.write(f"  {count:4d}  {label}" + (f" ({detail})" if detail else ""))
        if committee:
            self.stdout.write(
                f"Nämnden: delårsrapport för {committee['unit']}, {committee['goals']} mål, "
                f"{committee['pages'] if committee['pages'] is not None else '?'} sidor."
            )
        else:
            self.stdout.write("Ingen enhet direkt under kommunen har mål: nämnden mäts inte.")
        self.stdout.write(
            "Varje mätning körs i en egen process. Topp MB: processens högsta RSS "
            "(ru_maxrss); +MB: ökningen sedan processen startades. CPU s: processens egen "
            f"CPU-tid. Hela mätningen {result['seconds']:.1f} s."
        )
        if result.get("output_dir"):
            self.stdout.write(f"Filerna ligger i {result['output_dir']}.")
