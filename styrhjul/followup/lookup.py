"""The follow-up occasion a command's `--occasion` names: its id, or its
name as shown with the year ("Delårsrapport 2026"), among the occasions of
the organisations the user reads. Every command that takes an occasion
finds it here (or, where only the occasions of one plan type count, through
the same core.commandline.one_by_reference)."""

from __future__ import annotations

from collections.abc import Iterable

from styrhjul.core.commandline import one_by_reference
from styrhjul.organisation import access

from .models import FollowUpOccasion


def occasion_names(occasion: FollowUpOccasion) -> tuple[str, str]:
    """What an occasion may be called: its title (the name with the year)
    and its name as stored."""
    return occasion.title, occasion.name


def describe(occasion: FollowUpOccasion) -> str:
    return f"{occasion.title} ({occasion.model.organisation.name})"


def find_occasion(
    reference: str | int,
    *,
    candidates: Iterable[FollowUpOccasion],
    option: str = "--occasion",
    describe_as=None,
    hint: str = "",
):
    """The one occasion among `candidates` that `reference` names (its id,
    or its name with or without the year), else ArgumentProblem listing
    them."""
    return one_by_reference(
        reference,
        candidates,
        option=option,
        noun="uppföljningstillfällen",
        names_of=occasion_names,
        describe=describe_as or (lambda o: o.title),
        hint=hint,
        ambiguous_hint="Ange id, eller namnet med året.",
    )


def occasion_for(actor, reference: str | int, *, organisation=None, year: int | None = None):
    """The occasion `reference` names among those the actor reads (in the
    organisation and year when given)."""
    candidates = FollowUpOccasion.objects.select_related("model__organisation").order_by(
        "model__organisation__name", "period_end", "name"
    )
    ids = access.organisation_ids(actor)
    if ids is not None:
        candidates = candidates.filter(model__organisation__in=ids)
    if organisation is not None:
        candidates = candidates.filter(model__organisation=organisation)
    if year is not None:
        candidates = candidates.filter(model__year=year)
    candidates = list(candidates)
    several = len({o.model.organisation_id for o in candidates}) > 1
    return find_occasion(
        reference, candidates=candidates, describe_as=describe if several else None
    )
