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
