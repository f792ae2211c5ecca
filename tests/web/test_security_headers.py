"""The security headers on every answer of the application: a
Content-Security-Policy that runs scripts only from Styrhjul's own files, a
Permissions-Policy, and nothing of a logged-in user's kept in any cache."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    parts = (p.strip() for p in response["Content-Security-Policy"].split(";"))
    return {p.split()[0]: p.partition(" ")[2] for p in parts if p}


def test_the_login_page_allows_scripts_only_from_styrhjul_itself(client):
    response = client.get(reverse("login"))

    csp = policy(response)
    assert csp["script-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    # Every script on the page is a file of Styrhjul's; none is written inline.
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


def test_pages_and_downloads_of_a_logged_in_user_are_not_stored(client, org, model_owner):
    client.force_login(model_owner)

    for url in (reverse("start"), reverse("organisation:import_template")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_the_colour_field_works_under_the_policy(client, org, model_owner, model):
    # The one script a form had inline (the colour picker) is a static file now.
    client.force_login(model_owner)
    scale = model.scales.first()
    body = client.get(reverse("model:scale_value_create", args=[scale.pk])).content.decode()
    assert 'type="color"' in body
    assert "styrhjul/colour-input" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


def test_an_anonymous_visitor_gets_the_headers_too_on_a_refusal(client):
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert "Content-Security-Policy" in response
