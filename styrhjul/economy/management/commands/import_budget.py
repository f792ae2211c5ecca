"""`styrhjul import-budget FIL --organisation KOD --year ÅÅÅÅ --kind SLAG
[--decided-on ÅÅÅÅ-MM-DD] [--decided-by …] [--reason …] [--user …] [--dry-run]`:
import a filled budget template as a new budget version, all or nothing
(docs/ekonomi.md)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrhjul.core.importing import ImportRejected, read_command_file
from styrhjul.economy import queries
from styrhjul.economy.budget import import_budget
from styrhjul.economy.models import BudgetKind
from styrhjul.organisation import access
from styrhjul.organisation.queries import active_user_by_name

from .import_sie import organisation_by_code

KINDS = {
    "rambudget": BudgetKind.RAMBUDGET,
    "faststalld": BudgetKind.FASTSTALLD,
    "omfordelning": BudgetKind.OMFORDELNING,
}


def year_start_of(organisation, year: int) -> datetime.date:
    """The fiscal year that begins in `year` (from the ledger's years; 1
    January when the organisation has none yet)."""
    known = [y for y in queries.fiscal_years(organisation) if y.year == year]
    if known:
        return known[0]
    others = queries.fiscal_years(organisation)
    if others:
        return others[0].replace(year=year)
    return datetime.date(year, 1, 1)


class Command(BaseCommand):
    help = (
        "Importerar en ifylld budgetmall (.xlsx) som en ny budgetversion. Allt eller inget: "
        "finns ett enda fel i filen sparas ingenting. Tidigare versioner ändras aldrig."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FIL", help="Budgetmallen ifylld (.xlsx).")
        parser.add_argument(
            "--organisation",
            metavar="KOD",
            help="Organisationens kod (den översta enheten). Behövs när det finns flera.",
        )
        parser.add_argument(
            "--year", metavar="ÅÅÅÅ", type=int, required=True, help="Räkenskapsåret."
        )
        parser.add_argument(
            "--kind",
            choices=sorted(KINDS),
            required=True,
            help="Slag av budget: rambudget, faststalld eller omfordelning.",
        )
        parser.add_argument("--decided-on", metavar="ÅÅÅÅ-MM-DD", help="Beslutsdatum.")
        parser.add_argument("--decided-by", default="", help="Vem som beslutade.")
        parser.add_argument("--reason", default="", help="Motivering (krävs för omfördelning).")
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help="Importera som den här användaren. Utan --user körs importen som systemet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera bara filen; spara ingenting."
        )

    def handle(self, *args, file, organisation, year, kind, user, dry_run, **options):
        try:
            actor = active_user_by_name(user) if user else access.SYSTEM
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        org = organisation_by_code(organisation)
        decided_on = None
        if options["decided_on"]:
            try:
                decided_on = datetime.date.fromisoformat(options["decided_on"])
            except ValueError:
                raise CommandError("Skriv beslutsdatumet som ÅÅÅÅ-MM-DD.") from None
        path = Path(file)
        data = read_command_file(file)
        if not access.may_manage_economy(actor, org):
            raise CommandError(f"{actor} får inte importera budget för {org}.")
        try:
            result = import_budget(
                actor=actor,
                organisation=org,
                year_start=year_start_of(org, year),
                kind=KINDS[kind],
                data=data,
                filename=path.name,
                decided_on=decided_on,
                decided_by=options["decided_by"],
                reason=options["reason"],
                dry_run=dry_run,
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name} importerades inte: {len(exc.errors)} fel. Ingenting har sparats."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.text()))
