"""The worker yields the processor to the web pages: `styrhjul worker` runs at
the OS priority STYRHJUL_WORKER_NICE (10 unless set; 0 leaves it as it is),
so that documents being made on a shared machine do not hold up the pages
(docs/drift.md#arbetaren)."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from styrhjul.web.management.commands import worker as command

from .test_production import PATIENCE, STYRHJUL, environment

pytestmark = pytest.mark.skipif(not hasattr(os, "nice"), reason="the system has no nice")

# A database that never answers: the worker starts and waits for it, saying so.
NOWHERE = "postgres://styrhjul@127.0.0.1:9/styrhjul"


def niceness_of_started_worker(tmp_path, **variables: str) -> int:
    """The niceness of a `styrhjul worker` once it has started and is waiting
    for its database."""
    env = environment(tmp_path, DEBUG="1", DATABASE_URL=NOWHERE, **variables)
    worker = subprocess.Popen(
        [str(STYRHJUL), "worker", "--no-reload"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = []
        for line in worker.stderr:  # ends when the process does
            said.append(line)
            if "Databasen svarar inte" in line:
                break
        else:
            pytest.fail("the worker did not start:\n" + "".join(said))
        return os.getpriority(os.PRIO_PROCESS, worker.pid)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=PATIENCE)


def test_a_started_worker_runs_at_the_configured_niceness(tmp_path):
    wanted = min(os.nice(0) + 5, 19)
    assert niceness_of_started_worker(tmp_path, STYRHJUL_WORKER_NICE=str(wanted)) == wanted


def test_by_default_the_worker_runs_at_niceness_ten(tmp_path):
    assert niceness_of_started_worker(tmp_path) == max(os.nice(0), 10)


def test_niceness_zero_leaves_the_worker_as_it_was_started(tmp_path):
    assert niceness_of_started_worker(tmp_path, STYRHJUL_WORKER_NICE="0") == os.nice(0)


def test_lower_priority_never_raises_it(monkeypatch):
    # Raising the priority back needs privileges: a process already nicer is left so.
    calls = []
    monkeypatch.setattr(command.os, "nice", lambda n: calls.append(n) or 15)
    assert command.lower_priority(10) == 15
    assert calls == [0]
