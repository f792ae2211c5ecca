"""The published pages and files run a fixed number of queries whatever the
number of units, rows and snapshots."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    FollowUpOccasionFactory,
    SnapshotDocumentFactory,
    SnapshotFactory,
    SnapshotRowFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(snapshot, n):
    for _ in range(n):
        unit = UnitFactory(parent=snapshot.organisation)
        SnapshotRowFactory(snapshot=snapshot, unit=unit)
        SnapshotRowFactory(snapshot=snapshot, unit=snapshot.organisation)
        SnapshotDocumentFactory(snapshot=snapshot, unit_name=unit.name)
        SnapshotFactory(
            occasion=FollowUpOccasionFactory(model=snapshot.occasion.model, status="closed")
        )


def test_the_published_pages_and_files_at_two_sizes(client):
    snapshot = SnapshotFactory()
    org = snapshot.organisation
    urls = [
        reverse("public:snapshots", args=[org.pk]),
        reverse("public:snapshot", args=[snapshot.pk]),
        reverse("public:snapshot_unit", args=[snapshot.pk, org.pk]),
        reverse("public:snapshot_csv", args=[snapshot.pk]),
        reverse("public:snapshot_json", args=[snapshot.pk]),
    ]
    _grow(snapshot, 3)
    few = [_queries(client, url) for url in urls]
    _grow(snapshot, 15)
    assert [_queries(client, url) for url in urls] == few
    assert snapshot.rows.count() == 36
