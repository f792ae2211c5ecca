"""The demo publishes last year's delårsbokslut and årsbokslut, so the
published pages, the comparison and the open data can be tried."""

import pytest
from django.urls import reverse

from styrhjul.demo.services import load_demo
from styrhjul.public.models import Snapshot

pytestmark = pytest.mark.django_db


def test_last_years_delarsbokslut_and_arsbokslut_are_published(demo, client):
    assert demo.published == 2
    interim, annual = Snapshot.objects.order_by("period_end")
    assert interim.kind == "interim" and annual.kind == "annual"
    assert interim.rows.exclude(assessment_label="").exists()
    assert interim.rows.exclude(analysis="").exists()
    root = interim.organisation
    assert client.get(reverse("public:organisation_page", args=[root.pk])).status_code == 200
    unit_id = interim.rows.exclude(analysis="").values_list("unit_id", flat=True).first()
    page = client.get(reverse("public:compare", args=[interim.pk, annual.pk, unit_id]))
    assert page.status_code == 200
    csv = client.get(reverse("public:snapshot_csv", args=[interim.pk]))
    assert csv.status_code == 200 and csv.content.count(b"\r\n") == interim.rows.count() + 1


def test_loading_again_publishes_nothing_more(demo):
    assert load_demo().published == 0
    assert Snapshot.objects.count() == 2


def test_the_demo_municipality_has_its_accessibility_statement(demo, client):
    """Filled in once, and kept as it is when the demo is loaded again."""
    from styrhjul.public.models import AccessibilityStatement

    text = client.get(reverse("public:accessibility")).content.decode()
    assert "Sjöbacka kommun står bakom Styrhjul" in text
    assert "<strong>Delvis förenlig med kraven</strong>" in text
    assert 'href="mailto:tillganglighet@sjobacka.example"' in text
    load_demo()
    assert AccessibilityStatement.objects.get().version == 1
