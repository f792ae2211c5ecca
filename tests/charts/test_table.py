from decimal import Decimal

from styrhjul.charts import GenderChart, Series, TrendChart, data_table, text_alternative
from styrhjul.charts.numbers import NBSP, THIN_SPACE

PCT = f"{NBSP}%"


def trend_chart(**overrides) -> TrendChart:
    args = {
        "title": "Andel behöriga till yrkesprogram",
        "unit": "%",
        "series": [
            Series("Sjöbacka", [(2021, Decimal("42.0")), (2022, None), (2023, 47.5), (2024, 51.2)]),
            Series("Riket", [(2021, 47), (2022, 47.5), (2023, 48), (2024, 48)], "comparison", True),
            Series("Ekby", [(2021, 40), (2024, 44)], kind="comparison"),
            Series("Åsa", [(2021, 50), (2024, Decimal("58.25"))], kind="comparison"),
        ],
        "target": (2026, 55),
        "direction": "higher",
    }
    args.update(overrides)
    return TrendChart(**args)


def test_trend_table_has_periods_as_rows_and_series_as_columns():
    table = data_table(trend_chart())
    assert table.caption == "Andel behöriga till yrkesprogram (%)"
    assert table.headers == ("År", "Sjöbacka", "Riket", "Ekby", "Åsa", "Mål")
    assert [row.header for row in table.rows] == ["2021", "2022", "2023", "2024", "2026"]
    rows = {row.header: row.cells for row in table.rows}
    assert rows["2024"] == (f"51,2{PCT}", f"48,0{PCT}", f"44{PCT}", f"58,25{PCT}", "–")
    assert rows["2021"][0] == f"42,0{PCT}"  # one number of decimals per column
    assert rows["2022"] == ("–", f"47,5{PCT}", "–", "–", "–")  # missing values
    assert rows["2026"] == ("–", "–", "–", "–", f"55{PCT}")


def test_table_for_counts_and_money():
    chart = TrendChart(
        "Invånare",
        "antal",
        [Series("Sjöbacka", [("2024", 14_250), ("2025", 14_301)])],
    )
    table = data_table(chart)
    assert table.caption == "Invånare (antal)"
    assert table.rows[1].cells == (f"14{THIN_SPACE}301",)
    money = data_table(TrendChart("Kostnad", "kr", [Series("A", [(2025, 1234.5)])]))
    assert money.rows[0].cells == (f"1{THIN_SPACE}234,5{NBSP}kr",)


def test_non_year_periods_are_headed_period():
    chart = TrendChart("Sjukfrånvaro", "%", [Series("A", [("2025-02", 5), ("2025-01", 6)])])
    table = data_table(chart)
    assert table.headers[0] == "Period"
    assert [row.header for row in table.rows] == ["2025-01", "2025-02"]


def test_gender_table():
    chart = GenderChart(
        "God hälsa", "%", [2023, 2024], women=[68.2, None], men=[72.5, 74], total=[70.3, 72.2]
    )
    table = data_table(chart)
    assert table.headers == ("År", "Kvinnor", "Män", "Totalt")
    assert table.rows[0].cells == (f"68,2{PCT}", f"72,5{PCT}", f"70,3{PCT}")
    assert table.rows[1].cells == ("–", f"74,0{PCT}", f"72,2{PCT}")
    without_total = data_table(GenderChart("G", "%", [2024], women=[1], men=[2]))
    assert without_total.headers == ("År", "Kvinnor", "Män")


def test_text_alternative_for_a_trend():
    text = text_alternative(trend_chart())
    assert text == (
        "Diagrammet visar ”Andel behöriga till yrkesprogram” 2021–2024. "
        f"Värdet har ökat från 42,0{PCT} till 51,2{PCT}; målet för 2026 är 55{PCT}. "
        f"Riket: 48,0{PCT}. Jämförbara kommuner (Ekby, Åsa): mellan 44,00{PCT} och 58,25{PCT}."
    )


def test_text_alternative_decrease_single_value_and_empty():
    down = TrendChart("Väntetid", "dagar", [Series("A", [(2020, 30), (2025, 21)])])
    assert f"Värdet har minskat från 30{NBSP}dagar till 21{NBSP}dagar." in text_alternative(down)
    single = TrendChart("X", "%", [Series("A", [(2025, 51)])])
    assert text_alternative(single) == f"Diagrammet visar ”X” 2025. Värdet är 51{PCT}."
    empty = TrendChart("X", "%")
    assert text_alternative(empty) == "Diagrammet visar ”X”. Värden saknas."


def test_text_alternative_for_a_gender_split():
    chart = GenderChart(
        "God hälsa", "%", [2023, 2024], women=[68.2, 70.4], men=[72.5, 74], total=[70.3, 72.2]
    )
    assert text_alternative(chart) == (
        "Diagrammet visar ”God hälsa” för kvinnor och män, 2023–2024. "
        f"2024: kvinnor 70,4{PCT}, män 74,0{PCT}, totalt 72,2{PCT}."
    )
