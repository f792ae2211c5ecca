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
