"""`styrhjul add-occasion --year ÅR --name NAMN --kind SLAG --period-end DATUM
[--plan-types "A, B"] [--economy] [--forecast] [--threshold PROCENT]
[--grace-days N]`: a follow-up occasion in the year wheel
(followup.services.occasion_save), not yet opened. Its steps are added
with add-step."""

from decimal import Decimal, InvalidOperation

from styrhjul.core.commandline import ArgumentProblem, date, names, norm, whole_number
from styrhjul.followup import services
from styrhjul.followup.models import FollowUpOccasion, OccasionKind
from styrhjul.model.commands import ModelCommand

KINDS = {
    "manadsuppfoljning": OccasionKind.MONTHLY,
    "delarsbokslut": OccasionKind.INTERIM,
    "arsbokslut": OccasionKind.ANNUAL,
    "annan": OccasionKind.OTHER,
}


class Command(ModelCommand):
    help = (
        "Lägger till ett uppföljningstillfälle i årshjulet (t.ex. Delårsrapport 2026). "
        "Stegen med tidsfrister per nivå läggs till med add-step."
    )
    refused = "ändra årshjulet"
    argument_of = {
        "name": "--name",
        "kind": "--kind",
        "period_end": "--period-end",
        "plan_types": "--plan-types",
        "follows_economy": "--economy",
        "asks_forecast": "--forecast",
        "forecast_threshold": "--threshold",
        "grace_days": "--grace-days",
    }

    def arguments(self, parser):
        parser.add_argument(
            "--name", required=True, metavar="NAMN", help="T.ex. ”Delårsrapport 2026”."
        )
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="Typ.")
        parser.add_argument(
            "--period-end",
            required=True,
            metavar="ÅÅÅÅ-MM-DD",
            help="Avser perioden till och med, t.ex. 2026-08-31.",
        )
        parser.add_argument(
            "--plan-types",
            metavar="PLANTYPER",
            help="Plantyperna som följs upp, kommaseparerade, t.ex. ”Verksamhetsplan”.",
        )
        parser.add_argument(
            "--economy", action="store_true", help="Följer upp ekonomin (uppgift om ekonomin)."
        )
        parser.add_argument(
            "--forecast", action="store_true", help="Helårsprognos (kräver --economy)."
        )
        parser.add_argument(
            "--threshold",
            metavar="PROCENT",
            help="Gräns för åtgärder i procent av budgeten (standard 1).",
        )
        parser.add_argument(
            "--grace-days", default="0", metavar="N", help="Respitdagar efter tidsfristen."
        )

    def run(self, **options):
        model = self.year_model(options)
        self.refused = f"ändra årshjulet {model.year} för {model.organisation.name}"
        available = list(model.plan_types.order_by("order", "name"))
        plan_types = []
        for name in names(options.get("plan_types")):
            found = [p for p in available if norm(p.name) == norm(name)]
            if not found:
                known = ", ".join(p.name for p in available) or "inga"
                raise ArgumentProblem(
                    f"--plan-types: det finns ingen plantyp som heter ”{name}” i styrmodellen "
                    f"{model.year}. Plantyper: {known}."
                )
            plan_types.append(found[0])
        occasion = FollowUpOccasion(
            model=model,
            name=options["name"],
            kind=KINDS[options["kind"]],
            period_end=date(options["period_end"], "--period-end"),
            follows_economy=options["economy"],
            asks_forecast=options["forecast"],
            grace_days=whole_number(options["grace_days"], "--grace-days"),
        )
        if options.get("threshold") is not None:
            try:
                occasion.forecast_threshold = Decimal(str(options["threshold"]).replace(",", "."))
            except InvalidOperation:
                raise ArgumentProblem(
                    f"--threshold: ange gränsen som ett tal, t.ex. 1 eller 0,5 "
                    f"(inte ”{options['threshold']}”)."
                ) from None
        services.occasion_save(actor=self.actor, occasion=occasion, plan_types=plan_types)
        self.done(
            f"Uppföljningstillfället ”{occasion.title}” är skapat (id {occasion.pk}). Lägg "
            "till stegen med styrhjul add-step.",
            {
                "id": occasion.pk,
                "name": occasion.title,
                "kind": occasion.kind,
                "period_end": occasion.period_end,
                "plan_types": [p.name for p in plan_types],
            },
        )
