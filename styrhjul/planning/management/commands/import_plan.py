"""`styrhjul import-plan FILE.xlsx --unit KOD --year ÅR --plan-type TYP [--user USER]
[--dry-run] [--archive-missing] [--occasion NAMN]`: import a plan from Excel, all or
nothing; --occasion names the follow-up that reported results on rows without
an Uppföljning belong to.

The file format is described in docs/import-plan.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrhjul.core.importing import ImportRejected, read_command_file
from styrhjul.organisation import access
from styrhjul.planning.excel import import_file
from styrhjul.planning.excel.lookup import (
    NotFound,
    occasion_by_name,
    plan_type_by_name,
    unit_by_code,
    user_by_name,
)


class Command(BaseCommand):
    help = (
        "Importerar en enhets plan (mål, nyckeltal, aktiviteter, särskilda uppdrag, "
        "kontrollpunkter) från en Excel-arbetsbok. Allt eller inget: finns ett enda fel i "
        "filen sparas ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel-arbetsbok (.xlsx).")
        parser.add_argument("--unit", required=True, metavar="KOD", help="Enhetens kod.")
        parser.add_argument("--year", required=True, type=int, metavar="ÅR", help="Planens år.")
        parser.add_argument(
            "--plan-type",
            required=True,
            metavar="TYP",
            help=(
                "Plantypens namn, t.ex. Verksamhetsplan (stora och små bokstäver spelar "
                "ingen roll)."
            ),
        )
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help=(
                "Importera som den här användaren, med hans eller hennes behörigheter. "
                "Utan --user körs importen som systemet, som får göra allt."
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera bara filen; spara ingenting."
        )
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help=(
                "Arkivera planens poster som inte står i filen (bara för posttyper som har "
                "ett blad i filen)."
            ),
        )

        parser.add_argument(
            "--occasion",
            metavar="NAMN",
            help=(
                "Uppföljningen som resultaten i filen (t.ex. Status och Kommentar på bladet "
                "Aktiviteter, Bedömning och Analys på bladet Mål, Bedömning och Resultat av "
                "kontroll på bladet Kontrollpunkter) hör till, för rader utan värde i "
                "kolumnen Uppföljning, t.ex. ”Delårsrapport 2025”."
            ),
        )

    def handle(
        self,
        *args,
        file: str,
        unit: str,
        year: int,
        plan_type: str,
        user: str | None,
        dry_run: bool,
        archive_missing: bool,
        occasion: str | None = None,
        **options,
    ):
        try:
            actor = user_by_name(user) if user else access.SYSTEM
            unit_obj = unit_by_code(unit)
            plan_type_obj = plan_type_by_name(unit_obj, year, plan_type)
            occasion_obj = occasion_by_name(plan_type_obj, occasion) if occasion else None
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        path = Path(file)
        data = read_command_file(file)
        try:
            result = import_file(
                actor=actor,
                unit=unit_obj,
                plan_type=plan_type_obj,
                data=data,
                filename=path.name,
                dry_run=dry_run,
                archive_missing=archive_missing,
                occasion=occasion_obj,
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name} importerades inte: {len(exc.errors)} fel. Ingenting har sparats."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
