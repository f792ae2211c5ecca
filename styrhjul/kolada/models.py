"""Kolada data kept locally: KPI definitions, municipalities and regions,
organisational units, values, the organisation's Kolada settings and an
audit of the syncs (docs/kolada.md).

Everything here is written by `sync.sync` only, in one transaction per sync;
the pages read it through `queries.py` and work without a network."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    TOTAL = "T", _("Totalt")
    WOMEN = "K", _("Kvinnor")
    MEN = "M", _("Män")


class KoladaKpi(models.Model):
    """Nyckeltal i Kolada: its definition, as Kolada publishes it."""

    id = models.CharField(_("Kolada-id"), max_length=20, primary_key=True)
    title = models.TextField(_("titel"))
    description = models.TextField(_("beskrivning"), blank=True)
    operating_area = models.TextField(_("verksamhetsområde"), blank=True)
    perspective = models.TextField(_("perspektiv"), blank=True)
    auspice = models.CharField(_("huvudman"), max_length=50, blank=True)
    is_divided_by_gender = models.BooleanField(_("könsuppdelat"), default=False)
    has_ou_data = models.BooleanField(_("har data för enheter"), default=False)
    municipality_type = models.CharField(_("kommuntyp"), max_length=50, blank=True)
    publ_period = models.CharField(_("publiceringsperiod"), max_length=100, blank=True)
    publication_date = models.DateField(_("publiceringsdatum"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("hämtat"))

    class Meta:
        verbose_name = _("Kolada-nyckeltal")
        verbose_name_plural = _("Kolada-nyckeltal")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class KoladaMunicipality(models.Model):
    """Kommun eller region i Kolada ("0000" är Riket)."""

    id = models.CharField(_("kod"), max_length=10, primary_key=True)
    title = models.CharField(_("namn"), max_length=200)
    type = models.CharField(
        _("typ"), max_length=10, blank=True, help_text=_("K = kommun, L = region/län.")
    )

    class Meta:
        verbose_name = _("Kolada-kommun eller -region")
        verbose_name_plural = _("Kolada-kommuner och -regioner")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"


class KoladaOu(models.Model):
    """Organisatorisk enhet i Kolada (t.ex. en skola eller ett äldreboende)."""

    id = models.CharField(_("Kolada-id"), max_length=40, primary_key=True)
    title = models.CharField(_("namn"), max_length=300)
    municipality_id = models.CharField(_("kommunkod"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("Kolada-enhet")
        verbose_name_plural = _("Kolada-enheter")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"


class KoladaValue(models.Model):
    """Ett värde i Kolada: a KPI for a municipality (or one of its
    organisational units) in a year, for women, men or in total.

    `ou_id` is empty for municipality-level values. The unique constraint's
    index (kpi, municipality, ou, period, gender) also serves the pages'
    query: the values of one KPI for a few municipalities, by year."""

    kpi = models.ForeignKey(
        KoladaKpi,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("nyckeltal"),
        # Only the sync writes values, after their KPI in the same
        # transaction, and the unique constraint's index starts with kpi: no
        # per-row constraint check and no extra index to keep up (1 000 000
        # values in under a minute, docs/kolada.md).
        db_constraint=False,
        db_index=False,
    )
    municipality_id = models.CharField(_("kommunkod"), max_length=10)
    ou_id = models.CharField(_("enhet i Kolada"), max_length=40, blank=True, default="")
    period = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices)
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=100, blank=True, default="")
    count = models.IntegerField(_("antal"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kolada-värde")
        verbose_name_plural = _("Kolada-värden")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "municipality_id", "ou_id", "period", "gender"],
                name="kolada_value_unique",
            )
        ]

    def __str__(self) -> str:
        where = self.ou_id or self.municipality_id
        return f"{self.kpi_id} {where} {self.period} {self.gender}: {self.value}"


class KoladaSettings(models.Model):
    """Kolada-inställningar for one organisation (root unit): the own
    municipality and the municipalities and regions to compare with."""

    organisation = models.OneToOneField(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="kolada_settings",
        verbose_name=_("organisation"),
    )
    municipality_id = models.CharField(
        _("egen kommun eller region"), max_length=10, help_text=_("T.ex. 1480.")
    )
    comparison_ids = models.JSONField(
        _("jämförelser"),
        default=list,
        blank=True,
        help_text=_(
            "Kommun- och regionkoder att jämföra med, t.ex. liknande kommuner, "
            "länet (00LL) och Riket (0000)."
        ),
    )
    ou_ids = models.JSONField(
        _("enheter i Kolada"),
        default=list,
        blank=True,
        help_text=_("Kolada-id för egna enheter (skolor, äldreboenden …) att hämta."),
    )
    last_synced_at = models.DateTimeField(_("senast hämtat"), null=True, blank=True)
    last_sync_summary = models.TextField(_("senaste hämtningen"), blank=True)
    synced_scope = models.JSONField(
        _("hämtat omfång"),
        default=dict,
        blank=True,
        help_text=_(
            "Nyckeltal, kommuner, enheter och år som den senaste lyckade "
            "hämtningen omfattade (för stegvis hämtning)."
        ),
    )

    class Meta:
        verbose_name = _("Kolada-inställningar")
        verbose_name_plural = _("Kolada-inställningar")

    def __str__(self) -> str:
        return f"Kolada för {self.organisation}: {self.municipality_id}"

    @property
    def municipality_ids(self) -> list[str]:
        """The own municipality first, then the comparisons, without repeats."""
        return list(dict.fromkeys([self.municipality_id, *self.comparison_ids]))


class KoladaSyncLog(models.Model):
    """En hämtning från Kolada: when, whether it worked, what it did."""

    organisation = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kolada_sync_logs",
        verbose_name=_("organisation"),
    )
    started_at = models.DateTimeField(_("startad"))
    finished_at = models.DateTimeField(_("klar"))
    ok = models.BooleanField(_("lyckades"))
    full = models.BooleanField(_("fullständig"), default=False)
    from_date = models.DateField(_("ändringar sedan"), null=True, blank=True)
    message = models.TextField(_("meddelande"), blank=True)
    counts = models.JSONField(_("antal"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Kolada-hämtning")
        verbose_name_plural = _("Kolada-hämtningar")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        outcome = _("lyckades") if self.ok else _("misslyckades")
        return f"Kolada-hämtning {self.started_at:%Y-%m-%d %H:%M} {outcome}"
