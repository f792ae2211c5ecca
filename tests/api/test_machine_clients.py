"""Machine clients (maskinklienter) and rate limits: an administrator makes a
client, a service user that cannot log in, gives it ordinary grants and a
token; the token reaches what the grants give, no more; each token has a
limit of calls a minute, counted in the shared cache."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from styrhjul.api import limits, services
from styrhjul.api.models import ApiToken, MachineClient
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True, first_name="Ada")


def test_an_administrator_makes_a_client_and_its_token_on_the_page(client, org, admin):
    client.force_login(admin)
    response = client.post("/konto/maskinklienter/", {"name": "Personalsystemet"})
    machine = MachineClient.objects.get()
    assert response.status_code == 302
    assert machine.user.username == "maskin-personalsystemet"
    assert not machine.user.has_usable_password()
    browser = Client()
    browser.post(reverse("login"), {"username": machine.user.username, "password": "x"})
    assert "_auth_user_id" not in browser.session
    page = client.get(f"/konto/maskinklienter/{machine.pk}/").content.decode()
    assert "inga behörigheter ännu" in page
    assert (
        f"/organisation/anvandare/{machine.user.pk}/" in page or "tjänsteanvändarens sida" in page
    )
    expires = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    response = client.post(
        f"/konto/maskinklienter/{machine.pk}/",
        {"name": "Nattlig import", "scope": "write", "expires_on": expires, "rate_limit": "30"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=machine.user)
    assert token.rate_limit == 30 and token.history.first().history_user == admin
    secret = response.context["secret"]
    assert secret.startswith("styr_") and secret in response.content.decode()
    assert secret not in client.get(f"/konto/maskinklienter/{machine.pk}/").content.decode()


def test_the_client_reaches_only_what_its_grants_give(client, org, chain, admin):
    machine = services.machine_client_create(actor=admin, name="BI")
    token, secret = services.machine_token_create(
        actor=admin,
        client=machine,
        name="BI",
        scope="read",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert client.get("/api/v1/enheter", **bearer(secret)).json()["results"] == []
    grant(machine.user, org["enhet_b1"], Role.READER)
    units = client.get("/api/v1/enheter", **bearer(secret)).json()["results"]
    assert [u["code"] for u in units] == ["IFO1"]
    services.machine_token_revoke(actor=admin, token=token)
    assert client.get("/api/v1/enheter", **bearer(secret)).status_code == 401


def test_only_administrators_make_clients(client, org, model_owner):
    client.force_login(model_owner)
    assert client.get("/konto/maskinklienter/").status_code == 403
    assert client.post("/konto/maskinklienter/", {"name": "X"}).status_code == 403
    assert not MachineClient.objects.exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.machine_client_create(actor=model_owner, name="X")


@override_settings(API_RATE_LIMIT=3)
def test_a_token_over_its_limit_gets_429_with_retry_after(client, chef_b1):
    secret = make_token(chef_b1)[1]
    for _ in range(3):
        assert client.get("/api/v1/enheter", **bearer(secret)).status_code == 200
    response = client.get("/api/v1/enheter", **bearer(secret))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["title"] == "För många anrop"
    # Another token of the same user has its own count.
    assert client.get("/api/v1/enheter", **bearer(make_token(chef_b1)[1])).status_code == 200


def test_the_limit_is_per_minute_and_a_token_may_have_its_own(chef_b1):
    token, _ = make_token(chef_b1)
    token.rate_limit = 2
    minute = 1_000_000 * 60
    limits.check(token, now=minute + 1)
    limits.check(token, now=minute + 2)
    with pytest.raises(limits.Problem) as refused:
        limits.check(token, now=minute + 50)
    assert refused.value.headers == {"Retry-After": "10"}
    limits.check(token, now=minute + 61)  # the next minute
    token.rate_limit = 0  # no limit
    for _ in range(5):
        limits.check(token, now=minute + 62)


@override_settings(API_RATE_LIMIT=1)
def test_a_write_over_the_limit_writes_nothing(client, org, chain, chef_b1):
    secret = make_token(chef_b1, "write")[1]
    client.get("/api/v1/enheter", **bearer(secret))
    data = {"unit_id": org["enhet_b1"].pk, "plan_type_id": chain["vp"].pk}
    response = client.post(
        "/api/v1/planer", json.dumps(data), content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 429
    from styrhjul.planning.models import Plan

    assert not Plan.objects.filter(unit=org["enhet_b1"], plan_type=chain["vp"]).exists()


def test_the_user_and_the_machine_client_pages_show_the_same_token_table(client, org, admin):
    """One table of keys: the machine client's also says how many calls a
    minute each key may make; each page's revoke button revokes its own key."""
    machine = services.machine_client_create(actor=admin, name="Personalsystemet")
    expires = timezone.localdate() + datetime.timedelta(days=30)
    mine, _ = services.token_create(
        actor=admin, name="Min nyckel", scope="read", expires_on=expires
    )
    theirs, _ = services.machine_token_create(
        actor=admin,
        client=machine,
        name="Nattlig import",
        scope="write",
        expires_on=expires,
        rate_limit=30,
    )
    client.force_login(admin)
    own_page = client.get(reverse("api_tokens")).content.decode()
    machine_page = client.get(f"/konto/maskinklienter/{machine.pk}/").content.decode()
    for page, token in ((own_page, mine), (machine_page, theirs)):
        assert token.name in page and f"{token.prefix}…" in page
        assert "Giltig till och med" in page and "Senast använd" in page
    assert "Anrop per minut" not in own_page
    assert "Anrop per minut" in machine_page and "<td>30</td>" in machine_page
    assert reverse("api_token_revoke", args=[mine.pk]) in own_page
    assert reverse("api_machine_token_revoke", args=[machine.pk, theirs.pk]) in machine_page
    client.post(reverse("api_machine_token_revoke", args=[machine.pk, theirs.pk]))
    assert "Återkallad" in client.get(f"/konto/maskinklienter/{machine.pk}/").content.decode()
