"""``QueueRepository`` over the hub's queue book: reads from memory, writes into the book at once and
into ``PendingWrites``, which the hub sends to the database when the command is done.

The queue passes (``queue_passes``, the 10-minute clocks' record) follow each ticket step here as
``shared.store.pass_log`` does for the SQL repository; the passes a command touched are handed to
the timing service, which settles the clocks around them from the book.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from shared.domain.idle_desks import DeskChange
from shared.domain.queue import DeskState, DeskStatus, Ticket
from shared.store import desk_history
from shared.store.book_sql import PendingWrites
from shared.store.queue_book import BookPass, QueueBook
from shared.store.repository import WaitingEntry

_LEAVING = {"done": "done", "noshow": "noshow", "hold": "hold"}


class BookRepository:
    """One command's view of the book. ``kiosk_id``: the kiosk the next new ticket comes from."""

    def __init__(self, book: QueueBook, session: Session) -> None:
        self.book = book
        self.session = session
        self.writes = PendingWrites()
        self.touched: list[BookPass] = []  # passes whose clocks may have changed
        self.changed = False  # the book was changed: a failure must reload it
        self.kiosk_id: str | None = None

    # --- QueueRepository ----------------------------------------------------------------------

    def next_sequence(self, service: str, day: date) -> int:
        self._check_day(day)
        self.changed = True
        exists = service in self.book.sequences
        seq = self.book.sequences.get(service, 0) + 1
        self.book.sequences[service] = seq
        _day, _seq, was = self.writes.sequences.get(service, (day, seq, exists))
        self.writes.sequences[service] = (day, seq, was)
        return seq

    def add_ticket(self, ticket: Ticket) -> Ticket:
        self.changed = True
        ticket.id = self.book.next_ticket_id
        self.book.next_ticket_id += 1
        self.book.put_ticket(ticket)
        self.writes.new_tickets[ticket.id] = {**self.writes.ticket_row(ticket), "kiosk_id": self.kiosk_id}
        return ticket

    def save_ticket(self, ticket: Ticket) -> None:
        if ticket.id is None or (ticket.id not in self.book.tickets and ticket.id not in self.writes.tickets):
            raise LookupError(f"ticket {ticket.id} is not in the book")
        self.changed = True
        self.book.put_ticket(ticket)
        self.writes.save_ticket(replace(ticket))

    def get_ticket(self, ticket_id: int) -> Ticket | None:
        return self.book.ticket(ticket_id)

    def first_waiting(self, services: Iterable[str], day: date) -> Ticket | None:
        self._check_day(day)
        return self.book.first_waiting(services)

    def count_waiting_before(self, ticket: Ticket) -> int:
        return self.book.count_waiting_before(ticket)

    def waiting_heads(self, service: str, day: date) -> tuple[Ticket | None, Ticket | None]:
        self._check_day(day)
        return self.book.waiting_heads(service)

    def priority_run(self, service: str) -> int:
        return self.book.runs.get(service, 0)

    def find_ticket(self, code: str, day: date) -> Ticket | None:
        self._check_day(day)
        return self.book.find_ticket(code)

    def parked_at(self, desk: str) -> list[Ticket]:
        return self.book.parked_at(desk)

    def desk_state(self, desk: str) -> DeskState:
        return replace(self.book.desk(desk).state)

    def save_desk(self, state: DeskState) -> None:
        self.changed = True
        desk = self.book.desk(state.desk)
        opened = state.status is not DeskStatus.CLOSED
        if (desk.state.status is not DeskStatus.CLOSED) != opened:
            assert state.since is not None
            self.writes.desk_history.append(desk_history.row(state.desk, opened, state.since))
            self.book.desk_changes.append(DeskChange(state.desk, opened, state.since))
        desk.state = replace(state)
        self.writes.desks[state.desk] = desk

    def record_event(self, ticket: Ticket, action: str, desk: str | None, at: datetime) -> None:
        self.changed = True
        officer = self.book.desks[desk].officer_id if desk and desk in self.book.desks else None
        self.writes.events.append(
            {"ticket_id": ticket.id, "action": action, "desk": desk, "officer_id": officer, "at": at}
        )
        if action == "issue":
            self._enter(ticket, at)
        elif action == "call":
            seq = self.book.note_call(ticket)
            current = self._open(ticket)
            if current is not None and current.called_at is None:
                current.called_at = at
                current.desk = desk
                current.call_seq = seq
                self._touch(current)
        elif action in _LEAVING:
            self._leave(ticket, _LEAVING[action], at)

        elif action.startswith("transfer:") or action == "return":
            self._leave(ticket, "transfer" if action != "return" else "returned", at)
            self._enter(ticket, at)  # ticket.service is already the new one

    def expire_before(self, day: date, at: datetime) -> tuple[set[str], set[str]]:
        raise NotImplementedError("a new day is rolled over in SQL, then the book is loaded again")

    # --- beyond the domain ----------------------------------------------------------------------

    def set_kiosk(self, ticket: Ticket, kiosk_id: str) -> None:
        row = self.writes.new_tickets.get(ticket.id or 0)
        if row is None:
            raise LookupError(f"ticket {ticket.id} was not issued in this command")
        row["kiosk_id"] = kiosk_id

    def flush(self) -> None:
        """Write what is pending now (before ORM work that needs the rows, a guest's entry)."""
        self.writes.flush(self.session)
        self.writes = PendingWrites()

    def waiting_head(self, service: str, day: date, limit: int) -> tuple[list[WaitingEntry], int]:
        """As ``SqlQueueRepository.waiting_head``, from the book."""
        self._check_day(day)
        keys = self.book.waiting_keys(service)
        entries = []
        for _issued, ticket_id in keys[:limit]:
            ticket = self.book.tickets[ticket_id]
            open_pass = self.book.open_pass(ticket_id)
            if open_pass is not None and open_pass.service != ticket.service:
                open_pass = None
            level = None
            if open_pass is not None:
                level = "breach" if open_pass.breached_at else "warning" if open_pass.warned_at else None
            started = open_pass.clock_started_at if open_pass else None
            entries.append(WaitingEntry(ticket.code, ticket.issued_at, started, level, ticket.priority))
        return entries, len(keys)

    # --- the passes ----------------------------------------------------------------------------

    def _check_day(self, day: date) -> None:
        if day != self.book.day:
            raise LookupError(f"the book holds {self.book.day}, not {day}")

    def _touch(self, item: BookPass) -> None:
        self.touched.append(item)
        self.writes.save_pass(item)

    def _open(self, ticket: Ticket) -> BookPass | None:
        return self.book.open_pass(ticket.id or 0)

    def _enter(self, ticket: Ticket, at: datetime) -> None:
        assert ticket.id is not None
        item = BookPass(
            id=self.book.next_pass_id, ticket_id=ticket.id, code=ticket.code, service=ticket.service,
            business_day=ticket.business_day, issued_at=ticket.queue_at or ticket.issued_at, entered_at=at,
            priority=ticket.priority,
        )  # fmt: skip
        self.book.next_pass_id += 1
        self.book.add_pass(item)
        self.writes.new_passes[item.id] = item
        self._touch(item)

    def _leave(self, ticket: Ticket, how: str, at: datetime) -> None:
        current = self._open(ticket)
        if current is None and how != "hold":
            # A visit resumed after a hold ends: its pass says how (its left_at stays the hold's,
            # so no clock moves back; the reports count the visit as it ended).
            held = self.book.held_pass(ticket)
            if held is not None:
                held.left_how = how
                self._touch(held)
        elif current is not None:
            current.left_at = at
            current.left_how = how
            self.book.close_pass(current)
            self._touch(current)
