"""Sjöbacka kommun's governance model for the closed year (written for 2025,
moved to last year by calendar.py), as data: the council's goals
with indicators, the committees' goals, the förvaltningar's and avdelningar's
own goals, the units' activity plans, Socialnämnden's åtgärdsplan, the
work-environment goals of Barn- och utbildningsförvaltningen, the internal
control plan, three self-inspection plans and the special assignments.

Everything is invented, as in data.py; the numbers are plausible, not real.
Only the three Kolada ids below are real, and they mean what their titles say
(N01951 Invånare totalt, antal; N15428 Elever i åk 9 som är behöriga till
yrkesprogram, hemkommun, andel (%); N21704 Invånare 80+ med hemtjänst i
ordinärt boende, andel (%)); every other indicator is reported by hand. Their
values come from the small Kolada sample in fixtures/kolada_sample.json (see
fixtures/KOLADA_SAMPLE.md: N21704's 2023 values are Kolada's real ones, the
rest is made up), and the hand-reported indicators' history from
history_data.py.

Every item has a stable number (Nr), unique within its plan and kind, by
which `styrhjul load-demo` finds it again. Goals, measures and assignments
have numbers unique in the whole demo ("KF1", "BUN2", "ÄO1", "ÅP3"), so that
others can point at them; activities and control points are numbered within
their plan ("A1", "IK3", "EK2"). `item_specs()` flattens it all, in an order
where every item comes after what it contributes to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from styrhjul.model.models import ItemKind
from styrhjul.planning.models import Direction, IndicatorSource, Periodicity, ReportedBy

from . import data

# The year this data is written for. load-demo moves it, and every date and
# year here, so that it is last year (calendar.DemoCalendar).
YEAR = 2025
BASELINE_YEAR = 2022

# Names from styrhjul.model.defaults: the demo uses the default model as it is.
VERKSAMHETSPLAN = "Verksamhetsplan"
ATGARDSPLAN = "Åtgärdsplan"
ARBETSMILJOMAL = "Arbetsmiljömål"
INTERNKONTROLLPLAN = "Internkontrollplan"
EGENKONTROLLPLAN = "Egenkontrollplan"
AKTIVITETSPLAN = "Aktivitetsplan"

INRIKTNINGSMAL = "Inriktningsmål"
NAMNDMAL = "Nämndmål"
VERKSAMHETSMAL = "Verksamhetsmål"

INVANARE = "Invånare"
SAMHALLE = "Samhälle och miljö"
MEDARBETARE = "Medarbetare"
EKONOMI = "Ekonomi"
VERKSAMHET = "Verksamhet"

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER
CENTRAL, EACH_UNIT = ReportedBy.CENTRAL, ReportedBy.EACH_UNIT


def day(month_day: str) -> datetime.date:
    """ "03-31" → 31 March of the model year."""
    month, dom = (int(part) for part in month_day.split("-"))
    return datetime.date(YEAR, month, dom)


def below(code: str, *unit_types: str) -> tuple[str, ...]:
    """Codes of the units of these types under `code` that exist in YEAR, in
    the order of data.UNITS (the unit itself is left out)."""
    parents = {u.code: u.parent for u in data.UNITS}
    first = datetime.date(YEAR, 1, 1)

    def under(unit_code: str | None) -> bool:
        while unit_code is not None:
            unit_code = parents[unit_code]
            if unit_code == code:
                return True
        return False

    return tuple(
        u.code
        for u in data.UNITS
        if u.unit_type in unit_types
        and (u.valid_to is None or u.valid_to >= first)
        and under(u.code)
    )


# --- Declarations ------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    number: str
    title: str
    measure_unit: str
    direction: str
    baseline: str  # BASELINE_YEAR's value
    target: str  # "": followed without a target value
    target_year: int = 2026
    kolada_kpi: str = ""  # given: the source is Kolada; empty: reported by hand
    reported_by: str = CENTRAL
    periodicity: str = Periodicity.YEAR
    gender_split: bool = False
    near_target: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Goal:
    number: str
    title: str
    perspective: str
    contributes_to: str = ""  # numbers, separated by spaces
    description: str = ""
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class GoalPlan:
    """Goals a unit owns in one of its plans, at one goal level; shared_to:
    every goal and indicator is shared down to these units."""

    unit: str
    level: str
    goals: tuple[Goal, ...]
    plan_type: str = VERKSAMHETSPLAN
    shared_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    title: str
    contributes_to: str  # numbers, separated by spaces
    start: datetime.date
    end: datetime.date
    description: str = ""


def act(title: str, to: str, start: str, end: str, description: str = "") -> Activity:
    return Activity(title, to, day(start), day(end), description)


@dataclass(frozen=True)
class ActivityPlan:
    """A unit's own activities in one plan, numbered A1, A2 …; the unit's
    manager is responsible for them."""

    unit: str
    activities: tuple[Activity, ...]
    plan_type: str = AKTIVITETSPLAN


@dataclass(frozen=True)
class Measure:
    """A measure (åtgärd) of a committee's åtgärdsplan, shared down to the
    units that carry it out."""

    number: str
    title: str
    description: str
    contributes_to: str
    start: datetime.date
    end: datetime.date
    responsible: str  # the unit whose manager answers for it
    responsible_text: str
    shared_to: tuple[str, ...]


@dataclass(frozen=True)
class ControlPoint:
    number: str
    area: str
    title: str  # "Vad kontrolleras?"
    process: str
    risk: str
    probability: int  # 1–4
    consequence: int  # 1–4
    control_step: str
    control_method: str
    frequency: str
    responsible_text: str
    shared_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class ControlPlan:
    unit: str
    plan_type: str
    points: tuple[ControlPoint, ...]


@dataclass(frozen=True)
class Assignment:
    number: str
    title: str
    given_by: str
    start: datetime.date
    end: datetime.date
    responsible: str  # the unit whose manager answers for it
    description: str
    perspective: str = ""


# --- Kommunfullmäktige: inriktningsmål ---------------------------------------------

COUNCIL_GOALS = GoalPlan(
    "1010",
    INRIKTNINGSMAL,
    (
        Goal(
            "KF1",
            "Barn och unga i Sjöbacka får en trygg uppväxt och goda förutsättningar att "
            "lyckas i skolan",
            INVANARE,
            description=(
                "Förskola, skola, elevhälsa och socialtjänst arbetar tillsammans så att varje "
                "barn får stöd i tid. Fler elever går ut grundskolan med behörighet till "
                "gymnasiet, och skillnaden mellan flickors och pojkars resultat minskar."
            ),
            indicators=(
                Indicator(
                    "KF1.1",
                    "Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)",
                    "%",
                    HIGHER,
                    "82.4",
                    "88.0",
                    kolada_kpi="N15428",
                    gender_split=True,
                    near_target="2.0",
                ),
                Indicator(
                    "KF1.2",
                    "Elever i åk 5 och 8 som känner sig trygga i skolan, andel (%)",
                    "%",
                    HIGHER,
                    "79",
                    "86",
                    gender_split=True,
                    near_target="2.0",
                    description="Kommunens egen skolenkät, som genomförs varje vår.",
                ),
            ),
        ),
        Goal(
            "KF2",
            "Sjöbacka växer hållbart med fler bostäder, levande kommundelar och minskad "
            "klimatpåverkan",
            SAMHALLE,
            description=(
                "Kommunen planerar för bostäder i alla kommundelar, tar vara på sjön och "
                "skogen och ställer om den egna verksamheten till fossilfrihet."
            ),
            indicators=(
                Indicator(
                    "KF2.1",
                    "Invånare totalt, antal",
                    "antal",
                    HIGHER,
                    "18412",
                    "20000",
                    target_year=2030,
                    kolada_kpi="N01951",
                    description="Antal invånare den 31 december enligt SCB, hämtas från Kolada.",
                ),
                Indicator(
                    "KF2.2",
                    "Fossilfria fordon i kommunens fordonsflotta, andel (%)",
                    "%",
                    HIGHER,
                    "38",
                    "75",
                    near_target="5.0",
                ),
            ),
        ),
        Goal(
            "KF3",
            "Sjöbacka kommun är en attraktiv arbetsgivare där medarbetare vill stanna och "
            "utvecklas",
            MEDARBETARE,
            description=(
                "Medarbetare har inflytande över sitt arbete, chefer har rimliga förutsättningar "
                "att leda och arbetsmiljön främjar hälsa."
            ),
            indicators=(
                Indicator(
                    "KF3.1",
                    "Hållbart medarbetarengagemang (HME), index",
                    "index",
                    HIGHER,
                    "77",
                    "81",
                    near_target="1.0",
                    description="Från kommunens medarbetarenkät, som genomförs vartannat år.",
                ),
                Indicator(
                    "KF3.2",
                    "Sjukfrånvaro bland kommunens medarbetare, andel av ordinarie arbetstid (%)",
                    "%",
                    LOWER,
                    "8.6",
                    "7.0",
                    periodicity=Periodicity.QUARTER,
                    gender_split=True,
                    near_target="0.5",
                ),
            ),
        ),
        Goal(
            "KF4",
            "Sjöbacka har en god ekonomisk hushållning som håller över generationer",
            EKONOMI,
            description=(
                "Varje nämnd håller sin budget, investeringar finansieras i huvudsak med egna "
                "medel och kommunen bygger upp en buffert för kommande år."
            ),
            indicators=(
                Indicator(
                    "KF4.1",
                    "Årets resultat i förhållande till skatteintäkter och generella "
                    "statsbidrag (%)",
                    "%",
                    HIGHER,
                    "1.4",
                    "2.0",
                    near_target="0.3",
                ),
                Indicator(
                    "KF4.2",
                    "Soliditet inklusive samtliga pensionsförpliktelser, kommunen (%)",
                    "%",
                    HIGHER,
                    "18.5",
                    "25.0",
                    target_year=2030,
                    near_target="1.0",
                ),
            ),
        ),
        Goal(
            "KF5",
            "Invånare och företag möter en tillgänglig och rättssäker kommun som håller vad "
            "den lovar",
            VERKSAMHET,
            description=(
                "Det är lätt att få kontakt med kommunen, handläggningen är snabb och "
                "förutsägbar och fler ärenden kan skötas digitalt."
            ),
            indicators=(
                Indicator(
                    "KF5.1",
                    "Företagens nöjdhet med kommunens myndighetsutövning (NKI), index",
                    "index",
                    HIGHER,
                    "68",
                    "75",
                    near_target="2.0",
                ),
                Indicator(
                    "KF5.2",
                    "Frågor via e-post som besvaras inom en arbetsdag, andel (%)",
                    "%",
                    HIGHER,
                    "71",
                    "90",
                    near_target="5.0",
                ),
            ),
        ),
    ),
)


# --- Kommunstyrelsen, nämnderna och bolaget: nämndmål ------------------------------

COMMITTEE_GOALS: tuple[GoalPlan, ...] = (
    GoalPlan(
        "1020",
        NAMNDMAL,
        (
            Goal(
                "KS1",
                "Kommunens ekonomistyrning ger nämnderna tidiga och tillförlitliga prognoser",
                EKONOMI,
                "KF4",
                indicators=(
                    Indicator(
                        "KS1.1",
                        "Nämnder med budget i balans vid årsbokslutet, antal",
                        "antal",
                        HIGHER,
                        "1",
                        "3",
                    ),
                ),
            ),
            Goal(
                "KS2",
                "Chefer har förutsättningar att leda, med rimligt antal medarbetare och nära "
                "stöd från HR",
                MEDARBETARE,
                "KF3",
                indicators=(
                    Indicator(
                        "KS2.1",
                        "Medarbetare per chef, genomsnitt (antal)",
                        "antal",
                        LOWER,
                        "27",
                        "22",
                    ),
                ),
            ),
            Goal(
                "KS3",
                "Fler av kommunens tjänster kan skötas digitalt, när det passar invånaren",
                VERKSAMHET,
                "KF5",
            ),
        ),
    ),
    GoalPlan(
        "3000",
        NAMNDMAL,
        (
            Goal(
                "BUN1",
                "Alla elever når minst godtagbara kunskaper i svenska, engelska och matematik",
                INVANARE,
                "KF1",
                indicators=(
                    Indicator(
                        "BUN1.1",
                        "Elever i åk 6 med lägst betyget E i matematik, andel (%)",
                        "%",
                        HIGHER,
                        "86",
                        "92",
                        reported_by=EACH_UNIT,
                        gender_split=True,
                        near_target="2.0",
                    ),
                ),
            ),
            Goal(
                "BUN2",
                "Barn och elever känner sig trygga, trivs och har studiero i förskola och skola",
                INVANARE,
                "KF1",
                indicators=(
                    Indicator(
                        "BUN2.1",
                        "Elever i åk 8 som upplever studiero på lektionerna, andel (%)",
                        "%",
                        HIGHER,
                        "61",
                        "70",
                        reported_by=EACH_UNIT,
                        gender_split=True,
                    ),
                ),
            ),
            Goal(
                "BUN3",
                "Barn- och utbildningsnämnden bedriver verksamheten inom tilldelad budgetram",
                EKONOMI,
                "KF4",
            ),
        ),
    ),
    GoalPlan(
        "4000",
        NAMNDMAL,
        (
            Goal(
                "SN1",
                "Barn och unga som behöver stöd får rätt insats i tid och nära hemmet",
                INVANARE,
                "KF1",
                indicators=(
                    Indicator(
                        "SN1.1",
                        "Utredningar om barn och unga som avslutas inom fyra månader, andel (%)",
                        "%",
                        HIGHER,
                        "74",
                        "95",
                        periodicity=Periodicity.TERTIAL,
                    ),
                ),
            ),
            Goal(
                "SN2",
                "Den som har insatser från socialtjänsten upplever inflytande, kontinuitet och "
                "trygghet",
                VERKSAMHET,
                "KF5",
                indicators=(
                    Indicator(
                        "SN2.1",
                        "Olika personal som en hemtjänsttagare möter under 14 dagar, medelvärde",
                        "antal",
                        LOWER,
                        "16",
                        "12",
                        periodicity=Periodicity.TERTIAL,
                    ),
                    Indicator(
                        "SN2.2",
                        "Invånare 80+ med hemtjänst i ordinärt boende, andel (%)",
                        "%",
                        Direction.NONE,
                        "21.5",
                        "",
                        kolada_kpi="N21704",
                        gender_split=True,
                        description=(
                            "Följs utan målvärde, som bakgrund till nämndens mål: hur stor del "
                            "av de äldre som har hemtjänst, jämfört med andra kommuner. "
                            "Hämtas från Kolada."
                        ),
                    ),
                ),
            ),
            Goal(
                "SN3",
                "Socialnämnden når en ekonomi i balans genom nämndens åtgärdsplan",
                EKONOMI,
                "KF4",
                indicators=(
                    Indicator(
                        "SN3.1",
                        "Avvikelse mot budget vid årets slut (mnkr)",
                        "mnkr",
                        HIGHER,
                        "-14.2",
                        "0.0",
                        periodicity=Periodicity.MONTH,
                    ),
                ),
            ),
        ),
    ),
    GoalPlan(
        "5000",
        NAMNDMAL,
        (
            Goal(
                "SBN1",
                "Detaljplaner och bygglov ger utrymme för minst 120 nya bostäder om året",
                SAMHALLE,
                "KF2",
                indicators=(
                    Indicator(
                        "SBN1.1",
                        "Bostäder i detaljplaner som antagits under året, antal",
                        "antal",
                        HIGHER,
                        "85",
                        "120",
                    ),
                ),
            ),
            Goal(
                "SBN2",
                "Bygglovshandläggningen är snabb, förutsägbar och rättssäker",
                VERKSAMHET,
                "KF5",
                indicators=(
                    Indicator(
                        "SBN2.1",
                        "Handläggningstid för bygglov från komplett ansökan till beslut, "
                        "median (dagar)",
                        "dagar",
                        LOWER,
                        "38",
                        "21",
                        periodicity=Periodicity.TERTIAL,
                    ),
                ),
            ),
            Goal(
                "SBN3",
                "Gator, parker, vatten och natur i Sjöbacka är trygga, tillgängliga och hållbara",
                SAMHALLE,
                "KF2",
            ),
        ),
    ),
    GoalPlan(
        "8000",
        NAMNDMAL,
        (
            Goal(
                "SBH1",
                "Sjöbackahem bygger 60 nya hyreslägenheter under mandatperioden",
                SAMHALLE,
                "KF2",
                indicators=(
                    Indicator(
                        "SBH1.1",
                        "Färdigställda lägenheter sedan 2023, antal",
                        "antal",
                        HIGHER,
                        "0",
                        "60",
                    ),
                ),
            ),
            Goal(
                "SBH2",
                "Energianvändningen i bostadsbeståndet minskar",
                EKONOMI,
                "KF2 KF4",
                indicators=(
                    Indicator(
                        "SBH2.1",
                        "Energianvändning i bostadsbeståndet, kWh per kvadratmeter",
                        "kWh/m²",
                        LOWER,
                        "128",
                        "105",
                        target_year=2030,
                    ),
                ),
            ),
        ),
    ),
)


# --- Förvaltningar och avdelningar: verksamhetsmål ---------------------------------

OPERATIONAL_GOALS: tuple[GoalPlan, ...] = (
    GoalPlan(
        "1100",
        VERKSAMHETSMAL,
        (
            Goal(
                "KLF1",
                "Månadsrapporten är klar inom åtta arbetsdagar efter månadsskiftet",
                EKONOMI,
                "KS1",
            ),
        ),
    ),
    GoalPlan(
        "3100",
        VERKSAMHETSMAL,
        (
            Goal(
                "BUF1",
                "Undervisningen planeras utifrån en systematisk uppföljning av varje elevs "
                "kunskapsutveckling",
                INVANARE,
                "BUN1",
            ),
        ),
    ),
    GoalPlan(
        "3110",
        VERKSAMHETSMAL,
        (
            Goal(
                "FSK1",
                "Förskolans arbete med språk och kommunikation stärker varje barns språkutveckling",
                INVANARE,
                "BUN1",
            ),
            Goal(
                "FSK2",
                "Barn och vårdnadshavare känner till och är delaktiga i förskolans arbete mot "
                "kränkande behandling",
                INVANARE,
                "BUN2",
            ),
        ),
    ),
    GoalPlan(
        "3120",
        VERKSAMHETSMAL,
        (
            Goal(
                "GSK1",
                "Fler elever i åk 6 når kunskapskraven i matematik",
                INVANARE,
                "BUN1",
            ),
            Goal("GSK2", "Det råder studiero i varje klassrum", INVANARE, "BUN2"),
        ),
    ),
    GoalPlan(
        "4110",
        VERKSAMHETSMAL,
        (
            Goal(
                "ÄO1",
                "Den som har hemtjänst möter färre olika medarbetare",
                VERKSAMHET,
                "SN2",
            ),
            Goal(
                "ÄO2",
                "Äldreomsorgens bemanning följer beviljad tid och de boendes vårdbehov",
                EKONOMI,
                "SN3",
            ),
        ),
    ),
    GoalPlan(
        "4120",
        VERKSAMHETSMAL,
        (
            Goal(
                "FS1",
                "Varje brukare har en aktuell genomförandeplan som hen har varit delaktig i",
                VERKSAMHET,
                "SN2",
            ),
        ),
    ),
    GoalPlan(
        "4130",
        VERKSAMHETSMAL,
        (
            Goal(
                "IFO1",
                "Fler barn och unga får stöd i öppenvård i stället för att placeras",
                INVANARE,
                "SN1 SN3",
            ),
            Goal(
                "IFO2",
                "Vuxna med missbruk eller psykisk ohälsa får samordnade insatser utan väntan",
                VERKSAMHET,
                "SN2",
            ),
        ),
    ),
    GoalPlan(
        "5110",
        VERKSAMHETSMAL,
        (
            Goal(
                "PB1",
                "Den som söker bygglov får besked inom fem arbetsdagar om ansökan är komplett",
                VERKSAMHET,
                "SBN2",
            ),
        ),
    ),
    GoalPlan(
        "5120",
        VERKSAMHETSMAL,
        (
            Goal(
                "TEK1",
                "Läckor i vatten- och avloppsnätet upptäcks och åtgärdas snabbare",
                SAMHALLE,
                "SBN3",
            ),
            Goal(
                "TEK2",
                "Gator och vägar är säkra för den som går och cyklar, särskilt vid skolorna",
                SAMHALLE,
                "SBN3",
            ),
        ),
    ),
)


# --- Barn- och utbildningsförvaltningen: arbetsmiljömål ----------------------------

WORK_ENVIRONMENT_UNIT = "3100"
WORK_ENVIRONMENT_GOALS = GoalPlan(
    WORK_ENVIRONMENT_UNIT,
    VERKSAMHETSMAL,
    (
        Goal(
            "AM1",
            "Frisknärvaron ökar, och korttidsfrånvaron minskar mest",
            MEDARBETARE,
            "KF3",
            description=(
                "Varje arbetsplats följer sin frånvaro och arbetar förebyggande tillsammans med "
                "skyddsombud och företagshälsovård."
            ),
            indicators=(
                Indicator(
                    "AM1.1",
                    "Sjukfrånvaro, andel av ordinarie arbetstid (%)",
                    "%",
                    LOWER,
                    "7.9",
                    "6.5",
                    periodicity=Periodicity.QUARTER,
                    gender_split=True,
                    near_target="0.5",
                    description=(
                        "Rapporteras centralt av förvaltningens HR-specialist för alla "
                        "avdelningar och enheter, från personalsystemet."
                    ),
                ),
            ),
        ),
        Goal(
            "AM2",
            "Medarbetarna är delaktiga i att sätta och följa upp arbetsplatsens mål",
            MEDARBETARE,
            "KF3",
            indicators=(
                Indicator(
                    "AM2.1",
                    "Medarbetarenkät: delaktighet i arbetsplatsens mål, index (0–100)",
                    "index",
                    HIGHER,
                    "68",
                    "75",
                    reported_by=EACH_UNIT,
                    near_target="2.0",
                    description=(
                        "Varje chef rapporterar sin arbetsplats resultat från den senaste "
                        "pulsmätningen och anger i kommentaren vilken mätning det avser."
                    ),
                ),
            ),
        ),
    ),
    plan_type=ARBETSMILJOMAL,
    shared_to=below(WORK_ENVIRONMENT_UNIT, "Avdelning", "Enhet"),
)


# --- Socialnämnden: åtgärdsplan budget 2025 ----------------------------------------

MEASURES_UNIT = "4000"
_ATGARDSPLAN = "Ur Socialnämndens åtgärdsplan budget 2025. "
MEASURES: tuple[Measure, ...] = (
    Measure(
        "ÅP1",
        "Anpassa bemanningen i hemtjänst och på särskilda boenden efter beviljad tid och vårdtyngd",
        _ATGARDSPLAN + "Varje enhet jämför planerad och utförd tid varje vecka och justerar "
        "schemat när behoven ändras.",
        "SN3",
        day("01-15"),
        day("12-31"),
        "4110",
        "Verksamhetschef äldreomsorg",
        ("4110", "4111", "4112", "4113", "4114", "4115"),
    ),
    Measure(
        "ÅP2",
        "Ersätt timavlönade med tillsvidareanställda i en gemensam bemanningspool",
        _ATGARDSPLAN + "Pass som i dag bemannas med timavlönade läggs i en pool som alla "
        "enheter inom äldreomsorg och funktionsstöd delar.",
        "SN3",
        day("02-01"),
        day("12-31"),
        "4100",
        "Förvaltningschef",
        ("4110", "4120", *below("4110", "Enhet"), *below("4120", "Enhet")),
    ),
    Measure(
        "ÅP3",
        "Fler placeringar av barn och unga ersätts med öppenvård i egen regi",
        _ATGARDSPLAN + "Nya ärenden prövas först mot öppenvård; pågående placeringar följs upp "
        "med sikte på hemflytt.",
        "SN3",
        day("01-15"),
        day("12-31"),
        "4130",
        "Verksamhetschef individ- och familjeomsorg",
        ("4130", "4131", "4132"),
    ),
    Measure(
        "ÅP4",
        "Granska alla köp av externa vård- och boendeplatser och omförhandla avtal som löper "
        "ut under året",
        _ATGARDSPLAN + "Varje köpt plats ska ha ett aktuellt beslut, en uppföljning och ett "
        "pris som jämförts med egen regi.",
        "SN3",
        day("03-01"),
        day("11-30"),
        "4100",
        "Förvaltningschef",
        ("4120", "4130", "4124", "4132"),
    ),
    Measure(
        "ÅP5",
        "Månatlig ekonomisk uppföljning med controller på varje enhet",
        _ATGARDSPLAN + "Chefen och controllern går igenom utfall, prognos och åtgärder vid "
        "varje månadsuppföljning.",
        "SN3",
        day("01-15"),
        day("12-31"),
        "4100",
        "Controller",
        below("4100", "Avdelning", "Enhet"),
    ),
)

# Units' own activities under the measures shared to them, in their Åtgärdsplan.
MEASURE_ACTIVITIES: tuple[ActivityPlan, ...] = (
    ActivityPlan(
        "4110",
        (
            act(
                "Veckovis uppföljning av utförd mot beviljad tid per enhet",
                "ÅP1",
                "01-20",
                "12-19",
            ),
        ),
        ATGARDSPLAN,
    ),
    ActivityPlan(
        "4111",
        (
            act(
                "Digital planering av hemtjänstinsatser med daglig avstämning mot beviljad tid",
                "ÅP1",
                "02-01",
                "06-30",
            ),
        ),
        ATGARDSPLAN,
    ),
    ActivityPlan(
        "4112",
        (act("Samplanera kvälls- och helgturer med Hemtjänst Norr", "ÅP1", "03-01", "09-30"),),
        ATGARDSPLAN,
    ),
    ActivityPlan(
        "4113",
        (
            act("Se över nattbemanningen utifrån vårdtyngdsmätningen", "ÅP1", "02-15", "05-31"),
            act(
                "Erbjuda timavlönade med många pass anställning i bemanningspoolen",
                "ÅP2",
                "03-01",
                "08-31",
            ),
        ),
        ATGARDSPLAN,
    ),
    ActivityPlan(
        "4121",
        (act("Fasta vikarier från bemanningspoolen i schemat", "ÅP2", "04-01", "10-31"),),
        ATGARDSPLAN,
    ),
    ActivityPlan(
        "4131",
        (
            act(
                "Familjebehandling i egen regi som alternativ till placering på HVB",
                "ÅP3",
                "01-20",
                "09-30",
            ),
        ),
        ATGARDSPLAN,
    ),
    ActivityPlan(
        "4132",
        (
            act(
                "Varje extern placering följs upp vid en fast tidpunkt varje kvartal",
                "ÅP4",
                "03-01",
                "11-30",
            ),
        ),
        ATGARDSPLAN,
    ),
)

# Units' own activities under the shared arbetsmiljömål, in their Arbetsmiljömål plan.
WORK_ENVIRONMENT_ACTIVITIES: tuple[ActivityPlan, ...] = (
    ActivityPlan(
        "3110",
        (
            act(
                "Chefsforum om tidiga insatser vid upprepad korttidsfrånvaro",
                "AM1",
                "02-01",
                "04-30",
            ),
        ),
        ARBETSMILJOMAL,
    ),
    ActivityPlan(
        "3111",
        (
            act(
                "Frisknärvaro som tema på arbetsplatsträffarna under våren", "AM1", "01-15", "05-31"
            ),
        ),
        ARBETSMILJOMAL,
    ),
    ActivityPlan(
        "3121",
        (
            act(
                "Arbetslagen sätter egna mål för läsåret och följer upp dem varje månad",
                "AM2",
                "08-18",
                "12-19",
            ),
        ),
        ARBETSMILJOMAL,
    ),
    ActivityPlan(
        "3123",
        (
            act(
                "Kartlägga arbetsbelastningen i arbetslagen med stöd av företagshälsovården",
                "AM1",
                "02-01",
                "06-13",
            ),
        ),
        ARBETSMILJOMAL,
    ),
)


# --- Enheternas aktivitetsplaner --------------------------------------------------

UNIT_ACTIVITIES: tuple[ActivityPlan, ...] = (
    ActivityPlan(
        "1111",
        (
            act(
                "Automatisera periodiseringar av återkommande fakturor",
                "KLF1",
                "02-01",
                "05-31",
            ),
            act(
                "Gemensam prognosmall för alla nämnder inför delårsbokslutet",
                "KS1",
                "03-01",
                "08-31",
            ),
            act(
                "Utbilda budgetansvariga chefer i att kommentera månadsrapporten",
                "KS1",
                "09-01",
                "11-30",
            ),
        ),
    ),
    ActivityPlan(
        "1112",
        (
            act(
                "Upphandlingsplan för 2026 tillsammans med förvaltningarna",
                "KS1",
                "04-01",
                "10-31",
            ),
            act(
                "Följa upp avtalstroheten för livsmedel och kontorsmaterial",
                "KS1",
                "02-01",
                "12-15",
            ),
        ),
    ),
    ActivityPlan(
        "1121",
        (
            act(
                "E-tjänst för ansökan om ledighet och semesterväxling",
                "KS3",
                "01-15",
                "06-30",
            ),
            act(
                "Digitala tidrapporter för timavlönade i stället för papperslistor",
                "KS3",
                "03-01",
                "09-30",
            ),
            act("Introduktion i lön och schema för nya chefer", "KS2", "02-01", "12-15"),
        ),
    ),
    ActivityPlan(
        "3111",
        (
            act(
                "Läsfrämjande arbete med bokpåsar som barnen tar med hem",
                "FSK1",
                "01-13",
                "06-13",
            ),
            act(
                "Följa barnens språkutveckling med ett gemensamt observationsstöd",
                "FSK1",
                "02-01",
                "11-28",
            ),
            act(
                "Revidera planen mot kränkande behandling tillsammans med vårdnadshavare",
                "FSK2",
                "08-15",
                "10-31",
            ),
        ),
    ),
    ActivityPlan(
        "3112",
        (
            act(
                "Språkpromenader i närområdet med de flerspråkiga barnen",
                "FSK1",
                "04-01",
                "09-30",
            ),
            act("Trygghetsvandring på förskolegården med barnen", "FSK2", "05-05", "05-30"),
        ),
    ),
    ActivityPlan(
        "3113",
        (
            act(
                "Gemensam läroplansanalys för personalen från Väster och Centrum",
                "FSK1",
                "01-08",
                "04-30",
            ),
            act(
                "Gemensamma rutiner för lämning och hämtning efter sammanslagningen",
                "FSK2",
                "01-08",
                "03-31",
            ),
            act(
                "Föräldraaktiv inskolning på alla avdelningar",
                "FSK2",
                "08-11",
                "09-30",
            ),
        ),
    ),
    ActivityPlan(
        "3121",
        (
            act(
                "Matematiklyft med kollegialt lärande för lärare i åk 4–6",
                "GSK1",
                "01-13",
                "12-19",
            ),
            act(
                "Extra anpassningar dokumenteras och följs upp vid varje elevhälsomöte",
                "BUF1",
                "02-01",
                "12-19",
            ),
            act(
                "Gemensamma regler för mobiltelefoner och arbetsro i klassrummen",
                "GSK2",
                "08-18",
                "10-31",
            ),
        ),
    ),
    ActivityPlan(
        "3122",
        (
            act("Lästräning tjugo minuter varje dag i åk 1–3", "GSK1", "01-13", "06-13"),
            act(
                "Rastaktiviteter ledda av fritidshemmets personal",
                "GSK2",
                "03-01",
                "11-28",
            ),
        ),
    ),
    ActivityPlan(
        "3123",
        (
            act(
                "Studiestöd i matematik och engelska efter skoltid",
                "GSK1",
                "01-20",
                "05-30",
            ),
            act(
                "Mentorssamtal om studiero och trygghet i varje klass",
                "GSK2",
                "09-01",
                "10-31",
            ),
            act(
                "Analysera betygen per ämne och kön efter vårterminen",
                "BUF1",
                "06-16",
                "09-30",
            ),
            act(
                "Samarbete med socialtjänsten kring elever med hög frånvaro",
                "BUN2",
                "02-01",
                "12-19",
            ),
        ),
    ),
    ActivityPlan(
        "3124",
        (
            act(
                "Hälsosamtal i åk 4 och 7 med frågor om trygghet och trivsel",
                "BUN2",
                "01-13",
                "12-19",
            ),
            act(
                "Rutin för att tidigt upptäcka problematisk skolfrånvaro",
                "BUN2",
                "02-01",
                "06-13",
            ),
        ),
    ),
    ActivityPlan(
        "3125",
        (
            act(
                "Prova-på-kurser utan avgift på skolorna i ytterområdena",
                "BUN2",
                "02-01",
                "05-31",
            ),
            act(
                "Samordna lokaler med grundskolan för att sänka hyreskostnaden",
                "BUN3",
                "03-01",
                "08-15",
            ),
        ),
    ),
    ActivityPlan(
        "4111",
        (
            act(
                "Fasta team per geografiskt område i hemtjänsten",
                "ÄO1",
                "01-07",
                "04-30",
            ),
            act(
                "Kontaktpersonen gör genomförandeplanen tillsammans med brukaren inom två veckor",
                "SN2",
                "02-01",
                "12-19",
            ),
        ),
    ),
    ActivityPlan(
        "4112",
        (
            act("Nyckelfria lås hos alla brukare", "ÄO2", "02-01", "09-30"),
            act(
                "Mäta kontinuiteten varannan månad och återkoppla på arbetsplatsträffen",
                "ÄO1",
                "01-15",
                "12-15",
            ),
        ),
    ),
    ActivityPlan(
        "4113",
        (
            act(
                "Måltidsvärdar och lugnare måltidsmiljö på varje avdelning", "SN2", "02-01", "05-31"
            ),
            act("Vårdtyngdsmätning för alla boende två gånger per år", "ÄO2", "03-01", "10-31"),
            act(
                "Utbildning i personcentrerad demensvård för all personal",
                "SN2",
                "09-01",
                "11-28",
            ),
        ),
    ),
    ActivityPlan(
        "4114",
        (
            act(
                "Boenderåd varje kvartal där de boende påverkar aktiviteter och mat",
                "SN2",
                "01-15",
                "12-15",
            ),
            act(
                "Tillsyn nattetid via trygghetskamera för boende som samtyckt",
                "ÄO2",
                "04-01",
                "09-30",
            ),
        ),
    ),
    ActivityPlan(
        "4115",
        (
            act("Planeringen för hemgång börjar första dagen", "ÄO2", "02-01", "06-30"),
            act(
                "Samordnad planering med hemtjänst och hemsjukvård inför varje hemgång",
                "SN2",
                "02-01",
                "12-19",
            ),
        ),
    ),
    ActivityPlan(
        "4116",
        (
            act(
                "Läkemedelsgenomgång för alla med fler än tio läkemedel",
                "SN2",
                "01-15",
                "11-30",
            ),
            act("Digital signering av läkemedel i hemtjänsten", "ÄO2", "03-01", "08-29"),
            act(
                "Fallförebyggande hembesök av fysioterapeut efter sjukhusvistelse",
                "SN2",
                "04-01",
                "12-15",
            ),
        ),
    ),
    ActivityPlan(
        "4121",
        (
            act("Genomförandeplaner med bildstöd för varje boende", "FS1", "02-01", "06-30"),
            act(
                "Husmöten varje månad där de boende planerar aktiviteter",
                "FS1",
                "01-15",
                "12-15",
            ),
        ),
    ),
    ActivityPlan(
        "4122",
        (
            act(
                "Stöd till de boende att använda digitala hjälpmedel i vardagen",
                "FS1",
                "03-01",
                "10-31",
            ),
            act(
                "Kartlägga de boendes önskemål om fritid och föreningsliv",
                "FS1",
                "02-01",
                "04-30",
            ),
        ),
    ),
    ActivityPlan(
        "4123",
        (
            act(
                "Fler platser i daglig verksamhet ute på kommunens arbetsplatser",
                "FS1",
                "01-15",
                "12-15",
            ),
            act("Enkät med bildstöd till alla deltagare", "FS1", "09-01", "10-31"),
        ),
    ),
    ActivityPlan(
        "4124",
        (
            act(
                "Brukaren planerar sitt schema med en fast grupp assistenter",
                "FS1",
                "01-15",
                "06-30",
            ),
            act(
                "Introduktion med praktik hos brukaren för nya assistenter",
                "SN2",
                "02-01",
                "12-19",
            ),
        ),
    ),
    ActivityPlan(
        "4131",
        (
            act(
                "Öppenvårdsteam för familjebehandling i egen regi",
                "IFO1",
                "01-15",
                "08-29",
            ),
            act("Barnsamtal dokumenteras i alla utredningar", "SN1", "01-15", "12-19"),
            act(
                "Gemensam rutin med skolan för orosanmälningar",
                "SN1",
                "03-01",
                "09-30",
            ),
        ),
    ),
    ActivityPlan(
        "4132",
        (
            act(
                "Samordnad individuell plan (SIP) med regionen för alla med samsjuklighet",
                "IFO2",
                "02-01",
                "12-15",
            ),
            act(
                "Bostad först: tre lägenheter i samarbete med Sjöbackahem",
                "IFO2",
                "03-01",
                "12-19",
            ),
        ),
    ),
    ActivityPlan(
        "4133",
        (
            act(
                "Arbetsmarknadsinsats för unga vuxna med försörjningsstöd",
                "SN3",
                "01-15",
                "12-15",
            ),
            act("E-tjänst för ansökan om försörjningsstöd", "SN2", "02-01", "06-30"),
        ),
    ),
    ActivityPlan(
        "5111",
        (
            act(
                "Checklista för komplett bygglovsansökan på webbplatsen",
                "PB1",
                "01-15",
                "03-31",
            ),
            act(
                "E-tjänst för bygglov med automatisk begäran om komplettering",
                "PB1",
                "02-01",
                "10-31",
            ),
            act(
                "Genomgång varje vecka av ärenden som är äldre än fyra veckor",
                "SBN2",
                "01-08",
                "12-19",
            ),
        ),
    ),
    ActivityPlan(
        "5112",
        (
            act(
                "Detaljplan för bostäder vid Norra Strandvägen till granskning",
                "SBN1",
                "01-15",
                "09-30",
            ),
            act("Planprogram för Sjöbacka centrum", "SBN1", "03-01", "12-15"),
        ),
    ),
    ActivityPlan(
        "5113",
        (
            act(
                "Tillsyn av enskilda avlopp runt Sjöbackasjön",
                "SBN3",
                "04-01",
                "10-31",
            ),
            act("Behovsutredning och tillsynsplan för 2026", "SBN2", "09-01", "11-28"),
        ),
    ),
    ActivityPlan(
        "5121",
        (
            act(
                "Gång- och cykelväg mellan Ekbacka och centrum",
                "TEK2",
                "04-01",
                "10-31",
            ),
            act(
                "Säkrare passager vid skolorna inför höstterminen",
                "TEK2",
                "05-01",
                "08-15",
            ),
        ),
    ),
    ActivityPlan(
        "5122",
        (
            act("Tillgänglig badplats vid Sjöbackasjön", "SBN3", "03-01", "06-13"),
            act("Plantera 200 träd i de nya bostadsområdena", "SBN3", "04-01", "11-14"),
        ),
    ),
    ActivityPlan(
        "5123",
        (
            act("Läcksökning med loggrar i tre tryckzoner", "TEK1", "03-01", "10-31"),
            act("Förnya 1,5 km vattenledning i Storgatan", "TEK1", "05-01", "10-31"),
            act("Uppdatera och öva reservvattenplanen", "TEK1", "02-01", "05-30"),
        ),
    ),
    ActivityPlan(
        "5124",
        (
            act(
                "Uppdatera baskartan i områden med ny bebyggelse",
                "SBN1",
                "02-01",
                "12-15",
            ),
            act("Digital nybyggnadskarta direkt i bygglovsärendet", "SBN2", "04-01", "11-28"),
        ),
    ),
)


# --- Internkontroll och egenkontroll ----------------------------------------------

VO = "Verksamhet och organisation"
PERSONAL = "Personal"
EKONOMI_AREA = "Ekonomi"
ADMINISTRATION = "Administration"

FORVALTNINGAR = ("1100", "3100", "4100", "5100")

INTERNAL_CONTROL = ControlPlan(
    data.ROOT_CODE,
    INTERNKONTROLLPLAN,
    (
        ControlPoint(
            "IK1",
            VO,
            "Beslut fattas av rätt delegat och anmäls till nämnden",
            "Delegering av beslutanderätt",
            "Beslut fattas utan giltig delegation eller anmäls aldrig, så att nämnden inte "
            "vet vad som beslutats i dess namn.",
            2,
            3,
            "Att beslutet är fattat av den delegat som delegationsordningen anger och att det "
            "anmälts till nämnden.",
            "Stickprov på 15 beslut per förvaltning som jämförs med delegationsordningen och "
            "nämndens protokoll. Utförs av nämndsekreteraren.",
            "Två gånger per år",
            "Nämndsekreterare",
            FORVALTNINGAR,
        ),
        ControlPoint(
            "IK2",
            VO,
            "Verksamheten kan fortsätta vid avbrott i el, it eller vatten",
            "Kontinuitetsplanering",
            "Samhällsviktig verksamhet står still vid ett längre avbrott eftersom planer "
            "saknas eller inte är kända.",
            2,
            4,
            "Att varje förvaltning har aktuella kontinuitetsplaner för sin samhällsviktiga "
            "verksamhet och att minst en plan har övats under året.",
            "Genomgång av planer och övningsrapporter tillsammans med förvaltningens "
            "beredskapsansvariga. Utförs av säkerhetssamordnaren.",
            "En gång per år",
            "Säkerhetssamordnare",
            FORVALTNINGAR,
        ),
        ControlPoint(
            "IK3",
            PERSONAL,
            "Utdrag ur belastningsregistret före anställning",
            "Rekrytering",
            "Någon anställs i arbete med barn eller personer med funktionsnedsättning utan "
            "att utdrag ur belastningsregistret har visats.",
            2,
            4,
            "Att utdrag har visats och dokumenterats före anställning i de verksamheter där "
            "det krävs.",
            "Stickprov på tio nyanställningar per förvaltning i personalsystemet. Utförs av "
            "HR-specialist.",
            "Två gånger per år",
            "HR-chef",
            ("3100", "4100", "1120"),
        ),
        ControlPoint(
            "IK4",
            PERSONAL,
            "Övertid inom lagens och avtalets gränser",
            "Arbetstid och övertid",
            "Medarbetare arbetar så mycket övertid att hälsan och säkerheten riskeras.",
            3,
            2,
            "Att ingen medarbetare har mer än 150 timmar övertid hittills under året och "
            "att extra övertid är beviljad i förväg.",
            "Rapport ur lönesystemet per förvaltning som HR går igenom med berörda chefer.",
            "Varje kvartal",
            "HR-specialist",
            FORVALTNINGAR,
        ),
        ControlPoint(
            "IK5",
            EKONOMI_AREA,
            "Leverantörsfakturor attesteras av behörig attestant",
            "Attest av leverantörsfakturor",
            "Fakturor betalas utan att varan eller tjänsten levererats, eller attesteras av "
            "någon som inte får.",
            2,
            3,
            "Att beslutsattest gjorts av attestant enligt attestförteckningen och att "
            "ingen har attesterat en faktura som rör den själv.",
            "Stickprov på 25 fakturor per förvaltning i ekonomisystemet. Utförs av controller.",
            "Två gånger per år",
            "Ekonomichef",
            FORVALTNINGAR,
        ),
        ControlPoint(
            "IK6",
            EKONOMI_AREA,
            "Inköp görs enligt avtal eller dokumenterad direktupphandling",
            "Direktupphandling",
            "Inköp görs utanför avtal eller över gränsen för direktupphandling utan att det "
            "dokumenterats, med risk för otillåten direktupphandling.",
            3,
            3,
            "Att inköp utanför avtal med ett värde över 100 000 kronor är dokumenterade "
            "enligt kommunens riktlinje.",
            "Leverantörsanalys ur ekonomisystemet, med stickprov på underlagen. Utförs av "
            "upphandlingsenheten.",
            "En gång per år",
            "Upphandlingschef",
            FORVALTNINGAR,
        ),
        ControlPoint(
            "IK7",
            ADMINISTRATION,
            "Allmänna handlingar registreras och kan lämnas ut",
            "Diarieföring",
            "Allmänna handlingar registreras inte, så att de inte kan hittas när någon begär "
            "att få ta del av dem.",
            2,
            3,
            "Att inkomna handlingar i fem utvalda ärendetyper är registrerade inom tre "
            "arbetsdagar.",
            "Stickprov i diariet jämfört med inkommen post och e-post under två veckor. "
            "Utförs av registrator.",
            "Två gånger per år",
            "Registrator",
            FORVALTNINGAR,
        ),
        ControlPoint(
            "IK8",
            ADMINISTRATION,
            "Behörigheter i verksamhetssystemen tas bort när någon slutar",
            "Behörighetshantering",
            "Medarbetare som slutat eller bytt uppdrag har kvar behörighet till känsliga "
            "uppgifter.",
            3,
            3,
            "Att ingen som slutat under perioden har kvar behörighet i ekonomi-, personal- "
            "eller verksamhetssystem.",
            "Behörighetslistor ur systemen jämförs med personalsystemets lista över avslutade "
            "anställningar. Utförs av systemförvaltare.",
            "Två gånger per år",
            "Systemförvaltare",
            FORVALTNINGAR,
        ),
    ),
)

SELF_INSPECTION: tuple[ControlPlan, ...] = (
    ControlPlan(
        "4113",
        EGENKONTROLLPLAN,
        (
            ControlPoint(
                "EK1",
                "Hälso- och sjukvård",
                "Läkemedel förvaras, signeras och kasseras enligt rutin",
                "Läkemedelshantering",
                "Fel läkemedel eller fel dos ges, eller läkemedel kommer bort.",
                2,
                4,
                "Att läkemedelsskåpen är låsta, att signeringslistorna är kompletta och att "
                "narkotikaklassade läkemedel stämmer mot förbrukningsjournalen.",
                "Sjuksköterskan går igenom en avdelning i taget och för protokoll.",
                "Varje månad",
                "Sjuksköterska",
            ),
            ControlPoint(
                "EK2",
                "Hygien",
                "Personalen följer basala hygienrutiner",
                "Basala hygienrutiner och klädregler",
                "Smitta sprids mellan boende och personal.",
                3,
                3,
                "Att personalen har arbetskläder, inga smycken eller ringar och använder "
                "handdesinfektion och förkläde enligt rutinen.",
                "Observationsstudie på varje avdelning med kommunens mall; resultatet "
                "redovisas på arbetsplatsträffen.",
                "Två gånger per år",
                "Hygienombud",
            ),
            ControlPoint(
                "EK3",
                "Säkerhet",
                "Brandskyddet fungerar och personalen vet vad de ska göra",
                "Systematiskt brandskyddsarbete",
                "Brand sprids eller utrymningen går för långsamt eftersom dörrar, larm eller "
                "kunskap brister.",
                2,
                4,
                "Att branddörrar stänger, att utrymningsvägar är fria och att all personal "
                "har gått brandskyddsutbildning.",
                "Egenkontroll enligt checklista för brandskydd samt kontroll av utbildningslistan.",
                "Varje kvartal",
                "Brandskyddsansvarig",
            ),
            ControlPoint(
                "EK4",
                "Hälso- och sjukvård",
                "Avvikelser rapporteras och leder till förbättringar",
                "Avvikelsehantering",
                "Samma fel upprepas eftersom avvikelser inte rapporteras eller inte följs upp.",
                3,
                2,
                "Att avvikelser är utredda inom två veckor och att åtgärderna följts upp.",
                "Genomgång av avvikelsesystemet tillsammans med medicinskt ansvarig sjuksköterska.",
                "Varje månad",
                "Enhetschef",
            ),
        ),
    ),
    ControlPlan(
        "3111",
        EGENKONTROLLPLAN,
        (
            ControlPoint(
                "EK1",
                "Säkerhet",
                "Lekredskap och förskolegård är säkra",
                "Utemiljö och lekredskap",
                "Barn skadar sig på trasiga eller felaktigt monterade lekredskap.",
                2,
                3,
                "Att lekredskapen är hela, att fallunderlaget räcker och att grindar och "
                "staket är hela.",
                "Okulär besiktning enligt checklista; fel anmäls till fastighetsförvaltaren.",
                "Varje månad",
                "Biträdande rektor",
            ),
            ControlPoint(
                "EK2",
                "Hygien",
                "Mat tas emot, förvaras och serveras säkert",
                "Livsmedelshantering i mottagningskök",
                "Barn blir sjuka av mat som hållit fel temperatur eller av allergener.",
                2,
                4,
                "Att temperaturen mäts och dokumenteras vid leverans och servering och att "
                "specialkost hålls åtskild.",
                "Genomgång av temperaturlistor och specialkostrutin på varje avdelning.",
                "Varje vecka",
                "Kökspersonal",
            ),
            ControlPoint(
                "EK3",
                "Säkerhet",
                "Utrymning fungerar med alla barn",
                "Systematiskt brandskyddsarbete",
                "Barn blir kvar i byggnaden vid brand.",
                1,
                4,
                "Att utrymningsövning har genomförts under terminen och att närvarolistan "
                "används vid återsamlingsplatsen.",
                "Utrymningsövning med protokoll; avvikelser tas upp på arbetsplatsträffen.",
                "En gång per termin",
                "Rektor",
            ),
        ),
    ),
    ControlPlan(
        "5123",
        EGENKONTROLLPLAN,
        (
            ControlPoint(
                "EK1",
                "Dricksvatten",
                "Dricksvattnet uppfyller kvalitetskraven",
                "Provtagning av dricksvatten",
                "Invånare blir sjuka av förorenat dricksvatten.",
                1,
                4,
                "Att proverna enligt provtagningsprogrammet är tagna och att inget prov visat "
                "otjänligt vatten utan åtgärd.",
                "Genomgång av laboratoriets svar mot provtagningsprogrammet.",
                "Varje månad",
                "Driftingenjör",
            ),
            ControlPoint(
                "EK2",
                "Drift",
                "Reservkraften vid pumpstationerna startar",
                "Reservkraft",
                "Avloppsvatten bräddar ut i sjön vid strömavbrott.",
                2,
                3,
                "Att reservkraftverken startar vid provkörning och att bränslet räcker i 48 "
                "timmar.",
                "Provkörning med protokoll för varje pumpstation med reservkraft.",
                "Varje kvartal",
                "Drifttekniker",
            ),
            ControlPoint(
                "EK3",
                "Säkerhet",
                "Arbete i brunnar och ledningsgravar görs säkert",
                "Arbetsmiljö vid schaktarbete",
                "Medarbetare skadas av ras eller gas vid arbete under mark.",
                2,
                4,
                "Att gasvarnare är kalibrerade och att schaktarbeten har en dokumenterad "
                "riskbedömning.",
                "Kontroll på plats av arbetsledaren, med stickprov på riskbedömningar.",
                "Varje kvartal",
                "Arbetsledare",
            ),
        ),
    ),
)


# --- Särskilda uppdrag ---------------------------------------------------------------

ASSIGNMENTS_UNIT = "3000"
ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment(
        "SU1",
        "Utreda behovet av förskoleplatser i norra Sjöbacka fram till 2030",
        "Kommunfullmäktige",
        day("02-01"),
        day("10-31"),
        "3100",
        "Utredningen ska visa om en ny förskola behövs, var den i så fall bör ligga och vad "
        "den kostar, med hänsyn till befolkningsprognosen och de nya detaljplanerna.",
        INVANARE,
    ),
    Assignment(
        "SU2",
        "Ta fram en plan för likvärdig tillgång till kulturskolan i alla kommundelar",
        "Nämnden",
        day("01-20"),
        day("06-30"),
        "3125",
        "Planen ska redovisa hur barn i ytterområdena kan delta utan att vara beroende av "
        "skjuts, och vad det kostar.",
        INVANARE,
    ),
    Assignment(
        "SU3",
        "Redovisa hur skolskjutsarna kan samordnas med kollektivtrafiken",
        "Kommunfullmäktige",
        day("03-01"),
        day("12-15"),
        "3120",
        "Redovisningen görs tillsammans med samhällsbyggnadsförvaltningen och regionens "
        "kollektivtrafik.",
        EKONOMI,
    ),
)


# --- Flattened ------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """One demo item, ready for planning.services.item_create."""

    ref: str  # how other items point at it: the number, or unit:plan type:number
    unit: str
    plan_type: str
    kind: str
    number: str
    title: str
    perspective: str = ""
    level: str = ""
    responsible: str = ""  # the code of the unit whose manager is responsible
    fields: dict = field(default_factory=dict, hash=False)
    contributes_to: tuple[str, ...] = ()  # refs
    shared_to: tuple[str, ...] = ()  # unit codes


def _goal_specs(plan: GoalPlan) -> list[ItemSpec]:
    specs = []
    for order, goal in enumerate(plan.goals, 1):
        specs.append(
            ItemSpec(
                goal.number,
                plan.unit,
                plan.plan_type,
                ItemKind.GOAL,
                goal.number,
                goal.title,
                perspective=goal.perspective,
                level=plan.level,
                fields={"description": goal.description, "order": order * 10},
                contributes_to=tuple(goal.contributes_to.split()),
                shared_to=plan.shared_to,
            )
        )
        for sub, ind in enumerate(goal.indicators, 1):
            specs.append(
                ItemSpec(
                    ind.number,
                    plan.unit,
                    plan.plan_type,
                    ItemKind.INDICATOR,
                    ind.number,
                    ind.title,
                    perspective=goal.perspective,
                    fields={
                        "description": ind.description,
                        "order": order * 10 + sub,
                        "measure_unit": ind.measure_unit,
                        "direction": ind.direction,
                        "source": IndicatorSource.KOLADA
                        if ind.kolada_kpi
                        else IndicatorSource.MANUAL,
                        "kolada_kpi": ind.kolada_kpi,
                        "reported_by": ind.reported_by,
                        "periodicity": ind.periodicity,
                        "gender_split": ind.gender_split,
                        "baseline_year": BASELINE_YEAR,
                        "baseline_value": Decimal(ind.baseline),
                        "target_year": ind.target_year if ind.target else None,
                        "target_value": Decimal(ind.target) if ind.target else None,
                        "near_target_margin": Decimal(ind.near_target) if ind.near_target else None,
                    },
                    contributes_to=(goal.number,),
                    shared_to=plan.shared_to,
                )
            )
    return specs


def _activity_specs(plan: ActivityPlan) -> list[ItemSpec]:
    return [
        ItemSpec(
            f"{plan.unit}:{plan.plan_type}:A{n}",
            plan.unit,
            plan.plan_type,
            ItemKind.ACTIVITY,
            f"A{n}",
            a.title,
            responsible=plan.unit,
            fields={
                "description": a.description,
                "start_date": a.start,
                "end_date": a.end,
                "order": n * 10,
            },
            contributes_to=tuple(a.contributes_to.split()),
        )
        for n, a in enumerate(plan.activities, 1)
    ]


def _measure_specs() -> list[ItemSpec]:
    return [
        ItemSpec(
            m.number,
            MEASURES_UNIT,
            ATGARDSPLAN,
            ItemKind.ACTIVITY,
            m.number,
            m.title,
            perspective=EKONOMI,
            responsible=m.responsible,
            fields={
                "description": m.description,
                "responsible_text": m.responsible_text,
                "start_date": m.start,
                "end_date": m.end,
                "order": n * 10,
            },
            contributes_to=tuple(m.contributes_to.split()),
            shared_to=m.shared_to,
        )
        for n, m in enumerate(MEASURES, 1)
    ]


def _control_specs(plan: ControlPlan) -> list[ItemSpec]:
    return [
        ItemSpec(
            f"{plan.unit}:{plan.plan_type}:{p.number}",
            plan.unit,
            plan.plan_type,
            ItemKind.CONTROL_POINT,
            p.number,
            p.title,
            fields={
                "order": n * 10,
                "area": p.area,
                "process": p.process,
                "risk": p.risk,
                "probability": p.probability,
                "consequence": p.consequence,
                "control_step": p.control_step,
                "control_method": p.control_method,
                "frequency": p.frequency,
                "responsible_text": p.responsible_text,
            },
            shared_to=p.shared_to,
        )
        for n, p in enumerate(plan.points, 1)
    ]


def _assignment_specs() -> list[ItemSpec]:
    return [
        ItemSpec(
            a.number,
            ASSIGNMENTS_UNIT,
            VERKSAMHETSPLAN,
            ItemKind.ASSIGNMENT,
            a.number,
            a.title,
            perspective=a.perspective,
            responsible=a.responsible,
            fields={
                "description": a.description,
                "given_by": a.given_by,
                "start_date": a.start,
                "end_date": a.end,
                "order": 100 + n * 10,
            },
        )
        for n, a in enumerate(ASSIGNMENTS, 1)
    ]


def item_specs() -> list[ItemSpec]:
    """Every demo item, each after the items it contributes to."""
    specs = _goal_specs(COUNCIL_GOALS)
    for plan in COMMITTEE_GOALS + OPERATIONAL_GOALS + (WORK_ENVIRONMENT_GOALS,):
        specs += _goal_specs(plan)
    specs += _measure_specs()
    for plan in UNIT_ACTIVITIES + MEASURE_ACTIVITIES + WORK_ENVIRONMENT_ACTIVITIES:
        specs += _activity_specs(plan)
    for plan in (INTERNAL_CONTROL, *SELF_INSPECTION):
        specs += _control_specs(plan)
    specs += _assignment_specs()
    return specs
