"""Reads of the stored Kolada data for the pages. Nothing here touches the
network: the pages show what the last sync stored (docs/kolada.md).
`normalise_kpi` (planning.models, with the indicator's Kolada id) is how
every part of the code writes a Kolada id."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import Q

from styrhjul.planning.models import normalise_kpi

from .models import KoladaKpi, KoladaSettings, KoladaSyncLog

ATTRIBUTION = "Källa: Kolada (RKA)"


def kpi(kpi_id: str) -> KoladaKpi | None:
    """The stored definition of a KPI, or None before it has been synced."""
    return KoladaKpi.objects.filter(pk=normalise_kpi(kpi_id)).first()


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


def sync_status(organisation, settings_obj: KoladaSettings | None) -> SyncStatus:
    """When Kolada was last synced for the organisation, what it brought and
    whether a later attempt failed (for "Senast hämtat från Kolada …").
    `settings_obj` is the organisation's settings (settings_for), which the
    caller has read already."""
    last_ok = settings_obj.last_synced_at if settings_obj else None
    failures = KoladaSyncLog.objects.filter(organisation=organisation, ok=False)
    if last_ok:
        failures = failures.filter(started_at__gt=last_ok)
    return SyncStatus(
        last_ok,
        settings_obj.last_sync_summary if settings_obj else "",
        failures.order_by("-started_at", "-pk").first(),
    )
