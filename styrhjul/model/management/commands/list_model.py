"""`styrhjul list-model --year ÅR [--organisation KOD] [--json]`: the year's
styrmodell part by part (perspectives, goal levels, scales with their
values, plan types) with their ids and order."""

from styrhjul.core.commandline import text_value
from styrhjul.model.commands import ModelCommand
from styrhjul.model.models import ItemKind
from styrhjul.model.services_config import KIND_SCALES

COLUMNS = [
    ("part", "Del"),
    ("id", "Id"),
    ("name", "Namn"),
    ("order", "Ordning"),
    ("details", "Uppgifter"),
]


class Command(ModelCommand):
    help = (
        "Listar årets styrmodell: perspektiv, målnivåer, skalor med värden och plantyper, "
        "med id och ordning."
    )

    def run(self, **options):
        model = self.year_model(options)
        kinds = dict(ItemKind.choices)
        rows = []
        for p in model.perspectives.order_by("order", "name"):
            rows.append({"part": "Perspektiv", "id": p.pk, "name": p.name, "order": p.order})
        for level in model.levels.prefetch_related("unit_types").order_by("order", "name"):
            types = [t.name for t in level.unit_types.all()] or ["alla enhetstyper"]
            rows.append(
                {
                    "part": "Målnivå",
                    "id": level.pk,
                    "name": level.name,
                    "order": level.order,
                    "details": ", ".join(types)
                    + ("" if level.assesses else "; beskriver utan bedömning"),
                }
            )
        for scale in model.scales.prefetch_related("values").order_by("kind", "name"):
            rows.append(
                {
                    "part": "Skala",
                    "id": scale.pk,
                    "name": scale.name,
                    "details": scale.get_kind_display(),
                }
            )
            for v in scale.values.all():
                marks = [v.colour]
                if v.comment_required:
                    marks.append("kommentar krävs")
                if v.counts_as_done:
                    marks.append("räknas som klar")
                rows.append(
                    {
                        "part": "  Skalvärde",
                        "id": v.pk,
                        "name": v.label,
                        "order": v.order,
                        "details": ", ".join(marks),
                    }
                )
        for pt in model.plan_types.select_related(
            *[field for field, _kind in KIND_SCALES.values()]
        ).order_by("order", "name"):
            scales = [
                f"{kinds[kind]}: {getattr(pt, field)}"
                for kind, (field, _scale_kind) in KIND_SCALES.items()
                if kind in pt.item_kinds
            ]
            rows.append(
                {
                    "part": "Plantyp",
                    "id": pt.pk,
                    "name": pt.name,
                    "order": pt.order,
                    "details": text_value(scales),
                }
            )
        if self.as_json:
            for row in rows:
                row["part"] = row["part"].strip()
        self.show(rows, COLUMNS, "Styrmodellen är tom.")
