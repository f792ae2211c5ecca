"""The deadline-day load test's client side (`styrhjul load-test`, docs/prestanda.md).

Simulated people in threads, each with its own HTTP session (requests, keep-alive)
against a `styrhjul serve` on 127.0.0.1 that the command started:

* a reporter logs in, opens the start page (Mina uppgifter), opens one of
  its tasks and saves reports on it as the page's own form does (htmx
  post), with think time between the steps, until the run is over;
* a committee logs in, orders a document on its unit's document page and
  follows the order's status as the page does, every few seconds;
* a budget client asks for its pages one after another, without pause.

Every request is timed (time.perf_counter around the whole answer) and
counted per page; what a user would call an error (an answer other than the
expected one, a save not saved, a refused connection, a timeout) is counted
with a short reason. Nothing here talks to the database: the command
prepares users and reads the outcome of the document orders.

Also a small TCP proxy (DatabaseProxy) that the command puts between the
server and PostgreSQL to make the database unreachable for a while.
"""

from __future__ import annotations

import contextlib
import html
import math
import os
import queue
import random
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

LOOPBACK = "127.0.0.1"
TIMEOUT = 60  # seconds a request may take before it counts as an error
UNAVAILABLE_TEXT = "Styrhjul är tillfälligt otillgängligt"
SAVED_TEXT = "Sparat."

LOGIN = "Logga in"
START = "Mina uppgifter (start)"
TASK = "Uppgift"
SAVE = "Spara rapport"
DOCUMENTS = "Dokumentsidan (nämnd)"
ORDER = "Beställ dokument"
JOB = "Dokumentstatus"
OVERVIEW = "Översikt"
REPORTING = "Rapportering (mätuppgiften)"
TASK_PAGES = (START, TASK, SAVE)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95: the 95th)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class PageStats:
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    unavailable: int = 0  # the Swedish 503 page while the database was away

    @property
    def requests(self) -> int:
        return len(self.times_ms) + self.unavailable


class Stats:
    """Thread-safe counts and times per page, in two phases: the ramp, while
    people arrive (a request sent before `window_start`), and the measured
    window after it. The goals are judged on the window; the ramp is
    reported beside it, and errors count in both."""

    def __init__(self, window_end: float | None = None, window_start: float | None = None):
        self.lock = threading.Lock()
        self.window_start = window_start
        # Throughput counts the answers given (not errors) before the end of the run.
        self.window_end = window_end
        self.answered_in_window = 0
        self.answered_in_ramp = 0
        self.pages: dict[str, PageStats] = defaultdict(PageStats)
        self.ramp_pages: dict[str, PageStats] = defaultdict(PageStats)
        self.reasons: Counter = Counter()
        self.outage: tuple[float, float] | None = None  # (start, end) monotonic
        self.first_ok_after_outage: float | None = None
        self.late_unavailable = 0  # 503s more than a grace period after the outage

    def record(self, page: str, ms: float, error: str | None = None, unavailable=False):
        now = time.monotonic()
        # The phase is the one in which the request was sent.
        in_ramp = self.window_start is not None and now - ms / 1000 < self.window_start
        with self.lock:
            stats = (self.ramp_pages if in_ramp else self.pages)[page]
            if not unavailable:  # the 503 page's time says nothing of the page
                stats.times_ms.append(ms)
            if not error and not unavailable:
                if in_ramp:
                    self.answered_in_ramp += 1
                elif self.window_end is None or now <= self.window_end:
                    self.answered_in_window += 1
            if unavailable:
                stats.unavailable += 1
            elif error:
                stats.errors += 1
                self.reasons[f"{page}: {error}"] += 1
            if self.outage and now >= self.outage[1]:
                if not error and not unavailable and self.first_ok_after_outage is None:
                    self.first_ok_after_outage = now
                if unavailable and now > self.outage[1] + OUTAGE_GRACE:
                    self.late_unavailable += 1

    def all_pages(self):
        return [*self.pages.values(), *self.ramp_pages.values()]

    @property
    def requests(self) -> int:
        return sum(p.requests for p in self.all_pages())

    @property
    def errors(self) -> int:
        return sum(p.errors for p in self.all_pages())

    @property
    def unavailable(self) -> int:
        return sum(p.unavailable for p in self.all_pages())

    def summary(self, seconds: float, ramp_seconds: float = 0.0) -> dict:
        """The window's figures per page and in all (`seconds` long); the
        ramp's (`ramp_seconds`) under "ramp". Requests, errors and reasons at
        the top count both."""
        window = page_summaries(self.pages)
        ramp = page_summaries(self.ramp_pages)
        return {
            "seconds": round(seconds, 1),
            "requests": self.requests,
            "errors": self.errors,
            "unavailable": self.unavailable,
            "answered_in_time": self.answered_in_window,
            "throughput": round(self.answered_in_window / seconds, 2) if seconds > 0 else 0.0,
            "pages": window,
            "ramp": {
                "seconds": round(ramp_seconds, 1),
                "requests": sum(p["requests"] for p in ramp.values()),
                "errors": sum(p["errors"] for p in ramp.values()),
                "unavailable": sum(p["unavailable"] for p in ramp.values()),
                "answered": self.answered_in_ramp,
                "throughput": (
                    round(self.answered_in_ramp / ramp_seconds, 2) if ramp_seconds > 0 else 0.0
                ),
                "pages": ramp,
            },
            "reasons": dict(self.reasons.most_common(10)),
        }


def page_summaries(pages: dict[str, PageStats]) -> dict[str, dict]:
    out = {}
    for name, p in sorted(pages.items()):
        times = p.times_ms or [0.0]
        out[name] = {
            "requests": p.requests,
            "errors": p.errors,
            "unavailable": p.unavailable,
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "max_ms": round(max(times), 1),
        }
    return out


OUTAGE_GRACE = 10.0  # seconds after the database is back before a 503 counts as not recovered


class Stopped(Exception):
    """The run is over; the simulated person stops."""


class Person:
    """One simulated person: an HTTP session against the server."""

    def __init__(self, base_url: str, stats: Stats, deadline: float, rng: random.Random):
        self.base_url = base_url
        self.stats = stats
        self.deadline = deadline
        self.rng = rng
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "styrhjul-load-test"

    def pause(self, low: float, high: float) -> None:
        """Think time, never past the end of the run."""
        if high <= 0:
            self.check()
            return
        wait = max(0.0, self.rng.uniform(low, high))
        if time.monotonic() + wait >= self.deadline:
            time.sleep(max(0.0, self.deadline - time.monotonic()))
            raise Stopped
        time.sleep(wait)

    def wait_until(self, moment: float) -> None:
        """Nothing until `moment` (monotonic), never past the end of the run."""
        wait = moment - time.monotonic()
        self.pause(wait, wait)

    def check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise Stopped

    def request(self, page: str, method: str, path: str, expect=(200,), **kwargs):
        """Time one request; None when it failed (counted)."""
        self.check()
        headers = kwargs.pop("headers", {})
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,
                **kwargs,
            )
        except requests.Timeout:
            self.stats.record(page, (time.perf_counter() - started) * 1000, "tidsgräns")
            return None
        except requests.RequestException as exc:
            reason = type(exc).__name__
            self.stats.record(page, (time.perf_counter() - started) * 1000, reason)
            return None
        ms = (time.perf_counter() - started) * 1000
        if response.status_code == 503 and UNAVAILABLE_TEXT in response.text:
            self.stats.record(page, ms, unavailable=True)
            return None
        if response.status_code not in expect:
            self.stats.record(page, ms, f"HTTP {response.status_code}")
            return None
        return response, ms

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def login(self, username: str, password: str) -> bool:
        """The login page, then the form posted; True when logged in. Tries
        again (a 503 while the database is away, a timeout) until the run is over."""
        while True:
            got = self.request(LOGIN, "GET", "/konto/logga-in/")
            if got is not None:
                self.stats.record(LOGIN, got[1])
                got = self.request(
                    LOGIN,
                    "POST",
                    "/konto/logga-in/",
                    expect=(302,),
                    data={
                        "username": username,
                        "password": password,
                        "csrfmiddlewaretoken": self.csrf(),
                    },
                    headers={"Referer": self.base_url + "/konto/logga-in/"},
                )
                if got is not None:
                    self.stats.record(LOGIN, got[1])
                    return True
            self.pause(1, 3)


# --- Forms on the reporting page ----------------------------------------------------------

FORM_RE = re.compile(
    r'<form method="post" action="(/uppfoljning/uppgifter/\d+/poster/\d+/)".*?</form>', re.S
)
INPUT_RE = re.compile(r"<input\b([^>]*)>", re.S)
TEXTAREA_RE = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
SELECT_RE = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
OPTION_RE = re.compile(r"<option\b([^>]*)>", re.S)
ATTR_RE = re.compile(r'([a-zA-Z_:-]+)(?:="([^"]*)")?')


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v or "") for k, v in ATTR_RE.findall(text)}


@dataclass
class ReportForm:
    action: str
    data: dict[str, str]
    radios: dict[str, list[str]]  # name → values, for the unchosen scale choices
    textareas: list[str]


def report_forms(page: str) -> list[ReportForm]:
    """The report forms of a task page, with what a browser would post."""
    forms = []
    for match in FORM_RE.finditer(page):
        block = match.group(0)
        data: dict[str, str] = {}
        radios: dict[str, list[str]] = defaultdict(list)
        for raw in INPUT_RE.findall(block):
            a = _attrs(raw)
            name, kind = a.get("name"), a.get("type", "text")
            if not name or kind in ("submit", "button", "file"):
                continue
            if kind == "radio":
                radios[name].append(a.get("value", ""))
                if "checked" in a:
                    data[name] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    data[name] = a.get("value", "on")
            else:
                data[name] = a.get("value", "")
        textareas = []
        for raw, text in TEXTAREA_RE.findall(block):
            name = _attrs(raw).get("name")
            if name:
                data[name] = html.unescape(text).lstrip("\n")
                textareas.append(name)
        for raw, options in SELECT_RE.findall(block):
            name = _attrs(raw).get("name")
            if not name:
                continue
            values = [_attrs(o) for o in OPTION_RE.findall(options)]
            chosen = next((o for o in values if "selected" in o), values[0] if values else None)
            data[name] = chosen.get("value", "") if chosen else ""
        forms.append(ReportForm(html.unescape(match.group(1)), data, dict(radios), textareas))
    return forms


def filled(form: ReportForm, rng: random.Random, stamp: str) -> dict[str, str]:
    """What a reporter types: a choice on each scale not yet chosen and a
    line of text in each text field."""
    data = dict(form.data)
    for name, values in form.radios.items():
        if not data.get(name) and values:
            data[name] = rng.choice([v for v in values if v] or values)
    for name in form.textareas:
        data[name] = f"Lägesrapport {stamp}: arbetet går enligt plan."
    return data


# --- The people ------------------------------------------------------------------------------


@dataclass
class Reporter:
    username: str
    task_paths: list[str]


@dataclass
class Committee:
    username: str
    documents_path: str
    document: str
    fmt: str
    job_ids: list[int] = field(default_factory=list)


@dataclass
class Think:
    """Seconds a reporter spends: arriving (a moment within the ramp, as
    people come to work), reading a page before the next step, and writing
    a report before it is saved."""

    low: float = 5.0
    high: float = 15.0
    write_low: float = 20.0
    write_high: float = 60.0
    ramp: float = 60.0

    def demanded_rate(self, reporters: int, saves_per_task: float) -> float:
        """Requests per second `reporters` would ask for if every answer came
        at once: a round is Mina uppgifter and a task after reading each,
        then `saves_per_task` reports, each written first."""
        requests = 2 + saves_per_task
        seconds = (self.low + self.high) + saves_per_task * (self.write_low + self.write_high) / 2
        return reporters * requests / seconds if seconds > 0 else float("inf")


def run_reporter(person: Person, who: Reporter, password: str, think: Think) -> None:
    rng = person.rng
    try:
        person.pause(0, think.ramp)  # people do not all arrive in the same second
        if not person.login(who.username, password):
            return
        while True:
            person.pause(think.low, think.high)
            got = person.request(START, "GET", "/")
            if got is None:
                continue
            response, ms = got
            path = rng.choice(who.task_paths)
            if path not in response.text:
                person.stats.record(START, ms, "uppgiften syns inte under Mina uppgifter")
                continue
            person.stats.record(START, ms)
            person.pause(think.low, think.high)
            got = person.request(TASK, "GET", path)
            if got is None:
                continue
            response, ms = got
            forms = report_forms(response.text)
            if not forms:
                person.stats.record(TASK, ms, "inga rapportformulär på uppgiften")
                continue
            person.stats.record(TASK, ms)
            for form in rng.sample(forms, min(len(forms), rng.randint(1, 3))):
                person.pause(think.write_low, think.write_high)
                data = filled(form, rng, time.strftime("%H:%M:%S"))
                got = person.request(
                    SAVE,
                    "POST",
                    form.action,
                    data=data,
                    headers={
                        "HX-Request": "true",
                        "X-CSRFToken": person.csrf(),
                        "Referer": person.base_url + path,
                    },
                )
                if got is None:
                    continue
                response, ms = got
                if SAVED_TEXT not in response.text:
                    person.stats.record(SAVE, ms, "inte sparad (formuläret visade fel)")
                else:
                    person.stats.record(SAVE, ms)
    except Stopped:
        return


JOB_ID_RE = re.compile(r'id="jobb-(\d+)"')
POLL_RE = re.compile(r'hx-trigger="every (\d+(?:\.\d+)?)s"')
DONE_TEXTS = ("/ladda-ned/", "Misslyckades")


def run_committee(
    person: Person,
    who: Committee,
    password: str,
    arrive_within: float,
    order_between: tuple[float, float],
    poll_seconds: float,
) -> None:
    """Log in at a random moment within `arrive_within` seconds, order one
    document at a random moment between the two (monotonic) times and
    follow its status until it is ready or the run is over."""
    try:
        person.pause(0, arrive_within)
        person.login(who.username, password)
        person.wait_until(person.rng.uniform(*order_between))
        while not order(person, who):  # refused (e.g. the database away): again
            person.pause(2, 4)
        path = f"/dokument/jobb/{who.job_ids[0]}/"
        every = poll_seconds
        while True:
            person.pause(every, every)
            got = person.request(JOB, "GET", path, headers={"HX-Request": "true"})
            if got is None:
                continue
            person.stats.record(JOB, got[1])
            if any(text in got[0].text for text in DONE_TEXTS):
                return
            # As the page does: again after the interval the row asks for.
            asked = POLL_RE.search(got[0].text)
            every = float(asked[1]) if asked else poll_seconds
    except Stopped:
        return


def order(person: Person, who: Committee) -> bool:
    """The document page, the order posted, the page again with the new
    order on it: True when ordered (its id in who.job_ids)."""
    if who.job_ids:
        return True
    got = person.request(DOCUMENTS, "GET", who.documents_path)
    if got is None:
        return False
    person.stats.record(DOCUMENTS, got[1])
    known = set(JOB_ID_RE.findall(got[0].text))
    got = person.request(
        ORDER,
        "POST",
        who.documents_path,
        expect=(302,),
        data={
            "dokument": who.document,
            "format": who.fmt,
            "csrfmiddlewaretoken": person.csrf(),
        },
        headers={"Referer": person.base_url + who.documents_path},
    )
    if got is None:
        return False
    person.stats.record(ORDER, got[1])
    while True:  # the order is made: find it on the page
        got = person.request(DOCUMENTS, "GET", who.documents_path)
        if got is not None:
            break
        person.pause(2, 4)
    person.stats.record(DOCUMENTS, got[1])
    new = [int(i) for i in JOB_ID_RE.findall(got[0].text) if i not in known]
    if not new:
        person.stats.record(ORDER, got[1], "beställningen syns inte på sidan")
        raise Stopped
    who.job_ids.append(new[0])
    return True


def run_budget_client(person: Person, paths: list[tuple[str, str]]) -> None:
    """The budget's client: its pages one after another, no pause."""
    try:
        i = person.rng.randrange(len(paths))
        while True:
            page, path = paths[i % len(paths)]
            got = person.request(page, "GET", path)
            if got is not None:
                person.stats.record(page, got[1])
            i += 1
    except Stopped:
        return


def run_threads(targets: list[tuple], join_until: float, nice: int = 0) -> int:
    """Start a thread per (function, *args) and wait for them (bounded);
    how many were still running at `join_until`. With `nice`, each thread
    runs that much below this process's priority (Linux, where the nice
    value is a thread's own), so the simulated people leave the processor
    to the server they measure; the processes this one starts keep theirs."""
    threads = [threading.Thread(target=_lowered, args=(nice, *t), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, join_until - time.monotonic()))
    return sum(thread.is_alive() for thread in threads)


def _lowered(nice: int, function, *args) -> None:
    if nice and sys.platform == "linux":
        with contextlib.suppress(OSError):
            thread = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + nice)
    function(*args)


# --- Processes ---------------------------------------------------------------------------------


def styrhjul_command() -> list[str]:
    script = Path(sys.executable).parent / "styrhjul"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from styrhjul.cli import main; main()"]


class Process:
    """A `styrhjul` subprocess whose output is kept (and echoed on failure)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]):
        self.name = name
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [*styrhjul_command(), *args],
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a Ctrl-C in the terminal reaches the command only
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
            self.output.append(line)

    def wait_for(self, pattern: str, timeout: float) -> re.Match | None:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            exited = self.process.poll() is not None
            if exited:
                time.sleep(0.2)  # the reading thread takes the last lines
            while seen < len(self.output):
                match = regex.search(self.output[seen])
                seen += 1
                if match:
                    return match
            if exited:
                return None
            time.sleep(0.1)
        return None

    def stop(self, timeout: float = 60) -> int | None:
        """SIGTERM (finish what is in progress), then SIGKILL after `timeout`."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        return self.process.returncode

    def pid_tree_rss_mib(self) -> float | None:
        """Resident memory of the process and its children (Linux /proc)."""
        pids = {self.process.pid}
        proc = Path("/proc")
        if not proc.is_dir():
            return None
        for stat in proc.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in pids:
                pids.add(int(stat.parent.name))
        total = 0
        for pid in pids:
            try:
                for line in (proc / str(pid) / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024


def start_server(env: dict[str, str], workers: int, timeout: float = 300) -> tuple[Process, str]:
    args = ["serve", "--host", LOOPBACK, "--port", "0", "--workers", str(workers)]
    server = Process("styrhjul serve", args, env)
    match = server.wait_for(r"Styrhjul lyssnar på http://([\d.]+):(\d+)", timeout)
    if match is None:
        server.stop(10)
        raise RuntimeError(
            "styrhjul serve startade inte:\n" + "".join(server.output[-20:]).rstrip()
        )
    if workers > 1:  # the processes start one after another: wait until each answers
        time.sleep(1.0)
    return server, f"http://{match[1]}:{match[2]}"


# --- A proxy to take the database away ----------------------------------------------------------


class DatabaseProxy:
    """A TCP proxy on 127.0.0.1 in front of the database server. cut() closes
    every connection through it and refuses new ones (as a database server
    that is down or a network that is gone); restore() lets them through
    again. Only loopback: it listens on and connects to 127.0.0.1-style
    addresses it is given."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self.listener: socket.socket | None = None
        self.pairs: set[tuple[socket.socket, socket.socket]] = set()
        self.lock = threading.Lock()
        self.connections = 0
        self.listen()

    def listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut() or close()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            pair = (client, upstream)
            with self.lock:
                self.pairs.add(pair)
                self.connections += 1
            threading.Thread(target=self._pump, args=(pair,), daemon=True).start()

    def _pump(self, pair: tuple[socket.socket, socket.socket]) -> None:
        client, upstream = pair
        other = {client: upstream, upstream: client}
        try:
            while True:
                readable, _, _ = select.select([client, upstream], [], [], 1.0)
                with self.lock:
                    if pair not in self.pairs:
                        return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    other[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            self._drop(pair)

    def _drop(self, pair) -> None:
        with self.lock:
            self.pairs.discard(pair)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def cut(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            with contextlib.suppress(OSError):
                self.listener.close()
            self.listener = None
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:
            self._drop(pair)

    def restore(self) -> None:
        if self.listener is None:
            self.listen()

    def close(self) -> None:
        self.cut()
