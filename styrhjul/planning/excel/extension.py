"""Reported results in a plan file (the sheets' result columns: Status,
Färdighetsgrad, Kommentar, Bedömning, Analys, an indicator's Utfall … Avser,
and Uppföljning) are follow-up's: a report per item and occasion, and an
indicator's outcome for the occasion's period. Follow-up is above
planning, so it plugs them in here (followup.apps registers
followup.plan_results when the apps are ready) and the plan file reads and
writes them without planning importing follow-up."""

from __future__ import annotations

from typing import Protocol


class Results(Protocol):
    """What the plan file needs of follow-up."""

    def occasions_for(self, plan_type):
        """The follow-up occasions (a QuerySet) of the plan type's year that
        follow up the plan type."""

    def find_occasion(self, plan_type, reference):
        """The occasion following up the plan type that a command's
        --occasion names (its id, or its name with the year); raises
        core.commandline.ArgumentProblem listing them otherwise."""

    def covers(self, occasion, plan_type) -> bool:
        """Whether the occasion follows up the plan type."""

    def scale_labels(self, plan_type, kind: str, field: str) -> list[str]:
        """The labels of the scale of a kind's "status" or "assessment" in
        the plan type, in the scale's order ([] when it has none)."""

    def result_values(self, occasion, unit, plan_type, items) -> dict[int, dict[str, object]]:
        """Item pk → the values of its sheet's result columns at the occasion."""

    def ResultPlanner(self, importer, occasion):  # noqa: N802 - the class
        """Validates the result columns of the importer's rows (validate())
        and writes them (write()), counting what it makes (created, updated)."""


_results: Results | None = None


def register(results: Results) -> None:
    global _results
    _results = results


def results() -> Results:
    if _results is None:
        raise RuntimeError("The follow-up app has not registered the plan file's results.")
    return _results
