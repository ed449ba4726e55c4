"""Antre report bench: one month's report from a database of 100,000 tickets.

    python bench/report_bench.py [--tickets 100000] [--months 12] [--runs 5] [--keep]

Fills a fresh SQLite file (bulk inserts, as the hub would have left the rows) with ``--tickets``
tickets spread over the working days of ``--months`` months ending in November 2026, with their
queue passes, ticket events, guests, ratings (~30 %), complaints and online requests; then times
the report's ``build`` (queries and figures) for November over ``--runs`` runs, a fresh engine
each time, and writing the charts, the XLSX and the PDF. See bench/README.md. Exit 0 when the goal
holds, 1 when missed, 2 on a failure.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import hub_bench
from hub_bench import Latency, Report
from sqlalchemy import insert
from sqlalchemy.orm import Session

from broker.reports.data import Period
from deploy.cli.report import build, write_files
from shared.config import settings_from_mapping
from shared.store.db import make_engine, upgrade
from shared.store.models import (
    ComplaintRow,
    GuestRow,
    OfficerRow,
    OnlineRequestRow,
    QueuePassRow,
    RatingRow,
    TicketEventRow,
    TicketRow,
)

GOAL_BUILD_S = 5.0
MONTH = Period(date(2026, 11, 1), date(2026, 11, 30))
DESKS = ("1", "2", "3", "4")
OFFICERS = ("o1", "o2", "o3", "o4", "o5", "o6")
INSTITUTIONS = (
    "Universitas Lampung",
    "Dinas Kesehatan Kabupaten",
    "SMA Negeri",
    "PT Sinar Laut",
    "",
    "Bank Lampung",
    "Kecamatan",
    "Politeknik Negeri Lampung",
    "CV Maju",
    "mahasiswa",
)
PURPOSES = (
    "Data kemiskinan",
    "Tabel PDRB",
    "Konsultasi metodologi sampel",
    "Rekomendasi statistik",
    "Membaca publikasi Dalam Angka",
    "Jumlah penduduk",
    "Silaturahmi",
    "Data inflasi",
)
CHUNK = 20_000


def working_days(months: int) -> list[date]:
    """Monday to Friday of the ``months`` months ending with the measured one."""
    first = MONTH.start
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    days, day = [], first
    while day <= MONTH.end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, seconds: float) -> datetime:
    """``seconds`` after 08:00 WIB (01:00 UTC) on ``day``."""
    return datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(seconds=seconds)


def _bulk(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start : start + CHUNK])


def fill(url: str, tickets: int, months: int, rng: random.Random) -> dict[str, int]:
    """The rows, written in one transaction per table; returns how many of each."""
    days = working_days(months)
    per_day = [tickets // len(days) + (i < tickets % len(days)) for i in range(len(days))]
    guests = [
        dict(
            id=i,
            name=f"Guest {i}",
            id_type="ktp",
            id_number=f"{1808000000000000 + i}",
            email=f"g{i}@example.id",
            phone="",
            institution=f"{rng.choice(INSTITUTIONS)} {i % 50}".strip(),
            purpose=f"{rng.choice(PURPOSES)} {2020 + i % 6}",
            consent=True,
            created_at=_at(days[0], 0),
        )
        for i in range(1, tickets // 3 + 1)
    ]
    ticket_rows: list[dict[str, Any]] = []
    passes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    complaints: list[dict[str, Any]] = []
    tid = pid = 0
    for day, count in zip(days, per_day, strict=True):
        spacing = 7.5 * 3600 / max(count, 1)
        for seq in range(1, count + 1):
            tid += 1
            service = "A" if rng.random() < 0.7 else "B"
            issued = _at(day, seq * spacing)
            desk, officer = rng.choice(DESKS), rng.choice(OFFICERS)
            called = rng.random() < 0.97
            wait = rng.expovariate(1 / 360)
            clock = wait * rng.uniform(0.5, 1.0)
            call_at = issued + timedelta(seconds=wait)
            done_at = call_at + timedelta(minutes=rng.uniform(5, 25))
            ticket_rows.append(
                dict(
                    id=tid,
                    code=f"{service}-{seq:03d}",
                    service=service,
                    origin_service=service,
                    business_day=day,
                    seq=seq,
                    status="done" if called else "expired",
                    desk=desk if called else None,
                    issued_at=issued,
                    called_at=call_at if called else None,
                    started_at=call_at if called else None,
                    finished_at=done_at,
                    recall_count=0,
                    guest_id=rng.randint(1, len(guests)) if rng.random() < 0.9 else None,
                )
            )
            pid += 1
            passes.append(
                dict(
                    id=pid,
                    ticket_id=tid,
                    code=f"{service}-{seq:03d}",
                    service=service,
                    business_day=day,
                    issued_at=issued,
                    entered_at=issued,
                    called_at=call_at if called else None,
                    left_at=done_at,
                    left_how="done" if called else "expired",
                    desk=desk if called else None,
                    clock_started_at=issued,
                    clock_s=clock if called else None,
                    breached_at=issued + timedelta(seconds=600)
                    if (clock >= 600 or (not called and wait > 600))
                    else None,
                )
            )
            events.append(dict(ticket_id=tid, action="issue", at=issued))
            if called:
                events += [
                    dict(ticket_id=tid, action=a, desk=desk, officer_id=officer, at=t)
                    for a, t in (("call", call_at), ("start", call_at), ("done", done_at))
                ]
                if rng.random() < 0.3:
                    scores = {
                        f"u{n}": (rng.choice((2, 3, 3, 4, 4)) if rng.random() > 0.05 else None)
                        for n in range(1, 10)
                    }
                    ratings.append(
                        dict(
                            ticket_id=tid,
                            source="desk",
                            business_day=day,
                            service=service,
                            desk=desk,
                            officer_id=officer,
                            overall=rng.choice((3, 4, 4, 5, 5)),
                            created_at=done_at,
                            updated_at=done_at,
                            **scores,
                        )
                    )
            if rng.random() < 0.005:
                answered = done_at + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.8 else None
                complaints.append(
                    dict(
                        number=f"ADU-{day:%Y%m%d}-{len(complaints):05d}",
                        day=day,
                        seq=len(complaints) + 1,
                        source="kiosk",
                        ticket_id=tid,
                        kind="complaint",
                        status="answered" if answered else "open",
                        created_at=done_at,
                        answered_at=answered,
                    )
                )
    online = [
        dict(
            number=f"OL-{day:%Y%m%d}-{n:03d}",
            day=day,
            seq=n,
            channel="whatsapp",
            contact="0812",
            subject="data",
            complete_at=_at(day, 3600),
            due_date=day + timedelta(days=5),
            status="answered",
            created_at=_at(day, 3600),
            answered_at=_at(day, 3600 + rng.uniform(0, 6 * 86400)),
        )
        for day in days
        for n in range(1, 11)
    ]
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            session.add_all([OfficerRow(id=o, name=f"Officer {o}", pin_hash="x") for o in OFFICERS])
            for table, rows in (
                (GuestRow, guests),
                (TicketRow, ticket_rows),
                (QueuePassRow, passes),
                (TicketEventRow, events),
                (RatingRow, ratings),
                (ComplaintRow, complaints),
                (OnlineRequestRow, online),
            ):
                _bulk(session, table, rows)
    finally:
        engine.dispose()
    return {
        "guests": len(guests),
        "tickets": len(ticket_rows),
        "passes": len(passes),
        "events": len(events),
        "ratings": len(ratings),
        "complaints": len(complaints),
        "online requests": len(online),
    }


def run_bench(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    url = f"sqlite:///{workdir / 'antre.db'}"
    upgrade(url)
    started = time.perf_counter()
    counts = fill(url, args.tickets, args.months, random.Random(8))
    fill_s = time.perf_counter() - started
    settings = settings_from_mapping(
        {
            "db": {"url": url},
            "services": [
                {"prefix": "A", "name": "Konsultasi Statistik"},
                {"prefix": "B", "name": "Perpustakaan"},
            ],
            "desks": [{"id": d} for d in DESKS],
        },
        {"ANTRE_DATA_DIR": str(workdir)},
    )
    now = datetime(2026, 12, 1, 3, tzinfo=UTC)
    samples, figures = [], None
    for _ in range(args.runs):
        engine = make_engine(url)
        try:
            begun = time.perf_counter()
            with Session(engine) as session:
                figures = build(session, settings, MONTH, now)
            samples.append(time.perf_counter() - begun)
        finally:
            engine.dispose()
    assert figures is not None
    written = [write_files(figures, workdir / f"out-{n}", "id") for n in range(args.writes)]
    built = Latency([s * 1000 for s in samples])
    report.add(f"database: {', '.join(f'{n:,} {k}' for k, n in counts.items())}")
    report.add(
        f"  over {args.months} month(s), filled in {fill_s:.1f} s; "
        f"{(workdir / 'antre.db').stat().st_size / 1e6:.0f} MB"
    )
    report.add(
        f"November 2026: {figures.visits:,} visits, {figures.raw_wait.count:,} calls, "
        f"{figures.ikm.respondents if figures.ikm else 0:,} SKM respondents"
    )
    report.goal(
        f"build (queries + figures), {args.runs} runs   p50 {built.p50 / 1000:5.2f} s  p99 "
        f"{built.p99 / 1000:5.2f} s",
        f"< {GOAL_BUILD_S:.0f} s",
        built.p99 / 1000 < GOAL_BUILD_S,
    )
    for name in ("charts_s", "xlsx_s", "pdf_s"):
        values = sorted(getattr(w, name) for w in written)
        report.add(
            f"  write {name[:-2]:<8} median {values[len(values) // 2]:5.2f} s  max {values[-1]:5.2f} s "
            f"({len(values)} runs)"
        )
    report.add(
        f"  files: {written[-1].xlsx.stat().st_size / 1e3:.0f} kB XLSX, "
        f"{written[-1].pdf.stat().st_size / 1e3:.0f} kB PDF"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets in the database (100,000)")
    parser.add_argument(
        "--months", type=int, default=12, help="months they spread over, ending Nov 2026 (12)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed builds (5)")
    parser.add_argument("--writes", type=int, default=3, help="timed writes of the charts, XLSX and PDF (3)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (database, report files)")
    args = parser.parse_args(argv)
    if args.tickets < 100 or not 1 <= args.months <= 24 or args.runs < 1 or args.writes < 1:
        parser.error("need --tickets >= 100, 1 <= --months <= 24, --runs >= 1, --writes >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    return hub_bench.run_main(
        "report_bench",
        parse_args(argv),
        run_bench,
        prefix="antre-report-bench-",
        kept="database, report files",
    )


if __name__ == "__main__":
    sys.exit(main())
