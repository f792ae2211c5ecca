"""The collector of reference cycles is paused while an export or a SIE file
is made, and runs again afterwards, also when requests in several threads
overlap."""

import gc
import os
import subprocess
import sys
import threading

import pytest

from styrhjul.core.cycles import collection_paused


@pytest.fixture(autouse=True)
def collector_running():
    assert gc.isenabled()
    yield
    gc.enable()


def test_the_collector_waits_for_the_block_and_runs_again_after_it():
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_runs_again_also_when_the_block_fails():
    with pytest.raises(ValueError), collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_stopped_before_stays_stopped():
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_it_runs_again_when_the_last_of_overlapping_threads_is_done():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collection_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collection_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert seen == {"after the first left": False}
    assert gc.isenabled()


def test_an_export_pauses_it():
    from styrhjul.core import spreadsheet

    seen = []

    class Rows(list):
        def __iter__(self):
            seen.append(gc.isenabled())
            return super().__iter__()

    spreadsheet.workbook_bytes([("Blad", ["A"], Rows([["x"]]))])
    assert seen == [False] and gc.isenabled()


def test_the_web_servers_application_leaves_what_it_loaded_to_the_collector_no_more():
    # What `styrhjul serve` and runserver load (styrhjul.wsgi): the objects made
    # while starting are frozen, and a page's many objects start the collector
    # less often. In a process of its own, as the server is.
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, styrhjul.wsgi; print(gc.get_freeze_count(), gc.get_threshold()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    frozen, young = (int(n) for n in shown.stdout.split())
    assert frozen > 10_000
    assert young == 50_000
