"""Investeringsbudget per projekt entered in Styrhjul: those who manage the
organisation's economy add, change and remove a projekt's budget for a year
(services.investment_budget_save/_delete: access, history, EditConflict,
Swedish errors at the field); the investeringsredovisning then uses it for
that projekt instead of the ledger's #PBUDGET."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from styrhjul.core.concurrency import EditConflict
from styrhjul.economy import services
from styrhjul.economy.investments import investment_report
from styrhjul.economy.models import InvestmentBudget
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

from .test_investments import JUNE, YEAR, imported  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(org):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


def add(org, actor, code="P1", amount="2400000", note=""):
    return services.investment_budget_save(
        actor=actor,
        organisation=org["kommun"],
        budget=None,
        version=0,
        year_start=YEAR,
        projekt_code=code,
        amount=Decimal(amount),
        note=note,
    )


def test_an_entered_budget_replaces_the_ledgers_for_its_projekt(org, imported, owner):  # noqa: F811
    imported()
    add(org, owner, "P1", "2400000", "Beslut i KF 2025-02-10")
    report = investment_report(org["kommun"], YEAR, JUNE)
    by_code = {p.code: p for p in report.projects}
    # Twelve even months of 200 000; the ledger's 1 200 000 no longer counts.
    assert by_code["P1"].budget_year == Decimal(2400000)
    assert by_code["P1"].budget_to_date == Decimal(1200000)
    assert by_code["P1"].unit_name == "Solgårdens äldreboende"
    # Other projekt keep the ledger's budget.
    assert by_code["P2"].budget_year == Decimal(200000)


def test_a_change_and_a_removal_are_kept_in_the_history(org, imported, owner):  # noqa: F811
    imported()
    budget = add(org, owner)
    changed = services.investment_budget_save(
        actor=owner,
        organisation=org["kommun"],
        budget=budget,
        version=budget.version,
        year_start=YEAR,
        projekt_code="P1",
        amount=Decimal(3000000),
        note="Omfördelat",
    )
    assert (changed.version, changed.amount) == (2, Decimal(3000000))
    with pytest.raises(EditConflict):
        services.investment_budget_save(
            actor=owner,
            organisation=org["kommun"],
            budget=budget,
            version=1,
            year_start=YEAR,
            projekt_code="P1",
            amount=Decimal(1),
        )
    services.investment_budget_delete(actor=owner, budget=changed, version=2)
    assert not InvestmentBudget.objects.exists()
    history = InvestmentBudget.history.filter(id=budget.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert all(h.history_user == owner for h in history)
    # The ledger's budget applies again.
    p1 = next(p for p in investment_report(org["kommun"], YEAR, JUNE).projects if p.code == "P1")
    assert p1.budget_year == Decimal(1200000)


def test_an_unknown_projekt_or_a_second_budget_is_refused_at_the_field(org, imported, owner):  # noqa: F811
    imported()
    with pytest.raises(ValidationError) as unknown:
        add(org, owner, "P9")
    assert unknown.value.message_dict == {"projekt": ["Det finns inget projekt med koden P9."]}
    add(org, owner, "P1")
    with pytest.raises(ValidationError) as twice:
        add(org, owner, "P1")
    assert "har redan en investeringsbudget" in twice.value.message_dict["projekt"][0]
    assert InvestmentBudget.objects.count() == 1


def test_only_those_who_manage_the_economy_may_enter_it(client, org, imported):  # noqa: F811
    imported()
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    with pytest.raises(PermissionDenied):
        add(org, chef)
    client.force_login(chef)
    assert client.get(reverse("economy:investment_budgets")).status_code == 403
    budget = add(org, access.SYSTEM)
    assert client.get(reverse("economy:investment_budget", args=[budget.pk])).status_code == 404


def test_the_pages_add_change_and_remove_with_swedish_errors(client, org, imported, owner):  # noqa: F811
    imported()
    client.force_login(owner)
    url = reverse("economy:investment_budgets") + "?ar=2025-01-01"
    response = client.post(url, {"projekt": "P1", "amount": "tolv miljoner", "version": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange ett belopp i kronor med siffror" in html and "tolv miljoner" in html
    assert not InvestmentBudget.objects.exists()
    response = client.post(url, {"projekt": "P1", "amount": "2 400 000", "version": "0"})
    assert response.status_code == 302
    budget = InvestmentBudget.objects.get()
    assert budget.amount == Decimal(2400000)
    page = client.get(url).content.decode()
    assert "P1 Ny förskola" in page and "2\u202f400\u202f000" in page
    edit = reverse("economy:investment_budget", args=[budget.pk])
    assert "Ändringar av investeringsbudgeten" in client.get(edit).content.decode()
    response = client.post(
        edit, {"projekt": "P1", "amount": "2500000", "note": "Ny kalkyl", "version": "1"}
    )
    assert response.status_code == 302
    # A save on top of someone else's is refused, with what was typed kept.
    stale = client.post(edit, {"projekt": "P1", "amount": "1", "version": "1"})
    assert stale.status_code == 200
    assert InvestmentBudget.objects.get().amount == Decimal(2500000)
    assert client.post(edit, {"delete": "1", "version": "2"}).status_code == 302
    assert not InvestmentBudget.objects.exists()


def test_the_administration_page_links_the_investment_budget(client, org, owner):
    client.force_login(owner)
    html = client.get(reverse("organisation:admin")).content.decode()
    assert reverse("economy:investment_budgets") in html
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    client.force_login(chef)
    response = client.get(reverse("organisation:admin"))
    assert reverse("economy:investment_budgets") not in response.content.decode()
