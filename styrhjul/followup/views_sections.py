"""The own sections of the documents on a task's page (followup.sections):
what the reporting page and the economy task's page show."""

from __future__ import annotations

from . import sections
from .forms_sections import SectionTextForm
from .models import ReportingTask


def document_sections_context(request, task: ReportingTask, locked: bool, keep=None) -> dict:
    """The own sections the unit writes in this task, each with its form
    when the user may write it (`keep`: a section answered with errors,
    what the user wrote kept), and the same grouped by document (the
    document's name, its sections)."""
    found = sections.task_sections(task)
    writes = not locked and sections.may_write(request.user, task)
    for entry in found:
        if keep is not None and entry.slug == keep.slug:
            entry.form = keep.form
        elif writes:
            entry.form = SectionTextForm(entry=entry)
    groups: dict[str, list] = {}
    for entry in found:
        groups.setdefault(entry.document_label, []).append(entry)
    return {"document_sections": found, "document_groups": list(groups.items())}
