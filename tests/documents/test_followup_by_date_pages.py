"""Page breaks in the PDF of the Uppföljning av aktiviteter per datum, read
per page with pdftotext: a table's caption never stands alone at the bottom
of a page (it goes with the table's first row), and a table that goes on
over a page starts that page again with its caption marked "(forts.)" and
its header, also when the page begins with a fresh row."""

from __future__ import annotations

import datetime

import pytest

from styrhjul.documents.followup_by_date import (
    ActivityRow,
    FollowupByDate,
    GoalGroup,
    Section,
    pdf,
)
from tests.pdf import pdf_text

END = datetime.date(2025, 6, 30)


def row(title: str, comment: str) -> ActivityRow:
    return ActivityRow("", title, END, "Klar", comment, "Enheten")


def report(sections: list[Section]) -> FollowupByDate:
    return FollowupByDate(
        title="Uppföljning av aktiviteter per 30 april 2025 – Enheten",
        unit_name="Enheten",
        occasion_name="Uppföljning april",
        year=2025,
        period_end=datetime.date(2025, 4, 30),
        sections=sections,
        activities=sum(len(g.rows) for s in sections for g in s.goals),
        goals=sum(len(s.goals) for s in sections),
    )


def filler(words: int) -> Section:
    """A first perspective whose last comment grows with `words`: it moves
    the next perspective down the page a line at a time."""
    goals = [
        GoalGroup(
            f"1.{n}",
            f"Mål {n}",
            [row(f"Aktivitet {n} " + "text " * 20, "Kommentar " * (10 + (n % 3) * 15))],
        )
        for n in range(8)
    ]
    goals.append(GoalGroup("1.8", "Mål 8", [row("Aktivitet 8", "Ord " * words)]))
    return Section("Perspektiv ett", goals)


def pages(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")


@pytest.mark.parametrize("words", range(30, 48, 2))
def test_a_caption_at_the_end_of_a_page_goes_with_its_first_row(words):
    second = Section(
        "Perspektiv två",
        [GoalGroup("2.1", "Andra målet", [row("Förstaraden i tabellen", "Kort.")])],
    )

    found = pages(pdf(report([filler(words), second])))

    caption = "Perspektiv två: mål och aktiviteter, status per 30 april 2025"
    on = [n for n, page in enumerate(found) if caption in page]
    assert len(on) == 1
    assert "Förstaraden i tabellen" in found[on[0]]
    assert "Andra målet" in found[on[0]]


def test_a_table_going_on_over_pages_says_forts_on_each_new_page():
    """Many short goals: every page after the first begins with a fresh row
    (no goal is split), and each repeats the caption with "(forts.)" and
    the header."""
    goals = [
        GoalGroup(f"{n}", f"Målet nummer {n}", [row(f"Aktivitet nummer {n}", "Kort kommentar.")])
        for n in range(1, 61)
    ]

    found = pages(pdf(report([Section("Ekonomi", goals)])))

    caption = "Ekonomi: mål och aktiviteter, status per 30 april 2025"
    used = [page for page in found if page.strip()]
    assert len(used) >= 3
    assert caption in used[0] and "(forts.)" not in used[0]
    for page in used[1:]:
        assert f"{caption} (forts.)" in page
        assert "Nämndmål Aktivitet Slutdatum Status Kommentar" in page
        # The page begins with a fresh goal, printed whole, not repeated.
        first_goal = page.split("Kommentar", 1)[1].split()[0]
        assert first_goal.isdigit()
    # Every goal is printed once, in order.
    text = " ".join(used)
    positions = [text.index(f"Målet nummer {n} ") for n in range(1, 61)]
    assert positions == sorted(positions)
