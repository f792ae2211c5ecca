"""`styrhjul restore FIL`: replace the whole database with a backup made by
`styrhjul backup` (web/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from styrhjul.web import backup

EXIT_FAILED = 2


class Command(BaseCommand):
    help = (
        "Återställer databasen från en säkerhetskopia gjord med styrhjul backup. Allt som "
        "finns i databasen nu ersätts. Stoppa servern och arbetaren först."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FIL", help="säkerhetskopian")
        parser.add_argument("--yes", action="store_true", help="fråga inte innan databasen ersätts")

    def fail(self, message: str):
        self.stderr.write(f"styrhjul: {message}")
        raise SystemExit(EXIT_FAILED)

    def handle(self, *args, file, yes, **options):
        path = Path(file)
        try:
            backup.check_restorable(path)
        except backup.BackupError as exc:
            self.fail(str(exc))
        if not yes and not self.confirmed(path):
            self.fail("återställningen avbröts; databasen är oförändrad")
        try:
            backup.restore(path)
        except backup.BackupError as exc:
            self.fail(str(exc))
        if options["verbosity"]:
            self.stdout.write(f"Återställde {backup.database_name()} från {file}.")
            self.stdout.write(
                "Kör styrhjul migrate om kopian är från en äldre version, och starta sedan "
                "servern och arbetaren."
            )

    def confirmed(self, path: Path) -> bool:
        self.stdout.write(
            f"Allt i {backup.database_name()} ersätts med innehållet i {path}. "
            "Stoppa servern och arbetaren först."
        )
        try:
            answer = input("Skriv ja för att fortsätta: ")
        except EOFError:
            return False
        return answer.strip().lower() == "ja"
