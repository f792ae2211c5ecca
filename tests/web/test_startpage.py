"""Start per role: what each person sees on the start page and what not,
that the counts are the occasion overview's, what goes stale for model
owners, and that the page's queries do not grow with the data."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.demo import scale
from styrhjul.documents.models import DocumentJob
from styrhjul.followup import overview as ov
from styrhjul.followup import services as followup
from styrhjul.followup.models import (
    FollowUpOccasion,
    OccasionKind,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, ItemLink, Plan
from styrhjul.web import startpage
from tests.demo.test_scale import SMALL
from tests.factories import UnitFactory, UserFactory, grant, unit_type

# The enheter's deadline is 2025-07-15; with three grace days their tasks
# are Försenad until 2025-07-18, then Låst.
LATE_DAY = datetime.date(2025, 7, 16)
LOCKED_DAY = datetime.date(2025, 7, 20)


@pytest.fixture
def on_day(monkeypatch):
    """Pretend the page is opened on a given day."""

    def set_day(day: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    return set_day


def goal_value(label: str) -> ScaleValue:
    return ScaleValue.objects.get(
        scale__kind="goal_assessment", label=label, scale__model__year=2025
    )


def _task(occasion, unit, plan_type):
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=plan_type, reporter=None
    )


def _annual(chain, *, period_end=datetime.date(2025, 12, 31), name="Årsbokslut 2025"):
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=chain["vp"].model, kind=OccasionKind.ANNUAL, name=name, period_end=period_end
        ),
        plan_types=[chain["vp"], chain["ap"]],
    )
    followup.step_save(
        actor=access.SYSTEM,
        step=OccasionStep(
            occasion=occasion,
            name="Enhetschefer rapporterar",
            unit_type=unit_type("Enhet"),
            start=period_end - datetime.timedelta(days=30),
            deadline=period_end - datetime.timedelta(days=10),
        ),
    )
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    return occasion


# --- Reporter and manager --------------------------------------------------------------------


def test_a_unit_manager_sees_tasks_kept_apart_and_nothing_for_followers(
    client, org, chain, occasion, on_day
):
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER, subtree=False)
    task = _task(occasion, org["enhet_b1"], chain["ap"])
    occasion.grace_days = 3
    occasion.save()

    page = startpage.start_page(chef, LATE_DAY)
    assert [r.task for r in page.tasks.late] == [task]
    assert page.tasks.locked == page.tasks.open == page.tasks.done == []
    page = startpage.start_page(chef, LOCKED_DAY)
    assert [r.task for r in page.tasks.locked] == [task]
    assert page.tasks.late == []
    # A Chef of one unit follows no overview and is no model owner.
    assert page.followed == [] and page.stale is None

    on_day(LATE_DAY)
    client.force_login(chef)
    html = client.get("/").content.decode()
    assert "Mina uppgifter" in html and "Försenade" in html
    assert reverse("followup:task", args=[task.pk]) in html
    assert "Uppföljningar som pågår" not in html
    assert "Det som håller på att bli inaktuellt" not in html
    assert reverse("followup:overview", args=[occasion.pk]) not in html


def test_a_forvaltningschef_follows_the_occasion_with_the_overviews_counts(
    client, org, chain, occasion, on_day
):
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER, subtree=True)
    occasion.grace_days = 3
    occasion.save()
    late = _task(occasion, org["enhet_b1"], chain["ap"])

    page = startpage.start_page(chef, LATE_DAY)
    [followed] = page.followed
    overview = ov.overview(chef, occasion, today=LATE_DAY)
    assert followed.occasion == occasion
    assert followed.counts == overview.status_counts
    assert followed.total == overview.all_count == 2  # the förvaltning's and Barn och unga's
    assert [r.task for r in followed.late] == [late] == [r.task for r in overview.late_rows]
    assert followed.locked == []  # a Chef does not reopen
    assert page.stale is None

    on_day(LATE_DAY)
    client.force_login(chef)
    html = client.get("/").content.decode()
    assert "Uppföljningar som pågår" in html
    assert reverse("followup:overview", args=[occasion.pk]) + "?status=forsenad" in html
    assert f'name="task" value="{late.pk}"' in html  # Skicka påminnelse
    assert 'role="img"' in html and "<title" in html  # the bar, with its table beside it
    assert "Det som håller på att bli inaktuellt" not in html
    # The reminder from the start page goes, and comes back to Start.
    response = client.post(
        reverse("followup:remind", args=[occasion.pk]), {"task": late.pk, "next": "/"}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.parametrize(
    "day",
    [datetime.date(2025, 7, 1), LATE_DAY, LOCKED_DAY, datetime.date(2025, 9, 10)],
    ids=["before-deadlines", "late", "locked", "all-passed"],
)
def test_a_model_owners_counts_and_rows_are_the_overviews_on_every_day(org, chain, occasion, day):
    """Pågående and Ej påbörjad (the read model), Försenad, Låst and
    Klarmarkerad as the overview counts them, and the rows shown with the
    overview's reported figures."""
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    occasion.grace_days = 3
    occasion.save()
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        item=chain["activity"],
        status=chain["ap"].activity_scale.values.get(label="Klar"),
    )
    done = occasion.tasks.exclude(unit=org["enhet_b1"]).order_by("pk").first()
    done.done_at = timezone.now()
    done.save()

    [followed] = startpage.followed_occasions(owner, day)
    overview = ov.overview(owner, occasion, today=day)
    assert followed.counts == overview.status_counts
    assert followed.total == overview.all_count
    assert [(r.task, r.reported, r.total, r.status) for r in followed.late] == [
        (r.task, r.reported, r.total, r.status) for r in overview.late_rows
    ]
    reopenable = [r for r in overview.rows if r.may_reopen]
    assert [r.task for r in followed.locked] == [r.task for r in reopenable]
    assert (followed.late_count, followed.locked_count) == (
        len(overview.late_rows),
        len(reopenable),
    )
    assert sum(n for _key, _label, n in followed.counts) == followed.total
    counts = {key: n for key, _label, n in followed.counts}
    assert counts[ov.DONE] == 1
    if day < LATE_DAY:  # Barn och unga has begun, the others not
        assert counts[ov.IN_PROGRESS] >= 1 and counts[ov.NOT_STARTED] >= 1


def test_goals_with_the_latest_assessment_and_the_earlier_ones(org, chain, occasion):
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER, subtree=True)
    annual = _annual(chain)
    goal = chain["operational"]
    Report.objects.create(
        occasion=occasion,
        unit=org["forv"],
        item=goal,
        assessment=goal_value("Rätt riktning men för långsamt"),
    )
    Report.objects.create(
        occasion=annual,
        unit=org["forv"],
        item=goal,
        assessment=goal_value("Goda förutsättningar att nå målet"),
    )
    goals = startpage.goals(chef, 2025)
    [row] = goals.rows
    assert row.item == goal
    assert row.latest.label == "Goda förutsättningar att nå målet"
    assert row.latest_occasion == annual
    assert [(o, v.label) for o, v in row.trend] == [
        (occasion, "Rätt riktning men för långsamt"),
        (annual, "Goda förutsättningar att nå målet"),
    ]
    assert goals.counts == [("Invånare", [("●", "Goda förutsättningar att nå målet", 1)])]
    assert "Måluppfyllelse per perspektiv" in goals.picture
    # The goals above the unit (the nämnd's, the council's) are not its own.
    assert chain["board"] not in [r.item for r in goals.rows]
    # A model owner or a Rapportör gets no goal section.
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    assert startpage.goals(owner, 2025) is None


# --- Readers ---------------------------------------------------------------------------------


def test_a_reader_of_the_namnd_sees_its_goals_and_documents_only(
    client, org, chain, occasion, on_day
):
    reader = UserFactory()
    grant(reader, org["namnd"], Role.READER, subtree=True)
    Report.objects.create(
        occasion=occasion,
        unit=org["namnd"],
        item=chain["board"],
        assessment=goal_value("Åtgärder krävs"),
    )
    made = DocumentJob.objects.create(
        unit=org["namnd"],
        occasion=occasion,
        document="delarsrapport",
        fmt="pdf",
        status="done",
        title="Delårsrapport 2025 Socialnämnden",
        filename="delarsrapport.pdf",
        data=b"%PDF-1.4",
        finished_at=timezone.now(),
    )
    elsewhere = DocumentJob.objects.create(
        unit=org["kommun"],
        occasion=occasion,
        document="delarsrapport",
        fmt="pdf",
        status="done",
        title="Delårsrapport 2025 kommunen",
        filename="kommun.pdf",
        data=b"%PDF-1.4",
        finished_at=timezone.now(),
    )
    # The council's indicator follows the nämnd's goal up too: its trend
    # (charts.trend, through the indicator's facts) stands by the goal.
    planning.item_link(actor=access.SYSTEM, item=chain["indicator"], target=chain["board"])
    Item.objects.filter(pk=chain["indicator"].pk).update(direction="higher")
    for year, value in ((2023, 82), (2024, 84), (2025, 85)):
        IndicatorValue.objects.create(
            item=chain["indicator"], unit=org["kommun"], year=year, value=value
        )
    page = startpage.start_page(reader, LATE_DAY)
    assert [r.item for r in page.goals.rows] == [chain["board"]]
    [facts] = page.goals.rows[0].indicators
    assert facts.item == chain["indicator"]
    trend = facts.describe()
    assert "rätt håll" in trend and "88" in trend  # towards the target, 88 % by 2026
    assert page.goals.rows[0].latest.label == "Åtgärder krävs"
    assert page.documents == [made]
    assert page.followed == [] and page.stale is None
    # A Läsare never reports: no Mina uppgifter at all.
    assert page.tasks is None

    on_day(LATE_DAY)
    client.force_login(reader)
    html = client.get("/").content.decode()
    download = reverse("documents:job_download", args=[made.pk])
    assert download in html
    assert reverse("documents:job_download", args=[elsewhere.pk]) not in html
    assert client.get(download).status_code == 200  # a link shown may be followed
    assert "Mina uppgifter" not in html
    assert reverse("planning:item", args=[chain["board"].pk]) in html
    assert client.get(reverse("planning:item", args=[chain["board"].pk])).status_code == 200
    assert "Åtgärder krävs" in html
    assert trend in html
    indicator = reverse("indicators:indicator", args=[chain["indicator"].pk])
    assert indicator in html and client.get(indicator).status_code == 200


def test_a_unit_without_goals_shows_the_goals_of_the_nearest_units_below(
    client, org, chain, occasion, on_day
):
    """A Läsare of an avdelning whose plans have no goals (a kommun above its
    fullmäktige is the same case) sees the goals of the nearest units below
    it that have goals, not "no goals": those of the units, not of a unit
    further down, and nothing from another avdelning."""
    near = Item.objects.create(
        plan=Plan.objects.create(unit=org["enhet_a1"], plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        title="Fler dagar utomhus för de boende",
    )
    deeper = UnitFactory(name="Solgårdens dagverksamhet", parent=org["enhet_a1"])
    further = Item.objects.create(
        plan=Plan.objects.create(unit=deeper, plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        title="Dagverksamhetens eget mål",
    )
    elsewhere = Item.objects.create(
        plan=Plan.objects.create(unit=org["enhet_b1"], plan_type=chain["vp"]),
        kind=ItemKind.GOAL,
        title="Ett mål inom IFO",
    )
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_a1"],
        item=near,
        assessment=goal_value("Åtgärder krävs"),
    )
    reader = UserFactory()
    grant(reader, org["avd_a"], Role.READER, subtree=True)
    goals = startpage.goals(reader, 2025)
    assert [(r.item, r.unit) for r in goals.rows] == [(near, org["enhet_a1"])]
    assert goals.rows[0].latest.label == "Åtgärder krävs"
    assert goals.stood_in_for == ["Äldreomsorg"]

    on_day(LATE_DAY)
    client.force_login(reader)
    html = client.get("/").content.decode()
    assert (
        "Äldreomsorg har inga egna mål. Här visas målen för de närmaste enheterna "
        "under den som har mål." in html
    )
    link = reverse("planning:item", args=[near.pk])
    assert link in html and client.get(link).status_code == 200
    for other in (further, elsewhere):
        assert other.title not in html

    # Without the units below, nothing stands in: the avdelning has no goals.
    alone = UserFactory()
    grant(alone, org["avd_a"], Role.READER, subtree=False)
    goals = startpage.goals(alone, 2025)
    assert goals.rows == [] and goals.stood_in_for == []
    # A unit with goals of its own shows only those (the förvaltning's).
    chef = UserFactory()
    grant(chef, org["forv"], Role.MANAGER, subtree=True)
    goals = startpage.goals(chef, 2025)
    assert [r.item for r in goals.rows] == [chain["operational"]] and goals.stood_in_for == []


def test_an_enhet_without_goals_shows_the_goals_its_items_work_towards(
    client, org, chain, occasion, on_day
):
    """An enhet whose plans have no goals and no units below: its Chef sees
    the goals its activities contribute to (the förvaltning's), with the
    förvaltning's assessment, and a line saying why."""
    Report.objects.create(
        occasion=occasion,
        unit=org["forv"],
        item=chain["operational"],
        assessment=goal_value("Rätt riktning men för långsamt"),
    )
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    goals = startpage.goals(chef, 2025)
    assert [(r.item, r.unit) for r in goals.rows] == [(chain["operational"], org["forv"])]
    assert goals.rows[0].latest.label == "Rätt riktning men för långsamt"
    assert goals.worked_towards_by == ["Barn och unga"] and goals.stood_in_for == []

    on_day(LATE_DAY)
    client.force_login(chef)
    html = client.get("/").content.decode()
    assert (
        "Barn och unga har inga egna mål. Här visas målen som enhetens poster bidrar till." in html
    )
    link = reverse("planning:item", args=[chain["operational"].pk])
    assert link in html and client.get(link).status_code == 200
    # The goals further up (the nämnd's, the council's) are not shown.
    assert chain["board"].title not in html and chain["council"].title not in html
    # An enhet whose items contribute to nothing: no goals, no line.
    other = UserFactory()
    grant(other, org["enhet_b2"], Role.MANAGER)
    goals = startpage.goals(other, 2025)
    assert goals.rows == [] and goals.worked_towards_by == []


def test_the_goals_worked_towards_take_a_fixed_number_of_queries(
    client, org, chain, occasion, on_day
):
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    on_day(LATE_DAY)
    client.force_login(chef)
    activities = Plan.objects.get(unit=org["enhet_b1"], plan_type=chain["ap"])
    goals = Plan.objects.get(unit=org["forv"], plan_type=chain["vp"])
    good = goal_value("Goda förutsättningar att nå målet")

    def grow(n):
        for number in range(n):
            goal = Item.objects.create(plan=goals, kind=ItemKind.GOAL, title=f"Mål {number}")
            activity = Item.objects.create(
                plan=activities, kind=ItemKind.ACTIVITY, title=f"Aktivitet {number}"
            )
            ItemLink.objects.create(item=activity, target=goal)
            Report.objects.create(occasion=occasion, unit=org["forv"], item=goal, assessment=good)

    grow(3)
    few = _queries(client)
    grow(30)
    assert _queries(client) == few
    assert len(startpage.goals(chef, 2025).rows) == 34


# --- Model owners ----------------------------------------------------------------------------


def test_what_goes_stale_for_a_model_owner(org, chain, occasion):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    annual = _annual(chain, period_end=datetime.date(2025, 10, 31), name="Oktober")
    today = datetime.date(2025, 11, 15)
    tasks = set(occasion.tasks.values_list("unit_id", flat=True))
    assert tasks == set(annual.tasks.values_list("unit_id", flat=True))

    # Nobody reported at either occasion: every unit with tasks is silent.
    stale = startpage.stale(owner, today)
    assert {u.pk for u, _o in stale.silent} == tasks
    assert [o.pk for o in stale.silent[0][1]] == [occasion.pk, annual.pk]
    # One report at one of them is enough to drop off the list.
    Report.objects.create(
        occasion=annual,
        unit=org["enhet_b1"],
        item=chain["activity"],
        status=chain["ap"].activity_scale.values.get(label="Klar"),
    )
    stale = startpage.stale(owner, today)
    assert org["enhet_b1"] not in [u for u, _o in stale.silent]
    assert org["forv"] in [u for u, _o in stale.silent]

    # Items whose responsible is inactive or no longer reaches the unit.
    gone = UserFactory(is_active=False, first_name="Gustav", last_name="Gått")
    moved = UserFactory(first_name="Maria", last_name="Flyttad")
    grant(moved, org["avd_a"], Role.MANAGER)
    here = UserFactory()
    grant(here, org["kommun"], Role.READER)  # reaches the nämnd below
    Item.objects.filter(pk=chain["activity"].pk).update(responsible=gone)
    Item.objects.filter(pk=chain["operational"].pk).update(responsible=moved)
    Item.objects.filter(pk=chain["board"].pk).update(responsible=here)
    orphans, count = startpage.orphan_items(owner, 2025)
    assert count == 2
    assert {i.pk for i, _why in orphans} == {chain["activity"].pk, chain["operational"].pk}
    why = dict((i.pk, w) for i, w in orphans)
    assert "inaktiverad" in why[chain["activity"].pk]
    assert "ingen behörighet" in why[chain["operational"].pk]

    # Open tasks nobody receives: no active Chef or Modellägare on the unit.
    unreceived, count = startpage.unreceived_tasks(owner)
    assert {t.unit_id for t in unreceived} >= {org["enhet_b1"].pk, org["forv"].pk}
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER, subtree=False)
    unreceived, _count = startpage.unreceived_tasks(owner)
    assert org["enhet_b1"].pk not in {t.unit_id for t in unreceived}
    chef.is_active = False
    chef.save()
    unreceived, _count = startpage.unreceived_tasks(owner)
    assert org["enhet_b1"].pk in {t.unit_id for t in unreceived}
    # The kommun's own tasks are received by the model owner granted there.
    assert org["kommun"].pk not in {t.unit_id for t in unreceived}


def test_a_model_owner_reopens_locked_tasks_from_start(client, org, chain, occasion, on_day):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    locked = _task(occasion, org["enhet_b1"], chain["ap"])
    on_day(LOCKED_DAY)
    page = startpage.start_page(owner, LOCKED_DAY)
    [followed] = page.followed
    assert locked in [r.task for r in followed.locked]
    assert page.stale is not None
    client.force_login(owner)
    html = client.get("/").content.decode()
    reopen = reverse("followup:task_reopen", args=[locked.pk])
    assert reopen + "?next=/" in html
    assert client.get(reopen + "?next=/").status_code == 200
    assert "Det som håller på att bli inaktuellt" in html
    # Someone who follows nothing sees none of it.
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert reopen not in html and "Uppföljningar som pågår" not in html


# --- Queries ---------------------------------------------------------------------------------


def _grow(org, chain, occasion, n):
    """n more enheter under Äldreomsorg, each with an activity, a task, a
    report, a goal of its own with an assessment, and a Chef."""
    step = occasion.steps.get(unit_type__name="Enhet")
    klar = chain["ap"].activity_scale.values.get(label="Klar")
    good = goal_value("Goda förutsättningar att nå målet")
    for _ in range(n):
        unit = UnitFactory(parent=org["avd_a"])
        plan = Plan.objects.create(unit=unit, plan_type=chain["ap"])
        item = Item.objects.create(plan=plan, kind=ItemKind.ACTIVITY, title="Aktivitet")
        goal_plan = Plan.objects.create(unit=unit, plan_type=chain["vp"])
        goal = Item.objects.create(plan=goal_plan, kind=ItemKind.GOAL, title="Mål")
        ReportingTask.objects.create(
            occasion=occasion, unit=unit, plan_type=chain["ap"], step=step, name=f"U {unit.name}"
        )
        Report.objects.create(occasion=occasion, unit=unit, item=item, status=klar)
        Report.objects.create(occasion=occasion, unit=unit, item=goal, assessment=good)
        grant(UserFactory(), unit, Role.MANAGER, subtree=False)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MODEL_OWNER, Role.READER])
def test_the_start_page_runs_a_fixed_number_of_queries(client, org, chain, occasion, on_day, role):
    """Two sizes: 10 and 60 more units with tasks, reports and goals."""
    user = UserFactory()
    grant(user, org["kommun"] if role == Role.MODEL_OWNER else org["avd_a"], role)
    _annual(chain, period_end=datetime.date(2025, 6, 30), name="Juni")
    on_day(LATE_DAY)
    client.force_login(user)
    _grow(org, chain, occasion, 10)
    few = _queries(client)
    _grow(org, chain, occasion, 50)
    assert _queries(client) == few


def _owner_page(client) -> tuple[int, str]:
    """The start page's number of queries and its text (the CSRF token,
    new on each request, left out)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return len(ctx.captured_queries), re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_the_model_owners_start_page_is_the_same_with_earlier_years(db, client, on_day):
    """The scale data set's year alone, then with two earlier model years
    (each with its Delårsrapport reported and closed): the model owner of
    the whole organisation gets the same page in as many queries."""
    call_command("load_scale", *[str(a) for a in SMALL], stdout=io.StringIO())
    owner = UserFactory()
    grant(owner, scale.scale_root(), Role.MODEL_OWNER)
    on_day(datetime.date(2025, 10, 1))  # after the year's Delårsrapport
    client.force_login(owner)
    queries, page = _owner_page(client)
    assert "Delårsrapport 2025" in page

    out = io.StringIO()
    call_command("load_scale", *[str(a) for a in (*SMALL, "--years", 2)], stdout=out)
    assert "historik för 2023–2024 (2 år)" in out.getvalue()
    assert _owner_page(client) == (queries, page)
