"""The organisation: unit types, the tree of units with validity, people and
the roles they are granted on units."""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.fields import TreeNodeForeignKey
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet


class StyrhjulUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Log in with user name or e-mail address, case-insensitively.
        return self.get(Q(username__iexact=username) | Q(email__iexact=username))


class User(AbstractUser):
    """Användare: a person who logs in, locally or through OpenID Connect."""

    email = models.EmailField(_("e-postadress"), blank=True, db_index=True)
    title = models.CharField(_("befattning"), max_length=200, blank=True)
    # The generation of the user's secret calendar addresses: renewing them
    # (followup.feeds) counts it up, and the earlier addresses stop working.
    calendar_key = models.PositiveIntegerField(default=0, editable=False)

    objects = StyrhjulUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login", "calendar_key"])

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.email:
            clash = User.objects.filter(email__iexact=self.email).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"email": _("Det finns redan en användare med den e-postadressen.")}
                )


class UnitType(models.Model):
    """Enhetstyp: Kommun, Nämnd, Förvaltning, Avdelning, Enhet, Bolag, …"""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    plural = models.CharField(_("namn i plural"), max_length=100, blank=True)
    order = models.PositiveIntegerField(
        _("ordning"), default=0, help_text=_("Lägre tal står högre upp i organisationen.")
    )
    governing = models.BooleanField(
        _("styr hela organisationen"),
        default=False,
        help_text=_(
            "Enheter av den här typen direkt under organisationen (t.ex. kommunfullmäktige "
            "och kommunstyrelse) styr hela organisationen: alla som har en behörighet i "
            "organisationen läser deras mål och nyckeltal."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enhetstyp")
        verbose_name_plural = _("enhetstyper")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(TreeQuerySet):
    def valid_in_year(self, year: int):
        """Units that existed at some point during the year."""
        return self.filter(valid_from__lte=datetime.date(year, 12, 31)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))
        )

    def valid_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Unit(TreeNode):
    """Organisatorisk enhet: a node of the organisation tree.

    A unit is never deleted once it has been used: a reorganisation closes it
    (valid_to), so that earlier years' plans and reports stay attached to the
    organisation as it was.
    """

    # What a save refused by someone else's (EditConflict) says.
    conflict_message = _("Någon annan har ändrat enheten medan du arbetade.")

    parent = TreeNodeForeignKey(
        "self",
        blank=True,
        null=True,
        on_delete=models.PROTECT,
        verbose_name=_("överordnad enhet"),
        related_name="children",
    )
    name = models.CharField(_("namn"), max_length=200)
    unit_type = models.ForeignKey(
        UnitType, on_delete=models.PROTECT, verbose_name=_("typ"), related_name="units"
    )
    code = models.CharField(
        _("kod"),
        max_length=50,
        unique=True,
        help_text=_("Enhetens kod (ansvar) i ekonomisystemet."),
    )
    valid_from = models.DateField(_("giltig från"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("giltig till"), null=True, blank=True)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=20,
        blank=True,
        help_text=_(
            "Organisationens organisationsnummer (på den översta enheten), t.ex. 212000-1234. "
            "En SIE-fil med ett annat organisationsnummer importeras inte."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = UnitQuerySet.as_manager(with_tree_fields=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_unit(self) -> "Unit":
        return self

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def existed_in(self, year: int) -> bool:
        """Was the unit valid at some point during the year?"""
        return self.valid_from <= datetime.date(year, 12, 31) and (
            self.valid_to is None or self.valid_to >= datetime.date(year, 1, 1)
        )

    def is_closed(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return self.valid_to is not None and self.valid_to < today

    def clean(self):
        super().clean()
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Giltig till kan inte vara före giltig från.")})


class Role(models.TextChoices):
    """Roller. Each is granted on a unit, optionally with its subtree."""

    ADMIN = "admin", _("Systemadministratör")
    MODEL_OWNER = "model_owner", _("Modellägare")
    MANAGER = "manager", _("Chef")
    REPORTER = "reporter", _("Rapportör")
    READER = "reader", _("Läsare")


class RoleGrant(models.Model):
    """Behörighet: a role granted to a user on a unit, and on its subtree when
    includes_subtree is set; by hand, or by a directory group rule (`rule`)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("användare")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="grants", verbose_name=_("enhet")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    includes_subtree = models.BooleanField(_("gäller även underliggande enheter"), default=True)
    # The directory group rule that gave the grant at the user's last login;
    # empty for a grant made by hand. The rules add and remove only their own
    # grants (services.apply_directory_groups).
    rule = models.ForeignKey(
        "DirectoryGroupRule",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("gruppregel"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("behörighet")
        verbose_name_plural = _("behörigheter")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="one_grant_per_role")
        ]

    def __str__(self) -> str:
        scope = _("med underliggande") if self.includes_subtree else _("endast enheten")
        return f"{self.get_role_display()}: {self.unit} ({scope})"

    @property
    def access_unit(self) -> Unit:
        return self.unit


class DirectoryGroupRule(models.Model):
    """Gruppregel: members of a group in the organisation's directory (a value
    of the identity provider's group claim or attribute) are given a role on
    a unit, with or without its subtree, at every login (OpenID Connect or
    SAML). The grants a rule gives are RoleGrants marked with the rule; grants
    made by hand are never touched by the rules."""

    group = models.CharField(
        _("grupp"),
        max_length=255,
        help_text=_(
            "Gruppens värde som identitetsleverantören skickar, t.ex. gruppens namn eller id."
        ),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="directory_rules",
        verbose_name=_("enhet"),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    includes_subtree = models.BooleanField(_("gäller även underliggande enheter"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gruppregel")
        verbose_name_plural = _("gruppregler")
        ordering = ["group", "unit__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "unit", "role"],
                name="one_directory_rule_per_role",
                violation_error_message=_(
                    "Det finns redan en regel som ger gruppen den rollen på enheten."
                ),
            )
        ]

    def __str__(self) -> str:
        scope = _("med underliggande") if self.includes_subtree else _("endast enheten")
        return f"{self.group} → {self.get_role_display()}: {self.unit} ({scope})"

    @property
    def access_unit(self) -> Unit:
        return self.unit
