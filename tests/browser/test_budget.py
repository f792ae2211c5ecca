"""The budget and settings pages in the browser: a filled template uploaded
through the import page, the versions, a version per unit and row, an
omfördelning, the dimensions and the driftredovisning's rows, each checked
with axe-core and at 320 CSS pixels."""

from __future__ import annotations

import datetime

import pytest

from styrhjul.economy import budget
from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import BudgetVersion, ReportRow
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.browser.test_economy import fits_320
from tests.economy.test_budget_excel import fill
from tests.factories import (
    AnsvarMappingFactory,
    DimensionFactory,
    DimensionObjectFactory,
    UserFactory,
    grant,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]

YEAR = datetime.date(2025, 1, 1)


def test_import_a_budget_read_it_and_reallocate(page, live_server, org, tmp_path):
    kommun = org["kommun"]
    ensure_default_rows(kommun)
    dimension = DimensionFactory(organisation=kommun, number=1, name="Ansvar")
    for code, unit in (("100", "enhet_a1"), ("200", "enhet_a2")):
        ansvar = DimensionObjectFactory(dimension=dimension, code=code, name=f"Ansvar {code}")
        AnsvarMappingFactory(ansvar=ansvar, unit=org[unit], valid_from=YEAR)
    owner = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(owner, kommun, Role.MODEL_OWNER)
    login(page, owner)

    page.goto("/ekonomi/budget/?ar=2025-01-01")
    assert "Det finns ingen budget för 2025 ännu." in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, "/ekonomi/budget/?ar=2025-01-01")

    filled = tmp_path / "budget.xlsx"
    filled.write_bytes(
        fill(budget.template_workbook(kommun, YEAR), {3: {"Helår": 1200000}, 8: {"Helår": 600000}})
    )
    page.goto("/ekonomi/budget/importera/?ar=2025-01-01")
    assert_accessible(page)
    page.set_input_files("#id_file", str(filled))
    page.select_option("#id_kind", label="Fastställd budget")
    page.fill("#id_decided_on", "2024-11-20")
    page.fill("#id_decided_by", "Kommunfullmäktige")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#sammanfattning")
    assert "Budgeten är importerad som en ny version." in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, "/ekonomi/budget/importera/")

    version = BudgetVersion.objects.get()
    path = f"/ekonomi/budget/versioner/{version.pk}/"
    page.goto(path)
    assert org["enhet_a1"].name in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, path)

    page.goto("/ekonomi/budget/omfordela/?ar=2025-01-01")
    assert_accessible(page)
    page.select_option("#id_from_ansvar", label="100 Ansvar 100")
    page.select_option("#id_from_row", label="Personalkostnader")
    page.select_option("#id_to_ansvar", label="200 Ansvar 200")
    page.select_option("#id_to_row", label="Personalkostnader")
    page.fill("#id_amount", "120 000")
    page.fill("#id_decided_on", "2025-05-20")
    page.fill("#id_decided_by", "Socialnämnden")
    page.fill("#id_reason", "Fler brukare i hemtjänsten")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".message--success")
    assert BudgetVersion.objects.count() == 2
    assert_accessible(page)
    fits_320(page, "/ekonomi/budget/omfordela/?ar=2025-01-01")

    page.goto("/ekonomi/budget/?ar=2025-01-01")
    assert "Fler brukare i hemtjänsten" in page.inner_text("main")
    assert_accessible(page)

    page.goto("/ekonomi/installningar/dimensioner/")
    assert_accessible(page)
    fits_320(page, "/ekonomi/installningar/dimensioner/")

    page.goto("/ekonomi/installningar/rader/")
    page.fill("#id_name", "Ny rad")
    page.fill("#id_ranges", "55-57")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#id_ranges_error")
    assert "överlappar 50–59 i raden Personalkostnader" in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, "/ekonomi/installningar/rader/")
    row = ReportRow.objects.get(organisation=kommun, name="Lokalkostnader")
    page.goto(f"/ekonomi/installningar/rader/{row.pk}/")
    assert_accessible(page)
