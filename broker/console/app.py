"""The console's ASGI app: the JSON API, the pages, the static files, the guards."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from broker.console import api
from broker.console.browser_sessions import BrowserSessions
from broker.console.context import ConsoleContext
from broker.console.guards import BodyTooLarge, Guards
from broker.console.pages import account, complaints, lobby, officers, online, period, reports, setup
from broker.console.web import Denied, render, words

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
PAGES = (account, lobby, period, complaints, online, reports, setup, officers)  # each page module's ROUTES


def make_app(ctx: ConsoleContext) -> Starlette:
    routes = list(api.ROUTES)
    for page in PAGES:
        routes.extend(page.ROUTES)
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guards, https=ctx.https)],
        exception_handlers={
            Denied: _denied,
            HTTPException: _http_error,
            BodyTooLarge: _too_large,
            Exception: _server_error,
        },
    )
    app.state.ctx = ctx
    if not hasattr(ctx, "sessions") or ctx.sessions is None:
        ctx.sessions = BrowserSessions(ctx)
    return app


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Denied)
    return exc.response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        return api.json_answer(exc.status_code, {"error": {"code": "not_found", "message": "no such route"}})
    t = words(request)
    message = t("not_found") if exc.status_code in (404, 405) else t("server_error")
    return render(request, "message.html", status=exc.status_code, message=message)


async def _too_large(request: Request, exc: Exception) -> Response:
    return Response("request too large", status_code=413)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("console: %s %s failed", request.method, request.url.path[:80])
    if request.url.path.startswith("/api/"):
        return api.json_answer(500, {"error": {"code": "internal_error", "message": "try again"}})
    return render(request, "message.html", status=500, message=words(request)("server_error"))
