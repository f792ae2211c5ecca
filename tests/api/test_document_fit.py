"""Ordering a document through the API offers what the documents page
offers: a document type that does not fit the occasion is refused with a
422 in Swedish, and nothing is queued."""

import json
from unittest import mock

import pytest

from styrhjul.documents.models import DocumentJob

from .conftest import bearer

pytestmark = pytest.mark.django_db


def order(client, secret, **data):
    return client.post(
        "/api/v1/dokument", json.dumps(data), content_type="application/json", **bearer(secret)
    )


def test_an_annual_report_for_an_interim_occasion_is_refused(client, org, occasion, write_token):
    with mock.patch("styrhjul.documents.jobs.tasks.enqueue_on_commit") as enqueue:
        response = order(
            client,
            write_token,
            unit_id=org["enhet_b1"].pk,
            occasion_id=occasion.pk,
            document="arsredovisning",
            fmt="pdf",
        )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Felaktiga uppgifter"
    assert body["errors"][0]["field"] == "document"
    message = body["errors"][0]["message"]
    assert message.startswith("Årsredovisning / verksamhetsberättelse passar inte Delårsrapport")
    # What the documents page offers for the unit at the occasion.
    assert "kan du beställa: Delårsrapport, Uppföljning av aktiviteter per datum." in message
    assert not DocumentJob.objects.exists()
    assert not enqueue.called


def test_the_document_the_page_offers_is_ordered(client, org, occasion, write_token):
    with mock.patch("styrhjul.documents.jobs.tasks.enqueue_on_commit"):
        response = order(
            client,
            write_token,
            unit_id=org["enhet_b1"].pk,
            occasion_id=occasion.pk,
            document="delarsrapport",
            fmt="pdf",
        )
    assert response.status_code == 202, response.content
    assert DocumentJob.objects.get().document == "delarsrapport"


def test_an_internal_control_report_without_control_points_is_refused(
    client, org, occasion, write_token
):
    response = order(
        client,
        write_token,
        unit_id=org["enhet_b1"].pk,
        occasion_id=occasion.pk,
        document="internkontrollrapport",
        fmt="pdf",
    )
    assert response.status_code == 422
    assert "Internkontrollrapport passar inte" in response.json()["detail"]
    assert not DocumentJob.objects.exists()
