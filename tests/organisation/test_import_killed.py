"""An import is one transaction: a process killed (kill -9) in the middle of
writing an organisation file leaves nothing of it in the database, and the
same file imports whole afterwards."""

import sqlite3
import subprocess
import sys
import time

import pytest

from tests.servers import migrated_sqlite
from tests.web.test_production import PATIENCE, environment, styrhjul

# Runs the real import command in a process of its own; the 11th unit it saves
# waits (the first ten are written, inside the import's transaction) after
# saying so in a file, so that the test kills the process right there.
IMPORTER = """
import os, sys, time, pathlib, django
django.setup()
from django.core.management import call_command
from styrhjul.organisation.models import Unit

marker = pathlib.Path(sys.argv[2])
original = Unit.save
saved = []

def save(self, *args, **kwargs):
    original(self, *args, **kwargs)
    saved.append(self.pk)
    if len(saved) == 10:
        marker.write_text(str(len(saved)))
        time.sleep(600)

Unit.save = save
call_command("import_org", sys.argv[1])
"""

HEADER = "Kod;Namn;Typ;Överordnad kod;Giltig från;Giltig till;Chef e-post"


def organisation_file(path):
    lines = [HEADER, "RK;Rasköpings kommun;Kommun;;2025-01-01;;chef@raskoping.se"]
    lines += [f"N{i:02d};Nämnd {i:02d};Nämnd;RK;2025-01-01;;" for i in range(40)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def counts(database) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "organisation_unit",
                "organisation_historicalunit",
                "organisation_user",
                "organisation_rolegrant",
            )
        }


def test_an_import_killed_while_writing_leaves_nothing_half_written(tmp_path):
    env = environment(tmp_path, DEBUG="1", DJANGO_SETTINGS_MODULE="styrhjul.settings")
    database = migrated_sqlite(tmp_path)
    before = counts(database)
    data = organisation_file(tmp_path / "organisation.csv")
    marker = tmp_path / "halfway"

    process = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(data), str(marker)],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + PATIENCE
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the import never got halfway:\n" + process.stdout.read().decode())
        time.sleep(0.1)
    assert marker.read_text() == "10"  # ten units written in the open transaction
    process.kill()  # SIGKILL: no cleanup, no rollback by the process itself
    process.wait(timeout=30)

    assert counts(database) == before  # nothing of the import is there

    result = styrhjul(env, "import-org", str(data))
    assert result.returncode == 0, result.stderr
    after = counts(database)
    assert after["organisation_unit"] == before["organisation_unit"] + 41
    assert after["organisation_rolegrant"] == before["organisation_rolegrant"] + 1
