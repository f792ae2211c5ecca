"""`styrhjul kolada-bench`: time and memory of storing 1 000 000 Kolada values
from a local fake Kolada, next to the budgets (60 s, 500 MB). Never fails
because a budget is exceeded; it prints OK or ÖVER (docs/kolada.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from styrhjul.charts.numbers import format_number
from styrhjul.kolada.bench import bench_store


class Command(BaseCommand):
    help = (
        "Mäter hur lång tid och hur mycket minne det tar att hämta och spara 1 000 000 "
        "Kolada-värden från en lokal låtsas-Kolada, bredvid budgetarna (60 s, 500 MB). "
        "Tar bort det den skapat efteråt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--values", type=int, default=1_000_000, help="antal värden")
        parser.add_argument(
            "--municipalities", type=int, default=25, help="antal kommuner (högst 25 per fråga)"
        )
        parser.add_argument("--years", type=int, default=10, help="antal år")
        parser.add_argument(
            "--rate-limit",
            action="store_true",
            help="håll Koladas fem frågor i sekunden även mot den lokala servern",
        )
        parser.add_argument(
            "--trace",
            action="store_true",
            help="mät också Python-minnets topp med tracemalloc (gör körningen långsammare)",
        )
        parser.add_argument(
            "--again",
            action="store_true",
            help="hämta sedan allt en gång till i sin helhet (ersätter de sparade värdena) och "
            "mät också det",
        )

    def handle(self, *args, **options):
        figures = bench_store(
            options["values"],
            municipalities=options["municipalities"],
            years=options["years"],
            max_per_second=5 if options["rate_limit"] else None,
            trace=options["trace"],
            again=options["again"],
        )
        ok_time = figures["seconds"] < figures["budget_seconds"]
        ok_memory = figures["rss_peak_mib"] < figures["budget_mib"]

        def shown(key: str, decimals: int = 1) -> str:
            return format_number(figures[key], decimals)

        self.stdout.write(
            f"Kolada-hämtning på {figures['database']}: {shown('values', 0)} värden "
            f"({figures['kpis']} nyckeltal × {figures['municipalities']} kommuner × "
            f"{figures['years']} år × T/K/M), {figures['requests']} frågor"
        )
        self.stdout.write(
            f"  tid    {shown('seconds')} s "
            f"({shown('values_per_second', 0)} värden/s; hämta och kontrollera "
            f"{shown('fetch_seconds')} s, spara {shown('write_seconds')} s)"
            f"   budget {figures['budget_seconds']} s   {'OK' if ok_time else 'ÖVER'}"
        )
        self.stdout.write(
            f"  minne  {shown('rss_peak_mib')} MB högsta RSS "
            f"(+{shown('rss_growth_mib')} MB under hämtningen)"
            f"   budget {figures['budget_mib']} MB   {'OK' if ok_memory else 'ÖVER'}"
        )
        if figures["again_seconds"] is not None:
            ok_again = figures["again_seconds"] < figures["budget_seconds"]
            self.stdout.write(
                f"  en gång till, ersätter allt: {shown('again_seconds')} s"
                f"   budget {figures['budget_seconds']} s   {'OK' if ok_again else 'ÖVER'}"
            )
        if figures["tracemalloc_peak_mib"] is not None:
            self.stdout.write(
                f"  Python-minnets topp (tracemalloc): {shown('tracemalloc_peak_mib')} MB"
            )
        if not options["rate_limit"]:
            self.stdout.write(
                f"  Mot Kolada tillkommer minst {shown('rate_limit_seconds')} s "
                "väntan (fem frågor i sekunden)."
            )
