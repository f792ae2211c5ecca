"""`styrhjul copy-year --year ÅR [--without-wheel] [--organisation KOD]`: the
year's styrmodell copied to the next year with its plans, items, links and
shares, and the year wheel (planning.services.model_copy_to_next_year), as
"Kopiera till nästa år" on the styrmodell page."""

from styrhjul.model.commands import ModelCommand
from styrhjul.planning import services


class Command(ModelCommand):
    help = (
        "Kopierar årets styrmodell till nästa år med planer, poster, kopplingar, delningar "
        "och årshjulet (uppföljningstillfällen och steg ett år senare, inte öppnade)."
    )
    argument_of = {"year": "--year"}

    def arguments(self, parser):
        parser.add_argument(
            "--without-wheel",
            action="store_true",
            help="Kopiera inte årshjulet (uppföljningstillfällen, steg och händelser).",
        )

    def run(self, **options):
        model = self.year_model(options)
        self.refused = f"kopiera styrmodellen {model.year} för {model.organisation.name}"
        copy = services.model_copy_to_next_year(
            actor=self.actor, model=model, copy_wheel=not options["without_wheel"]
        )
        self.done(
            f"Styrmodellen för {model.year} är kopierad till {copy.year} (id {copy.pk}) med "
            f"{copy.plan_types.filter(plans__isnull=False).values('plans').count()} planer och "
            f"{copy.occasions.count()} uppföljningstillfällen.",
            {"id": copy.pk, "year": copy.year, "copied_from": model.year},
        )
