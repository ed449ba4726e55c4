"""Online requests: consultations that came by WhatsApp, email, social media or the web.

An officer records a request once it is complete (clear, requirements met); it gets a number
(``OL-20261124-001``: the office day it was recorded and that day's sequence) and a due date
(``shared.domain.working_days``). The conversation is logged as officer replies and visitor messages.
Status: ``open`` (the officer owes a message), ``answered`` (the officer wrote last), ``closed``
(reason ``done``, or ``no_reply_7_days`` when the visitor has not written for 7 days after the
officer's last reply: ``auto_close``, run by the hub).

Every function works inside the caller's transaction (``shared.store.db.write_transaction``) and takes
the time as an argument. The contact, the subject and message texts are personal data: they are
stored here and nowhere else; log lines and reports carry the number alone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from shared.config import ConfigError, Settings
from shared.domain.guestbook import mask_email, mask_id
from shared.domain.working_days import (
    DEFAULT_DUE_WORKING_DAYS,
    WorkingCalendar,
    calendar_from,
    due_working_days_from,
)
from shared.store.models import OnlineMessageRow, OnlineRequestRow

log = logging.getLogger(__name__)

CHANNELS = ("whatsapp", "email", "social", "web")
OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
DONE, NO_REPLY = "done", "no_reply_7_days"
OFFICER, VISITOR = "officer", "visitor"
DEFAULT_CLOSE_AFTER_DAYS = 7
FUTURE_SLACK = timedelta(minutes=1)  # clocks of two machines may differ a little
_NUMBER = re.compile(r"^OL-(\d{8})-(\d{3,})$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,24}$")


class OnlineError(Exception):
    """A request that cannot be recorded or changed; ``code`` is stable, the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OnlinePolicy:
    """The online clocks' settings: time zone, working days, 3 working days, 7 days."""

    tz: ZoneInfo
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    due_working_days: int = DEFAULT_DUE_WORKING_DAYS
    close_after: timedelta = timedelta(days=DEFAULT_CLOSE_AFTER_DAYS)

    @classmethod
    def from_settings(cls, settings: Settings) -> OnlinePolicy:
        """From ``[timing]``: ``collective_leave``, ``online_due_working_days``,
        ``online_close_after_days``."""
        timing = settings.section("timing")
        try:
            return cls(settings.tz, calendar_from(timing), due_working_days_from(timing),
                       close_after_from(settings))  # fmt: skip
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc


def close_after_from(settings: Settings) -> timedelta:
    """``[timing] online_close_after_days`` (default 7): for the hub's ``auto_close`` call."""
    value = settings.section("timing").get("online_close_after_days", DEFAULT_CLOSE_AFTER_DAYS)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"[timing] online_close_after_days must be a number of days > 0, got {value!r}")
    return timedelta(days=value)


# --- recording -------------------------------------------------------------------------------


def add_request(
    session: Session,
    policy: OnlinePolicy,
    *,
    channel: str,
    contact: str,
    subject: str,
    now: datetime,
    complete_at: datetime | None = None,
    officer_id: str | None = None,
) -> OnlineRequestRow:
    """Record a complete request; its number and due date are set here."""
    channel = channel.strip().lower()
    if channel not in CHANNELS:
        raise OnlineError("bad_channel", f"channel must be one of {', '.join(CHANNELS)}, got {channel!r}")
    contact = _check_contact(channel, contact)
    subject = " ".join(subject.split())
    if not subject or len(subject) > 200:
        raise OnlineError("bad_subject", "the subject must have 1 to 200 characters")
    complete_at = complete_at or now
    _check_time(complete_at, now, "complete_at")
    day = now.astimezone(policy.tz).date()
    seq = (session.scalar(select(func.max(OnlineRequestRow.seq)).where(OnlineRequestRow.day == day)) or 0) + 1
    row = OnlineRequestRow(
        number=f"OL-{day:%Y%m%d}-{seq:03d}", day=day, seq=seq, channel=channel, contact=contact,
        subject=subject, complete_at=complete_at,
        due_date=policy.calendar.due_date(complete_at, policy.tz, policy.due_working_days),
        status=OPEN, created_at=now, recorded_by=officer_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    log.info("online request %s recorded (%s), due %s", row.number, channel, row.due_date)
    return row


def reply(
    session: Session,
    ref: str,
    now: datetime,
    *,
    text: str = "",
    at: datetime | None = None,
    officer_id: str | None = None,
) -> OnlineRequestRow:
    """An officer's reply (``at``: when it was sent, default now). The first one answers the
    request for the 3-working-day standard."""
    row, at = _for_message(session, ref, now, at)
    session.add(OnlineMessageRow(request_id=row.id, author=OFFICER, officer_id=officer_id, text=text, at=at))
    if row.answered_at is None or at < row.answered_at:
        row.answered_at = at
    row.last_officer_at = max(filter(None, (row.last_officer_at, at)))
    row.status = _status(row)
    log.info("online request %s: officer reply", row.number)
    return row


def visitor_message(
    session: Session, ref: str, now: datetime, *, text: str = "", at: datetime | None = None
) -> OnlineRequestRow:
    """The visitor wrote (``at``: when, default now): the officer owes a message again."""
    row, at = _for_message(session, ref, now, at)
    session.add(OnlineMessageRow(request_id=row.id, author=VISITOR, text=text, at=at))
    row.last_visitor_at = max(filter(None, (row.last_visitor_at, at)))
    row.status = _status(row)
    log.info("online request %s: visitor message", row.number)
    return row


def close(session: Session, ref: str, now: datetime) -> OnlineRequestRow:
    """The officer closes the conversation: the consultation is done."""
    row = find(session, ref)
    if row.status == CLOSED:
        raise OnlineError("closed", f"{row.number} is already closed ({row.close_reason})")
    _close(row, now, DONE)
    return row


def auto_close(
    session: Session, now: datetime, close_after: timedelta = timedelta(days=DEFAULT_CLOSE_AFTER_DAYS)
) -> list[str]:
    """Close every request whose last officer reply has had no visitor message for
    ``close_after`` (7 days); the numbers closed. Cheap when there is nothing to do (one indexed
    query): the hub may call it from its timing tick, e.g. once a minute."""
    cutoff = now - close_after
    rows = session.scalars(
        select(OnlineRequestRow)
        .where(OnlineRequestRow.status == ANSWERED, OnlineRequestRow.last_officer_at <= cutoff)
        .order_by(OnlineRequestRow.id)
    ).all()
    for row in rows:
        _close(row, now, NO_REPLY)
    return [row.number for row in rows]


def purge_personal_data(session: Session, closed_before: datetime) -> int:
    """Blank the contact, subject and message texts of requests closed before ``closed_before``
    (the retention purge); numbers, times and statuses stay for the reports. How many rows."""
    ids = select(OnlineRequestRow.id).where(
        OnlineRequestRow.status == CLOSED,
        OnlineRequestRow.closed_at < closed_before,
        or_(OnlineRequestRow.contact != "", OnlineRequestRow.subject != ""),
    )
    wanted = list(session.scalars(ids))
    if wanted:
        session.execute(
            update(OnlineMessageRow).where(OnlineMessageRow.request_id.in_(wanted)).values(text="")
        )
        session.execute(
            update(OnlineRequestRow).where(OnlineRequestRow.id.in_(wanted)).values(contact="", subject="")
        )
    return len(wanted)


# --- queries ---------------------------------------------------------------------------------


def find(session: Session, ref: str) -> OnlineRequestRow:
    """A request by its number (``OL-20261124-001``, any case) or its database id."""
    ref = ref.strip().upper()
    if ref.isdigit():
        row = session.get(OnlineRequestRow, int(ref))
    elif _NUMBER.match(ref):
        row = session.scalars(select(OnlineRequestRow).where(OnlineRequestRow.number == ref)).first()
    else:
        raise OnlineError("bad_number", f"{ref!r} is not a request number like OL-20261124-001")
    if row is None:
        raise OnlineError("unknown", f"no online request {ref}")
    return row


def open_requests(session: Session) -> list[OnlineRequestRow]:
    """Every request not closed, the earliest due first."""
    query = select(OnlineRequestRow).where(OnlineRequestRow.status != CLOSED)
    return list(session.scalars(query.order_by(OnlineRequestRow.due_date, OnlineRequestRow.id)))


def worklist(
    session: Session, today: date, closed: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[OnlineRequestRow], int]:
    """One page of the requests not closed (``closed``: the closed ones, the latest first) and how
    many in all. Not closed: the overdue first, then those due today, then the rest by due date."""
    where = OnlineRequestRow.status == CLOSED if closed else OnlineRequestRow.status != CLOSED
    query = select(OnlineRequestRow).where(where)
    if closed:
        query = query.order_by(OnlineRequestRow.closed_at.desc(), OnlineRequestRow.id.desc())
    else:
        waiting = (OnlineRequestRow.status == OPEN) & OnlineRequestRow.answered_at.is_(None)
        urgency = case(
            (waiting & (OnlineRequestRow.due_date < today), 0),
            (waiting & (OnlineRequestRow.due_date == today), 1),
            else_=2,
        )
        query = query.order_by(urgency, OnlineRequestRow.due_date, OnlineRequestRow.id)
    count = session.scalar(select(func.count()).select_from(OnlineRequestRow).where(where)) or 0
    return list(session.scalars(query.limit(limit).offset(offset))), count


def urgency(row: OnlineRequestRow, today: date) -> str:
    """``overdue`` / ``due_today`` while the first answer is owed, else ``""``."""
    if row.status != OPEN or row.answered_at is not None:
        return ""
    return "overdue" if row.due_date < today else "due_today" if row.due_date == today else ""


def closes_at(row: OnlineRequestRow, close_after: timedelta) -> datetime | None:
    """When ``auto_close`` will close the request if the visitor does not write (answered ones)."""
    if row.status != ANSWERED or row.last_officer_at is None:
        return None
    return row.last_officer_at + close_after


def thread(session: Session, row: OnlineRequestRow) -> list[OnlineMessageRow]:
    """The conversation of ``row``, oldest first."""
    query = select(OnlineMessageRow).where(OnlineMessageRow.request_id == row.id)
    return list(session.scalars(query.order_by(OnlineMessageRow.at, OnlineMessageRow.id)))


def due_today(session: Session, today: date) -> list[OnlineRequestRow]:
    """Not answered yet and due ``today``: answer them today to meet the standard."""
    return _unanswered(session, OnlineRequestRow.due_date == today)


def overdue(session: Session, today: date) -> list[OnlineRequestRow]:
    """Not answered yet and due before ``today``: the standard is already missed."""
    return _unanswered(session, OnlineRequestRow.due_date < today)


def served_at(row: OnlineRequestRow) -> datetime | None:
    """When the standard's clock stopped: the first officer reply, or the closing if earlier."""
    times = [t for t in (row.answered_at, row.closed_at) if t is not None]
    return min(times) if times else None


def mask_contact(channel: str, contact: str) -> str:
    """Enough for the officer to recognise the conversation: ``********7890``, ``s***@bps.go.id``."""
    return mask_email(contact) if channel == "email" else mask_id(contact)


# --- inside ----------------------------------------------------------------------------------


def _unanswered(session: Session, condition: object) -> list[OnlineRequestRow]:
    query = select(OnlineRequestRow).where(
        OnlineRequestRow.status == OPEN, OnlineRequestRow.answered_at.is_(None), condition
    )
    return list(session.scalars(query.order_by(OnlineRequestRow.due_date, OnlineRequestRow.id)))


def _check_contact(channel: str, contact: str) -> str:
    contact = contact.strip()
    if not contact or len(contact) > 254:
        raise OnlineError("bad_contact", "the contact must have 1 to 254 characters")
    if channel == "whatsapp" and not _PHONE.match(contact):
        raise OnlineError("bad_contact", "a WhatsApp contact must be a phone number, e.g. 0812 3456 7890")
    if channel == "email" and "@" not in contact:
        raise OnlineError("bad_contact", "an email contact must be an email address")
    return re.sub(r"[ ()-]", "", contact) if channel == "whatsapp" else contact


def _check_time(at: datetime, now: datetime, what: str) -> None:
    if at.tzinfo is None:
        raise OnlineError("bad_time", f"{what} must carry a time zone")
    if at > now + FUTURE_SLACK:
        raise OnlineError("bad_time", f"{what} is in the future")


def _for_message(
    session: Session, ref: str, now: datetime, at: datetime | None
) -> tuple[OnlineRequestRow, datetime]:
    row = find(session, ref)
    if row.status == CLOSED:
        raise OnlineError(
            "closed", f"{row.number} is closed ({row.close_reason}); record a new request for a new question"
        )
    at = at or now
    _check_time(at, now, "the message time")
    if at < row.complete_at:
        raise OnlineError("bad_time", f"the message time is before {row.number} was complete")
    return row, at


def _status(row: OnlineRequestRow) -> str:
    if row.last_officer_at is None:
        return OPEN
    if row.last_visitor_at is not None and row.last_visitor_at > row.last_officer_at:
        return OPEN
    return ANSWERED


def _close(row: OnlineRequestRow, now: datetime, reason: str) -> None:
    row.status = CLOSED
    row.closed_at = now
    row.close_reason = reason
    log.info("online request %s closed (%s)", row.number, reason)
