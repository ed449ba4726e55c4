"""Antre wall display benchmark: from a counter's ``next`` to the code on the wall.

    python bench/display_bench.py [--calls 500] [--size 1920x1080] [--idle 10] [--voice] [--clock KIND]
                                   [--keep]

Starts its own Mosquitto and hub (helpers from ``hub_bench.py``) and the real display app offscreen
in a subprocess (``SDL_VIDEODRIVER=offscreen``, Mesa) with the tests' probe attached
(``tests.display.probed_app``): the probe writes, on CLOCK_MONOTONIC (shared by every process here),
when a desk's tile showed a new code and when the next frame was drawn. For each call the bench
publishes ``next`` at a desk and measures: to ``event/call`` at a plain MQTT client (the hub path),
to the tile's label showing the code, to the next frame drawn (``Window.on_flip``) and to that
frame's pixels done (``glFinish``). Also the raw Mosquitto hop in the same run, the display's RSS,
and its frames per second while idle and while the calls arrive. Exit status 0 when the goals hold,
1 when one is missed, 2 on a failure, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hub_bench beside this file

import hub_bench
from hub_bench import (  # after the path above
    DESKS,
    HOST,
    REPLY_TIMEOUT_S,
    ROOT,
    SITE,
    BenchError,
    Kiosk,
    Latency,
    Report,
    _die_with_parent,
    connected,
    measure_raw_hop,
    proc_stats,
    start_hub,
    start_mosquitto,
    stop_process,
    wait_online,
    write_hub_config,
)

from shared.contract import topics as contract

GOAL_FRAME_P99_MS = 35.0
DISPLAY_START_S = 60.0
RUNNING_TEXT = "Selamat datang di Pelayanan Statistik Terpadu BPS Kabupaten Tulang Bawang"


class Timings:
    """Tails the display's ``timings.jsonl`` in a thread: label and frame times per ticket, fps."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label: dict[str, float] = {}
        self.frame: dict[str, float] = {}
        self.submitted: dict[str, float] = {}
        self.fps: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="timings", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self.path.exists() and not self._stop.is_set():
            time.sleep(0.01)
        with self.path.open(encoding="utf-8") as source:
            partial = ""
            while not self._stop.is_set():
                chunk = source.readline()
                if not chunk:
                    time.sleep(0.002)  # pacing only: the display stamps its own times
                    continue
                partial += chunk
                if partial.endswith("\n"):
                    self._take(json.loads(partial))
                    partial = ""

    def _take(self, record: dict[str, Any]) -> None:
        with self._cond:
            if record["k"] == "label":
                self.label.setdefault(record["ticket"], record["t"])
            elif record["k"] == "frame":
                for ticket in record["tickets"]:
                    self.frame.setdefault(ticket, record["t"])
                    self.submitted.setdefault(ticket, record["submitted"])
            elif record["k"] == "fps":
                self.fps.append(record)
            self._cond.notify_all()

    def wait_frame(self, ticket: str, timeout: float) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: ticket in self.frame, timeout):
                raise BenchError(f"the display drew no frame with {ticket} in {timeout:.0f} s")

    def fps_between(self, start: float, end: float, key: str = "frames") -> float:
        """Frames (or ``key="renders"``: re-draws of the display's cached still layer) per second."""
        with self._cond:
            inside = [r for r in self.fps if start <= r["t"] - r["span"] and r["t"] <= end]
        span = sum(r["span"] for r in inside)
        return sum(r.get(key, 0) for r in inside) / span if span else float("nan")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)


def write_display_config(workdir: Path, voice: bool, running_text: bool) -> Path:
    path = write_hub_config(workdir / "display.toml")
    table = {
        "id": "bench",
        "voice": voice,
        "audio_command": "true",  # a speaker that plays instantly: the voice's work without a sound card
        "voice_cache": str(workdir / "voice"),
        "running_text": RUNNING_TEXT if running_text else "",
    }
    lines = ["", "[display]"] + [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_display(workdir: Path, port: int, args: argparse.Namespace, stack: contextlib.ExitStack) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTRE_", "KIVY_"))}
    env.update(
        ANTRE_MQTT_URL=f"mqtt://{HOST}:{port}",
        ANTRE_DATA_DIR=str(workdir / "display-data"),
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(workdir / "kivy"),
    )
    if args.clock:
        env["KIVY_CLOCK"] = args.clock  # else the app's own choice (display.app)
    config = write_display_config(workdir, args.voice, not args.no_running_text)
    probed = [sys.executable, "-m", "tests.display.probed_app", "--probe", str(workdir / "probe")]
    command = [*probed, "--config", str(config), "--size", args.size]
    command += [] if args.voice else ["--no-voice"]
    with (workdir / "display.log").open("wb") as log:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
    stack.callback(stop_process, proc, "display")
    wait_online(
        proc, port, f"antre-display-{SITE}-bench", "display", workdir / "display.log", DISPLAY_START_S
    )
    return proc


@dataclass
class CallRun:
    hub: list[float] = field(default_factory=list)
    share: list[float] = field(default_factory=list)  # event/call at a client -> frame (on_flip)
    label: list[float] = field(default_factory=list)
    frame: list[float] = field(default_factory=list)
    pixels: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


def measure_calls(port: int, expected: list[str], timings: Timings, warmup: int, gap_ms: float) -> CallRun:
    """Press ``next`` at the desks in turn, one call at a time: each after the previous call's frame
    is done and a random pause (so calls land anywhere in the display's frame cycle, running text
    and flash going, as in a lobby, where calls come seconds apart, not queued behind each other)."""
    run = CallRun()
    with connected("counter", port) as counter:
        counter.subscribe(contract.topic(SITE, "call_event"))
        run.started = time.monotonic()
        for index, code in enumerate(expected):
            desk = DESKS[index % len(DESKS)]
            time.sleep(random.uniform(gap_ms / 4, gap_ms) / 1000)
            sent = time.monotonic()  # CLOCK_MONOTONIC, as the display's probe writes it
            counter.publish(contract.topic(SITE, "counter_cmd", desk=desk), b"next")
            got = counter.wait_for(
                lambda m, c=code: json.loads(m.payload).get("ticket") == c,
                REPLY_TIMEOUT_S,
                f"the call of {code}",
            )
            timings.wait_frame(code, REPLY_TIMEOUT_S)
            if index >= warmup:
                run.hub.append((got.at - sent) * 1000)  # got.at: perf_counter, also CLOCK_MONOTONIC here
                run.share.append((timings.submitted[code] - got.at) * 1000)
                run.label.append((timings.label[code] - sent) * 1000)
                run.frame.append((timings.submitted[code] - sent) * 1000)
                run.pixels.append((timings.frame[code] - sent) * 1000)
        run.ended = time.monotonic()
    return run


def _line(name: str, latency: Latency) -> str:
    return f"{name:<30} p50 {latency.p50:6.2f} ms  p99 {latency.p99:6.2f} ms  max {latency.worst:6.1f}"


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    with contextlib.ExitStack() as stack:
        port = start_mosquitto(workdir, stack)
        hub = start_hub(workdir, port, stack)
        print(f"mosquitto on {HOST}:{port}, hub pid {hub.pid}, work dir {workdir}", flush=True)

        print(f"[1/5] raw mosquitto hop x {args.calls} ...", flush=True)
        raw = measure_raw_hop(port, args.calls, args.warmup)

        tickets = args.calls + args.warmup
        print(f"[2/5] issuing {tickets} tickets, starting the display at {args.size} ...", flush=True)
        filled = Kiosk(port, 32).issue(count=tickets)
        if len(filled.tickets) != tickets:
            raise BenchError(f"filling the queue: {len(filled.tickets)} tickets for {filled.sent} requests")
        display = start_display(workdir, port, args, stack)
        timings = Timings(workdir / "probe" / "timings.jsonl")
        stack.callback(timings.close)
        time.sleep(2.0)  # the first frames, fonts, textures

        print(f"[3/5] display idle for {args.idle:.0f} s ...", flush=True)
        idle_start, cpu_before = time.monotonic(), proc_stats(display.pid).cpu_s
        time.sleep(args.idle)
        idle_end = time.monotonic()
        idle_cpu = (proc_stats(display.pid).cpu_s - cpu_before) / (idle_end - idle_start)

        print(f"[4/5] {tickets} calls, one at a time ...", flush=True)
        cpu_before = proc_stats(display.pid).cpu_s
        calls = measure_calls(port, filled.tickets, timings, args.warmup, args.gap_ms)
        busy_cpu = (proc_stats(display.pid).cpu_s - cpu_before) / (calls.ended - calls.started)

        print("[5/5] display memory ...", flush=True)
        memory = proc_stats(display.pid)
        idle_fps = timings.fps_between(idle_start, idle_end)
        busy_fps = timings.fps_between(calls.started, calls.ended)
        idle_renders = timings.fps_between(idle_start, idle_end, "renders")
        busy_renders = timings.fps_between(calls.started, calls.ended, "renders")

    report.add(
        f"Antre display bench: loopback, private mosquitto + hub, display {args.size} offscreen "
        f"(Mesa llvmpipe), voice {'on' if args.voice else 'off'}, "
        f"running text {'off' if args.no_running_text else 'on'}, clock {args.clock or 'default'}, "
        f"{args.calls} calls (+{args.warmup} warm-up)"
    )
    report.add()
    report.add(_line("raw mosquitto hop", Latency(raw.samples_ms)))
    report.add(_line("next -> event/call (hub)", Latency(calls.hub)))
    report.add(_line("next -> label shows code", Latency(calls.label)))
    frame = Latency(calls.frame)
    report.goal(
        f"{'next -> next frame (on_flip)':<30} p50 {frame.p50:6.2f} ms  p99 {frame.p99:6.2f} ms",
        f"p99 < {GOAL_FRAME_P99_MS:.0f} ms",
        frame.p99 < GOAL_FRAME_P99_MS,
    )
    report.add(f"{'':<30} max {frame.worst:6.1f} ms")
    report.add(_line("next -> frame pixels done", Latency(calls.pixels)))
    report.add(_line("  display's share (call->frame)", Latency(calls.share)))
    report.add(
        f"{'frame (on_flip) / raw hop':<30} p50 x{frame.p50 / raw.p50:<7.1f}  p99 x{frame.p99 / raw.p99:.1f}"
    )
    report.add()
    report.add(f"display RSS          peak {memory.hwm_mb:6.1f} MB  now {memory.rss_mb:6.1f} MB")
    report.add(f"frames per second    idle {idle_fps:5.1f}   while calls arrive {busy_fps:5.1f}")
    report.add(
        f"  of which re-drawn  idle {idle_renders:5.1f}   while calls arrive {busy_renders:5.1f}"
        " (the still part of the wall; the other frames copy its cached texture)"
    )
    report.add(
        f"display CPU          idle {idle_cpu * 100:4.0f}%   while calls arrive {busy_cpu * 100:4.0f}%"
        " (of one core)"
    )
    findings = [
        line
        for line in (workdir / "display.log").read_text(errors="replace").splitlines()
        if any(word in line for word in ("WARNING", "ERROR", "Traceback"))
    ]
    report.add(f"display log: {len(findings)} warning/error lines")
    report.lines += [f"  display: {line}" for line in findings[:5]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=500, help="measured calls (500)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured calls first (20)")
    parser.add_argument("--size", default="1920x1080", help="display window, WxH (1920x1080)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle display measured (10)")
    parser.add_argument(
        "--gap-ms", type=float, default=400.0, help="random pause N/4..N ms before each call (400)"
    )
    parser.add_argument("--voice", action="store_true", help="render each call's voice too (no sound card)")
    parser.add_argument("--no-running-text", action="store_true", help="no marquee: frames only on change")
    parser.add_argument("--clock", default="", help="KIVY_CLOCK for the display (default: the app's own)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, timings)")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.warmup < 0 or args.idle <= 0 or args.gap_ms < 0:
        parser.error("need --calls >= 1, --warmup >= 0, --idle > 0, --gap-ms >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "display_bench", parse_args(argv), run_bench, prefix="antre-display-bench-", kept="logs, timings"
    )


if __name__ == "__main__":
    sys.exit(main())
