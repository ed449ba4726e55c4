"""The SQLAlchemy side of ``QueueRepository``, plus the read queries the hub publishes from."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select, update
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
from shared.store.pass_log import PassLog

_QUEUE_AT = func.coalesce(TicketRow.queue_at, TicketRow.issued_at)  # a ticket's place in its queue


@dataclass(frozen=True)
class WaitingEntry:
    code: str
    issued_at: datetime
    clock_started_at: datetime | None
    level: str | None  # the highest 10-minute-standard level reached: None, "warning", "breach"
    priority: bool = False


_TICKET_FIELDS = (
    "code",
    "service",
    "origin_service",
    "business_day",
    "seq",
    "desk",
    "issued_at",
    "called_at",
    "started_at",
    "finished_at",
    "recall_count",
    "priority",
    "priority_category",
    "queue_at",
)


def _to_ticket(row: TicketRow) -> Ticket:
    values = {name: getattr(row, name) for name in _TICKET_FIELDS}
    return Ticket(id=row.id, status=TicketStatus(row.status), **values)


def _copy_into(row: TicketRow, ticket: Ticket) -> None:
    for name in _TICKET_FIELDS:
        setattr(row, name, getattr(ticket, name))
    row.status = str(ticket.status)


class SqlQueueRepository:
    """Implements ``shared.domain.queue.QueueRepository`` on one open session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- QueueRepository ----------------------------------------------------------------------

    def next_sequence(self, service: str, day: date) -> int:
        row = self.session.get(DailySequenceRow, (service, day))
        if row is None:
            row = DailySequenceRow(service=service, business_day=day, last_seq=0)
            self.session.add(row)
        row.last_seq += 1
        return row.last_seq

    def add_ticket(self, ticket: Ticket) -> Ticket:
        row = TicketRow(status=str(ticket.status))
        _copy_into(row, ticket)
        self.session.add(row)
        self.session.flush()
        ticket.id = row.id
        return ticket

    def save_ticket(self, ticket: Ticket) -> None:
        row = self.session.get(TicketRow, ticket.id)
        if row is None:
            raise LookupError(f"ticket {ticket.id} vanished")
        _copy_into(row, ticket)

    def get_ticket(self, ticket_id: int) -> Ticket | None:
        row = self.session.get(TicketRow, ticket_id)
        return _to_ticket(row) if row else None

    def first_waiting(self, services: Iterable[str], day: date) -> Ticket | None:
        query = (
            select(TicketRow)
            .where(
                TicketRow.business_day == day,
                TicketRow.status == str(TicketStatus.WAITING),
                TicketRow.service.in_(list(services)),
            )
            .order_by(_QUEUE_AT, TicketRow.id)
            .limit(1)
        )
        row = self.session.scalars(query).first()
        return _to_ticket(row) if row else None

    def waiting_heads(self, service: str, day: date) -> tuple[Ticket | None, Ticket | None]:
        heads: list[Ticket | None] = []
        for priority in (True, False):
            query = (
                select(TicketRow)
                .where(
                    TicketRow.business_day == day,
                    TicketRow.status == str(TicketStatus.WAITING),
                    TicketRow.service == service,
                    TicketRow.priority.is_(priority),
                )
                .order_by(_QUEUE_AT, TicketRow.id)
                .limit(1)
            )
            row = self.session.scalars(query).first()
            heads.append(_to_ticket(row) if row else None)
        return heads[0], heads[1]

    def priority_run(self, service: str) -> int:
        """From the day's calls in ``service`` (the queue passes), as the hub's book keeps it."""
        today = select(func.max(QueuePassRow.business_day)).scalar_subquery()
        rows = self.session.scalars(
            select(QueuePassRow).where(
                QueuePassRow.service == service,
                QueuePassRow.business_day == today,
                QueuePassRow.called_at.is_not(None),
            )
        ).all()
        return service_run(rows)

    def find_ticket(self, code: str, day: date) -> Ticket | None:
        active = [str(s) for s in ACTIVE_STATUSES]
        query = select(TicketRow).where(
            TicketRow.business_day == day, TicketRow.code == code, TicketRow.status.in_(active)
        )
        row = self.session.scalars(query).first()
        return _to_ticket(row) if row else None

    def parked_at(self, desk: str) -> list[Ticket]:
        query = (
            select(TicketRow)
            .where(TicketRow.status == str(TicketStatus.PARKED), TicketRow.desk == desk)
            .order_by(TicketRow.id)
        )
        return [_to_ticket(row) for row in self.session.scalars(query)]

    def count_waiting_before(self, ticket: Ticket) -> int:
        query = select(func.count()).where(
            TicketRow.business_day == ticket.business_day,
            TicketRow.status == str(TicketStatus.WAITING),
            TicketRow.service == ticket.service,
            TicketRow.id != ticket.id,
            _QUEUE_AT.__le__(ticket.queue_at or ticket.issued_at),
        )
        return int(self.session.scalar(query) or 0)

    def desk_state(self, desk: str) -> DeskState:
        row = self.session.get(DeskRow, desk)
        if row is None:
            return DeskState(desk=desk)
        return DeskState(desk=desk, status=DeskStatus(row.status), ticket_id=row.ticket_id, since=row.since)

    def save_desk(self, state: DeskState) -> None:
        row = self.session.get(DeskRow, state.desk)
        was_open = row is not None and row.status != str(DeskStatus.CLOSED)
        if row is None:
            row = DeskRow(id=state.desk)
            self.session.add(row)
        opened = state.status is not DeskStatus.CLOSED
        if was_open != opened and state.since is not None:
            self.session.add(DeskHistoryRow(**desk_history.row(state.desk, opened, state.since)))
        row.status = str(state.status)
        row.ticket_id = state.ticket_id
        row.since = state.since

    def record_event(self, ticket: Ticket, action: str, desk: str | None, at: datetime) -> None:
        # The officer signed in at the desk is kept with each step: reports count per officer.
        desk_row = self.session.get(DeskRow, desk) if desk else None
        officer = desk_row.officer_id if desk_row else None
        self.session.add(
            TicketEventRow(ticket_id=ticket.id, action=action, desk=desk, officer_id=officer, at=at)
        )
        PassLog(self.session).on_event(ticket, action, desk, at)

    def expire_before(self, day: date, at: datetime) -> tuple[set[str], set[str]]:
        active = [str(s) for s in ACTIVE_STATUSES]
        stale = select(TicketRow.id, TicketRow.service).where(
            TicketRow.business_day < day, TicketRow.status.in_(active)
        )
        rows = self.session.execute(stale).all()
        if not rows:
            return set(), set()
        ids = [row.id for row in rows]
        PassLog(self.session).expire(ids, at)
        self.session.execute(
            update(TicketRow)
            .where(TicketRow.id.in_(ids))
            .values(status=str(TicketStatus.EXPIRED), finished_at=at)
        )
        desks = set(self.session.scalars(select(DeskRow.id).where(DeskRow.ticket_id.in_(ids))))
        self.session.execute(
            update(DeskRow)
            .where(DeskRow.ticket_id.in_(ids))
            .values(status=str(DeskStatus.IDLE), ticket_id=None, since=at)
        )
        return desks, {row.service for row in rows}

    # --- beyond the domain: guests, idempotency, reads -----------------------------------------

    def set_kiosk(self, ticket: Ticket, kiosk_id: str) -> None:
        ticket_row = self.session.get(TicketRow, ticket.id)
        assert ticket_row is not None
        ticket_row.kiosk_id = kiosk_id

    def answer_for(self, source: str, request_id: str) -> dict[str, Any] | None:
        row = self.session.get(ProcessedRequestRow, (source, request_id))
        return json.loads(row.answer) if row else None

    def remember_answer(self, source: str, request_id: str, answer: dict[str, Any], at: datetime) -> None:
        self.session.add(
            ProcessedRequestRow(
                source=source, request_id=request_id, answer=json.dumps(answer), created_at=at
            )
        )

    def waiting_head(self, service: str, day: date, limit: int) -> tuple[list[WaitingEntry], int]:
        """The first ``limit`` waiting tickets of ``service`` in FIFO order with their 10-minute
        clocks, and how many wait in all."""
        waiting = (
            TicketRow.business_day == day,
            TicketRow.status == str(TicketStatus.WAITING),
            TicketRow.service == service,
        )
        open_pass = and_(
            QueuePassRow.ticket_id == TicketRow.id,
            QueuePassRow.service == TicketRow.service,
            QueuePassRow.left_at.is_(None),
        )
        head = (
            select(TicketRow.code, TicketRow.issued_at, QueuePassRow.clock_started_at, QueuePassRow.warned_at,
                   QueuePassRow.breached_at, TicketRow.priority)
            .outerjoin(QueuePassRow, open_pass)
            .where(*waiting)
            .order_by(_QUEUE_AT, TicketRow.id)
            .limit(limit)
        )  # fmt: skip
        entries = [
            WaitingEntry(row.code, row.issued_at, row.clock_started_at,
                         "breach" if row.breached_at else "warning" if row.warned_at else None,
                         bool(row.priority))
            for row in self.session.execute(head)
        ]  # fmt: skip
        count = select(func.count()).where(*waiting)
        return entries, int(self.session.scalar(count) or 0)
