"""/healthz: what a load balancer or monitoring asks to know if Styrhjul works."""

from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(client):
    # A load balancer has no session; the answer must not be a redirect to login.
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_fails(client):
    failing = OperationalError("connection to server at 10.0.0.9 failed: Connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=failing):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode().strip() == "databasen svarar inte"
    # The response tells nothing about the database's address.
    assert b"10.0.0.9" not in response.content


def test_healthz_answers_503_when_the_query_fails(client):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = OperationalError("server closed")
    with mock.patch.object(connections["default"], "cursor", return_value=cursor):
        assert client.get("/healthz").status_code == 503


def test_healthz_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_healthz_is_not_redirected_to_https(client):
    # The same exemption as production settings (test_production.py checks the
    # real settings and a real server). Django matches it without the leading slash.
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
    assert client.get("/healthz/").status_code == 301


def test_healthz_answers_a_probe_by_ip_address_outside_allowed_hosts(client):
    # Load balancers often probe http://10.1.2.3:8000/healthz with the IP as Host.
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400
