"""The default rows of the driftredovisning, from the account classes of
the municipal chart of accounts Kommun-Bas (SKR); see docs/ekonomi.md.

Each row is (name, [(first, last), …]); a row without ranges is the sum of
the rows above it (nettokostnad). Accounts are compared by their leading
digits, so "60"–"62" takes 6000–6299 and 60100 alike."""

DEFAULT_ROWS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Verksamhetens intäkter", [("30", "39")]),
    ("Personalkostnader", [("50", "59")]),
    ("Lokalkostnader", [("60", "62")]),
    ("Kapitalkostnader", [("79", "79")]),
    ("Övriga kostnader", [("40", "49"), ("63", "69"), ("70", "78")]),
    ("Nettokostnad", []),
]
