import re

from django import forms
from django.utils.translation import gettext_lazy

from styrhjul.core.importing import MAX_BYTES
from styrhjul.organisation.models import Unit

from .models import BudgetKind, DimensionKind, DimensionObject, ReportRow

# A ledger's SIE export is larger than a workbook: the upload takes five times
# an ordinary import's limit; larger files go through `styrhjul import-sie`.
MAX_SIE_BYTES = 5 * MAX_BYTES


class SieUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("SIE-fil"),
        help_text=gettext_lazy(
            "En SIE-fil (typ 1–4, .se) exporterad från ekonomisystemet, högst 50 MB."
        ),
        error_messages={
            "required": gettext_lazy("Välj en fil att importera."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Kontrollera bara filen, spara ingenting"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIE_BYTES:
            raise forms.ValidationError(
                gettext_lazy(
                    "Filen är för stor (högst 50 MB). "
                    "Importera den med kommandot styrhjul import-sie."
                )
            )
        return upload


class MappingForm(forms.Form):
    ansvar = forms.ModelChoiceField(
        label=gettext_lazy("Ansvar"),
        queryset=DimensionObject.objects.none(),
        error_messages={"required": gettext_lazy("Välj ett ansvar.")},
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Enhet"),
        queryset=Unit.objects.none(),
        error_messages={"required": gettext_lazy("Välj en enhet.")},
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Giltig från"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Ange från vilket datum ansvaret hör till enheten."),
            "invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    valid_to = forms.DateField(
        label=gettext_lazy("Giltig till"),
        required=False,
        help_text=gettext_lazy("Lämna tomt om kopplingen gäller tills vidare."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")},
    )

    def __init__(self, *args, ansvar_queryset, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ansvar"].queryset = ansvar_queryset
        self.fields["unit"].queryset = unit_queryset
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} ({u.code})"


# --- Budget ----------------------------------------------------------------------

DATE_ERRORS = {"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")}


def _date_field(label, required=False, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
        **kwargs,
    )


class DecisionFields(forms.Form):
    """Decision date, who decided and why: required for an omfördelning."""

    decided_on = _date_field(gettext_lazy("Beslutsdatum"))
    decided_by = forms.CharField(
        label=gettext_lazy("Beslutad av"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Till exempel Kommunfullmäktige eller Socialnämnden."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def require_decision(self, cleaned: dict) -> None:
        for name, message in (
            ("decided_on", gettext_lazy("Ange beslutsdatum för omfördelningen.")),
            ("decided_by", gettext_lazy("Ange vem som beslutade omfördelningen.")),
            ("reason", gettext_lazy("Ange varför budgeten omfördelas.")),
        ):
            if name in cleaned and not cleaned.get(name):
                self.add_error(name, message)


class BudgetUploadForm(DecisionFields):
    file = forms.FileField(
        label=gettext_lazy("Budgetfil"),
        help_text=gettext_lazy("Budgetmallen ifylld, som Excel-arbetsbok (.xlsx), högst 10 MB."),
        error_messages={
            "required": gettext_lazy("Välj en fil att importera."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )
    year = forms.ChoiceField(
        label=gettext_lazy("Räkenskapsår"),
        error_messages={"invalid_choice": gettext_lazy("Välj ett räkenskapsår.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Slag av budget"),
        choices=[
            (BudgetKind.RAMBUDGET.value, BudgetKind.RAMBUDGET.label),
            (BudgetKind.FASTSTALLD.value, BudgetKind.FASTSTALLD.label),
            (BudgetKind.OMFORDELNING.value, BudgetKind.OMFORDELNING.label),
        ],
        error_messages={"required": gettext_lazy("Välj slag av budget.")},
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Kontrollera bara filen, spara ingenting"), required=False
    )
    field_order = ["file", "year", "kind", "decided_on", "decided_by", "reason", "dry_run"]

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == BudgetKind.OMFORDELNING:
            self.require_decision(cleaned)
        return cleaned


class ReallocationForm(DecisionFields):
    based_on = forms.IntegerField(widget=forms.HiddenInput)
    from_ansvar = forms.ModelChoiceField(
        label=gettext_lazy("Från ansvar"),
        queryset=DimensionObject.objects.none(),
        error_messages={"required": gettext_lazy("Välj ansvaret pengarna flyttas från.")},
    )
    from_row = forms.ModelChoiceField(
        label=gettext_lazy("Från rad"),
        queryset=ReportRow.objects.none(),
        error_messages={"required": gettext_lazy("Välj raden pengarna flyttas från.")},
    )
    to_ansvar = forms.ModelChoiceField(
        label=gettext_lazy("Till ansvar"),
        queryset=DimensionObject.objects.none(),
        error_messages={"required": gettext_lazy("Välj ansvaret pengarna flyttas till.")},
    )
    to_row = forms.ModelChoiceField(
        label=gettext_lazy("Till rad"),
        queryset=ReportRow.objects.none(),
        error_messages={"required": gettext_lazy("Välj raden pengarna flyttas till.")},
    )
    amount = forms.CharField(
        label=gettext_lazy("Belopp, kronor"),
        help_text=gettext_lazy(
            "Beloppet som flyttas under året, till exempel 1 400 000. Det dras från den första "
            "raden och läggs till den andra."
        ),
        error_messages={"required": gettext_lazy("Ange beloppet som flyttas.")},
    )
    first_month = forms.TypedChoiceField(
        label=gettext_lazy("Från och med månad"), coerce=int, choices=[]
    )
    rule = forms.ChoiceField(label=gettext_lazy("Fördelning per månad"), choices=[])
    field_order = [
        "from_ansvar",
        "from_row",
        "to_ansvar",
        "to_row",
        "amount",
        "first_month",
        "rule",
        "decided_on",
        "decided_by",
        "reason",
    ]

    def __init__(self, *args, ansvar, rows, months, rules, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_ansvar", "to_ansvar"):
            self.fields[name].queryset = ansvar
        for name in ("from_row", "to_row"):
            self.fields[name].queryset = rows
        self.fields["first_month"].choices = months
        self.fields["rule"].choices = rules

    def clean_amount(self):
        from styrhjul.planning.excel.cells import CellError, parse_decimal

        try:
            value = parse_decimal(self.cleaned_data["amount"])
        except CellError as exc:
            raise forms.ValidationError(str(exc)[:1].upper() + str(exc)[1:]) from None
        if value is None or value <= 0:
            raise forms.ValidationError(gettext_lazy("Ange ett belopp större än 0."))
        return value

    def clean(self):
        cleaned = super().clean()
        self.require_decision(cleaned)
        return cleaned


# --- Settings ----------------------------------------------------------------------


class DimensionKindForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Används som"), choices=DimensionKind.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


_RANGE = re.compile(r"^(\d+)\s*(?:[-–—]\s*(\d+))?$")


class ReportRowForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=200,
        error_messages={"required": gettext_lazy("Ange radens namn.")},
    )
    order = forms.IntegerField(
        label=gettext_lazy("Ordning"),
        min_value=0,
        help_text=gettext_lazy("Raderna visas i ordning efter talet, lägst först."),
        error_messages={
            "required": gettext_lazy("Ange radens ordning, ett heltal."),
            "invalid": gettext_lazy("Ange radens ordning, ett heltal."),
            "min_value": gettext_lazy("Ordningen kan inte vara negativ."),
        },
    )
    ranges = forms.CharField(
        label=gettext_lazy("Kontointervall"),
        required=False,
        help_text=gettext_lazy(
            "Kontonas första siffror, till exempel 40–49, 63–69. Intervallet 50–59 tar alla "
            "konton som börjar på 50 till 59."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_ranges(self):
        text = self.cleaned_data["ranges"]
        result = []
        for part in (p.strip() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            match = _RANGE.match(part)
            if not match:
                raise forms.ValidationError(
                    gettext_lazy(
                        "”%(part)s” är inget kontointervall. Skriv till exempel 50–59, med "
                        "siffror och bindestreck."
                    )
                    % {"part": part}
                )
            first, last = match.group(1), match.group(2) or match.group(1)
            if len(first) != len(last):
                raise forms.ValidationError(
                    gettext_lazy(
                        "I %(part)s har kontona olika många siffror. Skriv lika många, till "
                        "exempel 5000–5999."
                    )
                    % {"part": part}
                )
            if first > last:
                raise forms.ValidationError(
                    gettext_lazy("I %(part)s är det första kontot större än det sista.")
                    % {"part": part}
                )
            result.append((first, last))
        return result


class InvestmentRowForm(ReportRowForm):
    """A row of the investeringsredovisning: as a driftredovisning row, and
    whether it holds inkomster (shown with the sign turned)."""

    is_income = forms.BooleanField(
        label=gettext_lazy("Inkomster"),
        required=False,
        help_text=gettext_lazy(
            "Investeringsinkomster, t.ex. bidrag: visas som positiva belopp och dras från "
            "utgifterna i nettot."
        ),
    )

    field_order = ["name", "order", "is_income", "ranges", "version"]


_KRONOR = re.compile(r"^-?\d+([.,]\d{1,2})?$")


class InvestmentBudgetForm(forms.Form):
    """A projekt's investeringsbudget for a fiscal year (services.
    investment_budget_save). `projekt` is its code in the ledger."""

    projekt = forms.CharField(
        label=gettext_lazy("Projekt (kod)"),
        max_length=100,
        help_text=gettext_lazy("Projektets kod i ekonomisystemet, till exempel P1001."),
        error_messages={"required": gettext_lazy("Ange projektets kod.")},
    )
    amount = forms.CharField(
        label=gettext_lazy("Budget för året (kr)"),
        max_length=30,
        help_text=gettext_lazy(
            "Investeringsutgifter för hela året i kronor, till exempel 12 500 000. "
            "Beloppet fördelas jämnt över årets månader."
        ),
        error_messages={"required": gettext_lazy("Ange budgeten i kronor.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_amount(self):
        text = re.sub(r"[\s\u00a0\u202f]", "", self.cleaned_data["amount"]).replace("−", "-")
        if not _KRONOR.match(text):
            raise forms.ValidationError(
                gettext_lazy("Ange ett belopp i kronor med siffror, till exempel 12 500 000.")
            )
        from decimal import Decimal

        value = Decimal(text.replace(",", "."))
        if abs(value) >= Decimal("1e15"):
            raise forms.ValidationError(gettext_lazy("Beloppet är för stort."))
        return value
