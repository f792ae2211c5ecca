"""The follow-up review pages in Chromium: axe-core on the year wheel (with
an inline form open), the overview, the underlag, the calendar subscription
and the task done confirmation; and the journey of an avdelningschef who opens
the underlag of an item shared to two enheter and sees the one report and the
sibling enhet that has not reported."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import overview as overview_q
from styrhjul.followup import services as followup
from styrhjul.followup.models import CalendarEvent, OccasionStep, ReportingTask
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.browser.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def goto(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, f"{path} svarade {response.status}"


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def shared(org, chain, occasion):
    """An indicator of Äldreomsorg's Verksamhetsplan shared to its two enheter,
    the occasion reopened so their tasks exist, deadlines in the future."""
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


def _task(occasion, unit, plan_type) -> ReportingTask:
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=plan_type, reporter=None
    )


@pytest.fixture
def reported(org, chain, occasion, shared):
    """Solgårdens chef has reported the shared indicator; Hemtjänst Norr has not."""
    enhetschef = UserFactory(first_name="Sara", last_name="Solgård")
    grant(enhetschef, org["enhet_a1"], Role.MANAGER)
    green = chain["vp"].indicator_scale.values.order_by("order").first()
    followup.report_save(
        actor=enhetschef,
        task=_task(occasion, org["enhet_a1"], chain["vp"]),
        item=shared,
        data=followup.ReportData(assessment=green, comment="Brukarna är nöjda med maten."),
        version=0,
    )
    return green


@pytest.fixture
def avdelningschef(org):
    user = UserFactory(first_name="Anders", last_name="Avdelning")
    grant(user, org["avd_a"], Role.MANAGER)
    return user


def test_year_wheel_with_an_inline_form_is_accessible(page, live_server, org, occasion, owner):
    CalendarEvent.objects.create(
        model=occasion.model,
        title="Budgetdag",
        description="Kommunfullmäktige beslutar om budget.",
        start=datetime.date(2025, 6, 10),
    )
    login(page, owner)
    goto(page, reverse("followup:year_wheel", args=[2025]))
    card = page.locator(f"#tillfalle-{occasion.pk}")
    assert card.get_by_role("link", name="Översikt över Delårsrapport 2025").is_visible()
    assert "Budgetdag" in page.inner_text("#handelser")
    assert_accessible(page)

    card.get_by_role("link", name="Ändra Delårsrapport 2025").click()
    form = page.locator(".editor form")
    form.wait_for()
    assert form.get_by_label("Namn").input_value() == "Delårsrapport 2025"
    assert_accessible(page)

    goto(page, reverse("followup:year_wheel", args=[timezone.localdate().year]))
    assert_accessible(page)


def test_overview_is_accessible(page, live_server, org, chain, occasion, owner, monkeypatch):
    # The fixture's deadlines have passed: the tasks are late, one is done.
    monkeypatch.setattr(overview_q, "PAGE_SIZE", 2)  # the page links too
    done = _task(occasion, org["enhet_b1"], chain["ap"])
    done.done_at = timezone.now()
    done.save()
    login(page, owner)
    goto(page, reverse("followup:year_wheel", args=[2025]))
    page.get_by_role("link", name="Översikt över Delårsrapport 2025").click()
    page.get_by_role("heading", name="Översikt: Delårsrapport 2025").wait_for()
    text = page.inner_text("main")
    assert "Klarmarkerad" in text and "Försenad" in text
    assert "(sida 1 av " in text
    assert_accessible(page)
    page.get_by_role("navigation", name="Sidor med uppgifter").get_by_role(
        "link", name="Nästa sida"
    ).click()
    page.wait_for_url("**sida=2**")
    assert "(sida 2 av " in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Försenad")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**status=forsenad**")
    assert_accessible(page)


def test_calendar_and_task_done_pages_are_accessible(
    page, live_server, org, chain, occasion, shared, owner
):
    grant(owner, org["avd_a"], Role.MANAGER)
    login(page, owner)
    goto(page, reverse("followup:calendar_subscribe"))
    page.get_by_label("Kalenderadress för mina tidsfrister").wait_for()
    assert_accessible(page)
    task = _task(occasion, org["avd_a"], chain["vp"])
    goto(page, reverse("followup:task_done", args=[task.pk]))
    assert "post är inte rapporterad" in page.inner_text("main")
    assert_accessible(page)


@pytest.fixture
def stale(org, chain, occasion, shared):
    """The shared indicator computed as the mean of the enheter's values (with
    kvinnor and män); Äldreomsorg's computed value stored as 75 before
    Solgården changed 80 to 90: inaktuellt."""
    from styrhjul.indicators.models import IndicatorValue

    shared.aggregation, shared.gender_split = "mean", True
    shared.save()
    for unit, value in (("enhet_a1", 80), ("enhet_a2", 70)):
        IndicatorValue.objects.create(
            item=shared, unit=org[unit], year=2025, value=value, value_women=value - 5,
            value_men=value + 5,
        )  # fmt: skip
    followup.indicator_value_save(
        actor=access.SYSTEM, task=_task(occasion, org["avd_a"], chain["vp"]), item=shared,
        year=2025, period="", value=75, value_women=70, value_men=80, source="computed",
    )  # fmt: skip
    IndicatorValue.objects.filter(item=shared, unit=org["enhet_a1"]).update(value=90)
    return shared


def test_underlag_page_is_accessible(
    page, live_server, org, chain, occasion, shared, reported, stale, avdelningschef
):
    login(page, avdelningschef)
    task = _task(occasion, org["avd_a"], chain["vp"])
    goto(page, reverse("followup:underlag", args=[task.pk, shared.pk]))
    own = page.get_by_role("region", name="Värdet för Äldreomsorg")
    assert "Inaktuellt:" in own.inner_text()
    assert "kvinnor 75" in page.get_by_role("table", name="Enheternas rapporter").inner_text()
    assert_accessible(page)
    own.get_by_role("button", name="Räkna om").click()
    page.get_by_text("Värdet är omräknat från underliggande enheter").wait_for()
    own = page.get_by_role("region", name="Värdet för Äldreomsorg")
    assert "Inaktuellt:" not in own.inner_text()
    assert "80" in own.inner_text()
    assert_accessible(page)


def test_the_avdelningschef_sees_the_report_and_the_sibling_that_has_not_reported(
    page, live_server, org, chain, occasion, shared, reported, avdelningschef
):
    login(page, avdelningschef)
    # From "Mina uppgifter" on the start page to the reporting page.
    page.get_by_role("link", name="Verksamhetsplan: Äldreomsorg").click()
    page.get_by_role("heading", name="Verksamhetsplan", exact=False).first.wait_for()
    item = page.locator(f"#post-{shared.pk}")
    item.get_by_role("link", name="Underlag för Andel nöjda brukare").click()
    page.get_by_role("heading", name="Underlag: Andel nöjda brukare").wait_for()

    reports = page.get_by_role("table", name="Enheternas rapporter")
    solgarden = reports.get_by_role("row", name="Solgårdens äldreboende")
    assert reported.label in solgarden.inner_text()
    assert "Brukarna är nöjda med maten." in solgarden.inner_text()
    assert "Ej rapporterat" in reports.get_by_role("row", name="Hemtjänst Norr").inner_text()

    missing = page.get_by_role("region", name="Har inte rapporterat")
    assert missing.get_by_role("listitem").all_inner_texts() == ["Hemtjänst Norr"]
    summary = page.get_by_role("region", name="Sammanställning").inner_text()
    assert "1 av 2" in summary

    page.get_by_role("link", name="Tillbaka till uppgiften").click()
    page.locator(f"#post-{shared.pk}").wait_for()


def test_the_task_start_overview_and_underlag_pages_reflow_at_320_px(
    page, live_server, org, chain, occasion, shared, reported, stale, owner, monkeypatch
):
    """WCAG 1.4.10: at 320 CSS px nothing makes the page scroll sideways, and
    the task list shows every column (Tidsfrist, Status) without scrolling;
    the overview's page links wrap."""
    monkeypatch.setattr(overview_q, "PAGE_SIZE", 1)
    grant(owner, org["avd_a"], Role.MANAGER)
    task = _task(occasion, org["avd_a"], chain["vp"])
    login(page, owner)
    page.set_viewport_size({"width": 320, "height": 800})
    pages = {
        "start": reverse("start"),
        "task": reverse("followup:task", args=[task.pk]),
        "overview": reverse("followup:overview", args=[occasion.pk]),
        "underlag": reverse("followup:underlag", args=[task.pk, shared.pk]),
    }
    for name, path in pages.items():
        goto(page, path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} ({path}) rullar {overflow} px i sidled vid 320 px"
        page.screenshot(path=_shot(f"reflow-320-{name}.png"), full_page=True)
        if name == "start":
            row = page.get_by_role("row", name="Verksamhetsplan: Äldreomsorg")
            cells = row.locator("td")
            assert cells.count() == 4  # Uppföljning, Tidsfrist, Rapporterat, Status
            for index in range(cells.count()):
                box = cells.nth(index).bounding_box()
                assert box is not None and box["x"] + box["width"] <= 320, index
        assert_accessible(page)


def _shot(name: str) -> str:
    """A path for a screenshot under the test output (var/test-screenshots)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "var" / "test-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)


def test_copying_the_year_wheel_from_another_year_is_accessible(
    page, live_server, org, chain, occasion, owner
):
    """The copy page of the styrmodell lists the year wheel; "Kopiera
    årshjulet från …" chooses a year, previews the old → new dates and
    copies, every step checked by axe and at 320 px without sideways scroll."""
    login(page, owner)
    goto(page, reverse("planning:copy_year", args=[2025]))
    assert page.get_by_label(
        "Kopiera årshjulet: uppföljningstillfällen med steg och händelser"
    ).is_checked()
    assert "2025-08-31 → 2026-08-31" in page.inner_text("#arshjulet")
    page.screenshot(path=_shot("copy-year-with-wheel.png"), full_page=True)
    assert_accessible(page)
    page.get_by_label("Kopiera årshjulet: uppföljningstillfällen med steg och händelser").uncheck()
    page.get_by_role("button", name="Kopiera till 2026").click()
    page.wait_for_url("**/2026/**")

    goto(page, reverse("followup:year_wheel", args=[2026]))
    page.get_by_role("link", name="Kopiera årshjulet från ett annat år").click()
    page.get_by_label("Kopiera årshjulet från").select_option("2025")
    page.get_by_role("button", name="Visa vad som kopieras").click()
    page.get_by_role("heading", name="Det här kopieras från 2025 till 2026").wait_for()
    assert "2025-09-22 → 2026-09-28" in page.inner_text("#forhandsvisning")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"förhandsvisningen rullar {overflow} px i sidled vid 320 px"
    page.screenshot(path=_shot("wheel-copy-preview-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Kopiera årshjulet från 2025").click()
    page.get_by_role("heading", name="Delårsrapport 2026").wait_for()
    assert "Årshjulet är kopierat från 2025" in page.inner_text("main")
