"""`styrhjul add-scale-value --year ÅR --scale NAMN --label TEXT [--colour #HEX]
[--symbol S] [--comment-required] [--counts-as-done] [--suggested-when …]
[--order N]`: a value of a scale in the year's styrmodell
(model.services.save_part)."""

from styrhjul.core.commandline import whole_number
from styrhjul.model import services
from styrhjul.model.commands import ModelCommand, next_order, scale_by_name
from styrhjul.model.models import ScaleValue

SUGGESTED = {"nas": "met", "nara": "near", "nas-inte": "not_met", "saknas": "no_value"}


class Command(ModelCommand):
    help = "Lägger till ett värde i en skala i årets styrmodell, t.ex. Försenad."
    argument_of = {
        "label": "--label",
        "colour": "--colour",
        "symbol": "--symbol",
        "order": "--order",
        "suggested_when": "--suggested-when",
    }

    def arguments(self, parser):
        parser.add_argument("--scale", required=True, metavar="SKALA", help="Skalans namn.")
        parser.add_argument("--label", required=True, metavar="TEXT", help="Värdets text.")
        parser.add_argument(
            "--colour", default="#6b7280", metavar="#HEX", help="Färg som hexkod, t.ex. #1e6b34."
        )
        parser.add_argument("--symbol", default="", help="Ett tecken, t.ex. ● ▲ ■.")
        parser.add_argument(
            "--comment-required",
            action="store_true",
            help="Den som rapporterar måste skriva en kommentar.",
        )
        parser.add_argument(
            "--counts-as-done",
            action="store_true",
            help="Räknas som klar eller uppfylld.",
        )
        parser.add_argument(
            "--suggested-when",
            choices=sorted(SUGGESTED),
            help="Bedömning av nyckeltal: föreslås när målvärdet nås, är nära, nås inte, "
            "eller utfall saknas.",
        )
        parser.add_argument("--order", metavar="N", help="Ordning i skalan (annars sist).")

    def run(self, **options):
        model = self.year_model(options)
        scale = scale_by_name(model, options["scale"])
        order = options.get("order")
        value = ScaleValue(
            scale=scale,
            label=options["label"],
            colour=options["colour"],
            symbol=options["symbol"],
            comment_required=options["comment_required"],
            counts_as_done=options["counts_as_done"],
            suggested_when=SUGGESTED.get(options.get("suggested_when") or "", ""),
            order=whole_number(order, "--order") if order is not None else next_order(scale.values),
        )
        services.save_part(actor=self.actor, obj=value)
        self.done(
            f"Värdet ”{value.label}” är skapat i skalan ”{scale.name}” (id {value.pk}).",
            {"id": value.pk, "scale": scale.name, "label": value.label, "colour": value.colour},
        )
