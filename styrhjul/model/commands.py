"""What the commands of the year's styrmodell share: the year's model that
--year names, and the parts named by --scale, --item-kinds and --unit-types."""

from __future__ import annotations

from django.db.models import Max

from styrhjul.core.commandline import ArgumentProblem, names, norm, year
from styrhjul.organisation.commands import YearCommand
from styrhjul.organisation.models import UnitType

from .models import GovernanceModel, ItemKind, Scale, ScaleKind

# --kind of add-scale: a word to type for each kind of scale.
SCALE_KINDS = {
    "aktivitetsstatus": ScaleKind.ACTIVITY_STATUS,
    "nyckeltal": ScaleKind.INDICATOR_ASSESSMENT,
    "maluppfyllelse": ScaleKind.GOAL_ASSESSMENT,
    "kontrollpunkter": ScaleKind.CONTROL_ASSESSMENT,
    "uppdrag": ScaleKind.ASSIGNMENT_STATUS,
}


class ModelCommand(YearCommand):
    """A command on one organisation's model for one year (--year)."""

    refused = "ändra styrmodellen"

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, metavar="ÅR", help="Styrmodellens år.")
        super().add_arguments(parser)

    def year_model(self, options) -> GovernanceModel:
        organisation = self.organisation(options.get("organisation"))
        wanted = year(options["year"])
        model = (
            GovernanceModel.objects.select_related("organisation")
            .filter(organisation=organisation, year=wanted)
            .first()
        )
        if model is None:
            raise ArgumentProblem(
                f"--year: det finns ingen styrmodell för {wanted} i {organisation.name}. "
                f"Skapa den med styrhjul create-year --year {wanted}."
            )
        self.refused = f"ändra styrmodellen {wanted} för {organisation.name}"
        return model


def next_order(queryset) -> int:
    """The order that puts a new part last: ten after the last."""
    return (queryset.aggregate(last=Max("order"))["last"] or 0) + 10


def item_kinds(value: str | list[str]) -> list[str]:
    """--item-kinds "Mål, Aktivitet" as item kinds (their Swedish names)."""
    by_name = {}
    for kind, label in ItemKind.choices:
        by_name[norm(label)] = kind
        by_name[norm(kind)] = kind
    kinds = []
    for name in names(value):
        if norm(name) not in by_name:
            known = ", ".join(str(label) for _k, label in ItemKind.choices)
            raise ArgumentProblem(f"--item-kinds: okänd posttyp ”{name}”. Posttyper: {known}.")
        if by_name[norm(name)] not in kinds:
            kinds.append(by_name[norm(name)])
    if not kinds:
        raise ArgumentProblem("--item-kinds: ange minst en posttyp, t.ex. ”Mål, Aktivitet”.")
    return kinds


def scale_kind(value: str) -> str:
    wanted = norm(value)
    for word, kind in SCALE_KINDS.items():
        if wanted in (word, norm(kind), norm(kind.label)):
            return kind
    raise ArgumentProblem(f"--kind: ange en av {', '.join(SCALE_KINDS)} (inte ”{value}”).")


def scale_by_name(model: GovernanceModel, name: str, option: str = "--scale") -> Scale:
    scales = list(model.scales.order_by("name"))
    for scale in scales:
        if norm(scale.name) == norm(name):
            return scale
    known = ", ".join(s.name for s in scales) or "inga"
    raise ArgumentProblem(
        f"{option}: det finns ingen skala som heter ”{name}” i styrmodellen {model.year}. "
        f"Skalor: {known}."
    )


def unit_types(value, option: str = "--unit-types") -> list[UnitType]:
    """Unit types by name (e.g. "Förvaltning, Enhet")."""
    known = list(UnitType.objects.order_by("order", "name"))
    chosen = []
    for name in names(value):
        match = [t for t in known if norm(t.name) in (norm(name),) or norm(t.plural) == norm(name)]
        if not match:
            listing = ", ".join(t.name for t in known) or "inga"
            raise ArgumentProblem(f"{option}: okänd enhetstyp ”{name}”. Enhetstyper: {listing}.")
        chosen.append(match[0])
    return chosen


def unit_type(value: str, option: str) -> UnitType:
    return unit_types(value, option)[0]
