"""`styrhjul backup FIL`: a backup of the whole database (web/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from styrhjul.web import backup

EXIT_FAILED = 2


class Command(BaseCommand):
    help = (
        "Skriver en säkerhetskopia av hela databasen till FIL: för PostgreSQL en dump i "
        "pg_dumps custom-format, för SQLite en kopia gjord med SQLites backup-funktion. "
        "Servern och arbetaren kan köra under tiden."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", metavar="FIL", help="filen att skriva (ersätts när kopian är hel)"
        )

    def handle(self, *args, file, **options):
        try:
            size = backup.backup(Path(file))
        except backup.BackupError as exc:
            self.stderr.write(f"styrhjul: {exc}")
            raise SystemExit(EXIT_FAILED) from None
        if options["verbosity"]:
            self.stdout.write(
                f"Säkerhetskopierade {backup.database_name()} till {file} ({size:,} byte).".replace(
                    ",", " "
                )
            )
