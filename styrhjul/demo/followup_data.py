"""Sjöbacka kommun's follow-up of the closed year (written for 2025, moved
to last year by calendar.py), as data: the year wheel's occasions
with their steps (DOMAIN §6), the budget and planning calendar, and what the
units had reported at the delårsbokslut per 31 August.

The delårsbokslut is meant to look like a real one a few weeks after the
deadline: in Barn- och utbildningsförvaltningen nearly every enhet has
reported everything and marked its task done (one of them late), one enhet
has reported half and one nothing; in Socialförvaltningen a few enheter have
reported, most not; the avdelningar have assessed their goals, the
förvaltningar their internal-control points, the council and the committees
have indicator values with 2023 and 2024 to compare with. The september
follow-up is open with no reports yet. The årsbokslut, reported in full and
closed, is in annual_data.py.

Everything is invented, as in data.py and model_data.py. Nothing is random:
every status, percentage, value and date is written out here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from styrhjul.followup.models import OccasionKind

from .model_data import (
    AKTIVITETSPLAN,
    ARBETSMILJOMAL,
    ATGARDSPLAN,
    EGENKONTROLLPLAN,
    INTERNKONTROLLPLAN,
    VERKSAMHETSPLAN,
    YEAR,
)

ALL_PLAN_TYPES = (
    VERKSAMHETSPLAN,
    ATGARDSPLAN,
    ARBETSMILJOMAL,
    INTERNKONTROLLPLAN,
    EGENKONTROLLPLAN,
    AKTIVITETSPLAN,
)
ENHET, AVDELNING, FORVALTNING = "Enhet", "Avdelning", "Förvaltning"


def d(text: str) -> datetime.date:
    """ "2025-06-02" → the date."""
    return datetime.date.fromisoformat(text)


# --- The year wheel ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    unit_type: str | None  # the level that reports; None: a milestone
    start: datetime.date
    deadline: datetime.date


@dataclass(frozen=True)
class Occasion:
    kind: str
    name: str
    period_end: datetime.date
    plan_types: tuple[str, ...]
    steps: tuple[Step, ...]
    opened: bool = False  # opened by the demo (tasks created)
    closed: bool = False  # closed by the demo once its reports are written


DELAR = f"Delårsbokslut {YEAR}"
SEPTEMBER = f"Månadsuppföljning september {YEAR}"
ARSBOKSLUT = f"Årsbokslut {YEAR}"

OCCASIONS: tuple[Occasion, ...] = (
    Occasion(
        OccasionKind.INTERIM,
        DELAR,
        d("2025-08-31"),
        ALL_PLAN_TYPES,
        (
            Step("Enhetschefer rapporterar", ENHET, d("2025-06-02"), d("2025-07-15")),
            Step("Avdelningschefer rapporterar", AVDELNING, d("2025-07-15"), d("2025-08-20")),
            Step("Förvaltningen sammanställer", FORVALTNING, d("2025-08-20"), d("2025-09-01")),
            Step("Nämndens arbetsutskott", None, d("2025-09-15"), d("2025-09-15")),
            Step("Nämnden beslutar", None, d("2025-09-22"), d("2025-09-22")),
        ),
        opened=True,
        closed=True,
    ),
    Occasion(
        OccasionKind.MONTHLY,
        SEPTEMBER,
        d("2025-09-30"),
        (ATGARDSPLAN, EGENKONTROLLPLAN),
        (
            Step("Enhetschefer rapporterar", ENHET, d("2025-09-29"), d("2025-10-06")),
            Step("Avdelningschefer rapporterar", AVDELNING, d("2025-09-29"), d("2025-10-10")),
        ),
        opened=True,
        closed=True,
    ),
    Occasion(
        OccasionKind.ANNUAL,
        ARSBOKSLUT,
        d("2025-12-31"),
        ALL_PLAN_TYPES,
        (
            Step("Enhetschefer rapporterar", ENHET, d("2025-11-14"), d("2025-12-30")),
            Step("Avdelningschefer rapporterar", AVDELNING, d("2025-11-14"), d("2026-01-13")),
            Step("Förvaltningen sammanställer", FORVALTNING, d("2026-01-13"), d("2026-01-31")),
        ),
        opened=True,
        closed=True,
    ),
)


@dataclass(frozen=True)
class Event:
    title: str
    start: datetime.date
    end: datetime.date | None = None
    description: str = ""
    process: str = ""  # one of the default processes (followup.services.DEFAULT_PROCESSES)
    deciding_body: str = ""  # one of followup.services.DEFAULT_DECIDING_BODIES


BUDGET, GOALS, FOLLOW_UP = "Budgetprocess", "Målprocess", "Ekonomisk uppföljning"
KF, NAMND = "Kommunfullmäktige (KF)", "Nämnd"

EVENTS: tuple[Event, ...] = (
    Event(
        "VF-listor inför budget 2026",
        d("2025-02-17"),
        d("2025-03-21"),
        "Nämnderna tar fram prioriterade listor över verksamhetsförändringar (VF-listor): "
        "vad som kan effektiviseras, minskas eller behöver utökas inom ramen.",
        process=BUDGET,
    ),
    Event(
        "Budgetdag",
        d("2025-04-08"),
        description="Nämndernas presidier och förvaltningschefer presenterar sina behov och "
        "VF-listor för kommunstyrelsens budgetberedning.",
        process=BUDGET,
    ),
    Event(
        "Kommunfullmäktige beslutar om ramar för 2026",
        d("2025-06-16"),
        description="Preliminära ekonomiska ramar per nämnd för 2026–2028.",
        process=BUDGET,
        deciding_body=KF,
    ),
    Event(
        "Nya aktivitetsplaner för 2026",
        d("2025-10-01"),
        d("2025-12-12"),
        "Enheterna tar fram aktivitetsplaner utifrån nämndmålen och verksamhetsmålen för 2026.",
        process=GOALS,
    ),
    Event(
        "Kommunfullmäktige beslutar om budget 2026 och skattesats",
        d("2025-11-24"),
        description="Budget 2026 med plan för 2027–2028 och skattesatsen för 2026.",
        process=BUDGET,
        deciding_body=KF,
    ),
    Event(
        "Nämnderna beslutar om verksamhetsplaner 2026",
        d("2025-12-10"),
        d("2025-12-17"),
        process=GOALS,
        deciding_body=NAMND,
    ),
)


# --- What was reported at the delårsbokslut -------------------------------------------


@dataclass(frozen=True)
class Row:
    """One item's report. `value` is a label of the plan type's scale: the
    status of an activity or assignment, the assessment of anything else."""

    number: str
    value: str = ""
    completion: int | None = None
    comment: str = ""
    analysis: str = ""
    measures: str = ""
    measures_responsible: str = ""
    measures_due: datetime.date | None = None


@dataclass(frozen=True)
class TaskReport:
    """What one unit reported in one task, written on `reported_on`; marked
    done on `done_on` (None: not marked done). `reporter`: the code of the
    unit whose manager wrote it, when the unit has no manager of its own (the
    förvaltning writes the committee's report)."""

    unit: str
    plan_type: str
    reported_on: datetime.date
    rows: tuple[Row, ...]
    done_on: datetime.date | None = None
    reporter: str = ""


KLAR, PAGAENDE, FORSENAD, STOPPAD, EJ_STARTAD = (
    "Klar",
    "Påbörjad",
    "Försenad",
    "Stoppad",
    "Ej startad",
)
UTAN, NARA, MED = "Utan anmärkning", "Nära målvärde", "Med anmärkning"
GODA, LANGSAMT, ATGARDER = (
    "Goda förutsättningar att nå målet",
    "Rätt riktning men för långsamt",
    "Åtgärder krävs",
)
IK_OK, IK_ANM, IK_EJ = (
    "Genomförd utan anmärkning",
    "Genomförd med anmärkning",
    "Ej genomförd",
)


def _done(number: str) -> Row:
    return Row(number, KLAR, 100)


INTERIM_REPORTS: tuple[TaskReport, ...] = (
    # Barn- och utbildningsförvaltningen: the enheter --------------------------------
    TaskReport(
        "3111",
        AKTIVITETSPLAN,
        d("2025-07-07"),
        (
            _done("A1"),
            Row("A2", PAGAENDE, 60, "Observationsstödet används på alla avdelningar sedan mars."),
            Row("A3", PAGAENDE, 10, "Arbetet startar med föräldramötena i augusti."),
        ),
        done_on=d("2025-07-08"),
    ),
    TaskReport(
        "3111",
        ARBETSMILJOMAL,
        d("2025-07-07"),
        (
            _done("A1"),
            Row("AM2.1", NARA, comment="Pulsmätningen i maj."),
        ),
        done_on=d("2025-07-08"),
    ),
    TaskReport(
        "3112",
        AKTIVITETSPLAN,
        d("2025-07-10"),
        (
            Row("A1", PAGAENDE, 70, "Promenaderna görs varje vecka; utvärdering i september."),
            _done("A2"),
        ),
        done_on=d("2025-07-11"),
    ),
    TaskReport(
        "3113",
        AKTIVITETSPLAN,
        d("2025-07-14"),
        (
            _done("A1"),
            _done("A2"),
            Row(
                "A3",
                FORSENAD,
                0,
                "Inskolningen flyttas till oktober: två avdelningar öppnar först när "
                "ombyggnaden är klar.",
            ),
        ),
        done_on=d("2025-07-15"),
    ),
    TaskReport(
        "3121",
        AKTIVITETSPLAN,
        d("2025-07-01"),
        (
            Row("A1", PAGAENDE, 55, "Två av fyra moduler genomförda under våren."),
            Row("A2", PAGAENDE, 50),
            Row("A3", EJ_STARTAD, 0, "Startar vid terminsstarten den 18 augusti."),
        ),
        done_on=d("2025-07-02"),
    ),
    TaskReport(
        "3121",
        ARBETSMILJOMAL,
        d("2025-07-01"),
        (
            Row("A1", EJ_STARTAD, 0, "Arbetslagen sätter sina mål vid läsårsstarten."),
            Row("AM2.1", UTAN),
        ),
        done_on=d("2025-07-02"),
    ),
    TaskReport(
        "3122",
        AKTIVITETSPLAN,
        d("2025-06-27"),
        (
            _done("A1"),
            Row("A2", PAGAENDE, 45, "Uppehåll under sommarlovet, fortsätter i augusti."),
        ),
        done_on=d("2025-06-27"),
    ),
    TaskReport(
        "3123",
        AKTIVITETSPLAN,
        d("2025-07-21"),
        (
            _done("A1"),
            Row("A2", EJ_STARTAD, 0, "Mentorssamtalen hålls i september och oktober."),
            Row("A3", PAGAENDE, 30),
            Row(
                "A4",
                FORSENAD,
                25,
                "Samverkansavtalet med socialtjänsten är inte undertecknat; mötena har "
                "skjutits upp till hösten.",
            ),
        ),
        done_on=d("2025-07-22"),  # a week late
    ),
    TaskReport(
        "3123",
        ARBETSMILJOMAL,
        d("2025-07-21"),
        (
            Row(
                "A1",
                FORSENAD,
                70,
                "Företagshälsovårdens rapport kommer i augusti i stället för juni.",
            ),
        ),
    ),
    TaskReport(  # reported half, not marked done
        "3124",
        AKTIVITETSPLAN,
        d("2025-07-15"),
        (Row("A1", PAGAENDE, 60, "Hälsosamtalen i åk 7 är klara, åk 4 görs under hösten."),),
    ),
    # 3125 Kulturskolan has not reported at all.
    # Barn- och utbildningsförvaltningen: the avdelningar and the förvaltning ---------
    TaskReport(
        "3110",
        VERKSAMHETSPLAN,
        d("2025-08-18"),
        (
            Row(
                "FSK1",
                GODA,
                analysis="Alla tre förskoleområden arbetar med observationsstödet och "
                "bokpåsarna; språkutvecklingen följs nu på samma sätt överallt.",
            ),
            Row(
                "FSK2",
                LANGSAMT,
                analysis="Vårdnadshavarnas delaktighet har ökat i Norr men inte i Centrum, "
                "där sammanslagningen tagit mycket tid.",
            ),
        ),
        done_on=d("2025-08-19"),
    ),
    TaskReport(
        "3120",
        VERKSAMHETSPLAN,
        d("2025-08-25"),
        (
            Row(
                "GSK1",
                ATGARDER,
                analysis="Andelen elever i åk 6 med godkänt i matematik sjönk från 86 till "
                "83 procent. Matematiklyftet har bara kommit halvvägs.",
                measures="Specialpedagog i matematik på Björkängsskolan och Ekbackaskolan "
                "från höstterminen.",
            ),
            Row(
                "GSK2",
                LANGSAMT,
                analysis="Studieron har förbättrats i åk 7–8 men inte i åk 9.",
            ),
        ),
        done_on=d("2025-08-26"),  # late: the avdelningar's deadline was 20 August
    ),
    TaskReport(
        "3100",
        VERKSAMHETSPLAN,
        d("2025-08-28"),
        (
            Row(
                "BUF1",
                LANGSAMT,
                analysis="Uppföljningen av kunskapsresultaten görs nu på alla skolor, men "
                "analysen leder ännu inte till ändrad undervisning överallt.",
            ),
        ),
        done_on=d("2025-08-29"),
    ),
    TaskReport(
        "3100",
        ARBETSMILJOMAL,
        d("2025-08-28"),
        (
            Row(
                "AM1",
                LANGSAMT,
                analysis="Sjukfrånvaron minskar men korttidsfrånvaron i förskolan är fortsatt hög.",
            ),
            Row("AM1.1", NARA, comment="Avser januari–juli."),
            Row("AM2", GODA, analysis="De flesta arbetsplatser har satt egna mål."),
        ),
    ),
    TaskReport(
        "3100",
        INTERNKONTROLLPLAN,
        d("2025-08-27"),
        (
            Row("IK1", IK_OK, comment="15 beslut granskade, alla fattade av rätt delegat."),
            Row(
                "IK2",
                IK_ANM,
                comment="Kontinuitetsplan saknas för två förskolor.",
                measures="Planerna tas fram före 31 oktober.",
                measures_responsible="Avdelningschef förskola",
                measures_due=d("2025-10-31"),
            ),
            Row("IK3", IK_OK, comment="Utdrag fanns för alla 20 granskade anställningar."),
            Row(
                "IK4",
                IK_ANM,
                comment="Tre medarbetare i grundskolan har passerat 150 timmars övertid.",
                measures="Rektorerna ser över schemaläggningen med HR.",
                measures_responsible="Grundskolechef",
                measures_due=d("2025-12-31"),
            ),
            Row("IK5", IK_OK, comment="Inga avvikelser i stickprovet."),
            Row("IK6", IK_OK),
            Row(
                "IK7",
                IK_EJ,
                comment="Kontrollen görs i oktober när den nya registratorn är på plats.",
            ),
            Row("IK8", IK_OK, comment="Alla 12 avslutade anställningar hade spärrade konton."),
        ),
        done_on=d("2025-08-29"),
    ),
    # Socialförvaltningen: a few enheter have reported ----------------------------
    TaskReport(
        "4111",
        AKTIVITETSPLAN,
        d("2025-07-14"),
        (
            _done("A1"),
            Row("A2", PAGAENDE, 40),
        ),
        done_on=d("2025-07-15"),
    ),
    TaskReport(
        "4111",
        ATGARDSPLAN,
        d("2025-07-14"),
        (
            _done("A1"),
            Row("ÅP1", PAGAENDE, 50),
            Row("ÅP2", PAGAENDE, 30, "Fyra av tolv timavlönade har gått över till poolen."),
            Row("ÅP5", PAGAENDE, 65),
        ),
        done_on=d("2025-07-15"),
    ),
    TaskReport(
        "4112",
        AKTIVITETSPLAN,
        d("2025-07-24"),
        (
            Row(
                "A1",
                FORSENAD,
                60,
                "Leverantören har inte kunnat leverera låsen till alla brukare; resten "
                "installeras i oktober.",
            ),
            Row("A2", PAGAENDE, 50),
        ),
        done_on=d("2025-07-25"),  # ten days late
    ),
    TaskReport(  # reported half, not marked done
        "4113",
        AKTIVITETSPLAN,
        d("2025-07-11"),
        (_done("A1"),),
    ),
    TaskReport(
        "4131",
        AKTIVITETSPLAN,
        d("2025-07-09"),
        (
            _done("A1"),
            Row("A2", PAGAENDE, 70),
            Row(
                "A3",
                STOPPAD,
                20,
                "Pausad tills skolan har tillsatt en ny kurator; återupptas i september.",
            ),
        ),
        done_on=d("2025-07-10"),
    ),
    TaskReport(
        "4100",
        INTERNKONTROLLPLAN,
        d("2025-08-29"),
        (
            Row("IK1", IK_OK, comment="Inga avvikelser i stickprovet."),
            Row(
                "IK4",
                IK_ANM,
                comment="Övertiden i hemtjänsten över avtalets gräns för sex medarbetare.",
                measures="Bemanningspoolen tar fler kvällspass från september.",
                measures_responsible="Verksamhetschef äldreomsorg",
                measures_due=d("2025-10-31"),
            ),
        ),
    ),
    # Kommunledningsförvaltningen ---------------------------------------------------
    TaskReport(
        "1111",
        AKTIVITETSPLAN,
        d("2025-06-30"),
        (_done("A1"), Row("A2", PAGAENDE, 50), Row("A3", PAGAENDE, 40)),
        done_on=d("2025-06-30"),
    ),
    # The council's and the committees' indicators and goals, written by the
    # förvaltningar (their values are in INDICATOR_VALUES) ------------------------------
    TaskReport(
        "1010",
        VERKSAMHETSPLAN,
        d("2025-08-29"),
        (
            Row("KF1.2", NARA, comment="Skolenkäten våren 2025."),
            Row("KF2.2", UTAN),
            Row(
                "KF3.2",
                MED,
                comment="Sjukfrånvaron har ökat i äldreomsorgen under våren.",
            ),
            Row("KF5.2", NARA),
        ),
        reporter="1100",
    ),
    TaskReport(
        "3000",
        VERKSAMHETSPLAN,
        d("2025-08-29"),
        (
            Row(
                "BUN1",
                LANGSAMT,
                analysis="Resultaten i svenska och engelska är stabila, men färre elever i "
                "åk 6 når kunskapskraven i matematik.",
            ),
            Row("BUN1.1", MED, comment="Vårterminens betyg i åk 6."),
            Row(
                "BUN2",
                GODA,
                analysis="Fler elever upplever studiero och trygghet än förra året.",
            ),
            Row("BUN2.1", NARA, comment="Skolenkäten våren 2025."),
        ),
        reporter="3100",
    ),
    # Socialförvaltningen's avdelningar assess their goals; the nämnd itself
    # reports only its indicators, so its delårsrapport shows the
    # avdelningar's assessments and analyses under its goals (the underlag).
    TaskReport(
        "4110",
        VERKSAMHETSPLAN,
        d("2025-08-15"),
        (
            Row(
                "ÄO1",
                LANGSAMT,
                analysis="Hemtjänst Norr arbetar i fasta team sedan april, och där möter en "
                "hemtjänsttagare nu 11 olika medarbetare på 14 dagar. I Hemtjänst Söder har "
                "sommarens vikarier gjort att värdet ligger kvar på 16.",
            ),
            Row(
                "ÄO2",
                LANGSAMT,
                analysis="Utförd tid följs varje vecka mot beviljad tid, och skillnaden har "
                "minskat från 14 till 6 procent. Kvälls- och helgpassen på boendena bemannas "
                "fortfarande till stor del av timavlönade.",
            ),
        ),
        done_on=d("2025-08-15"),
    ),
    TaskReport(
        "4120",
        VERKSAMHETSPLAN,
        d("2025-08-12"),
        (
            Row(
                "FS1",
                GODA,
                analysis="38 av 41 brukare har en genomförandeplan som är uppdaterad i år, "
                "alla i gruppbostaden med bildstöd. De tre som återstår följs upp i september.",
            ),
        ),
        done_on=d("2025-08-12"),
    ),
    TaskReport(
        "4130",
        VERKSAMHETSPLAN,
        d("2025-08-19"),
        (
            Row(
                "IFO1",
                GODA,
                analysis="Öppenvårdsteamet har arbetat med 14 familjer sedan januari, och två "
                "placeringar har kunnat undvikas. Kostnaden för placeringar ligger 2,1 mnkr "
                "under samma period förra året.",
            ),
            Row(
                "IFO2",
                LANGSAMT,
                analysis="Samordnad individuell plan finns för 24 av 35 personer med "
                "samsjuklighet. Den första lägenheten i Bostad först togs i bruk i juni.",
            ),
        ),
        done_on=d("2025-08-19"),
    ),
    TaskReport(
        "4000",
        VERKSAMHETSPLAN,
        d("2025-08-29"),
        (
            Row("SN1.1", MED, comment="Avser januari–augusti."),
            Row("SN2.1", NARA),
            Row("SN3.1", MED, comment="Prognosen är ett underskott på 9,5 mnkr."),
        ),
        reporter="4100",
    ),
)


# --- Indicator values ---------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One indicator value (utfall); women and men where the indicator is
    split by gender. `imported`: read in from the system used before
    Styrhjul (history_data.py), by the system rather than a person."""

    number: str
    unit: str
    year: int
    period: str  # "" for the whole year, "2025-08" for the follow-up per August
    value: str
    women: str | None = None
    men: str | None = None
    note: str = ""
    imported: bool = False


def _trend(number: str, unit: str, *rows) -> tuple[Value, ...]:
    """2023, 2024 (whole years) and the 2025 value per August."""
    return tuple(Value(number, unit, *row) for row in rows)


INDICATOR_VALUES: tuple[Value, ...] = (
    *_trend(
        "KF1.2",
        "1010",
        (2023, "", "80", "78", "82"),
        (2024, "", "81", "80", "82"),
        (2025, "", "83", "82", "84", "Skolenkäten våren 2025"),
    ),
    *_trend("KF2.2", "1010", (2023, "", "41"), (2024, "", "49"), (2025, "2025-08", "58")),
    *_trend(
        "KF3.2",
        "1010",
        (2023, "", "8.4", "9.6", "5.1"),
        (2024, "", "8.2", "9.3", "5.0"),
        (2025, "2025-08", "8.7", "9.9", "5.2", "Avser januari–juli"),
    ),
    *_trend("KF5.2", "1010", (2023, "", "73"), (2024, "", "76"), (2025, "2025-08", "84")),
    *_trend(
        "BUN1.1",
        "3000",
        (2023, "", "87", "88", "86"),
        (2024, "", "86", "87", "85"),
        (2025, "", "83", "85", "81", "Vårterminen 2025"),
    ),
    *_trend(
        "BUN2.1",
        "3000",
        (2023, "", "60", "62", "58"),
        (2024, "", "63", "65", "61"),
        (2025, "", "67", "68", "66", "Skolenkäten våren 2025"),
    ),
    *_trend("SN1.1", "4000", (2023, "", "71"), (2024, "", "76"), (2025, "2025-08", "79")),
    *_trend("SN2.1", "4000", (2023, "", "17"), (2024, "", "15"), (2025, "2025-08", "13")),
    *_trend("SN3.1", "4000", (2023, "", "-11.8"), (2024, "", "-14.2"), (2025, "2025-08", "-9.5")),
    *_trend(
        "AM1.1",
        "3100",
        (2023, "", "8.1", "8.9", "4.6"),
        (2024, "", "7.6", "8.4", "4.3"),
        (2025, "2025-08", "7.0", "7.8", "3.9", "Avser januari–juli"),
    ),
    *_trend("AM2.1", "3111", (2023, "", "66"), (2024, "", "69"), (2025, "", "73", None, None)),
    *_trend("AM2.1", "3121", (2023, "", "70"), (2024, "", "72"), (2025, "", "76", None, None)),
)
