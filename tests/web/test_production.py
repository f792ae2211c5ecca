"""Production readiness: the `styrhjul` command as an operator runs it, in a
subprocess with the environment variables of a real installation, and the
production server `styrhjul serve` answering real HTTP requests."""

import contextlib
import http.client
import json
import os
import queue
import re
import secrets
import signal
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

STYRHJUL = Path(sys.executable).parent / "styrhjul"
# Only what a process needs to run; nothing of the test run's own settings
# (DJANGO_SETTINGS_MODULE, STYRHJUL_TESTING) leaks into the subprocess.
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env.update(
        STYRHJUL_ENV_FILE="",  # never the developer's var/styrhjul.env
        STYRHJUL_DATA_DIR=str(tmp_path),  # the SQLite database and static files
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(variables)
    return env


def production(tmp_path: Path, **variables: str) -> dict[str, str]:
    return environment(
        tmp_path,
        **{
            "DEBUG": "0",
            "SECRET_KEY": secret_key(),
            "ALLOWED_HOSTS": "styrhjul.example.se",
            **variables,
        },
    )


# How long a command or a server start may take before the test gives up: a
# guard against hanging, not a speed check (speed is `make bench`'s), so it
# allows for migrations and collectstatic on a machine busy with other work
# (a fresh database takes over two minutes when both suites run at once).
PATIENCE = 300


def styrhjul(env: dict[str, str], *args: str, cwd: Path | None = None, timeout: float = PATIENCE):
    return subprocess.run(
        [str(STYRHJUL), *args],
        env=env,
        cwd=cwd or env["STYRHJUL_DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result, starts_with: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(starts_with), lines[0]
    return lines[0]


def settings_in(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"values = {{n: getattr(settings, n, None) for n in {list(names)!r}}}; "
        "print(json.dumps(values, default=str))"
    )
    result = styrhjul(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Configuration errors: one line, exit status 2 ---------------------------------------


@pytest.mark.parametrize(
    "url, message",
    [
        ("garbage", "DATABASE_URL går inte att tolka"),
        ("mysql://styrhjul:hemligt@db.example.se/styrhjul", "DATABASE_URL måste peka på"),
        ("postgres://styrhjul@127.0.0.1:5432", "DATABASE_URL saknar databasnamn"),
        ("postgres://styrhjul@127.0.0.1:5432/", "DATABASE_URL saknar databasnamn"),
    ],
)
def test_a_bad_database_url_is_one_line(tmp_path, url, message):
    result = styrhjul(environment(tmp_path, DEBUG="1", DATABASE_URL=url), "check")
    line = assert_one_line_error(result, "styrhjul: konfigurationsfel: " + message)
    assert "hemligt" not in line
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["migrate", "--no-input"], ["serve"]])
def test_a_database_that_does_not_answer_is_one_line(tmp_path, command):
    env = production(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/styrhjul")
    line = assert_one_line_error(styrhjul(env, *command), "styrhjul: databasen svarar inte")
    assert "127.0.0.1" in line  # the driver's reason is kept


def test_a_missing_data_directory_is_created_for_sqlite(tmp_path):
    env = environment(tmp_path, DEBUG="1", STYRHJUL_DATA_DIR=str(tmp_path / "ny" / "data"))
    # Any command that opens the database creates it (`serve --migrate`
    # below migrates one: that takes the better part of a minute).
    result = styrhjul(env, "showmigrations", "organisation", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[ ] 0001_initial" in result.stdout
    assert (tmp_path / "ny" / "data" / "styrhjul.sqlite3").is_file()


def test_commands_before_migrate_say_so_in_one_line(tmp_path):
    env = environment(tmp_path, DEBUG="1")
    result = styrhjul(env, "createsuperuser", "--no-input", "--username", "a", "--email", "a@b.se")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "styrhjul: databasen saknar tabeller (no such table: organisation_user): "
        "kör styrhjul migrate"
    )


def test_without_secret_key_and_debug_off_check_fails_in_one_line(tmp_path):
    result = styrhjul(environment(tmp_path), "check")
    assert_one_line_error(result, "styrhjul: konfigurationsfel: SECRET_KEY måste sättas")


def test_a_bad_boolean_is_one_line(tmp_path):
    result = styrhjul(environment(tmp_path, DEBUG="kanske"), "check")
    assert_one_line_error(result, "styrhjul: konfigurationsfel: DEBUG ska vara 1 eller 0")


def test_a_bad_number_is_one_line(tmp_path):
    result = styrhjul(environment(tmp_path, DEBUG="1", SESSION_COOKIE_AGE="8h"), "check")
    assert_one_line_error(
        result, "styrhjul: konfigurationsfel: SESSION_COOKIE_AGE ska vara ett heltal"
    )


def test_settings_option_is_honoured_from_a_source_checkout(tmp_path):
    # `make test` runs `styrhjul makemigrations --settings=tests.settings`.
    project = Path(__file__).resolve().parents[2]
    result = styrhjul(environment(tmp_path), "check", "--settings=tests.settings", cwd=project)
    assert result.returncode == 0, result.stderr
    result = styrhjul(environment(tmp_path), "check", "--settings", "finns.inte", cwd=project)
    assert_one_line_error(result, "styrhjul: konfigurationsfel: inställningsmodulen finns.inte")


# --- Production settings ---------------------------------------------------------------------


def test_deploy_check_is_clean(tmp_path):
    result = styrhjul(production(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings(tmp_path):
    values = settings_in(
        production(tmp_path, STYRHJUL_DEMO="1"),
        "DEBUG",
        "DEMO_MODE",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "STORAGES",
        "PASSWORD_HASHERS",
    )
    assert values["DEBUG"] is False
    assert values["DEMO_MODE"] is False  # STYRHJUL_DEMO=1 is ignored without DEBUG
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # SecurityMiddleware matches the path without its leading slash.
    assert any(re.search(p, "healthz") for p in values["SECURE_REDIRECT_EXEMPT"])
    assert any(re.search(p, "readyz") for p in values["SECURE_REDIRECT_EXEMPT"])
    assert not any(re.search(p, "organisation/healthz") for p in values["SECURE_REDIRECT_EXEMPT"])
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def test_demo_mode_needs_debug(tmp_path):
    assert settings_in(environment(tmp_path, DEBUG="1", STYRHJUL_DEMO="1"), "DEMO_MODE") == {
        "DEMO_MODE": True
    }
    env_file = tmp_path / "styrhjul.env"
    env_file.write_text(f"DEBUG=0\nSTYRHJUL_DEMO=1\nSECRET_KEY={secret_key()}\n")
    assert settings_in(environment(tmp_path, STYRHJUL_ENV_FILE=str(env_file)), "DEMO_MODE") == {
        "DEMO_MODE": False
    }


# --- styrhjul serve ---------------------------------------------------------------------------


def test_serve_warns_about_unapplied_migrations(tmp_path):
    # An address that cannot be bound stops the server right after its checks.
    env = production(tmp_path)
    result = styrhjul(env, "serve", "--host", "256.0.0.1", "--no-collectstatic")
    lines = result.stderr.splitlines()
    assert result.returncode == 2
    assert lines[0].startswith("styrhjul: varning: ")
    assert "databasmigreringar är inte körda" in lines[0]
    assert lines[-1].startswith("styrhjul: kan inte lyssna på 256.0.0.1:8000")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "static").exists()  # --no-collectstatic


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "80000"], "styrhjul: porten ska vara mellan 0 och 65535 (fick 80000)"),
        (["--port", "http"], "styrhjul: porten ska vara ett heltal (fick 'http')"),
        (["--threads", "0"], "styrhjul: --threads ska vara minst 1"),
        (["--workers", "0"], "styrhjul: --workers ska vara minst 1"),
        (["--max-request-mb", "0"], "styrhjul: --max-request-mb ska vara minst 1"),
    ],
)
def test_serve_explains_bad_options(tmp_path, args, message):
    result = styrhjul(environment(tmp_path, DEBUG="1"), "serve", *args)
    assert_one_line_error(result, message)


def test_serve_refuses_to_start_without_allowed_hosts(tmp_path):
    result = styrhjul(production(tmp_path, ALLOWED_HOSTS=""), "serve")
    assert_one_line_error(result, "styrhjul: ALLOWED_HOSTS är tom")


class Server:
    def __init__(self, process: subprocess.Popen, lines: queue.Queue):
        self.process = process
        self.lines = lines
        self.output: list[str] = []
        self.host, self.port = self._wait_for_address()

    def _wait_for_address(self) -> tuple[str, int]:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            match = re.search(r"Styrhjul lyssnar på http://([\d.]+):(\d+)", line)
            if match:
                return match[1], int(match[2])
        self.process.kill()
        self.process.wait()
        pytest.fail("styrhjul serve started no server:\n" + "".join(self.output))

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
        connection.request("GET", path, headers={"Host": "styrhjul.example.se", **headers})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


def start_server(env: dict[str, str], *args: str) -> Server:
    process = subprocess.Popen(
        [str(STYRHJUL), "serve", "--port", "0", *args],
        env={**env, "PYTHONUNBUFFERED": "1"},
        cwd=env["STYRHJUL_DATA_DIR"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return Server(process, lines)


def stop_server(server: Server) -> int:
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        raise


@contextlib.contextmanager
def running(env: dict[str, str], *args: str):
    server = start_server(env, *args)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            stop_server(server)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One production server for the module: DEBUG off, SQLite, migrated by
    --migrate, static files collected on start."""
    tmp_path = tmp_path_factory.mktemp("serve")
    with running(production(tmp_path), "--migrate") as server:
        server.data_dir = tmp_path
        yield server


def test_serve_migrates_and_collects_static_files(server):
    log = "".join(server.output)
    assert "Samlar statiska filer" in log
    assert "varning" not in log
    manifest = json.loads((server.data_dir / "static" / "staticfiles.json").read_text())
    assert "styrhjul/styrhjul.css" in manifest["paths"]


def test_serve_answers_healthz_over_plain_http(server):
    # A load balancer's health check is never redirected to https.
    response = server.get("/healthz")
    assert response.status == 200
    assert response.body == b"ok\n"


def test_serve_redirects_to_https_unless_the_proxy_says_https(server):
    response = server.get("/")
    assert response.status == 301
    assert response.getheader("Location") == "https://styrhjul.example.se/"
    # Through the proxy (127.0.0.1, trusted by default under BEHIND_PROXY).
    response = server.get("/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 302
    assert response.getheader("Location").startswith("/konto/logga-in/")
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")


def test_serve_shows_the_login_page_without_demo_users(server):
    response = server.get("/konto/logga-in/", **{"X-Forwarded-Proto": "https"})
    body = response.body.decode()
    assert response.status == 200
    assert "Logga in i Styrhjul" in body
    assert "Demoanvändare" not in body
    css = re.search(r'href="(/static/styrhjul/styrhjul\.[0-9a-f]{12}\.css)"', body)
    assert css, "the page links the hashed (manifest) CSS file"
    response = server.get(css[1], **{"X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert "immutable" in response.getheader("Cache-Control")


def test_serve_refuses_a_too_large_request_before_reading_it(server):
    # Anyone, logged in or not, could otherwise make the server write a
    # gigabyte to disk before the application refuses it.
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.putrequest("POST", "/konto/logga-in/")
    connection.putheader("Host", "styrhjul.example.se")
    connection.putheader("Content-Type", "application/octet-stream")
    connection.putheader("Content-Length", str(65 * 1024 * 1024))
    connection.endheaders()
    connection.send(b"x" * 1024)
    response = connection.getresponse()
    connection.close()
    assert response.status == 413


def test_serve_rejects_unknown_host_names(server):
    response = server.get("/konto/logga-in/", Host="elak.example.com")
    assert response.status == 400
    # The health check answers whatever the Host, for load balancers.
    assert server.get("/healthz", Host="10.1.2.3").status == 200


def test_serve_stops_cleanly_and_starts_again_without_collecting(server):
    # A second start on the data directory the module's server migrated and
    # collected the static files into (test_serve_migrates_and_collects_static_files).
    # No trusted proxy this time: nobody can claim https with a header.
    with running(production(server.data_dir, STYRHJUL_TRUSTED_PROXY="")) as again:
        assert again.get("/healthz").status == 200
        assert again.get("/", **{"X-Forwarded-Proto": "https"}).status == 301
        log = "".join(again.output)
        assert "Samlar statiska filer" not in log
        assert "varning" not in log
        assert stop_server(again) == 0  # SIGTERM: a clean exit


# --- Several processes: styrhjul serve --workers N ------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts processes in /proc")
def test_serve_with_workers_runs_that_many_processes_with_the_same_limits(server):
    env = production(server.data_dir)
    with running(env, "--workers", "2", "--max-request-mb", "1") as several:
        log = "".join(several.output)
        assert "(2 processer med 8 trådar var)" in log
        deadline = time.monotonic() + PATIENCE  # the processes start one after another
        while len(children(several.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        assert len(children(several.process.pid)) == 2
        assert several.get("/healthz").body == b"ok\n"
        # The same proxy rules as one process: X-Forwarded-Proto from the
        # trusted proxy (127.0.0.1 under BEHIND_PROXY) only.
        assert several.get("/").status == 301
        page = several.get("/konto/logga-in/", **{"X-Forwarded-Proto": "https"})
        assert page.status == 200 and "Logga in i Styrhjul" in page.body.decode()

        # A body over --max-request-mb is refused before it is read, whether
        # its length is given or it comes in chunks.
        connection = http.client.HTTPConnection(several.host, several.port, timeout=5)
        connection.putrequest("POST", "/konto/logga-in/", skip_host=True)
        connection.putheader("Host", "styrhjul.example.se")
        connection.putheader("Content-Length", str(2 * 1024 * 1024))
        connection.endheaders()
        connection.send(b"x" * 1024)
        assert connection.getresponse().status == 413
        connection.close()
        connection = http.client.HTTPConnection(several.host, several.port, timeout=5)
        chunks = (b"x" * 65536 for _ in range(20))  # 1.25 MB
        connection.request(
            "POST",
            "/konto/logga-in/",
            body=chunks,
            headers={"Host": "styrhjul.example.se", "Transfer-Encoding": "chunked"},
            encode_chunked=True,
        )
        assert connection.getresponse().status == 413
        connection.close()
        assert stop_server(several) == 0  # SIGTERM: every process ends cleanly


def test_serve_with_workers_trusts_no_proxy_unless_told(server):
    env = production(server.data_dir, STYRHJUL_TRUSTED_PROXY="")
    with running(env, "--workers", "2") as several:
        assert several.get("/", **{"X-Forwarded-Proto": "https"}).status == 301


def test_the_default_cache_is_the_database_shared_by_every_process(server):
    # E.g. the limit on password reset e-mails must count across processes.
    # The server's database, migrated by `serve --migrate`, has the table.
    env = production(server.data_dir)
    assert settings_in(env, "CACHES")["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")
    put = "from django.core.cache import cache; cache.set('prov', 'delad', 60)"
    assert styrhjul(env, "shell", "-c", put).returncode == 0
    get = "from django.core.cache import cache; print(cache.get('prov'))"
    result = styrhjul(env, "shell", "-c", get)
    assert result.stdout.strip().splitlines()[-1] == "delad"


def test_a_bad_cache_url_is_one_line(tmp_path):
    result = styrhjul(environment(tmp_path, DEBUG="1", CACHE_URL="memcached://x"), "check")
    assert_one_line_error(result, "styrhjul: konfigurationsfel: CACHE_URL ska vara tom")
    env = environment(tmp_path, DEBUG="1", CACHE_URL="redis://cache.example.se:6379/0")
    assert settings_in(env, "CACHES")["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example.se:6379/0",
    }


# --- Deciding whether to collect static files ---------------------------------------------------


@pytest.fixture
def static_root(tmp_path):
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=tmp_path,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    ):
        yield tmp_path


def stale() -> bool:
    from styrhjul.web.management.commands.serve import Command

    return Command().static_files_stale()


def test_static_files_are_stale_without_a_manifest(static_root):
    assert stale()
    call_command("collectstatic", interactive=False, verbosity=0)
    assert not stale()


def test_static_files_are_stale_when_an_app_ships_a_newer_or_new_file(static_root):
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = static_root / "staticfiles.json"
    old = time.time() - 10 * 365 * 86400
    os.utime(manifest, (old, old))  # as if every installed file were newer
    assert stale()
    call_command("collectstatic", interactive=False, verbosity=0)
    data = json.loads(manifest.read_text())
    del data["paths"]["styrhjul/styrhjul.css"]  # as if the file were new in this version
    manifest.write_text(json.dumps(data))
    assert stale()


def test_static_files_are_never_stale_in_debug(static_root):
    with override_settings(DEBUG=True):
        assert not stale()
