"""Two published snapshots of a unit compared item by item: the assessment
moved (with the scale's own labels), the analysis with a word diff marked
beyond colour, the values changed; on a page and in Excel."""

from __future__ import annotations

import io
import uuid

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.public.queries import compare, word_diff
from tests.factories import SnapshotFactory, SnapshotRowFactory
from tests.public.published import publish_two

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(reported, org, chain, model_owner):
    return publish_two(reported, org, chain, model_owner)


def test_word_diff_marks_inserted_and_deleted_words():
    pieces = word_diff("Andelen ökar i år.", "Andelen minskar i år.")
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "Andelen "),
        ("delete", "ökar"),
        ("insert", "minskar"),
        ("equal", " i år."),
    ]


def test_the_comparison_says_what_moved_item_by_item(two, org, chain):
    interim, annual = two
    comparison = compare(interim, annual, org["kommun"].pk)
    by_title = {c.row.title: c for c in comparison.changes}
    goal = by_title[chain["council"].title]
    assert goal.assessment_moved
    assert goal.assessment_before.label == "Goda förutsättningar att nå målet"
    assert goal.assessment_after.label == "Rätt riktning men för långsamt"
    assert goal.analysis_changed
    assert ("delete", "ökar") in [(p.op, p.text) for p in goal.analysis]
    assert ("insert", "minskar") in [(p.op, p.text) for p in goal.analysis]
    indicator = by_title[chain["indicator"].title]
    assert indicator.value_changed and indicator.value_difference == 1
    unchanged = compare(interim, annual, org["namnd"].pk)
    assert [c.row.title for c in unchanged.changes] == [chain["board"].title]
    assert not unchanged.changed


def test_the_compare_page_shows_labels_and_an_accessible_diff(client, two, org, chain):
    interim, annual = two
    url = reverse("public:compare", args=[interim.pk, annual.pk, org["kommun"].pk])
    page = client.get(url).content.decode()  # no login: both are published
    assert "Goda förutsättningar att nå målet" in page
    assert "Rätt riktning men för långsamt" in page
    assert '<del><span class="visually-hidden">[borttaget: </span>ökar' in page
    assert '<ins><span class="visually-hidden">[tillagt: </span>minskar' in page
    assert "förändring +1" in page
    assert "2 poster har ändrats" in page
    url = reverse("public:compare", args=[interim.pk, annual.pk, org["namnd"].pk])
    page = client.get(url).content.decode()
    assert chain["board"].title not in page  # unchanged items are only counted
    assert "1 post är oförändrad" in page


def test_the_unit_page_offers_the_other_snapshots_to_compare_with(client, two, org):
    interim, annual = two
    url = reverse("public:snapshot_unit", args=[annual.pk, org["kommun"].pk])
    page = client.get(url)
    assert f'<option value="{interim.pk}">' in page.content.decode()
    response = client.get(url, {"jamfor": interim.pk})
    assert response["Location"] == reverse(
        "public:compare", args=[interim.pk, annual.pk, org["kommun"].pk]
    )
    assert client.get(url, {"jamfor": "x"}).status_code == 404


def test_the_comparison_in_excel(client, two, org, chain):
    interim, annual = two
    url = reverse("public:compare_xlsx", args=[interim.pk, annual.pk, org["kommun"].pk])
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Jämförelse"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "Bedömning Delårsrapport 2025"
    goal = next(r for r in rows if r[2] == chain["council"].title)
    assert goal[4].endswith("Goda förutsättningar att nå målet")
    assert goal[5].endswith("Rätt riktning men för långsamt")
    assert goal[13] == "Bedömning, analys"
    indicator = next(r for r in rows if r[2] == chain["indicator"].title)
    assert (indicator[8], indicator[9], indicator[10]) == (85, 86, 1)


def test_snapshots_of_other_organisations_or_units_not_in_them_are_404(client, two, org):
    interim, annual = two
    other = SnapshotFactory()
    for args in (
        (interim.pk, other.pk, org["kommun"].pk),
        (interim.pk, annual.pk, org["enhet_a1"].pk),
        (interim.pk, interim.pk, org["kommun"].pk),
        (interim.pk, 999999, org["kommun"].pk),
    ):
        assert client.get(reverse("public:compare", args=args)).status_code == 404, args


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _rows(before, after, unit, n):
    for _ in range(n):
        key = uuid.uuid4()
        SnapshotRowFactory(snapshot=before, unit=unit, item_key=key, analysis="Det gick bra.")
        SnapshotRowFactory(snapshot=after, unit=unit, item_key=key, analysis="Det gick sämre.")


def test_the_compare_page_runs_a_fixed_number_of_queries(client):
    before = SnapshotFactory()
    after = SnapshotFactory(occasion__model=before.occasion.model, occasion__kind="annual")
    unit = before.organisation
    url = reverse("public:compare", args=[before.pk, after.pk, unit.pk])
    _rows(before, after, unit, 5)
    few = _queries(client, url)
    _rows(before, after, unit, 120)
    assert _queries(client, url) == few
    assert client.get(url).content.decode().count("<ins>") == 125
