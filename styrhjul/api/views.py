"""API-nycklar on the user's account page: make (shown once), list, revoke;
and the administrators' page of machine clients (maskinklienter)."""

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
from styrhjul.organisation import access

from . import services
from .models import ApiToken, MachineClient, Scope


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
            "is_admin": access.is_admin(request.user),
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


# --- Machine clients (administrators) ---------------------------------------------------------


class MachineClientForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=150,
        help_text=_("Systemet som ska anropa API:et, t.ex. ”Personalsystemet”."),
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad klienten gör och vem som ansvarar för den."),
    )


class MachineTokenForm(TokenForm):
    rate_limit = forms.IntegerField(
        label=_("Anrop per minut"),
        required=False,
        min_value=0,
        help_text=_("Tomt: installationens gräns. 0: ingen gräns."),
    )


@login_required
def machine_clients(request):
    """Maskinklienter: list them and make one (administrators only)."""
    access.require_admin(request.user)
    form = MachineClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.machine_client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("api_machine_client", client.pk)
    return render(
        request,
        "api/machine_clients.html",
        {
            "form": form,
            "clients": MachineClient.objects.select_related("user").prefetch_related(
                "user__grants__unit"
            ),
            "page_title": _("Maskinklienter"),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def machine_client(request, client_id: int):
    """One machine client: its grants (given on its user page) and tokens."""
    access.require_admin(request.user)
    client = get_object_or_404(MachineClient.objects.select_related("user"), pk=client_id)
    form = MachineTokenForm(
        request.POST or None,
        initial={"expires_on": timezone.localdate() + datetime.timedelta(days=365)},
    )
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.machine_token_create(
                actor=request.user, client=client, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = MachineTokenForm(initial={"expires_on": form.cleaned_data["expires_on"]})
    return render(
        request,
        "api/machine_client.html",
        {
            "client": client,
            "form": form,
            "secret": secret,
            "grants": client.user.grants.select_related("unit"),
            "tokens": ApiToken.objects.filter(user=client.user),
            "today": timezone.localdate(),
            "page_title": _("Maskinklient: %(name)s") % {"name": client.name},
        },
        status=422 if request.method == "POST" and secret is None else 200,
    )


@login_required
@require_POST
def machine_token_revoke(request, client_id: int, token_id: int):
    access.require_admin(request.user)
    token = get_object_or_404(ApiToken, pk=token_id, user__machine_client__pk=client_id)
    services.machine_token_revoke(actor=request.user, token=token)
    return redirect("api_machine_client", client_id)
