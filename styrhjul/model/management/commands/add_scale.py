"""`styrhjul add-scale --year ÅR --name NAMN --kind SLAG`: a scale (without
values; add them with add-scale-value) in the year's styrmodell
(model.services_config.scale_save)."""

from styrhjul.model import services_config
from styrhjul.model.commands import SCALE_KINDS, ModelCommand, scale_kind
from styrhjul.model.models import Scale


class Command(ModelCommand):
    help = "Lägger till en skala i årets styrmodell; värdena läggs till med add-scale-value."
    argument_of = {"name": "--name", "kind": "--kind"}

    def arguments(self, parser):
        parser.add_argument("--name", required=True, metavar="NAMN", help="Skalans namn.")
        parser.add_argument(
            "--kind",
            required=True,
            metavar="SLAG",
            help=f"Vad skalan används för: {', '.join(SCALE_KINDS)}.",
        )

    def run(self, **options):
        model = self.year_model(options)
        scale = Scale(model=model, name=options["name"], kind=scale_kind(options["kind"]))
        services_config.scale_save(actor=self.actor, scale=scale)
        self.done(
            f"Skalan ”{scale.name}” är skapad i styrmodellen {model.year} (id {scale.pk}).",
            {"id": scale.pk, "name": scale.name, "kind": scale.kind},
        )
