"""The risk scale of a governance model: how many steps probability and
consequence have, what each step is called, and where the risk value (their
product) turns from low to medium to high.

The default is the common 4×4 matrix; some municipalities use 5×5. The scale
is part of the year's model, so it can change from one year to the next
without touching earlier years' risk analyses."""

from __future__ import annotations

from dataclasses import dataclass

MAX_STEPS = 10  # the database accepts 1–10; the model's scale narrows that

DEFAULT_PROBABILITY = ["Osannolik", "Mindre sannolik", "Möjlig", "Sannolik"]
DEFAULT_CONSEQUENCE = ["Försumbar", "Lindrig", "Kännbar", "Allvarlig"]
# On 4×4 this gives 5 low cells (1–3), 7 medium (4, 6, 8) and 4 high (9, 12,
# 16): a risk is high when both probability and consequence are at least 3.
DEFAULT_MEDIUM_FROM = 4
DEFAULT_HIGH_FROM = 9

BAND_LABELS = {"low": "låg", "medium": "medel", "high": "hög"}


def default_probability_labels() -> list[str]:
    return list(DEFAULT_PROBABILITY)


def default_consequence_labels() -> list[str]:
    return list(DEFAULT_CONSEQUENCE)


@dataclass(frozen=True)
class RiskScale:
    probability_labels: tuple[str, ...]
    consequence_labels: tuple[str, ...]
    medium_from: int
    high_from: int

    @classmethod
    def of(cls, model) -> RiskScale:
        """The scale of a GovernanceModel (or the default when None)."""
        if model is None:
            return DEFAULT
        return cls(
            tuple(model.probability_labels or DEFAULT_PROBABILITY),
            tuple(model.consequence_labels or DEFAULT_CONSEQUENCE),
            model.risk_medium_from or DEFAULT_MEDIUM_FROM,
            model.risk_high_from or DEFAULT_HIGH_FROM,
        )

    @property
    def probability_steps(self) -> int:
        return len(self.probability_labels)

    @property
    def consequence_steps(self) -> int:
        return len(self.consequence_labels)

    @property
    def max_value(self) -> int:
        return self.probability_steps * self.consequence_steps

    @property
    def size_text(self) -> str:
        return f"{self.probability_steps}×{self.consequence_steps}"

    def probability_label(self, value: int | None) -> str:
        return _label(self.probability_labels, value)

    def consequence_label(self, value: int | None) -> str:
        return _label(self.consequence_labels, value)

    def bands(self) -> list[tuple[str, str, int, int]]:
        """(key, label, lowest value, highest value), low to high."""
        return [
            ("low", BAND_LABELS["low"], 1, self.medium_from - 1),
            ("medium", BAND_LABELS["medium"], self.medium_from, self.high_from - 1),
            ("high", BAND_LABELS["high"], self.high_from, self.max_value),
        ]

    def band(self, value: int | None) -> tuple[str, str] | None:
        """(key, label) of the band a risk value falls in, None when unassessed."""
        if not value:
            return None
        if value >= self.high_from:
            return "high", BAND_LABELS["high"]
        if value >= self.medium_from:
            return "medium", BAND_LABELS["medium"]
        return "low", BAND_LABELS["low"]


def _label(labels: tuple[str, ...], value: int | None) -> str:
    if value and 1 <= value <= len(labels):
        return labels[value - 1]
    return ""


DEFAULT = RiskScale(
    tuple(DEFAULT_PROBABILITY), tuple(DEFAULT_CONSEQUENCE), DEFAULT_MEDIUM_FROM, DEFAULT_HIGH_FROM
)


def problems(
    probability_labels: list[str],
    consequence_labels: list[str],
    medium_from: int | None,
    high_from: int | None,
) -> dict[str, str]:
    """Field → Swedish message for what is wrong with a scale (empty if fine)."""
    errors: dict[str, str] = {}
    for field, labels, noun in (
        ("probability_labels", probability_labels, "Sannolikhet"),
        ("consequence_labels", consequence_labels, "Konsekvens"),
    ):
        if not 2 <= len(labels) <= MAX_STEPS:
            errors[field] = (
                f"{noun} ska ha mellan 2 och {MAX_STEPS} steg, ett per rad; "
                f"nu är det {len(labels)}."
            )
        elif any(not label.strip() for label in labels):
            errors[field] = "Varje steg behöver en benämning."
        elif len({label.strip().casefold() for label in labels}) != len(labels):
            errors[field] = "Två steg har samma benämning."
        elif any(len(label) > 60 for label in labels):
            errors[field] = "En benämning får vara högst 60 tecken."
    if errors:
        return errors
    top = len(probability_labels) * len(consequence_labels)
    if medium_from is None or not 2 <= medium_from <= top:
        errors["risk_medium_from"] = f"Ange ett riskvärde från 2 till {top}."
    if high_from is None or not 2 <= high_from <= top:
        errors["risk_high_from"] = f"Ange ett riskvärde från 2 till {top}."
    elif medium_from is not None and high_from <= medium_from:
        errors["risk_high_from"] = "Hög risk måste börja vid ett högre riskvärde än medelhög risk."
    return errors
