"""The queue's vocabulary: services, desks, tickets, statuses, actions, and what a command returns.

Pure Python data, no rules (those are ``shared.domain.queue``) and no storage (the repository
protocol is ``shared.domain.queue_repository``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

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
    PARKED = "parked"  # held at a desk: the visitor stepped away and comes back to it


ACTIVE_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)


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
    # The desk actions (issue 18; ``shared.domain.desk_actions``).
    HOLD = "hold"
    RESUME = "resume"
    CALL = "call_ticket"  # a chosen waiting ticket, out of order, with a reason
    REPEAT = "repeat"  # the announcement again: ``recall`` under the name the counter shows
    RETURN = "return"


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
    priority: bool = False  # the priority lane (``shared.domain.priority``)
    priority_category: str | None = None  # why, as the visitor said it: one of PRIORITY_CATEGORIES
    queue_at: datetime | None = None  # its place in the queue; None: its issue time

    def __post_init__(self) -> None:
        if self.queue_at is None:
            self.queue_at = self.issued_at


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
    priority: bool = False


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


DESK_ACTIONS = frozenset({Action.HOLD, Action.RESUME, Action.CALL, Action.RETURN})
"""Handled by ``shared.domain.desk_actions`` (``repeat`` is ``recall``'s handler)."""


def ticket_code(prefix: str, seq: int) -> str:
    """``A-001``: the prefix and the day's sequence, at least 3 digits."""
    return f"{prefix}-{seq:03d}"
