"""Byt lösenord and Glömt lösenordet for local accounts (Django's views,
with Swedish pages and mail).

- Byt lösenord: the logged-in user, with the current password; the session
  stays logged in, and other sessions of the user are logged out.
- Glömt lösenordet: a link by e-mail to every active local account with
  that address (the page says the same whether or not one exists). The
  link works once, for PASSWORD_RESET_TIMEOUT, and no longer once the
  password has changed. At most PASSWORD_RESET_LIMIT requests per address
  (an IPv6 client per /64, as core.ratelimit counts clients) and per e-mail
  address and hour; more are refused with 429.
- Accounts that log in through the municipality's directory (OpenID
  Connect, with no password in Styrhjul) get no reset link when that
  sign-in is enabled: their password is the directory's."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from styrhjul.core import ratelimit
from styrhjul.organisation.models import User

WINDOW = 3600  # seconds


class ResetForm(auth_forms.PasswordResetForm):
    email = auth_forms.forms.EmailField(
        label=_("E-postadress"),
        max_length=254,
        widget=auth_forms.forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Den adress som står på ditt konto i Styrhjul."),
    )

    def get_users(self, email):
        users = User.objects.filter(email__iexact=email, is_active=True)
        for user in users:
            # With the directory's sign-in on, an account without a password
            # of its own logs in there; else a new local account sets its
            # first password through this link.
            if user.has_usable_password() or not settings.OIDC_ENABLED:
                yield user


def _too_many(request, email: str) -> bool:
    """Counts the request; True when this address or e-mail address has
    asked PASSWORD_RESET_LIMIT times within the hour."""
    limit = settings.PASSWORD_RESET_LIMIT
    keys = (f"pwreset:ip:{ratelimit.client_key(request)}", f"pwreset:mail:{email.lower()}")
    counts = [ratelimit.tally(key, WINDOW) for key in keys]  # both counted
    return any(counted > limit for counted in counts)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "web/account/password_reset_form.html"
    email_template_name = "web/account/password_reset_email.txt"
    subject_template_name = "web/account/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if _too_many(self.request, form.cleaned_data["email"]):
            return render(
                self.request,
                "web/account/password_reset_form.html",
                {
                    "form": form,
                    "too_many": True,
                    "page_title": _("Glömt lösenordet"),
                },
                status=429,
            )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/account/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/account/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
