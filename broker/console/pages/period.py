"""2. The day and any period: the 10-minute standard, waits, visitors, online requests due and
overdue, with charts (server-side SVG). Figures by ``broker.reports.period``, the monthly report's
rules; computed in a thread with the console's read engine, never on the hub's worker."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from broker.console.context import context_of
from broker.console.pages.period_texts import PERIOD
from broker.console.web import language, render, require, words
from broker.reports.period import period_figures
from broker.reports.svg_charts import period_charts
from shared.domain.queue import utc_now

MAX_DAYS = 366


def presets(today: date) -> dict[str, tuple[date, date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return {
        "today": (today, today),
        "week": (today - timedelta(days=today.weekday()), today),
        "month": (month_start, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
    }


def _parse(value: str | None, default: date) -> date | None:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


async def period(request: Request) -> Response:
    await require(request)
    ctx = context_of(request)
    t = words(request, PERIOD)
    now = utc_now()
    today = now.astimezone(ctx.settings.tz).date()
    start = _parse(request.query_params.get("from"), today)
    end = _parse(request.query_params.get("to"), start or today)
    error = ""
    if start is None or end is None:
        error = t("bad_date")
    elif end < start:
        error = t("bad_range")
    elif (end - start).days >= MAX_DAYS:
        error = t("too_long")
    values = {
        "start": request.query_params.get("from") or today.isoformat(),
        "end": request.query_params.get("to") or (start or today).isoformat(),
        "presets": presets(today),
        "error": error,
        "figures": None,
        "charts": {},
    }
    if error:
        return render(request, "period.html", PERIOD, status=400, **values)
    assert start is not None and end is not None
    settings = await ctx.effective_settings()
    figures = await asyncio.to_thread(period_figures, ctx.engine, settings, start, end, now)
    charts = period_charts(figures, language(request))  # markup built and escaped by svg_charts
    values.update(figures=figures, charts={k: Markup(v) for k, v in charts.items()})
    return render(request, "period.html", PERIOD, **values)


ROUTES = [Route("/period", period, methods=["GET"])]
