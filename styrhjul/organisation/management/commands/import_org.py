"""`styrhjul import-org FILE [--user USER] [--dry-run]`: import the
organisation tree from a CSV or Excel file, all or nothing.

The file format is described in docs/import-organisation.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrhjul.core.importing import ImportRejected, read_command_file
from styrhjul.organisation import access
from styrhjul.organisation.importer import import_file
from styrhjul.organisation.queries import active_user_by_name


class Command(BaseCommand):
    help = (
        "Importerar organisationsträdet (enheter och chefer) från en CSV- eller Excel-fil. "
        "Allt eller inget: finns ett enda fel i filen sparas ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV-fil (.csv) eller Excel-arbetsbok (.xlsx).")
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help=(
                "Importera som den här användaren, med hans eller hennes behörigheter. "
                "Utan --user körs importen som systemet, som får göra allt."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Kontrollera bara filen; spara ingenting.",
        )

    def handle(self, *args, file: str, user: str | None, dry_run: bool, **options):
        try:
            actor = active_user_by_name(user) if user else access.SYSTEM
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        path = Path(file)
        data = read_command_file(file)
        try:
            result = import_file(actor=actor, data=data, filename=path.name, dry_run=dry_run)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name} importerades inte: {len(exc.errors)} fel. Ingenting har sparats."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
