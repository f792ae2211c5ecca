"""/readyz: whether this server can do its work. A load balancer sends
visitors only to servers that answer 200; the 503's text says what is missing."""

import datetime
from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.utils import timezone

from styrhjul.core import tasks
from styrhjul.core.models import WorkerBeat
from styrhjul.web import views

pytestmark = pytest.mark.django_db

NO_WORKER = "ingen arbetare har hörts av den senaste minuten: starta styrhjul worker\n"


def a_worker_reported(seconds_ago: int) -> None:
    tasks.beat("dator1:12:a", now=timezone.now() - datetime.timedelta(seconds=seconds_ago))


def test_ready_when_the_database_answers_migrations_are_applied_and_a_worker_beats(client):
    a_worker_reported(seconds_ago=15)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_without_a_worker_seen_within_a_minute(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.decode() == NO_WORKER
    a_worker_reported(seconds_ago=75)
    assert client.get("/readyz").content.decode() == NO_WORKER
    # The alive check does not ask for a worker.
    assert client.get("/healthz").status_code == 200


def test_not_ready_when_migrations_are_not_applied(client, monkeypatch):
    a_worker_reported(seconds_ago=5)
    monkeypatch.setattr(views, "_migrated", False)
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        return_value=[("migration", False)] * 3,
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.decode() == (
        "3 databasmigreringar är inte körda: kör styrhjul migrate\n"
    )
    # Once migrated, the graph is not loaded again for every probe.
    assert client.get("/readyz").status_code == 200
    with mock.patch("django.db.migrations.executor.MigrationExecutor") as executor:
        assert client.get("/readyz").status_code == 200
    executor.assert_not_called()


def test_not_ready_when_the_database_does_not_answer(client):
    failing = OperationalError("connection to server at 10.0.0.9 failed")
    with mock.patch.object(connections["default"], "cursor", side_effect=failing):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"databasen svarar inte\n"


def test_readyz_answers_a_probe_by_ip_address_and_only_reads(client):
    a_worker_reported(seconds_ago=5)
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.post("/readyz").status_code == 405
    assert WorkerBeat.objects.count() == 1
