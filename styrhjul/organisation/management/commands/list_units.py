"""`styrhjul list-units [--year ÅR] [--organisation KOD] [--json]`: the units
the user reads, in the tree's order, with ids, codes, types and validity."""

from styrhjul.core.commandline import year
from styrhjul.organisation import access
from styrhjul.organisation.commands import YearCommand
from styrhjul.organisation.models import Unit

COLUMNS = [
    ("id", "Id"),
    ("code", "Kod"),
    ("name", "Namn"),
    ("type", "Typ"),
    ("parent_code", "Överordnad"),
    ("valid_from", "Giltig från"),
    ("valid_to", "Giltig till"),
]


class Command(YearCommand):
    help = "Listar enheterna du får läsa i trädets ordning, med id, kod, typ och giltighet."

    def arguments(self, parser):
        parser.add_argument("--year", metavar="ÅR", help="Bara enheter som fanns under året.")

    def run(self, **options):
        organisation = self.organisation(options.get("organisation"))
        units = access.visible_to(
            self.actor,
            Unit.objects.descendants(organisation, include_self=True).select_related(
                "unit_type", "parent"
            ),
        )
        if options.get("year"):
            units = units.valid_in_year(year(options["year"]))
        rows = [
            {
                "id": u.pk,
                "code": u.code,
                "name": "  " * u.tree_depth + u.name if not self.as_json else u.name,
                "type": u.unit_type.name,
                "parent_code": u.parent.code if u.parent else None,
                "valid_from": u.valid_from,
                "valid_to": u.valid_to,
            }
            for u in units
        ]
        self.show(rows, COLUMNS, "Inga enheter.")
