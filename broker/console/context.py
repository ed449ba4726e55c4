"""What the console's routes reach: the hub's staff desk, the hub's worker and a read-only view of
the database. Built once by the hub (``broker.hub.process``) and kept in ``app.state.ctx``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.requests import Request

from broker.hub.staff import StaffDesk, StaffResult
from shared.config import Settings

T = TypeVar("T")
Submit = Callable[[Callable[[], StaffResult]], "Future[StaffResult]"]
WORKER_WAIT_S = 10.0  # a job not done by then is answered 503 (it may still run: writes are idempotent)


@dataclass
class ConsoleContext:
    settings: Settings
    staff: StaffDesk
    submit: Submit  # runs a call on the hub's worker thread, the one writer
    engine: Engine  # for reads only, off the worker
    https: bool = False
    lobby: Any = None  # the hub's lobby mirror, when the hub has one
    sessions: Any = None  # browser sessions (broker.console.browser_sessions), set by make_app
    extras: dict[str, Any] = field(default_factory=dict)

    async def on_worker(self, call: Callable[[], StaffResult]) -> StaffResult:
        """Run ``call`` on the hub's worker and wait for it without blocking the event loop."""
        future = self.submit(call)
        return await asyncio.wait_for(asyncio.wrap_future(future), WORKER_WAIT_S)

    async def read(self, query: Callable[[Session], T]) -> T:
        """Run a read-only ``query`` in a thread with its own session (never the worker's)."""

        def run() -> T:
            with Session(self.engine) as session:
                return query(session)

        return await asyncio.to_thread(run)

    async def effective_settings(self) -> Settings:
        """The settings as the hub runs with them: the TOML with the setup changed in the console
        (service names, opening hours, leave days) in place; for figures and reports."""
        from shared.store.site_setup import effective_settings

        return await self.read(lambda session: effective_settings(session, self.settings))


def context_of(request: Request) -> ConsoleContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    """The peer's address (no proxy sits in front of the console: forwarded headers are ignored)."""
    return request.client.host if request.client else "unknown"
