"""``antre report``: the office's report for a month (or a range of business days) as XLSX and PDF.

Only argparse at import time; the database and the writers (openpyxl, matplotlib, reportlab) load
when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from broker.reports.data import Period
    from broker.reports.figures import Figures
    from shared.config import Settings


def add_parsers(sub: Any) -> None:
    """Register ``report`` on ``antre``'s subparsers."""
    report = sub.add_parser("report", help="the monthly report (XLSX, PDF): visitors, waits, standard, SKM")
    when = report.add_mutually_exclusive_group()
    when.add_argument("--month", help="YYYY-MM (default: the last whole month, office time)")
    when.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first business day (with --to)")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last business day, included")
    report.add_argument("--out", default=".", help="folder for the two files (default: the current one)")
    report.add_argument("--lang", choices=["id", "en"], default="id", help="language (default id)")
    report.add_argument(
        "--skm", action="store_true", help="the SKM report (PermenPAN-RB 14/2017), not the monthly one"
    )
    report.add_argument("--format", choices=["pdf", "xlsx"], help="only this file (default: both)")
    report.set_defaults(func=_run)


class PeriodError(ValueError):
    """A ``--month`` / ``--from`` / ``--to`` that does not make a period."""


def parse_period(month: str | None, start: str | None, end: str | None, today: date) -> Period:
    """The business days asked for; without any option, the last whole month before ``today``."""
    from broker.reports.data import Period

    if (start is None) != (end is None):
        raise PeriodError("--from and --to go together")
    if start is not None and end is not None:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError as exc:
            raise PeriodError(f"--from/--to must look like 2026-11-01: {exc}") from exc
        if last < first:
            raise PeriodError("--to is before --from")
        return Period(first, last)
    if month is None:
        last_month = today.replace(day=1) - timedelta(days=1)
        month = f"{last_month:%Y-%m}"
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise PeriodError(f"--month must look like 2026-11, got {month!r}") from exc
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def build(session: Session, settings: Settings, period: Period, now: datetime) -> Figures:
    """Read and compute the report's figures (no files written)."""
    from broker.reports import data, figures

    return figures.build(data.read(session, settings, period), settings, now)


@dataclass(frozen=True)
class Written:
    xlsx: Path
    pdf: Path
    charts_s: float
    xlsx_s: float
    pdf_s: float


def write_files(figures: Figures, out: Path, language: str) -> Written:
    """The charts, then the workbook and the PDF beside each other in ``out``."""
    from broker.reports import charts, pdf, xlsx

    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(figures.period, language)
    started = time.perf_counter()
    images = charts.render(figures, language)
    charted = time.perf_counter()
    book = xlsx.write(figures, images, out / f"{stem}.xlsx", language)
    booked = time.perf_counter()
    document = pdf.write(figures, images, out / f"{stem}.pdf", language)
    done = time.perf_counter()
    return Written(book, document, charted - started, booked - charted, done - booked)


def file_stem(period: Period, language: str) -> str:
    """``laporan-pst-2026-11`` (``pst-report-2026-11`` in English); a range: both dates."""
    from broker.reports.texts import is_month

    name = "pst-report" if language == "en" else "laporan-pst"
    span = f"{period.start:%Y-%m}" if is_month(period) else f"{period.start}_{period.end}"
    return f"{name}-{span}"


def _run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlalchemy.orm import Session

    from shared.config import load_settings
    from shared.store.db import make_engine
    from shared.store.site_setup import effective_settings

    settings = load_settings(args.config)
    now = datetime.now(UTC)
    try:
        period = parse_period(args.month, args.start, args.end, now.astimezone(settings.tz).date())
    except PeriodError as exc:
        print(f"antre report: {exc}", file=sys.stderr)
        return 2
    kind = "skm" if args.skm else "monthly"
    engine = make_engine(settings.db_url)
    try:
        with Session(engine) as session:
            # The opening hours and collective leave a supervisor set on the console, as the hub has them.
            effective = effective_settings(session, settings)
            if kind == "skm":
                from broker.reports.generate import read_figures

                figures = read_figures(kind, session, effective, period, now)
            else:
                figures = build(session, effective, period, now)
    except (OperationalError, ProgrammingError) as exc:
        from deploy.cli.db_problems import not_ready_message

        print(f"antre report: {not_ready_message(settings, engine, exc, args.config)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if kind == "skm" or args.format:
        return _write_one_kind(kind, figures, period, settings, args, now)
    written = write_files(figures, Path(args.out), args.lang)
    _record_export(settings, f"report {file_stem(period, args.lang)} (xlsx, pdf)", now)
    print(f"{written.xlsx}\n{written.pdf}")
    return 0


def _write_one_kind(
    kind: str, figures: Any, period: Period, settings: Settings, args: argparse.Namespace, now: datetime
) -> int:
    """``--skm`` and/or ``--format``: one kind, one or both formats (the SKM files named as the console
    names its downloads, ``laporan-skm-2026-11.pdf``; the monthly ones as without ``--format``)."""
    from broker.reports.generate import FORMATS, download_name, write

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in [args.format] if args.format else FORMATS:
        name = (download_name(kind, period, fmt, args.lang) if kind == "skm"
                else f"{file_stem(period, args.lang)}.{fmt}")  # fmt: skip
        paths.append(write(kind, figures, fmt, out / name, args.lang))
    _record_export(settings, f"report {', '.join(p.name for p in paths)}", now)
    print("\n".join(str(p) for p in paths))
    return 0


def _record_export(settings: Settings, subject: str, now: datetime) -> None:
    """Every export goes in the access log (the report holds counts only, but a supervisor asked
    "who took what out of the office" must find every file written)."""
    from deploy.ops.audit import record
    from shared.store.access_log import EXPORT
    from shared.store.db import make_engine, write_transaction

    engine = make_engine(settings.db_url)
    try:
        with write_transaction(engine) as session:
            record(session, settings, EXPORT, subject, now)
    finally:
        engine.dispose()
