"""The `styrhjul` command: Django's management commands under one name.

Command names may be written with hyphens (`styrhjul load-demo`); they map to
the management command with underscores (`load_demo`).

Configuration errors and a database that does not answer are reported as one
line on standard error with exit status 2, never as a traceback.
"""

import os
import sys
from typing import NoReturn

EXIT_CONFIGURATION = 2


def _one_line(exc: BaseException) -> str:
    """The exception's message on one line (psycopg's messages span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _apply_default_options(argv: list[str]) -> None:
    """Honour --settings and --pythonpath before Django is set up, as
    django-admin does; we set Django up ourselves to report configuration
    errors as one line."""
    for index, arg in enumerate(argv[1:], 1):
        if arg == "--":
            break
        for option in ("--settings", "--pythonpath"):
            value = None
            if arg.startswith(option + "="):
                value = arg.partition("=")[2]
            elif arg == option and index + 1 < len(argv):
                value = argv[index + 1]
            if not value:
                continue
            if option == "--settings":
                os.environ["DJANGO_SETTINGS_MODULE"] = value
                # `styrhjul … --settings=tests.settings` from a source checkout.
                if os.getcwd() not in sys.path:
                    sys.path.append(os.getcwd())
            else:
                sys.path.insert(0, value)


def fail(message: str) -> NoReturn:
    print(f"styrhjul: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIGURATION)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "styrhjul"
    _apply_default_options(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrhjul.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        fail(f"konfigurationsfel: {_one_line(exc)}")
    except ModuleNotFoundError as exc:
        module = os.environ["DJANGO_SETTINGS_MODULE"]
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            fail(f"konfigurationsfel: inställningsmodulen {module} finns inte")
        raise
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(argv)
    except OperationalError as exc:
        if "no such table" in str(exc):  # SQLite before `styrhjul migrate`
            fail(f"databasen saknar tabeller ({_one_line(exc)}): kör styrhjul migrate")
        fail(f"databasen svarar inte: {_one_line(exc)}")
    except ImproperlyConfigured as exc:
        fail(f"konfigurationsfel: {_one_line(exc)}")


if __name__ == "__main__":
    main()
