from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
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


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the named fields,
    else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
