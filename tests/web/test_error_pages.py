"""Error pages speak Swedish and lead back to the start page."""

import pytest
from django.urls import reverse

from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_a_unit_the_user_may_not_read_looks_like_a_missing_page(client, org):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    client.force_login(chef)
    response = client.get(reverse("organisation:unit", args=[org["enhet_a2"].pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="sv">' in body
    assert "Sidan finns inte" in body
    assert org["enhet_a2"].name not in body


def test_a_forbidden_action_is_explained_in_swedish(client, org):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    client.force_login(chef)
    response = client.get(reverse("organisation:unit_edit", args=[org["enhet_a1"].pk]))
    assert response.status_code == 403
    assert "Du har inte behörighet" in response.content.decode()
