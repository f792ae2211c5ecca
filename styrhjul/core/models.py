"""Pieces shared by the domain models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditedText(models.Model):
    """Something people write and save again (a report, a follow-up of a
    measure, a document's text): when and by whom it was last saved, and a
    version that refuses a save made on top of someone else's."""

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

    class Meta:
        abstract = True


class WorkerBeat(models.Model):
    """A running `styrhjul worker` reporting in (hjärtslag): it writes
    `seen_at` every few seconds, also while it works on a long task, so
    that a task whose worker has fallen silent can be told from one that is
    merely long (core.tasks), and /readyz knows a worker is there."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("arbetare")
        verbose_name_plural = _("arbetare")

    def __str__(self) -> str:
        return self.worker_id


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class BackgroundJob(models.Model):
    """Bakgrundsjobb: bulk work a person started that a worker does (opening
    an occasion, …), as the person sees it: what (`kind`) on which row
    (`subject_id`, of the app that owns the kind), its status and progress,
    and when done what came of it (`message`). The framework's own task is
    `task_id` (core.tasks). Documents have their own record (DocumentJob)."""

    kind = models.CharField(_("slag"), max_length=40)
    subject_id = models.PositiveIntegerField(_("gäller"))
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0)
    message = models.TextField(_("meddelande"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("startat av"),
    )
    requested_at = models.DateTimeField(_("startat"), auto_now_add=True)
    started_at = models.DateTimeField(_("påbörjat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klart"), null=True, blank=True)
    task_id = models.CharField(_("bakgrundsuppgift"), max_length=36, blank=True, editable=False)

    class Meta:
        verbose_name = _("bakgrundsjobb")
        verbose_name_plural = _("bakgrundsjobb")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["kind", "subject_id", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id}"

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
