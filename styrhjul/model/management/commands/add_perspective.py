"""`styrhjul add-perspective --year ÅR --name NAMN [--description …] [--order N]`:
a perspective in the year's styrmodell (model.services.save_part)."""

from styrhjul.core.commandline import whole_number
from styrhjul.model import services
from styrhjul.model.commands import ModelCommand, next_order
from styrhjul.model.models import Perspective


class Command(ModelCommand):
    help = "Lägger till ett perspektiv i årets styrmodell."
    argument_of = {"name": "--name", "description": "--description", "order": "--order"}

    def arguments(self, parser):
        parser.add_argument("--name", required=True, metavar="NAMN", help="T.ex. Invånare.")
        parser.add_argument("--description", default="", help="Beskrivning.")
        parser.add_argument("--order", metavar="N", help="Ordning, lägre först (annars sist).")

    def run(self, **options):
        model = self.year_model(options)
        order = options.get("order")
        perspective = Perspective(
            model=model,
            name=options["name"],
            description=options["description"],
            order=whole_number(order, "--order")
            if order is not None
            else next_order(model.perspectives),
        )
        services.save_part(actor=self.actor, obj=perspective)
        self.done(
            f"Perspektivet ”{perspective.name}” är skapat i styrmodellen {model.year} "
            f"(id {perspective.pk}).",
            {"id": perspective.pk, "name": perspective.name, "order": perspective.order},
        )
