"""Reads for the styrmodell pages. The year page runs a fixed number of
queries whatever the number of perspectives, levels, plan types and scales."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from styrhjul.core.history import Change, history_entries
from styrhjul.organisation import access
from styrhjul.organisation.models import RoleGrant, Unit, UnitType
from styrhjul.organisation.queries import readable_roots

from .models import (
    GoalLevel,
    GovernanceModel,
    ItemKind,
    Perspective,
    PlanType,
    Scale,
    ScaleValue,
    Vision,
)
from .services_config import KIND_SCALES, SCALE_FIELDS


def organisation_for(user, pk: int | None = None) -> tuple[Unit, list[Unit]]:
    """The organisation (root unit) whose styrmodell the user sees, and every
    root whose styrmodell the user reads (access.organisation_ids: those they
    hold a grant in; more than one only in shared installations).

    With `pk`, that root; otherwise the first open root the user may read.
    404 when there is none the user may read."""
    readable = readable_roots(user)
    if pk is not None:
        chosen = next((r for r in readable if r.pk == pk), None)
    else:
        chosen = next((r for r in readable if r.valid_to is None), None) or next(
            iter(readable), None
        )
    if chosen is None:
        raise Http404
    return chosen, readable


def vision_in_force(organisation: Unit, year: int) -> Vision | None:
    """The vision with the latest "gäller från år" not after `year`."""
    return (
        Vision.objects.filter(unit=organisation, valid_from_year__lte=year)
        .order_by("-valid_from_year", "-pk")
        .first()
    )


def vision_for(user) -> Vision | None:
    """The vision of the organisation the user belongs to. The vision is the
    municipality's public statement, so everyone with any grant sees it."""
    # The organisation of the user's grants, from the rights already read
    # (no further query); only someone granted in several organisations, or
    # none, needs the first grant's.
    organisations = access.organisation_ids(user)
    if organisations is not None and len(organisations) == 1:
        root = next(iter(organisations))
    else:
        first = (
            RoleGrant.objects.filter(user=user)
            .order_by("pk")
            .values_list("unit_id", flat=True)
            .first()
        )
        if first is None:
            if access.is_admin(user):
                return Vision.objects.order_by("-valid_from_year").first()
            return None
        root = (
            Unit.objects.with_tree_fields()
            .ancestors(first, include_self=True)
            .order_by("tree_depth")
            .values_list("pk", flat=True)
            .first()
        )
    return Vision.objects.filter(unit_id=root).order_by("-valid_from_year").first()


@dataclass
class KindScale:
    kind: str
    label: str
    scale: Scale | None


@dataclass
class YearPage:
    organisation: Unit
    year: int
    vision: Vision | None
    model: GovernanceModel | None
    model_years: list[int]
    perspectives: list[Perspective] = field(default_factory=list)
    levels: list[GoalLevel] = field(default_factory=list)
    plan_types: list[PlanType] = field(default_factory=list)
    scales: list[Scale] = field(default_factory=list)

    @property
    def previous_exists(self) -> bool:
        return self.year - 1 in self.model_years

    @property
    def next_exists(self) -> bool:
        return self.year + 1 in self.model_years

    @property
    def risk_steps(self) -> list[tuple[str, str]]:
        """(probability label, consequence label) per step of the risk scale."""
        import itertools

        scale = self.model.risk_scale
        return list(
            itertools.zip_longest(scale.probability_labels, scale.consequence_labels, fillvalue="")
        )


def year_page(organisation: Unit, year: int) -> YearPage:
    """Everything the styrmodell page shows for one organisation and year.

    Nine queries when the model exists (vision, years, model, perspectives,
    levels, their unit types, plan types with their scales, scales, scale
    values); three when it does not."""
    page = YearPage(
        organisation=organisation,
        year=year,
        vision=vision_in_force(organisation, year),
        model=None,
        model_years=list(
            GovernanceModel.objects.filter(organisation=organisation)
            .order_by("year")
            .values_list("year", flat=True)
        ),
    )
    if year not in page.model_years:
        return page
    model = GovernanceModel.objects.get(organisation=organisation, year=year)
    model.organisation = organisation
    page.model = model
    # A GROUP BY query leaves out Meta.ordering: the order is named here.
    page.perspectives = list(
        model.perspectives.annotate(n_items=Count("items")).order_by("order", "name")
    )
    page.levels = list(
        model.levels.annotate(n_items=Count("items"))
        .order_by("order", "name")
        .prefetch_related(
            Prefetch("unit_types", queryset=UnitType.objects.order_by("order", "name"))
        )
    )
    page.plan_types = list(
        model.plan_types.annotate(n_plans=Count("plans"))
        .order_by("order", "name")
        .select_related(*SCALE_FIELDS)
    )
    used_scales: dict[int, list[str]] = {}
    labels = dict(ItemKind.choices)
    for plan_type in page.plan_types:
        plan_type.kind_scales = [
            KindScale(kind, str(labels[kind]), getattr(plan_type, KIND_SCALES[kind][0]))
            for kind in ItemKind.values
            if kind in plan_type.item_kinds
        ]
        for entry in plan_type.kind_scales:
            if entry.scale is not None:
                used_scales.setdefault(entry.scale.pk, []).append(plan_type.name)
    page.scales = list(
        model.scales.prefetch_related(
            Prefetch("values", queryset=ScaleValue.objects.order_by("order", "pk"))
        )
    )
    for scale in page.scales:
        scale.used_by = used_scales.get(scale.pk, [])
    return page


# --- History ---------------------------------------------------------------


def _kind_labels(value: str) -> str:
    """The item kinds of a plan type as their Swedish names."""
    if value in ("", "–"):
        return value
    try:
        kinds = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    labels = dict(ItemKind.choices)
    return ", ".join(str(labels.get(k, k)) for k in kinds) or "–"


def _label(model, field: str) -> str:
    """A field's name as web.history shows it."""
    name = str(model._meta.get_field(field).verbose_name)
    return name[:1].upper() + name[1:]


def _plan_type_entries(history_qs) -> list:
    entries = history_entries(history_qs)
    field_label = _label(PlanType, "item_kinds")
    for entry in entries:
        for change in entry.changes:
            if change.field == field_label:
                change.before = _kind_labels(change.before)
                change.after = _kind_labels(change.after)
    return entries


def _level_entries(history_qs) -> list:
    """Level history with the unit types of each version (a many-to-many
    field, which the shared history table does not show)."""
    records = list(
        history_qs.select_related("history_user").order_by("-history_date", "-history_id")
    )
    entries = history_entries(history_qs)
    m2m = GoalLevel.history.model._meta.get_field("historicalgoallevel_unit_types").related_model
    names = dict(UnitType.objects.values_list("pk", "name"))
    types: dict[int, list[str]] = {r.history_id: [] for r in records}
    for history_id, type_id in m2m.objects.filter(history__in=list(types)).values_list(
        "history_id", "unittype_id"
    ):
        types[history_id].append(names.get(type_id, f"#{type_id}"))
    label = _label(GoalLevel, "unit_types")
    for index, (record, entry) in enumerate(zip(records, entries, strict=True)):
        after = ", ".join(sorted(types[record.history_id])) or "–"
        previous = next((r for r in records[index + 1 :] if r.id == record.id), None)
        before = "–"
        if previous is not None:
            before = ", ".join(sorted(types[previous.history_id])) or "–"
        if record.history_type == "-":
            if before != "–":  # a deleted level's unit types are gone: show the last ones
                entry.changes.append(Change(label, before, "–"))
        elif before != after:
            entry.changes.append(Change(label, before, after))
    return entries


@dataclass
class HistorySection:
    heading: str
    entries: list


def model_history(model: GovernanceModel) -> list[HistorySection]:
    """The history of a year's whole model, part by part, including parts
    that have since been deleted."""
    scale_ids = list(
        Scale.history.filter(model_id=model.pk).values_list("id", flat=True).distinct()
    )
    return [
        HistorySection(_("Styrmodellen"), history_entries(model.history.all())),
        HistorySection(
            _("Perspektiv"), history_entries(Perspective.history.filter(model_id=model.pk))
        ),
        HistorySection(_("Målnivåer"), _level_entries(GoalLevel.history.filter(model_id=model.pk))),
        HistorySection(
            _("Plantyper"), _plan_type_entries(PlanType.history.filter(model_id=model.pk))
        ),
        HistorySection(_("Skalor"), history_entries(Scale.history.filter(model_id=model.pk))),
        HistorySection(
            _("Skalvärden"), history_entries(ScaleValue.history.filter(scale_id__in=scale_ids))
        ),
    ]


def part_history(obj) -> list[HistorySection]:
    """The history of one part: a vision (all the organisation's visions), a
    perspective, level, plan type, scale (with its values) or scale value."""
    if isinstance(obj, Vision):
        return [
            HistorySection(
                _("Visioner"), history_entries(Vision.history.filter(unit_id=obj.unit_id))
            )
        ]
    if isinstance(obj, GovernanceModel):
        return model_history(obj)
    if isinstance(obj, GoalLevel):
        return [HistorySection(_("Ändringar"), _level_entries(obj.history.all()))]
    if isinstance(obj, PlanType):
        return [HistorySection(_("Ändringar"), _plan_type_entries(obj.history.all()))]
    if isinstance(obj, Scale):
        return [
            HistorySection(_("Ändringar"), history_entries(obj.history.all())),
            HistorySection(
                _("Skalvärden"), history_entries(ScaleValue.history.filter(scale_id=obj.pk))
            ),
        ]
    return [HistorySection(_("Ändringar"), history_entries(obj.history.all()))]
