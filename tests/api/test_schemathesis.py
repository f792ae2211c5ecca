"""Property-based tests of the REST API against its own OpenAPI document
(Schemathesis): generated calls to every operation, through the whole Django
stack (middleware, authentication, the API) as a WSGI application, on the
demo municipality, with tokens for two roles. No call answers 5xx, every
answer conforms to the document (status, content type, body), and no write
with the read-only token succeeds.

The demo is loaded once for the module; the examples per operation are
few (EXAMPLES) so the module stays under a minute. No network: the calls
go to the WSGI application in this process."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from styrhjul.api import services
from styrhjul.api.api import api
from styrhjul.core.concurrency import one_action
from styrhjul.demo import data
from styrhjul.demo.services import load_demo
from styrhjul.organisation.models import User

EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo municipality and two tokens: the Avdelningschef reads and
    writes, the Enhetschef only reads."""
    with django_db_blocker.unblock(), one_action():
        load_demo()
        expires = timezone.localdate() + datetime.timedelta(days=30)
        tokens = {}
        for person, scope in ((data.DIVISION_HEAD, "write"), (data.UNIT_HEAD, "read")):
            user = User.objects.get(username=person.login)
            tokens[scope] = services.token_create(
                actor=user, name=f"Schemathesis {scope}", scope=scope, expires_on=expires
            )[1]
        yield tokens
        transaction.set_rollback(True)


@pytest.fixture
def schema(demo, db, settings):
    settings.API_RATE_LIMIT = 0  # the limit is tested elsewhere; here it would only slow
    cache.clear()
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    # As Django's test client: a request must not close the connection that
    # holds the test's transaction (PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _operations(schema, *, writes_only=False):
    for result in schema.get_all_operations():
        operation = result.ok()
        if writes_only and operation.method.upper() not in WRITES:
            continue
        yield operation


def _run(operation, secret: str, check):
    """EXAMPLES generated calls of one operation, each answer checked."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def one(case):
        response = case.call(headers={"Authorization": f"Bearer {secret}"})
        check(case, response)

    one()


def test_every_operation_answers_by_the_document_without_5xx(schema, demo):
    def check(case, response):
        case.validate_response(response, checks=CHECKS)

    for operation in _operations(schema):
        _run(operation, demo["write"], check)


def test_no_write_with_the_read_only_token_succeeds(schema, demo):
    from styrhjul.documents.models import DocumentJob
    from styrhjul.followup.models import Report, ReportingTask
    from styrhjul.indicators.models import BreakdownValue, ComparisonValue, IndicatorValue
    from styrhjul.planning.models import Item, Plan

    counted = (Item, Plan, Report, IndicatorValue, DocumentJob, BreakdownValue, ComparisonValue)

    def reviews():
        return list(ReportingTask.objects.order_by("pk").values_list("review_status", "version"))

    before = [m.objects.count() for m in counted]
    reviewed = reviews()

    def check(case, response):
        assert response.status_code >= 400, (case.method, case.formatted_path, response.text)
        case.validate_response(response, checks=CHECKS)

    operations = list(_operations(schema, writes_only=True))
    assert {o.method.upper() for o in operations} >= {"POST", "PUT", "PATCH"}
    for operation in operations:
        _run(operation, demo["read"], check)
    assert [m.objects.count() for m in counted] == before
    assert reviews() == reviewed
