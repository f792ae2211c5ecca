"""Saving the editable texts of a document (ReportText)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from styrhjul.audit import set_actor
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access
from styrhjul.organisation.models import User
from styrhjul.planning.models import Plan

from .models import ReportText

MAX_CHARS = 20_000


class StaleText(Exception):
    def __init__(self, current: ReportText):
        super().__init__(_("Någon annan har sparat texterna medan du skrev."))
        self.current = current


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
    text = ReportText.objects.select_for_update().filter(plan=plan, occasion=occasion).first()
    if text is None:
        if version:
            raise ValidationError(_("Texterna finns inte längre. Ladda om sidan."))
        text = ReportText(plan=plan, occasion=occasion)
    elif text.version != version:
        raise StaleText(text)
    else:
        text.version = version + 1
    text.introduction = introduction.strip()
    text.summary = summary.strip()
    text.updated_by = actor if isinstance(actor, User) else None
    set_actor(text, actor)
    text.save()
    return text


@transaction.atomic
def document_texts_save(
    *, actor, unit, occasion, document: str, values: dict[str, str], versions: dict[str, int]
) -> None:
    """Store the free-text sections of a unit's document at an occasion;
    `versions` are the versions the user opened (0 for none)."""
    from .models import DocumentText

    access.require(actor, access.Action.WRITE, unit)
    for section, text in values.items():
        if len(text) > MAX_CHARS:
            raise ValidationError(
                {
                    section: _("Texten är %(n)d tecken lång; högst %(max)d får plats.")
                    % {"n": len(text), "max": MAX_CHARS}
                }
            )
        row = (
            DocumentText.objects.select_for_update()
            .filter(unit=unit, occasion=occasion, document=document, section=section)
            .first()
        )
        version = versions.get(section, 0)
        if row is None:
            if not text.strip():
                continue
            row = DocumentText(unit=unit, occasion=occasion, document=document, section=section)
        elif row.version != version:
            raise StaleText(row)
        else:
            if row.text == text.strip():
                continue
            row.version = version + 1
        row.text = text.strip()
        row.updated_by = actor if isinstance(actor, User) else None
        set_actor(row, actor)
        row.save()
