"""Reported results in a plan file (results of a follow-up brought in from
Excel, e.g. an earlier year's report or a follow-up made in Excel), plugged
into the plan file (planning.excel.extension; registered in apps.py).

Each kind's sheet may carry the results of a follow-up in its result columns
(planning/excel/columns.py): Status, Färdighetsgrad and Kommentar on
Aktiviteter, Status and Kommentar on Särskilda uppdrag, Bedömning and Analys
on Mål, Bedömning, Resultat av kontroll, Åtgärd … on Kontrollpunkter, Utfall,
Utfall kvinnor, Utfall män, Avser, Bedömning and Kommentar on Nyckeltal, and on
every one of them Uppföljning (the occasion; or one occasion for the whole
file, chosen on the command line or the import page).

An indicator's Utfall … Avser are its outcome for the occasion's period
(services.value_period: the year, or the month the period ends for an
indicator followed up per month, tertial or quarter before December), an
IndicatorValue of the plan's unit, written by `import_outcome` with the
reporting page's rules (services.validate_outcome).
The importer validates them with the rest of the file
(`ResultPlanner.validate`, with the reporting form's rules:
followup.services.validate_report) and, after the items are saved, writes
each as the Report of (occasion, the plan's unit, item) through
`import_report`. One piece of code for every kind, driven by the sheet's
result columns, whose keys are the Report's fields.

This is data brought in by a model owner: the occasion is often closed, so
the report lock of follow-up does not apply; the right to manage the unit
(model owners, administrators) does."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import EditConflict, save_edited, use_case
from styrhjul.core.spreadsheet import did_you_mean
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.indicators.series import IndicatorData
from styrhjul.model.models import ItemKind, PlanType, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.excel import columns as col
from styrhjul.planning.excel.cells import (
    CellError,
    long_text,
    norm_key,
    parse_date,
    parse_decimal,
    parse_integer,
    short_text,
)
from styrhjul.planning.excel.columns import sheets_for
from styrhjul.planning.models import Item

from .models import FollowUpOccasion, Report
from .services import (
    ReportData,
    scale_for,
    unexplained_assessment,
    validate_outcome,
    validate_report,
    value_period,
    value_token,
)

IMPORT_REASON = "Import"
_REPORT_FIELDS = tuple(f.name for f in fields(ReportData))


def scale_id(plan_type: PlanType, kind: str, field: str) -> int | None:
    """The scale of a kind's "status" or "assessment" in the plan type, as
    the reporting form uses it (None: the kind has no such field)."""
    return scale_for(plan_type, Item(kind=kind), field)


def scale_labels(plan_type: PlanType, kind: str, field: str) -> list[str]:
    """The labels of that scale, in the scale's order."""
    pk = scale_id(plan_type, kind, field)
    if pk is None:
        return []
    return list(ScaleValue.objects.filter(scale=pk).values_list("label", flat=True))


def _cell_number(value):
    """A stored number as the plan file writes it (51, 51.5)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def outcome_values(item: Item, value: IndicatorValue | None) -> dict[str, object]:
    """The outcome columns of an indicator's row, as the export writes them:
    none for Kolada's values, kvinnor and män only when the indicator is
    split by gender (what the reporting page shows)."""
    if value is None or item.source == "kolada":
        return {}
    found = {"value": _cell_number(value.value), "note": value.note or None}
    if item.gender_split:
        found["value_women"] = _cell_number(value.value_women)
        found["value_men"] = _cell_number(value.value_men)
    return found


def result_value(report: Report, key: str):
    """The value of a result column in a report, as the export writes it."""
    if key in col.OUTCOME_KEYS:
        return None  # the outcome is no field of the report (outcome_values)
    value = getattr(report, key)
    if key in ("status", "assessment"):
        return value.label if value is not None else None
    if isinstance(value, str):
        return value or None
    return value


def _differs(report: Report, data: ReportData) -> bool:
    for name in _REPORT_FIELDS:
        value = getattr(data, name)
        if isinstance(value, ScaleValue) or name in ("status", "assessment"):
            if getattr(report, f"{name}_id") != (value.pk if value is not None else None):
                return True
        elif getattr(report, name) != value:
            return True
    return False


def result_values(
    occasion: FollowUpOccasion, unit: Unit, plan_type: PlanType, items: list[Item]
) -> dict[int, dict[str, object]]:
    """Item pk → the values of its sheet's result columns for the occasion,
    as the plan export writes them."""
    keys = {s.kind: s.result_keys for s in sheets_for(plan_type.item_kinds) if s.result_columns}
    kinds = {i.pk: i.kind for i in items if i.kind in keys}
    results: dict[int, dict[str, object]] = {pk: {"occasion": occasion.title} for pk in kinds}
    reports = Report.objects.filter(
        occasion=occasion, unit=unit, item__in=list(kinds)
    ).select_related("status", "assessment")
    for report in reports:
        results[report.item_id].update(
            (key, result_value(report, key)) for key in keys[kinds[report.item_id]]
        )
    indicators = {i.pk: i for i in items if i.kind == ItemKind.INDICATOR and i.pk in kinds}
    if indicators:
        values = {
            (v.item_id, v.period): v
            for v in IndicatorValue.objects.filter(
                item__in=list(indicators), unit=unit, year=occasion.year
            )
        }
        for pk, item in indicators.items():
            value = values.get((pk, value_period(item, occasion)))
            results[pk].update(outcome_values(item, value))
    return results


def covers(occasion: FollowUpOccasion, plan_type: PlanType) -> bool:
    return (
        occasion.model_id == plan_type.model_id
        and occasion.plan_types.filter(pk=plan_type.pk).exists()
    )


def occasions_for(plan_type: PlanType):
    """The occasions of the plan type's year that follow up the plan type."""
    return FollowUpOccasion.objects.filter(model=plan_type.model_id, plan_types=plan_type).order_by(
        "period_end", "name"
    )


def find_occasion(plan_type: PlanType, reference: str | int):
    """The occasion following up the plan type that a command's --occasion
    names: its id or its name with the year (lookup.find_occasion)."""
    from .lookup import find_occasion

    return find_occasion(
        reference,
        candidates=occasions_for(plan_type),
        option="--occasion",
        hint=f"som följer upp {plan_type.name} {plan_type.model.year}",
    )


@use_case
def import_report(
    *,
    actor,
    occasion: FollowUpOccasion,
    unit: Unit,
    item: Item,
    data: ReportData,
    version: int | None = None,
):
    """Create or update the report of (occasion, unit, item) with imported
    results. Only those who may manage the unit (model owners, admins); no
    lock check, so a closed occasion can be filled in. A report that already
    says the same is left as it is (no new version, no history row).

    `version` is the version of the report the import read (0: none), as a
    page's form carries it: a report saved since then by someone else is not
    overwritten (EditConflict, with their report), the same rule as on the
    reporting page. None for a caller that has read nothing."""
    access.require(actor, access.Action.MANAGE, unit)
    plan_type = item.plan.plan_type
    if item.plan.unit_id != unit.pk:
        raise ValidationError(_("Posten hör inte till enhetens plan."))
    if not covers(occasion, plan_type):
        raise ValidationError(
            _("Uppföljningen %(occasion)s följer inte upp %(plan_type)s.")
            % {"occasion": occasion.title, "plan_type": plan_type.name}
        )
    validate_report(plan_type, item, data)
    report = Report.objects.select_for_update().filter(
        occasion=occasion, unit=unit, item=item
    ).first() or Report(occasion=occasion, unit=unit, item=item)
    if version is not None and (0 if report._state.adding else report.version) != version:
        raise EditConflict(report)
    report._edit_key = {"occasion": occasion, "unit": unit, "item": item}
    if not report._state.adding and not _differs(report, data):
        return report
    for name in _REPORT_FIELDS:
        setattr(report, name, getattr(data, name))
    return save_edited(report, actor, IMPORT_REASON)


def _outcome_differs(value: IndicatorValue, outcome: dict) -> bool:
    return any(getattr(value, name) != outcome[name] for name in col.OUTCOME_KEYS)


def _changed_numbers(value: IndicatorValue | None, outcome: dict) -> dict:
    """The numbers of `outcome` that differ from the stored outcome (all of
    them for a new one): what the outcome's rules are checked on, so that a
    value kept as it is (e.g. kvinnor and män computed for an indicator not
    split by gender) does not stop an import that leaves it alone."""
    return {
        name: outcome[name]
        for name in ("value", "value_women", "value_men")
        if value is None or getattr(value, name) != outcome[name]
    }


@use_case
def import_outcome(
    *,
    actor,
    occasion: FollowUpOccasion,
    unit: Unit,
    item: Item,
    outcome: dict,
    opened: str | None = None,
) -> IndicatorValue:
    """Create or update the unit's outcome of an indicator for the occasion's
    period (value_period) with imported values: `outcome` holds value,
    value_women, value_men and note. The same rights and rules as
    import_report (managing the unit; no lock check), the outcome's rules as
    on the reporting page (validate_outcome). An outcome that already says
    the same is left as it is.

    `opened` is the value_token of the outcome the import read ("" for
    none): one saved since then by someone else is not overwritten
    (EditConflict). None for a caller that has read nothing."""
    access.require(actor, access.Action.MANAGE, unit)
    if item.kind != ItemKind.INDICATOR or item.plan.unit_id != unit.pk:
        raise ValidationError(_("Posten hör inte till enhetens plan."))
    if not covers(occasion, item.plan.plan_type):
        raise ValidationError(
            _("Uppföljningen %(occasion)s följer inte upp %(plan_type)s.")
            % {"occasion": occasion.title, "plan_type": item.plan.plan_type.name}
        )
    key = {
        "item": item,
        "unit": unit,
        "year": occasion.year,
        "period": value_period(item, occasion),
    }
    obj = IndicatorValue.objects.select_for_update().filter(**key).first()
    if opened is not None and value_token(obj) != opened:
        raise EditConflict(obj or IndicatorValue(**key))
    if obj is not None and not _outcome_differs(obj, outcome):
        return obj
    validate_outcome(item, **_changed_numbers(obj, outcome))
    obj = obj or IndicatorValue(**key)
    for name in col.OUTCOME_KEYS:
        setattr(obj, name, outcome[name])
    obj.source = ValueSource.IMPORTED
    obj.updated_by = actor if isinstance(actor, User) else None
    obj.full_clean()
    set_actor(obj, actor, IMPORT_REASON)
    obj.save()
    return obj


# --- In the importer ----------------------------------------------------------------------

_SCALE_CELLS = (col.STATUS, col.ASSESSMENT)
# The fields of an indicator its suggested assessment is worked out from.
_SUGGESTION_FIELDS = (
    "direction",
    "near_target_margin",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
)


def _unknown_message(field: str) -> str:
    if field == "status":
        return _("okänd status ”%(value)s”. Välj en av %(labels)s.")
    return _("okänd bedömning ”%(value)s”. Välj en av %(labels)s.")


def _no_scale_message(field: str) -> str:
    if field == "status":
        return _(
            "%(plan_type)s har ingen skala för status på %(kind)s. Lämna kolumnen %(column)s tom."
        )
    return _(
        "%(plan_type)s har ingen skala för bedömning av %(kind)s. Lämna kolumnen %(column)s tom."
    )


def _conflict_message(current: Report) -> str:
    """A report saved by someone else between the import's reading and
    writing: the row names who and when, and nothing is written."""
    who = current.updated_by if getattr(current, "updated_by_id", None) else None
    values = {
        "who": (who.get_full_name() or who.get_username()) if who else _("någon annan"),
        "when": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
        if getattr(current, "updated_at", None)
        else "",
        "occasion": current.occasion.title,
    }
    return (
        _(
            "rapporten för %(occasion)s sparades av %(who)s %(when)s medan filen importerades; "
            "inget har importerats. Importera filen igen om den ska ersätta det som sparades."
        )
        % values
    )


@dataclass(eq=False)
class PlannedReport:
    """A row's results: its report (data; None when the row has no report
    to write) and, for an indicator, its outcome (None: left as it is)."""

    planned: object  # importer._Planned
    occasion: FollowUpOccasion
    data: ReportData | None
    existing: Report | None
    report: Report | None = None
    outcome: dict | None = None
    existing_outcome: IndicatorValue | None = None

    @property
    def changed(self) -> bool:
        """Whether the report changes."""
        if self.data is None:
            return False
        return self.existing is None or _differs(self.existing, self.data)

    @property
    def outcome_changed(self) -> bool:
        if self.outcome is None:
            return False
        if self.existing_outcome is None:
            return any(v not in (None, "") for v in self.outcome.values())
        return _outcome_differs(self.existing_outcome, self.outcome)


class ResultPlanner:
    """Validates the result columns of the importer's rows and writes them."""

    def __init__(self, importer, occasion: FollowUpOccasion | None):
        self.importer = importer
        self.plan_type: PlanType = importer.plan_type
        self.unit: Unit = importer.unit
        self.default = occasion
        self.default_bad = False
        self.rows: list[PlannedReport] = []
        self._occasions: dict[str, FollowUpOccasion] | None = None
        self._valid: list[FollowUpOccasion] | None = None
        self._scales: dict[tuple[str, str], dict[str, ScaleValue] | None] = {}
        self._reports: dict[int, dict[int, Report]] = {}
        self._outcomes: dict[int, dict[tuple[int, str], IndicatorValue]] = {}
        self._may: bool | None = None

    # Lookups ---------------------------------------------------------------------

    @property
    def valid_occasions(self) -> list[FollowUpOccasion]:
        if self._valid is None:
            self._valid = list(occasions_for(self.plan_type))
        return self._valid

    def _valid_names(self) -> str:
        return ", ".join(o.title for o in self.valid_occasions) or "–"

    def _occasion_error(self, name: str) -> str:
        if self._occasions is None:
            self._occasions = {
                norm_key(text): o
                for o in FollowUpOccasion.objects.filter(model=self.plan_type.model_id)
                for text in (o.name, o.title)
            }
        found = self._occasions.get(norm_key(name))
        values = {
            "name": name,
            "plan_type": self.plan_type.name,
            "year": self.plan_type.model.year,
            "names": self._valid_names(),
        }
        if found is not None:
            return (
                _(
                    "uppföljningen ”%(name)s” följer inte upp %(plan_type)s. Uppföljningar "
                    "som gör det: %(names)s."
                )
                % values
            )
        return (
            _(
                "det finns ingen uppföljning ”%(name)s” för %(year)s. Uppföljningar av "
                "%(plan_type)s %(year)s: %(names)s."
            )
            % values
        )

    def _occasion_named(self, name: str) -> FollowUpOccasion | None:
        """By the name as shown, with its year (Månadsuppföljning september
        2025), or as stored (files exported before the year was added)."""
        key = norm_key(name)
        return next(
            (o for o in self.valid_occasions if key in (norm_key(o.title), norm_key(o.name))), None
        )

    def scale(self, kind: str, field: str) -> dict[str, ScaleValue] | None:
        """The plan type's scale for the kind's status or assessment, by
        label (case and spaces ignored); None when the plan type has none."""
        key = (kind, field)
        if key not in self._scales:
            pk = scale_id(self.plan_type, kind, field)
            self._scales[key] = (
                {norm_key(v.label): v for v in ScaleValue.objects.filter(scale=pk)}
                if pk is not None
                else None
            )
        return self._scales[key]

    def _existing_report(self, occasion: FollowUpOccasion, item: Item | None) -> Report | None:
        """The unit's report on the item at the occasion (the plan's reports
        at an occasion are read once)."""
        if item is None:
            return None
        if occasion.pk not in self._reports:
            plan = self.importer.plan
            self._reports[occasion.pk] = (
                {
                    r.item_id: r
                    for r in Report.objects.filter(
                        occasion=occasion, unit=self.unit, item__plan=plan
                    ).select_related("status", "assessment")
                }
                if plan is not None
                else {}
            )
        return self._reports[occasion.pk].get(item.pk)

    def _may_import(self) -> bool:
        if self._may is None:
            self._may = access.can(self.importer.actor, access.Action.MANAGE, self.unit)
        return self._may

    # Validating --------------------------------------------------------------------

    def validate(self) -> None:
        issues = self.importer.issues
        if self.default is not None and not covers(self.default, self.plan_type):
            self.default_bad = True
            issues.add(None, _("vald uppföljning: ") + self._occasion_error(self.default.name))
        for planned in self.importer.planned:
            sheet = planned.sheet
            if not any(sheet.has(c.key) for c in sheet.spec.result_columns):
                continue
            self._validate_row(planned)

    @staticmethod
    def _read(column: col.Column, value):
        """A result cell's value: text, a date, a number, or a scale's label
        as text."""
        if column.cell == col.DATE:
            return parse_date(value)
        if column.cell == col.LONG_TEXT:
            return long_text(value)
        if column.cell == col.DECIMAL:
            return parse_decimal(value)
        if column.cell == col.INTEGER:
            return parse_integer(value)  # the range is the reporting rules' (validate_report)
        text = short_text(value)
        if column.cell == col.TEXT:
            model = IndicatorValue if column.key in col.OUTCOME_KEYS else Report
            limit = model._meta.get_field(column.key).max_length
            if limit and len(text) > limit:
                raise CellError(
                    _("texten är %(n)d tecken lång; högst %(max)d får plats.")
                    % {"n": len(text), "max": limit}
                )
        return text

    def _scale_value(self, planned, column: col.Column, text: str) -> ScaleValue | None:
        """The scale value a status or assessment cell names; None (with the
        error added at the cell) when it names none."""
        spec = planned.sheet.spec
        scale = self.scale(spec.kind, column.key)
        if scale is None:
            self.importer.issues.add(
                planned,
                _no_scale_message(column.key)
                % {
                    "plan_type": self.plan_type.name,
                    "kind": spec.label,
                    "column": column.header,
                },
                column,
            )
            return None
        found = scale.get(norm_key(text))
        if found is not None:
            return found
        message = _unknown_message(column.key) % {
            "value": text,
            "labels": ", ".join(v.label for v in scale.values()) or "–",
        }
        message += did_you_mean(norm_key(text), scale, lambda v: v.label)
        self.importer.issues.add(planned, message, column)
        return None

    def _validate_row(self, planned) -> None:
        issues = self.importer.issues
        spec = planned.sheet.spec
        cells = planned.source.cells
        present = [
            c for c in spec.result_columns if c.cell != col.OCCASION and planned.sheet.has(c.key)
        ]
        values: dict[str, object] = {}
        bad = False
        for column in present:
            try:
                values[column.key] = self._read(column, cells.get(column.key))
            except CellError as exc:
                issues.add(planned, str(exc), column)
                bad = True
        if bad:
            return
        has_result = any(v not in (None, "") for v in values.values())
        occasion_name = short_text(cells.get("occasion"))
        occasion = None
        if occasion_name:
            occasion = self._occasion_named(occasion_name)
            if occasion is None:
                issues.add(planned, self._occasion_error(occasion_name), spec.column("occasion"))
                return
        elif has_result:
            occasion = self.default
            if occasion is None:
                issues.add(
                    planned,
                    _("ange vilken uppföljning resultatet hör till."),
                    spec.column("occasion"),
                )
                return
            if self.default_bad:
                return
        if not has_result:
            return
        if not self._may_import():
            issues.add(
                planned,
                _(
                    "du har inte behörighet att importera resultat för %(unit)s; det får "
                    "modellägare och administratörer."
                )
                % {"unit": self.unit.name},
            )
            return
        for column in (c for c in present if c.cell in _SCALE_CELLS):
            text = values[column.key]
            values[column.key] = self._scale_value(planned, column, text) if text else None
            if text and values[column.key] is None:
                bad = True  # the error is at the cell
        if bad:
            return
        existing = self._existing_report(occasion, planned.existing)
        reported = [c for c in present if c.key not in col.OUTCOME_KEYS]
        data = None
        if existing is not None or any(values[c.key] not in (None, "") for c in reported):
            data = ReportData()
            if existing is not None:  # a column the sheet lacks leaves the value as it is
                for name in _REPORT_FIELDS:
                    setattr(data, name, getattr(existing, name))
            for column in reported:
                setattr(data, column.key, values[column.key])
            # The item as it will be after the import: a goal's level decides
            # whether it is assessed.
            level = planned.value("level") if planned.kind == ItemKind.GOAL else None
            item = Item(kind=planned.kind, level=level)
            try:
                validate_report(self.plan_type, item, data)
            except ValidationError as exc:
                self._report_errors(planned, exc, data)
                return
        row = PlannedReport(planned, occasion, data, existing)
        if any(c.key in col.OUTCOME_KEYS for c in present) and not self._plan_outcome(row, values):
            return
        if planned.kind == ItemKind.INDICATOR and not self._check_suggestion(row):
            return
        self.rows.append(row)

    def _check_suggestion(self, row: PlannedReport) -> bool:
        """The reporting page's rule for an indicator's bedömning: one other
        than the assessment suggested from the outcome and the year's target
        needs a comment (services.unexplained_assessment), checked for the
        indicator as it will be after the import when its report or outcome
        changes and it has an outcome. False (with the error at Kommentar)
        when it is broken."""
        data = row.data
        if data is None or data.assessment is None or not (row.changed or row.outcome_changed):
            return True
        if row.outcome is not None:
            value = row.outcome["value"]
        else:
            value = row.existing_outcome.value if row.existing_outcome is not None else None
        planned = row.planned
        if value is None or (planned.value("source") or "") == "kolada":
            return True
        item = Item(kind=ItemKind.INDICATOR)
        for name in _SUGGESTION_FIELDS:
            if planned.existing is not None or name in planned.fields:
                setattr(item, name, planned.value(name))  # else the new item's default
        facts = IndicatorData(item, self.unit, [], self.importer.targets_after(planned))
        if item.target_year and item.target_value is not None:
            facts.targets.setdefault(item.target_year, item.target_value)
        code = facts.suggestion(row.occasion.year, value=value)
        scale = self.scale(ItemKind.INDICATOR, "assessment") or {}
        suggested = next((v for v in scale.values() if v.suggested_when == code), None)
        error = unexplained_assessment(data.assessment, suggested, data.comment)
        if error:
            self.importer.issues.add(planned, error, planned.sheet.spec.column("comment"))
            return False
        return True

    def _plan_outcome(self, row: PlannedReport, values: dict) -> bool:
        """An indicator's Utfall … Avser as its outcome for the occasion's
        period, checked with the reporting page's rules for the indicator as
        it will be after the import. False (with the errors at the cells)
        when they break one."""
        planned = row.planned
        existing = self._existing_outcome(row.occasion, planned.existing)
        source = planned.value("source") or ""
        split = bool(planned.value("gender_split"))
        given = {k: v for k, v in values.items() if k in col.OUTCOME_KEYS}
        # What the export leaves out (Kolada's values; kvinnor and män of an
        # indicator not split by gender) is kept as it is when its cell is empty.
        if source == "kolada":
            given = {k: v for k, v in given.items() if v not in (None, "")}
        elif not split:
            given = {
                k: v
                for k, v in given.items()
                if v is not None or k not in ("value_women", "value_men")
            }
        outcome: dict[str, object] = {
            name: getattr(existing, name) if existing is not None else None
            for name in col.OUTCOME_KEYS
        }
        outcome.update(given)
        outcome["note"] = outcome["note"] or ""
        row.outcome, row.existing_outcome = outcome, existing
        if not row.outcome_changed:
            row.outcome = None  # nothing to write
            return True
        item = Item(
            kind=ItemKind.INDICATOR,
            source=source,
            measure_unit=planned.value("measure_unit") or "",
            gender_split=split,
        )
        try:
            validate_outcome(item, **_changed_numbers(existing, outcome))
        except ValidationError as exc:
            spec = planned.sheet.spec
            for key, errors in exc.message_dict.items():
                self.importer.issues.add(planned, " ".join(errors), spec.column(key))
            return False
        return True

    def _existing_outcome(
        self, occasion: FollowUpOccasion, item: Item | None
    ) -> IndicatorValue | None:
        """The unit's outcome of the indicator for the occasion's period (the
        plan's outcomes of the occasion's year are read once)."""
        if item is None:
            return None
        if occasion.pk not in self._outcomes:
            plan = self.importer.plan
            self._outcomes[occasion.pk] = (
                {
                    (v.item_id, v.period): v
                    for v in IndicatorValue.objects.filter(
                        item__plan=plan, unit=self.unit, year=occasion.year
                    )
                }
                if plan is not None
                else {}
            )
        return self._outcomes[occasion.pk].get((item.pk, value_period(item, occasion)))

    def _report_errors(self, planned, exc: ValidationError, data: ReportData) -> None:
        """The reporting rules' errors at the sheet's columns; a missing
        comment at the column where the sheet's text is written (Kommentar,
        Analys, Resultat av kontroll)."""
        spec = planned.sheet.spec
        issues = self.importer.issues
        if not hasattr(exc, "error_dict"):
            issues.add(planned, " ".join(exc.messages))
            return
        for key, errors in exc.message_dict.items():
            if key == "comment":
                column = spec.column("comment") or spec.column("analysis")
                chosen = data.status or data.assessment
                issues.add(
                    planned,
                    _("%(column)s måste fyllas i när %(field)s är ”%(label)s”.")
                    % {
                        "column": column.header if column else _("Kommentar"),
                        "field": _("status") if data.status else _("bedömningen"),
                        "label": chosen.label if chosen else "",
                    },
                    column,
                )
            else:
                issues.add(planned, " ".join(errors), spec.column(key))

    # Counting and writing ----------------------------------------------------------

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.existing is None and r.changed) + sum(
            1 for r in self.rows if r.existing_outcome is None and r.outcome_changed
        )

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None and r.changed) + sum(
            1 for r in self.rows if r.existing_outcome is not None and r.outcome_changed
        )

    def write(self) -> None:
        for row in self.rows:
            self._write_outcome(row)
            if not row.changed:
                continue
            try:
                row.report = import_report(
                    actor=self.importer.actor,
                    occasion=row.occasion,
                    unit=self.unit,
                    item=row.planned.item,
                    data=row.data,
                    version=row.existing.version if row.existing is not None else 0,
                )
            except EditConflict as exc:
                self.importer.issues.add(row.planned, _conflict_message(exc.current))
            except PermissionDenied:
                self.importer.issues.add(
                    row.planned,
                    _(
                        "du har inte behörighet att importera resultat för %(unit)s; det får "
                        "modellägare och administratörer."
                    )
                    % {"unit": self.unit.name},
                )
            except ValidationError as exc:
                self._report_errors(row.planned, exc, row.data)

    def _write_outcome(self, row: PlannedReport) -> None:
        if not row.outcome_changed:
            return
        try:
            import_outcome(
                actor=self.importer.actor,
                occasion=row.occasion,
                unit=self.unit,
                item=row.planned.item,
                outcome=row.outcome,
                opened=value_token(row.existing_outcome),
            )
        except EditConflict:
            self.importer.issues.add(
                row.planned,
                _(
                    "utfallet för %(occasion)s sparades av någon annan medan filen "
                    "importerades; inget har importerats. Importera filen igen om den ska "
                    "ersätta det som sparades."
                )
                % {"occasion": row.occasion.title},
            )
        except PermissionDenied:
            self.importer.issues.add(
                row.planned,
                _(
                    "du har inte behörighet att importera resultat för %(unit)s; det får "
                    "modellägare och administratörer."
                )
                % {"unit": self.unit.name},
            )
        except ValidationError as exc:
            spec = row.planned.sheet.spec
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    self.importer.issues.add(row.planned, " ".join(errors), spec.column(key))
            else:
                self.importer.issues.add(row.planned, " ".join(exc.messages))
