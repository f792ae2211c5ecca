"""The internkontrollrapport as PDF: HTML from a Django template with print
CSS, laid out by WeasyPrint as a tagged PDF (PDF/UA-1) in Swedish."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from .internal_control import COLUMNS, InternalControlReport

logger = logging.getLogger(__name__)

TEMPLATE = "documents/internal_control.html"


def internal_control_html(report: InternalControlReport) -> str:
    return render_to_string(TEMPLATE, {"report": report, "columns": COLUMNS})


def html_to_pdf(html: str) -> bytes:
    """Render HTML to a tagged PDF/UA-1 document; plain tagged PDF if the
    variant cannot be produced (e.g. a font without the needed tables)."""
    import weasyprint

    try:
        return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    except Exception:  # pragma: no cover - depends on fonts and WeasyPrint's checks
        logger.exception("PDF/UA-1 failed; writing a tagged PDF without the variant")
        return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)


def internal_control_pdf(report: InternalControlReport) -> bytes:
    return html_to_pdf(internal_control_html(report))
