"""Publishing (publicering): a follow-up occasion's results frozen as they
were reported when a model owner published them (Snapshot, with a row per
unit and item and a copy of the documents built for the occasion), and each
organisation's choice of licence for the open data read from them.

A snapshot holds copies, never references to what may change: the unit's
and the item's names, the scale values' labels, symbols and colours, the
texts and values, the documents' bytes. Later edits, renamed scale values
and deleted documents leave it as it was published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.core.models import BackgroundJob, EditedText
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation.models import Unit


class Licence(models.TextChoices):
    """The licences an organisation may choose for its open data."""

    CC0 = "CC0-1.0", _("CC0 1.0 (allmän egendom, inga villkor)")
    CC_BY = "CC-BY-4.0", _("CC BY 4.0 (ange källa)")


LICENCE_URLS = {
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.sv",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.sv",
}


class PublicationSettings(EditedText):
    """Publiceringsinställningar of one organisation (root unit): the licence
    of its open data (a snapshot keeps the licence it was published with) and
    whether its public page (offentlig sida) is shown."""

    conflict_message = _("Någon annan har sparat publiceringsinställningarna medan du ändrade dem.")

    organisation = models.OneToOneField(
        Unit,
        on_delete=models.CASCADE,
        related_name="publication_settings",
        verbose_name=_("organisation"),
    )
    licence = models.CharField(
        _("licens för öppna data"), max_length=20, choices=Licence.choices, default=Licence.CC0
    )
    public_page = models.BooleanField(
        _("offentlig sida"),
        default=False,
        help_text=_(
            "Visa en sida utan inloggning med visionen, målen per perspektiv med publicerade "
            "bedömningar och analyser, och de publicerade dokumenten."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publiceringsinställningar")
        verbose_name_plural = _("publiceringsinställningar")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def access_unit(self) -> Unit:
        return self.organisation


class Snapshot(models.Model):
    """Publicerad uppföljning (a snapshot): what the units reported at an occasion,
    frozen when a model owner published it, with who and when. Everything
    in it is public (open data, no login)."""

    occasion = models.ForeignKey(
        FollowUpOccasion,
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("uppföljningstillfälle"),
    )
    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("organisation")
    )
    title = models.CharField(_("rubrik"), max_length=300)
    organisation_name = models.CharField(_("organisationens namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=10)
    year = models.PositiveIntegerField(_("år"))
    period_end = models.DateField(_("avser perioden till och med"))
    published_at = models.DateTimeField(_("publicerad"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("publicerad av"),
    )
    published_by_name = models.CharField(_("publicerad av"), max_length=200)
    licence = models.CharField(_("licens"), max_length=20, choices=Licence.choices)
    # The background job that published it (public/publishing.py), if one
    # did: one snapshot per job, however often its task runs.
    job = models.OneToOneField(
        BackgroundJob,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("bakgrundsjobb"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publicerad uppföljning")
        verbose_name_plural = _("publicerade uppföljningar")
        ordering = ["-period_end", "-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d})"

    @property
    def access_unit(self) -> Unit:
        return self.organisation

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")


class SnapshotRow(models.Model):
    """One item one unit reported on, as it stood when the snapshot was
    published. Written once with its snapshot and never changed: its
    history is the snapshot's."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_name = models.CharField(_("enhet"), max_length=200)
    unit_code = models.CharField(_("enhetskod"), max_length=50, blank=True)
    # The item's series (planning.Item.series): the same across the year
    # copies of an item, so snapshots of different years compare item by item.
    item_key = models.UUIDField(_("postens id"), db_index=True)
    item_id_then = models.PositiveBigIntegerField(_("postens nummer i Styrhjul"))
    order = models.PositiveIntegerField(default=0)
    plan_type = models.CharField(_("plantyp"), max_length=200)
    kind = models.CharField(_("posttyp"), max_length=20)
    number = models.CharField(_("nr"), max_length=20, blank=True)
    title = models.CharField(_("rubrik"), max_length=500)
    perspective = models.CharField(_("perspektiv"), max_length=200, blank=True)
    level = models.CharField(_("nivå"), max_length=200, blank=True)
    state = models.CharField(_("rapporteringsstatus"), max_length=20)
    status_label = models.CharField(_("status"), max_length=100, blank=True)
    status_symbol = models.CharField(max_length=8, blank=True)
    status_colour = models.CharField(max_length=7, blank=True)
    assessment_label = models.CharField(_("bedömning"), max_length=100, blank=True)
    assessment_symbol = models.CharField(max_length=8, blank=True)
    assessment_colour = models.CharField(max_length=7, blank=True)
    completion = models.PositiveSmallIntegerField(_("färdighetsgrad (%)"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    analysis = models.TextField(_("analys"), blank=True)
    measures = models.TextField(_("åtgärder"), blank=True)
    measure_unit = models.CharField(_("måttenhet"), max_length=50, blank=True)
    period = models.CharField(_("period"), max_length=20, blank=True)
    value = models.DecimalField(_("utfall"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_women = models.DecimalField(
        _("utfall kvinnor"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_men = models.DecimalField(
        _("utfall män"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_note = models.CharField(_("kommentar till värdet"), max_length=300, blank=True)
    target_year = models.PositiveIntegerField(_("målår"), null=True, blank=True)
    target_value = models.DecimalField(
        _("målvärde"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The facts of the indicator's chart as they stood at publishing (public/
    # charts.py: the values per year, the targets, the baseline, the
    # comparisons), and the charts drawn from them then, for the indicators
    # the public page shows; empty for the others.
    chart = models.JSONField(_("diagrammets värden"), default=dict, blank=True)
    trend_svg = models.TextField(_("diagram"), blank=True, editable=False)
    gender_svg = models.TextField(_("diagram kvinnor och män"), blank=True, editable=False)

    class Meta:
        verbose_name = _("publicerad rad")
        verbose_name_plural = _("publicerade rader")
        ordering = ["snapshot", "unit_name", "order", "pk"]
        indexes = [models.Index(fields=["snapshot", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_name}: {self.title}"

    @property
    def access_unit(self) -> Unit:
        return self.snapshot.organisation


class SnapshotDocument(models.Model):
    """A document built for the occasion (documents.DocumentJob), copied into
    the snapshot so that deleting or rebuilding it leaves the snapshot whole."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="documents")
    unit_name = models.CharField(_("enhet"), max_length=200)
    title = models.CharField(_("titel"), max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    fmt = models.CharField(_("format"), max_length=10)
    data = models.BinaryField(_("fil"), editable=False)
    size = models.PositiveIntegerField(_("storlek"), default=0)
    built_at = models.DateTimeField(_("byggd"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("publicerat dokument")
        verbose_name_plural = _("publicerade dokument")
        ordering = ["unit_name", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def access_unit(self) -> Unit:
        return self.snapshot.organisation


class Compliance(models.TextChoices):
    """How far the service meets the accessibility requirements (lagen om
    tillgänglighet till digital offentlig service, WCAG 2.1 AA), as the
    organisation has assessed it."""

    FULL = "full", _("Helt förenlig med kraven")
    PARTIAL = "partial", _("Delvis förenlig med kraven")
    NONE = "none", _("Inte förenlig med kraven")


class AccessibilityStatement(EditedText):
    """The tillgänglighetsredogörelse of this installation: one row, written
    by a system administrator and shown to everyone, without a login, from
    the foot of every page (docs/tillganglighet.md). What the product itself
    does for accessibility is in the page's template; this holds what only
    the organisation running it can say."""

    SINGLETON = 1
    conflict_message = _("Någon annan har sparat tillgänglighetsredogörelsen medan du ändrade den.")

    publisher = models.CharField(
        _("ansvarig för tjänsten"),
        max_length=200,
        blank=True,
        help_text=_("Den myndighet som står bakom tjänsten. Tomt: organisationens namn."),
    )
    compliance = models.CharField(
        _("bedömning"), max_length=10, choices=Compliance.choices, blank=True
    )
    known_issues = models.TextField(
        _("kända brister"),
        blank=True,
        help_text=_(
            "Det som inte uppfyller kraven och varför, till exempel bifogade filer som inte är "
            "tillgängliga. En brist per stycke."
        ),
    )
    contact = models.TextField(
        _("kontakt"),
        help_text=_(
            "E-postadress eller telefon dit man rapporterar brister och ber om innehåll i ett "
            "annat format."
        ),
    )
    assessed_on = models.DateField(_("senast bedömd"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tillgänglighetsredogörelse")
        verbose_name_plural = _("tillgänglighetsredogörelser")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
