"""Import of a plan from Excel (importera plan), all or nothing.

1. `reader.read_workbook` parses the file into `ItemRow`s per kind's sheet.
2. `_Importer.validate` checks every row against the file, the styrmodell
   and the plan, and collects every error (sheet, row, column, Swedish
   message). It matches rows to the plan's items: by kind and Nr when the
   row has a Nr, else by kind and title (see docs/import-plan.md).
3. Only when there are no errors, `_Importer.write` saves everything in one
   transaction through the planning services (plan_for, item_create,
   item_update, item_link, item_unlink, item_archive) as the actor. An error
   the services raise on the way rolls the whole import back.

A dry run does all three steps and rolls back, so it also finds what only
the services would refuse.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from styrhjul.core.concurrency import EditConflict, one_action
from styrhjul.core.importing import ImportIssue, ImportRejected
from styrhjul.core.spreadsheet import did_you_mean
from styrhjul.model.models import GoalLevel, ItemKind, Perspective, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning import services
from styrhjul.planning.forms import parse_targets
from styrhjul.planning.models import IndicatorSource, IndicatorTarget, Item, ItemLink, Plan
from styrhjul.planning.numbering import natural_key, plan_key

from . import columns as col
from .cells import (
    CellError,
    long_text,
    norm_key,
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_integer,
    short_text,
)
from .columns import Column, control_point_title
from .errors import issue_order
from .extension import breakdowns as plan_breakdowns
from .extension import results as plan_results
from .goals import IN_PLAN, GoalCandidate, GoalIndex, goals_elsewhere
from .lookup import plan_type_applies
from .reader import ItemRow, ParsedWorkbook, SheetRows, read_workbook

YEAR_LOW, YEAR_HIGH = 1900, 2200


# --- Result -------------------------------------------------------------------------


@dataclass
class SheetResult:
    sheet: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    """What the import did (or, for a dry run, would do)."""

    plan: str
    sheets: list[SheetResult] = field(default_factory=list)
    links_added: int = 0
    links_removed: int = 0
    reports_created: int = 0  # reported results (the sheets' result columns)
    reports_updated: int = 0
    breakdown_values: int = 0  # values per group changed (the sheet Uppdelningar)
    ignored_sheets: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def created(self) -> int:
        return sum(s.created for s in self.sheets)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sheets)

    @property
    def unchanged(self) -> int:
        return sum(s.unchanged for s in self.sheets)

    @property
    def archived(self) -> int:
        return sum(s.archived for s in self.sheets)

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.archived
            or self.links_added
            or self.links_removed
            or self.reports_created
            or self.reports_updated
            or self.breakdown_values
        )

    def summary(self) -> str:
        """'Importerade 12 poster till Verksamhetsplan 2025 för X: 5 nya, …'"""
        total = self.created + self.updated + self.unchanged
        items = ngettext("%(n)d post", "%(n)d poster", total) % {"n": total}
        parts = [
            ngettext("%(n)d ny", "%(n)d nya", self.created) % {"n": self.created},
            ngettext("%(n)d ändrad", "%(n)d ändrade", self.updated) % {"n": self.updated},
        ]
        if self.unchanged:
            parts.append(
                ngettext("%(n)d oförändrad", "%(n)d oförändrade", self.unchanged)
                % {"n": self.unchanged}
            )
        detail = ", ".join(parts)
        extra = []
        if self.links_added:
            extra.append(
                ngettext("%(n)d ny koppling", "%(n)d nya kopplingar", self.links_added)
                % {"n": self.links_added}
            )
        if self.links_removed:
            extra.append(
                ngettext(
                    "%(n)d borttagen koppling", "%(n)d borttagna kopplingar", self.links_removed
                )
                % {"n": self.links_removed}
            )
        if self.archived:
            extra.append(
                ngettext("%(n)d arkiverad post", "%(n)d arkiverade poster", self.archived)
                % {"n": self.archived}
            )
        if self.reports_created:
            extra.append(
                ngettext("%(n)d nytt resultat", "%(n)d nya resultat", self.reports_created)
                % {"n": self.reports_created}
            )
        if self.reports_updated:
            extra.append(
                ngettext("%(n)d ändrat resultat", "%(n)d ändrade resultat", self.reports_updated)
                % {"n": self.reports_updated}
            )
        if self.breakdown_values:
            extra.append(
                ngettext(
                    "%(n)d ändrat värde per grupp",
                    "%(n)d ändrade värden per grupp",
                    self.breakdown_values,
                )
                % {"n": self.breakdown_values}
            )
        if extra:
            detail += "; " + ", ".join(extra)
        values = {"items": items, "plan": self.plan, "detail": detail}
        if self.dry_run:
            text = (
                _("Filen är giltig. Importen skulle ge %(items)s i %(plan)s: %(detail)s.") % values
            )
        else:
            text = _("Importerade %(items)s till %(plan)s: %(detail)s.") % values
        if self.ignored_sheets:
            text += " " + _("Blad som inte lästes: %(sheets)s.") % {
                "sheets": ", ".join(self.ignored_sheets)
            }
        if self.ignored_columns:
            text += " " + _("Kolumner som inte lästes: %(columns)s.") % {
                "columns": "; ".join(self.ignored_columns)
            }
        if self.dry_run:
            text += " " + _("Inget har sparats.")
        return text


def plan_label(unit: Unit, plan_type: PlanType) -> str:
    return _("%(plan_type)s %(year)s för %(unit)s") % {
        "plan_type": plan_type.name,
        "year": plan_type.model.year,
        "unit": unit.name,
    }


# --- Validating ------------------------------------------------------------------------


def _parse_targets(value) -> dict:
    """Målvärden per år as the item form reads them ("2026: 55" a line)."""
    try:
        return parse_targets(long_text(value))
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None


@dataclass(eq=False)
class _Planned:
    """A row of the file and what the import will do with it."""

    source: ItemRow
    sheet: SheetRows
    position: int  # 1-based place among the sheet's rows: the order of new items
    fields: dict[str, object] = field(default_factory=dict)  # only columns in the file
    person: str | None = None  # the Ansvarig cell, when the column exists
    goals_cell: object = None
    existing: Item | None = None
    changes: dict[str, object] = field(default_factory=dict)
    targets: list[GoalCandidate] = field(default_factory=list)
    links_add: list[GoalCandidate] = field(default_factory=list)
    links_remove: list[Item] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)  # keys of columns that could not be read
    item: Item | None = None  # once saved

    @property
    def kind(self) -> str:
        return self.sheet.spec.kind

    @property
    def row(self) -> int:
        return self.source.row

    @property
    def number(self) -> str:
        return str(self.fields.get("number", "")) if "number" in self.fields else ""

    @property
    def identity(self) -> str:
        """The title the row is recognised by when it has no Nr."""
        if self.kind == ItemKind.CONTROL_POINT:
            return control_point_title(str(self.fields.get("control_step", "")))
        return str(self.fields.get("title", ""))

    def value(self, name: str):
        """The field's value after the import."""
        if name in self.fields:
            return self.fields[name]
        if self.existing is not None:
            return getattr(self.existing, name)
        return None


def _identity(item: Item) -> str:
    if item.kind == ItemKind.CONTROL_POINT:
        return control_point_title(item.control_step or item.title)
    return short_text(item.title)


def _choice_map(choices) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value, label in choices.choices:
        for name in (str(label), value, str(label).split()[0]):
            mapping.setdefault(norm_key(name), value)
    if choices is IndicatorSource:
        mapping.setdefault("manuellt", IndicatorSource.MANUAL)
        mapping.setdefault("manuell", IndicatorSource.MANUAL)
    return mapping


class _Issues:
    def __init__(self):
        self.items: list[ImportIssue] = []

    def add(self, where, message: str, column: Column | str | None = None) -> None:
        header = column.header if isinstance(column, Column) else column
        if isinstance(where, _Planned):
            self.items.append(
                ImportIssue(message, row=where.row, column=header, sheet=where.sheet.title)
            )
        elif isinstance(where, SheetRows):
            self.items.append(ImportIssue(message, column=header, sheet=where.title))
        else:
            self.items.append(ImportIssue(message))

    def __bool__(self) -> bool:
        return bool(self.items)


class _Importer:
    def __init__(
        self,
        actor,
        *,
        unit: Unit,
        plan_type: PlanType,
        parsed: ParsedWorkbook,
        archive_missing: bool,
        occasion=None,
    ):
        self.actor = actor
        self.unit = unit
        self._candidate_ids: set[int] | None = None
        self._may_assign: bool | None = None
        self.plan_type = plan_type
        scale = plan_type.model.risk_scale
        # Sannolikhet and Konsekvens are read on the year's risk scale.
        self.highs = {
            "probability": scale.probability_steps,
            "consequence": scale.consequence_steps,
        }
        self.parsed = parsed
        self.archive_missing = archive_missing
        self.issues = _Issues()
        self.plan = Plan.objects.filter(unit=unit, plan_type=plan_type).first()
        self.items: list[Item] = (
            list(
                self.plan.items.active()
                .select_related("perspective", "level", "responsible")
                .order_by("order", "pk")
            )
            if self.plan
            else []
        )
        self.links: dict[int, set[int]] = defaultdict(set)  # item -> targets
        if self.items:
            for item_id, target_id in ItemLink.objects.filter(
                item__in=[i.pk for i in self.items]
            ).values_list("item_id", "target_id"):
                self.links[item_id].add(target_id)
        model = plan_type.model
        self.perspectives = {norm_key(p.name): p for p in Perspective.objects.filter(model=model)}
        self.levels = {
            norm_key(level.name): level
            for level in GoalLevel.objects.filter(model=model).prefetch_related("unit_types")
        }
        self.choice_maps = {}
        self.planned: list[_Planned] = []
        self.sheets: list[SheetRows] = []
        self.claimed: set[int] = set()
        self.archive: list[Item] = []
        self.index: GoalIndex | None = None
        self._targets: dict[int, dict] | None = None
        self.results = plan_results().ResultPlanner(self, occasion)
        self.breakdowns = plan_breakdowns().Planner(self, parsed.breakdowns)

    # Entry -----------------------------------------------------------------------

    def validate(self) -> None:
        if not self._check_plan():
            return
        sheets = []
        for sheet in self.parsed.sheets:
            if not self.plan_type.holds(sheet.spec.kind):
                if sheet.rows:
                    holders = [
                        t.name
                        for t in self.plan_type.model.plan_types.order_by("order", "name")
                        if t.holds(sheet.spec.kind)
                    ]
                    self.issues.add(
                        sheet,
                        _(
                            "%(plan_type)s innehåller inte %(kind)s. Ta bort bladet, eller "
                            "importera det till en plantyp som gör det (%(holders)s)."
                        )
                        % {
                            "plan_type": self.plan_type.name,
                            "kind": sheet.spec.label,
                            "holders": ", ".join(holders) or "–",
                        },
                    )
                continue
            sheets.append(sheet)
        self.sheets = sheets
        for sheet in sheets:
            self._parse_sheet(sheet)
        self._resolve_people()
        self._match()
        for planned in self.planned:
            self._check_dates(planned)
            self._find_changes(planned)
            self._check_responsible(planned)
        self._plan_order()
        self._check_levels()
        self._check_targets()
        self._check_numbers()
        self._plan_archive()
        self._resolve_goals()
        self.results.validate()
        self.breakdowns.validate()

    def _check_plan(self) -> bool:
        unit, plan_type = self.unit, self.plan_type
        if not access.can_write(self.actor, unit):
            self.issues.add(
                None,
                _("du har inte behörighet att ändra planer för %(unit)s.") % {"unit": unit.name},
            )
            return False
        if not plan_type_applies(plan_type, unit):
            self.issues.add(
                None,
                _("plantypen %(plan_type)s hör inte till styrmodellen för %(unit)s.")
                % {"plan_type": plan_type.name, "unit": unit.name},
            )
            return False
        year = plan_type.model.year
        if self.plan is None and not Unit.objects.filter(pk=unit.pk).valid_in_year(year).exists():
            self.issues.add(
                None, _("%(unit)s finns inte under %(year)s.") % {"unit": unit.name, "year": year}
            )
            return False
        return True

    # Rows ------------------------------------------------------------------------

    def _parse_sheet(self, sheet: SheetRows) -> None:
        first_number: dict[str, int] = {}
        for position, row in enumerate(sheet.rows, start=1):
            planned = _Planned(source=row, sheet=sheet, position=position)
            for column in sheet.spec.columns:
                if row.has(column.key):
                    self._parse_cell(planned, column, row.cells[column.key])
            title = sheet.spec.title_column
            if row.has(title.key) and not planned.fields.get(title.key):
                self.issues.add(
                    planned,
                    _("%(column)s saknas; varje rad behöver en rubrik.") % {"column": title.header},
                    title,
                )
            number = planned.number
            if number:
                if number in first_number:
                    self.issues.add(
                        planned,
                        _("Nr ”%(number)s” finns redan på rad %(row)d på bladet.")
                        % {"number": number, "row": first_number[number]},
                        sheet.spec.column("number"),
                    )
                else:
                    first_number[number] = row.row
            self.planned.append(planned)

    def _parse_cell(self, planned: _Planned, column: Column, value) -> None:
        fields = planned.fields
        try:
            if column.cell == col.TEXT:
                text = short_text(value)
                if column.max_length and len(text) > column.max_length:
                    raise CellError(
                        _("texten är %(n)d tecken lång; högst %(max)d får plats.")
                        % {"n": len(text), "max": column.max_length}
                    )
                fields[column.key] = text
            elif column.cell == col.LONG_TEXT:
                fields[column.key] = long_text(value)
            elif column.cell == col.INTEGER:
                high = self.highs.get(column.key, column.high)
                fields[column.key] = parse_integer(value, low=column.low, high=high)
            elif column.cell == col.YEAR:
                fields[column.key] = parse_integer(value, low=YEAR_LOW, high=YEAR_HIGH)
            elif column.cell == col.DECIMAL:
                fields[column.key] = parse_decimal(value)
            elif column.cell == col.DATE:
                fields[column.key] = parse_date(value)
            elif column.cell == col.BOOLEAN:
                fields[column.key] = bool(parse_boolean(value))
            elif column.cell == col.CHOICE:
                fields[column.key] = self._choice(column, value)
            elif column.cell == col.PERSPECTIVE:
                fields[column.key] = self._named(
                    value,
                    self.perspectives,
                    _("okänt perspektiv ”%(name)s”. Perspektiven är %(names)s."),
                )
            elif column.cell == col.LEVEL:
                level = self._named(
                    value, self.levels, _("okänd målnivå ”%(name)s”. Målnivåerna är %(names)s.")
                )
                if level is None:
                    raise CellError(
                        _("målnivå saknas. Välj en av %(names)s.")
                        % {"names": self._names(self.levels)}
                    )
                fields[column.key] = level
            elif column.cell == col.PERSON:
                planned.person = short_text(value)
            elif column.cell == col.GOALS:
                planned.goals_cell = value if value is not None else ""
            elif column.cell == col.TARGETS:
                fields[column.key] = _parse_targets(value)
        except CellError as exc:
            planned.bad.add(column.key)
            self.issues.add(planned, str(exc), column)

    def _choice(self, column: Column, value) -> str:
        text = short_text(value)
        if not text:
            return ""
        mapping = self.choice_maps.get(column.key)
        if mapping is None:
            mapping = self.choice_maps[column.key] = _choice_map(column.choices)
        found = mapping.get(norm_key(text))
        if found is None:
            raise CellError(
                _("”%(value)s” är inget giltigt värde. Välj ett av %(labels)s.")
                % {"value": text, "labels": ", ".join(col.choice_labels(column.choices))}
            )
        return found

    @staticmethod
    def _names(objects: dict) -> str:
        return ", ".join(o.name for o in objects.values()) or "–"

    def _named(self, value, objects: dict, message: str):
        text = short_text(value)
        if not text:
            return None
        found = objects.get(norm_key(text))
        if found is None:
            error = message % {"name": text, "names": self._names(objects)}
            raise CellError(error + did_you_mean(norm_key(text), objects))
        return found

    # People ----------------------------------------------------------------------

    def _resolve_people(self) -> None:
        """Ansvarig: a user by e-mail, else by full name, else by user name
        (case ignored); otherwise the text is a function (responsible_text)."""
        wanted = [p for p in self.planned if p.person is not None]
        if not any(p.person for p in wanted):
            for planned in wanted:
                planned.fields.update(responsible=None, responsible_text="")
            return
        by_email: dict[str, list[int]] = defaultdict(list)
        by_name: dict[str, list[int]] = defaultdict(list)
        by_username: dict[str, list[int]] = defaultdict(list)
        for pk, email, first, last, username in User.objects.values_list(
            "pk", "email", "first_name", "last_name", "username"
        ):
            if email:
                by_email[norm_key(email)].append(pk)
            full = norm_key(f"{first} {last}")
            if full:
                by_name[full].append(pk)
            by_username[norm_key(username)].append(pk)
        chosen: dict[_Planned, int] = {}
        for planned in wanted:
            key = norm_key(planned.person)
            if not key:
                planned.fields.update(responsible=None, responsible_text="")
                continue
            found = by_email.get(key) or by_name.get(key) or by_username.get(key)
            if found and len(found) > 1:
                message = (
                    _(
                        "flera användare har e-postadressen ”%(name)s”. Skriv användarnamnet "
                        "i stället."
                    )
                    if key in by_email
                    else _(
                        "flera användare heter ”%(name)s”. Skriv personens e-postadress i stället."
                    )
                )
                self.issues.add(planned, message % {"name": planned.person}, "Ansvarig")
            elif found:
                chosen[planned] = found[0]
            else:
                limit = Item._meta.get_field("responsible_text").max_length
                if len(planned.person) > limit:
                    self.issues.add(
                        planned,
                        _("texten är %(n)d tecken lång; högst %(max)d får plats.")
                        % {"n": len(planned.person), "max": limit},
                        "Ansvarig",
                    )
                planned.fields.update(responsible=None, responsible_text=planned.person)
        users = User.objects.in_bulk(set(chosen.values()))
        for planned, pk in chosen.items():
            planned.fields.update(responsible=users[pk], responsible_text="")

    # Matching --------------------------------------------------------------------

    def _match(self) -> None:
        """Rows to the plan's active items of the same kind: by Nr when the
        row has one (or, when no item has that Nr, an item without Nr with
        the same title); rows without Nr by title, items without Nr first.
        Each item matches at most one row."""
        by_kind: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            by_kind[item.kind].append(item)
        rows_by_kind: dict[str, list[_Planned]] = defaultdict(list)
        for planned in self.planned:
            rows_by_kind[planned.kind].append(planned)
        for kind, rows in rows_by_kind.items():
            items = by_kind.get(kind, [])
            numbered = [p for p in rows if p.number]
            for planned in numbered:
                self._take([i for i in items if short_text(i.number) == planned.number], planned)
            for planned in numbered:
                if planned.existing is None:
                    self._take(
                        [i for i in items if not i.number and _identity(i) == planned.identity],
                        planned,
                    )
            for planned in rows:
                if planned.number or not planned.identity:
                    continue
                same = [i for i in items if _identity(i) == planned.identity]
                self._take(
                    [i for i in same if not i.number] + [i for i in same if i.number], planned
                )

    def _take(self, candidates: list[Item], planned: _Planned) -> None:
        for item in candidates:
            if item.pk not in self.claimed:
                self.claimed.add(item.pk)
                planned.existing = item
                return

    # Checks ----------------------------------------------------------------------

    def _check_dates(self, planned: _Planned) -> None:
        if "start_date" not in planned.fields and "end_date" not in planned.fields:
            return
        start, end = planned.value("start_date"), planned.value("end_date")
        if start and end and end < start:
            self.issues.add(
                planned,
                _("Slutdatum (%(end)s) är före Startdatum (%(start)s).")
                % {"end": end.isoformat(), "start": start.isoformat()},
                "Slutdatum",
            )

    def _check_responsible(self, planned: _Planned) -> None:
        """Ansvarig must be someone who may be responsible for the unit's
        items (access.responsible_candidates), as in the item form; a person
        already responsible for the item stays."""
        person = planned.fields.get("responsible")
        before = planned.existing.responsible_id if planned.existing is not None else None
        if "responsible" in planned.fields and getattr(person, "pk", None) != before:
            if self._may_assign is None:
                self._may_assign = access.may_assign_responsible(self.actor, self.unit)
            if not self._may_assign:
                self.issues.add(
                    planned,
                    _("Som rapportör kan du inte ändra vem som är ansvarig för posten."),
                    "Ansvarig",
                )
                return
        if person is None or person.pk == before:
            return
        if self._candidate_ids is None:
            self._candidate_ids = set(
                access.responsible_candidates(self.unit).values_list("pk", flat=True)
            )
        if person.pk not in self._candidate_ids:
            self.issues.add(
                planned,
                _(
                    "%(name)s har inte rollen Modellägare, Chef eller Rapportör på %(unit)s "
                    "eller på en enhet ovanför och kan inte vara ansvarig. Välj en annan person "
                    "eller skriv en funktion som text."
                )
                % {"name": person.get_full_name() or person.get_username(), "unit": self.unit},
                "Ansvarig",
            )

    def _find_changes(self, planned: _Planned) -> None:
        fields = planned.fields
        if planned.kind == ItemKind.CONTROL_POINT and "control_step" in fields:
            # The title follows the kontrollmoment; an unchanged kontrollmoment
            # keeps a title written on the page.
            existing = planned.existing
            if existing is None or long_text(existing.control_step) != fields["control_step"]:
                fields["title"] = control_point_title(str(fields["control_step"]))
        item = planned.existing
        if item is None:
            return
        kinds = {c.key: c.cell for c in planned.sheet.spec.columns}
        for name, value in fields.items():
            if name in ("perspective", "level", "responsible"):
                current = getattr(item, f"{name}_id")
                differs = current != (value.pk if value is not None else None)
            elif isinstance(value, str):
                current = getattr(item, name) or ""
                normalise = long_text if kinds.get(name) == col.LONG_TEXT else short_text
                differs = normalise(current) != value
                if name == "title" and item.kind == ItemKind.CONTROL_POINT:
                    differs = current != value
            elif name == "targets":
                differs = self._targets_of(item) != value
            else:
                differs = getattr(item, name) != value
            if differs:
                planned.changes[name] = value

    def _plan_order(self) -> None:
        """The plan's order (Item.order) follows the rows of each sheet. New
        rows get their place; the items already in the plan get theirs too
        when the file lists them in another order than the plan's, or a new
        row would otherwise not stand where the file has it. A plan already
        in the file's order is left as it is."""
        for sheet in self.sheets:
            rows = [p for p in self.planned if p.sheet is sheet]

            def after_import(p: _Planned) -> tuple:
                if p.existing is None:
                    return (p.position, natural_key(p.number), math.inf, p.position)
                return (*plan_key(p.existing), p.position)

            if sorted(rows, key=after_import) == rows:
                continue
            for planned in rows:
                if planned.existing is not None and planned.existing.order != planned.position:
                    planned.changes["order"] = planned.position

    def _check_levels(self) -> None:
        unit_type = self.unit.unit_type
        for planned in self.planned:
            if planned.kind != ItemKind.GOAL or "level" in planned.bad:
                continue
            if planned.existing is not None and not planned.changes:
                continue  # nothing is saved for an unchanged goal
            level = planned.value("level")
            if level is None:
                self.issues.add(
                    planned,
                    _(
                        "målnivå saknas: bladet har ingen kolumn Målnivå, och ett nytt mål "
                        "behöver en. Målnivåerna är %(names)s."
                    )
                    % {"names": self._names(self.levels)},
                    "Målnivå",
                )
                continue
            allowed = {t.pk for t in level.unit_types.all()}
            if allowed and unit_type.pk not in allowed:
                own = [
                    lvl.name
                    for lvl in self.levels.values()
                    if not lvl.unit_types.all()
                    or unit_type.pk in {t.pk for t in lvl.unit_types.all()}
                ]
                self.issues.add(
                    planned,
                    _(
                        "%(unit_type)s får inte ha mål på nivån %(level)s. Nivåer för "
                        "%(unit_type)s: %(levels)s."
                    )
                    % {
                        "unit_type": unit_type.name,
                        "level": level.name,
                        "levels": ", ".join(own) or "–",
                    },
                    "Målnivå",
                )

    # Targets per year -------------------------------------------------------------

    def _targets_of(self, item: Item) -> dict:
        """The indicator's targets per year as stored (year → value); the
        plan's targets are read once."""
        if self._targets is None:
            self._targets = defaultdict(dict)
            for item_id, year, value in IndicatorTarget.objects.filter(
                item__in=[i.pk for i in self.items if i.kind == ItemKind.INDICATOR]
            ).values_list("item_id", "year", "value"):
                self._targets[item_id][year] = value
        return dict(sorted(self._targets.get(item.pk, {}).items()))

    def targets_after(self, planned: _Planned) -> dict:
        """An indicator row's targets per year (year → value) as they will
        be after the import."""
        if "targets" in planned.fields:
            return dict(planned.fields["targets"])
        return self._targets_of(planned.existing) if planned.existing is not None else {}

    def _check_targets(self) -> None:
        """Målvärden per år with the item form's rules (services.target_errors),
        for the indicator as it will be after the import."""
        for planned in self.planned:
            if "targets" not in planned.fields:
                continue
            if planned.existing is not None and not (
                {"targets", "measure_unit"} & set(planned.changes)
            ):
                continue  # nothing is saved for unchanged targets
            errors = services.target_errors(
                planned.value("measure_unit") or "", planned.fields["targets"]
            )
            if errors:
                self.issues.add(planned, " ".join(errors), planned.sheet.spec.column("targets"))

    def _check_numbers(self) -> None:
        """A Nr the import gives an item must not be another item's of the
        same kind in the plan: one the file does not list, or an archived one."""
        taken: dict[tuple[str, str], Item] = {}
        for item in self.items:
            if item.number and item.pk not in self.claimed:
                taken.setdefault((item.kind, short_text(item.number)), item)
        archived = (
            self.plan.items.filter(archived_at__isnull=False).exclude(number="")
            if self.plan
            else Item.objects.none()
        )
        for item in archived.only("pk", "kind", "number", "title", "archived_at"):
            taken.setdefault((item.kind, short_text(item.number)), item)
        for planned in self.planned:
            number = planned.number
            if not number or (planned.existing is not None and "number" not in planned.changes):
                continue
            other = taken.get((planned.kind, number))
            if other is None:
                continue
            if other.archived_at is not None:
                message = _(
                    "Nr ”%(number)s” har redan en arkiverad post i planen (”%(title)s”). Välj "
                    "ett annat Nr, eller återställ den arkiverade posten."
                )
            else:
                message = _(
                    "Nr ”%(number)s” har redan en annan post i planen (”%(title)s”) som inte "
                    "står i filen. Välj ett annat Nr."
                )
            self.issues.add(
                planned,
                message % {"number": number, "title": other.title},
                planned.sheet.spec.column("number"),
            )

    def _plan_archive(self) -> None:
        if not self.archive_missing:
            return
        kinds = {s.spec.kind for s in self.sheets}
        self.archive = [i for i in self.items if i.kind in kinds and i.pk not in self.claimed]

    # Goals -----------------------------------------------------------------------

    def _resolve_goals(self) -> None:
        archived = {i.pk for i in self.archive}
        candidates: list[GoalCandidate] = []
        self.key_of_pk: dict[int, object] = {}
        for planned in self.planned:
            if planned.kind != ItemKind.GOAL:
                continue
            number = planned.number if "number" in planned.fields else planned.value("number") or ""
            title = planned.fields.get("title") or ""
            if not title:
                continue
            where = _("på bladet %(sheet)s, rad %(row)d") % {
                "sheet": planned.sheet.title,
                "row": planned.row,
            }
            candidates.append(GoalCandidate(planned, number, str(title), IN_PLAN, where))
            if planned.existing is not None:
                self.key_of_pk[planned.existing.pk] = planned
        for item in self.items:
            if (
                item.kind == ItemKind.GOAL
                and item.pk not in self.claimed
                and item.pk not in archived
            ):
                candidates.append(
                    GoalCandidate(item.pk, item.number, item.title, IN_PLAN, _("i planen"), item)
                )
                self.key_of_pk[item.pk] = item.pk
        for candidate in goals_elsewhere(
            actor=self.actor, unit=self.unit, plan_type=self.plan_type
        ):
            candidates.append(candidate)
            self.key_of_pk[candidate.key] = candidate.key
        self.index = index = GoalIndex(candidates)
        for planned in self.planned:
            if planned.goals_cell is None:
                continue
            column = planned.sheet.spec.column("goals")
            goals, errors = index.resolve_cell(planned.goals_cell)
            for error in errors:
                self.issues.add(planned, error, column)
            if any(g.key is planned for g in goals):
                self.issues.add(planned, _("ett mål kan inte bidra till sig självt."), column)
                goals = [g for g in goals if g.key is not planned]
            planned.targets = goals
        self._find_cycles()
        self._link_changes()

    def _edges(self) -> dict[object, list[object]]:
        """Goal → goals in the plan it will contribute to."""
        edges: dict[object, list[object]] = defaultdict(list)
        for candidate in self.index:
            if candidate.tier != IN_PLAN:
                continue
            key = candidate.key
            if isinstance(key, _Planned) and key.goals_cell is not None:
                edges[key] = [g.key for g in key.targets if g.tier == IN_PLAN]
            else:
                if isinstance(key, _Planned):
                    if key.existing is None:
                        continue
                    pk = key.existing.pk
                else:
                    pk = key
                edges[key] = [
                    self.key_of_pk[t]
                    for t in self.links.get(pk, ())
                    if t in self.key_of_pk and self.index.get(self.key_of_pk[t]).tier == IN_PLAN
                ]
        return edges

    def _find_cycles(self) -> None:
        edges = self._edges()
        state: dict[object, int] = {}  # 1: on the path, 2: done
        reported: set[object] = set()

        def label(key) -> str:
            candidate = self.index.get(key)
            return candidate.number or f"”{candidate.title}”"

        def visit(node, path):
            state[node] = 1
            path.append(node)
            for target in edges.get(node, ()):
                if state.get(target) == 1:
                    cycle = path[path.index(target) :]
                    planned = next((k for k in cycle if isinstance(k, _Planned)), None)
                    if planned is not None and not reported.intersection(cycle):
                        reported.update(cycle)
                        names = " → ".join(label(k) for k in [*cycle, target])
                        self.issues.add(
                            planned,
                            _(
                                "målen bidrar till varandra i en cirkel: %(names)s. Ett mål kan "
                                "inte bidra till sig självt, direkt eller via andra mål."
                            )
                            % {"names": names},
                            planned.sheet.spec.column("goals"),
                        )
                elif state.get(target) is None:
                    visit(target, path)
            path.pop()
            state[node] = 2

        for node in list(edges):
            if state.get(node) is None:
                visit(node, [])

    def _link_changes(self) -> None:
        managed = {c.item.pk if c.item else None for c in self.index}
        managed |= {p.existing.pk for p in self.planned if p.kind == ItemKind.GOAL and p.existing}
        managed.discard(None)
        for planned in self.planned:
            if planned.goals_cell is None:
                continue
            wanted: set[int] = set()
            for target in planned.targets:
                pk = self._pk_of(target)
                if pk is not None:
                    wanted.add(pk)
            current = self.links.get(planned.existing.pk, set()) if planned.existing else set()
            planned.links_add = [
                t
                for t in planned.targets
                if self._pk_of(t) is None or self._pk_of(t) not in current
            ]
            remove = (current & managed) - wanted
            planned.links_remove = list(Item.objects.filter(pk__in=remove)) if remove else []

    @staticmethod
    def _pk_of(candidate: GoalCandidate) -> int | None:
        if isinstance(candidate.key, _Planned):
            return candidate.key.existing.pk if candidate.key.existing else None
        return candidate.key

    # Result ----------------------------------------------------------------------

    def result(self, *, dry_run: bool) -> ImportResult:
        result = ImportResult(
            plan=plan_label(self.unit, self.plan_type),
            ignored_sheets=list(self.parsed.ignored_sheets),
            ignored_columns=list(self.parsed.ignored_columns),
            dry_run=dry_run,
        )
        by_kind = {}
        for sheet in self.sheets:
            by_kind[sheet.spec.kind] = SheetResult(sheet=sheet.spec.name)
            result.sheets.append(by_kind[sheet.spec.kind])
        for planned in self.planned:
            counts = by_kind[planned.kind]
            if planned.existing is None:
                counts.created += 1
            elif planned.changes or planned.links_add or planned.links_remove:
                counts.updated += 1
            else:
                counts.unchanged += 1
            result.links_added += len(planned.links_add)
            result.links_removed += len(planned.links_remove)
        for item in self.archive:
            by_kind[item.kind].archived += 1
        result.reports_created = self.results.created
        result.reports_updated = self.results.updated
        return result

    # Writing ---------------------------------------------------------------------

    def _fail(self, planned: _Planned | None, exc: Exception, column=None) -> None:
        if isinstance(exc, PermissionDenied):
            message = _("du har inte behörighet att spara posten.")
        elif isinstance(exc, EditConflict):
            message = _("någon annan ändrade posten medan importen pågick. Försök igen.")
        elif isinstance(exc, ValidationError):
            if hasattr(exc, "error_dict") and planned is not None and column is None:
                # Each field's message at its column, where the sheet has one.
                for field, messages in exc.message_dict.items():
                    self.issues.add(planned, " ".join(messages), planned.sheet.spec.column(field))
                return
            message = " ".join(exc.messages)
        else:
            message = str(exc)
        self.issues.add(planned, message, column)

    def write(self) -> None:
        """Save the validated plan inside the caller's transaction; raises
        ImportRejected (and so rolls back) on any error."""
        try:
            plan = services.plan_for(actor=self.actor, unit=self.unit, plan_type=self.plan_type)
        except (PermissionDenied, ValidationError) as exc:
            self._fail(None, exc)
            raise ImportRejected(self.issues.items, order=issue_order) from None
        order = [k for k in col.SHEETS]
        for planned in sorted(self.planned, key=lambda p: (order.index(p.kind), p.position)):
            try:
                if planned.existing is None:
                    planned.item = services.item_create(
                        actor=self.actor,
                        plan=plan,
                        kind=planned.kind,
                        order=planned.position,
                        **planned.fields,
                    )
                elif planned.changes:
                    planned.item = services.item_update(
                        actor=self.actor,
                        item=planned.existing,
                        version=planned.existing.version,
                        **planned.changes,
                    )
                else:
                    planned.item = planned.existing
            except (PermissionDenied, ValidationError, EditConflict) as exc:
                self._fail(planned, exc)
        if self.issues:
            raise ImportRejected(self.issues.items, order=issue_order)
        for planned in self.planned:
            for target in planned.links_remove:
                try:
                    services.item_unlink(actor=self.actor, item=planned.item, target=target)
                except (PermissionDenied, ValidationError) as exc:
                    self._fail(planned, exc, planned.sheet.spec.column("goals"))
        for planned in self.planned:
            for candidate in planned.links_add:
                key = candidate.key
                target = key.item if isinstance(key, _Planned) else candidate.item
                try:
                    services.item_link(actor=self.actor, item=planned.item, target=target)
                except (PermissionDenied, ValidationError) as exc:
                    self._fail(planned, exc, planned.sheet.spec.column("goals"))
        for item in self.archive:
            try:
                services.item_archive(actor=self.actor, item=item)
            except PermissionDenied as exc:
                self._fail(None, exc)
        if self.issues:
            raise ImportRejected(self.issues.items, order=issue_order)
        self.results.write()
        if self.issues:
            raise ImportRejected(self.issues.items, order=issue_order)
        self.breakdowns.write()
        if self.issues:
            raise ImportRejected(self.issues.items, order=issue_order)


# --- Entry points ------------------------------------------------------------------------


def import_plan(
    *,
    actor,
    unit: Unit,
    plan_type: PlanType,
    parsed: ParsedWorkbook,
    dry_run: bool = False,
    archive_missing: bool = False,
    occasion=None,
) -> ImportResult:
    """Create and update the items of the unit's plan of this type from a
    parsed workbook, all or nothing. Raises ImportRejected with every error
    found; then nothing is saved. With dry_run, everything is checked (the
    writes too) and rolled back. `occasion` is the follow-up occasion of
    reported results on rows without an Uppföljning (see followup.plan_results)."""
    try:
        with one_action():
            importer = _Importer(
                actor,
                unit=unit,
                plan_type=plan_type,
                parsed=parsed,
                archive_missing=archive_missing,
                occasion=occasion,
            )
            importer.validate()
            if importer.issues:
                raise ImportRejected(importer.issues.items, order=issue_order)
            result = importer.result(dry_run=dry_run)
            importer.write()
            result.breakdown_values = importer.breakdowns.changed
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        raise ImportRejected(
            [
                ImportIssue(
                    _(
                        "planen ändrades av någon annan medan importen pågick. Ingenting har "
                        "sparats; försök igen."
                    )
                )
            ]
        ) from None
    finally:
        access.forget(actor)
    return result


def import_file(
    *,
    actor,
    unit: Unit,
    plan_type: PlanType,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    archive_missing: bool = False,
    occasion=None,
) -> ImportResult:
    """Read an .xlsx file and import it (see import_plan)."""
    parsed = read_workbook(data, filename=filename)
    return import_plan(
        actor=actor,
        unit=unit,
        plan_type=plan_type,
        parsed=parsed,
        dry_run=dry_run,
        archive_missing=archive_missing,
        occasion=occasion,
    )
