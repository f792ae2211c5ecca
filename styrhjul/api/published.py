"""Open data through the API, without a token: the published follow-ups
(public/: snapshots) of the organisations that show their public page, and
each one's rows (goals, indicators with their values, activities and the
rest, with their assessments) in the columns of the open data files and the
data dictionary (public/opendata.py).

Calls are limited per client address (limits.check_address).

Only what was published is served: a snapshot of an organisation whose
public page is off, an occasion not published and anything else answers
404 exactly as what does not exist (public/queries.open_snapshots)."""

import datetime

from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Schema
from pydantic import create_model

from styrhjul.model.models import ItemKind
from styrhjul.public import opendata
from styrhjul.public import queries as published

from . import limits
from .api import api
from .common import Id, Year, paged

TAGS = ["Öppna data"]


class PublishedOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    occasion_id: int
    occasion: str
    kind: str
    year: int
    period_end: datetime.date
    published_at: datetime.datetime
    published_by: str
    licence: str
    licence_url: str
    rows_url: str = Field(description="Raderna i API:et.")
    csv_url: str = Field(description="Raderna som CSV.")
    json_url: str = Field(description="Raderna som en JSON-fil.")
    dictionary_url: str = Field(description="Datakatalogen: vad varje kolumn betyder.")

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation_name

    @staticmethod
    def resolve_occasion(obj) -> str:
        return obj.title

    @staticmethod
    def resolve_published_by(obj) -> str:
        return obj.published_by_name

    @staticmethod
    def resolve_rows_url(obj) -> str:
        return reverse("api:published_rows", args=[obj.pk])

    @staticmethod
    def resolve_csv_url(obj) -> str:
        return reverse("public:snapshot_csv", args=[obj.pk])

    @staticmethod
    def resolve_json_url(obj) -> str:
        return reverse("public:snapshot_json", args=[obj.pk])

    @staticmethod
    def resolve_dictionary_url(obj) -> str:
        return reverse("public:dictionary_json")


_TYPES = {"string": str, "date": str, "integer": int, "number": str}

# A row in the columns of the open data (the data dictionary describes
# each); numbers are exact decimal strings with a decimal point, as in the
# JSON file.
PublishedRowOut = create_model(
    "PublishedRowOut",
    **{
        c.name: (_TYPES[c.type] | None, Field(None, description=str(c.description)))
        for c in opendata.COLUMNS
    },
)


class PublishedFilter(Schema):
    year: Year | None = None


class RowFilter(Schema):
    kind: ItemKind | None = Field(None, description="Posttyp: goal, indicator, activity, …")
    unit_code: str | None = None


def _as_records(rows: list) -> None:
    """A page of snapshot rows as open data records, in place."""
    rows[:] = [opendata.record(row.snapshot, row) for row in rows]


def _open_or_404(snapshot_id: int):
    found = published.open_snapshots().filter(pk=snapshot_id).first()
    if found is None:
        raise Http404
    return found


@api.get(
    "/oppna-data/organisationer/{organisation_id}/publicerat",
    response=list[PublishedOut],
    url_name="published_list",
    tags=TAGS,
    auth=None,
)
@paged(ordering=("-pk",))
def published_list(request, organisation_id: Id, filters: Query[PublishedFilter]):
    """En organisations publicerade uppföljningar, senaste först, utan
    inloggning. Finns bara för organisationer som visar sin offentliga sida."""
    limits.check_address(request)
    if not published.public_page_on(organisation_id):
        raise Http404
    snapshots = published.open_snapshots().filter(organisation_id=organisation_id)
    if filters.year is not None:
        snapshots = snapshots.filter(year=filters.year)
    return snapshots


@api.get(
    "/oppna-data/publicerat/{snapshot_id}",
    response=PublishedOut,
    url_name="published",
    tags=TAGS,
    auth=None,
)
def published_detail(request, snapshot_id: Id):
    """En publicerad uppföljning: vem som publicerade vad och när, licensen
    och adresserna till raderna, CSV, JSON och datakatalogen."""
    limits.check_address(request)
    return _open_or_404(snapshot_id)


@api.get(
    "/oppna-data/uppfoljningstillfallen/{occasion_id}",
    response=PublishedOut,
    url_name="published_occasion",
    tags=TAGS,
    auth=None,
)
def published_occasion(request, occasion_id: Id):
    """Den senaste publiceringen av ett uppföljningstillfälle; 404 om det
    inte är publicerat."""
    limits.check_address(request)
    found = published.open_snapshots().filter(occasion_id=occasion_id).order_by("-pk").first()
    if found is None:
        raise Http404
    return found


@api.get(
    "/oppna-data/publicerat/{snapshot_id}/rader",
    response=list[PublishedRowOut],
    url_name="published_rows",
    tags=TAGS,
    auth=None,
)
@paged(after=_as_records)
def published_rows(request, snapshot_id: Id, filters: Query[RowFilter]):
    """De publicerade raderna: mål, nyckeltal med utfall och målvärden,
    aktiviteter, uppdrag och kontrollpunkter med bedömningar, status och
    analyser, som de var när uppföljningen publicerades. Kolumnerna är
    öppna datas (datakatalogen)."""
    limits.check_address(request)
    snapshot = _open_or_404(snapshot_id)
    rows = (
        published.rows_of(snapshot)
        .select_related("snapshot")
        .order_by()  # the pages' order is the cursor's (the publishing order)
    )
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.unit_code is not None:
        rows = rows.filter(unit_code=filters.unit_code)
    return rows
