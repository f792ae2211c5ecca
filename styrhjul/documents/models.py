"""Texts written for a document: the introduction and summary of a plan's
internkontrollrapport at an occasion. Empty means the generated text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Plan


class ReportText(models.Model):
    """Inledning and sammanfattning of the internkontrollrapport for one plan
    and occasion, as the committee wants them worded. Paragraphs are
    separated by a blank line."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="report_texts", verbose_name=_("plan")
    )
    occasion = models.ForeignKey(
        FollowUpOccasion,
        on_delete=models.CASCADE,
        related_name="report_texts",
        verbose_name=_("uppföljning"),
    )
    introduction = models.TextField(_("inledning"), blank=True)
    summary = models.TextField(_("sammanfattning"), blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rapporttext")
        verbose_name_plural = _("rapporttexter")
        constraints = [models.UniqueConstraint(fields=["plan", "occasion"], name="one_report_text")]

    def __str__(self) -> str:
        return f"{self.plan} – {self.occasion}"

    @property
    def access_unit(self) -> Unit:
        return self.plan.unit


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text written in a textarea: separated by blank lines,
    single line breaks inside a paragraph read as spaces."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in _blocks(text)]
    return [b.strip() for b in blocks if b.strip()]


def _blocks(text: str) -> list[str]:
    import re

    return re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
