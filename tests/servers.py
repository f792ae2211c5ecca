"""Real `styrhjul serve` processes for tests that need several processes or a
database that goes away: the test's own database handed to a subprocess,
production settings over plain http on 127.0.0.1, and a started server."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from styrhjul.demo import load
from styrhjul.web.backup import sqlite_copy

KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


@functools.cache
def static_root() -> str:
    """One STATIC_ROOT for every server this test process starts: the first
    collects the static files, the others find them there."""
    path = tempfile.mkdtemp(prefix="styrhjul-static-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def keep_migrated_sqlite() -> None:
    """On SQLite, keep a copy of the test database as the migrations have
    just made it, before any test writes to it (tests/conftest.py calls this
    once the test database is set up): `migrated_sqlite` copies it instead
    of migrating one of its own."""
    if connection.vendor != "sqlite":
        return
    directory = Path(tempfile.mkdtemp(prefix="styrhjul-migrated-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "styrhjul.sqlite3"
    sqlite_copy(path)
    _kept.append(path)


_kept: list[Path] = []


@functools.cache
def _migrated_template() -> Path:
    """A SQLite database as `styrhjul migrate` leaves it: the test
    database's copy on SQLite, else migrated in a process of its own once
    per test process (migrating takes the better part of a minute;
    `serve --migrate` has a test of its own)."""
    if _kept:
        return _kept[0]
    directory = Path(tempfile.mkdtemp(prefix="styrhjul-migrated-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env.update(STYRHJUL_ENV_FILE="", STYRHJUL_DATA_DIR=str(directory), DEBUG="1")
    subprocess.run(
        [*load.styrhjul_command(), "migrate", "--no-input"],
        env=env,
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    return directory / "styrhjul.sqlite3"


def migrated_sqlite(directory: Path) -> Path:
    """A migrated, empty SQLite database as `styrhjul migrate` leaves it, at
    the place a data directory keeps it (`directory`/styrhjul.sqlite3)."""
    target = directory / "styrhjul.sqlite3"
    source = sqlite3.connect(_migrated_template())
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


def password_hash(password: str) -> str:
    """A hash the server's production settings check (the suite's own
    settings hash with MD5 for speed, which production does not accept)."""
    from django.contrib.auth.hashers import make_password

    return make_password(password, hasher="argon2")


def database_url_for_subprocess(tmp_path: Path, port: int | None = None) -> str:
    """A DATABASE_URL for a subprocess that sees what the test wrote: the
    test's PostgreSQL database (committed: use transactional tests), or, on
    SQLite, a copy of the in-memory test database made now with SQLite's
    backup. `port`: reach PostgreSQL through that port (a proxy) instead."""
    if connection.vendor == "sqlite":
        path = tmp_path / "styrhjul.sqlite3"
        sqlite_copy(path)
        return f"sqlite:///{path}"
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}{host}:{port or db.get('PORT') or 5432}/{quote(db['NAME'])}"


def production_env(tmp_path: Path, database_url: str, **variables: str) -> dict[str, str]:
    """DEBUG off, the given database, plain http on 127.0.0.1 (no https
    redirect, cookies without Secure) and nothing of the test run's settings."""
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env.update(
        STYRHJUL_ENV_FILE="",
        STYRHJUL_DATA_DIR=str(tmp_path),
        STATIC_ROOT=static_root(),
        PYTHONDONTWRITEBYTECODE="1",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
    )
    env.update(variables)
    return env


@contextlib.contextmanager
def serving(env: dict[str, str], workers: int = 1):
    """`styrhjul serve` on 127.0.0.1 and a free port; yields (process, base URL)."""
    server, base_url = load.start_server(env, workers)
    try:
        yield server, base_url
    finally:
        server.stop(30)
