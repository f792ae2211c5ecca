"""Factories for every model, for tests that read like user stories."""

import datetime

import factory

from styrhjul.model.models import Vision
from styrhjul.organisation.models import Role, RoleGrant, Unit, UnitType, User

TEST_PASSWORD = "ett-langt-testlosenord-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"anvandare{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def unit_type(name: str) -> UnitType:
    return UnitType.objects.get_or_create(name=name, defaults={"order": 99})[0]


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Enhet {n}")
    code = factory.Sequence(lambda n: f"E{n:04d}")
    unit_type = factory.LazyFunction(lambda: unit_type("Enhet"))
    valid_from = datetime.date(2020, 1, 1)
    parent = None


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.MANAGER
    includes_subtree = True


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vision

    unit = factory.SubFactory(UnitFactory)
    title = "Sjöbacka 2035"
    text = "En växande kommun där alla kan leva ett gott liv."
    horizon_year = 2035
    valid_from_year = 2024


def grant(user: User, unit: Unit, role: str = Role.MANAGER, subtree: bool = True) -> RoleGrant:
    return RoleGrant.objects.create(user=user, unit=unit, role=role, includes_subtree=subtree)
