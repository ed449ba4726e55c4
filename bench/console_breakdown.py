"""Where a period page's time goes, in this process, on the bench's database after the hub stopped:
the figures (``period_figures``, SQL and Python), the three SVG charts, and the Jinja template
(``broker.console.web.render``, the console's own), each in wall and CPU milliseconds.

Used by ``console_bench.py --breakdown``; the same code paths as the page, without HTTP, uvicorn
and the session check, so the page's time over HTTP minus these is the server's share.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench_support import percentile
from markupsafe import Markup
from starlette.requests import Request

from broker.console.pages.period import presets
from broker.console.pages.period_texts import PERIOD
from broker.console.web import render
from broker.reports.period import period_figures
from broker.reports.svg_charts import period_charts
from shared.config import load_settings
from shared.domain.queue import utc_now
from shared.store.db import make_engine


def _fake_request(settings: Any, path: str) -> Request:
    """Just what ``render`` reads: the app's context (settings), the path, no cookies."""
    app = SimpleNamespace(state=SimpleNamespace(ctx=SimpleNamespace(settings=settings)))
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": [], "app": app}
    return Request(scope)


def _timed(runs: int, work: Callable[[], object]) -> tuple[list[float], list[float]]:
    work()
    wall, cpu = [], []
    for _ in range(runs):
        begun, begun_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - begun) * 1000)
        cpu.append((time.process_time() - begun_cpu) * 1000)
    return wall, cpu


def breakdown(workdir: Path, start: date, end: date, runs: int) -> list[str]:
    """Lines: wall and CPU of each stage of ``/period?from=start&to=end`` with the hub's config."""
    env = {"ANTRE_DB_URL": f"sqlite:///{workdir / 'antre.db'}", "ANTRE_DATA_DIR": str(workdir / "data")}
    settings = load_settings(workdir / "antre.toml", env)
    engine = make_engine(settings.db_url)
    now = utc_now()
    try:
        figures = period_figures(engine, settings, start, end, now)
        charts = period_charts(figures, "id")
        request = _fake_request(settings, "/period")
        today = now.astimezone(settings.tz).date()
        values = dict(start=start.isoformat(), end=end.isoformat(), presets=presets(today), error="",
                      figures=figures, charts={k: Markup(v) for k, v in charts.items()})  # fmt: skip
        stages = {
            "figures (SQL + Python)": _timed(runs, lambda: period_figures(engine, settings, start, end, now)),
            "3 SVG charts": _timed(runs, lambda: period_charts(figures, "id")),
            "template (Jinja)": _timed(runs, lambda: render(request, "period.html", PERIOD, **values)),
        }
    finally:
        engine.dispose()
    return [
        f"  {name:<24} wall p50 {percentile(wall, 50):6.1f} ms  p95 {percentile(wall, 95):6.1f} ms"
        f"   CPU p50 {percentile(cpu, 50):6.1f} ms"
        for name, (wall, cpu) in stages.items()
    ]
