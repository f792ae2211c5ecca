"""`styrhjul load-test` (make load), run very briefly on a small scale data
set: a real `styrhjul serve` and worker, a few reporters and committees. What
it reports must add up with what happened; the timings are not checked
(they are `make load`'s to print)."""

import json
import subprocess

import pytest

from styrhjul.demo import load
from tests.servers import database_url_for_subprocess, production_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("serve")]

USERS, COMMITTEES = 3, 2
RAMP, SECONDS = 5, 20
# A guard against hanging, not a speed check: the machine may be busy.
PATIENCE = 900


def styrhjul(env, *args):
    return subprocess.run(
        [*load.styrhjul_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        stdin=subprocess.DEVNULL,
    )


def test_a_short_load_test_reports_what_happened(tmp_path):
    env = production_env(tmp_path, database_url_for_subprocess(tmp_path), DEBUG="1")
    out = tmp_path / "load.json"
    result = styrhjul(
        env,
        "load-test",
        *("--users", str(USERS), "--committees", str(COMMITTEES)),
        *("--ramp", str(RAMP), "--seconds", str(SECONDS)),
        *("--think", "0.1", "0.3", "--write", "0.2", "0.6"),
        *("--budget-clients", "2", "--budget-seconds", "2"),
        *("--units", "30", "--items", "300", "--plan-items", "15", "--task-items", "10"),
        *("--share-units", "5", "--document-wait", "600", "--json", str(out)),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    run = report["run"]
    pages, ramp = run["pages"], run["ramp"]

    # Every request is counted on exactly one page, either while people
    # arrived (the ramp) or in the measured window after it; none failed.
    in_window = sum(p["requests"] for p in pages.values())
    assert ramp["requests"] == sum(p["requests"] for p in ramp["pages"].values()) > 0
    assert run["requests"] == in_window + ramp["requests"]
    assert in_window > 0
    assert run["errors"] == ramp["errors"] == 0, run["reasons"]
    assert run["reasons"] == {}
    assert run["left_running"] == 0
    assert run["seconds"] == SECONDS and ramp["seconds"] == RAMP
    assert run["throughput"] == pytest.approx(run["answered_in_time"] / SECONDS, abs=0.01)
    assert 0 < run["answered_in_time"] <= in_window

    def both(page):
        return sum(phase.get(page, {}).get("requests", 0) for phase in (pages, ramp["pages"]))

    # Each person logged in once (the login page and the form posted), on
    # arriving: in the ramp, the last maybe just after it.
    assert ramp["pages"][load.LOGIN]["requests"] > 0
    assert both(load.LOGIN) == 2 * (USERS + COMMITTEES)
    # The reporters went through Mina uppgifter to a task and saved on it.
    for page in (load.START, load.TASK, load.SAVE):
        assert pages[page]["requests"] > 0, page
    # A person's steps may straddle the ramp's end: counted in both phases.
    assert both(load.START) >= both(load.TASK)
    # Each committee ordered once, in the window (when everyone is there),
    # and every document was made by the worker.
    assert pages[load.ORDER]["requests"] == COMMITTEES
    assert load.ORDER not in ramp["pages"]
    documents = run["documents"]
    assert documents["ordered"] == documents["committees"] == COMMITTEES
    assert documents["done"] == COMMITTEES
    assert documents["failed"] == documents["queued"] == documents["running"] == 0

    # The figures are printed beside the goals.
    assert "p95 < 500 ms" in result.stdout
    assert f"Under upptrappningen, {RAMP} s" in result.stdout
    machine = run["load_during"]  # the machine's load while it ran, printed beside
    assert 0 <= machine["min"] <= machine["median"] <= machine["max"]
    assert f"högst {machine['max']:.1f}" in result.stdout
    demand = run["demand"]
    assert demand["saves_per_task"] == pytest.approx(
        pages[load.SAVE]["requests"] / pages[load.TASK]["requests"], abs=0.01
    )
    assert f"rapportörerna bad om ≈ {demand['demanded_per_s']:.1f} anrop/s" in result.stdout
    assert "fel 0 (mål 0) OK" in result.stdout
    assert f"{COMMITTEES} beställda, {COMMITTEES} klara" in result.stdout
    assert "(mål ≥ 1.6×)" in result.stdout

    # The two-process budget measured each server, without errors.
    budget = report["budget"]
    for phase in ("one_client", "one_process", "two_processes"):
        assert budget[phase]["requests"] > 0 and budget[phase]["errors"] == 0, phase
    # The goal compares the clients on two processes with one client alone.
    assert budget["ratio"] == pytest.approx(
        budget["two_processes"]["throughput"] / budget["one_client"]["throughput"], abs=0.01
    )
    assert budget["ratio_two_to_one_process"] == pytest.approx(
        budget["two_processes"]["throughput"] / budget["one_process"]["throughput"], abs=0.01
    )
    assert f"{budget['ratio']:.2f}× (mål ≥ 1.6×)" in result.stdout

    # What the reporters saved is in the database, by them; the documents have files.
    check = (
        "from styrhjul.followup.models import Report; "
        "from styrhjul.documents.models import DocumentJob; "
        "print(Report.objects.filter(updated_by__username__startswith='load-rapportor').count(), "
        "DocumentJob.objects.filter(requested_by__username__startswith='load-namnd', "
        "status='done', size__gt=0).count())"
    )
    shell = styrhjul(env, "shell", "-c", check)
    assert shell.returncode == 0, shell.stderr
    reports, made = map(int, shell.stdout.split()[-2:])
    assert 1 <= reports <= pages[load.SAVE]["requests"]
    assert made == COMMITTEES
