"""Fixtures of the document tests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from styrhjul.followup import services as followup
from styrhjul.followup.models import IndicatorValue, OccasionStep, ReportingTask
from styrhjul.model.models import ScaleValue
from styrhjul.organisation import access
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item

ANALYSIS = (
    "Andelen behöriga ökar för tredje året i rad, men skillnaden mellan flickor och pojkar "
    "består. Läxhjälpen på fritidsgårdarna når fler elever än väntat.\n"
    "Vi bedömer att målet nås till 2026 om ökningstakten håller i sig."
)


def scale_value(kind: str, label: str) -> ScaleValue:
    return ScaleValue.objects.get(scale__kind=kind, label=label, scale__model__year=2025)


@pytest.fixture
def reported(org, chain, occasion):
    """The council goal assessed and analysed, the activity reported on, and
    the indicator with values, at the Delårsrapport 2025."""
    OccasionStep.objects.filter(occasion=occasion).update(
        deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    Item.objects.filter(pk=chain["indicator"].pk).update(direction="higher")
    for year, value in ((2023, 82), (2024, 84), (2025, 85)):
        IndicatorValue.objects.create(
            item=chain["indicator"], unit=org["kommun"], year=year, value=value
        )
    kommun_task = ReportingTask.objects.get(occasion=occasion, unit=org["kommun"], reporter=None)
    followup.report_save(
        actor=access.SYSTEM,
        task=kommun_task,
        item=chain["council"],
        data=followup.ReportData(
            assessment=scale_value("goal_assessment", "Goda förutsättningar att nå målet"),
            analysis=ANALYSIS,
        ),
        version=0,
    )
    unit_task = ReportingTask.objects.get(occasion=occasion, unit=org["enhet_b1"], reporter=None)
    followup.report_save(
        actor=access.SYSTEM,
        task=unit_task,
        item=chain["activity"],
        data=followup.ReportData(
            status=scale_value("activity_status", "Påbörjad"),
            comment="Startade i mars på två fritidsgårdar; fler platser än väntat.",
        ),
        version=0,
    )
    # The förvaltning's goal SF1 contributes to the nämnd's; link the activity
    # to the council goal too, so the council's chapter lists it.
    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["council"])
    return occasion
