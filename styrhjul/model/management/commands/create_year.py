"""`styrhjul create-year --year ÅR [--organisation KOD] [--user …] [--json]`: a
new year's styrmodell from the standard content (model.services.model_create_default),
as "Skapa styrmodellen" on the styrmodell page."""

from styrhjul.core.commandline import year
from styrhjul.model import services
from styrhjul.organisation.commands import YearCommand


class Command(YearCommand):
    help = (
        "Skapar årets styrmodell med standardinnehållet: perspektiv, målnivåer, skalor och "
        "plantyper, som sedan kan ändras. Kopiera ett tidigare år med styrhjul copy-year."
    )
    argument_of = {"year": "--year"}

    def arguments(self, parser):
        parser.add_argument("--year", required=True, metavar="ÅR", help="Styrmodellens år.")

    def run(self, **options):
        organisation = self.organisation(options.get("organisation"))
        wanted = year(options["year"])
        self.refused = f"skapa styrmodellen {wanted} för {organisation.name}"
        model = services.model_create_default(
            actor=self.actor, organisation=organisation, year=wanted
        )
        self.done(
            f"Styrmodellen för {wanted} i {organisation.name} är skapad (id {model.pk}) med "
            f"{model.perspectives.count()} perspektiv, {model.levels.count()} målnivåer, "
            f"{model.scales.count()} skalor och {model.plan_types.count()} plantyper.",
            {"id": model.pk, "organisation": organisation.code, "year": model.year},
        )
