"""What a unit last reported on an item shows where the item is: on the item
page, in its plan, in the red thread of the items above and below it, and in
the goal tree. The status comes from the follow-up read model's rule (the
latest occasion where the item has its main answer); an item without a
report shows nothing."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.followup import services
from styrhjul.followup.models import FollowUpOccasion, OccasionKind, ReportingTask
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Item
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def during_the_interim_follow_up():
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 7, 1)):
        yield


@pytest.fixture
def chef_b1(client, org):
    chef = UserFactory(first_name="Berit")
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)
    return chef


@pytest.fixture
def annual(chain):
    """Årsredovisning 2025, a later occasion (without deadlines: open)."""
    occasion = services.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=chain["ap"].model,
            kind=OccasionKind.ANNUAL,
            name="Årsredovisning 2025",
            period_end=datetime.date(2025, 12, 31),
        ),
        plan_types=[chain["vp"], chain["ap"]],
    )
    services.occasion_open(actor=access.SYSTEM, occasion=occasion)
    return occasion


def status(chain, label):
    return ScaleValue.objects.get(scale=chain["ap"].activity_scale, label=label)


def report(occasion, unit, plan_type, item, version=0, **data):
    task = ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=plan_type, reporter=None
    )
    return services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=item,
        data=services.ReportData(**data),
        version=version,
    )


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def report_started(org, chain, occasion):
    report(
        occasion,
        org["enhet_b1"],
        chain["ap"],
        chain["activity"],
        status=status(chain, "Påbörjad"),
        completion=40,
        comment="Läxhjälpen har startat på två fritidsgårdar.",
    )


def test_the_reported_status_shows_on_the_item_its_plan_and_the_red_thread(
    client, org, chain, occasion, chef_b1
):
    report_started(org, chain, occasion)
    pages = {
        "item": page(client, "planning:item", chain["activity"].pk),
        "plan": page(client, "planning:plan", chain["activity"].plan_id),
        # The activity in the red thread down from the goal it contributes to.
        "thread": page(client, "planning:item", chain["operational"].pk),
    }
    for name, body in pages.items():
        assert "Påbörjad" in body, name
        assert f"40{NBSP}%" in body, name
        assert "Läxhjälpen har startat på två fritidsgårdar." in body, name
        assert "Delårsrapport 2025" in body, name
        # The symbol is decorative; the text says the status.
        assert '<span class="scale-value__symbol" aria-hidden="true"' in body, name
    assert "Senaste uppföljning" in pages["item"]


def test_the_goal_tree_shows_a_goals_assessment(client, org, chain, occasion, model_owner):
    client.force_login(model_owner)
    good = ScaleValue.objects.get(
        scale=chain["vp"].goal_scale, label="Goda förutsättningar att nå målet"
    )
    report(
        occasion,
        org["forv"],
        chain["vp"],
        chain["operational"],
        assessment=good,
        comment="Samverkan med skolan är igång.",
    )
    body = page(client, "planning:goal_tree", 2025)
    assert "Goda förutsättningar att nå målet" in body
    assert "Delårsrapport 2025" in body
    # The tree of thousands of goals is scanned: the comment stands on the
    # goal's page, one link away.
    assert "Samverkan med skolan är igång." not in body
    assert "item-status__comment" not in body
    item = page(client, "planning:item", chain["operational"].pk)
    assert "Samverkan med skolan är igång." in item


def test_a_long_comment_is_cut_in_the_plan_and_whole_on_the_item_page(
    client, org, chain, occasion, chef_b1
):
    words = "  Läxhjälpen når fler elever än väntat. " * 10  # 400 characters, spaces around
    report(
        occasion,
        org["enhet_b1"],
        chain["ap"],
        chain["activity"],
        status=status(chain, "Påbörjad"),
        completion=40,
        comment=words,
    )
    plan = page(client, "planning:plan", chain["activity"].plan_id)
    cut = words.strip()[:159].rstrip() + "…"
    assert f'<span class="item-status__comment">{cut}</span>' in plan
    item = page(client, "planning:item", chain["activity"].pk)
    assert words.strip() in item


def test_a_comment_of_blanks_only_is_not_a_main_answer(client, org, chain, occasion, chef_b1):
    # An activity in a plan type without a status scale: the comment is the
    # main answer, and blanks do not count, also when cut in the database.
    plan_type = chain["ap"]
    plan_type.activity_scale = None
    plan_type.save()
    blank = report(occasion, org["enhet_b1"], plan_type, chain["activity"], comment=" \u3000\n ")
    assert "item-status" not in page(client, "planning:plan", chain["activity"].plan_id)
    report(
        occasion,
        org["enhet_b1"],
        plan_type,
        chain["activity"],
        version=blank.version,
        comment="\n  Klart nu.",
    )
    body = page(client, "planning:plan", chain["activity"].plan_id)
    assert '<span class="item-status__label">Rapporterad</span>' in body
    assert "Klart nu." in body


def test_a_later_occasions_report_replaces_the_earlier(
    client, org, chain, occasion, annual, chef_b1
):
    report_started(org, chain, occasion)
    report(
        annual,
        org["enhet_b1"],
        chain["ap"],
        chain["activity"],
        status=status(chain, "Klar"),
        completion=100,
        comment="Genomförd hela året.",
    )
    body = page(client, "planning:item", chain["activity"].pk)
    assert "Klar" in body and f"100{NBSP}%" in body and "Genomförd hela året." in body
    assert "Årsredovisning 2025" in body
    assert "Påbörjad" not in body and "Delårsrapport 2025" not in body


def test_a_later_report_without_its_main_answer_does_not_replace_it(
    client, org, chain, occasion, annual, chef_b1
):
    report_started(org, chain, occasion)
    # Påbörjad at the later occasion (a comment, no status): not reported there.
    report(annual, org["enhet_b1"], chain["ap"], chain["activity"], comment="Skriver snart.")
    body = page(client, "planning:item", chain["activity"].pk)
    assert "Delårsrapport 2025" in body and f"40{NBSP}%" in body
    assert "Skriver snart." not in body


def test_an_unreported_item_shows_no_status(client, org, chain, occasion, chef_b1):
    for body in (
        page(client, "planning:item", chain["activity"].pk),
        page(client, "planning:plan", chain["activity"].plan_id),
    ):
        assert "Senaste uppföljning" not in body
        assert "item-status" not in body
        assert "Ej rapporterad" not in body


def test_only_reports_of_units_the_viewer_reads_are_shown(client, org, chain, occasion, chef_b1):
    good = ScaleValue.objects.get(
        scale=chain["vp"].goal_scale, label="Goda förutsättningar att nå målet"
    )
    report(
        occasion,
        org["forv"],
        chain["vp"],
        chain["operational"],
        assessment=good,
        comment="Förvaltningens egen bedömning.",
    )
    # Berit reads the förvaltning's goal (her activity contributes to it),
    # not the förvaltning's reports.
    body = page(client, "planning:item", chain["operational"].pk)
    assert chain["operational"].title in body
    assert "Förvaltningens egen bedömning." not in body


def _grow(org, chain, occasion, n):
    """n more activities in the unit's plan, each reported."""
    started = status(chain, "Påbörjad")
    for i in range(n):
        activity = Item.objects.create(
            plan=chain["activity"].plan, kind=ItemKind.ACTIVITY, title=f"Aktivitet {i}"
        )
        activity.contributes_to.add(chain["operational"])
        report(occasion, org["enhet_b1"], chain["ap"], activity, status=started, completion=i % 100)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("name", ["plan", "thread", "goal_tree"])
def test_the_status_costs_the_same_queries_for_a_small_and_a_large_plan(
    client, org, chain, occasion, annual, name
):
    client.force_login(UserFactory(is_superuser=True))
    url = {
        "plan": reverse("planning:plan", args=[chain["activity"].plan_id]),
        "thread": reverse("planning:item", args=[chain["operational"].pk]),
        "goal_tree": reverse("planning:goal_tree", args=[2025]),
    }[name]
    _grow(org, chain, occasion, 3)
    small, body = _count(client, url)
    if name != "goal_tree":
        assert body.count('class="item-status"') == 3
    _grow(org, chain, occasion, 40)
    large, body = _count(client, url)
    assert large == small
    if name != "goal_tree":
        assert body.count('class="item-status"') == 43


def test_an_indicators_outcome_shows_with_its_assessment(client, org, chain, occasion, model_owner):
    client.force_login(model_owner)
    indicator = chain["indicator"]
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["kommun"], plan_type=chain["vp"], reporter=None
    )
    services.item_report_save(
        actor=access.SYSTEM,
        task=task,
        item=indicator,
        data=services.ReportData(
            assessment=ScaleValue.objects.get(
                scale=chain["vp"].indicator_scale, label="Nära målvärde"
            ),
            comment="Nära målet.",
        ),
        version=0,
        outcome={"value": 84.5},
    )
    body = page(client, "planning:plan", indicator.plan_id)
    assert f"Nära målvärde</span>, utfall 84,5{NBSP}%" in body
    assert "Nära målet." in body


def test_the_day_a_report_was_saved_is_the_day_in_sweden(client, org, chain, occasion, chef_b1):
    saved = report(
        occasion,
        org["enhet_b1"],
        chain["ap"],
        chain["activity"],
        status=status(chain, "Påbörjad"),
    )
    # 23:30 UTC on 30 June is half past one on 1 July in Stockholm.
    late = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC)
    type(saved).objects.filter(pk=saved.pk).update(updated_at=late)
    for body in (
        page(client, "planning:item", chain["activity"].pk),
        page(client, "planning:plan", chain["activity"].plan_id),
    ):
        assert "(Delårsrapport 2025, 2025-07-01)" in body
        assert "2025-06-30" not in body


def test_a_report_with_a_status_and_an_assessment_shows_the_status(
    client, org, chain, occasion, chef_b1
):
    # The status is what an activity reports; an assessment left on the
    # report (the plan type's scales changed) does not replace it.
    saved = report(
        occasion,
        org["enhet_b1"],
        chain["ap"],
        chain["activity"],
        status=status(chain, "Påbörjad"),
    )
    other = ScaleValue.objects.get(
        scale=chain["vp"].goal_scale, label="Goda förutsättningar att nå målet"
    )
    type(saved).objects.filter(pk=saved.pk).update(assessment=other)
    body = page(client, "planning:plan", chain["activity"].plan_id)
    assert '<span class="item-status__label">Påbörjad</span>' in body
    assert other.label not in body
