"""Complaints and suggestions: numbered for the visitor to quote, followed up and closed by staff.

``ADU-20261125-001``: the office day it was made and that day's sequence. Status ``open`` (nobody
has answered), ``answered`` (a follow-up is recorded: the time to answer is kept), ``closed``.
The text and the contact details are personal data: stored in ``complaints`` only; logs and
reports carry the number alone. Functions work inside the caller's transaction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.contract.feedback_requests import ComplaintGiven, Contact
from shared.domain.queue import QueueError
from shared.store.models import ComplaintRow, OnlineRequestRow

log = logging.getLogger(__name__)

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
STATUSES = (OPEN, ANSWERED, CLOSED)
_NUMBER = re.compile(r"^ADU-\d{8}-\d{3,}$")


def add(
    session: Session,
    *,
    text: str,
    kind: str,
    source: str,
    day: date,
    now: datetime,
    contact: Contact | None = None,
    client: str | None = None,
    ticket_id: int | None = None,
    online_request_id: int | None = None,
    rating_id: int | None = None,
    recorded_by: str | None = None,
) -> ComplaintRow:
    contact = contact or Contact()
    seq = (session.scalar(select(func.max(ComplaintRow.seq)).where(ComplaintRow.day == day)) or 0) + 1
    row = ComplaintRow(
        number=f"ADU-{day:%Y%m%d}-{seq:03d}", day=day, seq=seq, source=source, client=client,
        ticket_id=ticket_id, online_request_id=online_request_id, rating_id=rating_id, kind=kind,
        text=text, contact_name=contact.name, contact_email=contact.email, contact_phone=contact.phone,
        status=OPEN, created_at=now, recorded_by=recorded_by, followup="",
    )  # fmt: skip
    session.add(row)
    session.flush()
    log.info("%s %s recorded (%s)", kind, row.number, source)
    return row


def from_visitor(
    session: Session, request: ComplaintGiven, client: str, day: date, now: datetime,
    ticket_id: int | None, rating_id: int | None,
) -> ComplaintRow:  # fmt: skip
    return add(
        session, text=request.text, kind=request.kind, source=request.via, day=day, now=now,
        contact=request.contact, client=client, ticket_id=ticket_id, rating_id=rating_id,
    )  # fmt: skip


def from_online(
    session: Session, number: str, text: str, kind: str, day: date, now: datetime, officer_id: str | None
) -> ComplaintRow:
    """A complaint an online visitor made, recorded by an officer against the online request."""
    request = session.scalars(select(OnlineRequestRow).where(OnlineRequestRow.number == number)).first()
    if request is None:
        raise QueueError("unknown_request", f"no online request {number}")
    return add(
        session, text=text, kind=kind, source="online", day=day, now=now,
        online_request_id=request.id, recorded_by=officer_id,
    )  # fmt: skip


def get(session: Session, number: str) -> ComplaintRow:
    number = number.strip().upper()
    if not _NUMBER.match(number):
        raise QueueError("bad_request", f"{number!r} is not a complaint number such as ADU-20261125-001")
    row = session.scalars(select(ComplaintRow).where(ComplaintRow.number == number)).first()
    if row is None:
        raise QueueError("unknown_complaint", f"no complaint {number}")
    return row


def answer(
    session: Session, number: str, followup: str, officer_id: str | None, now: datetime
) -> ComplaintRow:
    """Record the follow-up given to the visitor; the first one sets the time to answer."""
    row = get(session, number)
    if row.status == CLOSED:
        raise QueueError("complaint_closed", f"complaint {row.number} is closed")
    if not followup.strip():
        raise QueueError("bad_request", "the follow-up must say what was done or answered")
    row.followup = (row.followup + "\n\n" if row.followup else "") + followup.strip()
    if row.answered_at is None:
        row.answered_at, row.answered_by = now, officer_id
    row.status = ANSWERED
    log.info("complaint %s answered", row.number)
    return row


def close(session: Session, number: str, officer_id: str | None, now: datetime) -> ComplaintRow:
    row = get(session, number)
    if row.status == CLOSED:
        return row
    row.status, row.closed_at, row.closed_by = CLOSED, now, officer_id
    log.info("complaint %s closed", row.number)
    return row


def listing(session: Session, statuses: Sequence[str] = (OPEN, ANSWERED)) -> list[ComplaintRow]:
    query = select(ComplaintRow).where(ComplaintRow.status.in_(statuses)).order_by(ComplaintRow.created_at)
    return list(session.scalars(query))
