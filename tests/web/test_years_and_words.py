"""Years are written as years ("2026", never "2 026" with a thousands
separator) and the pages use the words of docs/ordlista.md."""

from __future__ import annotations

import re

from django.urls import reverse

# A year written as a number with a thousands separator: "2 026".
SEPARATED_YEAR = re.compile(r"\b20[\u00a0\u202f ]\d\d\d\b")


def test_years_are_never_written_with_a_thousands_separator(client, org, model_owner, chain):
    client.force_login(model_owner)
    pages = [
        reverse("organisation:tree") + "?ar=2026",
        reverse("planning:unit_plans", args=[org["kommun"].pk, 2027]),  # no model that year
        reverse("planning:unit_plans", args=[org["kommun"].pk, 2025]),
        reverse("planning:item", args=[chain["indicator"].pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert not SEPARATED_YEAR.search(body), (url, SEPARATED_YEAR.search(body).group())
    assert "Enheterna som fanns under 2026" in client.get(pages[0]).content.decode()
    assert "Det finns ingen styrmodell för 2027 än." in client.get(pages[1]).content.decode()


def test_the_year_on_the_plans_page_changes_with_a_button_not_on_change(client, org, model_owner):
    client.force_login(model_owner)
    url = reverse("planning:unit_plans", args=[org["kommun"].pk, 2025])
    body = client.get(url).content.decode()
    assert "onchange" not in body and "Visa året" in body

    response = client.get(url + "?ar=2026")

    assert response.status_code == 302
    assert response.url == reverse("planning:unit_plans", args=[org["kommun"].pk, 2026])
