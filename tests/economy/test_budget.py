"""Budget versions are never overwritten: each change is a new version, an
omfördelning carries its decision date, who decided and why, and the
latest version is the one a unit's economy shows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrhjul.economy import queries, services
from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import BudgetKind, BudgetVersion
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    DimensionObjectFactory,
    UserFactory,
    grant,
)

JAN = datetime.date(2025, 1, 1)


@pytest.fixture
def ledger(org):
    ensure_default_rows(org["kommun"])
    ansvar = DimensionObjectFactory(dimension__organisation=org["kommun"], code="100")
    AnsvarMappingFactory(ansvar=ansvar, unit=org["enhet_a1"], valid_from=JAN)
    return {"ansvar": ansvar, "account": AccountFactory(organisation=org["kommun"], number="5010")}


def version(org, ledger, amount, kind=BudgetKind.FASTSTALLD, actor=access.SYSTEM, **decision):
    return services.budget_version_create(
        actor=actor,
        organisation=org["kommun"],
        year_start=JAN,
        kind=kind,
        lines=[
            {
                "period": JAN,
                "account": ledger["account"],
                "ansvar": ledger["ansvar"],
                "amount": amount,
            }
        ],
        **decision,
    )


def personal(org) -> Decimal:
    table = queries.unit_economy(org["enhet_a1"], JAN)
    return next(r for r in table.rows if r.name == "Personalkostnader").budget_year


def test_a_reallocation_is_a_new_version_and_the_earlier_one_is_kept(org, ledger):
    first = version(org, ledger, "1000.00", decided_by="Kommunfullmäktige")
    assert personal(org) == Decimal("-1000.00")
    second = version(
        org,
        ledger,
        "1500.00",
        kind=BudgetKind.OMFORDELNING,
        decided_on=datetime.date(2025, 3, 12),
        decided_by="Socialnämnden",
        reason="Fler platser i hemtjänsten",
    )
    assert personal(org) == Decimal("-1500.00")
    first.refresh_from_db()
    assert first.lines.get().amount == Decimal("1000.00")
    assert list(BudgetVersion.objects.order_by("pk")) == [first, second]
    assert second.reason == "Fler platser i hemtjänsten"


def test_a_reallocation_without_its_decision_is_refused(org, ledger):
    with pytest.raises(ValidationError) as caught:
        version(org, ledger, "1.00", kind=BudgetKind.OMFORDELNING, decided_by="  ")
    assert set(caught.value.message_dict) == {"decided_on", "decided_by", "reason"}
    assert BudgetVersion.objects.count() == 0


def test_only_those_who_manage_the_economy_make_budget_versions(org, ledger):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER)
    with pytest.raises(PermissionDenied):
        version(org, ledger, "1.00", actor=chef)
    assert BudgetVersion.objects.count() == 0
