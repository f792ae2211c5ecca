"""Writing a report through the API: the same service as the reporting page,
the version as ETag, If-Match required, a stale version answers 409 with the
text saved now, and a read-only token writes nothing."""

import datetime
import json
from unittest import mock

import pytest
from django.test import Client

from styrhjul.followup.models import Report, ReportingTask
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def during_the_interim_follow_up():
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 7, 1)):
        yield


@pytest.fixture
def task(org, chain, occasion):
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )


@pytest.fixture
def url(task, chain):
    return f"/api/v1/rapporter/{task.pk}/{chain['activity'].pk}"


def put(client, url, data, secret=None, if_match=None):
    headers = bearer(secret) if secret else {}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match
    return client.put(url, json.dumps(data), content_type="application/json", **headers)


def test_read_then_write_with_the_etag(client, url, write_token, chain):
    first = client.get(url, **bearer(write_token))
    assert first.status_code == 200
    assert first["ETag"] == '"0"' and first.json()["version"] == 0
    response = put(client, url, {"comment": "Läxhjälpen är igång."}, write_token, '"0"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"1"'
    report = Report.objects.get(item=chain["activity"])
    assert (report.comment, report.version) == ("Läxhjälpen är igång.", 1)
    assert report.history.last().history_user.first_name == "Bo"
    again = client.get(url, **bearer(write_token))
    assert again["ETag"] == '"1"' and again.json()["comment"] == "Läxhjälpen är igång."


def test_a_stale_version_answers_409_with_the_current_text(client, url, write_token):
    put(client, url, {"comment": "Först"}, write_token, '"0"')
    put(client, url, {"comment": "Sedan"}, write_token, '"1"')
    response = put(client, url, {"comment": "Gammal"}, write_token, '"1"')
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["current"]["comment"] == "Sedan" and body["current"]["version"] == 2
    assert Report.objects.get().comment == "Sedan"


def test_if_match_is_required(client, url, write_token):
    response = put(client, url, {"comment": "Utan version"}, write_token)
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert put(client, url, {"comment": "X"}, write_token, "senaste").status_code == 412
    assert not Report.objects.exists()


def test_a_read_only_token_writes_nothing(client, url, read_token):
    assert client.get(url, **bearer(read_token)).status_code == 200
    response = put(client, url, {"comment": "Får inte"}, read_token, '"0"')
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Nyckeln får bara läsa")
    assert not Report.objects.exists()


def test_an_expired_write_token_writes_nothing(client, url, chef_b1):
    from styrhjul.api.models import ApiToken

    token, secret = make_token(chef_b1, "write")
    ApiToken.objects.filter(pk=token.pk).update(expires_on=datetime.date(2025, 6, 30))
    assert put(client, url, {"comment": "X"}, secret, '"0"').status_code == 401
    assert not Report.objects.exists()


def test_bad_input_is_a_422_per_field_and_nothing_is_saved(client, url, write_token):
    response = put(client, url, {"completion": 140}, write_token, '"0"')
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "completion"
    response = put(client, url, {"status_id": 999999}, write_token, '"0"')
    assert response.status_code == 422
    response = client.put(
        url,
        "{inte json",
        content_type="application/json",
        HTTP_IF_MATCH='"0"',
        **bearer(write_token),
    )
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"
    assert not Report.objects.exists()


def test_a_sibling_unit_s_report_is_not_found(client, org, url):
    sibling = UserFactory()
    grant(sibling, org["enhet_b2"], Role.MANAGER)
    _, secret = make_token(sibling, "write")
    assert client.get(url, **bearer(secret)).status_code == 404
    assert put(client, url, {"comment": "Kapad"}, secret, '"0"').status_code == 404
    assert not Report.objects.exists()


def test_a_reader_may_read_but_not_write(client, org, url):
    reader = UserFactory()
    grant(reader, org["enhet_b1"], Role.READER)
    _, secret = make_token(reader, "write")
    assert client.get(url, **bearer(secret)).status_code == 200
    assert put(client, url, {"comment": "Nej"}, secret, '"0"').status_code == 403
    assert not Report.objects.exists()


def test_the_browser_session_must_send_the_csrf_token(url, chef_b1):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(chef_b1)
    assert browser.get(url).status_code == 200
    response = put(browser, url, {"comment": "Utan CSRF"}, if_match='"0"')
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Report.objects.exists()
    browser.get("/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.put(
        url,
        json.dumps({"comment": "Med CSRF"}),
        content_type="application/json",
        HTTP_IF_MATCH='"0"',
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    assert Report.objects.get().comment == "Med CSRF"
