"""The economy pages in the browser: importing a real SIE file through the
upload form, the summary, the mapping page and a unit's economy, each
checked with axe-core and at 320 CSS pixels."""

from __future__ import annotations

import datetime

import pytest

from styrhjul.economy.queries import unmapped_ansvar
from styrhjul.economy.services import mapping_create
from styrhjul.organisation.models import Role
from tests.browser.conftest import assert_accessible, login
from tests.economy.test_sie_parser import DATA
from tests.factories import UserFactory, grant
from tests.worker import run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("transactional_db"),
]


def fits_320(page, path: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    response = page.goto(path)
    assert response is not None and response.ok, path
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} rullar i sidled vid 320 px: {widths}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_import_map_and_read_a_units_economy(page, live_server, org):
    owner = UserFactory(first_name="Maja", last_name="Modellsson")
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)
    page.goto("/ekonomi/importera/")
    assert_accessible(page)
    page.set_input_files("#id_file", str(DATA / "objektsaldo_ovnbolag.se"))
    page.click("form.stack button[type=submit]")
    page.get_by_text("Filen importeras i bakgrunden").wait_for()
    assert_accessible(page)
    run_worker()  # `styrhjul worker`, as beside the server; the page then reloads
    page.wait_for_selector("#sammanfattning", timeout=30_000)
    assert "Kontor Nord" in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, "/ekonomi/importera/")

    page.goto("/ekonomi/ansvar/")
    assert_accessible(page)
    page.select_option("#id_ansvar", label="Nord Kontor Nord")
    page.select_option("#id_unit", label=f"{org['enhet_a1'].name} ({org['enhet_a1'].code})")
    page.fill("#id_valid_from", "2010-01-01")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".message--success")
    assert "1 ansvar hör inte till någon enhet." in page.inner_text("main")
    fits_320(page, "/ekonomi/ansvar/")

    # The other ansvar to the other enhet, so the avdelning has two parts.
    other = unmapped_ansvar(org["kommun"]).get()
    mapping_create(
        actor=owner, ansvar=other, unit=org["enhet_a2"], valid_from=datetime.date(2010, 1, 1)
    )
    path = f"/ekonomi/enheter/{org['avd_a'].pk}/?ar=2010-01-01"
    page.goto(path)
    assert "Personalkostnader" in page.inner_text("main")
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 4
    for i in range(4):
        svg = charts.nth(i)
        labelled = svg.get_attribute("aria-labelledby").split()
        assert [page.locator(f"#{ident}").count() for ident in labelled] == [1, 1]
    assert "Avvikelse hittills per enhet" in page.inner_html("main")
    assert_accessible(page)
    fits_320(page, path)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    widths = page.evaluate(
        "[...document.querySelectorAll('figure.chart svg')]"
        ".map(s => s.getBoundingClientRect().width)"
    )
    assert widths and all(0 < w <= 320 for w in widths), widths


def test_investments_and_financial_ratios(page, live_server, org):
    """The investment page from the unit's economy page, and the ratio page
    with the ansvarsförbindelse entered, with axe-core and at 320 px."""
    from styrhjul.economy.importing import import_sie
    from styrhjul.economy.models import DimensionObject
    from styrhjul.economy.ratios import after_import
    from styrhjul.organisation import access
    from tests.economy.test_investments import ledger as investments
    from tests.economy.test_ratios import ledger as municipality

    # The municipality's ratios in 2024, its investments in 2025.
    year_before = municipality().replace(b"2025", b"2024")
    for name, data in (("kommun.se", year_before), ("inv.se", investments())):
        result = import_sie(
            actor=access.SYSTEM, organisation=org["kommun"], data=data, filename=name
        )
        after_import(result, organisation=org["kommun"])
    for code, unit in (("100", "enhet_a1"), ("200", "enhet_b1")):
        mapping_create(
            actor=access.SYSTEM,
            ansvar=DimensionObject.objects.get(dimension__number=1, code=code),
            unit=org[unit],
            valid_from=datetime.date(2025, 1, 1),
        )
    owner = UserFactory()
    grant(owner, org["kommun"], Role.MODEL_OWNER)
    login(page, owner)

    page.goto(f"/ekonomi/enheter/{org['kommun'].pk}/")
    page.click("text=Investeringar per projekt")
    page.wait_for_selector("figure.chart svg[role=img]")
    assert "P1 Ny förskola" in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, page.url.replace(live_server.url, ""))

    page.goto(f"/ekonomi/enheter/{org['kommun'].pk}/")
    page.click("text=Finansiella nyckeltal")
    page.select_option("#ar", "2024-01-01")
    page.click("form.inline-form button[type=submit]")
    assert "43,0 %" in page.inner_text("main")
    page.fill("#id_amount", "250 000")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".message--success")
    assert "18,0 %" in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, "/ekonomi/nyckeltal/?ar=2024-01-01")
def test_the_drill_down_from_förvaltning_to_the_vouchers(page, live_server, org):
    from tests.economy.test_drill import ledger

    ansvar, account = ledger(org)
    reader = UserFactory(first_name="Fia", last_name="Förvaltningsdotter")
    grant(reader, org["forv"], Role.READER)
    login(page, reader)
    path = f"/ekonomi/nedbrytning/{org['forv'].pk}/"
    page.goto(path)
    assert "Per enhet och ansvar" in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, path)
    page.goto(path)
    page.click("main table a:text-is('Äldreomsorg')")
    page.click(f"main table a:text-is('{org['enhet_a1'].name}')")
    page.click("main table a:text-is('100 Äldreomsorg')")
    page.click("main table a:text-is('5010 Löner')")
    assert "Löner januari" in page.inner_text("main")
    assert "Verifikationer" in page.inner_text("main")
    assert_accessible(page)
    # Only February.
    page.select_option("#manad", "2025-02")
    page.check("#urval-manad")
    page.click("main form button[type=submit]")
    page.wait_for_url("**urval=manad**")
    assert "Lön med OB" in page.inner_text("main")
    assert "Löner januari" not in page.inner_text("main")
    assert_accessible(page)
    fits_320(page, page.url.split(live_server.url)[1])
