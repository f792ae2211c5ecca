"""`styrhjul document internkontrollrapport --plan ID --occasion ID
--format pdf|docx -o FIL [--user USER]`: write a document to a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access
from styrhjul.organisation.queries import active_user_by_name
from styrhjul.planning.models import Plan

from ... import internal_control
from ...views import filename, render

DOCUMENTS = ("internkontrollrapport",)
FORMATS = ("pdf", "docx")


class Command(BaseCommand):
    help = "Skriver ett dokument, t.ex. en internkontrollrapport, som PDF eller Word."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=DOCUMENTS, help="Vilket dokument.")
        parser.add_argument("--plan", type=int, required=True, help="Planens id.")
        parser.add_argument(
            "--occasion", type=int, required=True, help="Uppföljningstillfällets id."
        )
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="pdf")
        parser.add_argument(
            "--per",
            dest="group_by",
            choices=tuple(internal_control.GROUPINGS),
            default="omrade",
            help="En tabell per område (standard) eller per rapporterande enhet.",
        )
        parser.add_argument(
            "-o",
            "--output",
            metavar="FIL",
            help="Filen att skriva (annars ett namn efter enhet och år i aktuell mapp).",
        )
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help="Skriv med den här användarens behörigheter (annars som systemet).",
        )

    def handle(
        self, *args, document, plan, occasion, fmt, group_by, output=None, user=None, **options
    ):
        try:
            actor = active_user_by_name(user) if user else access.SYSTEM
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        plan_obj = Plan.objects.select_related("unit", "plan_type__model").filter(pk=plan).first()
        if plan_obj is None or not access.can_read(actor, plan_obj):
            raise CommandError(f"Det finns ingen plan med id {plan} som du får läsa.")
        if not FollowUpOccasion.objects.filter(pk=occasion).exists():
            raise CommandError(f"Det finns inget uppföljningstillfälle med id {occasion}.")
        try:
            report = internal_control.build(plan_obj, occasion, group_by=group_by)
        except internal_control.DocumentError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output) if output else Path(filename(report, fmt))
        if path.suffix.lower() != f".{fmt}":
            raise CommandError(f"{path.name}: filen ska sluta på .{fmt}.")
        if not path.parent.is_dir():
            raise CommandError(f"Mappen {path.parent} finns inte.")
        data = render(report, fmt)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Filen {path} kunde inte skrivas: {exc.strerror}.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Skrev {report.title} ({report.count} kontrollpunkter) till {path}."
            )
        )
