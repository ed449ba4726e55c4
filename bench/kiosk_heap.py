"""Antre kiosk heap: the REAL kiosk alone through many visits, and what its memory is made of every
few visits, to tell where a long day's growth lives.

    python bench/kiosk_heap.py [--visits 120] [--every 20] [--gl-threads unset|0|N]
        [--gl-driver llvmpipe|softpipe] [--keep]

A private Mosquitto and a hub, a TCP sink for the ticket printer (``kiosk_bench.PrinterSink``), the
kiosk offscreen taking whole visits by touch (``tests.kiosk.real_scenarios.bench``). Every
``--every`` visits it prints, from inside the app after a full collection: RSS, glibc's heap in use
and free, the big blocks in their own mappings, Python objects and widgets
(``tests.soak.heap``). Python objects flat while the heap in use climbs means memory kept below
Python; comparing ``--gl-threads`` (llvmpipe's own rasterizer threads, ``unset``, versus the app's
thread, ``0``) and ``--gl-driver softpipe`` tells whether the software GL keeps it (it did: frames
the kiosk never waited for, queued in llvmpipe; the kiosk now waits for each, as the counter and
the wall do). The allocator is set as the units set it. Goal: RSS growth from the first mark to
the last < 10 %. Exit status 0 when it holds, 1 when missed, 2 on a failure, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hub_bench, kiosk_bench, beside this file
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hub_bench  # noqa: E402
import kiosk_bench  # noqa: E402
from hub_bench import Report  # noqa: E402

from deploy.ops.lobby import ALLOCATOR_ENV  # noqa: E402
from tests.kiosk.real_app import RealKiosk  # noqa: E402
from tests.kiosk.real_ports import RealConfig  # noqa: E402

GOAL_GROWTH_PCT = 10.0
SECONDS_PER_VISIT = 30  # a visit takes 3-20 s (softpipe, a loaded machine): the run's time bound


def mark_line(visits: int, facts: dict[str, Any]) -> str:
    malloc = facts.get("malloc", {})
    return (
        f"after {visits:>4} visits  RSS {facts.get('rss_mb', 0):6.1f} MB"
        f"  heap in use {malloc.get('in_use', 0):6.1f} MB"
        f"  free held {malloc.get('free_held', 0):5.1f}  own mappings {malloc.get('mmapped', 0):6.1f}"
        f"  Python objects {facts.get('objects', 0):>7} (+{facts.get('frozen', 0)} frozen at the start)"
        f"  widgets since {facts.get('widgets', '-')}"
    )


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    load_before = os.getloadavg()[0]
    for name, value in ALLOCATOR_ENV.items():  # the kiosk inherits this environment
        os.environ.setdefault(name, value)
    if args.gl_threads == "unset":
        os.environ.pop("LP_NUM_THREADS", None)
    else:
        os.environ["LP_NUM_THREADS"] = args.gl_threads
    os.environ["GALLIUM_DRIVER"] = args.gl_driver
    marks = [*range(args.every, args.visits, args.every), args.visits]
    seen: list[tuple[int, dict[str, Any]]] = []

    def note(visits: int) -> Any:
        def action(facts: dict[str, Any]) -> None:
            seen.append((visits, facts))
            print(mark_line(visits, facts), flush=True)

        return action

    with contextlib.ExitStack() as stack:
        port = hub_bench.start_mosquitto(workdir, stack)
        hub_bench.start_hub(workdir, port, stack)
        sink = kiosk_bench.PrinterSink()
        stack.callback(sink.close)
        printer = {"kind": "network", "host": kiosk_bench.HOST, "port": sink.port}
        params = {"tickets": args.visits, "pauses": marks[:-1], "heap": True}
        config = RealConfig(f"mqtt://{kiosk_bench.HOST}:{port}", printer, kiosk_bench.KIOSK_ID, params=params)
        kiosk = RealKiosk("bench", workdir / "kiosk", config)
        print(f"kiosk heap: {args.visits} visits, a mark every {args.every} ...", flush=True)
        kiosk_bench.drive(kiosk, {f"after_{n}": note(n) for n in marks}, 60 + args.visits * SECONDS_PER_VISIT)

    threads = os.environ.get("LP_NUM_THREADS", "unset (a thread per core)")
    report.add(
        f"Antre kiosk heap: the real kiosk offscreen (1280x800), {args.visits} visits by touch,"
        f" GALLIUM_DRIVER {args.gl_driver}, LP_NUM_THREADS {threads},"
        f" MALLOC_ARENA_MAX {os.environ['MALLOC_ARENA_MAX']},"
        f" MALLOC_MMAP_THRESHOLD_ {os.environ['MALLOC_MMAP_THRESHOLD_']}"
    )
    report.add()
    report.lines.extend(mark_line(visits, facts) for visits, facts in seen)
    (first_at, first), (last_at, last) = seen[0], seen[-1]
    growth = (last["rss_mb"] / first["rss_mb"] - 1) * 100
    heap_per_visit = (last["malloc"]["in_use"] - first["malloc"]["in_use"]) / max(1, last_at - first_at)
    report.goal(
        f"RSS {first['rss_mb']:.1f} -> {last['rss_mb']:.1f} MB ({growth:+.1f}%, visits {first_at}-{last_at})",
        f"< {GOAL_GROWTH_PCT:.0f} %",
        growth < GOAL_GROWTH_PCT,
    )
    objects = last["objects"] - first["objects"]
    report.add(f"heap in use {heap_per_visit * 1024:+.0f} KB a visit; Python objects {objects:+d}")
    report.add(
        f"machine: {os.cpu_count()} CPUs, load average {load_before:.2f} before the run,"
        f" {os.getloadavg()[0]:.2f} after (other processes share the CPUs and the software GL)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--visits", type=int, default=120, help="visits by touch (120)")
    parser.add_argument("--every", type=int, default=20, help="a mark every N visits (20)")
    parser.add_argument(
        "--gl-threads",
        default="unset",
        help="LP_NUM_THREADS: 'unset' for llvmpipe's default (a thread per core, as deployed), 0 to"
        " rasterize on the app's thread, or a count",
    )
    parser.add_argument(
        "--gl-driver", default="llvmpipe", choices=("llvmpipe", "softpipe"), help="GALLIUM_DRIVER"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, database)")
    args = parser.parse_args(argv)
    if not 0 < args.every < args.visits:
        parser.error("need 0 < --every < --visits")
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "kiosk_heap", parse_args(argv), run_bench, prefix="antre-kiosk-heap-", kept="logs, database"
    )


if __name__ == "__main__":
    sys.exit(main())
