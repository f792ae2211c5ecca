"""The history of Sjöbacka kommun's council and committee indicators, as data:
yearly values (utfall) back to 2018 for the unit that reports each of them,
split by women and men where the indicator is, and targets per year for some.

followup_data.INDICATOR_VALUES has what was reported in Styrhjul for 2023–
2025, and annual_data.VALUES the whole-year values of 2025 reported at the
årsbokslut; this adds the years before, which the municipality read in from
the system it used before Styrhjul (`imported`, written by the system, source
"Import"), and 2023–2024 for the indicators followup_data leaves out. Every
value of BASELINE_YEAR (2022) is the indicator's baseline in model_data, so
baseline, outcomes and trend agree.

The values are stored on the 2025 indicator: an indicator's values of all
years make one series (Item.series), which the copies to later years keep,
so this year's copy shows the whole history.

The stories differ on purpose, so that the generated trend sentences do
(as read in the current year's model, by the latest yearly value, 2025 for
most): on track (KF1.1, KF3.1, KF4.2, KS2.1, SBN2.1, SBH2.1), right direction
but too slow (KF1.2, KF2.1, KF2.2, KF3.2, KF5.2, BUN2.1, SN1.1, SN2.1, SN3.1,
SBH1.1), the wrong way (KF5.1, BUN1.1, SBN1.1) and target already reached
(KF4.1, KS1.1). The Kolada indicators (KF1.1, KF2.1, SN2.2) get their
values from fixtures/kolada_sample.json, not from here.

Everything is invented, as in the rest of the demo. Nothing is random.
"""

from __future__ import annotations

from decimal import Decimal

from .followup_data import Value

FIRST_YEAR = 2018

# The unit whose manager reports a unit's indicators (the förvaltning reports
# for its nämnd, Kommunledningsförvaltningen for the council and Kommunstyrelsen).
REPORTER = {
    "1010": "1100",
    "1020": "1100",
    "3000": "3100",
    "4000": "4100",
    "5000": "5100",
    "8000": "8000",
}


def _series(number: str, unit: str, *rows, imported_before: int = 2023) -> tuple[Value, ...]:
    """Yearly values: (year, value) or (year, value, women, men) or (year,
    value, women, men, note); years before `imported_before` were imported."""
    values = []
    for row in rows:
        year, value, *rest = row
        women, men, note = (*rest, None, None, None)[:3]
        values.append(
            Value(
                number,
                unit,
                year,
                "",
                value,
                women,
                men,
                note or "",
                imported=year < imported_before,
            )
        )
    return tuple(values)


VALUES: tuple[Value, ...] = (
    # --- Kommunfullmäktige ------------------------------------------------------------
    # Trygghet i skolan: 2023–2025 in followup_data; too slow for 86 % by 2026.
    *_series(
        "KF1.2",
        "1010",
        (2018, "75", "73", "77"),
        (2019, "77", "75", "79"),
        (2020, "78", "76", "80"),
        (2021, "76", "73", "79", "Enkäten gjordes digitalt under distansundervisningen"),
        (2022, "79", "77", "81"),
    ),
    # Fossilfria fordon: 2023–2024 in followup_data; fast, but not fast enough.
    *_series(
        "KF2.2",
        "1010",
        (2018, "12"),
        (2019, "15"),
        (2020, "21"),
        (2021, "30"),
        (2022, "38"),
    ),
    # HME: the staff survey is made every other year; on track for 81.
    *_series(
        "KF3.1",
        "1010",
        (2018, "76"),
        (2020, "78"),
        (2022, "77"),
        (2024, "79", None, None, "Medarbetarenkäten hösten 2024"),
    ),
    # Sjukfrånvaro: 2023–2025 in followup_data; the pandemic years stand out.
    *_series(
        "KF3.2",
        "1010",
        (2018, "7.4", "8.3", "4.4"),
        (2019, "7.6", "8.6", "4.5"),
        (2020, "9.3", "10.6", "5.6"),
        (2021, "9.0", "10.2", "5.5"),
        (2022, "8.6", "9.8", "5.2"),
    ),
    # Årets resultat: a poor 2023, and 2024 already above the target.
    *_series(
        "KF4.1",
        "1010",
        (2018, "2.6"),
        (2019, "1.9"),
        (2020, "4.1"),
        (2021, "5.3"),
        (2022, "1.4"),
        (2023, "0.3", None, None, "Årsredovisning 2023"),
        (2024, "2.3", None, None, "Årsredovisning 2024"),
    ),
    # Soliditet: rising steadily, on track for 25 % by 2030.
    *_series(
        "KF4.2",
        "1010",
        (2018, "12.1"),
        (2019, "13.4"),
        (2020, "15.2"),
        (2021, "17.6"),
        (2022, "18.5"),
        (2023, "19.1", None, None, "Årsredovisning 2023"),
        (2024, "20.6", None, None, "Årsredovisning 2024"),
    ),
    # NKI för myndighetsutövningen: going the wrong way.
    *_series(
        "KF5.1",
        "1010",
        (2018, "70"),
        (2019, "69"),
        (2020, "71"),
        (2021, "70"),
        (2022, "68"),
        (2023, "66", None, None, "Insikt, ärenden avslutade 2023"),
        (2024, "67", None, None, "Insikt, ärenden avslutade 2024"),
    ),
    # E-post inom en arbetsdag: 2023–2024 in followup_data.
    *_series(
        "KF5.2",
        "1010",
        (2018, "58"),
        (2019, "62"),
        (2020, "64"),
        (2021, "68"),
        (2022, "71"),
    ),
    # --- Kommunstyrelsen --------------------------------------------------------------
    *_series(
        "KS1.1",
        "1020",
        (2018, "3"),
        (2019, "2"),
        (2020, "4"),
        (2021, "4"),
        (2022, "1"),
        (2023, "1"),
        (2024, "2"),
    ),
    *_series(
        "KS2.1",
        "1020",
        (2018, "29"),
        (2019, "29"),
        (2020, "28"),
        (2021, "28"),
        (2022, "27"),
        (2023, "26"),
        (2024, "24"),
    ),
    # --- Barn- och utbildningsnämnden (2023–2025 in followup_data) ------------------
    *_series(
        "BUN1.1",
        "3000",
        (2018, "84", "86", "82"),
        (2019, "85", "86", "84"),
        (2020, "85", "87", "83"),
        (2021, "87", "88", "86"),
        (2022, "86", "87", "85"),
    ),
    *_series(
        "BUN2.1",
        "3000",
        (2018, "58", "60", "56"),
        (2019, "59", "61", "57"),
        (2020, "62", "64", "60"),
        (2021, "62", "64", "60"),
        (2022, "61", "63", "59"),
    ),
    # --- Socialnämnden (2023–2025 in followup_data) -----------------------------------
    *_series(
        "SN1.1",
        "4000",
        (2018, "81"),
        (2019, "78"),
        (2020, "72"),
        (2021, "70"),
        (2022, "74"),
    ),
    *_series(
        "SN2.1",
        "4000",
        (2018, "15"),
        (2019, "16"),
        (2020, "18"),
        (2021, "17"),
        (2022, "16"),
    ),
    *_series(
        "SN3.1",
        "4000",
        (2018, "-2.1"),
        (2019, "-4.8"),
        (2020, "1.2"),
        (2021, "-3.5"),
        (2022, "-14.2"),
    ),
    # --- Samhällsbyggnadsnämnden ------------------------------------------------------
    *_series(
        "SBN1.1",
        "5000",
        (2018, "140"),
        (2019, "95"),
        (2020, "60"),
        (2021, "110"),
        (2022, "85"),
        (2023, "48"),
        (2024, "72"),
    ),
    *_series(
        "SBN2.1",
        "5000",
        (2018, "31"),
        (2019, "33"),
        (2020, "35"),
        (2021, "41"),
        (2022, "38"),
        (2023, "32"),
        (2024, "26"),
    ),
    # --- Sjöbackahem AB ---------------------------------------------------------------
    # Counted from 2023, so there is nothing before the baseline year.
    *_series("SBH1.1", "8000", (2022, "0"), (2023, "0"), (2024, "24")),
    *_series(
        "SBH2.1",
        "8000",
        (2018, "136"),
        (2019, "134"),
        (2020, "131"),
        (2021, "133"),
        (2022, "128"),
        (2023, "124"),
        (2024, "121"),
    ),
)


# Targets per year (IndicatorTarget) on the way from the baseline to the
# target value, for some indicators: number → {year: target}. The target
# value itself (model_data) counts for its own year.
TARGETS: dict[str, dict[int, Decimal]] = {
    number: {year: Decimal(value) for year, value in targets.items()}
    for number, targets in {
        "KF1.1": {2023: "84.0", 2024: "85.5", 2025: "87.0"},
        "KF1.2": {2023: "80", 2024: "82", 2025: "84"},
        "KF3.2": {2023: "8.2", 2024: "7.8", 2025: "7.4"},
        "KF5.2": {2023: "76", 2024: "81", 2025: "86"},
        "SN1.1": {2023: "80", 2024: "85", 2025: "90"},
        "SBN2.1": {2023: "34", 2024: "30", 2025: "25"},
    }.items()
}
