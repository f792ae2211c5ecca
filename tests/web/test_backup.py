"""`styrhjul backup` and `styrhjul restore`: an operator backs up the
database, people go on working, and a restore brings back exactly what the
backup held, in every table."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from styrhjul.organisation.models import Unit
from styrhjul.web import backup

from ..factories import GoalFactory, ReportingTaskFactory, UnitFactory

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)
ON_SQLITE = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's backup API needs SQLite"
)


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def run(*args, answer=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with mock.patch("builtins.input", side_effect=EOFError if answer is None else [answer]):
        try:
            call_command(*args, stdout=out, stderr=err)
            status = 0
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue(), err.getvalue()


def some_work(org):
    GoalFactory.create_batch(3)
    ReportingTaskFactory.create_batch(2)
    UnitFactory(name="Kulturnämnden", parent=org["kommun"])


def change_everything(org):
    """What happens after the backup: new rows, changed rows, deleted rows."""
    UnitFactory(name="Ny nämnd", parent=org["kommun"])
    Unit.objects.filter(pk=org["enhet_a1"].pk).update(name="Omdöpt")
    GoalFactory(title="Ett nytt mål")


def backup_change_restore(org, tmp_path: Path, file_name: str):
    some_work(org)
    before = every_row()
    assert sum(map(len, before.values())) > 50
    target = tmp_path / file_name
    status, out, err = run("backup", str(target))
    assert (status, err) == (0, "")
    assert "Säkerhetskopierade" in out and target.stat().st_size > 0

    change_everything(org)
    changed = every_row()
    assert changed != before

    status, out, err = run("restore", str(target), "--yes")
    assert (status, err) == (0, "")
    assert "Återställde" in out
    after = every_row()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


@ON_SQLITE
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_change_restore_gives_back_every_row(org, tmp_path):
    backup_change_restore(org, tmp_path, "styrhjul.sqlite3")


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_change_restore_gives_back_every_row(org, tmp_path):
    backup_change_restore(org, tmp_path, "styrhjul.dump")


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_postgresql_restore_drops_tables_the_backup_did_not_have(org, tmp_path):
    # As after an upgrade whose migrations made a new table: the restored
    # database is the backup, so the migrations can run again.
    target = tmp_path / "styrhjul.dump"
    assert run("backup", str(target))[0] == 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE web_from_a_newer_version (id integer)")
    assert run("restore", str(target), "--yes")[0] == 0
    with connection.cursor() as cursor:
        assert "web_from_a_newer_version" not in connection.introspection.table_names(cursor)


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_changes_nothing_unless_told_yes(org, tmp_path):
    target = tmp_path / "kopia"
    assert run("backup", str(target))[0] == 0
    UnitFactory(name="Ny nämnd", parent=org["kommun"])
    changed = every_row()

    status, out, err = run("restore", str(target), answer="nej")
    assert "ersätts med innehållet i" in out
    assert status == 2
    assert err.strip() == "styrhjul: återställningen avbröts; databasen är oförändrad"
    assert every_row() == changed

    # No terminal to answer (cron, a script): no restore.
    assert run("restore", str(target))[0] == 2
    assert every_row() == changed

    assert run("restore", str(target), answer="ja")[0] == 0
    assert Unit.objects.filter(name="Ny nämnd").count() == 0


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path):
    other = {"sqlite": "PostgreSQL", "postgresql": "SQLite"}[connection.vendor]
    dump = tmp_path / "kopia"
    if other == "PostgreSQL":
        dump.write_bytes(backup.PG_MAGIC + b"\x01\x0e\x00" + b"\x00" * 100)
    else:
        dump.write_bytes(backup.SQLITE_MAGIC + b"\x00" * 100)
    status, _, err = run("restore", str(dump), "--yes")
    assert status == 2
    assert err.startswith(f"styrhjul: {dump} är en säkerhetskopia av en {other}-databas")
    assert "återställ den till en databas av samma slag" in err


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    text = tmp_path / "anteckningar.txt"
    text.write_text("inte en databas")
    status, _, err = run("restore", str(text), "--yes")
    assert status == 2
    assert "är ingen säkerhetskopia från styrhjul backup" in err
    status, _, err = run("restore", str(tmp_path / "saknas.dump"), "--yes")
    assert (status, err.strip()) == (2, f"styrhjul: filen {tmp_path / 'saknas.dump'} finns inte")


@ON_SQLITE
@pytest.mark.django_db
def test_restore_refuses_an_sqlite_database_that_is_not_styrhjuls(tmp_path):
    import sqlite3

    other = tmp_path / "annan.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE kontakter (namn text)")
    status, _, err = run("restore", str(other), "--yes")
    assert (status, err.strip()) == (
        2,
        f"styrhjul: {other} är ingen säkerhetskopia av en Styrhjul-databas",
    )


@ON_POSTGRESQL
@pytest.mark.django_db
def test_without_the_postgresql_programs_backup_says_what_to_install(tmp_path):
    with mock.patch("styrhjul.web.backup.shutil.which", return_value=None):
        status, _, err = run("backup", str(tmp_path / "kopia.dump"))
    assert status == 2
    assert err.startswith("styrhjul: programmet pg_dump finns inte: installera PostgreSQL")
    assert not (tmp_path / "kopia.dump").exists()
    assert list(tmp_path.iterdir()) == []  # no half-written file left behind


def test_backup_into_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(backup.BackupError, match="katalogen .* finns inte"):
        backup.backup(tmp_path / "finns-inte" / "kopia")
