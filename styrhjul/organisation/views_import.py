"""Import of the organisation tree from CSV or Excel (importera organisation),
for system administrators and model owners."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from styrhjul.core.importing import MAX_BYTES, ImportIssue, ImportRejected

from . import access, importer

MAX_ERRORS_SHOWN = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil att importera"),
        help_text=gettext_lazy("CSV-fil (.csv) eller Excel-arbetsbok (.xlsx), högst 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": gettext_lazy("Välj en fil att importera."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Kontrollera bara filen, spara ingenting"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (högst %(mb)d MB).") % {"mb": MAX_BYTES // 1024 // 1024}
            )
        return upload


def _allowed(request) -> None:
    if not access.can_manage_any(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def org_import(request):
    """Upload a file; show every error in it, or import it and go to the tree."""
    _allowed(request)
    # Not `request.POST or None`: a post with no file at all must show "choose a file".
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    errors: list[ImportIssue] = []
    checked = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = importer.import_file(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                dry_run=dry_run,
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            if not dry_run:
                messages.success(request, result.summary())
                return redirect("organisation:tree")
            checked = result.summary()
    sheets = sorted({e.sheet for e in errors if e.sheet})
    return render(
        request,
        "organisation/import.html",
        {
            "nav": "admin",
            "page_title": _("Importera organisation"),
            "form": form,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "sheets": sheets,
            "checked": checked,
            "columns": importer.column_help(),
            "breadcrumbs": [
                (_("Administration"), reverse("organisation:admin")),
                (_("Importera organisation"), None),
            ],
        },
    )


@login_required
@require_safe
def org_import_template(request):
    """An Excel template with the column headers and two example rows."""
    _allowed(request)
    response = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="organisation-mall.xlsx"'
    return response
