"""`styrhjul add-level --year ÅR --name NAMN [--unit-types "Förvaltning, Enhet"]
[--describes-only] [--order N]`: a goal level in the year's styrmodell
(model.services_config.level_save)."""

from styrhjul.core.commandline import whole_number
from styrhjul.model import services_config
from styrhjul.model.commands import ModelCommand, next_order, unit_types
from styrhjul.model.models import GoalLevel


class Command(ModelCommand):
    help = "Lägger till en målnivå (t.ex. Nämndmål) i årets styrmodell."
    argument_of = {"name": "--name", "order": "--order", "unit_types": "--unit-types"}

    def arguments(self, parser):
        parser.add_argument("--name", required=True, metavar="NAMN", help="T.ex. Nämndmål.")
        parser.add_argument(
            "--unit-types",
            metavar="TYPER",
            help=(
                "Enhetstyperna som har mål på nivån, kommaseparerade, t.ex. ”Nämnd, "
                "Förvaltning”. Utan: alla enhetstyper."
            ),
        )
        parser.add_argument(
            "--describes-only",
            action="store_true",
            help="Enheter på nivån beskriver bara måluppfyllelsen, utan bedömning.",
        )
        parser.add_argument("--order", metavar="N", help="Ordning, lägre är högre nivå.")

    def run(self, **options):
        model = self.year_model(options)
        types = unit_types(options.get("unit_types"))
        order = options.get("order")
        level = GoalLevel(
            model=model,
            name=options["name"],
            assesses=not options["describes_only"],
            order=whole_number(order, "--order") if order is not None else next_order(model.levels),
        )
        services_config.level_save(actor=self.actor, level=level, unit_types=types)
        self.done(
            f"Målnivån ”{level.name}” är skapad i styrmodellen {model.year} (id {level.pk}).",
            {
                "id": level.pk,
                "name": level.name,
                "order": level.order,
                "unit_types": [t.name for t in types],
                "assesses": level.assesses,
            },
        )
