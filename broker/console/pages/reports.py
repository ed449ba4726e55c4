"""5. Reports: the monthly report and the SKM report, generated on demand and downloaded (supervisors).

The form is a plain GET form (a download changes nothing, so it needs no Origin check and works
without JavaScript). The figures are read with a read-only session in a thread (``ctx.read``), the
file is written in another thread (``asyncio.to_thread``): never on the event loop, never on the
hub's worker, which keeps serving the desks while a PDF is drawn.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from broker.console.context import context_of
from broker.console.pages.reports_texts import TEXTS
from broker.console.web import language, render, require
from broker.reports.data import Period
from broker.reports.generate import FORMATS, KINDS, MEDIA_TYPES, download_name, read_figures, render_bytes
from shared.domain.calendar_words import MONTHS
from shared.texts import LANGUAGES

log = logging.getLogger(__name__)

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_OFFERED = 24  # the month in progress and the 23 before it
FIELD_MAX = 20


@dataclass(frozen=True)
class Choice:
    """What the form asked for, as typed (kept on a 400 so nothing is lost)."""

    kind: str
    month: str
    lang: str
    fmt: str


def _month_start(value: str) -> date | None:
    found = MONTH.match(value)
    if found is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def _period(first: date) -> Period:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def _months(today: date, lang: str, in_progress: str) -> list[tuple[str, str]]:
    """(value, label) from the month in progress (marked) back ``MONTHS_OFFERED`` months."""
    options = []
    first = today.replace(day=1)
    for n in range(MONTHS_OFFERED):
        label = f"{MONTHS[lang][first.month - 1]} {first.year}"
        options.append((f"{first:%Y-%m}", f"{label} ({in_progress})" if n == 0 else label))
        first = (first - timedelta(days=1)).replace(day=1)
    return options


def _page(request: Request, choice: Choice, today: date, status: int = 200, error: str = "") -> Response:
    lang = language(request)
    in_progress = TEXTS.t(lang, "in_progress")
    return render(request, "reports.html", TEXTS, status=status, choice=choice, error=error,
                  months=_months(today, lang, in_progress), kinds=KINDS, formats=FORMATS,
                  languages=LANGUAGES)  # fmt: skip


def _today(request: Request) -> date:
    return datetime.now(UTC).astimezone(context_of(request).settings.tz).date()


async def reports_page(request: Request) -> Response:
    await require(request, "supervisor")
    today = _today(request)
    last_complete = today.replace(day=1) - timedelta(days=1)
    return _page(request, Choice("monthly", f"{last_complete:%Y-%m}", language(request), "pdf"), today)


async def download(request: Request) -> Response:
    user = await require(request, "supervisor")
    q = request.query_params
    choice = Choice(*(str(q.get(key, ""))[:FIELD_MAX].strip() for key in ("kind", "month", "lang", "format")))
    today = _today(request)
    lang = language(request)
    if choice.kind not in KINDS or choice.lang not in LANGUAGES or choice.fmt not in FORMATS:
        return _page(request, choice, today, 400, TEXTS.t(lang, "bad_choice"))
    first = _month_start(choice.month)
    if first is None:
        return _page(request, choice, today, 400, TEXTS.t(lang, "bad_month", value=choice.month))
    if first > today:
        return _page(request, choice, today, 400, TEXTS.t(lang, "future_month", value=choice.month))
    ctx = context_of(request)
    period = _period(first)
    now = datetime.now(UTC)

    settings = await ctx.effective_settings()  # the setup changed in the console, as the CLI reads it

    def figures_of(session: Any) -> Any:
        return read_figures(choice.kind, session, settings, period, now)

    figures = await ctx.read(figures_of)
    body = await asyncio.to_thread(render_bytes, choice.kind, figures, choice.fmt, choice.lang)
    name = download_name(choice.kind, period, choice.fmt, choice.lang)
    # Not recorded in the access log: both reports hold counts and scores only (the monthly one
    # names officers, who are staff, not visitors); no visitor's personal data leaves in them. A
    # report that ever carries personal data must record each download (shared.store.access_log).
    log.info("console: %s downloaded %s", user.id, name)
    return Response(body, media_type=MEDIA_TYPES[choice.fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


ROUTES = [
    Route("/reports", reports_page, methods=["GET"]),
    Route("/reports/download", download, methods=["GET"]),
]
