"""The economy pages: who may import and map (the organisation's model
owners and administrators), who reads a unit's economy (whoever reads the
unit), what they show, and a query count that does not grow with the
number of ansvar."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import Account, AnsvarMapping, Dimension, SieImport, Utfall
from styrhjul.organisation.models import Role
from tests.economy.uploads import upload
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    BudgetFactory,
    BudgetVersionFactory,
    DimensionFactory,
    DimensionObjectFactory,
    UnitFactory,
    UserFactory,
    UtfallFactory,
    grant,
)

from .test_sie_parser import DATA, sie_bytes


def logged_in(client, user):
    client.force_login(user)
    return client


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
        "local_owner": user("forv", Role.MODEL_OWNER),
    }


def test_the_model_owner_uploads_a_file_and_sees_the_summary_and_unmapped_ansvar(
    client, org, people
):
    c = logged_in(client, people["owner"])
    assert c.get(reverse("economy:import")).status_code == 200
    response = upload(c, (DATA / "objektsaldo_ovnbolag.se").read_bytes())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Filen är importerad." in page
    assert "Ansvar utan enhet" in page and "Kontor Nord" in page and "Kontor Syd" in page
    assert "Summor per kontoklass" in page
    assert SieImport.objects.count() == 1
    # The mapping page lists them as without a unit.
    page = c.get(reverse("economy:mapping")).content.decode()
    assert "2 ansvar hör inte till någon enhet." in page


def test_a_bad_file_shows_its_errors_and_saves_nothing(client, org, people):
    c = logged_in(client, people["owner"])
    page = upload(c, sie_bytes("#PSALDO 0 202501 3010 {} 12,3x")).content.decode()
    assert "Filen importerades inte" in page
    assert "Rad 13 (#PSALDO): Beloppet ”12,3x” är inte ett tal." in page
    assert SieImport.objects.count() == 0 and Utfall.objects.count() == 0


def test_a_dry_run_from_the_page_saves_nothing(client, org, people):
    c = logged_in(client, people["owner"])
    page = upload(c, (DATA / "Test3.SE").read_bytes(), dry_run="on").content.decode()
    assert "Filen är kontrollerad och kan importeras. Ingenting har sparats." in page
    assert SieImport.objects.count() == 0


@pytest.mark.parametrize("who", ["chef", "reader", "local_owner"])
def test_others_may_neither_import_nor_map(client, org, people, who):
    c = logged_in(client, people[who])
    assert c.get(reverse("economy:import")).status_code == 403
    assert c.get(reverse("economy:mapping")).status_code == 403
    assert upload(c, (DATA / "Test3.SE").read_bytes()).status_code == 403
    assert SieImport.objects.count() == 0
    admin_page = c.get(reverse("organisation:admin"))
    if admin_page.status_code == 200:  # a model owner below sees Administration
        assert reverse("economy:import") not in admin_page.content.decode()


def test_administration_links_to_the_economy_for_the_model_owner(client, org, people):
    page = logged_in(client, people["owner"]).get(reverse("organisation:admin")).content.decode()
    assert reverse("economy:import") in page and reverse("economy:mapping") in page


def test_mapping_an_ansvar_from_the_page(client, org, people):
    ansvar = DimensionObjectFactory(dimension__organisation=org["kommun"], code="100")
    c = logged_in(client, people["owner"])
    response = c.post(
        reverse("economy:mapping"),
        {"ansvar": ansvar.pk, "unit": org["enhet_a1"].pk, "valid_from": "2025-01-01"},
    )
    assert response.status_code == 302
    mapping = AnsvarMapping.objects.get()
    assert (mapping.unit, mapping.valid_from, mapping.valid_to) == (
        org["enhet_a1"],
        datetime.date(2025, 1, 1),
        None,
    )
    assert mapping.created_by == people["owner"]
    # A bad date is refused at the field, keeping the rest.
    page = c.post(
        reverse("economy:mapping"),
        {"ansvar": ansvar.pk, "unit": org["enhet_a2"].pk, "valid_from": "2025-13-01"},
    ).content.decode()
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in page
    assert AnsvarMapping.objects.count() == 1
    # A unit of another organisation is not offered.
    other = UnitFactory(name="Grannkommunen")
    response = c.post(
        reverse("economy:mapping"),
        {"ansvar": ansvar.pk, "unit": other.pk, "valid_from": "2026-01-01"},
    )
    assert response.status_code == 200 and AnsvarMapping.objects.count() == 1


def economy_of(org, unit_key: str, ansvar_count: int, salary=Decimal("1000.00")):
    """ansvar_count ansvar mapped to the unit, each with salaries in
    January and February 2025 and a budget for January."""
    ensure_default_rows(org["kommun"])
    dimension = DimensionFactory(organisation=org["kommun"], number=1)
    account = AccountFactory(organisation=org["kommun"], number="5010")
    version = BudgetVersionFactory(organisation=org["kommun"])
    for _ in range(ansvar_count):
        ansvar = DimensionObjectFactory(dimension=dimension)
        AnsvarMappingFactory(ansvar=ansvar, unit=org[unit_key])
        for month in (1, 2):
            UtfallFactory(
                organisation=org["kommun"],
                account=account,
                ansvar=ansvar,
                period=datetime.date(2025, month, 1),
                amount=salary,
            )
        BudgetFactory(
            version=version, account=account, ansvar=ansvar, in_ansvar_sum=True, amount=salary
        )


def test_the_unit_page_shows_budget_and_utfall_summed_over_sub_units(client, org, people):
    economy_of(org, "enhet_a1", 2)
    # The avdelning sees its enhet's two ansvar summed.
    page = (
        logged_in(client, people["chef"])
        .get(reverse("economy:unit", args=[org["avd_a"].pk]))
        .content.decode()
    )
    assert "2 ansvar" in page
    # Personalkostnader so far (January and February): budget −2 000 (January
    # only), utfall −4 000, avvikelse −2 000; the nettokostnad the same.
    row = (
        '<th scope="row">Personalkostnader</th>\n'
        '    <td class="num" data-label="Budget helår">−2\u202f000</td>\n'
        '    <td class="num" data-label="Budget hittills">−2\u202f000</td>\n'
        '    <td class="num" data-label="Utfall hittills">−4\u202f000</td>\n'
        '    <td class="num" data-label="Avvikelse">−2\u202f000</td>'
    )
    assert row in page


@pytest.mark.parametrize("who, status", [("reader", 200), ("chef", 200), ("sibling", 404)])
def test_the_unit_page_is_read_by_whoever_reads_the_unit(client, org, people, who, status):
    economy_of(org, "enhet_a1", 1)
    response = logged_in(client, people[who]).get(
        reverse("economy:unit", args=[org["enhet_a1"].pk])
    )
    assert response.status_code == status


def test_the_unit_page_link_is_on_the_unit_page(client, org, people):
    page = (
        logged_in(client, people["reader"])
        .get(reverse("organisation:unit", args=[org["enhet_a1"].pk]))
        .content.decode()
    )
    assert reverse("economy:unit", args=[org["enhet_a1"].pk]) in page


@pytest.fixture
def database_cache(settings):
    """The database's cache table, as a default installation has it, so
    that the charts' look-up in the cache is counted."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "styrhjul_cache",
        }
    }
    call_command("createcachetable", verbosity=0)


def test_the_unit_page_queries_do_not_grow_with_the_number_of_ansvar(
    client, org, people, database_cache
):
    c = logged_in(client, people["chef"])
    url = reverse("economy:unit", args=[org["avd_a"].pk])
    economy_of(org, "enhet_a1", 2)
    c.get(url)  # draws the charts into the cache
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    # Session, user, the unit with its tree fields, the user's grants, the
    # tree (for the rights), the organisation, the ledger's months, the
    # budgets' years, the report rows, their account ranges, the subtree,
    # the ansvar mappings, the budget version, the utfall and budget sums
    # per row, and all the page's charts in one look-up in the cache.
    assert len(few) == 16
    dimension = Dimension.objects.get()
    account = Account.objects.get()
    for n in range(20):
        unit = UnitFactory(parent=org["avd_a"], code=f"X{n}")
        ansvar = DimensionObjectFactory(dimension=dimension)
        AnsvarMappingFactory(ansvar=ansvar, unit=unit)
        UtfallFactory(organisation=org["kommun"], ansvar=ansvar, account=account)
    c.get(url)  # the new figures are new charts
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_organisation_number_is_set_on_the_organisation_and_guards_the_import(
    client, org, people
):
    c = logged_in(client, people["owner"])
    root = org["kommun"]
    edit = reverse("organisation:unit_edit", args=[root.pk])
    assert "Organisationsnummer" in c.get(edit).content.decode()
    # Only the organisation (the root unit) has one.
    sub_edit = reverse("organisation:unit_edit", args=[org["forv"].pk])
    assert "Organisationsnummer" not in c.get(sub_edit).content.decode()
    form = {
        "name": root.name,
        "code": root.code,
        "unit_type": root.unit_type_id,
        "valid_from": "2020-01-01",
        "version": root.version,
    }
    page = c.post(edit, {**form, "org_number": "12-34"}).content.decode()
    assert "Skriv organisationsnumret som tio siffror" in page
    assert c.post(edit, {**form, "org_number": "212000-1234"}).status_code == 302
    root.refresh_from_db()
    assert root.org_number == "212000-1234"
    page = upload(c, (DATA / "Test3.SE").read_bytes()).content.decode()
    assert "Rad 7 (#ORGNR): Filen gäller organisationsnummer 430226-2334" in page
    assert SieImport.objects.count() == 0


def test_the_ledger_months_are_listed_once_each_with_their_fiscal_year(org):
    from styrhjul.economy.queries import fiscal_years, ledger_months

    kommun = org["kommun"]
    for start, period in (
        (datetime.date(2024, 7, 1), datetime.date(2025, 6, 1)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 7, 1)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)),
    ):
        for _ in range(3):
            UtfallFactory(organisation=kommun, year_start=start, period=period)
    UtfallFactory(year_start=datetime.date(2023, 1, 1), period=datetime.date(2023, 1, 1))
    with CaptureQueriesContext(connection) as captured:
        months = ledger_months(kommun)
    assert len(captured) == 1
    assert months == [
        (datetime.date(2025, 6, 1), datetime.date(2024, 7, 1)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 7, 1)),
        (datetime.date(2025, 8, 1), datetime.date(2025, 7, 1)),
    ]
    assert fiscal_years(kommun) == [datetime.date(2025, 7, 1), datetime.date(2024, 7, 1)]
