from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Användarnamn eller e-post"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Kontrollera och försök igen."),
        "inactive": _("Kontot är inaktiverat. Kontakta systemadministratören."),
    }
