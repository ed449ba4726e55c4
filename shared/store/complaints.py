"""Complaints and suggestions: numbered for the visitor to quote, followed up and closed by staff.

``ADU-20261125-001``: the office day it was made and that day's sequence. Status ``open`` (nobody
has answered), ``answered`` (a follow-up is recorded: the time to answer is kept), ``closed``.
The text and the contact details are personal data: stored in ``complaints`` only; logs and
reports carry the number alone. Functions work inside the caller's transaction.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from shared.contract.feedback_requests import KINDS, TEXT_LIMIT, ComplaintGiven, Contact, contact_problems
from shared.domain import guestbook
from shared.domain.queue import QueueError
from shared.store.models import ComplaintRow, OnlineRequestRow

log = logging.getLogger(__name__)

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
STATUSES = (OPEN, ANSWERED, CLOSED)
_NUMBER = re.compile(r"^ADU-\d{8}-\d{3,}$")
_ONLINE_NUMBER = re.compile(r"^OL-\d{8}-\d{3,}$")
# How staff received a complaint they type in (the ``source``; the kiosk and the rating screen
# send theirs as ``kiosk`` and ``desk``, the CLI as ``staff``).
RECEIVED_VIA = ("walkin", "phone", "letter", "online")
FOLLOWUP_LIMIT = 4000


class ComplaintInputError(QueueError):
    """A complaint that cannot be recorded as typed: ``fields`` maps each field to a problem code."""

    def __init__(self, fields: dict[str, str]) -> None:
        listed = ", ".join(f"{name}: {code}" for name, code in sorted(fields.items()))
        super().__init__("bad_input", f"the complaint is not valid ({listed})")
        self.fields = fields


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


def input_problems(
    via: str, kind: str, text: str, contact: Contact, online_number: str = ""
) -> dict[str, str]:
    """Field -> problem code of a complaint staff received (empty: it can be recorded)."""
    problems: dict[str, str] = {}
    if via not in RECEIVED_VIA:
        problems["via"] = "unknown_channel"
    if kind not in KINDS:
        problems["kind"] = "unknown_kind"
    text = text.strip()
    if not text:
        problems["text"] = "required"
    elif len(text) > TEXT_LIMIT:
        problems["text"] = "too_long"
    elif guestbook.has_control_chars(text.replace("\n", " ").replace("\r", "").replace("\t", " ")):
        problems["text"] = "control_chars"
    problems.update(contact_problems(contact.name, contact.email, contact.phone))
    if online_number and (via != "online" or not _ONLINE_NUMBER.match(online_number.strip().upper())):
        problems["online"] = "bad_number"
    return problems


def receive(
    session: Session, *, via: str, kind: str, text: str, contact: Contact, day: date, now: datetime,
    officer_id: str | None, online_number: str = "",
) -> ComplaintRow:  # fmt: skip
    """A complaint staff received by ``via`` (walk-in, phone, letter, online) and typed in; an
    online one may name the request it is about. ``ComplaintInputError`` when a field is wrong."""
    # Tidied as the kiosk tidies a guest's (spaces and dashes typed in a phone number).
    contact = Contact(" ".join(contact.name.split()), contact.email.strip().lower(),
                      re.sub(r"[ ().-]", "", contact.phone))  # fmt: skip
    problems = input_problems(via, kind, text, contact, online_number)
    if problems:
        raise ComplaintInputError(problems)
    text = text.strip().replace("\r\n", "\n")
    if online_number:
        return from_online(session, online_number.strip().upper(), text, kind, day, now, officer_id)
    return add(session, text=text, kind=kind, source=via, day=day, now=now, contact=contact,
               recorded_by=officer_id)  # fmt: skip


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
    if len(followup.strip()) > FOLLOWUP_LIMIT:
        raise QueueError("too_long", f"the follow-up must have at most {FOLLOWUP_LIMIT} characters")
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


def _filter(statuses: Sequence[str]) -> ColumnElement[bool]:
    return ComplaintRow.status.in_(statuses)


def page(
    session: Session, statuses: Sequence[str] = (OPEN, ANSWERED), limit: int = 50, offset: int = 0
) -> tuple[list[ComplaintRow], int]:
    """One page of complaints in ``statuses``, the open ones first, oldest first; and how many in all."""
    open_first = case((ComplaintRow.status == OPEN, 0), else_=1)
    query = select(ComplaintRow).where(_filter(statuses))
    query = query.order_by(open_first, ComplaintRow.created_at, ComplaintRow.id).limit(limit).offset(offset)
    count = session.scalar(select(func.count()).select_from(ComplaintRow).where(_filter(statuses))) or 0
    return list(session.scalars(query)), count


def time_to_answer(row: ComplaintRow) -> timedelta | None:
    """From receiving the complaint to its first follow-up (``None`` while nobody has answered)."""
    return row.answered_at - row.created_at if row.answered_at is not None else None


def median_time_to_answer(session: Session, statuses: Sequence[str] = STATUSES) -> timedelta | None:
    """The median time to answer of the answered complaints in ``statuses``."""
    query = select(ComplaintRow.created_at, ComplaintRow.answered_at).where(
        _filter(statuses), ComplaintRow.answered_at.is_not(None)
    )
    seconds = [(answered - created).total_seconds() for created, answered in session.execute(query)]
    return timedelta(seconds=statistics.median(seconds)) if seconds else None
