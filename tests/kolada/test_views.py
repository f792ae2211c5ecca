"""The Kolada pages: everyone who reads the organisation sees its Kolada
settings and the last sync; model owners change the settings; anyone logged
in searches the stored KPIs, on a page or from the indicator form's search
box (htmx). Nothing here goes to the network."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from styrhjul.kolada import services as kolada_services
from styrhjul.kolada.models import KoladaKpi, KoladaMunicipality, KoladaSettings, KoladaSyncLog
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "kolada-treffar"}
SETTINGS_URL = reverse("kolada:settings")
SEARCH_URL = reverse("kolada:search")
SYNCED_AT = datetime.datetime(2026, 6, 10, 3, 15, tzinfo=datetime.UTC)


def text(response) -> str:
    return response.content.decode()


def add_kpi(kpi_id, title, area="", gender=False):
    return KoladaKpi.objects.create(
        id=kpi_id,
        title=title,
        operating_area=area,
        is_divided_by_gender=gender,
        fetched_at=timezone.now(),
    )


@pytest.fixture
def synced(org):
    """Provköping compared with two municipalities and Riket, synced once."""
    for code, title in (("1480", "Göteborg"), ("1481", "Mölndal"), ("0000", "Riket")):
        KoladaMunicipality.objects.create(id=code, title=title, type="K")
    return KoladaSettings.objects.create(
        organisation=org["kommun"],
        municipality_id="1480",
        comparison_ids=["1481", "1482", "0000"],
        last_synced_at=SYNCED_AT,
        last_sync_summary="12 nyckeltal för 4 kommuner och regioner: 1 740 värden sparade.",
    )


@pytest.fixture
def reader(org, client):
    user = UserFactory(first_name="Rut", last_name="Läsare")
    grant(user, org["kommun"], Role.READER)
    client.force_login(user)
    return user


@pytest.fixture
def owner(org, client):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


def snapshot():
    return list(
        KoladaSettings.objects.order_by("pk").values_list(
            "organisation_id", "municipality_id", "comparison_ids", "ou_ids", "last_synced_at"
        )
    )


def field_error(body: str, field: str) -> str:
    """The error text shown at a field, which the field points to."""
    match = re.search(rf'<div class="error-text" id="id_{field}_error">(.*?)</div>', body, re.S)
    assert match, f"inget fel vid {field}"
    tag = re.search(rf'<(?:input|textarea)[^>]*id="id_{field}"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in tag
    assert f"id_{field}_error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
    return re.sub(r"<[^>]+>", "", match.group(1))


# --- The settings page --------------------------------------------------------


def test_a_reader_sees_the_settings_and_the_last_sync_but_no_form(client, reader, synced):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    body = text(response)
    assert "1480 Göteborg" in body
    assert "1481 Mölndal" in body
    assert "1482" in body and "namnet visas efter nästa hämtning" in body
    assert "0000 Riket" in body
    assert "Senast hämtat från Kolada 2026-06-10 05:15." in body  # Stockholm time
    assert "1 740 värden sparade" in body
    assert "<code>styrhjul kolada-sync</code>" in body
    assert "Källa: Kolada (RKA)" in body
    assert f'action="{SETTINGS_URL}"' not in body
    assert 'name="municipality_id"' not in body


def test_a_reader_may_not_change_the_settings(client, reader, synced):
    before = snapshot()
    response = client.post(
        SETTINGS_URL, {"municipality_id": "1481", "comparison_ids": "", "ou_ids": ""}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_the_service_checks_the_actor_too(org, reader, synced):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        kolada_services.settings_save(
            actor=reader,
            organisation=org["kommun"],
            municipality_id="1481",
            comparison_ids=[],
            ou_ids=[],
        )
    assert snapshot() == before


def test_an_anonymous_visitor_is_sent_to_log_in(client, synced):
    for url in (SETTINGS_URL, SEARCH_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(SETTINGS_URL, {"municipality_id": "1481"})
    assert response.status_code == 302
    assert synced.municipality_id == KoladaSettings.objects.get().municipality_id


def test_a_model_owner_sets_up_kolada(client, owner, org):
    response = client.get(SETTINGS_URL)
    body = text(response)
    assert "Kolada är inte inställt för Provköpings kommun ännu." in body
    assert '<label for="id_municipality_id">Egen kommun eller region' in body
    assert "Inget är hämtat från Kolada ännu." in body

    response = client.post(
        SETTINGS_URL,
        {
            "municipality_id": " 1480 ",
            "comparison_ids": "1481, 1482\n0014 0000",
            "ou_ids": "v15e148000101",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    saved = KoladaSettings.objects.get(organisation=org["kommun"])
    assert saved.municipality_id == "1480"
    assert saved.comparison_ids == ["1481", "1482", "0014", "0000"]
    assert saved.ou_ids == ["V15E148000101"]
    assert saved.last_synced_at is None
    [message] = get_messages(response.wsgi_request)
    assert "Kolada-inställningarna är sparade" in str(message)
    assert "styrhjul kolada-sync" in str(message)

    body = text(client.get(SETTINGS_URL))
    assert 'value="1480"' in body
    assert "1481, 1482, 0014, 0000" in body


def test_saving_keeps_the_last_sync(client, owner, synced):
    response = client.post(
        SETTINGS_URL, {"municipality_id": "1480", "comparison_ids": "0000", "ou_ids": ""}
    )
    assert response.status_code == 302
    synced.refresh_from_db()
    assert synced.comparison_ids == ["0000"]
    assert synced.last_synced_at == SYNCED_AT
    assert synced.last_sync_summary.startswith("12 nyckeltal")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"municipality_id": ""}, "municipality_id", "Ange den egna kommunens"),
        ({"municipality_id": "148"}, "municipality_id", "”148” är inte en kommun- eller"),
        ({"municipality_id": "Göteborg"}, "municipality_id", "skriv fyra siffror"),
        ({"municipality_id": "0000"}, "municipality_id", "0000 är Riket"),
        ({"comparison_ids": "1481, 14x2"}, "comparison_ids", "”14x2” är inte en kommun-"),
        ({"comparison_ids": "1481, 1482, 1481"}, "comparison_ids", "1481 står mer än en gång"),
        ({"comparison_ids": "1481, 1480"}, "comparison_ids", "1480 är den egna kommunen"),
        (
            {"comparison_ids": ", ".join(f"{n:04d}" for n in range(1001, 1032))},
            "comparison_ids",
            "Högst 30 kommuner och regioner",
        ),
        ({"ou_ids": "V15E1480001-01"}, "ou_ids", "består av bokstäver och siffror"),
    ],
)
def test_bad_codes_are_explained_at_the_field_and_nothing_is_saved(
    client, owner, synced, data, field, message
):
    before = snapshot()
    post = {"municipality_id": "1480", "comparison_ids": "1481", "ou_ids": "", **data}

    response = client.post(SETTINGS_URL, post)

    assert response.status_code == 200
    body = text(response)
    assert message in field_error(body, field)
    assert '<div class="error-summary" role="alert" tabindex="-1">' in body
    assert f'href="#id_{field}"' in body
    assert snapshot() == before


def test_the_service_validates_too(org, owner, synced):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        kolada_services.settings_save(
            actor=owner,
            organisation=org["kommun"],
            municipality_id="1480",
            comparison_ids=["1481", "1481", "abc"],
            ou_ids=[],
        )
    assert set(error.value.message_dict) == {"comparison_ids"}
    assert snapshot() == before
    with pytest.raises(ValidationError):
        kolada_services.settings_save(
            actor=owner,
            organisation=org["namnd"],
            municipality_id="1480",
            comparison_ids=[],
            ou_ids=[],
        )
    assert snapshot() == before


def test_a_user_of_another_organisation_gets_404(client, org, synced):
    other = UnitFactory(name="Grannkommunen", code="GK")
    neighbour = UserFactory()
    grant(neighbour, other, Role.MODEL_OWNER)
    client.force_login(neighbour)
    before = snapshot()

    url = f"{SETTINGS_URL}?organisation={org['kommun'].pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"municipality_id": "1481"}).status_code == 404
    assert client.get(f"{SETTINGS_URL}?organisation=x").status_code == 404
    # Without ?organisation= they see their own organisation, not Provköping's.
    body = text(client.get(SETTINGS_URL))
    assert "Kolada är inte inställt för Grannkommunen ännu." in body
    assert "Göteborg" not in body
    assert snapshot() == before


def test_a_user_without_grants_gets_404(client, synced):
    client.force_login(UserFactory())
    assert client.get(SETTINGS_URL).status_code == 404


def test_a_user_reading_several_organisations_chooses_one(client, org, synced):
    other = UnitFactory(name="Grannkommunen", code="GK")
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    grant(user, other, Role.READER)
    client.force_login(user)

    body = text(client.get(f"{SETTINGS_URL}?organisation={other.pk}"))
    assert '<select id="id_organisation" name="organisation">' in body
    assert "Kolada är inte inställt för Grannkommunen ännu." in body
    assert 'name="municipality_id"' not in body  # only a reader there
    assert "kolada-sync --organisation GK" in body

    url = f"{SETTINGS_URL}?organisation={org['kommun'].pk}"
    response = client.post(url, {"municipality_id": "1480", "comparison_ids": "0000"})
    assert response["Location"] == url
    assert KoladaSettings.objects.get(organisation=org["kommun"]).comparison_ids == ["0000"]
    assert client.post(f"{SETTINGS_URL}?organisation={other.pk}", {}).status_code == 403


def test_a_failed_later_sync_is_shown(client, org, reader, synced):
    KoladaSyncLog.objects.create(
        organisation=org["kommun"],
        started_at=SYNCED_AT + datetime.timedelta(days=1),
        finished_at=SYNCED_AT + datetime.timedelta(days=1),
        ok=False,
        message="Kolada svarade inte inom 30 sekunder. Inget har ändrats.",
    )
    body = text(client.get(SETTINGS_URL))
    assert "Hämtningen 2026-06-11 05:15 misslyckades." in body
    assert "Kolada svarade inte inom 30 sekunder. Inget har ändrats." in body
    assert "Värdena från den senaste lyckade hämtningen visas fortfarande." in body

    # Someone who reads only a unit further down sees that it failed, not
    # the message (which may name indicators anywhere in the organisation).
    below = UserFactory()
    grant(below, org["enhet_a1"], Role.READER)
    client.force_login(below)
    body = text(client.get(SETTINGS_URL))
    assert "Hämtningen 2026-06-11 05:15 misslyckades." in body
    assert "Kolada svarade inte" not in body


@pytest.fixture
def indicators(org, chain):
    """Make `n` more indicators with Kolada ids on the council's plan."""

    def make(n, start=0):
        for i in range(start, start + n):
            planning.item_create(
                actor=access.SYSTEM,
                plan=chain["indicator"].plan,
                kind=ItemKind.INDICATOR,
                title=f"Nyckeltal {i}",
                kolada_kpi=f"N{i:05d}",
            )
            if i % 2 == 0:
                add_kpi(f"N{i:05d}", f"Kolada-nyckeltal {i}")

    return make


def test_the_kpis_in_use_are_listed_with_their_titles(client, reader, synced, indicators):
    indicators(3)
    body = text(client.get(SETTINGS_URL))
    assert "3 Kolada-nyckeltal används" in body
    assert "1 av dem är inte hämtat än." in body
    assert "<td>N00000</td><td>Kolada-nyckeltal 0</td>" in body
    assert re.search(r"<td>N00001</td><td><span class=\"muted\">Inte hämtat än", body)
    # Not the indicators' own titles or units: the page is for the whole organisation.
    assert "Nyckeltal 1" not in body.replace("Kolada-nyckeltal 1", "")


def count_queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def test_the_settings_page_makes_a_fixed_number_of_queries(client, owner, synced, indicators):
    indicators(2)
    few = count_queries(client, SETTINGS_URL)
    indicators(40, start=2)
    many = count_queries(client, SETTINGS_URL)
    assert many == few
    assert few <= 20


# --- The KPI search -------------------------------------------------------------


@pytest.fixture
def kpis():
    add_kpi("N15419", "Elever i åk 9 som är behöriga till ett yrkesprogram, andel (%)",
            "Grundskola", gender=True)  # fmt: skip
    add_kpi("U21468", "Äldreomsorg, brukarbedömning helhet, andel (%)", "Äldreomsorg")
    add_kpi("N00945", "Invånare totalt, antal", "Befolkning")
    add_kpi("N01951", "Öppettider på förskolor, antal timmar", "Förskola")


def test_search_finds_by_id(client, reader, kpis):
    body = text(client.get(SEARCH_URL, {"q": "n15419"}))
    assert "1 träff" in body
    assert "<strong>N15419</strong> Elever i åk 9" in body
    assert "Grundskola" in body
    assert "könsuppdelat" in body
    assert "data-kolada-id" not in body  # only in the indicator form
    assert "<!doctype html>" in body  # a page of its own, with the form
    assert 'value="n15419"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("äldreomsorg", "U21468"),
        ("ÄLDREOMSORG brukarbedömning", "U21468"),
        ("öppettider", "N01951"),
        ("behöriga åk", "N15419"),
    ],
)
def test_search_finds_by_swedish_words(client, reader, kpis, query, expected):
    body = text(client.get(SEARCH_URL, {"q": query}))
    assert "1 träff" in body
    assert f"<strong>{expected}</strong>" in body


def test_search_with_htmx_returns_the_results_only(client, reader, kpis):
    response = client.get(SEARCH_URL, {"q": "andel"}, **HTMX)

    body = text(response)
    assert "<html" not in body and "<h1" not in body
    assert "2 träffar" in body
    assert '<button type="button" class="button button--secondary" data-kolada-id="N15419"' in body
    assert 'data-kolada-id="U21468"' in body
    assert '<div id="kolada-sok-status" hx-swap-oob="innerHTML">2 nyckeltal hittades.</div>' in body
    assert "<script" not in body


def test_search_says_when_nothing_matches(client, reader, kpis):
    body = text(client.get(SEARCH_URL, {"q": "N99999"}))
    assert "Inga hämtade nyckeltal matchar ”N99999”." in body
    assert "skriva in dess Kolada-id direkt" in body


def test_search_with_nothing_stored_says_so(client, reader):
    body = text(client.get(SEARCH_URL))
    assert "Inga nyckeltal från Kolada är hämtade än. Kör <code>styrhjul kolada-sync</code>" in body
    body = text(client.get(SEARCH_URL, {"q": "elever"}, **HTMX))
    assert "Inga nyckeltal från Kolada är hämtade än." in body


def test_search_needs_two_characters(client, reader, kpis):
    response = client.get(SEARCH_URL, {"q": " e "})
    body = text(response)
    assert "Skriv minst två tecken för att söka." in field_error(body, "q")
    assert "träff" not in body

    body = text(client.get(SEARCH_URL, {"q": "e"}, **HTMX))
    assert "<p>Skriv minst två tecken för att söka.</p>" in body
    assert "data-kolada-id" not in body

    # An emptied search box clears the results.
    body = text(client.get(SEARCH_URL, {"q": ""}, **HTMX))
    assert '<div id="kolada-sok-status" hx-swap-oob="innerHTML"></div>' in body
    assert "träff" not in body


def test_search_shows_at_most_twenty(client, reader):
    for i in range(25):
        add_kpi(f"N{i:05d}", f"Kostnad för verksamhet {i}")
    response = client.get(SEARCH_URL, {"q": "kostnad"}, **HTMX)
    body = text(response)
    assert body.count("data-kolada-id=") == 20
    assert "20 träffar" in body
    assert "de 20 första" in body
    assert "Fler än 20 nyckeltal hittades" in body


def test_search_makes_a_fixed_number_of_queries(client, reader):
    url = f"{SEARCH_URL}?q=kostnad"
    for i in range(3):
        add_kpi(f"N{i:05d}", f"Kostnad för verksamhet {i}")
    few = (count_queries(client, url, **HTMX), count_queries(client, url))
    KoladaKpi.objects.bulk_create(
        KoladaKpi(id=f"N{i:05d}", title=f"Kostnad för verksamhet {i}", fetched_at=timezone.now())
        for i in range(3, 300)
    )
    many = (count_queries(client, url, **HTMX), count_queries(client, url))
    assert many == few
    assert few[0] <= 4 and few[1] <= 8


def test_search_may_not_be_posted(client, reader):
    assert client.post(SEARCH_URL, {"q": "elever"}).status_code == 405


# --- The search box in the indicator form ----------------------------------------


def test_the_widget_searches_with_htmx_and_links_to_the_page():
    html = render_to_string("kolada/_kpi_search_widget.html")
    assert '<label for="kolada-sok">Sök nyckeltal i Kolada</label>' in html
    assert 'id="kolada-sok"' in html
    assert f'hx-get="{SEARCH_URL}"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#kolada-treffar"' in html
    assert 'id="kolada-sok-status" class="visually-hidden" role="status" aria-live="polite"' in html
    assert f'<a href="{SEARCH_URL}" target="_blank"' in html
    assert re.search(r'<script src="[^"]*kolada/kpi-search\.js" defer></script>', html)
    assert "onclick" not in html


def test_the_script_is_served(client):
    from django.contrib.staticfiles import finders

    path = finders.find("kolada/kpi-search.js")
    assert path
    with open(path, encoding="utf-8") as script:
        source = script.read()
    assert "id_kolada_kpi" in source and "id_source" in source and "kolada-sok-status" in source
