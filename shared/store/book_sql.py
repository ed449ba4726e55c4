"""The queue book's SQL: loading it, and writing what one command changed in a few Core statements.

A command's changes wait in ``PendingWrites`` until the command is done, then go out grouped by
table, each group one statement (an ``executemany`` when it has several rows): a ``next`` is one
UPDATE of tickets, one UPDATE of passes, one INSERT of events, one UPDATE of the desk, whatever
it changed. Row ids are handed out by the book (the hub is the only writer of these tables).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from shared.domain.queue import ACTIVE_STATUSES, DeskState, DeskStatus, Ticket, TicketStatus
from shared.domain.timing import service_run
from shared.store import desk_history
from shared.store.models import (
    DailySequenceRow,
    DeskHistoryRow,
    DeskRow,
    ProcessedRequestRow,
    QueuePassRow,
    TicketEventRow,
    TicketRow,
)
from shared.store.queue_book import BookDesk, BookPass, QueueBook

TICKETS = TicketRow.__table__
PASSES = QueuePassRow.__table__
EVENTS = TicketEventRow.__table__
DESKS = DeskRow.__table__
DESK_HISTORY = DeskHistoryRow.__table__
SEQUENCES = DailySequenceRow.__table__
ANSWERS = ProcessedRequestRow.__table__

_TICKET_COLUMNS = ("code", "service", "origin_service", "business_day", "seq", "desk", "issued_at",
                   "called_at", "started_at", "finished_at", "recall_count", "priority", "priority_category",
                   "queue_at")  # fmt: skip
_TICKET_CHANGES = ("service", "status", "desk", "called_at", "started_at", "finished_at", "recall_count")
_PASS_CHANGES = ("called_at", "left_at", "left_how", "desk", "clock_started_at", "clock_s",
                 "warned_at", "breached_at", "call_seq")  # fmt: skip
_PASS_COLUMNS = ("ticket_id", "code", "service", "business_day", "issued_at", "entered_at", "priority",
                 *_PASS_CHANGES)  # fmt: skip


def load_book(session: Session, day: date) -> QueueBook:
    """Today's queues as the database holds them now (inside ``session``'s transaction)."""
    book = QueueBook(day)
    active = [str(s) for s in ACTIVE_STATUSES]
    for row in session.execute(select(TICKETS).where(TICKETS.c.status.in_(active))):
        values = {name: getattr(row, name) for name in _TICKET_COLUMNS}
        book.put_ticket(Ticket(id=row.id, status=TicketStatus(row.status), **values))
    for row in session.execute(select(DESKS)):
        state = DeskState(row.id, DeskStatus(row.status), row.ticket_id, row.since)
        book.desks[row.id] = BookDesk(state, row.officer_id)
    where_today = SEQUENCES.c.business_day == day
    for row in session.execute(select(SEQUENCES.c.service, SEQUENCES.c.last_seq).where(where_today)):
        book.sequences[row.service] = row.last_seq
    query = select(PASSES).where(PASSES.c.business_day == day).order_by(PASSES.c.id)
    calls: dict[str, list[BookPass]] = {}
    for row in session.execute(query):
        item = BookPass(id=row.id, **{name: getattr(row, name) for name in _PASS_COLUMNS})
        book.add_pass(item)
        if item.called_at is not None:
            calls.setdefault(item.service, []).append(item)
            book.last_call_seq = max(book.last_call_seq, item.call_seq or 0)
    book.runs = {service: service_run(made) for service, made in calls.items()}
    # From a day before the UTC midnight: the local day's start in any timezone is after it.
    book.desk_changes = desk_history.changes(session, datetime.combine(day, time(0), UTC) - timedelta(days=1))
    last_pass = select(func.max(PASSES.c.id)).scalar_subquery()
    ids = session.execute(select(func.max(TICKETS.c.id), last_pass)).one()
    book.next_ticket_id = (ids[0] or 0) + 1
    book.next_pass_id = (ids[1] or 0) + 1
    if session.get_bind().dialect.name == "postgresql":
        # The hub hands out these ids itself; a sequence is set past them so that anything else
        # inserting through it starts beyond the rows there now.
        for table, last in (("tickets", ids[0]), ("queue_passes", ids[1])):
            if last:
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {int(last)})"))
    return book


@dataclass
class PendingWrites:
    """What one command changed, not yet written (last value wins per row)."""

    # service -> (day, seq, whether the day's row exists already)
    sequences: dict[str, tuple[date, int, bool]] = field(default_factory=dict)
    new_tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    tickets: dict[int, Ticket] = field(default_factory=dict)
    new_passes: dict[int, BookPass] = field(default_factory=dict)
    passes: dict[int, BookPass] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    desks: dict[str, BookDesk] = field(default_factory=dict)
    desk_history: list[dict[str, Any]] = field(default_factory=list)  # openings and closings

    def ticket_row(self, ticket: Ticket) -> dict[str, Any]:
        values = {name: getattr(ticket, name) for name in _TICKET_COLUMNS}
        return {**values, "id": ticket.id, "status": str(ticket.status), "kiosk_id": None, "guest_id": None}

    def save_ticket(self, ticket: Ticket) -> None:
        assert ticket.id is not None
        if ticket.id in self.new_tickets:
            row = self.new_tickets[ticket.id]
            row.update(self.ticket_row(ticket), kiosk_id=row["kiosk_id"])
        else:
            self.tickets[ticket.id] = ticket

    def save_pass(self, item: BookPass) -> None:
        if item.id not in self.new_passes:
            self.passes[item.id] = item

    def __bool__(self) -> bool:
        return any((self.sequences, self.new_tickets, self.tickets, self.new_passes, self.passes,
                    self.events, self.desks, self.desk_history))  # fmt: skip

    def flush(self, session: Session) -> None:
        """Write everything, one statement per table and kind, in an order the foreign keys accept."""
        connection = session.connection()  # Core on the session's connection: no ORM work per statement
        for service, (day, seq, exists) in self.sequences.items():
            if exists:
                connection.execute(_SEQUENCE_UPDATE, [{"b_service": service, "b_day": day, "last_seq": seq}])
            else:
                row = {"service": service, "business_day": day, "last_seq": seq}
                connection.execute(_SEQUENCE_INSERT, [row])
        if self.new_tickets:
            connection.execute(_TICKET_INSERT, list(self.new_tickets.values()))
        if self.tickets:
            rows = [{"b_id": t.id, **{n: getattr(t, n) for n in _TICKET_CHANGES}, "status": str(t.status)}
                    for t in self.tickets.values()]  # fmt: skip
            connection.execute(_TICKET_UPDATE, rows)
        if self.new_passes:
            rows = [{"id": p.id, **{n: getattr(p, n) for n in _PASS_COLUMNS}}
                    for p in self.new_passes.values()]  # fmt: skip
            connection.execute(_PASS_INSERT, rows)
        if self.passes:
            rows = [{"b_id": p.id, **{n: getattr(p, n) for n in _PASS_CHANGES}} for p in self.passes.values()]
            connection.execute(_PASS_UPDATE, rows)
        if self.events:
            connection.execute(_EVENT_INSERT, self.events)
        new = [_desk_row(d) for d in self.desks.values() if not d.stored]
        old = [{**_desk_row(d), "b_id": d.state.desk} for d in self.desks.values() if d.stored]
        for row in old:
            del row["id"]
        if new:
            connection.execute(_DESK_INSERT, new)
        if old:
            connection.execute(_DESK_UPDATE, old)
        for desk in self.desks.values():
            desk.stored = True
        if self.desk_history:  # a rare transition: an already-open desk's next writes none
            connection.execute(_DESK_HISTORY_INSERT, self.desk_history)


def _desk_row(desk: BookDesk) -> dict[str, Any]:
    state = desk.state
    return {"id": state.desk, "status": str(state.status), "ticket_id": state.ticket_id, "since": state.since,
            "officer_id": desk.officer_id}  # fmt: skip


def _update(table: Any, names: tuple[str, ...], key: str = "id") -> Any:
    return update(table).where(table.c[key] == bindparam("b_id")).values({n: bindparam(n) for n in names})


# Built once: their compiled forms are cached, a command pays only for its values.
_SEQUENCE_INSERT = insert(SEQUENCES)
_SEQUENCE_UPDATE = (
    update(SEQUENCES)
    .where(SEQUENCES.c.service == bindparam("b_service"), SEQUENCES.c.business_day == bindparam("b_day"))
    .values(last_seq=bindparam("last_seq"))
)
_TICKET_INSERT = insert(TICKETS)
_PASS_INSERT = insert(PASSES)
_EVENT_INSERT = insert(EVENTS)
_DESK_INSERT = insert(DESKS)
_DESK_HISTORY_INSERT = insert(DESK_HISTORY)
_TICKET_UPDATE = _update(TICKETS, _TICKET_CHANGES)
_PASS_UPDATE = _update(PASSES, _PASS_CHANGES)
_DESK_UPDATE = _update(DESKS, ("status", "ticket_id", "since", "officer_id"))


def claim_answer(session: Session, source: str, request_id: str, body: dict[str, Any], at: datetime) -> bool:
    """Store the answer under ``(source, request_id)``; False (and nothing stored) when one is
    there already: the request is a repeat, to be answered from the record."""
    values = {"source": source, "request_id": request_id, "answer": json.dumps(body), "created_at": at}
    statement = _CLAIMS.get(session.get_bind().dialect.name)
    if statement is None:  # pragma: no cover - the hub runs on the two databases above
        if stored_answer(session, source, request_id) is not None:
            return False
        statement = insert(ANSWERS)
    result = session.connection().execute(statement, values)
    # RETURNING, not rowcount: psycopg reports no row count for an upsert executed this way.
    return result.first() is not None if result.returns_rows else bool(result.rowcount)


_CLAIMS: dict[str, Any] = {
    "sqlite": sqlite_insert(ANSWERS).on_conflict_do_nothing().returning(ANSWERS.c.source),
    "postgresql": pg_insert(ANSWERS).on_conflict_do_nothing().returning(ANSWERS.c.source),
}


def stored_answer(session: Session, source: str, request_id: str) -> dict[str, Any] | None:
    where = (ANSWERS.c.source == source) & (ANSWERS.c.request_id == request_id)
    found = session.execute(select(ANSWERS.c.answer).where(where)).scalar()
    return json.loads(found) if found is not None else None
