"""The SIE parser on the real sample files (tests/economy/data, see its
README) and on small files made for each kind of bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from styrhjul.economy import sie

DATA = Path(__file__).parent / "data"


def read(name: str) -> sie.SieFile:
    return sie.parse((DATA / name).read_bytes())


def sie_bytes(*lines: str, encoding: str = "cp437", header: bool = True) -> bytes:
    head = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#FNAMN "Provköpings kommun"',
        "#ORGNR 212000-0001",
        "#RAR 0 20250101 20251231",
        "#RAR -1 20240101 20241231",
        '#DIM 1 "Ansvar"',
        '#OBJEKT 1 "100" "Äldreomsorg"',
        '#KONTO 3010 "Försäljning"',
        '#KONTO 5010 "Löner"',
        '#KONTO 1930 "Bank"',
    ]
    return "\n".join((head if header else []) + list(lines)).encode(encoding)


def problems(data: bytes) -> list[str]:
    with pytest.raises(sie.SieError) as caught:
        sie.parse(data)
    return [str(p) for p in caught.value.problems]


# --- The real files --------------------------------------------------------------------


def test_the_avendo_period_file_reconciles_month_by_month_with_res_ib_and_ub():
    f = read("periodsaldo_ovnbolag.se")
    assert f.sie_type == 2
    assert f.org_number == "5555555555"
    assert f.company_name == "Övningsbolaget AB (Ekonomi 60)"  # PC8 read as PC8
    assert f.years[0] == sie.Year(0, datetime.date(2011, 1, 1), datetime.date(2011, 12, 31))
    assert len(f.utfall) == 705
    assert sie.reconcile(f) == []
    sums = sie.period_sums(f)
    res = {b.account: b.amount for b in f.balances_of("#RES") if b.year == 0}
    assert sums[(0, "3041")] == res["3041"]
    # This year's budget is also written under last year's index; those
    # lines are not last year's budget and are left out, with a remark.
    assert {p.year for p in f.budget} == {0}
    assert len(f.budget) == 624
    assert "#PBUDGET" in str(f.warnings[0])


def test_the_avendo_object_file_has_one_row_per_object_combination_and_reconciles():
    f = read("objektsaldo_ovnbolag.se")
    assert f.dimensions[1].name == "Resultatenheter"
    assert f.object_name(1, "Nord") == "Kontor Nord"
    assert sie.object_convention(f) == sie.CELLS
    assert sie.reconcile(f) == []
    # Read as totals, the account rows without objects would not reconcile.
    assert sie.reconcile(f, sie.TOTAL) != []
    nord = [p for p in f.utfall if (1, "Nord") in p.objects]
    assert nord and all(isinstance(p.amount, Decimal) for p in nord)
    assert ((1, "Nord"), (7, "1")) in {p.objects for p in f.utfall}


def test_the_briljant_file_has_totals_broken_down_by_avdelning_and_reconciles():
    f = read("Test3.SE")
    assert f.org_number == "430226-2334"
    assert sie.object_convention(f) == sie.TOTAL
    assert sie.reconcile(f) == []
    assert f.object_name(1, "13") == "Söderköping"
    # Avdelning 0 is used without an #OBJEKT line: read, and remembered.
    assert (1, "0") in f.undeclared_objects
    assert any(p.objects == ((1, "11"),) for p in f.budget)
    oub = {(b.year, b.account, b.objects): b.amount for b in f.balances_of("#OUB")}
    assert oub[(0, "1210", ((1, "13"),))] == Decimal("-13750.00")


def test_the_softone_file_with_tabs_and_unescaped_quotes_is_read():
    f = read("XE_SIE_3_20151125094952.SE")
    assert f.years[0].start == datetime.date(2015, 9, 1)  # broken fiscal year
    assert f.years[-1].start == datetime.date(2013, 7, 1)
    assert f.dimensions[6].name == "Projekt"
    assert f.accounts["2440"].name == 'Leverant"rsskulder'
    assert len(f.utfall) == 4478
    # The program wrote all but three period balances as 0, so they do not
    # add up to its closing balances: the differences are reported, not hidden.
    assert sum(1 for p in f.utfall if p.amount) == 3
    differences = sie.reconcile(f)
    assert differences and all("#UB" in d or "#RES" in d for d in differences)
    assert any("9874649" in str(w) for w in f.warnings)


# --- Syntax ----------------------------------------------------------------------------


def test_quoted_strings_with_escapes_and_object_lists():
    assert sie.tokenize(r'3010 {1 "100" 6 "P 1"} -12.50 "Sägs \"så\""') == [
        "3010",
        ["1", "100", "6", "P 1"],
        "-12.50",
        'Sägs "så"',
    ]


def test_a_voucher_with_transactions_in_a_block_balances():
    f = sie.parse(
        sie_bytes(
            '#VER A 1 20250115 "Lön januari"',
            "{",
            '#TRANS 5010 {1 "100"} 1000.00',
            "#TRANS 1930 {} -1000.00",
            "}",
        )
    )
    (voucher,) = f.vouchers
    assert voucher.text == "Lön januari"
    assert [t.amount for t in voucher.transactions] == [Decimal("1000.00"), Decimal("-1000.00")]
    assert voucher.total() == 0


def test_a_utf8_file_is_read_when_format_says_so():
    data = sie_bytes("#PSALDO 0 202501 3010 {} -5.00").replace(b"PC8", b"UTF8")
    f = sie.parse(data.decode("cp437").encode("utf-8"))
    assert f.company_name == "Provköpings kommun"
    assert f.encoding == "utf-8"


# --- Bad input -------------------------------------------------------------------------


def test_a_non_numeric_amount_names_line_tag_and_value():
    assert problems(sie_bytes("#PSALDO 0 202501 3010 {} 12,3x")) == [
        "Rad 13 (#PSALDO): beloppet ”12,3x” är inte ett tal."
    ]


def test_a_balance_on_an_unknown_account_is_refused():
    assert problems(sie_bytes("#PSALDO 0 202501 4010 {} 1.00")) == [
        "Rad 13 (#PSALDO): kontot 4010 anges inte med #KONTO."
    ]


def test_an_object_of_an_undeclared_dimension_is_refused():
    assert problems(sie_bytes('#PSALDO 0 202501 3010 {6 "P1"} 1.00')) == [
        "Rad 13 (#PSALDO): objektet ”P1” hör till dimension 6, som inte anges med #DIM."
    ]


def test_periods_outside_rar_are_refused():
    assert problems(
        sie_bytes("#PSALDO 0 202601 3010 {} 1.00", "#PSALDO 1 202501 3010 {} 1.00")
    ) == [
        "Rad 13 (#PSALDO): perioden 202601 ligger utanför räkenskapsår 0 "
        "(20250101–20251231) enligt #RAR.",
        "Rad 14 (#PSALDO): räkenskapsår 1 anges inte med #RAR.",
    ]


def test_a_duplicate_line_is_refused_with_both_line_numbers():
    assert problems(
        sie_bytes('#PSALDO 0 202501 3010 {1 "100"} 1.00', '#PSALDO 0 202501 3010 {1 "100"} 2.00')
    ) == ["Rad 14 (#PSALDO): samma rad finns redan på rad 13."]


def test_an_unbalanced_voucher_is_refused():
    assert problems(
        sie_bytes(
            '#VER A 7 20250115 "Fel"', "{", "#TRANS 5010 {} 10.00", "#TRANS 1930 {} -9.00", "}"
        )
    ) == ["Rad 13 (#VER): verifikation A 7 balanserar inte: summan av #TRANS är 1.00, inte 0."]


def test_an_unclosed_quote_and_a_bad_period_and_date_are_refused():
    assert problems(
        sie_bytes(
            '#KONTO 4010 "Material', "#PSALDO 0 2025-1 3010 {} 1.00", "#RAR 2 20251340 20251231"
        )
    ) == [
        "Rad 13 (#KONTO): citattecknet avslutas inte på raden.",
        "Rad 14 (#PSALDO): perioden ”2025-1” är inte en månad (ÅÅÅÅMM).",
        "Rad 15 (#RAR): startdatumet ”20251340” är inte ett datum (ÅÅÅÅMMDD).",
    ]


def test_a_utf8_file_that_says_pc8_is_refused():
    data = sie_bytes("#PSALDO 0 202501 3010 {} -5.00").decode("cp437").encode("utf-8")
    assert problems(data) == [
        "Rad 4 (#FORMAT): filen är kodad i UTF-8 men #FORMAT säger PC8. Exportera filen i PC8, "
        "som SIE-standarden säger, eller med #FORMAT UTF8."
    ]


def test_a_windows_1252_file_that_says_pc8_is_refused():
    data = sie_bytes("#PSALDO 0 202501 3010 {} -5.00", encoding="cp1252")
    (message,) = problems(data)
    assert message.startswith("Rad 4 (#FORMAT): filen verkar vara kodad i Windows-1252")


def test_a_file_that_says_utf8_but_is_not_is_refused():
    data = sie_bytes("#PSALDO 0 202501 3010 {} -5.00").replace(b"PC8", b"UTF8")
    (message,) = problems(data)
    assert message.startswith("Rad 4 (#FORMAT): filen är inte kodad i UTF-8")


def test_a_sub_dimension_and_a_voucher_without_a_block():
    f = sie.parse(
        sie_bytes(
            '#UNDERDIM 21 "Verksamhet" 1',
            '#OBJEKT 21 "V1" "Hemtjänst"',
            '#VER B 3 20250201 "Tom"',
            '#PSALDO 0 202502 5010 {1 "100" 21 "V1"} 10.00',
        )
    )
    assert f.dimensions[21].parent == 1
    assert [(v.series, v.number, v.transactions) for v in f.vouchers] == [("B", "3", [])]
    assert f.utfall[0].objects == ((1, "100"), (21, "V1"))


def test_line_numbers_hold_with_any_line_ending_blank_lines_and_indented_lines():
    lines = [
        '#PSALDO 0 202501 3010 {1 "100"} -10.00',
        "",
        '   #PSALDO 0 202502 3010 {1 "100"} -11.00',
        '#PSALDO 0 202513 3010 {1 "100"} -12.00',
        '#PSALDO 0 202503 3010 {1 "100"} 1x',
    ]
    for newline in ("\n", "\r\n", "\r"):
        data = newline.join(sie_bytes().decode("cp437").split("\n") + lines).encode("cp437")
        # The twelve lines of the head come first: the file's lines 13–17.
        assert problems(data) == [
            "Rad 16 (#PSALDO): perioden ”202513” är inte en månad (ÅÅÅÅMM).",
            "Rad 17 (#PSALDO): beloppet ”1x” är inte ett tal.",
        ], newline


def test_a_period_balance_inside_a_voucher_is_refused_where_it_stands():
    data = sie_bytes(
        '#VER "A" 1 20250105 "Faktura"',
        "{",
        '#TRANS 5010 {1 "100"} 10.00',
        '#PSALDO 0 202501 3010 {1 "100"} -10.00',
        "#TRANS 1930 {} -10.00",
        "}",
        '#PSALDO 0 202501 5010 {1 "100"} 10.00',
    )
    assert problems(data) == ["Rad 16 (#PSALDO): inom en verifikation { … } får bara #TRANS stå."]


def test_many_period_balances_read_quickly_keep_their_lines_and_their_checks():
    months = [f"2025{m:02d}" for m in range(1, 13)]
    lines = [
        f'#PSALDO 0 {month} {account} {{1 "100"}} {n}.50'
        for n, (month, account) in enumerate(
            (month, account) for month in months for account in ("3010", "5010")
        )
    ]
    parsed = sie.parse(sie_bytes(*lines))
    assert [(p.line, p.period.month, p.account) for p in parsed.utfall[:3]] == [
        (13, 1, "3010"),
        (14, 1, "5010"),
        (15, 2, "3010"),
    ]
    assert parsed.utfall[-1].amount == Decimal("23.50")
    # The same lines once more: each a duplicate of its first.
    assert problems(sie_bytes(*lines, *lines[:2])) == [
        "Rad 37 (#PSALDO): samma rad finns redan på rad 13.",
        "Rad 38 (#PSALDO): samma rad finns redan på rad 14.",
    ]
    assert problems(sie_bytes(*lines, '#PSALDO 0 202501 4010 {1 "100"} 1.00')) == [
        "Rad 37 (#PSALDO): kontot 4010 anges inte med #KONTO."
    ]
