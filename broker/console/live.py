"""Server-sent events: a page listening to ``/events/lobby`` hears ``event: lobby`` whenever the
hub's lobby changed, and fetches its fragment again (htmx's SSE extension, or any EventSource).

A change feed (the hub's lobby mirror) wakes this coroutine from the hub's threads; bursts are
coalesced (a wake carries no payload: the page asks for the state it needs, so a slow tablet
never falls behind a backlog). Every ``HEARTBEAT_S`` a comment keeps proxies and the browser's
connection alive, and the session is checked again: a revoked or expired session ends the stream
with ``event: signed_out`` so the page goes to the sign-in page at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

HEARTBEAT_S = 15.0
RETRY_MS = 2000  # the browser reconnects after this if the stream breaks (a hub restart)


def sse(event: str, data: str = "") -> bytes:
    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
    return f"event: {event}\n{lines}\n".encode()


async def stream(
    request: Request,
    feed: Any,
    still_signed_in: Callable[[], Awaitable[bool]],
    event: str = "lobby",
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    wake = feed.subscribe(loop)
    try:
        yield f"retry: {RETRY_MS}\n".encode() + sse(event, "hello")
        while True:
            try:
                await asyncio.wait_for(wake.get(), HEARTBEAT_S)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                if not await still_signed_in():
                    yield sse("signed_out", "/signin?why=session_expired")
                    return
                yield b": keep-alive\n\n"
                continue
            while not wake.empty():  # a burst of changes: one event
                wake.get_nowait()
            yield sse(event, "changed")
    finally:
        feed.unsubscribe(wake)


def event_stream(
    request: Request, feed: Any, still_signed_in: Callable[[], Awaitable[bool]], event: str = "lobby"
) -> Response:
    return StreamingResponse(
        stream(request, feed, still_signed_in, event),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
