"""Reporting on a task: "Mina uppgifter", the reporting page with one form
per item, conflicts, locking, marking done and the task's history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from styrhjul.followup import queries, services
from styrhjul.followup.models import OccasionStep, Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind, ScaleValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Item
from tests.factories import UserFactory, grant


@pytest.fixture
def open_occasion(occasion):
    """The occasion with its deadlines two weeks ahead, so nothing is locked."""
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    return occasion


@pytest.fixture
def task(open_occasion, org, chain):
    return ReportingTask.objects.get(
        occasion=open_occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )


@pytest.fixture
def chef(org):
    user = UserFactory(first_name="Berit", last_name="Bengtsson")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


def status(label: str) -> ScaleValue:
    return ScaleValue.objects.get(
        scale__kind="activity_status", label=label, scale__model__year=2025
    )


def url(name, *args):
    from django.urls import reverse

    return reverse(f"followup:{name}", args=args)


def post_activity(client, task, item, **fields):
    prefix = f"post-{item.pk}-"
    data = {prefix + k: v for k, v in fields.items()}
    data.setdefault(prefix + "version", "0")
    return client.post(url("report_item", task.pk, item.pk), data)


# --- Mina uppgifter ---------------------------------------------------------------------------


def test_my_tasks_lists_the_managers_tasks_with_progress(task, chef, chain):
    rows = queries.my_tasks(chef)
    assert [r.task for r in rows] == [task]
    assert (rows[0].reported, rows[0].total, rows[0].overdue) == (0, 1, False)
    services.report_save(
        actor=chef,
        task=task,
        item=chain["activity"],
        data=services.ReportData(status=status("Påbörjad")),
        version=0,
    )
    row = queries.my_tasks(chef)[0]
    assert (row.reported, row.total) == (1, 1)
    html = render_to_string("followup/_my_tasks.html", {"tasks": [row]})
    assert "1 av 1 post" in html
    assert "Delårsrapport 2025" in html
    assert url("task", task.pk) in html


def test_my_tasks_marks_overdue_and_includes_reporter_tasks(occasion, org, chain, chef):
    # The fixture's deadlines are in 2025: past, and with no grace days locked.
    row = queries.my_tasks(chef)[0]
    assert row.locked and not row.overdue
    html = render_to_string("followup/_my_tasks.html", {"tasks": [row]})
    assert "Låst" in html and "Försenad" not in html
    # Still open for reporting after the deadline: late.
    occasion.grace_days = (timezone.localdate() - datetime.date(2025, 7, 15)).days
    occasion.save()
    row = queries.my_tasks(chef)[0]
    assert row.overdue and not row.locked
    assert "Försenad" in render_to_string("followup/_my_tasks.html", {"tasks": [row]})
    reporter = UserFactory()
    grant(reporter, org["enhet_b1"], Role.REPORTER, subtree=False)
    mine = ReportingTask.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        plan_type=chain["ap"],
        reporter=reporter,
        name="Rapportörens uppgift",
    )
    Item.objects.filter(pk=chain["activity"].pk).update(responsible=reporter)
    assert [r.task for r in queries.my_tasks(reporter)] == [mine]
    assert queries.my_tasks(reporter)[0].total == 1
    assert queries.my_tasks(UserFactory()) == []


def test_my_tasks_runs_a_fixed_number_of_queries(occasion, org, chain, django_assert_num_queries):
    owner = UserFactory()
    for key in ("kommun", "namnd", "forv", "enhet_b1"):
        grant(owner, org[key], Role.MODEL_OWNER, subtree=False)
    access.rights(owner)  # cached per request
    # Tasks, the occasions, items, shares, reports, the indicators' series
    # and their outcomes, the plan types' assessment rules (the read model).
    with django_assert_num_queries(8):
        rows = queries.my_tasks(owner)
    assert len(rows) == 4


# --- The reporting page -------------------------------------------------------------------------


def test_the_page_shows_exactly_the_task_items_with_their_forms(client, task, chef, chain):
    client.force_login(chef)
    response = client.get(url("task", task.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert chain["activity"].title in html
    assert chain["council"].title not in html
    for label in ("Ej startad", "Påbörjad", "Väntar", "Klar", "Stoppad", "Försenad"):
        assert label in html
    assert "Färdighetsgrad (%)" in html
    assert f'hx-post="{url("report_item", task.pk, chain["activity"].pk)}"' in html
    assert "Klarmarkera uppgift" in html


def test_the_page_needs_read_access(client, task):
    client.force_login(UserFactory())
    assert client.get(url("task", task.pk)).status_code == 404


def test_a_reader_sees_no_form_and_may_not_save(client, task, org, chain):
    reader = UserFactory()
    grant(reader, org["enhet_b1"], Role.READER)
    client.force_login(reader)
    response = client.get(url("task", task.pk))
    assert response.status_code == 200
    assert "hx-post" not in response.content.decode()
    response = post_activity(client, task, chain["activity"], status=status("Klar").pk)
    assert response.status_code == 403


def test_a_required_comment_is_asked_for_and_nothing_typed_is_lost(client, task, chef, chain):
    client.force_login(chef)
    item = chain["activity"]
    response = post_activity(client, task, item, status=status("Försenad").pk, completion="40")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kommentar krävs när status är ”Försenad”." in html
    assert f'id="id_post-{item.pk}-comment_error"' in html
    assert 'value="40"' in html
    assert f'value="{status("Försenad").pk}"' in html and "checked" in html
    assert not Report.objects.exists()


def test_a_plain_post_saves_and_returns_to_the_item(client, task, chef, chain):
    client.force_login(chef)
    item = chain["activity"]
    response = post_activity(
        client, task, item, status=status("Försenad").pk, completion="40", comment="Lokalen saknas."
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{url('task', task.pk)}#post-{item.pk}")
    report = Report.objects.get(item=item, unit=task.unit)
    assert (report.status.label, report.completion, report.comment) == (
        "Försenad",
        40,
        "Lokalen saknas.",
    )
    assert report.updated_by == chef


def test_an_htmx_post_returns_the_item_fragment(client, task, chef, chain):
    client.force_login(chef)
    item = chain["activity"]
    response = client.post(
        url("report_item", task.pk, item.pk),
        {f"post-{item.pk}-version": "0", f"post-{item.pk}-status": status("Klar").pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<article class="report-item report-item--depth-0" id="post-{item.pk}"' in html
    assert "<html" not in html
    assert "Sparat." in html
    assert f'name="post-{item.pk}-version" value="1"' in html
    # The answer shows the item as now saved: its state and who saved it.
    assert '<span class="tag">Rapporterad</span>' in html
    assert f"av {chef.get_full_name()}." in html
    response = client.post(
        url("report_item", task.pk, item.pk),
        {f"post-{item.pk}-version": "1", f"post-{item.pk}-comment": "Bara en kommentar."},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Påbörjad, ej rapporterad" in html and "Bara en kommentar." in html


def test_a_stale_save_shows_the_others_text_and_a_second_save_overwrites(
    client, task, chef, chain, org
):
    other = UserFactory(first_name="Olle")
    grant(other, org["enhet_b1"], Role.MANAGER)
    item = chain["activity"]
    services.report_save(
        actor=other,
        task=task,
        item=item,
        data=services.ReportData(status=status("Påbörjad"), comment="Olles text"),
        version=0,
    )
    client.force_login(chef)
    response = post_activity(client, task, item, status=status("Klar").pk, comment="Berits text")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Någon annan har sparat" in html
    assert "Olles text" in html and "Berits text" in html
    assert f'name="post-{item.pk}-version" value="1"' in html
    response = post_activity(
        client, task, item, status=status("Klar").pk, comment="Berits text", version="1"
    )
    assert response.status_code == 302
    assert Report.objects.get(item=item).comment == "Berits text"


def test_a_locked_task_is_read_only_with_an_explanation(client, occasion, org, chain, chef):
    task = ReportingTask.objects.get(occasion=occasion, unit=org["enhet_b1"], reporter=None)
    assert services.is_locked(task)
    client.force_login(chef)
    html = client.get(url("task", task.pk)).content.decode()
    assert "Rapporteringen är låst." in html
    assert "Tidsfristen har passerat" in html
    assert "hx-post" not in html
    response = post_activity(client, task, chain["activity"], status=status("Klar").pk)
    assert response.status_code == 200
    assert "låst" in response.content.decode()
    assert not Report.objects.exists()


def test_an_indicator_outcome_and_a_goal_analysis(client, open_occasion, org, chain):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER, subtree=False)
    task = ReportingTask.objects.get(
        occasion=open_occasion, unit=org["kommun"], plan_type=chain["vp"], reporter=None
    )
    indicator, goal = chain["indicator"], chain["council"]
    Item.objects.filter(pk=indicator.pk).update(gender_split=True)
    IndicatorValue.objects.create(
        item=indicator, unit=org["kommun"], year=2024, period="", value=Decimal("83.5")
    )
    client.force_login(owner)
    html = client.get(url("task", task.pk)).content.decode()
    assert "Utfall tidigare år" in html and "83,5" in html
    assert "varav kvinnor" in html
    assert "Vad beror resultatet på?" in html
    assert "Bedömning av måluppfyllelse" in html
    # Grouped like the plan: the indicator under the goal it contributes to.
    assert html.index(f'id="post-{goal.pk}"') < html.index(f'id="post-{indicator.pk}"')
    assert f'report-item--depth-1" id="post-{indicator.pk}"' in html

    p = f"post-{indicator.pk}-"
    response = client.post(
        url("report_item", task.pk, indicator.pk),
        {
            p + "version": "0",
            p + "value": "85,5",
            p + "value_women": "87",
            p + "value_men": "84",
            p + "note": "Avser period ett",
        },
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(item=indicator, unit=org["kommun"], year=2025)
    assert (value.period, value.value, value.value_women, value.note) == (
        "",
        Decimal("85.5"),
        Decimal("87"),
        "Avser period ett",
    )

    slow = ScaleValue.objects.get(label="Rätt riktning men för långsamt", scale__model__year=2025)
    p = f"post-{goal.pk}-"
    response = client.post(
        url("report_item", task.pk, goal.pk), {p + "version": "0", p + "assessment": slow.pk}
    )
    assert response.status_code == 200
    assert f'id="id_post-{goal.pk}-analysis_error"' in response.content.decode()
    response = client.post(
        url("report_item", task.pk, goal.pk),
        {p + "version": "0", p + "assessment": slow.pk, p + "analysis": "Ökar, men långsamt."},
    )
    assert response.status_code == 302
    assert Report.objects.get(item=goal).analysis == "Ökar, men långsamt."


def test_marking_done_warns_about_unreported_items_and_can_be_undone(client, task, chef, chain):
    client.force_login(chef)
    response = client.get(url("task_done", task.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 post är inte rapporterad" in html
    assert chain["activity"].title in html
    response = client.post(url("task_done", task.pk))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == chef
    html = client.get(url("task", task.pk)).content.decode()
    assert "Ångra klarmarkering" in html
    client.post(url("task_undo", task.pk))
    task.refresh_from_db()
    assert task.done_at is None


def test_a_klarmarkerad_task_is_read_only_until_klarmarkering_is_undone(client, task, chef, chain):
    activity = chain["activity"]
    services.task_mark_done(actor=chef, task=task)
    client.force_login(chef)

    html = client.get(url("task", task.pk)).content.decode()
    assert "Uppgiften är klarmarkerad." in html
    assert "Ångra klarmarkeringen för att ändra något." in html
    assert f'action="{url("report_item", task.pk, activity.pk)}"' not in html

    response = post_activity(client, task, activity, status=status("Påbörjad").pk)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.report_save(
            actor=chef,
            task=task,
            item=activity,
            data=services.ReportData(status=status("Påbörjad")),
            version=0,
        )
    assert not Report.objects.filter(item=activity).exists()

    client.post(url("task_undo", task.pk))
    response = post_activity(client, task, activity, status=status("Påbörjad").pk)
    assert response.status_code == 302
    assert Report.objects.get(item=activity).status == status("Påbörjad")


def test_the_task_history_lists_task_and_reports(client, task, chef, chain):
    services.report_save(
        actor=chef,
        task=task,
        item=chain["activity"],
        data=services.ReportData(status=status("Påbörjad"), comment="Historisk kommentar"),
        version=0,
    )
    client.force_login(chef)
    response = client.get(url("task_history", task.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rapporter" in html and "Historisk kommentar" in html


def _page_queries(client, task) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("task", task.pk))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(client, task, chef, chain):
    client.force_login(chef)
    plan = chain["activity"].plan

    def add(n):
        Item.objects.bulk_create(
            Item(plan=plan, kind=ItemKind.ACTIVITY, title=f"Aktivitet {i}", order=i)
            for i in range(n)
        )

    add(9)
    assert len(services.task_items(task)) == 10
    small = _page_queries(client, task)
    add(190)
    assert len(services.task_items(task)) == 200
    assert _page_queries(client, task) == small


def test_the_forms_fast_widgets_give_djangos_markup(task, chain):
    """The reporting form writes its simple widgets and radio buttons without
    a template per widget; the markup is Django's, errors and all."""
    from django.forms.renderers import DjangoTemplates

    from styrhjul.followup.reporting import ReportForm, ScaleChoiceField, widget_html
    from styrhjul.followup.templatetags.report_items import _radios

    page = queries.task_page(None, task)
    entry = page.entries[chain["activity"].pk]
    p = f"post-{entry.item.pk}-"
    data = {p + "version": "0", p + "status": str(status("Försenad").pk), p + "completion": "400"}
    form = ReportForm(data, task=task, entry=entry, scales=page.scale_values)
    assert not form.is_valid()
    form.add_error("comment", "Kommentar <krävs>.")
    form.add_error("status", "Fel status.")
    plain = DjangoTemplates()
    unbound = ReportForm(task=task, entry=entry, scales=page.scale_values)
    for each in (form, unbound):
        for bf in list(each.hidden_fields()) + list(each.visible_fields()):
            fast, direct = str(bf), widget_html(bf)
            each.renderer = plain
            assert fast == direct == str(bf), bf.name
            each.renderer = each.default_renderer
    assert 'aria-invalid="true"' in str(form["completion"])
    for bf in form.visible_fields():
        if not isinstance(bf.field, ScaleChoiceField):
            continue
        written: list[str] = []
        _radios(written, bf, ' aria-invalid="true"' if bf.errors else "")
        assert written == [
            f'<div class="checkbox">{choice.tag()} '
            f'<label for="{choice.id_for_label}">{choice.choice_label}</label></div>'
            for choice in bf
        ]
        assert sum(" checked>" in html for html in written) == 1


def test_the_pages_forms_are_written_as_their_bound_fields_write_them(
    client, open_occasion, org, chain, monkeypatch
):
    """The page writes the fields of its forms from markup made once per
    page, with each item's id and values put in; every field reads as its
    BoundField writes it, values (escaped), chosen radio buttons, help
    texts and all."""
    from styrhjul.followup.templatetags import report_items

    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER, subtree=False)
    task = ReportingTask.objects.get(
        occasion=open_occasion, unit=org["kommun"], plan_type=chain["vp"], reporter=None
    )
    indicator, goal = chain["indicator"], chain["council"]
    Item.objects.filter(pk=indicator.pk).update(gender_split=True)
    IndicatorValue.objects.create(
        item=indicator, unit=org["kommun"], year=2024, period="", value=Decimal("83.5")
    )
    IndicatorValue.objects.create(
        item=indicator, unit=org["kommun"], year=2025, value=Decimal("85.25"), note='"<Avser>"'
    )
    slow = ScaleValue.objects.get(label="Rätt riktning men för långsamt", scale__model__year=2025)
    services.report_save(
        actor=access.SYSTEM,
        task=task,
        item=goal,
        data=services.ReportData(assessment=slow, analysis="Ökar <b>långsamt</b> & säkert."),
        version=0,
    )
    client.force_login(owner)
    page = client.get(url("task", task.pk)).context["page"]
    forms = [e.form for e in page.entries.values() if e.form is not None]
    assert {f.item.kind for f in forms} >= {ItemKind.INDICATOR, ItemKind.GOAL}

    def written(form, page_html) -> str:
        out: list[str] = []
        report_items._fields(out, form, page_html, str(form.item.pk))
        return "".join(out)

    shared = report_items._Page({"task": task})
    fast = [written(form, shared) for form in forms + forms]  # the second time as made
    assert all(made is not False for made in shared._fields.values())
    monkeypatch.setattr(report_items._Page, "field", lambda *args: None)
    bound = [written(form, report_items._Page({"task": task})) for form in forms + forms]
    assert fast == bound
    html = "".join(fast)
    assert 'value="85,25"' in html and 'value="&quot;&lt;Avser&gt;&quot;"' in html
    assert "Ökar &lt;b&gt;långsamt&lt;/b&gt; &amp; säkert.</textarea>" in html
    assert f'value="{slow.pk}" id="id_post-{goal.pk}-assessment_' in html


def test_a_percentage_over_100_is_refused_by_the_service_at_the_field(
    client, open_occasion, org, chain
):
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER, subtree=False)
    task = ReportingTask.objects.get(
        occasion=open_occasion, unit=org["kommun"], plan_type=chain["vp"], reporter=None
    )
    indicator = chain["indicator"]  # measured in %
    message = "Nyckeltalet anges i procent: värdet kan inte vara över 100."

    with pytest.raises(ValidationError) as caught:
        services.indicator_value_save(
            actor=access.SYSTEM, task=task, item=indicator, year=2025, period="", value=101
        )
    assert caught.value.message_dict == {"value": [message]}
    assert not IndicatorValue.objects.filter(item=indicator).exists()

    Item.objects.filter(pk=indicator.pk).update(gender_split=True)
    client.force_login(owner)
    p = f"post-{indicator.pk}-"
    response = client.post(
        url("report_item", task.pk, indicator.pk),
        {p + "version": "0", p + "value": "85", p + "value_women": "112", p + "comment": "Ja"},
    )
    assert response.status_code == 200
    form = response.context["page"].entries[indicator.pk].form
    assert form.errors == {"value_women": [message]}
    # The report and the outcome are saved together or not at all.
    assert not IndicatorValue.objects.filter(item=indicator).exists()
    assert not Report.objects.filter(item=indicator).exists()


def test_the_pages_dates_are_djangos_date_filter():
    """report_items writes "Senast sparad" and "Klart senast" without the
    date filter; the text is the filter's, in the current time zone."""
    from django.template.defaultfilters import date as date_filter
    from django.utils.timezone import template_localtime

    from styrhjul.followup.templatetags.report_items import date_text

    moments = [
        datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2025, 3, 30, 1, 5, tzinfo=datetime.UTC),
        datetime.datetime(987, 1, 2, 3, 4, tzinfo=datetime.UTC),
    ]
    for moment in moments:
        shown = date_filter(template_localtime(moment), "Y-m-d H:i")
        assert date_text(moment, "Y-m-d H:i") == shown
    for day in (datetime.date(2025, 10, 31), datetime.date(987, 1, 2)):
        assert date_text(day, "Y-m-d") == date_filter(day, "Y-m-d")
    assert date_text(moments[0], "Y-m-d H:i") == "2026-01-01 00:30"
    assert date_text(None, "Y-m-d") == ""


def test_the_read_model_reads_one_units_reports_on_the_items_asked_for(open_occasion, org, chain):
    """A task's page asks the read model about one unit: the answer has the
    unit's reports on the task's items (the same as asked with other units),
    not those on the unit's other items."""
    from styrhjul.followup import readmodel
    from styrhjul.planning import services as planning
    from tests.factories import ReportFactory

    activity, unit = chain["activity"], org["enhet_b1"]
    other = planning.item_create(
        actor=access.SYSTEM,
        plan=activity.plan,
        kind=ItemKind.ACTIVITY,
        title="Sommarlovsaktiviteter",
    )
    for item in (activity, other):
        ReportFactory(item=item, occasion=open_occasion, unit=unit)
    key = (open_occasion.pk, unit.pk, activity.pk)
    alone = readmodel.answers([open_occasion], [unit.pk], [activity])
    assert list(alone.reports) == [key]
    with_others = readmodel.answers([open_occasion], [unit.pk, org["kommun"].pk], [activity])
    assert alone.reports[key] == with_others.reports[key]
    assert alone.reports[key].status == with_others.reports[key].status is not None
