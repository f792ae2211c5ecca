"""Changes to the economy, one use case each: mapping an ansvar to a unit,
and a new budget version (never overwriting an earlier one). The SIE import
is in importing.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from styrhjul.core.concurrency import use_case
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from .models import AnsvarMapping, Budget, BudgetKind, BudgetVersion, DimensionObject


def _organisation_of(unit: Unit) -> Unit:
    return Unit.objects.with_tree_fields().ancestors(unit, include_self=True).first()


@use_case
def mapping_create(
    *,
    actor,
    ansvar: DimensionObject,
    unit: Unit,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
) -> AnsvarMapping:
    """Map an ansvar to a unit from valid_from (to valid_to). An ansvar
    belongs to one unit at a time: an open mapping of the same ansvar that
    began earlier is closed the day before; any other overlap is refused."""
    organisation = ansvar.dimension.organisation
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    if _organisation_of(unit).pk != organisation.pk:
        raise ValidationError({"unit": "Enheten hör inte till organisationen."})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "Giltig till kan inte vara före giltig från."})
    others = AnsvarMapping.objects.select_for_update().filter(ansvar=ansvar)
    for other in others:
        if other.valid_to is None and other.valid_from < valid_from:
            other.valid_to = valid_from - datetime.timedelta(days=1)
            other.save(update_fields=["valid_to"])
            continue
        end = valid_to or datetime.date.max
        other_end = other.valid_to or datetime.date.max
        if other.valid_from <= end and valid_from <= other_end:
            raise ValidationError(
                {
                    "valid_from": (
                        f"Ansvar {ansvar.code} hör redan till {other.unit} från "
                        f"{other.valid_from:%Y-%m-%d}"
                        + (f" till {other.valid_to:%Y-%m-%d}" if other.valid_to else "")
                        + "."
                    )
                }
            )
    return AnsvarMapping.objects.create(
        ansvar=ansvar,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@use_case
def budget_version_create(
    *,
    actor,
    organisation: Unit,
    year_start: datetime.date,
    kind: str,
    lines: list[dict],
    decided_on: datetime.date | None = None,
    decided_by: str = "",
    reason: str = "",
) -> BudgetVersion:
    """A new budget version for a fiscal year. `lines` are dicts with period,
    amount and account or row, and ansvar (optional). An omfördelning needs
    its decision date, who decided and why."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    if kind not in BudgetKind.values:
        raise ValidationError({"kind": "Okänt slag av budget."})
    if kind == BudgetKind.OMFORDELNING:
        missing = {
            name: message
            for name, value, message in (
                ("decided_on", decided_on, "Ange beslutsdatum för omfördelningen."),
                ("decided_by", decided_by.strip(), "Ange vem som beslutade omfördelningen."),
                ("reason", reason.strip(), "Ange varför budgeten omfördelas."),
            )
            if not value
        }
        if missing:
            raise ValidationError(missing)
    version = BudgetVersion.objects.create(
        organisation=organisation,
        year_start=year_start,
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        reason=reason.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Budget.objects.bulk_create(
        Budget(
            version=version,
            period=line["period"],
            account=line.get("account"),
            row=line.get("row"),
            ansvar=line.get("ansvar"),
            in_ansvar_sum=line.get("ansvar") is not None,
            amount=Decimal(line["amount"]),
        )
        for line in lines
    )
    return version


def mappings_valid_between(first: datetime.date, last: datetime.date) -> Q:
    return Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))
