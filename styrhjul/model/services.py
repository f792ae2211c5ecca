"""Changes to the styrmodell: create a year's model from the defaults, copy a
year's model to the next (planning.services.model_copy_to_next_year copies
it with its plans), and edit the parts. Only those who manage
the organisation's root unit (system administrators and model owners there)
change the model."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import use_case
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType

from . import defaults
from .models import (
    AssessmentRule,
    GoalLevel,
    GovernanceModel,
    Perspective,
    PlanType,
    Scale,
    ScaleValue,
)


def _save(obj, actor, reason: str | None = None):
    obj.full_clean()
    set_actor(obj, actor, reason)
    obj.save()
    return obj


def require_model_owner(actor, organisation: Unit) -> None:
    access.require(actor, access.Action.MANAGE, organisation)


@use_case
def model_create_default(*, actor, organisation: Unit, year: int) -> GovernanceModel:
    """A new year's model from the defaults (DOMAIN §5)."""
    require_model_owner(actor, organisation)
    if GovernanceModel.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError(_("Styrmodellen för %(year)s finns redan.") % {"year": year})
    model = _save(GovernanceModel(organisation=organisation, year=year), actor)
    for order, (name, description) in enumerate(defaults.PERSPECTIVES, 1):
        _save(Perspective(model=model, name=name, description=description, order=order * 10), actor)
    types = {t.name: t for t in UnitType.objects.all()}
    for order, (name, type_names, assesses) in enumerate(defaults.GOAL_LEVELS, 1):
        level = _save(
            GoalLevel(
                model=model,
                name=name,
                order=order * 10,
                assesses=assesses,
                links_within_level=name in defaults.LINKS_WITHIN_LEVEL,
            ),
            actor,
        )
        level.unit_types.set([types[n] for n in type_names if n in types])
    scales = {}
    for kind, (name, values) in defaults.SCALES.items():
        scale = _save(Scale(model=model, kind=kind, name=name), actor)
        scales[kind] = scale
        for order, (label, colour, symbol, comment_required, done, *when) in enumerate(values, 1):
            _save(
                ScaleValue(
                    scale=scale,
                    order=order * 10,
                    label=label,
                    colour=colour,
                    symbol=symbol,
                    comment_required=comment_required,
                    counts_as_done=done,
                    suggested_when=when[0] if when else "",
                ),
                actor,
            )
    for order, (name, kinds) in enumerate(defaults.PLAN_TYPES, 1):
        _save(
            PlanType(
                model=model,
                name=name,
                order=order * 10,
                item_kinds=list(kinds),
                **_default_scales(scales, kinds),
            ),
            actor,
        )
    return model


def _default_scales(scales: dict, kinds) -> dict:
    """The default scale for each item kind the plan type holds."""
    from .models import ItemKind, ScaleKind

    wanted = {
        "activity_scale": (ItemKind.ACTIVITY, ScaleKind.ACTIVITY_STATUS),
        "indicator_scale": (ItemKind.INDICATOR, ScaleKind.INDICATOR_ASSESSMENT),
        "goal_scale": (ItemKind.GOAL, ScaleKind.GOAL_ASSESSMENT),
        "control_scale": (ItemKind.CONTROL_POINT, ScaleKind.CONTROL_ASSESSMENT),
        "assignment_scale": (ItemKind.ASSIGNMENT, ScaleKind.ASSIGNMENT_STATUS),
    }
    return {
        field: scales.get(scale_kind) if kind in kinds else None
        for field, (kind, scale_kind) in wanted.items()
    }


@dataclass
class ModelCopy:
    """Next year's model made by copy_model, and which of its perspectives,
    levels and plan types stands for which of the year copied (by pk)."""

    model: GovernanceModel
    perspectives: dict[int, Perspective]
    levels: dict[int, GoalLevel]
    plan_types: dict[int, PlanType]


def copy_model(*, actor, model: GovernanceModel, reason: str) -> ModelCopy:
    """Next year's model with the same perspectives, levels, scales and plan
    types: the model's part of "Kopiera till nästa år"
    (planning.services.model_copy_to_next_year, which checks the access and
    holds the transaction)."""
    new = _save(
        GovernanceModel(
            organisation=model.organisation,
            year=model.year + 1,
            probability_labels=list(model.probability_labels),
            consequence_labels=list(model.consequence_labels),
            risk_medium_from=model.risk_medium_from,
            risk_high_from=model.risk_high_from,
        ),
        actor,
        reason,
    )
    perspectives = {}
    for p in model.perspectives.all():
        perspectives[p.pk] = _save(
            Perspective(model=new, name=p.name, description=p.description, order=p.order),
            actor,
            reason,
        )
    levels = {}
    for level in model.levels.prefetch_related("unit_types"):
        copy = _save(
            GoalLevel(
                model=new,
                name=level.name,
                order=level.order,
                assesses=level.assesses,
                links_within_level=level.links_within_level,
            ),
            actor,
            reason,
        )
        copy.unit_types.set(level.unit_types.all())
        levels[level.pk] = copy
    scales = {}
    for scale in model.scales.prefetch_related("values"):
        copy = _save(Scale(model=new, kind=scale.kind, name=scale.name), actor, reason)
        scales[scale.pk] = copy
        for v in scale.values.all():
            _save(
                ScaleValue(
                    scale=copy,
                    order=v.order,
                    label=v.label,
                    colour=v.colour,
                    symbol=v.symbol,
                    comment_required=v.comment_required,
                    counts_as_done=v.counts_as_done,
                    suggested_when=v.suggested_when,
                ),
                actor,
                reason,
            )
    plan_types = {}
    for pt in model.plan_types.all():
        plan_types[pt.pk] = _save(
            PlanType(
                model=new,
                name=pt.name,
                order=pt.order,
                item_kinds=list(pt.item_kinds),
                activity_scale=scales.get(pt.activity_scale_id),
                indicator_scale=scales.get(pt.indicator_scale_id),
                goal_scale=scales.get(pt.goal_scale_id),
                control_scale=scales.get(pt.control_scale_id),
                assignment_scale=scales.get(pt.assignment_scale_id),
            ),
            actor,
            reason,
        )
    for rule in AssessmentRule.objects.filter(plan_type__model=model):
        _save(
            AssessmentRule(
                plan_type=plan_types[rule.plan_type_id],
                level=levels[rule.level_id],
                owner_assesses=rule.owner_assesses,
                receivers_assess=rule.receivers_assess,
                underlag_shows_assessments=rule.underlag_shows_assessments,
            ),
            actor,
            reason,
        )
    return ModelCopy(new, perspectives, levels, plan_types)


# A name already taken in the year's model, per kind of part.
NAME_TAKEN = {
    Perspective: gettext_lazy("Det finns redan ett perspektiv som heter ”%(name)s” det här året."),
    GoalLevel: gettext_lazy("Det finns redan en målnivå som heter ”%(name)s” det här året."),
    PlanType: gettext_lazy("Det finns redan en plantyp som heter ”%(name)s” det här året."),
    Scale: gettext_lazy("Det finns redan en skala som heter ”%(name)s” det här året."),
}


def name_errors(obj) -> dict[str, str]:
    """The one rule for names in a year's model: a perspective's, level's,
    plan type's or scale's name is unique in the year, and a scale value's
    text in its scale, case and surrounding spaces ignored. The field → the
    message; empty when the name is free (the forms ask it too, to show
    every error at once)."""
    if isinstance(obj, ScaleValue):
        field, name = "label", (obj.label or "").strip()
        clash = ScaleValue.objects.filter(scale_id=obj.scale_id, label__iexact=name)
        message = _("Skalan har redan ett värde som heter ”%(name)s”.")
    elif type(obj) in NAME_TAKEN:
        field, name = "name", (obj.name or "").strip()
        clash = type(obj).objects.filter(model_id=obj.model_id, name__iexact=name)
        message = str(NAME_TAKEN[type(obj)])
    else:
        return {}
    if obj.pk is not None:
        clash = clash.exclude(pk=obj.pk)
    if name and clash.exists():
        return {field: message % {"name": name}}
    return {}


def check_name(obj) -> None:
    """Strip the name and refuse one already taken (name_errors)."""
    if isinstance(obj, ScaleValue):
        obj.label = (obj.label or "").strip()
    elif type(obj) in NAME_TAKEN:
        obj.name = (obj.name or "").strip()
    errors = name_errors(obj)
    if errors:
        raise ValidationError(errors)


def normalise_colour(colour: str) -> str:
    """A colour as typed ("1E6B34", " #1e6b34") as the hex code stored
    ("#1e6b34"); whether it is a hex code is the model's rule (ScaleValue.clean)."""
    colour = (colour or "").strip()
    if colour and not colour.startswith("#"):
        colour = "#" + colour
    return colour.lower()


@use_case
def save_part(*, actor, obj):
    """Create or change a perspective, level, scale, scale value or plan type, in
    one transaction (the history row with it)."""
    require_model_owner(actor, obj.access_unit)
    check_name(obj)
    if isinstance(obj, ScaleValue):
        obj.colour = normalise_colour(obj.colour)
    return _save(obj, actor)


@use_case
def delete_part(*, actor, obj) -> None:
    """Remove a perspective, level, scale value or plan type that nothing uses."""

    require_model_owner(actor, obj.access_unit)
    set_actor(obj, actor)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise ValidationError(
            _("%(name)s används av poster eller planer och kan inte tas bort.") % {"name": obj}
        ) from None


RULE_FIELDS = ("owner_assesses", "receivers_assess", "underlag_shows_assessments")


@use_case
def assessment_rules_save(*, actor, plan_type: PlanType, rules: dict[int, dict[str, bool]]) -> int:
    """Save the plan type's assessment rules (bedömningsregler): for each of
    the model's levels (by pk) the three flags of AssessmentRule. A level
    whose flags are what holds without a rule (the level's `assesses` for both
    roles, the assessments shown) gets no new rule; an existing rule is kept
    and changed, so its history is whole. Returns the number of rules
    created or changed."""
    require_model_owner(actor, plan_type.model.organisation)
    existing = {r.level_id: r for r in AssessmentRule.objects.filter(plan_type=plan_type)}
    changed = 0
    for level in plan_type.model.levels.all():
        wanted = rules.get(level.pk)
        if wanted is None:
            continue
        rule = existing.get(level.pk)
        if rule is None:
            default = {
                "owner_assesses": level.assesses,
                "receivers_assess": level.assesses,
                "underlag_shows_assessments": True,
            }
            if all(wanted[f] == default[f] for f in RULE_FIELDS):
                continue
            rule = AssessmentRule(plan_type=plan_type, level=level)
        elif all(getattr(rule, f) == wanted[f] for f in RULE_FIELDS):
            continue
        else:
            rule.version += 1
        for f in RULE_FIELDS:
            setattr(rule, f, wanted[f])
        _save(rule, actor)
        changed += 1
    return changed
