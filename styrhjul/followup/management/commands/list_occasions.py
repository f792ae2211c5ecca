"""`styrhjul list-occasions [--year ÅR] [--organisation KOD] [--steps] [--json]`:
the year wheel's occasions the user reads, with their ids (and steps)."""

from styrhjul.core.commandline import year
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation.commands import YearCommand


class Command(YearCommand):
    help = "Listar uppföljningstillfällena med id, typ, period, status och plantyper."

    def arguments(self, parser):
        parser.add_argument("--year", metavar="ÅR", help="Bara årets (annars alla år).")
        parser.add_argument(
            "--steps", action="store_true", help="Med stegen: nivå, startdatum och tidsfrist."
        )

    def run(self, **options):
        organisation = self.organisation(options.get("organisation"))
        occasions = (
            FollowUpOccasion.objects.filter(model__organisation=organisation)
            .select_related("model")
            .prefetch_related("plan_types", "steps__unit_type")
            .order_by("model__year", "period_end", "name")
        )
        if options.get("year"):
            occasions = occasions.filter(model__year=year(options["year"]))
        rows = []
        for o in occasions:
            row = {
                "id": o.pk,
                "name": o.title,
                "year": o.model.year,
                "kind": o.get_kind_display(),
                "period_end": o.period_end,
                "status": o.get_status_display(),
                "plan_types": [p.name for p in o.plan_types.all()],
                "economy": o.follows_economy,
            }
            if options["steps"]:
                row["steps"] = [
                    {
                        "id": s.pk,
                        "name": s.name,
                        "level": s.unit_type.name if s.unit_type else None,
                        "start": s.start,
                        "deadline": s.deadline,
                    }
                    for s in o.steps.all()
                ]
            rows.append(row)
        if options["steps"] and not self.as_json:
            self._with_steps(rows)
            return
        self.show(rows, COLUMNS, "Inga uppföljningstillfällen.")

    def _with_steps(self, rows):
        lines = []
        for row in rows:
            lines.append({**row, "step": "", "level": "", "start": "", "deadline": ""})
            for s in row["steps"]:
                lines.append(
                    {
                        "step": s["name"],
                        "level": s["level"] or "(milstolpe)",
                        "start": s["start"],
                        "deadline": s["deadline"],
                    }
                )
        self.show(lines, [*COLUMNS, *STEP_COLUMNS], "Inga uppföljningstillfällen.")


COLUMNS = [
    ("id", "Id"),
    ("name", "Namn"),
    ("kind", "Typ"),
    ("period_end", "Avser t.o.m."),
    ("status", "Status"),
    ("plan_types", "Plantyper"),
    ("economy", "Ekonomi"),
]
STEP_COLUMNS = [("step", "Steg"), ("level", "Nivå"), ("start", "Start"), ("deadline", "Tidsfrist")]
