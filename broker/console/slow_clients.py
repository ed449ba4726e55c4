"""A request must arrive whole (headers and body) within ``REQUEST_DEADLINE_S`` of its first byte,
or its connection is closed.

uvicorn times out only idle keep-alive connections: a client that trickles a request's headers or
body (slowloris) would hold a connection, and a place under ``limit_concurrency``, for as long as
it likes. This protocol arms a timer when a request begins and closes the connection if the
request is still incomplete when it fires. A request being answered (a long server-sent events
stream included) is not affected.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_DEADLINE_S = 10.0


class DeadlineH11Protocol(H11Protocol):
    deadline_s = REQUEST_DEADLINE_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self._between_requests():
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)

    def on_response_complete(self) -> None:
        # Answered: the next request gets a deadline of its own when its first bytes come. A timer
        # left running would fire between two requests of a busy kept-alive connection and close
        # it under the client's next request (idle connections are uvicorn's keep-alive timeout's).
        self._disarm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(self.deadline_s, self._check)

    def _check(self) -> None:
        self._deadline = None
        if self._between_requests() or self.cycle.more_body:  # headers or body still trickling in
            self.transport.close()


def with_deadline(seconds: float) -> type[DeadlineH11Protocol]:
    """The protocol class with another deadline (the tests use a short one)."""
    return type("DeadlineH11Protocol", (DeadlineH11Protocol,), {"deadline_s": seconds})
