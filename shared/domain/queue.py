"""The queue domain: services, desks, tickets and the rules that move them.

Pure Python: no MQTT, no database, no Kivy. Storage is reached through the ``QueueRepository``
protocol and time through an injected clock, so the same rules run over SQLite, PostgreSQL or an
in-memory list in a unit test. Each public method is one command; the caller wraps it in one
transaction and publishes what the returned ``Outcome`` says changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware (UTC is what the system passes)."""

_PREFIX = re.compile(r"^[A-Z]{1,3}$")
_DESK_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def utc_now() -> datetime:
    return datetime.now(UTC)


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "noshow"
    EXPIRED = "expired"


ACTIVE_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class DeskStatus(StrEnum):
    CLOSED = "closed"
    IDLE = "idle"
    CALLED = "called"
    SERVING = "serving"


class Action(StrEnum):
    """What a desk can ask for. The first five are the plain words of contract v1."""

    NEXT = "next"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NOSHOW = "noshow"
    TRANSFER = "transfer"
    OPEN = "open"
    CLOSE = "close"


class QueueError(Exception):
    """A command that cannot take effect. ``code`` is stable (UIs translate it); nothing changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Service:
    prefix: str
    name: str

    def __post_init__(self) -> None:
        if not _PREFIX.match(self.prefix):
            raise ValueError(f"service prefix must be 1-3 capital letters, got {self.prefix!r}")


@dataclass(frozen=True)
class Desk:
    id: str
    name: str
    services: tuple[str, ...]

    def __post_init__(self) -> None:
        if not _DESK_ID.match(self.id):
            raise ValueError(f"desk id must be 1-16 letters, digits, - or _, got {self.id!r}")


@dataclass
class Ticket:
    code: str
    service: str
    origin_service: str
    business_day: date
    seq: int
    issued_at: datetime
    status: TicketStatus = TicketStatus.WAITING
    desk: str | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recall_count: int = 0
    id: int | None = None


@dataclass
class DeskState:
    desk: str
    status: DeskStatus = DeskStatus.CLOSED
    ticket_id: int | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class Call:
    """A ticket called to a desk: what the display shows and the voice announces."""

    ticket: str
    service: str
    desk: str
    recall: bool
    at: datetime


@dataclass(frozen=True)
class Served:
    """A visit that ended served at a desk: its visitor is asked to rate it."""

    ticket: str
    service: str
    desk: str
    day: date


@dataclass
class Outcome:
    """What a command did: the answer for the sender and what to republish."""

    answer: dict[str, object]
    desks: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)


def ticket_code(prefix: str, seq: int) -> str:
    """``A-001``: the prefix and the day's sequence, at least 3 digits."""
    return f"{prefix}-{seq:03d}"


class QueueRepository(Protocol):
    """What the rules need from storage. Calls happen inside one transaction."""

    def next_sequence(self, service: str, day: date) -> int: ...
    def add_ticket(self, ticket: Ticket) -> Ticket: ...
    def save_ticket(self, ticket: Ticket) -> None: ...
    def get_ticket(self, ticket_id: int) -> Ticket | None: ...
    def first_waiting(self, services: Iterable[str], day: date) -> Ticket | None: ...
    def count_waiting_before(self, ticket: Ticket) -> int: ...
    def desk_state(self, desk: str) -> DeskState: ...
    def save_desk(self, state: DeskState) -> None: ...
    def record_event(self, ticket: Ticket, action: str, desk: str | None, at: datetime) -> None: ...
    def expire_before(self, day: date, at: datetime) -> tuple[set[str], set[str]]: ...


class QueueRules:
    """The commands of the queue, applied to a repository at the clock's time."""

    def __init__(
        self,
        repo: QueueRepository,
        services: Iterable[Service],
        desks: Iterable[Desk],
        tz: ZoneInfo,
        clock: Clock = utc_now,
    ) -> None:
        self.repo = repo
        self.services = {s.prefix: s for s in services}
        self.desks = {d.id: d for d in desks}
        self.tz = tz
        self.clock = clock

    def business_day(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    # --- the kiosk -------------------------------------------------------------------------

    def issue(self, service: str) -> tuple[Ticket, Outcome]:
        """A new ticket at the back of ``service``'s queue, coded with the day's next number."""
        if service not in self.services:
            raise QueueError("unknown_service", f"unknown service {service!r}")
        now = self.clock()
        day = self.business_day(now)
        seq = self.repo.next_sequence(service, day)
        ticket = self.repo.add_ticket(
            Ticket(
                code=ticket_code(service, seq),
                service=service,
                origin_service=service,
                business_day=day,
                seq=seq,
                issued_at=now,
            )
        )
        self.repo.record_event(ticket, "issue", None, now)
        ahead = self.repo.count_waiting_before(ticket)
        answer: dict[str, object] = {"ticket": ticket.code, "service": service, "ahead": ahead}
        return ticket, Outcome(answer=answer, services={service})

    # --- the desks -------------------------------------------------------------------------

    def command(self, desk_id: str, action: Action, to_service: str | None = None) -> Outcome:
        desk = self.desks.get(desk_id)
        if desk is None:
            raise QueueError("unknown_desk", f"unknown desk {desk_id!r}")
        handler = {
            Action.NEXT: self._next,
            Action.RECALL: self._recall,
            Action.START: self._start,
            Action.FINISH: self._finish,
            Action.NOSHOW: self._noshow,
            Action.OPEN: self._open,
            Action.CLOSE: self._close,
        }.get(action)
        now = self.clock()
        state = self.repo.desk_state(desk.id)
        if action is Action.TRANSFER:
            outcome = self._transfer(desk, state, now, to_service)
        elif handler is None:
            raise QueueError("bad_action", f"unknown action {action!r}")
        else:
            outcome = handler(desk, state, now)
        outcome.desks.add(desk.id)
        outcome.answer.setdefault("desk", desk.id)
        outcome.answer.setdefault("action", str(action))
        return outcome

    def expire_stale(self) -> tuple[set[str], set[str]]:
        """Close what is still open from earlier business days (run when a new day starts)."""
        now = self.clock()
        return self.repo.expire_before(self.business_day(now), now)

    def _current(self, state: DeskState) -> Ticket | None:
        return self.repo.get_ticket(state.ticket_id) if state.ticket_id is not None else None

    def _require_current(self, desk: Desk, state: DeskState, *allowed: TicketStatus) -> Ticket:
        if state.status is DeskStatus.CLOSED:
            raise QueueError("desk_closed", f"desk {desk.id} is closed")
        ticket = self._current(state)
        if ticket is None:
            raise QueueError("no_ticket", f"desk {desk.id} has no visitor")
        if ticket.status not in allowed:
            raise QueueError("bad_state", f"ticket {ticket.code} is {ticket.status}, not {'/'.join(allowed)}")
        return ticket

    def _set_desk(self, state: DeskState, status: DeskStatus, ticket: Ticket | None, now: datetime) -> None:
        state.status = status
        state.ticket_id = ticket.id if ticket else None
        state.since = now
        self.repo.save_desk(state)

    def _end(self, ticket: Ticket, status: TicketStatus, desk: Desk, now: datetime) -> None:
        if ticket.status is TicketStatus.CALLED and status is TicketStatus.DONE:
            # A one-button desk never presses "start": the visit began when it was called.
            ticket.started_at = ticket.called_at
        ticket.status = status
        ticket.finished_at = now
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, str(status), desk.id, now)

    def _next(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        outcome = Outcome(answer={})
        current = self._current(state)
        if current is not None and current.status in (TicketStatus.CALLED, TicketStatus.SERVING):
            self._end(current, TicketStatus.DONE, desk, now)
            outcome.answer["finished"] = current.code
            outcome.served.append(Served(current.code, current.service, desk.id, current.business_day))
            outcome.services.add(current.service)
        ticket = self.repo.first_waiting(desk.services, self.business_day(now))
        if ticket is None:
            if current is None and state.status is not DeskStatus.CLOSED:
                raise QueueError("nobody_waiting", "nobody is waiting")
            self._set_desk(state, DeskStatus.IDLE, None, now)
            outcome.answer.update(ticket=None, notice="nobody_waiting")
            return outcome
        ticket.status = TicketStatus.CALLED
        ticket.desk = desk.id
        ticket.called_at = now
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, "call", desk.id, now)
        self._set_desk(state, DeskStatus.CALLED, ticket, now)
        outcome.answer.update(ticket=ticket.code, service=ticket.service)
        outcome.services.add(ticket.service)
        outcome.calls.append(Call(ticket.code, ticket.service, desk.id, False, now))
        return outcome

    def _recall(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED)
        ticket.recall_count += 1
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, "recall", desk.id, now)
        call = Call(ticket.code, ticket.service, desk.id, True, now)
        answer: dict[str, object] = {"ticket": ticket.code, "recalls": ticket.recall_count}
        return Outcome(answer=answer, calls=[call])

    def _start(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED)
        ticket.status = TicketStatus.SERVING
        ticket.started_at = now
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, "start", desk.id, now)
        self._set_desk(state, DeskStatus.SERVING, ticket, now)
        return Outcome(answer={"ticket": ticket.code})

    def _finish(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED, TicketStatus.SERVING)
        self._end(ticket, TicketStatus.DONE, desk, now)
        self._set_desk(state, DeskStatus.IDLE, None, now)
        served = [Served(ticket.code, ticket.service, desk.id, ticket.business_day)]
        return Outcome(answer={"ticket": ticket.code}, services={ticket.service}, served=served)

    def _noshow(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED)
        self._end(ticket, TicketStatus.NO_SHOW, desk, now)
        self._set_desk(state, DeskStatus.IDLE, None, now)
        return Outcome(answer={"ticket": ticket.code}, services={ticket.service})

    def _transfer(self, desk: Desk, state: DeskState, now: datetime, to_service: str | None) -> Outcome:
        if to_service not in self.services:
            raise QueueError("unknown_service", f"unknown service {to_service!r}")
        ticket = self._require_current(desk, state, TicketStatus.CALLED, TicketStatus.SERVING)
        from_service = ticket.service
        # Back to waiting in the new queue; issued_at is untouched, so FIFO by issue time puts
        # the visitor where they would have stood had they chosen that service at the kiosk.
        ticket.service = to_service
        ticket.status = TicketStatus.WAITING
        ticket.desk = None
        ticket.called_at = None
        ticket.started_at = None
        ticket.recall_count = 0
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, f"transfer:{from_service}>{to_service}", desk.id, now)
        self._set_desk(state, DeskStatus.IDLE, None, now)
        answer: dict[str, object] = {"ticket": ticket.code, "to_service": to_service}
        return Outcome(answer=answer, services={from_service, to_service})

    def _open(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        if state.status is DeskStatus.CLOSED:
            self._set_desk(state, DeskStatus.IDLE, None, now)
        return Outcome(answer={"status": str(state.status)})

    def _close(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        if state.ticket_id is not None:
            raise QueueError("desk_busy", f"desk {desk.id} still has a visitor; finish first")
        if state.status is not DeskStatus.CLOSED:
            self._set_desk(state, DeskStatus.CLOSED, None, now)
        return Outcome(answer={"status": str(state.status)})
