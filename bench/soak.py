"""Antre soak: a whole office day compressed into minutes, through the real processes, and the
memory of each at the start and the end of it.

    python bench/soak.py [--tickets 3000] [--kiosk-visits 300] [--warmup 10] [--short]
        [--arena-max 2|unset] [--keep]

A private Mosquitto and a hub on a fresh SQLite file; the REAL kiosk offscreen taking whole visits
by touch; contract kiosks issuing the rest of the tickets, paced to the kiosk; desk 1 the REAL
counter app with its visitors rating on the REAL rating screen; desks 2-4 pressing ``next`` as
contract clients; the REAL wall display; one broker restart (after a third of the kiosk's visits)
and one hub restart (after two thirds). See ``tests/soak/day.py`` for who does what and why.

Prints each process's RSS after the warm-up and at the end, and the growth (goal < 10 % for every
app that lives the whole day, and for the hub and broker from the start to their restart and to
the end), the kiosk's and the rating screen's Python objects and glibc heap at both marks, and
the checks: every ticket answered once, stored once, called exactly once, done; every kiosk
ticket printed; every desk-1 visitor rated. Exit status 0 when every check and goal holds, 1 when
one is missed, 2 on a failure, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hub_bench, beside this file
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hub_bench  # noqa: E402
from hub_bench import BenchError, Report  # noqa: E402

from tests.soak.day import LIVING, Day, Plan, iter_checks, run_day  # noqa: E402

GOAL_GROWTH_PCT = 10.0


def heap_line(name: str, facts: dict[str, Any]) -> str:
    if not facts:
        return f"  {name:<14} (no heap facts)"
    malloc = facts.get("malloc", {})
    return (
        f"  {name:<14} RSS {facts.get('rss_mb', 0):6.1f} MB  Python objects {facts.get('objects', 0):>7}"
        f" (+{facts.get('frozen', 0)} frozen at the start)  widgets since {facts.get('widgets', '-'):>4}"
        f"  clock events {facts.get('clock_events', '-'):>2}"
        f"  malloc in use {malloc.get('in_use', 0):6.1f} MB, free held {malloc.get('free_held', 0):5.1f} MB,"
        f" arenas {malloc.get('arenas', 0):.0f}"
    )


def report_day(day: Day, report: Report, load_before: float) -> None:
    plan = day.plan
    arena = os.environ.get("MALLOC_ARENA_MAX", "unset (glibc default: 8 x cores)")
    threshold = os.environ.get("MALLOC_MMAP_THRESHOLD_", "unset (glibc's sliding default)")
    report.add(
        f"Antre soak: {plan.tickets} tickets in {day.seconds / 60:.1f} min ({plan.kiosk_visits} by touch on"
        f" the real kiosk, {plan.tickets - plan.kiosk_visits} by {plan.contract_kiosks} contract kiosks),"
        f" {plan.desks} desks (desk 1: real counter app + real rating screen), real display,"
        f" 1 broker + 1 hub restart; MALLOC_ARENA_MAX {arena}, MALLOC_MMAP_THRESHOLD_ {threshold}"
    )
    report.add()
    start, end = day.rss["start"], day.rss["end"]
    report.add(f"{'RSS (VmRSS) MB':<34} {'start':>8} {'end':>8} {'growth':>8}")
    for name in LIVING:
        stop = day.rss["kiosk's last visit"] if name == "kiosk" else end
        growth = (stop[name] / start[name] - 1) * 100
        report.goal(
            f"{name:<34} {start[name]:8.1f} {stop[name]:8.1f} {growth:+7.1f}%",
            f"< {GOAL_GROWTH_PCT:.0f} %",
            growth < GOAL_GROWTH_PCT,
        )
    for name, what in (("hub", "hub"), ("mosquitto", "broker")):
        before = day.rss[f"before the {what} restart"][name]
        after = day.rss[f"after the {what} restart"][name]
        first = (before / start[name] - 1) * 100
        whole = (end[name] / start[name] - 1) * 100
        report.goal(
            f"{name:<34} {start[name]:8.1f} {before:8.1f} {first:+7.1f}%  (to its restart)",
            f"< {GOAL_GROWTH_PCT:.0f} %",
            first < GOAL_GROWTH_PCT,
        )
        report.goal(
            f"{'  restarted (' + f'{after:.1f} MB' + '), at the end':<34} {start[name]:8.1f} {end[name]:8.1f}"
            f" {whole:+7.1f}%",
            f"< {GOAL_GROWTH_PCT:.0f} %",
            whole < GOAL_GROWTH_PCT,
        )
    report.add(
        f"marks: start after {plan.warmup_visits} kiosk visits at {day.marks_at['start']:.0f} s,"
        f" end at {day.marks_at['end']:.0f} s; restarts took "
        + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in day.outages.items())
    )
    report.add("heap (inside the process, after a full collection):")
    for name in ("kiosk start", "kiosk end", "rating start", "rating end"):
        report.add(heap_line(name, day.heap.get(name, {})))
    report.add()
    for what, held in iter_checks(day):
        report.check(what, held)
    served = {desk: len(codes) for desk, codes in sorted(day.tally.called.items())}
    report.add(
        f"desk 1 served {len(day.desk1_served)}; contract desks called {served};"
        f" contract resends after no answer in 2 s: {day.tally.resends};"
        f" kiosk visitors who tapped 'try again' (no answer in 8 s): {day.kiosk_retries}"
    )
    report.add(
        f"machine: {os.cpu_count()} CPUs, load average {load_before:.2f} before the run,"
        f" {os.getloadavg()[0]:.2f} after (other processes share the CPUs and the software GL)"
    )


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    load_before = os.getloadavg()[0]
    # Every process inherits it (tests/soak/apps.py copies this environment to each).
    if args.arena_max == "unset":
        os.environ.pop("MALLOC_ARENA_MAX", None)
    else:
        os.environ["MALLOC_ARENA_MAX"] = args.arena_max
    if args.mmap_threshold == "unset":
        os.environ.pop("MALLOC_MMAP_THRESHOLD_", None)
    else:
        os.environ["MALLOC_MMAP_THRESHOLD_"] = args.mmap_threshold
    plan = Plan(tickets=args.tickets, kiosk_visits=args.kiosk_visits, warmup_visits=args.warmup)
    print(
        f"soak: {plan.tickets} tickets, {plan.kiosk_visits} through the real kiosk ({plan.warmup_visits}"
        f" warm-up), {plan.desks} desks ...",
        flush=True,
    )
    try:
        day = run_day(workdir, plan, lambda line: print(line, flush=True))
    except AssertionError as exc:
        raise BenchError(str(exc)) from exc
    report_day(day, report, load_before)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=3000, help="tickets in the day (3000)")
    parser.add_argument("--kiosk-visits", type=int, default=300, help="of which through the real kiosk (300)")
    parser.add_argument("--warmup", type=int, default=10, help="kiosk visits before the start mark (10)")
    parser.add_argument(
        "--short", action="store_true", help="a short day: 300 tickets, 30 kiosk visits, 5 warm-up"
    )
    parser.add_argument(
        "--arena-max",
        default="2",
        help="MALLOC_ARENA_MAX for every process, as the systemd units and antre up set it (2);"
        " 'unset' for glibc's default, to compare",
    )
    parser.add_argument(
        "--mmap-threshold",
        default="65536",
        help="MALLOC_MMAP_THRESHOLD_ for every process, as the units and antre up set it (65536);"
        " 'unset' for glibc's sliding default, to compare",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, database)")
    args = parser.parse_args(argv)
    if args.short:
        args.tickets, args.kiosk_visits, args.warmup = 300, 30, 5
    try:
        Plan(tickets=args.tickets, kiosk_visits=args.kiosk_visits, warmup_visits=args.warmup)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "soak", parse_args(argv), run_bench, prefix="antre-soak-", kept="logs, database, app output"
    )


if __name__ == "__main__":
    sys.exit(main())
