import datetime

import pytest
from django.utils import timezone

from styrhjul.api import services
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant


@pytest.fixture
def chef_b1(org):
    """Chef of Barn och unga (a unit under Individ och familj)."""
    user = UserFactory(first_name="Bo", last_name="Chef")
    grant(user, org["enhet_b1"], Role.MANAGER)
    return user


def make_token(user, scope="read", days=30):
    return services.token_create(
        actor=user,
        name=f"Nyckel {scope}",
        scope=scope,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
    )


@pytest.fixture
def read_token(chef_b1):
    return make_token(chef_b1, "read")[1]


@pytest.fixture
def write_token(chef_b1):
    return make_token(chef_b1, "write")[1]


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
