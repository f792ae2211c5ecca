"""The reviewer's form (granskning): a comment, comments at items, and the
date until which a task past its deadline is reopened when sent back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms_wheel import date_field


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Krävs när du skickar tillbaka: vad ska enheten komplettera?"),
    )

    def __init__(self, *args, items=(), locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            self.fields["until"] = date_field(
                _("Öppna igen till och med"),
                required=False,
                help_text=_(
                    "Tidsfristen har passerat. Skickar du tillbaka kan enheten komplettera "
                    "till och med dagen. Datum som ÅÅÅÅ-MM-DD."
                ),
            )
        for item in items:
            label = f"{item.number} {item.title}".strip()
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=_("Kommentar till %(item)s") % {"item": label},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_comments(self) -> dict[int, str]:
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value
        }
