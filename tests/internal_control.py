"""Test data: an Internkontrollplan with control points in several areas,
one shared down from the förvaltning, reported on at an occasion; a later
occasion where its measures are followed up."""

from __future__ import annotations

import datetime

from django.utils import timezone

from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, OccasionStep, ReportingTask
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.planning import services as planning

CONTROL_POINTS = [
    # area, Nr, process, kontrollmoment, kontrollmetod
    (
        "Ekonomi",
        "1.10",
        "Leverantörsfakturor",
        "Att fakturor attesteras i tid",
        "Stickprov om 20 fakturor",
    ),
    (
        "Ekonomi",
        "1.2",
        "Representation",
        "Att regler för representation följs",
        "Granskning av samtliga verifikationer",
    ),
    (
        "HR",
        "2.1",
        "Löneutbetalning",
        "Att behörigheter i lönesystemet är aktuella",
        "Jämförelse mot förteckning över anställda",
    ),
    (
        "",
        "3",
        "Dokumenthantering",
        "Att diarieföring sker enligt rutin",
        "Stickprov i ärendehanteringssystemet",
    ),
    (
        "Ekonomi",
        "1.1",
        "Kassahantering",
        "Att kassor stäms av månadsvis",
        "Genomgång av avstämningar",
    ),
]


def value(plan_type, label: str) -> ScaleValue:
    return ScaleValue.objects.get(scale=plan_type.control_scale, label=label)


def make_ik(org, chain, occasion):
    """Individ och familj's Internkontrollplan: four own control points and
    one shared down from the förvaltning, reported on at the occasion."""
    model = chain["vp"].model
    ik_type = model.plan_types.get(name="Internkontrollplan")
    unit = org["avd_b"]
    plan = planning.plan_for(actor=access.SYSTEM, unit=unit, plan_type=ik_type)
    items = {}
    for order, (area, number, process, step, method) in enumerate(CONTROL_POINTS):
        items[number] = planning.item_create(
            actor=access.SYSTEM,
            plan=plan,
            kind=ItemKind.CONTROL_POINT,
            number=number,
            title=process,
            area=area,
            process=process,
            control_step=step,
            control_method=method,
            probability=2,
            consequence=3,
            order=order,
        )
    forv_plan = planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=ik_type)
    shared = planning.item_create(
        actor=access.SYSTEM,
        plan=forv_plan,
        kind=ItemKind.CONTROL_POINT,
        number="1.3",
        title="Avtalstrohet vid inköp",
        area="Ekonomi",
        process="Inköp",
        control_step="Att inköp görs från upphandlade leverantörer",
        control_method="Analys av inköpsstatistik",
    )
    planning.item_share(actor=access.SYSTEM, item=shared, units=[unit])
    items["1.3"] = shared
    occasion.plan_types.add(ik_type)
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    task = ReportingTask.objects.get(occasion=occasion, unit=unit, plan_type=ik_type, reporter=None)
    for number, label, comment, measures in (
        ("1.1", "Genomförd utan anmärkning", "Alla avstämningar är gjorda och signerade.", ""),
        (
            "1.2",
            "Genomförd med anmärkning",
            "Två av åtta verifikationer saknade syfte.",
            "Rutinen förtydligas och utbildning ges i höst.",
        ),
        ("1.3", "Genomförd utan anmärkning", "Över 95 % av inköpen görs från avtal.", ""),
        (
            "2.1",
            "Genomförd med anmärkning",
            "Tre behörigheter för slutat personal kvarstod.",
            "Behörigheterna är borttagna; kontroll varje kvartal.",
        ),
    ):
        followup.report_save(
            actor=access.SYSTEM,
            task=task,
            item=items[number],
            data=followup.ReportData(
                assessment=value(ik_type, label), comment=comment, measures=measures
            ),
            version=0,
        )
    return {"plan": plan, "occasion": occasion, "items": items, "type": ik_type, "task": task}


def open_occasion(model, plan_type, name, period_end, kind=OccasionKind.ANNUAL):
    """A later occasion for the plan type, opened, its steps due in two weeks."""
    occ = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(model=model, kind=kind, name=name, period_end=period_end),
        plan_types=[plan_type],
    )
    followup.occasion_open(actor=access.SYSTEM, occasion=occ)
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occ).update(deadline=future)
    return occ
