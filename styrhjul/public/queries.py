"""Reads of published snapshots for the pages and files: a snapshot's units
and rows, and the comparison of two snapshots of a unit item by item
(jämförelse), with a word diff of the texts. A fixed number of queries
whatever the number of rows."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.documents.layout import Style, contrast, settings_for, style_of
from styrhjul.followup.readmodel import STATE_LABELS
from styrhjul.model.models import ItemKind, Vision
from styrhjul.organisation.models import Unit

from . import charts
from .models import (
    AccessibilityStatement,
    PublicationSettings,
    Snapshot,
    SnapshotDocument,
    SnapshotRow,
)

KIND_LABELS = dict(ItemKind.choices)
# The charts' facts and drawings: read only by the public page.
CHART_FIELDS = ("chart", "trend_svg", "gender_svg")


def snapshot_or_404(pk: int) -> Snapshot:
    """A published snapshot, read by anyone (access.reads_published)."""
    snapshot = Snapshot.objects.select_related("organisation").filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    return snapshot


def public_page_on(organisation_id: int) -> bool:
    """Whether the organisation shows its public page (offentlig sida): its
    model owners' choice to be open to everyone, which also opens its
    published follow-ups through the API without a token."""
    return PublicationSettings.objects.filter(
        organisation_id=organisation_id, organisation__parent__isnull=True, public_page=True
    ).exists()


def open_snapshots():
    """The published snapshots of the organisations that show their public
    page: what the API serves without a token, and nothing else."""
    return Snapshot.objects.filter(
        organisation__publication_settings__public_page=True
    ).select_related("organisation")


def snapshots_of(organisation_id: int):
    return Snapshot.objects.filter(organisation_id=organisation_id)


def units_of(snapshot: Snapshot) -> list[dict]:
    """The units in a snapshot with their number of rows: one query."""
    return list(
        snapshot.rows.values("unit_id", "unit_name", "unit_code")
        .annotate(items=Count("pk"))
        .order_by("unit_name", "unit_id")
    )


def rows_of(snapshot: Snapshot, unit_id: int | None = None):
    rows = SnapshotRow.objects.filter(snapshot=snapshot).defer(*CHART_FIELDS)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    return rows.order_by("unit_name", "unit_id", "plan_type", "order", "pk")


def documents_of(snapshot: Snapshot):
    return SnapshotDocument.objects.filter(snapshot=snapshot).defer("data")


def state_label(row: SnapshotRow) -> str:
    return str(STATE_LABELS.get(row.state, row.state))


# --- Comparing two snapshots ---------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Piece:
    """A stretch of a word diff: kept, inserted or deleted text."""

    op: str  # "equal", "insert", "delete"
    text: str


def word_diff(before: str, after: str) -> list[Piece]:
    """The words of `after` against `before` (difflib on words and the
    spaces between them)."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", "".join(old[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(new[j1:j2])))
    return pieces


@dataclass
class Scale:
    label: str
    symbol: str
    colour: str

    def __bool__(self) -> bool:
        return bool(self.label)

    def __str__(self) -> str:
        return f"{self.symbol} {self.label}".strip()

    def __eq__(self, other) -> bool:
        return isinstance(other, Scale) and self.label == other.label


def _assessment(row: SnapshotRow | None) -> Scale:
    if row is None:
        return Scale("", "", "")
    return Scale(row.assessment_label, row.assessment_symbol, row.assessment_colour)


def _status(row: SnapshotRow | None) -> Scale:
    if row is None:
        return Scale("", "", "")
    return Scale(row.status_label, row.status_symbol, row.status_colour)


@dataclass
class Change:
    """One item of a unit in two snapshots: what it was and what it became."""

    before: SnapshotRow | None
    after: SnapshotRow | None
    assessment_before: Scale = field(init=False)
    assessment_after: Scale = field(init=False)
    status_before: Scale = field(init=False)
    status_after: Scale = field(init=False)
    analysis: list[Piece] = field(init=False)
    comment: list[Piece] = field(init=False)

    def __post_init__(self):
        self.assessment_before = _assessment(self.before)
        self.assessment_after = _assessment(self.after)
        self.status_before = _status(self.before)
        self.status_after = _status(self.after)
        self.analysis = word_diff(
            self._text("analysis", self.before), self._text("analysis", self.after)
        )
        self.comment = word_diff(
            self._text("comment", self.before), self._text("comment", self.after)
        )

    @staticmethod
    def _text(name: str, row: SnapshotRow | None) -> str:
        return getattr(row, name) if row is not None else ""

    @property
    def row(self) -> SnapshotRow:
        return self.after or self.before

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.row.kind, self.row.kind))

    @property
    def assessment_moved(self) -> bool:
        return self.assessment_before != self.assessment_after

    @property
    def status_moved(self) -> bool:
        return self.status_before != self.status_after

    @property
    def analysis_changed(self) -> bool:
        return any(p.op != "equal" for p in self.analysis)

    @property
    def comment_changed(self) -> bool:
        return any(p.op != "equal" for p in self.comment)

    @property
    def value_before(self) -> Decimal | None:
        return self.before.value if self.before else None

    @property
    def value_after(self) -> Decimal | None:
        return self.after.value if self.after else None

    @property
    def value_changed(self) -> bool:
        rows = (self.before, self.after)
        return any(
            (getattr(self.before, f, None) if self.before else None)
            != (getattr(self.after, f, None) if self.after else None)
            for f in ("value", "value_women", "value_men")
        ) and any(r is not None and r.kind == ItemKind.INDICATOR for r in rows)

    @property
    def value_difference(self) -> Decimal | None:
        if self.value_before is None or self.value_after is None:
            return None
        return self.value_after - self.value_before

    @property
    def completion_changed(self) -> bool:
        return (self.before.completion if self.before else None) != (
            self.after.completion if self.after else None
        )

    @property
    def changed(self) -> bool:
        return (
            self.before is None
            or self.after is None
            or self.assessment_moved
            or self.status_moved
            or self.analysis_changed
            or self.comment_changed
            or self.value_changed
            or self.completion_changed
        )

    @property
    def what(self) -> str:
        """What changed, in words (the Excel file's last column)."""
        if self.before is None:
            return _("Ny post")
        if self.after is None:
            return _("Finns inte längre")
        parts = []
        if self.assessment_moved:
            parts.append(_("bedömning"))
        if self.status_moved:
            parts.append(_("status"))
        if self.completion_changed:
            parts.append(_("färdighetsgrad"))
        if self.value_changed:
            parts.append(_("utfall"))
        if self.analysis_changed:
            parts.append(_("analys"))
        if self.comment_changed:
            parts.append(_("kommentar"))
        return ", ".join(parts).capitalize() if parts else _("Oförändrad")


@dataclass
class Comparison:
    before: Snapshot
    after: Snapshot
    unit_id: int
    unit_name: str
    changes: list[Change]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.changed]

    @property
    def unchanged_count(self) -> int:
        return sum(1 for c in self.changes if not c.changed)


def compare(before: Snapshot, after: Snapshot, unit_id: int) -> Comparison:
    """The unit's items in two snapshots, matched by the item's series (the
    same item across year copies): two queries. Http404 when the unit is in
    neither snapshot."""
    old = list(rows_of(before, unit_id))
    new = list(rows_of(after, unit_id))
    if not old and not new:
        raise Http404
    old_by_key: dict = {}
    for row in old:
        old_by_key.setdefault(row.item_key, row)
    changes, seen = [], set()
    for row in new:
        if row.item_key in seen:
            continue
        seen.add(row.item_key)
        changes.append(Change(old_by_key.get(row.item_key), row))
    changes += [Change(row, None) for key, row in old_by_key.items() if key not in seen]
    name = (new or old)[0].unit_name
    return Comparison(before, after, unit_id, name, changes)


def _scale_cell(scale: Scale) -> str:
    return str(scale)


def comparison_sheet(comparison: Comparison) -> tuple[str, list[str], list[list]]:
    """The comparison as one sheet (name, headers, rows) for
    core.spreadsheet.workbook_bytes: every item, what it was and became."""
    headers = [
        _("Enhet"),
        _("Nr"),
        _("Post"),
        _("Typ"),
        _("Bedömning %(title)s") % {"title": comparison.before.title},
        _("Bedömning %(title)s") % {"title": comparison.after.title},
        _("Status %(title)s") % {"title": comparison.before.title},
        _("Status %(title)s") % {"title": comparison.after.title},
        _("Utfall %(title)s") % {"title": comparison.before.title},
        _("Utfall %(title)s") % {"title": comparison.after.title},
        _("Förändring av utfallet"),
        _("Analys %(title)s") % {"title": comparison.before.title},
        _("Analys %(title)s") % {"title": comparison.after.title},
        _("Vad har ändrats"),
    ]
    rows = []
    for change in comparison.changes:
        row = change.row
        rows.append(
            [
                comparison.unit_name,
                row.number,
                row.title,
                change.kind_label,
                _scale_cell(change.assessment_before),
                _scale_cell(change.assessment_after),
                _scale_cell(change.status_before),
                _scale_cell(change.status_after),
                change.value_before,
                change.value_after,
                change.value_difference,
                change.before.analysis if change.before else "",
                change.after.analysis if change.after else "",
                change.what,
            ]
        )
    return _("Jämförelse"), headers, rows


# --- The organisation's public page ---------------------------------------------------------


@dataclass
class PerspectiveGoals:
    name: str
    goals: list[SnapshotRow]


@dataclass
class PublicPage:
    """What the organisation's public page shows for a year: only what was
    published (the newest snapshot of the year), of the organisation and the
    units right under it (charts.on_public_page), and the vision."""

    organisation: object
    year: int | None
    years: list[int]
    vision: object
    snapshot: Snapshot | None
    perspectives: list[PerspectiveGoals]
    indicators: list[SnapshotRow]
    charted: list  # charts.Charted: the indicators with their charts
    snapshots: list[Snapshot]
    documents: list[SnapshotDocument]
    style: Style  # the logo and colours of Dokumentinställningar

    @property
    def heading_colour(self) -> str:
        """The documents' heading colour where it reads on the page's white
        (WCAG AA, 4.5:1); "" (the page's own) where it does not."""
        colour = self.style.heading_colour or ""
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            return ""
        return colour if contrast(colour, "#ffffff") >= 4.5 else ""


def public_page(organisation, year: int | None) -> PublicPage:
    """The public page's content: eight queries whatever the number of goals and indicators.
    `year` None (or a year with nothing published): the newest year."""
    years = sorted(
        set(Snapshot.objects.filter(organisation=organisation).values_list("year", flat=True)),
        reverse=True,
    )
    if year not in years:
        year = years[0] if years else None
    snapshots = list(Snapshot.objects.filter(organisation=organisation, year=year))
    snapshot = snapshots[0] if snapshots else None
    vision = (
        Vision.objects.filter(unit=organisation, valid_from_year__lte=year).first()
        if year
        else Vision.objects.filter(unit=organisation).first()
    )
    groups: dict[str, list[SnapshotRow]] = {}
    indicators: list[SnapshotRow] = []
    if snapshot is not None:
        shown = charts.public_page_rows(SnapshotRow.objects.filter(snapshot=snapshot), organisation)
        indicators = list(
            shown.filter(kind=ItemKind.INDICATOR)
            .exclude(value=None)
            .order_by("unit_name", "unit_id", "plan_type", "order", "pk")
        )
        goals = (
            shown.filter(kind=ItemKind.GOAL)
            .exclude(assessment_label="", analysis="")
            .defer(*CHART_FIELDS)
            .order_by("unit_name", "unit_id", "plan_type", "order", "pk")
        )
        for row in goals:
            groups.setdefault(row.perspective or _("Utan perspektiv"), []).append(row)
    documents = list(
        SnapshotDocument.objects.filter(snapshot__in=[s.pk for s in snapshots]).defer("data")
    )
    stored = settings_for(organisation)
    return PublicPage(
        organisation=organisation,
        year=year,
        years=years,
        vision=vision,
        snapshot=snapshot,
        perspectives=[PerspectiveGoals(name, rows) for name, rows in groups.items()],
        indicators=indicators,
        charted=charts.charted_of(indicators),
        snapshots=snapshots,
        documents=documents,
        style=style_of(stored, organisation) if stored else Style(organisation.name),
    )


def accessibility_statement() -> AccessibilityStatement | None:
    """The installation's tillgänglighetsredogörelse, None before it is written."""
    return AccessibilityStatement.objects.filter(pk=AccessibilityStatement.SINGLETON).first()


def statement_publisher(row: AccessibilityStatement | None) -> str:
    """Who stands behind the service in its tillgänglighetsredogörelse: as
    written, else the organisations of the installation (its root units)."""
    if row is not None and row.publisher:
        return row.publisher
    names = list(
        Unit.objects.filter(parent=None)
        .valid_on(timezone.localdate())
        .order_by("name")
        .values_list("name", flat=True)
    )
    return " och ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
