"""The base of the commands that set up and list a year (`styrhjul
create-year`, `add-perspective`, `add-occasion`, `list-occasions` …).

Each command acts as the user `--user` names (by user name or e-mail), with
that user's rights, so the access policy and the history apply as on the
pages; without --user it runs as the system (access.SYSTEM), like the
imports. It calls the same service as the page and turns what the service
refuses into one Swedish line naming the argument, with exit status 1:
nothing is saved, since every service is one transaction.

Lists are written as aligned text, or with `--json` as JSON; a change
writes one line saying what was made, or with `--json` the object made."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from styrhjul.core import commandline
from styrhjul.core.commandline import ArgumentProblem

from . import access
from .models import Unit
from .queries import active_user_by_name, readable_roots


class YearCommand(BaseCommand):
    """A command of the year's set-up. Subclasses add their own arguments in
    `arguments(parser)` and do their work in `run(**options)`."""

    # The service's field names → the argument that sets them, so that an
    # error at a field names what the user typed ("--name: …").
    argument_of: dict[str, str] = {}
    # What a refusal says the user may not do, e.g. "ändra styrmodellen".
    refused = "göra det"
    # Takes --organisation (the organisation's root unit by its code).
    takes_organisation = True

    def add_arguments(self, parser):
        if self.takes_organisation:
            parser.add_argument(
                "--organisation",
                metavar="KOD",
                help="Organisationens kod (den översta enheten). Behövs när det finns flera.",
            )
        self.arguments(parser)
        parser.add_argument(
            "--user",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help=(
                "Kör som den här användaren, med hans eller hennes behörigheter; historiken "
                "visar användaren. Utan --user körs kommandot som systemet, som får göra allt."
            ),
        )
        parser.add_argument(
            "--json", action="store_true", help="Skriv resultatet som JSON (för skript)."
        )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        english = parser.error
        parser.error = lambda message: english(commandline.swedish_usage_error(message))
        return parser

    def arguments(self, parser) -> None:
        """The command's own arguments."""

    def run(self, **options) -> None:
        raise NotImplementedError

    def handle(self, *args, **options):
        self.as_json = bool(options.get("json"))
        try:
            self.actor = (
                active_user_by_name(options["user"]) if options.get("user") else (access.SYSTEM)
            )
        except LookupError as exc:
            raise CommandError(f"--user: {exc}") from None
        try:
            self.run(**options)
        except ArgumentProblem as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied:
            raise CommandError(f"Åtkomst nekad: {self.actor} får inte {self.refused}.") from None
        except ValidationError as exc:
            raise CommandError(self.explain(exc)) from None

    def explain(self, exc: ValidationError) -> str:
        """A service's refusal as lines naming the arguments."""
        if not hasattr(exc, "error_dict"):
            return " ".join(exc.messages)
        lines = []
        for field, messages in exc.message_dict.items():
            text = " ".join(messages)
            option = self.argument_of.get(field)
            lines.append(f"{option}: {text}" if option else text)
        return "\n".join(lines)

    # --- Finding what the arguments name ----------------------------------------------

    def organisation(self, code: str | None) -> Unit:
        """The organisation (a root unit the user reads) by its code; without
        a code, the only one there is."""
        roots = readable_roots(self.actor)
        if code:
            wanted = code.strip().casefold()
            found = [r for r in roots if (r.code or "").casefold() == wanted]
            if found:
                return found[0]
            known = ", ".join(f"{r.code} ({r.name})" for r in roots) or "inga"
            raise ArgumentProblem(
                f"--organisation: det finns ingen organisation med koden {code} som du "
                f"läser. Organisationer: {known}."
            )
        if len(roots) == 1:
            return roots[0]
        if not roots:
            raise ArgumentProblem(
                "Det finns ingen organisation som du läser; importera organisationen med "
                "styrhjul import-org först."
            )
        known = ", ".join(f"{r.code} ({r.name})" for r in roots)
        raise ArgumentProblem(f"--organisation: ange organisationens kod: {known}.")

    def unit(self, code: str, option: str = "--unit") -> Unit:
        """A unit the user reads, by its code."""
        unit = Unit.objects.filter(code__iexact=code.strip()).first()
        if unit is None or not access.can_read(self.actor, unit):
            raise ArgumentProblem(f"{option}: det finns ingen enhet med koden {code} som du läser.")
        return unit

    # --- Output -----------------------------------------------------------------------

    def show(self, rows: Sequence[dict], columns: Sequence[tuple[str, str]], empty: str) -> None:
        """A list: a table, or JSON (a list of objects with the columns' keys)."""
        if self.as_json:
            self.stdout.write(commandline.as_json([dict(r) for r in rows]))
        elif rows:
            self.stdout.write(commandline.table(rows, columns))
        else:
            self.stdout.write(empty)

    def done(self, message: str, data: dict) -> None:
        """A change made: the line saying so, or the object made as JSON."""
        if self.as_json:
            self.stdout.write(commandline.as_json(data))
        else:
            self.stdout.write(self.style.SUCCESS(message))
