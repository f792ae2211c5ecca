"""`styrhjul export-plan --unit KOD --year ÅR [--plan-type TYP] -o FIL.xlsx [--user USER]`:
write a unit's plan to Excel, in the format `styrhjul import-plan` reads.

Without --plan-type every plan the unit has that year is written, one file
per plan type, named after -o with the plan type added
(plan.xlsx → plan-verksamhetsplan.xlsx, plan-aktivitetsplan.xlsx …), so that
each file can be imported again as it is.

With --occasion NAMN every sheet also has its result columns with the unit's
results at that follow-up (Status and Kommentar on Aktiviteter, Bedömning and
Analys on Mål, Bedömning, Resultat av kontroll, Åtgärd … on Kontrollpunkter,
and Uppföljning), so they too come back with import-plan. Without --plan-type,
the results are written for the plan types the occasion follows up."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from styrhjul.organisation import access
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.excel.lookup import (
    NotFound,
    occasion_by_name,
    plan_type_by_name,
    plan_types_for,
    unit_by_code,
    user_by_name,
)
from styrhjul.planning.models import Plan


class Command(BaseCommand):
    help = (
        "Skriver en enhets plan till en Excel-arbetsbok, i samma format som import-plan läser. "
        "Utan --plan-type skrivs en fil per plantyp som enheten har en plan för."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="KOD", help="Enhetens kod.")
        parser.add_argument("--year", required=True, type=int, metavar="ÅR", help="Planens år.")
        parser.add_argument(
            "--plan-type",
            metavar="TYP",
            help=(
                "Plantypens namn, t.ex. Verksamhetsplan. Utan --plan-type skrivs varje plan "
                "enheten har för året, en fil per plantyp."
            ),
        )
        parser.add_argument(
            "-o", "--output", required=True, metavar="FIL.xlsx", help="Filen att skriva."
        )
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help="Exportera med den här användarens behörigheter (annars som systemet).",
        )

        parser.add_argument(
            "--occasion",
            metavar="NAMN",
            help=(
                "Ta med enhetens resultat vid den här uppföljningen (t.ex. Status och "
                "Kommentar på bladet Aktiviteter), t.ex. ”Delårsrapport 2025”."
            ),
        )

    def handle(
        self,
        *args,
        unit: str,
        year: int,
        plan_type: str | None,
        output: str,
        user: str | None,
        occasion: str | None = None,
        **options,
    ):
        try:
            actor = user_by_name(user) if user else access.SYSTEM
            unit_obj = unit_by_code(unit)
            if plan_type:
                plan_types = [plan_type_by_name(unit_obj, year, plan_type)]
            else:
                existing = set(
                    Plan.objects.filter(unit=unit_obj).values_list("plan_type_id", flat=True)
                )
                plan_types = [t for t in plan_types_for(unit_obj, year) if t.pk in existing]
                if not plan_types:
                    raise NotFound(
                        f"{unit_obj.name} har inga planer för {year}. Ange --plan-type för att "
                        "få en tom plan att fylla i."
                    )
            occasions = {}
            if occasion:
                for type_obj in plan_types:
                    try:
                        occasions[type_obj.pk] = occasion_by_name(type_obj, occasion)
                    except NotFound:
                        if plan_type:
                            raise
                if not occasions:
                    occasion_by_name(plan_types[0], occasion)  # raises, naming the occasions
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{path.name}: filen ska sluta på .xlsx.")
        if not path.parent.is_dir():
            raise CommandError(f"Mappen {path.parent} finns inte.")
        for type_obj in plan_types:
            target = path
            if not plan_type:
                target = path.with_name(f"{path.stem}-{slugify(type_obj.name)}{path.suffix}")
            try:
                data = export_workbook(
                    actor=actor,
                    unit=unit_obj,
                    plan_type=type_obj,
                    occasion=occasions.get(type_obj.pk),
                )
            except PermissionDenied:
                raise CommandError(
                    f"Du har inte behörighet att läsa planerna för {unit_obj.name}."
                ) from None
            try:
                target.write_bytes(data)
            except OSError as exc:
                raise CommandError(f"Filen {target} kunde inte skrivas: {exc.strerror}.") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Skrev {type_obj.name} {year} för {unit_obj.name} till {target}."
                )
            )
