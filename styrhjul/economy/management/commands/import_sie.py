"""`styrhjul import-sie FIL [--dry-run] [--organisation KOD] [--user USER]`:
import a SIE file from the ledger, all or nothing (docs/ekonomi.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrhjul.core.importing import ImportRejected, read_command_file
from styrhjul.economy.importing import import_sie
from styrhjul.economy.ratios import after_import
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import active_user_by_name


def organisation_by_code(code: str | None) -> Unit:
    """The organisation (a root unit) by its code; without a code the only one."""
    roots = Unit.objects.filter(parent__isnull=True)
    if code:
        found = roots.filter(code=code).first()
        if found is None:
            known = ", ".join(roots.values_list("code", flat=True)) or "inga"
            raise CommandError(f"Det finns ingen organisation med koden {code} (finns: {known}).")
        return found
    found = list(roots[:2])
    if len(found) != 1:
        raise CommandError(
            "Ange organisationen med --organisation KOD."
            if found
            else "Det finns ingen organisation; skapa eller importera organisationen först."
        )
    return found[0]


class Command(BaseCommand):
    help = (
        "Importerar en SIE-fil (typ 1–4) från ekonomisystemet: konton, dimensioner och objekt, "
        "utfall per månad (#PSALDO), budget (#PBUDGET) och årets saldon. Allt eller inget: "
        "finns ett enda fel i filen sparas ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FIL", help="SIE-filen (.se, .si).")
        parser.add_argument(
            "--organisation",
            metavar="KOD",
            help="Organisationens kod (den översta enheten). Behövs när det finns flera.",
        )
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help="Importera som den här användaren. Utan --user körs importen som systemet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera bara filen; spara ingenting."
        )

    def handle(self, *args, file: str, organisation, user, dry_run: bool, **options):
        try:
            actor = active_user_by_name(user) if user else access.SYSTEM
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        org = organisation_by_code(organisation)
        path = Path(file)
        data = read_command_file(file)
        if not access.may_manage_economy(actor, org):
            raise CommandError(f"{actor} får inte importera ekonomi för {org}.")
        try:
            result = import_sie(
                actor=actor, organisation=org, data=data, filename=path.name, dry_run=dry_run
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name} importerades inte: {len(exc.errors)} fel. Ingenting har sparats."
            ) from None
        changed = after_import(result, organisation=org, actor=actor)
        self.stdout.write(self.style.SUCCESS(result.text()))
        if changed:
            self.stdout.write(f"Finansiella nyckeltal: {changed} utfall beräknade ur bokföringen.")
