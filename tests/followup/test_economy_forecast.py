"""The helårsprognos at an occasion that follows up the economy: the
forecasts rolled up over the organisation tree (forecast_totals) and the
comments and measures per unit (forecast_comments)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import ReportRow
from styrhjul.followup import economy, services
from styrhjul.followup.models import (
    FollowUpOccasion,
    Forecast,
    ForecastMeasure,
    ForecastRow,
    OccasionKind,
)
from styrhjul.organisation import access


@pytest.fixture
def rows(org):
    ensure_default_rows(org["kommun"])
    return {r.name: r for r in ReportRow.objects.filter(organisation=org["kommun"])}


@pytest.fixture
def march(org, model):
    occasion = FollowUpOccasion(
        model=model,
        kind=OccasionKind.MONTHLY,
        name="Månadsrapport mars",
        period_end=datetime.date(2025, 3, 31),
        follows_economy=True,
        asks_forecast=True,
    )
    return services.occasion_save(actor=access.SYSTEM, occasion=occasion, plan_types=[])


def forecast(occasion, unit, amounts: dict, comment="", row_comments=None):
    f = Forecast.objects.create(occasion=occasion, unit=unit, comment=comment)
    for row, amount in amounts.items():
        ForecastRow.objects.create(
            forecast=f,
            row=row,
            amount=Decimal(amount),
            comment=(row_comments or {}).get(row, ""),
        )
    return f


def test_forecasts_are_summed_over_the_subtree_with_the_total_row(org, rows, march):
    staff, income, net = (
        rows["Personalkostnader"],
        rows["Verksamhetens intäkter"],
        rows["Nettokostnad"],
    )
    forecast(march, org["enhet_a1"], {staff: "-1000", income: "200"})
    forecast(march, org["enhet_a2"], {staff: "-500"})
    forecast(march, org["avd_a"], {staff: "-100"})
    forecast(march, org["enhet_b1"], {staff: "-7"})
    totals = economy.forecast_totals(
        march, [org["avd_a"], org["enhet_a2"], org["avd_b"], org["enhet_b2"]]
    )
    assert totals[org["avd_a"].pk][staff.pk] == Decimal("-1600")
    assert totals[org["avd_a"].pk][income.pk] == Decimal("200")
    assert totals[org["avd_a"].pk][net.pk] == Decimal("-1400")
    assert totals[org["enhet_a2"].pk][staff.pk] == Decimal("-500")
    assert totals[org["enhet_a2"].pk][income.pk] == Decimal("0")
    assert totals[org["avd_b"].pk][net.pk] == Decimal("-7")
    # A unit none of whose subtree has forecast is absent.
    assert org["enhet_b2"].pk not in totals
    # The förvaltning has all of them.
    whole = economy.forecast_totals(march, [org["forv"].pk])
    assert whole[org["forv"].pk][net.pk] == Decimal("-1407")


def test_comments_and_measures_per_unit_own_first_then_the_subtree(org, rows, march):
    staff = rows["Personalkostnader"]
    a1 = forecast(
        march,
        org["enhet_a1"],
        {staff: "-1000"},
        comment="Fler vikarier än planerat.",
        row_comments={staff: "Sjukfrånvaron är hög."},
    )
    ForecastMeasure.objects.create(
        forecast=a1,
        text="Färre vikarier",
        responsible="Enhetschefen",
        due=datetime.date(2025, 6, 30),
    )
    forecast(march, org["avd_a"], {staff: "0"}, comment="Avdelningen håller budget.")
    found = economy.forecast_comments(march, [org["avd_a"], org["enhet_b1"]])
    assert [c.unit_name for c in found[org["avd_a"].pk]] == [
        "Äldreomsorg",
        "Solgårdens äldreboende",
    ]
    own, sub = found[org["avd_a"].pk]
    assert own.comment == "Avdelningen håller budget."
    assert sub.row_comments == {staff.pk: "Sjukfrånvaron är hög."}
    assert [m.text for m in sub.measures] == ["Färre vikarier"]
    assert found[org["enhet_b1"].pk] == []
