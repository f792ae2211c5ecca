"""Writing a plan to Excel (exportera plan), and the import template.

The export has one sheet per item kind the plan type holds with the plan's
active items, a read-only sheet "Delat till enheten" with the items shared
to the unit from above (when there are any), and a sheet "Instruktioner".
It reads back with the importer as the same plan."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.utils.text import slugify
from django.utils.translation import gettext as _

from styrhjul.core.cycles import collection_paused
from styrhjul.core.spreadsheet import (
    DATE_FORMAT,
    HEADER_FORMAT,
    cell_format,
    new_workbook,
    set_margins,
    set_widths,
    write_cell,
    write_header,
)
from styrhjul.model.models import GoalLevel, ItemKind, Perspective, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.forms import targets_text
from styrhjul.planning.models import (
    Direction,
    IndicatorSource,
    IndicatorTarget,
    ItemLink,
    ItemShare,
    Periodicity,
    Plan,
    ReportedBy,
)

from . import columns as col
from .columns import Column, Sheet, choice_label_of, choice_labels, sheets_for
from .extension import breakdowns as plan_breakdowns
from .extension import results as plan_results
from .goals import IN_PLAN, GoalCandidate, GoalIndex, goals_elsewhere

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPARE_ROWS = 1000  # rows below the data that get drop-downs
# The characters of a drop-down's values written in the rule itself (Excel's
# limit); longer lists stand on the hidden sheet Listor.
LIST_LENGTH = 255


def export_filename(unit: Unit, plan_type: PlanType) -> str:
    return slugify(f"{plan_type.name} {plan_type.model.year} {unit.name}") + ".xlsx"


def template_filename(plan_type: PlanType) -> str:
    return slugify(f"mall {plan_type.name} {plan_type.model.year}") + ".xlsx"


def person_text(user, text: str) -> str:
    """Ansvarig as written to the file: the user's e-mail address (else full
    name, else user name), or the function as text."""
    if user is not None:
        return user.email or user.get_full_name() or user.username
    return text


class _Book:
    """The XlsxWriter workbook being written and its formats, each made once
    (the house style: core.spreadsheet)."""

    def __init__(self, title: str):
        self.workbook, self.buffer = new_workbook({"title": title, "author": "Styrhjul"})
        self.title = title
        self._formats: dict = {}

    def format(self, properties: dict | None):
        if not properties:
            return None
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def sheet(self, name: str):
        sheet = self.workbook.add_worksheet(name)
        set_margins(sheet)
        return sheet

    def header_row(self, sheet, headers) -> None:
        """The header row in the house style, kept in view."""
        write_header(sheet, headers, self.format(HEADER_FORMAT))

    def close(self) -> bytes:
        self.workbook.close()
        return self.buffer.getvalue()


class _Styrmodell:
    """What the file names of the plan type's styrmodell, read once for the
    drop-downs, the example rows and the sheet Instruktioner: the
    perspectives' names, the goal levels (with the unit types each applies
    to, which the instructions name, when the plan type holds goals) and
    the labels of the plan type's scales."""

    def __init__(self, plan_type: PlanType):
        self.plan_type = plan_type
        model = plan_type.model
        self.perspectives = list(
            Perspective.objects.filter(model=model).values_list("name", flat=True)
        )
        levels = GoalLevel.objects.filter(model=model)
        if plan_type.holds(ItemKind.GOAL):
            levels = levels.prefetch_related("unit_types")
        self.levels = list(levels)
        self._scales: dict[tuple[str, str], list[str]] = {}

    def scale_labels(self, kind: str, field: str) -> list[str]:
        """The labels of the scale of a kind's "status" or "assessment"."""
        if (kind, field) not in self._scales:
            self._scales[kind, field] = plan_results().scale_labels(self.plan_type, kind, field)
        return self._scales[kind, field]


class _Lists:
    """The hidden sheet with the values of the drop-downs, written last."""

    def __init__(self, styrmodell: _Styrmodell):
        self.styrmodell = styrmodell
        self.ranges: dict[str, str] = {}
        self.columns: list[tuple[str, list]] = []  # (header, values) per column of the sheet
        self.values = {
            "perspective": styrmodell.perspectives,
            "level": [lvl.name for lvl in styrmodell.levels],
            "direction": choice_labels(Direction),
            "source": choice_labels(IndicatorSource),
            "reported_by": choice_labels(ReportedBy),
            "periodicity": choice_labels(Periodicity),
            "gender_split": [col.YES, col.NO],
        }
        scale = styrmodell.plan_type.model.risk_scale
        # The drop-downs of Sannolikhet and Konsekvens follow the model's risk scale.
        self.highs = {
            "probability": scale.probability_steps,
            "consequence": scale.consequence_steps,
        }

    def range_for(self, column: Column, kind: str) -> str | None:
        key = column.key if column.key in self.values else None
        header = column.header
        if column.cell in (col.STATUS, col.ASSESSMENT):
            # The scale of the sheet's kind: a list per kind and field.
            key = f"{column.key}:{kind}"
            header = f"{column.header} ({col.SHEETS[kind].name})"
            if key not in self.values:
                self.values[key] = self.styrmodell.scale_labels(kind, column.key)
        if key is None or not self.values[key]:
            return None
        return self.range_of(key, header, self.values[key])

    def range_of(self, key: str, header: str, values: list) -> str:
        """The cells of the sheet that hold `values` under `header`, as a
        drop-down's source; written once per key."""
        if key not in self.ranges:
            from openpyxl.utils import get_column_letter, quote_sheetname

            self.columns.append((header, values))
            letter = get_column_letter(len(self.columns))
            last = len(values) + 1
            self.ranges[key] = f"{quote_sheetname(col.LISTS_SHEET)}!${letter}$2:${letter}${last}"
        return self.ranges[key]

    def write(self, book: _Book) -> None:
        if not self.columns:
            return
        sheet = book.sheet(col.LISTS_SHEET)
        sheet.hide()
        for index, (header, values) in enumerate(self.columns):
            for row, value in enumerate([header, *values]):
                write_cell(sheet, row, index, value)


def _validations(sheet, spec: Sheet, lists: _Lists, last_row: int) -> None:
    for index, column in enumerate(spec.columns):
        high = lists.highs.get(column.key, column.high)
        if column.cell == col.INTEGER and column.low is not None and high is not None:
            source: list[str] | str = [str(n) for n in range(column.low, high + 1)]
            if len(",".join(source)) > LIST_LENGTH:  # e.g. Färdighetsgrad, 0–100
                numbers = list(range(column.low, high + 1))
                source = "=" + lists.range_of(column.key, column.header, numbers)
            error = _("Ange ett heltal från %(low)d till %(high)d.") % {
                "low": column.low,
                "high": high,
            }
        elif column.cell in (
            col.PERSPECTIVE,
            col.LEVEL,
            col.CHOICE,
            col.BOOLEAN,
            col.ASSESSMENT,
            col.STATUS,
        ):
            source = lists.range_for(column, spec.kind)
            if source is None:
                continue
            source = "=" + source
            error = _("Välj ett värde i listan.")
        else:
            continue
        sheet.data_validation(
            1,
            index,
            last_row - 1,
            index,
            {
                "validate": "list",
                "source": source,
                "ignore_blank": True,
                "show_input": False,
                "error_title": column.header,
                "error_message": error,
            },
        )


def _column_formats(book: _Book, sheet, spec: Sheet) -> list:
    """Widths and formats of the columns: as the column's format for the
    rows a user adds below the data, and the format (one per kind of
    column) its data cells get."""
    styles = []
    for column in spec.columns:
        number_format = None
        if column.cell == col.DATE:
            number_format = DATE_FORMAT
        elif column.key in ("number", "kolada_kpi"):
            number_format = "@"  # text: keeps 1.10 and leading zeros
        elif column.cell == col.YEAR:
            number_format = "0"
        wrap = column.cell in (col.LONG_TEXT, col.GOALS, col.TARGETS)
        style = book.format(cell_format(wrap=wrap, number_format=number_format))
        styles.append(style)
    set_widths(sheet, [column.width for column in spec.columns], styles)
    return styles


def _kind_sheet(book: _Book, spec: Sheet, rows: list[list], lists: _Lists) -> None:
    sheet = book.sheet(spec.name)
    book.header_row(sheet, [column.header for column in spec.columns])
    styles = _column_formats(book, sheet, spec)
    for row_number, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            write_cell(sheet, row_number, index, value, styles[index])
    last = len(rows) + 1 + SPARE_ROWS  # the last row drop-downs cover
    sheet.autofilter(0, 0, len(rows), len(spec.columns) - 1)
    _validations(sheet, spec, lists, last)


# --- Export ----------------------------------------------------------------------------------


class _Target(NamedTuple):
    """An indicator's target for a year, as targets_text reads it."""

    year: int
    value: Decimal


# The plan's items as the export reads them: plain values (a named row per
# item, with the Item's field names), not a model instance with its
# perspective, level and responsible. The fields are those the sheets'
# columns show, and what the results and the sheet Uppdelningar need of an
# item (excel.extension).
_RELATED_CELLS = (col.GOALS, col.TARGETS, col.PERSON, col.PERSPECTIVE, col.LEVEL)
ROW_FIELDS = tuple(
    dict.fromkeys(
        [
            "pk",
            "kind",
            "title",
            "periodicity",
            "source",
            "gender_split",
            "perspective__name",
            "level__name",
            "responsible_id",
            "responsible_text",
            "responsible__email",
            "responsible__first_name",
            "responsible__last_name",
            "responsible__username",
        ]
        + [
            column.key
            for sheet in col.SHEETS.values()
            for column in sheet.columns
            if column.cell not in _RELATED_CELLS
        ]
    )
)


def _responsible(row) -> str:
    """A row's Ansvarig (person_text): the user made from the row's values."""
    user = None
    if row.responsible_id is not None:
        user = User(
            email=row.responsible__email,
            first_name=row.responsible__first_name,
            last_name=row.responsible__last_name,
            username=row.responsible__username,
        )
    return person_text(user, row.responsible_text)


def _getter(column: Column, goal_refs: dict[int, list[str]], targets: dict[int, list]):
    """The function from an item's row to the value of its cell in the
    column, chosen once per column."""
    key = column.key
    cell = column.cell
    if cell == col.GOALS:
        return lambda row: "\n".join(goal_refs.get(row.pk, ())) or None
    if cell == col.PERSON:
        return lambda row: _responsible(row) or None
    if cell in (col.PERSPECTIVE, col.LEVEL):
        return attrgetter(f"{key}__name")
    if cell == col.CHOICE:
        label = choice_label_of(column.choices)
        return lambda row: label(getattr(row, key)) or None
    if cell == col.BOOLEAN:
        return lambda row: col.YES if getattr(row, key) else col.NO
    if cell == col.TARGETS:
        return lambda row: targets_text(targets.get(row.pk, ())) or None
    if key == "control_step":
        return lambda row: row.control_step or row.title or None
    value_of = attrgetter(key)

    def plain(row):
        value = value_of(row)
        if isinstance(value, str):
            return value or None
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    return plain


def _plan_for(unit: Unit, plan_type: PlanType, plan: Plan | None) -> Plan | None:
    if plan is not None:
        if plan.unit_id != unit.pk or plan.plan_type_id != plan_type.pk:
            raise ValueError(f"{plan} är inte planen {plan_type} för {unit}.")
        return plan
    return Plan.objects.filter(unit=unit, plan_type=plan_type).first()


@collection_paused()  # thousands of cells, none in a cycle (core.cycles)
def export_workbook(
    *, actor, unit: Unit, plan_type: PlanType, occasion=None, plan: Plan | None = None
) -> bytes:
    """The unit's plan of this type as an .xlsx workbook. A plan that does not
    exist yet gives sheets with headers only. With a follow-up occasion, each
    sheet also has its result columns with the unit's results at it (e.g.
    Status, Kommentar and Uppföljning on Aktiviteter; Bedömning, Analys on Mål;
    Bedömning, Resultat av kontroll, Åtgärd … on Kontrollpunkter), as the
    import reads them.

    A caller that has read the plan already passes it (`plan`, the unit's
    plan of the type); a unit read with its tree fields saves reading the
    units above it again (goals_elsewhere)."""
    if not access.can_read(actor, unit):
        raise PermissionDenied
    if occasion is not None and not plan_results().covers(occasion, plan_type):
        raise ValueError(f"{occasion} följer inte upp {plan_type}.")
    plan = _plan_for(unit, plan_type, plan)
    items: list = []
    shares: list[ItemShare] = []
    links_up: dict[int, set[int]] = defaultdict(set)
    targets: dict[int, list[_Target]] = defaultdict(list)
    if plan is not None:
        items = list(
            plan.items.active().order_by("order", "pk").values_list(*ROW_FIELDS, named=True)
        )
        # The links and targets of the plan's items as plain rows, grouped
        # here: a prefetch would make a query set and a model per row.
        for item_id, target_id in ItemLink.objects.filter(item__plan=plan).values_list(
            "item_id", "target_id"
        ):
            links_up[item_id].add(target_id)
        for row in (
            IndicatorTarget.objects.filter(item__plan=plan)
            .order_by("item_id", "year")
            .values_list("item_id", "year", "value")
        ):
            targets[row[0]].append(_Target(*row[1:]))
        shares = list(
            ItemShare.objects.filter(
                plan=plan, ended_at__isnull=True, item__archived_at__isnull=True
            )
            .select_related("item__plan__unit", "item__perspective", "item__level")
            .order_by("item__kind", "item__order", "item__pk")
        )
    in_plan = _("i planen")
    candidates = [
        GoalCandidate(i.pk, i.number, i.title, IN_PLAN, in_plan)
        for i in items
        if i.kind == ItemKind.GOAL
    ]
    candidates += goals_elsewhere(actor=actor, unit=unit, plan_type=plan_type, items=False)
    index = GoalIndex(candidates)
    goal_refs: dict[int, list[str]] = {}
    references: dict[object, str] = {}  # each goal's name, worked out once
    for item in items:
        goals = links_up.get(item.pk, ())
        refs = []
        for candidate in index if goals else ():
            if candidate.key in goals:
                if candidate.key not in references:
                    references[candidate.key] = index.reference(candidate)
                refs.append(references[candidate.key])
        if refs:
            goal_refs[item.pk] = refs

    title = _("%(plan_type)s %(year)s för %(unit)s") % {
        "plan_type": plan_type.name,
        "year": plan_type.model.year,
        "unit": unit.name,
    }
    book = _Book(title)
    results: dict[int, dict[str, object]] = {}
    if occasion is not None:
        results = plan_results().result_values(occasion, unit, plan_type, items)
    styrmodell = _Styrmodell(plan_type)
    lists = _Lists(styrmodell)
    no_results: dict[str, object] = {}
    for spec in sheets_for(plan_type.item_kinds):
        if occasion is not None and spec.result_columns:
            spec = spec.with_results()
        getters = [
            (column.key, None) if column.result else (None, _getter(column, goal_refs, targets))
            for column in spec.columns
        ]
        rows = []
        for item in items:
            if item.kind != spec.kind:
                continue
            found = results.get(item.pk, no_results)
            rows.append([found.get(key) if get is None else get(item) for key, get in getters])
        _kind_sheet(book, spec, rows, lists)
    if plan_type.holds(ItemKind.INDICATOR):
        breakdown_rows = plan_breakdowns().export_rows(
            unit, plan_type, [i for i in items if i.kind == ItemKind.INDICATOR]
        )
        if breakdown_rows is not None:
            _breakdown_sheet(book, breakdown_rows)
    if shares:
        _shared_sheet(book, shares)
    _instructions(book, styrmodell, example=False)
    lists.write(book)
    return book.close()


def _breakdown_sheet(book: _Book, rows: list[list]) -> None:
    """The sheet Uppdelningar: the indicators' values per group, one row per
    indicator, period and group (indicators.plan_sheet)."""
    extension = plan_breakdowns()
    sheet = book.sheet(extension.sheet)
    headers = list(extension.columns.values())
    book.header_row(sheet, headers)
    set_widths(sheet, [40 if index == 0 else 14 for index in range(len(headers))])
    for row_number, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            write_cell(sheet, row_number, index, value)
    sheet.autofilter(0, 0, len(rows), len(headers) - 1)


SHARED_COLUMNS = [
    ("Typ", 16),
    ("Nr", 8),
    ("Rubrik", 45),
    ("Perspektiv", 20),
    ("Målnivå", 18),
    ("Delat från", 28),
    ("Beskrivning", 50),
]


def _shared_sheet(book: _Book, shares: list[ItemShare]) -> None:
    sheet = book.sheet(col.SHARED_SHEET)
    book.header_row(sheet, [header for header, _width in SHARED_COLUMNS])
    set_widths(sheet, [width for _header, width in SHARED_COLUMNS])
    for row, share in enumerate(shares, start=1):
        item = share.item
        values = [
            item.get_kind_display(),
            item.number,
            item.title,
            item.perspective.name if item.perspective else "",
            item.level.name if item.level else "",
            item.plan.unit.name,
            item.description,
        ]
        for index, value in enumerate(values):
            write_cell(sheet, row, index, str(value) if value else None)
    # Read-only (the import never reads this sheet); objects and scenarios
    # not protected, as openpyxl protected a sheet.
    sheet.protect("", {"objects": True, "scenarios": True})


# --- Template ----------------------------------------------------------------------------


def _examples(styrmodell: _Styrmodell) -> dict[str, dict[str, object]]:
    plan_type = styrmodell.plan_type
    year = plan_type.model.year
    # The first perspective, and the lowest goal level: the last in the
    # levels' order (order, then name), the first by name of those with
    # the highest order.
    p_name = styrmodell.perspectives[0] if styrmodell.perspectives else None
    levels = styrmodell.levels
    top = max((lvl.order for lvl in levels), default=None)
    level = next((lvl for lvl in levels if lvl.order == top), None)
    goal_ref = "1" if plan_type.holds(ItemKind.GOAL) else None
    return {
        ItemKind.GOAL: {
            "number": "1",
            "perspective": p_name,
            "level": level.name if level else None,
            "title": _("Exempel: Fler invånare är nöjda med vårt bemötande"),
            "description": _("Ersätt exempelraderna med planens egna poster."),
        },
        ItemKind.INDICATOR: {
            "number": "1.1",
            "perspective": p_name,
            "goals": goal_ref,
            "title": _("Exempel: Andel nöjda invånare"),
            "measure_unit": "%",
            "direction": str(Direction.HIGHER.label),
            "source": str(IndicatorSource.MANUAL.label),
            "reported_by": str(ReportedBy.EACH_UNIT.label),
            "periodicity": str(Periodicity.YEAR.label),
            "baseline_year": year - 3,
            "baseline_value": 51,
            "target_year": year + 1,
            "target_value": 55,
            "near_target_margin": 2,
            "gender_split": col.NO,
            "targets": f"{year}: 53\n{year + 1}: 55",
        },
        ItemKind.ACTIVITY: {
            "perspective": p_name,
            "goals": goal_ref,
            "title": _("Exempel: Utbilda all personal i bemötande"),
            "description": _("Två halvdagar per arbetsgrupp."),
            "start_date": datetime.date(year, 2, 1),
            "end_date": datetime.date(year, 11, 30),
        },
        ItemKind.ASSIGNMENT: {
            "number": "U1",
            "title": _("Exempel: Utreda samlokalisering av verksamheterna"),
            "given_by": "KS",
            "end_date": datetime.date(year, 10, 31),
        },
        ItemKind.CONTROL_POINT: {
            "area": _("Ekonomi"),
            "process_category": _("Attest"),
            "number": "1",
            "process": _("Attest av fakturor"),
            "risk": _("Fakturor betalas utan korrekt attest."),
            "probability": 2,
            "consequence": 3,
            "control_step": _("Stickprov på 20 fakturor: är de attesterade av behörig attestant?"),
            "control_method": _("Stickprov, ekonom"),
            "frequency": _("Två gånger per år"),
            "responsible": _("Ekonom"),
        },
    }


def template_workbook(*, plan_type: PlanType) -> bytes:
    """An .xlsx template for the plan type: every sheet's headers, one
    example row, drop-downs for the fixed values, and a sheet of
    instructions."""
    title = _("Mall för %(plan_type)s %(year)s") % {
        "plan_type": plan_type.name,
        "year": plan_type.model.year,
    }
    book = _Book(title)
    styrmodell = _Styrmodell(plan_type)
    lists = _Lists(styrmodell)
    examples = _examples(styrmodell)
    for spec in sheets_for(plan_type.item_kinds):
        example = examples.get(spec.kind, {})
        _kind_sheet(book, spec, [[example.get(c.key) for c in spec.columns]], lists)
    _instructions(book, styrmodell, example=True)
    lists.write(book)
    return book.close()


# --- Instructions ---------------------------------------------------------------------------


def breakdown_guide(plan_type: PlanType) -> Sheet | None:
    """The sheet Uppdelningar as the instructions describe it (its columns,
    whether each is required, what it holds), for a plan type with
    indicators; None for one without (the file has no such sheet)."""
    if not plan_type.holds(ItemKind.INDICATOR):
        return None
    extension = plan_breakdowns()
    return Sheet(
        kind="breakdowns",
        name=extension.sheet,
        columns=tuple(
            Column(
                key,
                header,
                col.TEXT,
                14,
                str(extension.help[key]),
                required=key in extension.required,
            )
            for key, header in extension.columns.items()
        ),
        note=_(
            "Nyckeltalens utfall per grupp av organisationens uppdelningar, en rad per "
            "nyckeltal, period och grupp. Bladet finns när organisationen har uppdelningar."
        ),
    )


def guide_sheets(plan_type: PlanType) -> list[Sheet]:
    """Every sheet a plan type's file may have, as the import page's ”Så
    ska filen se ut” lists them: the item kinds' and Uppdelningar."""
    guide = breakdown_guide(plan_type)
    return sheets_for(plan_type.item_kinds) + ([guide] if guide is not None else [])


def instruction_paragraphs(plan_type: PlanType, *, example: bool) -> list[str]:
    kinds = ", ".join(s.name for s in sheets_for(plan_type.item_kinds))
    paragraphs = [
        _(
            "Varje blad är en posttyp i planen: %(kinds)s. Första raden på bladet är "
            "rubrikrad; kolumnerna får stå i valfri ordning och stora eller små bokstäver "
            "spelar ingen roll. Varje följande rad är en post. Ett blad som saknas lämnas "
            "orört vid importen."
        )
        % {"kinds": kinds},
        _(
            "Importen är allt eller inget: Styrhjul kontrollerar hela filen först och visar "
            "alla fel med blad, rad och kolumn. Bara en felfri fil sparas."
        ),
        _(
            "En rad med Nr känns igen på posttyp och Nr, en rad utan Nr på posttyp och "
            "rubrik. En rad som känns igen ändrar posten; övriga rader blir nya poster. "
            "Poster i planen som inte står i filen lämnas orörda, om du inte väljer att "
            "arkivera dem."
        ),
        _(
            "En kolumn som saknas på bladet lämnar värdet orört i planen; en tom cell tömmer "
            "värdet."
        ),
        _(
            "Mål och Bidrar till anger målen som posten bidrar till, med målets Nr eller – "
            "om målet saknar Nr – dess rubrik. Flera mål skrivs på var sin rad i cellen "
            "(Alt+Enter) eller åtskilda med semikolon. Målen kan stå på bladet Mål, finnas i "
            "enhetens övriga planer för året, vara delade till enheten eller finnas i "
            "planerna för enheterna ovanför. Ett Nr eller en rubrik i planen går före ett "
            "likadant utanför den."
        ),
        _(
            "Ansvarig är en användares e-postadress eller namn. Finns ingen sådan användare "
            "sparas texten som ansvarig funktion, t.ex. HR-specialist."
        ),
        _("Datum skrivs ÅÅÅÅ-MM-DD. Tal får ha decimalkomma eller decimalpunkt."),
        _(
            "Bladet ”%(shared)s” visar poster som delats till enheten från en överordnad "
            "nivå. Det kan inte ändras här och läses inte vid importen."
        )
        % {"shared": col.SHARED_SHEET},
    ]
    if any(s.result_columns for s in sheets_for(plan_type.item_kinds)):
        paragraphs.append(
            _(
                "Resultat från en uppföljning kan stå i frivilliga kolumner: Bedömning och "
                "Analys för mål, Utfall, Utfall kvinnor, Utfall män, Avser, Bedömning och "
                "Kommentar för nyckeltal, Status, Färdighetsgrad och Kommentar för aktiviteter, "
                "Status och Kommentar för särskilda uppdrag, Bedömning, Resultat av kontroll "
                "och Åtgärd för kontrollpunkter, och Uppföljning med uppföljningens namn (eller "
                "en uppföljning som väljs för hela filen). Utfallet är nyckeltalets värde för "
                "uppföljningens period: helåret, eller för nyckeltal per månad, tertial eller "
                "kvartal den månad perioden slutar. Resultaten sparas som enhetens rapport vid "
                "uppföljningen, med samma regler som när man rapporterar i Styrhjul, och får "
                "importeras av modellägare och administratörer."
            )
        )
    if example:
        paragraphs.append(
            _("Exempelraden på varje blad är påhittad: ersätt den med planens egna poster.")
        )
    return paragraphs


def _instructions(book: _Book, styrmodell: _Styrmodell, *, example: bool) -> None:
    plan_type = styrmodell.plan_type
    sheet = book.sheet(col.INSTRUCTIONS_SHEET)
    set_widths(sheet, [24, 14, 90])
    wrapped = book.format(cell_format())
    bold, heading = book.format({"bold": True}), book.format({"bold": True, "font_size": 12})

    def put(row: int, column: int, value, style=None) -> None:
        write_cell(sheet, row - 1, column - 1, value, style)

    def paragraph(row: int, text: str, height: float) -> None:
        """Text over the three columns, wrapped, in a row `height` points high."""
        sheet.merge_range(row - 1, 0, row - 1, 2, "", wrapped)
        put(row, 1, text, wrapped)
        sheet.set_row(row - 1, height)

    put(1, 1, book.title, book.format({"bold": True, "font_size": 14}))
    row = 3
    for text in instruction_paragraphs(plan_type, example=example):
        paragraph(row, text, 15 * max(1, math.ceil(len(text) / 115)))
        row += 1
    for spec in sheets_for(plan_type.item_kinds):
        row += 1
        put(row, 1, _("Bladet %(sheet)s") % {"sheet": spec.name}, heading)
        row += 1
        for index, header in enumerate((_("Kolumn"), _("Obligatorisk"), _("Beskrivning")), 1):
            put(row, index, header, bold)
        for column in spec.columns:
            row += 1
            put(row, 1, column.header)
            put(row, 2, _("Ja") if column.required else _("Nej"))
            put(row, 3, str(column.help), wrapped)
        if spec.result_columns:
            row += 1
            note = _(
                "Resultat från en uppföljning (frivilliga kolumner, t.ex. för att föra in en "
                "uppföljning som gjorts i Excel eller förra årets rapport). Bara modellägare "
                "och administratörer kan importera dem."
            )
            paragraph(row, note, 30)
            for column in spec.result_columns:
                row += 1
                put(row, 1, column.header)
                put(row, 2, _("Nej"))
                put(row, 3, str(column.help), wrapped)
    guide = breakdown_guide(plan_type)
    if guide is not None:
        row += 1
        put(row, 1, _("Bladet %(sheet)s") % {"sheet": guide.name}, heading)
        row += 1
        paragraph(row, guide.note, 30)
        row += 1
        for index, header in enumerate((_("Kolumn"), _("Obligatorisk"), _("Beskrivning")), 1):
            put(row, index, header, bold)
        for column in guide.columns:
            row += 1
            put(row, 1, column.header)
            put(row, 2, _("Ja") if column.required else _("Nej"))
            put(row, 3, str(column.help), wrapped)
    row += 2
    put(row, 1, _("Giltiga värden"), heading)
    model = plan_type.model
    values = [(_("Perspektiv"), ", ".join(styrmodell.perspectives))]
    if plan_type.holds(ItemKind.GOAL):
        levels = []
        for level in styrmodell.levels:  # with their unit types
            types = ", ".join(t.name for t in level.unit_types.all())
            levels.append(f"{level.name} ({types})" if types else level.name)
        values.append((_("Målnivå"), "; ".join(levels)))
    if plan_type.holds(ItemKind.INDICATOR):
        values += [
            (_("Riktning"), ", ".join(choice_labels(Direction))),
            (_("Källa"), ", ".join(choice_labels(IndicatorSource))),
            (_("Rapporteras av"), ", ".join(choice_labels(ReportedBy))),
            (_("Periodicitet"), ", ".join(choice_labels(Periodicity))),
            (_("Könsuppdelat"), f"{col.YES}, {col.NO}"),
        ]
    for label, kind, field in (
        (_("Status (aktiviteter)"), ItemKind.ACTIVITY, "status"),
        (_("Status (särskilda uppdrag)"), ItemKind.ASSIGNMENT, "status"),
        (_("Bedömning (mål)"), ItemKind.GOAL, "assessment"),
        (_("Bedömning (nyckeltal)"), ItemKind.INDICATOR, "assessment"),
        (_("Bedömning (kontrollpunkter)"), ItemKind.CONTROL_POINT, "assessment"),
    ):
        if plan_type.holds(kind):
            values.append((label, ", ".join(styrmodell.scale_labels(kind, field))))
    if plan_type.holds(ItemKind.CONTROL_POINT):
        scale = model.risk_scale
        values += [
            (
                _("Sannolikhet"),
                ", ".join(f"{i} {label}" for i, label in enumerate(scale.probability_labels, 1)),
            ),
            (
                _("Konsekvens"),
                ", ".join(f"{i} {label}" for i, label in enumerate(scale.consequence_labels, 1)),
            ),
        ]
    for label, text in values:
        row += 1
        put(row, 1, label, bold)
        put(row, 3, text or "–", wrapped)
