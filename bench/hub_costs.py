"""What one hub command costs in-process: SQL statements and CPU per ticket issue and per ``next``.

    python bench/hub_costs.py [--commands 300] [--profile FILE]

A ``broker.hub.commands.Hub`` on a fresh SQLite file (no MQTT): ``--commands`` kiosk issues, then
as many ``next`` presses at 8 desks in turn. Statements are counted with SQLAlchemy's
``before_cursor_execute`` event (an ``executemany`` is one statement; BEGIN counts); CPU is the
process's CPU time (``time.process_time``), so a disk flush's wait is not in it. ``--profile``
writes a cProfile of the whole run (``python -m pstats FILE``). ``hub_bench.py`` prints these
figures too.
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from broker.hub.commands import Hub  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.contract import topics as contract  # noqa: E402
from shared.domain.queue import Desk  # noqa: E402
from shared.store.db import make_engine, upgrade  # noqa: E402

DESKS = tuple(str(n) for n in range(1, 9))


@dataclass(frozen=True)
class Cost:
    statements: float  # per command, mean
    most_statements: int
    cpu_ms: float  # per command, median

    def line(self, what: str) -> str:
        return (f"{what:<26} {self.statements:4.1f} statements (max {self.most_statements}), "
                f"CPU {self.cpu_ms:5.2f} ms")  # fmt: skip


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


def make_hub(workdir: Path) -> Hub:
    url = f"sqlite:///{workdir / 'costs.db'}"
    upgrade(url)
    desks = tuple(Desk(d, f"Meja {d}", ("A",)) for d in DESKS)
    return Hub(Settings(db_url=url, data_dir=workdir, desks=desks), make_engine(url))


def measure(hub: Hub, commands: int) -> tuple[Cost, Cost]:
    counter = StatementCounter()
    event.listen(hub.engine, "before_cursor_execute", counter)
    hub.snapshot()  # the day's roll: start-up work, not a command's
    hub.kiosk_request("k1", contract.encode({"request_id": "warm-up", "service": "A"}))  # loads the book
    # The desks open first, as a day starts (an officer signs in, or "Buka meja"): opening a closed
    # desk is once a desk a day and costs 8 statements (who may open it, issue 15, and its history
    # row); what is measured below is ``next`` at an open desk, the officer's every press.
    for desk in DESKS:
        opened = hub.counter_command(desk, contract.encode({"action": "open", "request_id": f"open-{desk}"}))
        if not any(b'"ok": true' in p.payload or b'"ok":true' in p.payload for p in opened):
            raise RuntimeError(f"desk {desk} did not open: {[p.payload[:200] for p in opened]}")

    def cost(run: Any, count: int) -> Cost:
        statements, cpu = [], []
        for n in range(count):
            before, started = counter.count, time.process_time()
            out = run(n)
            cpu.append((time.process_time() - started) * 1000)
            statements.append(counter.count - before)
            if not any(b'"ok": true' in p.payload or b'"ok":true' in p.payload for p in out):
                raise RuntimeError(f"command {n} was not applied: {[p.payload[:200] for p in out]}")
        return Cost(statistics.fmean(statements), max(statements), statistics.median(cpu))

    def issue(n: int) -> list[Any]:
        return hub.kiosk_request("k1", contract.encode({"request_id": f"c-{n}", "service": "A"}))

    def press(n: int) -> list[Any]:
        desk = DESKS[n % len(DESKS)]
        return hub.counter_command(desk, contract.encode({"action": "next", "request_id": f"n-{n}"}))

    issued = cost(issue, commands)
    called = cost(press, commands)
    event.remove(hub.engine, "before_cursor_execute", counter)
    return issued, called


def run_costs(commands: int, profile: Path | None = None) -> tuple[Cost, Cost]:
    """Per ticket issue and per ``next``, on a fresh hub in a temp dir."""
    with tempfile.TemporaryDirectory(prefix="antre-costs-") as tmp:
        hub = make_hub(Path(tmp))
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        try:
            return measure(hub, commands)
        finally:
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile)
            hub.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--commands", type=int, default=300, help="issues, then as many presses (300)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the run to this file")
    args = parser.parse_args(argv)
    issued, called = run_costs(args.commands, args.profile)
    print(issued.line("ticket issue"))
    print(called.line("next (a call)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
