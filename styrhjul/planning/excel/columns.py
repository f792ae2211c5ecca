"""The file format of a plan in Excel: one sheet per item kind, its Swedish
name and its columns. Writer, reader and importer all work from these
definitions, so a column is described once.

Sheet names and headers are the file's contract with the user and with
earlier exports; they are plain strings, not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from styrhjul.model.models import ItemKind
from styrhjul.model.riskscale import MAX_STEPS
from styrhjul.planning.models import Direction, IndicatorSource, Item, Periodicity, ReportedBy

# Kinds of cell, which decide how a value is read and written.
TEXT = "text"  # one line; runs of whitespace read as one space
LONG_TEXT = "long_text"  # several lines kept
INTEGER = "integer"
YEAR = "year"
DECIMAL = "decimal"
DATE = "date"
BOOLEAN = "boolean"  # Ja/Nej
CHOICE = "choice"  # one of a TextChoices' labels
PERSPECTIVE = "perspective"
LEVEL = "level"
PERSON = "person"  # Ansvarig: a user, or a function as text
GOALS = "goals"  # references to goals: the item's links upwards
ASSESSMENT = "assessment"  # a label of the plan type's assessment scale for the sheet's kind
STATUS = "status"  # a label of the plan type's status scale for the sheet's kind
OCCASION = "occasion"  # a follow-up occasion's name in the plan's model year
TARGETS = "targets"  # an indicator's targets per year, "2026: 55" a line, as the item form

YES = "Ja"
NO = "Nej"

SHARED_SHEET = "Delat till enheten"
INSTRUCTIONS_SHEET = "Instruktioner"
LISTS_SHEET = "Listor"
# Sheets Styrhjul writes itself and never reads back.
AUXILIARY_SHEETS = (SHARED_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET)


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    `key` names the Item field the column sets (for PERSON: `responsible`,
    which also sets `responsible_text`; for GOALS: the item's links)."""

    key: str
    header: str
    cell: str
    width: int
    help: str
    required: bool = False  # the column must exist, and every row needs a value
    choices: type[TextChoices] | None = None
    low: int | None = None  # for INTEGER
    high: int | None = None
    result: bool = False  # a reported result (Report), not a field of the item
    # Earlier headers still read on import (files exported before a rename).
    aliases: tuple[str, ...] = ()

    @property
    def max_length(self) -> int | None:
        if self.cell not in (TEXT, LONG_TEXT) or self.key == "control_step" or self.result:
            return None
        return Item._meta.get_field(self.key).max_length


@dataclass(frozen=True)
class Sheet:
    """The sheet of one item kind."""

    kind: str
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()  # other names the sheet is recognised by
    # Optional columns with reported results (a Report per item and occasion):
    # read when present, written only when an export names an occasion.
    result_columns: tuple[Column, ...] = ()
    note: str = ""  # what the sheet holds, when it is not a kind's (Uppdelningar)

    @property
    def title_column(self) -> Column:
        return next(c for c in self.columns if c.required)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.all_columns if c.key == key), None)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.result_columns

    @property
    def result_keys(self) -> tuple[str, ...]:
        """The result columns that carry a result (all but Uppföljning)."""
        return tuple(c.key for c in self.result_columns if c.cell != OCCASION)

    def with_results(self) -> Sheet:
        """The sheet with its result columns as ordinary columns (for export)."""
        return replace(self, columns=self.all_columns, result_columns=())

    @property
    def label(self) -> str:
        """The kind in lower case, for messages ("aktiviteter")."""
        return self.name[:1].lower() + self.name[1:]


def _nr(width: int = 8) -> Column:
    return Column(
        "number",
        "Nr",
        TEXT,
        width,
        _(
            "Postens nummer, t.ex. 1 eller 2.3, unikt på bladet. Med Nr känns posten igen "
            "vid nästa import även om rubriken ändras; utan Nr känns den igen på rubriken."
        ),
    )


_PERSPECTIVE = Column(
    "perspective", "Perspektiv", PERSPECTIVE, 20, _("Ett av styrmodellens perspektiv.")
)
_DESCRIPTION = Column("description", "Beskrivning", LONG_TEXT, 50, _("Fritext, flera rader går."))
_RESPONSIBLE = Column(
    "responsible",
    "Ansvarig",
    PERSON,
    28,
    _(
        "E-postadress eller namn på en användare i Styrhjul; annars sparas texten som "
        "ansvarig funktion (t.ex. HR-specialist)."
    ),
)
_GOALS = Column(
    "goals",
    "Mål",
    GOALS,
    30,
    _(
        "Målet eller målen posten bidrar till: målets Nr, eller dess rubrik om det saknar "
        "Nr. Flera mål skrivs på var sin rad i cellen eller åtskilda med semikolon. Målen "
        "kan stå på bladet Mål, finnas i enhetens övriga planer för året, vara delade till "
        "enheten eller finnas i planerna för enheterna ovanför."
    ),
)
_START = Column("start_date", "Startdatum", DATE, 13, _("Datum, ÅÅÅÅ-MM-DD."))
_END = Column("end_date", "Slutdatum", DATE, 13, _("Datum, ÅÅÅÅ-MM-DD, inte före startdatum."))

# Reported results at a follow-up (a Report of the plan's unit per item and
# occasion), read when present and written only when an export names an
# occasion. The keys are the Report's fields; Uppföljning names the occasion.
_OCCASION = Column(
    "occasion",
    "Uppföljning",
    OCCASION,
    22,
    _(
        "Uppföljningen resultatet hör till, t.ex. Delårsrapport 2025: namnet på ett "
        "uppföljningstillfälle i planens år som följer upp plantypen. Kan vara tom när "
        "uppföljningen väljs för hela filen vid importen."
    ),
    result=True,
)


def _status(help_text) -> Column:
    return Column("status", "Status", STATUS, 16, help_text, result=True)


_COMMENT = Column(
    "comment",
    "Kommentar",
    LONG_TEXT,
    50,
    _("Kommentaren vid uppföljningen; flera rader går. Krävs när statusen kräver en kommentar."),
    result=True,
)

GOAL_RESULT_COLUMNS = (
    Column(
        "assessment",
        "Bedömning",
        ASSESSMENT,
        24,
        _(
            "En av plantypens bedömningar av måluppfyllelse, t.ex. Goda förutsättningar att "
            "nå målet. Bara på målnivåer som bedömer måluppfyllelse."
        ),
        result=True,
    ),
    Column(
        "analysis",
        "Analys",
        LONG_TEXT,
        60,
        _(
            "Analysen av måluppfyllelsen vid uppföljningen; flera rader går. Krävs när "
            "bedömningen kräver en kommentar."
        ),
        result=True,
    ),
    _OCCASION,
)

COMPLETION_COLUMN = Column(
    "completion",
    "Färdighetsgrad",
    INTEGER,
    14,
    _("Färdighetsgraden vid uppföljningen i procent, ett heltal från 0 till 100."),
    low=0,
    high=100,
    result=True,
)

ACTIVITY_RESULT_COLUMNS = (
    _status(_("En av plantypens statusar för aktiviteter, t.ex. Påbörjad, Klar.")),
    COMPLETION_COLUMN,
    _COMMENT,
    _OCCASION,
)

# Results of an indicator at a follow-up: its outcome (utfall) for the
# occasion's period, an IndicatorValue of the plan's unit, and the report's
# bedömning and kommentar. The keys of the outcome are IndicatorValue's.
OUTCOME_KEYS = ("value", "value_women", "value_men", "note")

INDICATOR_RESULT_COLUMNS = (
    Column(
        "value",
        "Utfall",
        DECIMAL,
        11,
        _(
            "Utfallet för uppföljningens period: helåret, eller för nyckeltal per månad, "
            "tertial eller kvartal den månad uppföljningens period slutar. Tal, högst två "
            "decimaler. Inte för nyckeltal från Kolada."
        ),
        result=True,
    ),
    Column(
        "value_women",
        "Utfall kvinnor",
        DECIMAL,
        11,
        _("Utfallet för kvinnor; bara för könsuppdelade nyckeltal."),
        result=True,
    ),
    Column(
        "value_men",
        "Utfall män",
        DECIMAL,
        11,
        _("Utfallet för män; bara för könsuppdelade nyckeltal."),
        result=True,
    ),
    Column(
        "note",
        "Avser",
        TEXT,
        24,
        _("Vad värdet avser, t.ex. Avser period ett eller Utfall saknas."),
        result=True,
    ),
    Column(
        "assessment",
        "Bedömning",
        ASSESSMENT,
        24,
        _("En av plantypens bedömningar av nyckeltal, t.ex. Utan anmärkning, Nära målvärde."),
        result=True,
    ),
    Column(
        "comment",
        "Kommentar",
        LONG_TEXT,
        50,
        _("Kommentaren vid uppföljningen. Krävs när bedömningen kräver en kommentar."),
        result=True,
    ),
    _OCCASION,
)

ASSIGNMENT_RESULT_COLUMNS = (
    _status(_("En av plantypens statusar för särskilda uppdrag, t.ex. Pågående, Genomfört.")),
    _COMMENT,
    _OCCASION,
)

# Results of a control point: the report's bedömning, resultat av kontroll
# (comment) and åtgärd (measures).
CONTROL_RESULT_COLUMNS = (
    Column(
        "assessment",
        "Bedömning",
        ASSESSMENT,
        24,
        _("En av plantypens bedömningar av kontrollpunkter, t.ex. Genomförd utan anmärkning."),
        result=True,
    ),
    Column(
        "comment",
        "Resultat av kontroll",
        LONG_TEXT,
        50,
        _("Vad kontrollen visade. Krävs när bedömningen kräver en kommentar."),
        result=True,
    ),
    Column(
        "measures", "Åtgärd", LONG_TEXT, 40, _("Åtgärder med anledning av kontrollen."), result=True
    ),
    Column(
        "measures_responsible",
        "Ansvarig för åtgärd",
        TEXT,
        20,
        _("Person eller funktion som ansvarar för åtgärden."),
        result=True,
    ),
    Column(
        "measures_due",
        "Åtgärd klar senast",
        DATE,
        14,
        _("Datum då åtgärden ska vara genomförd, ÅÅÅÅ-MM-DD."),
        result=True,
    ),
    _OCCASION,
)

GOAL_SHEET = Sheet(
    ItemKind.GOAL,
    "Mål",
    (
        _nr(),
        _PERSPECTIVE,
        Column(
            "level",
            "Målnivå",
            LEVEL,
            18,
            _("En av styrmodellens målnivåer som enhetens typ får ha mål på. Krävs för nya mål."),
        ),
        Column("title", "Mål", TEXT, 45, _("Målets rubrik."), required=True),
        _DESCRIPTION,
        Column(
            "goals",
            "Bidrar till",
            GOALS,
            24,
            _(
                "Målet eller målen på nivån ovanför som målet bidrar till: Nr, eller rubrik "
                "om målet saknar Nr. Flera mål på var sin rad eller åtskilda med semikolon."
            ),
        ),
        _RESPONSIBLE,
    ),
    aliases=("Målen",),
    result_columns=GOAL_RESULT_COLUMNS,
)

INDICATOR_SHEET = Sheet(
    ItemKind.INDICATOR,
    "Nyckeltal",
    (
        _nr(),
        _PERSPECTIVE,
        _GOALS,
        Column("title", "Nyckeltal", TEXT, 40, _("Nyckeltalets namn."), required=True),
        _DESCRIPTION,
        Column(
            "measure_unit",
            "Måttenhet",
            TEXT,
            10,
            _("Vad värdet mäts i, t.ex. %, antal, kr, index."),
            aliases=("Enhet",),  # the header in files exported before it was renamed
        ),
        Column(
            "direction",
            "Riktning",
            CHOICE,
            18,
            _("Högre är bättre, Lägre är bättre eller Ingen riktning."),
            choices=Direction,
        ),
        Column(
            "source",
            "Källa",
            CHOICE,
            20,
            _("Rapporteras manuellt, Kolada, Importeras eller Beräknas."),
            choices=IndicatorSource,
        ),
        Column("kolada_kpi", "Kolada-id", TEXT, 12, _("Nyckeltalets id i Kolada, t.ex. N00945.")),
        Column(
            "reported_by",
            "Rapporteras av",
            CHOICE,
            16,
            _("Varje enhet eller Centralt."),
            choices=ReportedBy,
        ),
        Column(
            "periodicity",
            "Periodicitet",
            CHOICE,
            14,
            _("År, Tertial, Kvartal eller Månad."),
            choices=Periodicity,
        ),
        Column("baseline_year", "Utgångsår", YEAR, 11, _("År, t.ex. 2022.")),
        Column("baseline_value", "Utgångsvärde", DECIMAL, 13, _("Tal, högst två decimaler.")),
        Column("target_year", "Målår", YEAR, 9, _("År, t.ex. 2026.")),
        Column("target_value", "Målvärde", DECIMAL, 11, _("Tal, högst två decimaler.")),
        Column(
            "near_target_margin",
            "Nära målvärde inom",
            DECIMAL,
            12,
            _("Hur långt från målvärdet ett utfall räknas som nära målvärde."),
        ),
        Column(
            "gender_split",
            "Könsuppdelat",
            BOOLEAN,
            13,
            _("Ja om utfallet redovisas för kvinnor och män, annars Nej."),
        ),
        Column(
            "targets",
            "Målvärden per år",
            TARGETS,
            18,
            _(
                "Målvärdet för varje år på vägen mot målvärdet, ett år per rad i cellen "
                "(Alt+Enter) eller åtskilda med semikolon, t.ex. 2025: 53 och 2026: 55,5. En "
                "tom cell tar bort målvärdena per år."
            ),
        ),
    ),
    result_columns=INDICATOR_RESULT_COLUMNS,
)

ACTIVITY_SHEET = Sheet(
    ItemKind.ACTIVITY,
    "Aktiviteter",
    (
        _nr(),
        _PERSPECTIVE,
        _GOALS,
        Column("title", "Aktivitet", TEXT, 45, _("Aktivitetens rubrik."), required=True),
        _DESCRIPTION,
        _RESPONSIBLE,
        _START,
        _END,
    ),
    aliases=("Aktivitet", "Åtgärder"),
    result_columns=ACTIVITY_RESULT_COLUMNS,
)

ASSIGNMENT_SHEET = Sheet(
    ItemKind.ASSIGNMENT,
    "Särskilda uppdrag",
    (
        _nr(),
        Column("title", "Uppdrag", TEXT, 45, _("Uppdragets rubrik."), required=True),
        _DESCRIPTION,
        Column(
            "given_by", "Givet av", TEXT, 18, _("Vem som gav uppdraget, t.ex. KF, KS, nämnden.")
        ),
        _RESPONSIBLE,
        _END,
    ),
    aliases=("Särskilt uppdrag", "Uppdrag"),
    result_columns=ASSIGNMENT_RESULT_COLUMNS,
)

CONTROL_POINT_SHEET = Sheet(
    ItemKind.CONTROL_POINT,
    "Kontrollpunkter",
    (
        Column(
            "area",
            "Område",
            TEXT,
            20,
            _("T.ex. Verksamhet och organisation, Personal, Ekonomi, Administration."),
        ),
        Column(
            "process_category",
            "Processkategori",
            TEXT,
            20,
            _(
                "Gruppering inom området, t.ex. Attest, Upphandling. Blir en underrubrik i "
                "internkontrollrapporten."
            ),
        ),
        _nr(6),
        Column("process", "Process/rutin/system", TEXT, 28, _("Vad som kontrolleras.")),
        Column("risk", "Risk", LONG_TEXT, 36, _("Vad som kan gå fel.")),
        Column(
            "probability",
            "Sannolikhet",
            INTEGER,
            12,
            _(
                "Ett steg på styrmodellens riskskala, t.ex. 1–4: hur troligt det är att "
                "risken inträffar."
            ),
            low=1,
            high=MAX_STEPS,
        ),
        Column(
            "consequence",
            "Konsekvens",
            INTEGER,
            12,
            _(
                "Ett steg på styrmodellens riskskala, t.ex. 1–4: hur allvarligt det blir om "
                "risken inträffar."
            ),
            low=1,
            high=MAX_STEPS,
        ),
        Column(
            "control_step",
            "Kontrollmoment",
            LONG_TEXT,
            40,
            _("Vad som kontrolleras; kontrollpunktens rubrik."),
            required=True,
        ),
        Column("control_method", "Kontrollmetod", LONG_TEXT, 36, _("Hur och av vem.")),
        Column("frequency", "Frekvens", TEXT, 14, _("T.ex. En gång per år, Varje månad.")),
        _RESPONSIBLE,
    ),
    aliases=("Kontrollpunkt", "Internkontroll"),
    result_columns=CONTROL_RESULT_COLUMNS,
)

SHEETS: dict[str, Sheet] = {
    s.kind: s
    for s in (GOAL_SHEET, INDICATOR_SHEET, ACTIVITY_SHEET, ASSIGNMENT_SHEET, CONTROL_POINT_SHEET)
}


def sheets_for(kinds) -> list[Sheet]:
    """The sheets of a plan type's item kinds, in the plan type's order."""
    return [SHEETS[k] for k in kinds if k in SHEETS]


def choice_label_of(choices: type[TextChoices]):
    """The function from a stored value to its label as the file writes it
    ("" for none, an unknown value as it is), the labels translated once."""
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, str(value)) if value else ""


def choice_labels(choices: type[TextChoices]) -> list[str]:
    return [str(label) for _value, label in choices.choices]


# Title of a control point: its kontrollmoment, cut to the title's length.
TITLE_MAX = Item._meta.get_field("title").max_length


def control_point_title(control_step: str) -> str:
    first = " ".join(control_step.split())
    if len(first) <= TITLE_MAX:
        return first
    return first[: TITLE_MAX - 1].rstrip() + "…"
