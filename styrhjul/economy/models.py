"""The economy: the ledger's accounts, dimensions and objects (ansvar,
verksamhet, projekt), the mapping of ansvar to organisation units, the
report rows of the driftredovisning, utfall per month from SIE files,
budget versions and the record of each import. Amounts are Decimal kronor
with the ledger's sign: revenue negative, costs positive."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from styrhjul.organisation.access import RestrictedQuerySet
from styrhjul.organisation.models import Unit

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class DimensionKind(models.TextChoices):
    ANSVAR = "ansvar", _("Ansvar")
    VERKSAMHET = "verksamhet", _("Verksamhet")
    PROJEKT = "projekt", _("Projekt")
    OTHER = "other", _("Annan")


class Dimension(models.Model):
    """Dimension in the ledger (SIE #DIM): its number in the files and what it
    stands for here. Dimension 1 (kostnadsställe/resultatenhet in SIE) is
    taken as ansvar and dimension 6 as projekt unless set otherwise."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    number = models.PositiveIntegerField(_("nummer"))
    name = models.CharField(_("namn"), max_length=200, blank=True)
    kind = models.CharField(
        _("används som"), max_length=20, choices=DimensionKind.choices, default=DimensionKind.OTHER
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()
    conflict_message = _("Någon annan har ändrat dimensionen medan du skrev.")

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensioner")
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="one_dimension_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class DimensionObject(models.Model):
    """Objekt (SIE #OBJEKT): an ansvar, a verksamhet, a projekt …"""

    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.CASCADE,
        related_name="dimension_objects",
        verbose_name=_("dimension"),
    )
    code = models.CharField(_("kod"), max_length=100)
    name = models.CharField(_("namn"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("objekt")
        verbose_name_plural = _("objekt")
        ordering = ["dimension", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="one_object_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class AnsvarMapping(models.Model):
    """An ansvar belongs to an organisation unit from valid_from to valid_to
    (open when empty). A unit may have several ansvar; an ansvar belongs to
    one unit at a time."""

    ansvar = models.ForeignKey(
        DimensionObject, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("ansvar")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ansvar_mappings", verbose_name=_("enhet")
    )
    valid_from = models.DateField(_("giltig från"))
    valid_to = models.DateField(_("giltig till"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    access_unit_lookup = "unit"

    class Meta:
        verbose_name = _("koppling av ansvar")
        verbose_name_plural = _("kopplingar av ansvar")
        ordering = ["ansvar__code", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="ansvar_mapping_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ansvar} → {self.unit}"

    @property
    def access_unit(self) -> Unit:
        return self.unit

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Account(models.Model):
    """Konto in the organisation's chart of accounts, as the ledger names it."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    number = models.CharField(_("konto"), max_length=20)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    kind = models.CharField(_("kontotyp"), max_length=1, blank=True)  # SIE #KTYP T/S/K/I

    class Meta:
        verbose_name = _("konto")
        verbose_name_plural = _("konton")
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="one_account_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class ReportRow(models.Model):
    """A row of the driftredovisning (verksamhetens intäkter,
    personalkostnader …): the accounts in its ranges, or (`is_total`) the
    sum of the rows above it that are not totals (nettokostnad)."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    name = models.CharField(_("namn"), max_length=200)
    is_total = models.BooleanField(_("summarad rad"), default=False)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()
    conflict_message = _("Någon annan har ändrat raden medan du skrev.")

    class Meta:
        verbose_name = _("rad i driftredovisningen")
        verbose_name_plural = _("rader i driftredovisningen")
        ordering = ["organisation", "order"]

    def __str__(self) -> str:
        return self.name


class AccountRange(models.Model):
    """The accounts first…last (as numbers of the same length, compared as
    text, so 5000–5999 also takes 50000–59999) belong to a report row."""

    row = models.ForeignKey(
        ReportRow, on_delete=models.CASCADE, related_name="ranges", verbose_name=_("rad")
    )
    first = models.CharField(_("från konto"), max_length=20)
    last = models.CharField(_("till konto"), max_length=20)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontointervall")
        verbose_name_plural = _("kontointervall")
        ordering = ["row", "first"]

    def __str__(self) -> str:
        return f"{self.first}–{self.last}"

    def contains(self, account: str) -> bool:
        width = len(self.first)
        return self.first <= account[:width] <= self.last[:width]


class SieImport(models.Model):
    """One imported SIE file: what it was, who imported it and what it did.
    The same file (by its SHA-256) is imported once per organisation."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    file_hash = models.CharField(_("kontrollsumma"), max_length=64)
    filename = models.CharField(_("filnamn"), max_length=255, blank=True)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    company_name = models.CharField(_("företagsnamn"), max_length=200, blank=True)
    program = models.CharField(_("program"), max_length=200, blank=True)
    sie_type = models.PositiveSmallIntegerField(_("SIE-typ"), null=True, blank=True)
    first_period = models.DateField(_("första period"), null=True, blank=True)
    last_period = models.DateField(_("sista period"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("importerad"), auto_now_add=True)
    summary = models.JSONField(_("sammanfattning"), default=dict, blank=True)

    class Meta:
        verbose_name = _("SIE-import")
        verbose_name_plural = _("SIE-importer")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_hash"], name="one_import_per_file"
            )
        ]

    def __str__(self) -> str:
        return self.filename or self.file_hash[:12]


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Importeras")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class SieUpload(models.Model):
    """A SIE file uploaded on the import page, imported in the background
    (economy.tasks): the file until it is imported, the status, and then
    what the import said (its summary, or every error in the file)."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    filename = models.CharField(_("filnamn"), max_length=255, blank=True)
    data = models.BinaryField(_("fil"), null=True, blank=True, editable=False)
    dry_run = models.BooleanField(_("kontrollera bara"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    message = models.TextField(_("meddelande"), blank=True)
    errors = models.JSONField(_("fel i filen"), default=list, blank=True)
    summary = models.JSONField(_("sammanfattning"), default=dict, blank=True)
    already_imported = models.BooleanField(_("redan importerad"), default=False)
    record = models.ForeignKey(
        SieImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    # The framework task that imports it (core.tasks); empty until enqueued.
    task_id = models.CharField(max_length=36, blank=True, editable=False)

    class Meta:
        verbose_name = _("uppladdad SIE-fil")
        verbose_name_plural = _("uppladdade SIE-filer")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.filename or str(self.pk)

    @property
    def is_active(self) -> bool:
        return self.status in (UploadStatus.QUEUED, UploadStatus.RUNNING)


class Utfall(models.Model):
    """One #PSALDO: the amount booked in a month on an account and a
    combination of objects (`object_key`, e.g. "1:100 6:P1"; empty for none).
    `ansvar` is the row's object in the ansvar dimension; `in_ansvar_sum`
    marks the rows whose sum per ansvar is the ansvar's utfall (see
    sie.TOTAL and sie.CELLS)."""

    # No index of their own for organisation and ansvar: the indexes on
    # (organisation, period) and (ansvar, period) serve them, and every
    # index costs time when a million rows are imported.
    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source = models.ForeignKey(SieImport, on_delete=models.PROTECT, related_name="utfall")
    year_start = models.DateField()
    period = models.DateField()  # the first day of the month
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    object_key = models.CharField(max_length=200, blank=True)
    ansvar = models.ForeignKey(
        DimensionObject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    in_ansvar_sum = models.BooleanField(default=False)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")
        indexes = [
            # year_start last: which months the ledger has, and in which
            # fiscal year, is read from the index alone (queries.ledger_months).
            models.Index(fields=["organisation", "period", "year_start"]),
            models.Index(fields=["ansvar", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.object_key} {self.amount}".replace("  ", " ")


class YearBalance(models.Model):
    """#IB, #UB, #RES (and #OIB/#OUB with objects) for a fiscal year."""

    class Kind(models.TextChoices):
        IB = "IB", _("Ingående balans")
        UB = "UB", _("Utgående balans")
        RES = "RES", _("Resultat")
        OIB = "OIB", _("Ingående balans per objekt")
        OUB = "OUB", _("Utgående balans per objekt")

    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(SieImport, on_delete=models.PROTECT, related_name="year_balances")
    year_start = models.DateField()
    year_end = models.DateField()
    kind = models.CharField(max_length=3, choices=Kind.choices)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    object_key = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["organisation", "year_start"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.year_start:%Y} {self.amount}"


class BudgetKind(models.TextChoices):
    RAMBUDGET = "rambudget", _("Rambudget")
    FASTSTALLD = "faststalld", _("Fastställd budget")
    OMFORDELNING = "omfordelning", _("Omfördelning")
    IMPORTED = "imported", _("Budget från ekonomisystemet")


class BudgetVersion(models.Model):
    """A version of a fiscal year's budget. Versions are never changed: a
    reallocation is a new version with its decision date, who decided and
    why; the latest version is the budget in force."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year_start = models.DateField(_("räkenskapsåret börjar"))
    kind = models.CharField(_("slag"), max_length=20, choices=BudgetKind.choices)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decided_by = models.CharField(_("beslutad av"), max_length=200, blank=True)
    reason = models.TextField(_("motivering"), blank=True)
    source = models.ForeignKey(
        SieImport, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # For a budget from the ledger: a fingerprint of its lines
    # (importing.content_hash), so that the same budget again is known
    # without reading the stored lines.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("budgetversion")
        verbose_name_plural = _("budgetversioner")
        ordering = ["organisation", "year_start", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year_start:%Y}"


class Budget(models.Model):
    """One budget amount of a version: a month, an account (or a report row
    when budgeted per row) and an ansvar (empty: not on an ansvar)."""

    # Indexed by (version, ansvar) below.
    version = models.ForeignKey(
        BudgetVersion, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    period = models.DateField()
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    row = models.ForeignKey(
        ReportRow, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_key = models.CharField(max_length=200, blank=True)
    ansvar = models.ForeignKey(
        DimensionObject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_ansvar_sum = models.BooleanField(default=False)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["version", "ansvar"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(row__isnull=False),
                name="budget_on_account_or_row",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.amount}"


class PensionCommitment(models.Model):
    """Ansvarsförbindelsen for pensions earned before 1998 (with löneskatt)
    at the end of a fiscal year: reported outside the balance sheet, so the
    ledger does not carry it and it is entered here, once a year. Used for
    soliditet including all pension commitments (economy.ratios)."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year_start = models.DateField(_("räkenskapsåret börjar"))
    amount = models.DecimalField(
        _("ansvarsförbindelse för pensioner intjänade före 1998, inklusive löneskatt (kr)"),
        **AMOUNT,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    conflict_message = _("Någon annan har ändrat ansvarsförbindelsen medan du skrev.")

    class Meta:
        verbose_name = _("ansvarsförbindelse för pensioner")
        verbose_name_plural = _("ansvarsförbindelser för pensioner")
        ordering = ["organisation", "year_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year_start"], name="one_pension_commitment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_start:%Y} {self.amount}"


class InvestmentRow(models.Model):
    """A row of the investeringsredovisning (investeringsutgifter,
    investeringsinkomster): the accounts in its ranges, booked on a projekt.
    `is_income` rows are shown with the sign turned (income positive)."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    name = models.CharField(_("namn"), max_length=200)
    is_income = models.BooleanField(_("inkomster"), default=False)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()
    conflict_message = _("Någon annan har ändrat raden medan du skrev.")

    class Meta:
        verbose_name = _("rad i investeringsredovisningen")
        verbose_name_plural = _("rader i investeringsredovisningen")
        ordering = ["organisation", "order"]

    def __str__(self) -> str:
        return self.name


class InvestmentAccountRange(models.Model):
    """The accounts first…last (compared on their leading digits, as
    AccountRange) belong to an investment row."""

    row = models.ForeignKey(
        InvestmentRow, on_delete=models.CASCADE, related_name="ranges", verbose_name=_("rad")
    )
    first = models.CharField(_("från konto"), max_length=20)
    last = models.CharField(_("till konto"), max_length=20)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontointervall för investeringar")
        verbose_name_plural = _("kontointervall för investeringar")
        ordering = ["row", "first"]

    def __str__(self) -> str:
        return f"{self.first}–{self.last}"

    def contains(self, account: str) -> bool:
        width = len(self.first)
        return self.first <= account[:width] <= self.last[:width]


class Voucher(models.Model):
    """A verifikation (SIE #VER) from an imported file: series, number, date
    and text. Its `period` is the month of its date; a newer export of the
    same months replaces the months' vouchers, as it replaces their utfall."""

    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(SieImport, on_delete=models.PROTECT, related_name="vouchers")
    year_start = models.DateField()
    period = models.DateField()  # the first day of the month of `date`
    series = models.CharField(_("serie"), max_length=20, blank=True)
    number = models.CharField(_("verifikationsnummer"), max_length=40, blank=True)
    date = models.DateField(_("datum"))
    text = models.CharField(_("text"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("verifikation")
        verbose_name_plural = _("verifikationer")
        ordering = ["date", "series", "pk"]
        indexes = [models.Index(fields=["organisation", "period"])]

    def __str__(self) -> str:
        return f"{self.series} {self.number} {self.date:%Y-%m-%d}".strip()


class VoucherLine(models.Model):
    """A transaction of a voucher (SIE #TRANS): account, objects (and the
    ansvar among them), amount with the ledger's sign, and text."""

    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    object_key = models.CharField(max_length=200, blank=True)
    ansvar = models.ForeignKey(
        DimensionObject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(**AMOUNT)
    date = models.DateField(null=True, blank=True)  # the transaction's own date, if given
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["voucher", "pk"]
        indexes = [models.Index(fields=["account", "ansvar"])]

    def __str__(self) -> str:
        return f"{self.object_key} {self.amount}".strip()


class UtfallByRow(models.Model):
    """Utfall summed per ansvar, month and row of the driftredovisning: the
    rows of Utfall with `in_ansvar_sum` on an ansvar, each counted on the
    first report row whose account ranges hold its account. Kept by
    economy.rowsums when utfall is imported and when the rows' ranges
    change, so that the economy pages add up a few rows per ansvar and month
    instead of every account's."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year_start = models.DateField()
    period = models.DateField()
    ansvar = models.ForeignKey(
        DimensionObject, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    row = models.ForeignKey(ReportRow, on_delete=models.CASCADE, related_name="+", db_index=False)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["organisation", "period", "ansvar"])]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.amount}"


class BudgetByRow(models.Model):
    """A budget version's lines summed per ansvar, month and report row (a
    line on an account counted on its account's row, a line on a row on its
    row), as UtfallByRow. Kept by economy.rowsums."""

    version = models.ForeignKey(
        BudgetVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period = models.DateField()
    ansvar = models.ForeignKey(
        DimensionObject, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    row = models.ForeignKey(ReportRow, on_delete=models.CASCADE, related_name="+", db_index=False)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["version", "period", "ansvar"])]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.amount}"


class InvestmentBudget(models.Model):
    """Investeringsbudget: a projekt's budget for a fiscal year entered in
    Styrhjul (kronor, utgifter positive) by those who manage the economy.
    For that projekt and year it takes the place of the ledger's #PBUDGET in
    the investeringsredovisning (investments.investment_report), spread
    evenly over the months."""

    organisation = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year_start = models.DateField(_("räkenskapsåret börjar"))
    projekt = models.ForeignKey(
        DimensionObject, on_delete=models.PROTECT, related_name="+", verbose_name=_("projekt")
    )
    amount = models.DecimalField(_("budget för året (kr)"), **AMOUNT)
    note = models.TextField(_("kommentar"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    conflict_message = _("Någon annan har ändrat investeringsbudgeten medan du skrev.")

    class Meta:
        verbose_name = _("investeringsbudget")
        verbose_name_plural = _("investeringsbudgetar")
        ordering = ["organisation", "year_start", "projekt__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year_start", "projekt"],
                name="one_investment_budget_per_projekt_and_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.projekt} {self.year_start:%Y} {self.amount}"
