"""Goal references in the columns Mål and Bidrar till (målreferenser).

A cell names the goals an item contributes to, by Nr or, for a goal without
Nr, by title. The rule, shared by export and import so that what is written
reads back as the same goal:

1. The goals a cell can name are, in three groups: the goals of the plan
   itself (on the sheet Mål of the file, and the plan's goals the file does
   not list); the unit's other goals that year, in its other plans and
   shared to it; and the goals in the plans of the units above it that the
   user may read. A name that matches in an earlier group wins.
2. Within each group a name matches a goal's Nr; when no goal has that
   Nr, a goal's title. Case and runs of spaces do not matter.
   If several goals match, the one written exactly so (same case) wins;
   otherwise the reference is ambiguous and an error.
3. A cell may name several goals, one per line; a line that does not name a
   goal is split at semicolons.

The export writes a goal's Nr when the Nr names exactly that goal, else its
title when the title does, else the Nr (or title) anyway — the import then
reports the ambiguity rather than linking the wrong goal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from styrhjul.model.models import ItemKind, PlanType
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item

from .cells import long_text, norm_key

IN_PLAN = 0
ELSEWHERE = 1
ABOVE = 2


@dataclass(eq=False)
class GoalCandidate:
    """A goal a cell may name. `key` is the Item's pk, or the importer's
    planned row for a goal the import creates or changes."""

    key: object
    number: str
    title: str
    tier: int
    where: str
    item: Item | None = None

    def describe(self) -> str:
        name = f"{self.number} ”{self.title}”" if self.number else f"”{self.title}”"
        return f"{name} {self.where}"


class GoalIndex:
    def __init__(self, candidates: Iterable[GoalCandidate]):
        self.candidates = list(candidates)
        self._by_key = {c.key: c for c in self.candidates}
        self._tiers: dict[int, tuple[dict[str, list], dict[str, list]]] = {}
        for c in self.candidates:
            numbers, titles = self._tiers.setdefault(c.tier, ({}, {}))
            if c.number:
                numbers.setdefault(norm_key(c.number), []).append(c)
            titles.setdefault(norm_key(c.title), []).append(c)

    def __iter__(self):
        return iter(self.candidates)

    def get(self, key) -> GoalCandidate | None:
        return self._by_key.get(key)

    def resolve(self, token: str) -> list[GoalCandidate]:
        """The goals a name matches (see the module's rule)."""
        key = norm_key(token)
        if not key:
            return []
        exact = " ".join(token.split())
        for tier in sorted(self._tiers):
            numbers, titles = self._tiers[tier]
            for found, attr in ((numbers.get(key), "number"), (titles.get(key), "title")):
                if found:
                    if len(found) > 1:
                        same = [c for c in found if " ".join(getattr(c, attr).split()) == exact]
                        if len(same) == 1:
                            return same
                    return list(found)
        return []

    def resolve_cell(self, value) -> tuple[list[GoalCandidate], list[str]]:
        """(goals named, Swedish error messages) for one cell."""
        tokens: list[str] = []
        for line in long_text(value).split("\n"):
            line = line.strip()
            if not line:
                continue
            if self.resolve(line) or ";" not in line:
                tokens.append(line)
            else:
                tokens.extend(p.strip() for p in line.split(";") if p.strip())
        goals: list[GoalCandidate] = []
        errors: list[str] = []
        for token in tokens:
            found = self.resolve(token)
            if not found:
                errors.append(
                    _(
                        "det finns inget mål med Nr eller rubriken ”%(name)s”, varken i planen "
                        "eller bland enhetens övriga mål för året."
                    )
                    % {"name": token}
                )
            elif len(found) > 1:
                errors.append(
                    _("”%(name)s” kan vara flera mål: %(goals)s. Skriv målets rubrik i stället.")
                    % {"name": token, "goals": "; ".join(c.describe() for c in found)}
                )
            elif found[0] not in goals:
                goals.append(found[0])
        return goals, errors

    def reference(self, candidate: GoalCandidate) -> str:
        """The shortest name that reads back as this goal."""
        number = " ".join(candidate.number.split())
        title = " ".join(candidate.title.split())
        if number and self.resolve(number) == [candidate]:
            return number
        if self.resolve(title) == [candidate]:
            return title
        return number or title


def goals_elsewhere(
    *, actor, unit: Unit, plan_type: PlanType, items: bool = True
) -> list[GoalCandidate]:
    """Active goals of the same year outside the plan that the actor may read:
    in the unit's other plans and shared to the unit (tier ELSEWHERE), then
    in the plans of the units above it (tier ABOVE).

    With `items`, each candidate carries its Item (the import links to it);
    without, the goals are read as plain values (the export only names
    them). The units above come from the unit's tree path when it was read
    with its tree fields (views_excel.plan_export), else from the tree."""
    model_id = plan_type.model_id
    base = Item.objects.active().filter(kind=ItemKind.GOAL, plan__plan_type__model_id=model_id)
    own = base.filter(plan__unit=unit).exclude(plan__plan_type=plan_type)
    shared = (
        base.filter(shares__unit=unit, shares__ended_at__isnull=True)
        .exclude(plan__unit=unit)
        .distinct()
    )
    path = getattr(unit, "tree_path", None)
    if path:
        ancestors = [int(pk) for pk in path[:-1]]
    else:
        ancestors = list(Unit.objects.ancestors(unit).values_list("pk", flat=True))
    above = base.filter(plan__unit__in=ancestors)
    result: list[GoalCandidate] = []
    seen: set[int] = set()

    def rows(queryset):
        """(pk, number, title, the plan's unit id, unit name, plan type name,
        the Item or None) in the queryset's order."""
        if items:
            for item in queryset.select_related("plan__unit", "plan__plan_type"):
                plan = item.plan
                yield (
                    item.pk,
                    item.number,
                    item.title,
                    plan.unit_id,
                    plan.unit.name,
                    plan.plan_type.name,
                    item,
                )
        else:
            for row in queryset.values_list(
                "pk",
                "number",
                "title",
                "plan__unit_id",
                "plan__unit__name",
                "plan__plan_type__name",
            ):
                yield (*row, None)

    def add(row, tier: int, where: str) -> None:
        if row[0] not in seen:
            seen.add(row[0])
            result.append(GoalCandidate(row[0], row[1], row[2], tier, where, row[6]))

    ordering = ("plan__plan_type__order", "order", "pk")
    for row in rows(own.order_by(*ordering)):
        add(row, ELSEWHERE, _("i %(plan_type)s") % {"plan_type": row[5]})
    for row in rows(shared.order_by("pk")):
        # Shared to the unit: readable by whoever may read the unit.
        add(row, ELSEWHERE, _("delat från %(unit)s") % {"unit": row[4]})
    depth = {pk: index for index, pk in enumerate(reversed(ancestors))}  # nearest first
    readable_above = above.restrict(actor).order_by(*ordering)
    for row in sorted(rows(readable_above), key=lambda r: depth[r[3]]):
        add(
            row,
            ABOVE,
            _("i %(plan_type)s för %(unit)s") % {"plan_type": row[5], "unit": row[4]},
        )
    return result
