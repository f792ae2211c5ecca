"""The sheet Uppdelningar of the plan file (planning.excel): the plan's
indicators' values per group of an uppdelning for the plan's unit, one row
per indicator, period and group. Exported with the plan and read back by
the plan import with the same rules as the breakdown import
(services.BreakdownRows), all or nothing with the rest of the file.

The indicators app is above planning, so it plugs the sheet in here
(IndicatorsConfig.ready registers this module with
planning.excel.extension)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from styrhjul.core.concurrency import EditConflict
from styrhjul.core.importing import ImportIssue
from styrhjul.core.spreadsheet import cell_text
from styrhjul.model.models import ItemKind
from styrhjul.planning.excel.cells import norm_key
from styrhjul.planning.models import Item

from . import services
from .models import BreakdownValue

sheet = "Uppdelningar"
columns = {"indicator": "Nyckeltal", **services.BREAKDOWN_COLUMNS}
required = [key for key in columns if key not in services.BREAKDOWN_OPTIONAL]
help = {  # as docs/import-plan.md has them
    "indicator": _(
        "Nyckeltalets Nr eller rubrik på bladet Nyckeltal (eller, om filen inte har det "
        "bladet, i planen). Ett nytt nyckeltal i samma fil går att ange; bär flera nyckeltal "
        "samma rubrik anges Nr."
    ),
    "year": _("År, 2000–2100."),
    "period": _(
        "Tom eller helår för helåret, annars månaden perioden slutar: augusti, 8 eller "
        "2025-08 (januari–november; december är helåret). Utan kolumnen gäller alla värden "
        "helåret."
    ),
    "dimension": _("En av organisationens uppdelningar, t.ex. Åldersgrupp."),
    "category": _("En av uppdelningens grupper, t.ex. 65+."),
    "value": _("Tal med decimalkomma eller decimalpunkt; högst 100 för ett nyckeltal i %."),
}


def _reference(item: Item) -> str:
    """How a row names its indicator: its Nr, else its title."""
    return item.number or item.title


def export_rows(unit, plan_type, items) -> list[list] | None:
    """The rows of the indicators' values per group for the unit, by
    indicator (in the plan's order), year, period and the uppdelning's
    order; None when the organisation has no uppdelningar (no sheet).
    `items` are the plan's indicators, as Items or as the export's rows
    (anything with a `pk`)."""
    if not services.dimensions_of(plan_type.model.organisation_id).exists():
        return None
    place = {item.pk: position for position, item in enumerate(items)}
    values = BreakdownValue.objects.filter(item__in=list(place), unit=unit).select_related(
        "item", "category__dimension"
    )
    rows = sorted(
        values,
        key=lambda v: (
            place[v.item_id],
            v.year,
            v.period,
            v.category.dimension.order,
            v.category.dimension.name,
            v.category.order,
            v.category_id,
        ),
    )
    return [
        [
            _reference(v.item),
            v.year,
            v.period or None,
            v.category.dimension.name,
            v.category.label,
            _number(v.value),
        ]
        for v in rows
    ]


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


class Planner:
    """Checks the sheet's rows (validate) and writes them (write) once the
    plan's items are saved. A row names its indicator by its Nr or its
    title on the sheet Nyckeltal (or, when the file has no such sheet, in
    the plan)."""

    def __init__(self, importer, table):
        self.importer = importer
        self.table = table
        self.rows: dict[tuple[str, int], list[services.BreakdownRow]] = {}
        self.targets: dict[tuple[str, int], object] = {}
        self.first_row: dict[tuple[str, int], int] = {}
        self.changed = 0

    def _indicators(self) -> tuple[dict[str, tuple], dict[str, list[tuple]]]:
        """Nr → target and title → targets of the indicators after the
        import: a planned row (its _Planned) or an item of the plan."""
        by_number: dict[str, tuple] = {}
        by_title: dict[str, list[tuple]] = {}
        claimed = set()
        for position, planned in enumerate(self.importer.planned):
            if planned.kind != ItemKind.INDICATOR:
                continue
            key = ("row", position)
            self.targets[key] = planned
            if planned.existing is not None:
                claimed.add(planned.existing.pk)
            number = norm_key(str(planned.value("number") or ""))
            if number:
                by_number.setdefault(number, key)
            title = norm_key(str(planned.value("title") or ""))
            if title:
                by_title.setdefault(title, []).append(key)
        for item in self.importer.items:
            if item.kind != ItemKind.INDICATOR or item.pk in claimed:
                continue
            key = ("item", item.pk)
            self.targets[key] = item
            if item.number:
                by_number.setdefault(norm_key(item.number), key)
            by_title.setdefault(norm_key(item.title), []).append(key)
        return by_number, by_title

    def validate(self) -> None:
        if self.table is None or not self.table.rows:
            return
        importer = self.importer
        checker = services.BreakdownRows(columns=columns, sheet=self.table.title)
        organisation_id = importer.plan_type.model.organisation_id
        by_number, by_title = self._indicators()
        for number, cells in self.table.rows:
            text = cell_text(cells.get("indicator"))
            target = None
            if not text:
                checker.error(number, "indicator", _("värde saknas."))
            elif norm_key(text) in by_number:
                target = by_number[norm_key(text)]
            elif len(by_title.get(norm_key(text), [])) == 1:
                target = by_title[norm_key(text)][0]
            elif by_title.get(norm_key(text)):
                checker.error(
                    number,
                    "indicator",
                    _("flera nyckeltal heter ”%(text)s”; ange nyckeltalets Nr.") % {"text": text},
                )
            else:
                checker.error(
                    number,
                    "indicator",
                    _(
                        "nyckeltalet ”%(text)s” finns inte i planen. Ange Nr eller rubrik för "
                        "ett nyckeltal på bladet Nyckeltal."
                    )
                    % {"text": text},
                )
            # A row whose indicator is not found is still checked (its other
            # errors shown too) but not kept.
            row = checker.read(
                number,
                cells,
                organisation_id=organisation_id,
                measure_unit=self._measure_unit(target) if target is not None else "",
                scope=(target if target is not None else ("?", norm_key(text)),),
            )
            if target is not None:
                self.first_row.setdefault(target, number)
                if row is not None:
                    self.rows.setdefault(target, []).append(row)
        for target in self.rows:
            item = self.targets[target]
            if isinstance(item, Item) or item.existing is not None:
                item = item if isinstance(item, Item) else item.existing
                if not services.may_edit_breakdown(importer.actor, item, importer.unit):
                    checker.error(
                        self.first_row[target],
                        "indicator",
                        _("du får inte ange värden per grupp för ”%(title)s” för %(unit)s.")
                        % {"title": item.title, "unit": importer.unit.name},
                    )
        importer.issues.items.extend(checker.errors)

    def _measure_unit(self, target) -> str:
        found = self.targets[target]
        if isinstance(found, Item):
            return found.measure_unit
        return str(found.value("measure_unit") or "")

    def write(self) -> None:
        importer = self.importer
        for target, rows in self.rows.items():
            found = self.targets[target]
            item = found if isinstance(found, Item) else found.item
            try:
                self.changed += services.store_breakdowns(
                    actor=importer.actor, item=item, unit=importer.unit, rows=rows
                )
            except PermissionDenied:
                message = _("du får inte ange värden per grupp för ”%(title)s” för %(unit)s.") % {
                    "title": item.title,
                    "unit": importer.unit.name,
                }
                self._fail(target, message)
            except EditConflict:
                self._fail(
                    target, _("någon annan ändrade värdena medan importen pågick. Försök igen.")
                )
            except ValidationError as exc:
                self._fail(target, " ".join(exc.messages))

    def _fail(self, target, message: str) -> None:
        self.importer.issues.items.append(
            ImportIssue(
                message,
                row=self.first_row.get(target),
                column=columns["indicator"],
                sheet=self.table.title,
            )
        )
