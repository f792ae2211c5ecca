"""Texts written for a document: the introduction and summary of a plan's
internkontrollrapport at an occasion. Empty means the generated text.

The texts a unit writes for its delårsrapport, årsredovisning or
Månadsrapport (förord, sammanfattning, own sections) are follow-up's
(followup.models.DocumentText): units write them in their task."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.core.models import EditedText
from styrhjul.followup.models import DocumentText as DocumentText  # read by the documents
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Plan


class ReportText(EditedText):
    """Inledning and sammanfattning of the internkontrollrapport for one plan
    and occasion, as the committee wants them worded. Paragraphs are
    separated by a blank line."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har sparat texterna medan du skrev.")

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


_BULLET = re.compile(r"^[-•*–]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (text) or a simple list (items) of a written text."""

    text: str = ""
    items: tuple[str, ...] = ()
    ordered: bool = False  # a numbered list
    start: int = 1  # the first number of a numbered list

    @property
    def is_list(self) -> bool:
        return bool(self.items)

    @property
    def lines(self) -> list[str]:
        """As plain lines: the paragraph, or one line per item with its
        bullet or number ("• Attest", "2. Upphandling")."""
        if not self.items:
            return [self.text]
        if self.ordered:
            return [f"{self.start + i}. {item}" for i, item in enumerate(self.items)]
        return [f"• {item}" for item in self.items]

    def __str__(self) -> str:
        return "\n".join(self.lines)


def text_blocks(text: str) -> list[TextBlock]:
    """A text written in a textarea as paragraphs and simple lists: lines
    starting with "- " or "• " are bullet items, lines starting with "1. "
    (or "1) ") numbered items, one list as long as the items follow each
    other; an indented line continues the item above it. Other lines are
    paragraphs as in `paragraphs()`: separated by blank lines, single line
    breaks read as spaces. One function for every document that prints
    written texts (PDF, Word and Excel)."""
    result: list[TextBlock] = []
    for block in _blocks(text):
        current: list = []  # the lines of a paragraph, or a list's items
        kind = None  # None: nothing read, "p": a paragraph, "-" or "1": a list
        start = 1
        for raw in [*block.splitlines(), None]:
            line = raw.strip() if raw is not None else ""
            bullet, number = _BULLET.match(line), _NUMBER.match(line)
            if kind in ("-", "1") and raw and raw[:1].isspace() and not (bullet or number):
                current[-1] = f"{current[-1]} {line}"  # continues the item
                continue
            wanted = "1" if number else "-" if bullet else "p" if line else None
            if raw is None or (wanted != kind and (wanted is not None or kind != "p")):
                if kind == "p" and current:
                    result.append(TextBlock(text=" ".join(current)))
                elif kind in ("-", "1"):
                    result.append(TextBlock(items=tuple(current), ordered=kind == "1", start=start))
                current, kind = [], wanted
                start = int(number.group(1)) if number else 1
            if number or bullet:
                current.append((number or bullet).groups()[-1].strip())
            elif line:
                current.append(line)
    return result


def plain_blocks(texts) -> list[TextBlock]:
    """Paragraphs already split (e.g. a generated text) as blocks."""
    return [TextBlock(text=t) for t in texts if t]


def _blocks(text: str) -> list[str]:
    return re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Skapas")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class DocumentJob(models.Model):
    """A document being made or made: what was asked for, by whom, its
    progress, and the finished file with the time the data was read."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="document_jobs", verbose_name=_("enhet")
    )
    occasion = models.ForeignKey(
        FollowUpOccasion,
        on_delete=models.CASCADE,
        related_name="document_jobs",
        verbose_name=_("uppföljning"),
    )
    document = models.CharField(_("dokument"), max_length=30)
    fmt = models.CharField(_("format"), max_length=10)
    options = models.JSONField(_("val"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0)
    message = models.TextField(_("meddelande"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    requested_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    read_at = models.DateTimeField(_("underlaget läst"), null=True, blank=True)
    title = models.CharField(_("titel"), max_length=300, blank=True)
    filename = models.CharField(_("filnamn"), max_length=200, blank=True)
    data = models.BinaryField(_("fil"), null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("storlek"), default=0)
    # The framework task that makes it (core.tasks); empty until enqueued.
    task_id = models.CharField(_("bakgrundsuppgift"), max_length=36, blank=True, editable=False)
    # Retention (documents.retention): when the file was first downloaded,
    # and `keep`, set by what must outlive the rule (a published document).
    downloaded_at = models.DateTimeField(_("först nedladdad"), null=True, blank=True)
    keep = models.BooleanField(
        _("sparas"),
        default=False,
        help_text=_("Filen tas aldrig bort av gallringen (t.ex. ett publicerat dokument)."),
    )

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["unit", "occasion", "-requested_at"])]

    def __str__(self) -> str:
        return self.title or f"{self.document} ({self.fmt})"

    @property
    def access_unit(self) -> Unit:
        return self.unit

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class DocumentSettings(EditedText):
    """Dokumentinställningar of one organisation (root unit): the logo,
    colours and typefaces of all its documents, and per delårsrapport and
    årsredovisning the sections, their order and headings, the parts of the
    goals shown and the goal levels and plan types covered (see layout.py)."""

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har sparat dokumentinställningarna medan du ändrade dem.")

    organisation = models.OneToOneField(
        Unit,
        on_delete=models.CASCADE,
        related_name="document_settings",
        verbose_name=_("organisation"),
    )
    logo = models.BinaryField(_("logotyp"), null=True, blank=True, editable=False)
    logo_type = models.CharField(_("logotypens filtyp"), max_length=30, blank=True)
    logo_name = models.CharField(_("logotypens filnamn"), max_length=200, blank=True)
    heading_colour = models.CharField(_("rubrikfärg"), max_length=7, default="#111111")
    table_colour = models.CharField(_("tabellhuvudets färg"), max_length=7, default="#e8edf2")
    font = models.CharField(_("typsnitt"), max_length=100, blank=True)
    heading_font = models.CharField(_("typsnitt för rubriker"), max_length=100, blank=True)
    contents = models.JSONField(_("innehåll"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["logo"])

    class Meta:
        verbose_name = _("dokumentinställningar")
        verbose_name_plural = _("dokumentinställningar")

    def __str__(self) -> str:
        return f"Dokumentinställningar för {self.organisation}"

    @property
    def access_unit(self) -> Unit:
        return self.organisation
