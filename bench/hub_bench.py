"""Antre hub benchmark: one run on loopback against a private Mosquitto and a fresh SQLite hub.

    python bench/hub_bench.py [--seconds 30] [--calls 1000] [--window 32] [--rounds 40] [--keep]

Measures (see bench/README.md): the raw Mosquitto publish→receive hop, the hub path
``counter/{desk}/cmd next`` → ``event/call`` and its ratio to the raw hop, 8 desks pressing
``next`` at once (``hub_press.py``), sustained durable ticket issues per second, the hub's peak
RSS, and in-process SQL statements and CPU per ticket issue and per ``next`` (``hub_costs.py``).
Exit status 0 when every check and goal holds, 1 when one is missed, 2 on a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_support, hub_press, hub_costs

import hub_costs
import hub_press
from bench_support import (
    HOST,
    REPLY_TIMEOUT_S,
    SERVICE_NICE,
    STOP_TIMEOUT_S,
    BenchError,
    Latency,
    ProcStats,
    Received,
    _die_with_parent,
    _service_child,
    connected,
    free_port,
    percentile,
    proc_stats,
    start_mosquitto,
    stop_process,
)

from deploy.ops.lobby import ALLOCATOR_ENV
from shared.contract import topics as contract

ROOT = Path(__file__).resolve().parents[1]
SITE = "pst"
SERVICE = "A"
DESKS = tuple(str(n) for n in range(1, 9))
KIOSK_ID = "bench"  # the first kiosk; the others are bench-2, bench-3, ...

GOAL_HUB_RATIO_P99 = 10.0  # hub path p99 over the raw hop p99 (moonshot: 5)
MOONSHOT_RATIO_P99 = 5.0
GOAL_ISSUES_PER_S = 400.0
GOAL_PRESS_P99_MS = 50.0  # 8 desks pressing next at once: press -> each desk's answer
GOAL_STATEMENTS = 6  # SQL statements per ticket issue and per next
GOAL_RSS_MB = 80.0
KIOSKS = 4  # the load's requests spread over a few kiosks, as in a lobby (each has its own queue)
PRESS_ROUNDS = 40

START_TIMEOUT_S = 60.0  # the hub runs its migrations before it connects
STALL_TIMEOUT_S = 10.0  # no kiosk answer at all for this long: the hub is stuck
DRAIN_TIMEOUT_S = 15.0
BUCKET_S = 5.0

__all__ = [
    "STOP_TIMEOUT_S",
    "BenchError",
    "Latency",
    "ProcStats",
    "Received",
    "_die_with_parent",
    "percentile",
    "proc_stats",
    "start_mosquitto",
    "stop_process",
]  # fmt: skip


# --- the hub process -------------------------------------------------------------------------


def write_hub_config(path: Path) -> Path:
    lines = [f'site = "{SITE}"', "", "[hub]", f'staff_api = "127.0.0.1:{free_port()}"']
    lines += ["", "[[services]]", f'prefix = "{SERVICE}"', 'name = "Konsultasi Statistik"']
    for desk in DESKS:
        lines += ["", "[[desks]]", f'id = "{desk}"', f'name = "Meja {desk}"', f'services = ["{SERVICE}"]']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_hub(workdir: Path, port: int, stack: contextlib.ExitStack) -> subprocess.Popen[bytes]:
    # The allocator as antre-hub.service sets it (a value already in the environment wins): with
    # glibc's default each of the hub's connection threads could take an arena of its own.
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("ANTRE_")}
    env = {**ALLOCATOR_ENV, **inherited}
    env.update(
        ANTRE_MQTT_URL=f"mqtt://{HOST}:{port}",
        ANTRE_DB_URL=f"sqlite:///{workdir / 'antre.db'}",
        ANTRE_CONFIG=str(write_hub_config(workdir / "antre.toml")),
        ANTRE_DATA_DIR=str(workdir / "data"),
        ANTRE_SITE=SITE,
    )
    with (workdir / "hub.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "deploy.cli.main", "hub"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_service_child,
        )
    stack.callback(stop_process, proc, "hub")
    wait_online(proc, port, f"antre-hub-{SITE}", "hub", workdir / "hub.log")
    nice = os.getpriority(os.PRIO_PROCESS, proc.pid)
    print(f"hub and mosquitto at nice {nice} ({SERVICE_NICE} in their systemd units; root only)", flush=True)
    return proc


def wait_online(proc: subprocess.Popen[bytes], port: int, client_id: str, what: str, log: Path,
                timeout_s: float = START_TIMEOUT_S) -> None:  # fmt: skip
    """Wait for ``client_id``'s presence ``online``; a clear error if the process dies or is late."""
    presence = contract.topic(SITE, "presence", client_id=client_id)
    with connected(f"watch-{what}", port) as watch:
        watch.subscribe(presence)
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise BenchError(f"the {what} exited with {proc.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise BenchError(f"the {what} did not come online in {timeout_s:.0f} s; see {log}")
            with contextlib.suppress(BenchError):
                watch.wait_for(lambda m: m.payload == contract.ONLINE.encode(), 0.5, f"{what} presence")
                return


# --- 1. the raw Mosquitto hop ----------------------------------------------------------------


def measure_raw_hop(port: int, count: int, warmup: int) -> Latency:
    topic = "bench/raw/hop"
    samples: list[float] = []
    with connected("raw-sub", port) as sub, connected("raw-pub", port) as pub:
        sub.subscribe(topic)
        for seq in range(warmup + count):
            payload = f"{seq}".encode()
            sent = time.perf_counter()
            pub.publish(topic, payload)
            got = sub.wait_for(lambda m, p=payload: m.payload == p, REPLY_TIMEOUT_S, f"raw message {seq}")
            if seq >= warmup:
                samples.append((got.at - sent) * 1000)
    return Latency(samples)


# --- 2. kiosk load (used to fill the queue and for throughput) -------------------------------


@dataclass(frozen=True)
class Answer:
    request_id: str
    ticket: str | None
    error: str | None
    sent: float
    received: float


@dataclass
class IssueRun:
    started: float
    sent: int = 0
    answers: list[Answer] = field(default_factory=list)
    unmatched: int = 0
    outstanding: int = 0

    @property
    def tickets(self) -> list[str]:
        return [a.ticket for a in self.answers if a.ticket]


class Kiosk:
    """A kiosk that keeps ``window`` requests in flight, each with a unique ``request_id``."""

    def __init__(self, port: int, window: int, kiosks: int = KIOSKS) -> None:
        self.port = port
        self.window = window
        ids = [KIOSK_ID, *(f"{KIOSK_ID}-{n}" for n in range(2, kiosks + 1))]
        self.request_topics = [contract.topic(SITE, "kiosk_request", kiosk_id=k) for k in ids]
        self.response_topics = [contract.topic(SITE, "kiosk_response", kiosk_id=k) for k in ids]
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(window)
        self._pending: dict[str, float] = {}
        self._run = IssueRun(started=0.0)
        self._last_answer = 0.0
        self._batch = 0

    def issue(self, *, count: int | None = None, seconds: float | None = None) -> IssueRun:
        """Send until ``count`` requests went out or ``seconds`` passed, then collect the answers."""
        if (count is None) == (seconds is None):
            raise ValueError("give count or seconds")
        self._batch += 1
        self._slots = threading.Semaphore(self.window)
        self._pending.clear()
        self._run = run = IssueRun(started=time.perf_counter())
        limit = seconds if seconds is not None else 60.0 + (count or 0) / 10
        with connected("kiosk", self.port, self._on_answer) as client:
            for topic in self.response_topics:
                client.subscribe(topic)
            run.started = self._last_answer = time.perf_counter()
            deadline = run.started + limit
            while (count is None or run.sent < count) and time.perf_counter() < deadline:
                if not self._slots.acquire(timeout=0.5):
                    self._check_stall()
                    continue
                request_id = f"b{self._batch}-{run.sent}"
                with self._lock:
                    self._pending[request_id] = time.perf_counter()
                request = contract.encode({"request_id": request_id, "service": SERVICE})
                client.publish(self.request_topics[run.sent % len(self.request_topics)], request)
                run.sent += 1
            if count is not None and run.sent < count:
                raise BenchError(f"only {run.sent} of {count} kiosk requests went out in {limit:.0f} s")
            drain_until = time.monotonic() + DRAIN_TIMEOUT_S
            while self._pending and time.monotonic() < drain_until:
                time.sleep(0.02)
            with self._lock:
                run.outstanding = len(self._pending)
        return run

    def _check_stall(self) -> None:
        if time.perf_counter() - self._last_answer > STALL_TIMEOUT_S:
            raise BenchError(f"the hub answered no kiosk request for {STALL_TIMEOUT_S:.0f} s")

    def _on_answer(self, message: Received) -> None:  # paho network thread
        try:
            data = json.loads(message.payload)
        except ValueError:
            data = {}
        request_id = data.get("request_id") if isinstance(data, dict) else None
        with self._lock:
            sent = self._pending.pop(request_id, None) if isinstance(request_id, str) else None
            if sent is None:
                self._run.unmatched += 1
                return
            error = data.get("error")
            self._run.answers.append(
                Answer(
                    request_id,
                    data.get("ticket") if isinstance(data.get("ticket"), str) else None,
                    json.dumps(error) if error is not None else None,
                    sent,
                    message.at,
                )
            )
            self._last_answer = message.at
        self._slots.release()


# --- 3. the hub path: next → event/call ------------------------------------------------------


@dataclass(frozen=True)
class HubPath:
    latency: Latency
    out_of_order: int


def measure_hub_path(port: int, expected: list[str], warmup: int) -> HubPath:
    """Press ``next`` at the desks in turn; time each press until its ``event/call`` arrives."""
    samples: list[float] = []
    out_of_order = 0
    with connected("counter", port) as counter:
        counter.subscribe(contract.topic(SITE, "call_event"))
        counter.subscribe(contract.subscription(SITE, "counter_response"))
        for index, code in enumerate(expected):
            desk = DESKS[index % len(DESKS)]
            sent = time.perf_counter()
            counter.publish(contract.topic(SITE, "counter_cmd", desk=desk), b"next")
            got = counter.wait_for(
                lambda m, d=desk: _is_call_at(m, d), REPLY_TIMEOUT_S, f"the call at desk {desk}"
            )
            if json.loads(got.payload).get("ticket") != code:
                out_of_order += 1
            if index >= warmup:
                samples.append((got.at - sent) * 1000)
    return HubPath(Latency(samples), out_of_order)


def _is_call_at(message: Received, desk: str) -> bool:
    data = json.loads(message.payload)
    if message.topic.endswith("/response"):
        if "error" in data:  # the hub refused the press: no call will come
            raise BenchError(f"desk {data.get('desk', '?')} refused next: {data['error']}")
        return False
    return data.get("desk") == desk and not data.get("recall")


# --- checks and the report -------------------------------------------------------------------


def count_tickets(db: Path) -> tuple[int, int]:
    """Tickets stored, and how many of them still wait."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        total = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        waiting = conn.execute("SELECT count(*) FROM tickets WHERE status = 'waiting'").fetchone()[0]
    return int(total), int(waiting)


def log_findings(path: Path, words: tuple[str, ...]) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if any(word in line for word in words)]


def mark(met: bool) -> str:
    return "MET" if met else "MISSED"


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    missed: int = 0

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def goal(self, line: str, goal: str, met: bool) -> None:
        self.missed += not met
        self.lines.append(f"{line:<62} goal {goal:<14} {mark(met)}")

    def check(self, line: str, ok: bool) -> None:
        self.missed += not ok
        self.lines.append(f"{line:<62} {'ok' if ok else 'FAILED'}")


def throughput_lines(run: IssueRun, seconds: float, report: Report) -> None:
    in_window = [a for a in run.answers if a.ticket and a.received - run.started <= seconds]
    rate = len(in_window) / seconds
    report.goal(
        f"durable issues (SQLite, {len(in_window)} in {seconds:.0f} s)   {rate:7.1f} /s",
        f">= {GOAL_ISSUES_PER_S:.0f} /s",
        rate >= GOAL_ISSUES_PER_S,
    )
    buckets = [0] * max(1, math.ceil(seconds / BUCKET_S))
    for answer in in_window:
        buckets[min(len(buckets) - 1, int((answer.received - run.started) // BUCKET_S))] += 1
    report.add("  per 5 s: " + " ".join(f"{n / BUCKET_S:.0f}" for n in buckets) + " /s")
    latency = Latency([(a.received - a.sent) * 1000 for a in in_window])
    report.add(f"  issue latency under load   p50 {latency.p50:6.2f} ms  p99 {latency.p99:6.2f} ms")


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    with contextlib.ExitStack() as stack:
        port = start_mosquitto(workdir, stack)
        hub = start_hub(workdir, port, stack)
        print(f"mosquitto on {HOST}:{port}, hub pid {hub.pid}, work dir {workdir}", flush=True)

        print(f"[1/6] raw mosquitto hop x {args.calls} ...", flush=True)
        raw = measure_raw_hop(port, args.calls, args.warmup)

        tickets = args.calls + args.warmup
        print(f"[2/6] issuing {tickets} tickets, then hub path x {args.calls} ...", flush=True)
        kiosk = Kiosk(port, args.window)
        filled = kiosk.issue(count=tickets)
        if len(filled.tickets) != tickets:
            raise BenchError(f"filling the queue: {len(filled.tickets)} tickets for {filled.sent} requests")
        path = measure_hub_path(port, filled.tickets, args.warmup)

        print(f"[3/6] {len(DESKS)} desks pressing next at once x {args.rounds} ...", flush=True)
        pressed = kiosk.issue(count=len(DESKS) * args.rounds)
        press, empty = hub_press.measure_press(port, DESKS, args.rounds)

        print(f"[4/6] kiosk load, {args.window} in flight, {args.seconds:.0f} s ...", flush=True)
        cpu_before = proc_stats(hub.pid).cpu_s
        load = kiosk.issue(seconds=args.seconds)
        busy = (proc_stats(hub.pid).cpu_s - cpu_before) / args.seconds

        print("[5/6] hub memory ...", flush=True)
        memory = proc_stats(hub.pid)
        stack.close()  # stop the hub and mosquitto before reading the database and logs
        stored, waiting = count_tickets(workdir / "antre.db")
    print(f"[6/6] in-process costs of {args.commands} issues and nexts ...", flush=True)
    issue_cost, next_cost = hub_costs.run_costs(args.commands)

    report.add(
        f"Antre hub bench: loopback, private mosquitto, SQLite, {len(DESKS)} desks, "
        f"{args.calls} calls (+{args.warmup} warm-up), window {args.window}"
    )
    report.add()
    report.add(f"{'raw mosquitto hop':<26} p50 {raw.p50:6.2f} ms  p99 {raw.p99:6.2f} ms")
    report.add(f"{'':<26} max {raw.worst:6.2f} ms")
    p = path.latency
    report.add(f"{'hub path next→event/call':<26} p50 {p.p50:6.2f} ms  p99 {p.p99:6.2f} ms")
    report.add(f"{'':<26} max {p.worst:6.2f} ms")
    ratio = p.p99 / raw.p99
    moonshot = " (moonshot x5 met)" if ratio <= MOONSHOT_RATIO_P99 else ""
    report.goal(
        f"{'hub / raw':<26} p50 x{p.p50 / raw.p50:<7.1f}   p99 x{ratio:.1f}{moonshot}",
        f"p99 <= x{GOAL_HUB_RATIO_P99:.0f}",
        ratio <= GOAL_HUB_RATIO_P99,
    )
    report.check(f"calls in FIFO order ({args.calls + args.warmup})", path.out_of_order == 0)
    report.add()
    report.goal(
        f"{len(DESKS)}-desk press→answer  p50 {press.p50:6.2f} ms  p99 {press.p99:6.2f} ms",
        f"p99 <= {GOAL_PRESS_P99_MS:.0f} ms",
        press.p99 <= GOAL_PRESS_P99_MS,
    )
    report.check(f"every press called a ticket ({len(press.samples_ms)} presses)", empty == 0)
    report.add()
    for what, cost in (("per ticket issue", issue_cost), ("per next", next_cost)):
        report.goal(
            f"{what:<26} {cost.statements:4.1f} SQL statements  CPU {cost.cpu_ms:5.2f} ms",
            f"<= {GOAL_STATEMENTS} stmts",
            cost.most_statements <= GOAL_STATEMENTS,
        )
    report.add()
    throughput_lines(load, args.seconds, report)
    report.add(f"  hub CPU during the load: {busy * 100:.0f}% of one core")
    report.add(f"  tickets still waiting at the end: {waiting} (the load issues, nobody calls)")
    codes = load.tickets
    errors = [a for a in load.answers if a.ticket is None]
    report.check(f"every answer carries a ticket ({len(codes)}/{len(load.answers)})", not errors)
    report.check(f"ticket codes distinct ({len(set(codes))} distinct)", len(set(codes)) == len(codes))
    report.check(f"no request left unanswered ({load.outstanding} of {load.sent})", load.outstanding == 0)
    report.check(f"no stray answers ({load.unmatched})", load.unmatched == 0)
    issued = len(filled.tickets) + len(pressed.tickets) + len(codes)
    report.check(f"tickets in the database = tickets issued ({stored} / {issued})", stored == issued)
    if errors:
        report.add(f"  first error answer: {errors[0].error}")
    report.add()
    report.goal(
        f"hub RSS                    peak {memory.hwm_mb:6.1f} MB  now {memory.rss_mb:6.1f} MB",
        f"< {GOAL_RSS_MB:.0f} MB",
        memory.hwm_mb < GOAL_RSS_MB,
    )
    hub_lines = log_findings(workdir / "hub.log", ("WARNING", "ERROR", "Traceback", "Exception"))
    broker_lines = log_findings(workdir / "mosquitto.log", ("Warning", "Error", "dropp"))
    report.add()
    report.add(f"hub log: {len(hub_lines)} warning/error lines; mosquitto log: {len(broker_lines)}")
    report.lines += [f"  hub: {line}" for line in hub_lines[:5]]
    report.lines += [f"  mosquitto: {line}" for line in broker_lines[:5]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the throughput run (30)")
    parser.add_argument("--calls", type=int, default=1000, help="measured messages / calls per path (1000)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured messages / calls first (20)")
    parser.add_argument("--window", type=int, default=32, help="kiosk requests in flight (32)")
    parser.add_argument("--rounds", type=int, default=PRESS_ROUNDS, help="8-desk press rounds (40)")
    parser.add_argument("--commands", type=int, default=300, help="in-process issues and nexts (300)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, database)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.calls < 1 or args.warmup < 0 or not 1 <= args.window <= 100:
        parser.error("need --seconds > 0, --calls >= 1, --warmup >= 0, 1 <= --window <= 100")
    if args.rounds < 1 or args.commands < 1:
        parser.error("need --rounds >= 1 and --commands >= 1")
    return args


def _terminated(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def run_main(
    name: str,
    args: argparse.Namespace,
    run: Callable[[argparse.Namespace, Path, Report], None],
    *,
    prefix: str,
    kept: str,
) -> int:
    """A bench's main: a temp work dir, the run, the figure table, and clean-up on error or Ctrl-C.
    Exit status 0 when every goal holds, 1 when one is missed, 2 when the run failed, 130 when
    interrupted."""
    signal.signal(signal.SIGTERM, _terminated)
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    report = Report()
    status = 2
    try:
        run(args, workdir, report)
        status = 1 if report.missed else 0
    except BenchError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        args.keep = True
    except KeyboardInterrupt:
        print(f"{name}: interrupted; subprocesses stopped", file=sys.stderr)
        status = 130
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if report.lines:
        print()
        print("\n".join(report.lines))
    if args.keep:
        print(f"work dir kept ({kept}): {workdir}")
    return status


def main(argv: list[str] | None = None) -> int:
    return run_main("hub_bench", parse_args(argv), run_bench, prefix="antre-bench-", kept="logs, database")


if __name__ == "__main__":
    sys.exit(main())
