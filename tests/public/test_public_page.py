"""The organisation's public page: switched on by a model owner, readable
without login, showing the vision, the goals per perspective with their
published assessments and analyses and the published documents; served
from the cache with a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup.models import OccasionStep, Report
from styrhjul.public.services import occasion_publish
from tests.factories import DocumentJobFactory, UserFactory, VisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def published(reported, org, model_owner):
    VisionFactory(unit=org["kommun"], title="Provköping 2035", valid_from_year=2024)
    OccasionStep.objects.filter(occasion=reported).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    DocumentJobFactory(
        unit=org["kommun"],
        occasion=reported,
        status="done",
        filename="delarsrapport.pdf",
        data=b"%PDF-1.7",
        size=8,
    )
    return occasion_publish(actor=model_owner, occasion=reported)


def switch_on(client, org, owner, on=True):
    client.force_login(owner)
    url = reverse("public:settings", args=[org["kommun"].pk])
    version = client.get(url).context["version"]
    data = {"licence": "CC0-1.0", "version": version}
    if on:
        data["public_page"] = "1"
    assert client.post(url, data).status_code == 302
    client.logout()


def test_the_page_is_off_until_a_model_owner_switches_it_on(client, published, org, model_owner):
    url = reverse("public:organisation_page", args=[org["kommun"].pk])
    assert client.get(url).status_code == 404
    switch_on(client, org, model_owner)
    assert client.get(url).status_code == 200
    switch_on(client, org, model_owner, on=False)
    assert client.get(url).status_code == 404


def test_the_page_shows_the_vision_goals_per_perspective_and_documents(
    client, published, org, chain, model_owner
):
    switch_on(client, org, model_owner)
    page = client.get(reverse("public:organisation_page", args=[org["kommun"].pk]))
    text = page.content.decode()
    assert "Provköping 2035" in text
    assert "<h3" in text and "Invånare" in text
    assert chain["council"].title in text
    assert "Goda förutsättningar att nå målet" in text
    assert "Andelen behöriga ökar" in text
    assert chain["board"].title not in text  # neither assessed nor analysed
    assert chain["indicator"].title in text and ">85<" in text and "88 (2026)" in text
    doc = published.documents.get()
    assert reverse("public:document", args=[published.pk, doc.pk]) in text
    assert reverse("public:snapshot_csv", args=[published.pk]) in text
    assert "Maja" not in text  # no session in the page: the same for everyone


def test_later_edits_do_not_show(client, published, org, chain, model_owner):
    switch_on(client, org, model_owner)
    Report.objects.filter(item=chain["council"]).update(analysis="Ändrad efteråt")
    cache.clear()
    text = client.get(reverse("public:organisation_page", args=[org["kommun"].pk])).content
    assert "Ändrad efteråt" not in text.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_served_from_the_cache_in_two_queries_and_bounded_without(
    client, published, org, model_owner
):
    switch_on(client, org, model_owner)
    url = reverse("public:organisation_page", args=[org["kommun"].pk])
    uncached = _queries(client, url)
    assert uncached <= 12
    assert _queries(client, url) <= 2  # the settings with the newest snapshot, the cache
    # More goals published: the same number of queries uncached.
    published.rows.update(kind="goal", assessment_label="Åtgärder krävs")
    cache.clear()
    assert _queries(client, url) == uncached


def test_publishing_again_shows_at_once(client, published, org, chain, model_owner):
    switch_on(client, org, model_owner)
    url = reverse("public:organisation_page", args=[org["kommun"].pk])
    client.get(url)
    Report.objects.filter(item=chain["council"]).update(analysis="Rättad analys")
    occasion_publish(actor=model_owner, occasion=published.occasion)
    assert "Rättad analys" in client.get(url).content.decode()


def test_a_logged_in_visitor_gets_the_same_page(client, published, org, model_owner):
    switch_on(client, org, model_owner)
    url = reverse("public:organisation_page", args=[org["kommun"].pk])
    anonymous = client.get(url).content
    client.force_login(UserFactory(first_name="Olle", last_name="Inloggad"))
    assert client.get(url).content == anonymous


def test_the_logo_and_a_readable_heading_colour_from_the_document_settings(
    client, published, org, model_owner
):
    from styrhjul.documents.models import DocumentSettings

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    DocumentSettings.objects.create(
        organisation=org["kommun"], heading_colour="#1e3a5f", logo=png, logo_type="image/png"
    )
    switch_on(client, org, model_owner)
    url = reverse("public:organisation_page", args=[org["kommun"].pk])
    text = client.get(url).content.decode()
    assert (
        'src="data:image/png;base64,' in text and f'alt="Logotyp för {org["kommun"].name}"' in text
    )
    assert "color: #1e3a5f" in text
    DocumentSettings.objects.filter(organisation=org["kommun"]).update(heading_colour="#fafafa")
    cache.clear()
    assert "color: #fafafa" not in client.get(url).content.decode()  # too pale on white
