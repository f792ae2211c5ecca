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


def layout(html: str):
    """Lay the HTML out as tagged PDF/UA-1 pages (a WeasyPrint document)."""
    import weasyprint

    return weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1", pdf_tags=True)


def write(document) -> bytes:
    """The laid-out document as PDF/UA-1; a plain tagged PDF if the variant
    cannot be produced (e.g. a font without the needed tables). The layout
    does not depend on the variant, so the fallback writes the same pages
    instead of laying out a long report a second time."""
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    except Exception:  # depends on fonts and WeasyPrint's checks
        logger.exception("PDF/UA-1 failed; writing a tagged PDF without the variant")
        return document.write_pdf(pdf_tags=True)


def html_to_pdf(html: str) -> bytes:
    """HTML to a tagged PDF/UA-1 document, laid out once."""
    return write(layout(html))


def internal_control_pdf(report: InternalControlReport) -> bytes:
    return html_to_pdf(internal_control_html(report))
