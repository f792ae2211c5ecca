"""API-nycklar on the user's account page: make (shown once), list, revoke."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from styrhjul.core.forms import apply_errors

from . import services
from .models import ApiToken, Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=100,
        help_text=_("Vad nyckeln används till, t.ex. ”Power BI, ekonomienheten”."),
    )
    scope = forms.ChoiceField(
        label=_("Behörighet"),
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Nyckeln når aldrig mer än du själv får läsa och ändra."),
    )
    expires_on = forms.DateField(
        label=_("Giltig till och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Högst ett år från i dag."),
    )


@login_required
def tokens(request):
    form = TokenForm(
        request.POST or None,
        initial={"expires_on": timezone.localdate() + datetime.timedelta(days=90)},
    )
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm(initial={"expires_on": form.cleaned_data["expires_on"]})
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
            "today": timezone.localdate(),
            "page_title": _("API-nycklar"),
        },
        status=422 if request.method == "POST" and secret is None else 200,
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    return redirect("api_tokens")
