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
        "Därtill uppföljningen för året: ett öppet tillfälle (Delårsrapport, per 31 augusti) "
        "med steg, uppgifter och rapporter; mätenheten får en plan (Arbetsmiljömål) med "
        "exakt --task-items poster och en post delas till --share-units enheter. "
        "Finns datamängden redan görs inget (--replace bygger om den, --followup-only lägger "
        "till uppföljningen om den saknas). Vägrar en databas "
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
        parser.add_argument(
            "--task-items",
            type=int,
            default=scale.DEFAULT_TASK_ITEMS,
            help=f"antal poster i mätuppgiften ({scale.BENCH_CODE}, {scale.TASK_PLAN_TYPE})",
        )
        parser.add_argument(
            "--share-units",
            type=int,
            default=scale.DEFAULT_SHARE_UNITS,
            help="antal enheter som den delade posten (underlaget) når",
        )
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED, help="slumpfrö")
        parser.add_argument("--year", type=int, default=scale.DEFAULT_YEAR, help="planår")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="ta bort en befintlig skaldatamängd och bygg om den",
        )
        parser.add_argument(
            "--followup-only",
            action="store_true",
            help="lägg bara till uppföljningen i en befintlig skaldatamängd som saknar den",
        )
        parser.add_argument("--no-followup", action="store_true", help="bygg utan uppföljningen")
        parser.add_argument(
            "--years",
            type=int,
            default=0,
            help=(
                "antal tidigare år med historik (planer, poster, uppföljning och rapporter "
                "kopierade bakåt från planåret); läggs också till i en befintlig datamängd"
            ),
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2
        log = self.stdout.write if verbose else (lambda line: None)
        if options["followup_only"]:
            if options["replace"] or options["years"]:
                raise CommandError("--followup-only går inte ihop med --replace eller --years.")
            try:
                followup = scale.build_followup(
                    year=options["year"],
                    seed=options["seed"],
                    task_items=options["task_items"],
                    share_units=options["share_units"],
                    log=log,
                )
            except scale.ScaleError as exc:
                raise CommandError(str(exc)) from None
            style = self.style.SUCCESS if followup.created else self.style.WARNING
            self.stdout.write(style(followup.message[:1].upper() + followup.message[1:]))
            return
        try:
            result = scale.build(
                units=options["units"],
                items=options["items"],
                plan_items=options["plan_items"],
                seed=options["seed"],
                year=options["year"],
                replace=options["replace"],
                followup=not options["no_followup"],
                task_items=options["task_items"],
                share_units=options["share_units"],
                years=options["years"],
                log=log,
            )
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from None
        made = result.created or (result.history is not None and result.history.years)
        style = self.style.SUCCESS if made else self.style.WARNING
        self.stdout.write(style(result.message))
