"""Antre console bench: the period page's figures and charts from a month of 10,000 tickets.

    python bench/console_period_bench.py [--tickets 10000] [--runs 40] [--keep]

Fills a fresh SQLite file as ``report_bench.py`` does (its ``fill``: tickets, queue passes, events,
guests, ratings, complaints, online requests over the working days of November 2026), adds an
officer signed in at each desk every working day (so the idle-desk figure has work to do) and a few
online requests open, overdue and closed by the 7-day rule. Then times, on one engine as the
console holds it, ``period_figures`` plus the three SVG charts for the month and for one day.
Each figure is also given as a ratio to a yardstick measured in the same run, the raw Mosquitto
publish -> receive hop (``hub_bench.measure_raw_hop``), with the machine's load average, so runs
on a busy machine can be compared. Exit 0 when the goal holds, 1 when missed, 2 on a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import hub_bench
import report_bench
from bench_support import percentile, start_mosquitto
from hub_bench import Report
from sqlalchemy import insert
from sqlalchemy.orm import Session

from broker.reports.period import PeriodFigures, period_figures
from broker.reports.period_sql import clear_cache
from broker.reports.svg_charts import period_charts
from shared.config import Settings, settings_from_mapping
from shared.store.db import make_engine, upgrade
from shared.store.models import OnlineRequestRow, StaffSessionRow

GOAL_P95_MS = 150.0  # the figures and charts; the page's goal (300 ms) includes the template
NOW = datetime(2026, 11, 30, 7, tzinfo=UTC)  # 14:00 WIB on the month's last working day
ONE_DAY = date(2026, 11, 18)


def seed(url: str, tickets: int) -> dict[str, int]:
    counts = report_bench.fill(url, tickets, 1, random.Random(8))
    days = report_bench.working_days(1)
    sessions = [
        dict(token_hash=f"{day:%Y%m%d}-{desk}", officer_id=report_bench.OFFICERS[n], desk=desk,
             started_at=report_bench._at(day, 0), ended_at=report_bench._at(day, 7.5 * 3600),
             last_seen_at=report_bench._at(day, 0), expires_at=report_bench._at(day, 12 * 3600))
        for day in days
        for n, desk in enumerate(report_bench.DESKS)
    ]  # fmt: skip
    late = days[-1] - timedelta(days=1)
    online = [
        dict(number=f"OL-{late:%Y%m%d}-{900 + n:03d}", day=late - timedelta(days=5), seq=900 + n,
             channel="email", contact="x@example.id", subject="data", complete_at=report_bench._at(late, 0),
             due_date=late if n % 2 else days[-1], status="open", created_at=report_bench._at(late, 0))
        for n in range(10)
    ] + [
        dict(number=f"OL-{day:%Y%m%d}-950", day=day, seq=950, channel="web", contact="y@example.id",
             subject="data", complete_at=report_bench._at(day, 0), due_date=day + timedelta(days=4),
             status="closed", created_at=report_bench._at(day, 0), answered_at=report_bench._at(day, 60),
             last_officer_at=report_bench._at(day, 60),
             closed_at=report_bench._at(day, 60) + timedelta(days=7),
             close_reason="no_reply_7_days")
        for day in days[:10]
    ]  # fmt: skip
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            session.execute(insert(StaffSessionRow), sessions)
            session.execute(insert(OnlineRequestRow), online)
    finally:
        engine.dispose()
    return {
        **counts,
        "staff sessions": len(sessions),
        "online requests": counts["online requests"] + len(online),
    }


def bench_settings(url: str, workdir: Path) -> Settings:
    return settings_from_mapping(
        {
            "db": {"url": url},
            "services": [
                {"prefix": "A", "name": "Konsultasi Statistik"},
                {"prefix": "B", "name": "Perpustakaan"},
            ],
            "desks": [{"id": d, "services": ["A", "B"]} for d in report_bench.DESKS],
        },
        {"ANTRE_DATA_DIR": str(workdir)},
    )


def timed(runs: int, work: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Wall and CPU (this process) milliseconds per run: on a loaded machine the wall time grows with
    the other work, the CPU time much less."""
    work()  # warm: the engine's first connection, SQLAlchemy's statement cache
    wall, cpu = [], []
    for _ in range(runs):
        begun, begun_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - begun) * 1000)
        cpu.append((time.process_time() - begun_cpu) * 1000)
    return wall, cpu


def page_work(engine: object, settings: Settings, start: date, end: date) -> Callable[[], object]:
    def work() -> tuple[PeriodFigures, dict[str, str]]:
        figures = period_figures(engine, settings, start, end, NOW)  # type: ignore[arg-type]
        return figures, period_charts(figures, "id")

    return work


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    url = f"sqlite:///{workdir / 'antre.db'}"
    upgrade(url)
    started = time.perf_counter()
    counts = seed(url, args.tickets)
    report.add(f"database: {', '.join(f'{n:,} {k}' for k, n in counts.items())}")
    report.add(f"  filled in {time.perf_counter() - started:.1f} s")
    settings = bench_settings(url, workdir)
    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        port = start_mosquitto(workdir, stack)
        hop = hub_bench.measure_raw_hop(port, args.hops, 50)
    hop_p50, hop_p95 = percentile(hop.samples_ms, 50), percentile(hop.samples_ms, 95)
    engine = make_engine(url)
    try:
        figures = page_work(engine, settings, report_bench.MONTH.start, report_bench.MONTH.end)()[0]
        report.add(f"November 2026: {figures.visits:,} visits, {figures.compliance.passes:,} passes, "
                   f"{figures.idle_desk.count:,} idle-desk waits, "
                   f"{figures.online.standard.due} online due")  # fmt: skip
        month, day = (report_bench.MONTH.start, report_bench.MONTH.end), (ONE_DAY, ONE_DAY)
        results = {
            "month": timed(args.runs, page_work(engine, settings, *month)),
            "one day": timed(args.runs, page_work(engine, settings, *day)),
            "today": timed(args.runs, page_work(engine, settings, NOW.date(), NOW.date())),
        }
        cold = page_work(engine, settings, *month)
        cold_month = timed(max(5, args.runs // 4), lambda: (clear_cache(), cold()))
        charts_only = timed(args.runs, lambda: period_charts(figures, "id"))
    finally:
        engine.dispose()
    load_after = os.getloadavg()
    cores = os.cpu_count() or 1
    report.add(f"yardstick, raw Mosquitto hop x {args.hops}: p50 {hop_p50:.3f} ms  p95 {hop_p95:.3f} ms")
    report.add(f"load average (1/5/15 min) before {'/'.join(f'{v:.2f}' for v in load_before)}, "
               f"after {'/'.join(f'{v:.2f}' for v in load_after)}, on {cores} cores")  # fmt: skip
    for name, (samples, cpu) in results.items():
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        report.goal(
            f"{name}: figures + 3 charts x {args.runs}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms",
            f"p95 <= {GOAL_P95_MS:.0f} ms",
            p95 <= GOAL_P95_MS,
        )
        report.add(f"  as raw hops: p50 {p50 / hop_p50:,.0f} x hop p50, p95 {p95 / hop_p95:,.0f} x hop p95; "
                   f"CPU p50 {percentile(cpu, 50):.1f} ms  p95 {percentile(cpu, 95):.1f} ms")  # fmt: skip
    p50, p95 = percentile(cold_month[0], 50), percentile(cold_month[0], 95)
    report.add(f"month, cold (no past day cached, the first view after a start) x {len(cold_month[0])}: "
               f"p50 {p50:.1f} ms  p95 {p95:.1f} ms")  # fmt: skip
    report.add(f"  CPU p50 {percentile(cold_month[1], 50):.1f} ms")
    report.add(f"charts alone (month, 3 SVGs) p50 {percentile(charts_only[0], 50):.2f} ms  "
               f"p95 {percentile(charts_only[0], 95):.2f} ms")  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=10_000, help="tickets in November 2026 (10,000)")
    parser.add_argument("--runs", type=int, default=40, help="timed page builds per case (40)")
    parser.add_argument("--hops", type=int, default=500, help="raw Mosquitto hops for the yardstick (500)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (database)")
    args = parser.parse_args(argv)
    if args.tickets < 100 or args.runs < 5 or args.hops < 10:
        parser.error("need --tickets >= 100, --runs >= 5, --hops >= 10")
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "console_period_bench", parse_args(argv), run_bench, prefix="antre-console-bench-", kept="database"
    )


if __name__ == "__main__":
    sys.exit(main())
