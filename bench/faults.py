"""Antre fault suite, full form: real Mosquitto, the hub as a process, loopback only, bounded in time.

    python bench/faults.py [--short] [--seconds 20] [--only kills,flood,guestbook,logs] [--keep]

Scenarios (``tests/faults/``, whose short forms run in CI; see bench/README.md):
(a) Mosquitto SIGKILLed during kiosk issues and desk calls, (b) the hub SIGKILLed during them:
0 lost, 0 duplicated, priority tickets in the mix and every call the queue policy's pick among
those waiting, ``PRAGMA integrity_check``; (c) a junk flood from 3 clients at the highest rate
they can send while a desk presses ``next`` every 200 ms: press -> ``event/call`` before/during/
after, the raw Mosquitto hop for scale, kiosk answers, the hub's RSS and the drain time; (d)
2,000 adversarial guestbook entries: every one answered, nothing unclean stored; (e) forged log
lines. Exit status 0 when every check and goal holds, 1 when one is missed, 2 when the
run failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hub_bench, beside this file
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hub_bench  # noqa: E402
from hub_bench import BenchError, Report  # noqa: E402

from tests.faults import adversarial, flood, forged, kills  # noqa: E402
from tests.faults.lobby import Outcome, load_average  # noqa: E402

SCENARIOS = ("kills", "flood", "guestbook", "logs")


def run_faults(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    short = args.short
    chosen = set(args.only.split(",")) if args.only else set(SCENARIOS)
    report.add(
        f"Antre fault suite ({'short' if short else 'full'} form): loopback, private mosquitto, "
        "the hub as a process on SQLite"
    )
    report.add(f"machine: {_uptime()}")
    started = time.monotonic()
    outcomes: list[Outcome] = []

    def stage(name: str, make: object) -> None:
        print(f"[{len(outcomes) + 1}] {name} ...", flush=True)
        try:
            outcome = make()  # type: ignore[operator]
        except Exception as exc:  # a process would not start, or a defect: the run cannot go on
            traceback.print_exc()
            raise BenchError(f"{name}: {exc!r}") from exc
        outcomes.append(outcome)
        _print(outcome, report)

    if "kills" in chosen:
        tickets = 60 if short else args.tickets
        stage(
            "broker SIGKILL", lambda: kills.run(workdir / "broker-kill", "broker", tickets, 2 if short else 5)
        )
        stage("hub SIGKILL", lambda: kills.run(workdir / "hub-kill", "hub", tickets, 2 if short else 10))
    if "flood" in chosen:
        seconds = min(args.seconds, 5.0) if short else args.seconds
        stage(
            "junk flood",
            lambda: flood.run(
                workdir / "flood",
                flood_s=seconds,
                before_s=2 if short else 5,
                after_s=1 if short else 3,
                flooders=args.flooders,
                rate=args.rate,
            ),
        )
    if "guestbook" in chosen:
        count = 400 if short else args.entries
        stage("adversarial guestbook", lambda: adversarial.run(workdir / "guestbook", count))
    if "logs" in chosen:
        stage("forged log lines", lambda: forged.run(workdir / "logs"))
    report.add()
    report.add(f"{len(outcomes)} scenarios in {time.monotonic() - started:.0f} s; machine after: {_uptime()}")


def _print(outcome: Outcome, report: Report) -> None:
    report.add()
    report.add(outcome.title)
    report.lines += outcome.figures
    for label, ok in outcome.checks:
        report.check(f"  {label}", ok)
    for label, goal, met in outcome.goals:
        report.goal(f"  {label}", goal, met)


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"load average {load_average()}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--short", action="store_true", help="the CI sizes (2 kills each, a 5 s flood, 400 entries)"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the junk flood (20)")
    parser.add_argument("--flooders", type=int, default=3, help="junk clients, one process each (3)")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="each junk client's messages/s (0: all it can)"
    )
    parser.add_argument(
        "--tickets", type=int, default=300, help="tickets issued and called per kill run (300)"
    )
    parser.add_argument("--entries", type=int, default=2000, help="adversarial guestbook entries (2000)")
    parser.add_argument("--only", default="", help=f"comma-separated scenarios of {', '.join(SCENARIOS)}")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, databases)")
    args = parser.parse_args(argv)
    unknown = set(filter(None, args.only.split(","))) - set(SCENARIOS)
    if unknown or args.seconds <= 0 or args.flooders < 1 or args.tickets < 2 or args.entries < 10:
        parser.error(
            f"need --seconds > 0, --flooders >= 1, --tickets >= 2, --entries >= 10; scenarios {SCENARIOS}"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "faults", parse_args(argv), run_faults, prefix="antre-faults-", kept="logs, databases"
    )


if __name__ == "__main__":
    sys.exit(main())
