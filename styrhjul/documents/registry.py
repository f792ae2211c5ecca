"""The documents Styrhjul makes, by name, for the command, the pages and
the background jobs: what each is built from and which formats it has."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from styrhjul.followup.models import FollowUpOccasion
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Plan

from .internal_control import DocumentError
from .layout import DOCUMENTS

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class DocumentType:
    key: str
    label: str
    formats: tuple[str, ...]


# Every document type in PDF, Word and Excel, named as in layout.DOCUMENTS.
TYPES = {
    key: DocumentType(key, spec.label, ("pdf", "docx", "xlsx")) for key, spec in DOCUMENTS.items()
}


@dataclass
class Built:
    title: str
    filename: str
    data: bytes
    read_at: datetime.datetime


def internal_control_plan(unit: Unit, occasion: FollowUpOccasion) -> Plan:
    plan = (
        Plan.objects.filter(
            unit=unit,
            plan_type__model=occasion.model,
            plan_type__in=occasion.plan_types.all(),
        )
        .select_related("unit", "plan_type__model")
        .order_by("plan_type__order")
    )
    for candidate in plan:
        if candidate.plan_type.holds(ItemKind.CONTROL_POINT):
            return candidate
    raise DocumentError(
        f"{unit.name} har ingen plan med kontrollpunkter som {occasion.title} följer upp."
    )


def available(unit: Unit, occasion: FollowUpOccasion) -> list[DocumentType]:
    """The document types that make sense for the unit at the occasion: the
    ones the documents page offers and the only ones that may be ordered
    (the page and the API alike)."""
    kinds = {k for pt in occasion.plan_types.all() for k in pt.item_kinds}
    result = []
    if ItemKind.GOAL in kinds:
        main = "arsredovisning" if occasion.kind == "annual" else "delarsrapport"
        result.append(TYPES[main])
    if ItemKind.ACTIVITY in kinds:
        result.append(TYPES["uppfoljning"])
    if ItemKind.CONTROL_POINT in kinds:
        try:
            internal_control_plan(unit, occasion)
        except DocumentError:
            pass
        else:
            result.append(TYPES["internkontrollrapport"])
    from .monthly import has_economy

    if has_economy(unit, occasion):
        result.append(TYPES["manadsrapport"])
    return result


def build(document: str, unit: Unit, occasion: FollowUpOccasion, *, options=None, reader=None):
    """The document's data structure (read from the database now), for
    `reader` when known (the person it is made for)."""
    options = options or {}
    if document in ("delarsrapport", "arsredovisning"):
        from . import annual

        return annual.build(unit, occasion, kind=document, reader=reader)
    if document == "uppfoljning":
        from . import followup_by_date

        return followup_by_date.build(unit, occasion)
    if document == "manadsrapport":
        from . import monthly

        return monthly.build(unit, occasion)
    if document == "internkontrollrapport":
        from . import internal_control

        plan = options.get("plan")
        plan = (
            Plan.objects.select_related("unit", "plan_type__model").get(pk=plan)
            if plan
            else internal_control_plan(unit, occasion)
        )
        return internal_control.build(plan, occasion, group_by=options.get("per", "omrade"))
    raise DocumentError(f"Okänt dokument: {document}.")


def render(document: str, report, fmt: str) -> tuple[bytes, str]:
    """(the file, its name)."""
    if fmt not in TYPES[document].formats and fmt != "html":
        raise DocumentError(f"{TYPES[document].label} finns inte som {fmt}.")
    if document in ("delarsrapport", "arsredovisning"):
        from . import annual_render

        return annual_render.render(report, fmt), annual_render.filename(report, fmt)
    if document == "uppfoljning":
        from . import followup_by_date

        return followup_by_date.render(report, fmt), followup_by_date.filename(report, fmt)
    if document == "manadsrapport":
        from . import monthly_render

        return monthly_render.render(report, fmt), monthly_render.filename(report, fmt)
    from . import internal_control

    return internal_control.render(report, fmt), internal_control.filename(report, fmt)


def make(document: str, unit: Unit, occasion: FollowUpOccasion, fmt: str, *, options=None) -> Built:
    read_at = timezone.now()
    report = build(document, unit, occasion, options=options)
    data, name = render(document, report, fmt)
    return Built(getattr(report, "title", TYPES[document].label), name, data, read_at)
