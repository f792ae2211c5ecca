"""The investeringsredovisning's rows on a settings page, as the
driftredovisning's: a controller adds a row, renames and moves one and
changes its account ranges; malformed or overlapping ranges are refused in
Swedish at the field with nothing saved; every change is in the history and
a stale form is not saved over someone else's change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from styrhjul.economy import services
from styrhjul.economy.investments import DEFAULT_INVESTMENT_ROWS, investment_rows
from styrhjul.economy.models import InvestmentAccountRange, InvestmentRow
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import AccountFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modellägare")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def chart(org):
    for number in ("1110", "1210", "1510", "2388", "2390"):
        AccountFactory(organisation=org["kommun"], number=number)


def stored(org) -> list[tuple[str, bool, list[tuple[str, str]]]]:
    return [
        (r.name, r.is_income, sorted((x.first, x.last) for x in r.ranges.all()))
        for r in InvestmentRow.objects.filter(organisation=org["kommun"]).prefetch_related("ranges")
    ]


def test_the_page_shows_the_kommun_bas_rows_until_the_first_change(client, org, owner, chart):
    client.force_login(owner)
    url = reverse("economy:investment_rows")
    page = client.get(url).content.decode()
    assert "Investeringsutgifter" in page and "10–12" in page
    assert "Investeringsinkomster" in page and "2388" in page
    assert not InvestmentRow.objects.exists()

    response = client.post(
        url, {"name": "Exploateringsinkomster", "order": "30", "is_income": "on", "ranges": "15"}
    )

    assert response.status_code == 302, response.content.decode()
    # The defaults are stored beside the new row, which the report uses.
    assert stored(org) == [
        ("Investeringsutgifter", False, [("10", "12")]),
        ("Investeringsinkomster", True, [("2388", "2388")]),
        ("Exploateringsinkomster", True, [("15", "15")]),
    ]
    assert investment_rows(org["kommun"])[2] == ("Exploateringsinkomster", True, [("15", "15")])
    assert DEFAULT_INVESTMENT_ROWS[0][0] == "Investeringsutgifter"
    page = client.get(url).content.decode()
    new = InvestmentRow.objects.get(name="Exploateringsinkomster")
    assert reverse("economy:investment_row", args=[new.pk]) in page
    assert InvestmentRow.history.filter(id=new.pk).latest("history_date").history_user == owner


def test_a_row_is_renamed_and_its_ranges_changed_with_history(client, org, owner, chart):
    services.investment_row_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        row=None,
        version=0,
        name="Exploatering",
        order=30,
        is_income=False,
        ranges=[("15", "15")],
    )
    row = InvestmentRow.objects.get(name="Investeringsutgifter")
    client.force_login(owner)
    edit = reverse("economy:investment_row", args=[row.pk])
    assert client.get(edit).status_code == 200

    response = client.post(
        edit,
        {
            "name": "Investeringsutgifter, anläggningar",
            "order": "5",
            "ranges": "11-12",
            "version": 1,
        },
    )

    assert response.status_code == 302, response.content.decode()
    row.refresh_from_db()
    assert (row.name, row.order, row.version) == ("Investeringsutgifter, anläggningar", 5, 2)
    assert list(row.ranges.values_list("first", "last")) == [("11", "12")]
    removed = InvestmentAccountRange.history.filter(row_id=row.pk, history_type="-")
    assert {(h.first, h.last) for h in removed} == {("10", "12")}
    page = client.get(reverse("economy:investment_rows")).content.decode()
    assert "Ändringar av kontointervallen" in page
    assert "Investeringsutgifter, anläggningar" in page


@pytest.mark.parametrize(
    "text, message",
    [
        ("11", "Intervallet 11–11 överlappar 10–12 i raden Investeringsutgifter."),
        ("2380-2389", "Intervallet 2380–2389 överlappar 2388–2388 i raden Investeringsinkomster."),
        ("19", "Intervallet 19–19 innehåller inget konto i kontoplanen."),
        ("15, 1500-1599", "Intervallen 15–15 och 1500–1599 överlappar varandra."),
        ("1-15", "I 1-15 har kontona olika många siffror."),
        ("16-15", "I 16-15 är det första kontot större än det sista."),
        ("15x", "”15x” är inget kontointervall."),
        ("", "Ange minst ett kontointervall."),
    ],
)
def test_bad_ranges_are_refused_at_the_field_and_nothing_is_saved(
    client, org, owner, chart, text, message
):
    services.investment_row_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        row=None,
        version=0,
        name="Exploatering",
        order=30,
        is_income=False,
        ranges=[("2390", "2390")],
    )
    before = stored(org)
    client.force_login(owner)

    response = client.post(
        reverse("economy:investment_rows"), {"name": "Ny rad", "order": "40", "ranges": text}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'id="id_ranges_error"' in page
    assert 'value="Ny rad"' in page  # what was typed is kept
    assert stored(org) == before


def test_a_stale_row_form_is_not_saved_over_someone_elses_change(client, org, owner, chart):
    services.investment_row_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        row=None,
        version=0,
        name="Exploatering",
        order=30,
        is_income=False,
        ranges=[("15", "15")],
    )
    row = InvestmentRow.objects.get(name="Exploatering")
    services.investment_row_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        row=row,
        version=1,
        name="Exploateringsutgifter",
        order=30,
        is_income=False,
        ranges=[("15", "15")],
    )
    client.force_login(owner)

    response = client.post(
        reverse("economy:investment_row", args=[row.pk]),
        {"name": "Exploatering och mark", "order": "30", "ranges": "15", "version": 1},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat raden" in body
    assert "Exploatering och mark" in body
    row.refresh_from_db()
    assert row.name == "Exploateringsutgifter"


def test_a_name_taken_by_another_row_is_refused(client, org, owner, chart):
    client.force_login(owner)
    response = client.post(
        reverse("economy:investment_rows"),
        {"name": "investeringsinkomster", "order": "30", "ranges": "15"},
    )
    assert "Det finns redan en rad som heter investeringsinkomster." in response.content.decode()
    assert not InvestmentRow.objects.filter(name="investeringsinkomster").exists()


def test_only_those_who_manage_the_economy_see_the_rows(client, org, chart):
    reader = UserFactory()
    grant(reader, org["forv"], Role.MANAGER)
    client.force_login(reader)
    assert client.get(reverse("economy:investment_rows")).status_code == 403
