"""The online consultations (WhatsApp, email, social media, the web) an officer records, and their
conversations. The contact and the messages are personal data, blanked by the retention purge.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class OnlineRequestRow(Base):
    """A consultation that came by WhatsApp, email, social media or the web, recorded by an officer.

    ``contact`` is personal data: it stays in this table (never logged, published or reported); a
    retention purge blanks it together with the message texts. ``due_date`` is the last working day
    on which an answer meets the 3-working-day standard (``shared.domain.working_days``)."""

    __tablename__ = "online_requests"
    __table_args__ = (
        UniqueConstraint("number", name="uq_online_requests_number"),
        UniqueConstraint("day", "seq", name="uq_online_requests_day_seq"),
        Index("ix_online_requests_open", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))  # OL-20261124-001
    day: Mapped[date] = mapped_column(Date)  # the office day it was recorded (the number's date)
    seq: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))  # whatsapp, email, social, web
    contact: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    complete_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10))  # open, answered, closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(32))  # officer id, when known
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first officer reply
    last_officer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_visitor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(20))  # done, no_reply_7_days


class OnlineMessageRow(Base):
    """One message of an online conversation: an officer's reply or the visitor's message."""

    __tablename__ = "online_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("online_requests.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # officer, visitor
    officer_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
