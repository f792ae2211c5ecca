"""The reporting form of one item: which fields each kind of item has, the
scale values as radio buttons with symbol and text, and the translation of
the form's data to services.ReportData."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from styrhjul.charts.numbers import decimals_of, format_value
from styrhjul.core.concurrency import conflict_text
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation.forms import DateInput

from . import services
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


def scale_label(value: ScaleValue):
    """A scale value as the radio button's label: symbol (decorative) and text."""
    return format_html(
        '<span class="scale-value__symbol" aria-hidden="true" style="color: {}">{}</span> {}',
        value.colour,
        value.symbol,
        value.label,
    )


def scale_choices(values: list[ScaleValue]) -> list[tuple[str, SafeString]]:
    """The (value, label) choices of a scale's values. The label is made once
    per value object: the page's items share the few scale values."""
    choices = []
    for value in values:
        label = value.__dict__.get("_radio_label")
        if label is None:
            label = value.__dict__["_radio_label"] = scale_label(value)
        choices.append((str(value.pk), label))
    return choices


class ScaleChoiceField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, values: list[ScaleValue], **kwargs):
        self.values = {str(v.pk): v for v in values}
        super().__init__(
            choices=scale_choices(values),
            coerce=lambda pk: self.values[pk],
            empty_value=None,
            required=False,
            **kwargs,
        )
        # The radio buttons' values and labels as written in the page, once
        # for the field (the page's forms share it: ReportFields).
        self.radios = tuple((value, esc(value), esc(label)) for value, label in self.choices)


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


def _earlier_number(year: int):
    """The field of an earlier year's outcome (ReportForm._add_earlier_years)."""
    field = _number(_("Utfall %(year)s (tidigare år)") % {"year": str(year)})
    field.help_text = _(
        "Rapportera eller rätta utfallet för %(year)s, t.ex. det slutliga utfallet "
        "som kom efter årsskiftet."
    ) % {"year": str(year)}
    return field


def _in_precision(value, facts):
    """A value for a number field, with the indicator's own precision
    (`facts`: its IndicatorData): 83,5, not 83,50."""
    if value is None:
        return None
    decimals = getattr(facts, "decimals", None)
    if decimals is None:
        decimals = decimals_of(value)
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals))


def esc(value) -> str:
    """{{ value }}, Django's conditional_escape: escaped unless safe, with
    html.escape directly (the lazy-string check of conditional_escape, some
    60 000 times a reporting page, was a tenth of the page's time)."""
    if type(value) is str:  # the most of them: no SafeString, no lazy text
        return escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + esc(name))
        if value is not True:
            out.append('="' + esc(value) + '"')
    return "".join(out)


class WidgetRenderer(DjangoTemplates):
    """The form renderer of the reporting forms. A page has some 200 forms
    with 8–9 widgets each, and a template per widget was most of the page's
    time: the simple widgets (text, number, hidden, textarea) are written
    here with exactly the markup of Django's widget templates; anything else
    goes to the templates as usual."""

    INPUTS = frozenset(
        {
            "django/forms/widgets/input.html",
            "django/forms/widgets/text.html",
            "django/forms/widgets/number.html",
            "django/forms/widgets/hidden.html",
        }
    )
    TEXTAREA = "django/forms/widgets/textarea.html"

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and template_name in self.INPUTS and "type" in widget:
            html = _input(widget["type"], widget["name"], widget["value"], widget["attrs"])
            return mark_safe(html)
        if widget is not None and template_name == self.TEXTAREA:
            return mark_safe(_textarea(widget["name"], widget["value"], widget["attrs"]))
        return super().render(template_name, context, request)


def _input(kind, name, value, attrs: dict | str) -> str:
    """django/forms/widgets/input.html (`attrs` as a dict or already written)"""
    value = "" if value is None else f' value="{esc(value)}"'
    attrs = attrs if isinstance(attrs, str) else _attrs(attrs)
    return f'<input type="{esc(kind)}" name="{esc(name)}"{value}{attrs}>'


def _textarea(name, value, attrs: dict | str) -> str:
    """django/forms/widgets/textarea.html (`attrs` as a dict or already written)"""
    value = esc(value) if value else ""
    attrs = attrs if isinstance(attrs, str) else _attrs(attrs)
    return f'<textarea name="{esc(name)}"{attrs}>\n{value}</textarea>'


def field_errors(bf: BoundField):
    """bf.errors, without the empty ErrorList that BoundField makes anew at
    each call for a field without errors (most of a page's fields)."""
    return bf.form.errors.get(bf.name) or ()


def widget_html(bf: BoundField) -> str:
    """str(bf) for a field of a ReportForm, the same markup without the
    generic steps (BoundField.as_widget and build_widget_attrs, the widget's
    get_context): for a simple widget (WidgetRenderer) of a field neither
    required nor disabled, the attributes Django gives it (its own, then
    aria-invalid, aria-describedby and id) written directly. Anything else
    goes the usual way."""
    field = bf.field
    if not is_simple(field, bf.form):
        return str(bf)
    return simple_widget_html(field, bf.html_name, bf.auto_id, field_errors(bf), bf.value())


def is_simple(field: forms.Field, form: forms.Form) -> bool:
    """Whether widget_html writes the field's widget itself."""
    widget = field.widget
    template = widget.template_name
    return not (
        form.renderer is not WIDGET_RENDERER
        or field.required
        or field.disabled
        or field.show_hidden_initial
        or widget.use_fieldset
        or "aria-describedby" in widget.attrs
        or "aria-invalid" in widget.attrs
        or not (template in WidgetRenderer.INPUTS or template == WidgetRenderer.TEXTAREA)
    )


def simple_widget_html(field: forms.Field, html_name: str, auto_id: str, errors, value) -> str:
    """widget_html of a simple widget (is_simple) from the bound field's
    name, id, errors and value (BoundField.value)."""
    widget = field.widget
    if field.localize:
        widget.is_localized = True
    # The widget's own attributes, written once: the page's forms share the
    # widget (ReportFields), and the extra ones are never among them.
    attrs = widget.__dict__.get("_attrs_html")
    if attrs is None:
        attrs = widget.__dict__["_attrs_html"] = _attrs(widget.attrs)
    if not widget.is_hidden:
        if errors:
            attrs += ' aria-invalid="true"'
        if auto_id:
            described = [f"{auto_id}_helptext"] if field.help_text else []
            if errors:
                described.append(f"{auto_id}_error")
            if described:
                attrs += f' aria-describedby="{esc(" ".join(described))}"'
    if auto_id and "id" not in widget.attrs:
        attrs += f' id="{esc(auto_id)}"'
    value = widget.format_value(value)
    if widget.template_name == WidgetRenderer.TEXTAREA:
        return _textarea(html_name, value, attrs)
    return _input(widget.input_type, html_name, value, attrs)


WIDGET_RENDERER = WidgetRenderer()


def _str(text):
    """A lazy translation as the text it is now; anything else as it is."""
    return str(text) if isinstance(text, Promise) else text


class ReportFields:
    """The fields of one page's reporting forms, each made once: the forms
    of a page's some 200 items have the same few fields (the same scales,
    labels and help texts), and making a field (its widget copied, a scale's
    choices normalised) for each form was most of the forms' time. A form
    gets its own shallow copy of a field (`field`), so what it sets on it
    (a help text for its item) stays its own; the widget and the choices
    are shared and never changed. One per page and request (the texts are in
    the request's language)."""

    def __init__(self, scales: dict):
        self.scales = scales
        self._made: dict = {}
        self._required: dict = {}
        # Django's label suffix, translated once (a form asks at each __init__).
        self.label_suffix = gettext(":")

    def field(self, key, make):
        """The field `key` of a form, made by `make()` the first time (its
        label and help text translated then, not at each form's rendering)."""
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = make()
            made.label, made.help_text = _str(made.label), _str(made.help_text)
        # copy.copy, without its generic reduce protocol.
        field = made.__class__.__new__(made.__class__)
        field.__dict__.update(made.__dict__)
        return field

    def scale(self, name: str, scale: int | None, label) -> ScaleChoiceField:
        return self.field(
            (name, scale), lambda: ScaleChoiceField(self.scales.get(scale, []), label=label)
        )

    def text(self, key, label, help_text="", rows=4, max_length=None):
        return self.field(key, lambda: _text(label, help_text, rows, max_length))

    def required_help(self, scale: int | None) -> str:
        """ReportForm._required_help for the scale, worked out once."""
        text = self._required.get(scale)
        if text is None:
            text = self._required[scale] = ReportForm._required_help(self.scales, scale)
        return text


class ReportForm(forms.Form):
    """One item's report. The prefix ("post-<item id>") keeps the ids of the
    many forms on one page apart. The fields come from `fields`, the page's
    ReportFields (a form of its own without)."""

    default_renderer = WIDGET_RENDERER

    def __init__(
        self,
        data=None,
        *,
        task: ReportingTask,
        entry: Entry,
        scales: dict,
        fields: ReportFields | None = None,
    ):
        item, report = entry.item, entry.report
        self.item, self.task, self.entry = item, task, entry
        made = fields if fields is not None else ReportFields(scales)
        initial = {"version": report.version if report else 0}
        if report is not None:
            initial.update(
                status=str(report.status_id) if report.status_id else None,
                completion=report.completion,
                assessment=str(report.assessment_id) if report.assessment_id else None,
                comment=report.comment,
                analysis=report.analysis,
                measures=report.measures,
                measures_responsible=report.measures_responsible,
                measures_due=report.measures_due,
            )
        if entry.value is not None:
            v = entry.value
            initial.update(
                value=v.value, value_women=v.value_women, value_men=v.value_men, note=v.note
            )
        super().__init__(
            data, prefix=f"post-{item.pk}", initial=initial, label_suffix=made.label_suffix
        )
        kind = item.kind
        status_scale = services.scale_for(task.plan_type, item, "status")
        assessment_scale = services.scale_for(task.plan_type, item, "assessment", task.unit_id)
        f = self.fields
        f["version"] = made.field(
            "version",
            lambda: forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0),
        )
        if kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT):
            if status_scale:
                f["status"] = made.scale("status", status_scale, _("Status"))
            if kind == ItemKind.ACTIVITY:
                f["completion"] = made.field(
                    "completion",
                    lambda: forms.IntegerField(
                        label=_("Färdighetsgrad (%)"),
                        required=False,
                        min_value=0,
                        max_value=100,
                        help_text=_("Från 0 till 100 %."),
                        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
                    ),
                )
            f["comment"] = made.text(
                ("comment", status_scale), _("Kommentar"), made.required_help(status_scale)
            )
        elif kind == ItemKind.INDICATOR:
            # Values from Kolada are read, not reported (shown with the facts).
            if item.source != "kolada":
                period = services.period_label(item, task.occasion)
                f["value"] = made.field(
                    ("value", period),
                    lambda: _number(_("Utfall %(period)s") % {"period": period}),
                )
                if item.gender_split:
                    f["value_women"] = made.field(
                        "value_women", lambda: _number(_("varav kvinnor"))
                    )
                    f["value_men"] = made.field("value_men", lambda: _number(_("varav män")))
                f["note"] = made.field(
                    "note",
                    lambda: forms.CharField(
                        label=_("Avser"),
                        required=False,
                        max_length=300,
                        help_text=_(
                            "Vad värdet avser, t.ex. ”Avser period ett” eller ”Utfall saknas”."
                        ),
                    ),
                )
                computed = entry.computed
                if computed is not None and computed.value is not None:
                    f["value"].help_text = _(
                        "Beräknat från %(n)d underliggande enheter (%(how)s): %(value)s. "
                        "Du kan ändra värdet."
                    ) % {
                        "n": computed.units,
                        "how": computed.how,
                        "value": format_value(computed.value, item.measure_unit),
                    }
                    if entry.value is None:
                        self.initial.update(
                            value=computed.value,
                            value_women=computed.women,
                            value_men=computed.men,
                        )
                self._add_earlier_years(made)
            if assessment_scale:
                f["assessment"] = made.scale("assessment", assessment_scale, _("Bedömning"))
                self.scale_values = scales.get(assessment_scale, [])
                # The suggestion for the value in the box (a computed value
                # stands there until the unit has its own).
                suggested = self.suggested_value(self.initial.get("value"))
                if suggested is not None:
                    f["assessment"].help_text = self.suggestion_text(suggested)
                    # The suggestion shown: an assessment equal to it follows
                    # the suggestion when the value changes (see clean).
                    f["suggested"] = made.field(
                        "suggested",
                        lambda: forms.CharField(widget=forms.HiddenInput, required=False),
                    )
                    self.initial["suggested"] = str(suggested.pk)
                    if (report is None or not report.assessment_id) and (
                        suggested.suggested_when != "no_value"
                    ):
                        self.initial["assessment"] = str(suggested.pk)
            f["comment"] = made.text(
                ("indicator_comment", assessment_scale),
                _("Kommentar"),
                made.required_help(assessment_scale),
                rows=3,
            )
        elif kind == ItemKind.GOAL:
            f["analysis"] = made.text(
                ("analysis", assessment_scale),
                _("Analys"),
                made.required_help(assessment_scale),
                rows=8,
            )
            if assessment_scale:
                f["assessment"] = made.scale(
                    "goal_assessment", assessment_scale, _("Bedömning av måluppfyllelse")
                )
        elif kind == ItemKind.CONTROL_POINT:
            if assessment_scale:
                f["assessment"] = made.scale("assessment", assessment_scale, _("Bedömning"))
            f["comment"] = made.text(
                "result", _("Resultat"), _("Vad kontrollen visade, gärna med mätbara fakta.")
            )
            f["measures"] = made.text(
                "measures",
                _("Åtgärd"),
                _("Vad som ska göras med anledning av kontrollen."),
                3,
            )
            f["measures_responsible"] = made.field(
                "measures_responsible",
                lambda: forms.CharField(
                    label=_("Ansvarig för åtgärden"),
                    required=False,
                    max_length=200,
                    help_text=_("En person eller funktion, t.ex. ekonomichef."),
                ),
            )
            f["measures_due"] = made.field(
                "measures_due",
                lambda: forms.DateField(
                    label=_("Åtgärden klar senast"),
                    required=False,
                    widget=DateInput(),
                    help_text=_("ÅÅÅÅ-MM-DD"),
                    error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD.")},
                ),
            )
        else:
            f["comment"] = made.text("plain_comment", _("Kommentar"))
        self.order_fields(
            [
                "suggested",
                "status",
                "completion",
                "value",
                "value_women",
                "value_men",
                "note",
                *(services.earlier_field(year) for year in self.earlier_years),
                "assessment",
                "analysis",
                "comment",
                "measures",
                "measures_responsible",
                "measures_due",
            ]
        )

    scale_values: list = []
    earlier_years: list[int] = []

    def _add_earlier_years(self, made: ReportFields) -> None:
        """A field for each earlier year whose outcome the indicator lets
        the unit report or correct (Item.earlier_years), with the value shown
        and, hidden, which value that was (services.value_token)."""
        self.earlier_years = services.earlier_years(self.item, self.task.occasion)
        shown = {v.year: v for v in self.entry.earlier}
        for year in self.earlier_years:
            name = services.earlier_field(year)
            self.fields[name] = made.field(name, lambda year=year: _earlier_number(year))
            self.fields[f"{name}_opened"] = made.field(
                "earlier_opened",
                lambda: forms.CharField(widget=forms.HiddenInput, required=False),
            )
            value = shown.get(year)
            number = value.value if value is not None else None
            self.initial[name] = _in_precision(number, self.entry.facts)
            self.initial[f"{name}_opened"] = services.value_token(value)

    def earlier_data(self) -> dict[int, tuple[object, str]]:
        """Year → (value, the outcome opened) for the earlier years whose
        outcome the user changed from the one they opened, for
        services.item_report_save."""
        c = self.cleaned_data
        changed = {}
        for year in self.earlier_years:
            name = services.earlier_field(year)
            opened = c.get(f"{name}_opened") or ""
            if c.get(name) != services.token_value(opened):
                changed[year] = (c.get(name), opened)
        return changed

    def show_earlier_conflict(self, exc) -> None:
        """Someone else changed an earlier year's outcome: say so at its
        field, keep what the user typed, and let the next save write over
        theirs."""
        current = exc.current
        name = services.earlier_field(current.year)
        saved = (
            format_value(current.value, self.item.measure_unit)
            if current.pk and current.value is not None
            else "–"
        )
        self.add_error(name if name in self.fields else None, conflict_text(exc, saved=saved))
        self.data = self.data.copy()
        self.data[self.add_prefix(f"{name}_opened")] = services.value_token(
            current if current.pk else None
        )

    def suggested_value(self, value) -> ScaleValue | None:
        """The assessment Styrhjul suggests for an indicator's outcome `value`
        against the year's target (the scale value marked for it)."""
        facts = self.entry.facts
        if facts is None or self.item.kind != ItemKind.INDICATOR:
            return None
        code = facts.suggestion(self.task.occasion.year, value=value)
        return next((v for v in self.scale_values if v.suggested_when == code), None)

    def suggestion_text(self, suggested: ScaleValue) -> str:
        """The hint under the assessment, saying what clean() will do."""
        facts, year = self.entry.facts, self.task.occasion.year
        target = facts.target_for(year)
        target_text = (
            " "
            + _("Målvärdet för %(year)s är %(target)s.")
            % {"year": str(year), "target": facts.fmt(target)}
            if target is not None
            else ""
        )
        if suggested.suggested_when == "no_value":
            return (
                _(
                    "När utfallet är sparat föreslås en bedömning utifrån målvärdet. "
                    "Du kan också välja en bedömning nu."
                )
                + target_text
                + " "
                + _("Väljer du en annan bedömning än förslaget, motivera den i kommentaren.")
            )
        return (
            _("Förslag utifrån utfall och målvärde: %(label)s.") % {"label": suggested.label}
            + target_text
            + " "
            + _(
                "Bedömningen följer förslaget om du ändrar utfallet. Väljer du en annan "
                "bedömning, motivera den i kommentaren."
            )
        )

    def clean(self):
        data = super().clean()
        # An outcome over 100 % is refused by services.indicator_value_save;
        # its message comes to the field through apply_errors.
        if "assessment" in self.fields and self.entry.facts is not None:
            value = data.get("value") if "value" in self.fields else None
            suggested = self.suggested_value(value)
            chosen = data.get("assessment")
            # Left at the suggestion the form showed: the assessment follows
            # the suggestion for the value now typed (and the form, shown
            # again after an error, shows that one).
            follows = chosen is not None and str(chosen.pk) == data.get("suggested")
            if suggested is not None and follows and chosen.pk != suggested.pk:
                data["assessment"] = chosen = suggested
                self.data = self.data.copy()
                for name in ("assessment", "suggested"):
                    self.data[self.add_prefix(name)] = str(suggested.pk)
            if suggested is not None:
                self.fields["assessment"].help_text = self.suggestion_text(suggested)
            error = services.unexplained_assessment(chosen, suggested, data.get("comment") or "")
            if error:
                self.add_error("comment", error)
        return data

    @staticmethod
    def _required_help(scales: dict, scale: int | None) -> str:
        required = [v.label for v in scales.get(scale, []) if v.comment_required]
        if not required:
            return ""
        return _("Krävs när du väljer %(labels)s.") % {
            "labels": ", ".join(f"”{label}”" for label in required)
        }

    def report_data(self) -> ReportData:
        c = self.cleaned_data
        return ReportData(
            status=c.get("status"),
            completion=c.get("completion"),
            assessment=c.get("assessment"),
            comment=c.get("comment", ""),
            analysis=c.get("analysis", ""),
            measures=c.get("measures", ""),
            measures_responsible=c.get("measures_responsible", ""),
            measures_due=c.get("measures_due"),
        )

    def value_data(self) -> dict | None:
        """The indicator's outcome for services.indicator_value_save, or None
        when the item is no indicator."""
        if "value" not in self.fields:
            return None
        c = self.cleaned_data
        computed = self.entry.computed
        source = (
            "computed"
            if computed is not None and c.get("value") is not None and c["value"] == computed.value
            else "manual"
        )
        return {
            "value": c.get("value"),
            "value_women": c.get("value_women"),
            "value_men": c.get("value_men"),
            "note": c.get("note", ""),
            "source": source,
        }

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
