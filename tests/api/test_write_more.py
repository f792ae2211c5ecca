"""Writing through the API beyond reports: indicator values in bulk (all or
nothing, errors per row), plans and items through the planning services,
and ordering a document (202 with the job's address)."""

import json
from decimal import Decimal
from unittest import mock

import pytest

from styrhjul.documents.models import DocumentJob
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Item, Plan
from tests.factories import UserFactory, grant

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def post(client, url, data, secret, method="post", **headers):
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", **bearer(secret), **headers
    )


@pytest.fixture
def unit_indicator(org, chain):
    """An indicator in Barn och unga's Verksamhetsplan, split by gender,
    with a Kolada id."""
    from styrhjul.organisation import access
    from styrhjul.planning import services

    plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=chain["vp"])
    return services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.INDICATOR,
        title="Andel placerade barn i skolan",
        measure_unit="%",
        gender_split=True,
        kolada_kpi="U21468",
    )


def test_values_in_bulk_are_made_then_replaced_with_history(
    client, org, unit_indicator, write_token
):
    rows = [
        {"indicator_id": unit_indicator.pk, "unit_code": "IFO1", "period": "2025", "value": 71},
        {
            "kolada_id": "u21468",
            "unit_code": "IFO1",
            "period": "2025",
            "gender": "K",
            "value": "74.5",
        },
        {"indicator_id": unit_indicator.pk, "unit_code": "IFO1", "period": "2025-08", "value": 70},
    ]
    response = post(client, "/api/v1/nyckeltalsvarden", {"values": rows}, write_token)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    year = IndicatorValue.objects.get(item=unit_indicator, year=2025, period="")
    assert (year.value, year.value_women, year.value_men) == (Decimal(71), Decimal("74.5"), None)
    assert year.source == "imported" and year.updated_by.first_name == "Bo"
    assert year.history.first().history_user.first_name == "Bo"
    again = [
        {
            "indicator_id": unit_indicator.pk,
            "unit_code": "IFO1",
            "period": "2025",
            "gender": "M",
            "value": 68,
        }
    ]
    response = post(client, "/api/v1/nyckeltalsvarden", {"values": again}, write_token)
    assert response.json() == {"created": 0, "updated": 1}
    year.refresh_from_db()
    assert (year.value, year.value_women, year.value_men) == (Decimal(71), Decimal("74.5"), 68)
    assert year.history.count() == 2
    listed = client.get(
        "/api/v1/nyckeltalsvarden", {"item": unit_indicator.pk}, **bearer(write_token)
    ).json()["results"]
    assert {(v["period"], v["value"]) for v in listed} == {("", "71.00"), ("2025-08", "70.00")}


def test_one_wrong_row_saves_nothing_and_each_error_names_its_row(
    client, org, chain, unit_indicator, write_token
):
    good = {"indicator_id": unit_indicator.pk, "unit_code": "IFO1", "period": "2025", "value": 1}
    rows = [
        good,
        {**good, "value": 140},  # over 100 %
        {**good, "unit_code": "IFO2"},  # the sibling: not theirs (no hint that it exists)
        {**good, "indicator_id": 999999},
        {**good, "period": "2025-13"},
        {**good, "indicator_id": chain["activity"].pk},  # not an indicator
        {**good, "indicator_id": None, "kolada_id": "N00000"},
        good,  # the same key twice
    ]
    response = post(client, "/api/v1/nyckeltalsvarden", {"values": rows}, write_token)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == "Inget sparades: 7 av 8 rader är felaktiga."
    by_row = {e["row"]: (e["field"], e["message"]) for e in body["errors"]}
    assert set(by_row) == {1, 2, 3, 4, 5, 6, 7}
    assert by_row[1] == ("value", "Nyckeltalet anges i procent: värdet kan inte vara över 100.")
    assert by_row[2][0] == "unit_code" and "Vuxenenheten" not in by_row[2][1]
    assert by_row[3] == ("indicator_id", "Det finns inget nyckeltal med id 999999.")
    assert by_row[4][0] == "period"
    assert by_row[5][0] == "indicator_id"
    assert by_row[6][0] == "kolada_id"
    assert by_row[7][1] == "Samma nyckeltal, enhet, period och kön som rad 0."
    assert not IndicatorValue.objects.exists()


def test_wrong_types_and_a_read_only_token_write_nothing(
    client, unit_indicator, read_token, write_token
):
    row = {"indicator_id": unit_indicator.pk, "unit_code": "IFO1", "period": "2025", "value": 1}
    response = post(client, "/api/v1/nyckeltalsvarden", {"values": [row]}, read_token)
    assert response.status_code == 403
    response = post(
        client, "/api/v1/nyckeltalsvarden", {"values": [{**row, "value": "många"}]}, write_token
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("value")
    response = client.post(
        "/api/v1/nyckeltalsvarden",
        "{inte json",
        content_type="application/json",
        **bearer(write_token),
    )
    assert response.status_code in {400, 422}
    assert not IndicatorValue.objects.exists()


def test_a_reporter_sends_only_the_values_of_the_indicators_assigned_to_them(
    client, org, unit_indicator
):
    reporter = UserFactory()
    grant(reporter, org["enhet_b1"], Role.REPORTER)
    secret = make_token(reporter, "write")[1]
    row = {"indicator_id": unit_indicator.pk, "unit_code": "IFO1", "period": "2025", "value": 1}
    response = post(client, "/api/v1/nyckeltalsvarden", {"values": [row]}, secret)
    assert response.status_code == 422
    Item.objects.filter(pk=unit_indicator.pk).update(responsible=reporter)
    response = post(client, "/api/v1/nyckeltalsvarden", {"values": [row]}, secret)
    assert response.status_code == 200


def test_the_service_upserts_many_values_in_a_few_queries(org, unit_indicator, chef_b1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from styrhjul.followup.value_upsert import ValueRow, indicator_values_upsert

    rows = [
        ValueRow(
            indicator_id=unit_indicator.pk,
            unit_code="IFO1",
            period=f"{year}-{m:02}",
            value=Decimal(m),
        )
        for year in range(2000, 2026)
        for m in range(1, 13)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = indicator_values_upsert(actor=chef_b1, rows=rows)
    assert result.created == len(rows) == 312
    assert len(queries) < 30
    result = indicator_values_upsert(actor=chef_b1, rows=rows)
    assert (result.created, result.updated) == (0, 312)
    assert IndicatorValue.objects.count() == 312


def test_plans_and_items_are_made_and_changed_through_the_planning_services(
    client, org, chain, write_token, read_token
):
    data = {"unit_id": org["enhet_b1"].pk, "plan_type_id": chain["vp"].pk}
    response = post(client, "/api/v1/planer", data, write_token)
    assert response.status_code == 201, response.content
    plan = Plan.objects.get(unit=org["enhet_b1"], plan_type=chain["vp"])
    assert response["Location"] == f"/api/v1/planer/{plan.pk}"
    item = {
        "unit_id": org["enhet_b1"].pk,
        "plan_type_id": chain["ap"].pk,
        "kind": "activity",
        "title": "Sommarlovsaktiviteter",
        "contributes_to": [chain["operational"].pk],
    }
    response = post(client, "/api/v1/poster", item, write_token)
    assert response.status_code == 201, response.content
    made = Item.objects.get(title="Sommarlovsaktiviteter")
    assert response.json()["contributes_to"] == [chain["operational"].pk]
    assert made.history.first().history_user.first_name == "Bo"
    url = f"/api/v1/poster/{made.pk}"
    response = post(client, url, {"title": "Sommarlov"}, write_token, "patch")
    assert response.status_code == 428
    response = post(client, url, {"title": "Sommarlov"}, write_token, "patch", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"' and response.json()["title"] == "Sommarlov"
    stale = post(client, url, {"title": "Gammal"}, write_token, "patch", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert (
        post(client, url, {"title": "X"}, read_token, "patch", HTTP_IF_MATCH='"2"').status_code
        == 403
    )
    made.refresh_from_db()
    assert made.title == "Sommarlov"


def test_items_of_others_are_404_and_their_ids_are_refused(client, org, chain, write_token):
    from styrhjul.organisation import access
    from styrhjul.planning import services

    plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_b2"], plan_type=chain["ap"])
    hidden = services.item_create(
        actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title="Hemlig"
    )
    url = f"/api/v1/poster/{hidden.pk}"
    response = post(client, url, {"title": "Kapad"}, write_token, "patch", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    item = {
        "unit_id": org["enhet_b2"].pk,
        "plan_type_id": chain["ap"].pk,
        "kind": "activity",
        "title": "Kapad",
    }
    assert post(client, "/api/v1/poster", item, write_token).status_code == 404
    item = {**item, "unit_id": org["enhet_b1"].pk, "contributes_to": [hidden.pk]}
    assert post(client, "/api/v1/poster", item, write_token).status_code == 422
    # The council's goal is read (the red thread) but not written.
    response = post(
        client,
        f"/api/v1/poster/{chain['council'].pk}",
        {"title": "Kapad"},
        write_token,
        "patch",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 403
    assert not Item.objects.filter(title="Kapad").exists()


def test_ordering_a_document_answers_202_with_the_jobs_address(client, org, occasion, write_token):
    data = {
        "unit_id": org["enhet_b1"].pk,
        "occasion_id": occasion.pk,
        "document": "uppfoljning",
        "fmt": "xlsx",
    }
    with mock.patch("styrhjul.documents.jobs.tasks.enqueue_on_commit") as enqueue:
        response = post(client, "/api/v1/dokument", data, write_token)
    assert response.status_code == 202, response.content
    job = DocumentJob.objects.get()
    assert response["Location"] == f"/api/v1/dokument/{job.pk}"
    assert response.json()["status"] == "queued" and response.json()["download"] is None
    assert enqueue.called
    status = client.get(response["Location"], **bearer(write_token)).json()
    assert status["progress"] == 0
    data = {**data, "unit_id": org["enhet_b2"].pk}
    assert post(client, "/api/v1/dokument", data, write_token).status_code == 404
    assert DocumentJob.objects.count() == 1


def test_a_bulk_call_may_be_larger_than_a_form_but_not_than_its_limit(
    client, org, unit_indicator, write_token, settings
):
    row = {"indicator_id": unit_indicator.pk, "unit_code": "IFO1", "period": "2025", "value": 3}
    # More than Django's 2.5 MB for an ordinary request.
    big = {"values": [row], "comment": "x" * 3_000_000}
    response = post(client, "/api/v1/nyckeltalsvarden", big, write_token)
    assert response.status_code == 200, response.content[:300]
    settings.API_BULK_MAX_BYTES = 1_000_000
    response = post(client, "/api/v1/nyckeltalsvarden", big, write_token)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "Dela upp värdena" in response.json()["detail"]
    assert IndicatorValue.objects.get().value == 3
