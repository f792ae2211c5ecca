"""PostgreSQL unreachable under a real `styrhjul serve` (issue 15, faults): the
server reaches the database through a small TCP proxy in this test, which
cuts every connection and refuses new ones, then lets them through again.
Meanwhile visitors get the Swedish 503 page (not a 500) and the health probes
say so; afterwards the very next request is served, without a restart: the
broken connections are found by CONN_HEALTH_CHECKS and replaced.

PostgreSQL only: SQLite is a file, it cannot become unreachable."""

import pytest
import requests
from django.db import connection

from styrhjul.demo.load import UNAVAILABLE_TEXT, DatabaseProxy
from tests.factories import UserFactory
from tests.servers import database_url_for_subprocess, password_hash, production_env, serving

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("serve")]

PASSWORD = "ett långt lösenord 123"


@pytest.fixture
def proxy():
    if connection.vendor != "postgresql":
        pytest.skip("bara PostgreSQL kan bli onåbar (DATABASE_URL=postgres://…)")
    db = connection.settings_dict
    proxy = DatabaseProxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    yield proxy
    proxy.close()


def test_visitors_get_the_503_page_while_the_database_is_away_and_it_recovers(tmp_path, proxy):
    user = UserFactory(username="besokare")
    user.password = password_hash(PASSWORD)
    user.save()
    env = production_env(tmp_path, database_url_for_subprocess(tmp_path, port=proxy.port))

    with serving(env) as (_server, base):
        session = requests.Session()
        session.get(base + "/konto/logga-in/", timeout=30)
        response = session.post(
            base + "/konto/logga-in/",
            data={
                "username": "besokare",
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302
        for _ in range(3):  # the server keeps its connections open (CONN_MAX_AGE)
            assert session.get(base + "/", timeout=30).status_code == 200
        assert proxy.connections >= 1

        proxy.cut()
        for path in ("/", "/uppfoljning/arshjul/"):
            page = session.get(base + path, timeout=30)
            assert page.status_code == 503, page.text[:300]
            assert page.headers["Retry-After"] == "30"
            assert UNAVAILABLE_TEXT in page.text
        saved = session.post(
            base + "/konto/logga-ut/",
            data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=30,
        )
        assert saved.status_code == 503
        assert requests.get(base + "/healthz", timeout=30).status_code == 503

        proxy.restore()
        # The first request after the database is back is served as usual.
        page = session.get(base + "/", timeout=30)
        assert page.status_code == 200
        assert "Mina uppgifter" in page.text
        assert requests.get(base + "/healthz", timeout=30).status_code == 200
