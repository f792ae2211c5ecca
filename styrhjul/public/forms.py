"""The form of the tillgänglighetsredogörelse (the installation's
accessibility statement, written by a system administrator)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from .models import AccessibilityStatement, Compliance


class AccessibilityStatementForm(forms.Form):
    publisher = forms.CharField(
        label=gettext_lazy("Ansvarig för tjänsten"),
        max_length=200,
        required=False,
        help_text=AccessibilityStatement._meta.get_field("publisher").help_text,
    )
    compliance = forms.ChoiceField(
        label=gettext_lazy("Hur väl uppfyller tjänsten kraven?"),
        choices=Compliance.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Enligt er egen granskning mot WCAG 2.1 nivå AA, som lagen om tillgänglighet till "
            "digital offentlig service kräver."
        ),
        error_messages={"required": gettext_lazy("Välj hur väl tjänsten uppfyller kraven.")},
    )
    known_issues = forms.CharField(
        label=gettext_lazy("Kända brister"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=AccessibilityStatement._meta.get_field("known_issues").help_text,
    )
    contact = forms.CharField(
        label=gettext_lazy("Kontakt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=AccessibilityStatement._meta.get_field("contact").help_text,
        error_messages={
            "required": gettext_lazy(
                "Ange hur man rapporterar brister i tillgängligheten, till exempel en e-postadress."
            )
        },
    )
    assessed_on = forms.DateField(
        label=gettext_lazy("Senast bedömd"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    @classmethod
    def initial_from(cls, row: AccessibilityStatement | None) -> dict:
        if row is None:
            return {"version": 0}
        return {
            "publisher": row.publisher,
            "compliance": row.compliance,
            "known_issues": row.known_issues,
            "contact": row.contact,
            "assessed_on": row.assessed_on,
            "version": row.version,
        }
