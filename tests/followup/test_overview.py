"""The model owners' overview of an occasion, export and manual reminders
(issue item 5, second half)."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.core.dates import swedish_date
from styrhjul.followup import overview as ov
from styrhjul.followup import queries
from styrhjul.followup.models import ReminderLog, Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, Unit
from styrhjul.planning.models import Item, Plan
from tests.factories import RoleGrantFactory, UnitFactory, UserFactory
from tests.worker import run_worker

TODAY = datetime.date(2025, 7, 1)  # before the enheter's deadline 2025-07-15


def _task(occasion, unit, chain, plan="ap"):
    return ReportingTask.objects.get(
        occasion=occasion, unit=unit, plan_type=chain[plan], reporter=None
    )


def _row(page, task):
    return next(r for r in page.rows if r.task == task)


def test_status_and_progress(org, chain, occasion):
    task = _task(occasion, org["enhet_b1"], chain)
    page = ov.overview(access.SYSTEM, occasion, today=TODAY)
    assert (_row(page, task).status, _row(page, task).reported, _row(page, task).total) == (
        ov.NOT_STARTED,
        0,
        1,
    )
    report = Report.objects.create(
        occasion=occasion, unit=org["enhet_b1"], item=chain["activity"], comment="På gång"
    )
    # A comment without a status: the task is begun, the activity not reported.
    row = _row(ov.overview(access.SYSTEM, occasion, today=TODAY), task)
    assert (row.status, row.reported, row.total) == (ov.IN_PROGRESS, 0, 1)
    report.status = chain["ap"].activity_scale.values.get(label="Påbörjad")
    report.save()
    row = _row(ov.overview(access.SYSTEM, occasion, today=TODAY), task)
    assert (row.status, row.reported, row.total) == (ov.IN_PROGRESS, 1, 1)
    assert row.deadline == datetime.date(2025, 7, 15)
    # After the deadline with no grace days the reports are locked: Låst,
    # never Försenad.
    assert (
        _row(ov.overview(access.SYSTEM, occasion, today=datetime.date(2025, 7, 16)), task).status
        == ov.LOCKED
    )
    # Late: the deadline passed, still open for reporting (grace days).
    occasion.grace_days = 3
    occasion.save()
    assert (
        _row(ov.overview(access.SYSTEM, occasion, today=datetime.date(2025, 7, 16)), task).status
        == ov.LATE
    )
    assert (
        _row(ov.overview(access.SYSTEM, occasion, today=datetime.date(2025, 7, 19)), task).status
        == ov.LOCKED
    )
    task.done_at = timezone.now()
    task.save()
    assert (
        _row(ov.overview(access.SYSTEM, occasion, today=datetime.date(2025, 7, 16)), task).status
        == ov.DONE
    )


def test_empty_report_does_not_count(org, chain, occasion):
    Report.objects.create(
        occasion=occasion, unit=org["enhet_b1"], item=chain["activity"], comment="   "
    )
    row = _row(
        ov.overview(access.SYSTEM, occasion, today=TODAY), _task(occasion, org["enhet_b1"], chain)
    )
    assert (row.status, row.reported) == (ov.NOT_STARTED, 0)


def test_an_outcome_entered_through_another_copy_of_the_indicator(org, chain, occasion):
    """The overview counts an indicator's outcome as the task page does: the
    value entered through this copy of the indicator, else through the
    latest other copy of its series."""
    kommun, indicator = org["kommun"], chain["indicator"]
    task = _task(occasion, kommun, chain, plan="vp")
    other = Item.objects.create(
        plan=Plan.objects.get(unit=org["namnd"], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        title="Andel behöriga till gymnasiet (kopia)",
        series=indicator.series,
    )

    def counted():
        row = _row(ov.overview(access.SYSTEM, occasion, today=TODAY), task)
        from_page = queries.task_page(access.SYSTEM, queries.task_queryset().get(pk=task.pk))
        assert (row.reported, row.total) == (from_page.reported, from_page.total)
        return row.reported, row.status

    assert counted() == (0, ov.NOT_STARTED)
    IndicatorValue.objects.create(item=other, unit=kommun, year=2025, value=Decimal(84))
    assert counted() == (1, ov.IN_PROGRESS)
    # This copy's own value row wins, though it holds only a note.
    IndicatorValue.objects.create(item=indicator, unit=kommun, year=2025, note="Avser VT")
    assert counted() == (0, ov.IN_PROGRESS)


def test_model_owners_see_the_tasks_of_the_units_they_manage(client, org, chain, occasion):
    all_tasks = set(occasion.tasks.all())
    owner_b = UserFactory()
    RoleGrantFactory(user=owner_b, unit=org["avd_b"], role=Role.MODEL_OWNER)
    page = ov.overview(owner_b, occasion, today=TODAY)
    assert {r.task.unit for r in page.rows} == {org["enhet_b1"]}
    root_owner = UserFactory()
    RoleGrantFactory(user=root_owner, unit=org["kommun"], role=Role.MODEL_OWNER)
    assert {r.task for r in ov.overview(root_owner, occasion, today=TODAY).rows} == all_tasks

    url = reverse("followup:overview", args=[occasion.pk])
    assert url == f"/uppfoljning/tillfallen/{occasion.pk}/oversikt/"
    client.force_login(owner_b)
    response = client.get(url)
    assert response.status_code == 200
    assert "Barn och unga" in response.content.decode()
    assert "Socialnämnden" not in response.content.decode()
    # A Chef whose grant reaches the units below follows that part of the tree.
    department_head = UserFactory()
    RoleGrantFactory(user=department_head, unit=org["forv"], role=Role.MANAGER)
    client.force_login(department_head)
    response = client.get(url)
    assert response.status_code == 200
    part = set(Unit.objects.descendants(org["forv"], include_self=True))
    followed = {r.task.unit for r in ov.overview(department_head, occasion, today=TODAY).rows}
    assert followed == {t.unit for t in all_tasks if t.unit in part}
    assert org["enhet_b1"] in followed
    # A Chef of one unit without units below, and a reader, see their own tasks only.
    for unit, role in ((org["enhet_b1"], Role.MANAGER), (org["kommun"], Role.READER)):
        user = UserFactory()
        RoleGrantFactory(user=user, unit=unit, role=role, includes_subtree=False)
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.post(
                reverse("followup:remind", args=[occasion.pk]), {"alla": "forsenade"}
            ).status_code
            == 404
        )


def test_filters(org, chain, occasion):
    def names(**kw):
        page = ov.overview(access.SYSTEM, occasion, ov.Filters(**kw), today=TODAY)
        return {r.task.unit.name for r in page.rows}

    assert names(plan_type=str(chain["ap"].pk)) == {"Barn och unga"}
    assert names(unit_type=str(org["forv"].unit_type_id)) == {"Socialförvaltningen"}
    assert names(text="nämnden") == {"Socialnämnden"}
    assert names(status=ov.LATE) == set()
    assert "Barn och unga" in names(status=ov.NOT_STARTED)
    filters = ov.Filters.from_query({"status": "nonsens", "q": " barn "})
    assert (filters.status, filters.text) == ("", "barn")


def test_export(client, org, chain, occasion):
    from openpyxl import load_workbook

    client.force_login(UserFactory(is_superuser=True))
    response = client.get(
        reverse("followup:overview_export", args=[occasion.pk]), {"plantyp": chain["ap"].pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Enhet" and rows[0][9] == "Status"
    assert len(rows) == 2 and rows[1][0] == "Barn och unga"
    assert rows[1][6].date() == datetime.date(2025, 7, 15)
    # A document of its own: titled after the occasion, with the day whose
    # status it shows, in Swedish, printed landscape with the title on top.
    props = book.properties
    assert props.title == f"Översikt: {occasion.title}"
    assert props.subject == f"Uppgifternas status per {swedish_date(timezone.localdate())}"
    assert props.creator == occasion.model.organisation.name
    assert props.language == "sv-SE"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.oddHeader.center.text == f"Översikt: {occasion.title}"
    assert sheet.print_title_rows == "$1:$1"


def test_remind_one_task_and_all_late(
    client, org, chain, occasion, django_capture_on_commit_callbacks
):
    task = _task(occasion, org["enhet_b1"], chain)
    chef = UserFactory(email="chef@example.se")
    RoleGrantFactory(user=chef, unit=org["enhet_b1"], role=Role.MANAGER)
    RoleGrantFactory(
        user=UserFactory(email="lasare@example.se"), unit=org["enhet_b1"], role=Role.READER
    )
    owner = UserFactory()
    RoleGrantFactory(user=owner, unit=org["kommun"], role=Role.MODEL_OWNER)
    client.force_login(owner)
    url = reverse("followup:remind", args=[occasion.pk])
    # Today (2026) is after every deadline; with no grace days the task is
    # locked and gets no reminder.
    response = client.post(url, {"task": task.pk})
    assert response.status_code == 302 and mail.outbox == []
    # With grace days up to today the enheter's tasks are late, not locked.
    occasion.grace_days = (timezone.localdate() - datetime.date(2025, 7, 15)).days
    occasion.save()
    response = client.post(url, {"task": task.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("followup:overview", args=[occasion.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chef@example.se"]
    assert task.name in message.subject
    assert f"/uppfoljning/uppgifter/{task.pk}/" in message.body and "Hej!" in message.body
    assert (
        ReminderLog.objects.filter(task=task, kind="manual", recipient="chef@example.se").count()
        == 1
    )
    # Pressing again the same day sends nothing new.
    client.post(url, {"task": task.pk})
    assert len(mail.outbox) == 1
    # All late ones; tasks without a deadline (kommun, nämnd) are never late.
    # The e-mails are sent by the worker, not in the request.
    ReminderLog.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"alla": "forsenade"}, follow=True)
    assert "Påminnelserna om de 2 försenade uppgifterna skickas nu." in response.content.decode()
    assert len(mail.outbox) == 1  # nothing sent yet
    run_worker()
    assert [m.to for m in mail.outbox[1:]] == [["chef@example.se"]]
    assert ReminderLog.objects.filter(task=task, kind="manual").count() == 1
    # A task the user cannot see: 404.
    other = UserFactory()
    RoleGrantFactory(user=other, unit=org["avd_a"], role=Role.MODEL_OWNER)
    client.force_login(other)
    assert client.post(url, {"task": task.pk}).status_code == 404
    assert client.get(url).status_code == 405


def test_remind_reporter_task_reaches_the_reporter(client, org, chain, occasion):
    reporter = UserFactory(email="rapportor@example.se")
    task = ReportingTask.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        plan_type=chain["ap"],
        reporter=reporter,
        name="Rapportörens uppgift",
    )
    client.force_login(UserFactory(is_superuser=True))
    client.post(reverse("followup:remind", args=[occasion.pk]), {"task": task.pk})
    assert [m.to for m in mail.outbox] == [["rapportor@example.se"]]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_tasks(org, chain, occasion, n):
    step = occasion.steps.get(unit_type__name="Enhet")
    klar = chain["ap"].activity_scale.values.get(label="Klar")
    for _ in range(n):
        unit = UnitFactory(parent=org["avd_a"])
        plan = Plan.objects.create(unit=unit, plan_type=chain["ap"])
        item = Item.objects.create(plan=plan, kind=ItemKind.ACTIVITY, title="Aktivitet")
        ReportingTask.objects.create(
            occasion=occasion,
            unit=unit,
            plan_type=chain["ap"],
            step=step,
            name=f"Uppgift {unit.name}",
        )
        Report.objects.create(occasion=occasion, unit=unit, item=item, status=klar, comment="klart")


def test_fixed_number_of_queries(client, org, chain, occasion):
    owner = UserFactory()
    RoleGrantFactory(user=owner, unit=org["kommun"], role=Role.MODEL_OWNER)
    client.force_login(owner)
    url = reverse("followup:overview", args=[occasion.pk])
    export = reverse("followup:overview_export", args=[occasion.pk])
    _add_tasks(org, chain, occasion, 10 - occasion.tasks.count())
    assert occasion.tasks.count() == 10
    few, few_export = _queries(client, url), _queries(client, export)
    _add_tasks(org, chain, occasion, 190)
    assert _queries(client, url) == few
    assert _queries(client, export) == few_export
    page = ov.overview(owner, occasion, today=TODAY)
    assert len(page.rows) == 200
    assert sum(1 for r in page.rows if r.reported == 1 and r.total == 1) >= 196


def test_one_reminder_form_with_a_button_per_task(client, org, chain, occasion):
    """The page has one reminder form around the table (not one per row):
    a submit button name="task" value=<pk> per task not done, its accessible
    name telling the task and unit, with names escaped."""
    done = _task(occasion, org["enhet_b1"], chain)
    done.done_at = timezone.now()
    done.save()
    other = ReportingTask.objects.exclude(pk=done.pk).select_related("unit").first()
    other.name = "<b>Uppgift & mer</b>"
    other.save()
    occasion.grace_days = (timezone.localdate() - datetime.date(2025, 7, 15)).days
    occasion.save()  # the enheter's tasks late, not locked
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("followup:overview", args=[occasion.pk])
    html = client.get(url, {"q": ""}).content.decode()
    remind = reverse("followup:remind", args=[occasion.pk])
    assert html.count(f'action="{remind}"') == 2  # the table's form and "alla försenade"
    # The layout's logout form, "alla försenade" and the table's form.
    assert html.count('name="csrfmiddlewaretoken"') == 3
    assert html.count('name="task"') == occasion.tasks.count() - 1
    assert f'name="task" value="{done.pk}"' not in html
    assert (
        f'name="task" value="{other.pk}" class="button--secondary">Skicka påminnelse'
        f'<span class="visually-hidden"> – &lt;b&gt;Uppgift &amp; mer&lt;/b&gt;, '
        f"{other.unit.name}</span></button>"
    ) in html
    assert "<b>Uppgift" not in html
    assert html.count('name="next" value="' + url + '?q="') == 2
    assert "Klarmarkerad" in html and "0 av 1" in html
    assert timezone.localdate().isoformat() in html  # the done date

    # A button's POST reminds of that task and returns to the filtered page.
    response = client.post(remind, {"task": other.pk, "next": url + "?q=Uppgift"})
    assert response.status_code == 302 and response["Location"] == url + "?q=Uppgift"


def test_a_long_list_is_shown_a_page_at_a_time(client, org, chain, occasion, monkeypatch):
    """Over PAGE_SIZE tasks the table shows a page of them: the counts above
    it and the Excel export cover all, the page links keep the filter and
    lead to the rest, and a page number out of range shows the last page."""
    monkeypatch.setattr(ov, "PAGE_SIZE", 4)
    _add_tasks(org, chain, occasion, 10 - occasion.tasks.count())
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("followup:overview", args=[occasion.pk])

    task_link = re.compile(reverse("followup:task", args=[0]).replace("/0/", r'/(\d+)/"'))
    html = client.get(url).content.decode()
    assert html.count('<tr><th scope="row">') == 4
    assert "Visar 1–4 av 10 uppgifter (sida 1 av 3)." in html
    assert "10 uppgifter som du följer." in html
    assert '<span aria-current="page"><span class="visually-hidden">Sida </span>1</span>' in html
    assert 'href="?sida=2" rel="next"' in html and 'rel="prev"' not in html

    # Every task once across the pages, in the order of the whole list.
    shown = []
    for number in (1, 2, 3):
        page = client.get(url, {"sida": number}).content.decode()
        shown += [int(pk) for pk in task_link.findall(page)]
    assert shown == [r.task.pk for r in ov.overview(UserFactory(is_superuser=True), occasion).rows]
    last = client.get(url, {"sida": 3}).content.decode()
    assert "Visar 9–10 av 10 uppgifter (sida 3 av 3)." in last
    assert 'href="?sida=2" rel="prev"' in last and 'rel="next"' not in last
    assert "Visar 9–10 av 10" in client.get(url, {"sida": 99}).content.decode()
    assert "Visar 1–4 av 10" in client.get(url, {"sida": "x"}).content.decode()

    # A filter is kept in the page links; fewer rows than a page need none.
    ap = str(chain["ap"].pk)
    filtered = client.get(url, {"plantyp": ap, "sida": 1}).content.decode()
    pages = ov.overview(UserFactory(is_superuser=True), occasion, ov.Filters(plan_type=ap)).rows
    assert len(pages) > 4
    assert f'href="?plantyp={ap}&amp;sida=2" rel="next"' in filtered
    one = client.get(url, {"q": ReportingTask.objects.first().name}).content.decode()
    assert 'class="pagination"' not in one

    # The export has every row, whatever page was shown.
    export = reverse("followup:overview_export", args=[occasion.pk])
    book = openpyxl.load_workbook(io.BytesIO(client.get(export, {"sida": 2}).content))
    assert book.active.max_row == 1 + 10
