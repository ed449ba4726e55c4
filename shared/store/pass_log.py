"""Keeps ``queue_passes`` in step with each ticket step: the record the 10-minute clock reads.

Called by the repository for every ticket event, inside the command's transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shared.domain.queue import Ticket
from shared.store.models import QueuePassRow

_LEAVING = {"done": "done", "noshow": "noshow", "hold": "hold"}


TOUCHED = "antre_touched_passes"  # session.info key: passes changed in this transaction


class PassLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _touch(self, row: QueuePassRow) -> None:
        """Remember ``row`` for the timing service, which re-reads the clocks around it."""
        self.session.info.setdefault(TOUCHED, []).append(row)

    def on_event(self, ticket: Ticket, action: str, desk: str | None, at: datetime) -> None:
        if action == "issue":
            self._enter(ticket, ticket.service, at)
        elif action == "call":
            current = self._current(ticket)
            if current is not None and current.called_at is None:
                current.called_at = at
                current.desk = desk
                current.call_seq = self._next_call_seq(current)
                self._touch(current)
        elif action in _LEAVING:
            self._leave(ticket, _LEAVING[action], at)

        elif action.startswith("transfer:") or action == "return":
            self._leave(ticket, "transfer" if action != "return" else "returned", at)
            self._enter(ticket, ticket.service, at)  # ticket.service is already the new one

    def expire(self, ticket_ids: list[int], at: datetime) -> None:
        self.session.execute(
            update(QueuePassRow)
            .where(QueuePassRow.ticket_id.in_(ticket_ids), QueuePassRow.left_at.is_(None))
            .values(left_at=at, left_how="expired")
        )

    def _enter(self, ticket: Ticket, service: str, at: datetime) -> None:
        assert ticket.id is not None
        row = QueuePassRow(
            ticket_id=ticket.id, code=ticket.code, service=service, business_day=ticket.business_day,
            issued_at=ticket.queue_at or ticket.issued_at, entered_at=at, priority=ticket.priority,
        )  # fmt: skip
        self.session.add(row)
        self._touch(row)

    def _next_call_seq(self, row: QueuePassRow) -> int:
        """The next number in the order of the day's calls (``queue_passes.call_seq``)."""
        self.session.flush()
        last = self.session.scalar(
            select(func.max(QueuePassRow.call_seq)).where(QueuePassRow.business_day == row.business_day)
        )
        return (last or 0) + 1

    def _current(self, ticket: Ticket) -> QueuePassRow | None:
        query = (
            select(QueuePassRow)
            .where(QueuePassRow.ticket_id == ticket.id, QueuePassRow.left_at.is_(None))
            .order_by(QueuePassRow.id.desc())
        )
        return self.session.scalars(query).first()

    def _leave(self, ticket: Ticket, how: str, at: datetime) -> None:
        current = self._current(ticket)
        if current is None and how != "hold":
            # A visit resumed after a hold ends: its pass says how (left_at stays the hold's).
            held = self.session.scalars(
                select(QueuePassRow)
                .where(QueuePassRow.ticket_id == ticket.id, QueuePassRow.left_how == "hold")
                .order_by(QueuePassRow.id.desc())
            ).first()
            if held is not None:
                held.left_how = how
                self._touch(held)
        elif current is not None:
            current.left_at = at
            current.left_how = how
            self._touch(current)
