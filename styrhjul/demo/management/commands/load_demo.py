"""`styrhjul load-demo`: load the invented demo municipality Sjöbacka."""

import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from styrhjul.demo import data
from styrhjul.demo.services import DemoConflict, load_demo


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text} är inget datum; skriv det som ÅÅÅÅ-MM-DD."
        ) from None


class Command(BaseCommand):
    help = (
        f"Laddar den påhittade demokommunen {data.MUNICIPALITY}: organisationsträd med "
        "nämnder, förvaltningar, avdelningar och enheter, en vision, demoanvändare för "
        "varje roll med ett känt lösenord (inloggningssidan visar det i demoläge), och "
        "styrmodellen "
        "för förra året med fullmäktiges inriktningsmål och nyckeltal, nämndmål, "
        "verksamhetsmål, enheternas aktivitetsplaner, en åtgärdsplan, arbetsmiljömål, "
        "internkontroll, egenkontroll och särskilda uppdrag, nyckeltalens utfall för de "
        "senaste åtta åren med målvärden per år och ett litet Kolada-urval (delvis påhittat, se "
        "styrhjul/demo/fixtures/KOLADA_SAMPLE.md), förra årets årshjul med ett delvis "
        "rapporterat delårsbokslut och ett färdigrapporterat, stängt årsbokslut, texter till "
        "årsredovisningarna och dokumentinställningar med logotyp, och styrmodellen kopierad "
        "till i år med årets årshjul: uppföljningarna före i dag rapporterade och stängda, en "
        "uppföljning öppen för rapportering nu. Med --today byggs demon för ett annat datum. "
        "Kan köras om: det som redan finns lämnas orört och inget dubbleras. Vägrar om "
        "databasen redan har en annan organisation, eller användare eller enhetskoder som "
        "krockar med demons; "
        "demoanvändarnas lösenord är känt och demons systemadministratör får behörighet "
        "till hela databasen, så demon läses bara in i en egen databas, och bara när DEBUG "
        "är på (som med make run) om inte --i-know-this-is-not-production anges."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Bygg demon som om det vore den dagen (ÅÅÅÅ-MM-DD); förvalt: dagens datum.",
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Läs in demon fast DEBUG är av, t.ex. i en demomiljö som körs som i drift.",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.TESTING or options["not_production"]):
            raise CommandError(
                "Demokommunen läses inte in när DEBUG är av: demoanvändarna, med "
                "systemadministratören admin, har ett känt lösenord. Läs in demon i en "
                "utvecklings- eller demomiljö (DEBUG=1, som make run gör), eller ange "
                "--i-know-this-is-not-production om databasen aldrig ska användas i drift. "
                "Inget har ändrats."
            )
        today = options["today"] or timezone.localdate()
        try:
            summary = load_demo(today=today, copy_until=today.year)
        except DemoConflict as exc:
            lines = "\n".join(f"  – {problem}" for problem in exc.problems)
            raise CommandError(
                f"Demokommunen laddades inte; inget har ändrats.\n{lines}\n"
                "Ladda demon i en egen, tom databas (sätt DATABASE_URL eller "
                "STYRHJUL_DATA_DIR)."
            ) from None
        self.stdout.write(self.style.SUCCESS(summary.message))
        if summary.changed and not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "Observera: demoanvändarna har ett känt lösenord. Använd inte den här "
                    "databasen i drift."
                )
            )
