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


def test_an_indicators_values_are_shown_in_its_own_precision(client, org, model_owner, chain):
    from styrhjul.indicators.series import indicator_data
    from styrhjul.planning.models import Item

    client.force_login(model_owner)
    body = client.get(reverse("planning:item", args=[chain["indicator"].pk])).content.decode()
    assert "<dt>Måttenhet</dt><dd>%</dd>" in body
    assert "81\u00a0% (2022)" in body and "88\u00a0% (2026)" in body  # not "81,00"

    from styrhjul.indicators.models import IndicatorValue

    IndicatorValue.objects.create(
        item=chain["indicator"],
        unit=org["kommun"],
        year=2025,
        value=7.5,
        value_women=8,
        value_men=7,
    )
    Item.objects.filter(pk=chain["indicator"].pk).update(baseline_value=None, target_value=None)
    item = Item.objects.get(pk=chain["indicator"].pk)
    data = indicator_data([item], {item.pk: org["kommun"]})[item.pk]
    assert data.brief(2025).gender == "kvinnor 8,0\u00a0%, män 7,0\u00a0%"
