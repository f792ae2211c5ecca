import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role, Unit, UnitType, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    code = forms.CharField(
        label=_("Kod (ansvar)"),
        max_length=50,
        help_text=_("Enhetens kod i ekonomisystemet. Måste vara unik."),
    )
    unit_type = forms.ModelChoiceField(
        label=_("Typ"), queryset=UnitType.objects.all(), empty_label=_("Välj typ")
    )
    valid_from = forms.DateField(
        label=_("Giltig från"),
        widget=DateInput(),
        initial=lambda: datetime.date.today(),
        help_text=_("Datum som ÅÅÅÅ-MM-DD."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    org_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=20,
        required=False,
        help_text=_(
            "T.ex. 212000-1234. En SIE-fil från ekonomisystemet med ett annat "
            "organisationsnummer importeras inte."
        ),
    )

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)
        # The organisation number belongs to the organisation: its root unit.
        if unit is None or unit.parent_id is not None:
            del self.fields["org_number"]

    def clean_org_number(self):
        value = self.cleaned_data["org_number"].strip()
        if value and not re.fullmatch(r"\d{6}-?\d{4}", value):
            raise forms.ValidationError(
                _("Skriv organisationsnumret som tio siffror, t.ex. 212000-1234.")
            )
        return value

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Unit.objects.filter(code__iexact=code)
        if self.unit is not None:
            clash = clash.exclude(pk=self.unit.pk)
        other = clash.first()
        if other:
            raise forms.ValidationError(
                _("Koden %(code)s används redan av %(unit)s.") % {"code": code, "unit": other}
            )
        return code


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("Ny överordnad enhet"), queryset=Unit.objects.none(), empty_label=_("Välj enhet")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class CloseForm(forms.Form):
    valid_to = forms.DateField(
        label=_("Sista giltighetsdag"),
        widget=DateInput(),
        help_text=_("Enheten och dess underenheter finns kvar för de år de var giltiga."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Användare"),
        queryset=User.objects.filter(is_active=True),
        empty_label=_("Välj användare"),
    )
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    includes_subtree = forms.BooleanField(
        label=_("Gäller även underliggande enheter"), required=False, initial=True
    )


class UserGrantForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), empty_label=_("Välj enhet")
    )
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    includes_subtree = forms.BooleanField(
        label=_("Gäller även underliggande enheter"), required=False, initial=True
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class UserForm(forms.Form):
    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    email = forms.EmailField(label=_("E-postadress"))
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    title = forms.CharField(label=_("Befattning"), max_length=200, required=False)
    password = forms.CharField(
        label=_("Lösenord"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Minst 12 tecken. Lämna tomt om användaren loggar in via organisationens "
            "inloggning (OpenID Connect)."
        ),
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        self.instance = user
        super().__init__(*args, **kwargs)
        if user is not None:
            del self.fields["username"]
            del self.fields["password"]
            self.fields["is_active"] = forms.BooleanField(
                label=_("Kontot är aktivt"), required=False
            )

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("Användarnamnet är upptaget."))
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Det finns redan en användare med den e-postadressen."))
        return email

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password


class UnitTypeForm(forms.ModelForm):
    class Meta:
        model = UnitType
        fields = ["name", "plural", "order", "governing"]
        labels = {
            "name": _("Namn"),
            "plural": _("Namn i plural"),
            "order": _("Ordning"),
            "governing": _("Styr hela organisationen"),
        }


class DirectoryGroupRuleForm(forms.Form):
    """A new directory group rule (gruppregel)."""

    group = forms.CharField(
        label=_("Grupp"),
        max_length=255,
        help_text=_(
            "Gruppens värde som identitetsleverantören skickar, t.ex. gruppens namn eller "
            "objekt-id i Entra ID. Stora och små bokstäver räknas som samma."
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), empty_label=_("Välj enhet")
    )
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    includes_subtree = forms.BooleanField(
        label=_("Gäller även underliggande enheter"), required=False, initial=True
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DirectoryDryRunForm(forms.Form):
    """The groups to try the rules on (provkörning)."""

    groups = forms.CharField(
        label=_("Grupper"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En grupp per rad, som identitetsleverantören skickar dem."),
    )
    person = forms.CharField(
        label=_("Användare (valfritt)"),
        max_length=254,
        required=False,
        help_text=_(
            "Användarnamn eller e-postadress: visar också vad som skulle läggas till och tas "
            "bort för användaren vid nästa inloggning med de här grupperna."
        ),
    )

    def clean_person(self) -> User | None:
        text = self.cleaned_data["person"].strip()
        if not text:
            return None
        try:
            return User.objects.get_by_natural_key(text)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            raise forms.ValidationError(
                _("Det finns ingen användare med det användarnamnet eller den e-postadressen.")
            ) from None

    def group_list(self) -> list[str]:
        return [line for line in self.cleaned_data["groups"].splitlines() if line.strip()]
