"""`styrhjul load-scale`: build the large invented municipality used to
measure performance (see styrhjul/demo/scale.py and docs/prestanda.md)."""

from django.core.management.base import BaseCommand, CommandError

from styrhjul.demo import scale


class Command(BaseCommand):
    help = (
        f"Bygger den påhittade storkommunen {scale.ROOT_NAME} för prestandamätning: "
        "nämnder, förvaltningar, avdelningar och enheter (koder S-0001 …), en styrmodell "
        "för året och poster med kopplingar och delningar. Samma frö ger samma data. "
        f"Enheten {scale.BENCH_CODE} får en verksamhetsplan med exakt --plan-items poster. "
        "Finns datamängden redan görs inget (--replace bygger om den). Vägrar en databas "
        "som har en annan organisation: bygg i en egen databas. Genererade rader skrivs "
        "utan historik."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=scale.DEFAULT_UNITS, help="antal enheter")
        parser.add_argument("--items", type=int, default=scale.DEFAULT_ITEMS, help="antal poster")
        parser.add_argument(
            "--plan-items",
            type=int,
            default=scale.DEFAULT_PLAN_ITEMS,
            help=f"antal poster i mätenhetens ({scale.BENCH_CODE}) verksamhetsplan",
        )
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED, help="slumpfrö")
        parser.add_argument("--year", type=int, default=scale.DEFAULT_YEAR, help="planår")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="ta bort en befintlig skaldatamängd och bygg om den",
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2
        try:
            result = scale.build(
                units=options["units"],
                items=options["items"],
                plan_items=options["plan_items"],
                seed=options["seed"],
                year=options["year"],
                replace=options["replace"],
                log=self.stdout.write if verbose else (lambda line: None),
            )
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from None
        style = self.style.SUCCESS if result.created else self.style.WARNING
        self.stdout.write(style(result.message))
