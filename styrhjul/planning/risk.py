"""Risk analysis of a plan's control points: probability × consequence on a
1–4 scale each, the risk value (their product), its band, and the matrix.

The scale labels are constants for now; making the scale size and labels
configurable per governance model is a later step."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from styrhjul.model.models import ItemKind

from .models import Item, Plan

SCALE = (1, 2, 3, 4)

PROBABILITY_LABELS = {
    1: _("Osannolik"),
    2: _("Mindre sannolik"),
    3: _("Möjlig"),
    4: _("Sannolik"),
}
CONSEQUENCE_LABELS = {
    1: _("Försumbar"),
    2: _("Lindrig"),
    3: _("Kännbar"),
    4: _("Allvarlig"),
}

# Bands of the risk value (1–16). On a 4×4 matrix this gives 5 low cells
# (1–3), 7 medium (4, 6, 8) and 4 high (9, 12, 16): a risk is high when both
# probability and consequence are at least 3. The band's colour is never the
# only carrier: its name is written in every cell and in the list.
BANDS = (
    # (key, label, lowest value, highest value)
    ("low", _("låg"), 1, 3),
    ("medium", _("medel"), 4, 8),
    ("high", _("hög"), 9, 16),
)

HANDLING_CONTROL = "control"
HANDLING_OTHER = "other"

# Sort orders of the risk list: the query parameter ?sortera= and the
# aria-sort value of its column.
SORTS = {"varde": "descending", "nr": "ascending", "omrade": "ascending"}
DEFAULT_SORT = "varde"


def band(value: int | None) -> tuple[str, str] | None:
    """(key, label) of the band a risk value falls in, None when unassessed."""
    if not value:
        return None
    for key, label, low, high in BANDS:
        if low <= value <= high:
            return key, str(label)
    return None


def _natural(text: str) -> tuple:
    """Sort key so that "K2" comes before "K10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", text or "")
        if part
    )


@dataclass
class Risk:
    item: Item
    value: int | None
    band_key: str | None
    band_label: str | None

    @property
    def probability_label(self) -> str:
        return str(PROBABILITY_LABELS.get(self.item.probability, ""))

    @property
    def consequence_label(self) -> str:
        return str(CONSEQUENCE_LABELS.get(self.item.consequence, ""))


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

    @property
    def assessed_count(self) -> int:
        return len(self.risks) - len(self.unassessed)


def control_points(plan: Plan):
    """The plan's active control points (one query)."""
    return (
        Item.objects.active()
        .filter(plan=plan, kind=ItemKind.CONTROL_POINT)
        .only(
            "pk",
            "plan_id",
            "kind",
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
        )
        .order_by("order", "pk")
    )


def sort_risks(risks: list[Risk], sort: str) -> list[Risk]:
    by_number = sorted(risks, key=lambda r: (_natural(r.item.number), r.item.title.lower()))
    if sort == "nr":
        return by_number
    if sort == "omrade":
        return sorted(by_number, key=lambda r: (not r.item.area, r.item.area.lower()))
    # Highest value first; unassessed last.
    return sorted(by_number, key=lambda r: -(r.value or 0))


def analyse(items, sort: str = DEFAULT_SORT) -> Analysis:
    """The matrix, the unassessed risks and the sorted risk list."""
    if sort not in SORTS:
        sort = DEFAULT_SORT
    risks = []
    for item in items:
        value = item.risk_value
        key_label = band(value)
        risks.append(Risk(item, value, *(key_label or (None, None))))
    cells = {}
    rows = []
    for p in reversed(SCALE):
        row_cells = []
        for c in SCALE:
            key, label = band(p * c)
            cell = Cell(p, c, p * c, key, label)
            cells[p, c] = cell
            row_cells.append(cell)
        rows.append(Row(p, str(PROBABILITY_LABELS[p]), row_cells))
    unassessed = []
    for r in sort_risks(risks, "nr"):
        cell = cells.get((r.item.probability, r.item.consequence))
        if cell is None:
            unassessed.append(r)
        else:
            cell.risks.append(r)
    return Analysis(
        risks=sort_risks(risks, sort),
        rows=rows,
        consequences=[(c, str(CONSEQUENCE_LABELS[c])) for c in SCALE],
        unassessed=unassessed,
        sort=sort,
    )
