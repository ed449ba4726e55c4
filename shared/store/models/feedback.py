"""What visitors say of the service: ratings (the overall face and the SKM elements), the SKM
respondent profiles counted apart from them, and complaints and suggestions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class RatingRow(Base):
    """One visitor's rating of one served ticket (or of one online request): the one-tap overall
    face (1-5) and the nine SKM elements (1-4, PermenPAN-RB 14/2017), any of them skipped (null).

    No personal data. ``ref_hash`` is the hash of the token that lets the device that began the
    rating add to it for a few minutes; any other attempt is told it was already given."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
        UniqueConstraint("online_request_id", name="uq_ratings_online_request_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    online_request_id: Mapped[int | None] = mapped_column(ForeignKey("online_requests.id"))
    source: Mapped[str] = mapped_column(String(10))  # desk (rating screen), kiosk, online
    client: Mapped[str | None] = mapped_column(String(64))  # the device id that sent it
    ref_hash: Mapped[str | None] = mapped_column(String(64))
    business_day: Mapped[date] = mapped_column(Date, index=True)  # the day of the visit
    service: Mapped[str | None] = mapped_column(String(3))
    desk: Mapped[str | None] = mapped_column(String(16))
    officer_id: Mapped[str | None] = mapped_column(String(32))  # who served: reports only
    overall: Mapped[int | None] = mapped_column(Integer)
    u1: Mapped[int | None] = mapped_column(Integer)
    u2: Mapped[int | None] = mapped_column(Integer)
    u3: Mapped[int | None] = mapped_column(Integer)
    u4: Mapped[int | None] = mapped_column(Integer)
    u5: Mapped[int | None] = mapped_column(Integer)
    u6: Mapped[int | None] = mapped_column(Integer)
    u7: Mapped[int | None] = mapped_column(Integer)
    u8: Mapped[int | None] = mapped_column(Integer)
    u9: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SkmProfileCountRow(Base):
    """SKM respondent profiles (shared.domain.skm_profile), counted per business day and answer
    combination; ``""`` is an item left unanswered. Deliberately no rating, ticket or time, and a
    random ``id`` (no insertion order): a profile cannot be joined back to a visit, so never to a
    guestbook entry."""

    __tablename__ = "skm_profile_counts"
    __table_args__ = (
        UniqueConstraint("business_day", "sex", "age", "education", "occupation",
                         name="uq_skm_profile_counts_answers"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(16), default="")
    age: Mapped[str] = mapped_column(String(16), default="")
    education: Mapped[str] = mapped_column(String(16), default="")
    occupation: Mapped[str] = mapped_column(String(16), default="")
    respondents: Mapped[int] = mapped_column(Integer, default=0)


class SkmProfileRefRow(Base):
    """A rating whose profile was given, as a hash of its ``rating_ref`` salted apart from
    ``RatingRow.ref_hash``: the hub can refuse a second profile for the same ref, yet nobody holding
    the database can tell which rating this is (the ref itself is never stored)."""

    __tablename__ = "skm_profile_refs"

    ref_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class ComplaintRow(Base):
    """A complaint or suggestion (pengaduan/saran), numbered ``ADU-20261125-001`` for the visitor
    to quote. ``text`` and the ``contact_*`` fields are personal data: stored here only, blanked by
    the retention purge; reports count complaints by status and time to answer."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("number", name="uq_complaints_number"),
        UniqueConstraint("day", "seq", name="uq_complaints_day_seq"),
        Index("ix_complaints_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))  # desk (rating screen), kiosk, online, staff
    client: Mapped[str | None] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    online_request_id: Mapped[int | None] = mapped_column(ForeignKey("online_requests.id"))
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id"))
    kind: Mapped[str] = mapped_column(String(12), default="complaint")  # complaint, suggestion
    text: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(10))  # open, answered, closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(32))  # officer, when staff typed it
    followup: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first follow-up
    answered_by: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(32))
