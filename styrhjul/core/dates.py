"""Swedish month names, for texts built outside Django's translation (in
documents and commands, where no language is active)."""

MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def month_name(month: int) -> str:
    """1 → "januari"."""
    return MONTH_NAMES[month - 1]


def swedish_date(day) -> str:
    """A date as written in Swedish running text: "30 april 2025"."""
    return f"{day.day} {month_name(day.month)} {day.year}"
