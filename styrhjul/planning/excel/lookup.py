"""Finding the unit, year and plan type a plan file belongs to, by the names
a person types on the command line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from styrhjul.core.commandline import ArgumentProblem
from styrhjul.model.models import GovernanceModel, PlanType
from styrhjul.organisation.models import Unit, User
from styrhjul.organisation.queries import active_user_by_name

from .extension import results as plan_results


class NotFound(LookupError):
    """Nothing matches; the message is Swedish and names what does exist."""


def model_for(unit: Unit, year: int) -> GovernanceModel | None:
    """The styrmodell that applies to the unit in the year: that of the unit
    itself or of its nearest ancestor that has one."""
    ancestors = list(Unit.objects.ancestors(unit, include_self=True).values_list("pk", flat=True))
    models = {
        m.organisation_id: m
        for m in GovernanceModel.objects.filter(year=year, organisation__in=ancestors)
    }
    for pk in reversed(ancestors):  # nearest first
        if pk in models:
            return models[pk]
    return None


def plan_type_applies(plan_type: PlanType, unit: Unit) -> bool:
    """Is the plan type from the model of the unit's organisation?"""
    model = model_for(unit, plan_type.model.year)
    return model is not None and model.pk == plan_type.model_id


def unit_by_code(code: str) -> Unit:
    unit = Unit.objects.filter(code__iexact=code.strip()).first()
    if unit is None:
        raise NotFound(_("Det finns ingen enhet med koden %(code)s.") % {"code": code})
    return unit


def plan_types_for(unit: Unit, year: int) -> list[PlanType]:
    model = model_for(unit, year)
    if model is None:
        raise NotFound(
            _("Det finns ingen styrmodell för %(year)s som gäller %(unit)s.")
            % {"year": year, "unit": unit.name}
        )
    return list(model.plan_types.order_by("order", "name"))


def plan_type_by_name(unit: Unit, year: int, name: str) -> PlanType:
    types = plan_types_for(unit, year)
    wanted = " ".join(name.split()).casefold()
    for plan_type in types:
        if plan_type.name.casefold() == wanted:
            return plan_type
    raise NotFound(
        _(
            "Det finns ingen plantyp som heter %(name)s i styrmodellen %(year)s. "
            "Plantyper: %(types)s."
        )
        % {"name": name, "year": year, "types": ", ".join(t.name for t in types) or "–"}
    )


def user_by_name(name: str) -> User:
    """A user by user name or e-mail address, as `styrhjul import-org --user`."""
    try:
        return active_user_by_name(name)
    except LookupError as exc:
        raise NotFound(str(exc)) from None


def occasion_by_name(plan_type: PlanType, name: str | int):
    """A follow-up occasion of the plan type's year that follows up the plan
    type, by id or by name (with its year, or as stored; case ignored),
    found by the one resolver of every command's --occasion."""
    try:
        return plan_results().find_occasion(plan_type, name)
    except ArgumentProblem as exc:
        raise NotFound(str(exc)) from None
