"""Saving the editable texts of a document (ReportText, DocumentText)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from styrhjul.core.concurrency import StaleEdit, lock_for_edit, save_edited
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access
from styrhjul.planning.models import Plan

from .models import DocumentText, ReportText

MAX_CHARS = 20_000


class StaleText(StaleEdit):
    def __init__(self, current: ReportText | DocumentText):
        super().__init__(current, _("Någon annan har sparat texterna medan du skrev."))


def report_text(plan: Plan, occasion: FollowUpOccasion) -> ReportText | None:
    return ReportText.objects.filter(plan=plan, occasion=occasion).first()


@transaction.atomic
def report_text_save(
    *,
    actor,
    plan: Plan,
    occasion: FollowUpOccasion,
    introduction: str,
    summary: str,
    version: int,
) -> ReportText:
    """Store the texts; an empty text means the generated one. `version` is
    the version the user opened (0 when none was stored)."""
    access.require(actor, access.Action.WRITE, plan)
    if occasion.model_id != plan.plan_type.model_id:
        raise ValidationError(_("Uppföljningen hör till en annan styrmodell än planen."))
    errors = {}
    for name, text in (("introduction", introduction), ("summary", summary)):
        if len(text) > MAX_CHARS:
            errors[name] = _("Texten är %(n)d tecken lång; högst %(max)d får plats.") % {
                "n": len(text),
                "max": MAX_CHARS,
            }
    if errors:
        raise ValidationError(errors)
    text = lock_for_edit(
        ReportText,
        version,
        stale=StaleText,
        gone=_("Texterna finns inte längre. Ladda om sidan."),
        plan=plan,
        occasion=occasion,
    )
    text.introduction = introduction.strip()
    text.summary = summary.strip()
    return save_edited(text, actor)


@transaction.atomic
def document_texts_save(
    *, actor, unit, occasion, document: str, values: dict[str, str], versions: dict[str, int]
) -> None:
    """Store the free-text sections of a unit's document at an occasion;
    `versions` are the versions the user opened (0 for none)."""
    access.require(actor, access.Action.WRITE, unit)
    for section, text in values.items():
        if len(text) > MAX_CHARS:
            raise ValidationError(
                {
                    section: _("Texten är %(n)d tecken lång; högst %(max)d får plats.")
                    % {"n": len(text), "max": MAX_CHARS}
                }
            )
        # A section removed while the user wrote is simply stored anew.
        row = lock_for_edit(
            DocumentText,
            versions.get(section, 0),
            stale=StaleText,
            unit=unit,
            occasion=occasion,
            document=document,
            section=section,
        )
        # Nothing to store: an empty new section, or an unchanged one.
        if row.text == text.strip():
            continue
        row.text = text.strip()
        save_edited(row, actor)
