"""1. The live lobby: each desk, each service's waiting visitors with their 10-minute clocks, the
alerts, the devices' health. Rendered from the hub's in-memory mirror (never the database), and
fetched again whenever ``/events/lobby`` says the lobby changed, and every 10 s for the clocks.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from broker.console.context import context_of
from broker.console.live import event_stream
from broker.console.pages.lobby_texts import LOBBY
from broker.console.web import SESSION_COOKIE, render, require


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(abs(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


async def lobby(request: Request) -> Response:
    await require(request)
    return render(request, "lobby.html", LOBBY, view=_view(request), minutes=_minutes)


async def board(request: Request) -> Response:
    await require(request)
    return render(request, "lobby_board.html", LOBBY, view=_view(request), minutes=_minutes)


async def events(request: Request) -> Response:
    await require(request)
    ctx = context_of(request)
    token = request.cookies.get(SESSION_COOKIE, "")

    async def still_signed_in() -> bool:
        return await ctx.sessions.check(token, request) is not None

    return event_stream(request, ctx.lobby.feed, still_signed_in)


def _view(request: Request) -> object:
    ctx = context_of(request)
    return ctx.lobby.view() if ctx.lobby is not None else None


ROUTES = [
    Route("/lobby", lobby, methods=["GET"]),
    Route("/lobby/board", board, methods=["GET"]),
    Route("/events/lobby", events, methods=["GET"]),
]
