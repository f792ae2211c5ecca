"""The styrmodell. So far the vision; perspectives, goal levels, plan types
and scales follow."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.organisation.models import Unit


class Vision(models.Model):
    """Vision: the organisation's long-term picture of itself, with a horizon
    year (e.g. "Sjöbacka 2035")."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="visions", verbose_name=_("organisation")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("visionstext"))
    horizon_year = models.PositiveIntegerField(_("målår"))
    valid_from_year = models.PositiveIntegerField(_("gäller från år"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vision")
        verbose_name_plural = _("visioner")
        ordering = ["-valid_from_year"]

    def __str__(self) -> str:
        return self.title

    @property
    def access_unit(self) -> Unit:
        return self.unit
