"""Open data through the API without a token: the published follow-ups of an
organisation that shows its public page and their rows, as published; and
nothing else (an organisation without a public page, an occasion not
published: 404, as what does not exist)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from styrhjul.api.api import api
from styrhjul.followup.models import OccasionStep, Report
from styrhjul.public.models import PublicationSettings
from styrhjul.public.services import occasion_publish

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(reported, org, model_owner):
    OccasionStep.objects.filter(occasion=reported).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    PublicationSettings.objects.create(organisation=org["kommun"], public_page=True)
    return occasion_publish(actor=model_owner, occasion=reported)


def get(client, url, **headers):
    response = client.get(url, **headers)
    return response.status_code, response.json()


def test_an_anonymous_caller_lists_and_reads_what_was_published(client, published, org, chain):
    status, body = get(client, f"/api/v1/oppna-data/organisationer/{org['kommun'].pk}/publicerat")
    assert status == 200
    [found] = body["results"]
    assert found["id"] == published.pk and found["occasion"] == "Delårsrapport 2025"
    assert found["licence"] == "CC0-1.0" and found["published_by"] == "Maja Modellägare"
    assert found["rows_url"] == f"/api/v1/oppna-data/publicerat/{published.pk}/rader"

    status, detail = get(client, f"/api/v1/oppna-data/publicerat/{published.pk}")
    assert status == 200 and detail == found
    status, by_occasion = get(
        client, f"/api/v1/oppna-data/uppfoljningstillfallen/{published.occasion_id}"
    )
    assert status == 200 and by_occasion == found

    status, rows = get(client, found["rows_url"] + "?kind=goal")
    assert status == 200
    council = next(r for r in rows["results"] if r["item"] == chain["council"].title)
    assert council["assessment"] == "Goda förutsättningar att nå målet"
    assert council["analysis"].startswith("Andelen behöriga ökar")
    assert {r["item_kind"] for r in rows["results"]} == {"Mål"}
    status, rows = get(client, found["rows_url"] + "?kind=indicator")
    [indicator] = rows["results"]
    assert indicator["item"] == chain["indicator"].title
    assert (indicator["value"], indicator["value_women"], indicator["value_men"]) == (
        "85",
        "87",
        "83",
    )
    assert (indicator["target_year"], indicator["target_value"]) == (2026, "88")


def test_the_rows_are_those_of_the_open_data_file(client, published):
    status, rows = get(client, f"/api/v1/oppna-data/publicerat/{published.pk}/rader")
    assert status == 200
    file = client.get(f"/oppna-data/uppfoljning/{published.pk}.json").json()

    def key(row):
        return row["unit"], row["item_id"]

    assert sorted(rows["results"], key=key) == sorted(file["rows"], key=key)


def test_later_edits_do_not_show(client, published, chain):
    Report.objects.filter(item=chain["council"]).update(analysis="Ändrad efteråt")
    status, rows = get(client, f"/api/v1/oppna-data/publicerat/{published.pk}/rader?kind=goal")
    assert "Ändrad efteråt" not in str(rows)


def test_nothing_of_an_organisation_without_a_public_page(client, published, org):
    PublicationSettings.objects.filter(organisation=org["kommun"]).update(public_page=False)
    for url in (
        f"/api/v1/oppna-data/organisationer/{org['kommun'].pk}/publicerat",
        f"/api/v1/oppna-data/publicerat/{published.pk}",
        f"/api/v1/oppna-data/publicerat/{published.pk}/rader",
        f"/api/v1/oppna-data/uppfoljningstillfallen/{published.occasion_id}",
    ):
        status, body = get(client, url)
        assert status == 404, url
        assert body["detail"] == "Det finns inget sådant, eller så får du inte läsa det."


def test_an_occasion_not_published_and_a_unit_that_is_no_organisation_answer_404(
    client, published, org, chain, occasion
):
    from styrhjul.followup import services as followup
    from styrhjul.followup.models import FollowUpOccasion, OccasionKind
    from styrhjul.organisation import access

    other = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=occasion.model,
            kind=OccasionKind.ANNUAL,
            name="Årsbokslut 2025",
            period_end=datetime.date(2025, 12, 31),
        ),
        plan_types=[chain["vp"]],
    )
    assert get(client, f"/api/v1/oppna-data/uppfoljningstillfallen/{other.pk}")[0] == 404
    url = f"/api/v1/oppna-data/organisationer/{org['namnd'].pk}/publicerat"
    assert get(client, url)[0] == 404


def test_a_token_is_not_needed_and_a_logged_in_user_reads_the_same(
    client, published, org, read_token
):
    url = f"/api/v1/oppna-data/publicerat/{published.pk}/rader"
    anonymous = get(client, url)
    assert get(client, url, **bearer(read_token)) == anonymous


def test_the_openapi_document_has_the_open_data_without_security():
    schema = api.get_openapi_schema()
    for path in (
        "/api/v1/oppna-data/organisationer/{organisation_id}/publicerat",
        "/api/v1/oppna-data/publicerat/{snapshot_id}",
        "/api/v1/oppna-data/publicerat/{snapshot_id}/rader",
        "/api/v1/oppna-data/uppfoljningstillfallen/{occasion_id}",
    ):
        operation = schema["paths"][path]["get"]
        assert "security" not in operation, path
        assert operation["tags"] == ["Öppna data"]
    rows = schema["components"]["schemas"]["PublishedRowOut"]["properties"]
    assert rows["assessment"]["description"].startswith("Bedömning")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_run_the_same_queries_at_two_sizes(client, published, org, model_owner):
    org_url = f"/api/v1/oppna-data/organisationer/{org['kommun'].pk}/publicerat"
    rows_url = f"/api/v1/oppna-data/publicerat/{published.pk}/rader"
    few = (_queries(client, org_url), _queries(client, rows_url))
    rows = list(published.rows.all())
    for row in rows * 5:
        row.pk = None
        row.save()
    for _ in range(3):
        occasion_publish(actor=model_owner, occasion=published.occasion)
    assert published.rows.count() == 6 * len(rows)
    assert (_queries(client, org_url), _queries(client, rows_url)) == few


def test_an_address_over_the_open_data_limit_gets_429_in_swedish_and_others_go_on(
    client, published, settings
):
    from django.core.cache import cache

    settings.API_OPEN_DATA_RATE_LIMIT = 3
    cache.clear()
    url = f"/api/v1/oppna-data/publicerat/{published.pk}"
    rows = f"{url}/rader"
    for address in ("192.0.2.1", "192.0.2.2"):
        assert client.get(url, REMOTE_ADDR=address).status_code == 200
    assert client.get(rows, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(url, REMOTE_ADDR="192.0.2.1").status_code == 200
    refused = client.get(rows, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["title"] == "För många anrop"
    assert body["detail"].startswith(
        "Fler än 3 anrop till öppna data har gjorts från din adress den här minuten."
    )
    # Another address has its own count; the limit off counts nothing.
    assert client.get(rows, REMOTE_ADDR="192.0.2.2").status_code == 200
    settings.API_OPEN_DATA_RATE_LIMIT = 0
    assert client.get(rows, REMOTE_ADDR="192.0.2.1").status_code == 200


def test_the_open_data_limit_is_per_minute(rf, settings):
    from django.core.cache import cache

    from styrhjul.api import limits

    settings.API_OPEN_DATA_RATE_LIMIT = 2
    cache.clear()
    request = rf.get("/", REMOTE_ADDR="198.51.100.7")
    minute = 1_000_000 * 60
    limits.check_address(request, now=minute + 1)
    limits.check_address(request, now=minute + 2)
    with pytest.raises(limits.Problem) as refused:
        limits.check_address(request, now=minute + 45)
    assert refused.value.headers == {"Retry-After": "15"}
    limits.check_address(request, now=minute + 61)  # the next minute


@pytest.mark.parametrize(
    ("first", "same", "other"),
    [
        # IPv4: each address counts on its own.
        ("192.0.2.1", "192.0.2.1", "192.0.2.2"),
        # IPv6: one /64 (one household or host) counts as one client …
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:3::1"),
        # … and an IPv4 address mapped into IPv6 as the IPv4 address.
        ("::ffff:198.51.100.7", "198.51.100.7", "198.51.100.8"),
    ],
)
def test_the_open_data_limit_counts_ipv4_addresses_and_ipv6_64_networks(
    client, published, settings, first, same, other
):
    from django.core.cache import cache

    settings.API_OPEN_DATA_RATE_LIMIT = 2
    cache.clear()
    url = f"/api/v1/oppna-data/publicerat/{published.pk}"
    assert client.get(url, REMOTE_ADDR=first).status_code == 200
    assert client.get(url, REMOTE_ADDR=same).status_code == 200
    assert client.get(url, REMOTE_ADDR=same).status_code == 429
    assert client.get(url, REMOTE_ADDR=first).status_code == 429
    assert client.get(url, REMOTE_ADDR=other).status_code == 200
