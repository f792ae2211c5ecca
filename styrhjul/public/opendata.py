"""Open data (öppna data): a published snapshot as CSV and JSON, one record
per unit and item, with the data dictionary (datakatalog) that describes
every column. The columns are defined once, here, for the files and the
dictionary page alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from styrhjul.core.spreadsheet import protected_text

from .models import Snapshot, SnapshotRow
from .queries import KIND_LABELS, rows_of, state_label


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "number", "integer", "date"
    description: object  # lazy Swedish text
    get: Callable[[Snapshot, SnapshotRow], object]


def _decimal(value: Decimal | None):
    return None if value is None else format(value.normalize(), "f")


COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation",
        "string",
        _("Organisationen som publicerade."),
        lambda s, r: s.organisation_name,
    ),
    Column(
        "occasion",
        "string",
        _("Uppföljningstillfället, t.ex. Delårsrapport 2025."),
        lambda s, r: s.title,
    ),
    Column(
        "period_end",
        "date",
        _("Sista dagen i perioden som uppföljningen avser (ÅÅÅÅ-MM-DD)."),
        lambda s, r: s.period_end.isoformat(),
    ),
    Column(
        "unit",
        "string",
        _("Enheten som rapporterade, med namnet den hade vid publiceringen."),
        lambda s, r: r.unit_name,
    ),
    Column(
        "unit_code",
        "string",
        _("Enhetens kod (ansvar i ekonomisystemet), om den har en."),
        lambda s, r: r.unit_code,
    ),
    Column(
        "plan_type",
        "string",
        _("Plantypen posten rapporterades i, t.ex. Verksamhetsplan."),
        lambda s, r: r.plan_type,
    ),
    Column(
        "perspective", "string", _("Styrperspektivet posten hör till."), lambda s, r: r.perspective
    ),
    Column("level", "string", _("Målnivån, för mål (t.ex. Nämndmål)."), lambda s, r: r.level),
    Column(
        "item_kind",
        "string",
        _("Posttyp: Mål, Nyckeltal, Aktivitet, Särskilt uppdrag eller Kontrollpunkt."),
        lambda s, r: str(KIND_LABELS.get(r.kind, r.kind)),
    ),
    Column("item_number", "string", _("Postens nummer i planen."), lambda s, r: r.number),
    Column("item", "string", _("Postens rubrik."), lambda s, r: r.title),
    Column(
        "item_id",
        "string",
        _("Postens beständiga id: detsamma för samma post alla år."),
        lambda s, r: str(r.item_key),
    ),
    Column(
        "reporting_state",
        "string",
        _(
            "Rapporterad, Påbörjad eller Ej rapporterad, enligt Styrhjuls regel "
            "för vad som är rapporterat."
        ),
        lambda s, r: state_label(r),
    ),
    Column(
        "status",
        "string",
        _("Status för aktivitet eller uppdrag, med skalans egen text."),
        lambda s, r: r.status_label,
    ),
    Column(
        "assessment",
        "string",
        _("Bedömning (t.ex. måluppfyllelse), med skalans egen text."),
        lambda s, r: r.assessment_label,
    ),
    Column(
        "assessment_symbol",
        "string",
        _("Bedömningens symbol i skalan, t.ex. ▲ eller ●."),
        lambda s, r: r.assessment_symbol,
    ),
    Column(
        "completion_percent",
        "integer",
        _("Färdighetsgrad i procent, för aktiviteter."),
        lambda s, r: r.completion,
    ),
    Column(
        "comment",
        "string",
        _("Kommentar (för kontrollpunkter: resultatet av kontrollen)."),
        lambda s, r: r.comment,
    ),
    Column("analysis", "string", _("Analysen av målet."), lambda s, r: r.analysis),
    Column("measures", "string", _("Åtgärder."), lambda s, r: r.measures),
    Column(
        "measure_unit",
        "string",
        _("Nyckeltalets enhet, t.ex. %, antal, kr."),
        lambda s, r: r.measure_unit,
    ),
    Column(
        "period",
        "string",
        _("Perioden utfallet avser, t.ex. 2025 eller augusti 2025."),
        lambda s, r: r.period,
    ),
    Column("value", "number", _("Utfall, totalt. Decimalpunkt."), lambda s, r: _decimal(r.value)),
    Column(
        "value_women",
        "number",
        _("Utfall för kvinnor, om nyckeltalet är könsuppdelat."),
        lambda s, r: _decimal(r.value_women),
    ),
    Column(
        "value_men",
        "number",
        _("Utfall för män, om nyckeltalet är könsuppdelat."),
        lambda s, r: _decimal(r.value_men),
    ),
    Column(
        "value_note",
        "string",
        _("Kommentar till värdet, t.ex. vad det avser."),
        lambda s, r: r.value_note,
    ),
    Column("target_year", "integer", _("Året målvärdet gäller."), lambda s, r: r.target_year),
    Column("target_value", "number", _("Målvärdet."), lambda s, r: _decimal(r.target_value)),
)


def record(snapshot: Snapshot, row: SnapshotRow) -> dict:
    """One row as a dictionary of the columns (the files and the API alike)."""
    return {c.name: c.get(snapshot, row) for c in COLUMNS}


def records(snapshot: Snapshot):
    """The snapshot's rows as dictionaries of the columns, in order."""
    for row in rows_of(snapshot).iterator(chunk_size=2000):
        yield record(snapshot, row)


def as_csv(snapshot: Snapshot) -> str:
    """RFC 4180 CSV, comma separated, UTF-8, a header row of the column names.
    Text that starts like a formula gets an apostrophe before it, as in
    every export of the product (core.spreadsheet.protected_text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    for record in records(snapshot):
        writer.writerow(["" if v is None else protected_text(v) for v in record.values()])
    return buffer.getvalue()


def metadata(snapshot: Snapshot, urls: dict[str, str]) -> dict:
    """What a snapshot's JSON says about itself: who published what, when,
    under which licence, and where the dictionary and other files are."""
    return {
        "id": snapshot.pk,
        "organisation": snapshot.organisation_name,
        "occasion": snapshot.title,
        "year": snapshot.year,
        "period_end": snapshot.period_end.isoformat(),
        "published_at": snapshot.published_at.isoformat(),
        "published_by": snapshot.published_by_name,
        "licence": snapshot.licence,
        "licence_url": snapshot.licence_url,
        **urls,
    }


def as_json(snapshot: Snapshot, urls: dict[str, str]) -> dict:
    return {"snapshot": metadata(snapshot, urls), "rows": list(records(snapshot))}


def dictionary() -> list[dict]:
    """The data dictionary: every column's name, type and meaning."""
    return [{"name": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]
