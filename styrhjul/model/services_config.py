"""Editing the styrmodell's parts from the model owner's pages.

services.py creates and copies a year's model and saves or deletes a single
part. The functions here add what the editing pages need on top: the vision
(one row per "gäller från år"), goal levels with their unit types, plan types
with one scale per item kind, and scales whose kind may not change under the
plan types that use them. Each is one transaction and checks that the actor
is a model owner of the organisation (services.require_model_owner).

Whether plans use a part is asked through the reverse relations of the
plans and items (level.items, plan_type.plans__items), since the model app
is below planning and does not import it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from styrhjul.core.concurrency import lock_version, save_edited, use_case
from styrhjul.organisation.models import Unit, UnitType

from . import services
from .models import GoalLevel, GovernanceModel, ItemKind, PlanType, Scale, ScaleKind, Vision

# Item kind → (the plan type's field naming its scale, the kind of scale).
KIND_SCALES: dict[str, tuple[str, str]] = {
    ItemKind.GOAL: ("goal_scale", ScaleKind.GOAL_ASSESSMENT),
    ItemKind.INDICATOR: ("indicator_scale", ScaleKind.INDICATOR_ASSESSMENT),
    ItemKind.ACTIVITY: ("activity_scale", ScaleKind.ACTIVITY_STATUS),
    ItemKind.ASSIGNMENT: ("assignment_scale", ScaleKind.ASSIGNMENT_STATUS),
    ItemKind.CONTROL_POINT: ("control_scale", ScaleKind.CONTROL_ASSESSMENT),
}
SCALE_FIELDS = [field for field, _kind in KIND_SCALES.values()]
# Item kinds in the plural, lower case, for "Välj en skala för aktiviteter."
KIND_PLURALS: dict[str, str] = {
    ItemKind.GOAL: gettext_lazy("mål"),
    ItemKind.INDICATOR: gettext_lazy("nyckeltal"),
    ItemKind.ACTIVITY: gettext_lazy("aktiviteter"),
    ItemKind.ASSIGNMENT: gettext_lazy("särskilda uppdrag"),
    ItemKind.CONTROL_POINT: gettext_lazy("kontrollpunkter"),
}


def _names(objects: Iterable) -> str:
    return ", ".join(str(o) for o in objects)


@use_case
def vision_save(
    *,
    actor,
    organisation: Unit,
    title: str,
    text: str,
    horizon_year: int,
    valid_from_year: int,
) -> tuple[Vision, bool]:
    """Save the organisation's vision from `valid_from_year`.

    The vision that already holds from that year is changed; otherwise a new
    vision is created, and the earlier one stays in force for earlier years.
    Returns the vision and whether it was created."""
    services.require_model_owner(actor, organisation)
    if horizon_year < valid_from_year:
        raise ValidationError(
            {
                "horizon_year": _(
                    "Målåret kan inte vara före året visionen börjar gälla (%(year)s)."
                )
                % {"year": valid_from_year}
            }
        )
    vision = (
        Vision.objects.filter(unit=organisation, valid_from_year=valid_from_year)
        .order_by("-pk")
        .first()
    )
    created = vision is None
    if created:
        vision = Vision(unit=organisation, valid_from_year=valid_from_year)
    vision.title = title
    vision.text = text
    vision.horizon_year = horizon_year
    services.save_part(actor=actor, obj=vision)
    return vision, created


def _goals_blocking_unit_types(level: GoalLevel, new_types: set[int]) -> list[UnitType]:
    """Unit types taken off the level that still own goals at the level."""
    if level.pk is None or not new_types:
        return []  # no unit types: every unit type may own goals at the level
    used = set(
        level.items.exclude(plan__unit__unit_type__in=new_types).values_list(
            "plan__unit__unit_type", flat=True
        )
    )
    return list(UnitType.objects.filter(pk__in=used).order_by("order", "name"))


@use_case
def level_save(*, actor, level: GoalLevel, unit_types: Iterable[UnitType]) -> GoalLevel:
    """Create or change a goal level (målnivå) and the unit types that own
    goals at it. Refuses to take a unit type off a level where units of that
    type already have goals. The history records the unit types too."""
    services.require_model_owner(actor, level.access_unit)
    unit_types = list(unit_types)
    new_ids = {t.pk for t in unit_types}
    blocking = _goals_blocking_unit_types(level, new_ids)
    if blocking:
        raise ValidationError(
            {
                "unit_types": _(
                    "Det finns redan mål på nivån %(level)s för %(types)s. Flytta eller "
                    "ta bort de målen först, eller behåll enhetstypen."
                )
                % {"level": level.name, "types": _names(blocking).lower()}
            }
        )
    creating = level.pk is None
    if creating:
        services.save_part(actor=actor, obj=level)
        if not new_ids:
            return level
    # Change the unit types without a history row per step, then save once so
    # the row holds the level as it now is, unit types included.
    level.skip_history_when_saving = True
    try:
        level.unit_types.set(unit_types)
    finally:
        del level.skip_history_when_saving
    services.save_part(actor=actor, obj=level)
    return level


def scale_errors(plan_type: PlanType) -> dict[str, str]:
    """The rule for a plan type's scales: for each item kind it holds, a
    scale of the right kind from the same year's model. The field → the
    message (the form asks it too, to show every error at once)."""
    errors: dict[str, str] = {}
    for kind, (field, scale_kind) in KIND_SCALES.items():
        scale: Scale | None = getattr(plan_type, field)
        if kind not in plan_type.item_kinds:
            continue
        if scale is None:
            errors[field] = _("Välj en skala för %(kind)s.") % {"kind": KIND_PLURALS[kind]}
        elif scale.model_id != plan_type.model_id or scale.kind != scale_kind:
            errors[field] = _("Välj en skala av rätt slag från samma års styrmodell.")
    return errors


@use_case
def plan_type_save(*, actor, plan_type: PlanType) -> PlanType:
    """Create or change a plan type (plantyp): its item kinds and, for each
    kind it holds, a scale of the right kind from the same year's model.
    Scales of kinds it does not hold are cleared. A kind cannot be taken off
    while plans of the type still hold items of that kind."""
    services.require_model_owner(actor, plan_type.access_unit)
    for kind, (field, _scale_kind) in KIND_SCALES.items():
        if kind not in plan_type.item_kinds:
            setattr(plan_type, field, None)
    errors = scale_errors(plan_type)
    if plan_type.pk is not None:
        before = PlanType.objects.get(pk=plan_type.pk).item_kinds
        removed = [k for k in before if k not in plan_type.item_kinds]
        in_use = sorted(
            set(
                PlanType.objects.filter(
                    pk=plan_type.pk, plans__items__kind__in=removed
                ).values_list("plans__items__kind", flat=True)
            )
        )
        if in_use:
            errors["item_kinds"] = _(
                "Planer av typen %(name)s innehåller redan %(kinds)s. Ta bort eller flytta "
                "de posterna först."
            ) % {
                "name": plan_type.name,
                "kinds": ", ".join(str(KIND_PLURALS[k]) for k in in_use),
            }
    if errors:
        raise ValidationError(errors)
    return services.save_part(actor=actor, obj=plan_type)


def _plan_types_using(scale: Scale) -> list[PlanType]:

    query = Q()
    for field in SCALE_FIELDS:
        query |= Q(**{field: scale})
    return list(PlanType.objects.filter(query).order_by("order", "name"))


@use_case
def scale_save(*, actor, scale: Scale) -> Scale:
    """Create or rename a scale (skala). Its kind may only change while no
    plan type uses it."""
    services.require_model_owner(actor, scale.access_unit)
    if scale.pk is not None:
        before = Scale.objects.get(pk=scale.pk)
        if before.kind != scale.kind:
            users = _plan_types_using(scale)
            if users:
                raise ValidationError(
                    {
                        "kind": _(
                            "Skalan används av %(types)s och kan inte byta användning. "
                            "Välj en annan skala för dem först."
                        )
                        % {"types": _names(users)}
                    }
                )
    return services.save_part(actor=actor, obj=scale)


@use_case
def scale_delete(*, actor, scale: Scale) -> None:
    """Remove a scale no plan type uses, with its values."""
    services.require_model_owner(actor, scale.access_unit)
    users = _plan_types_using(scale)
    if users:
        raise ValidationError(
            _(
                "Skalan %(name)s används av %(types)s och kan inte tas bort. Välj en "
                "annan skala för dem först."
            )
            % {"name": scale.name, "types": _names(users)}
        )
    for value in scale.values.all():
        services.set_actor(value, actor)
        value.delete()
    services.delete_part(actor=actor, obj=scale)


@use_case
def risk_scale_save(
    *,
    actor,
    model: GovernanceModel,
    probability_labels: list[str],
    consequence_labels: list[str],
    risk_medium_from: int | None,
    risk_high_from: int | None,
    version: int,
) -> GovernanceModel:
    """Change the year's risk scale (size, step labels, bands). A scale
    cannot shrink below the steps control points of the year already use.
    `version` is the model's version the user opened: EditConflict if
    someone else changed it since."""

    from .riskscale import problems

    services.require_model_owner(actor, model.organisation)
    probability_labels = [label.strip() for label in probability_labels]
    consequence_labels = [label.strip() for label in consequence_labels]
    errors = problems(probability_labels, consequence_labels, risk_medium_from, risk_high_from)
    if not errors:
        used = PlanType.objects.filter(model=model).aggregate(
            probability=Max("plans__items__probability"),
            consequence=Max("plans__items__consequence"),
        )
        for field, key, labels, noun in (
            ("probability_labels", "probability", probability_labels, "sannolikhet"),
            ("consequence_labels", "consequence", consequence_labels, "konsekvens"),
        ):
            if used[key] and used[key] > len(labels):
                n = (
                    PlanType.objects.filter(
                        model=model, **{f"plans__items__{key}__gt": len(labels)}
                    )
                    .values("plans__items")
                    .count()
                )
                errors[field] = _(
                    "%(n)d kontrollpunkter har %(noun)s över %(steps)d. Ändra deras "
                    "riskbedömning först, eller behåll minst %(used)d steg."
                ) % {"n": n, "noun": noun, "steps": len(labels), "used": used[key]}
    if errors:
        raise ValidationError(errors)
    model.probability_labels = probability_labels
    model.consequence_labels = consequence_labels
    model.risk_medium_from = risk_medium_from
    model.risk_high_from = risk_high_from
    lock_version(model, version)
    model.full_clean()
    return save_edited(model, actor)
