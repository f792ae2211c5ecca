"""Reading through the API: only what the caller may read, the same answer
for "not allowed" and "does not exist", cursor pages, filters, a flat
number of queries, and the OpenAPI document for logged-in users."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.planning import services
from tests.factories import UserFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sibling_activity(org, chain):
    """An activity of Vuxenenheten, the sibling of Barn och unga."""
    plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_b2"], plan_type=chain["ap"])
    return services.item_create(
        actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title="Hemlig aktivitet"
    )


def get(client, url, secret, **params):
    response = client.get(url, params, **bearer(secret))
    assert response.status_code == 200, response.content
    return response.json()


def test_units_are_those_the_token_user_reads(client, org, read_token):
    data = get(client, "/api/v1/enheter", read_token)
    assert [u["name"] for u in data["results"]] == ["Barn och unga"]
    assert data["results"][0]["code"] == "IFO1"


def test_a_unit_not_granted_answers_404_like_one_that_does_not_exist(client, org, read_token):
    hidden = client.get(f"/api/v1/enheter/{org['enhet_b2'].pk}", **bearer(read_token))
    missing = client.get("/api/v1/enheter/999999", **bearer(read_token))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden["Content-Type"] == "application/problem+json"
    assert hidden.json()["title"] == "Finns inte"


def test_items_are_the_own_and_the_goals_worked_towards_not_the_siblings(
    client, chain, sibling_activity, read_token
):
    titles = {i["title"] for i in get(client, "/api/v1/poster", read_token)["results"]}
    assert chain["activity"].title in titles
    assert chain["operational"].title in titles  # the red thread upwards
    assert sibling_activity.title not in titles
    response = client.get(f"/api/v1/poster/{sibling_activity.pk}", **bearer(read_token))
    assert response.status_code == 404
    one = get(client, f"/api/v1/poster/{chain['activity'].pk}", read_token)
    assert one["contributes_to"] == [chain["operational"].pk]
    assert one["unit_id"] == chain["activity"].plan.unit_id


def test_items_filter_on_kind_unit_and_year(client, org, chain, read_token):
    goals = get(client, "/api/v1/poster", read_token, kind="goal")["results"]
    assert goals and {i["kind"] for i in goals} == {"goal"}
    own = get(client, "/api/v1/poster", read_token, unit=org["enhet_b1"].pk)["results"]
    assert [i["title"] for i in own] == [chain["activity"].title]
    assert get(client, "/api/v1/poster", read_token, year=2030)["results"] == []


def test_a_bad_filter_answers_422_in_swedish(client, read_token):
    response = client.get("/api/v1/poster", {"year": "nästa"}, **bearer(read_token))
    assert response.status_code == 422
    body = response.json()
    assert body["title"] == "Felaktiga uppgifter"
    assert body["errors"][0]["field"].endswith("year")


def test_plans_and_occasions(client, org, chain, read_token):
    from tests.factories import FollowUpOccasionFactory

    occasion = FollowUpOccasionFactory(model=chain["vp"].model)
    plans = get(client, "/api/v1/planer", read_token)["results"]
    assert [(p["unit_id"], p["plan_type"], p["year"]) for p in plans] == [
        (org["enhet_b1"].pk, "Aktivitetsplan", 2025)
    ]
    occasions = get(client, "/api/v1/uppfoljningstillfallen", read_token, year=2025)["results"]
    assert [o["id"] for o in occasions] == [occasion.pk]
    assert get(client, "/api/v1/uppfoljningstillfallen", read_token, year=2024)["results"] == []
    # Another organisation's occasion is not there, and is a 404.
    other = FollowUpOccasionFactory()
    response = client.get(f"/api/v1/uppfoljningstillfallen/{other.pk}", **bearer(read_token))
    assert response.status_code == 404


def test_cursor_pages_walk_every_item_once(client, chain):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    seen, url, params = [], "/api/v1/poster", {"page_size": 2}
    while url:
        data = client.get(url, params).json()
        assert len(data["results"]) <= 2
        seen += [i["id"] for i in data["results"]]
        url, params = data["next"], None
    assert len(seen) == len(set(seen)) == 5


def test_cursor_pages_walk_back_the_same_items_in_the_same_order(client, chain):
    """The items' pages are found on ids first and their rows read after
    (api.common.paged(rows=...)): each page, forwards and backwards, holds
    the same items in id order, with everything they are written out with."""
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    pages, url, params = [], "/api/v1/poster", {"page_size": 2}
    while url:
        data = client.get(url, params).json()
        pages.append(data["results"])
        last, url, params = data, data["next"], None
    ids = [i["id"] for page in pages for i in page]
    assert ids == sorted(ids)
    whole = client.get("/api/v1/poster", {"page_size": 500}).json()["results"]
    assert [i for page in pages for i in page] == whole
    back, url = [], last["previous"]
    while url:
        data = client.get(url).json()
        back = data["results"] + back
        url = data["previous"]
    assert back + pages[-1] == whole


def _grow(chain, n):
    plan = chain["activity"].plan
    for i in range(n):
        item = services.item_create(
            actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title=f"Aktivitet {i}"
        )
        item.contributes_to.add(chain["operational"])


def _count(client, url, secret):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 500}, **bearer(secret))
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("url", ["/api/v1/poster", "/api/v1/enheter", "/api/v1/planer"])
def test_lists_run_the_same_number_of_queries_for_10_and_200_items(client, chain, read_token, url):
    _grow(chain, 5)
    _count(client, url, read_token)  # the token's first use is recorded once
    small, small_rows = _count(client, url, read_token)
    _grow(chain, 200)
    large, large_rows = _count(client, url, read_token)
    assert large == small
    if url == "/api/v1/poster":
        assert large_rows == small_rows + 200


def test_the_openapi_document_and_docs_are_for_logged_in_users(client, chef_b1):
    assert client.get("/api/v1/openapi.json").status_code == 302
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(chef_b1)
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/poster" in schema["paths"]
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Swagger UI from Styrhjul's own static files, as the CSP requires.
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn" not in docs.content.decode()


def test_anonymous_calls_get_401_problem_json(client, org):
    response = client.get("/api/v1/enheter")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Inte inloggad"
