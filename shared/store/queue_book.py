"""The hub's in-memory book of today's queues: what a command reads, kept in step with the database.

Pure Python (no SQLAlchemy): ``shared.store.book_sql`` loads it and writes what changes,
``shared.store.book_repository`` serves the domain's ``QueueRepository`` from it. The hub is the
only writer, so the book equals the database as long as every write goes through it; whatever
else writes queue rows (a day roll, the staff desk) or a transaction that fails makes the hub load
it again, so memory never parts from the stored truth.

What it holds: the active tickets (waiting, called, serving), every desk, today's last sequence
number per service, today's queue passes in queue order (the 10-minute clocks' record: the
clocks need a pass's neighbours, finished ones too), and the next free row ids.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.domain.idle_desks import DeskChange
from shared.domain.priority import next_run
from shared.domain.queue import ACTIVE_STATUSES, DeskState, Ticket, TicketStatus


@dataclass(slots=True, eq=False)
class BookPass:
    """One ``queue_passes`` row (same attribute names: the timing service reads either)."""

    id: int
    ticket_id: int
    code: str
    service: str
    business_day: date
    issued_at: datetime
    entered_at: datetime
    called_at: datetime | None = None
    left_at: datetime | None = None
    left_how: str | None = None
    desk: str | None = None
    clock_started_at: datetime | None = None
    clock_s: float | None = None
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    priority: bool = False
    call_seq: int | None = None


@dataclass(slots=True)
class BookDesk:
    state: DeskState
    officer_id: str | None = None
    stored: bool = True  # False: no ``desks`` row yet (the first save inserts it)


def queue_key(queue_at: datetime, ticket_id: int) -> tuple[datetime, int]:
    """The queue's order: queue time (a priority ticket's is earlier than its issue time), then
    ticket id (``shared.domain.priority.queue_key``)."""
    return (queue_at, ticket_id)


def _key(ticket: Ticket) -> tuple[datetime, int]:
    return queue_key(ticket.queue_at or ticket.issued_at, ticket.id or 0)


def _pass_key(item: BookPass) -> tuple[datetime, int]:
    return (item.issued_at, item.ticket_id)


@dataclass
class QueueBook:
    day: date
    tickets: dict[int, Ticket] = field(default_factory=dict)  # active tickets by id
    desks: dict[str, BookDesk] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)  # service -> today's last seq (stored)
    passes: dict[int, BookPass] = field(default_factory=dict)  # today's passes by id
    next_ticket_id: int = 1
    next_pass_id: int = 1
    runs: dict[str, int] = field(default_factory=dict)  # service -> today's run of priority calls
    last_call_seq: int = 0  # the day's calls so far, in the order made (``BookPass.call_seq``)
    # The desks' openings and closings since the day began (and each desk's last one before):
    # the idle-desk figure's open periods, read on the command path without a statement.
    desk_changes: list[DeskChange] = field(default_factory=list)
    # service -> waiting tickets' queue keys, sorted (queue order): all, and the priority ones
    _waiting: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict)
    _priority: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict)
    _parked: dict[int, str] = field(default_factory=dict)  # parked ticket id -> its desk
    # service -> today's passes in queue order; ticket id -> its open pass
    _queues: dict[str, list[BookPass]] = field(default_factory=dict)
    _open: dict[int, BookPass] = field(default_factory=dict)

    # --- tickets ----------------------------------------------------------------------------

    def put_ticket(self, ticket: Ticket) -> None:
        """Store ``ticket`` as it is now (a copy): the waiting lists follow its status."""
        assert ticket.id is not None
        old = self.tickets.get(ticket.id)
        if old is not None and old.status is TicketStatus.WAITING:
            self._unwait(old)
        self._parked.pop(ticket.id, None)
        if ticket.status is TicketStatus.PARKED:
            self._parked[ticket.id] = ticket.desk or ""
        if ticket.status in ACTIVE_STATUSES:
            self.tickets[ticket.id] = _copy(ticket)
            if ticket.status is TicketStatus.WAITING:
                bisect.insort(self._waiting.setdefault(ticket.service, []), _key(ticket))
                if ticket.priority:
                    bisect.insort(self._priority.setdefault(ticket.service, []), _key(ticket))
        else:
            self.tickets.pop(ticket.id, None)

    def ticket(self, ticket_id: int) -> Ticket | None:
        found = self.tickets.get(ticket_id)
        return _copy(found) if found is not None else None

    def _unwait(self, ticket: Ticket) -> None:
        key = _key(ticket)
        for keys in (self._waiting.get(ticket.service, []), self._priority.get(ticket.service, [])):
            at = bisect.bisect_left(keys, key)
            if at < len(keys) and keys[at] == key:
                del keys[at]

    def first_waiting(self, services: Iterable[str]) -> Ticket | None:
        heads = [keys[0] for s in services if (keys := self._waiting.get(s))]
        return self.ticket(min(heads)[1]) if heads else None

    def waiting_heads(self, service: str) -> tuple[Ticket | None, Ticket | None]:
        """The first priority and the first ordinary waiting ticket of ``service``."""
        keys = self._waiting.get(service)
        if not keys:
            return None, None
        priority = self._priority.get(service) or []
        first_priority = self.ticket(priority[0][1]) if priority else None
        # The ordinary head: the first key that is not a priority one (priority tickets stand in
        # front, so this skips at most the priority tickets waiting).
        ordinary = None
        for key in keys:
            found = self.tickets[key[1]]
            if not found.priority:
                ordinary = self.ticket(key[1])
                break
        return first_priority, ordinary

    def note_call(self, ticket: Ticket) -> int:
        """A ticket was called in its service: the service's run of priority calls follows. The
        call's place in the order of the day's calls (its pass's ``call_seq``)."""
        self.runs[ticket.service] = next_run(self.runs.get(ticket.service, 0), ticket.priority)
        self.last_call_seq += 1
        return self.last_call_seq

    def find_ticket(self, code: str) -> Ticket | None:
        found = next((t for t in self.tickets.values() if t.code == code), None)
        return _copy(found) if found is not None else None

    def parked_at(self, desk: str) -> list[Ticket]:
        if not self._parked:  # the usual case, on every desk state published
            return []
        return [_copy(self.tickets[i]) for i in sorted(self._parked) if self._parked[i] == desk]

    def waiting_keys(self, service: str) -> list[tuple[datetime, int]]:
        return self._waiting.get(service, [])

    def count_waiting_before(self, ticket: Ticket) -> int:
        keys = self._waiting.get(ticket.service, [])
        upto = bisect.bisect_right(keys, (ticket.queue_at or ticket.issued_at, float("inf")))  # queue_at <=
        mine = ticket.id in self.tickets and self.tickets[ticket.id].status is TicketStatus.WAITING
        return upto - (1 if mine and self.tickets[ticket.id].service == ticket.service else 0)

    # --- desks ------------------------------------------------------------------------------

    def desk(self, desk_id: str) -> BookDesk:
        found = self.desks.get(desk_id)
        if found is None:
            found = self.desks[desk_id] = BookDesk(DeskState(desk=desk_id), stored=False)
        return found

    # --- queue passes -----------------------------------------------------------------------

    def add_pass(self, item: BookPass) -> None:
        self.passes[item.id] = item
        queue = self._queues.setdefault(item.service, [])
        # After any pass with the same key: the order SQL gives them is unspecified anyway.
        queue.insert(bisect.bisect_right(queue, _pass_key(item), key=_pass_key), item)
        if item.left_at is None:
            self._open[item.ticket_id] = item

    def open_pass(self, ticket_id: int) -> BookPass | None:
        return self._open.get(ticket_id)

    def close_pass(self, item: BookPass) -> None:
        if self._open.get(item.ticket_id) is item:
            del self._open[item.ticket_id]

    def held_pass(self, ticket: Ticket) -> BookPass | None:
        """The pass ``ticket`` left when it was parked (``hold``): a resumed visit ends there."""
        for item in reversed(self._queues.get(ticket.service, [])):
            if item.ticket_id == ticket.id and item.left_how == "hold":
                return item
        return None

    def queue_passes(self, service: str) -> list[BookPass]:
        """Today's passes of ``service``'s queue in its order (issue time, then ticket id)."""
        return self._queues.get(service, [])

    def neighbour(self, item: BookPass, *, after: bool) -> BookPass | None:
        """The pass just after (or before) ``item`` in its queue, by a strictly different key."""
        queue = self._queues.get(item.service, [])
        key = _pass_key(item)
        if after:
            at = bisect.bisect_right(queue, key, key=_pass_key)
            return queue[at] if at < len(queue) else None
        at = bisect.bisect_left(queue, key, key=_pass_key)
        return queue[at - 1] if at > 0 else None


def _copy(ticket: Ticket) -> Ticket:
    return Ticket(
        code=ticket.code, service=ticket.service, origin_service=ticket.origin_service,
        business_day=ticket.business_day, seq=ticket.seq, issued_at=ticket.issued_at,
        status=ticket.status, desk=ticket.desk, called_at=ticket.called_at, started_at=ticket.started_at,
        finished_at=ticket.finished_at, recall_count=ticket.recall_count, id=ticket.id,
        priority=ticket.priority, priority_category=ticket.priority_category, queue_at=ticket.queue_at,
    )  # fmt: skip
