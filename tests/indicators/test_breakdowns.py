"""Breakdowns of indicators (uppdelningar such as Åldersgrupp): set up per
organisation, values per group entered and imported, shown as a table and a
chart with the largest difference on the indicator page, in the task beside
the analysis and in the årsredovisning."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.charts import GroupedBarChart, data_table, text_alternative, to_svg
from styrhjul.core.concurrency import EditConflict
from styrhjul.documents import annual, annual_render
from styrhjul.followup.models import ReportingTask
from styrhjul.indicators import services
from styrhjul.indicators.models import BreakdownCategory, BreakdownDimension, BreakdownValue
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import BreakdownDimensionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Värden"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def chef(client, org):
    """The municipality's modellägare: sets up the organisation's
    uppdelningar and reports the council's indicator."""
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def ages(org):
    return BreakdownDimensionFactory(organisation=org["kommun"], name="Åldersgrupp")


def categories(dimension) -> dict[str, BreakdownCategory]:
    return {c.label: c for c in dimension.categories.all()}


def enter(item, unit, dimension, year, values: dict[str, str]):
    cats = categories(dimension)
    services.save_breakdown(
        actor=access.SYSTEM,
        item=item,
        unit=unit,
        dimension=dimension,
        year=year,
        values={cats[label].pk: Decimal(v) for label, v in values.items()},
    )


# --- The chart --------------------------------------------------------------------


def test_a_grouped_bar_chart_draws_and_names_every_group():
    chart = GroupedBarChart(
        "Andel nöjda",
        "%",
        [2024, 2025],
        [("0–17", [80, 82]), ("18–64", [70, 74]), ("65+", [60, None])],
        dimension="Åldersgrupp",
    )
    svg = to_svg(chart, id_prefix="t")
    assert svg.startswith("<svg") and 'role="img"' in svg
    for label in ("0–17", "18–64", "65+"):
        assert label in svg
    assert not chart.small_multiples
    table = data_table(chart)
    assert table.headers == ("År", "0–17", "18–64", "65+")
    assert table.rows[1].cells == ("82\xa0%", "74\xa0%", "–")
    assert text_alternative(chart) == (
        "Diagrammet visar ”Andel nöjda” per åldersgrupp, 2024–2025. "
        "2025: 0–17 82\xa0%, 18–64 74\xa0%, 65+ –."
    )


def test_many_groups_are_drawn_as_small_multiples():
    groups = [(f"Kommundel {n}", [50 + n, 52 + n]) for n in range(1, 8)]
    chart = GroupedBarChart("Andel nöjda", "%", [2024, 2025], groups, dimension="Kommundel")
    assert chart.small_multiples
    svg = to_svg(chart, id_prefix="t")
    for label, _values in groups:
        assert label in svg  # each panel is titled with its group


# --- Uppdelningar -------------------------------------------------------------------


def test_the_model_owner_sets_up_an_uppdelning(client, org, chef):
    url = reverse("indicators:dimensions")
    response = client.post(url, {"name": "Åldersgrupp", "categories": "0–17\n18–64\n\n65+\n"})
    assert response.status_code == 302
    dimension = BreakdownDimension.objects.get(organisation=org["kommun"])
    assert [c.label for c in dimension.categories.all()] == ["0–17", "18–64", "65+"]
    assert dimension.history.first().history_user == chef
    page = client.get(url).content.decode()
    assert "Åldersgrupp" in page and "0–17, 18–64, 65+" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Kommundel", "categories": "Norr"}, "Ange minst två grupper, en per rad."),
        ({"name": "Kommundel", "categories": "Norr\nnorr"}, "Gruppen ”norr” står två gånger."),
        (
            {"name": "åldersgrupp", "categories": "A\nB"},
            "Det finns redan en uppdelning som heter ”åldersgrupp”.",
        ),
    ],
)
def test_a_bad_uppdelning_is_refused_at_its_field(client, org, chef, ages, data, message):
    response = client.post(reverse("indicators:dimensions"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert BreakdownDimension.objects.count() == 1


def test_a_group_with_values_cannot_be_removed(client, org, chain, chef, ages):
    enter(chain["indicator"], org["kommun"], ages, 2025, {"65+": "48"})
    response = client.post(
        reverse("indicators:dimension", args=[ages.pk]),
        {"name": "Åldersgrupp", "categories": "0–17\n18–64"},
    )
    assert "Gruppen ”65+” har värden och kan inte tas bort." in response.content.decode()
    assert ages.categories.count() == 3
    # Renaming and reordering is fine.
    client.post(
        reverse("indicators:dimension", args=[ages.pk]),
        {"name": "Ålder", "categories": "65+\n0–17\n18–64"},
    )
    ages.refresh_from_db()
    assert ages.name == "Ålder"
    assert [c.label for c in ages.categories.all()] == ["65+", "0–17", "18–64"]


def test_only_those_who_manage_the_organisation_change_uppdelningar(client, org, ages):
    user = UserFactory()
    grant(user, org["enhet_a1"], Role.MANAGER)
    client.force_login(user)
    page = client.get(reverse("indicators:dimensions"))
    assert page.status_code == 200 and "Åldersgrupp" in page.content.decode()
    assert "Ny uppdelning" not in page.content.decode()
    assert reverse("indicators:dimension", args=[ages.pk]) not in page.content.decode()
    assert client.post(reverse("indicators:dimensions"), {"name": "X"}).status_code == 403
    assert client.get(reverse("indicators:dimension", args=[ages.pk])).status_code == 403


def test_the_uppdelningar_page_costs_the_same_for_two_and_twelve(client, org, chef):
    def count_for(n_dimensions: int) -> int:
        BreakdownDimension.objects.all().delete()
        for n in range(n_dimensions):
            BreakdownDimensionFactory(organisation=org["kommun"], name=f"Uppdelning {n}")
        client.get(reverse("indicators:dimensions"))  # the session's caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("indicators:dimensions"))
        assert response.content.decode().count('<th scope="row">Uppdelning') == n_dimensions
        return len(queries)

    assert count_for(2) == count_for(12)


# --- Values per group: entered ------------------------------------------------------


def test_values_per_group_are_entered_and_shown_as_a_chart_with_the_largest_difference(
    client, org, chain, chef, ages
):
    item = chain["indicator"]
    cats = categories(ages)
    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    url = reverse("indicators:breakdown", args=[item.pk, ages.pk])
    assert url in page  # "Ange värden per åldersgrupp"

    response = client.post(
        url,
        {
            "year": "2025",
            f"c{cats['0–17'].pk}": "62,5",
            f"c{cats['18–64'].pk}": "71",
            f"c{cats['65+'].pk}": "84",
        },
    )
    assert response.status_code == 302
    saved = {v.category.label: v for v in BreakdownValue.objects.select_related("category")}
    assert saved["0–17"].value == Decimal("62.5") and saved["0–17"].updated_by == chef
    assert saved["65+"].history.first().history_user == chef

    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    assert "Utfall per grupp" in page
    assert "Andel behöriga till gymnasiet per åldersgrupp" in page  # the chart's title
    assert "Störst skillnad 2025 (Åldersgrupp): 65+ 84,0\xa0% jämfört med 0–17 62,5\xa0%." in page
    svg = page[page.index('id="nyckeltal-') :]
    for label in ("0–17", "18–64", "65+"):
        assert label in svg
    # The values as a table.
    assert '<th scope="col">65+</th>' in page


def test_a_bad_value_is_refused_at_its_field_and_nothing_is_saved(client, org, chain, chef, ages):
    cats = categories(ages)
    response = client.post(
        reverse("indicators:breakdown", args=[chain["indicator"].pk, ages.pk]),
        {"year": "2025", f"c{cats['0–17'].pk}": "62", f"c{cats['65+'].pk}": "120"},
    )
    assert response.status_code == 200
    assert "En andel i procent är mellan 0 och 100." in response.content.decode()
    assert not BreakdownValue.objects.exists()


def test_a_blank_field_removes_the_value(client, org, chain, chef, ages):
    enter(chain["indicator"], org["kommun"], ages, 2025, {"0–17": "60", "65+": "70.5"})
    cats = categories(ages)
    form = client.get(
        reverse("indicators:breakdown", args=[chain["indicator"].pk, ages.pk]) + "?ar=2025"
    ).content.decode()
    assert 'value="70,5"' in form  # the stored value as it is written
    versions = {v.category_id: v.version for v in BreakdownValue.objects.all()}
    client.post(
        reverse("indicators:breakdown", args=[chain["indicator"].pk, ages.pk]),
        {
            "year": "2025",
            f"c{cats['0–17'].pk}": "60",
            f"v{cats['0–17'].pk}": versions[cats["0–17"].pk],
            f"c{cats['65+'].pk}": "",
            f"v{cats['65+'].pk}": versions[cats["65+"].pk],
        },
    )
    assert [v.category.label for v in BreakdownValue.objects.all()] == ["0–17"]


def test_a_value_saved_by_someone_else_meanwhile_is_not_overwritten(org, chain, chef, ages):
    enter(chain["indicator"], org["kommun"], ages, 2025, {"65+": "70"})
    cats = categories(ages)
    with pytest.raises(EditConflict):
        services.save_breakdown(
            actor=chef,
            item=chain["indicator"],
            unit=org["kommun"],
            dimension=ages,
            year=2025,
            values={cats["65+"].pk: Decimal(71)},
            versions={cats["65+"].pk: 0},  # opened before the value was saved
        )
    assert BreakdownValue.objects.get().value == Decimal(70)


def test_who_reads_but_does_not_report_sees_the_chart_but_no_way_to_change_it(
    client, org, chain, ages
):
    enter(chain["indicator"], org["kommun"], ages, 2025, {"0–17": "60", "65+": "70"})
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)
    item = chain["indicator"]
    page = client.get(reverse("indicators:indicator", args=[item.pk])).content.decode()
    assert "Störst skillnad 2025 (Åldersgrupp)" in page
    assert reverse("indicators:breakdown", args=[item.pk, ages.pk]) not in page
    assert reverse("indicators:breakdown_import", args=[item.pk]) not in page
    assert client.post(reverse("indicators:breakdown", args=[item.pk, ages.pk])).status_code == 403


def test_another_organisations_uppdelning_is_not_found(client, org, chain, chef):
    from tests.factories import OrganisationFactory

    other = BreakdownDimensionFactory(organisation=OrganisationFactory())
    url = reverse("indicators:breakdown", args=[chain["indicator"].pk, other.pk])
    assert client.get(url).status_code == 404


# --- Values per group: imported ------------------------------------------------------


def test_values_per_group_are_imported_from_excel(client, org, chain, chef, ages):
    item = chain["indicator"]
    data = xlsx(
        [
            ["År", "Uppdelning", "Grupp", "Utfall"],
            [2024, "Åldersgrupp", "0–17", 58],
            [2025, "åldersgrupp", "0–17", "61,5"],
            [2025, "Åldersgrupp", "18–64", 70],
            [2025, "Åldersgrupp", "65+", 83],
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "varden.xlsx"
    response = client.post(reverse("indicators:breakdown_import", args=[item.pk]), {"file": upload})
    assert "Filen är importerad: 4 rader, 4 värden ändrade." in response.content.decode()
    values = {(v.year, v.category.label): (v.value, v.source) for v in BreakdownValue.objects.all()}
    assert values[2025, "0–17"] == (Decimal("61.5"), "imported")
    assert len(values) == 4


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            ["2025", "Åldersgrp", "0–17", 5],
            "Blad Värden, rad 3, kolumn Uppdelning: Uppdelningen ”Åldersgrp” finns inte. "
            "Menade du ”Åldersgrupp”?",
        ),
        (
            ["2025", "Åldersgrupp", "0-17 år", 5],
            "Blad Värden, rad 3, kolumn Grupp: Gruppen ”0-17 år” finns inte.",
        ),
        (
            ["tjugo", "Åldersgrupp", "0–17", 5],
            "Blad Värden, rad 3, kolumn År: ”tjugo” är inte ett år",
        ),
        (
            ["2025", "Åldersgrupp", "0–17", "fem"],
            "Blad Värden, rad 3, kolumn Utfall: ”fem” är inte ett tal.",
        ),
        (["2025", "Åldersgrupp", "0–17", None], "Blad Värden, rad 3, kolumn Utfall: värde saknas."),
        (
            ["2025", "Åldersgrupp", "65+", 7],
            "Blad Värden, rad 3: Åldersgrupp 65+ 2025 står redan på rad 2.",
        ),
    ],
)
def test_a_file_with_a_bad_row_is_refused_whole(org, chain, chef, ages, row, error):
    data = xlsx([["År", "Uppdelning", "Grupp", "Utfall"], [2025, "Åldersgrupp", "65+", 80], row])
    with pytest.raises(services.ImportRejected) as caught:
        services.import_breakdowns(
            actor=chef, item=chain["indicator"], unit=org["kommun"], data=data, filename="a.xlsx"
        )
    assert any(str(e).startswith(error) for e in caught.value.errors), caught.value.errors
    assert not BreakdownValue.objects.exists()  # the good row is not saved either


def test_a_file_without_a_column_is_refused_with_the_columns_it_needs(client, org, chain, chef):
    upload = io.BytesIO(xlsx([["År", "Grupp", "Utfall"], [2025, "0–17", 5]]))
    upload.name = "varden.xlsx"
    response = client.post(
        reverse("indicators:breakdown_import", args=[chain["indicator"].pk]), {"file": upload}
    )
    page = response.content.decode()
    assert "Filen importerades inte" in page
    assert "rubrikraden saknar kolumnen Uppdelning." in page
    assert "Ingenting har sparats." in page


# --- In the task and the årsredovisning -----------------------------------------------


def test_the_task_shows_the_chart_and_the_analysis_questions_point_to_the_difference(
    client, org, chain, chef, ages, reported
):
    enter(chain["indicator"], org["kommun"], ages, 2025, {"0–17": "62", "18–64": "71", "65+": "84"})
    task = ReportingTask.objects.get(occasion=reported, unit=org["kommun"], reporter=None)
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    indicator = page[page.index(f'id="post-{chain["indicator"].pk}"') :]
    assert "Utfall per grupp" in indicator
    assert "Andel behöriga till gymnasiet per åldersgrupp" in indicator
    assert "<svg" in indicator
    # The council goal's analysis questions name the largest difference.
    goal = page[page.index(f'id="post-{chain["council"].pk}"') :]
    questions = goal[goal.index("Frågor att besvara i analysen") :]
    assert "Vad förklarar skillnaden i Andel behöriga till gymnasiet?" in questions
    assert "Störst skillnad 2025 (Åldersgrupp): 65+ 84\xa0% jämfört med 0–17 62\xa0%." in questions


def test_the_annual_report_shows_the_chart_and_the_difference(org, chain, ages, reported, tmp_path):
    from tests.pdf import pdf_text

    enter(chain["indicator"], org["kommun"], ages, 2025, {"0–17": "62", "18–64": "71", "65+": "84"})
    report = annual.build(org["kommun"], reported)

    html = annual_render.render(report, "html").decode()
    assert html.count("<svg") == 3  # the trend, women and men, and the age groups
    chart = html[html.index("Andel behöriga till gymnasiet per åldersgrupp") - 2000 :]
    for label in ("0–17", "18–64", "65+"):
        assert label in chart
    assert "Störst skillnad 2025 (Åldersgrupp): 65+ 84\xa0% jämfört med 0–17 62\xa0%." in html

    import docx

    document = docx.Document(io.BytesIO(annual_render.render(report, "docx")))
    assert len(document.inline_shapes) == 3
    assert "per åldersgrupp" in document.inline_shapes[2]._inline.docPr.get("descr")
    assert any(p.text.startswith("Störst skillnad 2025") for p in document.paragraphs)

    text = pdf_text(annual_render.render(report, "pdf"), tmp_path)
    assert "Störst skillnad 2025" in text
