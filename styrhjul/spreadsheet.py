"""Reading spreadsheet cells the way Swedish Excel users write them, shared by
every importer (organisation, plans)."""

import datetime


def norm_header(value) -> str:
    """A column header compared without case and extra spaces."""
    return " ".join(str(value or "").replace("\ufeff", "").split()).casefold()


def cell_text(value) -> str:
    """A cell's value as text: Excel numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return " ".join(str(value).replace("\ufeff", "").split())
