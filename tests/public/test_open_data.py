"""Each published snapshot as open data: CSV and JSON at stable addresses
without login, under the licence the organisation chose, with a data
dictionary describing every column. Nothing unpublished is reachable."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup.models import OccasionStep, Report
from styrhjul.public.opendata import COLUMNS
from styrhjul.public.services import occasion_publish
from tests.factories import PublicationSettingsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(reported, org, model_owner):
    PublicationSettingsFactory(organisation=org["kommun"], licence="CC-BY-4.0")
    OccasionStep.objects.filter(occasion=reported).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    return occasion_publish(actor=model_owner, occasion=reported)


def _csv(client, snapshot) -> list[dict]:
    response = client.get(reverse("public:snapshot_csv", args=[snapshot.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'rel="license"' in response["Link"] and "by/4.0" in response["Link"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_csv_holds_goals_indicators_values_and_assessments(client, published, chain, org):
    rows = _csv(client, published)  # anonymous
    goal = next(r for r in rows if r["item"] == chain["council"].title)
    assert goal["assessment"] == "Goda förutsättningar att nå målet"
    assert goal["assessment_symbol"] == "●"
    assert goal["item_kind"] == "Mål"
    assert goal["unit"] == org["kommun"].name
    assert goal["reporting_state"] == "Rapporterad"
    indicator = next(r for r in rows if r["item"] == chain["indicator"].title)
    assert (indicator["value"], indicator["value_women"], indicator["value_men"]) == (
        "85",
        "87",
        "83",
    )
    assert indicator["target_value"] == "88" and indicator["period"] == "2025"
    assert list(rows[0]) == [c.name for c in COLUMNS]


def test_the_json_says_who_published_when_under_which_licence(client, published, chain):
    response = client.get(reverse("public:snapshot_json", args=[published.pk]))
    data = response.json()
    meta = data["snapshot"]
    assert meta["occasion"] == "Delårsrapport 2025"
    assert meta["published_by"] == "Maja Modellägare"
    assert meta["licence"] == "CC-BY-4.0"
    assert meta["licence_url"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert meta["dictionary_url"].endswith(reverse("public:dictionary_json"))
    assert meta["csv_url"].endswith(reverse("public:snapshot_csv", args=[published.pk]))
    goal = next(r for r in data["rows"] if r["item"] == chain["council"].title)
    assert goal["analysis"].startswith("Andelen behöriga ökar")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_data_dictionary_describes_every_column(client, published):
    columns = client.get(reverse("public:dictionary_json")).json()["columns"]
    names = [c["name"] for c in columns]
    rows = client.get(reverse("public:snapshot_json", args=[published.pk])).json()["rows"]
    assert names == list(rows[0])
    assert all(c["description"] and c["type"] for c in columns)
    page = client.get(reverse("public:dictionary")).content.decode()
    assert all(f"<code>{name}</code>" in page for name in names)


def test_later_edits_do_not_reach_the_open_data(client, published, chain):
    before = client.get(reverse("public:snapshot_csv", args=[published.pk])).content
    Report.objects.filter(item=chain["council"]).update(analysis="Ändrad efteråt")
    assert client.get(reverse("public:snapshot_csv", args=[published.pk])).content == before


def test_text_that_looks_like_a_formula_is_kept_as_text(client, published, chain):
    published.rows.filter(title=chain["council"].title).update(analysis="=HYPERLINK(1)")
    rows = _csv(client, published)
    assert next(r for r in rows if r["item"] == chain["council"].title)["analysis"] == (
        "'=HYPERLINK(1)"
    )


def test_the_snapshot_page_links_its_open_data_and_licence(client, published, org):
    page = client.get(reverse("public:snapshot", args=[published.pk])).content.decode()
    for url in (
        reverse("public:snapshot_csv", args=[published.pk]),
        reverse("public:snapshot_json", args=[published.pk]),
        reverse("public:dictionary"),
        reverse("public:snapshot_unit", args=[published.pk, org["kommun"].pk]),
    ):
        assert url in page
    assert 'rel="license"' in page and "CC BY 4.0" in page
    listing = client.get(reverse("public:snapshots", args=[org["kommun"].pk])).content.decode()
    assert reverse("public:snapshot", args=[published.pk]) in listing
    assert reverse("public:publish", args=[published.occasion_id]) not in listing  # visitors
    assert reverse("public:settings", args=[org["kommun"].pk]) not in listing


def test_nothing_unpublished_is_reachable_without_login(client, reported, org, chain):
    """Before anything is published: no list, no files, not the
    organisation's name; the publish and settings pages go to the login."""
    for url in (
        reverse("public:snapshots", args=[org["kommun"].pk]),
        reverse("public:snapshots", args=[org["enhet_a1"].pk]),  # not an organisation
        reverse("public:snapshot", args=[1]),
        reverse("public:snapshot_csv", args=[1]),
        reverse("public:snapshot_json", args=[1]),
        reverse("public:snapshot_unit", args=[1, org["kommun"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert org["kommun"].name not in response.content.decode()
    for url in (
        reverse("public:publish", args=[reported.pk]),
        reverse("public:publishing_status", args=[reported.pk]),
        reverse("public:settings", args=[org["kommun"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_files_share_the_apis_open_data_limit_per_address(client, published, settings):
    """The CSV and JSON files and the API's open data count together against
    STYRHJUL_API_OPEN_DATA_RATE_LIMIT per address; over it a Swedish 429
    with Retry-After, and another address goes on."""
    from django.core.cache import cache

    settings.API_OPEN_DATA_RATE_LIMIT = 3
    cache.clear()
    csv_url = reverse("public:snapshot_csv", args=[published.pk])
    json_url = reverse("public:snapshot_json", args=[published.pk])
    here, elsewhere = "2001:db8:aa:1::10", "2001:db8:aa:2::10"
    assert client.get(csv_url, REMOTE_ADDR=here).status_code == 200
    assert client.get(json_url, REMOTE_ADDR=here).status_code == 200
    api = f"/api/v1/oppna-data/organisationer/{published.organisation_id}/publicerat"
    client.get(api, REMOTE_ADDR="2001:db8:aa:1::99")  # the same /64: counted too
    for url in (csv_url, json_url, reverse("public:dictionary_json")):
        refused = client.get(url, REMOTE_ADDR=here)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "text/plain; charset=utf-8"
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert refused.content.decode().startswith(
            "Fler än 3 anrop till öppna data har gjorts från din adress den här minuten. "
            "Försök igen om "
        )
    assert client.get(csv_url, REMOTE_ADDR=elsewhere).status_code == 200
    settings.API_OPEN_DATA_RATE_LIMIT = 0
    assert client.get(csv_url, REMOTE_ADDR=here).status_code == 200
