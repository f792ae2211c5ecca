"""Comparison values entered by hand for any indicator (also one without a
Kolada id): riket, a group of municipalities or a named municipality, with
source and date, shown like Kolada's comparisons."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict
from styrhjul.indicators import services
from styrhjul.indicators.models import ComparisonValue
from styrhjul.indicators.series import indicator_data
from styrhjul.organisation.models import Role
from styrhjul.planning.models import Item
from tests.factories import ComparisonValueFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Jämförelser"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def chef(client, org):
    """A manager of the municipality: reports the council's indicator."""
    user = UserFactory()
    grant(user, org["kommun"], Role.MANAGER)
    client.force_login(user)
    return user


def load(item):
    item = Item.objects.select_related("plan__unit", "plan__plan_type__model").get(pk=item.pk)
    return indicator_data([item])[item.pk]


def test_comparison_values_are_entered_for_an_indicator_without_kolada_id(client, chain, chef):
    item = chain["indicator"]
    assert not item.kolada_kpi
    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    url = reverse("indicators:comparisons", args=[item.pk])
    assert url in page

    for name, kind, year, value in (
        ("Riket", "country", "2024", "80,5"),
        ("Riket", "country", "2025", "81"),
        ("Liknande kommuner", "group", "2025", "83"),
        ("Växjö", "municipality", "2025", "86"),
    ):
        response = client.post(
            url,
            {
                "kind": kind,
                "name": name,
                "year": year,
                "value": value,
                "source": "SKR, Öppna jämförelser",
                "source_date": "2026-03-01",
            },
        )
        assert response.status_code == 302, response.content.decode()
    row = ComparisonValue.objects.get(name="Riket", year=2024)
    assert row.value == Decimal("80.5") and row.updated_by == chef
    assert row.history.first().history_user == chef

    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    comparisons = page[page.index('id="jmf-rubrik"') :]
    for name in ("Riket", "Liknande kommuner", "Växjö"):
        assert f'<th scope="row">{name}</th>' in comparisons
    assert (
        "Källa för jämförelsevärdena: Riket: SKR, Öppna jämförelser 2026-03-01; "
        "Liknande kommuner: SKR, Öppna jämförelser 2026-03-01; "
        "Växjö: SKR, Öppna jämförelser 2026-03-01."
    ) in page
    # The trend chart draws them as Kolada's: riket and the group as named
    # references, the municipality among the comparison municipalities.
    trend = page[page.index('id="nyckeltal-') :]
    assert "Riket" in trend and "Liknande kommuner" in trend and "Växjö" in trend


def test_they_are_drawn_with_the_same_chart_code_as_koladas(chain):
    item = chain["indicator"]
    ComparisonValueFactory(item=item, name="Riket", kind="country", year=2025)
    ComparisonValueFactory(item=item, name="Växjö", kind="municipality", year=2025)
    chart = load(item).trend_chart()
    assert [s.label for s in chart.highlighted] == ["Riket"]
    assert [s.label for s in chart.named_others] == ["Växjö"]
    assert chart.others_legend == "Växjö"


def test_a_bad_value_is_refused_at_its_field(client, chain, chef):
    response = client.post(
        reverse("indicators:comparisons", args=[chain["indicator"].pk]),
        {
            "kind": "country",
            "name": "Riket",
            "year": "2025",
            "value": "81,555",
            "source": "",
            "source_date": "1 mars",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Högst två decimaler." in page
    assert not ComparisonValue.objects.exists()


def test_one_value_per_name_and_year(client, chain, chef):
    ComparisonValueFactory(item=chain["indicator"], name="Riket", year=2025)
    response = client.post(
        reverse("indicators:comparisons", args=[chain["indicator"].pk]),
        {
            "kind": "country",
            "name": "riket",
            "year": "2025",
            "value": "80",
            "source": "SCB",
            "source_date": "2026-03-01",
        },
    )
    assert "Det finns redan ett värde för riket 2025; ändra det i tabellen." in (
        response.content.decode()
    )
    assert ComparisonValue.objects.get().value == Decimal("52.00")


def test_a_value_is_changed_and_removed(client, chain, chef):
    row = ComparisonValueFactory(item=chain["indicator"], name="Riket", year=2025)
    url = reverse("indicators:comparisons", args=[chain["indicator"].pk])
    page = client.get(url + f"?rad={row.pk}").content.decode()
    assert 'value="52"' in page
    client.post(
        url + f"?rad={row.pk}",
        {
            "kind": "country",
            "name": "Riket",
            "year": "2024",
            "value": "50",
            "source": "SCB",
            "source_date": "2026-02-01",
            "version": row.version,
        },
    )
    row.refresh_from_db()
    assert (row.year, row.value, row.source) == (2024, Decimal(50), "SCB")
    client.post(reverse("indicators:comparison_delete", args=[chain["indicator"].pk, row.pk]))
    assert not ComparisonValue.objects.exists()


def test_a_change_on_top_of_someone_elses_is_refused(chain, chef):
    row = ComparisonValueFactory(item=chain["indicator"])
    opened = row.version
    services.save_comparison(
        actor=chef,
        item=chain["indicator"],
        kind="country",
        name="Riket",
        year=2025,
        value=Decimal(53),
        source="SKR",
        source_date=datetime.date(2026, 3, 1),
        row=ComparisonValue.objects.get(pk=row.pk),
        version=opened,
    )
    with pytest.raises(EditConflict):
        services.save_comparison(
            actor=chef,
            item=chain["indicator"],
            kind="country",
            name="Riket",
            year=2025,
            value=Decimal(54),
            source="SKR",
            source_date=datetime.date(2026, 3, 1),
            row=ComparisonValue.objects.get(pk=row.pk),
            version=opened,
        )
    assert ComparisonValue.objects.get().value == Decimal(53)


def test_who_only_reads_sees_the_values_but_cannot_change_them(client, org, chain):
    row = ComparisonValueFactory(item=chain["indicator"])
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)
    item = chain["indicator"]
    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    assert '<th scope="row">Riket</th>' in page
    assert reverse("indicators:comparisons", args=[item.pk]) not in page
    assert client.post(reverse("indicators:comparisons", args=[item.pk])).status_code == 403
    delete = reverse("indicators:comparison_delete", args=[item.pk, row.pk])
    assert client.post(delete).status_code == 403
    assert ComparisonValue.objects.exists()


def test_comparison_values_are_imported_from_excel(client, chain, chef):
    item = chain["indicator"]
    upload = io.BytesIO(
        xlsx(
            [
                ["År", "Jämförelse", "Namn", "Värde", "Källa", "Datum"],
                [2024, "Riket", "Riket", 80, "SKR", "2026-03-01"],
                [2025, "riket", "Riket", "81,5", "SKR", datetime.date(2026, 3, 1)],
                [2025, "Grupp av kommuner", "Liknande kommuner", 83, "SKR", "2026-03-01"],
                [2025, "Kommun", "Växjö", 86, "Kolada", "2026-03-01"],
            ]
        )
    )
    upload.name = "jamforelser.xlsx"
    response = client.post(
        reverse("indicators:comparisons_import", args=[item.pk]), {"file": upload}
    )
    assert "Filen är importerad: 4 rader, 4 värden ändrade." in response.content.decode()
    assert ComparisonValue.objects.get(name="Riket", year=2025).value == Decimal("81.5")
    assert ComparisonValue.objects.get(name="Växjö").kind == "municipality"


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            [2025, "Landet", "Riket", 80, "SKR", "2026-03-01"],
            "kolumn Jämförelse: ”Landet” är inte en jämförelse. "
            "Skriv Riket, Grupp av kommuner, Kommun.",
        ),
        ([2025, "Riket", None, 80, "SKR", "2026-03-01"], "kolumn Namn: värde saknas."),
        ([2025, "Riket", "Riket", "åttio", "SKR", "2026-03-01"], "kolumn Värde: ”åttio”"),
        ([2025, "Riket", "Riket", 80, None, "2026-03-01"], "kolumn Källa: värde saknas."),
        ([2025, "Riket", "Riket", 80, "SKR", "mars"], "kolumn Datum: ”mars” är inte ett giltigt"),
        ([1999, "Riket", "Riket", 80, "SKR", "2026-03-01"], "kolumn År: ”1999” är inte ett år"),
        (
            [2024, "Riket", "riket", 80, "SKR", "2026-03-01"],
            "Blad Jämförelser, rad 3: riket 2024 står redan på rad 2.",
        ),
    ],
)
def test_a_file_with_a_bad_row_is_refused_whole(chain, chef, row, error):
    data = xlsx(
        [
            ["År", "Jämförelse", "Namn", "Värde", "Källa", "Datum"],
            [2024, "Riket", "Riket", 80, "SKR", "2026-03-01"],
            row,
        ]
    )
    with pytest.raises(services.ImportRejected) as caught:
        services.import_comparisons(
            actor=chef, item=chain["indicator"], data=data, filename="j.xlsx"
        )
    texts = [str(e) for e in caught.value.errors]
    assert any(error in t and "rad 3" in t for t in texts), texts
    assert not ComparisonValue.objects.exists()


def test_the_values_follow_the_indicator_to_next_year(chain):
    from styrhjul.organisation import access
    from styrhjul.planning.services import model_copy_to_next_year

    ComparisonValueFactory(item=chain["indicator"], year=2025)
    model_2026 = model_copy_to_next_year(actor=access.SYSTEM, model=chain["vp"].model)
    copy = Item.objects.get(plan__plan_type__model=model_2026, series=chain["indicator"].series)
    data = load(copy)
    assert [(c.name, c.points) for c in data.comparisons] == [("Riket", {2025: Decimal(52)})]
