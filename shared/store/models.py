"""SQLAlchemy 2.0 typed models: the tables that hold the truth (the broker holds none).

Times are stored as UTC; ``UTCDateTime`` gives them back timezone-aware on every backend.
Personal data lives in ``guests`` and in the online requests' contact and messages, so a
retention purge touches those tables only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored naive UTC (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


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


class GuestLookupRow(Base):
    """A returning visitor found at a kiosk: the ``ref`` the kiosk sends back instead of the
    personal data, valid for a few minutes at that kiosk only."""

    __tablename__ = "guest_lookups"

    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id", ondelete="CASCADE"))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class OfficerRow(Base):
    """A staff account: an officer at a desk, or a supervisor or technician (the console). The PIN or
    passphrase is stored as a salted PBKDF2 hash only (``shared.domain.secrets_policy``).

    ``source`` says who keeps the row: ``config`` (the TOML's ``[[officers]]``, synced at every hub
    start; removed there means deactivated here) or ``console`` (added in the staff console, never
    touched by the sync). ``disabled_at`` is set by a disable in the console, which a sync never
    undoes; a row deactivated by the config (``active = false`` or removed) has none."""

    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(16), default="officer", server_default="officer")
    source: Mapped[str] = mapped_column(String(8), default="config", server_default="config")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=lambda: datetime.now(UTC))
    secret_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a reset in the console
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # disabled in the console


class StaffSessionRow(Base):
    """A signed-in officer: at a desk (``kind`` desk) or in the console (``kind`` console, no desk).
    Only the token's hash is stored. ``ended_at`` and ``end_reason`` say when and why it ended
    (``shared.store.staff_sessions``), so a later request with its token is told why."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    desk: Mapped[str | None] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(8), default="desk", server_default="desk")
    client: Mapped[str] = mapped_column(String(64), default="", server_default="")
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the absolute end, whatever the use
    end_reason: Mapped[str | None] = mapped_column(String(24))


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


class AccessLogRow(Base):
    """Who reached whose personal data, when (``shared.store.access_log``): a hash chain, each row
    sealed with a keyed hash of its own fields and the previous row's seal. No personal data: the
    subject is a ref, a number or a keyed hash of an identifier."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(96))  # kiosk/k1, officer/ani@desk/2, technician/pi
    action: Mapped[str] = mapped_column(String(24))  # lookup, detail_view, export, erasure, purge, ...
    subject: Mapped[str] = mapped_column(String(128))
    prev: Mapped[str] = mapped_column(String(64))  # the previous row's seal ("" for the first)
    seal: Mapped[str] = mapped_column(String(64))


class ErasureRow(Base):
    """A visitor's erasure, kept as a keyed hash of the identifier it was asked by (never the
    identifier): a restore of an older backup erases them again (``shared.store.erasure``)."""

    __tablename__ = "erasures"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # id_number, email
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SiteSetupRow(Base):
    """One group of the setup a supervisor changes on the console (``shared.store.site_setup``):
    seeded from the TOML on first boot, the database wins afterwards. ``value`` is JSON."""

    __tablename__ = "site_setup"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)  # running_text, opening_hours, ...
    value: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(64))  # an officer id, or "seed"


class SiteSetupLogRow(Base):
    """Each change of a setup group: who, when, the value before and after (no personal data)."""

    __tablename__ = "site_setup_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(32))
    old: Mapped[str] = mapped_column(Text)
    new: Mapped[str] = mapped_column(Text)
