"""The internkontrollrapport as PDF: HTML from a Django template with print
CSS, laid out by WeasyPrint as a tagged PDF (PDF/UA-1) in Swedish."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from .internal_control import COLUMNS, FOLLOWUP_COLUMNS, InternalControlReport

logger = logging.getLogger(__name__)

TEMPLATE = "documents/internal_control.html"


def internal_control_html(report: InternalControlReport) -> str:
    return render_to_string(
        TEMPLATE,
        {"report": report, "columns": COLUMNS, "followup_columns": FOLLOWUP_COLUMNS},
    )


def html_to_pdf(html: str) -> bytes:
    """Render HTML to a tagged PDF/UA-1 document; plain tagged PDF if the
    variant cannot be produced (e.g. a font without the needed tables).

    The document is laid out once (`render()` then `write_pdf()` is what
    `HTML.write_pdf()` does): the layout does not depend on the variant, so
    the fallback writes the same pages again instead of laying out the whole
    report a second time, which would double the time of a long report."""
    import weasyprint

    document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1", pdf_tags=True)
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    except Exception:  # depends on fonts and WeasyPrint's checks
        logger.exception("PDF/UA-1 failed; writing a tagged PDF without the variant")
        return document.write_pdf(pdf_tags=True)


def internal_control_pdf(report: InternalControlReport) -> bytes:
    return html_to_pdf(internal_control_html(report))
