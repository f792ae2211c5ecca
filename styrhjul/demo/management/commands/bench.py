"""`styrhjul bench`: server time, SQL queries and memory of the main pages on
the scale data set (docs/prestanda.md).

Builds the data set first when it is missing (or always, with --build, which
also times load-scale). Each page is fetched in this process with Django's
test client, logged in as a system administrator ("bench-admin"): one
warm-up request, one that counts the SQL queries, one under tracemalloc for
the peak Python memory, then --runs timed requests (time.perf_counter around
client.get) for the median and the 95th percentile. After each timed
request the page's own SQL, captured during the counting request, is
replayed alone (styrhjul.demo.sqlreplay), and the ratio of the medians is
printed beside the goal of at most SQL_RATIO_GOAL. Figures are printed next
to the budgets; the command never fails because a budget is exceeded.
"""

from __future__ import annotations

import logging
import math
import platform
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from styrhjul.core.cycles import settle_after_start
from styrhjul.demo import bench_api, bench_public, scale, sqlreplay
from styrhjul.followup import services as followup_services
from styrhjul.kolada.models import KoladaSettings, KoladaValue
from styrhjul.model.models import GovernanceModel, ItemKind
from styrhjul.organisation.models import Role, Unit, User
from styrhjul.planning.models import Item, ItemLink, Plan

BENCH_USERNAME = "bench-admin"
CHEF_USERNAME = "bench-forvaltningschef"
OWNER_USERNAME = "bench-modellagare"
START_BUDGET_MS = 300
PAGE_BUDGET_MS = 300
FOLLOWUP_BUDGET_MS = 500
LOAD_BUDGET_S = 180
API_BUDGET_MS = 200
SQL_RATIO_GOAL = 2.0  # a page within twice the time of its own SQL replayed alone


@dataclass
class Page:
    label: str
    url_name: str
    kwargs: dict
    query: str = ""
    budget_ms: float | None = None
    user: User | None = None  # logged in as someone other than bench-admin


@dataclass
class Row:
    label: str
    budget: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    peak_mib: float | None = None
    sql_ms: float | None = None  # median of the page's own SQL replayed alone
    note: str = ""
    error: str = ""  # the exception, on one line
    over: bool | None = None  # None: no budget or not measured

    @property
    def ratio(self) -> float | None:
        """Page time ÷ the time of its own SQL (issue 15: ≤ 2)."""
        if self.median_ms is None or not self.sql_ms:
            return None
        return self.median_ms / self.sql_ms


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def add_data_set_arguments(parser) -> None:
    """The scale data set's options, read by `Command.ensure_data` (also
    from `styrhjul load-test`, which builds the set the same way)."""
    parser.add_argument("--units", type=int, default=scale.DEFAULT_UNITS)
    parser.add_argument("--items", type=int, default=scale.DEFAULT_ITEMS)
    parser.add_argument("--plan-items", type=int, default=scale.DEFAULT_PLAN_ITEMS)
    parser.add_argument("--task-items", type=int, default=scale.DEFAULT_TASK_ITEMS)
    parser.add_argument("--share-units", type=int, default=scale.DEFAULT_SHARE_UNITS)
    parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED)
    parser.add_argument("--year", type=int, default=scale.DEFAULT_YEAR)
    parser.add_argument(
        "--years",
        type=int,
        default=0,
        help="tidigare år med historik när datamängden byggs (load-scale --years)",
    )


class Command(BaseCommand):
    help = (
        "Mäter huvudsidorna på skaldatamängden (styrhjul load-scale): median och 95:e "
        "percentil av servertiden, antal SQL-frågor och högsta Python-minne, bredvid "
        "budgetarna. Bygger datamängden om den saknas. Misslyckas aldrig på en budget."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15, help="mätta anrop per sida")
        parser.add_argument(
            "--build",
            action="store_true",
            help="bygg om skaldatamängden (och mät load-scale) även om den finns",
        )
        add_data_set_arguments(parser)
        parser.add_argument(
            "--page",
            action="append",
            default=[],
            metavar="TEXT",
            help="mät bara sidor vars namn innehåller TEXT (kan anges flera gånger)",
        )
        parser.add_argument(
            "--api-values",
            type=int,
            default=bench_api.UPSERT_VALUES,
            help="nyckeltalsvärden i mängd till API:et (0: mäts inte)",
        )

    def handle(self, *args, **options):
        runs, year = options["runs"], options["year"]
        if runs < 1:
            raise CommandError("--runs måste vara minst 1.")
        load_line = self.ensure_data(options)
        root = scale.scale_root()
        unit = scale.bench_unit()
        plan = scale.bench_plan(year)
        item = scale.bench_item(year)
        if plan is None or item is None or unit is None:
            raise CommandError(
                f"Skaldatamängden saknar mätplanen för {year} ({scale.BENCH_CODE}). "
                "Bygg om den: styrhjul bench --build (eller load-scale --replace)."
            )
        user = self.bench_user(root)
        plan_count = plan.items.count()
        goal_count = Item.objects.filter(
            kind=ItemKind.GOAL,
            plan__plan_type__model__organisation=root,
            plan__plan_type__model__year=year,
        ).count()
        pages = [
            Page("Organisationsträdet", "organisation:tree", {}, f"?ar={year}"),
            Page(
                f"Plan ({plan_count} poster)", "planning:plan", {"pk": plan.pk}, "", PAGE_BUDGET_MS
            ),
            Page("Röda tråden (post)", "planning:item", {"pk": item.pk}, "", PAGE_BUDGET_MS),
            Page(
                f"Målträdet ({goal_count} mål)",
                "planning:goal_tree",
                {"year": year},
                "",
                PAGE_BUDGET_MS,
            ),
            Page("Enhetens planer", "planning:unit_plans", {"pk": unit.pk, "year": year}),
            Page(f"Plan som Excel ({plan_count} poster)", "planning:plan_export", {"pk": plan.pk}),
            *self.risk_pages(root, year),
            *self.followup_pages(year),
            *self.indicator_pages(root, year),
            *self.start_pages(root),
            *self.api_pages(year),
            # Publishing takes a while: only when the public page is measured.
            *(self.public_pages(year) if self.wanted(options, "Offentlig sida") else []),
        ]
        if options["page"]:
            wanted = [text.casefold() for text in options["page"]]
            pages = [p for p in pages if any(w in p.label.casefold() for w in wanted)]
            if not pages:
                raise CommandError("Ingen sida heter något med " + ", ".join(options["page"]))

        # The pages are measured as the web server serves them (styrhjul/wsgi.py).
        settle_after_start()
        self.header(runs, year)
        client = Client(raise_request_exception=True)
        client.force_login(user)
        rows = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        # A failing page is reported in the table; its traceback would bury it.
        request_log = logging.getLogger("django.request")
        level = request_log.level
        request_log.setLevel(logging.CRITICAL)
        try:
            with override_settings(ALLOWED_HOSTS=hosts):
                for page in pages:
                    if page.user is None:
                        rows.append(self.measure(client, page, runs))
                        continue
                    other = Client(raise_request_exception=True)
                    other.force_login(page.user)
                    rows.append(self.measure(other, page, runs))
        finally:
            request_log.setLevel(level)
        self.table(rows)
        if self.published is not None:
            with override_settings(ALLOWED_HOSTS=hosts):
                for line in bench_public.uncached_lines(client, self.published, runs):
                    self.stdout.write(line)
        with override_settings(ALLOWED_HOSTS=hosts, API_RATE_LIMIT=0):
            if options["api_values"] > 0:
                upsert = bench_api.bench_upsert(client, root, year, options["api_values"])
                for line in upsert.lines():
                    self.stdout.write(line)
        self.stdout.write(load_line)

    @staticmethod
    def wanted(options, label: str) -> bool:
        return not options["page"] or any(
            text.casefold() in label.casefold() for text in options["page"]
        )

    def api_pages(self, year: int) -> list[Page]:
        """The REST API's lists, a page of 100 (issue 17: < 200 ms median)."""
        query = f"?year={year}&page_size=100"
        return [
            Page("API: poster (100)", "api:items", {}, query, API_BUDGET_MS),
            Page("API: enheter (100)", "api:units", {}, query, API_BUDGET_MS),
            Page("API: uppgifter (100)", "api:tasks", {}, "?page_size=100", API_BUDGET_MS),
            Page("API: nyckeltalsvärden (100)", "api:values", {}, query, API_BUDGET_MS),
        ]

    published: bench_public.Published | None = None

    def public_pages(self, year: int) -> list[Page]:
        """The organisation's public page from the cache (issue 17: < 100 ms
        median); uncached is measured after the table (bench_public)."""
        self.published = bench_public.ensure_published(year)
        if self.published is None:
            return []
        if self.published.message:
            self.stdout.write(self.published.message)
        return [
            Page(
                bench_public.label(self.published, cached=True),
                "public:organisation_page",
                {"organisation": self.published.organisation.pk},
                "",
                bench_public.CACHED_BUDGET_MS,
            )
        ]

    def risk_pages(self, root, year: int) -> list[Page]:
        """The risk analysis of the internkontrollplan with the most control points."""
        plan = (
            Plan.objects.filter(
                plan_type__model__organisation=root,
                plan_type__model__year=year,
                items__kind=ItemKind.CONTROL_POINT,
            )
            .annotate(points=Count("items"))
            .order_by("-points", "pk")
            .first()
        )
        if plan is None:
            return []
        return [
            Page(f"Riskanalys ({plan.points} kontrollpunkter)", "planning:risk", {"pk": plan.pk})
        ]

    def followup_pages(self, year: int) -> list[Page]:
        occasion = scale.scale_occasion(year)
        task = scale.followup_task(year)
        under_task, shared = scale.underlag_task(year)
        if occasion is None or task is None or under_task is None:
            return []  # ensure_data adds the follow-up; absent only for another --year
        task_items = len(followup_services.task_items(task))
        shares = shared.shares.filter(ended_at__isnull=True).count()
        tasks = occasion.tasks.count()
        return [
            Page(
                f"Rapportering ({task_items} poster)",
                "followup:task",
                {"pk": task.pk},
                "",
                FOLLOWUP_BUDGET_MS,
            ),
            Page(
                f"Underlag ({shares} enheter)",
                "followup:underlag",
                {"pk": under_task.pk, "item": shared.pk},
                "",
                FOLLOWUP_BUDGET_MS,
            ),
            Page(
                f"Översikt ({tasks} uppgifter)",
                "followup:overview",
                {"pk": occasion.pk},
                "",
                FOLLOWUP_BUDGET_MS,
            ),
            Page(
                f"Översikt som Excel ({tasks} uppgifter)",
                "followup:overview_export",
                {"pk": occasion.pk},
            ),
        ]

    def indicator_pages(self, root, year: int) -> list[Page]:
        item = scale.kolada_item(year)
        if item is None:
            return []  # ensure_data adds it; absent only for another --year
        settings_obj = KoladaSettings.objects.filter(organisation=root).first()
        comparisons = len(settings_obj.comparison_ids) if settings_obj else 0
        values = KoladaValue.objects.filter(kpi_id=item.kolada_kpi, ou_id="")
        years = values.values("period").distinct().count()
        genders = values.values("gender").distinct().count()
        # What the council page shows: the indicators of the top level's goals.
        model = GovernanceModel.objects.filter(organisation=root, year=year).first()
        top = model.levels.order_by("order", "name").first() if model else None
        council = (
            ItemLink.objects.filter(
                target__plan__plan_type__model=model,
                target__kind=ItemKind.GOAL,
                target__level=top,
                target__archived_at__isnull=True,
                item__kind=ItemKind.INDICATOR,
                item__archived_at__isnull=True,
            )
            .values("item_id")
            .distinct()
            .count()
        )
        return [
            Page(
                f"Nyckeltal ({years} år × {genders} kön × {comparisons} jämförelsekommuner)",
                "indicators:indicator",
                {"pk": item.pk},
                "",
                PAGE_BUDGET_MS,
            ),
            Page(
                f"Fullmäktiges nyckeltal ({council} nyckeltal)",
                "indicators:council",
                {"year": year},
                "",
                PAGE_BUDGET_MS,
            ),
        ]

    def start_pages(self, root) -> list[Page]:
        """Start as a förvaltningschef (Chef with the units below) of the
        förvaltning nearest 300 units, and as the model owner of the whole
        organisation (no budget: measured to be known)."""
        unit = scale.manager_unit(300)
        if unit is None:
            return []
        chef = self.named_user(CHEF_USERNAME, "Förvaltningschef", unit, Role.MANAGER)
        owner = self.named_user(OWNER_USERNAME, "Modellägare", root, Role.MODEL_OWNER)
        units = scale.subtree_size(unit)
        return [
            Page(
                f"Start, förvaltningschef ({units} enheter)",
                "start",
                {},
                "",
                START_BUDGET_MS,
                user=chef,
            ),
            Page("Start, modellägare (hela kommunen)", "start", {}, "", None, user=owner),
        ]

    def named_user(self, username: str, title: str, unit: Unit, role: str) -> User:
        """A measuring user with `role` on `unit` and the units below it."""
        return scale.measuring_user(
            username,
            first_name="Bänk",
            last_name=title,
            title=f"{title} för styrhjul bench",
            domain="skala.example",
            unit=unit,
            role=role,
        )

    # -- the data set and the user

    def ensure_data(self, options) -> str:
        """Build the data set when missing or asked to; a line on load-scale's time."""
        label = f"load-scale --units {options['units']} --items {options['items']}"
        if options["years"]:
            label += f" --years {options['years']}"
        root = scale.scale_root()
        if root is not None and not options["build"]:
            followup = ""
            if scale.kolada_item(options["year"]) is None:
                try:
                    kolada = scale.build_kolada(year=options["year"], seed=options["seed"])
                except scale.ScaleError as exc:
                    raise CommandError(str(exc)) from None
                self.stdout.write(kolada.message)
            if scale.scale_occasion(options["year"]) is None:
                try:
                    result = scale.build_followup(
                        year=options["year"],
                        seed=options["seed"],
                        task_items=options["task_items"],
                        share_units=options["share_units"],
                    )
                except scale.ScaleError as exc:
                    raise CommandError(str(exc)) from None
                self.stdout.write(result.message[:1].upper() + result.message[1:])
                followup = f" Uppföljningen lades till på {result.seconds:.1f} s."
            units = Unit.objects.descendants(root, include_self=True).count()
            items = Item.objects.filter(plan__plan_type__model__organisation=root).count()
            return (
                f"load-scale: datamängden fanns redan ({units} enheter, {items} poster); "
                f"ej mätt (--build bygger om och mäter).{followup}"
            )
        self.stdout.write(
            f"Bygger skaldatamängden ({options['units']} enheter, {options['items']} poster) …"
        )
        try:
            result = scale.build(
                units=options["units"],
                items=options["items"],
                plan_items=options["plan_items"],
                seed=options["seed"],
                year=options["year"],
                replace=True,
                task_items=options["task_items"],
                share_units=options["share_units"],
                years=options["years"],
            )
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.message)
        verdict = "ÖVER" if result.seconds > LOAD_BUDGET_S else "OK"
        line = f"{label}: {result.seconds:.1f} s (budget < {LOAD_BUDGET_S} s) {verdict}"
        return self.style.WARNING(line) if verdict == "ÖVER" else line

    def bench_user(self, root) -> User:
        return scale.measuring_user(
            BENCH_USERNAME,
            first_name="Bänk",
            last_name="Mätning",
            title="Mätanvändare för styrhjul bench",
            domain="skala.example",
            unit=root,
            role=Role.ADMIN,
        )

    # -- measuring

    def measure(self, client: Client, page: Page, runs: int) -> Row:
        if not connection.in_atomic_block:
            return self._measure(client, page, runs)
        # Inside a transaction (the test suite): a page whose SQL fails must
        # not abort the transaction for the pages after it.
        with transaction.atomic():
            return self._measure(client, page, runs)

    def _measure(self, client: Client, page: Page, runs: int) -> Row:
        budget = f"< {page.budget_ms:.0f} ms" if page.budget_ms else "–"
        try:
            url = reverse(page.url_name, kwargs=page.kwargs) + page.query
        except NoReverseMatch:
            return Row(
                page.label, budget, note=f"hoppas över: URL-namnet {page.url_name} finns inte"
            )
        try:
            response = client.get(url)  # warm-up
            if response.status_code != 200:
                return Row(page.label, budget, note=f"hoppas över: HTTP {response.status_code}")
            reset_queries()
            with CaptureQueriesContext(connection) as queries, sqlreplay.capture() as own_sql:
                client.get(url)
            tracemalloc.start()
            try:
                client.get(url)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            # The page and its own SQL alone, in turns, so that both see the
            # same load on a shared machine.
            times, sql_times = [], []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                sql_times.append(sqlreplay.replay(own_sql).milliseconds)
        except Exception as exc:  # a page under construction must not stop the others
            if connection.in_atomic_block:
                transaction.set_rollback(True)
            message = " ".join(f"{type(exc).__name__}: {exc}".split())
            return Row(page.label, budget, note="fel, se nedan", error=message)
        median = statistics.median(times)
        return Row(
            page.label,
            budget,
            median_ms=median,
            p95_ms=p95(times),
            queries=len(queries),
            peak_mib=peak / 2**20,
            sql_ms=statistics.median(sql_times),
            over=None if page.budget_ms is None else median > page.budget_ms,
        )

    # -- output

    def header(self, runs: int, year: int) -> None:
        db = connection.settings_dict
        name = db["NAME"] if connection.vendor == "sqlite" else f"{db['HOST']}/{db['NAME']}"
        self.stdout.write(
            f"\nstyrhjul bench – {connection.vendor} ({name}), år {year}, "
            f"median av {runs} anrop efter en uppvärmning; Python {platform.python_version()}, "
            f"DEBUG={'på' if settings.DEBUG else 'av'}\n"
        )

    def table(self, rows: list[Row]) -> None:
        head = (
            "sida",
            "median ms",
            "p95 ms",
            "frågor",
            "topp MiB",
            "budget",
            "",
            "egen SQL ms",
            "kvot",
            f"mål ≤ {SQL_RATIO_GOAL:.0f}",
        )
        numeric = {1, 2, 3, 4, 7, 8}
        lines = []
        for row in rows:
            verdict = "" if row.over is None else ("ÖVER" if row.over else "OK")
            ratio = row.ratio
            if row.median_ms is None:
                figures = ("–", "–", "–", "–")
            else:
                figures = (
                    f"{row.median_ms:.0f}",
                    "–" if row.p95_ms is None else f"{row.p95_ms:.0f}",
                    "–" if row.queries is None else str(row.queries),
                    "–" if row.peak_mib is None else f"{row.peak_mib:.1f}",
                )
            own = (
                "–" if row.sql_ms is None else f"{row.sql_ms:.1f}",
                "–" if ratio is None else f"{ratio:.1f}",
                "" if ratio is None else ("ÖVER" if ratio > SQL_RATIO_GOAL else "OK"),
            )
            lines.append((row.label, *figures, row.budget, verdict, *own, row.note))
        widths = [max(len(str(line[i])) for line in [head, *lines]) for i in range(len(head))]

        def fmt(cells) -> str:
            return "  ".join(
                c.rjust(w) if i in numeric else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        self.stdout.write(fmt(head))
        self.stdout.write("  ".join("-" * w for w in widths))
        for line in lines:
            text = fmt(line[:10])
            if line[10]:
                text += f"  ({line[10]})"
            if line[6] == "ÖVER":
                text = self.style.WARNING(text)
            self.stdout.write(text)
        for row in rows:
            if row.error:
                self.stdout.write(self.style.ERROR(f"Fel på {row.label}: {row.error}"))
        self.stdout.write(
            "\nServertid: django.test.Client i samma process, utan nätverk och webbserver. "
            "Budgeten gäller medianen. Egen SQL: medianen av att köra exakt de frågor "
            "sidan körde (samma SQL och parametrar, fångade i samma körning) ensamma på "
            "databasens egen markör, lika många gånger och i tur med sidan; kvot = "
            f"sidans median ÷ den egna SQL:ens (mål ≤ {SQL_RATIO_GOAL:.0f})."
        )
