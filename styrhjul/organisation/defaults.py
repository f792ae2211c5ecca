"""Default unit types, seeded on migrate and editable in Administration."""

DEFAULT_UNIT_TYPES = [
    # (name, plural, order)
    ("Kommun", "Kommuner", 10),
    ("Kommunfullmäktige", "Kommunfullmäktige", 20),
    ("Kommunstyrelse", "Kommunstyrelser", 30),
    ("Nämnd", "Nämnder", 40),
    ("Bolag", "Bolag", 45),
    ("Förvaltning", "Förvaltningar", 50),
    ("Avdelning", "Avdelningar", 60),
    ("Enhet", "Enheter", 70),
]

# Unit types whose units directly under the organisation govern all of it
# (UnitType.governing): everyone in the organisation reads their goals and
# indicators.
GOVERNING_UNIT_TYPES = ("Kommunfullmäktige", "Kommunstyrelse")
