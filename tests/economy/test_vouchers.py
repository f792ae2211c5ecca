"""Vouchers (#VER with #TRANS) are stored with their lines and replaced per
month as utfall are; a newer export rewrites only the months that changed;
a budget from the ledger in another order is the same budget."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from styrhjul.core.importing import ImportRejected
from styrhjul.economy.models import BudgetVersion, Utfall, Voucher, VoucherLine

from .test_import import run
from .test_sie_parser import sie_bytes


def voucher(series, number, date, text, *trans) -> list[str]:
    return [f'#VER {series} {number} {date} "{text}"', "{", *trans, "}"]


JANUARY = voucher(
    "A",
    1,
    20250115,
    "Löner januari",
    '#TRANS 5010 {1 "100"} 1000.00 20250115 "Lön"',
    "#TRANS 1930 {} -1000.00",
)
FEBRUARY = voucher(
    "A",
    2,
    20250214,
    "Löner februari",
    '#TRANS 5010 {1 "100"} 1200.00',
    "#TRANS 1930 {} -1200.00",
)


def test_vouchers_are_stored_with_their_lines(org):
    result = run(org["kommun"], sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1000.00', *JANUARY))
    assert result.summary["vouchers"] == 1
    stored = Voucher.objects.get()
    assert (stored.series, stored.number, stored.date, stored.text) == (
        "A",
        "1",
        datetime.date(2025, 1, 15),
        "Löner januari",
    )
    assert stored.period == datetime.date(2025, 1, 1)
    lines = list(stored.lines.order_by("account__number").select_related("account", "ansvar"))
    assert [(li.account.number, li.amount) for li in lines] == [
        ("1930", Decimal("-1000.00")),
        ("5010", Decimal("1000.00")),
    ]
    assert lines[1].ansvar.code == "100" and lines[0].ansvar is None
    assert lines[1].text == "Lön" and lines[1].date == datetime.date(2025, 1, 15)
    assert "Verifikationer: 1 med 2 transaktioner" in result.text()


def test_a_newer_export_replaces_the_vouchers_of_its_months(org):
    run(org["kommun"], sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1000.00', *JANUARY))
    newer = voucher(
        "A", 1, 20250115, "Löner januari, rättad", "#TRANS 5010 {} 900.00", "#TRANS 1930 {} -900.00"
    )
    result = run(
        org["kommun"],
        sie_bytes(
            '#PSALDO 0 202501 5010 {1 "100"} 900.00',
            '#PSALDO 0 202502 5010 {1 "100"} 1200.00',
            *newer,
            *FEBRUARY,
        ),
    )
    assert result.summary["vouchers_replaced"] == 1
    assert sorted(Voucher.objects.values_list("text", flat=True)) == [
        "Löner februari",
        "Löner januari, rättad",
    ]
    assert VoucherLine.objects.count() == 4


def test_a_file_without_vouchers_leaves_them(org):
    run(org["kommun"], sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1000.00', *JANUARY))
    run(org["kommun"], sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1100.00'))
    assert Voucher.objects.count() == 1
    assert Utfall.objects.get().amount == Decimal("1100.00")


def test_a_voucher_that_does_not_balance_saves_nothing(org):
    bad = voucher("A", 3, 20250120, "Fel", "#TRANS 5010 {} 10.00", "#TRANS 1930 {} -9.00")
    with pytest.raises(ImportRejected):
        run(org["kommun"], sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1000.00', *JANUARY, *bad))
    assert not Voucher.objects.exists() and not Utfall.objects.exists()


def test_only_the_months_that_changed_are_written_again(org):
    run(
        org["kommun"],
        sie_bytes(
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00', '#PSALDO 0 202502 5010 {1 "100"} 1000.00'
        ),
    )
    january = Utfall.objects.get(period=datetime.date(2025, 1, 1)).pk
    result = run(
        org["kommun"],
        sie_bytes(
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00', '#PSALDO 0 202502 5010 {1 "100"} 1500.00'
        ),
    )
    assert [c["period"] for c in result.summary["changes"]] == ["2025-02"]
    assert Utfall.objects.get(period=datetime.date(2025, 1, 1)).pk == january
    assert Utfall.objects.get(period=datetime.date(2025, 2, 1)).amount == Decimal("1500.00")


def test_the_same_budget_in_another_order_is_no_new_version(org):
    lines = [
        '#PBUDGET 0 202501 5010 {1 "100"} 1000.00',
        '#PBUDGET 0 202502 5010 {1 "100"} 1100.00',
    ]
    run(org["kommun"], sie_bytes(*lines))
    run(org["kommun"], sie_bytes(*reversed(lines), "#PROGRAM Annat 2"))
    assert BudgetVersion.objects.count() == 1
    run(org["kommun"], sie_bytes(lines[0], '#PBUDGET 0 202502 5010 {1 "100"} 1200.00'))
    assert BudgetVersion.objects.count() == 2


def test_an_unchanged_month_is_known_by_its_fingerprint(org):
    first = sie_bytes(
        '#PSALDO 0 202501 5010 {1 "100"} 1000.00', '#PSALDO 0 202502 5010 {1 "100"} 1000.00'
    )
    run(org["kommun"], first)
    # Rows changed behind the import's back are not read again: the
    # fingerprint recorded for January says it is as the file has it.
    Utfall.objects.filter(period=datetime.date(2025, 1, 1)).update(amount=Decimal("1.00"))
    result = run(
        org["kommun"],
        sie_bytes(
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00', '#PSALDO 0 202502 5010 {1 "100"} 1300.00'
        ),
    )
    assert [c["period"] for c in result.summary["changes"]] == ["2025-02"]
    assert Utfall.objects.get(period=datetime.date(2025, 1, 1)).amount == Decimal("1.00")


def test_last_years_vouchers_stay_when_this_years_file_has_last_years_utfall(org):
    last_year = voucher(
        "A", 9, 20241115, "Löner november", "#TRANS 5010 {} 800.00", "#TRANS 1930 {} -800.00"
    )
    run(org["kommun"], sie_bytes('#PSALDO -1 202411 5010 {1 "100"} 800.00', *last_year))
    # This year's file: last year's utfall for comparison, this year's vouchers.
    run(
        org["kommun"],
        sie_bytes(
            '#PSALDO -1 202411 5010 {1 "100"} 800.00',
            '#PSALDO 0 202501 5010 {1 "100"} 1000.00',
            *JANUARY,
        ),
    )
    assert sorted(Voucher.objects.values_list("text", flat=True)) == [
        "Löner januari",
        "Löner november",
    ]


def test_a_newer_export_leaves_the_vouchers_of_unchanged_months(org):
    run(
        org["kommun"],
        sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1000.00', *JANUARY, *FEBRUARY),
    )
    january = Voucher.objects.get(text="Löner januari").pk
    corrected = voucher(
        "A",
        2,
        20250214,
        "Löner februari, rättad",
        "#TRANS 5010 {} 1300.00",
        "#TRANS 1930 {} -1300.00",
    )
    result = run(
        org["kommun"],
        sie_bytes('#PSALDO 0 202501 5010 {1 "100"} 1000.00', *JANUARY, *corrected),
    )
    assert result.summary["vouchers_replaced"] == 1
    assert Voucher.objects.get(text="Löner januari").pk == january
    assert sorted(Voucher.objects.values_list("text", flat=True)) == [
        "Löner februari, rättad",
        "Löner januari",
    ]
