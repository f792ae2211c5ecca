"""The demo municipality Sjöbacka: an invented organisation, invented people
and an invented vision, for trying Styrhjul out (`styrhjul load-demo`).

Everything here is fiction: there is no Sjöbacka kommun, and the people are
common Swedish first and last names put together. Units are identified by
their code (ansvar) and people by their user name, so loading twice finds
what is already there instead of making it again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from styrhjul.organisation.models import Role, User

# Shown on the login page in demo mode. Passes the password validators in
# settings (at least 12 characters, not common, not only digits).
DEMO_PASSWORD = "Styrhjul-demo-2025"

MUNICIPALITY = "Sjöbacka kommun"
ROOT_CODE = "1000"
EMAIL_DOMAIN = "sjobacka.example"
VALID_FROM = datetime.date(2020, 1, 1)

# The unit closed in the 2025 reorganisation (merged into Förskoleområde
# Centrum), so that the organisation's history has something to show.
REORGANISATION_DATE = datetime.date(2024, 12, 31)

VISION_TITLE = "Sjöbacka 2035"
VISION_TEXT = (
    "Sjöbacka 2035 är en kommun som växer med omtanke: barn och unga får en trygg "
    "start i livet, äldre lever ett självständigt liv och alla har en plats i "
    "gemenskapen. Vi tar vara på sjön, skogen och närheten till staden och bygger "
    "ett hållbart samhälle där det är lätt att bo, arbeta och driva företag. "
    "Tillsammans gör vi Sjöbacka till en plats man vill stanna på."
)
VISION_HORIZON_YEAR = 2035
VISION_VALID_FROM_YEAR = 2024


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    title: str
    username: str = ""  # firstname.lastname when empty

    @property
    def login(self) -> str:
        if self.username:
            return self.username
        return f"{_ascii(self.first_name)}.{_ascii(self.last_name)}"

    @property
    def email(self) -> str:
        return f"{self.login}@{EMAIL_DOMAIN}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _ascii(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"})
    return name.lower().translate(table)


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    unit_type: str  # a name from organisation.defaults.DEFAULT_UNIT_TYPES
    parent: str | None  # the parent's code
    manager: Person | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True)
class DemoGrant:
    unit: str  # code
    role: str
    includes_subtree: bool = True


@dataclass(frozen=True)
class RoleUser:
    """A demo user shown on the login page, one per kind of user."""

    person: Person
    description: str  # Swedish, shown on the login page
    grants: tuple[DemoGrant, ...]


# --- The people with the roles shown on the login page -------------------------
ADMIN = Person("Karin", "Holmberg", "Systemförvaltare", "admin")
MODEL_OWNER = Person("Johan", "Lindqvist", "Utvecklingsledare", "modellagare")
DEPARTMENT_HEAD = Person("Annika", "Sundberg", "Förvaltningschef", "forvaltningschef")
DIVISION_HEAD = Person("Mikael", "Ekström", "Avdelningschef förskola", "avdelningschef")
UNIT_HEAD = Person("Sara", "Nyberg", "Rektor förskola", "enhetschef")
REPORTER = Person("Elin", "Forsberg", "HR-specialist", "rapportor")
REPORTER_UNIT = "3120"  # where the Rapportör reports the items she is responsible for
POLITICIAN = Person("Lars", "Hedlund", "Ordförande i barn- och utbildningsnämnden", "politiker")
AUDITOR = Person("Birgitta", "Åberg", "Förtroendevald revisor", "revisor")


def _p(first: str, last: str, title: str) -> Person:
    return Person(first, last, title)


# --- The organisation ---------------------------------------------------------
# Parents come before their children. Codes follow the accounting plan: the
# first digit is the committee, the second the förvaltning, then avdelning
# and enhet.
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(ROOT_CODE, MUNICIPALITY, "Kommun", None),
    DemoUnit("1010", "Kommunfullmäktige", "Kommunfullmäktige", ROOT_CODE),
    DemoUnit("1020", "Kommunstyrelsen", "Kommunstyrelse", ROOT_CODE),
    DemoUnit(
        "1100",
        "Kommunledningsförvaltningen",
        "Förvaltning",
        "1020",
        _p("Per", "Wikström", "Kommundirektör"),
    ),
    DemoUnit(
        "1110", "Ekonomiavdelningen", "Avdelning", "1100", _p("Cecilia", "Nordin", "Ekonomichef")
    ),
    DemoUnit(
        "1111",
        "Redovisning och controlling",
        "Enhet",
        "1110",
        _p("Lena", "Axelsson", "Redovisningschef"),
    ),
    DemoUnit(
        "1112", "Upphandlingsenheten", "Enhet", "1110", _p("Peter", "Engström", "Upphandlingschef")
    ),
    DemoUnit("1120", "HR-avdelningen", "Avdelning", "1100", _p("Fredrik", "Lund", "HR-chef")),
    DemoUnit("1121", "Löneenheten", "Enhet", "1120", _p("Camilla", "Hellström", "Lönechef")),
    # Barn och utbildning
    DemoUnit("3000", "Barn- och utbildningsnämnden", "Nämnd", ROOT_CODE),
    DemoUnit("3100", "Barn- och utbildningsförvaltningen", "Förvaltning", "3000", DEPARTMENT_HEAD),
    DemoUnit("3110", "Förskoleavdelningen", "Avdelning", "3100", DIVISION_HEAD),
    DemoUnit("3111", "Förskoleområde Norr", "Enhet", "3110", UNIT_HEAD),
    DemoUnit(
        "3112", "Förskoleområde Söder", "Enhet", "3110", _p("Emma", "Lindberg", "Rektor förskola")
    ),
    DemoUnit(
        "3113",
        "Förskoleområde Centrum",
        "Enhet",
        "3110",
        _p("Ida", "Pettersson", "Rektor förskola"),
    ),
    DemoUnit(
        "3114",
        "Förskoleområde Väster",
        "Enhet",
        "3110",
        valid_to=REORGANISATION_DATE,
    ),
    DemoUnit(
        "3120",
        "Grundskoleavdelningen",
        "Avdelning",
        "3100",
        _p("Ulf", "Strand", "Grundskolechef"),
    ),
    DemoUnit("3121", "Björkängsskolan F–6", "Enhet", "3120", _p("Henrik", "Nilsson", "Rektor")),
    DemoUnit("3122", "Ekbackaskolan F–6", "Enhet", "3120", _p("Anna", "Lindholm", "Rektor")),
    DemoUnit("3123", "Sjöbackaskolan 7–9", "Enhet", "3120", _p("Mattias", "Öberg", "Rektor")),
    DemoUnit("3124", "Elevhälsan", "Enhet", "3120", _p("Johanna", "Karlsson", "Enhetschef")),
    DemoUnit("3125", "Kulturskolan", "Enhet", "3120", _p("Oskar", "Ström", "Enhetschef")),
    # Socialtjänst
    DemoUnit("4000", "Socialnämnden", "Nämnd", ROOT_CODE),
    DemoUnit(
        "4100",
        "Socialförvaltningen",
        "Förvaltning",
        "4000",
        _p("Helena", "Björk", "Förvaltningschef"),
    ),
    DemoUnit(
        "4110", "Äldreomsorg", "Avdelning", "4100", _p("Margareta", "Holm", "Verksamhetschef")
    ),
    DemoUnit("4111", "Hemtjänst Norr", "Enhet", "4110", _p("Linda", "Gustafsson", "Enhetschef")),
    DemoUnit("4112", "Hemtjänst Söder", "Enhet", "4110", _p("Sofia", "Hansson", "Enhetschef")),
    DemoUnit(
        "4113", "Lindgårdens äldreboende", "Enhet", "4110", _p("Eva", "Jonsson", "Enhetschef")
    ),
    DemoUnit(
        "4114", "Solbackens äldreboende", "Enhet", "4110", _p("Malin", "Persson", "Enhetschef")
    ),
    DemoUnit(
        "4115", "Korttidsboendet Ängen", "Enhet", "4110", _p("Therese", "Olsson", "Enhetschef")
    ),
    DemoUnit(
        "4116",
        "Hemsjukvården",
        "Enhet",
        "4110",
        _p("Karl", "Fransson", "Medicinskt ansvarig sjuksköterska"),
    ),
    DemoUnit(
        "4120", "Funktionsstöd", "Avdelning", "4100", _p("Jonas", "Berglund", "Verksamhetschef")
    ),
    DemoUnit(
        "4121", "Gruppbostad Tallen (LSS)", "Enhet", "4120", _p("Jenny", "Mattsson", "Enhetschef")
    ),
    DemoUnit(
        "4122",
        "Servicebostad Granen (LSS)",
        "Enhet",
        "4120",
        _p("Niklas", "Johansson", "Enhetschef"),
    ),
    DemoUnit("4123", "Daglig verksamhet", "Enhet", "4120", _p("Louise", "Andersson", "Enhetschef")),
    DemoUnit("4124", "Personlig assistans", "Enhet", "4120", _p("Tobias", "Larsson", "Enhetschef")),
    DemoUnit(
        "4130",
        "Individ- och familjeomsorg",
        "Avdelning",
        "4100",
        _p("Maria", "Sjöberg", "Verksamhetschef"),
    ),
    DemoUnit("4131", "Barn och unga", "Enhet", "4130", _p("Marie", "Svensson", "Enhetschef")),
    DemoUnit("4132", "Vuxenenheten", "Enhet", "4130", _p("Daniel", "Jakobsson", "Enhetschef")),
    DemoUnit("4133", "Försörjningsstöd", "Enhet", "4130", _p("Susanne", "Berg", "Enhetschef")),
    # Samhällsbyggnad
    DemoUnit("5000", "Samhällsbyggnadsnämnden", "Nämnd", ROOT_CODE),
    DemoUnit(
        "5100",
        "Samhällsbyggnadsförvaltningen",
        "Förvaltning",
        "5000",
        _p("Anders", "Sandberg", "Förvaltningschef"),
    ),
    DemoUnit(
        "5110",
        "Plan- och byggavdelningen",
        "Avdelning",
        "5100",
        _p("Erik", "Dahl", "Avdelningschef"),
    ),
    DemoUnit("5111", "Bygglov", "Enhet", "5110", _p("Patrik", "Holmström", "Bygglovschef")),
    DemoUnit("5112", "Planenheten", "Enhet", "5110", _p("Karolina", "Engberg", "Planchef")),
    DemoUnit(
        "5113",
        "Miljö- och hälsoskydd",
        "Enhet",
        "5110",
        _p("Stefan", "Nordström", "Miljöchef"),
    ),
    DemoUnit(
        "5120",
        "Tekniska avdelningen",
        "Avdelning",
        "5100",
        _p("Kristina", "Lundgren", "Teknisk chef"),
    ),
    DemoUnit("5121", "Gata och trafik", "Enhet", "5120", _p("Robert", "Lindström", "Gatuchef")),
    DemoUnit("5122", "Park och natur", "Enhet", "5120", _p("Åsa", "Blom", "Parkchef")),
    DemoUnit("5123", "Vatten och avlopp", "Enhet", "5120", _p("Mats", "Hedberg", "VA-chef")),
    DemoUnit("5124", "Kart och mät", "Enhet", "5120", _p("Hanna", "Viklund", "Kart- och mätchef")),
    # Helägt bolag
    DemoUnit("8000", "Sjöbackahem AB", "Bolag", ROOT_CODE, _p("Magnus", "Eriksson", "VD")),
)

# --- The role users, in the order the login page lists them ---------------------
ROLE_USERS: tuple[RoleUser, ...] = (
    RoleUser(
        ADMIN,
        f"Systemadministratör, {MUNICIPALITY}",
        (DemoGrant(ROOT_CODE, Role.ADMIN),),
    ),
    RoleUser(
        MODEL_OWNER,
        "Modellägare (utvecklingsledare), Barn- och utbildningsförvaltningen",
        (DemoGrant("3100", Role.MODEL_OWNER),),
    ),
    RoleUser(
        DEPARTMENT_HEAD,
        "Förvaltningschef, Barn- och utbildningsförvaltningen",
        (DemoGrant("3100", Role.MANAGER),),
    ),
    RoleUser(
        DIVISION_HEAD,
        "Avdelningschef, Förskoleavdelningen",
        (DemoGrant("3110", Role.MANAGER),),
    ),
    RoleUser(
        UNIT_HEAD,
        "Enhetschef, Förskoleområde Norr",
        (DemoGrant("3111", Role.MANAGER),),
    ),
    RoleUser(
        REPORTER,
        "Rapportör (HR-specialist), Grundskoleavdelningen",
        (DemoGrant(REPORTER_UNIT, Role.REPORTER),),
    ),
    RoleUser(
        POLITICIAN,
        "Läsare (förtroendevald), Barn- och utbildningsnämnden",
        (DemoGrant("3000", Role.READER),),
    ),
    RoleUser(
        AUDITOR,
        f"Läsare (revisor), hela {MUNICIPALITY}",
        (DemoGrant(ROOT_CODE, Role.READER),),
    ),
)


def people() -> list[Person]:
    """Every demo user, role users first, each once."""
    seen: dict[str, Person] = {}
    for role_user in ROLE_USERS:
        seen.setdefault(role_user.person.login, role_user.person)
    for unit in UNITS:
        if unit.manager is not None:
            seen.setdefault(unit.manager.login, unit.manager)
    return list(seen.values())


def grants() -> list[tuple[Person, DemoGrant]]:
    """Every demo grant: the role users' and a Chef grant for each manager."""
    result = [(ru.person, g) for ru in ROLE_USERS for g in ru.grants]
    result += [(u.manager, DemoGrant(u.code, Role.MANAGER)) for u in UNITS if u.manager]
    return list(dict.fromkeys(result))


def login_hints() -> dict:
    """What the login page shows in demo mode (settings.LOGIN_HINTS): the
    demo users and their password."""
    return {"demo_logins": demo_logins(), "demo_password": DEMO_PASSWORD}


def demo_logins() -> list[dict[str, str]]:
    """The role users for the login page in demo mode: user name, name and
    role. Only users that exist in the database (the demo has been loaded)."""
    wanted = [ru.person.login for ru in ROLE_USERS]
    present = set(
        User.objects.filter(username__in=wanted, is_active=True).values_list("username", flat=True)
    )
    return [
        {
            "username": ru.person.login,
            "name": ru.person.full_name,
            "description": ru.description,
        }
        for ru in ROLE_USERS
        if ru.person.login in present
    ]
