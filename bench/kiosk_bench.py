"""Antre kiosk bench: from the visitor's final tap to the last byte of the ticket at the printer.

    python bench/kiosk_bench.py [--tickets 60] [--warmup 5] [--keep]

Starts its own Mosquitto and hub (helpers from ``hub_bench.py``), a TCP sink that stands in for a
network ticket printer (it answers DLE EOT status requests like a ready printer and notes, with
``time.time()``, when each ticket's closing cut ``GS V 0`` arrives), and the REAL kiosk app offscreen
in a subprocess (``tests.kiosk.kiosk_driver --real``: ``MqttHubClient``, ``TicketPrinter`` kind
"network" pointed at the sink). The app is driven by touches through whole visits (service, the
guestbook typed, consent); the driver notes ``time.time()`` at each final tap (the one that issues),
the same clock as the sink's. Also: the raw Mosquitto hop in the same run, the hub's answers as a
bystander saw them, and the kiosk's RSS. Exit status 0 when every check and goal holds, 1 when one
is missed, 2 on a failure, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hub_bench, beside this file
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hub_bench  # noqa: E402
from hub_bench import BenchError, Latency, Received, Report  # noqa: E402

from shared.contract import topics as contract  # noqa: E402
from tests.kiosk.real_app import Action, RealKiosk  # noqa: E402
from tests.kiosk.real_ports import RealConfig  # noqa: E402

HOST, SITE = hub_bench.HOST, hub_bench.SITE
KIOSK_ID = "k1"
GOAL_P99_MS = 150.0
MIN_MEASURED = 50
DLE_EOT = b"\x10\x04"
READY = b"\x12"  # DLE EOT 1 and 4 alike: online, paper present (only the fixed bits set)
CUT = b"\x1dV\x00"  # GS V 0: the full cut that ends every ticket (kiosk.printing)
QR_STORE = re.compile(rb"\x1d\(k(..)1P0", re.DOTALL)  # GS ( k pL pH cn=1 fn=P(80) m=0: the QR's data
SECONDS_PER_VISIT = 6.0  # generous: a visit takes ~2 s of taps and typing


# --- the printer stand-in --------------------------------------------------------------------


@dataclass
class Connection:
    opened: float
    first_byte: float | None = None
    status_queries: int = 0
    data: bytearray = field(default_factory=bytearray)
    cut_at: float | None = None  # when the chunk with the closing cut arrived

    @property
    def code(self) -> str | None:
        found = QR_STORE.search(self.data)
        if found is None:
            return None
        length = int.from_bytes(found.group(1), "little") - 3
        text = bytes(self.data[found.end() : found.end() + length]).decode("ascii", "replace")
        return text.partition("/")[0]  # the QR holds code/business day


class PrinterSink:
    """A raw TCP "JetDirect" printer on loopback: ready, fast, and taking notes."""

    def __init__(self) -> None:
        self.server = socket.create_server((HOST, 0))
        self.port = int(self.server.getsockname()[1])
        self.connections: list[Connection] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="sink", daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                sock, _ = self.server.accept()
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn = Connection(opened=time.time())
                with self._lock:
                    self.connections.append(conn)
                threading.Thread(target=self._serve, args=(sock, conn), daemon=True).start()

    def _serve(self, sock: socket.socket, conn: Connection) -> None:
        pending = bytearray()
        with sock, contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                now = time.time()
                conn.first_byte = conn.first_byte or now
                pending += chunk
                # Status requests come alone, before any ticket byte, each waiting for its answer.
                while not conn.data and len(pending) >= 3 and pending.startswith(DLE_EOT):
                    sock.sendall(READY)
                    conn.status_queries += 1
                    del pending[:3]
                conn.data += pending
                pending.clear()
                if conn.cut_at is None and conn.data.endswith(CUT):
                    conn.cut_at = now

    def tickets(self) -> dict[str, Connection]:
        with self._lock:
            return {c.code: c for c in self.connections if c.cut_at is not None and c.code}

    def status_only(self) -> list[Connection]:
        with self._lock:
            return [c for c in self.connections if not c.data]

    def close(self) -> None:
        self.server.close()


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Visit:
    code: str
    tap: float
    status_asked: float  # the printer got the kiosk's first status request
    hub_answer: float  # a bystander on the broker saw the hub's answer
    ticket_opened: float  # the kiosk connected to print
    last_byte: float

    def ms(self, start: float, end: float) -> float:
        return (end - start) * 1000


def collect(
    taps: list[dict[str, Any]], sink: PrinterSink, answers: dict[str, float], warmup: int
) -> list[Visit]:
    printed = sink.tickets()
    asked = sorted(c.first_byte for c in sink.status_only() if c.first_byte)
    visits = []
    for tap in taps[warmup:]:
        code = tap["code"]
        conn = printed.get(code)
        if conn is None or conn.cut_at is None or code not in answers:
            raise BenchError(f"ticket {code}: no whole ticket at the sink or no hub answer seen")
        status = next((t for t in asked if t >= tap["tap_at"]), None)
        if status is None:
            raise BenchError(f"ticket {code}: no status request after its tap")
        visits.append(Visit(code, tap["tap_at"], status, answers[code], conn.opened, conn.cut_at))
    return visits


def drive(kiosk: RealKiosk, actions: dict[str, Action], timeout: float) -> dict[str, Any]:
    """Start the real kiosk, answer its handshakes with ``actions`` until it ends, stop it; its
    result, or a ``BenchError`` saying why it failed (with its log's tail)."""
    kiosk.start(preexec_fn=hub_bench._die_with_parent)
    try:
        result = kiosk.run(actions, timeout=timeout)
    except AssertionError as exc:
        raise BenchError(f"the kiosk app failed: {exc}") from exc
    finally:
        kiosk.stop()
    if not result["ok"]:
        raise BenchError(f"the kiosk app failed:\n{result.get('error')}\n{kiosk.log_tail(1500)}")
    return result


def run_kiosk(
    workdir: Path, port: int, sink: PrinterSink, args: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[hub_bench.ProcStats]]:
    printer = {"kind": "network", "host": HOST, "port": sink.port}
    total = args.tickets + args.warmup
    pauses = [1, total]  # the app's memory after its first ticket and after the last
    params = {"tickets": total, "pauses": pauses[:1]}
    config = RealConfig(f"mqtt://{HOST}:{port}", printer, KIOSK_ID, params=params)
    kiosk = RealKiosk("bench", workdir / "kiosk", config)
    memory: list[hub_bench.ProcStats] = []

    def measure(_info: dict[str, Any]) -> None:
        assert kiosk.process is not None
        memory.append(hub_bench.proc_stats(kiosk.process.pid))

    drive(kiosk, {f"after_{n}": measure for n in pauses}, timeout=60 + total * SECONDS_PER_VISIT)
    taps = json.loads((workdir / "kiosk" / "taps.json").read_text())
    return taps, memory


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    load_before = os.getloadavg()[0]
    answers: dict[str, float] = {}

    def on_answer(message: Received) -> None:  # paho network thread
        seen = time.time()
        data = json.loads(message.payload)
        if isinstance(data.get("ticket"), str):
            answers.setdefault(data["ticket"], seen)

    with contextlib.ExitStack() as stack:
        port = hub_bench.start_mosquitto(workdir, stack)
        hub = hub_bench.start_hub(workdir, port, stack)
        sink = PrinterSink()
        stack.callback(sink.close)
        print(f"mosquitto on {HOST}:{port}, hub pid {hub.pid}, sink on {sink.port}, work dir {workdir}")

        print(f"[1/2] raw mosquitto hop x {args.hops} ...", flush=True)
        raw = hub_bench.measure_raw_hop(port, args.hops, 20)

        total = args.tickets + args.warmup
        print(f"[2/2] the kiosk app: {total} visits by touch ({args.warmup} warm-up) ...", flush=True)
        with hub_bench.connected("bystander", port, on_answer) as bystander:
            bystander.subscribe(contract.topic(SITE, "kiosk_response", kiosk_id=KIOSK_ID))
            taps, memory = run_kiosk(workdir, port, sink, args)
        visits = collect(taps, sink, answers, args.warmup)
        (workdir / "visits.json").write_text(json.dumps([v.__dict__ for v in visits], indent=1))
        stored, _ = hub_bench.count_tickets(workdir / "antre.db")

    def latency(start: str, end: str) -> Latency:
        return Latency([v.ms(getattr(v, start), getattr(v, end)) for v in visits])

    def line(label: str, lat: Latency) -> str:
        return f"{label:<38} p50 {lat.p50:6.1f} ms  p99 {lat.p99:6.1f} ms"

    whole = latency("tap", "last_byte")
    report.add(
        f"Antre kiosk bench: loopback, private mosquitto, SQLite hub, the real kiosk app offscreen "
        f"(1280x800), network printer = TCP sink, {len(visits)} tickets (+{args.warmup} warm-up)"
    )
    report.add()
    report.add(f"{'raw mosquitto hop':<38} p50 {raw.p50:6.2f} ms  p99 {raw.p99:6.2f} ms")
    report.goal(
        line("final tap -> last ticket byte", whole), f"p99 < {GOAL_P99_MS:.0f} ms", whole.p99 < GOAL_P99_MS
    )
    report.add(f"{'':<38} max {whole.worst:6.1f} ms")
    report.add(line("  tap -> 1st status request at printer", latency("tap", "status_asked")))
    report.add(line("  status request -> hub answer seen", latency("status_asked", "hub_answer")))
    report.add(line("  hub answer -> print connection", latency("hub_answer", "ticket_opened")))
    report.add(line("  print connection -> last byte", latency("ticket_opened", "last_byte")))
    codes = [t["code"] for t in taps]
    expected = [f"A-{n:03d}" for n in range(1, len(taps) + 1)]
    report.check(f"every visit got the next ticket, A-001..{expected[-1]} ({len(codes)})", codes == expected)
    report.check(f"tickets in the database = visits ({stored} / {len(taps)})", stored == len(taps))
    report.check(f"at least {MIN_MEASURED} measured tickets ({len(visits)})", len(visits) >= MIN_MEASURED)
    first, last = memory
    report.add(
        f"kiosk RSS (VmRSS)  after 1 ticket {first.rss_mb:.1f} MB, after {len(taps)}: {last.rss_mb:.1f} MB; "
        f"peak (VmHWM) {last.hwm_mb:.1f} MB"
    )
    report.add(
        f"machine: {os.cpu_count()} CPUs, load average {load_before:.2f} before the run, "
        f"{os.getloadavg()[0]:.2f} after (other processes share the CPUs and the software GL)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--tickets", type=int, default=60, help=f"measured tickets (60, at least {MIN_MEASURED})"
    )
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured visits first (5)")
    parser.add_argument("--hops", type=int, default=500, help="raw mosquitto hops measured (500)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, database, screenshots)")
    args = parser.parse_args(argv)
    if args.tickets < MIN_MEASURED or args.warmup < 0 or args.hops < 1:
        parser.error(f"need --tickets >= {MIN_MEASURED}, --warmup >= 0 and --hops >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "kiosk_bench",
        parse_args(argv),
        run_bench,
        prefix="antre-kiosk-bench-",
        kept="logs, database, driver output",
    )


if __name__ == "__main__":
    sys.exit(main())
