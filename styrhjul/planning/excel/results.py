"""Reported results in a plan file (migration of earlier years).

The sheet Kontrollpunkter may carry the results of a follow-up: Bedömning,
Resultat av kontroll, Åtgärd and Uppföljning (the occasion; or one occasion
for the whole file, chosen on the command line or the import page). The
importer validates them with the rest of the file (`ResultPlanner.validate`)
and, after the items are saved, writes each as the Report of (occasion, the
plan's unit, item) through `import_report`.

This is historical data brought in by a model owner: the occasion is usually
closed, so the report lock of follow-up does not apply; the right to manage
the unit (model owners, administrators) does."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from styrhjul.followup.models import FollowUpOccasion, Report
from styrhjul.followup.services import ReportData, validate_report
from styrhjul.model.models import ItemKind, PlanType, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.models import Item

from . import columns as col
from .cells import CellError, long_text, norm_key, parse_date, short_text

IMPORT_REASON = "Import"
_REPORT_FIELDS = tuple(f.name for f in fields(ReportData))


def _task(plan_type: PlanType):
    """What validate_report needs of a reporting task: its plan type."""
    return SimpleNamespace(plan_type=plan_type)


def _differs(report: Report, data: ReportData) -> bool:
    for name in _REPORT_FIELDS:
        value = getattr(data, name)
        if isinstance(value, ScaleValue) or name in ("status", "assessment"):
            if getattr(report, f"{name}_id") != (value.pk if value is not None else None):
                return True
        elif getattr(report, name) != value:
            return True
    return False


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


@transaction.atomic
def import_report(*, actor, occasion: FollowUpOccasion, unit: Unit, item: Item, data: ReportData):
    """Create or update the report of (occasion, unit, item) with imported
    results. Only those who may manage the unit (model owners, admins); no
    lock check, so a closed occasion can be filled in. A report that already
    says the same is left as it is (no new version, no history row)."""
    access.require(actor, access.Action.MANAGE, unit)
    plan_type = item.plan.plan_type
    if item.plan.unit_id != unit.pk:
        raise ValidationError(_("Posten hör inte till enhetens plan."))
    if not covers(occasion, plan_type):
        raise ValidationError(
            _("Uppföljningen %(occasion)s följer inte upp %(plan_type)s.")
            % {"occasion": occasion.name, "plan_type": plan_type.name}
        )
    validate_report(_task(plan_type), item, data)
    report = (
        Report.objects.select_for_update().filter(occasion=occasion, unit=unit, item=item).first()
    )
    if report is None:
        report = Report(occasion=occasion, unit=unit, item=item)
    elif not _differs(report, data):
        return report
    else:
        report.version += 1  # the row is locked (select_for_update)
    for name in _REPORT_FIELDS:
        setattr(report, name, getattr(data, name))
    user = actor if isinstance(actor, User) else None
    report.updated_by = user
    report._history_user = user
    report._change_reason = IMPORT_REASON
    report.save()
    return report


# --- In the importer ----------------------------------------------------------------------


@dataclass(eq=False)
class PlannedReport:
    planned: object  # importer._Planned
    occasion: FollowUpOccasion
    data: ReportData
    existing: Report | None
    report: Report | None = None

    @property
    def changed(self) -> bool:
        return self.existing is None or _differs(self.existing, self.data)


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
        self._scale: dict[str, ScaleValue] | None = None
        self._may: bool | None = None

    # Lookups ---------------------------------------------------------------------

    @property
    def valid_occasions(self) -> list[FollowUpOccasion]:
        if self._valid is None:
            self._valid = list(occasions_for(self.plan_type))
        return self._valid

    def _valid_names(self) -> str:
        return ", ".join(o.name for o in self.valid_occasions) or "–"

    def _occasion_error(self, name: str) -> str:
        if self._occasions is None:
            self._occasions = {
                norm_key(o.name): o
                for o in FollowUpOccasion.objects.filter(model=self.plan_type.model_id)
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
        return next((o for o in self.valid_occasions if norm_key(o.name) == norm_key(name)), None)

    @property
    def scale(self) -> dict[str, ScaleValue]:
        if self._scale is None:
            scale_id = self.plan_type.control_scale_id
            values = ScaleValue.objects.filter(scale=scale_id) if scale_id else []
            self._scale = {norm_key(v.label): v for v in values}
        return self._scale

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
            if planned.kind != ItemKind.CONTROL_POINT:
                continue
            sheet = planned.sheet
            if not any(sheet.has(k) for k in (*col.RESULT_KEYS, "occasion")):
                continue
            self._validate_row(planned)

    def _validate_row(self, planned) -> None:
        issues = self.importer.issues
        spec = planned.sheet.spec
        cells = planned.source.cells
        texts = {
            "assessment": short_text(cells.get("assessment")),
            "comment": long_text(cells.get("comment")),
            "measures": long_text(cells.get("measures")),
            "measures_responsible": short_text(cells.get("measures_responsible")),
        }
        present = [k for k in col.RESULT_KEYS if planned.sheet.has(k)]
        due = None
        if "measures_due" in present:
            try:
                due = parse_date(cells.get("measures_due"))
            except CellError as exc:
                issues.add(planned, str(exc), spec.column("measures_due"))
                return
        if len(texts["measures_responsible"]) > 200:
            issues.add(
                planned,
                _("texten är %(n)d tecken lång; högst %(max)d får plats.")
                % {"n": len(texts["measures_responsible"]), "max": 200},
                spec.column("measures_responsible"),
            )
            return
        has_result = any(texts.get(k) for k in present) or due is not None
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
        assessment = None
        if "assessment" in present and texts["assessment"]:
            assessment = self.scale.get(norm_key(texts["assessment"]))
            if assessment is None:
                labels = [v.label for v in self.scale.values()]
                message = _("okänd bedömning ”%(value)s”. Välj en av %(labels)s.") % {
                    "value": texts["assessment"],
                    "labels": ", ".join(labels) or "–",
                }
                close = difflib.get_close_matches(
                    norm_key(texts["assessment"]), list(self.scale), n=1, cutoff=0.75
                )
                if close:
                    message += " " + _("Menade du ”%(name)s”?") % {
                        "name": self.scale[close[0]].label
                    }
                issues.add(planned, message, spec.column("assessment"))
                return
        item = planned.existing
        existing = (
            Report.objects.filter(occasion=occasion, unit=self.unit, item=item).first()
            if item is not None
            else None
        )
        data = ReportData()
        if existing is not None:  # a column the sheet lacks leaves the value as it is
            for name in _REPORT_FIELDS:
                setattr(data, name, getattr(existing, name))
        if "assessment" in present:
            data.assessment = assessment
        if "comment" in present:
            data.comment = texts["comment"]
        if "measures" in present:
            data.measures = texts["measures"]
        if "measures_responsible" in present:
            data.measures_responsible = texts["measures_responsible"]
        if "measures_due" in present:
            data.measures_due = due
        try:
            validate_report(
                _task(self.plan_type),
                item or SimpleNamespace(kind=ItemKind.CONTROL_POINT, level_id=None),
                data,
            )
        except ValidationError as exc:
            self._report_errors(planned, exc, data)
            return
        self.rows.append(PlannedReport(planned, occasion, data, existing))

    def _report_errors(self, planned, exc: ValidationError, data: ReportData) -> None:
        spec = planned.sheet.spec
        issues = self.importer.issues
        if not hasattr(exc, "error_dict"):
            issues.add(planned, " ".join(exc.messages))
            return
        for key, errors in exc.message_dict.items():
            if key == "comment":
                label = data.assessment.label if data.assessment else ""
                issues.add(
                    planned,
                    _("Resultat av kontroll måste fyllas i när bedömningen är ”%(label)s”.")
                    % {"label": label},
                    spec.column("comment"),
                )
            else:
                issues.add(planned, " ".join(errors), spec.column(key))

    # Counting and writing ----------------------------------------------------------

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None and r.changed)

    def write(self) -> None:
        for row in self.rows:
            if not row.changed:
                continue
            try:
                row.report = import_report(
                    actor=self.importer.actor,
                    occasion=row.occasion,
                    unit=self.unit,
                    item=row.planned.item,
                    data=row.data,
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
                self._report_errors(row.planned, exc, row.data)
