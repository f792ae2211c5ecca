"""How Styrhjul connects to PostgreSQL unless DATABASE_URL says otherwise: no
JIT compilation (docs/prestanda.md) and a 10 s connect timeout, so a database
host that drops packets gives the 503 page instead of a request that hangs
for minutes (docs/drift.md)."""

import json
import os
import subprocess
import sys


def options_for(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "styrhjul.settings"
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_postgresql_without_options_gets_no_jit_and_a_connect_timeout():
    options = options_for("postgres://styrhjul@db.example:5432/styrhjul")
    assert options["options"] == "-c jit=off"
    assert int(options["connect_timeout"]) == 10


def test_options_in_the_database_url_win():
    options = options_for("postgres://styrhjul@db.example:5432/styrhjul?connect_timeout=3")
    assert int(options["connect_timeout"]) == 3


def test_sqlite_gets_neither():
    options = options_for("sqlite:////tmp/styrhjul-options.sqlite3")
    assert "connect_timeout" not in options and "options" not in options
