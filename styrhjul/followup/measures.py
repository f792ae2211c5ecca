"""Follow-up of earlier measures (åtgärder) on control points.

A measure reported at one occasion stays open until a later follow-up marks
it done. At every following occasion of the same plan type (in the same
year or a later one: last year's årsbokslut's measures come back at this
year's delårsbokslut), the unit's task shows the open measures with what the
control showed, the measure, who is responsible and by when, and asks what
came of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from styrhjul.core.concurrency import (
    EditConflict,
    conflict_text,
    lock_for_edit,
    save_edited,
    use_case,
)
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access

from .models import MeasureFollowUp, Report, ReportingTask
from .services import is_locked


@dataclass
class OpenMeasure:
    report: Report  # the earlier report with the measure
    followup: MeasureFollowUp | None  # this occasion's follow-up, if saved
    earlier: list[MeasureFollowUp]  # follow-ups at occasions in between
    # A form sent back with an error: what the user typed, and the messages.
    result_value: str | None = None
    done_value: bool | None = None
    error: str = ""
    result_error: str = ""
    saved: bool = False

    @property
    def item(self):
        return self.report.item

    @property
    def text(self) -> str:
        """What the form shows: what was typed, else what is saved."""
        if self.result_value is not None:
            return self.result_value
        return self.followup.result if self.followup else ""

    @property
    def checked(self) -> bool:
        if self.done_value is not None:
            return self.done_value
        return bool(self.followup and self.followup.done)

    @property
    def overdue(self) -> bool:
        due = self.report.measures_due
        return bool(due and not self.checked and due < self._period_end)

    _period_end = None  # set by open_measures: the occasion's period end


def earlier_reports(*, unit_ids, plan_type_name: str, organisation_id: int, before):
    """Reports with a measure from occasions that ended before `before` (a
    date), by these units, on control points of plan types with this name in
    the organisation's models (any year), whose measure was not marked done at
    an occasion before that date."""
    closed_before = MeasureFollowUp.objects.filter(
        report=OuterRef("pk"), done=True, occasion__period_end__lt=before
    )
    return (
        Report.objects.filter(
            unit_id__in=unit_ids,
            item__kind=ItemKind.CONTROL_POINT,
            item__plan__plan_type__name=plan_type_name,
            occasion__model__organisation_id=organisation_id,
            occasion__period_end__lt=before,
        )
        .exclude(measures="")
        .exclude(Exists(closed_before))
    )


def _earlier_reports(task: ReportingTask):
    return earlier_reports(
        unit_ids=[task.unit_id],
        plan_type_name=task.plan_type.name,
        organisation_id=task.occasion.model.organisation_id,
        before=task.occasion.period_end,
    )


def open_measures(task: ReportingTask) -> list[OpenMeasure]:
    """The unit's measures from earlier occasions of the task's plan type that
    were not done before this occasion; oldest first. Two queries."""
    reports = list(
        _earlier_reports(task)
        .select_related("item", "occasion")
        .order_by("occasion__period_end", "item__order", "item__pk")
    )
    if not reports:
        return []
    followups: dict[int, list[MeasureFollowUp]] = {}
    for f in (
        MeasureFollowUp.objects.filter(report__in=reports)
        .select_related("occasion", "updated_by")
        .order_by("occasion__period_end")
    ):
        followups.setdefault(f.report_id, []).append(f)
    result = []
    for report in reports:
        own = followups.get(report.pk, [])
        current = next((f for f in own if f.occasion_id == task.occasion_id), None)
        earlier = [
            f for f in own if f.occasion.period_end < task.occasion.period_end and f is not current
        ]
        measure = OpenMeasure(report, current, earlier)
        measure._period_end = task.occasion.period_end
        result.append(measure)
    return result


def may_follow_up(user, task: ReportingTask) -> bool:
    return access.may_change_task(user, task) and not is_locked(task)


@use_case
def measure_followup_save(
    *, actor, task: ReportingTask, report: Report, result: str, done: bool, version: int
) -> MeasureFollowUp:
    """Save what came of an earlier measure at this task's occasion. `version`
    is the version the user opened (0 for none yet); a save by someone else
    in between refuses this one with EditConflict."""
    if not access.may_change_task(actor, task):
        raise PermissionDenied
    return save_followup(
        actor,
        task,
        _earlier_reports(task),
        report=report,
        result=result,
        done=done,
        version=version,
    )


def save_followup(actor, task: ReportingTask, earlier, *, result, done, version, **followed):
    """The follow-up, at the task's occasion, of a measure among `earlier`
    (the measures the task follows up): `followed` names it, as report= a
    control point's report or forecast_measure= a measure planned with a
    forecast. Refused while the task is locked, and what is done needs a
    text. Called by the use cases, which check who may."""
    ((field, measure),) = followed.items()
    if is_locked(task):
        raise ValidationError(
            _("Rapporteringen är låst: tidsfristen har passerat eller uppföljningen är stängd.")
        )
    if not earlier.filter(pk=measure.pk).exists():
        raise ValidationError(_("Åtgärden följs inte upp i den här uppgiften."))
    result = result.strip()
    if done and not result:
        raise ValidationError({"result": _("Beskriv vad som har gjorts när åtgärden är klar.")})
    followup = lock_for_edit(
        MeasureFollowUp,
        version,
        gone=_("Uppföljningen finns inte längre. Ladda om sidan."),
        occasion=task.occasion,
        **{field: measure},
    )
    followup.result = result
    followup.done = done
    return save_edited(followup, actor)


def apply_followup_post(found, post, save):
    """A page's form for one measure's follow-up (`found`: an open measure of
    the task): what the user sent in `post` is kept on `found`, `save(result,
    done, version)` stores it, and a conflict or an error is put on `found`
    for the page to show. True when saved."""
    found.result_value = post.get("result", "")
    found.done_value = post.get("done") == "1"
    version = post.get("version", "0")
    try:
        found.saved_followup = save(
            found.result_value, found.done_value, int(version) if version.isdigit() else 0
        )
    except EditConflict as exc:
        found.followup = exc.current
        found.error = conflict_text(exc, saved=f"”{exc.current.result or '–'}”")
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "result" in exc.error_dict:
            found.result_error = " ".join(exc.message_dict["result"])
        else:
            found.error = " ".join(exc.messages)
    else:
        return True
    return False
