"""The form of an own section on the task page (followup.sections)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .sections import MAX_TEXT


class SectionTextForm(forms.Form):
    """What the unit writes in one own section; the prefix is its slug
    (sections.slug_of)."""

    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Stycken skiljs med en tom rad. Tomt: enheten har inget i avsnittet."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, entry, **kwargs):
        kwargs.setdefault("prefix", entry.slug or entry.section.key)
        kwargs.setdefault("initial", {"text": entry.text, "version": entry.version})
        super().__init__(*args, **kwargs)
        self.fields["text"].label = entry.section.heading
