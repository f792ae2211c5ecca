"""The demo's indicator targets per year and its small Kolada sample
(`styrhjul load-demo`).

Targets (history_data.TARGETS) are written on the model year's indicator
and on its copies in later years that have no targets per year yet (a copy
made after this runs gets them from "Kopiera till nästa år"), through the
same audit as the services, by the system.

The Kolada sample (fixtures/kolada_sample.json, described in
fixtures/KOLADA_SAMPLE.md) gives the Kolada-linked indicators values and
comparisons without a network: the KPI definitions, the municipalities, the
values, and Kolada settings for the demo organisation. Sjöbacka is invented
and has no municipality code, so the settings borrow a real one from the
recorded sample, Stockholm (0180), with Riket (0000), Region Stockholm and
the other recorded municipalities to compare with. Only the 2023 values of
N21704 for five municipalities are Kolada's real values; everything else in
the sample is made up and marked "synthetic" in the file. The made-up values
move with the demo's years (calendar.py), except those of N21704, which
surround the real ones; the real values keep their year.

One indicator has its values per age group (sjukfrånvaro, KF3.2, with the
organisation's uppdelning Åldersgrupp) and one has comparison values
entered by hand (NKI, KF5.1: riket, a group of municipalities and a
municipality), so the charts and comparisons of issue 18 have something to
show. Their figures are made up, and the sources say so.

Idempotent like the rest of the demo: rows are found by their keys and what
exists is left as it is. Once the organisation has been synced with Kolada
for real (KoladaSettings.last_synced_at), the sample is not written again.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from styrhjul.core.audit import set_actor
from styrhjul.kolada.models import KoladaKpi, KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.kolada.services import settings_save
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import IndicatorTarget, Item

from . import history_data
from .calendar import DemoCalendar

# Under fixtures/ so that it is packaged with the code (pyproject.toml's
# package-data); it is not a Django fixture: load-demo reads it itself.
SAMPLE = Path(__file__).with_name("fixtures") / "kolada_sample.json"
GENDERS = ("T", "K", "M")


@dataclass
class IndicatorSummary:
    targets_created: int = 0
    kpis_created: int = 0
    municipalities_created: int = 0
    values_created: int = 0
    settings_created: bool = False
    breakdown_values_created: int = 0
    comparison_values_created: int = 0

    @property
    def changed(self) -> bool:
        return any(self.__dict__.values())


def load_indicators(root: Unit, cal: DemoCalendar) -> IndicatorSummary:
    """Targets per year and the Kolada sample, whatever is missing (called
    from load_demo after the model and its follow-up, before the model is
    copied forward, in its transaction)."""
    summary = IndicatorSummary()
    _targets(summary, root, cal)
    _kolada(summary, root, cal)
    _breakdowns(summary, root, cal)
    _comparisons(summary, root, cal)
    return summary


def _targets(summary: IndicatorSummary, root: Unit, cal: DemoCalendar) -> None:
    # Indicator numbers are unique in the whole demo (model_data).
    numbers = dict(
        Item.objects.filter(
            plan__plan_type__model__organisation=root,
            plan__plan_type__model__year=cal.last_year,
            kind=ItemKind.INDICATOR,
            number__in=list(history_data.TARGETS),
        ).values_list("series", "number")
    )
    # The indicator and its copies in later years (the same series).
    items = list(
        Item.objects.filter(
            plan__plan_type__model__organisation=root,
            plan__plan_type__model__year__gte=cal.last_year,
            series__in=list(numbers),
        ).values_list("pk", "series")
    )
    having = set(
        IndicatorTarget.objects.filter(item_id__in=[pk for pk, _s in items]).values_list(
            "item_id", flat=True
        )
    )
    targets = cal.shift(history_data.TARGETS)
    for pk, series in items:
        if pk in having:
            continue  # someone set the targets per year; leave them
        for year, value in sorted(targets[numbers[series]].items()):
            target = IndicatorTarget(item_id=pk, year=year, value=value)
            set_actor(target, access.SYSTEM)
            target.save()
            summary.targets_created += 1


def read_sample(path: Path = SAMPLE) -> dict:
    """The sample file, numbers as Decimal (so recorded values stay exact)."""
    with path.open(encoding="utf-8") as file:
        return json.load(file, parse_float=Decimal, parse_int=Decimal)


def _kolada(summary: IndicatorSummary, root: Unit, cal: DemoCalendar) -> None:
    settings = KoladaSettings.objects.filter(organisation=root).first()
    if settings is not None and settings.last_synced_at is not None:
        return  # real Kolada data; the sample stays out of it
    sample = read_sample()
    if settings is None:
        settings_save(
            actor=access.SYSTEM,
            organisation=root,
            municipality_id=sample["municipality_id"],
            comparison_ids=sample["comparison_ids"],
        )
        summary.settings_created = True

    now = timezone.now()
    kpis = sample["kpis"]["rows"]
    ids = [k["id"] for k in kpis]
    have = set(KoladaKpi.objects.filter(id__in=ids).values_list("id", flat=True))
    new_kpis = [
        KoladaKpi(
            id=k["id"],
            title=k["title"],
            description=k.get("description", ""),
            is_divided_by_gender=k.get("is_divided_by_gender", False),
            municipality_type=k.get("municipality_type", ""),
            fetched_at=now,
        )
        for k in kpis
        if k["id"] not in have
    ]
    KoladaKpi.objects.bulk_create(new_kpis)
    summary.kpis_created = len(new_kpis)

    places = sample["municipalities"]["rows"]
    have = set(
        KoladaMunicipality.objects.filter(id__in=[p[0] for p in places]).values_list(
            "id", flat=True
        )
    )
    new_places = [
        KoladaMunicipality(id=code, title=title, type=kind)
        for code, title, kind in places
        if code not in have
    ]
    KoladaMunicipality.objects.bulk_create(new_places)
    summary.municipalities_created = len(new_places)

    have = set(
        KoladaValue.objects.filter(kpi_id__in=[k["id"] for k in kpis], ou_id="").values_list(
            "kpi_id", "municipality_id", "period", "gender"
        )
    )
    # Kolada's real values keep their years, and so do the made-up ones of a
    # KPI that has real ones, so that its series stays whole around them; the
    # other made-up series move with the demo's years.
    recorded = {row[0] for b in sample["values"] if not b["synthetic"] for row in b["rows"]}
    new_values = []
    for block in sample["values"]:
        count = int(block["count"]) if block["count"] is not None else None
        for kpi, municipality, period, *by_gender in block["rows"]:
            year = int(period)
            if block["synthetic"] and kpi not in recorded:
                year = cal.year(year)
            for gender, value in zip(GENDERS, by_gender, strict=True):
                key = (kpi, municipality, year, gender)
                if value is None or key in have:
                    continue
                have.add(key)
                new_values.append(
                    KoladaValue(
                        kpi_id=kpi,
                        municipality_id=municipality,
                        period=year,
                        gender=gender,
                        value=value,
                        status=block["status"],
                        count=count,
                    )
                )
    KoladaValue.objects.bulk_create(new_values, batch_size=500)
    summary.values_created = len(new_values)


# Sjukfrånvaro per åldersgrupp (made up, around the totals of KF3.2).
AGE_GROUPS = ("29 år eller yngre", "30–49 år", "50 år eller äldre")
SICK_LEAVE_BY_AGE = {
    2023: ("6.9", "8.7", "10.2"),
    2024: ("6.7", "8.4", "9.9"),
    2025: ("6.4", "8.1", "9.6"),
}
# NKI för myndighetsutövningen: comparison values as SKR's Insikt publishes
# them (made up here).
NKI_SOURCE = "SKR, Insikt (påhittade värden i demon)"
NKI_COMPARISONS = (
    ("country", "Riket", {2022: "71", 2023: "70", 2024: "71"}),
    ("group", "Liknande kommuner", {2022: "69", 2023: "69", 2024: "70"}),
    ("municipality", "Åsby kommun", {2022: "73", 2023: "72", 2024: "74"}),
)


def _last_years_indicator(root: Unit, cal: DemoCalendar, number: str) -> Item | None:
    return (
        Item.objects.filter(
            plan__plan_type__model__organisation=root,
            plan__plan_type__model__year=cal.last_year,
            kind=ItemKind.INDICATOR,
            number=number,
        )
        .select_related("plan__unit", "plan__plan_type__model")
        .first()
    )


def _breakdowns(summary: IndicatorSummary, root: Unit, cal: DemoCalendar) -> None:
    from styrhjul.indicators import services
    from styrhjul.indicators.models import BreakdownDimension, BreakdownValue

    item = _last_years_indicator(root, cal, "KF3.2")
    if item is None:
        return
    dimension = BreakdownDimension.objects.filter(organisation=root, name="Åldersgrupp").first()
    if dimension is None:
        dimension = services.save_dimension(
            actor=access.SYSTEM, organisation=root, name="Åldersgrupp", categories=list(AGE_GROUPS)
        )
    categories = {c.label: c for c in dimension.categories.all()}
    if set(AGE_GROUPS) - set(categories):
        return  # someone changed the groups; leave them
    unit = item.plan.unit
    having = set(
        BreakdownValue.objects.filter(item__series=item.series, unit=unit).values_list(
            "year", "category_id"
        )
    )
    for year, values in SICK_LEAVE_BY_AGE.items():
        year = cal.year(year)
        wanted = {
            categories[label].pk: Decimal(value)
            for label, value in zip(AGE_GROUPS, values, strict=True)
            if (year, categories[label].pk) not in having
        }
        if wanted:
            summary.breakdown_values_created += services.save_breakdown(
                actor=access.SYSTEM,
                item=item,
                unit=unit,
                dimension=dimension,
                year=year,
                values=wanted,
            )


def _comparisons(summary: IndicatorSummary, root: Unit, cal: DemoCalendar) -> None:
    from styrhjul.indicators import services
    from styrhjul.indicators.models import ComparisonValue

    item = _last_years_indicator(root, cal, "KF5.1")
    if item is None:
        return
    having = set(
        ComparisonValue.objects.filter(item__series=item.series).values_list("name", "year")
    )
    for kind, name, values in NKI_COMPARISONS:
        for year, value in values.items():
            year = cal.year(year)
            if (name, year) in having:
                continue
            services.save_comparison(
                actor=access.SYSTEM,
                item=item,
                kind=kind,
                name=name,
                year=year,
                value=Decimal(value),
                source=NKI_SOURCE,
                source_date=datetime.date(year + 1, 4, 15),
            )
            summary.comparison_values_created += 1
