import pytest

from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant


@pytest.fixture
def unit(org):
    return org["enhet_a2"]  # Hemtjänst Norr, an Enhet


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def admin(org):
    user = UserFactory()
    grant(user, org["kommun"], Role.ADMIN)
    return user
