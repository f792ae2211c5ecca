"""Risk analysis of a plan's control points: probability × consequence on
the governance model's risk scale (4×4 by default, model/riskscale.py), the
risk value (their product), its band, and the matrix.

A band's colour is never the only carrier: its name is written in every
cell and in the list."""

from __future__ import annotations

from dataclasses import dataclass, field

from styrhjul.model.models import ItemKind
from styrhjul.model.riskscale import RiskScale

from .models import Item, ItemShare, Plan, risk_value
from .numbering import natural_key

HANDLING_CONTROL = "control"
HANDLING_OTHER = "other"

# Sort orders of the risk list: the query parameter ?sortera= and the
# aria-sort value of its column.
SORTS = {"varde": "descending", "nr": "ascending", "omrade": "ascending"}
DEFAULT_SORT = "varde"


@dataclass(slots=True)
class ControlPoint:
    """A control point as the risk analysis shows it: the fields it reads
    as plain values (control_points), no model instance per point."""

    pk: int
    plan_id: int
    number: str
    title: str
    area: str
    process: str
    risk: str
    probability: int | None
    consequence: int | None
    risk_handling: str
    risk_handling_reason: str
    version: int
    order: int
    owner_name: str  # the name of the unit whose plan holds the point

    @property
    def risk_value(self) -> int | None:
        return risk_value(self.probability, self.consequence)

    def get_risk_handling_display(self) -> str:
        """Item.get_risk_handling_display."""
        choices = dict(Item._meta.get_field("risk_handling").flatchoices)
        return str(choices.get(self.risk_handling, self.risk_handling))


@dataclass
class Risk:
    item: ControlPoint
    value: int | None
    band_key: str | None
    band_label: str | None
    probability_label: str = ""
    consequence_label: str = ""
    shared_from: str = ""  # the owning unit's name when the item is shared to the plan


@dataclass
class Cell:
    probability: int
    consequence: int
    value: int
    band_key: str
    band_label: str
    risks: list[Risk] = field(default_factory=list)


@dataclass
class Row:
    probability: int
    label: str
    cells: list[Cell]


@dataclass
class Analysis:
    risks: list[Risk]
    rows: list[Row]  # highest probability first
    consequences: list[tuple[int, str]]
    unassessed: list[Risk]
    sort: str
    scale: RiskScale

    @property
    def assessed_count(self) -> int:
        return len(self.risks) - len(self.unassessed)


def control_points(plan: Plan) -> list[ControlPoint]:
    """The plan's active control points and those shared to it (one query),
    each with its unit's name (`owner_name`), as plain values.

    Two halves of a UNION ALL, each through its own index (the plan's items,
    the shares into the plan), not an OR that reads every year's items. By
    id, not through a join on the shares: an own point shared to several
    units would otherwise come back once per share. An item is shared only
    to units below its own, so the halves never overlap."""
    fields = (
        "pk",
        "plan_id",
        "number",
        "title",
        "area",
        "process",
        "risk",
        "probability",
        "consequence",
        "risk_handling",
        "risk_handling_reason",
        "version",
        "order",
        "plan__unit__name",
    )
    points = Item.objects.active().filter(kind=ItemKind.CONTROL_POINT)
    shared_ids = ItemShare.objects.filter(plan=plan, ended_at__isnull=True).values("item_id")
    own = points.filter(plan=plan).values_list(*fields).order_by()
    shared = points.filter(pk__in=shared_ids).values_list(*fields).order_by()
    rows = own.union(shared, all=True).order_by("order", "pk")
    return [ControlPoint(*row) for row in rows]


def sort_risks(risks: list[Risk], sort: str) -> list[Risk]:
    by_number = sorted(risks, key=lambda r: (natural_key(r.item.number), r.item.title.lower()))
    return _sorted_from_number(by_number, sort)


def _sorted_from_number(by_number: list[Risk], sort: str) -> list[Risk]:
    """sort_risks of risks already sorted by number."""
    if sort == "nr":
        return by_number
    if sort == "omrade":
        return sorted(by_number, key=lambda r: (not r.item.area, r.item.area.lower()))
    # Highest value first; unassessed last.
    return sorted(by_number, key=lambda r: -(r.value or 0))


def analyse(
    items, scale: RiskScale, sort: str = DEFAULT_SORT, plan: Plan | None = None
) -> Analysis:
    """The matrix, the unassessed risks and the sorted risk list of
    `control_points(plan)`. Items of other plans than `plan` are marked as
    shared to it."""
    if sort not in SORTS:
        sort = DEFAULT_SORT
    risks = []
    for item in items:
        value = item.risk_value
        key_label = scale.band(value)
        shared_from = item.owner_name if plan is not None and item.plan_id != plan.pk else ""
        risks.append(
            Risk(
                item,
                value,
                *(key_label or (None, None)),
                probability_label=scale.probability_label(item.probability),
                consequence_label=scale.consequence_label(item.consequence),
                shared_from=shared_from,
            )
        )
    cells = {}
    rows = []
    for p in range(scale.probability_steps, 0, -1):
        row_cells = []
        for c in range(1, scale.consequence_steps + 1):
            key, label = scale.band(p * c)
            cell = Cell(p, c, p * c, key, label)
            cells[p, c] = cell
            row_cells.append(cell)
        rows.append(Row(p, scale.probability_label(p), row_cells))
    unassessed = []
    by_number = sort_risks(risks, "nr")
    for r in by_number:
        cell = cells.get((r.item.probability, r.item.consequence))
        if cell is None:
            unassessed.append(r)
        else:
            cell.risks.append(r)
    return Analysis(
        risks=_sorted_from_number(by_number, sort),
        rows=rows,
        consequences=[
            (c, scale.consequence_label(c)) for c in range(1, scale.consequence_steps + 1)
        ],
        unassessed=unassessed,
        sort=sort,
        scale=scale,
    )
