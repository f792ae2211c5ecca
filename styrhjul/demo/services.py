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

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

from styrhjul.core.concurrency import use_case
from styrhjul.model.models import GovernanceModel, Vision
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access, services
from styrhjul.organisation.defaults import DEFAULT_UNIT_TYPES, GOVERNING_UNIT_TYPES
from styrhjul.organisation.models import RoleGrant, Unit, UnitType, User
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, ItemLink, ItemShare, Plan
from styrhjul.planning.services import model_copy_to_next_year

from . import data, documents, followup, indicators, ledger, model_data, this_year
from .calendar import DemoCalendar


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
    items: int = 0  # demo items in the governance model after loading
    plans: int = 0  # plans in the governance model after loading
    model_created: bool = False
    plans_created: int = 0
    items_created: int = 0
    links_created: int = 0
    shares_created: int = 0
    years_copied: list[int] = field(default_factory=list)
    followup: object = None  # followup.FollowupSummary of last year's follow-up
    indicators: object = None  # indicators.IndicatorSummary: targets, Kolada sample
    documents: object = None  # documents.DocumentSummary: settings, texts
    this_year: object = None  # this_year.ThisYearSummary: this year's year wheel
    ledger: object = None  # ledger.LedgerSummary: SIE files, ansvar, budgets
    published: int = 0  # snapshots published of last year's delårsbokslut and årsbokslut
    calendar: DemoCalendar | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            or self.users_created
            or self.grants_created
            or self.vision_created
            or self.model_created
            or self.plans_created
            or self.items_created
            or self.links_created
            or self.shares_created
            or self.years_copied
            or (self.followup is not None and self.followup.changed)
            or (self.indicators is not None and self.indicators.changed)
            or (self.documents is not None and self.documents.changed)
            or (self.this_year is not None and self.this_year.changed)
            or (self.ledger is not None and self.ledger.changed)
            or self.published
        )

    @property
    def message(self) -> str:
        if not self.changed:
            return f"Demokommunen {data.MUNICIPALITY} fanns redan; inget ändrat."
        year = self.calendar.last_year
        return (
            f"Demokommunen {data.MUNICIPALITY} är på plats: "
            f"{self.units} enheter, {self.users} användare. "
            f"Styrmodell {year} med {self.plans} planer och {self.items} poster, "
            f"uppföljd och avslutad med årsbokslut."
            + (
                " Kopierad till " + ", ".join(str(y) for y in self.years_copied) + "."
                if self.years_copied
                else ""
            )
            + (f" {self.this_year.message}" if self.this_year is not None else "")
            + (f" {self.ledger.message}" if self.ledger is not None else "")
            + (
                f" {self.published} uppföljningar av {year} är publicerade som öppna data."
                if self.published
                else ""
            )
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
        actor=access.SYSTEM,
        unit_type=UnitType(
            name=name, plural=plural, order=order, governing=name in GOVERNING_UNIT_TYPES
        ),
    )


def demo_calendar(today: datetime.date | None = None) -> DemoCalendar:
    """The demo's years for `today` (default: the local date): last year is
    the closed year, unless the demo is in the database already, whose
    closed year stays the year it was first loaded for."""
    today = today or timezone.localdate()
    root = demo_root()
    base = None
    if root is not None:
        base = (
            GovernanceModel.objects.filter(organisation=root)
            .order_by("year")
            .values_list("year", flat=True)
            .first()
        )
    return DemoCalendar.for_date(today, base)


@use_case
def load_demo(*, today: datetime.date | None = None, copy_until: int | None = None) -> DemoSummary:
    """Create whatever part of the demo municipality is missing, for the day
    `today` (default: the local date): last year closed, with its follow-ups
    and årsbokslut. With copy_until its model is carried forward to that
    year; when that is today's year, this year's year wheel is built too,
    with a follow-up open for reporting today (this_year.py).

    Raises DemoConflict, before writing anything, when the database holds
    another organisation or users and codes that clash with the demo's."""
    problems = conflicts()
    if problems:
        raise DemoConflict(problems)
    actor = access.SYSTEM
    cal = demo_calendar(today)
    summary = DemoSummary(units=0, users=0, calendar=cal)

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
                valid_from=cal.date(data.VALID_FROM),
            )
            if spec.valid_to is not None:
                # Closed after the fact, as in a real reorganisation, so the
                # unit's history shows both its start and its closing.
                services.unit_close(
                    actor=actor, unit=unit, version=unit.version, valid_to=cal.date(spec.valid_to)
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

    _load_model(summary, units, users, cal)
    summary.followup = followup.load_followup(summary, units, users, cal)
    # Before the copy forward, so that the copies get the targets per year.
    summary.indicators = indicators.load_indicators(root, cal)
    summary.documents = documents.load_documents(root, units, users, cal)
    # Before this year's follow-ups: their economy tasks go to the units
    # holding ansvar.
    summary.ledger = ledger.load_ledger(root, units, cal)
    summary.published = _publish(root, cal)
    _accessibility_statement(root, cal)
    if copy_until:
        _copy_forward(summary, root, cal, until=copy_until)
        if copy_until == cal.this_year:
            summary.this_year = this_year.load_this_year(root, units, users, cal)
    summary.units = len(units)
    summary.users = len(users)
    return summary


def _publish(root: Unit, cal: DemoCalendar) -> int:
    """Last year's delårsbokslut and årsbokslut published (public/), so the
    published pages, the comparison and the open data can be tried; those
    published already are left alone. The public page is switched on, once."""
    from styrhjul.followup.models import FollowUpOccasion, OccasionKind
    from styrhjul.public.models import PublicationSettings
    from styrhjul.public.services import (
        occasion_publish,
        publication_settings_save,
        publish_refusal,
    )

    if not PublicationSettings.objects.filter(organisation=root).exists():
        publication_settings_save(
            actor=access.SYSTEM, organisation=root, licence="CC-BY-4.0", version=0, public_page=True
        )

    occasions = FollowUpOccasion.objects.filter(
        model__organisation=root,
        model__year=cal.last_year,
        kind__in=[OccasionKind.INTERIM, OccasionKind.ANNUAL],
        snapshots__isnull=True,
    ).select_related("model__organisation")
    published = 0
    for occasion in occasions.order_by("period_end"):
        if publish_refusal(occasion) is None:
            occasion_publish(actor=access.SYSTEM, occasion=occasion)
            published += 1
    return published


def _accessibility_statement(root: Unit, cal: DemoCalendar) -> None:
    """The demo municipality's tillgänglighetsredogörelse, once: how it is
    written, for the foot of every page."""
    from styrhjul.public.models import Compliance
    from styrhjul.public.queries import accessibility_statement
    from styrhjul.public.services import accessibility_statement_save

    if accessibility_statement() is not None:
        return
    accessibility_statement_save(
        actor=access.SYSTEM,
        version=0,
        publisher=root.name,
        compliance=Compliance.PARTIAL,
        known_issues=(
            "Bilagor som laddats upp som skannade PDF-filer har ingen text som en skärmläsare "
            "kan läsa. Vi byter ut dem när de ändras.\n\n"
            "Diagrammen i de publicerade dokumenten från före 2025 saknar textalternativ."
        ),
        contact="E-post: tillganglighet@sjobacka.example\nTelefon: 0123-45 67 00 (vardagar 8–16)",
        # Never after the real today, which a demo loaded for another day may pass.
        assessed_on=min(datetime.date(cal.last_year, 11, 1), timezone.localdate()),
    )


def _copy_forward(summary: DemoSummary, root: Unit, cal: DemoCalendar, until: int) -> None:
    """Carry the demo's model year forward to the current year with "Kopiera
    till nästa år", so the demo has plans for today as well as for the year
    its follow-ups are about. Years that exist are left alone."""
    years = set(GovernanceModel.objects.filter(organisation=root).values_list("year", flat=True))
    for year in range(cal.last_year + 1, until + 1):
        if year in years:
            continue
        source = GovernanceModel.objects.filter(organisation=root, year=year - 1).first()
        if source is None:
            return
        model_copy_to_next_year(actor=access.SYSTEM, model=source)
        summary.years_copied.append(year)


def _load_model(
    summary: DemoSummary, units: dict[str, Unit], users: dict[str, User], cal: DemoCalendar
) -> None:
    """Last year's governance model with the plans and items of model_data,
    whatever of it is missing (called from load_demo, in its transaction)."""
    actor = access.SYSTEM
    root = units[data.ROOT_CODE]
    model = GovernanceModel.objects.filter(organisation=root, year=cal.last_year).first()
    if model is None:
        model = model_create_default(actor=actor, organisation=root, year=cal.last_year)
        summary.model_created = True
    perspectives = {p.name: p for p in model.perspectives.all()}
    levels = {level.name: level for level in model.levels.prefetch_related("unit_types")}
    plan_types = {t.name: t for t in model.plan_types.all()}
    problems: set[str] = set()

    def part(parts: dict, name: str, what: str):
        """The model's perspective, level or plan type of that name. The demo
        builds on the defaults' names, which a model owner may have changed
        since; what it still needs is reported, and nothing is written."""
        if not name:
            return None
        if name not in parts:
            problems.add(f"Styrmodellen {model.year} saknar {what} {name}, som demon bygger på.")
        return parts.get(name)

    plans = {
        (p.unit_id, p.plan_type_id): p
        for p in Plan.objects.filter(plan_type__model=model).select_related("unit", "plan_type")
    }
    plans_before = len(plans)
    existing = {
        (i.plan_id, i.kind, i.number): i
        for i in Item.objects.filter(plan__plan_type__model=model).select_related("plan__plan_type")
    }
    links = set(
        ItemLink.objects.filter(item__plan__plan_type__model=model).values_list(
            "item_id", "target_id"
        )
    )
    # Ended shares count as present: someone unshared on purpose.
    shared = set(
        ItemShare.objects.filter(item__plan__plan_type__model=model).values_list(
            "item_id", "unit_id"
        )
    )
    managers = {u.code: users[u.manager.login] for u in data.UNITS if u.manager}
    found: dict[str, Item] = {}

    def plan_of(unit: Unit, plan_type) -> Plan:
        plan = plans.get((unit.pk, plan_type.pk))
        if plan is None:
            plan = planning.plan_for(actor=actor, unit=unit, plan_type=plan_type)
            plans[(unit.pk, plan_type.pk)] = plan
        return plan

    for spec in cal.shift(model_data.item_specs()):
        plan_type = part(plan_types, spec.plan_type, "plantypen")
        if plan_type is None:
            continue
        plan = plan_of(units[spec.unit], plan_type)
        item = existing.get((plan.pk, spec.kind, spec.number))
        if item is None:
            perspective = part(perspectives, spec.perspective, "perspektivet")
            level = part(levels, spec.level, "målnivån")
            if problems:
                continue
            item = planning.item_create(
                actor=actor,
                plan=plan,
                kind=spec.kind,
                number=spec.number,
                title=spec.title,
                perspective=perspective,
                level=level,
                responsible=managers.get(spec.responsible),
                **spec.fields,
            )
            summary.items_created += 1
        found[spec.ref] = item
        if problems:
            continue
        for ref in spec.contributes_to:
            target = found[ref]
            if (item.pk, target.pk) not in links:
                planning.item_link(actor=actor, item=item, target=target)
                links.add((item.pk, target.pk))
                summary.links_created += 1
        missing = [units[c] for c in spec.shared_to if (item.pk, units[c].pk) not in shared]
        if missing:
            for share in planning.item_share(actor=actor, item=item, units=missing):
                plans.setdefault((share.unit_id, plan.plan_type_id), share.plan)
                shared.add((item.pk, share.unit_id))
                summary.shares_created += 1

    if problems:
        raise DemoConflict(sorted(problems))
    summary.plans_created = Plan.objects.filter(plan_type__model=model).count() - plans_before
    summary.plans = plans_before + summary.plans_created
    summary.items = len(found)
