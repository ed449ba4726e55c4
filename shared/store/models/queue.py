"""The lobby's queue: tickets and every step of them, each ticket's passes through the service
queues (where the 10-minute clock is kept), the day's sequence numbers, the desks that call them
and their open/close history, and the requests already answered (idempotency).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("business_day", "code", name="uq_tickets_day_code"),
        Index("ix_tickets_queue", "business_day", "status", "service", "issued_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(3))
    origin_service: Mapped[str] = mapped_column(String(3))
    business_day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    desk: Mapped[str | None] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    kiosk_id: Mapped[str | None] = mapped_column(String(64))
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id", ondelete="SET NULL"))
    # The priority lane (shared.domain.priority): the flag, the visitor's stated category (one of
    # PRIORITY_CATEGORIES, nothing personal beyond it) and the ticket's place in its queue.
    priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    priority_category: Mapped[str | None] = mapped_column(String(16))
    queue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: issued_at


class TicketEventRow(Base):
    """Every step of every ticket: the audit trail the timing service and reports read."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    desk: Mapped[str | None] = mapped_column(String(16))
    officer_id: Mapped[str | None] = mapped_column(String(32))  # who was signed in at the desk
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DailySequenceRow(Base):
    __tablename__ = "daily_sequences"

    service: Mapped[str] = mapped_column(String(3), primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class DeskRow(Base):
    __tablename__ = "desks"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    officer_id: Mapped[str | None] = mapped_column(String(32))


class DeskHistoryRow(Base):
    """A desk opening or closing (``status``: ``open`` or ``closed``), written in the command that
    did it: the desks' open periods for the idle-desk figure (``shared.store.desk_history``). Calls
    and finishes at an open desk write nothing here."""

    __tablename__ = "desk_history"
    __table_args__ = (Index("ix_desk_history_desk_at", "desk", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    desk: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ProcessedRequestRow(Base):
    """Idempotency: each ``request_id`` once per sender, with its answer (a key, not a memory)."""

    __tablename__ = "processed_requests"

    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QueuePassRow(Base):
    """One ticket's stay in one service queue: from entering it (issue or transfer in) to leaving
    it (done, no-show, transfer out, expired). The 10-minute clock is kept per pass."""

    __tablename__ = "queue_passes"
    __table_args__ = (Index("ix_queue_passes_queue", "business_day", "service", "issued_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(3))
    business_day: Mapped[date] = mapped_column(Date)
    # The ticket's place in the queue: its queue time (a priority ticket's is earlier than its
    # issue time by the head start, shared.domain.priority); an ordinary ticket's is its issue time.
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # done, noshow, transfer, expired; hold (parked at the desk), returned (sent back to the queue)
    left_how: Mapped[str | None] = mapped_column(String(10))
    desk: Mapped[str | None] = mapped_column(String(16))  # the desk that called it
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_s: Mapped[float | None] = mapped_column(Float)  # the standard's wait, at the call
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Grows with each call of the day: the order of calls made at the same time (timing.call_key).
    call_seq: Mapped[int | None] = mapped_column(Integer)
