"""Plans in Excel: the sheets' headers as the template has them, a workbook
from rows as a user fills one in, the import all or nothing, and the plan as
it stands, for comparing before and after."""

from __future__ import annotations

import io

import openpyxl
import pytest

from styrhjul.core.importing import ImportRejected
from styrhjul.organisation import access
from styrhjul.planning.excel import import_file
from styrhjul.planning.models import Item, ItemLink, Plan
from styrhjul.planning.services import ITEM_FIELDS

GOAL_HEADER = ["Nr", "Perspektiv", "Målnivå", "Mål", "Beskrivning", "Bidrar till", "Ansvarig"]
INDICATOR_HEADER = [
    "Nr",
    "Perspektiv",
    "Mål",
    "Nyckeltal",
    "Beskrivning",
    "Måttenhet",
    "Riktning",
    "Källa",
    "Kolada-id",
    "Rapporteras av",
    "Periodicitet",
    "Utgångsår",
    "Utgångsvärde",
    "Målår",
    "Målvärde",
    "Nära målvärde inom",
    "Könsuppdelat",
]
ACTIVITY_HEADER = [
    "Nr",
    "Perspektiv",
    "Mål",
    "Aktivitet",
    "Beskrivning",
    "Ansvarig",
    "Startdatum",
    "Slutdatum",
]
ASSIGNMENT_HEADER = ["Nr", "Uppdrag", "Beskrivning", "Givet av", "Ansvarig", "Slutdatum"]
CONTROL_HEADER = [
    "Område",
    "Nr",
    "Process/rutin/system",
    "Risk",
    "Sannolikhet",
    "Konsekvens",
    "Kontrollmoment",
    "Kontrollmetod",
    "Frekvens",
    "Ansvarig",
]
# The export's columns: the process category (Processkategori) after Område too.
CONTROL_EXPORT_HEADER = [CONTROL_HEADER[0], "Processkategori", *CONTROL_HEADER[1:]]


def workbook(sheets: dict) -> bytes:
    """An .xlsx file with a sheet per name and its rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, as a user types it with a leading '
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_plan(data, unit, plan_type, actor=access.SYSTEM, **kwargs):
    """The file imported into the unit's plan, as uploaded under the name plan.xlsx."""
    return import_file(
        actor=actor, unit=unit, plan_type=plan_type, data=data, filename="plan.xlsx", **kwargs
    )


def rejected(data, unit, plan_type, actor=access.SYSTEM, **kwargs):
    """The errors of an import that must be refused."""
    with pytest.raises(ImportRejected) as info:
        import_plan(data, unit, plan_type, actor, **kwargs)
    return info.value.errors


def history_rows() -> int:
    return Item.history.count() + ItemLink.history.count() + Plan.history.count()


def _name(target: Item):
    return (target.kind, target.number or target.title)


def snapshot(plan: Plan) -> list:
    """Every active item of the plan: its fields (relations by name) and
    the items it contributes to (by kind and Nr or title)."""
    result = []
    for it in plan.items.active().select_related("perspective", "level", "responsible"):
        fields = {}
        for name in ITEM_FIELDS:
            value = getattr(it, name)
            if name in ("perspective", "level"):
                value = value.name if value else None
            elif name == "responsible":
                value = value.email if value else None
            fields[name] = value
        links = sorted(_name(t) for t in it.contributes_to.all())
        result.append((it.kind, fields, links))
    return sorted(result, key=lambda r: (r[0], r[1]["number"], r[1]["title"]))
