"""The desk's JSON commands: a fresh ``request_id`` per intention, one command in flight, and the
SAME id sent again until the hub answers it.

The hub applies a ``request_id`` once and repeats its answer, so resending after a dropped link
(or an answer that never came) can never call two visitors. A new press is a new intention and
gets a new id; the app holds the queue buttons while a command is in flight, so a nervous double
press cannot become two calls either. A ``busy`` answer (the hub's queue for this desk is full;
nothing was applied) keeps the command in flight and sends the same id again after a pause that
doubles each time; after ``BUSY_RETRIES`` of them the officer is told.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from shared.contract import topics as contract

log = logging.getLogger(__name__)

_REMEMBERED = 64  # answers to ids already settled: a late duplicate is recognised and dropped
BUSY_RETRIES = 5  # busy answers taken quietly (about 0.25 + 0.5 + 1 + 2 + 2 s of pauses)
BUSY_PAUSE_S = 0.25  # the first pause; it doubles up to BUSY_PAUSE_MAX_S
BUSY_PAUSE_MAX_S = 2.0


@dataclass
class Pending:
    request_id: str
    action: str
    payload: bytes
    created_at: float
    sent_at: float | None = None  # None: not sent yet (the link was down)
    attempts: int = 0
    busy_answers: int = 0  # the hub answered busy this many times
    resend_at: float | None = None  # after a busy answer: send again from then on


class CommandSender:
    def __init__(
        self,
        desk: str,
        send: Callable[[bytes], bool],
        clock: Callable[[], float],
        retry_after_s: float,
        session: str | None = None,
    ) -> None:
        """``send`` publishes on ``counter/{desk}/cmd`` and says whether the link took it."""
        self.desk = desk
        self._send = send
        self._clock = clock
        self.retry_after_s = retry_after_s
        # A per-run part in every id: a restarted app must not reuse "c2-0001" from this morning,
        # which the hub would answer from its store without doing anything.
        self._session = session or uuid.uuid4().hex[:8]
        self._seq = 0
        self._settled: deque[str] = deque(maxlen=_REMEMBERED)
        self.pending: Pending | None = None

    def new_request_id(self) -> str:
        self._seq += 1
        return f"c{self.desk}-{self._session}-{self._seq:04d}"

    def submit(
        self,
        action: str,
        link_up: bool,
        to_service: str | None = None,
        *,
        ticket: str | None = None,
        reason: str | None = None,
    ) -> Pending:
        """Start a command (``to_service``: a transfer's; ``ticket``: the one a call_ticket, resume or
        return names; ``reason``: a call_ticket's); it is sent now if the link is up, else on the
        next ``on_link_up``."""
        if self.pending is not None:
            raise RuntimeError("a command is already in flight")
        request_id = self.new_request_id()
        body = contract.counter_command(action, request_id, to_service, ticket=ticket, reason=reason)
        payload = contract.encode(body)
        self.pending = Pending(request_id, action, payload, created_at=self._clock())
        if link_up:
            self._transmit(self.pending)
        return self.pending

    def on_link_up(self) -> None:
        """The broker is back: what was in flight goes again, with the same id."""
        if self.pending is not None:
            self._transmit(self.pending)

    def due(self) -> bool:
        """The command in flight has waited ``retry_after_s`` for its answer."""
        pending = self.pending
        if pending is None:
            return False
        if pending.resend_at is not None:
            return self._clock() >= pending.resend_at
        last = pending.sent_at if pending.sent_at is not None else pending.created_at
        return self._clock() - last >= self.retry_after_s

    def on_busy(self, request_id: str | None) -> bool:
        """The hub answered ``busy`` to ``request_id``: True when that is the command in flight and
        it will go again after a pause (``due``), False when it is not ours or retries are spent."""
        pending = self.pending
        if request_id is None or pending is None or request_id != pending.request_id:
            return False
        if pending.busy_answers >= BUSY_RETRIES:
            return False
        pending.busy_answers += 1
        pause = min(BUSY_PAUSE_S * 2 ** (pending.busy_answers - 1), BUSY_PAUSE_MAX_S)
        pending.resend_at = self._clock() + pause
        return True

    def retry(self) -> None:
        if self.pending is not None:
            self._transmit(self.pending)

    def settle(self, request_id: str | None) -> str:
        """An answer arrived: ``"mine"`` (the command in flight), ``"repeat"`` (a late duplicate of
        one already settled: drop it) or ``"other"`` (another sender at this desk: a button)."""
        if request_id is not None and self.pending is not None and request_id == self.pending.request_id:
            self._settled.append(request_id)
            self.pending = None
            return "mine"
        if request_id is not None and request_id in self._settled:
            return "repeat"
        return "other"

    def _transmit(self, pending: Pending) -> None:
        if self._send(pending.payload):
            pending.attempts += 1
            pending.sent_at = self._clock()
            pending.resend_at = None
            if pending.attempts > 1:
                log.info(
                    "desk %s: sent %s again (attempt %d)", self.desk, pending.request_id, pending.attempts
                )
