"""Reads of the stored Kolada data for the pages. Nothing here touches the
network: the pages show what the last sync stored (docs/kolada.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from .models import (
    KoladaKpi,
    KoladaMunicipality,
    KoladaOu,
    KoladaSettings,
    KoladaSyncLog,
    KoladaValue,
)

ATTRIBUTION = "Källa: Kolada (RKA)"
GENDER_ORDER = {"T": 0, "K": 1, "M": 2}


class KoladaValueRow(NamedTuple):
    """A stored value, for a municipality or region (ou_id empty) or for a
    Kolada unit."""

    kpi_id: str
    municipality_id: str
    municipality_title: str
    ou_id: str
    ou_title: str
    period: int
    gender: str
    value: Decimal | None
    status: str
    count: int | None


def _years_filter(years) -> Q:
    if years is None:
        return Q()
    if isinstance(years, range) and years.step == 1:
        return Q(period__gte=years.start, period__lt=years.stop)
    return Q(period__in=list(years))


def values_for(
    kpi_id: str,
    municipality_ids: list[str],
    years=None,
    genders: list[str] | None = None,
) -> list[KoladaValueRow]:
    """The stored municipality-level values of one KPI for the municipalities
    and regions (e.g. the own one, similar ones, the county, "0000" Riket),
    for `years` (an iterable or range; None: every stored year) and
    `genders` (None: T, K and M). Ordered by year, then in the order of
    `municipality_ids`, then T, K, M. Two queries, whatever the size."""
    ids = list(dict.fromkeys(municipality_ids))
    if not ids or not kpi_id:
        return []
    rows = KoladaValue.objects.filter(
        _years_filter(years),
        kpi_id=kpi_id,
        municipality_id__in=ids,
        ou_id="",
    )
    if genders is not None:
        rows = rows.filter(gender__in=list(genders))
    data = list(rows.values_list("municipality_id", "period", "gender", "value", "status", "count"))
    titles = dict(KoladaMunicipality.objects.filter(id__in=ids).values_list("id", "title"))
    order = {m: i for i, m in enumerate(ids)}
    data.sort(key=lambda r: (r[1], order[r[0]], GENDER_ORDER.get(r[2], 9)))
    return [
        KoladaValueRow(kpi_id, m, titles.get(m, m), "", "", period, gender, value, status, count)
        for m, period, gender, value, status, count in data
    ]


def ou_values_for(kpi_id: str, ou_ids: list[str], years=None) -> list[KoladaValueRow]:
    """The stored values of one KPI for Kolada units (schools, care homes …),
    ordered by year, unit order, T/K/M. Two queries."""
    ids = list(dict.fromkeys(ou_ids))
    if not ids or not kpi_id:
        return []
    data = list(
        KoladaValue.objects.filter(_years_filter(years), kpi_id=kpi_id, ou_id__in=ids).values_list(
            "municipality_id", "ou_id", "period", "gender", "value", "status", "count"
        )
    )
    titles = dict(KoladaOu.objects.filter(id__in=ids).values_list("id", "title"))
    order = {o: i for i, o in enumerate(ids)}
    data.sort(key=lambda r: (r[2], order[r[1]], GENDER_ORDER.get(r[3], 9)))
    return [
        KoladaValueRow(kpi_id, m, "", ou, titles.get(ou, ou), period, gender, value, status, n)
        for m, ou, period, gender, value, status, n in data
    ]


def kpi(kpi_id: str) -> KoladaKpi | None:
    """The stored definition of a KPI, or None before it has been synced."""
    return KoladaKpi.objects.filter(pk=(kpi_id or "").strip().upper()).first()


def search_kpis(text: str, limit: int = 20) -> list[KoladaKpi]:
    """Stored KPIs matching `text`: by id ("N217", "n21704") or by words that
    all occur in the title (case-insensitive, also for å, ä, ö). Exact id
    first, then ids starting with the text, then titles starting with it."""
    words = (text or "").split()
    if not words:
        return []
    query = Q()
    for word in words:
        # SQLite only folds ASCII case; non-ASCII words are matched in Python.
        if word.isascii():
            query &= Q(title__icontains=word) | Q(id__icontains=word)
    candidates = KoladaKpi.objects.filter(query).only(
        "id", "title", "operating_area", "municipality_type", "is_divided_by_gender"
    )
    folded = [w.casefold() for w in words]
    found = [
        k
        for k in candidates.order_by("id")[: max(limit * 50, 1000)]
        if all(w in k.title.casefold() or w in k.id.casefold() for w in folded)
    ]
    needle = text.strip().casefold()

    def rank(k: KoladaKpi):
        kid = k.id.casefold()
        return (
            kid != needle,
            not kid.startswith(needle),
            not k.title.casefold().startswith(needle),
            k.id,
        )

    return sorted(found, key=rank)[:limit]


def settings_for(organisation) -> KoladaSettings | None:
    """The organisation's Kolada settings, or None before they are made."""
    return KoladaSettings.objects.filter(organisation=organisation).first()


class SyncStatus(NamedTuple):
    last_synced_at: datetime.datetime | None
    summary: str
    last_failure: KoladaSyncLog | None  # a failed sync after the last good one


def sync_status(organisation) -> SyncStatus:
    """When Kolada was last synced for the organisation, what it brought and
    whether a later attempt failed (for "Senast hämtat från Kolada …")."""
    settings_obj = settings_for(organisation)
    last_ok = settings_obj.last_synced_at if settings_obj else None
    failures = KoladaSyncLog.objects.filter(organisation=organisation, ok=False)
    if last_ok:
        failures = failures.filter(started_at__gt=last_ok)
    return SyncStatus(
        last_ok,
        settings_obj.last_sync_summary if settings_obj else "",
        failures.order_by("-started_at", "-pk").first(),
    )
