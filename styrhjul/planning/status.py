"""The latest reported status of items, shown where the items are (the plan,
the item page with its red thread, the goal tree). What counts as reported
is follow-up's (followup/readmodel.py), and follow-up is above planning, so
it plugs the answer in here (followup.apps registers followup.item_status
when the apps are ready) and the planning pages show it without planning
importing follow-up. Without a registered source the pages show no status."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """What a unit last reported on an item: at the latest occasion (by the
    end of its period) where the item has its main answer."""

    label: str  # the status or assessment chosen, else "Rapporterad"
    symbol: str  # the scale value's symbol ("" without a scale value)
    colour: str  # the scale value's colour ("" without a scale value)
    completion: int | None  # färdighetsgrad (%)
    comment: str  # the comment, else the analysis
    outcome: str  # an indicator's outcome for the occasion's period, written out ("84,2 %")
    occasion: str  # the occasion's title, e.g. "Delårsrapport 2025"
    reported_on: datetime.date | None  # when the report was last saved (None: an outcome only)


# (viewer, [(unit id, item pk)], comment_chars) → {(unit id, item pk): ItemStatus}
# for the pairs with a report the viewer may read.
Source = Callable[[object, list[tuple[int, int]], int | None], dict[tuple[int, int], ItemStatus]]

# The comment in a tree (the plan, the red thread) is cut after this many
# characters; the item page shows it whole and the goal tree not at all
# (docs/uppfoljning.md, "Status där posten är").
TREE_COMMENT_CHARS = 160

_source: Source | None = None


def register(source: Source | None) -> None:
    global _source
    _source = source


def latest(
    user, pairs: Iterable[tuple[int, int]], *, comment_chars: int | None = None
) -> dict[tuple[int, int], ItemStatus]:
    """(unit id, item pk) → the latest status the unit reported on the item,
    for the pairs the viewer may read a report of; a fixed number of
    queries however many pairs. `comment_chars`: the comment whole (None),
    left out (0), or only its first characters (enough to tell that it goes
    on), so that the texts a page does not show are not loaded."""
    pairs = sorted(set(pairs))
    if _source is None or not pairs:
        return {}
    return _source(user, pairs, comment_chars)
