"""`styrhjul list-plans [--year ÅR] [--unit KOD] [--organisation KOD] [--json]`:
the plans the user reads, with their ids, units, plan types and item counts."""

from django.db.models import Count, Q

from styrhjul.core.commandline import year
from styrhjul.organisation import access
from styrhjul.organisation.commands import YearCommand
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Plan

COLUMNS = [
    ("id", "Id"),
    ("year", "År"),
    ("plan_type", "Plantyp"),
    ("unit_code", "Enhetskod"),
    ("unit", "Enhet"),
    ("items", "Poster"),
]


class Command(YearCommand):
    help = "Listar planerna du får läsa med id, år, plantyp, enhet och antal poster."

    def arguments(self, parser):
        parser.add_argument("--year", metavar="ÅR", help="Bara årets (annars alla år).")
        parser.add_argument("--unit", metavar="KOD", help="Bara enhetens.")

    def run(self, **options):
        organisation = self.organisation(options.get("organisation"))
        plans = access.visible_to(
            self.actor,
            Plan.objects.filter(unit__in=Unit.objects.descendants(organisation, include_self=True)),
            unit_field="unit",
        )
        if options.get("year"):
            plans = plans.filter(plan_type__model__year=year(options["year"]))
        if options.get("unit"):
            plans = plans.filter(unit=self.unit(options["unit"]))
        plans = (
            plans.select_related("unit", "plan_type__model")
            .annotate(item_count=Count("items", filter=Q(items__archived_at__isnull=True)))
            .order_by("plan_type__model__year", "plan_type__order", "plan_type__name", "unit__name")
        )
        rows = [
            {
                "id": p.pk,
                "year": p.plan_type.model.year,
                "plan_type": p.plan_type.name,
                "unit_code": p.unit.code,
                "unit": p.unit.name,
                "items": p.item_count,
            }
            for p in plans
        ]
        self.show(rows, COLUMNS, "Inga planer.")
