"""The plan file's sheet Uppdelningar: an indicator's values per group of
an uppdelning go out with the plan and come back with the rules of the
breakdown import, all or nothing with the rest of the file."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from styrhjul.indicators.models import BreakdownValue, ValueSource
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Role
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.models import Item
from tests.excel import import_plan, rejected, workbook
from tests.factories import BreakdownDimensionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

HEADER = ["Nyckeltal", "År", "Period", "Uppdelning", "Grupp", "Utfall"]
INDICATORS = [
    ["Nr", "Nyckeltal", "Måttenhet"],
    ["1.1", "Andel nöjda brukare", "%"],
    ["1.2", "Antal besök", "antal"],
]


@pytest.fixture
def vp(model):
    return model.plan_types.get(name="Verksamhetsplan")


@pytest.fixture
def unit(org):
    return org["enhet_a1"]


@pytest.fixture
def ages(org):
    return BreakdownDimensionFactory(organisation=org["kommun"], name="Åldersgrupp")


def stored() -> dict[tuple, tuple[Decimal, str]]:
    return {
        (v.item.title, v.year, v.period, v.category.label): (v.value, v.source)
        for v in BreakdownValue.objects.select_related("item", "category")
    }


def sheet_rows(data: bytes, name: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def test_values_per_group_go_out_and_come_back_unchanged(unit, vp, model_owner, ages):
    data = workbook(
        {
            "Nyckeltal": INDICATORS,
            "Uppdelningar": [
                HEADER,
                ["1.1", 2025, None, "Åldersgrupp", "0–17", "81,5"],
                ["1.1", 2025, None, "åldersgrupp", "65+", 90],
                ["Antal besök", 2025, "augusti", "Åldersgrupp", "18–64", 1200],
            ],
        }
    )
    result = import_plan(data, unit, vp, model_owner)

    assert result.breakdown_values == 3
    assert "3 ändrade värden per grupp" in result.summary()
    assert stored() == {
        ("Andel nöjda brukare", 2025, "", "0–17"): (Decimal("81.5"), ValueSource.IMPORTED),
        ("Andel nöjda brukare", 2025, "", "65+"): (Decimal(90), ValueSource.IMPORTED),
        ("Antal besök", 2025, "2025-08", "18–64"): (Decimal(1200), ValueSource.IMPORTED),
    }
    assert BreakdownValue.history.filter(history_user=model_owner).count() == 3

    exported = export_workbook(actor=model_owner, unit=unit, plan_type=vp)
    assert sheet_rows(exported, "Uppdelningar") == [
        HEADER,
        ["1.1", 2025, None, "Åldersgrupp", "0–17", 81.5],
        ["1.1", 2025, None, "Åldersgrupp", "65+", 90],
        ["1.2", 2025, "2025-08", "Åldersgrupp", "18–64", 1200],
    ]
    # The export read back changes nothing.
    again = import_plan(exported, unit, vp, model_owner)
    assert again.breakdown_values == 0 and not again.changed_anything
    assert BreakdownValue.history.count() == 3


def test_a_changed_value_in_the_export_is_saved(unit, vp, model_owner, ages):
    import_plan(
        workbook(
            {
                "Nyckeltal": INDICATORS,
                "Uppdelningar": [HEADER, ["1.1", 2025, None, "Åldersgrupp", "65+", 90]],
            }
        ),
        unit,
        vp,
        model_owner,
    )
    book = openpyxl.load_workbook(
        io.BytesIO(export_workbook(actor=model_owner, unit=unit, plan_type=vp))
    )
    book["Uppdelningar"]["F2"] = 92
    out = io.BytesIO()
    book.save(out)

    assert import_plan(out.getvalue(), unit, vp, model_owner).breakdown_values == 1
    assert stored()["Andel nöjda brukare", 2025, "", "65+"][0] == Decimal(92)


def test_the_instructions_describe_the_sheet(unit, vp, model_owner, ages):
    book = openpyxl.load_workbook(
        io.BytesIO(export_workbook(actor=model_owner, unit=unit, plan_type=vp))
    )
    described = [r[:3] for r in book["Instruktioner"].iter_rows(values_only=True)]
    start = described.index(("Bladet Uppdelningar", None, None))
    assert [r[:2] for r in described[start + 3 : start + 9]] == [
        ("Nyckeltal", "Ja"),
        ("År", "Ja"),
        ("Period", "Nej"),
        ("Uppdelning", "Ja"),
        ("Grupp", "Ja"),
        ("Utfall", "Ja"),
    ]


def test_an_organisation_without_uppdelningar_gets_no_sheet(unit, vp, model_owner):
    import_plan(workbook({"Nyckeltal": INDICATORS}), unit, vp, model_owner)
    book = openpyxl.load_workbook(
        io.BytesIO(export_workbook(actor=model_owner, unit=unit, plan_type=vp))
    )
    assert "Uppdelningar" not in book.sheetnames


def test_bad_rows_name_sheet_row_and_column_and_nothing_is_saved(unit, vp, model_owner, ages):
    data = workbook(
        {
            "Nyckeltal": INDICATORS,
            "Uppdelningar": [
                HEADER,
                ["1.1", 2025, None, "Åldersgrupp", "0-17 år", 5],
                ["9.9", 2025, None, "Åldersgrupp", "65+", 5],
                ["1.1", 2025, "2024-08", "Åldersgrupp", "65+", 5],
                ["1.1", 2025, None, "Åldersgrupp", "65+", 120],
                ["1.1", 2025, None, "Åldersgrupp", "18–64", 70],
                ["Andel nöjda brukare", 2025, "helår", "Åldersgrupp", "18–64", 71],
            ],
        }
    )
    errors = [str(e) for e in rejected(data, unit, vp, model_owner)]

    expected = [
        "Blad Uppdelningar, rad 2, kolumn Grupp: Gruppen ”0-17 år” finns inte.",
        "Blad Uppdelningar, rad 3, kolumn Nyckeltal: nyckeltalet ”9.9” finns inte i planen.",
        "Blad Uppdelningar, rad 4, kolumn Period: perioden 2024-08 är inte i året 2025.",
        "Blad Uppdelningar, rad 5, kolumn Utfall: En andel i procent är mellan 0 och 100.",
        "Blad Uppdelningar, rad 7: Åldersgrupp 18–64 2025 står redan på rad 6.",
    ]
    for start in expected:
        assert any(e.startswith(start) for e in errors), (start, errors)
    assert not Item.objects.exists()  # the indicators are not saved either
    assert not BreakdownValue.objects.exists()


def test_a_percentage_above_100_is_refused_as_on_the_page(unit, vp, model_owner, ages):
    data = workbook(
        {
            "Nyckeltal": INDICATORS,
            "Uppdelningar": [HEADER, ["1.1", 2025, None, "Åldersgrupp", "65+", 120]],
        }
    )
    errors = [str(e) for e in rejected(data, unit, vp, model_owner)]
    assert errors == [
        "Blad Uppdelningar, rad 2, kolumn Utfall: En andel i procent är mellan 0 och 100."
    ]
    assert not BreakdownValue.objects.exists()


def _docs_table(heading: str) -> dict[str, str]:
    """Column → what it holds, from the table under `heading` in
    docs/import-plan.md (backticks and bold dropped)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "import-plan.md").read_text()
    section = text.split(f"\n{heading}\n", 1)[1]
    rows = {}
    for line in section.split("\n\n", 2)[1].splitlines()[2:]:
        column, holds = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows[column.strip("*`")] = holds.replace("`", "").strip()
    return rows


def test_the_import_page_lists_the_sheet_as_the_documentation_does(client, org, unit, vp, model):
    chef = UserFactory()
    grant(chef, unit, Role.MANAGER)
    client.force_login(chef)

    page = client.get(reverse("planning:plan_import", args=[unit.pk, vp.pk])).content.decode()

    assert "<summary>Bladet Uppdelningar</summary>" in page
    sheet = page.split("<summary>Bladet Uppdelningar</summary>", 1)[1].split("</details>")[0]
    assert "en rad per nyckeltal, period och grupp" in sheet
    documented = _docs_table("### Uppdelningar")
    assert list(documented) == HEADER
    required = {"Nyckeltal", "År", "Uppdelning", "Grupp", "Utfall"}
    for column, holds in documented.items():
        row = f'<tr><th scope="row">{column}</th><td>{"Ja" if column in required else "Nej"}</td>'
        assert row + f"<td>{escape(holds)}</td></tr>" in sheet
    # A plan type without indicators has no such sheet.
    other = next(t for t in model.plan_types.all() if not t.holds(ItemKind.INDICATOR))
    page = client.get(reverse("planning:plan_import", args=[unit.pk, other.pk])).content.decode()
    assert "Bladet Uppdelningar" not in page
