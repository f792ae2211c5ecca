"""`styrhjul document TYP --unit KOD --occasion ID_ELLER_NAMN --format pdf|docx|xlsx -o FIL`:
write a document to a file (TYP: delarsrapport, arsredovisning, uppfoljning,
internkontrollrapport, manadsrapport). The internkontrollrapport may also be asked for by
plan: `--plan ID` (and `--per enhet` for one table per reporting unit). The occasion is
named by its id or its name with the year ("Delårsrapport 2026")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrhjul.core.commandline import ArgumentProblem
from styrhjul.followup.lookup import occasion_for
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import active_user_by_name
from styrhjul.planning.models import Plan

from ... import internal_control, registry

FORMATS = ("pdf", "docx", "xlsx", "html")


class Command(BaseCommand):
    help = (
        "Skriver ett dokument – delårsrapport, årsredovisning, uppföljning per datum, "
        "internkontrollrapport eller månadsrapport – som PDF, Word eller Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("document", choices=tuple(registry.TYPES), help="Vilket dokument.")
        parser.add_argument("--unit", metavar="KOD", help="Enhetens kod.")
        parser.add_argument("--plan", type=int, help="Planens id (internkontrollrapport).")
        parser.add_argument(
            "--occasion",
            required=True,
            metavar="ID_ELLER_NAMN",
            help=(
                "Uppföljningstillfällets id eller namn med år, t.ex. ”Delårsrapport 2026” "
                "(styrhjul list-occasions visar dem)."
            ),
        )
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="pdf")
        parser.add_argument(
            "--per",
            dest="group_by",
            choices=tuple(internal_control.GROUPINGS),
            default="omrade",
            help="Internkontrollrapporten: en tabell per område (standard) eller per enhet.",
        )
        parser.add_argument(
            "-o",
            "--output",
            metavar="FIL",
            help="Filen att skriva (annars ett namn efter dokument, år och enhet i aktuell mapp).",
        )
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help="Skriv med den här användarens behörigheter (annars som systemet).",
        )

    def handle(self, *args, document, occasion, fmt, group_by, **options):
        try:
            actor = active_user_by_name(options["user"]) if options.get("user") else access.SYSTEM
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        try:
            occasion_obj = occasion_for(actor, occasion)
        except ArgumentProblem as exc:
            raise CommandError(str(exc)) from None
        kind = registry.TYPES[document]
        if fmt != "html" and fmt not in kind.formats:  # html: the preview, for every document
            raise CommandError(f"{kind.label} finns som {', '.join(kind.formats)} och html.")
        build_options = {"per": group_by}
        if options.get("plan"):
            if document != "internkontrollrapport":
                raise CommandError("--plan gäller bara internkontrollrapporten; ange --unit.")
            plan = (
                Plan.objects.select_related("unit", "plan_type__model")
                .filter(pk=options["plan"])
                .first()
            )
            if plan is None or not access.can_read_tree(actor, plan.unit):
                raise CommandError(
                    f"Det finns ingen plan med id {options['plan']} som du får läsa."
                )
            unit = plan.unit
            build_options["plan"] = plan.pk
        elif options.get("unit"):
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None or not access.can_read_tree(actor, unit):
                raise CommandError(
                    f"Det finns ingen enhet med koden {options['unit']} som du får läsa."
                )
        else:
            raise CommandError("Ange enheten med --unit KOD (eller planen med --plan ID).")
        try:
            report = registry.build(document, unit, occasion_obj, options=build_options)
            data, name = registry.render(document, report, fmt)
        except internal_control.DocumentError as exc:
            raise CommandError(str(exc)) from None
        path = Path(options["output"]) if options.get("output") else Path(name)
        if path.suffix.lower() != f".{fmt}":
            raise CommandError(f"{path.name}: filen ska sluta på .{fmt}.")
        if not path.parent.is_dir():
            raise CommandError(f"Mappen {path.parent} finns inte.")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Filen {path} kunde inte skrivas: {exc.strerror}.") from None
        count = f" ({report.count} kontrollpunkter)" if hasattr(report, "count") else ""
        self.stdout.write(self.style.SUCCESS(f"Skrev {report.title}{count} till {path}."))
