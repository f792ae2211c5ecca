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
