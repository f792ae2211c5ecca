"""The year's own sections of a document (followup.sections) in the
delårsrapport, årsredovisning and Månadsrapport: placed among the built-in
sections by their order numbers (layout.with_own_sections), each with what
the document's unit wrote first and then what the units below it wrote, in
the organisation's order."""

from __future__ import annotations

from dataclasses import dataclass, replace

from styrhjul.followup.models import FollowUpOccasion
from styrhjul.followup.sections import compiled_sections
from styrhjul.organisation.models import Unit

from .layout import Layout, with_own_sections
from .models import paragraphs


@dataclass
class OwnText:
    """What one unit wrote in an own section."""

    unit_name: str
    paragraphs: list[str]
    compiling: bool  # the document's own unit: printed first, without its name


def with_own_texts(
    layout: Layout, unit: Unit, occasion: FollowUpOccasion, document: str
) -> tuple[Layout, dict[str, list[OwnText]]]:
    """The layout with the year's own sections of the document among the
    built-in ones, and what the unit and the units below it wrote in them:
    key → [OwnText] (empty: nobody wrote it, and the document leaves it
    out). Three queries; none more when the year has no own sections."""
    found = compiled_sections(unit, occasion, document)
    if not found:
        return layout, {}
    contents = with_own_sections(
        layout.contents, layout.stored, [(order, s.key, s.heading) for order, s in found]
    )
    own = {
        s.key: [
            OwnText(w.unit.name, paragraphs(w.text), w.unit.pk == unit.pk)
            for w in s.texts
            if paragraphs(w.text)
        ]
        for _order, s in found
    }
    return replace(layout, contents=contents), own
