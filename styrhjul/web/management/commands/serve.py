"""`styrhjul serve`: run Styrhjul in production. One process (the default,
`--workers 1`) is the waitress WSGI server with threads, which runs on Linux
and Windows; `--workers N` (N > 1) runs N processes under gunicorn (Linux,
macOS), each with its threads, so the server uses more than one core. Both
keep the same limits: the largest request, the number of open connections,
how long an idle connection is kept, and which proxy's X-Forwarded-* headers
are trusted (waitress's own proxy-header handling, under gunicorn too).

Before it starts listening it checks that the database answers (one line and
exit status 2 if not), reports unapplied migrations (or applies them with
--migrate) and collects the static files into STATIC_ROOT when they are
missing or older than the installed ones. docs/drift.md describes how to run it.
"""

import json
import math
import os
import signal
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

EXIT_CONFIGURATION = 2
# The proxy headers waitress takes from a trusted proxy: the client's address
# (so login throttling sees the real client), the scheme and the host name.
TRUSTED_PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class Command(BaseCommand):
    help = (
        "Kör Styrhjul med produktionsservern: waitress i en process, eller med --workers N "
        "gunicorn med N processer. Kontrollerar databasen, migreringarna och de statiska "
        "filerna innan servern startar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=os.environ.get("STYRHJUL_HOST") or "127.0.0.1",
            help="Adress att lyssna på (STYRHJUL_HOST, standard 127.0.0.1). "
            "Använd 0.0.0.0 för att lyssna på alla nätverkskort.",
        )
        parser.add_argument(
            "--port",
            default=os.environ.get("STYRHJUL_PORT") or "8000",
            help="Port att lyssna på (STYRHJUL_PORT, standard 8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.environ.get("STYRHJUL_WORKERS") or 1,
            help="Antal serverprocesser (STYRHJUL_WORKERS, standard 1). Fler än en ger "
            "gunicorn med så många processer, så att servern använder flera kärnor; "
            "t.ex. en per kärna. Bara på Linux och macOS.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=os.environ.get("STYRHJUL_THREADS") or 8,
            help="Antal trådar per process som hanterar anrop (STYRHJUL_THREADS, standard 8).",
        )
        parser.add_argument(
            "--max-request-mb",
            type=int,
            default=os.environ.get("STYRHJUL_MAX_REQUEST_MB") or 64,
            help="Största anrop i MB, uppladdade filer inräknade (STYRHJUL_MAX_REQUEST_MB, "
            "standard 64: SIE-filer får vara 50 MB). Större anrop nekas med 413 innan "
            "servern läser dem. Sätt proxyns gräns (nginx client_max_body_size) lika.",
        )
        parser.add_argument(
            "--connection-limit",
            type=int,
            default=os.environ.get("STYRHJUL_CONNECTION_LIMIT") or 1000,
            help="Högsta antal öppna anslutningar, för alla processer tillsammans "
            "(STYRHJUL_CONNECTION_LIMIT, standard 1000).",
        )
        parser.add_argument(
            "--idle-timeout",
            type=int,
            default=os.environ.get("STYRHJUL_IDLE_TIMEOUT") or 30,
            help="Sekunder en anslutning utan trafik hålls öppen (STYRHJUL_IDLE_TIMEOUT, "
            "standard 30), så att klienter som håller anslutningar vid liv inte tränger "
            "undan andra.",
        )
        parser.add_argument(
            "--trusted-proxy",
            default=os.environ.get("STYRHJUL_TRUSTED_PROXY"),
            help="Adressen som den omvända proxyn ansluter från; dess X-Forwarded-For, "
            "-Proto och -Host litar servern på (STYRHJUL_TRUSTED_PROXY, standard "
            "127.0.0.1 när BEHIND_PROXY är på, '*' = alla).",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Kör databasmigreringar som inte är körda innan servern startar.",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Samla inte statiska filer till STATIC_ROOT automatiskt.",
        )

    def fail(self, message: str):
        self.stderr.write(f"styrhjul: {message}")
        raise SystemExit(EXIT_CONFIGURATION)

    def handle(self, *args, host, port, workers, threads, trusted_proxy, migrate, **options):
        self.verbosity = options["verbosity"]
        try:
            port = int(port)
        except ValueError:
            self.fail(f"porten ska vara ett heltal (fick {port!r})")
        if not 0 <= port <= 65535:
            self.fail(f"porten ska vara mellan 0 och 65535 (fick {port})")
        if threads < 1:
            self.fail("--threads ska vara minst 1")
        if workers < 1:
            self.fail("--workers ska vara minst 1")
        if workers > 1 and os.name != "posix":
            self.fail(
                "--workers större än 1 fungerar bara på Linux och macOS; på Windows kör "
                "flera tjänster med var sin --port bakom proxyn (docs/drift.md)"
            )
        for name in ("max_request_mb", "connection_limit", "idle_timeout"):
            if options[name] < 1:
                self.fail(f"--{name.replace('_', '-')} ska vara minst 1")
        self.limits = {
            "max_request_body_size": options["max_request_mb"] * 1024 * 1024,
            "connection_limit": options["connection_limit"],
            "channel_timeout": options["idle_timeout"],
        }
        self.workers = workers
        if not settings.DEBUG and not settings.ALLOWED_HOSTS:
            self.fail(
                "ALLOWED_HOSTS är tom, så servern skulle avvisa varje anrop: "
                "sätt den till webbplatsens värdnamn, t.ex. ALLOWED_HOSTS=styrhjul.kommun.se"
            )
        self.check_database()
        self.check_migrations_applied(apply=migrate)
        self.create_cache_table()
        if not options["no_collectstatic"]:
            self.collect_static_if_stale()
        self.serve(host, port, threads, self.trusted_proxy(trusted_proxy))

    # --- Before serving --------------------------------------------------------
    def check_database(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as exc:  # any driver error: report it on one line
            where = "DATABASE_URL"
            if connection.vendor == "sqlite":
                where += f" (SQLite-filen {connection.settings_dict['NAME']})"
            self.fail(f"databasen svarar inte ({_one_line(exc)}): kontrollera {where}")

    def check_migrations_applied(self, apply: bool) -> None:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return
        if apply:
            call_command("migrate", interactive=False, verbosity=self.verbosity)
            return
        self.stderr.write(
            f"styrhjul: varning: {len(plan)} databasmigreringar är inte körda. "
            "Kör `styrhjul migrate` (eller starta med `styrhjul serve --migrate`)."
        )

    def create_cache_table(self) -> None:
        """The database cache's table (docs/drift.md#flera-processer), made by
        `styrhjul migrate` too; here in case the cache setting changed since."""
        if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
            call_command("createcachetable", verbosity=0)

    def static_files_stale(self) -> bool:
        """True when STATIC_ROOT lacks a file the installed apps ship or holds
        an older copy of one, or (with the manifest storage used in
        production) lacks the manifest or an entry in it."""
        if settings.DEBUG:
            return False  # WhiteNoise serves straight from the apps
        root = Path(settings.STATIC_ROOT)
        storage_class = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
        manifest = None
        if issubclass(storage_class, ManifestFilesMixin):
            manifest_path = root / storage_class.manifest_name
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["paths"]
                manifest_time = manifest_path.stat().st_mtime
            except (OSError, ValueError, KeyError, TypeError):
                return True
        ignore = apps.get_app_config("staticfiles").ignore_patterns
        for finder in get_finders():
            for path, storage in finder.list(ignore):
                prefix = getattr(storage, "prefix", None)
                name = "/".join(filter(None, [prefix, path.replace(os.sep, "/")]))
                source_time = os.path.getmtime(storage.path(path))
                if manifest is not None:
                    if name not in manifest or source_time > manifest_time:
                        return True
                else:
                    target = root / name
                    if not target.is_file() or target.stat().st_mtime < source_time:
                        return True
        return False

    def collect_static_if_stale(self) -> None:
        if not self.static_files_stale():
            return
        self.stdout.write(f"Samlar statiska filer i {settings.STATIC_ROOT} …")
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except (OSError, ValueError) as exc:
            self.fail(
                f"kunde inte samla de statiska filerna i STATIC_ROOT ({_one_line(exc)}): "
                "kontrollera att katalogen går att skriva i, eller kör "
                "`styrhjul collectstatic` som en användare som får det"
            )

    # --- Serving -----------------------------------------------------------------
    @staticmethod
    def trusted_proxy(option: str | None) -> str | None:
        if option is not None:
            return option.strip() or None
        if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
            return "127.0.0.1"
        return None

    def serve(self, host: str, port: int, threads: int, trusted_proxy: str | None) -> None:
        if getattr(self, "workers", 1) > 1:
            self.serve_processes(host, port, threads, trusted_proxy)
            return
        from waitress.server import create_server

        # Built only now: WhiteNoise indexes STATIC_ROOT when the application loads.
        from styrhjul.wsgi import application

        proxy_options = {}
        if trusted_proxy:
            proxy_options = {
                "trusted_proxy": trusted_proxy,
                "trusted_proxy_headers": TRUSTED_PROXY_HEADERS,
            }
        connection.close()  # the request threads open their own connections
        try:
            server = create_server(
                application,
                host=host,
                port=port,
                threads=threads,
                ident="Styrhjul",
                **getattr(self, "limits", {}),
                **proxy_options,
            )
        except (OSError, ValueError) as exc:
            self.fail(f"kan inte lyssna på {host}:{port} ({_one_line(exc)})")
        # systemd and container runtimes stop services with SIGTERM: finish
        # the requests in progress and exit cleanly.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        server.print_listen("Styrhjul lyssnar på http://{}:{}")
        server.run()

    def serve_processes(
        self, host: str, port: int, threads: int, trusted_proxy: str | None
    ) -> None:
        """gunicorn with self.workers processes of `threads` threads each."""
        from styrhjul.web import wsgi_limits
        from styrhjul.web.gunicorn_server import StyrhjulServer

        # Built only now: WhiteNoise indexes STATIC_ROOT when the application loads.
        from styrhjul.wsgi import application

        application = wsgi_limits.limit_request_body(
            wsgi_limits.proxy_headers(application, trusted_proxy, TRUSTED_PROXY_HEADERS),
            self.limits["max_request_body_size"],
        )
        connections.close_all()  # each process opens its own connections
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        options = {
            "bind": [bind],
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": threads,
            # --connection-limit counts every process's connections together.
            "worker_connections": math.ceil(self.limits["connection_limit"] / self.workers),
            "keepalive": self.limits["channel_timeout"],
            # A process that stops answering its master for this long is replaced.
            "timeout": 120,
            "graceful_timeout": 30,
            "preload_app": True,
            # X-Forwarded-* are handled by the proxy-header middleware above,
            # from --trusted-proxy only, exactly as under waitress.
            "forwarded_allow_ips": "",
            "secure_scheme_headers": {},
            "proc_name": "styrhjul",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "when_ready": self.ready,
        }
        try:
            StyrhjulServer(application, options).run()
        except SystemExit as exc:
            if exc.code not in (0, None):
                self.fail(f"kan inte lyssna på {host}:{port} (se meddelandet ovan)")
            raise

    def ready(self, server) -> None:
        host, port = server.LISTENERS[0].sock.getsockname()[:2]
        self.stdout.write(
            f"Styrhjul lyssnar på http://{host}:{port} "
            f"({self.workers} processer med {server.cfg.threads} trådar var)"
        )
        self.stdout.flush()
