"""A plan in Excel and back (planen i Excel): export, import and template.

- `columns`: the format — a sheet per item kind, its columns and headers.
- `reader`: an .xlsx file → plain rows per sheet (no database).
- `importer`: rows → validated plan → saved through planning.services.
- `writer`: a plan → .xlsx; the template for a plan type.
- `goals`: how the columns Mål and Bidrar till name goals (shared by both ways).
- `extension`: reported results in the sheets' result columns (Status,
  Färdighetsgrad, Kommentar, Bedömning, Analys, an indicator's Utfall … Avser,
  and Uppföljning) → the unit's reports and outcomes, plugged in by
  follow-up (followup.plan_results); and the sheet Uppdelningar (an
  indicator's values per group of an uppdelning), plugged in by the
  indicators app (indicators.plan_sheet).
- `lookup`: unit, year and plan type from what a person types.

The format is described for users in docs/import-plan.md.
"""

from .importer import ImportResult, SheetResult, import_file, import_plan, plan_label
from .reader import ParsedWorkbook, read_workbook
from .writer import (
    CONTENT_TYPE,
    export_filename,
    export_workbook,
    template_filename,
    template_workbook,
)

__all__ = [
    "CONTENT_TYPE",
    "ImportResult",
    "ParsedWorkbook",
    "SheetResult",
    "export_filename",
    "export_workbook",
    "import_file",
    "import_plan",
    "plan_label",
    "read_workbook",
    "template_filename",
    "template_workbook",
]
