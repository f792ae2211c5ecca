"""Loading the demo municipality Sjöbacka (`styrhjul load-demo`).

Everything is made through the organisation's services as the command-line
operator (access.SYSTEM), so the history shows it like any other change. The
load is idempotent: units are found by code, users by user name, grants by
(user, unit, role), the vision by (unit, title); what already exists is left
exactly as it is, so a second run writes nothing.

The demo is only loaded into a database that holds no other organisation:
its users have a password printed on the login page, and its
Systemadministratör is administrator of the whole database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from styrhjul.model.models import Vision
from styrhjul.organisation import access, services
from styrhjul.organisation.defaults import DEFAULT_UNIT_TYPES
from styrhjul.organisation.models import RoleGrant, Unit, UnitType, User

from . import data


class DemoConflict(Exception):
    """The database holds something the demo would collide with."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class DemoSummary:
    units: int  # demo units in the database after loading
    users: int  # demo users in the database after loading
    units_created: int = 0
    users_created: int = 0
    grants_created: int = 0
    vision_created: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created or self.users_created or self.grants_created or self.vision_created
        )

    @property
    def message(self) -> str:
        if not self.changed:
            return f"Demokommunen {data.MUNICIPALITY} fanns redan; inget ändrat."
        return (
            f"Demokommunen {data.MUNICIPALITY} är på plats: "
            f"{self.units} enheter, {self.users} användare."
        )

    def __str__(self) -> str:
        return self.message


def demo_root() -> Unit | None:
    """The demo's root unit, if the demo has been loaded."""
    return Unit.objects.filter(
        code=data.ROOT_CODE, name=data.MUNICIPALITY, parent__isnull=True
    ).first()


def _demo_unit_ids(root: Unit | None) -> set[int]:
    if root is None:
        return set()
    return set(Unit.objects.descendants(root, include_self=True).values_list("pk", flat=True))


def conflicts() -> list[str]:
    """What in the database stops the demo from loading, in Swedish; empty
    when the database is empty or holds only the demo."""
    problems = []
    root = demo_root()
    for other in Unit.objects.filter(parent__isnull=True).exclude(pk=getattr(root, "pk", None)):
        problems.append(
            f"Databasen har redan en annan organisation: {other.name} (kod {other.code})."
        )
    ours = _demo_unit_ids(root)
    codes = [u.code for u in data.UNITS]
    for unit in Unit.objects.filter(code__in=codes).exclude(pk__in=ours).order_by("code"):
        if unit.parent_id is not None:  # other roots are reported above
            problems.append(f"Koden {unit.code} används redan av enheten {unit.name}.")

    people = {p.login.lower(): p for p in data.people()}
    emails = {p.email.lower(): p for p in people.values()}
    name_or_email = Q()
    for login in people:
        name_or_email |= Q(username__iexact=login)
    for email in emails:
        name_or_email |= Q(email__iexact=email)
    for user in User.objects.filter(name_or_email).order_by("username"):
        person = people.get(user.username.lower()) or emails.get(user.email.lower())
        if user.username.lower() != person.login or user.email.lower() != person.email:
            problems.append(
                f"Användaren {user.username} ({user.email or 'ingen e-post'}) finns redan "
                f"och är inte demoanvändaren {person.login} ({person.email})."
            )
    return problems


def _unit_type(name: str) -> UnitType:
    found = UnitType.objects.filter(name=name).first()
    if found is not None:
        return found
    plural, order = next((p, o) for n, p, o in DEFAULT_UNIT_TYPES if n == name)
    return services.unit_type_save(
        actor=access.SYSTEM, unit_type=UnitType(name=name, plural=plural, order=order)
    )


@transaction.atomic
def load_demo() -> DemoSummary:
    """Create whatever part of the demo municipality is missing.

    Raises DemoConflict, before writing anything, when the database holds
    another organisation or users and codes that clash with the demo's."""
    problems = conflicts()
    if problems:
        raise DemoConflict(problems)
    actor = access.SYSTEM
    summary = DemoSummary(units=0, users=0)

    existing = {u.code: u for u in Unit.objects.filter(pk__in=_demo_unit_ids(demo_root()))}
    units: dict[str, Unit] = {}
    for spec in data.UNITS:
        unit = existing.get(spec.code)
        if unit is None:
            unit = services.unit_create(
                actor=actor,
                name=spec.name,
                unit_type=_unit_type(spec.unit_type),
                code=spec.code,
                parent=units[spec.parent] if spec.parent else None,
                valid_from=data.VALID_FROM,
            )
            if spec.valid_to is not None:
                # Closed after the fact, as in a real reorganisation, so the
                # unit's history shows both its start and its closing.
                services.unit_close(
                    actor=actor, unit=unit, version=unit.version, valid_to=spec.valid_to
                )
            summary.units_created += 1
        units[spec.code] = unit

    people = data.people()
    logins = {p.login for p in people}
    users: dict[str, User] = {
        u.username.lower(): u
        for u in User.objects.filter(email__iendswith=f"@{data.EMAIL_DOMAIN}")
        if u.username.lower() in logins
    }
    created_users: list[int] = []
    for person in people:
        user = users.get(person.login)
        if user is None:
            user = services.user_create(
                actor=actor,
                username=person.login,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                title=person.title,
            )
            users[person.login] = user
            created_users.append(user.pk)
            summary.users_created += 1
    if created_users:
        # One Argon2 hash shared by every new demo user instead of fifty (about
        # six seconds on a fresh database). The password is published anyway,
        # and the history leaves passwords out.
        User.objects.filter(pk__in=created_users).update(password=make_password(data.DEMO_PASSWORD))

    held = set(
        RoleGrant.objects.filter(unit__in=units.values()).values_list("user_id", "unit_id", "role")
    )
    for person, grant in data.grants():
        user, unit = users[person.login], units[grant.unit]
        if (user.pk, unit.pk, grant.role) in held:
            continue
        services.grant_role(
            actor=actor,
            user=user,
            unit=unit,
            role=grant.role,
            includes_subtree=grant.includes_subtree,
        )
        summary.grants_created += 1

    root = units[data.ROOT_CODE]
    if not Vision.objects.filter(unit=root, title=data.VISION_TITLE).exists():
        vision = Vision(
            unit=root,
            title=data.VISION_TITLE,
            text=data.VISION_TEXT,
            horizon_year=data.VISION_HORIZON_YEAR,
            valid_from_year=data.VISION_VALID_FROM_YEAR,
        )
        vision.full_clean()
        vision._history_user = None  # made by the system
        vision.save()
        summary.vision_created = True

    summary.units = len(units)
    summary.users = len(users)
    return summary
