"""The follow-up read model (uppföljningens läsmodell): for occasions and
units, which items each unit reports (its own items and the active shares
into its plans, with the Rapportör assignment of the items), what it
reported on them (the report and the indicator's outcome for the occasion's
period) and the state of each item by ONE rule (`state`, described in
docs/uppfoljning.md):

* every kind of item has a main answer: the status of an activity or a
  special assignment; the assessment of a goal whose level assesses, else
  its analysis; the outcome of an indicator, or its assessment; the
  assessment of a control point, or its result (Resultat av kontroll);
* an item with its main answer is reported (REPORTED);
* an item with something else entered but not the main answer is started
  (STARTED), which counts as not reported;
* an item with nothing entered is not reported (NOT_REPORTED).

Where the plan type has no scale for a status or an assessment, the text
that goes with it is the main answer (the comment, or a goal's analysis).

Every page, document and reminder that says whether something is reported
reads it here. `read()` and `answers()` run a fixed number of queries
whatever the number of occasions, units and items. The overview counts
thousands of tasks in the database with the same rule written as SQL
conditions next to it (`state_sql`, `task_counts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Substr, TruncDate
from django.db.models.lookups import Lookup
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from styrhjul.core.lookups import ids_in
from styrhjul.indicators.models import IndicatorValue
from styrhjul.indicators.series import value_rows
from styrhjul.model.models import AssessmentRule, ItemKind, PlanType, load_assessment_rules
from styrhjul.planning.models import Item, Periodicity

from .models import FollowUpOccasion, Forecast, Report, ReportingTask, ReviewStatus
from .services import (
    items_to_report_many,
    items_to_report_querysets,
    items_to_report_values,
    scale_for,
    shared_related,
    value_period,
)

REPORTED = "rapporterad"
STARTED = "paborjad"
NOT_REPORTED = "ej_rapporterad"

STATE_LABELS = {
    REPORTED: _("Rapporterad"),
    STARTED: _("Påbörjad"),
    NOT_REPORTED: _("Ej rapporterad"),
}

_TEXTS = ("comment", "analysis", "measures", "measures_responsible")


# --- The rule ---------------------------------------------------------------------------------


def _text(report: Report | None, name: str) -> bool:
    return report is not None and bool(getattr(report, name).strip())


def has_main_answer(
    item: Item,
    plan_type: PlanType,
    report: Report | None,
    value: IndicatorValue | None,
    unit_id: int | None = None,
) -> bool:
    """Whether the unit (`unit_id`; None: the item's owner) gave the item's
    main answer (see the module doc)."""
    kind = item.kind
    if kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT):
        if scale_for(plan_type, item, "status") is None:
            return _text(report, "comment")
        return report is not None and report.status_id is not None
    if kind == ItemKind.GOAL:
        if scale_for(plan_type, item, "assessment", unit_id) is None:
            return _text(report, "analysis")
        return report is not None and report.assessment_id is not None
    if kind == ItemKind.INDICATOR:
        outcome = value is not None and value.value is not None
        return outcome or (report is not None and report.assessment_id is not None)
    if kind == ItemKind.CONTROL_POINT:
        return (report is not None and report.assessment_id is not None) or _text(report, "comment")
    return has_anything(report, value)


def has_anything(report: Report | None, value: IndicatorValue | None) -> bool:
    """Whether anything at all was entered: a choice, a number or a text."""
    if value is not None and (
        value.value is not None
        or value.value_women is not None
        or value.value_men is not None
        or value.note.strip()
    ):
        return True
    if report is None:
        return False
    return (
        report.status_id is not None
        or report.assessment_id is not None
        or report.completion is not None
        or report.measures_due is not None
        or any(_text(report, name) for name in _TEXTS)
    )


def state(
    item: Item,
    plan_type: PlanType,
    report: Report | None,
    value: IndicatorValue | None,
    unit_id: int | None = None,
) -> str:
    """REPORTED, STARTED or NOT_REPORTED: THE rule of what counts as reported.
    `plan_type` is the plan type the item is reported in (its scales),
    `value` the indicator's outcome for the occasion's period, `unit_id` the
    reporting unit (None: the item's owner; services.assesses)."""
    if has_main_answer(item, plan_type, report, value, unit_id):
        return REPORTED
    return STARTED if has_anything(report, value) else NOT_REPORTED


# --- The rule in SQL, for counting ----------------------------------------------------------
#
# The same rule as has_main_answer and has_anything, written as conditions on
# a row of a query (an item to report, its report left joined, its outcome's
# code), so that the overview counts thousands of tasks in the database. Keep
# the two in step: tests/followup/test_reported_rule.py checks that they give
# the same state for reports of every shape.

# What str.strip() strips; the SQL trims exactly these characters.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

# The outcome's code: has_main_answer's outcome, or only has_anything's.
OUTCOME, OUTCOME_OTHER = 2, 1


class _Stripped(Func):
    """The text without the leading and trailing WHITESPACE (str.strip())."""

    function = "TRIM"
    output_field = CharField()

    def __init__(self, expression):
        super().__init__(expression, Value(WHITESPACE))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="BTRIM", **extra)


class _NotEqual(Lookup):
    """`lhs <> rhs` as an expression: NULL (no report) is not true, unlike
    ~Q(field=value), which adds `IS NOT NULL` the other way round. For texts
    PostgreSQL compares the lengths first, without loading a long text."""

    lookup_name = "ne"  # used as an expression, not registered on fields

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <> {rhs}", (*lhs_params, *rhs_params)


class _SameSql(ExpressionWrapper):
    """A condition that stands several times in one query (an alias the
    query already holds): written into SQL the first time the query is
    compiled and the same text used for the other places. Kept on the
    compiler, which compiles one query once: nothing outlives the query."""

    def __init__(self, expression):
        super().__init__(expression, output_field=BooleanField())

    def as_sql(self, compiler, connection):
        written = compiler.__dict__.setdefault("_same_sql", {})
        key = id(self.expression)
        if key not in written:
            written[key] = compiler.compile(self.expression)
        return written[key]


def _text_sql(name: str) -> Q:
    """_text: the text is not blank (NULL, no report: not). The empty text,
    the most common, is told apart before trimming."""
    return Q(_NotEqual(F(name), "")) & Q(_NotEqual(_Stripped(F(name)), ""))


def _outcome_code_sql() -> Case:
    """On an IndicatorValue: OUTCOME when it holds the outcome (what
    has_main_answer reads), OUTCOME_OTHER when it holds only something else
    has_anything reads, else 0."""
    return Case(
        When(value__isnull=False, then=Value(OUTCOME)),
        When(
            Q(value_women__isnull=False) | Q(value_men__isnull=False) | _text_sql("note"),
            then=Value(OUTCOME_OTHER),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def _at(path: str, name: str) -> str:
    return f"{path}__{name}" if path else name


def report_main_answers_sql(
    item: str, plan_type: str, report: str, receiving: bool = False
) -> dict[str, Q]:
    """has_main_answer for each kind of item, as a condition on a query's
    row, but for an indicator's outcome (what state_sql adds): `item`,
    `plan_type` and `report` are the paths to the item ("" when the query is
    of items), the plan type it is reported in and its report (a left join:
    NULLs when none). `receiving`: the rows are of units the items are
    shared to, not of their owners (services.assesses)."""

    def chosen(name):  # a value of the scale chosen in the report
        return Q(**{f"{report}__{name}__isnull": False})

    def scale(name, exists=True):  # the plan type has the scale
        return Q(**{f"{plan_type}__{name}__isnull": not exists})

    def text(name):
        return _text_sql(f"{report}__{name}")

    # scale_for(plan_type, item, "assessment") of a goal: none when the unit
    # does not assess it (services.assesses: the plan type's rule for the
    # level and the unit's role, else the level's flag), else the plan type's
    # goal scale.
    rules = AssessmentRule.objects.filter(
        plan_type=OuterRef(plan_type), level=OuterRef(_at(item, "level"))
    )
    flag = "receivers_assess" if receiving else "owner_assesses"
    no_rule = ~Exists(rules)
    level_assesses = (
        Q(**{_at(item, "level__isnull"): True})
        | Exists(rules.filter(**{flag: True}))
        | (no_rule & Q(**{_at(item, "level__assesses"): True}))
    )
    level_describes = Q(**{_at(item, "level__isnull"): False}) & (
        Exists(rules.filter(**{flag: False}))
        | (no_rule & Q(**{_at(item, "level__assesses"): False}))
    )
    rules_by_kind = {
        kind: (scale(name, exists=False) & text("comment")) | (scale(name) & chosen("status"))
        for kind, name in (
            (ItemKind.ACTIVITY, "activity_scale"),
            (ItemKind.ASSIGNMENT, "assignment_scale"),
        )
    }
    rules_by_kind[ItemKind.GOAL] = (
        (level_describes | scale("goal_scale", exists=False)) & text("analysis")
    ) | (level_assesses & scale("goal_scale") & chosen("assessment"))
    rules_by_kind[ItemKind.INDICATOR] = chosen("assessment")
    rules_by_kind[ItemKind.CONTROL_POINT] = chosen("assessment") | text("comment")
    return rules_by_kind


def report_anything_sql(report: str) -> Q:
    """has_anything as a condition on a query's row, but for an indicator's
    outcome (see report_main_answers_sql)."""
    rule = Q()
    for name in ("status", "assessment", "completion", "measures_due"):
        rule |= Q(**{f"{report}__{name}__isnull": False})
    for name in _TEXTS:
        rule |= _text_sql(f"{report}__{name}")
    return rule


# The state as a number in SQL (state_sql): the outcome's codes are chosen
# so that an indicator's state is the greater of its outcome's code and its
# report's.
STATE_CODES = {REPORTED: 2, STARTED: 1, NOT_REPORTED: 0}
STATE_OF_CODE = {code: name for name, code in STATE_CODES.items()}
assert (OUTCOME, OUTCOME_OTHER) == (STATE_CODES[REPORTED], STATE_CODES[STARTED])


def state_sql(
    item: str, plan_type: str, report: str, outcome, receiving: bool = False, anything=None
) -> Case:
    """state() as a number on a query's row (STATE_CODES), the paths as for
    report_main_answers_sql; `outcome` the expression of an indicator's
    outcome's code (_outcome_code_sql; NULL when none). Each row is tested
    only by the main answer of its kind (the kind compared first), the
    outcome is looked up once, only for an indicator whose report does not
    give the main answer, and whether anything was entered is written twice,
    not once per kind: the costly parts of counting thousands of items, and
    of building the query for them. `anything`: the condition
    report_anything_sql(report), when the query already holds it (see
    _with_state)."""
    reported, started, not_reported = (
        Value(STATE_CODES[REPORTED]),
        Value(STATE_CODES[STARTED]),
        Value(STATE_CODES[NOT_REPORTED]),
    )
    if anything is None:
        anything = report_anything_sql(report)
    mains = report_main_answers_sql(item, plan_type, report, receiving)
    main = Q()
    for kind, answer in mains.items():
        main |= Q(**{_at(item, "kind"): kind}) & answer
    return Case(
        When(main, then=reported),
        # An indicator: the greater of its outcome's code and its report's.
        When(
            Q(**{_at(item, "kind"): ItemKind.INDICATOR}),
            then=Greatest(
                Coalesce(outcome, not_reported),
                Case(When(anything, then=started), default=not_reported),
            ),
        ),
        # Any other kind has anything at all as its main answer.
        When(
            anything,
            then=Case(
                When(Q(**{_at(item, "kind__in"): list(mains)}), then=started),
                default=reported,
            ),
        ),
        default=not_reported,
        output_field=IntegerField(),
    )


def _with_state(
    query: QuerySet, occasion, item: str, unit: str, receiving: bool = False
) -> QuerySet:
    """`query` (items to report at `occasion`: `item` the path to the item,
    "" for a query of items, `unit` to the reporting unit's id; the plan
    type it is reported in at "plan__plan_type") with each row's
    `state_code` by the rule in SQL (STATE_CODES)."""
    # The outcome's period for each periodicity, by value_period.
    periods = [
        When(
            **{_at(item, "periodicity"): p},
            then=Value(value_period(Item(periodicity=p), occasion)),
        )
        for p in Periodicity.values
    ]
    # This copy of the indicator's outcome, else the latest year's copy's
    # (answers()): the first subquery finds the copy's value row if any (the
    # unique one_value_per_period), the second the latest among the unit's
    # outcomes of the year and period (the index value_unit_year_period: a
    # handful of rows, however many years of copies the series has).
    values = IndicatorValue.objects.filter(
        unit_id=OuterRef(unit), year=occasion.year, period=OuterRef("outcome_period")
    ).annotate(code=_outcome_code_sql())
    this_copy = values.filter(item_id=OuterRef(_at(item, "pk")))
    latest_copy = (
        values.filter(item__series=OuterRef(_at(item, "series")))
        .annotate(copy_year=F("item__plan__plan_type__model__year"))
        .order_by("-copy_year", "-pk")
    )
    reports = _at(item, "reports")
    query = query.annotate(
        report=FilteredRelation(
            reports,
            condition=Q(**{f"{reports}__occasion_id": occasion.pk, f"{reports}__unit_id": F(unit)}),
        ),
        outcome_period=Case(*periods, default=Value(""), output_field=CharField()),
    )
    outcome = Coalesce(
        Subquery(this_copy.values("code")[:1]),
        Subquery(latest_copy.values("code")[:1]),
    )
    # "Anything reported" stands in the state six times (once per kind):
    # resolved once, as an alias the state refers to, and written into SQL
    # once (_SameSql): the same SQL, without making it six times over (the
    # start page counts thousands of items with it).
    query = query.alias(_report_anything=report_anything_sql("report"))
    anything = _SameSql(F("_report_anything"))
    return query.annotate(
        state_code=state_sql(item, "plan__plan_type", "report", outcome, receiving, anything)
    )


def _to_report_sql(occasion: FollowUpOccasion, type_ids, units) -> tuple[QuerySet, QuerySet]:
    """The items to report at the occasion (services.items_to_report: own
    items, and shares into the units' plans) of the plan types of the
    occasion's model, each with its `state` by the rule in SQL. A unit's
    own items and the items shared into it never overlap: an item is shared
    only to units below its own."""
    own, shares = items_to_report_querysets(type_ids, units)
    in_model = Q(plan__plan_type__model_id=occasion.model_id)
    return (
        _with_state(own.filter(in_model), occasion, "", "plan__unit_id"),
        _with_state(shares.filter(in_model), occasion, "item", "unit_id", receiving=True),
    )


def states_sql(
    occasion: FollowUpOccasion, plan_types: Iterable[PlanType], units
) -> dict[tuple[int, int], str]:
    """(unit id, item pk) → the state by the rule in SQL of every item the
    units (ids or a query of ids) report in the plan types at the occasion:
    what task_counts counts, item by item."""
    type_ids = sorted({getattr(pt, "pk", pt) for pt in plan_types})
    own, shares = _to_report_sql(occasion, type_ids, units)
    rows = [
        *own.values_list("plan__unit_id", "pk", "state_code"),
        *shares.values_list("unit_id", "item_id", "state_code"),
    ]
    return {(unit_id, item_id): STATE_OF_CODE[code] for unit_id, item_id, code in rows}


def task_counts(
    occasion: FollowUpOccasion, tasks: list[ReportingTask], unit_query: QuerySet | None = None
) -> dict[int, tuple[int, int, int]]:
    """Task pk → (reported items, reported or started items, items to
    report) for tasks of one occasion, counted in the database by the rule
    in SQL, for the same items as read(): two queries however many tasks.
    `unit_query`, a query of unit ids covering the tasks' units, replaces a
    parameter list of thousands of ids."""
    if not tasks:
        return {}
    result: dict[int, tuple[int, int, int]] = {}
    economy = [t for t in tasks if t.plan_type_id is None]
    if economy:
        given = forecasts_given([occasion], {t.unit_id for t in economy}, unit_query)
        for task in economy:
            result[task.pk] = economy_count(occasion, (occasion.pk, task.unit_id) in given)
        tasks = [t for t in tasks if t.plan_type_id is not None]
        if not tasks:
            return result
    type_ids = sorted({t.plan_type_id for t in tasks})
    units = sorted({t.unit_id for t in tasks}) if unit_query is None else unit_query
    own, shares = _to_report_sql(occasion, type_ids, units)
    # (unit, plan type) → the item's Rapportör → (reported, begun, all)
    groups: dict[tuple[int, int], dict[int | None, tuple[int, int, int]]] = defaultdict(dict)
    for found in (
        own.values_list("plan__unit_id", "plan__plan_type_id", "responsible_id", "state_code"),
        shares.values_list("unit_id", "plan__plan_type_id", "item__responsible_id", "state_code"),
    ):
        for unit_id, type_id, responsible_id, code, n in found.annotate(n=Count("pk")).order_by():
            reported = code == STATE_CODES[REPORTED]
            begun = code != STATE_CODES[NOT_REPORTED]
            mine = groups[unit_id, type_id]
            before = mine.get(responsible_id, (0, 0, 0))
            mine[responsible_id] = (
                before[0] + n * reported,
                before[1] + n * begun,
                before[2] + n,
            )
    for task in tasks:
        mine = groups.get((task.unit_id, task.plan_type_id), {})
        if task.reporter_id:
            counts = [mine.get(task.reporter_id, (0, 0, 0))]
        else:
            counts = list(mine.values())
        result[task.pk] = (
            sum(c[0] for c in counts),
            sum(c[1] for c in counts),
            sum(c[2] for c in counts),
        )
    return result


def forecasts_given(occasions, unit_ids, unit_query: QuerySet | None = None) -> set:
    """(occasion id, unit id) of the units' saved helårsprognoser at the
    occasions: what an economy task reports. One query."""
    occasion_ids = [getattr(o, "pk", o) for o in occasions]
    units = sorted(unit_ids) if unit_query is None else unit_query
    return set(
        Forecast.objects.filter(occasion_id__in=occasion_ids, unit_id__in=units).values_list(
            "occasion_id", "unit_id"
        )
    )


def economy_count(occasion: FollowUpOccasion, given: bool) -> tuple[int, int, int]:
    """An economy task's (reported, reported or started, to report): the
    helårsprognos, one thing to report, when the occasion asks for one;
    nothing otherwise."""
    if not occasion.asks_forecast:
        return (0, 0, 0)
    return (int(given), int(given), 1)


def progress_text(
    task: ReportingTask, reported: int, total: int, *, number=str, noun: bool = False
) -> str:
    """How a task's progress (task_progress, economy_count) reads on every
    page: an economy task says whether its helårsprognos is given, a task
    on items how many of them are reported ("3 av 12", with `noun` "3 av 12
    poster"). `number` formats the counts."""
    return progress_wording(number=number, noun=noun)(task, reported, total)


def progress_wording(*, number=str, noun: bool = False):
    """progress_text as a function of (task, reported, total) with its words
    translated once, for a page of thousands of tasks (the overview)."""
    no_forecast_asked = gettext("Ingen prognos begärs")
    forecast_given = gettext("Prognos lämnad")
    no_forecast_yet = gettext("Ingen prognos ännu")
    n_of_m = gettext("%(n)s av %(m)s")

    def text(task: ReportingTask, reported: int, total: int) -> str:
        if task.plan_type_id is None:
            if not total:
                return no_forecast_asked
            return forecast_given if reported else no_forecast_yet
        counts = {"n": number(reported), "m": number(total)}
        if noun:
            return ngettext("%(n)s av %(m)s post", "%(n)s av %(m)s poster", total) % counts
        return n_of_m % counts

    return text


# --- Reports and outcomes ---------------------------------------------------------------------


@dataclass
class Answers:
    """What units reported on items at occasions: the reports and the
    indicators' outcomes for each occasion's period, by (occasion, unit, item)."""

    reports: dict[tuple[int, int, int], Report] = field(default_factory=dict)
    values: dict[tuple[int, int, int], IndicatorValue] = field(default_factory=dict)

    def report(self, occasion_id: int, unit_id: int, item_id: int) -> Report | None:
        return self.reports.get((occasion_id, unit_id, item_id))

    def value(self, occasion_id: int, unit_id: int, item_id: int) -> IndicatorValue | None:
        return self.values.get((occasion_id, unit_id, item_id))

    def state(self, occasion_id: int, unit_id: int, item: Item, plan_type: PlanType) -> str:
        key = (occasion_id, unit_id, item.pk)
        return state(item, plan_type, self.reports.get(key), self.values.get(key), unit_id)


class ReportFacts(NamedTuple):
    """What the rule reads of a Report, without the model object."""

    occasion_id: int
    unit_id: int
    item_id: int
    status_id: int | None
    assessment_id: int | None
    completion: int | None
    measures_due: object
    comment: str
    analysis: str
    measures: str
    measures_responsible: str
    # Not read by the rule: when it was saved (with answers(shown=True), the
    # local date), and with `shown` the label, symbol and colour of the
    # scale value chosen (the status, else the assessment; None: none).
    updated_at: object = None
    label: str | None = None
    symbol: str | None = None
    colour: str | None = None


class ValueFacts(NamedTuple):
    """What the rule reads of an IndicatorValue (value_rows' annotations too)."""

    pk: int
    item_id: int
    unit_id: int
    year: int
    period: str
    series: object
    model_year: int
    value: object
    value_women: object
    value_men: object
    note: str


class ItemFacts(NamedTuple):
    """What the rule and the tasks read of an Item, without the model object."""

    pk: int
    kind: str
    level_id: int | None
    assesses: bool | None  # its goal level's
    responsible_id: int | None
    periodicity: str
    plan_unit_id: int | None = None  # the owner (services.assesses)
    series: object = None  # read by answers() for indicators only

    @property
    def level(self):  # scale_for reads item.level.assesses
        return self


@dataclass(slots=True)
class PlanTypeFacts:
    """What the rule reads of a PlanType (services.scale_for and
    model.models.goal_rule), without the model object: its scales, and its
    assessment rules once read (load_assessment_rules)."""

    pk: int
    activity_scale_id: int | None
    assignment_scale_id: int | None
    indicator_scale_id: int | None
    goal_scale_id: int | None
    control_scale_id: int | None
    _assessment_rules: dict | None = None


# PlanTypeFacts' fields, read from a PlanType (prefix them with its path).
PLAN_TYPE_FIELDS = (
    "id",
    "activity_scale_id",
    "assignment_scale_id",
    "indicator_scale_id",
    "goal_scale_id",
    "control_scale_id",
)

# What answers() reads of a report (ReportFacts but what `shown` adds).
_REPORT_FIELDS = ReportFacts._fields[: ReportFacts._fields.index("label")]

ITEM_FIELDS = (
    "pk",
    "kind",
    "level_id",
    "level__assesses",
    "responsible_id",
    "periodicity",
    "plan__unit_id",
)


def _ids(units) -> list[int] | QuerySet:
    if isinstance(units, QuerySet):
        return units
    return sorted({getattr(u, "pk", u) for u in units})


def answers(
    occasions: Iterable[FollowUpOccasion],
    units,
    items: Iterable[Item],
    *,
    related: Iterable[str] = ("status", "assessment"),
    values: bool = True,
    light: bool = False,
    only_items: bool = False,
    texts: int | None = None,
    shown: bool = False,
) -> Answers:
    """The reports and outcomes of `units` (units, ids or a query of ids;
    None: every unit's reports, without outcomes) on `items` at
    `occasions`: two queries (one without indicators or `values`). An
    indicator's outcome is the one of the occasion's year and period (the
    year, or the month of a part of the year), entered through this copy of
    the indicator or, when not, the latest year's copy of its series.
    `light`: reports and outcomes as plain tuples (ReportFacts,
    ValueFacts) with what the rule reads, for counting over thousands.
    `only_items`: only the reports on `items` (a few items of many units;
    other units' reports on them are kept too). `texts` (with `light`): the
    reports' texts stripped (as str.strip) and cut to that many characters
    (at least one) in the database, the comment and the analysis; the
    other texts to one: what the rule reads of a text is only whether it is
    blank, so the state is the same, and long texts that are not shown are
    not loaded. `shown` (with `light`): each report with what a status shows
    of it (ReportFacts' last fields: the day it was saved, in the current
    time zone, and the scale value chosen), read in the same query. With
    `light`, ItemFacts that carry their series spare the query for them."""
    occasions = list(occasions)
    items = list(items)
    result = Answers()
    if not occasions or not items:
        return result
    item_ids = {i.pk for i in items}
    reports = Report.objects.filter(occasion__in=[o.pk for o in occasions])
    if units is None:
        reports = reports.filter(ids_in("item_id", item_ids))
        values = False
    else:
        unit_ids = _ids(units)
        if only_items:  # by the items alone: the units' too would make a slow plan
            reports = reports.filter(ids_in("item_id", item_ids))
        elif not isinstance(unit_ids, QuerySet) and len(unit_ids) == 1:
            # One unit (a task's page): its reports on these items alone,
            # through the index of (occasion, unit, item), not the unit's
            # reports on every item of its other plans.
            reports = reports.filter(unit_id=unit_ids[0]).filter(ids_in("item_id", item_ids))
        else:
            reports = reports.filter(unit_id__in=unit_ids)
    fields = list(_REPORT_FIELDS)
    if light and texts is not None:
        cut = {name: max(1, texts) if name in ("comment", "analysis") else 1 for name in _TEXTS}
        reports = reports.annotate(
            **{f"{name}_cut": Substr(_Stripped(F(name)), 1, n) for name, n in cut.items()}
        )
        fields = [f"{f}_cut" if f in cut else f for f in fields]
    if light and shown:
        # The status chosen, else the assessment (as `status_id or
        # assessment_id`: an id is never 0), each a left join.
        def chosen(name):
            return Case(
                When(status__isnull=False, then=F(f"status__{name}")),
                default=F(f"assessment__{name}"),
            )

        reports = reports.annotate(
            saved_on=TruncDate("updated_at"),
            chosen_label=chosen("label"),
            chosen_symbol=chosen("symbol"),
            chosen_colour=chosen("colour"),
        )
        fields = ["saved_on" if f == "updated_at" else f for f in fields]
        fields += ["chosen_label", "chosen_symbol", "chosen_colour"]
    found = (
        (ReportFacts(*row) for row in reports.values_list(*fields))
        if light
        else shared_related(reports.select_related(*related))
    )
    # Reports on other items of the units (more than one) are kept too: nothing asks for them.
    result.reports = {(r.occasion_id, r.unit_id, r.item_id): r for r in found}
    indicators = [i for i in items if i.kind == ItemKind.INDICATOR]
    if not indicators or not values:
        return result
    if light and any(i.series is None for i in indicators):
        # The series of the indicators, not read for every item.
        series = dict(
            Item.objects.filter(ids_in("pk", [i.pk for i in indicators])).values_list(
                "pk", "series"
            )
        )
        indicators = [i._replace(series=series[i.pk]) for i in indicators]
    years = {o.year for o in occasions}
    periods = {value_period(i, o) for i in indicators for o in occasions}
    rows = value_rows(
        {i.series for i in indicators},
        unit_ids,
        periods=periods,
        first_year=min(years),
        last_year=max(years),
    )
    if light:
        rows = [ValueFacts(*row) for row in rows.values_list(*ValueFacts._fields)]
    own: dict[tuple[int, int, int, str], IndicatorValue] = {}
    latest: dict[tuple, IndicatorValue] = {}  # (series, unit, year, period) → value
    for row in sorted(rows, key=lambda r: (r.model_year, r.pk)):
        own[row.item_id, row.unit_id, row.year, row.period] = row
        latest[row.series, row.unit_id, row.year, row.period] = row
    of_series: dict[object, list[Item]] = defaultdict(list)
    for item in indicators:
        of_series[item.series].append(item)
    by_year: dict[int, list[FollowUpOccasion]] = defaultdict(list)
    for occasion in occasions:
        by_year[occasion.year].append(occasion)
    for (series, unit_id, year, period), row in latest.items():
        for occasion in by_year.get(year, ()):
            for item in of_series[series]:
                if value_period(item, occasion) == period:
                    value = own.get((item.pk, unit_id, year, period), row)
                    result.values[occasion.pk, unit_id, item.pk] = value
    return result


# --- What each unit reports ---------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One item one unit reports at one occasion, in one plan type, with its
    state by the rule."""

    occasion: FollowUpOccasion
    unit_id: int
    plan_type: PlanType
    item: Item
    report: Report | None
    value: IndicatorValue | None
    state: str = field(init=False)

    def __post_init__(self):
        self.state = state(self.item, self.plan_type, self.report, self.value, self.unit_id)

    @property
    def reported(self) -> bool:
        return self.state == REPORTED

    @property
    def started(self) -> bool:
        return self.state == STARTED

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class FollowUp:
    """The read model's answer: rows by (occasion, unit, plan type)."""

    rows: dict[tuple[int, int, int], list[Row]]
    # Economy tasks: the occasions by id, and (occasion, unit) with a forecast.
    occasions: dict[int, FollowUpOccasion] = field(default_factory=dict)
    forecasts: set[tuple[int, int]] = field(default_factory=set)

    def of(self, occasion_id: int, unit_id: int, plan_type_id: int, reporter_id=None) -> list[Row]:
        """The rows of a (manager's or, with `reporter_id`, a Rapportör's) task."""
        rows = self.rows.get((occasion_id, unit_id, plan_type_id), [])
        if reporter_id:
            rows = [r for r in rows if r.item.responsible_id == reporter_id]
        return rows

    def task(self, task: ReportingTask) -> list[Row]:
        """The task's items (none for an economy task)."""
        if task.plan_type_id is None:
            return []
        return self.of(task.occasion_id, task.unit_id, task.plan_type_id, task.reporter_id)

    def progress(self, task: ReportingTask) -> tuple[int, int]:
        """(reported items, items to report) of the task: of an economy task,
        the helårsprognos (economy_count)."""
        if task.plan_type_id is None:
            occasion = self.occasions[task.occasion_id]
            done, _begun, total = economy_count(
                occasion, (task.occasion_id, task.unit_id) in self.forecasts
            )
            return done, total
        rows = self.task(task)
        return sum(1 for r in rows if r.reported), len(rows)


def read(
    occasions: Iterable[FollowUpOccasion],
    units,
    plan_types: Iterable[PlanType] | None = None,
    *,
    unit_query: QuerySet | None = None,
    related: Iterable[str] = ("status", "assessment"),
    light: bool = False,
) -> FollowUp:
    """What `units` report at `occasions` in `plan_types` (by default the
    plan types each occasion follows up): the items of
    services.items_to_report, each with its report, outcome and state.
    `unit_query`, a query of the units' ids, replaces a parameter list of
    thousands of ids. Five queries (the plan types one more), however many
    occasions, units and items. `light`: the items, reports and outcomes as
    plain tuples (ItemFacts, ReportFacts, ValueFacts), the same rule applied,
    for counting over thousands of units."""
    occasions = list(occasions)
    units = list(units)
    if plan_types is None:
        plan_types = list(
            PlanType.objects.filter(occasions__in=[o.pk for o in occasions]).distinct()
        )
    plan_types = list(plan_types)
    by_type = {pt.pk: pt for pt in plan_types}
    if light:
        items = {
            key: [ItemFacts(*row) for row in rows]
            for key, rows in items_to_report_values(
                plan_types, units, ITEM_FIELDS, unit_query=unit_query
            ).items()
        }
    else:
        items = items_to_report_many(plan_types, units, unit_query=unit_query)
    all_items = {i.pk: i for found in items.values() for i in found}
    if any(i.kind == ItemKind.GOAL and i.level_id for i in all_items.values()):
        load_assessment_rules(plan_types)  # one query for services.assesses
    found = answers(
        occasions,
        unit_query if unit_query is not None else units,
        all_items.values(),
        related=related,
        light=light,
    )
    rows: dict[tuple[int, int, int], list[Row]] = defaultdict(list)
    report_of, value_of = found.reports.get, found.values.get
    for occasion in occasions:
        at = occasion.pk
        for (unit_id, type_id), unit_items in items.items():
            plan_type = by_type[type_id]
            if plan_type.model_id != occasion.model_id:
                continue
            rows[at, unit_id, type_id] = [
                Row(
                    occasion,
                    unit_id,
                    plan_type,
                    item,
                    report_of((at, unit_id, item.pk)),
                    value_of((at, unit_id, item.pk)),
                )
                for item in unit_items
            ]
    return FollowUp(dict(rows))


def for_tasks(tasks: list[ReportingTask], unit_query: QuerySet | None = None, **kw) -> FollowUp:
    """read() for the tasks' occasions, units and plan types (the tasks'
    plan types loaded with them)."""
    cached = {
        t.occasion_id: t.occasion
        for t in tasks
        if ReportingTask.occasion.is_cached(t) and FollowUpOccasion.model.is_cached(t.occasion)
    }
    occasions = list(cached.values())
    missing = {t.occasion_id for t in tasks} - set(cached)
    if missing:
        occasions += FollowUpOccasion.objects.filter(pk__in=missing).select_related("model")
    plan_types = {t.plan_type_id: t.plan_type for t in tasks if t.plan_type_id is not None}
    units = {t.unit_id for t in tasks}
    planned = [t for t in tasks if t.plan_type_id is not None]
    if planned:
        found = read(occasions, units, plan_types.values(), unit_query=unit_query, **kw)
    else:
        found = FollowUp({})
    found.occasions = {o.pk: o for o in occasions}
    economy = [t for t in tasks if t.plan_type_id is None]
    if any(o.asks_forecast for o in occasions) and economy:
        found.forecasts = forecasts_given(
            {t.occasion_id for t in economy}, {t.unit_id for t in economy}, unit_query
        )
    return found


def task_progress(tasks: list[ReportingTask], unit_ids=None) -> dict[int, tuple[int, int]]:
    """Task pk → (reported items, items to report) for any number of tasks
    in a fixed number of queries. `unit_ids`, a query of unit ids covering
    the tasks' units, replaces a parameter list of thousands of ids."""
    if not tasks:
        return {}
    model = for_tasks(tasks, unit_query=unit_ids, light=True)
    return {task.pk: model.progress(task) for task in tasks}


def unreported(task: ReportingTask) -> list[Item]:
    """The task's items not reported (started ones included): what
    klarmarkera warns about."""
    return [row.item for row in for_tasks([task]).task(task) if not row.reported]


# --- Granskning ---------------------------------------------------------------------------

AWAITING_REVIEW = "vantar_pa_granskning"
APPROVED = "godkand"
SENT_BACK = "skickad_tillbaka"

REVIEW_LABELS = {
    AWAITING_REVIEW: _("Väntar på granskning"),
    APPROVED: _("Godkänd"),
    SENT_BACK: _("Skickad tillbaka"),
}


def asks_review(task: ReportingTask) -> bool:
    """Whether the task's step (occasion and level) asks a manager above to
    approve it (followup.review). Reads task.step (select it with the task)."""
    return task.step_id is not None and task.step.review


def review_state(task: ReportingTask) -> str | None:
    """The one rule for a task's review state: Godkänd, Väntar på
    granskning (klarmarkerad, the step asks for review, no decision yet),
    Skickad tillbaka (not klarmarkerad again since), or None."""
    if task.review_status == ReviewStatus.APPROVED:
        return APPROVED
    if task.done_at is not None:
        return AWAITING_REVIEW if asks_review(task) else None
    if task.review_status == ReviewStatus.SENT_BACK:
        return SENT_BACK
    return None


def awaiting_review_filter() -> Q:
    """review_state(task) == AWAITING_REVIEW as a filter on tasks, for lists
    of many (the reviewer's start page, the reminders); beside the rule it
    repeats, and tested against it."""
    return Q(done_at__isnull=False, step__review=True) & ~Q(review_status=ReviewStatus.APPROVED)
