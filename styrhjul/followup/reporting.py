"""The reporting form of one item: which fields each kind of item has, the
scale values as radio buttons with symbol and text, and the translation of
the form's data to services.ReportData."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from styrhjul.model.models import ItemKind, ScaleValue

from .models import ReportingTask
from .queries import Entry
from .services import ReportData

GUIDING_QUESTIONS = (
    _("Hur står sig resultatet mot målvärdet och mot tidigare år?"),
    _("Vad beror resultatet på?"),
    _("Har aktiviteterna påverkat resultatet?"),
    _("Vad behöver vi göra för att förbättra resultatet?"),
    _("Finns det skillnader mellan grupper, t.ex. kvinnor och män, ålder eller var man bor?"),
)


def scale_id(task: ReportingTask, item, field: str) -> int | None:
    """The scale of the item's status or assessment in the task's plan type
    (the same rule as services.validate_report)."""
    pt = task.plan_type
    if field == "status":
        return {
            ItemKind.ACTIVITY: pt.activity_scale_id,
            ItemKind.ASSIGNMENT: pt.assignment_scale_id,
        }.get(item.kind)
    if item.kind == ItemKind.GOAL and item.level_id and not item.level.assesses:
        return None
    return {
        ItemKind.INDICATOR: pt.indicator_scale_id,
        ItemKind.GOAL: pt.goal_scale_id,
        ItemKind.CONTROL_POINT: pt.control_scale_id,
    }.get(item.kind)


def scale_label(value: ScaleValue):
    """A scale value as the radio button's label: symbol (decorative) and text."""
    return format_html(
        '<span class="scale-value__symbol" aria-hidden="true" style="color: {}">{}</span> {}',
        value.colour,
        value.symbol,
        value.label,
    )


class ScaleChoiceField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, values: list[ScaleValue], **kwargs):
        self.values = {str(v.pk): v for v in values}
        super().__init__(
            choices=[(str(v.pk), scale_label(v)) for v in values],
            coerce=lambda pk: self.values[pk],
            empty_value=None,
            required=False,
            **kwargs,
        )


def _text(label, help_text="", rows=4, max_length=None):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _number(label):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ReportForm(forms.Form):
    """One item's report. The prefix ("post-<item id>") keeps the ids of the
    many forms on one page apart."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, data=None, *, task: ReportingTask, entry: Entry, scales: dict):
        item, report = entry.item, entry.report
        self.item, self.task, self.entry = item, task, entry
        initial = {"version": report.version if report else 0}
        if report is not None:
            initial.update(
                status=str(report.status_id) if report.status_id else None,
                completion=report.completion,
                assessment=str(report.assessment_id) if report.assessment_id else None,
                comment=report.comment,
                analysis=report.analysis,
                measures=report.measures,
            )
        if entry.value is not None:
            v = entry.value
            initial.update(
                value=v.value, value_women=v.value_women, value_men=v.value_men, note=v.note
            )
        super().__init__(data, prefix=f"post-{item.pk}", initial=initial)
        kind = item.kind
        status_scale = scale_id(task, item, "status")
        assessment_scale = scale_id(task, item, "assessment")
        f = self.fields
        if kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT):
            if status_scale:
                f["status"] = ScaleChoiceField(scales.get(status_scale, []), label=_("Status"))
            if kind == ItemKind.ACTIVITY:
                f["completion"] = forms.IntegerField(
                    label=_("Färdighetsgrad (%)"),
                    required=False,
                    min_value=0,
                    max_value=100,
                    help_text=_("Från 0 till 100 %."),
                    widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
                )
            f["comment"] = _text(_("Kommentar"), self._required_help(scales, status_scale))
        elif kind == ItemKind.INDICATOR:
            year = task.occasion.year
            f["value"] = _number(_("Utfall %(year)s") % {"year": year})
            if item.gender_split:
                f["value_women"] = _number(_("varav kvinnor"))
                f["value_men"] = _number(_("varav män"))
            f["note"] = forms.CharField(
                label=_("Avser"),
                required=False,
                max_length=300,
                help_text=_("Vad värdet avser, t.ex. ”Avser period ett” eller ”Utfall saknas”."),
            )
            if assessment_scale:
                f["assessment"] = ScaleChoiceField(
                    scales.get(assessment_scale, []), label=_("Bedömning")
                )
            f["comment"] = _text(
                _("Kommentar"), self._required_help(scales, assessment_scale), rows=3
            )
        elif kind == ItemKind.GOAL:
            f["analysis"] = _text(
                _("Analys"), self._required_help(scales, assessment_scale), rows=8
            )
            if assessment_scale:
                f["assessment"] = ScaleChoiceField(
                    scales.get(assessment_scale, []), label=_("Bedömning av måluppfyllelse")
                )
        elif kind == ItemKind.CONTROL_POINT:
            if assessment_scale:
                f["assessment"] = ScaleChoiceField(
                    scales.get(assessment_scale, []), label=_("Bedömning")
                )
            f["comment"] = _text(
                _("Resultat"),
                _("Vad kontrollen visade, gärna med mätbara fakta."),
            )
            f["measures"] = _text(
                _("Åtgärd"), _("Vilka åtgärder, vem som ansvarar och när de ska vara klara."), 3
            )
        else:
            f["comment"] = _text(_("Kommentar"))
        self.order_fields(
            [
                "status",
                "completion",
                "value",
                "value_women",
                "value_men",
                "note",
                "assessment",
                "analysis",
                "comment",
                "measures",
            ]
        )

    @staticmethod
    def _required_help(scales: dict, scale: int | None) -> str:
        required = [v.label for v in scales.get(scale, []) if v.comment_required]
        if not required:
            return ""
        return _("Krävs när du väljer %(labels)s.") % {
            "labels": ", ".join(f"”{label}”" for label in required)
        }

    @property
    def radio_fields(self):
        return [self[name] for name in ("status", "assessment") if name in self.fields]

    def report_data(self) -> ReportData:
        c = self.cleaned_data
        return ReportData(
            status=c.get("status"),
            completion=c.get("completion"),
            assessment=c.get("assessment"),
            comment=c.get("comment", ""),
            analysis=c.get("analysis", ""),
            measures=c.get("measures", ""),
        )

    def value_data(self) -> dict | None:
        """The indicator's outcome for services.indicator_value_save, or None
        when the item is no indicator."""
        if "value" not in self.fields:
            return None
        c = self.cleaned_data
        return {
            "value": c.get("value"),
            "value_women": c.get("value_women"),
            "value_men": c.get("value_men"),
            "note": c.get("note", ""),
        }

    def value_changed(self) -> bool:
        names = ("value", "value_women", "value_men", "note")
        return any(name in self.changed_data for name in names) or self.entry.value is not None

    def apply_errors(self, exc: ValidationError) -> None:
        """Put the service's errors at the fields; a comment error lands at
        the analysis on a goal, where the text is written."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, errors in exc.message_dict.items():
            if name == "comment" and "comment" not in self.fields and "analysis" in self.fields:
                name = "analysis"
            self.add_error(name if name in self.fields else None, errors)

    def with_version(self, version: int) -> None:
        """Keep the typed values and carry the current version, so the next
        save overwrites deliberately."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)
