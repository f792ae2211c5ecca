"""The year wheel (årshjulet) is follow-up's, and follow-up is above
planning, so "Kopiera till nästa år" (services.model_copy_to_next_year and
its page, views_year.copy_year) copies it through what follow-up plugs in
here (followup.apps registers followup.wheel_copy when the apps are ready),
without planning importing follow-up."""

from __future__ import annotations

from typing import Protocol


class Wheel(Protocol):
    """What the copy needs of follow-up."""

    # The template that lists `preview(model)` on the copy page (as `wheel_copy`).
    template: str

    def preview(self, model):
        """What copying the model to next year copies of its wheel."""

    def copy(self, *, actor, source, target, plan_types: dict, reason: str) -> None:
        """Copy the source model's wheel to the target model (next year's,
        just copied; `plan_types` maps the source's plan types to their
        copies), in the caller's transaction, which checked the access."""


_wheel: Wheel | None = None


def register(wheel: Wheel) -> None:
    global _wheel
    _wheel = wheel


def wheel() -> Wheel | None:
    """Follow-up's year wheel copy (None when follow-up is not installed)."""
    return _wheel


# Other parts of the year that the apps above planning copy with the model,
# whether or not the wheel is copied: (actor, source, target, reason) → None,
# in the caller's transaction. Follow-up registers the documents' own
# sections (followup.sections.copy_sections).
_parts: list = []


def register_part(copy) -> None:
    if copy not in _parts:
        _parts.append(copy)


def parts() -> list:
    return list(_parts)
