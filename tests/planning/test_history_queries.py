"""The goal tree and the risk analysis of a year are the same, and cost the
same number of queries, whether or not other years' models, plans, items,
links and shares are in the database (docs/prestanda.md: issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.model.models import GovernanceModel
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item
from tests.factories import UserFactory, grant
from tests.planning.test_risk import control_point

pytestmark = pytest.mark.django_db

ASSESSMENT = "Goda förutsättningar att nå målet"


def add_years(organisation, count: int) -> None:
    """`count` more years, each a copy of the latest: its plans, items,
    links and shares."""
    for _ in range(count):
        latest = GovernanceModel.objects.filter(organisation=organisation).latest("year")
        services.model_copy_to_next_year(actor=access.SYSTEM, model=latest)


def fetch(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_goal_tree_is_the_same_with_other_years_in_the_database(client, org, chain, reported):
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("planning:goal_tree", args=[2025])
    queries, body = fetch(client, url)
    assert ASSESSMENT in body  # the council goal's assessment at the Delårsrapport

    add_years(org["kommun"], 2)
    assert GovernanceModel.objects.filter(organisation=org["kommun"]).count() == 3
    assert Item.objects.filter(title=chain["council"].title).count() == 3

    queries_after, body_after = fetch(client, url)
    assert queries_after == queries
    for text in (chain["council"].title, chain["board"].title, chain["operational"].title):
        assert body_after.count(text) == body.count(text) == 1
    assert body_after.count(ASSESSMENT) == body.count(ASSESSMENT)

    # A later year's tree shows its own goals, without 2025's assessment.
    later = fetch(client, reverse("planning:goal_tree", args=[2027]))[1]
    assert later.count(chain["council"].title) == 1
    assert ASSESSMENT not in later


def test_the_risk_analysis_is_the_same_with_other_years_in_the_database(client, org, model):
    plan_type = model.plan_types.get(name="Internkontrollplan")
    ik_plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=plan_type)
    risks = [
        control_point(ik_plan, "K1", "Felaktiga utbetalningar", 4, 3),
        control_point(ik_plan, "K2", "Sen fakturering", 1, 2),
        control_point(ik_plan, "K3", "Ej bedömd rutin"),
    ]
    manager = UserFactory()
    grant(manager, org["enhet_b1"], Role.MANAGER)
    client.force_login(manager)
    url = reverse("planning:risk", args=[ik_plan.pk])
    queries, body = fetch(client, url)

    add_years(org["kommun"], 2)
    copies = Item.objects.filter(title="Felaktiga utbetalningar")
    assert sorted(copies.values_list("plan__plan_type__model__year", flat=True)) == [
        2025,
        2026,
        2027,
    ]

    queries_after, body_after = fetch(client, url)
    assert queries_after == queries
    for risk in risks:
        assert body_after.count(risk.title) == body.count(risk.title) > 0
