"""Two published follow-ups for the tests of comparison and the browser."""

from __future__ import annotations

import datetime

from django.utils import timezone

from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStep, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.organisation import access
from styrhjul.public.services import occasion_publish
from tests.conftest import ANALYSIS, scale_value


def publish_two(reported, org, chain, model_owner):
    """The Delårsrapport published, then the Årsbokslut: the council goal
    moved from green to yellow with a rewritten analysis, the indicator's
    outcome raised from 85 to 86."""
    OccasionStep.objects.filter(occasion=reported).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    interim = occasion_publish(actor=model_owner, occasion=reported)
    annual = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=reported.model,
            kind=OccasionKind.ANNUAL,
            name="Årsbokslut 2025",
            period_end=datetime.date(2025, 12, 31),
        ),
        plan_types=[chain["vp"], chain["ap"]],
    )
    followup.occasion_open(actor=access.SYSTEM, occasion=annual)
    task = ReportingTask.objects.get(occasion=annual, unit=org["kommun"], reporter=None)
    followup.report_save(
        actor=access.SYSTEM,
        task=task,
        item=chain["council"],
        data=followup.ReportData(
            assessment=scale_value("goal_assessment", "Rätt riktning men för långsamt"),
            analysis=ANALYSIS.replace("ökar för tredje året", "minskar för första året"),
        ),
        version=0,
    )
    IndicatorValue.objects.filter(item=chain["indicator"], year=2025).update(value=86)
    followup.occasion_close(actor=access.SYSTEM, occasion=annual)
    annual.refresh_from_db()
    return interim, occasion_publish(actor=model_owner, occasion=annual)
