"""Backup and restore of the whole database (`styrhjul backup`, `styrhjul
restore`, docs/drift.md#säkerhetskopior).

PostgreSQL: a dump in pg_dump's custom format, restored by pg_restore into
the configured database in one transaction (psql --single-transaction), so a
failed restore changes nothing. Tables that are in the database but not in the
dump (made by a newer version's migrations) are dropped in the same
transaction, so that the database is exactly the backup.

SQLite: SQLite's online backup API, which copies a consistent database while
the server and the worker keep running; restore copies the backup back over
the live database the same way.

Every failure is a BackupError with a Swedish message for one line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
KINDS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with a Swedish message."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"programmet {name} finns inte: installera PostgreSQL:s klientprogram "
            "(t.ex. paketet postgresql-client) i samma version som databasservern "
            "eller senare, och se till att det ligger i PATH"
        )
    return path


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """The environment that points libpq's programs at the configured
    database (the same translation as Django's `dbshell`)."""
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def kind_of(path: Path) -> str | None:
    """ "postgresql", "sqlite" or None (neither kind of backup)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"kan inte läsa {path} ({exc.strerror or exc})") from exc
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    return None


def database_name() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite-filen {connection.settings_dict['NAME']}"
    return f"PostgreSQL-databasen {connection.settings_dict['NAME']}"


# --- Backup ---------------------------------------------------------------------------------------


def backup(path: Path) -> int:
    """Write a backup of the configured database to `path` (replacing it
    only once the backup is whole); returns its size in bytes."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} är en katalog: ange ett filnamn, t.ex. {path}/styrhjul.dump")
    if not path.parent.is_dir():
        raise BackupError(f"katalogen {path.parent} finns inte")
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        if connection.vendor == "postgresql":
            _pg_backup(Path(partial))
        else:
            sqlite_copy(Path(partial))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path.stat().st_size


def _pg_backup(target: Path) -> None:
    pg_dump = _tool("pg_dump")
    result = subprocess.run(
        [pg_dump, "--format=custom", f"--file={target}"],
        env=_pg_env(connection.settings_dict),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump misslyckades: {_one_line(result.stderr)}")


def sqlite_copy(target: Path) -> None:
    """The SQLite database of this process's connection, as it sees it now,
    copied to `target` by SQLite's online backup."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


# --- Restore --------------------------------------------------------------------------------------


def check_restorable(path: Path) -> None:
    """Refuse a file that is not a backup for the configured kind of database."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"filen {path} finns inte")
    kind = kind_of(path)
    if kind is None:
        raise BackupError(
            f"{path} är ingen säkerhetskopia från styrhjul backup "
            "(varken en PostgreSQL-dump i custom-format eller en SQLite-databas)"
        )
    if kind != connection.vendor:
        raise BackupError(
            f"{path} är en säkerhetskopia av en {KINDS[kind]}-databas, men Styrhjul "
            f"använder {KINDS.get(connection.vendor, connection.vendor)} (DATABASE_URL): "
            "återställ den till en databas av samma slag"
        )


def restore(path: Path) -> None:
    """Replace everything in the configured database with the backup."""
    path = Path(path)
    check_restorable(path)
    if connection.vendor == "postgresql":
        _pg_restore(path)
    else:
        _sqlite_restore(path)


def _pg_tables_in_dump(pg_restore: str, path: Path, env: dict) -> set[str]:
    result = subprocess.run(
        [pg_restore, "--list", str(path)], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore kan inte läsa {path}: {_one_line(result.stderr)}")
    tables = set()
    for line in result.stdout.splitlines():
        # "215; 1259 16390 TABLE public organisation_unit styrhjul"
        parts = line.split()
        if ";" in line and not line.startswith(";") and len(parts) >= 6 and parts[3] == "TABLE":
            tables.add(parts[5])
    if "django_migrations" not in tables:
        raise BackupError(f"{path} är ingen säkerhetskopia av en Styrhjul-databas")
    return tables


def _pg_restore(path: Path) -> None:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    env = _pg_env(connection.settings_dict)
    in_dump = _pg_tables_in_dump(pg_restore, path, env)
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    connection.close()  # no lock of ours stands in the restore's way
    quote = connection.ops.quote_name
    extra = sorted(present - in_dump)
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as dump_errors:
        applier = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
        )
        reader = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-"]
            + [str(path)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=dump_errors,
        )
        try:
            for table in extra:
                applier.stdin.write(f"DROP TABLE IF EXISTS {quote(table)} CASCADE;\n".encode())
            shutil.copyfileobj(reader.stdout, applier.stdin, 1024 * 1024)
        except BrokenPipeError:
            pass  # psql stopped at an error: reported below
        finally:
            reader.stdout.close()
            try:
                applier.stdin.close()
            except BrokenPipeError:
                pass
            read_status, apply_status = reader.wait(), applier.wait()
        if read_status != 0:
            dump_errors.seek(0)
            message = _one_line(dump_errors.read().decode(errors="replace"))
            raise BackupError(f"pg_restore misslyckades, inget är ändrat: {message}")
        if apply_status != 0:
            psql_errors.seek(0)
            message = _one_line(psql_errors.read().decode(errors="replace"))
            raise BackupError(f"återställningen misslyckades, inget är ändrat: {message}")


def _sqlite_restore(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            found = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} går inte att läsa som SQLite-databas ({exc})") from exc
        if not found:
            raise BackupError(f"{path} är ingen säkerhetskopia av en Styrhjul-databas")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
