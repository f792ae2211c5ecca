"""The Kolada v3 client against the recordings: paging, id limits, rate limit,
retries, and a clear Swedish error for everything it cannot use."""

import gzip
import http.client
import socket
import urllib.error
import urllib.parse

import pytest

from styrhjul.kolada.client import KoladaClient, KoladaError, UnknownIdsError, Value
from styrhjul.kolada.fakeserver import serve

from .fakes import (
    FakeClock,
    RecordedKolada,
    body,
    envelope,
    make_client,
    recording,
    recording_bytes,
)

FIVE = ["0180", "0580", "1280", "1480", "2480"]


def query(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def read_values(client, kpis, places, years, from_date=None) -> list[Value]:
    """Every value row that value_pages yields, as Value."""
    return [
        Value(*row) for page in client.value_pages(kpis, places, years, from_date) for row in page
    ]


def test_values_are_read_from_the_recorded_response():
    client, opener, _ = make_client()
    values = read_values(client, ["N21704"], ["1480", "0180"], [2023])
    assert len(values) == 6
    assert Value("N21704", "1480", "", 2023, "T", 17.012982, "", 1, False) in values
    assert Value("N21704", "0180", "", 2023, "K", 25.688929, "", 1, False) in values
    (url,) = opener.urls
    assert url.startswith(
        "https://api.kolada.se/v3/data/kpi/N21704/municipality/1480,0180/year/2023?"
    )
    assert query(url)["per_page"] == "5000"


def test_paging_follows_next_url_to_the_last_page():
    client, opener, _ = make_client(per_page=2)
    values = read_values(client, ["N21704"], FIVE, [2023])
    # Five municipalities × T/K/M, over three pages of two rows.
    assert len(values) == 15
    assert {v.municipality for v in values} == set(FIVE)
    assert [query(u).get("page") for u in opener.urls] == [None, "2", "3"]


def test_next_url_keeps_our_address_and_takes_koladas_path():
    """Kolada writes next_url on its own host; the client keeps the
    configured one (here a local server) and follows Kolada's path."""
    kolada = RecordedKolada()
    with serve(kolada) as base_url:
        client = KoladaClient(base_url, per_page=2, max_per_second=None)
        values = read_values(client, ["N21704"], FIVE, [2023])
    assert len(values) == 15
    assert len(kolada.requests) == 3


def test_id_lists_are_split_to_25():
    kpis = [f"N{i:05d}" for i in range(30)]
    client, opener, _ = make_client(lambda path: (200, {}, body(envelope([]))))
    read_values(client, kpis, FIVE, [2023])
    paths = [urllib.parse.unquote(urllib.parse.urlsplit(u).path) for u in opener.urls]
    assert len(paths) == 2
    assert paths[0].split("/")[4].split(",") == kpis[:25]
    assert paths[1].split("/")[4].split(",") == kpis[25:]


def test_municipalities_and_years_are_split_to_25_too():
    places = [f"{1000 + i}" for i in range(26)]
    years = list(range(1990, 2020))  # 30 years
    client, opener, _ = make_client(lambda path: (200, {}, body(envelope([]))))
    read_values(client, ["N21704"], places, years)
    assert len(opener.urls) == 4  # 2 municipality lists × 2 year lists


def test_no_more_than_five_requests_a_second():
    client, opener, clock = make_client(per_page=1)
    read_values(client, ["N21704"], FIVE, [2023])
    times = [t for _, t in opener.calls]
    assert len(times) == 5
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(gap >= 0.2 - 1e-9 for gap in gaps), gaps


def test_from_date_is_sent_and_withdrawn_values_are_marked():
    client, opener, _ = make_client()
    values = read_values(client, ["N21704"], FIVE, [2023], from_date="2026-06-01")
    assert query(opener.urls[0])["from_date"] == "2026-06-01"
    withdrawn = [v for v in values if v.deleted]
    assert withdrawn == [Value("N21704", "0180", "", 2023, "K", None, "", 1, True)]


def test_kpi_metadata_and_municipalities():
    client, _, _ = make_client()
    (kpi,) = client.kpis(["N21704"])
    assert kpi["title"].startswith("Nyckeltal N21704")
    assert kpi["is_divided_by_gender"] is True
    assert kpi["publication_date"].isoformat() == "2024-03-05"
    rows = client.municipalities(["0000", "1480"])
    assert rows == [
        {"id": "0000", "title": "Riket", "type": "L"},
        {"id": "1480", "title": "Göteborg", "type": "K"},
    ]


def test_municipalities_from_the_real_list_over_several_pages():
    client, opener, _ = make_client(per_page=3)
    ids = ["0180", "0580", "1280", "1480", "2480", "0000", "0001"]
    rows = client.municipalities(ids)
    assert [r["id"] for r in rows] == ids
    assert [query(u).get("page") for u in opener.urls] == [None, "2", "3"]


def test_unknown_kpi_ids_are_named():
    client, _, _ = make_client()
    with pytest.raises(UnknownIdsError) as error:
        client.kpis(["N21704", "N99999", "X00001"])
    assert str(error.value) == "Kolada känner inte till nyckeltalen N99999, X00001."
    assert error.value.ids == ["N99999", "X00001"]


def test_unknown_kpi_named_also_when_kolada_answers_404():
    kolada = RecordedKolada()

    def handler(path):
        if "N99999" in urllib.parse.unquote(path):
            return 404, {}, b'{"error": "unknown kpi"}'
        return kolada(path)

    client, _, _ = make_client(handler)
    with pytest.raises(UnknownIdsError, match="känner inte till nyckeltalet N99999"):
        client.kpis(["N21704", "N99999"])


def test_an_id_that_cannot_be_one_is_refused_before_asking():
    client, opener, _ = make_client()
    with pytest.raises(UnknownIdsError, match="Ogiltigt Kolada-id för nyckeltalet: 'N2/1'"):
        client.kpis(["N2/1"])
    assert opener.urls == []


def test_429_waits_as_long_as_retry_after_says():
    kolada = RecordedKolada()
    kolada.script["/v3/data"] = [(429, {"Retry-After": "7"}, b"")]
    client, opener, clock = make_client(kolada)
    values = read_values(client, ["N21704"], ["1480"], [2023])
    assert len(values) == 3
    assert len(opener.urls) == 2
    assert 7 in clock.sleeps


def test_503_is_retried_with_backoff_then_reported():
    kolada = RecordedKolada()
    kolada.script["/v3/data"] = [(503, {}, b"")] * 4
    client, opener, clock = make_client(kolada, retries=3)
    with pytest.raises(KoladaError) as error:
        read_values(client, ["N21704"], ["1480"], [2023])
    assert "Kolada svarade med ett serverfel (503)" in str(error.value)
    assert "Försökte 4 gånger." in str(error.value)
    assert len(opener.urls) == 4
    assert [s for s in clock.sleeps if s >= 1] == [1, 2, 4]


def test_503_then_200_succeeds():
    kolada = RecordedKolada()
    kolada.script["/v3/data"] = [(503, {}, b""), (502, {}, b"")]
    client, opener, _ = make_client(kolada)
    assert len(read_values(client, ["N21704"], ["1480"], [2023])) == 3
    assert len(opener.urls) == 3


def test_a_long_retry_after_is_not_waited_for():
    kolada = RecordedKolada()
    kolada.script["/v3/data"] = [(429, {"Retry-After": "3600"}, b"")]
    client, opener, clock = make_client(kolada)
    # Swedish number formatting: a narrow no-break space between thousands.
    with pytest.raises(KoladaError, match="Kolada ber oss vänta 3\u202f600 sekunder"):
        read_values(client, ["N21704"], ["1480"], [2023])
    assert len(opener.urls) == 1
    assert 3600 not in clock.sleeps


def test_a_client_error_is_not_retried():
    client, opener, _ = make_client(lambda path: (400, {}, b"bad request"))
    with pytest.raises(KoladaError, match="Kolada svarade 400"):
        client.kpis(["N21704"])
    assert len(opener.urls) == 1


def test_timeout_after_retries():
    client, opener, _ = make_client(
        lambda path: urllib.error.URLError(TimeoutError("timed out")), retries=2
    )
    with pytest.raises(KoladaError) as error:
        client.kpis(["N21704"])
    assert str(error.value) == (
        "Kolada svarade inte inom 30 sekunder "
        "(https://api.kolada.se/v3/kpi/N21704?per_page=5000). Försökte 3 gånger."
    )
    assert len(opener.urls) == 3


def test_timeout_against_a_server_that_does_not_answer_in_time():
    import threading

    release = threading.Event()

    def slow(path):
        release.wait(5)
        return 200, {}, body(envelope([]))

    with serve(slow) as base_url:
        clock = FakeClock()
        client = KoladaClient(base_url, timeout=0.2, retries=1, sleep=clock.sleep, clock=clock)
        try:
            with pytest.raises(KoladaError, match=r"Kolada svarade inte inom 0,2 sekunder"):
                client.kpis(["N21704"])
        finally:
            release.set()


def test_kolada_cannot_be_reached():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.
    clock = FakeClock()
    client = KoladaClient(f"http://127.0.0.1:{port}/v3", retries=1, sleep=clock.sleep, clock=clock)
    with pytest.raises(KoladaError) as error:
        client.kpis(["N21704"])
    message = str(error.value)
    assert message.startswith(f"Kolada gick inte att nå (http://127.0.0.1:{port}/v3/kpi/N21704")
    assert "Kontrollera nätverksanslutningen" in message


def test_malformed_json():
    client, _, _ = make_client(lambda path: (200, {}, b'{"values": [}'))
    with pytest.raises(KoladaError, match="Kolada skickade ett svar som inte är giltig JSON"):
        client.kpis(["N21704"])


def test_truncated_response():
    cut = recording_bytes("v3_data_kpi_N21704_year_2023_trimmed.json")[:700]
    client, _, _ = make_client(lambda path: (200, {}, cut))
    with pytest.raises(KoladaError) as error:
        read_values(client, ["N21704"], ["1480"], [2023])
    assert "Kolada skickade ett ofullständigt svar" in str(error.value)
    assert "tog slut efter 700 byte" in str(error.value)


def test_connection_broken_mid_body_is_retried_then_reported():
    client, opener, _ = make_client(
        lambda path: http.client.IncompleteRead(b"x" * 100, 900), retries=1
    )
    with pytest.raises(KoladaError, match="anslutningen bröts efter 100 byte"):
        client.kpis(["N21704"])
    assert len(opener.urls) == 2


def test_unexpected_shape():
    client, _, _ = make_client(lambda path: (200, {}, b'[{"id": "N21704"}]'))
    with pytest.raises(KoladaError, match='förväntade ett objekt med en lista "values"'):
        client.kpis(["N21704"])


def test_value_that_is_not_a_number():
    data = recording_bytes("handmade_not_a_number.json")
    client, _, _ = make_client(lambda path: (200, {}, data))
    with pytest.raises(KoladaError) as error:
        read_values(client, ["N21704"], ["1480"], [2023])
    assert str(error.value).startswith(
        'Kolada skickade ett värde som inte är ett tal för N21704, 1480, 2023 (T): "17,01"'
    )


def test_nan_is_not_a_number():
    data = b'{"values": [{"kpi": "N21704", "municipality": "1480", "period": 2023, '
    data += b'"values": [{"gender": "T", "value": NaN}]}]}'
    client, _, _ = make_client(lambda path: (200, {}, data))
    with pytest.raises(KoladaError, match="inte är ett tal"):
        read_values(client, ["N21704"], ["1480"], [2023])


def test_a_row_that_was_not_asked_for_is_refused():
    rows = recording("v3_data_kpi_N21704_year_2023_trimmed.json")["values"]
    client, _, _ = make_client(lambda path: (200, {}, body(envelope(rows))))
    with pytest.raises(KoladaError, match="hör inte till det som efterfrågades"):
        read_values(client, ["N21704"], ["1480"], [2023])


def test_a_value_sent_twice_is_refused():
    rows = recording("v3_data_kpi_N21704_year_2023_trimmed.json")["values"]
    twice = [r for r in rows if r["municipality"] == "1480"] * 2
    client, _, _ = make_client(lambda path: (200, {}, body(envelope(twice))))
    with pytest.raises(KoladaError, match="Kolada skickade värdet för N21704, 1480, 2023 två"):
        read_values(client, ["N21704"], ["1480"], [2023])


def test_unknown_gender_is_refused():
    row = {"kpi": "N21704", "municipality": "1480", "period": 2023}
    row["values"] = [{"gender": "X", "value": 1.0}]
    client, _, _ = make_client(lambda path: (200, {}, body(envelope([row]))))
    with pytest.raises(KoladaError, match="okänt kön 'X'"):
        read_values(client, ["N21704"], ["1480"], [2023])


def test_gzip_is_understood():
    kolada = RecordedKolada()

    def gzipped(path):
        status, headers, data = kolada(path)
        return status, {**headers, "Content-Encoding": "gzip"}, gzip.compress(data)

    client, _, _ = make_client(gzipped)
    assert len(read_values(client, ["N21704"], ["1480"], [2023])) == 3


def test_a_base_url_that_is_not_http():
    with pytest.raises(KoladaError, match="är inte en http\\(s\\)-adress"):
        KoladaClient("ftp://api.kolada.se/v3")
