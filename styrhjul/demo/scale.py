"""A large invented municipality for measuring performance (`styrhjul load-scale`).

`build(units=3000, items=50000)` writes "Storköping (skala)": a Kommun with a
Kommunstyrelse and nämnder, one förvaltning under each, avdelningar and
enheter, a styrmodell for the year made from the defaults, and items spread
over the units' plans the way a real municipality's are: a few dozen
inriktningsmål on the Kommun, nämndmål, verksamhetsmål all the way down
(about a tenth of all items are goals, so 5 000 at 50 000 items), nyckeltal
and aktiviteter linked up to the goals, särskilda uppdrag, kontrollpunkter
in the internkontrollplaner and some items shared down the tree.

One enhet, code `S-BENCH`, has a Verksamhetsplan with exactly `plan_items`
items (500 by default) for the plan page's budget; its goals all contribute
to one verksamhetsmål of its avdelning, which is the röda-tråden item the
benchmark opens (see `bench_item`).

This is a generator, not user input: units, plans, items, links and shares
are written with bulk_create, bypassing the per-object services, and so
**no history rows are written for the generated data** (the styrmodell is
made through `model_create_default` and has its history as usual). Every
row is one the services would accept: item kinds the plan type holds, goal
levels allowed for the unit's type, no link cycles (links only point from a
unit's items to goals of the same unit or of units above it, and goals only
to goals higher up the tree), links within one year, shares only to units
below the owner, into the receiving unit's plan of the same type.

Everything comes from one `random.Random(seed)`: the same arguments give
the same unit names and codes, titles and links (not the same primary keys).
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from styrhjul.core import dbstats
from styrhjul.core.concurrency import one_action
from styrhjul.demo.scale_history import HistoryResult, add_history
from styrhjul.followup.models import (
    FollowUpOccasion,
    OccasionKind,
    OccasionStatus,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import IndicatorValue
from styrhjul.kolada.models import KoladaKpi, KoladaMunicipality, KoladaSettings, KoladaValue
from styrhjul.model.models import GoalLevel, GovernanceModel, ItemKind, PlanType, ScaleValue
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation import services as organisation_services
from styrhjul.organisation.models import RoleGrant, Unit, UnitType, User
from styrhjul.planning.models import (
    Direction,
    IndicatorSource,
    IndicatorTarget,
    Item,
    ItemLink,
    ItemShare,
    Periodicity,
    Plan,
    ReportedBy,
)

ROOT_NAME = "Storköping (skala)"
CODE_PREFIX = "S-"
ROOT_CODE = "S-0001"
BENCH_CODE = "S-BENCH"
BENCH_UNIT_NAME = "Storskolan (mätenhet)"

DEFAULT_UNITS = 3000
DEFAULT_ITEMS = 50000
DEFAULT_PLAN_ITEMS = 500
DEFAULT_TASK_ITEMS = 200
DEFAULT_SHARE_UNITS = 300
DEFAULT_SEED = 2025
DEFAULT_YEAR = 2025
MIN_UNITS = 12
MIN_PLAN_ITEMS = 10

PLAN_TYPE = "Verksamhetsplan"
CONTROL_PLAN_TYPE = "Internkontrollplan"
LEVEL_BY_UNIT_TYPE = {
    "Kommun": "Inriktningsmål",
    "Kommunstyrelse": "Nämndmål",
    "Nämnd": "Nämndmål",
    "Förvaltning": "Verksamhetsmål",
    "Avdelning": "Verksamhetsmål",
    "Enhet": "Verksamhetsmål",
}

# The follow-up: one occasion for the year, steps per unit type
# (name, unit type or None for a milestone, start (month, day), deadline).
OCCASION_NAME = "Delårsrapport"
TASK_PLAN_TYPE = "Arbetsmiljömål"  # the measured task's plan (of the measured unit)
STEPS = [
    ("Enheterna rapporterar", "Enhet", (9, 1), (9, 12)),
    ("Avdelningarna rapporterar", "Avdelning", (9, 1), (9, 19)),
    ("Förvaltningarna rapporterar", "Förvaltning", (9, 1), (9, 26)),
    ("Nämnderna rapporterar", "Nämnd", (9, 1), (10, 3)),
    ("Kommunstyrelsen rapporterar", "Kommunstyrelse", (9, 1), (10, 3)),
    ("Kommunledningen sammanställer", "Kommun", (9, 1), (10, 10)),
    ("Kommunfullmäktige behandlar delårsrapporten", None, (10, 27), (10, 27)),
]
SHARED_TITLE = "Andel medarbetare som genomfört utbildning i informationssäkerhet"
DONE_SHARE = 0.35  # tasks marked done
DONE_REPORTED, OPEN_REPORTED = 0.9, 0.45  # items reported in done / other tasks (≈ 60 %)
SHARED_REPORTED = 0.85  # units that reported on the shared item
ANALYSES = [
    "Arbetet går enligt plan och resultaten pekar åt rätt håll.",
    "Utvecklingen är positiv men takten behöver öka under hösten.",
    "Resultatet påverkas av hög personalomsättning under våren.",
    "Insatserna har gett effekt; fortsatt fokus på uppföljning.",
]
COMMENTS = [
    "Försenat på grund av vakanser.",
    "Genomförs under hösten.",
    "Avvaktar beslut i nämnden.",
    "Följs upp vid nästa tillfälle.",
    "Klart enligt plan.",
]
CONTROL_RESULTS = [
    "Stickprov på 20 poster utan avvikelser.",
    "Två avvikelser; rutinen ses över.",
    "Kontrollen genomförd enligt plan.",
]

# The measured indicator page: a Kolada-linked indicator of the Kommun, under
# its first inriktningsmål, with Kolada values for KOLADA_YEARS years × T/K/M
# for the own municipality and KOLADA_COMPARISONS others, and targets per year.
# The ids are made up and never Kolada's: KPI ids start with N or U there,
# municipality codes 91xx are not used; only Riket (0000) is a real code.
KOLADA_KPI = "X00001"
KOLADA_TITLE = "Elever i åk 9 som är behöriga till yrkesprogram (mätnyckeltal)"
KOLADA_NUMBER = "NK1"
KOLADA_OWN = "9100"
KOLADA_COMPARISONS = 20
KOLADA_YEARS = 10
RIKET = "0000"


def kolada_comparison_ids() -> list[str]:
    """Riket first, then made-up municipalities 9101, 9102 …"""
    return [RIKET, *(f"{9100 + n}" for n in range(1, KOLADA_COMPARISONS))]


# Shares of all items that are goals, and of the rest.
GOAL_SHARE = 0.10
INDICATOR_SHARE = 0.20
ASSIGNMENT_SHARE = 0.02
CONTROL_SHARE = 0.04
# ... and of the measured plan (the rest are activities).
BENCH_GOALS, BENCH_INDICATORS, BENCH_ASSIGNMENTS = 0.08, 0.12, 0.02

# Weights for spreading items over the levels of the organisation.
WEIGHTS = {
    # kind: (kommun, nämnd, förvaltning, avdelning, enhet)
    "goal": (0, 0, 8, 2, 0.3),
    "indicator": (10, 2, 6, 2, 0.4),
    "activity": (0, 1, 4, 3, 1),
    "assignment": (0, 3, 2, 0, 0),
    "control": (0, 1, 3, 0, 0),
}

# --- Names ---------------------------------------------------------------------

# (nämnd, förvaltning, avdelningarnas områden)
BOARDS = [
    (
        "Kommunstyrelsen",
        "Kommunledningsförvaltningen",
        ["Ekonomi", "HR", "Kommunikation", "Digitalisering", "Upphandling", "Kansli"],
    ),
    (
        "Barn- och utbildningsnämnden",
        "Barn- och utbildningsförvaltningen",
        ["Förskola", "Grundskola", "Elevhälsa", "Fritidshem", "Anpassad grundskola"],
    ),
    (
        "Vård- och omsorgsnämnden",
        "Vård- och omsorgsförvaltningen",
        ["Hemtjänst", "Särskilt boende", "Hälso- och sjukvård", "Funktionsstöd"],
    ),
    (
        "Socialnämnden",
        "Socialförvaltningen",
        ["Individ och familj", "Barn och unga", "Försörjningsstöd", "Beroende"],
    ),
    (
        "Gymnasie- och vuxenutbildningsnämnden",
        "Gymnasie- och vuxenutbildningsförvaltningen",
        ["Gymnasieskola", "Vuxenutbildning", "Svenska för invandrare"],
    ),
    (
        "Kultur- och fritidsnämnden",
        "Kultur- och fritidsförvaltningen",
        ["Bibliotek", "Fritidsgård", "Idrott", "Kulturskola"],
    ),
    (
        "Samhällsbyggnadsnämnden",
        "Samhällsbyggnadsförvaltningen",
        ["Planering", "Gata och park", "Fastighet", "Exploatering"],
    ),
    (
        "Miljö- och byggnadsnämnden",
        "Miljö- och byggförvaltningen",
        ["Bygglov", "Miljötillsyn", "Livsmedelskontroll"],
    ),
    (
        "Tekniska nämnden",
        "Tekniska förvaltningen",
        ["Vatten och avlopp", "Avfall", "Kost", "Lokalvård"],
    ),
    (
        "Arbetsmarknadsnämnden",
        "Arbetsmarknadsförvaltningen",
        ["Arbetsmarknad", "Integration", "Daglig verksamhet"],
    ),
    ("Servicenämnden", "Serviceförvaltningen", ["Kontaktcenter", "Fordon", "Lokalförsörjning"]),
    ("Räddningsnämnden", "Räddningstjänsten", ["Förebyggande", "Operativ verksamhet"]),
    ("Överförmyndarnämnden", "Överförmyndarförvaltningen", ["Tillsyn", "Handläggning"]),
]
DISTRICTS = ["Centrum", "Norr", "Söder", "Öster", "Väster", "Hamnen", "Ekdal", "Skogsby"]
UNIT_PREFIX = {
    "Förskola": "Förskolan",
    "Grundskola": "Skolan",
    "Anpassad grundskola": "Skolan",
    "Fritidshem": "Fritidshemmet",
    "Hemtjänst": "Hemtjänstgrupp",
    "Särskilt boende": "Boendet",
    "Funktionsstöd": "Gruppbostaden",
    "Gymnasieskola": "Gymnasiet",
    "Bibliotek": "Biblioteket",
    "Fritidsgård": "Fritidsgården",
    "Kost": "Köket",
}
PLACES = [
    "Björken", "Eken", "Linden", "Tallen", "Granen", "Rönnen", "Aspen", "Almen", "Lönnen",
    "Hagen", "Ängen", "Backen", "Udden", "Viken", "Åsen", "Dalen", "Lärkan", "Svalan",
    "Tranan", "Måsen", "Vitsippan", "Blåsippan", "Näckrosen", "Ljungen", "Solgården",
    "Sjöudden", "Kastanjen", "Hasseln", "Enen", "Mården", "Uttern", "Räven", "Ugglan",
    "Kornet", "Vetet", "Havren", "Klövern", "Prästkragen", "Smultronet", "Lingonet",
]  # fmt: skip

COUNCIL_GOALS = [
    "Alla barn och unga ges goda förutsättningar att lyckas i skolan",
    "Invånarna upplever trygghet i hela kommunen",
    "Äldre lever ett självständigt liv med god livskvalitet",
    "Fler invånare är i arbete eller studier",
    "Kommunen är en attraktiv plats att bo och verka i",
    "Klimatpåverkan från kommunens verksamheter minskar",
    "Näringslivsklimatet förbättras",
    "Kommunen är en attraktiv arbetsgivare",
    "Kommunens ekonomi är långsiktigt i balans",
    "Invånarna har tillgång till ett rikt kultur- och fritidsliv",
    "Bostadsbyggandet motsvarar behovet",
    "Kommunens service är tillgänglig och effektiv",
    "Folkhälsan förbättras och skillnaderna minskar",
    "Den biologiska mångfalden bevaras",
    "Digitaliseringen ger invånarna bättre service",
    "Invånarna har högt förtroende för kommunen",
    "Barn och unga växer upp under trygga förhållanden",
    "Personer med funktionsnedsättning lever ett jämlikt liv",
    "Kommunens verksamheter är fossilfria",
    "Det är enkelt att resa hållbart",
    "Invånarna är delaktiga i kommunens utveckling",
    "Kommunen är väl förberedd för kriser",
    "Skillnaderna mellan kommundelarna minskar",
    "Unga vuxna etablerar sig på arbetsmarknaden",
    "Kommunens lokaler används effektivt",
    "Vattnet i sjöar och vattendrag har god kvalitet",
    "Kompetensförsörjningen är säkrad",
    "Jämställdheten ökar i alla verksamheter",
    "Kommunen växer hållbart",
    "Företagen får snabb och rättssäker service",
]
GOALS = [
    "Andelen elever som når kunskapskraven ska öka",
    "Sjukfrånvaron ska minska",
    "Brukarnas nöjdhet ska öka",
    "Handläggningstiderna ska bli kortare",
    "Energianvändningen i lokalerna ska minska",
    "Andelen ekologiska livsmedel ska öka",
    "Fler barn och unga ska ha en meningsfull fritid",
    "Medarbetarnas engagemang ska öka",
    "Verksamheten ska bedrivas inom budget",
    "Tryggheten i offentliga miljöer ska öka",
    "Kontinuiteten i hemtjänsten ska öka",
    "Fler ska gå från försörjningsstöd till egen försörjning",
    "Andelen behöriga lärare ska öka",
    "Matsvinnet ska minska",
    "Fler ärenden ska kunna skötas digitalt",
    "Antalet fallskador ska minska",
    "Fler barn ska läsa på fritiden",
    "Vårdnadshavarna ska vara delaktiga i verksamheten",
    "Bygglov ska handläggas inom lagstadgad tid",
    "Livsmedelskontrollerna ska genomföras enligt plan",
    "Invånarna ska få svar inom två arbetsdagar",
    "Kompetensförsörjningen ska säkras",
    "Andelen heltidsanställda ska öka",
    "Tjänsteresorna ska vara fossilfria",
    "Fler unga ska fullfölja gymnasiet",
    "Elevernas trygghet i skolan ska öka",
    "Dricksvattnet ska hålla god kvalitet",
    "Fler ska delta i föreningslivet",
    "Insatserna ska följas upp systematiskt",
    "Det förebyggande arbetet ska stärkas",
    "Medarbetarna ska ha en god arbetsmiljö",
    "Chefernas förutsättningar ska förbättras",
    "Den fysiska aktiviteten bland barn ska öka",
    "Andelen återvunnet avfall ska öka",
    "Väntetiden till insatser ska minska",
    "Samverkan med civilsamhället ska öka",
]
GOAL_QUALIFIERS = [
    "",
    "",
    "",
    " i förskolan",
    " i grundskolan",
    " inom hemtjänsten",
    " på boendena",
    " för unga vuxna",
    " i ytterområdena",
    " bland nyanställda",
    " under året",
    " jämfört med föregående år",
]
INDICATORS = [
    ("Andel elever i åk 9 som är behöriga till gymnasiet", "%", Direction.HIGHER),
    ("Sjukfrånvaro bland medarbetarna", "%", Direction.LOWER),
    ("Nöjd medborgar-index", "index", Direction.HIGHER),
    ("Brukarbedömning hemtjänst, helhetsomdöme", "%", Direction.HIGHER),
    ("Antal personal som en hemtjänsttagare möter under 14 dagar", "antal", Direction.LOWER),
    ("Nettokostnad per invånare", "kr", Direction.LOWER),
    ("Andel ekologiska livsmedel", "%", Direction.HIGHER),
    ("Energianvändning per kvadratmeter", "kWh/m²", Direction.LOWER),
    ("Handläggningstid för bygglov", "dagar", Direction.LOWER),
    ("Andel heltidsanställda", "%", Direction.HIGHER),
    ("Hållbart medarbetarengagemang (HME)", "index", Direction.HIGHER),
    ("Andel e-post som besvaras inom en arbetsdag", "%", Direction.HIGHER),
    ("Antal besök på biblioteken", "antal", Direction.HIGHER),
    ("Andel elever som känner sig trygga i skolan", "%", Direction.HIGHER),
    ("Antal fallskador", "antal", Direction.LOWER),
    ("Andel gymnasieelever med examen inom fyra år", "%", Direction.HIGHER),
    ("Budgetavvikelse", "%", Direction.NONE),
    ("Matsvinn per portion", "g", Direction.LOWER),
    ("Andel legitimerade lärare", "%", Direction.HIGHER),
    ("Väntetid till särskilt boende", "dagar", Direction.LOWER),
    ("Andel deltagare i arbete eller studier efter avslutad insats", "%", Direction.HIGHER),
    ("Antal genomförda livsmedelskontroller", "antal", Direction.HIGHER),
    ("Andel fossilfria fordon", "%", Direction.HIGHER),
    ("Personalomsättning", "%", Direction.LOWER),
    ("Antal aktiva i föreningslivet 7–20 år", "antal", Direction.HIGHER),
    ("Andel återvunnet hushållsavfall", "%", Direction.HIGHER),
]
ACTIONS = [
    "Genomföra",
    "Införa",
    "Kartlägga",
    "Ta fram",
    "Utveckla",
    "Utvärdera",
    "Se över",
    "Starta",
    "Följa upp",
    "Planera",
]
ACTIVITY_OBJECTS = [
    "kompetensutveckling för personalen",
    "rutiner för avvikelsehantering",
    "digitala tillsynsbesök",
    "läsfrämjande insatser",
    "en handlingsplan mot sjukfrånvaro",
    "samverkan med föreningslivet",
    "trygghetsvandringar",
    "energieffektiviseringar i lokalerna",
    "medarbetarsamtal med fokus på arbetsmiljö",
    "en ny bemanningsmodell",
    "brukarenkäten",
    "föräldramöten om verksamhetens mål",
    "utbildning i lågaffektivt bemötande",
    "nya e-tjänster",
    "insatser mot matsvinn",
    "en plan för kompetensförsörjning",
    "introduktion för nyanställda",
    "samordnad individuell plan",
    "lokalbehoven",
    "rutiner för dokumentation",
    "friskvårdsaktiviteter",
    "schemaläggningen",
    "tillsyn enligt plan",
    "riskbedömningar inför förändringar",
    "det systematiska kvalitetsarbetet",
    "dialogmöten med invånarna",
    "en modell för tidiga insatser",
    "verksamhetens webbsidor",
    "värdegrundsarbetet",
    "hälsofrämjande arbetsplatsträffar",
]
RESPONSIBLE = ["Enhetschef", "Rektor", "Verksamhetschef", "Controller", "HR-specialist"]
ASSIGNMENTS = [
    "Utreda förutsättningarna för ett nytt äldreboende",
    "Ta fram en plan för fossilfria transporter",
    "Utreda samordning av kostverksamheten",
    "Se över lokalförsörjningen",
    "Ta fram en strategi för kompetensförsörjning",
    "Utreda heltid som norm",
    "Redovisa åtgärder mot segregation",
    "Utreda en gemensam kundtjänst",
    "Ta fram en handlingsplan för biologisk mångfald",
    "Utvärdera valfrihetssystemet i hemtjänsten",
    "Utreda införandet av e-arkiv",
    "Föreslå åtgärder för ökad trygghet i centrum",
]
GIVEN_BY = ["Kommunfullmäktige", "Kommunstyrelsen", "Nämnden"]
CONTROLS = [
    ("Inköp", "Avtalstrohet", "Inköp görs utanför upphandlade avtal"),
    ("Ekonomi", "Attest av fakturor", "Fakturor attesteras av någon utan behörighet"),
    ("Personal", "Löneutbetalning", "Felaktiga löneutbetalningar"),
    ("Informationssäkerhet", "Behörigheter i verksamhetssystem", "Obehöriga når personuppgifter"),
    ("Myndighetsutövning", "Delegation", "Beslut fattas utan delegation"),
    ("Arbetsmiljö", "Systematiskt arbetsmiljöarbete", "Riskbedömningar görs inte"),
    ("Dokumenthantering", "Diarieföring", "Allmänna handlingar diarieförs inte"),
    ("Kontanthantering", "Handkassor", "Kontanter försvinner"),
    ("Representation", "Representation och gåvor", "Otillåten representation"),
    ("Avtal", "Avtalsuppföljning", "Avtal följs inte upp"),
    ("Bisysslor", "Redovisning av bisysslor", "Förtroendeskadliga bisysslor förekommer"),
    ("Lex Sarah", "Rapportering av missförhållanden", "Missförhållanden rapporteras inte"),
]
CONTROL_METHODS = ["Stickprov", "Registerkontroll", "Genomgång av rutin", "Intervjuer"]
FREQUENCIES = ["En gång per år", "Varje tertial", "Varje kvartal", "Varje månad"]

KIND_NUMBER_PREFIX = {
    ItemKind.GOAL: "M",
    ItemKind.INDICATOR: "N",
    ItemKind.ACTIVITY: "A",
    ItemKind.ASSIGNMENT: "U",
    ItemKind.CONTROL_POINT: "K",
}


class ScaleError(Exception):
    """The arguments or the database do not allow building the data set."""


@dataclass
class ScaleResult:
    created: bool  # False: the data set was already there
    root: Unit
    seconds: float = 0.0
    units: int = 0
    items: int = 0
    goals: int = 0
    links: int = 0
    shares: int = 0
    plans: int = 0
    bench_plan_items: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    followup: FollowupResult | None = None
    kolada: KoladaResult | None = None
    history: HistoryResult | None = None

    @property
    def message(self) -> str:
        if not self.created:
            if self.history is not None:
                return f"{ROOT_NAME} fanns redan; {self.history.message}"
            return f"{ROOT_NAME} finns redan i databasen; inget ändrat (--replace bygger om den)."
        text = (
            f"{ROOT_NAME} byggd på {self.seconds:.1f} s: {self.units} enheter, "
            f"{self.plans} planer, {self.items} poster varav {self.goals} mål, "
            f"{self.links} kopplingar, {self.shares} delningar; "
            f"mätplanen ({BENCH_CODE}) har {self.bench_plan_items} poster."
        )
        if self.kolada is not None:
            text += (
                f" Kolada-nyckeltalet {KOLADA_KPI} har {self.kolada.values} värden och "
                f"{self.kolada.targets} målvärden per år."
            )
        if self.followup is not None:
            text += f" Därtill {self.followup.message}"
        if self.history is not None:
            text += f" Därtill {self.history.message}"
        return text


# --- Looking the data set up -----------------------------------------------------


def scale_root() -> Unit | None:
    return Unit.objects.filter(code=ROOT_CODE, name=ROOT_NAME, parent__isnull=True).first()


def bench_unit() -> Unit | None:
    return Unit.objects.filter(code=BENCH_CODE).select_related("unit_type").first()


def bench_plan(year: int = DEFAULT_YEAR) -> Plan | None:
    """The measured unit's Verksamhetsplan for the year."""
    return (
        Plan.objects.filter(
            unit__code=BENCH_CODE, plan_type__name=PLAN_TYPE, plan_type__model__year=year
        )
        .select_related("unit", "plan_type")
        .first()
    )


def bench_item(year: int = DEFAULT_YEAR) -> Item | None:
    """The röda-tråden item: the goal outside the measured plan that most of
    the measured plan's items link to (a verksamhetsmål of the avdelning,
    with förvaltning, nämnd and Kommun above it and the whole plan below)."""
    plan = bench_plan(year)
    if plan is None:
        return None
    counts = Counter(
        ItemLink.objects.filter(item__plan=plan)
        .exclude(target__plan=plan)
        .values_list("target_id", flat=True)
    )
    if not counts:
        return None
    target_id = min(counts, key=lambda pk: (-counts[pk], pk))
    return Item.objects.get(pk=target_id)


def manager_unit(units: int = 300) -> Unit | None:
    """The förvaltning of the data set whose part of the tree is nearest
    `units` units: where `styrhjul bench` puts its förvaltningschef."""
    root = scale_root()
    if root is None:
        return None
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.filter(code__startswith=CODE_PREFIX).values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(pk)

    def size(pk: int) -> int:
        count, stack = 0, [pk]
        while stack:
            node = stack.pop()
            count += 1
            stack.extend(children.get(node, ()))
        return count

    forvs = Unit.objects.filter(code__startswith=CODE_PREFIX, unit_type__name="Förvaltning")
    sizes = {u: size(u.pk) for u in forvs.select_related("unit_type")}
    if not sizes:
        return None
    return min(sizes, key=lambda u: (abs(sizes[u] - units), u.pk))


def subtree_size(unit: Unit) -> int:
    return Unit.objects.descendants(unit, include_self=True).count()


# --- Measuring users -----------------------------------------------------------------


def measuring_user(
    username: str,
    *,
    first_name: str,
    last_name: str,
    title: str,
    domain: str,
    unit: Unit | None = None,
    role: str | None = None,
    includes_subtree: bool = True,
) -> User:
    """A user that a measuring command (styrhjul bench, economy-bench,
    load-test) works as: made the first time, with an address at `domain`,
    and given `role` on `unit` (with the units below it when
    includes_subtree) unless they hold that role there already."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = organisation_services.user_create(
            actor=access.SYSTEM,
            username=username,
            email=f"{username}@{domain}",
            first_name=first_name,
            last_name=last_name,
            title=title,
        )
    if (
        unit is not None
        and role is not None
        and not RoleGrant.objects.filter(user=user, unit=unit, role=role).exists()
    ):
        organisation_services.grant_role(
            actor=access.SYSTEM,
            user=user,
            unit=unit,
            role=role,
            includes_subtree=includes_subtree,
        )
    return user


# --- Deleting ----------------------------------------------------------------------


def _purge(queryset, done: set | None = None) -> None:
    """Delete the rows of `queryset` and, first, everything that refers to
    them, in a few set-based statements without loading objects and without
    history rows (QuerySet.delete() would load every object and write a
    history row for each). Relations are followed from the models' metadata,
    so tables added later are handled too: CASCADE and PROTECT rows are
    deleted, SET_NULL columns emptied."""
    from django.db import models

    model = queryset.model
    subquery = queryset.values("pk")
    # Also the relations without a reverse accessor (related_name="+"), which
    # _meta.related_objects leaves out (e.g. the economy's sums per row).
    reverse = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and f.is_relation
    ]
    for rel in reverse:
        if rel.many_to_many or rel.related_model is model:
            # Through models are reached by their own foreign keys; a
            # self-reference (Unit.parent) lies within the set being deleted.
            continue
        related = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": subquery})
        if rel.on_delete is models.SET_NULL:
            related.update(**{rel.field.name: None})
        elif rel.on_delete in (models.CASCADE, models.PROTECT, models.RESTRICT):
            _purge(related)
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        if through._meta.auto_created:
            through._base_manager.filter(**{f"{m2m.m2m_field_name()}__in": subquery})._raw_delete(
                through._base_manager.db
            )
    queryset._raw_delete(queryset.db)


def delete_scale(root: Unit) -> None:
    """Remove the scale tree and everything in it (its models, plans, items,
    links, shares, grants). History rows of what was made through services
    are left, as history always is."""
    ids = list(Unit.objects.descendants(root, include_self=True).values_list("pk", flat=True))
    _purge(GovernanceModel.objects.filter(organisation=root))
    # The made-up Kolada data (the settings go with the root unit).
    KoladaValue.objects.filter(kpi_id=KOLADA_KPI)._raw_delete(KoladaValue.objects.db)
    KoladaKpi.objects.filter(pk=KOLADA_KPI).delete()
    KoladaMunicipality.objects.filter(
        pk__in=[KOLADA_OWN, *kolada_comparison_ids()], title__endswith="(skala)"
    ).delete()
    for start in range(0, len(ids), 2000):
        _purge(Unit._base_manager.filter(pk__in=ids[start : start + 2000]))


# --- Building ------------------------------------------------------------------------


@dataclass(eq=False)
class _Unit:
    name: str
    code: str
    type_name: str
    level: int  # 0 kommun, 1 nämnd, 2 förvaltning, 3 avdelning, 4 enhet
    parent: _Unit | None
    children: list[_Unit] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    area: str = ""
    obj: Unit | None = None
    plan: Plan | None = None
    control_plan: Plan | None = None
    goals: list[int] = field(default_factory=list)  # indexes into items
    bench: bool = False


class _Builder:
    def __init__(self, *, units: int, items: int, plan_items: int, seed: int, year: int, log):
        if units < MIN_UNITS:
            raise ScaleError(f"--units måste vara minst {MIN_UNITS}.")
        if plan_items < MIN_PLAN_ITEMS:
            raise ScaleError(f"--plan-items måste vara minst {MIN_PLAN_ITEMS}.")
        self.n_units, self.n_items, self.n_plan = units, items, plan_items
        self.year = year
        self.rng = random.Random(seed)
        self.log = log
        self.phases: dict[str, float] = {}
        self.items: list[Item] = []
        self.item_unit: list[_Unit] = []
        self.links: list[tuple[int, int]] = []
        self.link_set: set[tuple[int, int]] = set()
        self.shares: list[tuple[int, _Unit]] = []
        self.order: Counter = Counter()  # per plan pk
        self.numbers: Counter = Counter()  # per (plan pk, kind)
        self.name_uses: Counter = Counter()

    # -- timing

    def _phase(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.phases[name] = now - started
        self.log(f"  {name}: {now - started:.2f} s")
        return now

    # -- the organisation

    def plan_units(self) -> list[list[_Unit]]:
        rng, n = self.rng, self.n_units
        n_boards = max(2, min(len(BOARDS), round(n / 250)))
        rest = n - 1 - 2 * n_boards
        n_avd = max(n_boards, round(rest / 10))
        n_enh = rest - n_avd
        if n_enh < 1:
            raise ScaleError(f"--units måste vara minst {MIN_UNITS}.")

        root = _Unit(ROOT_NAME, "", "Kommun", 0, None)
        boards, forvs = [], []
        for index, (board_name, forv_name, areas) in enumerate(BOARDS[:n_boards]):
            board_type = "Kommunstyrelse" if index == 0 else "Nämnd"
            board = _Unit(board_name, "", board_type, 1, root)
            forv = _Unit(forv_name, "", "Förvaltning", 2, board, areas=areas)
            root.children.append(board)
            board.children.append(forv)
            boards.append(board)
            forvs.append(forv)

        forv_weights = [rng.uniform(0.5, 2.0) for _ in forvs]
        avd_counts = Counter(range(n_boards))
        avd_counts.update(rng.choices(range(n_boards), weights=forv_weights, k=n_avd - n_boards))
        avds = []
        for index, forv in enumerate(forvs):
            for k in range(avd_counts[index]):
                area = forv.areas[k % len(forv.areas)]
                district = DISTRICTS[(k // len(forv.areas)) % len(DISTRICTS)]
                lap = k // (len(forv.areas) * len(DISTRICTS))
                name = f"{area} {district}" + (f" {lap + 1}" if lap else "")
                avd = _Unit(name, "", "Avdelning", 3, forv, area=area)
                forv.children.append(avd)
                avds.append(avd)

        avd_weights = [rng.uniform(0.3, 2.0) for _ in avds]
        enh_counts = Counter(range(min(n_avd, n_enh)))
        enh_counts.update(
            rng.choices(range(n_avd), weights=avd_weights, k=n_enh - min(n_avd, n_enh))
        )
        bench_avd = avds[avd_counts[0]] if n_boards > 1 else avds[0]
        enheter = []
        for index, avd in enumerate(avds):
            count = enh_counts[index] + (1 if avd is bench_avd and not enh_counts[index] else 0)
            for k in range(count):
                if avd is bench_avd and k == 0:
                    enh = _Unit(BENCH_UNIT_NAME, BENCH_CODE, "Enhet", 4, avd, bench=True)
                else:
                    enh = _Unit(self._unit_name(avd.area), "", "Enhet", 4, avd)
                avd.children.append(enh)
                enheter.append(enh)
        levels = [[root], boards, forvs, avds, enheter]
        # Codes in level order: S-0001 for the Kommun, then nämnder, …
        width = max(4, len(str(n)))
        number = 0
        for level in levels:
            for unit in level:
                if not unit.code:
                    number += 1
                    unit.code = f"{CODE_PREFIX}{number:0{width}d}"
        self.bench_avd = bench_avd
        return levels

    def _unit_name(self, area: str) -> str:
        prefix = UNIT_PREFIX.get(area)
        place = self.rng.choice(PLACES)
        name = f"{prefix} {place}" if prefix else f"{area}, team {place}"
        self.name_uses[name] += 1
        uses = self.name_uses[name]
        return name if uses == 1 else f"{name} {uses}"

    def create_units(self, levels: list[list[_Unit]]) -> None:
        types = {t.name: t for t in UnitType.objects.all()}
        missing = {u.type_name for level in levels for u in level} - set(types)
        if missing:
            raise ScaleError(
                "Enhetstyperna saknas (de läggs in av styrhjul migrate): "
                + ", ".join(sorted(missing))
            )
        valid_from = datetime.date(min(2020, self.year), 1, 1)
        for level in levels:
            objs = [
                Unit(
                    name=u.name,
                    code=u.code,
                    unit_type=types[u.type_name],
                    parent=u.parent.obj if u.parent else None,
                    valid_from=valid_from,
                )
                for u in level
            ]
            Unit.objects.bulk_create(objs, batch_size=1000)
            for u, obj in zip(level, objs, strict=True):
                u.obj = obj

    # -- plans

    def create_plans(self, levels, plan_types) -> int:
        plans = []
        for level in levels:
            for u in level:
                u.plan = Plan(unit=u.obj, plan_type=plan_types[PLAN_TYPE])
                plans.append(u.plan)
                if u.level in (1, 2):
                    u.control_plan = Plan(unit=u.obj, plan_type=plan_types[CONTROL_PLAN_TYPE])
                    plans.append(u.control_plan)
        Plan.objects.bulk_create(plans, batch_size=1000)
        return len(plans)

    # -- items

    def counts(self, levels) -> dict[str, Counter]:
        """How many items of each kind each unit gets."""
        rng, m, p = self.rng, self.n_items, self.n_plan
        bench_goals = max(1, round(p * BENCH_GOALS))
        bench_ind = round(p * BENCH_INDICATORS)
        bench_assign = round(p * BENCH_ASSIGNMENTS)
        bench_act = p - bench_goals - bench_ind - bench_assign
        rest = m - p
        boards, forvs = levels[1], levels[2]
        n_im = max(3, min(40, round(m / 2000)))
        goals = max(round(m * GOAL_SHARE) - bench_goals, n_im + len(boards) + len(forvs) + 1)
        n_nm = max(len(boards), round(goals * 0.06))
        n_vm = goals - n_im - n_nm
        others = rest - goals
        if others < len(forvs):
            raise ScaleError(
                f"För få poster: --items {m} räcker inte till mätplanens {p} poster och "
                f"minst {goals + len(forvs)} poster i resten av kommunen."
            )
        n_ind = round(others * INDICATOR_SHARE)
        n_assign = round(others * ASSIGNMENT_SHARE)
        n_ctrl = round(others * CONTROL_SHARE)
        n_act = others - n_ind - n_assign - n_ctrl

        units = [u for level in levels for u in level if not u.bench]
        bench = next(u for u in levels[4] if u.bench)
        result = {}

        def spread(kind, total, minimum=()):
            counter = Counter(minimum)
            weights = [WEIGHTS[kind][u.level] for u in units]
            remaining = total - sum(counter.values())
            counter.update(rng.choices(units, weights=weights, k=remaining))
            result[kind] = counter

        # Verksamhetsmål: at least one per förvaltning and one for the measured
        # unit's avdelning; inriktningsmål on the Kommun, nämndmål on every nämnd.
        spread("goal", n_vm, minimum=[*forvs, self.bench_avd])
        result["goal"][levels[0][0]] += n_im
        result["goal"].update(boards)
        result["goal"].update(rng.choices(boards, k=n_nm - len(boards)))
        spread("indicator", n_ind)
        spread("activity", n_act)
        spread("assignment", n_assign)
        spread("control", n_ctrl)
        for kind, count in (
            ("goal", bench_goals),
            ("indicator", bench_ind),
            ("activity", bench_act),
            ("assignment", bench_assign),
        ):
            result[kind][bench] = count
        return result

    def _add(self, unit: _Unit, plan: Plan, kind: str, targets=(), **fields) -> int:
        self.order[plan.pk] += 1
        self.numbers[plan.pk, kind] += 1
        item = Item(
            plan=plan,
            kind=kind,
            number=f"{KIND_NUMBER_PREFIX[kind]}{self.numbers[plan.pk, kind]}",
            order=self.order[plan.pk] * 10,
            **fields,
        )
        index = len(self.items)
        self.items.append(item)
        self.item_unit.append(unit)
        for target in targets:
            if (index, target) not in self.link_set:
                self.link_set.add((index, target))
                self.links.append((index, target))
        return index

    def _nearest_goals(self, unit: _Unit | None) -> tuple[_Unit | None, list[int]]:
        while unit is not None and not unit.goals:
            unit = unit.parent
        return unit, (unit.goals if unit else [])

    def _pick(self, candidates: list[int], k: int = 1) -> list[int]:
        return self.rng.sample(candidates, min(k, len(candidates))) if candidates else []

    def make_goals(self, levels, counts, levels_by_name, perspectives) -> None:
        rng = self.rng
        for level in levels:
            for unit in level:
                count = counts["goal"][unit]
                level_obj = levels_by_name[LEVEL_BY_UNIT_TYPE[unit.type_name]]
                if unit.level == 0:
                    titles = rng.sample(COUNCIL_GOALS, min(count, len(COUNCIL_GOALS)))
                    titles += [
                        f"{COUNCIL_GOALS[i % len(COUNCIL_GOALS)]} ({i // len(COUNCIL_GOALS) + 1})"
                        for i in range(len(titles), count)
                    ]
                for k in range(count):
                    if unit.level == 0:
                        title, targets = titles[k], []
                    else:
                        title = rng.choice(GOALS) + rng.choice(GOAL_QUALIFIERS)
                        targets = self._goal_targets(unit, k)
                    index = self._add(
                        unit,
                        unit.plan,
                        ItemKind.GOAL,
                        targets,
                        title=title,
                        description="",
                        level=level_obj,
                        perspective=rng.choice(perspectives),
                    )
                    unit.goals.append(index)

    def _goal_targets(self, unit: _Unit, k: int) -> list[int]:
        rng, parent = self.rng, unit.parent
        if unit.bench:
            # The whole measured plan contributes to the avdelning's first goal.
            first = parent.goals[0]
            extra = self._pick(parent.goals[1:]) if rng.random() < 0.2 else []
            return [first, *extra]
        if unit.level == 1:  # nämndmål → inriktningsmål
            return self._pick(parent.goals, 2 if rng.random() < 0.3 else 1)
        if unit.level == 2:  # förvaltning → nämndmål
            return self._pick(parent.goals, 2 if rng.random() < 0.3 else 1)
        if unit.level == 3:  # avdelning → förvaltning (and now and then the nämnd)
            if unit is self.bench_avd and k == 0:
                return parent.goals[:1]  # a long chain up from the röda-tråden item
            targets = self._pick(parent.goals)
            if rng.random() < 0.15:
                targets += self._pick(parent.parent.goals)
            return targets
        return self._pick(self._nearest_goals(parent)[1])

    def _contribution(self, unit: _Unit, second: float) -> list[int]:
        owner, goals = self._nearest_goals(unit)
        targets = self._pick(goals)
        if owner is not None and self.rng.random() < second:
            targets += self._pick(self._nearest_goals(owner.parent)[1])
        return targets

    def make_others(self, levels, counts) -> None:
        rng, year = self.rng, self.year
        for level in levels:
            for unit in level:
                for _ in range(counts["indicator"][unit]):
                    title, measure_unit, direction = rng.choice(INDICATORS)
                    kolada = rng.random() < 0.3
                    baseline = Decimal(rng.randint(100, 9000)) / 100
                    each_unit = unit.level == 2 and rng.random() < 0.3
                    index = self._add(
                        unit,
                        unit.plan,
                        ItemKind.INDICATOR,
                        self._contribution(unit, 0.0),
                        title=title,
                        measure_unit=measure_unit,
                        direction=direction,
                        source=IndicatorSource.KOLADA if kolada else IndicatorSource.MANUAL,
                        kolada_kpi=f"N{rng.randint(10000, 99999)}" if kolada else "",
                        reported_by=ReportedBy.EACH_UNIT if each_unit else ReportedBy.CENTRAL,
                        periodicity=rng.choice([Periodicity.YEAR, Periodicity.TERTIAL]),
                        baseline_year=year - 1,
                        baseline_value=baseline,
                        target_year=year,
                        target_value=baseline + Decimal(rng.randint(1, 500)) / 100,
                    )
                    if each_unit:
                        self.shares += [(index, child) for child in unit.children]
                for _ in range(counts["activity"][unit]):
                    start = rng.randint(1, 10)
                    end = rng.randint(start, 12)
                    index = self._add(
                        unit,
                        unit.plan,
                        ItemKind.ACTIVITY,
                        self._contribution(unit, 0.25),
                        title=f"{rng.choice(ACTIONS)} {rng.choice(ACTIVITY_OBJECTS)}",
                        responsible_text=rng.choice(RESPONSIBLE),
                        start_date=datetime.date(year, start, 1),
                        end_date=datetime.date(year, end, 28),
                    )
                    if unit.level == 3 and rng.random() < 0.05:
                        self.shares += [(index, c) for c in unit.children if not c.bench]
                for _ in range(counts["assignment"][unit]):
                    targets = self._contribution(unit, 0.0) if rng.random() < 0.6 else []
                    self._add(
                        unit,
                        unit.plan,
                        ItemKind.ASSIGNMENT,
                        targets,
                        title=rng.choice(ASSIGNMENTS),
                        given_by=rng.choice(GIVEN_BY),
                        end_date=datetime.date(year, 12, 31),
                    )
                for _ in range(counts["control"][unit]):
                    area, process, risk = rng.choice(CONTROLS)
                    self._add(
                        unit,
                        unit.control_plan,
                        ItemKind.CONTROL_POINT,
                        title=f"{area}: {process.lower()}",
                        area=area,
                        process=process,
                        risk=risk,
                        probability=rng.randint(1, 4),
                        consequence=rng.randint(1, 4),
                        control_step=f"Kontrollera {process.lower()}",
                        control_method=rng.choice(CONTROL_METHODS),
                        frequency=rng.choice(FREQUENCIES),
                    )

    def run(self) -> ScaleResult:
        started = t = time.perf_counter()
        levels = self.plan_units()
        self.create_units(levels)
        _analyze((Unit,), self.log)
        t = self._phase("enheter", t)

        root = levels[0][0].obj
        model = model_create_default(actor=access.SYSTEM, organisation=root, year=self.year)
        plan_types = {pt.name: pt for pt in PlanType.objects.filter(model=model)}
        levels_by_name = {lv.name: lv for lv in GoalLevel.objects.filter(model=model)}
        perspectives = list(model.perspectives.order_by("order", "pk"))
        for name in (PLAN_TYPE, CONTROL_PLAN_TYPE):
            if name not in plan_types:
                raise ScaleError(f"Styrmodellens standard saknar plantypen {name}.")
        n_plans = self.create_plans(levels, plan_types)
        t = self._phase("styrmodell och planer", t)

        counts = self.counts(levels)
        self.make_goals(levels, counts, levels_by_name, perspectives)
        self.make_others(levels, counts)
        t = self._phase("poster genererade", t)
        Item.objects.bulk_create(self.items, batch_size=1000)
        t = self._phase("poster skrivna", t)
        ItemLink.objects.bulk_create(
            [ItemLink(item=self.items[a], target=self.items[b]) for a, b in self.links],
            batch_size=2000,
        )
        t = self._phase("kopplingar", t)
        ItemShare.objects.bulk_create(
            [
                ItemShare(item=self.items[index], unit=unit.obj, plan=unit.plan)
                for index, unit in self.shares
            ],
            batch_size=2000,
        )
        _analyze((Plan, Item, ItemLink, ItemShare), self.log)
        t = self._phase("delningar", t)
        bench = next(u for u in levels[4] if u.bench)
        return ScaleResult(
            created=True,
            root=root,
            seconds=time.perf_counter() - started,
            units=sum(len(level) for level in levels),
            items=len(self.items),
            goals=sum(len(u.goals) for level in levels for u in level),
            links=len(self.links),
            shares=len(self.shares),
            plans=n_plans,
            bench_plan_items=sum(1 for item in self.items if item.plan_id == bench.plan.pk),
            phases=self.phases,
        )


# --- The follow-up ---------------------------------------------------------------------


@dataclass
class FollowupResult:
    created: bool  # False: the year's occasion was already there
    occasion: FollowUpOccasion | None = None
    seconds: float = 0.0
    tasks: int = 0
    done: int = 0
    task_items: int = 0  # items to report over all tasks
    reports: int = 0
    values: int = 0
    bench_task_items: int = 0
    share_units: int = 0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def message(self) -> str:
        if not self.created:
            return f"{self.occasion} finns redan; uppföljningen är orörd."
        return (
            f"uppföljningen {self.occasion} byggd på {self.seconds:.1f} s: {self.tasks} uppgifter "
            f"({self.done} klarmarkerade) med {self.task_items} poster att rapportera, "
            f"{self.reports} rapporter, {self.values} utfall; mätuppgiften "
            f"({BENCH_CODE}, {TASK_PLAN_TYPE}) har {self.bench_task_items} poster, "
            f"den delade posten når {self.share_units} enheter."
        )


def occasion_name(year: int) -> str:
    return f"{OCCASION_NAME} {year}"


def scale_occasion(year: int = DEFAULT_YEAR) -> FollowUpOccasion | None:
    root = scale_root()
    if root is None:
        return None
    return FollowUpOccasion.objects.filter(
        model__organisation=root, model__year=year, name=occasion_name(year)
    ).first()


def followup_task(year: int = DEFAULT_YEAR) -> ReportingTask | None:
    """The measured reporting task: the measured unit's Arbetsmiljömål."""
    return (
        ReportingTask.objects.filter(
            occasion=scale_occasion(year),
            unit__code=BENCH_CODE,
            plan_type__name=TASK_PLAN_TYPE,
            reporter__isnull=True,
        )
        .select_related("unit", "plan_type")
        .first()
    )


def shared_item(year: int = DEFAULT_YEAR) -> Item | None:
    """The item shared to the most units (the underlag page's item)."""
    row = (
        ItemShare.objects.filter(
            item__plan__plan_type__model__organisation=scale_root(),
            item__plan__plan_type__model__year=year,
        )
        .values("item_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "item_id")
        .first()
    )
    return Item.objects.select_related("plan").get(pk=row["item_id"]) if row else None


def underlag_task(year: int = DEFAULT_YEAR) -> tuple[ReportingTask | None, Item | None]:
    """The task of the unit that shares `shared_item`, and that item."""
    item = shared_item(year)
    if item is None:
        return None, None
    task = ReportingTask.objects.filter(
        occasion=scale_occasion(year),
        unit_id=item.plan.unit_id,
        plan_type_id=item.plan.plan_type_id,
        reporter__isnull=True,
    ).first()
    return task, item


def items_to_report_bulk(
    plan_type_ids, unit_ids
) -> dict[tuple[int, int], list[tuple[int, str, int | None]]]:
    """services.items_to_report for many (unit, plan type) at once: (unit,
    plan type) → [(item id, kind, level id)] in plan order. The active items
    of the unit's plan of the type and the items shared into it (active
    share, item not archived)."""
    found: dict[tuple[int, int], dict[int, tuple]] = defaultdict(dict)
    for pk, kind, level_id, order, number, unit_id, pt_id in (
        Item.objects.active()
        .filter(plan__unit_id__in=unit_ids, plan__plan_type_id__in=plan_type_ids)
        .values_list(
            "pk", "kind", "level_id", "order", "number", "plan__unit_id", "plan__plan_type_id"
        )
    ):
        found[(unit_id, pt_id)][pk] = (order, number, pk, kind, level_id)
    for pk, kind, level_id, order, number, unit_id, pt_id in ItemShare.objects.filter(
        unit_id__in=unit_ids,
        plan__plan_type_id__in=plan_type_ids,
        ended_at__isnull=True,
        item__archived_at__isnull=True,
    ).values_list(
        "item_id",
        "item__kind",
        "item__level_id",
        "item__order",
        "item__number",
        "unit_id",
        "plan__plan_type_id",
    ):
        found[(unit_id, pt_id)][pk] = (order, number, pk, kind, level_id)
    return {
        key: [(pk, kind, level_id) for _o, _n, pk, kind, level_id in sorted(rows.values())]
        for key, rows in found.items()
    }


class _FollowUp:
    """Adds the year's follow-up to an existing scale data set. Reads the
    data set in a fixed order (codes, numbers), so a data set that gets the
    follow-up added later ends up exactly like one built with it."""

    def __init__(self, root: Unit, *, year: int, seed: int, task_items: int, share_units: int, log):
        if task_items < MIN_PLAN_ITEMS:
            raise ScaleError(f"--task-items måste vara minst {MIN_PLAN_ITEMS}.")
        if share_units < 1:
            raise ScaleError("--share-units måste vara minst 1.")
        self.root, self.year = root, year
        self.rng = random.Random(f"{seed}:uppföljning")
        self.n_task_items, self.n_share = task_items, share_units
        self.log = log
        self.phases: dict[str, float] = {}
        self.model = GovernanceModel.objects.filter(organisation=root, year=year).first()
        if self.model is None:
            raise ScaleError(f"Skaldatamängden saknar styrmodell för {year}.")
        self.plan_types = {pt.name: pt for pt in PlanType.objects.filter(model=self.model)}
        if TASK_PLAN_TYPE not in self.plan_types:
            raise ScaleError(f"Styrmodellens standard saknar plantypen {TASK_PLAN_TYPE}.")
        self.values: dict[int, list[ScaleValue]] = defaultdict(list)
        for value in ScaleValue.objects.filter(scale__model=self.model).order_by("order", "pk"):
            self.values[value.scale_id].append(value)
        self.assesses = dict(
            GoalLevel.objects.filter(model=self.model).values_list("pk", "assesses")
        )

    _phase = _Builder._phase

    def run(self) -> FollowupResult:
        started = t = time.perf_counter()
        units = list(
            Unit.objects.descendants(self.root, include_self=True)
            .valid_on(datetime.date(self.year, 8, 31))
            .select_related("unit_type")
            .order_by("code")
        )
        self.units = {u.pk: u for u in units}
        self.children: dict[int | None, list[Unit]] = defaultdict(list)
        for u in units:
            self.children[u.parent_id].append(u)
        bench_task_items = self.make_task_plan()
        share_units = self.make_shared_item()
        _analyze((Plan, Item, ItemLink, ItemShare), self.log)
        t = self._phase("uppföljningens poster och delning", t)
        occasion, steps = self.make_occasion()
        todo = items_to_report_bulk([pt.pk for pt in occasion.plan_types.all()], list(self.units))
        t = self._phase("tillfälle och poster att rapportera", t)
        tasks = self.make_tasks(occasion, steps, todo)
        _analyze((FollowUpOccasion, OccasionStep, ReportingTask), self.log)
        t = self._phase("uppgifter", t)
        reports, values = self.make_reports(occasion, tasks, todo)
        t = self._phase("rapporter och utfall", t)
        return FollowupResult(
            created=True,
            occasion=occasion,
            seconds=time.perf_counter() - started,
            tasks=len(tasks),
            done=sum(1 for task in tasks if task.done_at),
            task_items=sum(len(todo[(task.unit_id, task.plan_type_id)]) for task in tasks),
            reports=reports,
            values=values,
            bench_task_items=bench_task_items,
            share_units=share_units,
            phases=self.phases,
        )

    # -- the measured task's plan: the measured unit's Arbetsmiljömål

    def make_task_plan(self) -> int:
        rng, year, n = self.rng, self.year, self.n_task_items
        unit = next((u for u in self.units.values() if u.code == BENCH_CODE), None)
        if unit is None:
            raise ScaleError(f"Skaldatamängden saknar mätenheten {BENCH_CODE}.")
        plan = Plan(unit=unit, plan_type=self.plan_types[TASK_PLAN_TYPE])
        Plan.objects.bulk_create([plan])
        level = GoalLevel.objects.get(model=self.model, name=LEVEL_BY_UNIT_TYPE["Enhet"])
        perspectives = list(self.model.perspectives.order_by("order", "pk"))
        upper = list(
            Item.objects.filter(
                plan__unit=unit, plan__plan_type__name=PLAN_TYPE, kind=ItemKind.GOAL
            ).order_by("order", "pk")
        )
        n_goals = max(1, round(n * BENCH_GOALS))
        n_ind = round(n * BENCH_INDICATORS)
        kinds = [ItemKind.GOAL] * n_goals + [ItemKind.INDICATOR] * n_ind
        kinds += [ItemKind.ACTIVITY] * (n - len(kinds))
        numbers: Counter = Counter()
        items, targets = [], []
        for index, kind in enumerate(kinds):
            numbers[kind] += 1
            fields = dict(
                plan=plan,
                kind=kind,
                number=f"{KIND_NUMBER_PREFIX[kind]}{numbers[kind]}",
                order=(index + 1) * 10,
            )
            if kind == ItemKind.GOAL:
                item = Item(
                    **fields,
                    title=rng.choice(GOALS) + rng.choice(GOAL_QUALIFIERS),
                    level=level,
                    perspective=rng.choice(perspectives),
                )
                target = upper[index % len(upper)] if upper else None
            elif kind == ItemKind.INDICATOR:
                title, measure_unit, direction = rng.choice(INDICATORS)
                baseline = Decimal(rng.randint(100, 9000)) / 100
                item = Item(
                    **fields,
                    title=title,
                    measure_unit=measure_unit,
                    direction=direction,
                    source=IndicatorSource.MANUAL,
                    reported_by=ReportedBy.CENTRAL,
                    periodicity=Periodicity.TERTIAL,
                    baseline_year=year - 1,
                    baseline_value=baseline,
                    target_year=year,
                    target_value=baseline + Decimal(rng.randint(1, 500)) / 100,
                )
                target = items[rng.randrange(n_goals)]
            else:
                start = rng.randint(1, 10)
                item = Item(
                    **fields,
                    title=f"{rng.choice(ACTIONS)} {rng.choice(ACTIVITY_OBJECTS)}",
                    responsible_text=rng.choice(RESPONSIBLE),
                    start_date=datetime.date(year, start, 1),
                    end_date=datetime.date(year, rng.randint(start, 12), 28),
                )
                target = items[rng.randrange(n_goals)]
            items.append(item)
            targets.append(target)
        Item.objects.bulk_create(items, batch_size=1000)
        ItemLink.objects.bulk_create(
            [ItemLink(item=i, target=t) for i, t in zip(items, targets, strict=True) if t]
        )
        return len(items)

    # -- one item shared to many units, for the underlag page

    def make_shared_item(self) -> int:
        """A förvaltning-wide indicator, reported by each unit, shared to
        `share_units` units below the förvaltning with the most units below it."""

        def below(unit: Unit) -> list[Unit]:
            out, stack = [], list(self.children[unit.pk])
            while stack:
                u = stack.pop()
                out.append(u)
                stack.extend(self.children[u.pk])
            return out

        forvs = [u for u in self.units.values() if u.unit_type.name == "Förvaltning"]
        subtrees = {f.pk: [u for u in below(f) if u.code != BENCH_CODE] for f in forvs}
        owner = min(forvs, key=lambda f: (-len(subtrees[f.pk]), f.code))
        # Enheter first, then avdelningar, each by code.
        ordered = sorted(subtrees[owner.pk], key=lambda u: (u.unit_type.name != "Enhet", u.code))
        receivers = ordered[: self.n_share]
        plans = dict(
            Plan.objects.filter(
                plan_type=self.plan_types[PLAN_TYPE], unit__in=[owner, *receivers]
            ).values_list("unit_id", "pk")
        )
        plan_id = plans[owner.pk]
        existing = Item.objects.filter(plan_id=plan_id)
        count = existing.filter(kind=ItemKind.INDICATOR).count()
        last = existing.order_by("-order").values_list("order", flat=True).first() or 0
        item = Item(
            plan_id=plan_id,
            kind=ItemKind.INDICATOR,
            number=f"{KIND_NUMBER_PREFIX[ItemKind.INDICATOR]}{count + 1}",
            order=last + 10,
            title=SHARED_TITLE,
            measure_unit="%",
            direction=Direction.HIGHER,
            source=IndicatorSource.MANUAL,
            reported_by=ReportedBy.EACH_UNIT,
            periodicity=Periodicity.TERTIAL,
            baseline_year=self.year - 1,
            baseline_value=Decimal("62.00"),
            target_year=self.year,
            target_value=Decimal("80.00"),
        )
        Item.objects.bulk_create([item])
        self.shared_pk = item.pk
        ItemShare.objects.bulk_create(
            [ItemShare(item=item, unit=u, plan_id=plans[u.pk]) for u in receivers],
            batch_size=2000,
        )
        return len(receivers)

    # -- the occasion, its tasks and reports

    def make_occasion(self) -> tuple[FollowUpOccasion, dict[int, OccasionStep]]:
        year = self.year
        occasion = FollowUpOccasion(
            model=self.model,
            kind=OccasionKind.INTERIM,
            name=occasion_name(year),
            period_end=datetime.date(year, 8, 31),
            status=OccasionStatus.OPEN,
        )
        FollowUpOccasion.objects.bulk_create([occasion])
        # The plan types that hold items (occasion_save, without history).
        with_items = set(
            Item.objects.filter(plan__plan_type__model=self.model)
            .values_list("plan__plan_type_id", flat=True)
            .distinct()
        )
        through = FollowUpOccasion.plan_types.through
        through.objects.bulk_create(
            [
                through(followupoccasion_id=occasion.pk, plantype_id=pt.pk)
                for pt in sorted(self.plan_types.values(), key=lambda p: p.order)
                if pt.pk in with_items
            ]
        )
        types = {t.name: t for t in UnitType.objects.all()}
        steps = [
            OccasionStep(
                occasion=occasion,
                name=name,
                unit_type=types.get(type_name) if type_name else None,
                start=datetime.date(year, *start),
                deadline=datetime.date(year, *deadline),
            )
            for name, type_name, start, deadline in STEPS
            if type_name is None or type_name in types
        ]
        OccasionStep.objects.bulk_create(steps)
        # services._step_for: the last step (by deadline) for the unit's type.
        by_type = {}
        for step in sorted(steps, key=lambda s: (s.deadline, s.start, s.pk)):
            if step.unit_type_id:
                by_type[step.unit_type_id] = step
        return occasion, by_type

    def make_tasks(self, occasion, steps, todo) -> list[ReportingTask]:
        rng = self.rng
        plan_types = sorted(occasion.plan_types.all(), key=lambda p: (p.order, p.pk))
        tasks = []
        for unit in self.units.values():  # by code
            for pt in plan_types:
                if not todo.get((unit.pk, pt.pk)):
                    continue
                step = steps.get(unit.unit_type_id)
                bench = unit.code == BENCH_CODE and pt.name == TASK_PLAN_TYPE
                done = not bench and rng.random() < DONE_SHARE
                done_at = None
                if done and step is not None:
                    day = step.deadline - datetime.timedelta(days=rng.randint(0, 6))
                    done_at = datetime.datetime.combine(
                        day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)), datetime.UTC
                    )
                tasks.append(
                    ReportingTask(
                        occasion=occasion,
                        unit=unit,
                        plan_type=pt,
                        step=step,
                        name=f"{occasion.name}: {pt.name}: {unit.name}",
                        done_at=done_at,
                        # The measured task is reopened (task_reopen), so that
                        # its page shows the report forms, not the locked view.
                        reopened_until=datetime.date(self.year + 10, 12, 31) if bench else None,
                    )
                )
        ReportingTask.objects.bulk_create(tasks, batch_size=1000)
        return tasks

    def _pick(self, scale_id) -> ScaleValue | None:
        values = self.values.get(scale_id)
        return self.rng.choice(values) if values else None

    def make_reports(self, occasion, tasks, todo) -> tuple[int, int]:
        rng, year = self.rng, self.year
        period = f"{occasion.period_end:%Y-%m}"
        reports, values = [], []
        for task in tasks:
            pt = task.plan_type
            share = DONE_REPORTED if task.done_at else OPEN_REPORTED
            for item_id, kind, level_id in todo[(task.unit_id, task.plan_type_id)]:
                chance = SHARED_REPORTED if item_id == self.shared_pk else share
                if rng.random() >= chance:
                    continue
                report = Report(occasion=occasion, unit_id=task.unit_id, item_id=item_id)
                if kind in (ItemKind.ACTIVITY, ItemKind.ASSIGNMENT):
                    scale_id = (
                        pt.activity_scale_id
                        if kind == ItemKind.ACTIVITY
                        else (pt.assignment_scale_id)
                    )
                    report.status = self._pick(scale_id)
                    if kind == ItemKind.ACTIVITY:
                        done = report.status is not None and report.status.counts_as_done
                        report.completion = 100 if done else rng.randrange(0, 100, 10)
                elif kind == ItemKind.GOAL:
                    if self.assesses.get(level_id, False):
                        report.assessment = self._pick(pt.goal_scale_id)
                    report.analysis = rng.choice(ANALYSES)
                elif kind == ItemKind.INDICATOR:
                    report.assessment = self._pick(pt.indicator_scale_id)
                    values.append(
                        IndicatorValue(
                            item_id=item_id,
                            unit_id=task.unit_id,
                            year=year,
                            period=period,
                            value=Decimal(rng.randint(1000, 9500)) / 100,
                        )
                    )
                else:  # control point
                    report.assessment = self._pick(pt.control_scale_id)
                    report.comment = rng.choice(CONTROL_RESULTS)
                chosen = report.status or report.assessment
                if (
                    not report.comment
                    and chosen is not None
                    and (chosen.comment_required or rng.random() < 0.3)
                ):
                    report.comment = rng.choice(COMMENTS)
                reports.append(report)
        Report.objects.bulk_create(reports, batch_size=2000)
        IndicatorValue.objects.bulk_create(values, batch_size=2000)
        return len(reports), len(values)


def add_followup(
    root: Unit,
    *,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    task_items: int = DEFAULT_TASK_ITEMS,
    share_units: int = DEFAULT_SHARE_UNITS,
    log: Callable[[str], None] = lambda line: None,
) -> FollowupResult:
    """The year's follow-up (occasion, tasks, reports) on the scale data set;
    nothing when the occasion exists. Call inside a transaction."""
    existing = scale_occasion(year)
    if existing is not None:
        return FollowupResult(created=False, occasion=existing)
    return _FollowUp(
        root, year=year, seed=seed, task_items=task_items, share_units=share_units, log=log
    ).run()


def _analyze(models, log) -> None:
    """Fresh statistics on PostgreSQL between the bulk steps of a build (so
    that the next step's queries are planned for the rows just written, not
    for empty tables) and at the end (so that measurements right after
    loading see the planner's usual choices); core.dbstats."""
    dbstats.refresh(models, log=log)


FOLLOWUP_TABLES = (FollowUpOccasion, OccasionStep, ReportingTask, Report, IndicatorValue)


def build_followup(
    *,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    task_items: int = DEFAULT_TASK_ITEMS,
    share_units: int = DEFAULT_SHARE_UNITS,
    log: Callable[[str], None] = lambda line: None,
) -> FollowupResult:
    """`load-scale --followup-only`: add the follow-up to an existing data set
    without rebuilding it."""
    started = time.perf_counter()
    with one_action():
        root = scale_root()
        if root is None:
            raise ScaleError(f"{ROOT_NAME} finns inte; bygg den först (load-scale).")
        result = add_followup(
            root, year=year, seed=seed, task_items=task_items, share_units=share_units, log=log
        )
    if result.created:
        _analyze((Item, ItemLink, ItemShare, Plan, *FOLLOWUP_TABLES), log)
        result.seconds = time.perf_counter() - started
    return result


# --- The Kolada-linked indicator ---------------------------------------------------


@dataclass
class KoladaResult:
    created: bool  # False: everything was already there
    item: Item | None = None
    values: int = 0
    targets: int = 0
    seconds: float = 0.0

    @property
    def message(self) -> str:
        if not self.created:
            return f"Kolada-nyckeltalet {KOLADA_KPI} finns redan; orört."
        return (
            f"Kolada-nyckeltalet {KOLADA_KPI} ({self.item.number}) lagt till på "
            f"{self.seconds:.1f} s: {self.values} Kolada-värden ({KOLADA_YEARS} år × T/K/M "
            f"för egen kommun och {KOLADA_COMPARISONS} jämförelser), {self.targets} målvärden "
            "per år."
        )


def kolada_item(year: int = DEFAULT_YEAR) -> Item | None:
    """The measured Kolada-linked indicator of the Kommun."""
    return (
        Item.objects.filter(
            plan__unit__code=ROOT_CODE,
            plan__plan_type__name=PLAN_TYPE,
            plan__plan_type__model__year=year,
            kind=ItemKind.INDICATOR,
            number=KOLADA_NUMBER,
        )
        .select_related("plan__unit")
        .first()
    )


def add_kolada(root: Unit, *, year: int = DEFAULT_YEAR, seed: int = DEFAULT_SEED) -> KoladaResult:
    """The Kolada-linked indicator, the organisation's Kolada settings, the
    KPI, the municipalities and the values, and targets per year, whatever of
    it is missing. Written directly, without history, like the rest of the
    data set. Call inside a transaction."""
    started = time.perf_counter()
    rng = random.Random(f"{seed}:kolada")
    result = KoladaResult(created=False)
    years = list(range(year - KOLADA_YEARS + 1, year + 1))
    comparisons = kolada_comparison_ids()
    places = [KOLADA_OWN, *comparisons]
    # Sjöbacka-like levels: the own municipality climbs from about 80 %, the
    # others lie around 75–92 %; women a few points above men.
    own = [Decimal(800 + 6 * i + rng.randint(-8, 8)) / 10 for i in range(len(years))]
    base_year, base_value = years[-5], own[-5]
    target_value = base_value + Decimal(8)

    item = kolada_item(year)
    if item is None:
        plan = Plan.objects.filter(
            unit=root, plan_type__name=PLAN_TYPE, plan_type__model__year=year
        ).first()
        if plan is None:
            raise ScaleError(f"Skaldatamängden saknar kommunens {PLAN_TYPE} för {year}.")
        goal = Item.objects.filter(plan=plan, kind=ItemKind.GOAL).order_by("order", "pk").first()
        last = plan.items.order_by("-order").values_list("order", flat=True).first() or 0
        item = Item(
            plan=plan,
            kind=ItemKind.INDICATOR,
            number=KOLADA_NUMBER,
            order=last + 10,
            title=KOLADA_TITLE,
            perspective_id=goal.perspective_id if goal else None,
            measure_unit="%",
            direction=Direction.HIGHER,
            source=IndicatorSource.KOLADA,
            kolada_kpi=KOLADA_KPI,
            reported_by=ReportedBy.CENTRAL,
            periodicity=Periodicity.YEAR,
            gender_split=True,
            baseline_year=base_year,
            baseline_value=base_value,
            target_year=year + 1,
            target_value=target_value,
            near_target_margin=Decimal(2),
        )
        Item.objects.bulk_create([item])
        if goal is not None:
            ItemLink.objects.bulk_create([ItemLink(item=item, target=goal)])
        result.created = True
    result.item = item

    if not item.targets.exists():
        steps = [y for y in years if y > base_year]
        targets = [
            IndicatorTarget(
                item=item,
                year=y,
                value=(
                    base_value + (target_value - base_value) * (i + 1) / (len(steps) + 1)
                ).quantize(Decimal("0.1")),
            )
            for i, y in enumerate(steps)
        ]
        IndicatorTarget.objects.bulk_create(targets)
        result.targets = len(targets)

    if not KoladaSettings.objects.filter(organisation=root).exists():
        KoladaSettings.objects.create(
            organisation=root, municipality_id=KOLADA_OWN, comparison_ids=comparisons
        )
        result.created = True
    if not KoladaKpi.objects.filter(pk=KOLADA_KPI).exists():
        KoladaKpi.objects.create(
            id=KOLADA_KPI,
            title=KOLADA_TITLE,
            description="Påhittat nyckeltal för prestandamätningen (styrhjul load-scale).",
            is_divided_by_gender=True,
            municipality_type="K",
            fetched_at=timezone.now(),
        )
        result.created = True
    names = {KOLADA_OWN: ROOT_NAME, RIKET: "Riket"}
    names |= {code: f"Jämförköping {code[-2:]} (skala)" for code in comparisons[1:]}
    have = set(KoladaMunicipality.objects.filter(pk__in=places).values_list("pk", flat=True))
    KoladaMunicipality.objects.bulk_create(
        [
            KoladaMunicipality(id=code, title=names[code], type="L" if code == RIKET else "K")
            for code in places
            if code not in have
        ]
    )

    have = set(
        KoladaValue.objects.filter(kpi_id=KOLADA_KPI, ou_id="").values_list(
            "municipality_id", "period", "gender"
        )
    )
    values = []
    for code in places:
        level = Decimal(rng.randint(750, 920)) / 10
        for index, period in enumerate(years):
            total = own[index] if code == KOLADA_OWN else level + Decimal(rng.randint(-15, 15)) / 10
            gap = Decimal(rng.randint(20, 50)) / 10
            for gender, value in (("T", total), ("K", total + gap / 2), ("M", total - gap / 2)):
                if (code, period, gender) not in have:
                    values.append(
                        KoladaValue(
                            kpi_id=KOLADA_KPI,
                            municipality_id=code,
                            period=period,
                            gender=gender,
                            value=value,
                        )
                    )
    KoladaValue.objects.bulk_create(values, batch_size=2000)
    result.values = len(values)
    result.created = result.created or bool(values or result.targets)
    result.seconds = time.perf_counter() - started
    return result


def build_kolada(*, year: int = DEFAULT_YEAR, seed: int = DEFAULT_SEED) -> KoladaResult:
    """Add the Kolada-linked indicator to an existing data set that lacks it
    (`styrhjul bench` does, for a data set built before it existed)."""
    with one_action():
        root = scale_root()
        if root is None:
            raise ScaleError(f"{ROOT_NAME} finns inte; bygg den först (load-scale).")
        result = add_kolada(root, year=year, seed=seed)
    if result.created:
        _analyze((Item, IndicatorTarget, KoladaValue), lambda line: None)
    return result


def other_organisations(root: Unit | None = None) -> list[Unit]:
    return list(Unit.objects.filter(parent__isnull=True).exclude(pk=getattr(root, "pk", None)))


def build(
    *,
    units: int = DEFAULT_UNITS,
    items: int = DEFAULT_ITEMS,
    plan_items: int = DEFAULT_PLAN_ITEMS,
    seed: int = DEFAULT_SEED,
    year: int = DEFAULT_YEAR,
    replace: bool = False,
    followup: bool = True,
    task_items: int = DEFAULT_TASK_ITEMS,
    share_units: int = DEFAULT_SHARE_UNITS,
    years: int = 0,
    log: Callable[[str], None] = lambda line: None,
) -> ScaleResult:
    """Build the scale municipality; leave it alone when it exists, unless
    `replace`. `years`: as many earlier model years of history
    (scale_history.add_history), also added to an existing data set. Refuses
    a database that holds another organisation: the data set is for a
    database of its own (and `load-demo` refuses a database with two
    organisations)."""
    started = time.perf_counter()
    with one_action():
        root = scale_root()
        others = other_organisations(root)
        if others:
            names = ", ".join(f"{u.name} ({u.code})" for u in others)
            raise ScaleError(
                f"Databasen har redan en annan organisation: {names}. Bygg skaldata i en "
                "egen databas (sätt DATABASE_URL)."
            )
        if root is not None and not replace:
            result = ScaleResult(created=False, root=root)
            if years:
                result.history = add_history(root, year=year, years=years, log=log)
            return result
        clash = Unit.objects.filter(code__startswith=CODE_PREFIX)
        replaced = root is not None
        if root is not None:
            t = time.perf_counter()
            delete_scale(root)
            log(f"  borttaget: {time.perf_counter() - t:.2f} s")
        elif clash.exists():
            raise ScaleError(f"Enhetskoder som börjar med {CODE_PREFIX} används redan.")
        result = _Builder(
            units=units, items=items, plan_items=plan_items, seed=seed, year=year, log=log
        ).run()
        # Before the follow-up, so that a follow-up added later (--followup-only)
        # finds the same items as one built with the data set.
        t = time.perf_counter()
        result.kolada = add_kolada(result.root, year=year, seed=seed)
        _analyze((Item, IndicatorTarget, KoladaValue), log)
        log(f"  Kolada-nyckeltalet: {time.perf_counter() - t:.2f} s")
        result.items += 1
        result.links += result.kolada.item.links_up.count()
        if followup:
            result.followup = add_followup(
                result.root,
                year=year,
                seed=seed,
                task_items=task_items,
                share_units=share_units,
                log=log,
            )
            result.items += result.followup.bench_task_items + 1
            result.plans += 1
            result.shares += result.followup.share_units
        if years:
            result.history = add_history(result.root, year=year, years=years, log=log)
    # After --replace the old data set's rows are dead: VACUUM clears them.
    dbstats.refresh(
        (Unit, Plan, Item, ItemLink, ItemShare, *FOLLOWUP_TABLES, KoladaValue),
        vacuum=replaced,
        log=log,
    )
    result.seconds = time.perf_counter() - started
    return result
