"""The guestbook: the personal data a visitor gives at the kiosk, and the short-lived lookups that
let a returning visitor take a ticket without typing it again. A retention purge blanks ``guests``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class GuestRow(Base):
    __tablename__ = "guests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(10))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    institution: Mapped[str] = mapped_column(String(120), default="")
    purpose: Mapped[str] = mapped_column(String(500))
    consent: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Anonymous categories of the free text (shared.domain.visit_categories), set when the entry is
    # stored: the retention purge blanks the text and keeps these, so reports stay the same.
    institution_type: Mapped[str | None] = mapped_column(String(16))
    purpose_category: Mapped[str | None] = mapped_column(String(16))
    # The id of this person's first entry (same ID type and number, or found by a returning
    # visitor's lookup): a plain number that outlives the purge, so reports count people.
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)


class GuestLookupRow(Base):
    """A returning visitor found at a kiosk: the ``ref`` the kiosk sends back instead of the
    personal data, valid for a few minutes at that kiosk only."""

    __tablename__ = "guest_lookups"

    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id", ondelete="CASCADE"))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
