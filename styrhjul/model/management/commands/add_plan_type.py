"""`styrhjul add-plan-type --year ÅR --name NAMN --item-kinds "Mål, Aktivitet"
[--scale NAMN …] [--order N]`: a plan type in the year's styrmodell
(model.services_config.plan_type_save). A kind without --scale gets the
year's only scale of its kind."""

from styrhjul.core.commandline import names, whole_number
from styrhjul.model import services_config
from styrhjul.model.commands import ModelCommand, item_kinds, next_order, scale_by_name
from styrhjul.model.models import PlanType
from styrhjul.model.services_config import KIND_SCALES


class Command(ModelCommand):
    help = "Lägger till en plantyp (t.ex. Arbetsmiljömål) i årets styrmodell."
    argument_of = {
        "name": "--name",
        "order": "--order",
        "item_kinds": "--item-kinds",
        **{field: "--scale" for field, _kind in KIND_SCALES.values()},
    }

    def arguments(self, parser):
        parser.add_argument("--name", required=True, metavar="NAMN", help="Plantypens namn.")
        parser.add_argument(
            "--item-kinds",
            required=True,
            metavar="POSTTYPER",
            help="Kommaseparerade: Mål, Nyckeltal, Aktivitet, Särskilt uppdrag, Kontrollpunkt.",
        )
        parser.add_argument(
            "--scale",
            action="append",
            metavar="SKALA",
            help=(
                "Skalan för en posttyp, t.ex. ”Aktivitetsstatus”; kan upprepas. Utan: årets "
                "enda skala av rätt slag."
            ),
        )
        parser.add_argument("--order", metavar="N", help="Ordning (annars sist).")

    def run(self, **options):
        model = self.year_model(options)
        kinds = item_kinds(options["item_kinds"])
        order = options.get("order")
        plan_type = PlanType(
            model=model,
            name=options["name"],
            item_kinds=kinds,
            order=whole_number(order, "--order")
            if order is not None
            else next_order(model.plan_types),
        )
        chosen = {}
        for name in names(options.get("scale")):
            scale = scale_by_name(model, name)
            chosen[scale.kind] = scale
        for kind in kinds:
            field, scale_kind = KIND_SCALES[kind]
            scale = chosen.get(scale_kind)
            if scale is None:
                of_kind = list(model.scales.filter(kind=scale_kind)[:2])
                scale = of_kind[0] if len(of_kind) == 1 else None
            setattr(plan_type, field, scale)
        services_config.plan_type_save(actor=self.actor, plan_type=plan_type)
        self.done(
            f"Plantypen ”{plan_type.name}” är skapad i styrmodellen {model.year} "
            f"(id {plan_type.pk}).",
            {"id": plan_type.pk, "name": plan_type.name, "item_kinds": kinds},
        )
