"""`styrhjul kolada-sync`: fetch KPI definitions and values from Kolada and
store them, so that the pages work offline afterwards (docs/kolada.md).

--municipality, --compare and --ou are saved first, through the same
service as the settings page (kolada/services.settings_save): a wrong code
stops the command before anything is saved or fetched. The fetch is then all
or nothing: when anything goes wrong (Kolada cannot be reached, an unknown
KPI id, a broken response) no values are changed and the command exits with
a Swedish message and status 1."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from styrhjul.charts.numbers import format_number
from styrhjul.kolada import queries, services
from styrhjul.kolada.client import DEFAULT_BASE_URL, KoladaClient, KoladaError
from styrhjul.kolada.models import KoladaSettings
from styrhjul.kolada.sync import default_client, sync
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit


def parse_years(text: str) -> list[int]:
    """ "2015-2025", "2023", "2015,2018-2020" → a sorted list of years."""
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        match = re.fullmatch(r"(\d{4})(?:[-–](\d{4}))?", part)
        if not match:
            raise CommandError(
                f"--years {text!r} går inte att tolka: skriv t.ex. 2015-2025 eller 2023."
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise CommandError(f"--years {part}: det sista året är före det första.")
        years.update(range(first, last + 1))
    if not years:
        raise CommandError("--years är tomt: skriv t.ex. 2015-2025.")
    return sorted(years)


def split_ids(values: list[str] | None) -> list[str]:
    """--kpi N1,N2 --kpi N3 → ["N1", "N2", "N3"]."""
    ids = []
    for value in values or []:
        ids += [part.strip() for part in value.split(",") if part.strip()]
    return list(dict.fromkeys(ids))


def organisation_by_code(code: str | None) -> Unit:
    roots = list(Unit.objects.filter(parent=None).order_by("code"))
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Det finns ingen enhet med koden {code}.")
        if unit.parent_id is not None:
            raise CommandError(
                f"{unit.name} ({code}) är inte en organisation (den ligger under en annan "
                f"enhet). Organisationer: {', '.join(r.code for r in roots)}."
            )
        return unit
    if not roots:
        raise CommandError("Det finns ingen organisation ännu; läs in organisationsträdet först.")
    if len(roots) > 1:
        listed = ", ".join(f"{r.code} ({r.name})" for r in roots)
        raise CommandError(f"Det finns flera organisationer; välj en med --organisation: {listed}.")
    return roots[0]


class Command(BaseCommand):
    help = (
        "Hämtar nyckeltalens definitioner och värden från Kolada (för den egna kommunen och "
        "jämförelserna) och sparar dem, så att Styrhjul fungerar utan nätverk efteråt. "
        "Allt eller inget: går något fel ändras ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            metavar="KOD",
            help="Organisationens (rotenhetens) kod; behövs när det finns flera.",
        )
        parser.add_argument(
            "--kpi",
            action="append",
            metavar="ID,ID",
            help="Hämta också de här nyckeltalen (utöver de som används på nyckeltalen).",
        )
        parser.add_argument(
            "--years",
            metavar="ÅR-ÅR",
            help="Vilka år, t.ex. 2015-2025. Standard: de senaste tio åren.",
        )
        parser.add_argument(
            "--from-date",
            metavar="ÅÅÅÅ-MM-DD",
            help=(
                "Hämta bara ändringar sedan datumet. Standard: sedan dagen före den senaste "
                "lyckade hämtningen."
            ),
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Hämta allt på nytt och ersätt de sparade värdena.",
        )
        parser.add_argument(
            "--municipality",
            metavar="KOD",
            help="Den egna kommunens eller regionens kod i Kolada, t.ex. 1480 (sparas).",
        )
        parser.add_argument(
            "--compare",
            metavar="KOD,KOD",
            help=(
                "Kommuner och regioner att jämföra med, t.ex. 1481,1482,0014,0000 (sparas; "
                "ersätter listan; tom sträng tömmer den)."
            ),
        )
        parser.add_argument(
            "--ou",
            metavar="ID,ID",
            help="Egna enheter i Kolada (t.ex. skolor) att hämta värden för (sparas).",
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help=f"Kolada-API:ts adress. Standard: STYRHJUL_KOLADA_URL eller {DEFAULT_BASE_URL}.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=30,
            metavar="SEKUNDER",
            help="Hur länge ett svar från Kolada får dröja. Standard: 30.",
        )
        parser.add_argument(
            "--retries",
            type=int,
            default=3,
            metavar="N",
            help=(
                "Hur många gånger en fråga görs om när Kolada inte svarar, svarar 429 eller "
                "ett serverfel (med 1, 2, 4 … sekunders väntan). Standard: 3."
            ),
        )

    def handle(self, *args, **options):
        organisation = organisation_by_code(options["organisation"])
        from_date = None
        if options["from_date"]:
            try:
                from_date = datetime.date.fromisoformat(options["from_date"])
            except ValueError:
                raise CommandError(
                    f"--from-date {options['from_date']!r} är inte ett datum: skriv ÅÅÅÅ-MM-DD."
                ) from None
        if from_date and options["full"]:
            raise CommandError("Välj antingen --full eller --from-date, inte båda.")
        years = parse_years(options["years"]) if options["years"] else None
        client_options = {"timeout": options["timeout"], "retries": max(0, options["retries"])}
        try:
            if options["base_url"]:
                client = KoladaClient(options["base_url"], **client_options)
            else:
                client = default_client(**client_options)
        except KoladaError as exc:  # an address that is not http(s)
            raise CommandError(str(exc)) from None
        settings_obj, saved = save_settings(organisation, options)
        try:
            result = sync(
                settings_obj,
                client,
                kpis=split_ids(options["kpi"]),
                years=years,
                from_date=from_date,
                full=options["full"],
            )
        except KoladaError as exc:
            message = str(exc)
            if saved:
                # The options were saved before the fetch, as on the settings page.
                message += (
                    f" Kolada-inställningarna ({', '.join(saved)}) är ändå sparade och gäller "
                    "nästa hämtning."
                )
            raise CommandError(message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Kolada för {organisation.name}: {result.summary} "
                f"({result.requests} frågor, "
                f"{format_number(result.seconds, max_decimals=1)} s.)"
            )
        )


# The settings that options change: field → option.
SETTING_OPTIONS = {"municipality_id": "municipality", "comparison_ids": "compare", "ou_ids": "ou"}


def save_settings(organisation: Unit, options: dict) -> tuple[KoladaSettings, list[str]]:
    """The organisation's settings, with --municipality, --compare and --ou
    saved first through the same service as the settings page: validated,
    and nothing saved when a code is wrong. Returns (settings, the options
    saved)."""
    settings_obj = queries.settings_for(organisation)
    given = {
        field: options[option]
        for field, option in SETTING_OPTIONS.items()
        if options[option] is not None
    }
    own = settings_obj.municipality_id if settings_obj else ""
    if not own and "municipality_id" not in given:
        raise CommandError(
            f"Ingen egen kommun är inställd för Kolada för {organisation.name}. Ange den "
            "första gången, t.ex. styrhjul kolada-sync --municipality 1480 "
            "--compare 1481,1482,0014,0000."
        )
    if not given:
        return settings_obj, []
    current = {
        "municipality_id": own,
        "comparison_ids": settings_obj.comparison_ids if settings_obj else [],
        "ou_ids": settings_obj.ou_ids if settings_obj else [],
    }
    try:
        saved = services.settings_save(
            actor=access.SYSTEM, organisation=organisation, **{**current, **given}
        )
    except ValidationError as exc:
        raise CommandError(_validation_message(exc)) from None
    return saved, [f"--{SETTING_OPTIONS[field]}" for field in given]


def _validation_message(exc: ValidationError) -> str:
    """The service's Swedish messages, each after the option it is about."""
    if hasattr(exc, "error_dict"):
        parts = [
            f"--{SETTING_OPTIONS[field]}: {' '.join(messages)}"
            if field in SETTING_OPTIONS
            else " ".join(messages)
            for field, messages in exc.message_dict.items()
        ]
    else:
        parts = exc.messages
    return " ".join(parts) + " Inget har ändrats."
