"""CACHE_URL=redis://…: two real server processes share one Redis server. A
login made on one is good on the other, and an API key's rate limit counts
the calls to both. Runs against the Redis server in STYRHJUL_TEST_REDIS_URL
(default redis://127.0.0.1:6379/11, a database number of the tests' own,
emptied before and after). Without a Redis server the test is skipped
locally, but fails in CI (CI set, or STYRHJUL_TEST_REDIS_URL given), where
.ci/run starts one."""

import os

import pytest
import requests

from tests.factories import ApiTokenFactory, UserFactory
from tests.servers import database_url_for_subprocess, password_hash, production_env, serving

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("serve")]

REDIS_URL = os.environ.get("STYRHJUL_TEST_REDIS_URL") or "redis://127.0.0.1:6379/11"
EXPECTED = bool(os.environ.get("STYRHJUL_TEST_REDIS_URL")) or os.environ.get("CI", "") not in (
    "",
    "0",
    "false",
)


@pytest.fixture
def redis_db():
    """The tests' own Redis database, empty; only it is ever flushed."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        client.ping()
    except Exception as exc:  # no client library, no server, refused …
        message = f"ingen Redis på {REDIS_URL}: {type(exc).__name__}: {exc}"
        if EXPECTED:
            pytest.fail(message + " (CI väntar sig Redis: .ci/run startar redis-server)")
        pytest.skip(message)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def login(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(base_url + "/konto/logga-in/", timeout=30)
    response = session.post(
        base_url + "/konto/logga-in/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def test_two_processes_share_logins_and_rate_limits_in_redis(tmp_path, redis_db):
    user = UserFactory(username="delad")
    user.password = password_hash("ett långt lösenord 123")
    user.save()
    ApiTokenFactory(user=user, name="delad", rate_limit=3)
    env = production_env(tmp_path, database_url_for_subprocess(tmp_path), CACHE_URL=REDIS_URL)

    with serving(env) as (_first, one), serving(env) as (_second, two):
        assert one != two
        # Logged in on one process, the same session cookie is good on the other.
        session = login(one, "delad", "ett långt lösenord 123")
        page = session.get(two + "/", allow_redirects=False, timeout=30)
        assert page.status_code == 200
        assert "Välkommen" in page.text

        # The key may make 3 calls a minute, wherever they land.
        bearer = {"Authorization": "Bearer styr_delad"}
        answers = [
            requests.get(base + "/api/v1/enheter", headers=bearer, timeout=30).status_code
            for base in (one, two, one, two)
        ]
        assert answers == [200, 200, 200, 429]

    # The count was kept in Redis, in the tests' database.
    assert any(b"api-rate" in key for key in redis_db.keys("*"))
