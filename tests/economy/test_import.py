"""The SIE import: the real files import with totals that reconcile; a bad
file writes nothing; the same file twice changes nothing; a newer export
replaces its months and says what changed; unmapped ansvar are kept and
mapped afterwards; the command's --dry-run writes nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from styrhjul.core.importing import ImportRejected
from styrhjul.economy import queries, services
from styrhjul.economy.importing import import_sie
from styrhjul.economy.models import (
    Account,
    AnsvarMapping,
    Budget,
    BudgetVersion,
    Dimension,
    DimensionObject,
    SieImport,
    Utfall,
    YearBalance,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import UserFactory, grant

from .test_sie_parser import DATA, sie_bytes

ECONOMY_MODELS = (Account, Dimension, DimensionObject, SieImport, Utfall, YearBalance, Budget)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (*ECONOMY_MODELS, BudgetVersion)}


def run(org_unit, data: bytes, filename="ekonomi.se", actor=access.SYSTEM, **kwargs):
    return import_sie(actor=actor, organisation=org_unit, data=data, filename=filename, **kwargs)


def real(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.mark.parametrize("name", ["periodsaldo_ovnbolag.se", "objektsaldo_ovnbolag.se", "Test3.SE"])
def test_the_real_files_import_and_every_class_reconciles(org, name):
    result = run(org["kommun"], real(name), filename=name)
    summary = result.summary
    assert summary["classes"], "the summary has sums per account class"
    assert all(row["reconciles"] for row in summary["classes"]), summary["classes"]
    assert summary["differences"] == []
    assert Utfall.objects.count() == summary["utfall_rows"] > 0
    assert SieImport.objects.get().summary["filename"] == name


def test_utfall_in_the_database_adds_up_to_the_files_result(org):
    run(org["kommun"], real("periodsaldo_ovnbolag.se"))
    total = sum(
        Utfall.objects.filter(
            account__number="3041", year_start=datetime.date(2011, 1, 1)
        ).values_list("amount", flat=True)
    )
    res = YearBalance.objects.get(
        kind="RES", account__number="3041", year_start=datetime.date(2011, 1, 1)
    )
    assert total == res.amount != 0


def test_a_file_whose_period_balances_do_not_add_up_is_imported_and_says_so(org):
    result = run(org["kommun"], real("XE_SIE_3_20151125094952.SE"))
    bad = [row for row in result.summary["classes"] if not row["reconciles"]]
    assert bad and "STÄMMER INTE" in result.text()
    assert any("konto 3010" in d for d in result.summary["differences"])


def test_the_same_file_twice_changes_nothing(org):
    data = real("objektsaldo_ovnbolag.se")
    run(org["kommun"], data)
    before = counts()
    ids = sorted(Utfall.objects.values_list("pk", flat=True))
    again = run(org["kommun"], data)
    assert again.already_imported
    assert "redan importerad" in again.text()
    assert counts() == before
    assert sorted(Utfall.objects.values_list("pk", flat=True)) == ids


def test_a_budget_is_a_new_version_only_when_it_changed(org):
    run(org["kommun"], real("periodsaldo_ovnbolag.se"))
    # The object file carries the same budget: no new version.
    run(org["kommun"], real("objektsaldo_ovnbolag.se"))
    assert BudgetVersion.objects.count() == 1
    version = BudgetVersion.objects.get()
    assert version.get_kind_display() == "Budget från ekonomisystemet"
    assert version.lines.count() == 624


def month_file(*lines: str) -> bytes:
    return sie_bytes('#OBJEKT 1 "200" "Hemtjänst"', *lines)


def test_a_newer_export_replaces_its_months_and_says_what_changed(org):
    run(
        org["kommun"],
        month_file(
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00',
            '#PSALDO 0 202502 5010 {1 "100"} 1000.00',
        ),
    )
    result = run(
        org["kommun"],
        month_file(
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00',
            '#PSALDO 0 202502 5010 {1 "100"} 1200.00',
            '#PSALDO 0 202503 5010 {1 "200"} 900.00',
        ),
    )
    assert result.summary["changes"] == [
        {
            "period": "2025-02",
            "rows": 1,
            "before": "1000.00",
            "after": "1200.00",
            "classes": [{"class": "5", "before": "1000.00", "after": "1200.00"}],
        },
        {
            "period": "2025-03",
            "rows": 1,
            "before": "0.00",
            "after": "900.00",
            "classes": [{"class": "5", "before": "0.00", "after": "900.00"}],
        },
    ]
    assert "kontoklass 5: 1000.00 → 1200.00" in result.text()
    assert "Ändrat 2025-02: 1000.00 → 1200.00" in result.text()
    amounts = dict(Utfall.objects.values_list("period", "amount"))
    assert amounts[datetime.date(2025, 2, 1)] == Decimal("1200.00")
    assert Utfall.objects.count() == 3
    assert SieImport.objects.count() == 2


def test_an_export_without_earlier_months_leaves_them(org):
    run(org["kommun"], sie_bytes("#RAR 1 20260101 20261231", "#PSALDO 0 202512 5010 {} 5.00"))
    run(org["kommun"], sie_bytes("#RAR 1 20260101 20261231", "#PSALDO 1 202601 5010 {} 7.00"))
    assert sorted(Utfall.objects.values_list("amount", flat=True)) == [
        Decimal("5.00"),
        Decimal("7.00"),
    ]


@pytest.mark.parametrize(
    "lines, message",
    [
        (["#PSALDO 0 202501 3010 {} 12,3x"], "Rad 14 (#PSALDO): Beloppet ”12,3x” är inte ett tal."),
        (["#PSALDO 0 202501 4010 {} 1.00"], "Rad 14 (#PSALDO): Kontot 4010 anges inte med #KONTO."),
        (
            ['#PSALDO 0 202501 3010 {6 "P1"} 1.00'],
            "Rad 14 (#PSALDO): Objektet ”P1” hör till dimension 6, som inte anges med #DIM.",
        ),
        (
            ["#PSALDO 0 202601 3010 {} 1.00"],
            "Rad 14 (#PSALDO): Perioden 202601 ligger utanför räkenskapsår 0 "
            "(20250101–20251231) enligt #RAR.",
        ),
        (
            ['#PSALDO 0 202501 5010 {1 "100"} 10.00'],
            "Rad 14 (#PSALDO): Samma rad finns redan på rad 13.",
        ),
    ],
)
def test_a_bad_file_is_refused_with_line_and_tag_and_nothing_is_written(org, lines, message):
    # The good line before the bad one (line 13) is not saved either.
    data = sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 10.00', *lines)
    with pytest.raises(ImportRejected) as caught:
        run(org["kommun"], data)
    assert [str(e) for e in caught.value.errors] == [message]
    assert all(n == 0 for n in counts().values())


def test_a_file_in_the_wrong_encoding_is_refused(org):
    data = sie_bytes("#PSALDO 0 202501 3010 {} -5.00", encoding="cp1252")
    with pytest.raises(ImportRejected) as caught:
        run(org["kommun"], data)
    assert str(caught.value.errors[0]).startswith("Rad 4 (#FORMAT): Filen verkar vara kodad")
    assert all(n == 0 for n in counts().values())


def test_a_file_for_another_organisation_number_is_refused(org):
    org["kommun"].org_number = "212000-9999"
    org["kommun"].save()
    with pytest.raises(ImportRejected) as caught:
        run(org["kommun"], sie_bytes("#PSALDO 0 202501 3010 {} -5.00"))
    (error,) = caught.value.errors
    assert str(error) == (
        "Rad 5 (#ORGNR): Filen gäller organisationsnummer 212000-0001, men Provköpings kommun "
        "har organisationsnummer 212000-9999. Välj rätt organisation eller rätt fil."
    )
    assert all(n == 0 for n in counts().values())
    # Written without the hyphen, the same number is the same organisation.
    org["kommun"].org_number = "2120000001"
    org["kommun"].save()
    run(org["kommun"], sie_bytes("#PSALDO 0 202501 3010 {} -5.00"))
    assert Utfall.objects.count() == 1


def test_a_dry_run_checks_and_summarises_but_writes_nothing(org):
    result = run(org["kommun"], real("objektsaldo_ovnbolag.se"), dry_run=True)
    assert result.dry_run and result.record is None
    assert result.summary["utfall_rows"] == 975
    assert "Kontrollerad (inget sparat)" in result.text()
    assert all(n == 0 for n in counts().values())


def test_only_those_who_manage_the_organisation_import(org, model_owner):
    chef = UserFactory()
    grant(chef, org["kommun"], Role.MANAGER)
    with pytest.raises(PermissionDenied):
        run(org["kommun"], real("Test3.SE"), actor=chef)
    # A model owner of a unit below manages that unit, not the organisation.
    local = UserFactory()
    grant(local, org["forv"], Role.MODEL_OWNER)
    with pytest.raises(PermissionDenied):
        run(org["kommun"], real("Test3.SE"), actor=local)
    run(org["kommun"], real("Test3.SE"), actor=model_owner)
    assert SieImport.objects.get().imported_by == model_owner


# --- Unmapped ansvar, mapped afterwards ------------------------------------------------


def test_unmapped_ansvar_are_kept_reported_and_mapped_afterwards(org):
    result = run(org["kommun"], real("objektsaldo_ovnbolag.se"))
    assert result.summary["unmapped"] == [
        {"code": "Nord", "name": "Kontor Nord"},
        {"code": "Syd", "name": "Kontor Syd"},
    ]
    assert "Ansvar utan enhet (2):" in result.text()
    assert [o.code for o in queries.unmapped_ansvar(org["kommun"])] == ["Nord", "Syd"]
    nord = DimensionObject.objects.get(code="Nord", dimension__number=1)
    year = datetime.date(2011, 1, 1)
    assert queries.unit_economy(org["enhet_a1"], year).ansvar_count == 0

    services.mapping_create(actor=access.SYSTEM, ansvar=nord, unit=org["enhet_a1"], valid_from=year)
    assert [o.code for o in queries.unmapped_ansvar(org["kommun"])] == ["Syd"]
    table = queries.unit_economy(org["enhet_a1"], year)
    expected = -sum(
        Utfall.objects.filter(
            ansvar=nord, account__number__startswith="5", year_start=year
        ).values_list("amount", flat=True)
    )
    personal = next(r for r in table.rows if r.name == "Personalkostnader")
    assert expected != 0
    assert sum(u or 0 for u in personal.utfall) == expected
    # The avdelning above sums its units' ansvar.
    above = queries.unit_economy(org["avd_a"], year)
    assert [r.utfall for r in above.rows] == [r.utfall for r in table.rows]
    assert queries.unit_economy(org["avd_b"], year).rows[1].utfall[0] in (None, 0)


def test_an_ansvar_belongs_to_one_unit_at_a_time(org):
    run(org["kommun"], real("objektsaldo_ovnbolag.se"))
    nord = DimensionObject.objects.get(code="Nord", dimension__number=1)
    services.mapping_create(
        actor=access.SYSTEM, ansvar=nord, unit=org["enhet_a1"], valid_from=datetime.date(2010, 1, 1)
    )
    # A later mapping closes the open one the day before.
    services.mapping_create(
        actor=access.SYSTEM, ansvar=nord, unit=org["enhet_a2"], valid_from=datetime.date(2010, 7, 1)
    )
    first = AnsvarMapping.objects.get(unit=org["enhet_a1"])
    assert first.valid_to == datetime.date(2010, 6, 30)
    year = datetime.date(2010, 1, 1)
    a1 = queries.unit_economy(org["enhet_a1"], year)
    a2 = queries.unit_economy(org["enhet_a2"], year)
    both = queries.unit_economy(org["avd_a"], year)
    net = len(a1.rows) - 1
    assert a1.rows[net].utfall[6] in (None, 0) and a2.rows[net].utfall[0] in (None, 0)
    assert a1.rows[net].utfall[0] not in (None, 0) and a2.rows[net].utfall[6] not in (None, 0)
    assert [
        (x or 0) + (y or 0) for x, y in zip(a1.rows[net].utfall, a2.rows[net].utfall, strict=True)
    ] == [u or 0 for u in both.rows[net].utfall]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.mapping_create(
            actor=access.SYSTEM,
            ansvar=nord,
            unit=org["enhet_b1"],
            valid_from=datetime.date(2010, 3, 1),
        )


# --- The command -----------------------------------------------------------------------


def test_the_command_dry_run_writes_nothing(org, tmp_path):
    path = tmp_path / "bok.se"
    path.write_bytes(real("periodsaldo_ovnbolag.se"))
    out = io.StringIO()
    call_command("import_sie", str(path), "--dry-run", "--organisation", "K", stdout=out)
    assert "Kontrollerad (inget sparat): bok.se" in out.getvalue()
    assert all(n == 0 for n in counts().values())
    call_command("import_sie", str(path), stdout=out)
    assert Utfall.objects.count() == 705


def test_the_command_lists_the_errors_and_saves_nothing(org, tmp_path):
    path = tmp_path / "fel.se"
    path.write_bytes(sie_bytes("#PSALDO 0 202501 3010 {} 12,3x"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="fel.se importerades inte: 1 fel"):
        call_command("import_sie", str(path), stderr=err)
    assert "Rad 13 (#PSALDO): Beloppet ”12,3x” är inte ett tal." in err.getvalue()
    assert all(n == 0 for n in counts().values())
    with pytest.raises(CommandError, match="ingen organisation med koden X"):
        call_command("import_sie", str(path), "--organisation", "X")
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_sie", str(Path(tmp_path / "saknas.se")))


def test_a_month_counts_for_the_unit_the_ansvar_belongs_to_on_its_first_day(org):
    run(org["kommun"], real("objektsaldo_ovnbolag.se"))
    nord = DimensionObject.objects.get(code="Nord", dimension__number=1)
    for unit, day in (
        ("enhet_a1", datetime.date(2010, 1, 1)),
        ("enhet_a2", datetime.date(2010, 7, 15)),
    ):
        services.mapping_create(actor=access.SYSTEM, ansvar=nord, unit=org[unit], valid_from=day)
    year = datetime.date(2010, 1, 1)
    net = -1
    a1 = queries.unit_economy(org["enhet_a1"], year).rows[net].utfall
    a2 = queries.unit_economy(org["enhet_a2"], year).rows[net].utfall
    both = queries.unit_economy(org["avd_a"], year).rows[net].utfall
    july, august = 6, 7
    assert a1[july] not in (None, 0) and a2[july] in (None, 0)
    assert a2[august] not in (None, 0) and a1[august] in (None, 0)
    assert [(x or 0) + (y or 0) for x, y in zip(a1, a2, strict=True)] == [u or 0 for u in both]
