"""Links to the review pages: "Underlag" on the reporting page for items the
units below report on, and "Översikt" on the year wheel for those who may see
the overview. Both are computed in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import services as followup
from styrhjul.followup.models import OccasionStep, ReportingTask
from styrhjul.followup.overview import viewable_occasion_ids
from styrhjul.followup.underlag import items_with_underlag
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, Plan
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(org, chain, occasion):
    """An indicator of Äldreomsorg's Verksamhetsplan, shared to its two enheter."""
    item = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["avd_a"], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        number="AO1.1",
        title="Andel nöjda brukare",
        measure_unit="%",
    )
    planning.item_share(actor=access.SYSTEM, item=item, units=[org["enhet_a1"], org["enhet_a2"]])
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    return item


def _task(occasion, unit, plan_type):
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=plan_type, reporter=None
    )


def _underlag_url(task, item):
    return reverse("followup:underlag", args=[task.pk, item.pk])


def test_helper_shared_and_contributing_items(org, chain, occasion, shared):
    avd_task = _task(occasion, org["avd_a"], chain["vp"])
    assert items_with_underlag(avd_task, [shared]) == {shared.pk}
    forv_task = _task(occasion, org["forv"], chain["vp"])
    # The förvaltning's goal: the activity of Barn och unga contributes to it.
    # The förvaltning's own indicator (no share, no contributor) has none.
    own = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        title="Sjukfrånvaro",
    )
    assert items_with_underlag(forv_task, [chain["operational"], own, shared.pk]) == {
        chain["operational"].pk,
        shared.pk,
    }
    # Transitively: the nämnd's goal, through the förvaltning's goal.
    namnd_task = _task(occasion, org["namnd"], chain["vp"])
    assert items_with_underlag(namnd_task, [chain["board"].pk]) == {chain["board"].pk}
    # An enhet has nothing below it.
    enhet_task = _task(occasion, org["enhet_a1"], chain["vp"])
    assert items_with_underlag(enhet_task, [shared]) == set()
    assert items_with_underlag(enhet_task, []) == set()


def test_helper_ignores_ended_shares_archived_items_and_closed_units(org, chain, occasion, shared):
    avd_task = _task(occasion, org["avd_a"], chain["vp"])
    planning.item_unshare(actor=access.SYSTEM, item=shared, unit=org["enhet_a1"])
    assert items_with_underlag(avd_task, [shared]) == {shared.pk}
    planning.item_unshare(actor=access.SYSTEM, item=shared, unit=org["enhet_a2"])
    assert items_with_underlag(avd_task, [shared]) == set()

    forv_task = _task(occasion, org["forv"], chain["vp"])
    Item.objects.filter(pk=chain["activity"].pk).update(archived_at=timezone.now())
    assert items_with_underlag(forv_task, [chain["operational"]]) == set()
    Item.objects.filter(pk=chain["activity"].pk).update(archived_at=None)
    org["enhet_b1"].valid_to = datetime.date(2025, 1, 31)
    org["enhet_b1"].save()
    assert items_with_underlag(forv_task, [chain["operational"]]) == set()


def test_helper_only_counts_units_the_user_reads(org, chain, occasion, shared):
    avd_task = _task(occasion, org["avd_a"], chain["vp"])
    only_avdelning = UserFactory()
    grant(only_avdelning, org["avd_a"], Role.MANAGER, subtree=False)
    assert items_with_underlag(avd_task, [shared], only_avdelning) == set()
    avdelningschef = UserFactory()
    grant(avdelningschef, org["avd_a"], Role.MANAGER)
    assert items_with_underlag(avd_task, [shared], avdelningschef) == {shared.pk}


def test_underlag_link_on_the_reporting_page(client, org, chain, occasion, shared):
    avd_task = _task(occasion, org["avd_a"], chain["vp"])
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    html = client.get(reverse("followup:task", args=[avd_task.pk])).content.decode()
    assert f'href="{_underlag_url(avd_task, shared)}"' in html
    assert html.count('class="underlag-link"') == 1

    # The enhet reporting on the shared item gets no link: nothing below it.
    enhet_task = _task(occasion, org["enhet_a1"], chain["vp"])
    enhetschef = UserFactory()
    grant(enhetschef, org["enhet_a1"], Role.MANAGER)
    client.force_login(enhetschef)
    html = client.get(reverse("followup:task", args=[enhet_task.pk])).content.decode()
    assert "underlag-link" not in html
    assert "/underlag/" not in html

    # The förvaltning: its goal has a contributing activity below.
    forv_task = _task(occasion, org["forv"], chain["vp"])
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(reverse("followup:task", args=[forv_task.pk])).content.decode()
    assert f'href="{_underlag_url(forv_task, chain["operational"])}"' in html
    assert html.count('class="underlag-link"') == 1


def test_underlag_link_stays_after_an_htmx_save(client, org, chain, occasion, shared):
    avd_task = _task(occasion, org["avd_a"], chain["vp"])
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    green = chain["vp"].indicator_scale.values.order_by("order").first()
    response = client.post(
        reverse("followup:report_item", args=[avd_task.pk, shared.pk]),
        {
            f"post-{shared.pk}-assessment": green.pk,
            f"post-{shared.pk}-comment": "Bra",
            f"post-{shared.pk}-version": 0,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'href="{_underlag_url(avd_task, shared)}"' in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_underlag_links_in_a_fixed_number_of_queries(client, org, chain, occasion, shared):
    avd_task = _task(occasion, org["avd_a"], chain["vp"])
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    url = reverse("followup:task", args=[avd_task.pk])
    few = _queries(client, url)
    plan = Plan.objects.get(unit=org["avd_a"], plan_type=chain["vp"])
    enheter = [UnitFactory(parent=org["avd_a"]) for _ in range(5)]
    for n in range(8):
        item = Item.objects.create(plan=plan, kind=ItemKind.INDICATOR, title=f"Nyckeltal {n}")
        planning.item_share(actor=access.SYSTEM, item=item, units=enheter)
    many = _queries(client, url)
    html = client.get(url).content.decode()
    assert html.count('class="underlag-link"') == 9
    # The items themselves may cost what they cost on the page; the links do not.
    items = list(Item.objects.filter(plan=plan))
    avd_task = ReportingTask.objects.select_related("occasion__model").get(pk=avd_task.pk)
    access.rights(chef)  # cached for the request in the view
    with CaptureQueriesContext(connection) as ctx:
        assert items_with_underlag(avd_task, items, chef) == {i.pk for i in items}
    assert len(ctx.captured_queries) == 1
    assert many == few


def test_overview_link_on_the_year_wheel(client, org, chain, occasion):
    url = reverse("followup:year_wheel", args=[2025])
    overview = reverse("followup:overview", args=[occasion.pk])

    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    client.force_login(owner)
    assert f'href="{overview}"' in client.get(url).content.decode()

    # A model owner further down sees the overview of their units' tasks.
    avd_owner = UserFactory()
    grant(avd_owner, org["avd_b"], Role.MODEL_OWNER)
    client.force_login(avd_owner)
    assert f'href="{overview}"' in client.get(url).content.decode()
    assert client.get(overview).status_code == 200

    # A chef reads the wheel but does not see the overview.
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)
    html = client.get(url).content.decode()
    assert occasion.name in html
    assert f'href="{overview}"' not in html
    assert client.get(overview).status_code == 404


def test_viewable_occasions_match_may_view(org, chain, occasion):
    from styrhjul.followup.overview import may_view

    users = []
    for unit, role in (
        ("kommun", Role.MODEL_OWNER),
        ("avd_b", Role.MODEL_OWNER),
        ("enhet_b1", Role.MANAGER),
        ("enhet_a1", Role.MODEL_OWNER),
    ):
        user = UserFactory()
        grant(user, org[unit], role)
        users.append(user)
    users.append(UserFactory(is_superuser=True))
    for user in users:
        expected = {occasion.pk} if may_view(user, occasion) else set()
        assert viewable_occasion_ids(user, [occasion]) == expected, user


def test_overview_links_in_a_fixed_number_of_queries(client, org, chain, occasion):
    avd_owner = UserFactory()
    grant(avd_owner, org["avd_b"], Role.MODEL_OWNER)
    client.force_login(avd_owner)
    url = reverse("followup:year_wheel", args=[2025])
    few = _queries(client, url)
    from styrhjul.followup.models import FollowUpOccasion, OccasionKind

    for n in range(4):
        other = followup.occasion_save(
            actor=access.SYSTEM,
            occasion=FollowUpOccasion(
                model=occasion.model,
                kind=OccasionKind.INTERIM,
                name=f"Månadsrapport {n}",
                period_end=datetime.date(2025, 3 + n, 28),
            ),
            plan_types=[chain["ap"]],
        )
        followup.occasion_open(actor=access.SYSTEM, occasion=other)
    html = client.get(url).content.decode()
    assert html.count("/oversikt/") == 5
    occasions = list(occasion.model.occasions.select_related("model"))
    access.rights(avd_owner)  # cached for the request in the view
    with CaptureQueriesContext(connection) as ctx:
        assert viewable_occasion_ids(avd_owner, occasions) == {o.pk for o in occasions}
    assert len(ctx.captured_queries) == 1
    assert _queries(client, url) == few
