"""The drill-down: förvaltning → avdelning → enhet → ansvar → konto, for a
month or the year to date, with links only where the reader may go, the
vouchers at the account, and query counts that do not grow with the number
of ansvar, sub-units or accounts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.economy.importing import import_sie
from styrhjul.economy.models import Account, DimensionObject, Voucher
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    DimensionObjectFactory,
    UnitFactory,
    UserFactory,
    UtfallFactory,
    grant,
)

from .test_pages import logged_in
from .test_sie_parser import sie_bytes


@pytest.fixture
def people(org):
    def user(unit, role):
        u = UserFactory()
        grant(u, org[unit], role)
        return u

    return {
        "owner": user("kommun", Role.MODEL_OWNER),
        "chef": user("avd_a", Role.MANAGER),
        "reader": user("enhet_a1", Role.READER),
        "sibling": user("enhet_b1", Role.READER),
    }


def ledger(org):
    """Ansvar 100 on Solgårdens äldreboende: salaries in January (1 000) and
    February (1 200) with a voucher each, a budget of 1 100 a month."""
    import_sie(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        data=sie_bytes(
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00',
            '#PSALDO 0 202502 5010 {1 "100"} 1200.00',
            '#PBUDGET 0 202501 5010 {1 "100"} 1100.00',
            '#PBUDGET 0 202502 5010 {1 "100"} 1100.00',
            '#VER A 1 20250125 "Löner januari"',
            "{",
            '#TRANS 5010 {1 "100"} 1000.00',
            "#TRANS 1930 {} -1000.00",
            "}",
            '#VER A 2 20250225 "Löner februari"',
            "{",
            '#TRANS 5010 {1 "100"} 1200.00 20250224 "Lön med OB"',
            "#TRANS 1930 {} -1200.00",
            "}",
        ),
        filename="bok.se",
    )
    ansvar = DimensionObject.objects.get(code="100")
    AnsvarMappingFactory(ansvar=ansvar, unit=org["enhet_a1"])
    return ansvar, Account.objects.get(number="5010", organisation=org["kommun"])


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cells(*values: str) -> str:
    return "".join(f'\n    <td class="num" data-label="{label}">{v}</td>' for label, v in values)


def test_the_förvaltning_shows_its_avdelningar_with_links(client, org, people):
    ledger(org)
    html = page(
        logged_in(client, people["owner"]), reverse("economy:drill_unit", args=[org["forv"].pk])
    )
    url = reverse("economy:drill_unit", args=[org["avd_a"].pk]) + "?manad=2025-02&urval=hittills"
    assert f'<a href="{url.replace("&", "&amp;")}">Äldreomsorg</a>' in html
    # Hittills i år (January–February): budget −2 200, utfall −2 200.
    assert "hittills i år, 2025-01 till och med 2025-02" in html
    assert (
        '<th scope="row">Personalkostnader</th>'
        + cells(("Budget", "−2\u202f200"), ("Utfall", "−2\u202f200"), ("Avvikelse", "0"))
        in html
    )


def test_one_month_alone(client, org, people):
    ledger(org)
    html = page(
        logged_in(client, people["owner"]),
        reverse("economy:drill_unit", args=[org["enhet_a1"].pk]) + "?manad=2025-02&urval=manad",
    )
    assert "Budget, utfall och avvikelse för 2025-02." in html
    assert (
        '<th scope="row">Personalkostnader</th>'
        + cells(("Budget", "−1\u202f100"), ("Utfall", "−1\u202f200"), ("Avvikelse", "−100"))
        in html
    )


def test_from_enhet_to_ansvar_to_account_and_its_vouchers(client, org, people):
    ansvar, account = ledger(org)
    c = logged_in(client, people["reader"])
    unit = org["enhet_a1"]
    html = page(c, reverse("economy:drill_unit", args=[unit.pk]))
    ansvar_url = reverse("economy:drill_ansvar", args=[unit.pk, ansvar.pk])
    assert f'href="{ansvar_url}?manad=2025-02&amp;urval=hittills"' in html
    html = page(c, ansvar_url)
    account_url = reverse("economy:drill_account", args=[unit.pk, ansvar.pk, account.pk])
    assert f'href="{account_url}?manad=2025-02&amp;urval=hittills"' in html
    assert "5010 Löner" in html
    html = page(c, account_url)
    assert "Löner januari" in html and "Lön med OB" in html
    assert "2 transaktioner på kontot och ansvaret" in html
    # Only February's voucher for February alone.
    html = page(c, account_url + "?manad=2025-02&urval=manad")
    assert "Lön med OB" in html and "Löner januari" not in html
    assert Voucher.objects.count() == 2


def test_breadcrumbs_link_only_to_what_the_reader_may_read(client, org, people):
    ledger(org)
    html = page(
        logged_in(client, people["chef"]),
        reverse("economy:drill_unit", args=[org["enhet_a1"].pk]),
    )
    crumbs = html.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert reverse("economy:drill_unit", args=[org["avd_a"].pk]) in crumbs
    assert reverse("economy:drill_unit", args=[org["forv"].pk]) not in crumbs
    assert "Socialförvaltningen" in crumbs


@pytest.mark.parametrize("who, status", [("reader", 200), ("chef", 200), ("sibling", 404)])
def test_the_pages_are_read_by_whoever_reads_the_unit(client, org, people, who, status):
    ansvar, account = ledger(org)
    unit = org["enhet_a1"]
    c = logged_in(client, people[who])
    for url in (
        reverse("economy:drill_unit", args=[unit.pk]),
        reverse("economy:drill_ansvar", args=[unit.pk, ansvar.pk]),
        reverse("economy:drill_account", args=[unit.pk, ansvar.pk, account.pk]),
    ):
        assert c.get(url).status_code == status, url


def test_an_ansvar_of_another_unit_or_a_bad_month_is_not_found(client, org, people):
    ansvar, _account = ledger(org)
    c = logged_in(client, people["owner"])
    assert (
        c.get(reverse("economy:drill_ansvar", args=[org["enhet_a2"].pk, ansvar.pk])).status_code
        == 404
    )
    url = reverse("economy:drill_unit", args=[org["enhet_a1"].pk])
    assert c.get(url + "?manad=2025-13").status_code == 404


def grow(org, unit_key: str, n: int) -> None:
    """n more sub-units, each with an ansvar with utfall on its own account."""
    ansvar = DimensionObject.objects.filter(dimension__organisation=org["kommun"]).first()
    for i in range(n):
        unit = UnitFactory(parent=org[unit_key], code=f"G{unit_key}{i}")
        obj = DimensionObjectFactory(dimension=ansvar.dimension, code=f"G{unit_key}{i}")
        AnsvarMappingFactory(ansvar=obj, unit=unit)
        UtfallFactory(
            organisation=org["kommun"],
            ansvar=obj,
            in_ansvar_sum=True,
            account=AccountFactory(
                organisation=org["kommun"], number=f"{6 if unit_key == 'avd_a' else 7}0{i:02d}"
            ),
            period=datetime.date(2025, 1, 1),
            amount=Decimal("10.00"),
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_children_ansvar_or_accounts(client, org, people):
    ansvar, account = ledger(org)
    c = logged_in(client, people["owner"])
    unit = org["enhet_a1"]
    urls = [
        reverse("economy:drill_unit", args=[org["forv"].pk]),
        reverse("economy:drill_unit", args=[unit.pk]),
        reverse("economy:drill_ansvar", args=[unit.pk, ansvar.pk]),
        reverse("economy:drill_account", args=[unit.pk, ansvar.pk, account.pk]),
    ]
    for url in urls:
        c.get(url)
    few = [count(c, url) for url in urls]
    # The unit with its tree fields and the units above it (the breadcrumbs,
    # the first of them the organisation) are read once each.
    assert few == [16, 16, 17, 17]
    grow(org, "avd_a", 15)
    grow(org, "enhet_a1", 15)
    for n in range(15):
        UtfallFactory(
            organisation=org["kommun"],
            ansvar=ansvar,
            in_ansvar_sum=True,
            account=AccountFactory(organisation=org["kommun"], number=f"40{n:02d}"),
            period=datetime.date(2025, 2, 1),
        )
        AnsvarMappingFactory(
            ansvar=DimensionObjectFactory(dimension=ansvar.dimension, code=f"X{n}"), unit=unit
        )
    assert [count(c, url) for url in urls] == few
