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
        """Item pk → the values of its sheet's result columns at the occasion.
        `items` are the plan's items as the export reads them: rows with the
        Item's field names (pk, kind, periodicity, source, gender_split …)."""

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


# --- Values per group (the Uppdelningar sheet) -----------------------------------------


class Breakdowns(Protocol):
    """What the plan file needs of the indicators app for its sheet of
    values per group of an uppdelning (indicators.plan_sheet): the sheet's
    name and columns, the rows to export and a planner for the import."""

    sheet: str  # the sheet's name, "Uppdelningar"
    columns: dict[str, str]  # key → header, in the sheet's order
    required: list[str]  # keys of the columns the sheet must have
    help: dict[str, str]  # key → what the column holds (the sheet Instruktioner)

    def export_rows(self, unit, plan_type, items) -> list[list] | None:
        """The sheet's rows for the plan's indicators (`items`, the export's
        rows: anything with a `pk`) and unit;
        None when there is no such sheet (the organisation has no
        uppdelningar)."""

    def Planner(self, importer, sheet):  # noqa: N802 - the class
        """Validates the sheet's rows (validate(), errors to the importer's
        issues) and writes them (write()) after the items, counting the
        values it changes (changed)."""


_breakdowns: Breakdowns | None = None


def register_breakdowns(breakdowns: Breakdowns) -> None:
    global _breakdowns
    _breakdowns = breakdowns


def breakdowns() -> Breakdowns:
    if _breakdowns is None:
        raise RuntimeError("The indicators app has not registered the plan file's breakdowns.")
    return _breakdowns
