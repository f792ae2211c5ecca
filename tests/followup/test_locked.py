"""Låst is its own state, never Försenad: Mina uppgifter, the task page,
the occasion overview and its export; reminders never go for locked or
klarmarkerade tasks."""

import datetime
import io
import re

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup.models import ReminderLog, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import RoleGrantFactory, UserFactory
from tests.worker import run_worker


def _setup(org, chain, occasion, *, grace_days: int):
    """The enhet B1's task, its deadline yesterday; with grace days it is
    late (still open for reporting), without it is locked."""
    today = timezone.localdate()
    occasion.steps.filter(unit_type__name="Enhet").update(
        start=today - datetime.timedelta(days=30), deadline=today - datetime.timedelta(days=1)
    )
    occasion.grace_days = grace_days
    occasion.save()
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )
    chef = UserFactory(email="chef@example.se")
    RoleGrantFactory(user=chef, unit=org["enhet_b1"], role=Role.MANAGER)
    owner = UserFactory()
    RoleGrantFactory(user=owner, unit=org["kommun"], role=Role.MODEL_OWNER)
    return task, chef, owner


def _status_cell(html: str, task_name: str) -> str:
    """The table row (or start page row) that names the task."""
    body = html.split("<tbody>", 1)[1]
    return next(r for r in body.split("<tr") if task_name in r)


def test_a_locked_task_shows_last_everywhere(client, org, chain, occasion):
    task, chef, owner = _setup(org, chain, occasion, grace_days=0)
    client.force_login(chef)
    start = client.get("/").content.decode()
    row = _status_cell(start, task.unit.name)
    assert "Låst" in row and "Försenad" not in row
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "Rapporteringen är låst." in page and "Låst" in page and "Försenad" not in page
    client.force_login(owner)
    overview = client.get(reverse("followup:overview", args=[occasion.pk])).content.decode()
    row = _status_cell(overview, task.name)
    assert "Låst" in row and "Försenad" not in row
    from openpyxl import load_workbook

    export = client.get(reverse("followup:overview_export", args=[occasion.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    statuses = {r[4]: r[9] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses[task.name] == "Låst"


def test_a_late_task_is_forsenad_while_still_open(client, org, chain, occasion):
    task, chef, owner = _setup(org, chain, occasion, grace_days=3)
    client.force_login(chef)
    row = _status_cell(client.get("/").content.decode(), task.unit.name)
    assert "Försenad" in row and "Låst" not in row
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "Rapporteringen är låst." not in page
    client.force_login(owner)
    overview = client.get(reverse("followup:overview", args=[occasion.pk])).content.decode()
    row = _status_cell(overview, task.name)
    assert "Försenad" in row and "Låst" not in row


def _remind(client, occasion, **data):
    """Press a reminder button; "alla försenade" is sent by the worker."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("followup:remind", args=[occasion.pk]), data)
    run_worker()
    return response


def test_reminders_go_only_for_late_tasks_never_locked_or_klarmarkerade(
    client, org, chain, occasion
):
    task, chef, owner = _setup(org, chain, occasion, grace_days=3)
    client.force_login(owner)
    _remind(client, occasion, alla="forsenade")
    assert [m.to for m in mail.outbox] == [[chef.email]]
    ReminderLog.objects.all().delete()
    mail.outbox.clear()
    # Klarmarkerad: neither the single reminder nor "alla försenade".
    task.done_at = timezone.now()
    task.save()
    _remind(client, occasion, task=task.pk)
    _remind(client, occasion, alla="forsenade")
    assert mail.outbox == []
    # Locked (no grace days left): none either, and the page says why.
    task.done_at = None
    task.save()
    occasion.grace_days = 0
    occasion.save()
    response = _remind(client, occasion, task=task.pk)
    _remind(client, occasion, alla="forsenade")
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "Uppgiften är låst eller klarmarkerad och får ingen påminnelse." in page


def test_no_reminder_button_for_a_locked_task_and_send_to_all_comes_last(
    client, org, chain, occasion
):
    task, chef, owner = _setup(org, chain, occasion, grace_days=3)
    client.force_login(owner)
    url = reverse("followup:overview", args=[occasion.pk])
    html = client.get(url).content.decode()
    assert f'name="task" value="{task.pk}"' in _status_cell(html, task.name)
    # The send-to-all button after the filters and the table, a secondary action.
    everyone = html.index("Skicka påminnelse till alla försenade")
    assert html.index('role="search"') < html.index("</table>") < everyone
    assert html.index("Exportera till Excel") < everyone
    occasion.grace_days = 0
    occasion.save()
    html = client.get(url).content.decode()
    assert f'name="task" value="{task.pk}"' not in html
    assert "Skicka påminnelse till alla försenade" not in html


def test_task_names_link_to_the_task_page_and_the_links_work(client, org, chain, occasion):
    task, chef, owner = _setup(org, chain, occasion, grace_days=3)
    head = UserFactory()
    RoleGrantFactory(user=head, unit=org["avd_b"], role=Role.MANAGER)
    for user in (owner, head):
        client.force_login(user)
        html = client.get(reverse("followup:overview", args=[occasion.pk])).content.decode()
        link = reverse("followup:task", args=[task.pk])
        assert f'<a href="{link}">{task.name}</a>' in html
        links = re.findall(r'href="(/uppfoljning/uppgifter/\d+/)"', html)
        assert link in links
        for href in links:
            assert client.get(href).status_code == 200


def test_a_model_owner_reopens_a_locked_task_from_the_task_page(client, org, chain, occasion):
    task, chef, owner = _setup(org, chain, occasion, grace_days=0)
    url = reverse("followup:task", args=[task.pk])
    reopen = reverse("followup:task_reopen", args=[task.pk])
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    # A chef sees no button and may not reopen.
    client.force_login(chef)
    assert f'action="{reopen}"' not in client.get(url).content.decode()
    assert client.post(reopen, {"until": until, "next": url}).status_code == 403
    task.refresh_from_db()
    assert task.reopened_until is None
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert f'action="{reopen}"' in html and "Öppna igen" in html
    response = client.post(reopen, {"until": until, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert "Rapporteringen är låst." not in html and f"öppnad igen till och med {until}" in html
    assert f'action="{reopen}"' not in html
    # Audited as on the Årshjul: the task's history tells it.
    history = client.get(reverse("followup:task_history", args=[task.pk])).content.decode()
    assert f"Öppnad igen till och med {until}" in history


def test_a_model_owner_reopens_a_locked_task_from_the_overview(client, org, chain, occasion):
    task, chef, owner = _setup(org, chain, occasion, grace_days=0)
    head = UserFactory()
    RoleGrantFactory(user=head, unit=org["avd_b"], role=Role.MANAGER)
    overview = reverse("followup:overview", args=[occasion.pk])
    reopen = reverse("followup:task_reopen", args=[task.pk])
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    # An avdelningschef follows the task in the overview but may not reopen it.
    client.force_login(head)
    html = client.get(overview).content.decode()
    assert task.name in html and reopen not in html
    assert client.post(reopen, {"until": until, "next": overview}).status_code == 403
    client.force_login(owner)
    html = client.get(overview).content.decode()
    href = re.search(rf'href="({re.escape(reopen)}[^"]*)"', _status_cell(html, task.name))[1]
    form = client.get(href.replace("&amp;", "&"))
    assert form.status_code == 200 and "Öppna igen till och med" in form.content.decode()
    response = client.post(reopen, {"until": until, "next": overview})
    assert response.status_code == 302 and response["Location"] == overview
    row = _status_cell(client.get(overview).content.decode(), task.name)
    assert "Låst" not in row and "Försenad" in row
