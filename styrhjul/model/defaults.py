"""The default styrmodell a new organisation year starts from (DOMAIN §3–5).
Everything here becomes rows that model owners then edit."""

from .models import ItemKind, ScaleKind

PERSPECTIVES = [
    ("Invånare", "Det vi gör för dem som bor, verkar och vistas i kommunen."),
    ("Samhälle och miljö", "En hållbar utveckling av samhället och miljön."),
    ("Medarbetare", "En attraktiv arbetsgivare med god arbetsmiljö."),
    ("Ekonomi", "En ekonomi i balans och effektiv användning av resurserna."),
    ("Verksamhet", "Kvalitet, effektivitet och utveckling i verksamheten."),
]

# (name, unit types that own goals at the level, assesses)
GOAL_LEVELS = [
    ("Inriktningsmål", ["Kommun", "Kommunfullmäktige"], True),
    ("Nämndmål", ["Kommunstyrelse", "Nämnd", "Bolag"], True),
    ("Verksamhetsmål", ["Förvaltning", "Avdelning", "Enhet"], True),
]

# The levels whose goals may contribute to other goals at the same level (a
# unit's verksamhetsmål to its förvaltning's); at the others a goal contributes
# only to goals at the levels above.
LINKS_WITHIN_LEVEL = {"Verksamhetsmål"}

# kind → (scale name, [(label, colour, symbol, comment_required, counts_as_done[,
# suggested_when])]); suggested_when only for the assessment of indicators.
SCALES = {
    ScaleKind.ACTIVITY_STATUS: (
        "Aktivitetsstatus",
        [
            ("Ej startad", "#6b7280", "○", True, False),
            ("Påbörjad", "#0b5394", "◐", False, False),
            ("Väntar", "#8a5a00", "‖", False, False),
            ("Klar", "#1e6b34", "●", False, True),
            ("Stoppad", "#a4161a", "■", True, False),
            ("Försenad", "#b45309", "▲", True, False),
        ],
    ),
    ScaleKind.INDICATOR_ASSESSMENT: (
        "Bedömning av nyckeltal",
        [
            ("Inget värde angivet", "#6b7280", "–", False, False, "no_value"),
            ("Utan anmärkning", "#1e6b34", "●", False, True, "met"),
            ("Nära målvärde", "#8a5a00", "▲", False, False, "near"),
            ("Med anmärkning", "#a4161a", "■", True, False, "not_met"),
        ],
    ),
    ScaleKind.GOAL_ASSESSMENT: (
        "Måluppfyllelse",
        [
            ("Goda förutsättningar att nå målet", "#1e6b34", "●", False, True),
            ("Rätt riktning men för långsamt", "#8a5a00", "▲", True, False),
            ("Åtgärder krävs", "#a4161a", "■", True, False),
        ],
    ),
    ScaleKind.CONTROL_ASSESSMENT: (
        "Bedömning av kontrollpunkter",
        [
            ("Genomförd utan anmärkning", "#1e6b34", "●", False, True),
            ("Genomförd med anmärkning", "#a4161a", "■", True, False),
            ("Ej genomförd", "#6b7280", "○", True, False),
        ],
    ),
    ScaleKind.ASSIGNMENT_STATUS: (
        "Status för uppdrag",
        [
            ("Ej påbörjat", "#6b7280", "○", True, False),
            ("Pågående", "#0b5394", "◐", False, False),
            ("Genomfört", "#1e6b34", "●", False, True),
            ("Avslutat utan genomförande", "#a4161a", "■", True, False),
        ],
    ),
}

GOAL, IND, ACT, ASSIGN, CTRL = (
    ItemKind.GOAL,
    ItemKind.INDICATOR,
    ItemKind.ACTIVITY,
    ItemKind.ASSIGNMENT,
    ItemKind.CONTROL_POINT,
)
PLAN_TYPES = [
    ("Verksamhetsplan", [GOAL, IND, ACT, ASSIGN]),
    ("Åtgärdsplan", [GOAL, ACT]),
    ("Arbetsmiljömål", [GOAL, IND, ACT]),
    ("Internkontrollplan", [CTRL]),
    ("Egenkontrollplan", [CTRL]),
    ("Aktivitetsplan", [ACT]),
]
